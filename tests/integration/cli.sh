# The command line itself: the table, --help and man pages for every
# command, uk init, usage errors.
. "$(dirname "$0")/lib.sh"

commands=$("$UK" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1}')
[ -n "$commands" ] && pass cli-table-lists-commands || fail cli-table-lists-commands "no commands in uk --help"
for c in $commands; do
	out=$("$UK" "$c" --help 2>&1); rc=$?
	if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q "^usage: uk $c"; then
		pass "cli-help-$c"
	else
		fail "cli-help-$c" "rc=$rc: $out"
	fi
	if [ -f "$UK_ROOT/man/uk-$c.1" ] && man -l -Tutf8 "$UK_ROOT/man/uk-$c.1" 2>&1 >/dev/null | grep -q .; then
		fail "cli-man-$c" "man reports problems"
	elif [ -f "$UK_ROOT/man/uk-$c.1" ]; then
		pass "cli-man-$c"
	else
		fail "cli-man-$c" "no man/uk-$c.1"
	fi
done

out=$("$UK" frobnicate 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "^uk: error: unknown command 'frobnicate'" &&
	pass cli-unknown-command || fail cli-unknown-command "rc=$rc: $out"

# Typing errors get the nearest command or option, as git and cargo do.
out=$("$UK" biuld 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$out" = "uk: error: unknown command 'biuld'; did you mean 'build'?" ] &&
	pass cli-suggest-command || fail cli-suggest-command "rc=$rc: $out"
out=$("$UK" build --jsn 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | head -n 1 | grep -qx "uk: error: unknown option '--jsn'; did you mean '--json'?" &&
	pass cli-suggest-option || fail cli-suggest-option "rc=$rc: $out"
out=$("$UK" link --kep=x 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | head -n 1 | grep -qx "uk: error: unknown option '--kep=x'; did you mean '--keep'?" &&
	pass cli-suggest-option-value || fail cli-suggest-option-value "rc=$rc: $out"
# uk help CMD is CMD --help
[ "$("$UK" help build 2>&1)" = "$("$UK" build --help 2>&1)" ] && pass cli-help-cmd ||
	fail cli-help-cmd "$("$UK" help build 2>&1 | head -n 3)"
out=$("$UK" help biuld 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "did you mean 'build'" && pass cli-help-unknown ||
	fail cli-help-unknown "rc=$rc: $out"

out=$("$UK" version); [ "$out" = "uk $(cat "$UK_ROOT/VERSION")" ] && pass cli-version || fail cli-version "$out"
out=$("$UK" version --json | jq -r .version); [ "$out" = "$(cat "$UK_ROOT/VERSION")" ] && pass cli-version-json || fail cli-version-json "$out"

# uk init writes the three files, names the project after the folder.
"$UK" init "$tmp/My Proj" >/dev/null 2>&1
if [ -f "$tmp/My Proj/uk.yaml" ] && [ -f "$tmp/My Proj/src/main.c" ] && [ -f "$tmp/My Proj/.gitignore" ] &&
	grep -q '^name: my-proj$' "$tmp/My Proj/uk.yaml"; then
	pass cli-init-writes-project
else
	fail cli-init-writes-project "$(ls -la "$tmp/My Proj" 2>&1)"
fi

# ... and refuses to overwrite anything, leaving every file as it was.
echo "int main(void) { return 42; }" >"$tmp/My Proj/src/main.c"
before=$(cd "$tmp/My Proj" && find . -type f | sort | xargs sha256sum)
out=$("$UK" init "$tmp/My Proj" 2>&1); rc=$?
after=$(cd "$tmp/My Proj" && find . -type f | sort | xargs sha256sum)
[ $rc -ne 0 ] && [ "$before" = "$after" ] && printf '%s' "$out" | grep -q "already exists" &&
	pass cli-init-refuses-overwrite || fail cli-init-refuses-overwrite "rc=$rc: $out"

out=$("$UK" init "$tmp/x" --name "Bad Name" 2>&1); rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/x/uk.yaml" ] && pass cli-init-bad-name || fail cli-init-bad-name "rc=$rc: $out"

out=$("$UK" init "$tmp/y" --template nope 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "no template 'nope'" && pass cli-init-bad-template ||
	fail cli-init-bad-template "rc=$rc: $out"

out=$("$UK" init --bogus 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "^hint: usage: uk init" && pass cli-usage-error-hint ||
	fail cli-usage-error-hint "rc=$rc: $out"

# On a terminal: colored "error:" and progress lines; NO_COLOR turns color
# off; through a pipe neither colors nor progress.
if command -v script >/dev/null; then
	"$UK" init "$tmp/tty" >/dev/null
	tty_out=$(script -qec "$UK build -C $tmp/tty" /dev/null 2>&1)
	printf '%s' "$tty_out" | grep -q "^uk: compile src/main.c (1/1)" && pass cli-progress-on-terminal ||
		fail cli-progress-on-terminal "$tty_out"
	out=$(script -qec "$UK build -C $tmp/nowhere" /dev/null 2>&1)
	printf '%s' "$out" | grep -q $'\033\[1;31merror:' && pass cli-color-on-terminal || fail cli-color-on-terminal "$out"
	out=$(NO_COLOR=1 script -qec "$UK build -C $tmp/nowhere" /dev/null 2>&1)
	printf '%s' "$out" | grep -q $'\033' && fail cli-no-color "$out" || pass cli-no-color
fi
rm -rf "$tmp/tty/build"
out=$("$UK" build -C "$tmp/tty" 2>&1 | cat)
printf '%s' "$out" | grep -q $'\033\|^uk: compile' && fail cli-plain-when-piped "$out" || pass cli-plain-when-piped

# uk init refuses before it makes anything: no empty folder left behind.
out=$("$UK" init "$tmp/refused" --template nosuch 2>&1); rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/refused" ] && printf '%s' "$out" | grep -q "'uk init --list' lists them" &&
	pass cli-init-refusal-leaves-nothing || fail cli-init-refusal-leaves-nothing "rc=$rc exists=$([ -e "$tmp/refused" ] && echo yes): $out"
out=$("$UK" init "$tmp/refused2" --name BAD 2>&1); rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/refused2" ] && pass cli-init-bad-name-leaves-nothing ||
	fail cli-init-bad-name-leaves-nothing "rc=$rc: $out"
out=$("$UK" init --list); want=$(cd "$UK_ROOT/templates" && ls)
[ "$out" = "$want" ] && pass cli-init-list || fail cli-init-list "got '$out', templates '$want'"

# uk build finds uk.yaml upward from where it runs, as cargo and git do;
# -C DIR that is not a folder says so.
"$UK" init "$tmp/up" >/dev/null
out=$(cd "$tmp/up/src" && "$UK" build 2>&1); rc=$?
[ $rc -eq 0 ] && [ -x "$tmp/up/build/kvm/up" ] && [ ! -e "$tmp/up/src/build" ] &&
	printf '%s' "$out" | grep -q '^\.\./build/kvm/up ' && pass cli-build-finds-project-upward ||
	fail cli-build-finds-project-upward "rc=$rc: $out"
out=$("$UK" build -C "$tmp/no-such-dir" 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "^uk: error: -C '$tmp/no-such-dir': No such file or directory" &&
	pass cli-build-C-missing || fail cli-build-C-missing "rc=$rc: $out"

# uk completion bash: a script bash loads, completing commands and options.
comp() { # WORDS...: what _uk offers for the last word
	PATH=$(dirname "$UK"):$PATH bash -c 'eval "$("$0" completion bash)" || exit 9
		COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _uk; echo "${COMPREPLY[*]}"' "$UK" "$@"
}
[ "$(comp uk bui)" = build ] && [ "$(comp uk build --jso)" = --json ] && [ "$(comp uk help ini)" = init ] &&
	pass cli-completion-bash || fail cli-completion-bash "'$(comp uk bui)' '$(comp uk build --jso)' '$(comp uk help ini)'"
if command -v zsh >/dev/null; then
	"$UK" completion zsh | zsh -n && pass cli-completion-zsh-parses || fail cli-completion-zsh-parses "zsh -n refused it"
fi
out=$("$UK" completion fish 2>&1); rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "unknown shell 'fish'" && pass cli-completion-unknown-shell ||
	fail cli-completion-unknown-shell "rc=$rc: $out"

# uk inspect in a project inspects its image (found upward, -t picks one)
out=$(cd "$tmp/up/src" && "$UK" inspect 2>&1); rc=$?
[ $rc -eq 0 ] && printf '%s' "$out" | grep -q '^image: *\.\./build/kvm/up$' && pass cli-inspect-project ||
	fail cli-inspect-project "rc=$rc: $out"
out=$("$UK" inspect -C "$tmp/up" some-image 2>&1); rc=$?
[ $rc -eq 2 ] && pass cli-inspect-image-and-C-refused || fail cli-inspect-image-and-C-refused "rc=$rc: $out"
