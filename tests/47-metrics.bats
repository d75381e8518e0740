#!/usr/bin/env bats
# status --metrics on real installs, read by a real Prometheus parser
# (tests/lib/metrics_check.py, the Python client's): every family with its
# type, help and labels; the packet counters move by exactly the frames
# sent, as bpftool reads the counters map; the program's run statistics
# only while kernel.bpf_stats_enabled is on; a broken install's health;
# --output replaces its file whole or not at all, and refuses a symbolic
# link, a FIFO and a directory others can write.

load lib/test

setup_file() {
	bed_setup
	bed_ns node peer
	# IPv4 only and static ARP: no frame crosses x0 that a test did not
	# send, so its counters can be compared exactly.
	ipn node link add x0 type veth peer name px0 netns "$BED_ID-peer"
	in_ns node sysctl -qw net.ipv6.conf.x0.disable_ipv6=1
	in_ns peer sysctl -qw net.ipv6.conf.px0.disable_ipv6=1
	ipn node link set x0 up
	ipn peer link set px0 up
	ipn node addr add 10.47.0.1/24 dev x0
	ipn peer addr add 10.47.0.2/24 dev px0
	ipn node neigh replace 10.47.0.2 nud permanent dev x0 \
		lladdr "$(ipn peer -j link show dev px0 | jq -r '.[0].address')"
	ipn peer neigh replace 10.47.0.1 nud permanent dev px0 \
		lladdr "$(ipn node -j link show dev x0 | jq -r '.[0].address')"
	in_ns node "$XW" redirect-install --device x0 -q
	# A tunnel host with one veth wired: sandboxes and owner tables.
	bed_veth node n0 peer pn0
	bed_veth node h0 peer ph0
	in_ns node "$XW" tunnel-install --device n0 -q
	in_ns node "$XW" tunnel-install --device n0 --veth h0 -q
	# Machine-wide: whatever it was is put back at the end, even on
	# failure (teardown_file below).
	sysctl -n kernel.bpf_stats_enabled >"$BED_DIR/bpf_stats_enabled"
}

teardown_file() {
	restore_stats
	bed_teardown
}

teardown() {
	restore_stats
}

restore_stats() {
	[[ -s ${BED_DIR:-}/bpf_stats_enabled ]] &&
		sysctl -qw kernel.bpf_stats_enabled="$(cat "$BED_DIR/bpf_stats_enabled")"
	return 0
}

# metrics [ARGS...]: status --metrics in the node namespace, checked by
# the parser; $output is then the samples as JSON (metrics_check.py).
metrics() {
	local text rc=0
	text=$(in_ns node "$XW" status --metrics "$@") || rc=$?
	((rc <= 1)) || { echo "status --metrics $*: exit $rc" >&2 && return 1; }
	output=$(/usr/bin/python3 "$XW_ROOT/tests/lib/metrics_check.py" - <<<"$text") || {
		printf '%s\n' "$text" >&2
		return 1
	}
}

# value NAME JQ-CONDITION: the value of the one sample NAME whose labels
# meet the condition (e.g. '.device == "x0" and .reason == "no_target"').
value() {
	local v
	v=$(jq -r --arg n "$1" "[.[] | select(.name == \$n and (.labels | $2)) | .value] |
		if length == 1 then .[0] else error(\"\(length) samples\") end" <<<"$output") ||
		{ echo "value $1 where $2: not one sample" >&2 && return 1; }
	# Counters and gauges print as integers; the parser reads floats.
	printf '%s\n' "${v%.0}"
}

probe() {
	in_ns peer "$XW_HELPERS/xw-netprobe" "$@"
}

counter() {
	bed_counter "$BPFFS/x0/redirect_counters" "$1"
}

@test "every family parses, with its type, help and labels; ids as bpftool sees them" {
	local prog link
	metrics
	# The run statistics come and go with kernel.bpf_stats_enabled (below).
	assert_json '[.[].name | select(startswith("xdpwire_program_run") | not)] | unique ==
		["xdpwire_build_info", "xdpwire_install_health", "xdpwire_install_info",
		"xdpwire_install_ok", "xdpwire_owner_table_size", "xdpwire_owner_table_used",
		"xdpwire_packets_total", "xdpwire_sandboxes", "xdpwire_slots"]'
	# The installs, one info series each, by kind.
	assert_json '[.[] | select(.name == "xdpwire_install_info") | .labels | [.device, .kind, .netns]] | sort ==
		[["h0", "tunnel_veth", ""], ["n0", "tunnel_host", ""], ["x0", "redirect", ""]]'
	prog=$(bed_prog_id node x0)
	link=$(bpftool link show pinned "$BPFFS/x0/redirect_link" -j | jq -r .id)
	[[ -n $prog && -n $link ]]
	assert_eq "$(value xdpwire_install_info '.device == "x0"')" 1 "info"
	assert_json '.[] | select(.name == "xdpwire_install_info" and .labels.device == "x0") | .labels |
		.program_id == "'"$prog"'" and .link_id == "'"$link"'" and .program_name == "xw_redirect" and .mode == "native"'
	# The owner tables' sizes, as bpftool reads the maps.
	assert_eq "$(value xdpwire_owner_table_size '.device == "n0" and .family == "ipv4"')" \
		"$(bpftool map show pinned "$BPFFS/n0/tunnel_host_ipv4_owner_map" -j | jq .max_entries)" "ipv4 table size"
	assert_eq "$(value xdpwire_owner_table_used '.device == "n0" and .family == "ipv6"')" 0 "ipv6 table used"
	assert_eq "$(value xdpwire_sandboxes '.device == "n0" and .state == "committed"')" 0 "sandboxes"
	# The NIC's slot 0 holds h0, h0's holds n0: both filled.
	assert_eq "$(value xdpwire_slots '.device == "n0" and .state == "filled"')" 1 "n0's slot"
	assert_eq "$(value xdpwire_slots '.device == "h0" and .state == "filled"')" 1 "h0's slot"
	# An XSKMAP's queues: sockets known or not, every queue is counted.
	assert_eq "$(jq '[.[] | select(.name == "xdpwire_slots" and .labels.device == "x0") | .value] | add' <<<"$output")" \
		"$(bpftool map show pinned "$BPFFS/x0/redirect_ip_map" -j | jq .max_entries)" "x0's queues"
	# No socket is bound to x0: this kernel says so (sock_diag or the
	# netdev queue list), so no queue is unknown.
	assert_eq "$(value xdpwire_slots '.device == "x0" and .state == "unknown"')" 0 "x0's unknown queues"
	assert_eq "$(value xdpwire_slots '.device == "x0" and .state == "filled"')" 0 "x0's filled queues"
	assert_eq "$(value xdpwire_build_info 'true')" 1 "build info"
	assert_json '.[] | select(.name == "xdpwire_build_info") | .labels.version == "'"$("$XW" --version | awk 'NR == 1 { print $2 }')"'"'
}

@test "xdpwire_packets_total moves by exactly the frames sent, as bpftool reads the counters" {
	local before
	metrics
	before=$output
	# No socket at any queue: every UDP datagram goes to the kernel.
	probe udp-send 10.47.0.1 9999 17
	# Nobody listens on 22: one SYN each, answered by a reset.
	run -2 probe tcp-connect 10.47.0.1 22 2000
	run -2 probe tcp-connect 10.47.0.1 22 2000
	run -2 probe tcp-connect 10.47.0.1 22 2000
	metrics
	local r b a
	for r in forwarded pass_port no_target malformed; do
		b=$(output=$before value xdpwire_packets_total ".device == \"x0\" and .reason == \"$r\"")
		a=$(value xdpwire_packets_total ".device == \"x0\" and .reason == \"$r\"")
		case $r in
		no_target) assert_eq "$((a - b))" 17 "no_target frames" ;;
		pass_port) assert_eq "$((a - b))" 3 "pass_port frames" ;;
		*) assert_eq "$((a - b))" 0 "$r frames" ;;
		esac
		assert_eq "$a" "$(counter "$r")" "$r as bpftool reads it"
	done
	assert_json '[.[] | select(.name == "xdpwire_packets_total" and .type == "counter")] | length == 12'
}

@test "the program's runs and run time: absent while kernel.bpf_stats_enabled is off, counted while on" {
	local prog runs
	sysctl -qw kernel.bpf_stats_enabled=0
	# A program that never ran with the statistics on has none counted.
	ipn node link add s0 type veth peer name ps0
	ipn node link set s0 up
	in_ns node "$XW" redirect-install --device s0 -q
	metrics --device s0
	assert_json '[.[] | select(.name | startswith("xdpwire_program_run"))] == []'
	sysctl -qw kernel.bpf_stats_enabled=1
	metrics --device s0
	assert_eq "$(value xdpwire_program_runs_total '.device == "s0"')" 0 "runs, on, before any frame"
	# x0's program: the datagrams it ran for while counting.
	probe udp-send 10.47.0.1 9999 5
	metrics --device x0
	prog=$(bed_prog_id node x0)
	runs=$(bpftool prog show id "$prog" -j | jq .run_cnt)
	assert_eq "$(value xdpwire_program_runs_total '.device == "x0"')" "$runs" "runs as bpftool reads them"
	((runs >= 5))
	assert_json '.[] | select(.name == "xdpwire_program_run_seconds_total") | .value > 0'
	# Off again: what was counted stays, since it is not nothing.
	sysctl -qw kernel.bpf_stats_enabled=0
	metrics --device x0
	assert_eq "$(value xdpwire_program_runs_total '.device == "x0"')" "$runs" "runs kept"
	in_ns node "$XW" redirect-install --device s0 --unpin -q
}

@test "a broken install (its program unpinned): the health state set says broken, and --check exits 1" {
	ipn node link add b0 type veth peer name pb0
	ipn node link set b0 up
	in_ns node "$XW" redirect-install --device b0 -q
	rm "$BPFFS/b0/redirect_program"
	metrics --device b0
	assert_json '[.[] | select(.name == "xdpwire_install_health") | {(.labels.health): .value}] | add ==
		{"ok": 0, "stale": 0, "broken": 1, "other-netns": 0}'
	assert_eq "$(value xdpwire_install_ok '.device == "b0"')" 0 "install_ok"
	run -1 --separate-stderr in_ns node "$XW" status --metrics --check --device b0
	[[ $output == *'xdpwire_install_ok{device="b0",kind="redirect",netns=""} 0'* ]]
	assert_eq "$stderr" "" "stderr"
	run -0 in_ns node "$XW" status --metrics --check --device x0
	in_ns node "$XW" pin-gc --repair --device b0 -q
	in_ns node "$XW" redirect-install --device b0 --unpin -q
}

@test "label values are escaped as the format says: a device named q\"\\x" {
	local dev='q"\x'
	ipn node link add "$dev" type veth peer name pq0
	in_ns node "$XW" redirect-install --device "$dev" --mode generic -q
	run -0 in_ns node "$XW" status --metrics --device "$dev"
	[[ $output == *'xdpwire_install_ok{device="q\"\\x",kind="redirect",netns=""} '* ]]
	metrics --device "$dev"
	assert_json '[.[] | select(.name == "xdpwire_install_info") | .labels | [.device, .mode]] == [["q\"\\x", "generic"]]'
	in_ns node "$XW" redirect-install --device "$dev" --unpin -q
	ipn node link del "$dev"
}

@test "an install made with --netns: the netns label is its namespace's inode" {
	ipn node link add z0 type veth peer name pz0
	ipn node link set z0 up
	"$XW" redirect-install --netns "$(ns_path node)" --device z0 -q
	run -0 "$XW" status --metrics --netns "$(ns_path node)"
	output=$(/usr/bin/python3 "$XW_ROOT/tests/lib/metrics_check.py" - <<<"$output")
	assert_json '[.[] | select(.name == "xdpwire_install_info") | .labels | [.device, .netns]] ==
		[["z0", "'"$(stat -L -c %i "$(ns_path node)")"'"]]'
	"$XW" redirect-install --netns "$(ns_path node)" --device z0 --unpin -q
}

# promdir: a new directory for --output, as node_exporter's would be:
# root's, 0755.
promdir() {
	PROM=$BED_DIR/prom-$BATS_TEST_NUMBER
	mkdir -m 0755 "$PROM"
}

@test "--output replaces its file whole: a new inode each time, mode 0644, says so, nothing else left" {
	local ino
	promdir
	run -0 --separate-stderr in_ns node "$XW" status --metrics --output "$PROM/xdpwire.prom"
	assert_eq "${lines[0]}" "wrote metrics $PROM/xdpwire.prom" "stdout"
	[[ ${#lines[@]} == 2 && ${lines[1]} =~ ^[0-9]+' install(s), '[0-9]+' ok, 0 not'$ ]]
	assert_eq "$stderr" "" "stderr"
	output=$(/usr/bin/python3 "$XW_ROOT/tests/lib/metrics_check.py" "$PROM/xdpwire.prom")
	assert_eq "$(value xdpwire_install_ok '.device == "x0"')" 1 "x0 ok in the file"
	assert_eq "$(stat -c %a "$PROM/xdpwire.prom")" 644 "mode"
	ino=$(stat -c %i "$PROM/xdpwire.prom")
	# -q: nothing said; a rename put a new file in place.
	run -0 --separate-stderr in_ns node "$XW" status --metrics --output "$PROM/xdpwire.prom" -q
	assert_eq "$output$stderr" "" "output with -q"
	[[ $(stat -c %i "$PROM/xdpwire.prom") != "$ino" ]]
	assert_eq "$(ls -A "$PROM")" xdpwire.prom "the directory"
}

@test "--output: a failure before the rename leaves the old file as it was; a crash leaves a dot file the collector skips" {
	local old
	promdir
	printf 'old\n' >"$PROM/xdpwire.prom"
	old=$(stat -c %i "$PROM/xdpwire.prom")
	run -71 --separate-stderr env XDPWIRE_TEST_FAULT=metrics-rename \
		nsenter --net="$(ns_path node)" "$XW" status --metrics --output "$PROM/xdpwire.prom"
	[[ $stderr == "xdpwire status: $PROM: cannot write .xdpwire.prom."*".tmp: Input/output error" ]]
	assert_eq "$output" "" "stdout"
	assert_eq "$(cat "$PROM/xdpwire.prom")" old "the file"
	assert_eq "$(stat -c %i "$PROM/xdpwire.prom")" "$old" "its inode"
	assert_eq "$(ls -A "$PROM")" xdpwire.prom "the directory"
	run -137 env XDPWIRE_TEST_FAULT=kill:metrics-rename \
		nsenter --net="$(ns_path node)" "$XW" status --metrics --output "$PROM/xdpwire.prom"
	assert_eq "$(cat "$PROM/xdpwire.prom")" old "the file after a crash"
	run -0 ls -A "$PROM"
	[[ ${#lines[@]} == 2 && ${lines[0]} == .xdpwire.prom.*.tmp && ${lines[1]} == xdpwire.prom ]]
	rm "$PROM"/.xdpwire.prom.*.tmp
}

@test "--output refuses a symbolic link, a FIFO, and a directory others can write or another user owns" {
	promdir
	printf 'theirs\n' >"$BED_DIR/target"
	ln -s "$BED_DIR/target" "$PROM/link.prom"
	expect_refused 65 "xdpwire status: $PROM/link.prom: is a symbolic link, not followed" \
		in_ns node "$XW" status --metrics --output "$PROM/link.prom"
	assert_eq "$(cat "$BED_DIR/target")" theirs "the link's target"
	mkfifo "$PROM/fifo.prom"
	expect_refused 65 "xdpwire status: $PROM/fifo.prom: not a regular file" \
		timeout 10 nsenter --net="$(ns_path node)" "$XW" status --metrics --output "$PROM/fifo.prom"
	local mode
	for mode in 0777 1777 0775; do
		chmod "$mode" "$PROM"
		expect_refused 65 "xdpwire status: $PROM: directory owned by uid 0 with mode $mode: refusing to write in a directory not owned by uid 0 or root, or writable by group or others" \
			in_ns node "$XW" status --metrics --output "$PROM/x.prom"
	done
	chmod 0755 "$PROM"
	chown 4242 "$PROM"
	expect_refused 65 "xdpwire status: $PROM: directory owned by uid 4242 with mode 0755: refusing to write in a directory not owned by uid 0 or root, or writable by group or others" \
		in_ns node "$XW" status --metrics --output "$PROM/x.prom"
	chown 0 "$PROM"
	assert_eq "$(ls -A "$PROM" | sort | tr '\n' ' ')" "fifo.prom link.prom " "the directory"
}

@test "usage: --metrics with -j or -p, --output without --metrics, -q without --output or --check" {
	local line="xdpwire status: --metrics: cannot be combined with -j/--json or -p/--pretty: the metrics are text (see --help)"
	# Under -j the refusal is the JSON error document, as every one is.
	expect_refused_json 64 in_ns node "$XW" status --metrics
	assert_eq "$stderr" "$line" "stderr with -j"
	assert_json '.error == "--metrics: cannot be combined with -j/--json or -p/--pretty: the metrics are text (see --help)"'
	run -64 --separate-stderr in_ns node "$XW" status -p --metrics --output "$BED_DIR/x.prom"
	assert_eq "$stderr" "$line" "stderr with -p"
	[[ ! -e $BED_DIR/x.prom ]]
	expect_refused 64 "xdpwire status: --output: applies only with --metrics (see --help)" \
		in_ns node "$XW" status --output "$BED_DIR/x.prom"
	expect_refused 64 "xdpwire status: -q/--quiet: does not apply to status without --check or --output (see --help)" \
		in_ns node "$XW" status --metrics -q
}
