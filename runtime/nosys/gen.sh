#!/bin/sh
# The runtime's table of the system calls musl can make that the runtime
# does not always link (man/uk-runtime.7, UNSUPPORTED CALLS), generated at
# the runtime's build:
#   gen.sh LIBC_A MUSL_SYSCALL_H KERNEL_DIR OUTDIR
# From the x86_64 libc.a itself (calls.awk reads each member's code), not
# from musl's source: the source names the calls of every architecture's
# #if branch (SYS_fstatat64, statx fallbacks), the compiled members only
# the ones x86_64 makes. Writes, in OUTDIR:
#   list         "NR NAME KIND MEMBER..."  (KIND none: the runtime has no
#                such call; group: an optional group has it)
#   link-if      "uk_nosys_NAME: [SYMBOL, ...]"  component.yaml link_if
#                rules: a call's entry joins an image that links a member
#                making it (for a group's call not the start-up code's
#                open and poll, or every image would pay)
#   NAME.s       each entry: its number and name in section uk_nosys
#   unsupported  "FUNCTION CALL..."  the libc functions that make, or call
#                functions that make, a call of KIND none (uk build warns)
set -eu
libc=$1 sysh=$2 kdir=$3 out=$4
mkdir -p "$out"
tmp=$out/.tmp
rm -rf "$tmp" && mkdir "$tmp"

objdump -dr --no-show-raw-insn "$libc" >"$tmp/dis"
awk -f "$(dirname "$0")/calls.awk" "$tmp/dis" | LC_ALL=C sort -u >"$tmp/calls"
# member: its strong global definitions and strong undefined references
nm -g --defined-only "$libc" 2>/dev/null |
	awk '/:$/ { m = $1; sub(/:$/, "", m); next } NF == 3 && $2 ~ /^[TDBR]$/ { print m, $3, "strong" }
	     NF == 3 && $2 ~ /^[WV]$/ { print m, $3, "weak" }' >"$tmp/defs"
nm -u "$libc" 2>/dev/null | awk '/:$/ { m = $1; sub(/:$/, "", m); next } NF == 2 && $1 == "U" { print m, $2 }' >"$tmp/refs"
grep '^#define __NR_' "$sysh" | awk '{ sub(/^__NR_/, "", $2); print $3, $2 }' >"$tmp/names"
# the runtime's calls: the core list in syscall.h, the groups' in sys_*.h
impl() { grep -ho 'X([0-9]*, *[a-z_0-9]*' "$@" | sed 's/X(\([0-9]*\), *\(.*\)/\1 \2/'; }
impl "$kdir/syscall.h" >"$tmp/core"
impl $(ls "$kdir"/sys_*.h | grep -v sys_groups.h) >"$tmp/group"
# "NR SYMBOL": a function whose linking links the group that has call NR
# (runtime/link-if/GROUP for sys_GROUP.h): no entry is needed for it
: >"$tmp/own"
for f in $(ls "$kdir"/sys_*.h | grep -v sys_groups.h); do
	g=$(basename "$f" .h)
	lif=$kdir/../link-if/${g#sys_}
	[ -f "$lif" ] || continue
	syms=$(sed 's/^[^[]*\[//; s/\].*//; s/,/ /g' "$lif")
	for nr in $(impl "$f" | cut -d' ' -f1); do
		for sym in $syms; do echo "$nr $sym"; done
	done >>"$tmp/own"
done

awk -v out="$out" -v tmp="$tmp" '
FILENAME == tmp "/names" { name[$1] = $2; next }
FILENAME == tmp "/core" { core[$1] = 1; next }
FILENAME == tmp "/group" { group[$1] = 1; next }
FILENAME == tmp "/own" { own[$1 " " $2] = 1; next }
FILENAME == tmp "/defs" {
	if ($3 == "strong" && !($1 in trig)) trig[$1] = $2
	if ($3 == "strong" || !(($2) in definer)) definer[$2] = $1
	fn[$1] = fn[$1] " " $2
	next
}
FILENAME == tmp "/refs" { dep[$1] = dep[$1] " " $2; next }
FILENAME == tmp "/calls" {
	nr = $2
	if (nr in core || !(nr in name)) next
	members[nr] = members[nr] " " $1
	if (!(nr in group)) { none[$1 " " nr] = 1; has[$1] = 1 }
	next
}
END {
	for (nr in members) {
		kind = (nr in group) ? "group" : "none"
		print nr, name[nr], kind, members[nr] > (out "/list")
		n = split(members[nr], ms, " "); t = ""
		# a call of a group: named when the group is not linked; open
		# and poll of the start-up code (AT_SECURE only) would put an
		# entry in every image
		for (i = 1; i <= n; i++)
			if (ms[i] in trig && (kind == "none" || (ms[i] != "__libc_start_main.lo" &&
								 !((nr " " trig[ms[i]]) in own))))
				t = t (t == "" ? "" : ", ") trig[ms[i]]
		if (t != "") print "uk_nosys_" name[nr] ": [" t "]" > (out "/link-if")
	}
	# a member reaches the calls of the members defining what it refers to
	for (k in none) { split(k, p, " "); reach[p[1]] = reach[p[1]] " " p[2] }
	changed = 1
	while (changed) {
		changed = 0
		for (m in dep) {
			n = split(dep[m], ds, " ")
			for (i = 1; i <= n; i++) {
				d = definer[ds[i]]
				if (d == "" || d == m || !(d in reach)) continue
				c = split(reach[d], rs, " ")
				for (j = 1; j <= c; j++)
					if (!((m " " rs[j]) in none)) { none[m " " rs[j]] = 1; reach[m] = reach[m] " " rs[j]; changed = 1 }
			}
		}
	}
	for (m in reach) {
		n = split(fn[m], fs, " "); c = split(reach[m], rs, " "); l = ""
		for (j = 1; j <= c; j++) l = l " " name[rs[j]]
		for (i = 1; i <= n; i++) print fs[i] l > (tmp "/unsupported")
	}
}' "$tmp/names" "$tmp/core" "$tmp/group" "$tmp/own" "$tmp/defs" "$tmp/refs" "$tmp/calls"

# syscall() can make any call: the code that says which is not supported
echo "uk_enosys: [syscall]" >>"$out/link-if"
# sorted, and each line's calls sorted, for a reproducible component
for f in list link-if; do LC_ALL=C sort -n "$out/$f" -o "$out/$f"; done
awk '{ printf "%s", $1; n = split($0, w, " "); delete s; for (i = 2; i <= n; i++) s[w[i]] = 1
	m = 0; for (k in s) c[++m] = k
	for (i = 2; i <= m; i++) for (j = i; j > 1 && c[j - 1] > c[j]; j--) { t = c[j]; c[j] = c[j - 1]; c[j - 1] = t }
	for (i = 1; i <= m; i++) printf " %s", c[i]; print "" }' "$tmp/unsupported" |
	LC_ALL=C sort -u >"$out/unsupported"
# entry: 2 bytes, the number (0x8000 set for a group's call), then the
# name (kernel/nosys.h); the reference pulls in the code that reads them
# (kernel/nosys.c)
rm -f "$out"/*.s
while read -r nr nm kind rest; do
	hi=$((nr >> 8))
	[ "$kind" = group ] && hi=$((hi | 128))
	printf '\t.section uk_nosys,"a",@progbits\n\t.globl uk_nosys_%s\nuk_nosys_%s:\n\t.byte %d, %d\n\t.asciz "%s"\n\t.reloc uk_nosys_%s, R_X86_64_NONE, uk_enosys\n' \
		"$nm" "$nm" $((nr & 255)) $hi "$nm" "$nm" >"$out/$nm.s"
done <"$out/list"
rm -rf "$tmp"
