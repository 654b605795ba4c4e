#!/usr/bin/env bash
# The manifest reader (uk.yaml and component.yaml) under libFuzzer with
# ASan and UBSan for a bounded time (UK_FUZZ_SECONDS, default 20; 0 skips),
# seeded with the table-driven manifest cases. `make fuzz` runs it and the
# linker's target for longer. A crash keeps its input in build/fuzz-crashes.
. "$(dirname "$0")/lib.sh"
cd "$UK_ROOT"
secs=${UK_FUZZ_SECONDS:-20}
if ! command -v clang >/dev/null || [ "$secs" -le 0 ]; then
	echo "SKIP fuzz-manifest (no clang, or UK_FUZZ_SECONDS=0)"
	exit 0
fi
if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Isrc \
	-DUK_VERSION="\"$(cat VERSION)\"" \
	-o "$tmp/fuzz-manifest" tests/fuzz/manifest.c src/manifest/*.c src/util/*.c \
	-lyaml -ljansson -ldl -lbfd 2>"$tmp/fuzz.err"; then
	fail fuzz-manifest-build "$(tail -n 5 "$tmp/fuzz.err")"
	exit 0
fi
mkdir -p "$tmp/corpus"
cp tests/manifest/*.yaml "$tmp/corpus/"
if (cd "$tmp" && "$tmp/fuzz-manifest" -max_total_time="$secs" -max_len=16384 -timeout=10 \
	-rss_limit_mb=2048 -artifact_prefix="$tmp/" "$tmp/corpus" >"$tmp/fuzz.log" 2>&1); then
	pass fuzz-manifest
else
	mkdir -p "$UK_ROOT/build/fuzz-crashes"
	cp "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* "$tmp"/oom-* "$UK_ROOT/build/fuzz-crashes/" 2>/dev/null
	fail fuzz-manifest "$(grep -A20 'ERROR\|SUMMARY' "$tmp/fuzz.log" | head -n 30) (inputs kept in build/fuzz-crashes)"
fi
rm -rf /tmp/uk-fuzz-manifest.*
