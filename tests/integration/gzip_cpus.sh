#!/usr/bin/env bash
# A pushed layer's gzip (src/util/gzip.c, ISA-L's igzip) is the same bytes
# whichever code path igzip picks for the CPU: this machine's, and, under
# qemu-x86_64, SSE4.2 only (Nehalem), AVX (SandyBridge) and AVX2 (Haswell).
# The input has a compressible run, noise and text, over two members (two
# threads), and each level uk accepts is tried; level 3, whose bytes differ
# between CPUs, is refused.
. "$(dirname "$0")/lib.sh"
if ! command -v qemu-x86_64 >/dev/null; then
	fail gzip-cpus "no qemu-x86_64: scripts/install-deps installs qemu-user"
	exit 0
fi
drv=$tmp/gzip_file
if ! gcc -std=c11 -D_GNU_SOURCE -O2 -I"$UK_ROOT/src" -o "$drv" "$UK_ROOT/tests/integration/gzip_file.c" \
	"$UK_ROOT/src/util/gzip.c" "$UK_ROOT/src/util/isal_lazy.c" "$UK_ROOT/src/util/dynlib.c" \
	"$UK_ROOT/src/util/error.c" \
	-ldl -lpthread 2>"$tmp/gcc.log"; then
	fail gzip-cpus-build "$(cat "$tmp/gcc.log")"
	exit 0
fi
{
	head -c $((9 << 20)) /dev/zero | tr '\0' 'u'
	head -c $((5 << 20)) /dev/urandom
	for _ in $(seq 60); do cat "$UK_ROOT"/src/util/*.c; done | head -c $((6 << 20))
	head -c $((13 << 20)) "$(command -v qemu-x86_64)"
} >"$tmp/in"
for level in 0 1 2; do
	if ! want=$("$drv" "$level" "$tmp/in" | sha256sum) || ! "$drv" "$level" "$tmp/in" | gzip -dc | cmp -s - "$tmp/in"; then
		fail "gzip-cpus-level$level" "this machine's gzip failed or does not give back the input"
		continue
	fi
	bad=
	for cpu in Nehalem SandyBridge Haswell; do
		got=$(qemu-x86_64 -cpu "$cpu" "$drv" "$level" "$tmp/in" | sha256sum)
		[ "$got" = "$want" ] || bad="$bad $cpu"
	done
	if [ -n "$bad" ]; then
		fail "gzip-cpus-level$level" "other bytes than this machine's with:$bad"
	else
		pass "gzip-cpus-level$level"
	fi
done
if out=$("$drv" 3 "$tmp/in" 2>&1 >/dev/null); then
	fail gzip-cpus-level3-refused "level 3 was accepted"
elif [[ "$out" == *"same bytes on every CPU"* ]]; then
	pass gzip-cpus-level3-refused
else
	fail gzip-cpus-level3-refused "$out"
fi
