# The local store through the command line: uk pkg create (reproducible
# digests, errors), uk images (table, --json, user and built-in stores),
# broken stores refused with clear errors.
. "$(dirname "$0")/lib.sh"

# A component folder: component.yaml, lib/, include/ and a stray file that
# must not be packed.
make_component() { # DIR NAME VERSION
	mkdir -p "$1/lib" "$1/include/$2"
	printf '!<arch>\n' >"$1/lib/lib$2.a"
	printf 'int %s_f(void);\n' "$2" >"$1/include/$2/$2.h"
	echo stray >"$1/stray.o"
	printf 'spec: 1\nname: %s\nversion: %s\ninclude:\n  - include\narchives:\n  - lib/lib%s.a\n' \
		"$2" "$3" "$2" >"$1/component.yaml"
}

# JSON is checked with jq (scripts/install-deps installs it).
jqe() {
	command -v jq >/dev/null 2>&1 || { echo "jq is not installed" >&2; return 1; }
	jq -e "$@" >/dev/null
}

export UK_BUILTIN_STORE=$tmp/builtin
make_component "$tmp/a" demo 1.2.0

# Same input, same digest: twice in one store, and from a copy elsewhere
# with other mtimes into another store.
out1=$("$UK" pkg create "$tmp/a" 2>&1); rc1=$?
out2=$("$UK" pkg create "$tmp/a" 2>&1); rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ "$out1" = "$out2" ] &&
	printf '%s' "$out1" | grep -Eq '^demo:1\.2\.0 sha256:[0-9a-f]{64}$'; then
	pass store-pkg-create-same-digest
else
	fail store-pkg-create-same-digest "rc=$rc1/$rc2: $out1 / $out2"
fi
cp -r "$tmp/a" "$tmp/a-copy"
touch -d '2001-02-03 04:05:06' "$tmp/a-copy/lib/libdemo.a" "$tmp/a-copy/include"
chmod 600 "$tmp/a-copy/component.yaml"
out3=$(UK_HOME=$tmp/other "$UK" pkg create "$tmp/a-copy" 2>&1)
[ "$out3" = "$out1" ] && pass store-pkg-create-reproducible || fail store-pkg-create-reproducible "$out1 vs $out3"
out4=$(SOURCE_DATE_EPOCH=1700000000 "$UK" pkg create --store "$tmp/sde" "$tmp/a" 2>&1)
out5=$(SOURCE_DATE_EPOCH=1700000000 "$UK" pkg create --store "$tmp/sde2" "$tmp/a" 2>&1)
[ "$out4" = "$out5" ] && [ "$out4" != "$out1" ] && pass store-source-date-epoch ||
	fail store-source-date-epoch "$out1 / $out4 / $out5"

# The layout is an OCI image layout.
if [ "$(cat "$UK_HOME/oci-layout")" = '{"imageLayoutVersion":"1.0.0"}' ] &&
	jqe '.schemaVersion == 2 and (.manifests | length == 1) and
		.manifests[0].annotations["org.opencontainers.image.ref.name"] == "demo:1.2.0"' \
		"$UK_HOME/index.json"; then
	pass store-layout-files
else
	fail store-layout-files "$(cat "$UK_HOME/index.json")"
fi
digest=${out1#* }
manifest=$UK_HOME/blobs/sha256/${digest#sha256:}
if [ "$(sha256sum <"$manifest" | cut -d' ' -f1)" = "${digest#sha256:}" ] &&
	jqe '.artifactType == "application/vnd.uk.component.v1" and
		.config.mediaType == "application/vnd.uk.component.config.v1+json" and
		(.layers | length == 1) and
		.layers[0].mediaType == "application/vnd.oci.image.layer.v1.tar+gzip"' "$manifest"; then
	pass store-manifest-shape
else
	fail store-manifest-shape "$(cat "$manifest" 2>&1)"
fi
unpacked=$UK_HOME/unpacked/${digest#sha256:}
[ -f "$unpacked/component.yaml" ] && [ -f "$unpacked/include/demo/demo.h" ] && [ ! -e "$unpacked/stray.o" ] &&
	pass store-unpacked || fail store-unpacked "$(ls -R "$unpacked" 2>&1)"

# uk images: both stores, table and JSON.
"$UK" pkg create --store "$UK_BUILTIN_STORE" "$tmp/a" >/dev/null 2>&1
make_component "$tmp/b" other 0.1.0
"$UK" pkg create --store "$UK_BUILTIN_STORE" "$tmp/b" >/dev/null 2>&1
out=$("$UK" images 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | head -1 | grep -q '^REF  *KIND  *DIGEST  *SIZE  *STORE$' &&
	printf '%s\n' "$out" | grep -Eq '^demo:1\.2\.0 +component +sha256:[0-9a-f]{12} +[0-9.]+ (B|KiB) +user$' &&
	printf '%s\n' "$out" | grep -Eq '^other:0\.1\.0 +component +sha256:[0-9a-f]{12} +.* +builtin$'; then
	pass store-images-table
else
	fail store-images-table "rc=$rc: $out"
fi
out=$("$UK" images --json 2>&1)
if printf '%s' "$out" | jqe --arg d "$digest" '(.images | length == 3) and
	(.images[0] | .ref == "demo:1.2.0" and .kind == "component" and .digest == $d and
	 .store == "user" and .size > 0)'; then
	pass store-images-json
else
	fail store-images-json "$out"
fi

# Help and usage errors.
"$UK" pkg create --help | grep -q '^usage: uk pkg create' && pass store-pkg-help || fail store-pkg-help
"$UK" images --help | grep -q '^usage: uk images' && pass store-images-help || fail store-images-help
expect() { # NAME STATUS PATTERN CMD...
	local name=$1 want=$2 pat=$3 out rc
	shift 3
	out=$("$@" 2>&1); rc=$?
	if [ $rc -eq "$want" ] && printf '%s\n' "$out" | grep -q -- "$pat"; then
		pass "$name"
	else
		fail "$name" "rc=$rc (want $want): $out"
	fi
}
expect store-pkg-no-subcommand 2 '^uk: error: ' "$UK" pkg
expect store-pkg-bad-subcommand 2 "unknown subcommand" "$UK" pkg frob
expect store-pkg-no-dir 2 '^hint: usage: uk pkg create' "$UK" pkg create
expect store-pkg-bad-option 2 "unknown option '--frob'" "$UK" pkg create --frob "$tmp/a"
expect store-images-bad-arg 2 "unexpected argument" "$UK" images extra
expect store-pkg-missing-dir 1 "^uk: error: '$tmp/nope' is not a folder" "$UK" pkg create "$tmp/nope"
mkdir -p "$tmp/empty"
expect store-pkg-no-yaml 1 '^hint: ' "$UK" pkg create "$tmp/empty"
mkdir -p "$tmp/bad"
printf 'spec: 1\nname: bad\nversoin: 1.0\n' >"$tmp/bad/component.yaml"
expect store-pkg-invalid-yaml 2 'component.yaml:3:' "$UK" pkg create "$tmp/bad"

# Broken stores: clear errors, no crash (this uk runs under ASan/UBSan).
cp -r "$UK_HOME" "$tmp/broken"
printf 'XXXX' | dd of="$tmp/broken/blobs/sha256/${digest#sha256:}" bs=1 seek=10 conv=notrunc 2>/dev/null
expect store-corrupt-blob 1 "blob $digest in the store '$tmp/broken' is corrupt" \
	env UK_HOME="$tmp/broken" "$UK" images
echo '{"schemaVersion": 2, "manifests": 7}' >"$tmp/broken/index.json"
expect store-corrupt-index 1 "index.json' is corrupt: manifests is not an array" \
	env UK_HOME="$tmp/broken" "$UK" images
expect store-corrupt-index-not-overwritten 1 "corrupt" \
	env UK_HOME="$tmp/broken" "$UK" pkg create "$tmp/a"
grep -q '"manifests": 7' "$tmp/broken/index.json" && pass store-corrupt-index-kept || fail store-corrupt-index-kept

# Other OCI tools read the layout (only where they are installed).
if command -v skopeo >/dev/null 2>&1; then
	check store-skopeo-inspect skopeo inspect --raw "oci:$UK_HOME:demo:1.2.0"
	rm -rf "$tmp/copied"
	if skopeo copy -q "oci:$UK_HOME:demo:1.2.0" "oci:$tmp/copied:demo:1.2.0" >/dev/null 2>&1 &&
		jqe --arg d "$digest" '.manifests[0].digest == $d' "$tmp/copied/index.json" &&
		UK_HOME=$tmp/copied "$UK" images | grep -q '^demo:1\.2\.0 *component'; then
		pass store-skopeo-copy-roundtrip
	else
		fail store-skopeo-copy-roundtrip "$(cat "$tmp/copied/index.json" 2>&1)"
	fi
fi
if command -v umoci >/dev/null 2>&1; then
	out=$(umoci ls --layout "$UK_HOME" 2>&1)
	[ "$out" = "demo:1.2.0" ] && pass store-umoci-ls || fail store-umoci-ls "$out"
fi

# A component may not run programs on the host through its cflags: refused
# when packed, and when a store's unpacked copy was changed to say so, by
# uk build, before the compiler runs.
make_component "$tmp/evil" evil 1.0.0
printf 'cflags: ["-wrapper", "/bin/sh,-c,touch %s/pwned"]\n' "$tmp" >>"$tmp/evil/component.yaml"
out=$("$UK" pkg create "$tmp/evil" 2>&1); rc=$?
[ $rc = 2 ] && printf '%s' "$out" | grep -q "cflag '-wrapper' is not allowed in a component" &&
	[ ! -e "$tmp/pwned" ] && pass store-component-cflags-refused ||
	fail store-component-cflags-refused "status $rc: $out"
make_component "$tmp/good" evilish 1.0.0
"$UK" pkg create "$tmp/good" >/dev/null 2>&1
unpacked=$(grep -l '^name: evilish' "$UK_HOME"/unpacked/*/component.yaml 2>/dev/null | head -n 1)
if [ -n "$unpacked" ]; then
	printf 'cflags: ["-wrapper", "/bin/sh,-c,touch %s/pwned2"]\n' "$tmp" >>"$unpacked"
	"$UK" init "$tmp/victim" >/dev/null
	sed -i 's/^libraries: .*$//' "$tmp/victim/uk.yaml"
	printf 'libraries: [evilish]\n' >>"$tmp/victim/uk.yaml"
	out=$(UK_BUILTIN_STORE=$UK_ROOT/build/store "$UK" build -C "$tmp/victim" 2>&1); rc=$?
	[ $rc != 0 ] && [ ! -e "$tmp/pwned2" ] && printf '%s' "$out" | grep -q "component 'evilish'" &&
		pass store-component-cflags-build-refused ||
		fail store-component-cflags-build-refused "status $rc, pwned2 $( [ -e "$tmp/pwned2" ] && echo made): $out"
else
	fail store-component-cflags-build-refused "no unpacked copy of evilish in $UK_HOME/unpacked"
fi

# A full disk: errors name the file being written (not uk's temporary file),
# which is removed, and the store stays as it was. The disk is a 512 KiB
# tmpfs in a private mount namespace; where user namespaces are not allowed,
# a file-size limit of 0 makes writes fail the same way (EFBIG).
full_disk() { # SCRIPT: run by bash with $1 a folder on the small disk, fill() filling it
	local pre='fill() { if [ "$mode" = tmpfs ]; then head -c 2M /dev/zero >"$1/filler" 2>/dev/null; else trap "" XFSZ; ulimit -f 0; fi; }'
	if unshare -rm true 2>/dev/null; then
		unshare -rm bash -c "mount -t tmpfs -o size=512k none \"\$1\" || exit 99; mode=tmpfs; $pre; $2" _ "$1"
	else
		bash -c "mode=ulimit; $pre; $2" _ "$1"
	fi
}
mkdir -p "$tmp/full"
export TMPA=$tmp/a TMPB=$tmp/b
out=$(full_disk "$tmp/full" '
	export UK_HOME=$1/home
	"$UK" pkg create "$TMPA" >/dev/null || exit 98
	printf "{\"auths\":{\"h.example\":{\"auth\":\"dTpw\"}}}" >"$UK_HOME/auth.json"
	fill "$1"
	"$UK" rmi demo:1.2.0; echo "rmi=$?"
	"$UK" pkg create "$TMPB"; echo "pkg=$?"
	"$UK" login --logout h.example; echo "logout=$?"
	echo "left: $(ls -A "$UK_HOME/.tmp") $(ls "$UK_HOME" | grep "\.tmp\.")"
	"$UK" images | grep -c "^demo:1.2.0 .* user$"; grep -c h.example "$UK_HOME/auth.json"
' 2>&1 | sed "s|$tmp/full|FULL|g")
if grep -q "^rmi=1" <<<"$out" && grep -q "cannot write 'FULL/home/index.json': \(No space left on device\|File too large\)" <<<"$out" &&
	grep -q "^pkg=1" <<<"$out" && grep -q "into the store 'FULL/home': \(No space left on device\|File too large\)" <<<"$out" &&
	grep -q "^logout=1" <<<"$out" && grep -q "cannot write 'FULL/home/auth.json': " <<<"$out" &&
	! grep -q "/\.tmp/\|auth.json.tmp" <<<"$out" && grep -q '^left:  *$' <<<"$out" &&
	[ "$(tail -n 2 <<<"$out" | tr -d '\n')" = 11 ]; then
	pass store-full-disk-names-the-file
else
	fail store-full-disk-names-the-file "$out"
fi

# Replaced files (index.json, auth.json) reach the disk before their new
# name does, and the folder after it (strace shows the order; only where
# strace is installed).
if command -v strace >/dev/null 2>&1; then
	synced() { # LOG FINAL: fsync of the file renamed to FINAL before the rename, of its folder after
		local r rn src f d
		r=$(grep -n "rename(\"[^\"]*\", \"$2\") = 0" "$1" | head -n 1)
		[ -n "$r" ] || return 1
		rn=${r%%:*}
		src=$(sed 's/.*rename("\([^"]*\)".*/\1/' <<<"$r")
		f=$(grep -n "fsync([0-9]*<$src>) = 0" "$1" | head -n 1 | cut -d: -f1)
		d=$(grep -n "fsync([0-9]*<$(dirname "$2")>) = 0" "$1" | cut -d: -f1 | awk -v r="$rn" '$1 > r { print; exit }')
		[ -n "$f" ] && [ "$f" -lt "$rn" ] && [ -n "$d" ]
	}
	export UK_HOME=$tmp/sync
	"$UK" pkg create "$tmp/a" >/dev/null 2>&1
	printf '{"auths":{"h.example":{"auth":"dTpw"},"g.example":{"auth":"dTpw"}}}' >"$UK_HOME/auth.json"
	strace -f -qq -y -e trace=fsync,rename -o "$tmp/st1" "$UK" rmi demo:1.2.0 >/dev/null 2>&1
	strace -f -qq -y -e trace=fsync,rename -o "$tmp/st2" "$UK" login --logout h.example >/dev/null 2>&1
	if synced "$tmp/st1" "$UK_HOME/index.json" && synced "$tmp/st2" "$UK_HOME/auth.json"; then
		pass store-atomic-writes-fsync-file-and-folder
	else
		fail store-atomic-writes-fsync-file-and-folder "$(cat "$tmp/st1" "$tmp/st2")"
	fi
fi
