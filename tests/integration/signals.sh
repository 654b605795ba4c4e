#!/usr/bin/env bash
# Signals' default actions against Linux: a program that sends itself a
# signal it does not handle ends with the same status as the same source
# built as a static musl Linux program (128 + N), and uk says which signal
# in one line (the core-dumping ones keep the crash report); the ignored
# ones change nothing. signals/default.c links the signal group,
# signals/nogroup.c does not (the core's stubs).
. "$(dirname "$0")/lib.sh"
if ! command -v musl-gcc >/dev/null; then
	fail signals-setup "musl-gcc is missing (Debian package musl-tools)"
	exit 0
fi

# prog CASE LINE: both runs end alike; the uk run prints LINE (a fixed string)
run_case() {
	local prog=$1 case=$2 line=$3 name="signals-$1-$2"
	(cd "$tmp" && timeout 20 "./$prog.linux" "$case" >"$tmp/want" 2>&1) 2>/dev/null # no job report
	local want_rc=$?
	timeout 120 "$UK" run -C "$tmp/$prog" --no-build --accel tcg --timeout 60 -- "$case" \
		</dev/null >"$tmp/got" 2>&1
	local got_rc=$?
	if [ "$got_rc" != "$want_rc" ]; then
		fail "$name" "status $got_rc (Linux $want_rc): $(tail -n 5 "$tmp/got")"
	elif ! grep -qxF "case $case" "$tmp/got" || ! grep -qF -- "$line" "$tmp/got"; then
		fail "$name" "no '$line' in: $(tail -n 5 "$tmp/got")"
	elif grep -q survived "$tmp/want" && ! grep -q survived "$tmp/got"; then
		fail "$name" "Linux went on, uk did not: $(tail -n 5 "$tmp/got")"
	else
		pass "$name"
	fi
}

for prog in default nogroup; do
	musl-gcc -static -O1 -o "$tmp/$prog.linux" "$UK_ROOT/tests/integration/signals/$prog.c" ||
		fail "signals-$prog" "musl-gcc failed"
	mkdir -p "$tmp/$prog/src"
	cp "$UK_ROOT/tests/integration/signals/$prog.c" "$tmp/$prog/src/main.c"
	printf 'spec: 1\nname: %s\nversion: 0.1.0\nsources: [src/main.c]\nmemory: 64M\n' "$prog" \
		>"$tmp/$prog/uk.yaml"
	out=$("$UK" build -C "$tmp/$prog" 2>&1) || fail "signals-$prog" "uk build: $out"
done
if nm "$tmp/default/build/kvm/default" | grep -q ' uk_link_signal$' &&
	! nm "$tmp/nogroup/build/kvm/nogroup" | grep -q ' uk_link_signal$'; then
	pass signals-group-linked-by-use
else
	fail signals-group-linked-by-use "uk_link_signal should be in default only"
fi

run_case default usr1 "uk: terminated by SIGUSR1"
run_case default term "uk: terminated by SIGTERM"
run_case default alarm "uk: terminated by SIGALRM"
run_case default alarm-spin "uk: terminated by SIGALRM"
run_case default pipe "uk: terminated by SIGPIPE"
run_case default socket "uk: terminated by SIGPIPE"
run_case default rt "uk: terminated by signal 37"
run_case default abort "uk: crash: abort (SIGABRT 6)"
run_case default segv "uk: NULL pointer dereference"
run_case default ignored "survived"
run_case default unblock "still here"
run_case nogroup usr1 "uk: exit status 138"
run_case nogroup pipe "uk: terminated by SIGPIPE"
run_case nogroup socket "uk: terminated by SIGPIPE"
run_case nogroup ignored "survived"
