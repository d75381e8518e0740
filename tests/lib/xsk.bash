# AF_XDP sockets for the kernel tests, through tests/helpers/xsk_recv.c.
# An XSKMAP cannot be read from user space, so whether a slot holds a
# socket is probed the way the kernel allows: an insert of another socket
# without --replace is refused (exit 69) exactly when the slot is taken.
# The probe socket is bound to the same queue of a device of its own and
# goes in by --map, where sockmap-insert checks the queue only.

# xsk_hold NS DEV QUEUE [XSK-RECV OPTIONS] [-- INSERT COMMAND]: opens a
# socket on DEV's QUEUE in NS and keeps it open in the background; with an
# insert command ({fd} is the socket's descriptor), inserts it first.
# Sets XSK_PID and XSK_OUT (the receiver's JSON summary when it exits).
# XSK_READY_MS bounds the wait for it (5000; the insert command counts).
xsk_hold() {
	local ns=$1 dev=$2 queue=$3 ready
	shift 3
	ready=$BED_DIR/xsk-ready-$dev-$queue-$RANDOM
	XSK_OUT=$ready.json
	bed_bg in_ns "$ns" "$XW_HELPERS/xw-xsk-recv" --dev "$dev" \
		--queue "$queue" --ready-file "$ready" "$@" >"$XSK_OUT"
	XSK_PID=$BED_PID
	XSK_READY=$ready
	poll_until "${XSK_READY_MS:-5000}" xsk_ready_or_dead "$ready" "$XSK_PID" &&
		[[ -f $ready ]] || bed_fail "xw-xsk-recv on $dev/$queue did not get ready"
}

xsk_ready_or_dead() {
	[[ -f $1 ]] || bed_gone "$2"
}

# xsk_target_fd: the socket's descriptor number in the holder (--target-fd).
xsk_target_fd() {
	sed -n 's/.*fd=\([0-9]*\).*/\1/p' "$XSK_READY"
}

# xsk_hold_unbound NS bare|rings [-- INSERT COMMAND]: like xsk_hold, with
# a socket that is never bound (rings: its UMEM and rings are set up).
xsk_hold_unbound() {
	local ns=$1 kind=$2 ready
	shift 2
	ready=$BED_DIR/xsk-ready-unbound-$kind-$RANDOM
	XSK_OUT=$ready.json
	bed_bg in_ns "$ns" "$XW_HELPERS/xw-xsk-recv" --unbound "$kind" \
		--ready-file "$ready" "$@" >"$XSK_OUT"
	XSK_PID=$BED_PID
	XSK_READY=$ready
	poll_until 5000 xsk_ready_or_dead "$ready" "$XSK_PID" &&
		[[ -f $ready ]] || bed_fail "xw-xsk-recv --unbound $kind did not get ready"
}

# xsk_stop: ends the holder (it prints its summary) and waits for it.
xsk_stop() {
	kill -USR1 "$XSK_PID" 2>/dev/null
	poll_until 5000 bed_gone "$XSK_PID"
}

# xsk_slot_taken NS PROBE_DEV MAPDEV QUEUE: true if MAPDEV's redirect map
# holds a socket at QUEUE.  The probe socket is bound on PROBE_DEV's QUEUE
# (PROBE_DEV needs that many queues), a device of its own, so it never
# competes with the sockets under test.
xsk_slot_taken() {
	local ns=$1 probe=$2 mapdev=$3 queue=$4 err
	err=$(in_ns "$ns" "$XW_HELPERS/xw-xsk-recv" --dev "$probe" --queue "$queue" \
		--timeout-ms 0 -- "$XW" sockmap-insert \
		--map "$BPFFS/$mapdev/redirect_ip_map" \
		--queue "$queue" --fd '{fd}' -q 2>&1 >/dev/null)
	case $? in
	0) return 1 ;;
	3) [[ $err == *"already holds another socket"* ]] && return 0 ;;
	esac
	echo "xsk_slot_taken: probe failed: $err" >&2
	return 2
}
