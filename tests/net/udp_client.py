# The host's side of tests/net/udp_server.c (tests/integration/net.sh):
# sends "hello" every 0.5 s until the guest echoes it (it is booting), then
# datagrams of 1, 1000 and 1472 bytes (the largest that fits one frame),
# each echoed the same, then "quit" (its echo the program's last words).
# Exits 0 when every echo came back; bounded by SECONDS.
# Usage: udp_client.py PORT SECONDS [HOST]
# (HOST: 127.0.0.1 unless given; net_tap.sh names the guest on a tap)
import os, socket, sys, time

port, seconds = int(sys.argv[1]), float(sys.argv[2])
host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
end = time.time() + seconds
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((host, port))


def echo(msg, wait):
    """Sends msg until its echo comes back or time runs out."""
    while time.time() < end:
        s.send(msg)
        s.settimeout(wait)
        try:
            while True:
                got = s.recv(4096)
                if got == msg:
                    return True
        except (socket.timeout, ConnectionRefusedError):
            pass
    return False


ok = echo(b"hello", 0.5)
for size in (1, 1000, 1472):
    ok = ok and echo(os.urandom(size), 2)
# the guest sends this echo just before it ends: it must not be lost
end = min(end, time.time() + 10)
ok = ok and echo(b"quit", 2)
print("ok" if ok else "no echo")
sys.exit(0 if ok else 1)
