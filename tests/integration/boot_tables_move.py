# gdb script for boot_tables.sh: at the PVH entry, moves start_info, its
# command line and its memory map to where another loader puts them, then
# points ebx at the moved start_info. Set before sourcing:
#   $si_at, $cmd_at, $map_at   the new addresses (0: right after the one before)
import struct

inf = gdb.selected_inferior()


def var(name):
    return int(gdb.parse_and_eval("$" + name)) & 0xffffffff


def cstring(addr):
    out = b""
    while b"\0" not in out:
        out += bytes(inf.read_memory(addr + len(out), 64))
    return out[:out.index(b"\0") + 1]


si_old = var("rbx")
si = bytearray(inf.read_memory(si_old, 56))
magic, version = struct.unpack_from("<II", si, 0)
assert magic == 0x336ec578, "no start_info at ebx"
cmd_old, = struct.unpack_from("<Q", si, 24)
map_old, = struct.unpack_from("<Q", si, 40)
entries, = struct.unpack_from("<I", si, 48)
assert version >= 1 and cmd_old and map_old, "start_info without a map or command line"
cmd = cstring(cmd_old)
mem = bytes(inf.read_memory(map_old, 24 * entries))

si_at = var("si_at")
cmd_at = var("cmd_at") or si_at + 56
map_at = var("map_at") or (cmd_at + len(cmd) + 7) & ~7
struct.pack_into("<Q", si, 24, cmd_at)
struct.pack_into("<Q", si, 40, map_at)
inf.write_memory(cmd_at, cmd)
inf.write_memory(map_at, mem)
inf.write_memory(si_at, bytes(si))
gdb.execute("set $rbx = %#x" % si_at)
print("moved: start_info %#x, cmdline %#x (%d bytes), map %#x (%d entries), data end %#x"
      % (si_at, cmd_at, len(cmd), map_at, entries, max(si_at + 56, cmd_at + len(cmd), map_at + 24 * entries)))
