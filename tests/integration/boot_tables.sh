# The boot page tables live in free RAM after the image (arch/x86_64/pvh.S),
# not in it: the image loads no page of them, and they go past what each
# loader puts after the kernel. The loaders uk boots on here (QEMU microvm's
# qboot, QEMU's own PVH loader on q35 and pc, uk's raw-disk loader) put
# start_info below 1 MiB; Xen's puts it right after the kernel and
# Firecracker's at 0x6000: gdb, stopped at the PVH entry, moves start_info,
# its command line and its map there, and the program must still get its
# arguments and the machine's memory.
. "$(dirname "$0")/lib.sh"

if ! command -v gdb >/dev/null; then
	fail boot-tables-gdb-installed "gdb is not installed (apt-get install gdb)"
	exit 0
fi
p=$tmp/bt
"$UK" init "$p" >/dev/null
if ! out=$("$UK" build -C "$p" 2>&1); then
	fail boot-tables-build "$out"
	exit 0
fi
img=$p/build/kvm/bt
want=$(printf 'Hello from bt, a uk unikernel!\n  argv[1] = one\n  argv[2] = two words')

# the image's end: its highest PT_LOAD end, rounded up to a page
end=$(readelf -lW "$img" | awk '$1 == "LOAD" { print $3, $6 }' |
	while read -r a m; do echo $(((a + m + 4095) & ~4095)); done | sort -n | tail -n 1)
# pvh.S brought 12.3 KiB into the image when the tables were its .bss
pvh=$(jq '[.kept[] | select(.input | endswith("(pvh.S.o)")) | .size] | add' "$img.report.json")
if [ -n "$end" ] && [ "${pvh:-0}" -gt 0 ] && [ "$pvh" -lt 1024 ]; then
	pass boot-tables-not-in-image
else
	fail boot-tables-not-in-image "pvh.S.o keeps ${pvh:-?} bytes in the image (end '$end')"
fi

# boot LAYOUT SI CMD MAP: start_info, command line and map moved to SI, CMD,
# MAP (0: right after the one before), then the tables must lie past them; uk run --gdb makes
# $img.debug from its recipe first (uk build wrote none), so gdb has it
port=$((20000 + $$ % 20000))
boot() {
	local name=$1 si=$2 cmd=$3 map=$4 g line image_end data_end
	port=$((port + 1))
	(timeout 120 "$UK" run "$img" --accel tcg --gdb="$port" -o verbose -- one "two words" </dev/null \
		>"$tmp/$name.out" 2>"$tmp/$name.err"; echo $? >"$tmp/$name.rc") &
	for _ in $(seq 1 100); do
		grep -q 'waits for gdb' "$tmp/$name.err" 2>/dev/null && break
		sleep 0.1
	done
	g=$(timeout 100 gdb -batch -nx "$img.debug" -ex "target remote 127.0.0.1:$port" \
		-ex 'hbreak *uk_pvh_start' -ex continue \
		-ex "set \$si_at = $si" -ex "set \$cmd_at = $cmd" -ex "set \$map_at = $map" \
		-ex "source $UK_ROOT/tests/integration/boot_tables_move.py" -ex continue 2>&1)
	wait
	line=$(printf '%s\n' "$g" | grep '^moved: ')
	data_end=$(printf '%s\n' "$line" | sed -n 's/.*data end \(0x[0-9a-f]*\)$/\1/p')
	image_end=$(sed -n 's/^uk: image end \([0-9a-f]*\),.*/0x\1/p' "$tmp/$name.out")
	# the memory map reached the runtime: 64 MiB of RAM, less the image
	if [ "$(cat "$tmp/$name.rc")" = 0 ] && [ "$(grep -v '^uk: ' "$tmp/$name.out")" = "$want" ] &&
		grep -qx 'uk: ram 100000-4000000' "$tmp/$name.out" && [ -n "$data_end" ] && [ -n "$image_end" ] &&
		{ [ $((data_end)) -lt $((end)) ] || [ $((image_end)) -ge $((data_end + 6 * 4096)) ]; }; then
		pass "boot-tables-$name"
	else
		fail "boot-tables-$name" "rc $(cat "$tmp/$name.rc"); gdb: $(printf '%s' "$g" | tail -n 4)
out: $(cat "$tmp/$name.out") err: $(tail -n 3 "$tmp/$name.err")"
	fi
}
boot xen-layout "$end" 0 0             # start_info, command line, map: just after the kernel
boot xen-layout-unaligned $((end + 4000)) 0 0 # across a page boundary
boot firecracker-layout 0x6000 0x20000 0x7000

# QEMU's own PVH loader (q35 and pc): start_info and the command line in
# the pages below 0x3000
for m in q35 pc; do
	out=$(timeout 60 qemu-system-x86_64 -M "$m" -m 64M -accel tcg -kernel "$img" -append 'uk.name=bt -- one "two words"' \
		-display none -serial stdio -monitor none -no-reboot -device isa-debug-exit,iobase=0xf4 </dev/null 2>&1 |
		tr -d '\r' | sed 's/^.*\(Hello from\)/\1/') # SeaBIOS's "Booting from ROM.." has no newline
	[ "$(printf '%s\n' "$out" | grep -v '^uk: ')" = "$want" ] && pass "boot-tables-qemu-$m" ||
		fail "boot-tables-qemu-$m" "$(printf '%s' "$out" | tail -n 5)"
done
