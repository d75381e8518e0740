# The owner tables of a NIC's tunnel install, as the tests compare them.
#
# The tables are BPF ARRAYs used as hash tables (bpf/owner_table.h): a slot
# is struct xw_owner4 {addr 4 B; ifindex u32} or struct xw_owner6 {addr
# 16 B; ifindex u32; pad 12 B}, ifindex 0 = never used, 0xffffffff = freed.
# bpftool dumps them as bytes (-j: "key"/"value" arrays of "0x.."), which
# is read here without trusting xdpwire's own reading of them.

# owners_visible NIC: one sorted line per used slot of NIC's tables,
# "ADDR IFINDEX committed|uncommitted", committed meaning the ifindex is a
# key of tunnel_host_sandbox_map (what the data path follows).
owners_visible() {
	local dir=$BPFFS/$1
	python3 - <(bpftool map dump pinned "$dir/tunnel_host_sandbox_map" -j) \
		<(bpftool map dump pinned "$dir/tunnel_host_ipv4_owner_map" -j) \
		<(bpftool map dump pinned "$dir/tunnel_host_ipv6_owner_map" -j) <<'PY'
import ipaddress, json, sys

def raw(e, k):
    return bytes(int(b, 16) for b in e[k])

def le32(b):
    return int.from_bytes(b[:4], "little")

committed = {le32(raw(e, "key")) for e in json.load(open(sys.argv[1]))}
lines = []
for path, alen in ((sys.argv[2], 4), (sys.argv[3], 16)):
    for e in json.load(open(path)):
        v = raw(e, "value")
        ifindex = le32(v[alen:alen + 4])
        if ifindex in (0, 0xFFFFFFFF):
            continue
        addr = ipaddress.ip_address(v[:alen])
        lines.append("%s %d %s" % (addr, ifindex,
                     "committed" if ifindex in committed else "uncommitted"))
print("\n".join(sorted(lines)))
PY
}

# owners_committed NIC: the lines of owners_visible the data path sees.
owners_committed() {
	owners_visible "$1" | grep ' committed$' || true
}
