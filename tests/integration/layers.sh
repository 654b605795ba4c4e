#!/usr/bin/env bash
# The host tool's folders depend on each other in one direction only
# (DESIGN.md): util at the bottom, the CLI at the top, the registry using the
# store and never the reverse. Each folder may include only the folders
# listed for it; a new edge is a design change, made here on purpose.
. "$(dirname "$0")/lib.sh"
cd "$UK_ROOT/src" || exit 1

declare -A allowed=(
	[util]="util"
	[manifest]="manifest util"
	[linker]="linker util"
	[imagefmt]="imagefmt manifest util"
	[store]="store imagefmt manifest util"
	[registry]="registry store manifest util"
	[vmm]="vmm imagefmt util"
	[builder]="builder linker store registry imagefmt manifest util"
	[cli]="cli builder vmm linker store registry imagefmt manifest util"
)

for dir in */; do
	dir=${dir%/}
	if [ -z "${allowed[$dir]+x}" ]; then
		fail "layers-$dir" "src/$dir is not in tests/integration/layers.sh's table"
		continue
	fi
	bad=""
	while IFS=: read -r file line; do
		used=${line#*\"}
		used=${used%%/*}
		case " ${allowed[$dir]} " in
		*" $used "*) ;;
		*) bad+="src/$file includes $used/; " ;;
		esac
	done < <(grep -rHoE '^#include "[a-z]+/' "$dir")
	if [ -z "$bad" ]; then pass "layers-$dir"; else fail "layers-$dir" "$bad"; fi
done
