#!/usr/bin/env bash
# The image's files at run time (runtime/fs/imagefs.c), what only a uk image
# can show (guest.sh compares with Linux, which has no such root): the
# read-only root with /tmp, /dev, /proc and the generated /etc files beside
# the image's own, EROFS for every change, modes, owners and times as
# packed, the default environment under the manifest's, and a broken
# uk_files section refused before main with one line and status 126.
# Prints PASS/FAIL imagefs-*.
. "$(dirname "$0")/lib.sh"
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm

p=$tmp/imagefs
cp -R "$UK_ROOT/tests/imagefs" "$p"
find "$p" -type d -exec chmod 755 {} + && find "$p" -type f -exec chmod 644 {} +
if ! out=$(SOURCE_DATE_EPOCH=1700000000 "$UK" build -C "$p" 2>&1); then
	fail imagefs-build "$out"
	exit 0
fi
img=$p/build/kvm/imagefs
run() { # IMAGE: sets $out, $err and $rc
	out=$(timeout 300 "$UK" run --accel "$accel" --timeout 240 "$1" </dev/null 2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}

run "$img"
want=$(cat "$UK_ROOT/tests/imagefs/expected")
if [ "$rc" = 0 ] && [ "$out" = "$want" ]; then
	pass imagefs-root
else
	fail imagefs-root "status $rc; diff want got:
$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$out") | head -n 30)
$(printf '%s' "$err" | tail -n 5)"
fi

# Broken sections: one field of the packed blob changed in a copy of the
# image; the runtime refuses it before main, whatever main would do.
off=$(readelf -SW "$img" | sed -n 's/.* uk_files  *PROGBITS  *[0-9a-f]*  *\([0-9a-f]*\) .*/\1/p')
if [ -z "$off" ]; then
	fail imagefs-section "no uk_files section in $img"
	exit 0
fi
off=$((16#$off))
u64() { od -An -tu8 -j $(($1)) -N8 "$img" | tr -d ' '; }
names=$(u64 "off + 32")
poke() { # NAME AT BYTES(printf escapes) WANT
	cp "$img" "$tmp/bad"
	printf "$3" | dd of="$tmp/bad" bs=1 seek=$(($2)) conv=notrunc status=none
	run "$tmp/bad"
	if [ "$rc" = 126 ] && [ "$out" = "$4" ]; then
		pass "imagefs-refuse-$1"
	else
		fail "imagefs-refuse-$1" "status $rc, console: $(printf '%s' "$out" | head -n 3)"
	fi
}
poke version "off + 8" '\002' "uk: image files: unknown version"
poke magic "off" 'X' "uk: image files: bad magic"
poke size "off + 16" '\377\377\377' "uk: image files: size past the end of the section"
poke name-slash "off + names" '/' "uk: image files: entry 0: path starts with '/'"
poke name-dotdot "off + names" '..\000' "uk: image files: entry 0: '.' or '..' in a path"
# entry 1 ("etc/passwd") gets a parent that sorts after it
poke unsorted "off + names" 'z' "uk: image files: entry 1: paths not sorted or repeated"
poke data-past "off + 48 + 40 * 1 + 24" '\377\377\377\377' "uk: image files: entry 1: data outside the data area"
poke fifo "off + 48 + 40 * 1 + 5" '\020' "uk: image files: entry 1: file type not regular, directory or symlink"
