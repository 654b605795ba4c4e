#!/bin/sh
# Downloads Debian's source package `lwip` into CACHE, once:
#   fetch.sh CACHE SUITE MIRROR
# with a deb-src list of our own and apt's lists and cache in a private
# folder beside CACHE (no system file is read for sources or written).
# Builds running at the same time each download on their own; the first to
# finish fills CACHE, the others keep what it holds.
set -eu
cache=$1 suite=$2 mirror=$3
[ -f "$cache/.downloaded" ] && exit 0
mkdir -p "$(dirname "$cache")"
work=$(mktemp -d "$cache.tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT
apt=$work/apt
mkdir -p "$apt/lists/partial" "$apt/cache" "$work/pkg"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" \
	>"$apt/sources.list"
set -- -o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=- \
	-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root
if ! apt-get "$@" update -qq ||
	! (cd "$work/pkg" && apt-get "$@" source --download-only -qq lwip >/dev/null) ||
	! ls "$work/pkg"/lwip_*.dsc >/dev/null 2>&1; then
	echo "lwip: cannot download Debian's source package lwip from $mirror ($suite)" >&2
	echo "hint: this needs the network once; or put lwip_*.dsc and its files in $cache" \
		"with an empty $cache/.downloaded" >&2
	exit 1
fi
touch "$work/pkg/.downloaded"
# a rename is atomic: CACHE appears complete or not at all
mv -T "$work/pkg" "$cache" 2>/dev/null || [ -f "$cache/.downloaded" ]
