#!/usr/bin/env bash
# Real programs nobody here wrote, built from Debian's source packages at
# test time (tests/realprogs/debsrc.sh, a deb-src list of its own): each is
# built as a static musl Linux program and as a uk image, and both runs
# must print the same and exit alike.
#   Lua 5.4: runs a script from the image's files, `require`s a module beside
#   it, reads a data file, reads stdin to EOF from a pipe, uses a tmp file.
. "$(dirname "$0")/lib.sh"
here=$UK_ROOT/tests/realprogs
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm
if ! command -v musl-gcc >/dev/null; then
	fail realprogs-setup "musl-gcc is missing (Debian package musl-tools)"
	exit 0
fi

# --- Lua ---------------------------------------------------------------------
if ! lua=$("$here/debsrc.sh" lua5.4 "$tmp/src" 2>"$tmp/err"); then
	fail realprogs-lua-source "$(tail -n 5 "$tmp/err")"
else
	srcs=$(cd "$lua/src" && ls l*.c | grep -v '^luac\.c$' | sort)
	p=$tmp/lua-uk
	mkdir -p "$p"
	cp -R "$lua/src" "$p/lua"
	cp -R "$here/lua" "$p/app"
	{
		printf 'spec: 1\nname: lua\nversion: 5.4.4\nmemory: 128M\n'
		printf 'defines: [LUA_USE_POSIX]\ncflags: [-O2, -std=gnu99]\n'
		printf 'sources:\n'
		for s in $srcs; do printf '  - lua/%s\n' "$s"; done
		printf 'files:\n  /app: app/\ncmdline: [/app/main.lua]\n'
	} >"$p/uk.yaml"
	input=$(printf 'one\ntwo\nthree')
	mkdir -p "$tmp/lua-linux"
	if ! out=$(cd "$lua/src" && musl-gcc -static -O2 -std=gnu99 -DLUA_USE_POSIX -o "$tmp/lua-linux/lua" $srcs -lm 2>&1); then
		fail realprogs-lua-linux "$out"
	elif ! out=$("$UK" build -C "$p" 2>&1); then
		fail realprogs-lua-build "$out"
	else
		pass realprogs-lua-build
		want=$(printf '%s' "$input" | (cd "$tmp/lua-linux" && timeout 60 ./lua "$here/lua/main.lua"); echo "status $?")
		got=$(printf '%s' "$input" | timeout 300 "$UK" run -C "$p" --accel "$accel" --timeout 240 2>"$tmp/lua.err"; echo "status $?")
		if [ "$want" = "$got" ]; then
			pass realprogs-lua-script
		else
			fail realprogs-lua-script "Linux:
$want
uk:
$got
$(tail -n 5 "$tmp/lua.err")"
		fi
	fi
fi
