# Watches the host's network device IFNAME (a tap) for SECONDS and prints
# "dhcp discover from MAC" for the first DHCP request a guest sends
# (IPv4, UDP to port 67, from a MAC other than the device's own); exits 0
# then, 1 when none came. Prints "ready" once it listens. Needs AF_PACKET.
import socket, sys, time

ifname, seconds = sys.argv[1], float(sys.argv[2])
own = open("/sys/class/net/%s/address" % ifname).read().strip().replace(":", "")
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((ifname, 0))
s.settimeout(0.5)
print("ready", flush=True)
end = time.time() + seconds
while time.time() < end:
    try:
        f = s.recv(2048)
    except socket.timeout:
        continue
    src = f[6:12].hex()
    if src == own or f[12:14] != b"\x08\x00" or f[23] != 17:
        continue
    ihl = (f[14] & 0xf) * 4
    dport = int.from_bytes(f[14 + ihl + 2:14 + ihl + 4], "big")
    if dport == 67:
        print("dhcp discover from", ":".join(src[i:i + 2] for i in range(0, 12, 2)), flush=True)
        sys.exit(0)
sys.exit(1)
