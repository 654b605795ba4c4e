#!/usr/bin/env bash
# uk build's caches: the object cache in $UK_HOME/cache (outlives rm -rf
# build, shared by projects, two builds at once, bounded and trimmed by uk
# gc), a no-op that reads, spawns and loads nothing it need not, and
# --cache REF through Debian's docker-registry (objects pushed by one
# machine's build and fetched by another's; a registry that is down, slow
# or sends a corrupt blob costs one notice and a compile, never the build).
. "$(dirname "$0")/lib.sh"
. "$UK_ROOT/tests/registry/start.sh"

js() { sed -n "s/.*\"$1\":\([0-9a-z]*\).*/\1/p" <<<"$2"; } # js KEY JSON: a number or bool

"$UK" init "$tmp/p" >/dev/null
mkdir -p "$tmp/p/include"
printf '#define GREETING "hi"\n' >"$tmp/p/include/greet.h"
cat >"$tmp/p/src/main.c" <<'EOC'
#include <stdio.h>
#include "greet.h"
int main(void) { puts(GREETING); return 0; }
EOC
printf 'include: [include]\n' >>"$tmp/p/uk.yaml"
touch -d '1 minute ago' "$tmp/p/src/main.c" "$tmp/p/include/greet.h"
sleep 0.3 # files changed in the last 100 ms are hashed again next time

out=$("$UK" build -C "$tmp/p" --json 2>&1)
[ "$(js compiled "$out")" = 1 ] && pass cache_cold_compiles || fail cache_cold_compiles "$out"
out=$("$UK" build -C "$tmp/p" --json 2>&1)
if [ "$(js compiled "$out")" = 0 ] && [ "$(js hashed "$out")" = 0 ] && [ "$(js relinked "$out")" = false ]; then
	pass cache_noop_reads_no_source
else
	fail cache_noop_reads_no_source "$out"
fi
if command -v strace >/dev/null; then
	strace -f -e trace=execve,openat -o "$tmp/noop.st" "$UK" build -C "$tmp/p" >/dev/null 2>&1
	n=$(grep -c 'execve(' "$tmp/noop.st")
	if [ "$n" = 1 ] && ! grep -q 'libcrypto\|libbfd\|src/main.c\|greet.h' "$tmp/noop.st"; then
		pass cache_noop_spawns_nothing_loads_no_crypto
	else
		fail cache_noop_spawns_nothing_loads_no_crypto "$n execve; $(grep -E 'execve|libcrypto|libbfd|main.c|greet.h' "$tmp/noop.st" | head -5)"
	fi
fi
# The components' manifests are remembered ($UK_HOME/cache/components/, one
# entry per component file): a no-op parses none of them; an entry whose key
# no longer matches the file (edited, replaced, another uk), or that is not
# one, is ignored, the file parsed again and the entry rewritten.
if command -v strace >/dev/null; then
	ents=("$UK_HOME"/cache/components/*)
	ents+=("$tmp/no-entry" "$tmp/no-entry") # when there are none
	yamls() {
		ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=openat -o "$tmp/cc.st" "$UK" build -C "$tmp/p" >/dev/null 2>&1 || echo failed
		grep -c 'component\.yaml"' "$tmp/cc.st"
	}
	a=$(yamls)
	sed -i '1s/size=[0-9]*/size=1/' "${ents[0]}" 2>/dev/null
	printf 'garbage' >"${ents[1]}"
	b=$(yamls) c=$(yamls)
	if [ "${#ents[@]}" = 4 ] && [ "$a" = 0 ] && [ "$b" = 2 ] && [ "$c" = 0 ] &&
		! grep -q garbage "${ents[1]}" && ! grep -q 'size=1 ' "${ents[0]}"; then
		pass cache_components_remembered
	else
		fail cache_components_remembered "$((${#ents[@]} - 2)) entries; component.yaml opened $a, $b, $c times"
	fi
fi
# A relink (the image gone, nothing else changed) syncs nothing to the disk:
# the link stamp only saves a relink, and the image is not synced either.
if command -v strace >/dev/null; then
	rm -f "$tmp/p/build/kvm/p"
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=fsync,fdatasync,syncfs -o "$tmp/rl.st" \
		"$UK" build -C "$tmp/p" >/dev/null 2>&1; rc=$?
	if [ $rc = 0 ] && [ -f "$tmp/p/build/kvm/p" ] && ! grep -q 'sync' "$tmp/rl.st"; then
		pass cache_relink_syncs_nothing
	else
		fail cache_relink_syncs_nothing "rc=$rc; $(grep sync "$tmp/rl.st" | head -3)"
	fi
fi
rm -rf "$tmp/p/build"
out=$("$UK" build -C "$tmp/p" --json 2>&1)
[ "$(js compiled "$out")" = 0 ] && [ "$(js shared "$out")" = 1 ] && pass cache_outlives_rm_rf_build ||
	fail cache_outlives_rm_rf_build "$out"
cp -r "$tmp/p" "$tmp/q" && rm -rf "$tmp/q/build"
out=$("$UK" build -C "$tmp/q" --json 2>&1)
[ "$(js compiled "$out")" = 0 ] && [ "$(js shared "$out")" = 1 ] && cmp -s "$tmp/p/build/kvm/p" "$tmp/q/build/kvm/p" &&
	pass cache_shared_by_projects || fail cache_shared_by_projects "$out"
printf '#define GREETING "hello"\n' >"$tmp/q/include/greet.h"
out=$("$UK" build -C "$tmp/q" --json 2>&1)
[ "$(js compiled "$out")" = 1 ] && "$UK" run -C "$tmp/q" --accel tcg --timeout 60 </dev/null 2>&1 | grep -qx hello &&
	pass cache_header_edit_recompiles || fail cache_header_edit_recompiles "$out"

# Two builds at once on an empty cache, then a third finds their objects.
export UK_HOME=$tmp/home2
rm -rf "$tmp/p/build" "$tmp/q/build"
"$UK" build -C "$tmp/p" >"$tmp/b1" 2>&1 & b1=$!
"$UK" build -C "$tmp/q" >"$tmp/b2" 2>&1 & b2=$!
r1=0 r2=0; wait "$b1" || r1=$?; wait "$b2" || r2=$?
rm -rf "$tmp/p/build"
out=$("$UK" build -C "$tmp/p" --json 2>&1)
[ "$r1$r2" = 00 ] && [ "$(js shared "$out")" = 1 ] && [ -z "$(ls -A "$UK_HOME/cache/tmp")" ] &&
	pass cache_two_builds_at_once || fail cache_two_builds_at_once "$r1 $r2 $(cat "$tmp/b1" "$tmp/b2") $out"

# uk gc trims to $UK_CACHE_SIZE; the build folder keeps what it links.
out=$(UK_CACHE_SIZE=1 "$UK" gc 2>&1)
left=$(find "$UK_HOME/cache/obj" "$UK_HOME/cache/man" -type f | wc -l)
out2=$("$UK" build -C "$tmp/p" --json 2>&1)
rm -rf "$tmp/p/build"
out3=$("$UK" build -C "$tmp/p" --json 2>&1)
if grep -q 'object cache: removed 3 entries' <<<"$out" && [ "$left" = 0 ] && [ "$(js relinked "$out2")" = false ] &&
	[ "$(js compiled "$out3")" = 1 ]; then
	pass cache_gc_trims
else
	fail cache_gc_trims "$out; $left left; $out2; $out3"
fi
# The bound holds after a build that goes over it.
rm -rf "$tmp/q/build"
out=$(UK_CACHE_SIZE=1 "$UK" build -C "$tmp/q" --json 2>&1)
left=$(find "$UK_HOME/cache/obj" -type f | wc -l)
[ "$left" = 0 ] && [ -e "$tmp/q/build/kvm/p" ] && pass cache_bound_kept_by_build || fail cache_bound_kept_by_build "$left left; $out"

# The compiler's warnings come back with an object from a cache (the
# build's own, and the user's after rm -rf build), as when it compiled;
# without color escapes when uk's stderr is no terminal; gone once fixed.
"$UK" init "$tmp/w" >/dev/null
cat >"$tmp/w/src/main.c" <<'EOC'
#include <stdio.h>
int main(void) { char *p = 42; printf("%p\n", (void *)p); return 0; }
EOC
w1=$("$UK" build -C "$tmp/w" 2>&1)
w2=$("$UK" build -C "$tmp/w" --json 2>&1)
rm -rf "$tmp/w/build"
w3=$("$UK" build -C "$tmp/w" --json 2>&1)
sed -i 's/char \*p = 42;/char *p = 0;/' "$tmp/w/src/main.c"
w4=$("$UK" build -C "$tmp/w" 2>&1)
warn='main.c:2:.*warning: initialization of .char \*. from .int.'
if grep -q "$warn" <<<"$w1" && grep -q "$warn" <<<"$w2" && grep -q "$warn" <<<"$w3" &&
	[ "$(js compiled "$w2")" = 0 ] && [ "$(js shared "$w3")" = 1 ] &&
	grep -q '"severity":"warning","message":"initialization of' <<<"$w3" &&
	! grep -q $'\033' <<<"$w1$w3" && ! grep -q warning <<<"$w4" && ! ls "$tmp/w/build/.cache/obj/"*.msg 2>/dev/null; then
	pass cache_replays_warnings
else
	fail cache_replays_warnings "$w1 | $w2 | $w3 | $w4"
fi

# --- through a registry ------------------------------------------------------
if ! command -v docker-registry >/dev/null; then
	fail cache_registry_setup "docker-registry missing; run scripts/install-deps"
	exit 0
fi
trap 'stop_registry reg; rm -rf "$tmp"' EXIT
PR=$(free_port) && start_registry reg "$PR" || { fail cache_registry_setup "$(tail -3 "$tmp/reg/log")"; exit 0; }
R=127.0.0.1:$PR/ci/cache
export UK_HOME=$tmp/runner1
rm -rf "$tmp/p/build"
out=$("$UK" build -C "$tmp/p" --cache "$R" --json 2>&1)
tags=$(curl -s "http://127.0.0.1:$PR/v2/ci/cache/tags/list")
[ "$(js pushed "$out")" = 1 ] && grep -q '"o-' <<<"$tags" && grep -q '"d-' <<<"$tags" &&
	pass cache_registry_push || fail cache_registry_push "$out $tags"
# another runner (empty $UK_HOME), the project at another path
cp -r "$tmp/p" "$tmp/ci" && rm -rf "$tmp/ci/build"
export UK_HOME=$tmp/runner2
out=$("$UK" build -C "$tmp/ci" --cache "$R" --json 2>"$tmp/err")
[ "$(js compiled "$out")" = 0 ] && [ "$(js fetched "$out")" = 1 ] && [ ! -s "$tmp/err" ] &&
	cmp -s "$tmp/p/build/kvm/p" "$tmp/ci/build/kvm/p" && pass cache_registry_fetch ||
	fail cache_registry_fetch "$out $(cat "$tmp/err")"
# the manifest's cache: and $UK_BUILD_CACHE name it too
export UK_HOME=$tmp/runner3
rm -rf "$tmp/ci/build"
printf 'cache: %s\n' "$R" >>"$tmp/ci/uk.yaml"
out=$("$UK" build -C "$tmp/ci" --json 2>&1)
export UK_HOME=$tmp/runner4
rm -rf "$tmp/ci/build"
out2=$(UK_BUILD_CACHE=127.0.0.1:1/none "$UK" build -C "$tmp/ci" --json 2>&1)
[ "$(js fetched "$out")" = 1 ] && grep -q 'notice: cache 127.0.0.1:1/none' <<<"$out2" && [ "$(js compiled "$out2")" = 1 ] &&
	pass cache_registry_manifest_and_env || fail cache_registry_manifest_and_env "$out; $out2"
sed -i '/^cache:/d' "$tmp/ci/uk.yaml"
# the compiler's warnings travel with the object (in its manifest): the
# runner that fetches it shows them as the one that compiled it did
"$UK" init "$tmp/wr" >/dev/null
printf '#include <stdio.h>\nint main(void) { char *p = 42; printf("%%p\\n", (void *)p); return 0; }\n' \
	>"$tmp/wr/src/main.c"
export UK_HOME=$tmp/runner5
o1=$("$UK" build -C "$tmp/wr" --cache "$R" --json 2>"$tmp/w1")
rm -rf "$tmp/wr/build"
export UK_HOME=$tmp/runner6
o2=$("$UK" build -C "$tmp/wr" --cache "$R" --json 2>"$tmp/w2")
warn='main.c:2:.*warning: initialization of .char \*. from .int.'
[ "$(js pushed "$o1")" = 1 ] && [ "$(js fetched "$o2")" = 1 ] && [ "$(js compiled "$o2")" = 0 ] &&
	grep -q "$warn" "$tmp/w1" && grep -q "$warn" "$tmp/w2" &&
	grep -q '"severity":"warning"' <<<"$o2" && pass cache_registry_replays_warnings ||
	fail cache_registry_replays_warnings "$o1 | $o2 | $(cat "$tmp/w1" "$tmp/w2")"

# A registry that is down: one notice, compiled, status 0.
fallback() { # NAME REF [env...]: builds in a fresh home, expects one notice
	local name=$1 ref=$2 rc=0; shift 2
	export UK_HOME=$tmp/fb-$name
	rm -rf "$tmp/ci/build"
	out=$(env "$@" "$UK" build -C "$tmp/ci" --cache "$ref" --json 2>"$tmp/err") || rc=$?
	if [ "$rc" = 0 ] && [ "$(js compiled "$out")" = 1 ] && [ "$(grep -c '^uk: notice: cache' "$tmp/err")" = 1 ] &&
		[ "$(wc -l <"$tmp/err")" = 1 ]; then
		pass "cache_registry_$name"
	else
		fail "cache_registry_$name" "status $rc; $out; $(cat "$tmp/err")"
	fi
}
fallback down "127.0.0.1:$(free_port)/ci/cache"
# ...and frees what it opened for the registry (the sanitizer build
# checks for leaks here; it reported the cache's client and its requests)
case $UK in */san/*)
	fallback down_frees_all "127.0.0.1:$(free_port)/ci/cache" ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 ;;
esac
# Slow: a listener that never answers; the build waits UK_CACHE_TIMEOUT.
PS=$(free_port)
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); held = []
end = time.time() + 60
while time.time() < end:
    s.settimeout(max(0.1, end - time.time()))
    try: held.append(s.accept()[0])
    except OSError: pass
' "$PS" & slow=$!
sleep 0.3
t0=$(date +%s%N)
fallback slow "127.0.0.1:$PS/ci/cache" UK_CACHE_TIMEOUT=1
t1=$(date +%s%N)
kill "$slow" 2>/dev/null; wait "$slow" 2>/dev/null
[ $(( (t1 - t0) / 1000000 )) -lt 20000 ] || fail cache_registry_slow_bounded "$(( (t1 - t0) / 1000000 )) ms"
# Corrupt: the object's blob in the registry's storage no longer matches.
man=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
	"http://127.0.0.1:$PR/v2/ci/cache/manifests/$(grep -o 'o-[0-9a-f]*' <<<"$tags" | head -1)")
hex=$(sed 's/.*"layers":\[{[^]]*"digest":"sha256:\([0-9a-f]*\)".*/\1/' <<<"$man")
blob=$tmp/reg/data/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data
if [ -f "$blob" ]; then
	sz=$(stat -c %s "$blob"); head -c "$sz" /dev/zero >"$blob"
	fallback corrupt_blob "$R"
else
	fail cache_registry_corrupt_blob "no blob file for $hex ($man)"
fi
out=$("$UK" build -C "$tmp/ci" --cache 'no-slash:tag' 2>&1); rc=$?
[ "$rc" = 2 ] && grep -q "is not HOST/REPOSITORY" <<<"$out" && pass cache_registry_bad_ref || fail cache_registry_bad_ref "$rc $out"
