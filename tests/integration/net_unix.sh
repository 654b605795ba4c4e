#!/usr/bin/env bash
# AF_UNIX socketpair's SIGPIPE at its default action (tests/net/unix_sigpipe.c,
# which links no signal handling): a write to a pair whose peer is closed
# ends the program with status 141 as on Linux, where the runtime says
# "uk: terminated by SIGPIPE" (so this is not in tests/guest/, which wants
# the same bytes as Linux; tests/guest/net_unix has the rest of the family).
. "$(dirname "$0")/lib.sh"
if ! command -v musl-gcc >/dev/null; then
	fail net-unix-setup "musl-gcc is missing"
	exit 0
fi
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm
src=$UK_ROOT/tests/net/unix_sigpipe.c
musl-gcc -static -O1 -Wall -o "$tmp/linux" "$src" || { fail net-unix-sigpipe "musl-gcc"; exit 0; }
"$tmp/linux" >"$tmp/want" 2>&1
want_rc=$?
mkdir -p "$tmp/p/src"
cp "$src" "$tmp/p/src/main.c"
printf 'spec: 1\nname: sigpipe\nversion: 0.1.0\nsources: [src/main.c]\n' >"$tmp/p/uk.yaml"
if ! "$UK" build -C "$tmp/p" >"$tmp/build.log" 2>&1; then
	fail net-unix-sigpipe "uk build: $(tail -n 5 "$tmp/build.log")"
	exit 0
fi
timeout 120 "$UK" run -C "$tmp/p" --no-build --accel $accel --timeout 100 </dev/null \
	>"$tmp/got" 2>&1
got_rc=$?
if [ $want_rc = 141 ] && [ $got_rc = 141 ] &&
	[ "$(cat "$tmp/want"; echo 'uk: terminated by SIGPIPE')" = "$(cat "$tmp/got")" ] &&
	[ -f "$tmp/p/build/kvm/sigpipe" ] && ! nm "$tmp/p/build/kvm/sigpipe" | grep -q ' uk_link_signal$'; then
	pass net-unix-sigpipe
else
	fail net-unix-sigpipe "status $got_rc (Linux $want_rc): $(cat "$tmp/got")"
fi
