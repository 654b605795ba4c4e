#!/usr/bin/env bash
# Unpacks a Debian source package's upstream tarball for the tests, with a
# deb-src list of our own (no system file is changed): debsrc.sh PACKAGE DIR
# prints the unpacked folder. Downloads are kept in $UK_DEBSRC_CACHE
# (default build/debsrc under the project) so reruns are offline.
set -eu
pkg=$1 out=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
cache=${UK_DEBSRC_CACHE:-$root/build/debsrc}
mkdir -p "$cache/lists/partial" "$cache/pkgs" "$out"
list=$cache/sources.list
[ -f "$list" ] || echo 'deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main' >"$list"
opts=(-o "Dir::Etc::sourcelist=$list" -o Dir::Etc::sourceparts=- -o "Dir::State::Lists=$cache/lists"
	-o APT::Sandbox::User=root)
if ! ls "$cache/pkgs/${pkg}"_*.orig.tar.* >/dev/null 2>&1; then
	[ -n "$(ls "$cache/lists" 2>/dev/null | grep -v partial)" ] || apt-get "${opts[@]}" update -qq >&2
	(cd "$cache/pkgs" && apt-get "${opts[@]}" source --download-only -qq "$pkg" >&2)
fi
tarball=$(ls "$cache/pkgs/${pkg}"_*.orig.tar.* | grep -v -- '-www' | head -n 1)
tar -xf "$tarball" -C "$out"
find "$out" -mindepth 1 -maxdepth 1 -type d | head -n 1
