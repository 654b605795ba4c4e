#!/usr/bin/env bash
# The command line against a registry, as CI uses it: uk push of a project
# with a raw disk (skipped with a notice, or chosen with -t), push/pull
# --json, uk images of a project's builds, uk inspect REF.
. "$(dirname "$0")/lib.sh"

if ! command -v docker-registry >/dev/null; then
	fail cli_registry_setup "docker-registry missing; run scripts/install-deps"
	exit 0
fi
. "$UK_ROOT/tests/registry/start.sh"
trap 'stop_registry reg; rm -rf "$tmp"' EXIT
PR=$(free_port) && start_registry reg "$PR" || { fail cli_registry_setup "cannot start docker-registry"; exit 0; }
R=127.0.0.1:$PR

"$UK" init "$tmp/p" >/dev/null 2>&1 && sed -i 's/^  - kvm$/  - kvm\n  - raw/' "$tmp/p/uk.yaml" &&
	"$UK" build -C "$tmp/p" >/dev/null 2>&1 && [ -f "$tmp/p/build/raw/p.img" ] ||
	{ fail cli_registry_setup "cannot build a kvm+raw project"; exit 0; }

# The manifest lists kvm and raw: the kernel goes, the disk is skipped in one line.
out=$(cd "$tmp/p" && "$UK" push "$R/t/p:1" 2>"$tmp/err"); rc=$?
[ $rc -eq 0 ] && grep -q "^$R/t/p:1@sha256:[0-9a-f]\{64\} (2 blobs uploaded" <<<"$out" &&
	[ "$(cat "$tmp/err")" = "uk: skipping the raw disk './build/raw/p.img': registries carry kernels (-t TARGET chooses what to push)" ] &&
	pass push_skips_raw_disk || fail push_skips_raw_disk "rc=$rc: $out / $(cat "$tmp/err")"
d1=$(grep -o 'sha256:[0-9a-f]*' <<<"$out" | head -1)
# -t kvm: the same index, no notice; -t raw: refused with the reason.
out=$("$UK" push -C "$tmp/p" -t kvm "$R/t/p:2" 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q "@$d1 " <<<"$out" && ! grep -q skipping <<<"$out" && pass push_target_kvm ||
	fail push_target_kvm "rc=$rc: $out"
out=$("$UK" push -C "$tmp/p" -t raw "$R/t/p:3" 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "is a disk image; uk push handles kernels only" <<<"$out" && pass push_target_raw_refused ||
	fail push_target_raw_refused "rc=$rc: $out"
out=$("$UK" push -C "$tmp/p" -t xen "$R/t/p:3" 2>&1); rc=$?
[ $rc -ne 0 ] && grep -q "'xen' is not among the targets" <<<"$out" && grep -q "uk build -t xen" <<<"$out" &&
	pass push_target_not_built || fail push_target_not_built "rc=$rc: $out"
out=$("$UK" push -C "$tmp/p" -t kvm "$tmp/p/build/kvm/p" "$R/t/p:3" 2>&1); rc=$?
[ $rc -eq 2 ] && pass push_target_with_image_file_refused || fail push_target_with_image_file_refused "rc=$rc: $out"
# Only a raw target: nothing to push, said before any packing.
cp -r "$tmp/p" "$tmp/r"; sed -i '/^  - kvm$/d' "$tmp/r/uk.yaml"
out=$("$UK" push -C "$tmp/r" "$R/t/r:1" 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "^uk: error: nothing to push: uk.yaml's only target is a raw disk" <<<"$out" &&
	pass push_raw_only_refused || fail push_raw_only_refused "rc=$rc: $out"

# --json: one object on stdout, what the text says.
out=$("$UK" push -C "$tmp/p" --json "$R/t/p:4" 2>/dev/null); rc=$?
[ $rc -eq 0 ] && [ "$(jq -r .reference <<<"$out")" = "$R/t/p:4" ] && [ "$(jq -r .digest <<<"$out")" = "$d1" ] &&
	[ "$(jq -r '.uploaded + .already_there + .mounted' <<<"$out")" = 2 ] && [ "$(jq -r '.size > 0' <<<"$out")" = true ] &&
	pass push_json || fail push_json "rc=$rc: $out"
export UK_HOME=$tmp/home2 # push stored the blobs: pull into a store without them
out=$("$UK" pull --json "$R/t/p:1" 2>/dev/null); rc=$?
[ $rc -eq 0 ] && [ "$(jq -r .reference <<<"$out")" = "$R/t/p:1" ] && [ "$(jq -r .digest <<<"$out")" = "$d1" ] &&
	[ "$(jq -r .fetched <<<"$out")" = 2 ] && [ "$(jq -r '.bytes_fetched > 0' <<<"$out")" = true ] &&
	[ "$(jq -r .media_type <<<"$out")" = application/vnd.oci.image.index.v1+json ] &&
	pass pull_json || fail pull_json "rc=$rc: $out"
out=$("$UK" pull --json "$R/t/p:1" 2>/dev/null)
[ "$(jq -r '"\(.fetched) \(.already_stored) \(.bytes_fetched)"' <<<"$out")" = "0 2 0" ] && pass pull_json_again ||
	fail pull_json_again "$out"

# uk inspect REF: the pulled image, as uk run REF boots it.
out=$("$UK" inspect "$R/t/p:1" 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q '^name: *p$' <<<"$out" && grep -q '^target: *kvm$' <<<"$out" && pass inspect_pulled_ref ||
	fail inspect_pulled_ref "rc=$rc: $out"

# uk images in a project: its builds first (file, kind, sha256, size), then the stores'.
k=$(sha256sum "$tmp/p/build/kvm/p" | cut -c1-12); rd=$(sha256sum "$tmp/p/build/raw/p.img" | cut -c1-12)
out=$(cd "$tmp/p/src" && "$UK" images 2>&1); rc=$?
[ $rc -eq 0 ] && sed -n 2p <<<"$out" | grep -q "^\.\./build/kvm/p  *kvm image  sha256:$k  .* project$" &&
	sed -n 3p <<<"$out" | grep -q "^\.\./build/raw/p\.img  *raw disk  *sha256:$rd  *1\.0 MiB  project$" &&
	grep -q "^$R/t/p:1  *image  *$(cut -c1-19 <<<"$d1")  .*  user$" <<<"$out" && pass images_lists_project_builds ||
	fail images_lists_project_builds "rc=$rc: $out"
out=$("$UK" images -C "$tmp/p" --local --json 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(jq -r '[.images[] | "\(.kind) \(.store) \(.size)"] | join(",")' <<<"$out")" = \
	"kvm image project $(stat -c %s "$tmp/p/build/kvm/p"),raw disk project 1048576" ] &&
	[ "$(jq -r '.images[0].digest' <<<"$out")" = "sha256:$(sha256sum "$tmp/p/build/kvm/p" | cut -d' ' -f1)" ] &&
	pass images_local_json || fail images_local_json "rc=$rc: $out"
out=$(cd "$tmp" && "$UK" images --local 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$(head -1 <<<"$out")" = "uk: error: no uk.yaml in '.' or any folder above" ] &&
	pass images_local_outside_project || fail images_local_outside_project "rc=$rc: $out"
out=$(cd "$tmp" && "$UK" images 2>&1); rc=$?
[ $rc -eq 0 ] && ! grep -q project <<<"$out" && grep -q "^$R/t/p:1 " <<<"$out" && pass images_outside_project ||
	fail images_outside_project "rc=$rc: $out"
