# uk run against tiny PVH kernels (tests/vmm/pvh_stub.S), so the launcher is
# tested apart from the runtime: console, exit status passthrough (0-255),
# --timeout, a guest that resets, a missing QEMU, bad options.
. "$(dirname "$0")/lib.sh"

stub() { # name gcc-defines...
	local name=$1; shift
	gcc -c "$@" "$UK_ROOT/tests/vmm/pvh_stub.S" -o "$tmp/$name.o" &&
		ld -m elf_x86_64 -Ttext=0x100000 -e pvh_start -o "$tmp/$name" "$tmp/$name.o"
}
for s in 0 3 127 200 255; do stub "exit$s" -DSTATUS=$s; done
stub spin -DMODE=1
stub reset -DMODE=2

for accel in $accels; do
	for s in 0 3 127 200 255; do
		out=$(timeout 60 "$UK" run --accel "$accel" "$tmp/exit$s" 2>"$tmp/err"); rc=$?
		if [ $rc -eq $s ] && [ "$out" = "pvh-stub: hello" ]; then
			pass "run-exit-status-$s-$accel"
		else
			fail "run-exit-status-$s-$accel" "rc=$rc out=$out err=$(cat "$tmp/err")"
		fi
	done
	start=$(date +%s)
	out=$(timeout 60 "$UK" run --accel "$accel" --timeout 2 "$tmp/spin" 2>&1); rc=$?
	took=$(( $(date +%s) - start ))
	# QEMU is asked to quit over QMP: its own "terminating on signal" line
	# does not leak out
	if [ $rc -eq 124 ] && [ $took -lt 10 ] && printf '%s' "$out" | grep -q "stopped the VM after 2 s" &&
		! printf '%s' "$out" | grep -q "terminating on signal"; then
		pass "run-timeout-$accel"
	else
		fail "run-timeout-$accel" "rc=$rc took=${took}s out=$out"
	fi
	out=$(timeout 60 "$UK" run --accel "$accel" "$tmp/reset" 2>&1); rc=$?
	if [ $rc -eq 1 ] && printf '%s' "$out" | grep -q "^uk: error: the guest stopped without an exit status"; then
		pass "run-guest-reset-$accel"
	else
		fail "run-guest-reset-$accel" "rc=$rc out=$out"
	fi
done

out=$(UK_QEMU=qemu-system-nowhere "$UK" run --accel tcg "$tmp/exit0" 2>&1); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "apt-get install qemu-system-x86" &&
	pass run-missing-qemu || fail run-missing-qemu "rc=$rc out=$out"

out=$("$UK" run --accel warp "$tmp/exit0" 2>&1); rc=$?
[ $rc -eq 2 ] && pass run-bad-accel || fail run-bad-accel "rc=$rc out=$out"
out=$("$UK" run --timeout 0 "$tmp/exit0" 2>&1); rc=$?
[ $rc -eq 2 ] && pass run-bad-timeout || fail run-bad-timeout "rc=$rc out=$out"
out=$("$UK" run "$tmp/nothing-here" 2>&1); rc=$?
[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "no image at" && pass run-missing-image ||
	fail run-missing-image "rc=$rc out=$out"
out=$(cd "$tmp" && "$UK" run 2>&1); rc=$?
[ $rc -ne 0 ] && printf '%s' "$out" | grep -q "no uk.yaml" && pass run-no-project ||
	fail run-no-project "rc=$rc out=$out"

# Without KVM access, auto falls back to TCG with one notice; --accel kvm fails.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$tmp"; chmod 644 "$tmp/exit3"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent "$UK" run "$tmp/exit3" 2>&1); rc=$?
	if [ $rc -eq 3 ] && [ "$(printf '%s\n' "$out" | grep -c 'using TCG')" -eq 1 ]; then
		pass run-tcg-fallback-notice
	else
		fail run-tcg-fallback-notice "rc=$rc out=$out"
	fi
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$UK" run --accel kvm "$tmp/exit3" 2>&1); rc=$?
	[ $rc -eq 1 ] && printf '%s' "$out" | grep -q "KVM is not usable" && pass run-kvm-refused ||
		fail run-kvm-refused "rc=$rc out=$out"
fi

# A QEMU that cannot be started (its interpreter is missing) is uk's error
# (status 1), not a guest's exit status read from QEMU's 127.
printf '#!/nonexistent/interpreter\n' >"$tmp/bad-qemu"; chmod +x "$tmp/bad-qemu"
out=$(UK_QEMU=$tmp/bad-qemu "$UK" run --accel tcg "$tmp/exit3" </dev/null 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "^uk: error: cannot start QEMU: No such file or directory" <<<"$out" &&
	pass run-qemu-cannot-start || fail run-qemu-cannot-start "rc=$rc: $out"

# The QMP socket and the status FIFO live in a memory file system: the
# user's runtime folder, else /dev/shm (a folder on ext4 cost half a
# millisecond of each run); the folder is gone after the run.
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/qemu-args"\nexec qemu-system-x86_64 "$@"\n' "$tmp" >"$tmp/rec-qemu"
chmod +x "$tmp/rec-qemu"
mkdir -p "$tmp/rt"
out=$(XDG_RUNTIME_DIR=$tmp/rt UK_QEMU=$tmp/rec-qemu "$UK" run --accel tcg "$tmp/exit3" </dev/null 2>&1); rc=$?
q=$(grep -A1 '^-qmp$' "$tmp/qemu-args" | tail -n1)
if [ $rc -eq 3 ] && [[ $q == unix:$tmp/rt/uk-qmp.*/qmp,* ]] &&
	grep -q "^file:$tmp/rt/uk-qmp.*/status$" "$tmp/qemu-args" && [ -z "$(ls -A "$tmp/rt")" ]; then
	pass run-qmp-in-runtime-dir
else
	fail run-qmp-in-runtime-dir "rc=$rc qmp=$q left=$(ls -A "$tmp/rt"): $out"
fi
if [ -w /dev/shm ]; then
	out=$(env -u XDG_RUNTIME_DIR UK_QEMU=$tmp/rec-qemu "$UK" run --accel tcg "$tmp/exit3" </dev/null 2>&1); rc=$?
	q=$(grep -A1 '^-qmp$' "$tmp/qemu-args" | tail -n1)
	[ $rc -eq 3 ] && [[ $q == unix:/dev/shm/uk-qmp.*/qmp,* ]] && [ ! -e "$(dirname "${q#unix:}")" ] &&
		pass run-qmp-in-dev-shm || fail run-qmp-in-dev-shm "rc=$rc qmp=$q: $out"
fi

# Ctrl-C (SIGINT to uk) stops the VM and says so; exit 130.
"$UK" run --accel tcg "$tmp/spin" >"$tmp/int.out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q hello "$tmp/int.out" && break; sleep 0.1; done
kill -INT $pid
wait $pid; rc=$?
if [ $rc -eq 130 ] && grep -q "interrupted; the VM was stopped" "$tmp/int.out" && ! pgrep -f "$tmp/spin" >/dev/null; then
	pass run-interrupt
else
	fail run-interrupt "rc=$rc: $(cat "$tmp/int.out")"
fi

# uk's KVM probe agrees with QEMU itself: both say KVM can run a guest's SSE
# code, or both say it cannot. (QEMU pauses such a guest forever, hence the
# timeout.)
sse_stub
timeout 15 qemu-system-x86_64 -M microvm -accel kvm -cpu host,-arch-capabilities -m 16M \
	-nodefaults -no-user-config -display none -no-reboot -serial none \
	-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$tmp/sse-stub" </dev/null >/dev/null 2>&1
qemu_says=$([ $? -eq 11 ] && echo usable || echo unusable)
out=$("$UK" run --accel auto "$tmp/sse-stub" 2>&1); rc=$?
uk_says=$(printf '%s' "$out" | grep -q 'KVM cannot run this guest here' && echo unusable || echo usable)
if [ $rc -eq 5 ] && [ "$qemu_says" = "$uk_says" ]; then
	pass "run-kvm-probe-agrees-$uk_says"
else
	fail run-kvm-probe-agrees "qemu: $qemu_says, uk: $uk_says (rc=$rc: $out)"
fi

# The probe's answer is remembered ($UK_HOME/cache/kvm-probe; the probe is
# 2-3 ms of every start): a second auto run creates no VM of its own and
# says the same; a key that no longer matches (another boot, /dev/kvm
# changed) probes again and rewrites it.
if [ -e /dev/kvm ] && command -v strace >/dev/null; then
	probes() { # OUT-VAR: how many VMs uk's own (main) thread created
		ASAN_OPTIONS=detect_leaks=0 strace -e trace=ioctl -o "$tmp/kvm.strace" \
			"$UK" run --accel auto "$tmp/sse-stub" </dev/null >"$tmp/kvm.out" 2>&1
		printf '%s' "$? $(grep -c KVM_CREATE_VM "$tmp/kvm.strace")"
	}
	cache=$UK_HOME/cache/kvm-probe
	rm -f "$cache"
	first=$(probes); out1=$(cat "$tmp/kvm.out")
	second=$(probes); out2=$(cat "$tmp/kvm.out")
	sed -i '1s/boot=[^ ]*/boot=another-boot/' "$cache"
	third=$(probes)
	if [ "$first" = "5 1" ] && [ "$second" = "5 0" ] && [ "$out1" = "$out2" ] &&
		[ "$third" = "5 1" ] && ! grep -q another-boot "$cache"; then
		pass run-kvm-probe-cached
	else
		fail run-kvm-probe-cached "first $first, second $second, third $third: $out1 / $out2; $(cat "$cache")"
	fi
fi

# A guest that floods the debugcon port (the exit protocol's status byte)
# fills nothing on the host and still gets its own status: uk run keeps
# only the last byte before the exit device, however many came before.
"$UK" init "$tmp/flood" >/dev/null
cat >"$tmp/flood/src/main.c" <<'C'
#include <stdio.h>
int main(void)
{
	for (long i = 0; i < 300000; i++)
		__asm__ volatile("outb %0, $0xe9" : : "a"((unsigned char)'x'));
	puts("flooded");
	return 7;
}
C
if "$UK" build -C "$tmp/flood" >/dev/null 2>&1; then
	out=$(timeout 200 "$UK" run -C "$tmp/flood" --timeout 180 2>/dev/null); rc=$?
	[ $rc -eq 7 ] && [ "$out" = flooded ] && pass run-debugcon-flood-status ||
		fail run-debugcon-flood-status "rc=$rc out=$out"
else
	fail run-debugcon-flood-status "build failed"
fi

# A comma in a path must not become QEMU options ("-drive file=a,b..."):
# a raw disk under a folder with commas boots, and a file named like the
# rest of the option is never opened as the disk.
mkdir -p "$tmp/we,file=x"
"$UK" init "$tmp/we,file=x/p" >/dev/null
if "$UK" build -C "$tmp/we,file=x/p" -t raw >/dev/null 2>&1; then
	img=$(ls "$tmp/we,file=x/p/build/raw/"*.img 2>/dev/null | head -n 1)
	out=$(cd "$tmp" && timeout 200 "$UK" run --timeout 180 "$img" 2>&1); rc=$?
	[ $rc -eq 0 ] && printf '%s' "$out" | grep -q '^Hello from p' && pass run-comma-in-path ||
		fail run-comma-in-path "rc=$rc: $(printf '%s' "$out" | tail -n 5)"
else
	fail run-comma-in-path "build of the raw target failed"
fi

# uk run in a project rebuilds it first when it changed (cargo run), says
# so, and not when nothing changed; --no-build runs what is there.
"$UK" init "$tmp/rb" >/dev/null
cat >"$tmp/rb/src/main.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
int main(void) { printf("v1 [%s] [%s]\n", getenv("GREETING"), getenv("B")); return 0; }
C
out=$(cd "$tmp/rb/src" && timeout 200 "$UK" run --accel tcg --timeout 180 2>"$tmp/rb.err"); rc=$?
"$UK" build -C "$tmp/rb" >/dev/null 2>&1 # the link key knows the project as -C names it
[ $rc -eq 0 ] && [ "$out" = "v1 [(null)] [(null)]" ] && grep -q "^uk: built \.\./build/kvm/rb first" "$tmp/rb.err" &&
	pass run-builds-first || fail run-builds-first "rc=$rc out=$out err=$(cat "$tmp/rb.err")"
out=$(timeout 200 "$UK" run -C "$tmp/rb" --accel tcg --timeout 180 2>"$tmp/rb.err"); rc=$?
[ $rc -eq 0 ] && ! grep -q "built" "$tmp/rb.err" && pass run-up-to-date-says-nothing ||
	fail run-up-to-date-says-nothing "rc=$rc err=$(cat "$tmp/rb.err")"
sed -i 's/v1/v2/' "$tmp/rb/src/main.c"
out=$(timeout 200 "$UK" run -C "$tmp/rb" --no-build --accel tcg --timeout 180 2>/dev/null)
[ "$out" = "v1 [(null)] [(null)]" ] && pass run-no-build || fail run-no-build "out=$out"
# -e and --env-file, like docker's: over the image's environment
printf '# a comment\n\nGREETING=hey there\nB=1\n' >"$tmp/rb/env"
out=$(timeout 200 "$UK" run -C "$tmp/rb" --accel tcg --timeout 180 --env-file "$tmp/rb/env" -e B=2 2>/dev/null)
[ "$out" = "v2 [hey there] [2]" ] && pass run-env || fail run-env "out=$out"
printf 'not a pair\n' >"$tmp/rb/bad.env"
out=$("$UK" run -C "$tmp/rb" --env-file "$tmp/rb/bad.env" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "bad.env:1: not KEY=VALUE" && pass run-env-file-bad ||
	fail run-env-file-bad "rc=$rc: $out"
# -m as the manifest's memory: bytes accepted; too small or more than the host refused
for m in 1M 1000; do
	out=$("$UK" run -C "$tmp/rb" --no-build -m "$m" 2>&1); rc=$?
	[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "below the 2M a guest needs" && pass "run-memory-small-$m" ||
		fail "run-memory-small-$m" "rc=$rc: $out"
done
out=$("$UK" run -C "$tmp/rb" --no-build -m 100T 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "more than this host's [0-9]* MiB" && pass run-memory-too-big ||
	fail run-memory-too-big "rc=$rc: $out"
out=$(timeout 200 "$UK" run -C "$tmp/rb" --no-build -m 33554432 --accel tcg --timeout 180 2>/dev/null); rc=$?
[ $rc -eq 0 ] && [ -n "$out" ] && pass run-memory-bytes || fail run-memory-bytes "rc=$rc: $out"
# a file that is not an image says what it is, not QEMU's error
echo hello >"$tmp/not-an-image"
out=$("$UK" run "$tmp/not-an-image" 2>&1); rc=$?
[ $rc -ne 0 ] && printf '%s' "$out" | grep -q "is not an ELF file" && ! printf '%s' "$out" | grep -qi qemu &&
	pass run-not-an-image || fail run-not-an-image "rc=$rc: $out"
cp /bin/true "$tmp/elf-not-image"
out=$("$UK" run "$tmp/elf-not-image" 2>&1); rc=$?
[ $rc -ne 0 ] && printf '%s' "$out" | grep -q "not a uk image (no PVH entry note)" && pass run-elf-not-an-image ||
	fail run-elf-not-an-image "rc=$rc: $out"
# -o passes a runtime option (uk-runtime(7)) before the program's arguments
out=$(timeout 200 "$UK" run -C "$tmp/rb" --no-build --accel tcg --timeout 180 -o strace 2>/dev/null | tr -d '\r')
printf '%s\n' "$out" | grep -q '^strace: exit_group(' && printf '%s\n' "$out" | grep -q '^v2 ' &&
	pass run-runtime-option || fail run-runtime-option "out=$(printf '%s' "$out" | head -5)"
out=$("$UK" run -C "$tmp/rb" --no-build -o '=x' 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "bad runtime option '=x'" && pass run-runtime-option-bad ||
	fail run-runtime-option-bad "rc=$rc: $out"
# -e reaches a raw disk's program too (its command line is written into a copy)
if "$UK" build -C "$tmp/rb" -t raw >/dev/null 2>&1; then
	out=$(timeout 200 "$UK" run -C "$tmp/rb" --no-build -t raw --accel tcg --timeout 180 -e B=3 2>/dev/null | tr -d '\r')
	[ "$out" = "v2 [(null)] [3]" ] && pass run-env-raw-disk || fail run-env-raw-disk "out=$out"
else
	fail run-env-raw-disk "build of the raw target failed"
fi
