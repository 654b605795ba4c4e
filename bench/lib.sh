# Helpers the benches source: timing without a fork ($EPOCHREALTIME), the
# median and minimum of a list, callgrind instruction counts. A timed
# command that fails stops the bench (set -e in the caller): a baseline
# that does not run is a failed bench, never a silent ratio.

now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }

# took VAR CMD...: runs CMD (stdout and stderr to $work/last.log) and adds
# its wall time in microseconds to the array VAR.
took() {
	local -n _acc=$1; shift
	local s e
	s=${EPOCHREALTIME/[.,]/}
	if ! "$@" >"$work/last.log" 2>&1; then
		echo "bench: failed: $*" >&2
		tail -n 20 "$work/last.log" >&2
		exit 1
	fi
	e=${EPOCHREALTIME/[.,]/}
	_acc+=($((e - s)))
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
minimum() { printf '%s\n' "$@" | sort -n | head -n 1; }

# line LABEL A-ARRAY B-ARRAY [A-NAME B-NAME]: medians, minimums and the
# ratio of the medians (A/B, below 1 means A is faster), in milliseconds.
line() {
	local -n _a=$2 _b=$3
	local an=${4:-uk} bn=${5:-baseline}
	local ma mb na nb
	ma=$(median "${_a[@]}"); mb=$(median "${_b[@]}")
	na=$(minimum "${_a[@]}"); nb=$(minimum "${_b[@]}")
	awk -v l="$1" -v an="$an" -v bn="$bn" -v ma="$ma" -v mb="$mb" -v na="$na" -v nb="$nb" -v n="${#_a[@]}" 'BEGIN {
		printf "%-26s %s median %8.2f ms min %8.2f | %s median %8.2f ms min %8.2f | ratio %.3f (median), %.3f (min), n=%d\n",
			l, an, ma / 1000, na / 1000, bn, mb / 1000, nb / 1000, ma / mb, na / nb, n }'
}

# instructions CMD...: the instructions callgrind counts for CMD's own
# process (children not followed), stable under load where time is not.
instructions() {
	command -v valgrind >/dev/null || { echo "n/a (no valgrind)"; return 0; }
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | tail -n 1
}

# guest_vs_linux SRC.c MEMORY N KEY...: the same program as a uk image
# booted by `uk run` (TCG) and as a static musl Linux process under
# qemu-x86_64 (user-mode TCG, the same emulator), run interleaved A B A B
# N times. The program prints "KEY MS" lines from its own clock; for each
# KEY, and for the whole processes ("wall"), prints the medians, minimums
# and the ratio uk/Linux. Either side failing stops the bench. Needs $uk,
# $work.
guest_vs_linux() {
	local src=$1 mem=$2 n=$3 i k; shift 3
	command -v qemu-x86_64 >/dev/null || { echo "qemu-x86_64 is missing (Debian package qemu-user)"; exit 1; }
	command -v musl-gcc >/dev/null || { echo "musl-gcc is missing (Debian package musl-tools)"; exit 1; }
	mkdir -p "$work/p/src"
	cp "$src" "$work/p/src/main.c"
	printf 'spec: 1\nname: bench\nversion: 0.1.0\nsources: [src/main.c]\ncflags: [-O2]\nmemory: %s\n' \
		"$mem" >"$work/p/uk.yaml"
	"$uk" build -C "$work/p" >/dev/null
	musl-gcc -static -O2 -o "$work/linux" "$src"
	local -a wall_uk=() wall_linux=()
	for i in $(seq "$n"); do
		took wall_uk "$uk" run -C "$work/p" --no-build --accel tcg --timeout 600
		cp "$work/last.log" "$work/uk.$i"
		took wall_linux qemu-x86_64 "$work/linux"
		cp "$work/last.log" "$work/linux.$i"
	done
	for k in "$@"; do
		local -a a=() b=()
		# the program's milliseconds, in microseconds as line() takes them
		mapfile -t a < <(cat "$work"/uk.* | awk -v k="$k" '$1 == k { printf "%d\n", $2 * 1000 }')
		mapfile -t b < <(cat "$work"/linux.* | awk -v k="$k" '$1 == k { printf "%d\n", $2 * 1000 }')
		[ ${#a[@]} = "$n" ] && [ ${#b[@]} = "$n" ] || { echo "bench: no '$k' line from both sides"; exit 1; }
		line "$k" a b uk linux
	done
	line wall wall_uk wall_linux uk linux
	echo "(N=$n interleaved runs; the program's own clock, and 'wall' for the whole processes)"
}
