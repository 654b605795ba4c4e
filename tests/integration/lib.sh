# Sourced by integration tests. Gives:
#   pass NAME / fail NAME WHY   - one result line each
#   check NAME CMD...           - pass if CMD exits 0, else fail with its output
#   tmp                         - a fresh folder removed at exit
#   accels                      - "kvm tcg" or "tcg" (KVM only when usable)
set -u
: "${UK_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# run alone (not through tests/run), the newer of the two builds of uk
if [ -z "${UK:-}" ] && [ "$UK_ROOT/bin/uk" -nt "$UK_ROOT/build/san/uk" ]; then
	UK=$UK_ROOT/bin/uk
fi
: "${UK:=$UK_ROOT/build/san/uk}"
export UK_ROOT UK
export UK_BUILTIN_STORE=$UK_ROOT/build/store

tmp=$(mktemp -d "${TMPDIR:-/tmp}/uk-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export UK_HOME=$tmp/uk-home

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: ${2:-}"; }
check() {
	local name=$1; shift
	local out
	if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(printf '%s' "$out" | tail -n 20)"; fi
}

# A PVH kernel that runs SSE and x87 code, then exits with status 5.
sse_stub() {
	[ -e "$tmp/sse-stub" ] && return 0
	gcc -c -DMODE=3 -DSTATUS=5 "$UK_ROOT/tests/vmm/pvh_stub.S" -o "$tmp/sse-stub.o" &&
		ld -m elf_x86_64 -Ttext=0x100000 -e pvh_start -o "$tmp/sse-stub" "$tmp/sse-stub.o"
}
# KVM counts as usable when uk can boot that kernel under it: some hosts'
# KVM creates VMs but cannot run SSE or x87 code (run.sh checks that uk's
# own probe agrees with QEMU).
kvm_usable() {
	sse_stub || return 1
	timeout 60 "$UK" run --accel kvm "$tmp/sse-stub" </dev/null >/dev/null 2>&1
	[ $? -eq 5 ]
}
if kvm_usable; then accels="kvm tcg"; else accels="tcg"; fi
