#!/usr/bin/env bash
# Memory rights where comparing output with Linux cannot show them: a write
# to PROT_READ memory, a read of PROT_NONE memory, a call into read-write
# memory each end the program with the runtime's crash report and status
# 139, as SIGSEGV does on Linux (the same program run here as a static
# musl Linux program must end with 139 too, after the same output); a JIT
# (read-write, code written, read-execute) works; W^X: PROT_WRITE|PROT_EXEC
# is EACCES unless uk.yaml says allow_wx: true; musl's malloc gets the
# guard page it maps over the program break; munmap of memory the program
# never mapped does nothing.
. "$(dirname "$0")/lib.sh"
src=$UK_ROOT/tests/integration/memprot.c
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm

project() { # DIR EXTRA-YAML
	mkdir -p "$1/src" && cp "$src" "$1/src/main.c" &&
		printf 'spec: 1\nname: memprot\nversion: 0.1.0\nsources: [src/main.c]\nmemory: 64M\n%s' \
			"$2" >"$1/uk.yaml" && "$UK" build -C "$1" >/dev/null
}
if ! out=$(project "$tmp/p" "" 2>&1) || ! out2=$(project "$tmp/wx" "allow_wx: true
" 2>&1); then
	fail memprot-build "$out ${out2:-}"
	exit 0
fi
linux=
command -v musl-gcc >/dev/null && musl-gcc -static -O1 -o "$tmp/linux" "$src" && linux=$tmp/linux

# crash NAME MODE PATTERN...: status 139, the report's lines, Linux's 139
crash() {
	local name=$1 mode=$2; shift 2
	local got rc want wrc
	got=$(timeout 120 "$UK" run -C "$tmp/p" --accel "$accel" --timeout 100 -- "$mode" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" != 139 ]; then
		fail "memprot-$name" "status $rc, not 139: $(printf '%s' "$got" | tail -n 8)"
		return
	fi
	for pat in '^uk: crash: page fault \(vector 14' '^rip: ' '^backtrace:$' '^uk: exit status 139$' "$@"; do
		if ! printf '%s\n' "$got" | grep -Eq -- "$pat"; then
			fail "memprot-$name" "no line matching '$pat' in: $got"
			return
		fi
	done
	if [ -n "$linux" ]; then
		want=$(cd "$tmp" && timeout 60 "$linux" "$mode" 2>/dev/null)
		wrc=$?
		if [ "$wrc" != 139 ]; then
			fail "memprot-$name" "on Linux the status is $wrc, not 139"
			return
		fi
		if [ "$want" != "$(printf '%s\n' "$got" | sed '/^$/,$d')" ]; then
			fail "memprot-$name" "output before the crash differs: Linux '$want', uk '$got'"
			return
		fi
	fi
	pass "memprot-$name"
}

crash write-ro write-ro '^uk: bad write at 0x[0-9a-f]+ \(protection\)$' '<main\+0x'
crash read-none read-none '^uk: bad read at 0x[0-9a-f]+ \(not mapped\)$'
crash write-mprotect write-mprotect '^uk: bad write at 0x[0-9a-f]+ \(protection\)$'
crash write-mremap write-mremap '^uk: bad write at 0x[0-9a-f]+ \(protection\)$'
crash exec-rw exec-rw '^uk: bad instruction fetch at 0x[0-9a-f]+ \(protection\)$'
crash exec-after-mprotect exec-after-mprotect '^returned 42$' '^uk: bad instruction fetch'
crash write-text write-text '^uk: bad write at 0x[0-9a-f]+ \(protection\)$'

# run NAME DIR MODE WANT-OUTPUT: status 0 and exactly that output
run() {
	local got rc
	got=$(timeout 120 "$UK" run -C "$2" --accel "$accel" --timeout 100 -- "$3" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" = 0 ] && [ "$got" = "$4" ]; then
		pass "memprot-$1"
	else
		fail "memprot-$1" "status $rc; want '$4', got '$got'"
	fi
}
run jit "$tmp/p" jit 'mprotect 0
returned 42'
[ -n "$linux" ] && check memprot-jit-linux test "$("$linux" jit)" = 'mprotect 0
returned 42'
run wx-refused "$tmp/p" wx 'mmap rwx: Permission denied
mprotect wx: Permission denied
mprotect rx: ok'
run wx-allowed "$tmp/wx" wx 'mmap rwx: ok
returned 42
mprotect wx: ok
mprotect rx: ok'
for d in p wx; do
	grep -Eq '"section": ?".rodata.uk_link_wx"' "$tmp/$d/build/kvm/memprot.report.json"
	echo $? >"$tmp/kept.$d"
done
check memprot-wx-linked test "$(cat "$tmp/kept.p") $(cat "$tmp/kept.wx")" = "1 0"
run munmap-unmapped "$tmp/p" munmap-all 'munmap 0
mprotect -1 Out of memory
still here'

# musl's malloc maps a PROT_NONE guard page over the start of the program
# break with MAP_FIXED: it gets it (no -12, ENOMEM)
got=$(timeout 120 "$UK" run -C "$tmp/p" --accel "$accel" --timeout 100 --strace -- malloc 2>&1 </dev/null)
if printf '%s\n' "$got" | grep -q '^malloc ok$' &&
	printf '%s\n' "$got" | grep -Eq '^strace: mmap\(0x[0-9a-f]+, 0x1000, 0x0, 0x32, 0xffffffffffffffff, 0x0\) = [0-9]+$'; then
	pass memprot-malloc-guard
else
	fail memprot-malloc-guard "$(printf '%s\n' "$got" | grep -E 'brk|0x32' | head -n 5)"
fi
