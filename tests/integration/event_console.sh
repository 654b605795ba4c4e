#!/usr/bin/env bash
# poll and epoll on the console: standard input fed by a pipe, to a static
# musl build of tests/event/console_wait.c on the host and to the same
# program as a uk image; both must print the same (tests/guest cannot: its
# input is a file, which epoll refuses).
. "$(dirname "$0")/lib.sh"
if ! command -v musl-gcc >/dev/null; then
	fail event-console-setup "musl-gcc is missing (Debian package musl-tools)"
	exit 0
fi
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm
src=$UK_ROOT/tests/event/console_wait.c
input='first line\nsecond, longer line\nthird\n'
bytes=$(printf "$input" | wc -c)

if ! out=$(musl-gcc -static -O1 -Wall -o "$tmp/host" "$src" 2>&1); then
	fail event-console "musl-gcc: $out"
	exit 0
fi
want=$( (printf "$input"; sleep 1) | timeout 60 "$tmp/host" "$bytes" 2>&1)

p=$tmp/proj
mkdir -p "$p/src"
cp "$src" "$p/src/main.c"
printf 'spec: 1\nname: console_wait\nversion: 0.1.0\nsources: [src/main.c]\n' >"$p/uk.yaml"
if ! out=$("$UK" build -C "$p" 2>&1); then
	fail event-console "uk build: $out"
	exit 0
fi
# the writer stays open a while: the guest must not need an end of file
got=$( (printf "$input"; sleep 5) | timeout 120 "$UK" run -C "$p" --accel "$accel" --timeout 60 -- "$bytes" 2>&1)
if [ "$got" = "$want" ]; then
	pass event-console
else
	fail event-console "Linux:
$want
uk:
$got"
fi
