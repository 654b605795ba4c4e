#!/usr/bin/env bash
# Guest behaviour against Linux: every tests/guest/NAME.c is built twice, as
# a static musl Linux program run on this host and as a uk image booted by
# `uk run`, and both runs must print the same bytes and exit with the same
# status. Beside NAME.c, optional:
#   NAME.args   the program's arguments (one line, words split by the shell)
#   NAME.stdin  what both runs read on standard input (else /dev/null)
#   NAME.yaml   lines appended to the image's uk.yaml (files:, memory:, ...);
#               paths in it are relative to tests/guest/; its memory: replaces
#               the default 128M
#   NAME.pid1   the Linux program runs as pid 1, alone in a PID namespace,
#               as a uk image's program is (unshare; skipped where it cannot)
# Prints PASS/FAIL guest-NAME. GUEST=NAME runs only that one.
. "$(dirname "$0")/lib.sh"
cd "$UK_ROOT/tests/guest" || exit 1
if ! command -v musl-gcc >/dev/null; then
	fail guest-setup "musl-gcc is missing (Debian package musl-tools)"
	exit 0
fi
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm

for src in *.c; do
	[ -e "$src" ] || continue
	name=${src%.c}
	[ -n "${GUEST:-}" ] && [ "$GUEST" != "$name" ] && continue
	args=()
	[ -f "$name.args" ] && read -r -a args <"$name.args"
	input=/dev/null
	[ -f "$name.stdin" ] && input=$PWD/$name.stdin

	# the Linux program, in a folder of its own
	mkdir -p "$tmp/$name.linux"
	if ! out=$(musl-gcc -static -O1 -Wall -o "$tmp/$name.linux/prog" "$src" 2>&1); then
		fail "guest-$name" "musl-gcc: $out"
		continue
	fi
	alone=()
	if [ -f "$name.pid1" ]; then
		alone=(unshare --fork --pid --mount --mount-proc --kill-child setsid)
		if ! "${alone[@]}" true 2>/dev/null; then
			echo "SKIP guest-$name: no PID namespace can be made here"
			continue
		fi
	fi
	(cd "$tmp/$name.linux" && timeout 60 "${alone[@]}" ./prog "${args[@]}" <"$input" >"$tmp/$name.want" 2>&1)
	want_rc=$?

	# the image
	p=$tmp/$name.uk
	mkdir -p "$p/src"
	cp "$src" "$p/src/main.c"
	cp -R "$UK_ROOT/tests/guest/." "$p/guest"
	{
		printf 'spec: 1\nname: %s\nversion: 0.1.0\nsources: [src/main.c]\n' "$name"
		grep -qs '^memory:' "$name.yaml" || echo 'memory: 128M'
		[ -f "$name.yaml" ] && sed '/^memory:/!s#: \([^/ ][^ ]*\)$#: guest/\1#' "$name.yaml"
	} >"$p/uk.yaml"
	if ! out=$("$UK" build -C "$p" 2>&1); then
		fail "guest-$name" "uk build: $out"
		continue
	fi
	timeout 300 "$UK" run -C "$p" --accel "$accel" --timeout 240 -- "${args[@]}" <"$input" \
		>"$tmp/$name.got" 2>"$tmp/$name.err"
	got_rc=$?
	if [ "$got_rc" = "$want_rc" ] && cmp -s "$tmp/$name.want" "$tmp/$name.got"; then
		pass "guest-$name"
	else
		fail "guest-$name" "status $got_rc (Linux $want_rc); diff Linux uk:
$(diff "$tmp/$name.want" "$tmp/$name.got" | head -n 30)
$(tail -n 5 "$tmp/$name.err")"
	fi
done
