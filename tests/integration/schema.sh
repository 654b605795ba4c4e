#!/usr/bin/env bash
# share/uk.schema.json as an editor uses it (yaml-language-server validates
# with JSON Schema draft 7): every template's uk.yaml and every manifest case
# uk reads as valid pass it; wrong keys, types and targets that uk refuses
# are refused by it too. (tests/unit/test_schema.c checks the key sets.)
. "$(dirname "$0")/lib.sh"

schema=$UK_ROOT/share/uk.schema.json
# Debian's python3 (scripts/install-deps installs its jsonschema and yaml),
# or the first python3 on PATH that has them
py=""
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import jsonschema, yaml' 2>/dev/null; then py=$p; break; fi
done
if [ -z "$py" ]; then
	fail schema_setup "python3-jsonschema or python3-yaml missing (run scripts/install-deps)"
	exit 0
fi
validate() { # FILE: prints the first problem, exits 1 on one
	"$py" - "$schema" "$1" <<'PY'
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
doc = yaml.safe_load(open(sys.argv[2]))
errs = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=str)
if errs:
    print(errs[0].message)
    sys.exit(1)
PY
}

for t in "$UK_ROOT"/templates/*/; do
	name=$(basename "$t")
	"$UK" init "$tmp/t-$name" --template "$name" >/dev/null 2>&1 || { fail "schema_template_$name" "uk init failed"; continue; }
	out=$(validate "$tmp/t-$name/uk.yaml") && pass "schema_template_$name" || fail "schema_template_$name" "$out"
done

# Manifests uk refuses, refused by the schema too (and uk's reason).
"$UK" init "$tmp/p" >/dev/null 2>&1
bad() { # NAME YAML-LINE-TO-ADD
	cp "$tmp/p/uk.yaml" "$tmp/p/uk.yaml.good"
	printf '%s\n' "$2" >>"$tmp/p/uk.yaml"
	local s u
	s=$(validate "$tmp/p/uk.yaml") && s=accepted
	"$UK" build -C "$tmp/p" >/dev/null 2>&1; u=$?
	[ "$s" != accepted ] && [ $u -eq 2 ] && pass "schema_refuses_$1" || fail "schema_refuses_$1" "schema: $s, uk build: $u"
	mv "$tmp/p/uk.yaml.good" "$tmp/p/uk.yaml"
}
bad unknown_key 'sorces: [src/*.c]'
bad target_not_list 'targets: kvm'
bad unknown_target $'targets:\n  - kvm\n  - arm'
bad network_string 'network: yes please'
bad bad_define 'defines: [-DNDEBUG]'
bad bad_port 'ports: [http]'
sed -i '/^spec:/d' "$tmp/p/uk.yaml"
out=$(validate "$tmp/p/uk.yaml"); s=$?
"$UK" build -C "$tmp/p" >/dev/null 2>&1; u=$?
[ $s -eq 1 ] && [ $u -eq 2 ] && pass schema_refuses_missing_spec || fail schema_refuses_missing_spec "schema: $s $out, uk build: $u"
