# ICMP echo to HOST (tests/integration/net_tap.sh: the guest on a tap, whose
# lwIP answers pings), for hosts without ping(8): a raw socket (root), one
# request a second up to COUNT; exits 0 at the first reply that carries
# the request's identifier, sequence and payload back.
# Usage: icmp_ping.py HOST COUNT
import os, socket, struct, sys, time


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


host, count = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
ident, payload = os.getpid() & 0xFFFF, os.urandom(32)
for seq in range(count):
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, seq) + payload
    s.sendto(pkt, (host, 0))
    end = time.time() + 1
    while time.time() < end:
        s.settimeout(max(0.01, end - time.time()))
        try:
            data, (src, _) = s.recvfrom(2048)
        except socket.timeout:
            break
        icmp = data[(data[0] & 0xF) * 4:]
        if src == host and icmp[0] == 0 and icmp[4:8] == pkt[4:8] and icmp[8:] == payload \
                and checksum(icmp) == 0:
            print("reply from", host, "seq", seq)
            sys.exit(0)
print("no reply from", host)
sys.exit(1)
