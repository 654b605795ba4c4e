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
# address), format version 3: a fixed alphabet (uk's linker picks the
# image's most frequent bytes; any is valid), then nibbles, two a byte, low
# first: each entry's address delta and the length of the prefix its name
# shares with the previous name as 3-bit groups (bit 3: more), then the
# rest of the name (1-13 and 14 x by the alphabet, 15 lo hi for other
# bytes) and 0. A gap (an end 16 bytes or more before the next function)
# is an empty name; names are cut to 254 bytes.
gen() {
	awk 'function hex(s,   i, v) {
		v = 0; s = tolower(s)
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	function nib(v) { nibs[nn++] = v }
	function var(v) {
		do { nib(v % 8 + (v >= 8 ? 8 : 0)); v = int(v / 8) } while (v)
	}
	function putc(c,   i, o) {
		i = index(alpha, c)
		if (i && i <= 13) { nib(i); return }
		if (i) { nib(14); nib(i - 14); return }
		o = ord[c]; nib(15); nib(o % 16); nib(int(o / 16))
	}
	BEGIN {
		print "\t.section uk_symtab, \"a\", @progbits"; print "\t.balign 16"
		alpha = "_tseauirkplmncodygfbwh12x.v3z" # 29 bytes
		for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i
	}
	{
		a = hex($1); s = hex($2)
		if (n && a == addr[n]) next   # an alias: the first name is enough
		if (n && a >= end + 16) { addr[++n] = end; name[n] = "" }
		addr[++n] = a; name[n] = substr($3, 1, 254)
		end = s ? a + s : a
		if (end < a) end = a
	}
	END {
		if (n && end > addr[n]) { addr[++n] = end; name[n] = "" }
		prev = ""; last = 0; nn = 0
		for (i = 1; i <= n; i++) {
			var(addr[i] - last); last = addr[i]
			k = 0
			while (k < length(name[i]) && k < length(prev) &&
			       substr(name[i], k + 1, 1) == substr(prev, k + 1, 1)) k++
			var(k)
			for (j = k + 1; j <= length(name[i]); j++) putc(substr(name[i], j, 1))
			nib(0)
			prev = name[i]
		}
		print "\t.long 0x54534b55, 3, " n + 0 ", 2f - 1f"
		print "1:"
		printf "\t.ascii \"%s\"\n", substr(alpha, 1, 29)
		for (i = 0; i < nn; i += 2) printf "\t.byte %d\n", nibs[i] + 16 * (i + 1 < nn ? nibs[i + 1] : 0)
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
