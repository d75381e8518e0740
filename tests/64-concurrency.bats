#!/usr/bin/env bats
# Concurrent runs (issue 12 item 9).  First the two races made
# deterministic: a run held by strace's delay injection at the instant
# that matters (between creating its pin directory and locking it; right
# after creating it), while another install or pin-gc goes through.  Then
# rounds of 16 concurrent mixed runs whose outcome is decidable (two of
# them held the same way, as a preempted process would be), each checked
# exactly: every run's exit code is one its man page documents and its -j
# output one document, exactly one run reports each change, no insert that
# reported success is missing, pin-gc finds nothing to do, every install
# is ok afterwards.  XW_LONG=1 runs 40 rounds instead of 3.

load lib/test

setup_file() {
	bed_setup
	bed_ns node peer
	local d
	for d in r0 probe0; do
		bed_veth node "$d" peer "p$d" numrxqueues 4
	done
	for d in r1 g0 u0 n0 h0 n1 h1 d1 d2 d3; do
		bed_veth node "$d" peer "p$d"
	done
}

setup() {
	STATE_NS=node
	# A loaded machine must not turn a wait into exit 75 here: these
	# tests count changes, and a run that gave up changed nothing.
	export XDPWIRE_LOCK_TIMEOUT_MS=120000
}

xw() {
	in_ns node "$XW" "$@"
}

# delayed SYSCALL CMD...: CMD in node, each SYSCALL it makes held back
# (DELAY_US, 1 s by default) on entry (mkdirat: on exit), as a preempted
# process would be, so another run can go through there.
delayed() {
	local sc=$1 when=delay_enter
	shift
	[[ $sc == mkdirat ]] && when=delay_exit
	# LeakSanitizer cannot run under ptrace (make check SAN=1).
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		in_ns node strace -f -qq -o /dev/null -e trace="$sc" \
			-e inject="$sc:$when=${DELAY_US:-1000000}" "$XW" "$@"
}

@test "two installs from nothing: the run that created the directory is the one that installs; the other changes nothing" {
	local out=$BED_DIR/t1
	# A's flocks are delayed: on a tree where A locks its new directory
	# after making it, B takes the lock first and installs.
	delayed flock redirect-install --device d1 -j >"$out.a" 2>"$out.a.err" &
	local a=$!
	poll_until 10000 test -d "$BPFFS/d1"
	run -0 --separate-stderr xw redirect-install --device d1 -j
	local b=$output
	wait "$a"
	run -0 cat "$out.a"
	local both
	both=$(jq -sc '[.[] | {changed, created: ([.changes[] | select(.action == "created")] | length), pinned: ([.changes[] | select(.action == "pinned")] | length)}] | sort_by(.changed)' <<<"$output$b")
	assert_eq "$both" '[{"changed":false,"created":0,"pinned":0},{"changed":true,"created":1,"pinned":4}]' "the two runs' reports"
	assert_eq "$(cat "$out.a.err")" "" "stderr of the delayed run"
	run -0 --separate-stderr xw status -j --device d1
	assert_json '[.directories[0].installs[].health] == ["ok"]'
	xw redirect-install --device d1 --unpin -q
}

@test "pin-gc never removes the directory an install has just created: the install converges" {
	local out=$BED_DIR/t2
	# A is held right after its mkdirat(): pin-gc must not find the new,
	# empty, marked directory before A has it locked.
	delayed mkdirat redirect-install --device d2 -j >"$out.a" 2>"$out.a.err" &
	local a=$!
	poll_until 10000 test -d "$BPFFS/d2"
	run -0 --separate-stderr xw pin-gc -j
	assert_json '.changed == false and .changes == []'
	local rc=0
	wait "$a" || rc=$?
	assert_eq "$rc $(cat "$out.a.err")" "0 " "exit code and stderr of the install"
	run -0 cat "$out.a"
	assert_json '.changed and ([.changes[] | select(.action == "created" and .object == "directory")] | length) == 1'
	run -0 --separate-stderr xw status -j --device d2
	assert_json '[.directories[0].installs[].health] == ["ok"]'
	xw redirect-install --device d2 --unpin -q
}

@test "pin-gc and an install in a netns:<inode> directory: neither the directory nor its parent is removed under the install" {
	local out=$BED_DIR/t3 nsino
	nsino=$(stat -L -c %i "$(ns_path peer)")
	delayed mkdirat redirect-install --netns "$(ns_path peer)" --device pd3 -j >"$out.a" 2>"$out.a.err" &
	local a=$!
	poll_until 10000 test -d "$BPFFS/netns:$nsino/pd3"
	run -0 --separate-stderr xw pin-gc -j
	assert_json '.changed == false'
	local rc=0
	wait "$a" || rc=$?
	assert_eq "$rc $(cat "$out.a.err")" "0 " "exit code and stderr of the install"
	run -0 --separate-stderr xw status -j --device pd3 --netns "$(ns_path peer)"
	assert_json '[.directories[0].installs[].health] == ["ok"]'
	xw redirect-install --netns "$(ns_path peer)" --device pd3 --unpin -q
	[[ ! -e $BPFFS/netns:$nsino ]]
}

# launch NAME CMD...: CMD in node in the background; its stdout, stderr
# and exit code land in $RD/NAME.{out,err,rc}.
launch() {
	local name=$1
	shift
	(
		local code=0
		if [[ $1 == delayed ]]; then
			"$@" >"$RD/$name.out" 2>"$RD/$name.err" || code=$?
		else
			in_ns node "$@" >"$RD/$name.out" 2>"$RD/$name.err" || code=$?
		fi
		echo "$code" >"$RD/$name.rc"
	) &
	RPIDS+=($!)
}

# launch_fd NAME QUEUE: sockmap-insert --fd of a socket a receiver binds
# on r0's QUEUE and then keeps; the receiver is stopped after the round.
launch_fd() {
	local name=$1 q=$2
	nsenter --net="$(ns_path node)" "$XW_HELPERS/xw-xsk-recv" --dev r0 --queue "$q" \
		--ready-file "$RD/$name.ready" -- sh -c \
		'"$0" sockmap-insert --device r0 --queue "$1" --fd "$2" -j >"$3.out" 2>"$3.err"; r=$?; echo $r >"$3.rc"; exit $r' \
		"$XW" "$q" '{fd}' "$RD/$name" >/dev/null 2>&1 3>&- &
	echo $! >>"$BED_DIR/pids"
	HOLDERS+=($!)
}

# rc NAME: the exit code the run left.
rc() { cat "$RD/$1.rc"; }

# check_run NAME CODES...: the run exited with one of CODES, printed one
# JSON document of version 1 (with the same exit code if it failed), and
# one line on stderr if it failed.
check_run() {
	local name=$1 code
	shift
	code=$(rc "$name")
	[[ " $* " == *" $code "* ]] ||
		{ echo "$name: exit $code, not one of $*: $(cat "$RD/$name.err")" >&2; return 1; }
	jq -se "length == 1 and .[0].version == 1 and (.[0].exit_code // 0) == $code" \
		"$RD/$name.out" >/dev/null ||
		{ echo "$name: not one JSON document: $(cat "$RD/$name.out")" >&2; return 1; }
	if ((code)); then
		assert_eq "$(wc -l <"$RD/$name.err")" 1 "stderr lines of $name"
	fi
}

# changed NAMES...: how many of the runs that exited 0 reported a change.
changed() {
	local n=0 name
	for name; do
		[[ $(rc "$name") == 0 ]] && [[ $(jq -r .changed "$RD/$name.out") == true ]] &&
			n=$((n + 1))
	done
	echo "$n"
}

# succeeded NAMES...: how many exited 0.
succeeded() {
	local n=0 name
	for name; do
		[[ $(rc "$name") == 0 ]] && n=$((n + 1))
	done
	echo "$n"
}

# The state each round starts from: r0 from nothing; r1 installed with
# the default pass port; u0 installed, for --unpin; n1 wired to h1, for
# a per-sandbox --unpin; n0 from nothing, its sandbox h0 to be wired.
round_start() {
	xw redirect-install --device r1 -q &&
		xw redirect-install --device u0 -q &&
		xw tunnel-install --device n1 -q &&
		xw tunnel-install --device n1 --veth h1 -q
}

round_reset() {
	local pid
	for pid in "${HOLDERS[@]}"; do
		kill -USR1 "$pid" 2>/dev/null
	done
	for pid in "${HOLDERS[@]}"; do
		poll_until 5000 bed_gone "$pid" || return
	done
	xw redirect-install --device r0 --unpin -q &&
		xw redirect-install --device g0 --unpin -q &&
		xw redirect-install --device r1 --unpin -q &&
		xw tunnel-install --device n0 --unpin -q &&
		xw tunnel-install --device n1 --unpin -q || return
	assert_eq "$(cd "$BPFFS" && ls -d r0 g0 r1 u0 n0 h0 n1 h1 2>/dev/null)" "" "directories left after the round's reset"
}

# One round of 16 concurrent runs, and its checks.
one_round() {
	local r=$1 name q
	RD=$BED_DIR/round-$r
	mkdir -p "$RD"
	RPIDS=() HOLDERS=()
	round_start || return
	# Sockets taken by --pid/--target-fd, bound before the round starts.
	local -A holder
	for q in 2 3; do
		xsk_hold node r0 "$q" || return
		holder[$q]="$XSK_PID $(xsk_target_fd)"
		HOLDERS+=("$XSK_PID")
	done
	# Two installs from nothing are held where the races were: i1
	# between creating r0's directory and locking it, g0 right after
	# creating its own; the other 14 start once both directories exist.
	launch i1 delayed flock redirect-install --device r0 -j
	launch g0 delayed mkdirat redirect-install --device g0 -j
	poll_until 10000 test -d "$BPFFS/r0" -a -d "$BPFFS/g0" || return
	launch i2 "$XW" redirect-install --device r0 -j
	launch gc1 "$XW" pin-gc -j
	launch_fd q0 0
	launch s2 "$XW" sockmap-insert --device r0 --queue 2 --pid "${holder[2]% *}" --target-fd "${holder[2]#* }" -j
	launch s3a "$XW" sockmap-insert --device r0 --queue 3 --pid "${holder[3]% *}" --target-fd "${holder[3]#* }" -j
	launch p1 "$XW" redirect-install --device r1 --pass-port 2222 -j
	launch n0 "$XW" tunnel-install --device n0 -j
	launch h0a "$XW" tunnel-install --device n0 --veth h0 -j
	launch u0 "$XW" redirect-install --device u0 --unpin -j
	launch h1 "$XW" tunnel-install --device n1 --veth h1 --unpin -j
	launch s3b "$XW" sockmap-insert --device r0 --queue 3 --pid "${holder[3]% *}" --target-fd "${holder[3]#* }" -j
	launch p2 "$XW" redirect-install --device r1 --pass-port 2222 -j
	launch h0b "$XW" tunnel-install --device n0 --veth h0 -j
	launch st "$XW" status -j
	local pid
	for pid in "${RPIDS[@]}"; do
		wait "$pid" || return
	done
	poll_until 30000 test -f "$RD/q0.rc" || return

	# Exit codes and documents.
	for name in i1 i2 g0 p1 p2 n0 u0 h1 gc1 st; do
		check_run "$name" 0 || return
	done
	# An insert or a wiring that ran before its install found no map.
	for name in q0 s2 s3a s3b h0a h0b; do
		check_run "$name" 0 66 || return
	done

	# Exactly one run reports each change.
	assert_eq "$(changed i1 i2)" 1 "installs of r0 that reported a change" || return
	assert_eq "$(changed g0)" 1 "g0's install reported" || return
	assert_eq "$(changed p1 p2)" 1 "pass-port changes of r1 that reported a change" || return
	assert_eq "$(changed n0)" 1 "n0's install reported" || return
	assert_eq "$(changed u0)" 1 "u0's --unpin reported" || return
	assert_eq "$(changed h1)" 1 "h1's --unpin reported" || return
	assert_eq "$(changed gc1)" 0 "pin-gc changes" || return
	local wired=$(($(succeeded h0a h0b) > 0))
	assert_eq "$(changed h0a h0b)" "$wired" "wirings of h0 that reported a change" || return
	local s3=$(($(succeeded s3a s3b) > 0))
	assert_eq "$(changed s3a s3b)" "$s3" "inserts of one socket at queue 3 that reported it" || return
	for name in q0 s2; do
		assert_eq "$(changed "$name")" "$(succeeded "$name")" "$name reported its insert" || return
	done

	# No insert that reported success is missing.
	for name in q0:0 s2:2 s3a:3 s3b:3; do
		q=${name#*:}
		name=${name%:*}
		[[ $(rc "$name") == 0 ]] || continue
		xsk_slot_taken node probe0 r0 "$q" ||
			{ echo "round $r: $name's socket is missing from queue $q" >&2; return 1; }
	done

	# What the unpins and the installs left.
	[[ ! -e $BPFFS/u0 && -z $(bed_prog_id node u0) ]] || { echo "round $r: u0 not removed" >&2; return 1; }
	[[ ! -e $BPFFS/h1 && -z $(bed_prog_id node h1) ]] || { echo "round $r: h1 not unwired" >&2; return 1; }
	run -0 --separate-stderr xw status -j
	assert_json '[.directories[].installs[].health] | length > 0 and all(. == "ok")' || return
	run -0 --separate-stderr xw pin-gc -j
	assert_json '.changed == false' || return
	round_reset
}

@test "rounds of 16 concurrent mixed runs: exactly one run reports each change, no insert lost, only documented exit codes" {
	local rounds=3 r
	[[ ${XW_LONG:-0} == 1 ]] && rounds=40
	for ((r = 1; r <= rounds; r++)); do
		one_round "$r"
	done
}
