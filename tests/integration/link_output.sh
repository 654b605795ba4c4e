#!/usr/bin/env bash
# uk link's outputs (image, --map, --report) put in place whole: over an old
# file (its other names keep the old bytes, as after a rename), through a
# symlink (written through, as ld does), into a fresh path; no temporary
# file left beside them, the image executable.
source "$(dirname "$0")/lib.sh"
cd "$tmp"

cat >p.c <<'EOF'
void _start(void)
{
	__asm__ volatile("syscall" : : "a"(60L), "D"(7L));
	for (;;)
		;
}
EOF
gcc -O1 -fno-pie -c p.c -o p.o || { fail link-output-setup "gcc"; exit 0; }
lk() { "$UK" link -o "$1" --map "$1.map" --report "$1.json" p.o 2>"$1.err"; }
whole() { # NAME: the image runs, map and report are complete
	[ -x "$1" ] && { timeout 10 "./$1"; [ $? -eq 7 ]; } &&
		grep -q '_start' "$1.map" && python3 -c "import json; json.load(open('$1.json'))"
}
no_temps() { [ -z "$(ls -a | grep '\.tmp')" ]; }

if lk fresh && whole fresh && no_temps; then pass link-output-fresh; else
	fail link-output-fresh "$(cat fresh.err; ls -a)"; fi

# over old files that have a second name: the second names keep the old bytes
for f in over over.map over.json; do echo old >"$f"; ln "$f" "$f.keep"; done
if lk over && whole over && no_temps &&
	[ "$(cat over.keep over.map.keep over.json.keep)" = "$(printf 'old\nold\nold')" ]; then
	pass link-output-over-old
else
	fail link-output-over-old "$(cat over.err; ls -a; cat over.keep)"
fi
# twice over the same name
if lk over && whole over && no_temps; then pass link-output-again; else
	fail link-output-again "$(cat over.err; ls -a)"; fi

# through a symlink: it stays one, its target gets the image (its mode kept)
echo old >target
ln -s target via
if lk via && [ -L via ] && [ "$(readlink via)" = target ] && cmp -s target fresh && no_temps; then
	pass link-output-through-symlink
else
	fail link-output-through-symlink "$(cat via.err; ls -la)"
fi

# an output that is a folder: an error, the folder untouched, no temporary
mkdir dir.out
out=$("$UK" link -o dir.out p.o 2>&1); rc=$?
[ $rc -ne 0 ] && [ -d dir.out ] && no_temps && pass link-output-folder-refused ||
	fail link-output-folder-refused "rc=$rc: $out; $(ls -a)"
