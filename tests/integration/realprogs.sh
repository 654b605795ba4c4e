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

# --- SQLite --------------------------------------------------------------------
#   its shell creates a database on a host folder mounted with `uk run -v`;
#   a second boot reads it back; both runs print what Linux prints.
sqlite_sql1="create table t(id integer primary key, name text, n real);
insert into t(name, n) values ('one', 1.5), ('two', 2.25), ('three', 3.125);
create index t_name on t(name);
begin; update t set n = n * 2 where id > 1; commit;
select id, name, n from t order by name;
pragma integrity_check;"
sqlite_sql2="select count(*), sum(n) from t; select name from t where name like 't%' order by id;
pragma journal_mode; pragma integrity_check;"
if ! command -v tclsh >/dev/null; then
	fail realprogs-sqlite-source "tclsh is missing (Debian package tcl): SQLite's amalgamation is generated with it"
elif ! sq=$("$here/debsrc.sh" sqlite3 "$tmp/src" 2>"$tmp/err"); then
	fail realprogs-sqlite-source "$(tail -n 5 "$tmp/err")"
elif ! (mkdir -p "$sq/bld" && cd "$sq/bld" && ../configure --disable-tcl >/dev/null 2>&1 &&
	make sqlite3.c shell.c >/dev/null 2>&1); then
	fail realprogs-sqlite-amalgamation "configure/make sqlite3.c failed in $sq/bld"
else
	defs="SQLITE_THREADSAFE=0 SQLITE_OMIT_LOAD_EXTENSION SQLITE_DEFAULT_MEMSTATUS=0"
	p=$tmp/sqlite-uk
	mkdir -p "$p/src"
	cp "$sq/bld/sqlite3.c" "$sq/bld/sqlite3.h" "$sq/bld/shell.c" "$p/src/"
	{
		printf 'spec: 1\nname: sqlite3\nversion: 3.40.1\nmemory: 256M\ncflags: [-O1]\n'
		printf 'volumes: []\ninclude: [src]\nsources: [src/sqlite3.c, src/shell.c]\ndefines: ['
		printf '%s, ' $defs | sed 's/, $//'
		printf ']\n'
	} >"$p/uk.yaml"
	mkdir -p "$tmp/sq-linux" "$tmp/sq-host" "$tmp/sq-vol"
	if ! out=$(musl-gcc -static -O1 $(printf -- '-D%s ' $defs) -I"$sq/bld" -o "$tmp/sq-linux/sqlite3" \
		"$sq/bld/sqlite3.c" "$sq/bld/shell.c" 2>&1); then
		fail realprogs-sqlite-linux "$out"
	elif ! out=$("$UK" build -C "$p" 2>&1); then
		fail realprogs-sqlite-build "$out"
	else
		pass realprogs-sqlite-build
		sqrun() { # SQL DB-ON-HOST: Linux
			printf '%s\n' "$1" | timeout 60 "$tmp/sq-linux/sqlite3" "$tmp/sq-host/test.db" 2>&1; echo "status $?"
		}
		ukrun() { # SQL: the image, the database on the volume
			printf '%s\n' "$1" | timeout 300 "$UK" run -C "$p" --accel "$accel" --timeout 240 \
				-v "$tmp/sq-vol:/data" -- /data/test.db 2>"$tmp/sq.err"; echo "status $?"
		}
		want=$(sqrun "$sqlite_sql1") got=$(ukrun "$sqlite_sql1")
		if [ "$want" = "$got" ] && [ -s "$tmp/sq-vol/test.db" ] && printf '%s' "$want" | grep -q '^3|three|6.25$'; then
			pass realprogs-sqlite-create-on-volume
		else
			fail realprogs-sqlite-create-on-volume "Linux:
$want
uk:
$got
$(tail -n 5 "$tmp/sq.err")"
		fi
		# the host's own reading of the guest's file agrees too
		want=$(sqrun "$sqlite_sql2") got=$(ukrun "$sqlite_sql2")
		host=$(printf '%s\n' "$sqlite_sql2" | "$tmp/sq-linux/sqlite3" "$tmp/sq-vol/test.db" 2>&1; echo "status $?")
		if [ "$want" = "$got" ] && [ "$host" = "$want" ] && printf '%s' "$want" | grep -q '^3|'; then
			pass realprogs-sqlite-second-boot-reads-back
		else
			fail realprogs-sqlite-second-boot-reads-back "Linux:
$want
uk:
$got
host reading the guest's file:
$host"
		fi
	fi
fi
