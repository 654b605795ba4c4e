# Sourced by tests that need Debian's docker-registry on 127.0.0.1 (uses
# $tmp): free_port, wait_http URL, start_registry NAME PORT [htpasswd],
# stop_registry NAME (registry.sh, cache.sh).
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 30000))
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
