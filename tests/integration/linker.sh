#!/usr/bin/env bash
# uk link end to end: C programs linked against Debian's musl by uk's linker
# and by GNU ld (the reference path) run on this host with the same output
# and exit status; CLI errors and exit statuses; map/report/why; a bounded
# fuzz run over the input reader.
source "$(dirname "$0")/lib.sh"
cd "$UK_ROOT"

musl=/usr/lib/x86_64-linux-musl
if [ ! -e $musl/libc.a ]; then
	echo "PASS linker-skipped (no musl at $musl)"
	exit 0
fi
cflags="-nostdinc -isystem /usr/include/x86_64-linux-musl -isystem $(gcc -print-file-name=include)
	-ffunction-sections -fdata-sections -O2 -fcommon"

# --- differential: uk link vs ld.bfd, run on the host -----------------------
for src in tests/linker/progs/*.c; do
	name=$(basename "$src" .c)
	for pie in -fno-pie -fpie -fPIC; do
		t="diff-$name$pie"
		o=$tmp/$name$pie.o
		if ! gcc $cflags $pie -c "$src" -o "$o" 2>"$tmp/cc.err"; then
			fail "$t" "compile: $(cat "$tmp/cc.err")"; continue
		fi
		if ! "$UK" link -o "$tmp/$name.uk" $musl/crt1.o "$o" $musl/libc.a 2>"$tmp/uk.err"; then
			fail "$t" "uk link: $(cat "$tmp/uk.err")"; continue
		fi
		if ! "$UK" link --linker=bfd -o "$tmp/$name.bfd" $musl/crt1.o "$o" $musl/libc.a 2>"$tmp/bfd.err"; then
			fail "$t" "ld.bfd: $(cat "$tmp/bfd.err")"; continue
		fi
		a=$(timeout 10 "$tmp/$name.uk" arg1 2>&1; echo "status $?")
		b=$(timeout 10 "$tmp/$name.bfd" arg1 2>&1; echo "status $?")
		if [ "$a" = "$b" ]; then pass "$t"; else fail "$t" "uk: [$a] bfd: [$b]"; fi
	done
done

# --- inputs in any order, archive first --------------------------------------
gcc $cflags -fno-pie -c tests/linker/progs/hello.c -o "$tmp/hello.o"
if "$UK" link -o "$tmp/order" $musl/libc.a "$tmp/hello.o" $musl/crt1.o 2>"$tmp/err" &&
	"$tmp/order" | grep -q "hello, world"; then
	pass archive-first
else
	fail archive-first "$(cat "$tmp/err")"
fi

# --- explanations --------------------------------------------------------------
if "$UK" link -o "$tmp/h" --map "$tmp/h.map" --report "$tmp/h.json" --why printf \
	--print-gc-sections $musl/crt1.o "$tmp/hello.o" $musl/libc.a >"$tmp/why" 2>"$tmp/gc"; then
	check map-has-text grep -q '^0x0000000000101000 .* \.text$' "$tmp/h.map"
	check map-has-symbols grep -q ' main$' "$tmp/h.map"
	check report-is-json python3 -c "
import json,sys; r=json.load(open('$tmp/h.json'))
assert r['entry']['symbol']=='_start' and r['totals']['kept_bytes']>0
assert any(s['section'].endswith('.main') for s in r['kept'])
assert r['removed'] and 'link_seconds' in r"
	check why-starts-at-entry grep -qx 'root: entry symbol _start' "$tmp/why"
	check why-reaches-printf grep -q -- '-> printf (.*printf.lo):.text.printf)' "$tmp/why"
	check gc-lists-removed grep -q "^removing unused section '.*' in file '" "$tmp/gc"
else
	fail explanations "$(cat "$tmp/gc")"
fi
check strip-all "$UK" link --strip-all -o "$tmp/hs" $musl/crt1.o "$tmp/hello.o" $musl/libc.a
if readelf -S "$tmp/hs" | grep -q symtab; then fail strip-has-no-symtab; else pass strip-has-no-symtab; fi
check runs-at-4mib sh -c "'$UK' link --base 0x400000 -o '$tmp/h4' $musl/crt1.o '$tmp/hello.o' $musl/libc.a && '$tmp/h4' | grep -q hello"

# --- errors: message, hint, status -------------------------------------------
printf 'not an object\n' >"$tmp/junk.o"
"$UK" link -o "$tmp/x" "$tmp/junk.o" 2>"$tmp/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "^uk: error: .*junk.o: not an ELF object" "$tmp/err" && grep -q '^hint: ' "$tmp/err"; then
	pass error-garbage
else
	fail error-garbage "status $rc: $(cat "$tmp/err")"
fi
# a member that is not ELF, with a short and a long (//-table) name
printf 'text\n' >"$tmp/notes.txt"
printf 'text\n' >"$tmp/a-member-name-longer-than-sixteen.txt"
for m in notes.txt a-member-name-longer-than-sixteen.txt; do
	rm -f "$tmp/bad.a"
	(cd "$tmp" && ar rcS bad.a hello.o "$m")
	"$UK" link -o "$tmp/x" "$tmp/bad.a" 2>"$tmp/err"; rc=$?
	if [ $rc -eq 1 ] && grep -q "bad.a($m): not an ELF object (archive member at offset" "$tmp/err"; then
		pass "error-archive-member-${#m}"
	else
		fail "error-archive-member-${#m}" "status $rc: $(cat "$tmp/err")"
	fi
done
printf '\t.globl _start\n_start: call nowhere1\n\tcall nowhere2\n' | as -o "$tmp/u.o"
"$UK" link -o "$tmp/x" "$tmp/u.o" 2>"$tmp/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "nowhere1" "$tmp/err" && grep -q "nowhere2" "$tmp/err" && [ ! -e "$tmp/x" ]; then
	pass error-undefined
else
	fail error-undefined "status $rc: $(cat "$tmp/err")"
fi
"$UK" link --bogus 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && pass usage-status-2 || fail usage-status-2 "status $rc"
"$UK" link -o "$tmp/x" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && pass no-inputs-status-2 || fail no-inputs-status-2 "status $rc"
check help "$UK" link --help

# --- differential boot: runtime + musl images linked both ways, in QEMU -----
rt=$UK_ROOT/build/components/uk-runtime
mc=$UK_ROOT/build/components/musl
if [ -e "$rt/lib/libukcore.a" ] && [ -e "$rt/lib/libukplat-kvm.a" ] && command -v qemu-system-x86_64 >/dev/null; then
	# TCG: the same machine every time, wherever the test runs
	accel=tcg cpu=max
	boot() { # image -> console output + status line
		timeout 60 qemu-system-x86_64 -M microvm -accel "$accel" -cpu "$cpu" -m 128M \
			-nodefaults -no-user-config -display none -no-reboot -serial stdio \
			-device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$1" </dev/null 2>&1 | tr -d '\r'
		echo "status ${PIPESTATUS[0]}"
	}
	for name in hello exitcode ctors libc_mix linkset; do
		t=boot-diff-$name
		if ! gcc -fno-pie -ffunction-sections -fdata-sections -O2 -fcommon -nostdinc \
			-isystem "$mc/include" -isystem "$(gcc -print-file-name=include)" \
			-c tests/linker/progs/$name.c -o "$tmp/k$name.o" 2>"$tmp/err"; then
			fail "$t" "compile: $(cat "$tmp/err")"; continue
		fi
		ins=("$tmp/k$name.o" "$rt/lib/libukcore.a" "$rt/lib/libukplat-kvm.a" "$mc/lib/crt1.o" "$mc/lib/libc.a")
		kopts=(-e uk_pvh_start --keep .note.uk.pvh --keep uk_symtab)
		# the runtime's optional groups by its link_if rules, as uk build passes them
		while read -r anchor syms; do
			for sym in $syms; do kopts+=(--link-if "$anchor=$sym"); done
		done < <(sed -n 's/^  \([A-Za-z_0-9]*\): \[\(.*\)\]$/\1 \2/p' "$rt/component.yaml" | tr -d ',')
		if ! "$UK" link "${kopts[@]}" -o "$tmp/k$name.uk" "${ins[@]}" 2>"$tmp/err" ||
			! "$UK" link --linker=bfd "${kopts[@]}" -o "$tmp/k$name.bfd" "${ins[@]}" 2>>"$tmp/err"; then
			fail "$t" "link: $(cat "$tmp/err")"; continue
		fi
		a=$(boot "$tmp/k$name.uk"); b=$(boot "$tmp/k$name.bfd")
		if [ "$a" = "$b" ] && printf '%s' "$a" | grep -q .; then pass "$t"; else fail "$t" "uk: [$a] bfd: [$b]"; fi
	done
	# the runtime's many 8-aligned string sections (.rodata.*.str1.8): merging
	# them is undone where padding would make the result bigger
	ins=("$tmp/khello.o" "$rt/lib/libukcore.a" "$rt/lib/libukplat-kvm.a" "$mc/lib/crt1.o" "$mc/lib/libc.a")
	if "$UK" link "${kopts[@]}" --report "$tmp/khello.json" -o "$tmp/khello2.uk" "${ins[@]}" 2>"$tmp/err"; then
		check merge-kernel-never-grows python3 -c "
import json, sys; r = json.load(open(sys.argv[1]))
assert r['merged'] and all(m['bytes'] <= m['input_bytes'] for m in r['merged']), r['merged']
assert sum(m['input_bytes'] - m['bytes'] for m in r['merged']) == r['totals']['merged_bytes'] < 1 << 32" "$tmp/khello.json"
	else
		fail merge-kernel-never-grows "$(cat "$tmp/err")"
	fi
	# uk's linker writes the runtime's uk_symtab (runtime/include/uk/symtab.h)
	if python3 - "$tmp/khello.uk" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
shoff, = struct.unpack_from("<Q", d, 40); shn, shstr = struct.unpack_from("<HH", d, 60)
sh = [struct.unpack_from("<IIQQQQIIQQ", d, shoff + 64 * i) for i in range(shn)]
names = sh[shstr][4]
secs = {d[names + s[0]:d.index(b"\0", names + s[0])].decode(): s for s in sh}
st = secs["uk_symtab"]; off = st[4]
magic, ver, n, size = struct.unpack_from("<4I", d, off)
assert magic == 0x54534b55 and ver == 3 and n > 10 and 16 + size <= st[5], (hex(magic), ver, n, size)
# version 3: an alphabet of 29 bytes, then nibbles (uk/symtab.h)
alpha = d[off + 16:off + 45]
nibs = [x for b in d[off + 45:off + 16 + size] for x in (b & 15, b >> 4)]
q, addr, name, found = 0, 0, b"", set()
def var():
    global q
    v = shift = 0
    while True:
        x = nibs[q]; q += 1; v |= (x & 7) << shift; shift += 3
        if x < 8: return v
for i in range(n):
    addr += var()
    keep = var()
    assert keep <= len(name)
    name = name[:keep]
    while True:
        c = nibs[q]; q += 1
        if c == 0: break
        if c < 14: name += alpha[c - 1:c]
        elif c == 14: name += alpha[13 + nibs[q]:14 + nibs[q]]; q += 1
        else: name += bytes([nibs[q] | nibs[q + 1] << 4]); q += 2
    if name: found.add(name.decode())
assert (q + 1) // 2 == len(nibs) // 2, (q, len(nibs))
assert {"main", "uk_pvh_start", "printf"} <= found, sorted(found)[:20]
PY
	then pass uk-symtab-written; else fail uk-symtab-written "bad uk_symtab in $tmp/khello.uk"; fi
else
	echo "PASS boot-diff-skipped (runtime components or QEMU missing)"
fi

# --- fuzzing the input reader (bounded) ---------------------------------------
if command -v clang >/dev/null && [ "${UK_FUZZ_SECONDS:-20}" -gt 0 ]; then
	mkdir -p "$tmp/corpus"
	cp "$tmp/hello.o" "$tmp/u.o" "$tmp/corpus/"
	# seeds that reach relocation code: TLS (GD/LD/IE) and GOT forms
	gcc $cflags -fPIC -c tests/linker/progs/tls.c -o "$tmp/corpus/tls-pic.o"
	gcc $cflags -fpie -c tests/linker/progs/libc_mix.c -o "$tmp/corpus/mix-pie.o"
	# seeds that reach string merging and identical code folding
	gcc $cflags -fno-pie -c tests/linker/progs/strings.c -o "$tmp/corpus/strings.o"
	cat tests/linker/icf/one.c tests/linker/icf/two.c tests/linker/icf/main.c >"$tmp/icf-all.c"
	gcc $cflags -fno-pie -fno-ipa-icf -c "$tmp/icf-all.c" -o "$tmp/corpus/icf.o"
	ar rcs "$tmp/corpus/lib.a" "$tmp/u.o"
	# an archive whose member defines the entry (main), so that members
	# are opened lazily: a long (//-table) name, and a stray text member
	cp "$tmp/hello.o" "$tmp/a-member-name-longer-than-sixteen.o"
	(cd "$tmp" && ar rcs corpus/lib-main.a a-member-name-longer-than-sixteen.o notes.txt)
	if clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Isrc \
		-o "$tmp/fuzz" tests/linker/fuzz_input.c src/linker/*.c src/util/*.c \
		-ljansson -Wl,-Bstatic -lbfd -lsframe -liberty -lz -lzstd -Wl,-Bdynamic -ldl 2>"$tmp/fuzz.err"; then
		if "$tmp/fuzz" -max_total_time="${UK_FUZZ_SECONDS:-20}" -max_len=65536 \
			-rss_limit_mb=2048 -artifact_prefix="$tmp/" "$tmp/corpus" >"$tmp/fuzz.log" 2>&1; then
			pass fuzz-input-reader
		else
			mkdir -p "$UK_ROOT/build/fuzz-crashes"
			cp "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* "$UK_ROOT/build/fuzz-crashes/" 2>/dev/null
			fail fuzz-input-reader "$(grep -A20 'ERROR\|SUMMARY' "$tmp/fuzz.log" | head -30) (inputs kept in build/fuzz-crashes)"
		fi
	else
		fail fuzz-build "$(tail -5 "$tmp/fuzz.err")"
	fi
fi

# --- --link-if: an anchor joins the link only when its trigger is linked ----
# The program's table refers weakly to handler(); the anchor refers to it
# strongly, and is linked only when the program links trigger().
mkdir -p "$tmp/lif"
cat >"$tmp/lif/main.c" <<'C'
#include <stdio.h>
__attribute__((weak)) int handler(void);
int trigger(void);
int main(int argc, char **argv)
{
	(void)argv;
	if (argc > 5)
		trigger();
	printf("handler %s\n", handler ? "linked" : "absent");
	return handler ? handler() : 0;
}
C
printf 'int trigger(void) { return 1; }\n' >"$tmp/lif/trigger.c"
printf 'int handler(void) { return 7; }\n' >"$tmp/lif/handler.c"
printf 'int handler(void);\nint (*const anchor[])(void) = {handler};\n' >"$tmp/lif/anchor.c"
printf 'int main(void) { puts("no trigger"); return 0; }\n' >"$tmp/lif/other.c"
for f in main trigger handler anchor other; do
	gcc $cflags -fno-pie -c "$tmp/lif/$f.c" -o "$tmp/lif/$f.o" 2>/dev/null
done
ar rcs "$tmp/lif/lib.a" "$tmp/lif/trigger.o" "$tmp/lif/handler.o" "$tmp/lif/anchor.o"
lif() { # NAME MAIN WANT_OUTPUT WANT_STATUS LINK_OPTS...
	local n=$1 m=$2 want=$3 st=$4 out rc; shift 4
	if ! "$UK" link "$@" -o "$tmp/lif/$n" $musl/crt1.o "$tmp/lif/$m.o" "$tmp/lif/lib.a" \
		$musl/libc.a 2>"$tmp/lif/err"; then
		fail "linker-link-if-$n" "$(cat "$tmp/lif/err")"; return
	fi
	out=$(timeout 10 "$tmp/lif/$n"); rc=$?
	[ "$out" = "$want" ] && [ $rc = "$st" ] && pass "linker-link-if-$n" ||
		fail "linker-link-if-$n" "status $rc, output '$out'"
}
lif triggered main 'handler linked' 7 --link-if anchor=trigger
lif no-rule main 'handler absent' 0
lif not-triggered other 'no trigger' 0 --link-if anchor=trigger
lif unknown-anchor main 'handler absent' 0 --link-if nosuch=trigger
lif bfd-links-anchors main 'handler linked' 7 --linker=bfd --link-if anchor=trigger
out=$("$UK" link --link-if nonsense -o "$tmp/lif/x" "$tmp/lif/main.o" 2>&1); rc=$?
[ $rc = 2 ] && printf '%s' "$out" | grep -q "wants ANCHOR=SYMBOL" && pass linker-link-if-usage ||
	fail linker-link-if-usage "status $rc: $out"

# --- SHF_MERGE strings and constants; identical code folding ---------------
# (progs/strings.c also runs in the differential loop above, in all three
# code models.) Here: what merging and folding leave in the image.
mg=$tmp/merge
mkdir -p "$mg"
for f in tests/linker/merge/one.c tests/linker/merge/two.c tests/linker/progs/strings.c \
	tests/linker/icf/one.c tests/linker/icf/two.c tests/linker/icf/main.c; do
	d=$(basename "$(dirname "$f")")
	gcc $cflags -fno-pie -c "$f" -o "$mg/$d-$(basename "$f" .c).o"
done
same_as_bfd() { # NAME OBJECTS...: uk's and ld.bfd's links print the same
	local n=$1 a b; shift
	if ! "$UK" link --report "$mg/$n.json" -o "$mg/$n.uk" $musl/crt1.o "$@" $musl/libc.a \
		2>"$mg/err" || ! "$UK" link --linker=bfd -o "$mg/$n.bfd" $musl/crt1.o "$@" \
		$musl/libc.a 2>>"$mg/err"; then
		fail "merge-$n-links" "$(cat "$mg/err")"; return 1
	fi
	a=$(timeout 10 "$mg/$n.uk" 2>&1; echo "status $?")
	b=$(timeout 10 "$mg/$n.bfd" 2>&1; echo "status $?")
	[ "$a" = "$b" ] && pass "merge-$n-same-output" || fail "merge-$n-same-output" "uk: [$a] bfd: [$b]"
}
count_in() { # FILE BYTES: how often the bytes (python literal) occur in FILE
	python3 -c "import sys; print(open(sys.argv[1], 'rb').read().count($2))" "$1"
}
total() { # REPORT KEY
	python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['totals'][sys.argv[2]])" "$1" "$2"
}
if same_as_bfd strings "$mg/progs-strings.o"; then
	# every literal ending in "sentence" shares the longest one's bytes
	n=$(count_in "$mg/strings.uk" 'b"sentence\0"')
	[ "$n" = 1 ] && pass merge-tails-shared || fail merge-tails-shared "'sentence' stored $n times"
	[ "$(total "$mg/strings.json" merged_bytes)" -gt 0 ] && pass merge-report-bytes ||
		fail merge-report-bytes "$(total "$mg/strings.json" merged_bytes)"
	check merge-in-map sh -c "'$UK' link --map '$mg/strings.map' -o '$mg/strings3.uk' $musl/crt1.o \
		'$mg/progs-strings.o' $musl/libc.a && grep -q ' (strings merged from [0-9]* sections, [0-9]* bytes)\$' '$mg/strings.map'"
	# aligned string sections (.rodata.str1.8) pad; merging never grows them
	check merge-never-grows python3 -c "
import json, sys; r = json.load(open(sys.argv[1]))
assert r['merged'] and all(m['bytes'] <= m['input_bytes'] for m in r['merged']), r['merged']
assert sum(m['input_bytes'] - m['bytes'] for m in r['merged']) == r['totals']['merged_bytes']" "$mg/strings.json"
fi
if same_as_bfd twofiles "$mg/merge-one.o" "$mg/merge-two.o"; then
	n=$(count_in "$mg/twofiles.uk" 'b"printed by both files\0"')
	m=$(count_in "$mg/twofiles.uk" 'b"a literal both files use\0"')
	[ "$n$m" = 11 ] && pass merge-duplicates-once || fail merge-duplicates-once "stored $n and $m times"
fi
if same_as_bfd icf "$mg/icf-main.o" "$mg/icf-one.o" "$mg/icf-two.o"; then
	addr() { nm "$mg/icf.uk" | awk -v s="$1" '$3 == s { print $1 }'; }
	[ "$(addr called_a)" = "$(addr called_b)" ] && [ "$(addr name_a)" = "$(addr name_b)" ] &&
		[ -n "$(addr called_a)" ] && pass icf-folds-called-only ||
		fail icf-folds-called-only "called $(addr called_a)/$(addr called_b) name $(addr name_a)/$(addr name_b)"
	[ "$(addr twin_a)" != "$(addr twin_b)" ] && pass icf-keeps-address-taken ||
		fail icf-keeps-address-taken "twin_a and twin_b both at $(addr twin_a)"
	[ "$(total "$mg/icf.json" folded_sections)" = 2 ] && pass icf-report-counts ||
		fail icf-report-counts "folded_sections $(total "$mg/icf.json" folded_sections)"
	out=$("$UK" link --stats -o "$mg/icf3.uk" $musl/crt1.o "$mg/icf-main.o" "$mg/icf-one.o" \
		"$mg/icf-two.o" $musl/libc.a 2>&1)
	printf '%s' "$out" | grep -q "merged strings and constants saved [1-9][0-9]* bytes, folded 2 identical functions" &&
		pass icf-stats-line || fail icf-stats-line "$out"
fi
# the same inputs give the same bytes
"$UK" link -o "$mg/icf2.uk" $musl/crt1.o "$mg/icf-main.o" "$mg/icf-one.o" "$mg/icf-two.o" $musl/libc.a &&
	"$UK" link -o "$mg/strings2.uk" $musl/crt1.o "$mg/progs-strings.o" $musl/libc.a &&
	cmp -s "$mg/icf.uk" "$mg/icf2.uk" && cmp -s "$mg/strings.uk" "$mg/strings2.uk" &&
	pass merge-icf-reproducible || fail merge-icf-reproducible "two links of the same inputs differ"
# an SHF_MERGE string section whose last string has no NUL is linked as it is
printf '\t.section .rodata.str1.1,"aMS",@progbits,1\nmsg: .ascii "unterminated"\n\t.text\n\t.globl _start\n_start: lea msg(%%rip), %%rsi\n\tmov $1, %%edi\n\tmov $12, %%edx\n\tmov $1, %%eax\n\tsyscall\n\tmov $60, %%eax\n\txor %%edi, %%edi\n\tsyscall\n' |
	as -o "$mg/unterm.o"
out=$("$UK" link -o "$mg/unterm" "$mg/unterm.o" 2>&1 && timeout 10 "$mg/unterm")
[ "$out" = unterminated ] && pass merge-unterminated-kept || fail merge-unterminated-kept "$out"
