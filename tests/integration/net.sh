#!/usr/bin/env bash
# Networking (uk-net: sockets over lwIP, virtio-net, uk run -p), with real
# peers on this host's loopback only:
#   - tests/net/peer.c, built as a static musl Linux program talking to
#     127.0.0.1 and as a uk image talking to 10.0.2.2 (QEMU's user-net
#     gateway, which is this host): the same output (TCP and UDP errno
#     cases, options, readiness; an HTTP GET from a host server; UDP echo)
#   - tests/net/inet6.c the same way for AF_INET6 (::1 and fec0::2, QEMU's
#     IPv6 host): addresses, IPV6_V6ONLY, ::1 and a dual-stack listener in
#     the guest, HTTP and UDP echo over IPv6 to the host
#   - tests/net/tcp_loop.c the same way over 127.0.0.1 in one process:
#     accept4's flags, FIONBIO, MSG_PEEK, readv/writev, dup, listen's
#     backlog, edge-triggered epoll with EPOLLRDHUP, resets (SO_ERROR,
#     ECONNRESET, EPIPE, SIGPIPE)
#   - uk run --net none (tests/net/no_route.c): unreachable off the
#     loopback, as Linux in a network namespace holding only lo
#   - tests/net/server.c, an epoll HTTP server in a guest, answering curl
#     through uk run -p 127.0.0.1:PORT:8080 (one by one, keep-alive, in
#     parallel), on microvm (virtio-mmio) and on a raw disk (q35, pci)
#   - UDP echo into the guest (tests/net/udp_server.c) through
#     uk run -p HOSTPORT:7070/udp from tests/net/udp_client.py, on microvm
#     and on q35 (MSI-X), the last echo sent just before the program ends
#   - getaddrinfo (tests/net/resolve.c): localhost from the built-in
#     /etc/hosts with DHCP's name server in /etc/resolv.conf; names from
#     the image's own /etc/hosts, and from a DNS server this test starts on
#     127.0.0.1:53 (tests/net/dns_responder.py) named by the image's
#     /etc/resolv.conf as 10.0.2.2
#   - uk.net.ip=/gw=/dns= instead of DHCP (the verbose address line,
#     resolv.conf, a name through that server), and DHCP's verbose line,
#     on a legacy and on a modern (version 2) virtio-mmio device
#   - sendfile from an image file to a socket (tests/net/sendfile_server.c)
#     fetched by curl through -p: the same bytes (sha256), whole and a part
#   - without uk-net, socket() is EAFNOSUPPORT and no lwIP is linked
. "$(dirname "$0")/lib.sh"
for t in musl-gcc curl python3; do
	if ! command -v $t >/dev/null; then
		fail net-setup "$t is missing"
		exit 0
	fi
done
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm
net=$UK_ROOT/tests/net
# below 32768, where Linux picks ephemeral ports (a forward must not meet one)
base=$((20000 + ($$ % 1200) * 10))
http_port=$base udp_port=$((base + 1)) closed_port=$((base + 2)) fwd_port=$((base + 3))
fwd_port2=$((base + 4)) http6_port=$((base + 5)) udp6_port=$((base + 6)) fwd_port3=$((base + 7)) fwd_port4=$((base + 8))
udp_fwd_port=$((base + 9))

mkdir -p "$tmp/www"
echo "hello from the host" >"$tmp/www/hello.txt"
(cd "$tmp/www" && exec timeout 600 python3 -m http.server --bind 127.0.0.1 "$http_port") \
	>/dev/null 2>&1 &
http_pid=$!
timeout 600 python3 "$net/udp_echo.py" "$udp_port" 590 >/dev/null 2>&1 &
udp_pid=$!
# IPv6 (and IPv4: Python's server on :: takes both) for inet6.c
(cd "$tmp/www" && exec timeout 600 python3 -m http.server --bind :: "$http6_port") \
	>/dev/null 2>&1 &
http6_pid=$!
timeout 600 python3 "$net/udp_echo.py" "$udp6_port" 590 ::1 >/dev/null 2>&1 &
udp6_pid=$!
trap 'kill $http_pid $udp_pid $http6_pid $udp6_pid ${dns_pid:-} 2>/dev/null; rm -rf "$tmp"' EXIT
for i in $(seq 50); do
	curl -s -m 1 -o /dev/null "http://127.0.0.1:$http_port/hello.txt" &&
		curl -s -m 1 -o /dev/null "http://[::1]:$http6_port/hello.txt" && break
	sleep 0.1
done

project() { # DIR NAME SOURCE [uk.yaml lines...]
	local d=$1 name=$2 src=$3
	shift 3
	mkdir -p "$d/src"
	cp "$src" "$d/src/main.c"
	{
		printf 'spec: 1\nname: %s\nversion: 0.1.0\nsources: [src/main.c]\nmemory: 128M\n' "$name"
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$d/uk.yaml"
	"$UK" build -C "$d" >"$d/build.log" 2>&1
}

# against_linux TEST NAME "LINUX ARGS" "GUEST ARGS" [uk run options...]:
# tests/net/NAME.c as a static musl program ($on_linux before it, if set)
# and as a uk image with uk-net; the same output and status, or TEST fails.
against_linux() {
	local test=$1 name=$2 largs=$3 gargs=$4 out want_rc got_rc
	shift 4
	if ! out=$(musl-gcc -static -O1 -Wall -o "$tmp/linux/$name" "$net/$name.c" 2>&1); then
		fail "$test" "musl-gcc: $out"
		return
	fi
	# shellcheck disable=SC2086 # the arguments are words
	timeout 60 ${on_linux:-} "$tmp/linux/$name" $largs >"$tmp/$name.want" 2>&1
	want_rc=$?
	if ! project "$tmp/$name" "$name" "$net/$name.c" 'libraries: [uk-net]'; then
		fail "$test" "uk build: $(tail -n 5 "$tmp/$name/build.log")"
		return
	fi
	# shellcheck disable=SC2086
	timeout 300 "$UK" run -C "$tmp/$name" --no-build --accel $accel --timeout 240 "$@" -- $gargs \
		>"$tmp/$name.got" 2>"$tmp/$name.err" </dev/null
	got_rc=$?
	if [ $got_rc = $want_rc ] && cmp -s "$tmp/$name.want" "$tmp/$name.got"; then
		pass "$test"
	else
		fail "$test" "status $got_rc (Linux $want_rc); diff Linux uk:
$(diff "$tmp/$name.want" "$tmp/$name.got" | head -n 30)
$(tail -n 5 "$tmp/$name.err")"
	fi
}
mkdir -p "$tmp/linux"

# --- the socket behaviour program
against_linux net-peer peer "127.0.0.1 $http_port $udp_port $closed_port" \
	"10.0.2.2 $http_port $udp_port $closed_port"
# --- AF_INET6
against_linux net-inet6 inet6 "::1 127.0.0.1 $http6_port $udp6_port" \
	"fec0::2 10.0.2.2 $http6_port $udp6_port"
# --- UDP datagrams up to the largest, fragmented and reassembled both ways
against_linux net-udp-big udp_big "127.0.0.1 $udp_port" "10.0.2.2 $udp_port"
# (IPv6 inside the image: QEMU's user network passes no IPv6 fragments)
against_linux net-udp-big6 udp_big "::1 0" "::1 0"
# --- TCP over 127.0.0.1 inside one process (no host peer)
against_linux net-tcp-loop tcp_loop "" ""
# --- uk run --net none: no NIC; Linux in a namespace with only lo
if ! ip netns add "nonet$$" 2>/dev/null; then
	echo "SKIP net-none: no network namespace can be made here"
else
	ip netns exec "nonet$$" ip link set lo up
	on_linux="ip netns exec nonet$$" against_linux net-none no_route "" "" --net none
	ip netns del "nonet$$" 2>/dev/null
fi

# --- the epoll server, answering curl through -p
serve() { # NAME PROJECT PORT [uk run options...] [-- program arguments]
	local name=$1 d=$2 port=$3
	shift 3
	timeout 300 "$UK" run -C "$d" --no-build --accel $accel --timeout 240 \
		-p 127.0.0.1:$port:8080 "$@" </dev/null >"$d/out" 2>"$d/err" &
	local vm=$!
	local up=
	for i in $(seq 600); do
		if curl -s -m 2 -o "$d/first" "http://127.0.0.1:$port/first"; then
			up=1
			break
		fi
		kill -0 $vm 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$up" ]; then
		kill $vm 2>/dev/null
		wait $vm
		fail "$name" "no answer on 127.0.0.1:$port: $(tail -n 5 "$d/err" "$d/out")"
		return
	fi
	local bad=
	for i in 1 2 3; do
		[ "$(curl -s -m 10 "http://127.0.0.1:$port/one$i")" = "hello from uk: /one$i" ] || bad="one$i"
	done
	# keep-alive: three requests on one connection
	got=$(curl -s -m 10 "http://127.0.0.1:$port/k1" "http://127.0.0.1:$port/k2" \
		"http://127.0.0.1:$port/k3" -w '%{num_connects}\n')
	[ "$got" = "hello from uk: /k1
hello from uk: /k2
0hello from uk: /k3
0" ] || [ "$(printf '%s' "$got" | grep -c 'hello from uk')" = 3 ] || bad="$bad keep-alive"
	# 40 requests, 8 at a time
	seq 40 | xargs -P 8 -I{} curl -s -m 20 -o "$d/p{}" "http://127.0.0.1:$port/p{}"
	for i in $(seq 40); do
		[ "$(cat "$d/p$i" 2>/dev/null)" = "hello from uk: /p$i" ] || bad="$bad p$i"
	done
	curl -s -m 10 -o /dev/null "http://127.0.0.1:$port/quit"
	wait $vm
	local rc=$?
	if [ -n "$six" ] && ! grep -q '^first peer: ::ffff:10.0.2.2$' "$d/out"; then
		bad="$bad peer-address"
	fi
	if [ -z "$bad" ] && [ $rc = 0 ] && grep -q '^48 requests$' "$d/out"; then
		pass "$name"
	else
		fail "$name" "status $rc, wrong: ${bad:-none}; $(tail -n 3 "$d/out") $(tail -n 3 "$d/err")"
	fi
}
if project "$tmp/server" server "$net/server.c" 'libraries: [uk-net]'; then
	six= serve net-server-curl "$tmp/server" $fwd_port
	# an AF_INET6 listener on [::] reached through the IPv4 forward
	six=1 serve net-server-curl-dual-stack "$tmp/server" $fwd_port3 -- 8080 6
else
	fail net-server-curl "uk build: $(tail -n 5 "$tmp/server/build.log")"
fi
if project "$tmp/server-raw" server "$net/server.c" 'libraries: [uk-net]' 'targets: [raw]'; then
	six= serve net-server-curl-q35 "$tmp/server-raw" $fwd_port2
else
	fail net-server-curl-q35 "uk build: $(tail -n 5 "$tmp/server-raw/build.log")"
fi

# --- UDP the other way: the host sends through -p HOSTPORT:PORT/udp to an
# echo server in the guest (peer.c and inet6.c echo from the host), on
# microvm (virtio-mmio, the IOAPIC) and q35 (virtio-pci, MSI-X); the echo
# of "quit", sent just before the program ends, must still arrive
udp_into() { # NAME PROJECT PORT IRQ-LINE
	local name=$1 d=$2 port=$3 irq=$4
	timeout 300 "$UK" run -C "$d" --no-build --accel $accel --timeout 240 -o verbose \
		-p 127.0.0.1:$port:7070/udp </dev/null >"$d/out" 2>"$d/err" &
	local vm=$!
	timeout 200 python3 "$net/udp_client.py" $port 180 >"$d/client" 2>&1
	local client_rc=$?
	wait $vm
	local rc=$?
	if [ $client_rc = 0 ] && [ $rc = 0 ] && grep -q '^first from 10.0.2.2' "$d/out" &&
		grep -q "$irq" "$d/out"; then
		pass "$name"
	else
		fail "$name" "client $client_rc ($(cat "$d/client")), guest $rc:
$(grep -e virtio -e '^first' -e echoed "$d/out") $(tail -n 3 "$d/err")"
	fi
}
if project "$tmp/udp_server" udp_server "$net/udp_server.c" 'libraries: [uk-net]'; then
	udp_into net-udp-into-guest "$tmp/udp_server" $udp_fwd_port '^uk: virtio-mmio at .*, gsi '
else
	fail net-udp-into-guest "uk build: $(tail -n 5 "$tmp/udp_server/build.log")"
fi
if project "$tmp/udp_raw" udp_server "$net/udp_server.c" 'libraries: [uk-net]' 'targets: [raw]'; then
	udp_into net-udp-into-guest-q35 "$tmp/udp_raw" $udp_fwd_port '^uk: virtio-pci at .*: MSI-X'
else
	fail net-udp-into-guest-q35 "uk build: $(tail -n 5 "$tmp/udp_raw/build.log")"
fi

# --- getaddrinfo
resolve_run() { # NAME PROJECT WANT ARGS...
	local name=$1 d=$2 want=$3
	shift 3
	# nothing else on the console: musl's resolver opens files with
	# __fopen_rb_ca, whose fcntl F_SETFD links the fd group (no "not
	# supported" line)
	got=$(timeout 120 "$UK" run -C "$d" --no-build --accel $accel --timeout 100 -- "$@" \
		</dev/null 2>"$d/err" | tr -d '\r')
	if [ "$got" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "got:
$got
want:
$want
$(tail -n 3 "$d/err")"
	fi
}
if project "$tmp/resolve" resolve "$net/resolve.c" 'libraries: [uk-net]'; then
	resolve_run net-getaddrinfo-dhcp "$tmp/resolve" "resolv.conf: nameserver 10.0.2.3
localhost: 127.0.0.1 ::1" --resolv localhost
else
	fail net-getaddrinfo-dhcp "uk build: $(tail -n 5 "$tmp/resolve/build.log")"
fi
mkdir -p "$tmp/resolve-dns/etc"
printf '127.0.0.1 localhost\n192.0.2.10 from-hosts both\n2001:db8::10 both\n' \
	>"$tmp/resolve-dns/etc/hosts"
printf 'nameserver 10.0.2.2\noptions timeout:2 attempts:2\n' >"$tmp/resolve-dns/etc/resolv.conf"
# port 53 is the resolver's; another run of this test may hold it a while
timeout 200 python3 "$net/dns_responder.py" 53 190 dns-test.uk.example=192.0.2.20,2001:db8::20 \
	>"$tmp/dns.out" 2>&1 &
dns_pid=$!
for i in $(seq 700); do
	grep -q ready "$tmp/dns.out" 2>/dev/null && break
	kill -0 $dns_pid 2>/dev/null || break
	sleep 0.1
done
if ! grep -q ready "$tmp/dns.out"; then
	fail net-getaddrinfo-dns "no DNS server on 127.0.0.1:53: $(tail -n 3 "$tmp/dns.out")"
elif project "$tmp/resolve-dns" resolve "$net/resolve.c" 'libraries: [uk-net]' 'files:' \
	'  /etc/hosts: etc/hosts' '  /etc/resolv.conf: etc/resolv.conf'; then
	resolve_run net-getaddrinfo-dns "$tmp/resolve-dns" "resolv.conf: nameserver 10.0.2.2
from-hosts: 192.0.2.10
both: 192.0.2.10 2001:db8::10
dns-test.uk.example: 192.0.2.20 2001:db8::20
missing.uk.example: Name does not resolve" --resolv from-hosts both dns-test.uk.example \
		missing.uk.example
else
	fail net-getaddrinfo-dns "uk build: $(tail -n 5 "$tmp/resolve-dns/build.log")"
fi
# static configuration (uk run -o net.*, uk-runtime(7)) instead of DHCP: the
# address in uk.verbose's line, the name server in resolv.conf, and a name
# resolved through it (UDP from the fixed address to the host via net.gw)
if grep -q ready "$tmp/dns.out" && [ -d "$tmp/resolve/build" ]; then
	got=$(timeout 120 "$UK" run -C "$tmp/resolve" --no-build --accel $accel --timeout 100 \
		-o net.ip=10.0.2.20/24 -o net.gw=10.0.2.2 -o net.dns=10.0.2.2 -o verbose \
		-- --resolv dns-test.uk.example </dev/null 2>"$tmp/static.err" | tr -d '\r' |
		grep -v '^uk: [^n]')
	want="uk: net: en0 10.0.2.20 mask 255.255.255.0 gateway 10.0.2.2
resolv.conf: nameserver 10.0.2.2
dns-test.uk.example: 192.0.2.20 2001:db8::20"
	if [ "$got" = "$want" ]; then
		pass net-static-config
	else
		fail net-static-config "got:
$got
want:
$want
$(tail -n 3 "$tmp/static.err")"
	fi
	# DHCP's lease in the same line
	line=$(timeout 120 "$UK" run -C "$tmp/resolve" --no-build --accel $accel --timeout 100 \
		-o verbose -- localhost </dev/null 2>/dev/null | tr -d '\r' | grep '^uk: net:')
	if [ "$line" = "uk: net: en0 10.0.2.15 mask 255.255.255.0 gateway 10.0.2.2" ]; then
		pass net-verbose-address
	else
		fail net-verbose-address "got '$line'"
	fi
	# virtio-mmio modern (version 2, Firecracker's; QEMU's microvm gives
	# legacy devices unless told): DHCP's lease over it
	printf '#!/bin/sh\nexec %s "$@" -global virtio-mmio.force-legacy=false\n' \
		"${UK_QEMU:-qemu-system-x86_64}" >"$tmp/qemu-modern"
	chmod +x "$tmp/qemu-modern"
	got=$(UK_QEMU=$tmp/qemu-modern timeout 120 "$UK" run -C "$tmp/resolve" --no-build \
		--accel $accel --timeout 100 -o verbose -- localhost </dev/null 2>/dev/null |
		tr -d '\r' | grep -e '^uk: virtio-mmio' -e '^uk: net:' -e '^localhost')
	want="uk: virtio-mmio at feb00e00: device 1, version 2, gsi 12
uk: net: en0 10.0.2.15 mask 255.255.255.0 gateway 10.0.2.2
localhost: 127.0.0.1 ::1"
	if [ "$got" = "$want" ]; then
		pass net-mmio-modern
	else
		fail net-mmio-modern "got:
$got
want:
$want"
	fi
fi
kill $dns_pid 2>/dev/null

# --- sendfile to a socket, fetched by curl
d=$tmp/sendfile
mkdir -p "$d"
head -c 1500000 /dev/urandom >"$d/big.bin"
if project "$d" sendfile "$net/sendfile_server.c" 'libraries: [uk-net]' 'files:' \
	'  /srv/big.bin: big.bin'; then
	timeout 300 "$UK" run -C "$d" --no-build --accel $accel --timeout 240 \
		-p 127.0.0.1:$fwd_port4:8080 </dev/null >"$d/out" 2>"$d/err" &
	vm=$!
	for i in $(seq 600); do
		curl -s -m 20 -o "$d/got.bin" "http://127.0.0.1:$fwd_port4/big.bin" && break
		kill -0 $vm 2>/dev/null || break
		sleep 0.1
	done
	curl -s -m 20 -o "$d/part.bin" "http://127.0.0.1:$fwd_port4/part/big.bin"
	curl -s -m 10 -o /dev/null "http://127.0.0.1:$fwd_port4/quit"
	wait $vm
	rc=$?
	want_part=$(tail -c +1001 "$d/big.bin" | head -c 5000 | sha256sum)
	if [ $rc = 0 ] && [ "$(sha256sum <"$d/got.bin")" = "$(sha256sum <"$d/big.bin")" ] &&
		[ "$(sha256sum <"$d/part.bin")" = "$want_part" ] &&
		grep -q '^/big.bin: 1500000 bytes in 5 calls, then 0, position 1500000$' "$d/out" &&
		grep -q '^/part/big.bin: sendfile = 5000, offset 6000, position 0$' "$d/out"; then
		pass net-sendfile-curl
	else
		fail net-sendfile-curl "status $rc; got $(wc -c <"$d/got.bin" 2>/dev/null) and \
$(wc -c <"$d/part.bin" 2>/dev/null) bytes; $(tail -n 4 "$d/out") $(tail -n 3 "$d/err")"
	fi
else
	fail net-sendfile-curl "uk build: $(tail -n 5 "$d/build.log")"
fi

# --- without uk-net
cat >"$tmp/nonet.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
int main(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	printf("socket = %d %s\n", s, s < 0 ? strerror(errno) : "");
	return 0;
}
C
if project "$tmp/nonet" nonet "$tmp/nonet.c"; then
	got=$(timeout 120 "$UK" run -C "$tmp/nonet" --no-build --accel $accel --timeout 100 </dev/null 2>&1)
	if [ "$got" = "socket = -1 Address family not supported by protocol" ] &&
		! nm "$tmp/nonet/build/kvm/nonet" 2>/dev/null | grep -q -e ' lwip_init$' -e ' tcp_input$'; then
		pass net-without-uk-net
	else
		fail net-without-uk-net "$got; $(nm "$tmp/nonet/build/kvm/nonet" | grep -c -e lwip -e tcp_) lwIP symbols"
	fi
else
	fail net-without-uk-net "uk build: $(tail -n 5 "$tmp/nonet/build.log")"
fi
