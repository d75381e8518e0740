#!/usr/bin/env bats
# Golden outputs: a sample of every command's stdout, stderr and exit code
# (help, refusals, and the main job in text, -j, -p, -q and -v) recorded on
# this bed and compared byte for byte with tests/golden/NAME.txt, one file
# per test, so that a refactor that changes one byte of output fails here
# with the diff.  What differs from run to run (ids, ifindexes, inodes, the
# bed's paths, the build's commit) is normalised by
# tests/lib/golden_filter.py.  After an intentional change of output:
#   XW_GOLDEN_UPDATE=1 XW_BATS_FILES=tests/16-golden.bats tests/run
# rewrites the golden files; review their diff before committing it.
#
# Each test works in a bpffs of its own, so its status and pin-gc see only
# its own installs and any test can run alone (XW_BATS_FILTER).

load lib/test
load lib/sandbox_state

COMMANDS=(redirect-install tunnel-install sockmap-insert scrape status pin-gc)

setup_file() {
	bed_setup
	bed_ns node peer sandbox
	# No IPv6 on the bed's pairs: a late DAD or router solicitation would
	# tick the counters that status prints.
	local ns
	for ns in node peer sandbox; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
}

GOLDEN_DIR=$XW_ROOT/tests/golden

# golden_begin NAME: starts the transcript of tests/golden/NAME.txt.
golden_begin() {
	GOLDEN_NAME=$1
	GOLDEN_RAW=$BED_DIR/golden-$1.raw
	: >"$GOLDEN_RAW"
}

# golden_part FILE: FILE into the transcript, and a mark when its last line
# has no newline (it would otherwise run into the next line unseen).
# Builtins only: a case is then one fork, the command's.
golden_part() {
	local text=
	IFS= read -r -d '' text <"$1" || :
	printf '%s' "$text" >>"$GOLDEN_RAW"
	[[ -z $text || $text == *$'\n' ]] || printf '\n<no newline at end>\n' >>"$GOLDEN_RAW"
}

# golden_entry LABEL RC OUT ERR: one case into the transcript: LABEL (the
# command line as the transcript shows it), the exit code RC, and the
# files OUT and ERR, its stdout and stderr.
golden_entry() {
	printf '$ %s\n= exit %d\n= stdout\n' "$1" "$2" >>"$GOLDEN_RAW"
	golden_part "$3"
	printf '= stderr\n' >>"$GOLDEN_RAW"
	golden_part "$4"
	printf '\n' >>"$GOLDEN_RAW"
}

# golden_record LABEL CMD...: runs CMD and records it as LABEL.
golden_record() {
	local label=$1 rc
	shift
	"$@" >"$BED_DIR/golden.out" 2>"$BED_DIR/golden.err" && rc=0 || rc=$?
	golden_entry "$label" "$rc" "$BED_DIR/golden.out" "$BED_DIR/golden.err"
	GOLDEN_RC=$rc
}

# golden_args ARGS...: sets GOLDEN_ARGS to the arguments as the transcript
# shows them, quoted only where a shell would need it.
golden_args() {
	local a
	GOLDEN_ARGS=
	for a; do
		printf -v a '%q' "$a"
		GOLDEN_ARGS+=${GOLDEN_ARGS:+ }$a
	done
}

# g NS ARGS...: xdpwire ARGS inside the bed's namespace NS ("-": this
# one), through nsenter as in_ns does (without its fork for the path).
g() {
	local ns=$1
	shift
	golden_args "$@"
	if [[ $ns == - ]]; then
		golden_record "xdpwire${GOLDEN_ARGS:+ $GOLDEN_ARGS}" "$XW" "$@"
	else
		golden_record "[$ns] xdpwire${GOLDEN_ARGS:+ $GOLDEN_ARGS}" \
			nsenter --net="/run/netns/$BED_ID-$ns" "$XW" "$@"
	fi
	# A status document of every state made here matches its schema.
	if [[ $1 == status ]] && json_asked "$@" && ((GOLDEN_RC <= 1)); then
		status_schema_check "$(<"$BED_DIR/golden.out")"
	fi
}

# golden_filter: the raw transcript on stdin, normalised on stdout.
# GOLDEN_SUBS: more "LITERAL=PLACEHOLDER" pairs a test adds (a PID).
golden_filter() {
	python3 "$XW_ROOT/tests/lib/golden_filter.py" \
		"$BPFFS=<BPFFS>" "$BED_DIR=<BED>" "$BED_ID=<BED_ID>" \
		${GOLDEN_SUBS[@]+"${GOLDEN_SUBS[@]}"}
}

# golden_end: compares the transcript with its golden file (the diff on
# failure), or writes the golden file with XW_GOLDEN_UPDATE=1.
golden_end() {
	local want=$GOLDEN_DIR/$GOLDEN_NAME.txt got=$BED_DIR/golden-$GOLDEN_NAME.txt
	golden_filter <"$GOLDEN_RAW" >"$got" || return
	if [[ ${XW_GOLDEN_UPDATE:-} == 1 ]]; then
		mkdir -p "$GOLDEN_DIR" && cp "$got" "$want"
		return
	fi
	[[ -f $want ]] || {
		echo "$want missing: XW_GOLDEN_UPDATE=1 writes it" >&2
		return 1
	}
	diff -u --label "golden/$GOLDEN_NAME.txt" --label "this run" "$want" "$got" >&2
}

# golden_bpffs NAME: a fresh bpffs for this test alone.
golden_bpffs() {
	BPFFS=$BED_DIR/bpffs-$1
	mkdir "$BPFFS" && mount -t bpf bpf "$BPFFS" || return
	export XDPWIRE_BPFFS=$BPFFS BPFFS
}

# dev NAME [ip link options]: a pair node:NAME <-> peer:pNAME.
dev() {
	local name=$1
	shift
	bed_veth node "$name" peer "p$name" "$@"
}

no_xdp() {
	[[ -z $(bed_prog_id node "$1") ]]
}

@test "help, usage and version of xdpwire and of every command" {
	golden_begin help
	local c
	g - --help
	g - -h
	g - --usage
	g - -V
	g - --version -j
	g - -V -p
	g - help
	g - help status
	g -
	g - nosuch
	g - nosuch --help
	for c in "${COMMANDS[@]}"; do
		g - "$c" -h
		g - "$c" --help
		g - "$c" --usage
		g - "$c" -V
		g - help "$c"
	done
	# A link named after a command runs that command.
	ln -s "$XW" "$BED_DIR/status"
	golden_record "status --usage (a link named status)" "$BED_DIR/status" --usage
	golden_end
}

@test "refusals of every command: one line on stderr (or one JSON document) and the exit code" {
	golden_begin refusals
	golden_bpffs refusals
	dev rf0
	local absent=$BED_DIR/absent sb
	sb=$(ns_path sandbox)
	g node redirect-install --bogus
	g node redirect-install --device $'rf\x01'
	g node redirect-install --device
	g node redirect-install --device rf0 --device-idx 2
	g node redirect-install
	g node redirect-install --device rf0 extra
	g node redirect-install --device rf0 --mode fast
	g node redirect-install --device rf0 --pass-port 70000
	g node redirect-install --device nosuch0
	g node redirect-install --device nosuch0 -j
	g node redirect-install --device nosuch0 -p
	g node redirect-install --device rf0 --bpffs "$absent"
	g node redirect-install --device rf0 --bpffs "$BED_DIR"
	g node redirect-install --device rf0 --netns "$absent"
	g node redirect-install --device rf0 --unpin

	g node tunnel-install --bogus
	g node tunnel-install --device rf0 --veth $'h\x1b'
	g node tunnel-install --device rf0 --veth
	g node tunnel-install --device rf0 --veth a --peer b --netns "$sb"
	g node tunnel-install --device rf0 --peer s0
	g node tunnel-install --veth rf0
	g node tunnel-install --device nosuch0
	g node tunnel-install --device rf0 --veth nosuch0
	g node tunnel-install --device rf0 --veth rf0 --pass-port 2222
	g node tunnel-install --device rf0 --bpffs "$absent" -j
	g node tunnel-install --device rf0 --unpin
	g node tunnel-install --device rf0 --address 10.99.0.1
	g node tunnel-install --device rf0 --veth a --force
	g node tunnel-install --device rf0 --veth a --addresses-from-netns
	g node tunnel-install --device rf0 --veth a --address 10.99.0.1 --unpin
	g node tunnel-install --device rf0 --veth a --address 10.99.0.1/24

	g node sockmap-insert --bogus
	g node sockmap-insert --device $'\x1b[0m' --fd 2
	g node sockmap-insert --device rf0 --fd
	g node sockmap-insert --device rf0 --fd 2 --pid 1
	g node sockmap-insert --device rf0
	g node sockmap-insert --device rf0 --pid 1
	g node sockmap-insert --device rf0 --fd 2
	g node sockmap-insert --device rf0 --fd 2 -j
	g node sockmap-insert --map "$absent" --fd 2
	g node sockmap-insert --device rf0 --queue -1 --delete
	g node sockmap-insert --device rf0 --delete --bpffs "$absent"

	g node scrape --bogus
	g node scrape --device $'d\t0'
	g node scrape --netns
	g node scrape --steal --restore
	g node scrape --force
	g node scrape --netns "$absent"
	g node scrape --netns /etc/hostname
	g node scrape --netns "$sb" --device nosuch0
	g node scrape --netns "$sb" --device nosuch0 -j
	g node scrape extra

	g node status --bogus
	g node status --device $'a\nb'
	g node status --device
	g node status --device gone0
	g node status --device gone0 -j
	g node status --bpffs "$absent"
	g node status --bpffs "$BED_DIR"
	g node status extra

	g node pin-gc --bogus
	g node pin-gc --device $'\x7f'
	g node pin-gc --bpffs
	g node pin-gc --bpffs "$absent"
	g node pin-gc --device ..
	g node pin-gc --device gone0 -p
	golden_end
}

@test "redirect-install: install, re-run, -j, -p, -q, -v, mode and port changes, --unpin" {
	golden_begin redirect-install
	golden_bpffs redirect
	dev gr0 numrxqueues 2
	dev gr1
	g node redirect-install --device gr0
	g node redirect-install --device gr0
	g node redirect-install --device gr0 -j
	g node redirect-install --device gr0 -p
	g node redirect-install --device gr0 -q
	g node redirect-install --device gr0 -v
	g node redirect-install --device gr0 --mode generic -v
	g node redirect-install --device gr0 --mode native -j
	g node redirect-install --device gr0 --pass-port 22 --pass-port 2222
	g node redirect-install --device gr0 --pass-port 2222 --pass-port 22 -j
	g node redirect-install --device gr0 --unpin
	g node redirect-install --device gr0 --unpin
	g node redirect-install --device gr0 --mode generic -j
	g node redirect-install --device gr0 --unpin -j
	g node redirect-install --device gr0 -q
	g node redirect-install --device gr0 --unpin -v
	g node redirect-install --device gr0 --unpin -p
	# By interface index, and from outside the device's namespace: pins
	# under netns:<inode>/, which status shows from here.
	local node
	node=$(ns_path node)
	golden_record "[node] xdpwire redirect-install --device-idx <IFINDEX of gr0> -j" \
		in_ns node "$XW" redirect-install --device-idx "$(ipn node -j link show gr0 | jq '.[0].ifindex')" -j
	g - redirect-install --netns "$node" --device gr1 --mode generic
	g - status
	g - status -j
	g - redirect-install --netns "$node" --device gr1 --unpin -j
	g node redirect-install --device gr0 --unpin -q
	golden_end
}

@test "tunnel-install: the node's NIC, sandboxes by --veth and by --peer, registered with addresses, -j, --unpin" {
	golden_begin tunnel-install
	golden_bpffs tunnel
	local sb
	sb=$(ns_path sandbox)
	dev gn0
	bed_veth node gh0 sandbox gs0
	bed_veth node gh1 sandbox gs1
	bed_veth node gh2 sandbox gs2
	bed_veth node gh3 sandbox gs3
	g node tunnel-install --device gn0
	g node tunnel-install --device gn0
	g node tunnel-install --device gn0 -j
	g node tunnel-install --device gn0 --veth gh0
	g node tunnel-install --device gn0 --veth gh0 -j
	g node tunnel-install --device gn0 --peer gs1 --netns "$sb" -j
	g node tunnel-install --device gn0 --veth gh1 -v
	g node tunnel-install --device gn0 --pass-port 2222 -p
	g node tunnel-install --device gn0 --veth gh0 --unpin
	g node tunnel-install --device gn0 --veth gh0 --unpin
	g node tunnel-install --device gn0 --peer gs1 --netns "$sb" -j
	g node tunnel-install --device gn0 --peer gs1 --netns "$sb" -v
	g node tunnel-install --device gn0 --peer gs1 --netns "$sb" --unpin -j
	g node tunnel-install --device gn0 --veth gh2 --address 10.99.1.2 --address fd99::1:2
	g node tunnel-install --device gn0 --veth gh2 --address fd99::1:2 --address 10.99.1.2 -j
	g node tunnel-install --device gn0 --veth gh3 --address 10.99.1.2
	g node tunnel-install --device gn0 --veth gh3 --address 10.99.1.3 -j
	g node tunnel-install --device gn0 --veth gh3 --unpin -j
	g node tunnel-install --device gn0 --veth gh0 -q
	g node tunnel-install --device gn0 --unpin -j
	g node tunnel-install --device gn0 --unpin
	golden_end
}

@test "sockmap-insert: a socket by --pid and by --fd, again, --replace, --delete, and its refusals" {
	golden_begin sockmap-insert
	golden_bpffs sockmap
	dev gq0 numrxqueues 2
	dev gq1
	in_ns node "$XW" redirect-install --device gq0 -q
	xsk_hold node gq0 1
	GOLDEN_SUBS=("$XSK_PID=<PID>")
	local fd
	fd=$(xsk_target_fd)
	g node sockmap-insert --device gq0 --pid "$XSK_PID" --target-fd "$fd"
	g node sockmap-insert --device gq0 --pid "$XSK_PID" --target-fd "$fd"
	g node sockmap-insert --device gq0 --pid "$XSK_PID" --target-fd "$fd" --replace -j
	g node sockmap-insert --device gq0 --queue 0 --pid "$XSK_PID" --target-fd "$fd"
	g node sockmap-insert --device gq1 --pid "$XSK_PID" --target-fd "$fd"
	g node sockmap-insert --map "$BPFFS/gq0/redirect_ip_map" --pid "$XSK_PID" --target-fd "$fd" -p
	g node sockmap-insert --device gq0 --pid "$XSK_PID" --target-fd 0
	g node sockmap-insert --device gq0 --queue 1 --delete
	g node sockmap-insert --device gq0 --queue 1 --delete -j
	g node sockmap-insert --device gq0 --queue 1 --delete -v
	g node sockmap-insert --device gq0 --queue 9 --delete
	xsk_stop
	# An inherited descriptor (--fd): inserted by a shell the receiver
	# starts with its socket, bound to queue 0; each run's exit code and
	# outputs go to files of its own.
	in_ns node "$XW_HELPERS/xw-xsk-recv" --dev gq0 --queue 0 --timeout-ms 0 -- \
		env XW="$XW" D="$BED_DIR" sh -c 'FD=$1
			xw() { n=$1; shift; "$XW" sockmap-insert --device gq0 --fd "$FD" "$@" \
			>"$D/fd$n.out" 2>"$D/fd$n.err"; echo $? >"$D/fd$n.rc"; }
			xw 1 -j; xw 2; xw 3 --queue 1; xw 4 --delete -q; xw 5 -v' \
		sh '{fd}' >/dev/null 2>&1 || :
	local n args=("" " -j" "" " --queue 1" " --delete -q" " -v")
	for n in 1 2 3 4 5; do
		golden_entry "[node] xdpwire sockmap-insert --device gq0 --fd <FD>${args[n]}" \
			"$(cat "$BED_DIR/fd$n.rc")" "$BED_DIR/fd$n.out" "$BED_DIR/fd$n.err"
	done
	golden_end
}

# scrape_ns: the namespace scr (its veths' other ends in scrp), with one
# of everything scrape reads and nothing the kernel makes up by itself
# (fixed MACs, no link-local IPv6, no DAD): its output is the same every
# run.
scrape_ns() {
	bed_ns scr scrp
	local d
	for d in 0 1 2; do
		ipn scr link add "d$d" address "02:00:00:00:0d:0$d" type veth \
			peer name "e$d" address "02:00:00:00:0e:0$d" netns "$BED_ID-scrp"
		ipn scr link set "d$d" addrgenmode none
		ipn scrp link set "e$d" addrgenmode none
		ipn scrp link set "e$d" up
	done
	ipn scr link set d0 mtu 1400
	for d in d0 d1 d2; do
		ipn scr link set "$d" up
	done
	ipn scr addr add 10.90.0.2/24 dev d0
	ipn scr addr add 10.90.1.2/24 dev d1
	ipn scr addr add 2001:db8:90::2/64 dev d0 nodad
	ipn scr route add default via 10.90.0.1 dev d0
	ipn scr route add 10.91.0.0/16 via 10.90.1.1 dev d1
	ipn scr -6 route add default via 2001:db8:90::1 dev d0
	ipn scr neigh replace 10.90.0.1 lladdr 02:00:00:00:0e:01 nud permanent dev d0
	ipn scr neigh replace 2001:db8:90::1 lladdr 02:00:00:00:0e:02 nud permanent dev d0
}

@test "scrape: a namespace in text, -j, -p, by --device, --steal and --restore" {
	golden_begin scrape
	scrape_ns
	local scr
	scr=$(ns_path scr)
	g - scrape --netns "$scr"
	g - scrape --netns "$scr" -j
	g - scrape --netns "$scr" -p
	g - scrape --netns "$scr" --device d1
	g - scrape --netns "$scr" --device d0 -j
	g - scrape --netns "$scr" --device d2 -v
	g scr scrape -j
	g - scrape --netns "$scr" --restore
	g - scrape --netns "$scr" --device d1 --steal -j
	g - scrape --netns "$scr" --device d1 -j
	g - scrape --netns "$scr" --steal
	g - scrape --netns "$scr" -j
	golden_end
}

@test "status and pin-gc: installs ok, broken, stale and foreign; dry run, real run, --repair" {
	golden_begin status-pin-gc
	golden_bpffs status
	dev sa0
	dev sn0
	dev sh0
	dev sx0
	dev sb0
	dev sk0
	g node status
	g node pin-gc
	g node pin-gc -j
	in_ns node "$XW" redirect-install --device sa0 -q
	in_ns node "$XW" tunnel-install --device sn0 -q
	in_ns node "$XW" tunnel-install --device sn0 --veth sh0 -q
	in_ns node "$XW" redirect-install --device sx0 -q
	in_ns node "$XW" redirect-install --device sb0 -q
	bpftool map create "$BPFFS/sa0/theirs" type array key 4 value 4 entries 1 name theirs
	g node status
	g node status -j
	g node status --check -q
	g node status --device sa0 -p
	# Stale: a device deleted behind its install.  Broken: a pin lost.
	# Half-way: an install killed before it pinned its link.
	ipn node link del sx0
	poll_until 5000 eval '[[ $(in_ns node "$XW" status -j --device sx0 | jq -r ".directories[0].installs[0].health") == stale ]]'
	rm "$BPFFS/sb0/redirect_program"
	# sn0's sandboxes: sh0 committed (ok), ifindex 99999 gone (stale).
	SANDBOX_NS=node owner_set "$BPFFS/sn0" 10.80.1.1 \
		"$(ipn node -j link show sh0 | jq '.[0].ifindex')" >/dev/null
	SANDBOX_NS=node sandbox_commit "$BPFFS/sn0" \
		"$(ipn node -j link show sh0 | jq '.[0].ifindex')"
	SANDBOX_NS=node owner_set "$BPFFS/sn0" 10.80.1.9 99999 >/dev/null
	in_ns node env XDPWIRE_TEST_FAULT=kill:pin-link "$XW" redirect-install --device sk0 -q || :
	poll_until 5000 no_xdp sk0
	g node status
	g node status -j
	g node status --check
	g node status --device sb0 -v
	g node status --device sx0 -j
	g node pin-gc --dry-run
	g node pin-gc --dry-run -j
	g node pin-gc --device sb0
	g node pin-gc -v
	g node pin-gc
	g node pin-gc --repair --dry-run
	g node pin-gc --repair -j
	g node status
	g node status --check
	g node pin-gc -p
	golden_end
}
