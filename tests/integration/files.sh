# uk.yaml files: and zoneinfo: end to end: packed into section uk_files of
# every target, listed by uk inspect, checked by the runtime's own validator
# (runtime/fs/imagefs_check.c built for the host), reproducible, relinked
# exactly when a packed file changes, absent when nothing is declared, the
# refusals found while walking folders, and read by a booted guest.
. "$(dirname "$0")/lib.sh"

# A copy of the store: other builds of the runtime must not change it
# between two builds that are compared (UK_TEST_STORE: another store).
cp -R "${UK_TEST_STORE:-$UK_ROOT/build/store}" "$tmp/store"
export UK_BUILTIN_STORE=$tmp/store

gcc -std=gnu11 -O1 -Wall -Wextra -Werror -I"$UK_ROOT/runtime/include" -I"$UK_ROOT/runtime/fs" \
	-o "$tmp/files_check" "$UK_ROOT/tests/integration/files_check.c" \
	"$UK_ROOT/runtime/fs/imagefs_check.c" || fail files-checker-builds "gcc failed"

blob() { # IMAGE OUT: the uk_files section's bytes
	objcopy -O binary --only-section=uk_files "$1" "$2"
}

p=$tmp/web
mkdir -p "$p/src" "$p/conf" "$p/public/css" "$p/public/empty"
cat >"$p/src/main.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void cat(const char *path)
{
	char buf[256];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		printf("%s: open failed\n", path);
		return;
	}
	printf("%s:", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
}

int main(void)
{
	struct stat st;
	char link[64] = "";
	time_t t = 1700000000;
	char when[64];

	setvbuf(stdout, 0, _IONBF, 0);
	cat("/etc/app.conf");
	cat("/srv/www/home.html");
	if (stat("/srv/www/run.sh", &st) == 0)
		printf("run.sh mode %o size %lld\n", (unsigned)st.st_mode, (long long)st.st_size);
	if (readlink("/srv/www/home.html", link, sizeof(link) - 1) > 0)
		printf("home.html -> %s\n", link);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M %Z", localtime(&t));
	printf("%s\n", when);
	return 0;
}
C
printf 'port = 8080\n' >"$p/conf/app.conf"
printf '<h1>hello</h1>\n' >"$p/public/index.html"
printf 'h1 { color: red }\n' >"$p/public/css/site.css"
printf '#!/bin/sh\n' >"$p/public/run.sh"
chmod 4755 "$p/public/run.sh"          # the setuid bit is dropped
chmod 600 "$p/conf/app.conf"
ln -s index.html "$p/public/home.html"
ln -s ../index.html "$p/public/css/up.html"
cat >"$p/uk.yaml" <<'Y'
spec: 1
name: web
sources: [src/main.c]
targets: [kvm, xen, raw]
env: {TZ: Europe/Paris}
files:
  /etc/app.conf: conf/app.conf
  /srv/www: public/
zoneinfo: [Europe/Paris, UTC]
Y

out=$("$UK" build -C "$p" 2>&1); rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" |
	grep -Eq "^$p/build/kvm/web  [0-9.]+ KiB  \(files [0-9.]+ KiB, removed [0-9.]+ (B|KiB)\)  "; then
	pass files-build-summary
else
	fail files-build-summary "rc=$rc: $out"
fi

# uk inspect lists every entry, parents first, with modes and sizes.
paris=$(stat -L -c %s /usr/share/zoneinfo/Europe/Paris)
utc=$(stat -L -c %s /usr/share/zoneinfo/UTC)
data=$((12 + 18 + 13 + 10 + 15 + 10 + paris + utc))
want=$(cat <<T
files:       17 entries, $data bytes of data (section uk_files, SIZE bytes)
  drwxr-xr-x         0  /etc
  -rw-------        12  /etc/app.conf
  drwxr-xr-x         0  /srv
  drwxr-xr-x         0  /srv/www
  drwxr-xr-x         0  /srv/www/css
  -rw-r--r--        18  /srv/www/css/site.css
  lrwxrwxrwx        13  /srv/www/css/up.html -> ../index.html
  drwxr-xr-x         0  /srv/www/empty
  lrwxrwxrwx        10  /srv/www/home.html -> index.html
  -rw-r--r--        15  /srv/www/index.html
  -rwxr-xr-x        10  /srv/www/run.sh
  drwxr-xr-x         0  /usr
  drwxr-xr-x         0  /usr/share
  drwxr-xr-x         0  /usr/share/zoneinfo
  drwxr-xr-x         0  /usr/share/zoneinfo/Europe
  -rw-r--r--  $(printf %8s "$paris")  /usr/share/zoneinfo/Europe/Paris
  -rw-r--r--  $(printf %8s "$utc")  /usr/share/zoneinfo/UTC
T
)
got=$("$UK" inspect "$p/build/kvm/web" 2>&1 | sed -n '/^files:/,$p' |
	sed -E 's/section uk_files, [0-9]+ bytes/section uk_files, SIZE bytes/')
[ "$got" = "$want" ] && pass files-inspect-listing ||
	fail files-inspect-listing "$(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got"))"

# The runtime's validator accepts the section; owner 0:0, mtime 0.
blob "$p/build/kvm/web" "$tmp/blob.kvm"
chk=$("$tmp/files_check" "$tmp/blob.kvm" 2>&1); rc=$?
if [ $rc -eq 0 ] && ! printf '%s\n' "$chk" | grep -v '^size' | grep -vq ' 0 0:0 '; then
	pass files-runtime-validator
else
	fail files-runtime-validator "rc=$rc: $chk"
fi
bytes=$(stat -c %s "$tmp/blob.kvm")
[ "$(jq -r .totals.files_bytes "$p/build/kvm/web.report.json")" = "$bytes" ] &&
	[ "$("$UK" build -C "$p" --json | jq -r '.images[0].files')" = "$bytes" ] &&
	pass files-report-bytes || fail files-report-bytes "report: $(jq -c .totals "$p/build/kvm/web.report.json")"
# In a loaded, read-only segment: some PT_LOAD without W covers the section.
addr=$(readelf -SW "$p/build/kvm/web" | sed -n 's/.* uk_files  *PROGBITS  *\([0-9a-f]*\) .*/\1/p')
ro=0
while read -r type off va pa fsz msz flags; do
	[ "$type" = LOAD ] && [ -n "$addr" ] || continue
	case $flags in *W*) continue ;; esac
	[ $((16#$addr)) -ge $((va)) ] && [ $((16#$addr)) -lt $((va + fsz)) ] && ro=1
done < <(readelf -lW "$p/build/kvm/web")
[ $ro = 1 ] && pass files-loaded-readonly ||
	fail files-loaded-readonly "$(readelf -lSW "$p/build/kvm/web" | grep -E 'uk_files|LOAD')"

# Every target carries the same files: xen's kernel and the raw disk.
blob "$p/build/xen/web" "$tmp/blob.xen"
cmp -s "$tmp/blob.kvm" "$tmp/blob.xen" && pass files-xen || fail files-xen "xen section differs"
if [ -f "$p/build/raw/web.img" ] && python3 - "$tmp/blob.kvm" "$p/build/raw/web.img" <<'P'; then
import sys
blob = open(sys.argv[1], 'rb').read()
sys.exit(0 if blob in open(sys.argv[2], 'rb').read() else 1)
P
	pass files-raw-disk
else
	fail files-raw-disk "the blob is not on the disk"
fi

# Reproducible: two copies in other folders, with other mtimes, give the
# same bytes; SOURCE_DATE_EPOCH sets every mtime.
cp -a "$p" "$tmp/copy1"
cp -a "$p" "$tmp/copy2"
rm -rf "$tmp/copy1/build" "$tmp/copy2/build"
touch -d '2001-01-01' "$tmp/copy2/conf/app.conf" "$tmp/copy2/public/index.html"
"$UK" build -C "$tmp/copy1" >/dev/null 2>&1
"$UK" build -C "$tmp/copy2" >/dev/null 2>&1
same=1
for f in kvm/web xen/web raw/web.img; do
	cmp -s "$tmp/copy1/build/$f" "$tmp/copy2/build/$f" || same=0
done
[ $same = 1 ] && cmp -s "$tmp/copy1/build/kvm/web" "$p/build/kvm/web" && pass files-reproducible ||
	fail files-reproducible "two copies give different images"
rm -rf "$tmp/copy1/build"
SOURCE_DATE_EPOCH=1700000000 "$UK" build -C "$tmp/copy1" -t kvm >/dev/null 2>&1
blob "$tmp/copy1/build/kvm/web" "$tmp/blob.sde"
chk=$("$tmp/files_check" "$tmp/blob.sde" 2>&1)
if printf '%s\n' "$chk" | grep -q ' 1700000000 0:0 etc/app.conf$' &&
	! printf '%s\n' "$chk" | grep -v '^size' | grep -vq ' 1700000000 0:0 '; then
	pass files-source-date-epoch
else
	fail files-source-date-epoch "$chk"
fi

# Incremental: relink when a packed file's bytes, mode or the folder's
# content change; not when only an mtime does.
relinked() { "$UK" build -C "$p" -t kvm --json 2>&1 | jq -r '.images[0].relinked'; }
r0=$(relinked)
touch "$p/conf/app.conf" "$p/public/index.html"
r1=$(relinked)
printf 'port = 9090\n' >"$p/conf/app.conf"
r2=$(relinked)
r3=$(relinked)
chmod 644 "$p/conf/app.conf"
r4=$(relinked)
printf 'new\n' >"$p/public/css/new.css"
r5=$(relinked)
[ "$r0 $r1 $r2 $r3 $r4 $r5" = "false false true false true true" ] && pass files-relink-on-change ||
	fail files-relink-on-change "relinked: $r0 $r1 $r2 $r3 $r4 $r5 (want false false true false true true)"
"$UK" inspect "$p/build/kvm/web" | grep -q ' 12  /etc/app.conf$' && "$UK" inspect "$p/build/kvm/web" |
	grep -q '/srv/www/css/new.css$' && pass files-relink-content ||
	fail files-relink-content "$("$UK" inspect "$p/build/kvm/web" | sed -n '/^files:/,$p')"

# No files: no section, and hello's image is the same as without the field.
h=$tmp/hello
"$UK" init "$h" >/dev/null
"$UK" build -C "$h" >/dev/null 2>&1
cp "$h/build/kvm/hello" "$tmp/hello.before"
if ! readelf -SW "$h/build/kvm/hello" | grep -q uk_files &&
	[ "$(jq -r .totals.files_bytes "$h/build/kvm/hello.report.json")" = 0 ] &&
	"$UK" inspect "$h/build/kvm/hello" | grep -qx 'files:       none'; then
	pass files-none-no-section
else
	fail files-none-no-section "$(readelf -SW "$h/build/kvm/hello" | grep uk_files)"
fi
printf 'files: {}\nzoneinfo: []\n' >>"$h/uk.yaml"
"$UK" build -C "$h" >/dev/null 2>&1
cmp -s "$h/build/kvm/hello" "$tmp/hello.before" && pass files-empty-fields-same-image ||
	fail files-empty-fields-same-image "'files: {}' changed hello's image"

# What a folder holds is checked when it is packed, at the folder's line.
refused() { # NAME WANT-IN-OUTPUT
	local out rc
	out=$("$UK" build -C "$p" -t kvm 2>&1); rc=$?
	[ $rc -eq 2 ] && printf '%s' "$out" | grep -qF -- "$2" && pass "$1" || fail "$1" "rc=$rc: $out"
}
ln -s ../../conf/app.conf "$p/public/css/escape"
refused files-refuse-symlink-outside "uk.yaml:8:13: 'public/' holds 'css/escape', a symlink to '../../conf/app.conf' outside it"
rm "$p/public/css/escape"
ln -s /etc/passwd "$p/public/abs"
refused files-refuse-symlink-absolute "uk.yaml:8:13: 'public/' holds 'abs', a symlink to the absolute path '/etc/passwd'"
rm "$p/public/abs"
mkfifo "$p/public/fifo"
refused files-refuse-fifo "uk.yaml:8:13: 'public/' holds 'fifo', which is not a file, folder or symlink"
rm "$p/public/fifo"
# And manifest errors come with their line and column.
cp "$p/uk.yaml" "$tmp/uk.yaml.good"
sed -i '8a\  /etc/other.conf: conf/other.conf' "$p/uk.yaml"
refused files-refuse-missing "uk.yaml:9:20: file or folder 'conf/other.conf' does not exist"
cp "$tmp/uk.yaml.good" "$p/uk.yaml"
sed -i 's|^zoneinfo: .*|zoneinfo: [Europe/Pariss]|' "$p/uk.yaml"
refused files-refuse-unknown-zone "uk.yaml:9:12: unknown time zone 'Europe/Pariss'"
cp "$tmp/uk.yaml.good" "$p/uk.yaml"
head -c 1500000 /dev/zero >"$p/public/big.bin"
sed -i 's|^env:|memory: 2M\nenv:|' "$p/uk.yaml"
refused files-refuse-too-big "more than half of 'memory'"
rm "$p/public/big.bin"
cp "$tmp/uk.yaml.good" "$p/uk.yaml"

# A booted guest reads its files (with a runtime whose reader is linked).
"$UK" build -C "$p" -t kvm >/dev/null 2>&1
if nm "$p/build/kvm/web" 2>/dev/null | grep -q ' T uk_imagefs_init$'; then
	want=$(printf '/etc/app.conf:port = 9090\n/srv/www/home.html:<h1>hello</h1>\nrun.sh mode 100755 size 10\nhome.html -> index.html\n2023-11-14 23:13 CET')
	for accel in $accels; do
		out=$(timeout 120 "$UK" run -C "$p" -t kvm --accel "$accel" 2>"$tmp/err"); rc=$?
		[ $rc -eq 0 ] && [ "$out" = "$want" ] && pass "files-guest-reads-$accel" ||
			fail "files-guest-reads-$accel" "rc=$rc out=$out err=$(tail -5 "$tmp/err")"
	done
else
	echo "SKIP files-guest-reads: the runtime does not read uk_files yet"
fi
