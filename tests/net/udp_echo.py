# A UDP echo server on 127.0.0.1:PORT (or HOST:PORT, ::1 for IPv6) for
# tests/integration/net.sh; ends after SECONDS.
import socket, sys, time
host = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
s.bind((host, int(sys.argv[1])))
s.settimeout(1.0)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    try:
        data, addr = s.recvfrom(65535)
    except socket.timeout:
        continue
    s.sendto(data, addr)
