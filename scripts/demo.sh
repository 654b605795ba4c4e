#!/usr/bin/env bash
# make demo: on a fresh Debian machine, install what is missing, build uk and
# its components, create a hello project in a temporary folder, build it and
# boot it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps"
make -C "$root" -j"$(nproc)" all
demo=$(mktemp -d "${TMPDIR:-/tmp}/uk-demo.XXXXXX")
trap 'rm -rf "$demo"' EXIT
uk=$root/bin/uk
echo "+ uk init $demo/hello"
"$uk" init "$demo/hello"
echo "+ uk build -C $demo/hello"
"$uk" build -C "$demo/hello"
echo "+ uk run -C $demo/hello --timeout 60 -- from the demo"
"$uk" run -C "$demo/hello" --timeout 60 -- from the demo
