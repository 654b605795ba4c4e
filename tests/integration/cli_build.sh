#!/usr/bin/env bash
# uk build as a user and an editor see it: link errors named by source
# file with what to change in uk.yaml, --json diagnostics on failure,
# --why SYMBOL with readable input names, -v and -q.
. "$(dirname "$0")/lib.sh"

"$UK" init "$tmp/p" >/dev/null 2>&1 || { fail cli_build_setup "uk init failed"; exit 0; }
cd "$tmp/p" || exit 0

# An undefined function: the source line that calls it (from the object's
# DWARF) and its function, not a cache object; no "0 duplicate definitions".
cat >src/main.c <<'C'
void frobnicate(void);
int main(void) { frobnicate(); return 0; }
C
hint="hint: define it in a file that 'sources:' in uk.yaml lists, or add the component that provides it to 'libraries:'"
out=$("$UK" build 2>&1); rc=$?
want="uk: error: src/main.c:2: undefined reference to 'frobnicate' (in function 'main')
$hint"
[ $rc -eq 1 ] && [ "$out" = "$want" ] && pass link_error_names_source || fail link_error_names_source "rc=$rc: $out"
[ ! -e build/kvm/p ] && pass link_error_leaves_no_image || fail link_error_leaves_no_image "$(ls build/kvm)"
# ... without DWARF (-g0), the source file alone
cp uk.yaml "$tmp/uk.yaml.g"; echo 'cflags: [-g0]' >>uk.yaml
out=$("$UK" build 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "uk: error: src/main.c: undefined reference to 'frobnicate'
$hint" ] && pass link_error_without_dwarf || fail link_error_without_dwarf "rc=$rc: $out"
cp "$tmp/uk.yaml.g" uk.yaml

# Two files, two undefined references and a duplicate: each said once, the
# shared hint once after its run.
cat >src/main.c <<'C'
void frobnicate(void);
void other(void);
int twice(void) { return 1; }
int main(void) { frobnicate(); other(); return 0; }
C
printf 'int twice(void) { return 2; }\nvoid helper(void) {}\n' >src/b.c
out=$("$UK" build 2>&1); rc=$?
want="uk: error: src/main.c:3: 'twice' is defined again (first in src/b.c)
hint: remove one of the definitions, make one of them static or weak, or leave one file out of 'sources:'
uk: error: src/main.c:4: undefined reference to 'frobnicate' (in function 'main')
uk: error: src/main.c:4: undefined reference to 'other' (in function 'main')
$hint"
[ $rc -eq 1 ] && [ "$out" = "$want" ] && pass link_errors_each_once || fail link_errors_each_once "rc=$rc: $out"

# --json on failure: the same diagnostics on stdout, the text on stderr.
out=$("$UK" build --json 2>"$tmp/err"); rc=$?
[ $rc -eq 1 ] && [ "$(jq -r '.status' <<<"$out")" = 1 ] &&
	[ "$(jq -r '[.diagnostics[] | "\(.file)|\(.line)|\(.column)|\(.message)"] | join(";")' <<<"$out")" = \
	"src/main.c|3|null|'twice' is defined again (first in src/b.c);src/main.c|4|null|undefined reference to 'frobnicate' (in function 'main');src/main.c|4|null|undefined reference to 'other' (in function 'main')" ] &&
	[ "$(jq -r '.diagnostics[1].hint' <<<"$out")" = "${hint#hint: }" ] && [ "$(cat "$tmp/err")" = "$want" ] &&
	pass build_json_link_diagnostics || fail build_json_link_diagnostics "rc=$rc: $out / $(cat "$tmp/err")"
# ... a manifest problem with its line and column ...
rm src/b.c; cp uk.yaml "$tmp/uk.yaml.good"; echo 'sorces: [x]' >>uk.yaml
out=$("$UK" build --json 2>/dev/null); rc=$?
[ $rc -eq 2 ] && [ "$(jq -r '.diagnostics[0] | "\(.file) \(.line) \(.column) \(.message)"' <<<"$out")" = \
	"uk.yaml 10 1 unknown key 'sorces'" ] && [ "$(jq -r '.diagnostics[0].hint' <<<"$out")" = "did you mean 'sources'?" ] &&
	pass build_json_manifest_diagnostics || fail build_json_manifest_diagnostics "rc=$rc: $out"
cp "$tmp/uk.yaml.good" uk.yaml
# ... the compiler's errors and notes where it put them, its own text on
# stderr as it wrote it, then uk's line naming the first error ...
export LC_ALL=C # gcc's plain quotes
diag='"\(.file)|\(.line)|\(.column)|\(.severity)|\(.message)|\(.hint)"'
printf 'int main(void) { return x; }\n' >src/main.c
gcc_said=$(gcc -c src/main.c -o /dev/null 2>&1)
out=$("$UK" build --json 2>"$tmp/err"); rc=$?
[ $rc -eq 1 ] && [ "$(jq -r '.status' <<<"$out")" = 1 ] &&
	[ "$(jq -r ".diagnostics[] | $diag" <<<"$out")" = \
	"src/main.c|1|25|error|'x' undeclared (first use in this function)|null
src/main.c|1|25|note|each undeclared identifier is reported only once for each function it appears in|null" ] &&
	[ "$(cat "$tmp/err")" = "$gcc_said
uk: error: src/main.c:1:25: 'x' undeclared (first use in this function)
hint: the compiler's messages are above" ] &&
	pass build_json_compiler_diagnostics || fail build_json_compiler_diagnostics "rc=$rc: $out / $(cat "$tmp/err")"
# ... -q keeps a failed compile's messages (they are errors) ...
out=$("$UK" build -q 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "$(cat "$tmp/err")" ] && pass build_quiet_keeps_errors ||
	fail build_quiet_keeps_errors "rc=$rc: $out"
# ... parallel jobs' messages one source after the other, never mixed, and
# every error of both in --json ...
for f in a b; do
	for i in $(seq 1500); do echo "int ${f}$i(void) { return ${f}u$i; }"; done >src/$f.c
done
out=$("$UK" build -j2 --json 2>"$tmp/err"); rc=$?
runs=$(grep -o '^src/[ab]\.c:' "$tmp/err" | uniq | wc -l)
errors=$(grep -c '^src/[ab]\.c:[0-9]*:[0-9]*: error: ' "$tmp/err")
[ $rc -eq 1 ] && [ "$runs" -le 2 ] && [ "$errors" -ge 1500 ] &&
	[ "$(jq '[.diagnostics[] | select(.severity == "error")] | length' <<<"$out")" = "$errors" ] &&
	pass build_parallel_messages_whole || fail build_parallel_messages_whole "rc=$rc runs=$runs errors=$errors"
rm src/a.c src/b.c
# ... a header of a component 'libraries:' does not list: the fix named,
# and it is the fix ...
printf '#include <lwip/tcp.h>\nint main(void) { return 0; }\n' >src/main.c
out=$("$UK" build --json 2>"$tmp/err"); rc=$?
lhint="'lwip/tcp.h' is in the component lwip: add lwip to 'libraries:' in uk.yaml"
[ $rc -eq 1 ] && [ "$(jq -r ".diagnostics[] | $diag" <<<"$out")" = \
	"src/main.c|1|10|error|lwip/tcp.h: No such file or directory|$lhint" ] &&
	[ "$(tail -2 "$tmp/err")" = "uk: error: src/main.c:1:10: lwip/tcp.h: No such file or directory
hint: $lhint" ] && pass build_missing_header_hint || fail build_missing_header_hint "rc=$rc: $out / $(cat "$tmp/err")"
echo 'libraries: [lwip]' >>uk.yaml
out=$("$UK" build -q 2>&1); rc=$?
[ $rc -eq 0 ] && [ -z "$out" ] && pass build_missing_header_hint_fixes || fail build_missing_header_hint_fixes "rc=$rc: $out"
cp "$tmp/uk.yaml.good" uk.yaml
# ... warnings: the compiler's and uk's (a call the runtime lacks) on
# stderr, in --json's diagnostics, and nothing of them with -q ...
echo 'cflags: [-Wall]' >>uk.yaml
printf '#include <unistd.h>\nint main(void) { int u; return chroot("/"); }\n' >src/main.c
gcc_said=$(gcc -Wall -c src/main.c -o /dev/null 2>&1)
out=$("$UK" build --json 2>"$tmp/err"); rc=$?
[ $rc -eq 0 ] && [ -n "$gcc_said" ] && [ "$(jq -r ".diagnostics[] | $diag" <<<"$out")" = \
	"src/main.c|2|22|warning|unused variable 'u' [-Wunused-variable]|null
src/main.c|null|null|warning|src/main.c uses chroot(), which uk-runtime does not provide|null" ] &&
	[ "$(cat "$tmp/err")" = "$gcc_said
warning: src/main.c uses chroot(), which uk-runtime does not provide" ] &&
	pass build_json_warnings || fail build_json_warnings "rc=$rc: $out / $(cat "$tmp/err")"
echo "/* changed */" >>src/main.c
out=$("$UK" build -q 2>&1); rc=$?
[ $rc -eq 0 ] && [ -z "$out" ] && [ build/kvm/p -nt src/main.c ] && pass build_quiet_no_warnings ||
	fail build_quiet_no_warnings "rc=$rc: $out"
cp "$tmp/uk.yaml.good" uk.yaml
# ... on a terminal the compiler's messages in color as it would color
# them, the diagnostics still plain; NO_COLOR: no color.
if command -v script >/dev/null; then
	printf 'int main(void) { return x; }\n' >src/main.c
	out=$(script -qec "$UK build --json" /dev/null 2>&1 | tr -d '\r')
	grep -q $'^\033\[01m\033\[Ksrc/main.c:1:25:\033\[m\033\[K \033\[01;31m\033\[Kerror: ' <<<"$out" &&
		[ "$(grep '^{' <<<"$out" | jq -r ".diagnostics[0] | $diag")" = \
		"src/main.c|1|25|error|'x' undeclared (first use in this function)|null" ] &&
		pass build_compiler_color_on_terminal || fail build_compiler_color_on_terminal "$out"
	out=$(NO_COLOR=1 script -qec "$UK build" /dev/null 2>&1)
	grep -q 'src/main.c:1:25: error: ' <<<"$out" && ! grep -q $'\033' <<<"$out" &&
		pass build_compiler_no_color || fail build_compiler_no_color "$out"
fi
unset LC_ALL
# ... and any other failure as one diagnostic without a place.
out=$("$UK" build --json --gce 2>/dev/null); rc=$?
[ $rc -eq 2 ] && [ "$(jq -c '.diagnostics' <<<"$out")" = \
	'[{"file":null,"line":null,"column":null,"severity":"error","message":"--gce packs the raw disk, but '"'"'raw'"'"' is not being built","hint":"add raw to '"'"'targets:'"'"' in uk.yaml, or pass '"'"'-t raw'"'"'"}]' ] &&
	pass build_json_other_failure || fail build_json_other_failure "rc=$rc: $out"

# --why SYMBOL: the chain from the entry point, inputs by name.
cat >src/main.c <<'C'
#include <stdio.h>
int main(void) { printf("%d\n", 42); return 0; }
C
out=$("$UK" build --why printf 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$(head -1 <<<"$out")" = "root: entry symbol uk_pvh_start" ] &&
	grep -qx "_start_c (musl:crt1.o:.text._start_c) -> main (src/main.c:.text.startup.main)" <<<"$out" &&
	grep -qx "main (src/main.c:.text.startup.main) -> printf (musl:printf.lo:.text.printf)" <<<"$out" &&
	! grep -q '\.cache\|unpacked' <<<"$out" && pass build_why_readable_names || fail build_why_readable_names "rc=$rc: $out"
out=$("$UK" build --why no_such_symbol 2>&1); rc=$?
[ $rc -eq 0 ] && [ "$out" = "'no_such_symbol' is not defined by any loaded input" ] && pass build_why_undefined ||
	fail build_why_undefined "rc=$rc: $out"

# -v: progress and the compiler's command line even through a pipe; -q: nothing on success.
echo "/* changed */" >>src/main.c
out=$("$UK" build -v 2>&1 | cat); rc=${PIPESTATUS[0]}
[ $rc -eq 0 ] && grep -q "^uk: compile src/main.c (1/1)$" <<<"$out" &&
	grep -q "^uk: + [^ ]* -O2 .* -c src/main.c -o [^ ]*\.o$" <<<"$out" &&
	grep -q "^uk: link build/kvm/p$" <<<"$out" && pass build_verbose_commands || fail build_verbose_commands "rc=$rc: $out"
# ... and the link as the uk link command that makes the same image and
# report (bench/build times it against uk build's relink); no debug file by
# default (its recipe instead), --debug-out with --debug
# verbose_link NAME: the uk link command in $out run again into $tmp
verbose_link() {
	line=$(grep "^uk: + uk link " <<<"$out")
	eval "cmd=(${line#uk: + })"
	args=() prev=
	for a in "${cmd[@]:2}"; do
		case $prev in
		-o) a=$tmp/$1.img ;; --report) a=$tmp/$1.report ;; --debug-out) a=$tmp/$1.debug ;;
		esac
		args+=("$a"); prev=$a
	done
	lout=$("$UK" link "${args[@]}" 2>&1)
}
verbose_link vl; rc=$?
if [ $rc -eq 0 ] && [ "${cmd[2]} ${cmd[3]}" = "-o build/kvm/p" ] && grep -q -- " -e uk_pvh_start " <<<"$line" &&
	grep -q -- " --report build/kvm/p.report.json " <<<"$line" && ! grep -q -- "--debug-out" <<<"$line" &&
	[ ! -e build/kvm/p.debug ] && [ -s build/kvm/.p.debug.json ] && cmp -s build/kvm/p "$tmp/vl.img" &&
	[ "$(jq -c .inputs build/kvm/p.report.json)" = "$(jq -c .inputs "$tmp/vl.report")" ]; then
	pass build_verbose_link_command
else
	fail build_verbose_link_command "rc=$rc: $lout; $line"
fi
echo "/* changed for --debug */" >>src/main.c
out=$("$UK" build -v --debug 2>&1 | cat)
verbose_link vd; rc=$?
if [ $rc -eq 0 ] && grep -q -- " --report build/kvm/p.report.json --debug-out build/kvm/p.debug " <<<"$line" &&
	cmp -s build/kvm/p "$tmp/vd.img" && cmp -s build/kvm/p.debug "$tmp/vd.debug"; then
	pass build_verbose_link_command_debug
else
	fail build_verbose_link_command_debug "rc=$rc: $lout; $line"
fi
echo "/* changed again */" >>src/main.c
out=$("$UK" build -q 2>&1); rc=$?
[ $rc -eq 0 ] && [ -z "$out" ] && [ build/kvm/p -nt src/main.c ] && pass build_quiet || fail build_quiet "rc=$rc: $out"
# A relink of the same inputs (the image removed) leaves the stamp and the
# debug recipe as they were: neither is removed nor written again; a
# changed source rewrites both, each removed first (ext4 flushes a file
# renamed over another at once).
if command -v strace >/dev/null; then
	rm -f build/kvm/p
	strace -f -e trace=unlink,unlinkat,rename,renameat,renameat2 -o "$tmp/relink.trace" "$UK" build -q >"$tmp/relink.out" 2>&1
	rc=$?
	echo "/* changed for the stamp */" >>src/main.c
	strace -f -e trace=unlink,unlinkat,rename,renameat,renameat2 -o "$tmp/changed.trace" "$UK" build -q >/dev/null 2>&1
	if [ $rc -eq 0 ] && [ -e build/kvm/p ] && ! grep -q '\.p\.stamp\|\.p\.debug\.json' "$tmp/relink.trace" &&
		grep -q 'rename.*"build/kvm/\.p\.stamp"' "$tmp/changed.trace" &&
		grep -q 'unlink("build/kvm/\.p\.stamp")' "$tmp/changed.trace" &&
		grep -q 'unlink("build/kvm/\.p\.debug\.json")' "$tmp/changed.trace" &&
		grep -q 'rename.*"build/kvm/\.p\.debug\.json"' "$tmp/changed.trace"; then
		pass build_relink_same_inputs_keeps_stamp
	else
		fail build_relink_same_inputs_keeps_stamp "rc=$rc: $(cat "$tmp/relink.out"); $(grep -h 'stamp\|debug.json' "$tmp/relink.trace" "$tmp/changed.trace")"
	fi
fi
out=$("$UK" build -q -v 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "give either --verbose or --quiet" <<<"$out" && pass build_quiet_verbose_refused ||
	fail build_quiet_verbose_refused "rc=$rc: $out"

# uk run --json: one line on stderr after the VM stopped; stdout stays the guest's.
cat >src/main.c <<'C'
#include <stdio.h>
int main(void) { puts("seven"); return 7; }
C
"$UK" build -q
out=$(timeout 120 "$UK" run --json --accel tcg --timeout 60 </dev/null 2>"$tmp/err"); rc=$?
j=$(tail -n 1 "$tmp/err")
[ $rc -eq 7 ] && [ "$out" = seven ] &&
	[ "$(jq -r '"\(.image) \(.target) \(.accelerator) \(.memory) \(.status) \(.guest_status) \(.exited) \(.timed_out)"' <<<"$j")" = \
	"./build/kvm/p kvm tcg 67108864 7 7 true false" ] && [ "$(jq -r '.seconds > 0 and .build_seconds >= 0' <<<"$j")" = true ] &&
	pass run_json || fail run_json "rc=$rc: $out / $(cat "$tmp/err")"
printf 'int main(void) { for (;;) ; }\n' >src/main.c
out=$(timeout 120 "$UK" run -q --json --accel tcg --timeout 2 </dev/null 2>&1); rc=$?
[ $rc -eq 124 ] && [ "$(jq -r '"\(.status) \(.guest_status) \(.timed_out)"' <<<"$out")" = "124 null true" ] &&
	pass run_json_timeout || fail run_json_timeout "rc=$rc: $out"
# --verbose: the QEMU command line (and the compiler's, for the rebuild); -q: no notices.
echo "/* changed */" >>src/main.c
out=$(timeout 120 "$UK" run --verbose --accel tcg --timeout 2 </dev/null 2>&1); rc=$?
[ $rc -eq 124 ] && grep -q "^uk: + [^ ]* -O2 .* -c src/main.c " <<<"$out" &&
	grep -q "^uk: + [^ ]*qemu-system-x86_64 -M microvm,memory-backend=ukram0 -accel tcg .* -object memory-backend-memfd,id=ukram0,size=64M .* -kernel ./build/kvm/p " <<<"$out" &&
	pass run_verbose_qemu_line || fail run_verbose_qemu_line "rc=$rc: $out"
echo "/* changed again */" >>src/main.c
out=$(timeout 120 "$UK" run -q --accel tcg --timeout 2 </dev/null 2>&1); rc=$?
[ $rc -eq 124 ] && [ -z "$out" ] && pass run_quiet || fail run_quiet "rc=$rc: $out"
out=$(timeout 120 "$UK" run -q --verbose 2>&1); rc=$?
[ $rc -eq 2 ] && pass run_quiet_verbose_refused || fail run_quiet_verbose_refused "rc=$rc: $out"
