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
