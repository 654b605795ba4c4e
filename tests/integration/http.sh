#!/usr/bin/env bash
# The http template end to end (127.0.0.1 only): uk init --template http, uk
# build, uk run forwarding the manifest's ports: without flags; curl and wget
# get the built-in page, keep-alive, HEAD, 404; with files: the server
# serves the project's folder; -p moves the manifest's port; on a terminal
# uk run says where the service answers.
. "$(dirname "$0")/lib.sh"
for t in curl wget; do
	if ! command -v $t >/dev/null; then
		fail http-setup "$t is missing"
		exit 0
	fi
done
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm
base=$((22000 + ($$ % 2000) * 4))
port=$base port2=$((base + 1)) port3=$((base + 2))
vm=
trap '[ -n "$vm" ] && kill $vm 2>/dev/null; rm -rf "$tmp"' EXIT

# boot DIR [uk run options...]: in the background, $vm
boot() {
	local d=$1
	shift
	timeout 300 "$UK" run -C "$d" --no-build --accel $accel --timeout 240 -e HTTP_STATS=1 "$@" \
		</dev/null >"$d/out" 2>"$d/err" &
	vm=$!
}
# up PORT: waits for an answer (the guest boots under TCG in seconds)
up() {
	for i in $(seq 600); do
		curl -s -m 2 -o /dev/null "http://127.0.0.1:$1/" && return 0
		kill -0 $vm 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# quit PORT: ends the server, which exits 0; the VM's status
quit() {
	curl -s -m 10 -o /dev/null "http://127.0.0.1:$1/.quit"
	wait $vm
	local rc=$?
	vm=
	return $rc
}

cd "$tmp" || exit 1
if ! out=$("$UK" init --template http web 2>&1); then
	fail http-init "$out"
	exit 0
fi
if grep -q '^ports:$' web/uk.yaml && grep -q '^  - 8080$' web/uk.yaml && [ -f web/src/main.c ] &&
	grep -q 'Server: web' web/src/main.c; then
	pass http-init
else
	fail http-init "$(cat web/uk.yaml)"
fi
# the test's own host port, still through the manifest
sed -i "s/^  - 8080\$/  - $port:8080/" web/uk.yaml
if ! "$UK" build -C web >web/build.log 2>&1; then
	fail http-build "$(tail -n 5 web/build.log)"
	exit 0
fi
pass http-build
# the template's image stays at most 256 KiB loaded (issue 10's goal)
load=$(readelf -lW web/build/kvm/web | awk '$1 == "LOAD" { print $6 }' | while read -r m; do echo $((m)); done |
	awk '{ s += $1 } END { print s }')
[ "${load:-0}" -gt 0 ] && [ "$load" -le 262144 ] && pass http-size ||
	fail http-size "loaded ${load:-?} bytes (max 262144)"

boot web
if ! up $port; then
	fail http-builtin "no answer on 127.0.0.1:$port: $(tail -n 5 web/err web/out)"
else
	bad=
	curl -s -m 10 -D web/h1 -o web/b1 "http://127.0.0.1:$port/"
	grep -q '^HTTP/1.1 200 OK' web/h1 && grep -q '<h1>web answers</h1>' web/b1 &&
		grep -qi '^content-length: '"$(stat -c %s web/b1)" web/h1 || bad="$bad curl"
	wget -q -O web/b2 "http://127.0.0.1:$port/index.html" && cmp -s web/b1 web/b2 || bad="$bad wget"
	# keep-alive: three requests, one connection
	got=$(curl -s -m 10 -w '%{num_connects}' -o /dev/null "http://127.0.0.1:$port/" \
		-o /dev/null "http://127.0.0.1:$port/" -o /dev/null "http://127.0.0.1:$port/")
	[ "$got" = 100 ] || bad="$bad keep-alive($got)"
	[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/nothing")" = 404 ] ||
		bad="$bad 404"
	[ "$(curl -s -m 10 -I -o /dev/null -w '%{http_code} %{size_download}' "http://127.0.0.1:$port/")" = "200 0" ] ||
		bad="$bad head"
	[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' -d x "http://127.0.0.1:$port/")" = 405 ] ||
		bad="$bad post"
	[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' --path-as-is "http://127.0.0.1:$port/../x")" = 400 ] ||
		bad="$bad dotdot"
	# HTTP/1.0 closes unless asked
	[ "$(curl -s -m 10 -0 -w '%{num_connects}' -o /dev/null "http://127.0.0.1:$port/" \
		-o /dev/null "http://127.0.0.1:$port/")" = 11 ] || bad="$bad http1.0"
	quit $port
	rc=$?
	if [ -z "$bad" ] && [ $rc = 0 ] && grep -q '^web: listening on port 8080, serving the built-in page$' web/out; then
		pass http-builtin
	else
		fail http-builtin "status $rc, wrong:${bad:- none}; $(tail -n 3 web/out web/err)"
	fi
fi

# files: the project's www/ at /www; -p moves the manifest's 8080
mkdir -p web/www/sub
printf '<p>mine</p>\n' >web/www/index.html
head -c 300000 /dev/urandom >web/www/sub/blob.bin
printf 'files:\n  /www: www/\n' >>web/uk.yaml
if ! "$UK" build -C web >web/build.log 2>&1; then
	fail http-files "uk build: $(tail -n 5 web/build.log)"
else
	boot web -p 127.0.0.1:$port2:8080
	if ! up $port2; then
		fail http-files "no answer on 127.0.0.1:$port2: $(tail -n 5 web/err web/out)"
	else
		bad=
		[ "$(curl -s -m 10 "http://127.0.0.1:$port2/")" = "<p>mine</p>" ] || bad="$bad index"
		curl -s -m 30 -o web/got.bin -D web/h3 "http://127.0.0.1:$port2/sub/blob.bin"
		cmp -s web/got.bin web/www/sub/blob.bin || bad="$bad blob"
		grep -qi '^content-type: application/octet-stream' web/h3 || bad="$bad type"
		[ "$(curl -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port2/sub/")" = 404 ] ||
			bad="$bad dir"
		wget -q -O web/got2.bin "http://127.0.0.1:$port2/sub/blob.bin" &&
			cmp -s web/got2.bin web/www/sub/blob.bin || bad="$bad wget"
		curl -s -m 2 -o /dev/null "http://127.0.0.1:$port/" && bad="$bad manifest-port-still-forwarded"
		quit $port2
		rc=$?
		if [ -z "$bad" ] && [ $rc = 0 ] && grep -q '^web: listening on port 8080, serving /www$' web/out; then
			pass http-files
		else
			fail http-files "status $rc, wrong:${bad:- none}; $(tail -n 3 web/out web/err)"
		fi
	fi
fi

# on a terminal, where the service answers
if command -v script >/dev/null; then
	sed -i "s/^  - $port:8080\$/  - $port3:8080/" web/uk.yaml
	"$UK" build -C web >web/build.log 2>&1
	UK_ACCEL=$accel timeout 120 script -qec "'$UK' run -C web --no-build --timeout 3 </dev/null" \
		/dev/null >web/tty.out 2>&1
	if grep -q "guest port 8080 answers at http://127.0.0.1:$port3/" web/tty.out; then
		pass http-where
	else
		fail http-where "$(tail -n 5 web/tty.out)"
	fi
fi
