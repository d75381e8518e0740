#!/usr/bin/env bats
# make bench's gVisor-shaped baseline (issue 17): the program of the shape
# gVisor's loader attaches (tests/bench/gvisor_shaped.bpf.c), loaded by
# xw-prog_run --load with a real AF_XDP socket in its slot, must give its
# shape's verdict on every bench frame, and xw-prog_run's kernel-duration
# output must be there and numeric.  No timing is asserted.

load lib/test

setup_file() {
	bed_setup
	bed_ns gen
	bed_veth gen s0 gen s1
}

setup() {
	BENCH=$XW_ROOT/${XW_BUILD:-build}/tests/bench
	OBJ=$BENCH/gvisor_shaped.bpf.o
}

# holder_pid: the socket holder's pid, from xsk_hold's ready file.
holder_pid() {
	sed -n 's/^pid=\([0-9]*\).*/\1/p' "$XSK_READY"
}

@test "gVisor-shaped: one map, an XSKMAP of one slot, no counters (bpftool)" {
	local d=$BPFFS/baseline
	mkdir -p "$d"
	bpftool prog load "$OBJ" "$d/prog" type xdp pinmaps "$d"
	run -0 bpftool -j prog show pinned "$d/prog"
	assert_eq "$(jq -c '.map_ids | length' <<<"$output")" 1 "maps"
	run -0 bpftool -j map show pinned "$d/xsk_map"
	assert_eq "$(jq -c '[.type, .max_entries]' <<<"$output")" '["xskmap",1]' "map"
	rm -r "$d"
}

@test "xw-prog_run --load: the baseline's verdicts with the socket in its slot: UDP/IPv4 and IPv6 to the socket, TCP/22 and the truncated frame passed" {
	xsk_hold gen s0 0
	run -0 --separate-stderr "$BENCH/xw-prog_run" --repeat 100 --rounds 2 \
		--xsk "$(holder_pid):$(xsk_target_fd)" \
		--load "gvisor=$OBJ:redirect,pass,redirect,pass"
	assert_eq "$(cut -d' ' -f1,2 <<<"$output" | tr '\n' ' ')" \
		"floor udp4 floor tcp4-22 floor tcp6-443 floor short gvisor udp4 gvisor tcp4-22 gvisor tcp6-443 gvisor short " \
		"lines"
	# Every other verdict is refused: the actions are what is measured.
	run -1 --separate-stderr "$BENCH/xw-prog_run" --repeat 10 --rounds 1 \
		--xsk "$(holder_pid):$(xsk_target_fd)" \
		--load "gvisor=$OBJ:redirect,pass,pass,pass"
	assert_eq "$stderr" "xw-prog_run: gvisor on tcp6-443: returned 4, expected pass: not the path to measure" "IPv6 goes to the socket"
	run -1 --separate-stderr "$BENCH/xw-prog_run" --repeat 10 --rounds 1 \
		--xsk "$(holder_pid):$(xsk_target_fd)" \
		--load "gvisor=$OBJ:redirect,redirect,redirect,pass"
	assert_eq "$stderr" "xw-prog_run: gvisor on tcp4-22: returned 2, expected redirect: not the path to measure" "TCP/22 passes"
	run -1 --separate-stderr "$BENCH/xw-prog_run" --repeat 10 --rounds 1 \
		--xsk "$(holder_pid):$(xsk_target_fd)" \
		--load "gvisor=$OBJ:redirect,pass,redirect,redirect"
	assert_eq "$stderr" "xw-prog_run: gvisor on short: returned 2, expected redirect: not the path to measure" "short passes"
	xsk_stop
}

@test "xw-prog_run --load: an empty slot sends UDP/IPv4 to the kernel, so the socket is what makes the redirect" {
	# The pid's descriptor 0 is no AF_XDP socket: the XSKMAP refuses it.
	run -1 --separate-stderr "$BENCH/xw-prog_run" --repeat 10 --rounds 1 \
		--xsk "$$:0" --load "gvisor=$OBJ:redirect,pass,redirect,pass"
	[[ $stderr == "xw-prog_run: $OBJ: socket into xsk_map: "* ]] ||
		{ echo "got '$stderr'" >&2; false; }
	run -1 --separate-stderr "$BENCH/xw-prog_run" --repeat 10 --rounds 1 \
		--load "gvisor=$OBJ:redirect,pass,redirect,pass"
	assert_eq "$stderr" "xw-prog_run: $OBJ: an XSKMAP and no --xsk" "no socket"
	# Loaded by bpftool with its slot empty, udp4 gets XDP_PASS (2).
	local d=$BPFFS/empty f=$BATS_TEST_TMPDIR/udp4 out
	mkdir -p "$d"
	bpftool prog load "$OBJ" "$d/prog" type xdp
	python3 -c '
import struct, sys
eth = bytes.fromhex("020000000001020000000002") + struct.pack("!H", 0x0800)
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 50, 0, 0, 64, 17, 0,
                 bytes([10, 80, 0, 2]), bytes([10, 80, 0, 1]))
udp = struct.pack("!HHHH", 40000, 5000, 30, 0)
sys.stdout.buffer.write((eth + ip + udp).ljust(64, b"\0"))' >"$f"
	out=$(bpftool -j prog run pinned "$d/prog" data_in "$f" repeat 1)
	assert_eq "$(jq .retval <<<"$out")" 2 "empty slot: XDP_PASS"
	rm -r "$d"
	run -2 --separate-stderr "$BENCH/xw-prog_run" --xsk nope \
		--load "gvisor=$OBJ:redirect,pass,redirect,pass"
	run -1 --separate-stderr "$BENCH/xw-prog_run" --xsk 999999999:3 \
		--load "gvisor=$OBJ:redirect,pass,redirect,pass"
}

@test "xw-prog_run --kernel-time: the kernel's duration of every program and frame, numeric, after the CPU times" {
	xsk_hold gen s0 0
	run -0 --separate-stderr "$BENCH/xw-prog_run" --repeat 1000 --rounds 3 \
		--kernel-time --xsk "$(holder_pid):$(xsk_target_fd)" \
		--load "gvisor=$OBJ:redirect,pass,redirect,pass"
	xsk_stop
	assert_eq "$(sed -n '9,16p' <<<"$output" | cut -d' ' -f1,2 | tr '\n' ' ')" \
		"floor.kernel udp4 floor.kernel tcp4-22 floor.kernel tcp6-443 floor.kernel short gvisor.kernel udp4 gvisor.kernel tcp4-22 gvisor.kernel tcp6-443 gvisor.kernel short " \
		"kernel lines"
	[[ $(grep -cE '^[a-z]+(\.kernel)? [a-z0-9-]+( [0-9]+\.[0-9]{3}){3}$' <<<"$output") == 16 ]] ||
		{ echo "$output" >&2; false; }
	# A duration of 0 would mean the field was never filled.
	[[ $(sed -n '9,16p' <<<"$output" | awk '$3 > 0 && $4 > 0 && $5 > 0' | wc -l) == 8 ]] ||
		{ echo "$output" >&2; false; }
}
