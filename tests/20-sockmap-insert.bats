#!/usr/bin/env bats
# sockmap-insert: AF_XDP sockets into pinned XSKMAPs, by inherited
# descriptor or from another process, with every refusal (a socket bound
# elsewhere than its slot, or not at all, among them), true reports, the
# directory lock, and concurrent runs that never lose an insert.

load lib/test

setup_file() {
	bed_setup
	bed_ns node peer
	bed_veth node v0 peer p0 numrxqueues 4
	bed_veth node v1 peer p1
	bed_veth node probe0 peer probe0p numrxqueues 8
	bed_veth node c0 peer pc0 numrxqueues 8
	in_ns node "$XW" redirect-install --device v0 -q
	in_ns node "$XW" redirect-install --device c0 -q
}


setup() {
	STATE_NS=node
}

xw() {
	in_ns node "$XW" "$@"
}

@test "an inherited AF_XDP socket goes in at its queue, a socket on queue 2 too" {
	xsk_hold node v0 2 -- "$XW" sockmap-insert --device v0 --queue 2 --fd '{fd}' -j
	run -0 xsk_slot_taken node probe0 v0 2
	run -1 xsk_slot_taken node probe0 v0 0
	xsk_stop
	# A closed socket leaves the map by itself.
	poll_until 2000 xsk_slot_free v0 2
}

xsk_slot_free() {
	xsk_slot_taken node probe0 "$1" "$2"
	(($? == 1))
}

@test "sockmap-insert reports what it did, in text and JSON" {
	xsk_hold node v0 1
	local fd
	fd=$(xsk_target_fd)
	run -0 --separate-stderr xw sockmap-insert --device v0 --queue 1 --pid "$XSK_PID" --target-fd "$fd" -j
	assert_json ".changed and .map == \"$BPFFS/v0/redirect_ip_map\" and .queue == 1"
	assert_json '.changes == [{"action": "inserted", "object": "socket", "path": "'"$BPFFS"'/v0/redirect_ip_map", "detail": "queue 1"}]'
	run -0 xsk_slot_taken node probe0 v0 1
	run -0 --separate-stderr xw sockmap-insert --device v0 --queue 1 --delete
	assert_eq "$output" "cleared slot $BPFFS/v0/redirect_ip_map: queue 1" "text output"
	run -1 xsk_slot_taken node probe0 v0 1
	xsk_stop
}

@test "a socket taken from a running process with --pid --target-fd goes in" {
	xsk_hold node v0 3
	run -0 --separate-stderr xw sockmap-insert --device v0 --queue 3 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	run -0 xsk_slot_taken node probe0 v0 3
	# Inserting the same socket again is no conflict, and no change.
	run -0 --separate-stderr xw sockmap-insert --device v0 --queue 3 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	assert_eq "$output" "socket already in slot $BPFFS/v0/redirect_ip_map: queue 3" "text output"
	run -0 --separate-stderr xw sockmap-insert --device v0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)" --replace -j
	assert_json '.changed == false and .changes == [] and .queue == 3'
	run -0 xsk_slot_taken node probe0 v0 3
	xsk_stop
}

@test "re-inserting an inherited socket already in its slot changes nothing" {
	run -0 --separate-stderr in_ns node "$XW_HELPERS/xw-xsk-recv" --dev v0 --queue 2 \
		--timeout-ms 0 -- sh -c "$XW"' sockmap-insert --device v0 --fd "$1" -q &&
			exec '"$XW"' sockmap-insert --device v0 --fd "$1" -j' sh '{fd}'
	local doc=${output%%$'\n'*}
	output=$doc
	assert_json '.changed == false and .changes == [] and .queue == 2 and .socket.device == "v0" and .socket.queue == 2'
}

@test "--delete of an empty slot says so and changes nothing" {
	run -1 xsk_slot_taken node probe0 v0 1
	run -0 --separate-stderr xw sockmap-insert --device v0 --queue 1 --delete
	assert_eq "$output" "slot already empty $BPFFS/v0/redirect_ip_map: queue 1" "text output"
	run -0 --separate-stderr xw sockmap-insert --device v0 --queue 1 --delete -j
	assert_json '.changed == false and .changes == [] and .queue == 1'
}

# ifindex NS DEV
ifindex() {
	ipn "$1" -j link show "$2" | jq -r '.[0].ifindex'
}

@test "a socket bound to another device is refused, naming both bindings" {
	local v0 v1
	v0=$(ifindex node v0)
	v1=$(ifindex node v1)
	xsk_hold node v1 0
	expect_refused 65 "xdpwire sockmap-insert: socket: bound to v1 (ifindex $v1) queue 0, but the slot is v0 (ifindex $v0) queue 0" \
		xw sockmap-insert --device v0 --queue 0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	expect_refused_json 65 xw sockmap-insert --device v0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	run -1 xsk_slot_taken node probe0 v0 0
	xsk_stop
	# The same by an inherited descriptor.
	run -3 --separate-stderr in_ns node "$XW_HELPERS/xw-xsk-recv" --dev v1 --queue 0 \
		--timeout-ms 0 -- "$XW" sockmap-insert --device v0 --fd '{fd}'
	assert_eq "$stderr" "xdpwire sockmap-insert: socket: bound to v1 (ifindex $v1) queue 0, but the slot is v0 (ifindex $v0) queue 0
xw-xsk-recv: insert command failed with status 65" "stderr"
	run -1 xsk_slot_taken node probe0 v0 0
}

@test "a socket bound in another namespace is refused, naming both namespaces" {
	local node peer p0 v0
	node=$(stat -L -c %i "$(ns_path node)")
	peer=$(stat -L -c %i "$(ns_path peer)")
	p0=$(ifindex peer p0)
	v0=$(ifindex node v0)
	xsk_hold peer p0 0
	expect_refused 65 "xdpwire sockmap-insert: socket: bound to p0 (ifindex $p0 in netns $peer) queue 0, but the slot is v0 (ifindex $v0 in netns $node) queue 0" \
		xw sockmap-insert --device v0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	run -1 xsk_slot_taken node probe0 v0 0
	xsk_stop
}

@test "a socket bound to another queue is refused, naming both queues" {
	local v0
	v0=$(ifindex node v0)
	xsk_hold node v0 1
	expect_refused 65 "xdpwire sockmap-insert: socket: bound to v0 (ifindex $v0) queue 1, but the slot is v0 (ifindex $v0) queue 2" \
		xw sockmap-insert --device v0 --queue 2 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	# With --map no device is known: the queue must still match the key.
	expect_refused 65 "xdpwire sockmap-insert: socket: bound to v0 (ifindex $v0) queue 1, but the slot is queue 0 of $BPFFS/v0/redirect_ip_map" \
		xw sockmap-insert --map "$BPFFS/v0/redirect_ip_map" --queue 0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	run -1 xsk_slot_taken node probe0 v0 2
	run -1 xsk_slot_taken node probe0 v0 0
	xsk_stop
	# The same by an inherited descriptor.
	run -3 --separate-stderr in_ns node "$XW_HELPERS/xw-xsk-recv" --dev v0 --queue 1 \
		--timeout-ms 0 -- "$XW" sockmap-insert --device v0 --queue 2 --fd '{fd}'
	assert_eq "$stderr" "xdpwire sockmap-insert: socket: bound to v0 (ifindex $v0) queue 1, but the slot is v0 (ifindex $v0) queue 2
xw-xsk-recv: insert command failed with status 65" "stderr"
	run -1 xsk_slot_taken node probe0 v0 2
}

@test "without --queue the slot is the socket's own bound queue" {
	xsk_hold node v0 1
	run -0 --separate-stderr xw sockmap-insert --device v0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)" -j
	assert_json '.changed and .queue == 1 and .changes[0].detail == "queue 1" and .socket.queue == 1'
	run -0 xsk_slot_taken node probe0 v0 1
	run -1 xsk_slot_taken node probe0 v0 0
	xsk_stop
	poll_until 2000 xsk_slot_free v0 1
	# And by an inherited descriptor, on queue 3.
	xsk_hold node v0 3 -- "$XW" sockmap-insert --device v0 --fd '{fd}' -q
	run -0 xsk_slot_taken node probe0 v0 3
	run -1 xsk_slot_taken node probe0 v0 0
	xsk_stop
	poll_until 2000 xsk_slot_free v0 3
}

@test "a socket that is not bound yet is refused with its own message" {
	xsk_hold_unbound node rings
	expect_refused 65 "xdpwire sockmap-insert: socket: not bound to a device yet (bind it first)" \
		xw sockmap-insert --device v0 --queue 0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	xsk_stop
	xsk_hold_unbound node bare
	expect_refused 65 "xdpwire sockmap-insert: socket: has no rings and is not bound to a device (set up its UMEM and rings, then bind it)" \
		xw sockmap-insert --device v0 --queue 0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	xsk_stop
	run -3 --separate-stderr in_ns node "$XW_HELPERS/xw-xsk-recv" --unbound rings \
		--timeout-ms 0 -- "$XW" sockmap-insert --device v0 --fd '{fd}'
	assert_eq "$stderr" "xdpwire sockmap-insert: socket: not bound to a device yet (bind it first)
xw-xsk-recv: insert command failed with status 65" "stderr"
	run -1 xsk_slot_taken node probe0 v0 0
}

@test "a bound socket without an RX ring is refused with its own message" {
	# Bound to v0 queue 1 with TX, fill and completion rings only: the
	# kernel takes it into an XSKMAP, but it can never receive a frame.
	xsk_hold node v0 1 --tx-only
	expect_refused 65 "xdpwire sockmap-insert: socket: bound to v0 queue 1 but has no RX ring: it can never receive (set up its RX ring before binding it)" \
		xw sockmap-insert --device v0 --queue 1 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	run -65 --separate-stderr xw sockmap-insert --device v0 --pid "$XSK_PID" \
		--target-fd "$(xsk_target_fd)" -j
	assert_json '.exit_code == 65 and .error == "socket: bound to v0 queue 1 but has no RX ring: it can never receive (set up its RX ring before binding it)"'
	run -1 xsk_slot_taken node probe0 v0 1
	xsk_stop
}

@test "the BTF cache is made once per boot; a damaged or foreign one is not trusted" {
	local v0 v1 cache file line
	export XDPWIRE_CACHE_DIR=$BED_DIR/cache-t
	cache=$XDPWIRE_CACHE_DIR
	file=$cache/xsk_bind-v1-$(cat /proc/sys/kernel/random/boot_id).btf
	v0=$(ifindex node v0)
	v1=$(ifindex node v1)
	line="xdpwire sockmap-insert: socket: bound to v1 (ifindex $v1) queue 0, but the slot is v0 (ifindex $v0) queue 0"
	xsk_hold node v1 0
	expect_refused 65 "$line" xw sockmap-insert --device v0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	assert_eq "$(stat -c '%a %F' "$cache" "$file")" "700 directory
600 regular file" "cache modes"
	cp "$file" "$BED_DIR/good.btf"
	# Damaged: made again, and the judgement is the same.
	printf 'not btf' >"$file"
	expect_refused 65 "$line" xw sockmap-insert --device v0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	cmp "$file" "$BED_DIR/good.btf"
	# A symbolic link is not followed, and is replaced.
	rm "$file"
	printf 'not btf' >"$BED_DIR/planted"
	ln -s "$BED_DIR/planted" "$file"
	expect_refused 65 "$line" xw sockmap-insert --device v0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	assert_eq "$(stat -c %F "$file")" "regular file" "cache file type"
	assert_eq "$(cat "$BED_DIR/planted")" "not btf" "planted file"
	# A directory others may write to is neither read nor written.
	chmod 0777 "$cache"
	printf 'not btf' >"$file"
	expect_refused 65 "$line" xw sockmap-insert --device v0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	assert_eq "$(cat "$file")" "not btf" "cache in a shared directory"
	assert_eq "$(ls -A "$cache")" "${file##*/}" "cache directory entries"
	xsk_stop
}

@test "a queue held by another socket is refused unless --replace" {
	# Two sockets cannot bind one queue: the first is v1's, put in by --map.
	xsk_hold node v1 0 -- "$XW" sockmap-insert --map "$BPFFS/v0/redirect_ip_map" --queue 0 --fd '{fd}'
	local first=$XSK_PID
	xsk_hold node v0 0
	expect_refused 69 "xdpwire sockmap-insert: $BPFFS/v0/redirect_ip_map: queue 0 already holds another socket (--replace takes it over)" \
		xw sockmap-insert --device v0 --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	run -0 --separate-stderr xw sockmap-insert --device v0 --replace --pid "$XSK_PID" --target-fd "$(xsk_target_fd)"
	# The first socket is out: closing the second one empties the slot.
	xsk_stop
	poll_until 2000 xsk_slot_free v0 0
	kill "$first"
}

@test "descriptors that are no AF_XDP socket are refused" {
	expect_refused 65 "xdpwire sockmap-insert: --fd 0: not an AF_XDP socket (it is a character device)" \
		xw sockmap-insert --device v0 --fd 0 </dev/null
	expect_refused 65 "xdpwire sockmap-insert: --fd 7: not an AF_XDP socket (it is a regular file)" \
		xw sockmap-insert --device v0 --fd 7 7</etc/hostname
	expect_refused 65 "xdpwire sockmap-insert: --fd 9: not an open file descriptor" \
		xw sockmap-insert --device v0 --fd 9 9<&-
	bed_bg in_ns node "$XW_HELPERS/xw-netprobe" tcp-listen 127.0.0.1 7000 \
		--ready-file "$BED_DIR/tcp-ready"
	poll_until 5000 test -f "$BED_DIR/tcp-ready"
	expect_refused 65 "xdpwire sockmap-insert: process $BED_PID fd 3: not an AF_XDP socket (it is an IPv4 socket)" \
		xw sockmap-insert --device v0 --pid "$BED_PID" --target-fd 3
	kill "$BED_PID"
}

@test "a queue outside the map is refused" {
	expect_refused 65 "xdpwire sockmap-insert: --queue: queue 4 is outside $BPFFS/v0/redirect_ip_map (4 queues: 0-3)" \
		xw sockmap-insert --device v0 --queue 4 --fd 0
	expect_refused_json 65 xw sockmap-insert --device v0 --queue 4 --fd 0
}

@test "a pinned object that is no XSKMAP is refused" {
	expect_refused 65 "xdpwire sockmap-insert: $BPFFS/v0/redirect_counters: pinned map is of type percpu_array, expected xskmap: left alone" \
		xw sockmap-insert --map "$BPFFS/v0/redirect_counters" --fd 0
	expect_refused 65 "xdpwire sockmap-insert: $BPFFS/v0/redirect_program: pinned object is a program, expected a map: left alone" \
		xw sockmap-insert --map "$BPFFS/v0/redirect_program" --fd 0
}

@test "no install, no map, no process: refused as not found" {
	expect_refused 66 "xdpwire sockmap-insert: v1: no redirect installed (no pin directory under $BPFFS): run redirect-install first" \
		xw sockmap-insert --device v1 --fd 0
	mkdir -m 0700 "$BPFFS/v1"
	expect_refused 66 "xdpwire sockmap-insert: $BPFFS/v1/redirect_ip_map: no such pinned map: run redirect-install first" \
		xw sockmap-insert --device v1 --fd 0
	rmdir "$BPFFS/v1"
	expect_refused 66 "xdpwire sockmap-insert: $BPFFS/v0/nosuch: no such pinned map" \
		xw sockmap-insert --map "$BPFFS/v0/nosuch" --fd 0
	expect_refused 66 "xdpwire sockmap-insert: /nonexistent: cannot open directory: No such file or directory" \
		xw sockmap-insert --map /nonexistent/map --fd 0
	expect_refused 65 "xdpwire sockmap-insert: /etc: not on a bpf filesystem" \
		xw sockmap-insert --map /etc/hostname --fd 0
	expect_refused 66 "xdpwire sockmap-insert: process 4194304: no such process" \
		xw sockmap-insert --device v0 --pid 4194304 --target-fd 3
	expect_refused 66 "xdpwire sockmap-insert: process $$: has no open descriptor 99" \
		xw sockmap-insert --device v0 --pid $$ --target-fd 99
}

@test "--map names any pinned XSKMAP, and needs no bpffs root" {
	xsk_hold node v0 2 -- "$XW" sockmap-insert --map "$BPFFS/v0/redirect_ip_map" --queue 2 --fd '{fd}'
	run -0 xsk_slot_taken node probe0 v0 2
	run -0 --separate-stderr env XDPWIRE_BPFFS=/nonexistent "$XW" sockmap-insert \
		--map "$BPFFS/v0/redirect_ip_map" --queue 2 --delete
	run -1 xsk_slot_taken node probe0 v0 2
	xsk_stop
}

@test "a run waits for another run's lock on the directory, within a bound" {
	# flock(1) takes the same lock an install holds while it works.
	bed_bg flock "$BPFFS/v0" sleep 60
	local holder=$BED_PID
	poll_until 2000 lock_held "$BPFFS/v0"
	XDPWIRE_LOCK_TIMEOUT_MS=100 expect_refused 75 "xdpwire sockmap-insert: $BPFFS/v0: locked by another run for 100 ms; retry" \
		xw sockmap-insert --device v0 --delete
	# A run that starts while the lock is held finishes once it is free.
	bed_bg in_ns node "$XW" sockmap-insert --device v0 --delete -v \
		2>"$BED_DIR/waiter.err"
	local waiter=$BED_PID
	poll_until 5000 grep -q "locked by another run: waiting" "$BED_DIR/waiter.err"
	kill -0 "$waiter"
	pkill -P "$holder" sleep
	poll_until 5000 bed_gone "$waiter"
	wait "$waiter"
}

lock_held() {
	! flock -n "$1" true
}

@test "concurrent inserts and re-installs on one directory never lose an insert" {
	local round q pids
	for round in 1 2 3; do
		pids=()
		for q in 0 1 2 3 4 5 6 7; do
			bed_bg in_ns node "$XW_HELPERS/xw-xsk-recv" --dev c0 --queue "$q" \
				--ready-file "$BED_DIR/c0-$round-$q" -- \
				"$XW" sockmap-insert --device c0 --queue "$q" --fd '{fd}' -q
			pids+=("$BED_PID")
		done
		# Re-installs swap the program meanwhile; the map must stay.
		bed_bg in_ns node "$XW" redirect-install --device c0 \
			--pass-port $((2000 + round)) -q
		local install1=$BED_PID
		bed_bg in_ns node "$XW" redirect-install --device c0 -q
		wait "$install1"
		wait "$BED_PID"
		for q in 0 1 2 3 4 5 6 7; do
			poll_until 10000 test -f "$BED_DIR/c0-$round-$q"
		done
		for q in 0 1 2 3 4 5 6 7; do
			run -0 xsk_slot_taken node probe0 c0 "$q"
		done
		kill -USR1 "${pids[@]}"
		for q in 0 1 2 3 4 5 6 7; do
			poll_until 5000 bed_gone "${pids[$q]}"
			poll_until 2000 xsk_slot_free c0 "$q"
		done
	done
}
