# The xen and raw targets (issue 5), end to end: uk build -t raw/xen, the
# raw disk booted by uk's own BIOS loader in QEMU q35/SeaBIOS, the xen image
# booted in QEMU through the platform's fallback, both giving the same
# output and exit status as kvm for the runtime's test program; the Xen
# notes checked with readelf and with Xen's own ELF loader (libxenguest,
# when libxen-dev is installed); xl.cfg; --gce; build-time refusals; the
# xen platform's console ring and shutdown on the host (simulated Xen).
. "$(dirname "$0")/lib.sh"
cd "$UK_ROOT"

# --- the xen platform on the host, against a simulated hypercall layer ----
if out=$(gcc -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-Wall -Wextra -Werror -Iruntime/include -Iruntime/kernel -Iruntime/arch/x86_64 \
	-Iruntime/plat/xen -DUK_RUNTIME_VERSION='"test"' -o "$tmp/xen_host" tests/unit/xen_host.c \
	runtime/plat/xen/ring.c runtime/plat/xen/console.c runtime/plat/xen/exit.c runtime/plat/xen/platform.c \
	runtime/kernel/printk.c runtime/kernel/string.c 2>&1); then
	"$tmp/xen_host" >"$tmp/xen_host.out" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL) ' "$tmp/xen_host.out"
	[ $rc -eq 0 ] || fail xen-host "status $rc: $(tail -n 20 "$tmp/xen_host.out")"
else
	fail xen-host-build "$out"
fi

# --- the runtime's test program, built for every target -------------------
p=$tmp/t
mkdir -p "$p/src"
cp tests/runtime/t.c "$p/src/t.c"
cat >"$p/uk.yaml" <<'Y'
spec: 1
name: t
version: 0.1.0
sources: [src/*.c]
targets: [kvm, raw, xen]
memory: 128M
Y
if out=$("$UK" build -C "$p" 2>&1) && [ -f "$p/build/raw/t.img" ] && [ -f "$p/build/xen/t" ] &&
	[ -f "$p/build/xen/t.xl.cfg" ] && [ -f "$p/build/kvm/t" ]; then
	pass targets-build-all
else
	fail targets-build-all "$out"
	exit 0
fi
size=$(stat -c %s "$p/build/raw/t.img")
[ $((size % 1048576)) -eq 0 ] && pass raw-size-whole-mib || fail raw-size-whole-mib "$size bytes"

# run TARGET [ARGS...]: sets $out (stdout) and $status; stdin from $input
input=
run() {
	local t=$1 img; shift
	case $t in
	xen) img=$p/build/xen/t ;; # an image path: QEMU, through the fallback
	*) img=$p/build/$t/t; [ "$t" = raw ] && img=$img.img ;;
	esac
	out=$(printf '%b' "$input" | timeout 120 "$UK" run "$img" --accel "$accel" "$@" 2>"$tmp/err")
	status=$?
}

# same CASE ARGS...: raw and xen print exactly what kvm prints, same status
same() {
	local name=$1 want_out want_status t; shift
	run kvm "$@"; want_out=$out want_status=$status
	for t in raw xen; do
		run "$t" "$@"
		if [ "$status" = "$want_status" ] && [ "$out" = "$want_out" ] && [ -n "$out$status" ]; then
			pass "$t-$name-$accel"
		else
			fail "$t-$name-$accel" "status $status (kvm $want_status); output: $(printf '%s' "$out" | tail -n 8)
kvm: $(printf '%s' "$want_out" | tail -n 8) stderr: $(tail -n 5 "$tmp/err")"
		fi
	done
}

# like CASE STATUS PATTERN... ARGS after --: for outputs with addresses
like() {
	local name=$1 want=$2 t pat ok; shift 2
	local pats=()
	while [ "$1" != -- ]; do pats+=("$1"); shift; done
	shift
	for t in kvm raw xen; do
		run "$t" "$@"
		ok=1
		[ "$status" = "$want" ] || ok=0
		for pat in "${pats[@]}"; do
			printf '%s\n' "$out" | grep -Eq -- "$pat" || ok=0
		done
		[ $ok = 1 ] && pass "$t-$name-$accel" ||
			fail "$t-$name-$accel" "status $status (want $want): $(printf '%s' "$out" | tail -n 10)"
	done
}

for accel in $accels; do
	same printf -- printf
	same args -- args one "two three" 'q"uote'
	same malloc -- malloc
	same tls -- tls
	same setjmp -- setjmp
	same libc -- libc
	same enosys -- enosys
	same exit7 -- exit7
	same exit200 -- exit200
	same return0
	input='first line\nsecond one\n' same stdin -- stdin
	input=
	like null 139 'NULL pointer dereference' '<crash_null\+0x[0-9a-f]+>' '<main\+0x[0-9a-f]+>' -- -- null
	like abort 134 '^uk: crash: abort \(SIGABRT 6\)$' -- -- abort
	like bootstats 0 '^bootstats: entry-to-main [0-9]+ us$' -- --bootstats
	like strace 0 '^strace: exit_group\(0x0\) = 0$' -- --strace
	# a 1,000-character command line: 100 words of 9 characters + blanks
	words=$(for i in $(seq 100); do printf 'word%05d ' "$i"; done)
	# shellcheck disable=SC2086
	same long-cmdline -- args $words
done

# The raw disk's own (baked) command line carries 1,000 characters too, and
# run-time arguments leave the built disk untouched.
long=$(head -c 1000 /dev/zero | tr '\0' 'x')
q=$tmp/q
mkdir -p "$q/src"
cp tests/runtime/t.c "$q/src/t.c"
printf 'spec: 1\nname: q\nversion: 0.1.0\nsources: [src/*.c]\ntargets: [raw]\ncmdline: [args, "%s"]\nenv: {FOO: "b a r"}\n' \
	"$long" >"$q/uk.yaml"
if out=$("$UK" build -C "$q" 2>&1); then
	sum=$(md5sum <"$q/build/raw/q.img")
	out=$(timeout 120 "$UK" run -C "$q" --accel tcg 2>&1)
	if printf '%s\n' "$out" | grep -qx "argv\[1\] \[args\]" &&
		printf '%s\n' "$out" | grep -qx "argv\[2\] \[$long\]" &&
		printf '%s\n' "$out" | grep -qx 'env FOO \[b a r\] BAR \[(null)\]'; then
		pass raw-baked-cmdline-1000
	else
		fail raw-baked-cmdline-1000 "$(printf '%s' "$out" | cut -c1-200 | tail -n 5)"
	fi
	timeout 120 "$UK" run -C "$q" --accel tcg -- exit7 >/dev/null 2>&1
	rc=$?
	[ $rc = 7 ] && [ "$(md5sum <"$q/build/raw/q.img")" = "$sum" ] && pass raw-run-args-copy ||
		fail raw-run-args-copy "status $rc, or the built disk changed"
else
	fail raw-baked-cmdline-1000 "$out"
fi

# The loader refuses a kernel that does not fit in RAM (E820): a copy of
# the disk whose first segment claims 512 MiB, booted with 128M.
cp "$p/build/raw/t.img" "$tmp/big.img"
printf '\x00\x00\x00\x20' | dd of="$tmp/big.img" bs=1 seek=$((64 * 512 + 24 + 12)) conv=notrunc status=none
out=$(timeout 120 "$UK" run "$tmp/big.img" --accel tcg 2>&1); rc=$?
if [ $rc = 126 ] && printf '%s' "$out" | grep -q "^uk-boot: the kernel does not fit in the VM's RAM"; then
	pass raw-loader-checks-ram
else
	fail raw-loader-checks-ram "rc=$rc: $out"
fi

# --- refusals at build time -------------------------------------------------
long4k=$(head -c 4000 /dev/zero | tr '\0' 'y')
sed -i "s/^cmdline: .*/cmdline: [\"$long4k\"]/" "$q/uk.yaml"
out=$("$UK" build -C "$q" 2>&1); rc=$?
if [ $rc = 1 ] && printf '%s' "$out" | grep -q "^uk: error: the command line is 4[0-9]* bytes, more than the 3839" &&
	printf '%s' "$out" | grep -q '^hint: '; then
	pass raw-refuses-long-cmdline
else
	fail raw-refuses-long-cmdline "rc=$rc: $out"
fi
sed -i 's/^cmdline: .*/cmdline: []/' "$q/uk.yaml"
cat >"$q/src/t.c" <<'C'
char big[1200u << 20]; /* 1.2 GiB of bss: the image ends past 1 GiB */
int main(int argc, char **argv) { big[argc * 12345] = 1; return big[(long)argv & 1]; }
C
out=$("$UK" build -C "$q" 2>&1); rc=$?
if [ $rc = 1 ] && printf '%s' "$out" | grep -q "is too large for the raw-disk loader"; then
	pass raw-refuses-too-large
else
	fail raw-refuses-too-large "rc=$rc: $out"
fi

# --- hello: size, --gce, reproducible ---------------------------------------
h=$tmp/hello
"$UK" init "$h" >/dev/null
sed -i 's/^targets:.*/targets: [raw]/; /^  - kvm$/d' "$h/uk.yaml"
if out=$("$UK" build -C "$h" --gce 2>&1); then
	size=$(stat -c %s "$h/build/raw/hello.img")
	[ "$size" -le 1048576 ] && pass raw-hello-at-most-1mib || fail raw-hello-at-most-1mib "$size bytes"
	list=$(tar tzvf "$h/build/raw/hello.tar.gz" 2>&1)
	magic=$(gzip -dc "$h/build/raw/hello.tar.gz" | head -c 265 | tail -c 8 | od -An -c | tr -d ' ')
	if [ "$(printf '%s\n' "$list" | wc -l)" = 1 ] && printf '%s' "$list" | grep -q ' 1073741824 .* disk.raw$' &&
		[ "$magic" = 'ustar\0' ] &&
		gzip -dc "$h/build/raw/hello.tar.gz" | tail -c +513 | head -c "$size" | cmp -s - "$h/build/raw/hello.img"; then
		pass raw-gce-tarball
	else
		fail raw-gce-tarball "list: $list magic: $magic"
	fi
	cp "$h/build/raw/hello.img" "$h/build/raw/hello.tar.gz" "$tmp/"
	rm -rf "$h/build"
	"$UK" build -C "$h" --gce >/dev/null 2>&1
	cmp -s "$tmp/hello.img" "$h/build/raw/hello.img" && cmp -s "$tmp/hello.tar.gz" "$h/build/raw/hello.tar.gz" &&
		pass raw-reproducible || fail raw-reproducible "two builds differ"
	out=$(timeout 120 "$UK" run -C "$h" --accel tcg 2>&1)
	[ "$out" = "Hello from hello, a uk unikernel!" ] && pass raw-hello-boots || fail raw-hello-boots "$out"
else
	fail raw-hello-at-most-1mib "$out"
fi

out=$("$UK" build -C "$p" -t kvm --gce 2>&1); rc=$?
[ $rc = 2 ] && printf '%s' "$out" | grep -q "^uk: error: --gce packs the raw disk" && pass raw-gce-needs-raw ||
	fail raw-gce-needs-raw "rc=$rc: $out"

# the xen platform archive is reproducible too
if make -s -C runtime O="$tmp/rt1" >/dev/null 2>&1 && make -s -C runtime O="$tmp/rt2" >/dev/null 2>&1 &&
	cmp -s "$tmp/rt1/lib/libukplat-xen.a" "$tmp/rt2/lib/libukplat-xen.a" &&
	grep -qx 'archives_xen: \[lib/libukplat-xen.a\]' "$tmp/rt1/component.yaml"; then
	pass xen-platform-reproducible
else
	fail xen-platform-reproducible "two builds of libukplat-xen.a differ, or component.yaml lacks it"
fi

# --- xen: notes, xl.cfg, uk run -t xen ----------------------------------------
img=$p/build/xen/t
notes=$(readelf -n "$img" 2>&1)
# the PVH entry, from the type-18 note's 8 descriptor bytes (little-endian)
entry=$(printf '%s\n' "$notes" | awk '/0x00000012/ { getline; s = ""; for (i = 10; i >= 3; i--) s = s $i; print s }' |
	sed 's/^0*//')
ok=1
for t in 0x00000012 0x00000006 0x00000007 0x00000005 0x00000008; do
	printf '%s\n' "$notes" | grep -Eq "^[[:space:]]+Xen[[:space:]]+0x[0-9a-f]+[[:space:]]+(Unknown note type: \()?$t" || ok=0
done
[ $ok = 1 ] && [ -n "$entry" ] && pass xen-notes-readelf || fail xen-notes-readelf "entry '$entry': $notes"
if [ -e /usr/include/xenguest.h ]; then
	if gcc -o "$tmp/xen_elfcheck" tests/unit/xen_elfcheck.c -lxenguest -lxenctrl -lxentoollog 2>"$tmp/err"; then
		log=$("$tmp/xen_elfcheck" "$img" 2>&1)
		ok=1
		for pat in 'ELF: note: GUEST_OS = "uk"' 'ELF: note: GUEST_VERSION = "[0-9.]+"' \
			'ELF: note: XEN_VERSION = "xen-3.0"' 'ELF: note: LOADER = "generic"' \
			"ELF: note: PHYS32_ENTRY = 0x$entry" 'ELF: Found PVH image' \
			"virt_entry += 0x$entry" 'xc_dom_parse_elf_kernel: hvm-3.0-x86_32: 0x100000 ->'; do
			printf '%s\n' "$log" | grep -Eq -- "$pat" || { ok=0; fail xen-notes-libxenguest "no '$pat' in: $(printf '%s' "$log" | tail -n 25)"; break; }
		done
		[ $ok = 1 ] && pass xen-notes-libxenguest
	else
		fail xen-notes-libxenguest "cannot build the checker: $(cat "$tmp/err")"
	fi
else
	echo "SKIP xen-notes-libxenguest: install libxen-dev for Xen's own ELF loader"
fi
cfg=$(cat "$img.xl.cfg")
abs=$(cd "$p/build/xen" && pwd)/t
if printf '%s\n' "$cfg" | grep -qx 'type = "pvh"' && printf '%s\n' "$cfg" | grep -qx "kernel = \"$abs\"" &&
	printf '%s\n' "$cfg" | grep -qx 'memory = 128' && printf '%s\n' "$cfg" | grep -qx 'name = "t"' &&
	printf '%s\n' "$cfg" | grep -qx 'cmdline = "uk.name=t --"' &&
	printf '%s\n' "$cfg" | grep -qx 'on_crash = "destroy"'; then
	pass xen-xlcfg
else
	fail xen-xlcfg "$cfg"
fi
# xl's own parser (libxlutil) reads the configuration back: the command
# line with blanks, quotes and backslashes is the one the raw disk bakes in.
if [ -e /usr/include/libxlutil.h ]; then
	x=$tmp/x
	mkdir -p "$x/src"
	cp tests/runtime/t.c "$x/src/t.c"
	cat >"$x/uk.yaml" <<'Y'
spec: 1
name: x
version: 0.1.0
sources: [src/*.c]
targets: [raw, xen]
memory: 100M
cmdline: [args, "two words", 'q"uote', 'back\slash']
env: {MSG: "hello there"}
Y
	if gcc -o "$tmp/xen_xlcheck" tests/unit/xen_xlcheck.c -lxlutil 2>"$tmp/err" &&
		out=$("$UK" build -C "$x" 2>&1); then
		parsed=$("$tmp/xen_xlcheck" "$x/build/xen/x.xl.cfg" 2>&1)
		baked=$(dd if="$x/build/raw/x.img" bs=1 skip=$((64 * 512 + 256)) count=3000 status=none | tr -d '\0')
		want="type=pvh
name=x
kernel=$(cd "$x/build/xen" && pwd)/x
cmdline=$baked
on_poweroff=destroy
on_reboot=destroy
on_crash=destroy
memory=100
vcpus=1"
		if [ "$parsed" = "$want" ] && [ "$baked" = 'uk.name=x "uk.env=MSG=hello there" -- args "two words" "q\"uote" "back\\slash"' ]; then
			pass xen-xlcfg-libxlutil
		else
			fail xen-xlcfg-libxlutil "parsed: $parsed
want: $want"
		fi
		out=$(timeout 120 "$UK" run -C "$x" -t raw --accel tcg 2>&1)
		if printf '%s\n' "$out" | grep -qx 'argv\[4\] \[back\\slash\]' &&
			printf '%s\n' "$out" | grep -qx 'argv\[3\] \[q"uote\]'; then
			pass raw-baked-cmdline-quoting
		else
			fail raw-baked-cmdline-quoting "$out"
		fi
	else
		fail xen-xlcfg-libxlutil "$(cat "$tmp/err") $out"
	fi
else
	echo "SKIP xen-xlcfg-libxlutil: install libxen-dev for xl's own parser"
fi
if ! command -v xl >/dev/null; then
	out=$("$UK" run -C "$p" -t xen 2>&1); rc=$?
	if [ $rc = 1 ] && printf '%s' "$out" | grep -q "^uk: error: running a xen image needs Xen" &&
		printf '%s' "$out" | grep -q "^hint: .*xl create -c .*/build/xen/t.xl.cfg"; then
		pass xen-run-without-xl
	else
		fail xen-run-without-xl "rc=$rc: $out"
	fi
fi
# with xl installed (a stand-in here), uk run -t xen is xl create -c CFG
mkdir -p "$tmp/fakebin"
printf '#!/bin/sh\necho "$*" >"%s/xl.args"\nexit 3\n' "$tmp" >"$tmp/fakebin/xl"
chmod +x "$tmp/fakebin/xl"
PATH="$tmp/fakebin:$PATH" "$UK" run -C "$p" -t xen >/dev/null 2>&1
rc=$?
if [ $rc = 3 ] && [ "$(cat "$tmp/xl.args" 2>/dev/null)" = "create -c $p/build/xen/t.xl.cfg" ]; then
	pass xen-run-xl-create
else
	fail xen-run-xl-create "rc=$rc args: $(cat "$tmp/xl.args" 2>&1)"
fi
