# Sourced by integration tests. Gives:
#   pass NAME / fail NAME WHY   - one result line each
#   check NAME CMD...           - pass if CMD exits 0, else fail with its output
#   tmp                         - a fresh folder removed at exit
#   accels                      - "kvm tcg" or "tcg" (KVM only when usable)
set -u
: "${UK_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
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

kvm_usable() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	# The device can exist yet refuse: ask QEMU for the accelerator.
	timeout 10 qemu-system-x86_64 -accel kvm -M microvm -nodefaults -nographic \
		-no-reboot -display none -S </dev/null >/dev/null 2>&1 &
	local pid=$!
	sleep 0.3
	if kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null; return 0; fi
	wait "$pid"
	return 1
}
if kvm_usable; then accels="kvm tcg"; else accels="tcg"; fi
