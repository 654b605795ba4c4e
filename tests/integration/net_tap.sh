#!/usr/bin/env bash
# uk run --net tap:IFNAME: the guest's NIC on a tap device of this host.
# When a tap can be made here (/dev/net/tun and `ip tuntap add`), the test
# makes one, boots a uk-net image on it and sees the guest's DHCP request
# arrive on the host side (tests/net/dhcp_seen.py; nothing answers it, so
# the guest starts without an address after its wait); then, with an
# address on the host side, UDP and TCP to a guest with a fixed address
# over the device's checksum offload, the guest answering an ICMP echo;
# a keepalive that meets a silent peer and a connect whose SYNs are
# dropped (ETIMEDOUT both, against Linux in a network namespace); then
# removes it.
# Without a usable tap that part is skipped and said so; the argument
# checks run anyway.
. "$(dirname "$0")/lib.sh"
net=$UK_ROOT/tests/net
accel=tcg
[[ " $accels " == *" kvm "* ]] && accel=kvm

# net_image TEST NAME SOURCE: SOURCE as a uk-net image in $tmp/NAME; when
# it does not build, TEST fails (status 1)
net_image() {
	mkdir -p "$tmp/$2/src"
	cp "$3" "$tmp/$2/src/main.c"
	printf 'spec: 1\nname: %s\nversion: 0.1.0\nsources: [src/main.c]\nmemory: 64M\nlibraries: [uk-net]\n' \
		"$2" >"$tmp/$2/uk.yaml"
	"$UK" build -C "$tmp/$2" >"$tmp/$2/build.log" 2>&1 && return 0
	fail "$1" "uk build: $(tail -n 5 "$tmp/$2/build.log")"
	return 1
}
# same_as_linux TEST NAME LINUX_RC UK_RC SANE: TEST passes when the image's
# run ($tmp/NAME.got) ended and printed as Linux's ($tmp/NAME.want) did and
# SANE is 0 (Linux's own run showed what the test is about)
same_as_linux() {
	if [ "$4" = "$3" ] && [ "$5" = 0 ] && cmp -s "$tmp/$2.want" "$tmp/$2.got"; then
		pass "$1"
	else
		fail "$1" "status $4 (Linux $3); Linux:
$(cat "$tmp/$2.want")
uk:
$(cat "$tmp/$2.got")"
	fi
}

net_image net-tap-build p "$net/resolve.c" || exit 0

out=$("$UK" run -C "$tmp/p" --no-build --net tap:bad,name 2>&1)
rc=$?
[ $rc = 2 ] && [[ "$out" == *"bad tap device name"* ]] && pass net-tap-bad-name ||
	fail net-tap-bad-name "status $rc: $out"
out=$("$UK" run -C "$tmp/p" --no-build --net tap:uktap9 -p 8080:80 2>&1)
rc=$?
[ $rc = 2 ] && [[ "$out" == *"need the user network"* ]] && pass net-tap-no-forwards ||
	fail net-tap-no-forwards "status $rc: $out"

tap=ukt$$
tap=${tap:0:15}
if ! [ -c /dev/net/tun ] || ! ip tuntap add dev "$tap" mode tap 2>"$tmp/tap.err"; then
	echo "SKIP net-tap-boot: no tap device can be made here ($(cat "$tmp/tap.err" 2>/dev/null))"
	exit 0
fi
trap 'kill ${seen_pid:-} 2>/dev/null; ip link del "$tap" 2>/dev/null; ka_cleanup; rm -rf "$tmp"' EXIT
ka_cleanup() { :; }
ip link set "$tap" up
timeout 90 python3 "$net/dhcp_seen.py" "$tap" 80 >"$tmp/seen" 2>&1 &
seen_pid=$!
for i in $(seq 100); do
	grep -q ready "$tmp/seen" 2>/dev/null && break
	sleep 0.1
done
timeout 120 "$UK" run -C "$tmp/p" --no-build --accel $accel --timeout 100 --net "tap:$tap" \
	</dev/null >"$tmp/out" 2>&1
rc=$?
for i in $(seq 30); do # the request came during the guest's boot
	kill -0 $seen_pid 2>/dev/null || break
	sleep 0.1
done
kill $seen_pid 2>/dev/null
wait $seen_pid
seen=$?
if [ $rc = 0 ] && [ $seen = 0 ] && grep -q '^dhcp discover from 52:54:00:' "$tmp/seen"; then
	pass net-tap-boot
else
	fail net-tap-boot "uk run status $rc, sniffer $seen: $(tail -n 3 "$tmp/seen" "$tmp/out")"
fi

# The tap's host side gets an address and the guest a fixed one
# (uk.net.ip=): a tap backend offers virtio-net checksum offload (QEMU's
# user network does not), so the guest's TCP and UDP checksums are the
# device's to fill; the host's kernel drops a segment whose checksum is
# wrong. A UDP echo (tests/net/udp_server.c, udp_client.py) and an HTTP
# server (tests/net/server.c) answering curl over it.
sub=10.$((200 + $$ % 50)).$(($$ / 50 % 256))
ip addr add $sub.1/24 dev "$tap"
for prog in udp_server server; do
	net_image net-tap-offload $prog "$net/$prog.c" || exit 0
done
timeout 120 "$UK" run -C "$tmp/udp_server" --no-build --accel $accel --timeout 100 \
	--net "tap:$tap" -o net.ip=$sub.2/24 -o verbose </dev/null >"$tmp/udp.out" 2>&1 &
vm=$!
timeout 100 python3 "$net/udp_client.py" 7070 90 $sub.2 >"$tmp/udp.client" 2>&1
client_rc=$?
wait $vm
rc=$?
timeout 120 "$UK" run -C "$tmp/server" --no-build --accel $accel --timeout 100 \
	--net "tap:$tap" -o net.ip=$sub.2/24 </dev/null >"$tmp/http.out" 2>&1 &
vm=$!
page=
for i in $(seq 300); do
	page=$(curl -s -m 2 "http://$sub.2:8080/first") && break
	kill -0 $vm 2>/dev/null || break
	sleep 0.2
done
timeout 30 python3 "$net/icmp_ping.py" $sub.2 10 >"$tmp/ping.out" 2>&1
ping_rc=$?
curl -s -m 5 -o /dev/null "http://$sub.2:8080/quit"
wait $vm
http_rc=$?
if [ $client_rc = 0 ] && [ $rc = 0 ] && grep -q 'buffers, checksum offload' "$tmp/udp.out" &&
	grep -q "^first from $sub.1" "$tmp/udp.out" && [ $http_rc = 0 ] && [ -n "$page" ]; then
	pass net-tap-offload
else
	fail net-tap-offload "udp client $client_rc ($(cat "$tmp/udp.client")), guest $rc, http $http_rc '$page':
$(tail -n 4 "$tmp/udp.out" "$tmp/http.out")"
fi
# ICMP echo: lwIP answers the host's ping (raw socket, tests/net/icmp_ping.py)
[ $ping_rc = 0 ] && pass net-tap-icmp-echo || fail net-tap-icmp-echo "$(cat "$tmp/ping.out")"


# ETIMEDOUT from keepalive: tests/net/keepalive.c's peer goes silent (all it
# would receive dropped by iptables) once the program says "connected";
# the recv that waits ends as Linux's does. Linux's run talks to a peer in
# a network namespace of its own over a veth pair, the image to this host
# over the tap (the rule names only the tap).
if ! command -v iptables >/dev/null || ! command -v musl-gcc >/dev/null ||
	! ip netns add "ka$$" 2>/dev/null; then
	echo "SKIP net-keepalive-timeout: needs iptables, musl-gcc and ip netns"
	exit 0
fi
ns=ka$$ veth=kav$$
ka_cleanup() {
	kill ${srv_pid:-} 2>/dev/null
	iptables -D INPUT -i "$tap" -j DROP 2>/dev/null
	iptables -D INPUT -i "$tap" -p tcp --dport 7098 -j DROP 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	ip link del "$veth" 2>/dev/null
}
peer='import socket, sys, time
l = socket.socket(); l.bind((sys.argv[1], 7099)); l.listen(1)
c, _ = l.accept(); time.sleep(60)'
silent_run() { # OUT DROP-COMMAND -- PROGRAM...: runs it, silences the peer once connected
	local out=$1 drop=$2
	shift 3
	"$@" >"$out" 2>&1 &
	local pid=$!
	for i in $(seq 300); do
		grep -q '^connected' "$out" 2>/dev/null && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.2
	done
	$drop
	wait $pid
}
vsub=10.$((200 + $$ % 50)).$(($$ / 50 % 256 ^ 128))
ip link add "$veth" type veth peer name "${veth}p" && ip link set "${veth}p" netns "$ns" &&
	ip addr add $vsub.1/24 dev "$veth" && ip link set "$veth" up &&
	ip netns exec "$ns" ip addr add $vsub.2/24 dev "${veth}p" &&
	ip netns exec "$ns" ip link set "${veth}p" up
timeout 90 ip netns exec "$ns" python3 -c "$peer" $vsub.2 &
srv_pid=$!
musl-gcc -static -O1 -Wall -o "$tmp/keepalive" "$net/keepalive.c"
sleep 0.5
silent_run "$tmp/ka.want" "ip netns exec $ns iptables -A INPUT -j DROP" -- \
	timeout 60 "$tmp/keepalive" $vsub.2 7099
want_rc=$?
kill $srv_pid 2>/dev/null

net_image net-keepalive-timeout ka "$net/keepalive.c" || exit 0
timeout 90 python3 -c "$peer" $sub.1 &
srv_pid=$!
sleep 0.5
silent_run "$tmp/ka.got" "iptables -I INPUT -i $tap -j DROP" -- \
	timeout 120 "$UK" run -C "$tmp/ka" --no-build --accel $accel --timeout 100 --net "tap:$tap" \
	-o net.ip=$sub.2/24 -- $sub.1 7099 </dev/null
got_rc=$?
grep -q 'timed out' "$tmp/ka.want"
same_as_linux net-keepalive-timeout ka $want_rc $got_rc $?

# ETIMEDOUT from connect: tests/net/syn_timeout.c's SYNs to port 7098 are
# dropped (in the namespace for Linux's run, on the tap for the image's);
# TCP_SYNCNT 2, 1 and 4 make both give up in 7, 3 and 31 s (lwIP alone
# gave up at 18), not Linux's 127.
ip netns exec "$ns" iptables -A INPUT -p tcp --dport 7098 -j DROP
iptables -I INPUT -i "$tap" -p tcp --dport 7098 -j DROP
musl-gcc -static -O1 -Wall -o "$tmp/syn_timeout" "$net/syn_timeout.c"
timeout 100 "$tmp/syn_timeout" $vsub.2 7098 >"$tmp/syn.want" 2>&1
want_rc=$?
net_image net-connect-timeout syn "$net/syn_timeout.c" || exit 0
timeout 120 "$UK" run -C "$tmp/syn" --no-build --accel $accel --timeout 100 --net "tap:$tap" \
	-o net.ip=$sub.2/24 -- $sub.1 7098 </dev/null >"$tmp/syn.got" 2>&1
got_rc=$?
grep -q '^SO_ERROR 110 ' "$tmp/syn.want" && [ "$(grep -c 'took about' "$tmp/syn.want")" = 3 ]
same_as_linux net-connect-timeout syn $want_rc $got_rc $?
