#!/usr/bin/env bats
# The hostile-input guarantee as one table: for every command it applies
# to, a hostile pin tree, name, number, path or descriptor is refused with
# exactly one stderr line and its documented exit code, prints nothing on
# stdout, changes nothing (bed_state of the bpffs and the namespaces' XDP)
# and follows nothing (a symbolic link's target is a good object whose
# adoption would change the state; a FIFO is never opened: every run is
# under timeout(1)).
#
# The rows extend tests/11-redirect-hostile.bats, 12-pin-owner.bats,
# 13-hostile-paths.bats, 20-sockmap-insert.bats and 00-cli.bats and do not
# repeat them: together they cover the list of issue 12.  Not here (left
# out on purpose): an AF_XDP socket without an RX ring.  A FIFO, socket or
# regular file cannot be made inside a bpffs (it has no mknod or create):
# those rows are --bpffs, --map and --netns, which name paths outside it.
#
# One row a line, fields separated by '|':
#   KIND | CODE | STDERR | SETUP | ARGUMENTS
# KIND is the @test that runs the row (pins, names, numbers, paths, fds).
# STDERR is the one stderr line, exactly, where @B is the bed's bpffs
# root, @H the directory of hostile files, @DEAD and @HOLDER the pids
# below and @ANY any text (an object id, an ifindex); empty: no stderr at
# all.  CODE 0 rows are status and pin-gc reporting a hostile tree (they
# may print on stdout); every other row prints nothing there.  SETUP is a
# fixture call below, or '-'; ARGUMENTS are shell words (eval'd, so $'..'
# and the fixtures' variables work) for `xdpwire` in namespace "node".
# What a fixture plants is removed after its row.

load lib/test

setup_file() {
	bed_setup
	bed_ns node peer
	# i0: a redirect install; n0: a device with none (rows plant there);
	# h0: a NIC with the tunnel's node install, wired to sandbox pair s0;
	# h1: one with the node install only; m0: a NIC without one; s1: an
	# unwired sandbox pair.
	bed_veth node i0 peer pi0
	bed_veth node n0 peer pn0
	bed_veth node h0 peer ph0
	bed_veth node h1 peer ph1
	bed_veth node m0 peer pm0
	bed_veth node s0 peer ps0
	bed_veth node s1 peer ps1
	in_ns node "$XW" redirect-install -q --device i0
	in_ns node "$XW" tunnel-install -q --device h0
	in_ns node "$XW" tunnel-install -q --device h0 --veth s0
	in_ns node "$XW" tunnel-install -q --device h1
	local d=$BED_DIR/hostile
	mkdir "$d" "$d/dir"
	mkfifo "$d/fifo"
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$d/sock"
	touch "$d/file"
	ln -s "$d/fifo" "$d/fifo-link"
	ln -s "$BPFFS" "$d/bpffs-link"
	ln -s "$BPFFS/i0/redirect_ip_map" "$d/map-link"
	# A process that has exited: its namespace path is gone with it.
	bed_bg sleep 600
	DEAD=$BED_PID
	kill -KILL "$DEAD"
	poll_until 5000 bed_gone "$DEAD"
	export DEAD
}

setup() {
	H=$BED_DIR/hostile
}

# --- fixtures: each plants one hostile thing and notes what to remove ---

# at DIR PIN: the pin path, its directory made as an install makes it.
at() {
	mkdir -p -m 0700 "$BPFFS/$1"
	[[ -d $BPFFS/$1 ]] && UNDO+=("$BPFFS/$1")
	PIN=$BPFFS/$1/$2
}

# symlink DIR PIN TARGET: a symbolic link to a good object of ours.
symlink() {
	at "$1" "$2" && ln -s "$3" "$PIN"
}

# directory DIR PIN: a directory where a pinned object belongs.
directory() {
	at "$1" "$2" && mkdir "$PIN"
}

# map DIR PIN TYPE KEY VALUE ENTRIES: another tool's map.
map() {
	at "$1" "$2" &&
		bpftool map create "$PIN" type "$3" key "$4" value "$5" entries "$6" name theirs
}

# prog DIR PIN: another tool's XDP program.
prog() {
	at "$1" "$2" && bpftool prog load "$XW_HELPERS/pass.bpf.o" "$PIN" type xdp
}

# tcp_listener / udp_socket: a process holding such a socket as fd 3.
tcp_listener() {
	bed_bg in_ns node "$XW_HELPERS/xw-netprobe" tcp-listen 127.0.0.1 7001 \
		--ready-file "$BED_DIR/tcp-ready"
	HOLDER=$BED_PID
	poll_until 5000 test -f "$BED_DIR/tcp-ready"
	KILL+=("$HOLDER")
}

# xsk_elsewhere DEV QUEUE: a process holding an AF_XDP socket bound to it.
xsk_elsewhere() {
	xsk_hold node "$1" "$2"
	HOLDER=$XSK_PID
	HOLDER_FD=$(xsk_target_fd)
	KILL+=("$HOLDER")
}

# xsk_unbound: a process holding an AF_XDP socket never bound.
xsk_unbound() {
	xsk_hold_unbound node rings
	HOLDER=$XSK_PID
	HOLDER_FD=$(xsk_target_fd)
	KILL+=("$HOLDER")
}

# fd N udp|fifo|dir: descriptor N of the test (so of xdpwire) opened on
# a connected UDP socket, a FIFO (read-write: no wait for a writer) or a
# directory.
fd() {
	case $2 in
	udp) eval "exec $1<>/dev/udp/127.0.0.1/9" ;;
	fifo) eval "exec $1<>'$H/fifo'" ;;
	dir) eval "exec $1<'$H/dir'" ;;
	esac && FDS+=("$1")
}

undo() {
	local p
	for p in "${FDS[@]}"; do
		eval "exec $p>&-"
	done
	for p in "${KILL[@]}"; do
		kill "$p" 2>/dev/null
		poll_until 5000 bed_gone "$p" || kill -KILL "$p" 2>/dev/null
	done
	# Deepest first; a planted directory goes with its pin directory.
	for ((p = ${#UNDO[@]} - 1; p >= 0; p--)); do
		rm -rf "${UNDO[p]}"
	done
	UNDO=() KILL=() FDS=()
	return 0
}

# run_table KIND: every row of that kind in TABLE; all failing rows are reported, not the
# first only.
run_table() {
	local kind rc re fix words n=0 bad=0 before after why
	local -a args
	while IFS='|' read -r kind rc re fix words; do
		[[ ${kind// /} == "$1" ]] || continue
		n=$((n + 1))
		rc=${rc// /}
		UNDO=() KILL=() FDS=() HOLDER= why=
		if [[ $fix != - ]] && ! eval "$fix" >/dev/null 2>&1; then
			why="setup '$fix' failed"
		else
			eval "args=($words)"
			# The line as a pattern: every byte literal but @ANY.
			re=${re//@HOLDER/$HOLDER} re=${re//@DEAD/$DEAD}
			re=${re//@B/$BPFFS} re=${re//@H/$H}
			[[ -z $re ]] || re=$(printf '%q' "$re")
			re=${re//@ANY/*}
			before=$(bed_state node peer)
			run --separate-stderr in_ns node timeout 10 "$XW" "${args[@]}"
			after=$(bed_state node peer)
			if ((status != rc)); then
				why="exit $status, expected $rc"
			elif [[ -z $re && -n $stderr ]] ||
				[[ -n $re && ($stderr == *$'\n'* || $stderr != $re) ]]; then
				why="stderr is not the row's line"
			elif ((rc != 0)) && [[ -n $output ]]; then
				why="stdout is not empty"
			elif [[ $after != "$before" ]]; then
				why="the state changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
			fi
		fi
		undo
		if [[ -n $why ]]; then
			bad=$((bad + 1))
			printf 'row %d: xdpwire %s\n  %s\n  stderr: %q\n  stdout: %q\n' \
				"$n" "$words" "$why" "$stderr" "$output" >&2
		fi
	done <<<"$TABLE"
	echo "# $1: $n rows, $bad failed" >&3
	((n > 0 && bad == 0))
}

TABLE=$(
	cat <<'ROWS'
pins|65|xdpwire redirect-install: @B/n0/redirect_link: is a symbolic link, not a pinned object: refusing to follow it|symlink n0 redirect_link ../i0/redirect_link|redirect-install --device n0
pins|65|xdpwire redirect-install: @B/n0/redirect_program: is a symbolic link, not a pinned object: refusing to follow it|symlink n0 redirect_program ../i0/redirect_program|redirect-install --device n0
pins|65|xdpwire redirect-install: @B/n0/redirect_counters: is a symbolic link, not a pinned object: refusing to follow it|symlink n0 redirect_counters ../i0/redirect_counters|redirect-install --device n0
pins|65|xdpwire redirect-install: @B/n0/redirect_link: is a directory or special file, not a pinned object|directory n0 redirect_link|redirect-install --device n0
pins|65|xdpwire redirect-install: @B/n0/redirect_program: is a directory or special file, not a pinned object|directory n0 redirect_program|redirect-install --device n0
pins|65|xdpwire redirect-install: @B/n0/redirect_ip_map: is a directory or special file, not a pinned object|directory n0 redirect_ip_map|redirect-install --device n0
pins|65|xdpwire redirect-install: @B/n0/redirect_counters: is a directory or special file, not a pinned object|directory n0 redirect_counters|redirect-install --device n0
pins|65|xdpwire redirect-install: @B/n0/redirect_counters: pinned map is of type array, expected percpu_array: left alone|map n0 redirect_counters array 4 8 4|redirect-install --device n0
pins|65|xdpwire redirect-install: @B/n0/redirect_program: pinned object is a map, expected a program: left alone|map n0 redirect_program array 4 8 4|redirect-install --device n0
pins|65|xdpwire redirect-install: @B/n0/redirect_counters: pinned object is a program, expected a map: left alone|prog n0 redirect_counters|redirect-install --device n0
pins|65|xdpwire redirect-install: @B/n0/redirect_link: is a directory or special file, not a pinned object|directory n0 redirect_link|redirect-install --device n0 --unpin
pins|65|xdpwire redirect-install: @B/n0/redirect_link: is a symbolic link, not a pinned object: refusing to follow it|symlink n0 redirect_link ../i0/redirect_link|redirect-install --device n0 --unpin
pins|65|xdpwire sockmap-insert: @B/n0/redirect_ip_map: is a directory or special file, not a pinned object|directory n0 redirect_ip_map|sockmap-insert --device n0 --fd 0
pins|0||symlink n0 redirect_link ../i0/redirect_link|status --device n0
pins|0||directory n0 redirect_link|status --device n0
pins|0|xdpwire pin-gc: warning: @B/n0: redirect install left alone: redirect_link: a symbolic link, not a pinned object (not followed)|symlink n0 redirect_link ../i0/redirect_link|pin-gc --device n0
pins|0|xdpwire pin-gc: warning: @B/n0: redirect install left alone: redirect_link: a directory or special file, not a pinned object|directory n0 redirect_link|pin-gc --device n0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_link: is a symbolic link, not a pinned object: refusing to follow it|symlink m0 tunnel_host_link ../h0/tunnel_host_link|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_program: is a symbolic link, not a pinned object: refusing to follow it|symlink m0 tunnel_host_program ../h0/tunnel_host_program|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_map: is a symbolic link, not a pinned object: refusing to follow it|symlink m0 tunnel_host_map ../h0/tunnel_host_map|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_counters: is a symbolic link, not a pinned object: refusing to follow it|symlink m0 tunnel_host_counters ../h0/tunnel_host_counters|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_link: is a directory or special file, not a pinned object|directory m0 tunnel_host_link|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_program: is a directory or special file, not a pinned object|directory m0 tunnel_host_program|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_map: is a directory or special file, not a pinned object|directory m0 tunnel_host_map|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_counters: is a directory or special file, not a pinned object|directory m0 tunnel_host_counters|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_program: pinned program @ANY 'xw_test_pass' is not xdpwire's (xw_tunnel_host): left alone|prog m0 tunnel_host_program|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_map: pinned map is of type array, expected devmap: left alone|map m0 tunnel_host_map array 4 4 1|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_counters: pinned map has 4-byte values, expected 8: left alone|map m0 tunnel_host_counters percpu_array 4 4 4|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_sandbox_map: pinned map is of type hash, expected devmap_hash: left alone|map m0 tunnel_host_sandbox_map hash 4 4 1|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_sandbox_map: pinned map has 8-byte values, expected 4: left alone|map m0 tunnel_host_sandbox_map devmap_hash 4 8 1|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_sandbox_map: is a symbolic link, not a pinned object: refusing to follow it|symlink m0 tunnel_host_sandbox_map ../h0/tunnel_host_sandbox_map|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_ipv4_owner_map: pinned map is of type hash, expected array: left alone|map m0 tunnel_host_ipv4_owner_map hash 4 8 16|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_ipv4_owner_map: pinned map is of type hash, expected array: left alone|map m0 tunnel_host_ipv4_owner_map hash 8 8 16|tunnel-install --device m0 --unpin
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_ipv4_owner_map: pinned map has 32-byte values, expected 8: left alone|map m0 tunnel_host_ipv4_owner_map array 4 32 16|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_ipv6_owner_map: pinned map is of type percpu_array, expected array: left alone|map m0 tunnel_host_ipv6_owner_map percpu_array 4 32 16|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_ipv6_owner_map: pinned map has 8-byte values, expected 32: left alone|map m0 tunnel_host_ipv6_owner_map array 4 8 16|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_ipv6_owner_map: pinned map has 12 entries, expected a power of two: left alone|map m0 tunnel_host_ipv6_owner_map array 4 32 12|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_ipv6_owner_map: is a directory or special file, not a pinned object|directory m0 tunnel_host_ipv6_owner_map|tunnel-install --device m0
pins|65|xdpwire tunnel-install: @B/s1/tunnel_veth_link: is a symbolic link, not a pinned object: refusing to follow it|symlink s1 tunnel_veth_link ../s0/tunnel_veth_link|tunnel-install --device h1 --veth s1
pins|65|xdpwire tunnel-install: @B/s1/tunnel_veth_program: is a symbolic link, not a pinned object: refusing to follow it|symlink s1 tunnel_veth_program ../s0/tunnel_veth_program|tunnel-install --device h1 --veth s1
pins|65|xdpwire tunnel-install: @B/s1/tunnel_veth_map: is a symbolic link, not a pinned object: refusing to follow it|symlink s1 tunnel_veth_map ../s0/tunnel_veth_map|tunnel-install --device h1 --veth s1
pins|65|xdpwire tunnel-install: @B/s1/tunnel_veth_link: is a directory or special file, not a pinned object|directory s1 tunnel_veth_link|tunnel-install --device h1 --veth s1
pins|65|xdpwire tunnel-install: @B/s1/tunnel_veth_map: is a directory or special file, not a pinned object|directory s1 tunnel_veth_map|tunnel-install --device h1 --veth s1
pins|65|xdpwire tunnel-install: @B/s1/tunnel_veth_program: pinned program @ANY 'xw_test_pass' is not xdpwire's (xw_tunnel_veth): left alone|prog s1 tunnel_veth_program|tunnel-install --device h1 --veth s1
pins|65|xdpwire tunnel-install: @B/m0/tunnel_host_link: is a directory or special file, not a pinned object|directory m0 tunnel_host_link|tunnel-install --device m0 --unpin
names|65|xdpwire tunnel-install: --veth: 'a/b' is not a valid device name: contains '/'|-|tunnel-install --device h0 --veth a/b
names|65|xdpwire tunnel-install: --veth: '..' is not a valid device name: '.' and '..' are not device names|-|tunnel-install --device h0 --veth ..
names|65|xdpwire tunnel-install: --peer: '.' is not a valid device name: '.' and '..' are not device names|-|tunnel-install --device h0 --peer .
names|65|xdpwire tunnel-install: --device: 'h\x0a0' is not a valid device name: contains white space|-|tunnel-install --device $'h\n0'
names|65|xdpwire tunnel-install: --device: 'abcdefghijklmnop' is not a valid device name: longer than 15 bytes|-|tunnel-install --device abcdefghijklmnop
names|66|xdpwire tunnel-install: abcdefghijklmno: no such device|-|tunnel-install --device abcdefghijklmno
names|65|xdpwire tunnel-install: --veth: 'netns:1' is not a valid device name: contains ':'|-|tunnel-install --device h0 --veth netns:1
names|65|xdpwire status: --device: '/' is not a valid device name: contains '/'|-|status --device /
names|65|xdpwire status: --device: '..' is not a valid device name: '.' and '..' are not device names|-|status --device ..
names|66|xdpwire status: a\x1b[2J: no such device and nothing pinned for it|-|status --device $'a\x1b[2J'
names|65|xdpwire status: --device: 'abcdefghijklmnop' is not a valid device name: longer than 15 bytes|-|status --device abcdefghijklmnop
names|66|xdpwire status: abcdefghijklmno: no such device and nothing pinned for it|-|status --device abcdefghijklmno
names|66|xdpwire status: a.b: no such device and nothing pinned for it|-|status --device a.b
names|65|xdpwire status: --device: 'n0:x' is not a valid device name: contains ':'|-|status --device n0:x
names|65|xdpwire pin-gc: --device: '/' is not a valid device name: contains '/'|-|pin-gc --device /
names|65|xdpwire pin-gc: --device: '.' is not a valid device name: '.' and '..' are not device names|-|pin-gc --device .
names|65|xdpwire pin-gc: --device: 'a\x09b' is not a valid device name: contains white space|-|pin-gc --device $'a\tb'
names|65|xdpwire pin-gc: --device: 'abcdefghijklmnop' is not a valid device name: longer than 15 bytes|-|pin-gc --device abcdefghijklmnop
names|65|xdpwire pin-gc: --device: 'n0:x' is not a valid device name: contains ':'|-|pin-gc --device n0:x
names|0||-|pin-gc --device i0.
names|65|xdpwire scrape: --device: '/' is not a valid device name: contains '/'|-|scrape --device /
names|65|xdpwire scrape: --device: '..' is not a valid device name: '.' and '..' are not device names|-|scrape --device ..
names|65|xdpwire scrape: --device: 'a\x0ab' is not a valid device name: contains white space|-|scrape --device $'a\nb'
names|65|xdpwire scrape: --device: 'abcdefghijklmnop' is not a valid device name: longer than 15 bytes|-|scrape --device abcdefghijklmnop
names|66|xdpwire scrape: abcdefghijklmno: no such device|-|scrape --device abcdefghijklmno
names|65|xdpwire sockmap-insert: --device: 'abcdefghijklmnop' is not a valid device name: longer than 15 bytes|-|sockmap-insert --device abcdefghijklmnop --fd 0
names|65|xdpwire sockmap-insert: --device: 'a\x0db' is not a valid device name: contains white space|-|sockmap-insert --device $'a\rb' --fd 0
names|66|xdpwire redirect-install: abcdefghijklmno: no such device|-|redirect-install --device abcdefghijklmno
names|66|xdpwire redirect-install: .i0: no such device|-|redirect-install --device .i0
numbers|65|xdpwire redirect-install: --device-idx: '-1' is not an interface index (1 or more)|-|redirect-install --device-idx -1
numbers|65|xdpwire redirect-install: --device-idx: '4294967296' is not an interface index (1 or more)|-|redirect-install --device-idx 4294967296
numbers|65|xdpwire redirect-install: --device-idx: '99999999999999999999999' is not an interface index (1 or more)|-|redirect-install --device-idx 99999999999999999999999
numbers|65|xdpwire redirect-install: --pass-port: '-1' is not a TCP port (1-65535)|-|redirect-install --device n0 --pass-port -1
numbers|65|xdpwire redirect-install: --pass-port: '99999999999999999999' is not a TCP port (1-65535)|-|redirect-install --device n0 --pass-port 99999999999999999999
numbers|65|xdpwire tunnel-install: --device-idx: '0' is not an interface index (1 or more)|-|tunnel-install --device-idx 0
numbers|65|xdpwire tunnel-install: --device-idx: '-1' is not an interface index (1 or more)|-|tunnel-install --device-idx -1
numbers|65|xdpwire tunnel-install: --pass-port: '0' is not a TCP port (1-65535)|-|tunnel-install --device m0 --pass-port 0
numbers|65|xdpwire tunnel-install: --pass-port: '-22' is not a TCP port (1-65535)|-|tunnel-install --device m0 --pass-port -22
numbers|65|xdpwire tunnel-install: --pass-port: '4294967318' is not a TCP port (1-65535)|-|tunnel-install --device m0 --pass-port 4294967318
numbers|65|xdpwire status: --device-idx: '0' is not an interface index (1 or more)|-|status --device-idx 0
numbers|65|xdpwire status: --device-idx: '-3' is not an interface index (1 or more)|-|status --device-idx -3
numbers|65|xdpwire status: --device-idx: '18446744073709551617' is not an interface index (1 or more)|-|status --device-idx 18446744073709551617
numbers|65|xdpwire pin-gc: --device-idx: '0' is not an interface index (1 or more)|-|pin-gc --device-idx 0
numbers|65|xdpwire pin-gc: --device-idx: '-1' is not an interface index (1 or more)|-|pin-gc --device-idx -1
numbers|65|xdpwire pin-gc: --device-idx: '4294967297' is not an interface index (1 or more)|-|pin-gc --device-idx 4294967297
numbers|65|xdpwire scrape: --device-idx: '0' is not an interface index (1 or more)|-|scrape --device-idx 0
numbers|65|xdpwire scrape: --device-idx: '-1' is not an interface index (1 or more)|-|scrape --device-idx -1
numbers|65|xdpwire scrape: --device-idx: '4294967297' is not an interface index (1 or more)|-|scrape --device-idx 4294967297
numbers|65|xdpwire sockmap-insert: --queue: '4294967296' is not a queue number|-|sockmap-insert --device i0 --fd 0 --queue 4294967296
numbers|65|xdpwire sockmap-insert: --queue: '99999999999999999999' is not a queue number|-|sockmap-insert --device i0 --fd 0 --queue 99999999999999999999
numbers|65|xdpwire sockmap-insert: --fd: '-1' is not a descriptor number|-|sockmap-insert --device i0 --fd -1
numbers|65|xdpwire sockmap-insert: --fd: '2147483648' is not a descriptor number|-|sockmap-insert --device i0 --fd 2147483648
numbers|65|xdpwire sockmap-insert: --fd 1048576: not an open file descriptor|-|sockmap-insert --device i0 --fd 1048576
numbers|65|xdpwire sockmap-insert: --pid: '-1' is not a process id|-|sockmap-insert --device i0 --pid -1 --target-fd 3
numbers|65|xdpwire sockmap-insert: --pid: '4294967297' is not a process id|-|sockmap-insert --device i0 --pid 4294967297 --target-fd 3
numbers|65|xdpwire sockmap-insert: --target-fd: '-1' is not a descriptor number|-|sockmap-insert --device i0 --pid 1 --target-fd -1
numbers|65|xdpwire sockmap-insert: --target-fd: '4294967296' is not a descriptor number|-|sockmap-insert --device i0 --pid 1 --target-fd 4294967296
numbers|65|xdpwire sockmap-insert: --device-idx: '0' is not an interface index (1 or more)|-|sockmap-insert --device-idx 0 --fd 0
paths|65|xdpwire tunnel-install: @H/fifo: not a namespace (expected /proc/PID/ns/net or /run/netns/NAME)|-|tunnel-install --device m0 --netns $H/fifo
paths|65|xdpwire tunnel-install: @H/sock: not a namespace (expected /proc/PID/ns/net or /run/netns/NAME)|-|tunnel-install --device m0 --netns $H/sock
paths|65|xdpwire tunnel-install: /dev/null: not a namespace (expected /proc/PID/ns/net or /run/netns/NAME)|-|tunnel-install --device m0 --netns /dev/null
paths|65|xdpwire tunnel-install: @H/fifo-link: not a namespace (expected /proc/PID/ns/net or /run/netns/NAME)|-|tunnel-install --device m0 --netns $H/fifo-link
paths|65|xdpwire tunnel-install: /proc/self/ns/pid: not a network namespace|-|tunnel-install --device m0 --netns /proc/self/ns/pid
paths|66|xdpwire tunnel-install: /proc/@DEAD/ns/net: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)|-|tunnel-install --device m0 --netns /proc/$DEAD/ns/net
paths|65|xdpwire tunnel-install: @H/fifo: not a namespace (expected /proc/PID/ns/net or /run/netns/NAME)|-|tunnel-install --device h0 --peer ps1 --netns $H/fifo
paths|65|xdpwire tunnel-install: @H/fifo: not a directory (the bpffs root: --bpffs or XDPWIRE_BPFFS)|-|tunnel-install --device m0 --bpffs $H/fifo
paths|65|xdpwire tunnel-install: @H/bpffs-link: a symbolic link, not followed (the bpffs root: --bpffs or XDPWIRE_BPFFS)|-|tunnel-install --device m0 --bpffs $H/bpffs-link
paths|65|xdpwire sockmap-insert: @H/fifo: not a directory (the bpffs root: --bpffs or XDPWIRE_BPFFS)|-|sockmap-insert --device i0 --fd 0 --bpffs $H/fifo
paths|65|xdpwire sockmap-insert: @H/sock: not a directory (the bpffs root: --bpffs or XDPWIRE_BPFFS)|-|sockmap-insert --device i0 --fd 0 --bpffs $H/sock
paths|65|xdpwire sockmap-insert: /dev/null: not a directory (the bpffs root: --bpffs or XDPWIRE_BPFFS)|-|sockmap-insert --device i0 --fd 0 --bpffs /dev/null
paths|65|xdpwire sockmap-insert: @H/bpffs-link: a symbolic link, not followed (the bpffs root: --bpffs or XDPWIRE_BPFFS)|-|sockmap-insert --device i0 --fd 0 --bpffs $H/bpffs-link
paths|65|xdpwire sockmap-insert: /dev: not on a bpf filesystem|-|sockmap-insert --map /dev/null --fd 0
paths|65|xdpwire sockmap-insert: @H: not on a bpf filesystem|-|sockmap-insert --map $H/map-link --fd 0
paths|66|xdpwire sockmap-insert: /proc/@DEAD/ns/net: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)|-|sockmap-insert --device i0 --fd 0 --netns /proc/$DEAD/ns/net
paths|65|xdpwire sockmap-insert: /proc/self/ns/pid: not a network namespace|-|sockmap-insert --device i0 --fd 0 --netns /proc/self/ns/pid
paths|66|xdpwire redirect-install: /proc/@DEAD/ns/net: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)|-|redirect-install --device n0 --netns /proc/$DEAD/ns/net
paths|66|xdpwire pin-gc: /proc/@DEAD/ns/net: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)|-|pin-gc --netns /proc/$DEAD/ns/net
paths|66|xdpwire scrape: /proc/@DEAD/ns/net: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)|-|scrape --netns /proc/$DEAD/ns/net
paths|65|xdpwire scrape: /proc/self/ns/pid: not a network namespace|-|scrape --netns /proc/self/ns/pid
paths|65|xdpwire pin-gc: /proc/self/ns/pid: not a network namespace|-|pin-gc --netns /proc/self/ns/pid
paths|65|xdpwire status: @H/sock: not a directory (the bpffs root: --bpffs or XDPWIRE_BPFFS)|-|status --bpffs $H/sock
paths|65|xdpwire pin-gc: /dev/null: not a directory (the bpffs root: --bpffs or XDPWIRE_BPFFS)|-|pin-gc --bpffs /dev/null
paths|65|xdpwire status: @H/dir: not a bpf filesystem (mount one with: mount -t bpf -o mode=0700 bpf @H/dir)|-|status --bpffs $H/dir
fds|65|xdpwire sockmap-insert: --fd 1048575: not an open file descriptor|-|sockmap-insert --device i0 --fd 1048575
fds|65|xdpwire sockmap-insert: --fd 5: not an AF_XDP socket (it is an IPv4 socket)|fd 5 udp|sockmap-insert --device i0 --fd 5
fds|65|xdpwire sockmap-insert: --fd 6: not an AF_XDP socket (it is a pipe)|fd 6 fifo|sockmap-insert --device i0 --fd 6
fds|65|xdpwire sockmap-insert: --fd 7: not an AF_XDP socket (it is a directory)|fd 7 dir|sockmap-insert --device i0 --fd 7
fds|65|xdpwire sockmap-insert: process @HOLDER fd 0: not an AF_XDP socket (it is a pipe)|tcp_listener|sockmap-insert --device i0 --pid $HOLDER --target-fd 0
fds|66|xdpwire sockmap-insert: process @HOLDER: has no open descriptor 77|tcp_listener|sockmap-insert --device i0 --pid $HOLDER --target-fd 77
fds|65|xdpwire sockmap-insert: socket: not bound to a device yet (bind it first)|xsk_unbound|sockmap-insert --device i0 --pid $HOLDER --target-fd $HOLDER_FD
fds|65|xdpwire sockmap-insert: socket: bound to n0 (ifindex @ANY) queue 0, but the slot is i0 (ifindex @ANY) queue 0|xsk_elsewhere n0 0|sockmap-insert --device i0 --queue 0 --pid $HOLDER --target-fd $HOLDER_FD
fds|66|xdpwire sockmap-insert: process @DEAD: no such process|-|sockmap-insert --device i0 --pid $DEAD --target-fd 3
ROWS
)

@test "a hostile pin tree at each pin path of each command: refused, nothing followed" {
	run_table pins
}

@test "hostile names for each command: refused in one line" {
	run_table names
}

@test "hostile numbers for each command: 0, negative, huge" {
	run_table numbers
}

@test "hostile paths for each command: FIFO, socket, device, link, pid or dead namespace" {
	run_table paths
}

@test "hostile descriptors: closed, not a socket, TCP, UDP, AF_XDP unbound or bound elsewhere" {
	run_table fds
}
