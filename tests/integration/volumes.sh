#!/usr/bin/env bash
# Host folders over virtio-9p (uk run -v, uk.yaml volumes:). The program
# tests/volumes/ops.c runs on Linux in one host folder and in a uk guest
# on a volume of an identical folder: outputs and resulting trees must be
# equal. Then: a write + fsync survives the guest's crash; :ro gives EROFS
# and leaves the folder alone; a second boot reads what the first wrote;
# the raw disk (q35, virtio-pci) reads a volume too; volumes: in uk.yaml
# mounts its folders by default; images without volumes: do not link the
# 9p client and uk run -v refuses them; Xen says it has no 9p.
. "$(dirname "$0")/lib.sh"
if ! command -v musl-gcc >/dev/null; then
	fail volumes-setup "musl-gcc is missing (Debian package musl-tools)"
	exit 0
fi
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm
src=$UK_ROOT/tests/volumes/ops.c
run() { timeout 300 "$UK" run --accel "$accel" --timeout 240 "$@" </dev/null; }
fresh() { rm -rf "$1" && mkdir -p "$1" && echo hello >"$1/a.txt"; }
# a tree without times: type, mode, size, name (and a symlink's target)
tree() { (cd "$1" && find . -printf '%y %m %s %p %l\n' | sort); }

musl-gcc -static -O1 -Wall -o "$tmp/ops" "$src" || { fail volumes-setup "musl-gcc failed"; exit 0; }
p=$tmp/proj
mkdir -p "$p/src"
cp "$src" "$p/src/main.c"
printf 'spec: 1\nname: ops\nsources: [src/main.c]\nmemory: 128M\ntargets: [kvm, raw, xen]\nvolumes: []\n' >"$p/uk.yaml"
if ! out=$("$UK" build -C "$p" 2>&1); then
	fail volumes-build "$out"
	exit 0
fi

# the operations, against Linux
fresh "$tmp/linux"
fresh "$tmp/guest"
(cd "$tmp" && ./ops "$tmp/linux" >"$tmp/want")
run -C "$p" -v "$tmp/guest:/data" -- /data >"$tmp/got" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$tmp/want" "$tmp/got"; then
	pass volumes-ops
else
	fail volumes-ops "status $rc; diff Linux uk:
$(diff "$tmp/want" "$tmp/got" | head -n 30)
$(tail -n 5 "$tmp/err")"
fi
if [ "$(tree "$tmp/linux")" = "$(tree "$tmp/guest")" ] &&
	[ "$(cat "$tmp/guest/from-guest.txt")" = "written in the guest" ]; then
	pass volumes-host-sees
else
	fail volumes-host-sees "$(diff <(tree "$tmp/linux") <(tree "$tmp/guest"))"
fi

# 9p I/O while a periodic signal keeps becoming pending (tests/volumes/sigio.c):
# every request completes, as on Linux
sp=$tmp/sigio-proj
mkdir -p "$sp/src" "$tmp/sigio-linux" "$tmp/sigio-guest"
cp "$UK_ROOT/tests/volumes/sigio.c" "$sp/src/main.c"
printf 'spec: 1\nname: sigio\nsources: [src/main.c]\nmemory: 64M\nvolumes: []\n' >"$sp/uk.yaml"
if musl-gcc -static -O1 -Wall -o "$tmp/sigio" "$UK_ROOT/tests/volumes/sigio.c" &&
	out=$("$UK" build -C "$sp" 2>&1); then
	want=$(timeout 60 "$tmp/sigio" "$tmp/sigio-linux" 2>&1)
	got=$(run -C "$sp" -v "$tmp/sigio-guest:/data" -- /data 2>&1)
	if [ "$got" = "$want" ] && cmp -s "$tmp/sigio-linux/sigio.bin" "$tmp/sigio-guest/sigio.bin"; then
		pass volumes-signal-pending
	else
		fail volumes-signal-pending "want [$want] got [$(tail -n 5 <<<"$got")]"
	fi
else
	fail volumes-signal-pending "build: $out"
fi

# write + fsync, then abort(): the file is there when uk run returns
fresh "$tmp/crash"
out=$(run -C "$p" -v "$tmp/crash:/data" -- /data crash 2>&1)
rc=$?
if [ $rc -eq 134 ] && [ "$(cat "$tmp/crash/crash.txt" 2>&1)" = "survives the crash" ]; then
	pass volumes-crash
else
	fail volumes-crash "status $rc: $(tail -n 5 <<<"$out"); file: $(cat "$tmp/crash/crash.txt" 2>&1)"
fi

# a second boot reads what the first wrote (default guest path /mnt/NAME)
out=$(run -C "$p" -v "$tmp/crash" -- /mnt/crash cat crash.txt 2>&1)
check_out() { # name want got
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "want [$2] got [$3]"; fi
}
check_out volumes-second-boot "crash.txt                    19 [survives the crash|]" "$out"

# :ro: EROFS for every change, the folder unchanged
fresh "$tmp/ro"
before=$(tree "$tmp/ro")
run -C "$p" -v "$tmp/ro:/data:ro" -- /data ro >"$tmp/ro.got" 2>&1
want=$(printf '%-28s %s\n' "cat a.txt" "6 [hello|]" "create" "-1 EROFS" \
	"open a.txt for writing" "-1 EROFS" "mkdir" "-1 EROFS" "unlink a.txt" "-1 EROFS" \
	"rename" "-1 EROFS" "chmod" "-1 EROFS" "list" "..:d .:d a.txt:f")
if [ "$(cat "$tmp/ro.got")" = "$want" ] && [ "$(tree "$tmp/ro")" = "$before" ]; then
	pass volumes-readonly
else
	fail volumes-readonly "$(diff <(echo "$want") "$tmp/ro.got")"
fi

# the raw disk: q35, virtio-9p-pci
out=$(run -C "$p" -t raw -v "$tmp/crash:/data" -- /data cat crash.txt 2>&1)
check_out volumes-raw-disk "crash.txt                    19 [survives the crash|]" "$out"

# Xen has no virtio-9p: an error with a hint
out=$("$UK" run -C "$p" -t xen -v "$tmp/crash" 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q "Xen does not have" <<<"$out" && grep -q "hint:" <<<"$out"; then
	pass volumes-xen-refused
else
	fail volumes-xen-refused "status $rc: $out"
fi

# volumes: in uk.yaml mounts its folders by default (relative to uk.yaml)
mkdir -p "$p/data" && echo "project data" >"$p/data/a.txt"
sed -i 's#^volumes: \[\]#volumes: [data:/srv]#' "$p/uk.yaml"
"$UK" build -C "$p" >/dev/null 2>&1
out=$(run -C "$p" -- /srv cat a.txt 2>&1)
check_out volumes-manifest-default "a.txt                        13 [project data|]" "$out"

# without volumes: no 9p client in the image, and uk run -v says so
h=$tmp/hello
mkdir -p "$h/src"
cp "$src" "$h/src/main.c"
printf 'spec: 1\nname: ops\nsources: [src/main.c]\nmemory: 128M\n' >"$h/uk.yaml"
"$UK" build -C "$h" >/dev/null 2>&1
if readelf -sW "$h/build/kvm/ops" | grep -q 'uk_9p\|uk_virtio'; then
	fail volumes-not-linked "the image without volumes: has 9p or virtio code"
elif ! readelf -sW "$p/build/kvm/ops" | grep -q 'uk_9p_open'; then
	fail volumes-not-linked "the image with volumes: has no 9p client"
else
	pass volumes-not-linked
fi
out=$("$UK" run -C "$h" -v "$tmp/crash" 2>&1)
rc=$?
if [ $rc -ne 0 ] && grep -q "volumes: \[\]" <<<"$out"; then
	pass volumes-needs-manifest
else
	fail volumes-needs-manifest "status $rc: $out"
fi

# bad -v values are usage errors
out=$("$UK" run -C "$p" -v "$tmp/crash:relative" 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -q "absolute" <<<"$out"; then pass volumes-bad-spec; else fail volumes-bad-spec "status $rc: $out"; fi
out=$("$UK" run -C "$p" -v "$tmp/nothere" 2>&1)
rc=$?
if [ $rc -eq 1 ] && grep -q "no folder" <<<"$out"; then pass volumes-missing-folder; else fail volumes-missing-folder "status $rc: $out"; fi

# an image with files: has a read-only root: the volumes of uk.yaml get
# their folders packed; another guest path fails at boot with a hint
f=$tmp/withfiles
mkdir -p "$f/src" "$f/conf" "$f/data"
cp "$src" "$f/src/main.c"
echo "x=1" >"$f/conf/app.conf"
echo "packed mount point" >"$f/data/a.txt"
printf 'spec: 1\nname: ops\nsources: [src/main.c]\nmemory: 128M\nvolumes: [data:/data]\nfiles:\n  /etc/app.conf: conf/app.conf\n' >"$f/uk.yaml"
"$UK" build -C "$f" >/dev/null 2>&1
out=$(run -C "$f" -- /data cat a.txt 2>&1)
check_out volumes-readonly-root "a.txt                        19 [packed mount point|]" "$out"
out=$(run -C "$f" -v "$f/data:/elsewhere" -- /elsewhere cat a.txt 2>&1)
rc=$?
if [ $rc -eq 126 ] && grep -q "read-only and have no such folder" <<<"$out"; then
	pass volumes-readonly-root-refused
else
	fail volumes-readonly-root-refused "status $rc: $out"
fi
