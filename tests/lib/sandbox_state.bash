# Sandbox states made by hand on a tunnel host install's pinned tables
# (bpf/owner_table.h), for status and pin-gc tests: bpftool writes the
# slots, and the slot of an address is computed here with the table's own
# hash, independently of xdpwire's C code.

# bpftool in $SANDBOX_NS when set: a DEVMAP_HASH entry names a device of
# the namespace bpftool runs in.
sb_bpftool() {
	if [[ -n ${SANDBOX_NS:-} ]]; then
		in_ns "$SANDBOX_NS" bpftool "$@"
	else
		bpftool "$@"
	fi
}

# owner_home PIN ADDR: ADDR's home slot in the owner table at PIN.
owner_home() {
	local entries
	entries=$(sb_bpftool map show pinned "$1" -j | jq .max_entries) || return
	python3 - "$2" "$entries" <<'PY'
import ipaddress, sys
a = ipaddress.ip_address(sys.argv[1]).packed
mask = int(sys.argv[2]) - 1
# bpf/owner_table.h's xw_owner_mix: fold, multiply, fold
mix = lambda x: (lambda y: y ^ (y >> 16))(((x ^ (x >> 16)) * 0x9e3779b1) & 0xffffffff)
if len(a) == 4:
    x = int.from_bytes(a, "little")
else:
    w = int.from_bytes(a[:8], "little") ^ int.from_bytes(a[8:], "little")
    x = (w & 0xffffffff) ^ (w >> 32)
print(mix(x) & mask)
PY
}

# le32 N: N as 4 little-endian hex bytes for bpftool.
le32() {
	printf '%02x %02x %02x %02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
		$((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}

# ip_hex ADDR: the address's bytes in network order, as hex words.
ip_hex() {
	python3 -c 'import ipaddress, sys; print(" ".join("%02x" % b for b in ipaddress.ip_address(sys.argv[1]).packed))' "$1"
}

# slot_ifindex PIN SLOT: the ifindex a slot holds (0 never used).
slot_ifindex() {
	local size off
	size=$(sb_bpftool map show pinned "$1" -j | jq .bytes_value)
	off=$((size == 8 ? 4 : 16))
	sb_bpftool map lookup pinned "$1" key hex $(le32 "$2") -j |
		jq -r --argjson o "$off" '.value[$o:$o+4] | reverse | map(ltrimstr("0x")) | join("") | ("0x" + .)' |
		xargs printf '%d\n'
}

# owner_set NICDIR ADDR IFINDEX: writes ADDR -> IFINDEX in the first free
# slot of ADDR's probe window (4 slots from home, wrapping); prints it.
owner_set() {
	local pin entries home k slot value held
	if [[ $2 == *:* ]]; then
		pin=$1/tunnel_host_ipv6_owner_map
		value="$(ip_hex "$2") $(le32 "$3") $(printf '00 %.0s' {1..12})"
	else
		pin=$1/tunnel_host_ipv4_owner_map
		value="$(ip_hex "$2") $(le32 "$3")"
	fi
	entries=$(sb_bpftool map show pinned "$pin" -j | jq .max_entries)
	home=$(owner_home "$pin" "$2") || return
	for k in 0 1 2 3; do
		slot=$(((home + k) & (entries - 1)))
		held=$(slot_ifindex "$pin" "$slot")
		if ((held == 0 || held == 0xffffffff)); then
			sb_bpftool map update pinned "$pin" key hex $(le32 "$slot") \
				value hex $value || return
			echo "$slot"
			return 0
		fi
	done
	echo "owner_set: $2: probe window full" >&2
	return 1
}

# sandbox_commit NICDIR IFINDEX / sandbox_uncommit NICDIR IFINDEX
sandbox_commit() {
	sb_bpftool map update pinned "$1/tunnel_host_sandbox_map" \
		key hex $(le32 "$2") value hex $(le32 "$2")
}

sandbox_uncommit() {
	sb_bpftool map delete pinned "$1/tunnel_host_sandbox_map" key hex $(le32 "$2")
}

# owners_dump NICDIR: every slot in use of both tables and the committed
# ifindexes, one sorted line each: "4 SLOT IFINDEX", "6 ...", "c IFINDEX".
owners_dump() {
	local fam pin
	for fam in 4 6; do
		pin=$1/tunnel_host_ipv${fam}_owner_map
		sb_bpftool map dump pinned "$pin" -j | jq -r --arg f "$fam" '.[] |
			(.key | reverse | map(ltrimstr("0x")) | join("")) as $k |
			(if $f == "4" then .value[4:8] else .value[16:20] end |
			 reverse | map(ltrimstr("0x")) | join("")) as $v |
			select($v != "00000000" and $v != "ffffffff") |
			"\($f) \($k) \($v)"'
	done
	sb_bpftool map dump pinned "$1/tunnel_host_sandbox_map" -j |
		jq -r '.[] | "c " + (.key | reverse | map(ltrimstr("0x")) | join(""))'
}
