# make install: uk, its man pages, the built-in store and the JSON Schema
# of uk.yaml under PREFIX; the installed uk finds that store by itself and
# builds offline with a fresh UK_HOME.
. "$(dirname "$0")/lib.sh"

prefix=$tmp/prefix
out=$(make -s -C "$UK_ROOT" install PREFIX="$prefix" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -x "$prefix/bin/uk" ] && [ -f "$prefix/share/man/man1/uk-build.1" ] &&
	[ -f "$prefix/share/uk/store/index.json" ] && [ ! -e "$prefix/share/uk/store/.tmp" ] &&
	cmp -s "$UK_ROOT/share/uk.schema.json" "$prefix/share/uk/uk.schema.json" &&
	pass install-layout || fail install-layout "rc=$rc: $out"

unset UK_BUILTIN_STORE
export UK_HOME=$tmp/fresh-home
out=$("$prefix/bin/uk" images 2>&1); rc=$?
[ $rc -eq 0 ] && printf '%s' "$out" | grep -q '^uk-runtime:.*builtin' && printf '%s' "$out" | grep -q '^musl:.*builtin' &&
	pass install-finds-builtin-store || fail install-finds-builtin-store "rc=$rc: $out"

"$prefix/bin/uk" init "$tmp/p" >/dev/null
out=$("$prefix/bin/uk" build -C "$tmp/p" 2>&1); rc=$?
[ $rc -eq 0 ] && [ -x "$tmp/p/build/kvm/p" ] && [ ! -e "$UK_HOME/index.json" ] &&
	pass install-builds-offline || fail install-builds-offline "rc=$rc: $out"

# make uninstall removes what make install wrote and nothing else.
mkdir -p "$prefix/share/man/man1" && echo keep >"$prefix/share/man/man1/other.1"
out=$(make -s -C "$UK_ROOT" uninstall PREFIX="$prefix" 2>&1); rc=$?
left=$(cd "$prefix" && find . -type f | sort)
[ $rc -eq 0 ] && [ "$left" = "./share/man/man1/other.1" ] && pass install-uninstall ||
	fail install-uninstall "rc=$rc, left: $left $out"
