# Source-level debugging (issue 13): build/kvm/NAME.debug is the image
# plus the DWARF of the program and the runtime, relocated, and the image
# is byte-identical without it. uk build leaves the recipe to make it
# (.NAME.debug.json, issue 14) and uk run makes it when it is needed;
# uk build --debug writes it with the image. uk run --gdb holds the VM for
# gdb, which stops in main, prints a local and walks back from the
# runtime's write handler to main; crash reports relayed by uk run name
# src/main.c:LINE for each frame.
. "$(dirname "$0")/lib.sh"

if ! command -v gdb >/dev/null; then
	fail debug-gdb-installed "gdb is not installed (apt-get install gdb)"
	exit 0
fi

p=$tmp/dbg
"$UK" init "$p" >/dev/null
cat >"$p/src/main.c" <<'C'
#include <stdio.h>

/* a system call from code with frame information, so that gdb can walk
 * from the runtime back to main (musl has none) */
static long __attribute__((noinline)) raw_write(int fd, const void *buf, unsigned long n)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(1L), "D"((long)fd), "S"(buf), "d"(n)
			 : "rcx", "r11", "memory");
	return r;
}

static void __attribute__((noinline)) poke(int *volatile *where)
{
	**where = 7; /* the crash line */
}

int main(int argc, char **argv)
{
	int answer = 6 * (argc + 6);
	int *volatile nothing = 0;

	printf("answer %d\n", answer);
	fflush(stdout);
	raw_write(1, "raw\n", 4);
	if (argc > 1)
		poke(&nothing);
	return answer == 42 ? 0 : 1;
}
C
crash_line=$(grep -n 'the crash line' "$p/src/main.c" | cut -d: -f1)
img=$p/build/kvm/dbg
dbg=$p/build/kvm/dbg.debug
recipe=$p/build/kvm/.dbg.debug.json

# The default build: no debug file, its recipe instead.
out=$("$UK" build -C "$p" 2>&1); rc=$?
if [ $rc -eq 0 ] && [ ! -e "$dbg" ] && [ "$(jq -r .entry "$recipe" 2>&1)" = uk_pvh_start ] &&
	jq -r '.inputs[]' "$recipe" | grep -q '^[.][.]/[.]cache/obj/.*\.o$'; then
	pass debug-default-recipe-only
else
	fail debug-default-recipe-only "rc=$rc $out; build/kvm: $(ls -A "$p/build/kvm")"
fi
cp "$img" "$tmp/img.0"

# uk run --gdb makes it (one notice) before it says how to start gdb;
# gdb breaks in main, prints a local, and from the runtime's write
# handler walks back to main.
port=$((20000 + $$ % 20000))
for accel in $accels; do
	(cd "$p" && timeout 120 "$UK" run --accel "$accel" --gdb="$port" </dev/null \
		>"$tmp/gdb-run.out" 2>"$tmp/gdb-run.err"; echo $? >"$tmp/gdb-run.rc") &
	bg=$!
	want="uk: the VM waits for gdb at its first instruction: gdb ./build/kvm/dbg.debug -ex 'target remote 127.0.0.1:$port'"
	for _ in $(seq 1 100); do
		grep -q 'waits for gdb' "$tmp/gdb-run.err" 2>/dev/null && break
		sleep 0.1
	done
	g=$(cd "$p" && timeout 120 gdb -batch -nx build/kvm/dbg.debug \
		-ex "target remote 127.0.0.1:$port" -ex 'break main' -ex continue \
		-ex 'next' -ex 'print answer' -ex 'break sys_write' -ex continue -ex bt \
		-ex kill 2>&1)
	wait "$bg"
	line=$(grep 'waits for gdb' "$tmp/gdb-run.err")
	if [ "$line" = "$want" ] &&
		printf '%s\n' "$g" | grep -q '^Breakpoint 1, main (argc=1, argv=0x[0-9a-f]*) at src/main.c:' &&
		printf '%s\n' "$g" | grep -qx '\$1 = 42' &&
		printf '%s\n' "$g" | grep -q '^#0  sys_write (.*) at kernel/syscall_fd.c:' &&
		printf '%s\n' "$g" | grep -q '^#1  .* in uk_syscall (nr=1,' &&
		printf '%s\n' "$g" | grep -q '^#2  .* in uk_syscall_entry () at arch/x86_64/entry.S:' &&
		printf '%s\n' "$g" | grep -q '^#3  .* in raw_write (n=4, buf=.*, fd=1) at src/main.c:' &&
		printf '%s\n' "$g" | grep -q '^#4  .* in main (argc=1, .*) at src/main.c:'; then
		pass "debug-gdb-$accel"
	else
		fail "debug-gdb-$accel" "notice: $line; gdb: $g; run: $(cat "$tmp/gdb-run.err")"
	fi
	# made by the first run only: the second finds it
	if [ "$accel" = "${accels%% *}" ]; then
		made=$(grep -c '^uk: making ./build/kvm/dbg.debug for gdb from the link.s recipe$' "$tmp/gdb-run.err")
		[ "$made" = 1 ] && cmp -s "$img" "$tmp/img.0" && pass debug-gdb-makes-debug-file ||
			fail debug-gdb-makes-debug-file "$(cat "$tmp/gdb-run.err")"
		cp "$dbg" "$tmp/dbg.made"
	fi
done

# uk build --debug writes it with the image: the same bytes as the one
# made from the recipe.
rm -f "$dbg" "$p"/build/kvm/.*.stamp
out=$("$UK" build -C "$p" --debug 2>&1); rc=$?
sections=$(readelf -SW "$img" 2>&1)
dsections=$(readelf -SW "$dbg" 2>&1)
if [ $rc -eq 0 ] && [ -f "$dbg" ] && ! printf '%s' "$sections" | grep -q '\.debug' &&
	printf '%s' "$dsections" | grep -q ' \.debug_info ' &&
	printf '%s' "$dsections" | grep -q ' \.debug_line ' &&
	printf '%s' "$dsections" | grep -q ' \.debug_frame ' &&
	printf '%s' "$dsections" | grep -q ' \.symtab '; then
	pass debug-file-written
else
	fail debug-file-written "rc=$rc $out; image: $sections; debug: $dsections"
fi
cmp -s "$dbg" "$tmp/dbg.made" && cmp -s "$img" "$tmp/img.0" && pass debug-made-same-as-linked ||
	fail debug-made-same-as-linked "the debug file made from the recipe differs from uk build --debug's"

# The DWARF names the program's, the runtime's and the C library's
# functions at their final addresses (musl-dev has no DWARF: its functions
# come only from the symbol table).
main_addr=$(nm "$img" | awk '$3 == "main" { print $1 }')
if [ -n "$main_addr" ] && info=$(gdb -batch -nx "$dbg" -ex 'info line main' -ex 'info line sys_write' 2>&1) &&
	printf '%s' "$info" | grep -q 'of "src/main.c" starts at address 0x0*'"${main_addr#"${main_addr%%[!0]*}"}"' <main>' &&
	printf '%s' "$info" | grep -q 'of "kernel/syscall_fd.c" starts at address'; then
	pass debug-file-lines
else
	fail debug-file-lines "main at $main_addr: $info"
fi

# Same inputs, same bytes; the image is the same with or without the debug
# file, and with the program compiled without DWARF (-g0). With the image
# up to date, --debug makes only the debug file (the image is not written).
cp "$img" "$tmp/img.1" && cp "$dbg" "$tmp/dbg.1"
rm -f "$dbg"
before=$(stat -c '%i %y' "$img")
out=$("$UK" build -C "$p" --debug 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "up to date" ] && cmp -s "$dbg" "$tmp/dbg.1" && cmp -s "$img" "$tmp/img.1" &&
	[ "$(stat -c '%i %y' "$img")" = "$before" ] && pass debug-file-reproducible ||
	fail debug-file-reproducible "rc=$rc $out; the second debug file or image differs, or the image was written"
out=$("$UK" build -C "$p" --no-debug 2>&1); rc=$?
if [ $rc -eq 0 ] && [ ! -e "$dbg" ] && [ ! -e "$recipe" ] && cmp -s "$img" "$tmp/img.1"; then
	pass debug-no-debug-same-image
else
	fail debug-no-debug-same-image "rc=$rc $out; left: $(ls -A "$p/build/kvm")"
fi
out=$("$UK" build -C "$p" --debug --no-debug 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q 'give either --debug or --no-debug' <<<"$out" && pass debug-and-no-debug-refused ||
	fail debug-and-no-debug-refused "rc=$rc $out"
printf 'cflags: [-g0]\n' >>"$p/uk.yaml"
out=$("$UK" build -C "$p" --debug 2>&1); rc=$?
if [ $rc -eq 0 ] && cmp -s "$img" "$tmp/img.1" &&
	! gdb -batch -nx "$dbg" -ex 'info line main' 2>&1 | grep -q 'src/main.c'; then
	pass debug-g0-same-image
else
	fail debug-g0-same-image "rc=$rc $out"
fi
sed -i '/^cflags: \[-g0\]$/d' "$p/uk.yaml"
"$UK" build -C "$p" --debug >/dev/null 2>&1
cmp -s "$dbg" "$tmp/dbg.1" || fail debug-rebuilt "the debug file differs after -g0 was removed"

# A crash report relayed by uk run gets file:line from the debug file; the
# guest's own lines are kept as they are. After a default build the debug
# file is made from the recipe at the report's first frame.
rm -f "$dbg"
"$UK" build -C "$p" >/dev/null 2>&1
out=$(cd "$p" && timeout 120 "$UK" run --accel tcg -- crash 2>&1); rc=$?
rip=$(printf '%s\n' "$out" | grep '^rip: ')
if [ $rc -eq 139 ] &&
	printf '%s' "$rip" | grep -Eq "^rip: 0x[0-9a-f]+ <poke\+0x[0-9a-f]+> at src/main.c:$crash_line\$" &&
	printf '%s\n' "$out" | grep -Eq '^  (\? )?0x[0-9a-f]+ <main\+0x[0-9a-f]+> at src/main.c:[0-9]+$' &&
	cmp -s "$dbg" "$tmp/dbg.1" && ! grep -q 'without file:line' <<<"$out"; then
	pass debug-crash-file-line
else
	fail debug-crash-file-line "rc=$rc: $out"
fi
"$UK" build -C "$p" --no-debug >/dev/null 2>&1
out=$(cd "$p" && timeout 120 "$UK" run --accel tcg --no-build -- crash 2>&1); rc=$?
if [ $rc -eq 139 ] && printf '%s\n' "$out" | grep -Eq '^rip: 0x[0-9a-f]+ <poke\+0x[0-9a-f]+>$'; then
	pass debug-crash-without-debug-file
else
	fail debug-crash-without-debug-file "rc=$rc: $out"
fi

# The debug file is made on a thread of its own beside the image and the
# report (linker/debug_out.c). A debug file that cannot be written fails
# the link and leaves neither it, the image, the report nor a temporary
# file; an image that cannot be written leaves no debug file.
"$UK" build -C "$p" >/dev/null 2>&1
rm -f "$p"/build/kvm/.*.stamp
line=$("$UK" build -C "$p" --debug --verbose 2>&1 >/dev/null | grep '^uk: + uk link ')
eval "cmd=(${line#uk: + })"
# link_with IMAGE REPORT DEBUG: uk build's link with those outputs
link_with() {
	local args=() prev= a
	for a in "${cmd[@]:2}"; do
		case $prev in
		-o) a=$1 ;; --report) a=$2 ;; --debug-out) a=$3 ;;
		esac
		args+=("$a"); prev=$a
	done
	(cd "$p" && "$UK" link "${args[@]}" 2>&1)
}
mkdir -p "$tmp/dout"
out=$(link_with "$tmp/dout/img" "$tmp/dout/img.report" "$tmp/no-such-dir/img.debug"); rc=$?
if [ -n "$line" ] && [ $rc -ne 0 ] && grep -q "cannot create '$tmp/no-such-dir/img.debug'" <<<"$out" &&
	[ -z "$(ls -A "$tmp/dout")" ]; then
	pass debug-write-fails-link
else
	fail debug-write-fails-link "rc=$rc: $out; left: $(ls -A "$tmp/dout")"
fi
out=$(link_with "$tmp/no-such-dir/img" "$tmp/dout/img.report" "$tmp/dout/img.debug"); rc=$?
if [ $rc -ne 0 ] && grep -q "cannot create '$tmp/no-such-dir/img'" <<<"$out" && [ -z "$(ls -A "$tmp/dout")" ]; then
	pass debug-image-fails-no-debug-file
else
	fail debug-image-fails-no-debug-file "rc=$rc: $out; left: $(ls -A "$tmp/dout")"
fi
# Many links in a row give the same debug file as uk build's (the thread
# neither races the image nor loses a byte).
ok=1
for i in 1 2 3 4 5 6; do
	link_with "$tmp/dout/img" "$tmp/dout/img.report" "$tmp/dout/img.debug" >/dev/null &&
		cmp -s "$tmp/dout/img.debug" "$p/build/kvm/dbg.debug" && cmp -s "$tmp/dout/img" "$p/build/kvm/dbg" || ok=0
done
[ $ok = 1 ] && pass debug-thread-same-bytes || fail debug-thread-same-bytes "a link's debug file or image differs from uk build's"
# uk build sets the old debug file and report aside and removes them on a
# thread during the link (linkstep.c): a relink leaves only its outputs,
# and no debug file that would describe the old image.
echo "/* relinked */" >>"$p/src/main.c"
"$UK" build -C "$p" >/dev/null 2>&1
left=$(ls -A "$p/build/kvm" | LC_ALL=C sort | tr '\n' ' ')
[ "$left" = ".dbg.debug.json .dbg.stamp dbg dbg.json dbg.report.json " ] && pass debug-relink-leaves-outputs-only ||
	fail debug-relink-leaves-outputs-only "build/kvm holds: $left"

# A relocation the debug file cannot take fails the build with the
# thread's error, and leaves no image, debug file or stamp.
q=$tmp/badrel
"$UK" init "$q" >/dev/null
cat >>"$q/src/main.c" <<'C'
/* a PC-relative field in .debug_info: no debug section holds one */
__asm__(".pushsection .debug_info,\"\",@progbits\n.long main - .\n.popsection");
C
out=$("$UK" build -C "$q" --debug 2>&1); rc=$?
if [ $rc -ne 0 ] && grep -q "section '.debug_info' offset 0x[0-9a-f]*: R_X86_64_PC32: relocation type not supported in debug sections" <<<"$out" &&
	[ -z "$(ls -A "$q/build/kvm" 2>/dev/null)" ]; then
	pass debug-reloc-error-fails-build
else
	fail debug-reloc-error-fails-build "rc=$rc: $out; left: $(ls -A "$q/build/kvm" 2>/dev/null)"
fi

# An input gone or changed since the link: the debug file cannot be made.
# uk run --gdb fails with the fix; a crash report's frames go out as they
# are, after one notice saying why; no debug or temporary file is left.
obj=$(jq -r '.inputs[] | select(test("^[.][.]/[.]cache/obj/"))' "$recipe" | head -n 1)
obj=$(realpath -ms "$p/build/kvm/$obj")
before=$(ls -A "$p/build/kvm" | LC_ALL=C sort | tr '\n' ' ')
mv "$obj" "$tmp/obj.saved"
out=$(cd "$p" && timeout 60 "$UK" run --accel tcg --no-build --gdb="$port" </dev/null 2>&1); rc=$?
left=$(ls -A "$p/build/kvm" | LC_ALL=C sort | tr '\n' ' ')
if [ $rc -eq 1 ] && grep -qxF "uk: error: cannot make the debug file of './build/kvm/dbg': its input '$obj' is gone" <<<"$out" &&
	grep -qxF "hint: run 'uk build --debug': it links the image with its debug file" <<<"$out" &&
	! grep -q 'waits for gdb' <<<"$out" && [ "$left" = "$before" ]; then
	pass debug-gdb-input-gone
else
	fail debug-gdb-input-gone "rc=$rc: $out; build/kvm: $left"
fi
# crash_without WHY NAME: the crash report's frames without file:line
crash_without() {
	local out rc left
	out=$(cd "$p" && timeout 120 "$UK" run --accel tcg --no-build -- crash 2>&1); rc=$?
	left=$(ls -A "$p/build/kvm" | LC_ALL=C sort | tr '\n' ' ')
	if [ $rc -eq 139 ] && printf '%s\n' "$out" | grep -Eq '^rip: 0x[0-9a-f]+ <poke\+0x[0-9a-f]+>$' &&
		printf '%s\n' "$out" | grep -Eq '^  (\? )?0x[0-9a-f]+ <main\+0x[0-9a-f]+>$' &&
		[ "$(grep -c 'without file:line' <<<"$out")" = 1 ] &&
		grep -qF "uk: crash frames without file:line: cannot make the debug file of './build/kvm/dbg': $1 (run 'uk build --debug'" <<<"$out" &&
		[ "$left" = "$before" ]; then
		pass "$2"
	else
		fail "$2" "rc=$rc: $out; build/kvm: $left"
	fi
}
crash_without "its input '$obj' is gone" debug-crash-input-gone
printf 'int main(int c, char **v) { (void)v; return c + 1; }\n' |
	gcc -x c -O2 -ffunction-sections -fdata-sections -c -o "$obj" -
crash_without "its inputs changed since it was linked" debug-crash-input-changed
mv "$tmp/obj.saved" "$obj"

# A recipe that is not one (not JSON, a field of the wrong type, another
# version) is refused by name, and nothing is made from it.
cp "$recipe" "$tmp/recipe.saved"
ok=1 why=
for bad in 'not json' '{"version":1}' \
	"$(jq -c '.inputs = [1]' "$tmp/recipe.saved")" "$(jq -c '.keep = "x"' "$tmp/recipe.saved")" \
	"$(jq -c '.entry = null' "$tmp/recipe.saved")" "$(jq -c '.version = 1' "$tmp/recipe.saved")" \
	"$(jq -c '.version = 3' "$tmp/recipe.saved")" "$(jq -c '.link_if = {}' "$tmp/recipe.saved")" '[]'; do
	printf '%s' "$bad" >"$recipe"
	out=$(cd "$p" && timeout 60 "$UK" run --accel tcg --no-build --gdb="$port" </dev/null 2>&1); rc=$?
	left=$(ls -A "$p/build/kvm" | LC_ALL=C sort | tr '\n' ' ')
	[ $rc -eq 1 ] && grep -qxF "uk: error: cannot make the debug file of './build/kvm/dbg': './build/kvm/.dbg.debug.json' is not a debug recipe of this uk" <<<"$out" &&
		[ "$left" = "$before" ] || { ok=0; why="$why [$bad] rc=$rc: $out; left: $left"; }
done
cp "$tmp/recipe.saved" "$recipe"
[ $ok = 1 ] && pass debug-bad-recipe-refused || fail debug-bad-recipe-refused "$why"

# A project moved with its build folder: the recipe names the objects in
# build/.cache from its own folder, so the debug file is still made there.
mv "$p" "$tmp/moved"
mq=$tmp/moved
out=$(cd "$mq" && timeout 120 "$UK" run --accel tcg --no-build -- crash 2>&1); rc=$?
if [ $rc -eq 139 ] &&
	printf '%s\n' "$out" | grep -Eq "^rip: 0x[0-9a-f]+ <poke\+0x[0-9a-f]+> at src/main.c:$crash_line\$" &&
	cmp -s "$mq/build/kvm/dbg.debug" "$tmp/dbg.1" && ! grep -q 'without file:line' <<<"$out"; then
	pass debug-project-moved
else
	fail debug-project-moved "rc=$rc: $out; recipe: $(cat "$mq/build/kvm/.dbg.debug.json")"
fi
mv "$mq" "$p"

# GNU ld's images have no separate debug file, nor a recipe to make one
# (its link is not uk's), also with --debug.
out=$("$UK" build -C "$p" --linker bfd --debug 2>&1); rc=$?
left=$(ls -A "$p/build/kvm" | LC_ALL=C sort | tr '\n' ' ')
[ $rc -eq 0 ] && [ "$left" = ".dbg.stamp dbg dbg.json dbg.ld " ] && pass debug-bfd-no-debug-file ||
	fail debug-bfd-no-debug-file "rc=$rc: $out; build/kvm: $left"
