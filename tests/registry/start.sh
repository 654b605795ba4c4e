# Sourced by tests that need Debian's docker-registry on 127.0.0.1 (uses
# $tmp): free_port, wait_http URL, start_registry NAME PORT [htpasswd],
# stop_registry NAME (registry.sh, cache.sh).
# A port nothing listens on, below the kernel's range of ephemeral ports:
# one in that range may be the local end of a live connection (uk's to
# another registry, say), which no connect finds but bind refuses
# ("address already in use").
free_port() {
	local p lo=32768 hi=60999 base=20000 span=30000
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
	if [ "$lo" -gt 12024 ]; then
		base=10000 span=$((lo - 10000))
	elif [ "$hi" -lt 55535 ]; then
		base=$((hi + 1)) span=$((65535 - hi))
	fi
	for _ in $(seq 50); do
		p=$((base + RANDOM % span))
		(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
	done
	return 1
}
wait_http() { # URL
	for _ in $(seq 100); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	return 1
}
# config in $tmp/NAME, data in $tmp/NAME/data, pid in $tmp/NAME.pid
start_registry() {
	local name=$1 port=$2 htp=${3:-}
	mkdir -p "$tmp/$name/data"
	{
		echo "version: 0.1"
		echo "log: {level: error}"
		echo "storage: {filesystem: {rootdirectory: $tmp/$name/data}, delete: {enabled: true}}"
		echo "http: {addr: 127.0.0.1:$port}"
		[ -n "$htp" ] && echo "auth: {htpasswd: {realm: uk-test, path: $htp}}"
	} >"$tmp/$name/config.yml"
	docker-registry serve "$tmp/$name/config.yml" >"$tmp/$name/log" 2>&1 &
	echo $! >"$tmp/$name.pid"
	wait_http "http://127.0.0.1:$port/v2/"
}
stop_registry() {
	[ -e "$tmp/$1.pid" ] || return 0
	kill "$(cat "$tmp/$1.pid")" 2>/dev/null
	wait "$(cat "$tmp/$1.pid")" 2>/dev/null
	rm -f "$tmp/$1.pid"
}
