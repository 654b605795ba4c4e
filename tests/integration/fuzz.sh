#!/usr/bin/env bash
# The manifest reader (uk.yaml and component.yaml) and the layer reader
# (a pulled layer's gzip and tar, as uk pull checks it) under libFuzzer with
# ASan and UBSan for a bounded time each (UK_FUZZ_SECONDS, default 20; 0
# skips), seeded with the table-driven manifest cases and with small
# layers (tar, tar+gzip, two gzip members). `make fuzz` runs them and the
# linker's target for longer. A crash keeps its input in build/fuzz-crashes.
. "$(dirname "$0")/lib.sh"
cd "$UK_ROOT"
secs=${UK_FUZZ_SECONDS:-20}
if ! command -v clang >/dev/null || [ "$secs" -le 0 ]; then
	echo "SKIP fuzz-manifest (no clang, or UK_FUZZ_SECONDS=0)"
	exit 0
fi
# fuzz NAME MAX-LEN CORPUS: $tmp/NAME over $tmp/CORPUS for $secs seconds
fuzz() {
	if (cd "$tmp" && "$tmp/$1" -max_total_time="$secs" -max_len="$2" -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$tmp/" "$tmp/$3" >"$tmp/$1.log" 2>&1); then
		pass "$1"
	else
		mkdir -p "$UK_ROOT/build/fuzz-crashes"
		cp "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* "$tmp"/oom-* "$UK_ROOT/build/fuzz-crashes/" 2>/dev/null
		fail "$1" "$(grep -A20 'ERROR\|SUMMARY' "$tmp/$1.log" | head -n 30) (inputs kept in build/fuzz-crashes)"
	fi
}
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Isrc \
	-DUK_VERSION="\"$(cat VERSION)\"" \
	-o "$tmp/fuzz-manifest" tests/fuzz/manifest.c src/manifest/*.c src/util/*.c \
	-lyaml -ljansson -ldl -lbfd 2>"$tmp/fuzz.err"; then
	fail fuzz-manifest-build "$(tail -n 5 "$tmp/fuzz.err")"
	exit 0
fi
mkdir -p "$tmp/corpus"
cp tests/manifest/*.yaml "$tmp/corpus/"
fuzz fuzz-manifest 16384 corpus
rm -rf /tmp/uk-fuzz-manifest.*

if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Isrc \
	-o "$tmp/fuzz-layer" tests/fuzz/layer.c src/store/layer_unpack.c src/store/digest.c \
	src/util/gunzip.c src/util/isal_lazy.c src/util/archive_lazy.c src/util/dynlib.c src/util/error.c \
	-ldl -lpthread 2>"$tmp/fuzz-layer.err"; then
	fail fuzz-layer-build "$(tail -n 5 "$tmp/fuzz-layer.err")"
	exit 0
fi
mkdir -p "$tmp/lcorpus" "$tmp/lsrc/unikernel"
printf 'kernel bytes\n%.0s' $(seq 200) >"$tmp/lsrc/unikernel/k"
printf '{"memory": 1}\n' >"$tmp/lsrc/unikernel/k.json"
tar -C "$tmp/lsrc" -cf "$tmp/lcorpus/plain.tar" unikernel
gzip -1 -c "$tmp/lcorpus/plain.tar" >"$tmp/lcorpus/layer.tar.gz"
head -c 3000 "$tmp/lcorpus/plain.tar" | gzip -c >"$tmp/m1.gz"
tail -c +3001 "$tmp/lcorpus/plain.tar" | gzip -9 -c >"$tmp/m2.gz"
cat "$tmp/m1.gz" "$tmp/m2.gz" >"$tmp/lcorpus/members.tar.gz"
fuzz fuzz-layer 65536 lcorpus
