# The link report (uk link --report, linker/report.c): valid JSON whatever
# bytes the inputs' section names hold: '"' and '\' escaped, every byte
# that is not printable ASCII as \u00XX, before, inside and after runs of
# eight plain bytes (the writer copies those at once).
. "$(dirname "$0")/lib.sh"

cat >"$tmp/t.s" <<'S'
.globl _start
.section .text._start,"ax",@progbits
_start: call f; hlt
.section "a\"b\\c\001d\303\251e_long_enough_for_eight/bytes\"","ax",@progbits
f: ret
.section "plain_name_longer_than_sixteen_bytes\177x","ax",@progbits
g: ret
S
gcc -c "$tmp/t.s" -o "$tmp/t.o" || fail report-names-escaped "gcc cannot assemble the test object"
out=$("$UK" link -o "$tmp/t.img" -e _start --report "$tmp/r.json" "$tmp/t.o" 2>&1); rc=$?
kept='"section":"a\"b\\c\u0001d\u00c3\u00a9e_long_enough_for_eight/bytes\"","size":1'
removed='"section":"plain_name_longer_than_sixteen_bytes\u007fx","size":1}'
if [ $rc -eq 0 ] && grep -qF "$kept" "$tmp/r.json" && grep -qF "$removed" "$tmp/r.json" &&
	python3 - "$tmp/r.json" <<'P'
import json, sys
r = json.load(open(sys.argv[1]))
want = {'a"b\\c\x01d\xc3\xa9e_long_enough_for_eight/bytes"', 'plain_name_longer_than_sixteen_bytes\x7fx'}
names = {s['section'] for s in r['kept'] + r['removed']}
sys.exit(0 if want <= names and r['totals']['kept_sections'] == 2 else 1)
P
then
	pass report-names-escaped
else
	fail report-names-escaped "rc=$rc: $out; $(grep -a section "$tmp/r.json" 2>/dev/null | head -5)"
fi
