#!/usr/bin/env bash
# Build-time benchmark for the hello template, measured in one run:
#   cold   uk build of a fresh project (empty object cache)
#   noop   uk build with nothing changed
# against a baseline of the same work done by hand: gcc -c of the same
# source with the same flags, then ld.bfd --gc-sections of the same inputs.
# Prints medians of N runs and the ratios. Targets (issue 2): cold < 1 s,
# no-op < 50 ms.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
uk=${UK:-$root/bin/uk}
n=${N:-11}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export UK_HOME=$work/home

ms() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

"$uk" init "$work/p" >/dev/null
"$uk" build -C "$work/p" >/dev/null   # resolve components, write uk.lock

cold=() noop=() base=()
for i in $(seq "$n"); do
	rm -rf "$work/p/build"
	t0=$(ms); "$uk" build -C "$work/p" >/dev/null; t1=$(ms)
	"$uk" build -C "$work/p" >/dev/null; t2=$(ms)
	cold+=($(( (t1 - t0) / 1000 ))); noop+=($(( (t2 - t1) / 1000 )))
done

# The baseline: the compile command uk ran, and GNU ld on the same inputs.
rt=$(ls -d "$root"/build/store/unpacked/*/ | while read -r d; do grep -q '^name: uk-runtime' "$d/component.yaml" && echo "$d"; done | head -1)
mu=$(ls -d "$root"/build/store/unpacked/*/ | while read -r d; do grep -q '^name: musl' "$d/component.yaml" && echo "$d"; done | head -1)
inc=$(gcc -print-file-name=include)
for i in $(seq "$n"); do
	t0=$(ms)
	(cd "$work/p" && gcc -O2 -fno-pie -ffunction-sections -fdata-sections -nostdinc \
		-isystem "$mu/include" -isystem "$rt/include" -isystem "$inc" -c src/main.c -o "$work/main.o")
	ld.bfd -static -nostdlib --gc-sections -Ttext-segment=0x100000 -e "$(awk '/^entry:/{print $2}' "$rt/component.yaml")" \
		-o "$work/base" "$mu/lib/crt1.o" "$work/main.o" --start-group "$rt"/lib/*.a "$mu/lib/libc.a" --end-group 2>/dev/null || true
	t1=$(ms)
	base+=($(( (t1 - t0) / 1000 )))
done

c=$(printf '%s\n' "${cold[@]}" | median); z=$(printf '%s\n' "${noop[@]}" | median); b=$(printf '%s\n' "${base[@]}" | median)
printf 'cold uk build:      %6.1f ms (target < 1000 ms)\n' "$(echo "$c/1000" | bc -l)"
printf 'no-op uk build:     %6.1f ms (target < 50 ms)\n' "$(echo "$z/1000" | bc -l)"
printf 'gcc -c + ld.bfd:    %6.1f ms (baseline, same run)\n' "$(echo "$b/1000" | bc -l)"
printf 'ratio cold/baseline: %.2fx   no-op/baseline: %.2fx\n' "$(echo "$c/$b" | bc -l)" "$(echo "$z/$b" | bc -l)"
