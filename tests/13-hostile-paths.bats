#!/usr/bin/env bats
# Paths and strings a user names, hostile or mistaken: a FIFO, a socket, a
# device node, a symbolic link, a directory or a namespace of another kind
# where a network namespace or the bpffs is expected, and bytes that are
# control characters or not UTF-8.  Each is refused with one line and its
# documented code, changes nothing, and never hangs: every run is under
# timeout(1), so a regression fails (exit 124) instead of hanging CI.

load lib/test

setup_file() {
	bed_setup
	bed_ns node peer
	bed_veth node w0 peer pw0
	local d=$BED_DIR/hostile
	mkdir "$d" "$d/dir"
	mkfifo "$d/fifo"
	python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$d/sock"
	touch "$d/file"
	ln -s "$d/fifo" "$d/fifo-link"
	ln -s "$BPFFS" "$d/bpffs-link"
	ln -s "$BPFFS/w0" "$d/pindir-link"
	in_ns node "$XW" redirect-install -q --device w0
}

setup() {
	STATE_NS=node
	H=$BED_DIR/hostile
}

xw() {
	in_ns node timeout 10 "$XW" "$@"
}

NOT_NS="not a namespace (expected /proc/PID/ns/net or /run/netns/NAME)"

@test "--netns of a FIFO, socket, device, file, directory, link to a FIFO, pid namespace: exit 65, no hang; exited: 66" {
	local p cmd
	for p in "$H/fifo" "$H/sock" /dev/null /dev/zero "$H/file" "$H/dir" "$H/fifo-link"; do
		for cmd in status scrape pin-gc; do
			expect_refused 65 "xdpwire $cmd: $p: $NOT_NS" xw "$cmd" --netns "$p" || return
		done
		expect_refused 65 "xdpwire redirect-install: $p: $NOT_NS" \
			xw redirect-install --device w0 --netns "$p" || return
		expect_refused 65 "xdpwire sockmap-insert: $p: $NOT_NS" \
			xw sockmap-insert --device w0 --queue 0 --fd 0 --netns "$p" || return
		expect_refused_json 65 xw scrape --netns "$p" || return
	done
	# The FIFO was never opened for reading: a writer would still block.
	run -124 timeout 0.2 bash -c "echo x >'$H/fifo'"

	# A namespace of another kind, and that of an exited process.
	expect_refused 65 "xdpwire status: /proc/self/ns/pid: not a network namespace" \
		xw status --netns /proc/self/ns/pid
	expect_refused 65 "xdpwire scrape: /proc/self/ns/uts: not a network namespace" \
		xw scrape --netns /proc/self/ns/uts
	bed_bg sleep 600
	local pid=$BED_PID
	# SIGKILL: a TERM that lands between the fork and the exec runs the
	# shell's trap in the child, which then execs sleep and lives on.
	kill -KILL "$pid"
	poll_until 5000 bed_gone "$pid"
	expect_refused 66 "xdpwire status: /proc/$pid/ns/net: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)" \
		xw status --netns "/proc/$pid/ns/net"
}

@test "--bpffs and XDPWIRE_BPFFS of a FIFO, socket, device or symbolic link: exit 65, nothing followed" {
	local p why
	for p in "$H/fifo" "$H/sock" /dev/null "$H/fifo-link" "$H/bpffs-link"; do
		why="not a directory"
		[[ -L $p ]] && why="a symbolic link, not followed"
		expect_refused 65 "xdpwire status: $p: $why (the bpffs root: --bpffs or XDPWIRE_BPFFS)" \
			xw status --bpffs "$p" || return
		expect_refused 65 "xdpwire redirect-install: $p: $why (the bpffs root: --bpffs or XDPWIRE_BPFFS)" \
			xw redirect-install --device w0 --mode generic --bpffs "$p" || return
		XDPWIRE_BPFFS=$p expect_refused 65 "xdpwire pin-gc: $p: $why (the bpffs root: --bpffs or XDPWIRE_BPFFS)" \
			xw pin-gc || return
	done
}

@test "sockmap-insert --map in a FIFO, a socket, a file or a symbolic link to a pin directory: exit 65" {
	local p why
	for p in "$H/fifo" "$H/sock" "$H/file" "$H/pindir-link"; do
		why="not a directory"
		[[ -L $p ]] && why="a symbolic link, not followed"
		expect_refused 65 "xdpwire sockmap-insert: $p: $why" \
			xw sockmap-insert --map "$p/redirect_ip_map" --queue 0 --fd 0 || return
	done
}

@test "hostile bytes in arguments: one line each, control characters and invalid UTF-8 as \\xNN, valid UTF-8 kept" {
	# Rows: the exit code, the one stderr line, the arguments.
	local -a rows=(
		65 "xdpwire redirect-install: --mode: 'a\\x0ab' is not a mode (auto, native or generic)" redirect-install --device w0 --mode $'a\nb'
		65 "xdpwire redirect-install: --mode: '\\xff\\xfe' is not a mode (auto, native or generic)" redirect-install --device w0 --mode $'\xff\xfe'
		65 "xdpwire redirect-install: --mode: '\\xe2\\x82' is not a mode (auto, native or generic)" redirect-install --device w0 --mode $'\xe2\x82'
		65 "xdpwire redirect-install: --mode: '\\xc0\\xaf' is not a mode (auto, native or generic)" redirect-install --device w0 --mode $'\xc0\xaf'
		65 "xdpwire redirect-install: --mode: '\\xed\\xa0\\x80' is not a mode (auto, native or generic)" redirect-install --device w0 --mode $'\xed\xa0\x80'
		65 "xdpwire redirect-install: --mode: 'né€𝄞' is not a mode (auto, native or generic)" redirect-install --device w0 --mode 'né€𝄞'
		64 "xdpwire status: --\\xc2\\x9b2J: unknown option (see --help)" status $'--\xc2\x9b2J'
		64 "xdpwire: \\xff\\x1b: unknown command (see 'xdpwire --help')" $'\xff\e'
		64 "xdpwire __complete: \\x1b]0;x\\x07\\xff: unknown command" __complete $'\e]0;x\a\xff'
		66 "xdpwire status: /x\\xff\\x0axdpwire status: forged: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)" status --netns $'/x\xff\nxdpwire status: forged'
		66 "xdpwire redirect-install: b\\xff\\x7f: no such device" redirect-install --device $'b\xff\x7f'
	)
	# Row by row: bats's run uses i and n of its own.
	local at=0 rc line len
	while ((at < ${#rows[@]})); do
		rc=${rows[at]} line=${rows[at + 1]}
		len=3
		while ((at + len < ${#rows[@]})) && ! [[ ${rows[at + len]} =~ ^6[0-9]$ ]]; do
			len=$((len + 1))
		done
		expect_refused "$rc" "$line" xw "${rows[@]:at+2:len-2}" || return
		at=$((at + len))
	done
}

@test "-j: invalid UTF-8 in an argument still makes one valid JSON document, its bytes as \\xNN" {
	run -65 --separate-stderr xw redirect-install --device w0 --mode $'\xff\n\xe2\x82' -j
	assert_json '.exit_code == 65'
	assert_json '.error == "--mode: '"'"'\\xff\n\\xe2\\x82'"'"' is not a mode (auto, native or generic)"'
	assert_eq "$stderr" "xdpwire redirect-install: --mode: '\\xff\\x0a\\xe2\\x82' is not a mode (auto, native or generic)"
	# -p parses the document back: it must stay one valid document too.
	run -66 --separate-stderr xw status --netns $'/n\xc3' -p
	assert_json '.error == "/n\\xc3: no such network namespace (a /proc/PID/ns/net whose process has exited is gone too)"'
	# Valid UTF-8 is kept as it is.
	run -65 --separate-stderr xw redirect-install --device w0 --mode 'é' -j
	assert_json '.error == "--mode: '"'"'é'"'"' is not a mode (auto, native or generic)"'
}

@test "status: a pinned name of invalid UTF-8 and a C1 control is escaped in the table, valid JSON under -j" {
	local name=$'x\xff\xc2\x9by'
	bpftool map create "$BPFFS/w0/$name" type array key 4 value 4 entries 1 name theirs
	run -0 --separate-stderr xw status --device w0
	assert_eq "$(grep '(foreign)' <<<"$output" | sed -E 's/ +/ /g')" 'w0 (foreign) - x\xff\xc2\x9by' "foreign row"
	run -0 --separate-stderr xw status --device w0 -j
	assert_json '.directories[0].foreign == ["x\\xff\u009by"]'
	rm "$BPFFS/w0/$name"
}

@test "scrape's text: a device name with an escape sequence is shown escaped" {
	bed_ns esc escp
	bed_veth esc $'e\e[2Jx' escp pesc
	ipn esc addr add 10.99.0.1/24 dev $'e\e[2Jx'
	run -0 --separate-stderr in_ns esc timeout 10 "$XW" scrape
	assert_eq "$(grep -c $'\e' <<<"$output")" 0 "raw escape characters"
	assert_eq "$(grep -F 'e\x1b[2Jx (ifindex' <<<"$output" | cut -d' ' -f1)" 'e\x1b[2Jx' "the device's line"
}
