#!/usr/bin/env bash
# The lwip component (recipes/lwip): the recipe builds from Debian's source
# package, twice byte for byte alike, with no build path inside and no SSE
# register in its code; the archive needs from outside exactly what its
# README lists; the built-in store holds that build; and a program linked
# with it (uk.yaml libraries: [lwip], tests/lwip/main.c) runs lwIP over an
# interface of its own in a booted guest, printing what it prints as a
# static musl Linux program and what tests/lwip/expected.txt holds.
. "$(dirname "$0")/lib.sh"
here=$UK_ROOT/tests/lwip
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm

# the source package downloaded by the project's own build, when there is one
cache=$UK_ROOT/build/components/lwip.work/cache
[ -f "$cache/.downloaded" ] || cache=$tmp/cache
build() { # DIR
	make -s -j2 -C "$UK_ROOT/recipes/lwip" O="$1" CACHE="$cache" >"$1.log" 2>&1
}
if ! build "$tmp/a"; then
	fail lwip-recipe-builds "$(tail -n 20 "$tmp/a.log")"
	exit 0
fi
pass lwip-recipe-builds
c=$tmp/a
check lwip-recipe-component bash -c "
	grep -qx 'name: lwip' '$c/component.yaml' &&
	grep -qx 'version: 2\.1\.3-[0-9A-Za-z.]*' '$c/component.yaml' &&
	grep -qx 'archives: \[lib/liblwip.a\]' '$c/component.yaml' &&
	grep -qx 'requires: \[\]' '$c/component.yaml' &&
	test -f '$c/include/lwipopts.h' -a -f '$c/include/arch/cc.h' -a -f '$c/include/lwip/tcp.h' \
		-a -f '$c/COPYING' -a ! -e '$c/include/netif/ppp'"

if ! build "$tmp/b"; then
	fail lwip-recipe-reproducible "second build: $(tail -n 20 "$tmp/b.log")"
elif out=$(diff -r "$tmp/a" "$tmp/b" 2>&1); then
	pass lwip-recipe-reproducible
else
	fail lwip-recipe-reproducible "$out"
fi

a=$c/lib/liblwip.a
if grep -qaF -e "$tmp" -e "$UK_ROOT" "$a"; then
	fail lwip-archive-no-build-paths "$(strings "$a" | grep -F -e "$tmp" -e "$UK_ROOT" | head -n 3)"
else
	pass lwip-archive-no-build-paths
fi
if objdump -d "$a" | grep -qE '%[xyz]mm[0-9]'; then
	fail lwip-archive-general-regs-only "$(objdump -d "$a" | grep -E '%[xyz]mm[0-9]' | head -n 3)"
else
	pass lwip-archive-general-regs-only
fi
# what the archive needs from outside: the C library's few string functions,
# sys_now and the socket layer's uk_lwip_* (recipes/lwip/README.md)
want="atoi memcmp memcpy memmove memset strlen strncmp sys_now uk_lwip_calloc
uk_lwip_dhcp_option uk_lwip_free uk_lwip_malloc uk_lwip_rand"
got=$(comm -23 <(nm -u "$a" | awk 'NF == 2 { print $2 }' | sort -u) \
	<(nm -g --defined-only "$a" | awk 'NF == 3 { print $3 }' | sort -u) | tr '\n' ' ')
if [ "$(echo $got)" = "$(echo $want)" ]; then
	pass lwip-archive-needs
else
	fail lwip-archive-needs "wanted: $(echo $want)
got:    $got"
fi

# the built-in store: lwip is listed, and is this very build
cp -R "${UK_TEST_STORE:-$UK_ROOT/build/store}" "$tmp/store"
export UK_BUILTIN_STORE=$tmp/store
if ! "$UK" images 2>&1 | grep -q '^lwip:2\.1\.3-.* component'; then
	fail lwip-store-lists "$("$UK" images 2>&1)"
else
	pass lwip-store-lists
	mine=$("$UK" pkg create --store "$tmp/own" "$c" 2>&1 | awk '{ print $2 }')
	if "$UK" images 2>&1 | grep '^lwip:' | grep -qF "${mine:7:12}"; then
		pass lwip-store-is-this-build
	else
		fail lwip-store-is-this-build "this build is $mine; the store has $("$UK" images | grep '^lwip:')"
	fi
fi

# a program linked with it, on the host and in a guest
want=$(cat "$here/expected.txt"; echo "status 0")
same() { # NAME GOT [MORE]
	if [ "$2" = "$want" ]; then
		pass "$1"
	else
		fail "$1" "$(diff <(echo "$want") <(echo "$2") | head -n 20)${3:+
$3}"
	fi
}
if command -v musl-gcc >/dev/null; then
	if ! out=$(musl-gcc -static -no-pie -O2 -Wall -Wextra -Werror -I"$c/include" \
		-o "$tmp/host" "$here/main.c" "$a" 2>&1); then
		fail lwip-host-program "$out"
	else
		same lwip-host-program "$(timeout 60 "$tmp/host"; echo "status $?")"
	fi
fi
p=$tmp/proj
mkdir -p "$p"
cp "$here/main.c" "$p/"
printf 'spec: 1\nname: lwiptest\nversion: 0.1.0\nsources: [main.c]\ncflags: [-O2, -Wall, -Wextra, -Werror]\nlibraries: [lwip]\n' \
	>"$p/uk.yaml"
if ! out=$("$UK" build -C "$p" 2>&1); then
	fail lwip-uk-build "$out"
	exit 0
fi
pass lwip-uk-build
check lwip-image-lists-component bash -c "'$UK' inspect '$p/build/kvm/lwiptest' | grep -q '^  lwip  *2\.1\.3-'"
got=$(timeout 300 "$UK" run -C "$p" --accel "$accel" --timeout 240 2>"$tmp/run.err"; echo "status $?")
same lwip-guest "$got" "$(tail -n 5 "$tmp/run.err")"
