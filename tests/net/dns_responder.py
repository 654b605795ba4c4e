# A DNS server for tests/integration/net.sh on 127.0.0.1:PORT (UDP), which
# the guest reaches as 10.0.2.2:PORT: it answers A and AAAA for the names
# given as NAME=IPV4,IPV6 arguments and NXDOMAIN for any other; ends after
# SECONDS. Usage: dns_responder.py PORT SECONDS NAME=A,AAAA...
# Prints "ready" once bound (it waits up to 60 s for the port to be free).
import socket, struct, sys, time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
names = {}
for arg in sys.argv[3:]:
    n, addrs = arg.split("=")
    a4, a6 = addrs.split(",")
    names[n.lower().rstrip(".")] = (socket.inet_pton(socket.AF_INET, a4),
                                    socket.inet_pton(socket.AF_INET6, a6))

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + 60
while True:
    try:
        s.bind(("127.0.0.1", port))
        break
    except OSError:
        if time.time() > end:
            raise
        time.sleep(0.5)
print("ready", flush=True)
s.settimeout(1.0)
end = time.time() + seconds

def qname(msg, off):
    labels = []
    while msg[off]:
        n = msg[off]
        labels.append(msg[off + 1:off + 1 + n].decode())
        off += 1 + n
    return ".".join(labels).lower(), off + 1

while time.time() < end:
    try:
        msg, peer = s.recvfrom(512)
    except socket.timeout:
        continue
    if len(msg) < 12:
        continue
    qid, flags, qd = struct.unpack(">HHH", msg[:6])
    name, off = qname(msg, 12)
    qtype, qclass = struct.unpack(">HH", msg[off:off + 4])
    question = msg[12:off + 4]
    answers = []
    if name in names:
        a4, a6 = names[name]
        if qtype == 1:
            answers.append(struct.pack(">HHHIH", 0xc00c, 1, 1, 60, 4) + a4)
        elif qtype == 28:
            answers.append(struct.pack(">HHHIH", 0xc00c, 28, 1, 60, 16) + a6)
    rcode = 0 if name in names else 3
    head = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, len(answers), 0, 0)
    s.sendto(head + question + b"".join(answers), peer)
