#!/usr/bin/env bash
# Real programs nobody here wrote, built from Debian's source packages at
# test time (tests/realprogs/debsrc.sh, a deb-src list of its own): each is
# built as a static musl Linux program and as a uk image, and both runs
# must print the same and exit alike.
#   Lua 5.4: runs a script from the image's files, `require`s a module beside
#   it, reads a data file, reads stdin to EOF from a pipe, uses a tmp file.
#   SQLite: its shell on a volume; built thread-safe, four threads on one
#   database in /tmp (tests/realprogs/sqlite/threads.c).
#   zstd: -T4 compresses a file of the image's onto a volume, byte for byte
#   what the Linux build writes.
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

# --- SQLite, thread-safe ---------------------------------------------------------
#   SQLITE_THREADSAFE=1: threads with a connection each on one database file
#   in /tmp (the file's locks and the busy handler between them), then threads
#   sharing one connection; the counts, sums and integrity_check as Linux's.
if [ -n "${sq:-}" ] && [ -f "$sq/bld/sqlite3.c" ]; then
	defs="SQLITE_THREADSAFE=1 SQLITE_OMIT_LOAD_EXTENSION SQLITE_DEFAULT_MEMSTATUS=0 HAVE_USLEEP=1"
	p=$tmp/sqlite-threads
	mkdir -p "$p/src" "$tmp/sqt-linux"
	cp "$sq/bld/sqlite3.c" "$sq/bld/sqlite3.h" "$here/sqlite/threads.c" "$p/src/"
	{
		printf 'spec: 1\nname: sqthreads\nversion: 3.40.1\nmemory: 256M\ncflags: [-O1]\n'
		printf 'include: [src]\nsources: [src/sqlite3.c, src/threads.c]\ndefines: ['
		printf '%s, ' $defs | sed 's/, $//'
		printf ']\n'
	} >"$p/uk.yaml"
	if ! out=$(musl-gcc -static -O1 $(printf -- '-D%s ' $defs) -I"$sq/bld" -o "$tmp/sqt-linux/threads" \
		"$here/sqlite/threads.c" "$sq/bld/sqlite3.c" -lpthread 2>&1); then
		fail realprogs-sqlite-threads-linux "$out"
	elif ! out=$("$UK" build -C "$p" 2>&1); then
		fail realprogs-sqlite-threads-build "$out"
	else
		want=$(cd "$tmp/sqt-linux" && timeout 120 ./threads 2>&1; echo "status $?")
		got=$(timeout 300 "$UK" run -C "$p" --accel "$accel" --timeout 240 2>"$tmp/sqt.err"; echo "status $?")
		if [ "$want" = "$got" ] && printf '%s' "$want" | grep -qx 'threadsafe 1' &&
			printf '%s' "$want" | grep -qx '1000|1000' && printf '%s' "$want" | grep -qx 'status 0'; then
			pass realprogs-sqlite-threads
		else
			fail realprogs-sqlite-threads "Linux:
$want
uk:
$got
$(tail -n 5 "$tmp/sqt.err")"
		fi
	fi
fi

# --- zstd -T4 ----------------------------------------------------------------------
#   Debian's libzstd source: the CLI with ZSTD_MULTITHREAD compresses 2.8 MiB
#   of the image's files with 4 workers in 512 KiB jobs (so they run at once)
#   onto a 9p volume, its I/O threads writing while the workers compress; the
#   file is the Linux build's byte for byte and decompresses to the input; the
#   uk.strace log shows the threads made.
if ! zs=$("$here/debsrc.sh" libzstd "$tmp/zstd-src" 2>"$tmp/err"); then
	fail realprogs-zstd-source "$(tail -n 5 "$tmp/err")"
else
	p=$tmp/zstd-uk
	mkdir -p "$p/data" "$tmp/zstd-linux" "$tmp/zstd-vol"
	cp -R "$zs/lib" "$zs/programs" "$p/"
	(cd "$zs/lib" && cat common/*.[ch] compress/*.[ch] decompress/*.[ch] common/*.[ch] compress/*.[ch]) \
		>"$p/data/in.txt"
	zsrcs="$(cd "$p" && ls lib/common/*.c lib/compress/*.c lib/decompress/*.c) programs/zstdcli.c
		programs/fileio.c programs/fileio_asyncio.c programs/timefn.c programs/util.c programs/zstdcli_trace.c"
	defs="ZSTD_MULTITHREAD ZSTD_LEGACY_SUPPORT=0 ZSTD_DISABLE_ASM ZSTD_NODICT ZSTD_NOBENCH"
	{
		printf 'spec: 1\nname: zstd\nversion: 1.5.4\nmemory: 256M\ncflags: [-O1]\n'
		printf 'include: [lib, lib/common, programs]\nvolumes: []\nfiles:\n  /data: data/\ndefines: ['
		printf '%s, ' $defs | sed 's/, $//'
		printf ']\nsources:\n'
		for s in $zsrcs; do printf '  - %s\n' "$s"; done
	} >"$p/uk.yaml"
	zargs=(-q -T4 --block-size=512K -3 -f)
	if ! out=$(cd "$p" && musl-gcc -static -O1 $(printf -- '-D%s ' $defs) -Ilib -Ilib/common -Iprograms \
		-o "$tmp/zstd-linux/zstd" $zsrcs -lpthread 2>&1); then
		fail realprogs-zstd-linux "$out"
	elif ! out=$("$UK" build -C "$p" 2>&1); then
		fail realprogs-zstd-build "$out"
	else
		pass realprogs-zstd-build
		timeout 120 "$tmp/zstd-linux/zstd" "${zargs[@]}" "$p/data/in.txt" -o "$tmp/zstd-linux/in.txt.zst"
		want=$?
		timeout 300 "$UK" run -C "$p" --accel "$accel" --timeout 240 --strace -v "$tmp/zstd-vol:/tmp/out" -- \
			"${zargs[@]}" /data/in.txt -o /tmp/out/in.txt.zst >"$tmp/zstd.log" 2>&1
		got=$?
		clones=$(grep -c '^strace: clone(.*) = [0-9]' "$tmp/zstd.log")
		if [ "$want" = 0 ] && [ "$got" = 0 ] && [ "$clones" -ge 4 ] &&
			cmp -s "$tmp/zstd-linux/in.txt.zst" "$tmp/zstd-vol/in.txt.zst" &&
			"$tmp/zstd-linux/zstd" -q -d -c "$tmp/zstd-vol/in.txt.zst" | cmp -s - "$p/data/in.txt"; then
			pass "realprogs-zstd-T4 ($clones threads, $(stat -c %s "$tmp/zstd-vol/in.txt.zst") bytes as Linux's)"
		else
			fail realprogs-zstd-T4 "status $got (Linux $want), $clones clone calls, $(cmp "$tmp/zstd-linux/in.txt.zst" "$tmp/zstd-vol/in.txt.zst" 2>&1)
$(grep -v '^strace: ' "$tmp/zstd.log" | tail -n 5)"
		fi
	fi
fi
