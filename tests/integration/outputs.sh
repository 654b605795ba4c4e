#!/usr/bin/env bash
# Outputs that are not regular files: `uk link -o/--report/--map` given a
# FIFO, a terminal or /dev/stdout write into it, never a file renamed over
# it (a rename replaced the /dev/stdout symlink of a machine with a file).
. "$(dirname "$0")/lib.sh"
cat >"$tmp/t.c" <<'C'
void _start(void) { for (;;) ; }
C
gcc -c -O1 -ffreestanding -fno-pic -o "$tmp/t.o" "$tmp/t.c" || { fail outputs-setup "gcc failed"; exit 0; }

# a FIFO for each output, read by cat
for opt in report map o; do
	f=$tmp/fifo-$opt
	mkfifo "$f"
	timeout 30 cat "$f" >"$tmp/got-$opt" &
	reader=$!
	case $opt in
	report) "$UK" link -o "$tmp/out-$opt" --report "$f" "$tmp/t.o" >"$tmp/err" 2>&1 ;;
	map) "$UK" link -o "$tmp/out-$opt" --map "$f" "$tmp/t.o" >"$tmp/err" 2>&1 ;;
	o) "$UK" link -o "$f" "$tmp/t.o" >"$tmp/err" 2>&1 ;;
	esac
	rc=$?
	wait $reader
	case $opt in
	report) ok=$(head -c 1 "$tmp/got-$opt") && [ "$ok" = "{" ] ;;
	map) grep -q '_start' "$tmp/got-$opt" ;;
	o) [ "$(head -c 4 "$tmp/got-$opt" | od -An -c | tr -d ' ')" = '177ELF' ] ;;
	esac
	got=$?
	if [ $rc -eq 0 ] && [ $got -eq 0 ] && [ -p "$f" ] && [ -z "$(ls "$tmp" | grep "fifo-$opt.tmp")" ]; then
		pass "outputs-fifo-$opt"
	else
		fail "outputs-fifo-$opt" "rc=$rc, fifo kept: $([ -p "$f" ] && echo yes || echo no); $(cat "$tmp/err")"
	fi
done

# a symlink to this process's standard output, as /dev/stdout is
ln -s /proc/self/fd/1 "$tmp/stdout"
"$UK" link -o "$tmp/out-so" --report "$tmp/stdout" "$tmp/t.o" >"$tmp/got-so" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ -L "$tmp/stdout" ] && [ "$(head -c 1 "$tmp/got-so")" = "{" ]; then
	pass outputs-stdout-link
else
	fail outputs-stdout-link "rc=$rc, link kept: $([ -L "$tmp/stdout" ] && echo yes || echo no); $(cat "$tmp/err")"
fi
