#!/usr/bin/env bash
# uk link's archives: which member defines a symbol (the first member of an
# archive naming it, the first archive read), members only a weak reference
# names left out, --link-if and --why over names no input asked for yet,
# the output's .symtab in the order its names first appeared (an object's
# symbols, an archive's index), and every malformed-archive error: for the
# archive's index at once, for a member when the link loads it (the
# members a link does not use are not read, as with ld), and a stray
# member named in the hint of a link that fails on an undefined symbol.
source "$(dirname "$0")/lib.sh"
cd "$tmp"

cf="-O1 -fno-pie -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables"
cat >m1.c <<'EOF'
int foo(void) { return 1; }
int bar(void) { return 2; }
EOF
cat >m2.c <<'EOF'
int foo(void) { return 3; }
int baz(void) { return 4; }
EOF
cat >m3.c <<'EOF'
int zeta(void) { return 5; }
int alpha(void) { return 6; }
int in_m3;
EOF
cat >weakd.c <<'EOF'
int weakly(void) { return 9; }
EOF
# exit status: alpha + zeta + foo (+ weakly when linked)
cat >main.c <<'EOF'
int alpha(void); int zeta(void); int foo(void);
extern int weakly(void) __attribute__((weak));
void _start(void)
{
	long st = alpha() + zeta() + foo() + (weakly ? weakly() : 0);
	__asm__ volatile("syscall" : : "a"(60L), "D"(st));
	for (;;)
		;
}
EOF
for f in m1 m2 m3 weakd main; do
	gcc $cf -c $f.c -o $f.o || { fail link-archives-setup "gcc $f.c"; exit 0; }
done
ar rcs one.a m1.o m2.o m3.o weakd.o # foo: m1.o first
ar rcs two.a m2.o m1.o              # foo: m2.o first

status() { # IMAGE: its exit status
	timeout 10 "./$1" >/dev/null 2>&1
	echo $?
}
link() { # NAME LINK_ARGS...: uk link -o NAME --map NAME.map
	local n=$1; shift
	"$UK" link -o "$n" --map "$n.map" "$@" 2>"$n.err"
}

# --- which member: the archive's first, the first archive's ----------------
if link first main.o one.a; then
	[ "$(status first)" = 12 ] && grep -q 'one.a(m1.o):(.text.foo)' first.map &&
		! grep -q 'm2.o' first.map && pass archive-first-member-wins ||
		fail archive-first-member-wins "status $(status first); $(grep '\.a(' first.map)"
	! grep -q weakd.o first.map && pass archive-weak-ref-loads-nothing ||
		fail archive-weak-ref-loads-nothing "$(grep weakd first.map)"
else
	fail archive-first-member-wins "$(cat first.err)"
fi
if link order main.o two.a one.a && link order2 two.a one.a main.o; then
	[ "$(status order)" = 14 ] && [ "$(status order2)" = 14 ] &&
		grep -q 'two.a(m2.o):(.text.foo)' order.map && ! grep -q 'm1.o' order.map &&
		pass archive-first-archive-wins ||
		fail archive-first-archive-wins "status $(status order)/$(status order2); $(grep '\.a(' order.map)"
else
	fail archive-first-archive-wins "$(cat order.err order2.err)"
fi
# an anchor only an archive's index names, asked for by --link-if
if link lif --link-if weakly=zeta one.a main.o; then
	[ "$(status lif)" = 21 ] && grep -q 'one.a(weakd.o)' lif.map && pass archive-link-if-lazy-anchor ||
		fail archive-link-if-lazy-anchor "status $(status lif)"
else
	fail archive-link-if-lazy-anchor "$(cat lif.err)"
fi
out=$("$UK" link -o why --why baz main.o one.a 2>&1)
grep -qx "'baz' is not defined by any loaded input" <<<"$out" && pass archive-why-not-loaded ||
	fail archive-why-not-loaded "$out"

# --- .symtab: names in the order they first appeared ------------------------
# _start (the entry, first), then each input's names in input order: an
# object's global symbols in its symbol table's order, an archive's as its
# index lists them; kept are those the output defines
symtab_order() { # NAME INPUTS...
	local n=$1; shift
	if ! "$UK" link -o "$n" "$@" 2>"$n.err"; then
		fail "$n" "$(cat "$n.err")"; return
	fi
	python3 - "$n" "$@" <<'EOF'
import subprocess, sys
def run(*a): return subprocess.run(a, capture_output=True, text=True, check=True).stdout
def globals_of(f, defined):
    out = []
    for l in run("readelf", "-sW", f).splitlines():
        p = l.split()
        if len(p) >= 8 and p[4] in ("GLOBAL", "WEAK") and (p[6] != "UND" or not defined):
            out.append(p[7])
    return out
img, inputs = sys.argv[1], sys.argv[2:]
seen = ["_start"]
for f in inputs:
    if f.endswith(".a"):
        names = [l.split(" in ")[0] for l in run("nm", "--print-armap", f).splitlines() if " in " in l]
    else:
        names = globals_of(f, False)
    for x in names:
        if x not in seen:
            seen.append(x)
got = globals_of(img, True)
want = [x for x in seen if x in got]
if not {"_start", "alpha", "zeta", "foo"} <= set(got) or got != want:
    sys.exit("order %s, want %s" % (got, want))
EOF
	[ $? -eq 0 ] && pass "$n"
}
symtab_order symtab-order-object-first main.o one.a
symtab_order symtab-order-archive-first one.a main.o
symtab_order symtab-order-two-archives two.a one.a main.o

# --- malformed archives: the index at once, a member when it is loaded -------
err_is() { # NAME WANT INPUTS...: uk link fails, its first line is WANT
	local n=$1 want=$2; shift 2
	local out rc
	out=$("$UK" link -o "$n" "$@" 2>&1); rc=$?
	[ $rc -eq 1 ] && [ "$(head -n1 <<<"$out")" = "uk: error: $want" ] && [ ! -e "$n" ] &&
		pass "$n" || fail "$n" "rc=$rc: $out"
}
echo text >stray.txt
ar rcs stray.a m1.o stray.txt
# a stray member the link does not need is not read: the link is the same
if link stray-unused main.o one.a stray.a && link stray-without main.o one.a &&
	[ "$(status stray-unused)" = 12 ] && cmp -s stray-unused stray-without; then
	pass archive-stray-member-unused
else
	fail archive-stray-member-unused "$(cat stray-unused.err)"
fi
# ... and is named in the hint when a symbol is undefined (alpha, zeta)
out=$("$UK" link -o stray-hint main.o stray.a 2>&1)
[ $? -eq 1 ] && grep -q "^undefined symbol 'alpha', referenced by main.o" <<<"$out" &&
	grep -q "^hint: .*not ELF objects, so nothing in them was seen: stray.a(stray.txt)$" <<<"$out" &&
	[ ! -e stray-hint ] && pass archive-stray-member-hint || fail archive-stray-member-hint "$out"
# a member the index names that is not ELF (m3.o's magic overwritten): an
# error when the link loads it (alpha), none when it does not (foo only)
python3 - >named.off <<'EOP'
d = bytearray(open("one.a", "rb").read())
o = 8
while True:
    size = int(d[o + 48:o + 58])
    if d[o:o + 5] == b"m3.o/":
        break
    o += 60 + size + (size & 1)
d[o + 60:o + 64] = b"XELF"
open("named.a", "wb").write(d)
print(o)
EOP
err_is archive-member-not-elf-loaded "named.a(m3.o): not an ELF object (archive member at offset $(cat named.off))" main.o named.a
printf '%s\n' 'int foo(void);' \
	'void _start(void) { __asm__ volatile("syscall" : : "a"(60L), "D"((long)foo())); for (;;) ; }' >foo_only.c
gcc $cf -c foo_only.c -o foo_only.o
if link named-unused foo_only.o named.a && [ "$(status named-unused)" = 1 ]; then
	pass archive-member-not-elf-unused
else
	fail archive-member-not-elf-unused "$(cat named-unused.err)"
fi
ar rcS noindex.a m1.o m2.o
err_is archive-no-index "noindex.a: archive has no symbol index" main.o one.a noindex.a
ar rcsT thin.a m1.o
err_is archive-thin "thin.a: thin archives are not supported" main.o thin.a
head -c 100 one.a >trunc.a
err_is archive-truncated "trunc.a: malformed archive: member at offset 8 extends past the end" main.o one.a trunc.a
# the index's first entry names offset 99999 (GNU format: count, offsets)
python3 -c "
import struct; d = bytearray(open('one.a', 'rb').read())
d[72:76] = struct.pack('>I', 99999); open('badoff.a', 'wb').write(d)"
err_is archive-index-bad-offset "badoff.a: malformed archive: symbol index names a member at offset 99999 that does not exist" main.o badoff.a
# an offset inside the archive where no member starts: an error when a
# symbol of that entry is loaded (GNU index: count, offsets, names)
python3 - >inside.off <<'EOP'
import struct
d = bytearray(open("one.a", "rb").read())
n, = struct.unpack(">I", d[68:72])
names = d[72 + 4 * n:].split(b"\0")
k = names.index(b"alpha")
off, = struct.unpack(">I", d[72 + 4 * k:76 + 4 * k])
d[72 + 4 * k:76 + 4 * k] = struct.pack(">I", off + 2)
open("inside.a", "wb").write(d)
print(off + 2)
EOP
err_is archive-index-offset-inside "inside.a: malformed archive: symbol index names a member at offset $(cat inside.off) that does not exist" main.o inside.a
printf '!<arch>\n' >empty.a
if link empty main.o one.a empty.a; then pass archive-empty-accepted; else fail archive-empty-accepted "$(cat empty.err)"; fi
