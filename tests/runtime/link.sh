#!/usr/bin/env bash
# Links a uk image with GNU ld (until uk's linker lands), in two passes:
# the first lays everything out, the second adds the image's own symbol
# table (section uk_symtab, format in runtime/include/uk/symtab.h), placed
# last so no other address moves; the script checks that none did.
# Usage: link.sh OUT RUNTIME_DIR MUSL_DIR OBJECT...
# UK_NO_SYMTAB=1: one pass, an empty uk_symtab (crash reports show raw
# addresses).
set -euo pipefail
out=$1 rt=$2 musl=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/uk-link.XXXXXX")
trap 'rm -rf "$work"' EXIT

objs=("$@")
undefs=()
link1() { ld -static -nostdlib -T "$here/uk.ld" --gc-sections --strip-debug -z max-page-size=4096 \
		-z noexecstack --build-id=none -e uk_pvh_start -o "$2" "${undefs[@]}" \
		"$musl/lib/crt1.o" "${objs[@]}" "$1" \
		--start-group "$rt/lib/libukcore.a" "$rt/lib/libukplat-kvm.a" \
		"$musl/lib/libc.a" --end-group; }

# The runtime component's link_if rules ("  ANCHOR: [SYM, ...]"), as uk's
# linker applies them: an anchor is linked when the image has one of its
# symbols, to a fixed point (GNU ld has no such rule: -u each one found).
link_if() { # EMPTY_SYMTAB_OBJ
	local round added anchor syms have
	for round in 1 2 3 4; do
		link1 "$1" "$work/probe"
		have=$(nm --defined-only "$work/probe" | awk '{ print $NF }' | sort -u)
		added=0
		while read -r anchor syms; do
			anchor=${anchor%:}
			[[ " ${undefs[*]} " == *" $anchor "* ]] && continue
			for s in $(printf '%s' "$syms" | tr -d '[],'); do
				if grep -qx -- "$s" <<<"$have"; then
					undefs+=(-u "$anchor")
					added=1
					break
				fi
			done
		done < <(sed -n '/^link_if:/,/^[^ ]/s/^  \([A-Za-z_][A-Za-z0-9_]*:\) *\(.*\)$/\1 \2/p' "$rt/component.yaml")
		[ $added = 0 ] && return 0
	done
}

# symtab.S from "addr size name" lines (function symbols, sorted by
# address), format version 2: each entry a uleb128 address delta, then 255
# for a gap (an end where the next function does not start right after the
# previous one) or the length of the prefix shared with the previous name
# and the rest of the name; names are cut to 254 bytes.
gen() {
	awk 'function hex(s,   i, v) {
		v = 0; s = tolower(s)
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	BEGIN { print "\t.section uk_symtab, \"a\", @progbits"; print "\t.balign 16" }
	{
		a = hex($1); s = hex($2)
		if (n && a == addr[n]) next   # an alias: the first name is enough
		if (n && a > end) { addr[++n] = end; name[n] = "" }
		addr[++n] = a; name[n] = substr($3, 1, 254)
		end = s ? a + s : a
		if (end < a) end = a
	}
	END {
		if (n && end > addr[n]) { addr[++n] = end; name[n] = "" }
		print "\t.long 0x54534b55, 2, " n + 0 ", 2f - 1f"
		print "1:"
		prev = ""; last = 0
		for (i = 1; i <= n; i++) {
			printf "\t.uleb128 %d\n", addr[i] - last; last = addr[i]
			if (name[i] == "") { print "\t.byte 255"; continue }
			k = 0
			while (k < length(name[i]) && k < length(prev) &&
			       substr(name[i], k + 1, 1) == substr(prev, k + 1, 1)) k++
			printf "\t.byte %d\n\t.asciz \"%s\"\n", k, substr(name[i], k + 1)
			prev = name[i]
		}
		print "2:"
	}'
}
syms() {
	nm -n -S --defined-only "$1" | awk '$NF == "_etext" { next }
		NF == 4 && ($3 == "T" || $3 == "t" || $3 == "W") { print $1, $2, $4 }
		NF == 3 && ($2 == "T" || $2 == "t") { print $1, 0, $3 }'
}
: | gen >"$work/empty.S"
gcc -c -o "$work/empty.o" "$work/empty.S"
link_if "$work/empty.o"
link1 "$work/empty.o" "$work/pass1"
if [ -n "${UK_NO_SYMTAB:-}" ]; then
	mv "$work/pass1" "$out"
	exit 0
fi
syms "$work/pass1" | gen >"$work/symtab.S"
gcc -c -o "$work/symtab.o" "$work/symtab.S"
link1 "$work/symtab.o" "$work/pass2"
if ! cmp -s <(syms "$work/pass1") <(syms "$work/pass2"); then
	echo "link.sh: addresses moved between passes" >&2
	exit 1
fi
mv "$work/pass2" "$out"
