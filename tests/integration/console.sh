#!/usr/bin/env bash
# The guest's console through `uk run`: the end of a piped or redirected
# standard input reaches the guest, bytes cross unchanged, uk run ends
# with the guest whatever is left to read, isatty tells the truth, and on
# a terminal (tmux) the line discipline echoes, erases, kills and ends at
# ^D, and raw mode gives single keys. The programs are tests/guest/tty_*.c
# (which guest.sh also compares with Linux). Prints PASS/FAIL console-*.
. "$(dirname "$0")/lib.sh"
cd "$UK_ROOT" || exit 1
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm

for p in lines count repl raw isatty; do
	mkdir -p "$tmp/$p/src"
	cp "tests/guest/tty_$p.c" "$tmp/$p/src/main.c"
	printf 'spec: 1\nname: %s\nversion: 0.1.0\nsources: [src/main.c]\nmemory: 128M\n' "$p" >"$tmp/$p/uk.yaml"
	if ! out=$("$UK" build -C "$tmp/$p" 2>&1); then
		fail console-build "uk build $p: $out"
		exit 0
	fi
done
if ! out=$(musl-gcc -static -O1 -o "$tmp/count.linux" tests/guest/tty_count.c 2>&1); then
	fail console-build "musl-gcc: $out"
	exit 0
fi
pass console-build

run() { # image [uk run args...]
	local p=$1
	shift
	timeout 150 "$UK" run -C "$tmp/$p" --accel "$accel" --timeout 120 "$@"
}

# same NAME WANT_STATUS WANT_OUTPUT: compares $rc and $got
same() {
	if [ "$rc" = "$2" ] && [ "$got" = "$3" ]; then
		pass "$1"
	else
		fail "$1" "status $rc (want $2); got:
$got
want:
$3"
	fi
}

got=$(printf 'one\ntwo' | run lines 2>&1)
rc=$?
same console-pipe-eof 0 "line 1: 4 [one]
last: 3 [two]
read = 0
again = 0"

got=$(run lines </dev/null 2>&1)
rc=$?
same console-devnull-eof 0 "read = 0
again = 0"

got=$(printf 'first\nsecond line\n' >"$tmp/in.txt" && run repl <"$tmp/in.txt" 2>&1)
rc=$?
same console-file-eof 0 "> got 18 [first\nsecond line\n]
> bye 0"

# every byte value, the relay's escape and ^D among them, through a pipe
head -c 4096 /dev/urandom >"$tmp/bin4k"
printf '\377\377\000\004\377\r\n\004' >>"$tmp/bin4k"
want=$("$tmp/count.linux" <"$tmp/bin4k")
got=$(cat "$tmp/bin4k" | run count 2>&1)
rc=$?
same console-binary 0 "$want"

head -c 1048576 /dev/urandom >"$tmp/bin1m"
want=$("$tmp/count.linux" <"$tmp/bin1m")
start=$(date +%s)
got=$(run count <"$tmp/bin1m" 2>&1)
rc=$?
same console-1mib 0 "$want"
echo "console-1mib: $(($(date +%s) - start)) s under $accel"

# the guest reads nothing and exits: an endless input must not keep uk run
start=$(date +%s)
got=$(yes | run isatty 2>&1)
rc=$?
got=$(printf '%s\n' "$got" | head -n 1)
secs=$(($(date +%s) - start))
if [ "$rc" = 0 ] && [ "$secs" -lt 60 ]; then
	same console-guest-exits-first 0 "0: isatty 0 tcgetattr Not a tty winsize Not a tty"
else
	fail console-guest-exits-first "status $rc after $secs s"
fi

nt="isatty 0 tcgetattr Not a tty winsize Not a tty fifo"
run isatty -- kinds <"$tmp/in.txt" >"$tmp/isatty.out" 2>"$tmp/isatty.err"
rc=$?
got=$(cat "$tmp/isatty.out")
same console-isatty-files 0 "0: $nt
1: $nt
2: $nt"

# --- on a terminal: tmux ----------------------------------------------------
if ! command -v tmux >/dev/null; then
	echo "SKIP console-tty-*: tmux is not installed"
	exit 0
fi
# a tmux server of our own per terminal, ended when done
sock=
tmux_() { tmux -L "$sock" -f /dev/null "$@"; }
trap '[ -z "$sock" ] || tmux_ kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
# term PROGRAM [ARGS...]: a fresh 100x30 terminal running uk run; "status=N" after
term() {
	local p=$1
	shift
	[ -z "$sock" ] || tmux_ kill-server 2>/dev/null
	sock=uk-console-$$-$p
	TERM=xterm tmux_ new-session -d -s c -x 100 -y 30 \
		"'$UK' run -C '$tmp/$p' --accel $accel --timeout 120 $*; echo status=\$?; sleep 600"
}
# the screen without trailing blanks and empty lines at the end
screen() { tmux_ capture-pane -p -t c | sed 's/ *$//' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }
wait_for() { # PATTERN: until the screen shows it (90 s at most)
	for _ in $(seq 1 450); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.2
	done
	return 1
}
keys() { tmux_ send-keys -t c "$@"; }

term isatty -- kinds
wait_for '^status=' || true
got=$(screen)
rc=0
same console-tty-isatty 0 "0: isatty 1 tcgetattr ok winsize 30x100 chr
1: isatty 1 tcgetattr ok winsize 30x100 chr
2: isatty 1 tcgetattr ok winsize 30x100 chr
status=0"

# one key at a time, each after the echo of the one before: what a
# person typing does (and the order the screen shows stays fixed)
term repl
wait_for '^>$' &&
	keys abc && wait_for '^> abc$' && keys BSpace && wait_for '^> ab$' && keys d Enter &&
	wait_for '^got 4' && keys xyz && wait_for '^> xyz$' && keys C-u && wait_for '^>$' &&
	keys ok Enter && wait_for '^got 3' && keys pq C-d && wait_for 'got 2' &&
	keys 'one two' && wait_for '^> one two$' && keys C-w three Enter && wait_for '^got 10' &&
	keys C-d
wait_for '^status=' || true
got=$(screen)
rc=0
same console-tty-editing 0 "> abd
got 4 [abd\n]
> ok
got 3 [ok\n]
> pqgot 2 [pq]
> one three
got 10 [one three\n]
> bye 0
status=0"

term raw
wait_for '^raw: type keys' && keys a && wait_for '^key 97' && keys b && wait_for '^key 98' &&
	keys Enter && wait_for '^key 13' && keys q
wait_for '^status=' || true
got=$(screen)
rc=0
same console-tty-raw 0 "icanon 1 echo 1 echoe 1 isig 1 iexten 1 icrnl 1 opost 1 onlcr 1 cs8 1
intr 3 erase 127 kill 21 eof 4 min 1 time 0
tcsetattr 0
vmin0 0
vtime 0
raw: type keys, q ends
key 97
key 98
key 13
keys done
restore 0
status=0"
