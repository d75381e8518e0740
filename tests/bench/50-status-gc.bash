# status and pin-gc over 1, 100 and 1,000 installs (redirect installs on
# veth devices of one namespace): the time per install should stay about
# the same as installs grow.  Each size's rounds alternate status, pin-gc
# (healthy pins: the routine run, nothing to do), status --metrics (what
# a node_exporter refresh costs), verify -j (every install's canonical
# frames) and the anchor, bpftool's
# listing of the same attachments and links.  Rows pair a size's time per
# install with the previous size's, round by round.

ROUNDS=${XW_BENCH_GC_ROUNDS:-10}
read -r -a SIZES <<<"${XW_BENCH_GC_SIZES:-1 100 1000}"

# ok_installs: how many installs status finds healthy.
ok_installs() {
	in_ns node "$XW" status -j |
		jq '[.directories[].installs[] | select(.health == "ok")] | length'
}

# grow_to N: veth pairs d1..dN in node (peers in peer) and a redirect
# install on each, two at a time (one lock per device: they do not wait
# on each other).
grow_to() {
	local n=$1 have=$2 k
	for ((k = have + 1; k <= n; k++)); do
		echo "link add d$k type veth peer name p$k netns $BED_ID-peer"
		echo "link set d$k up"
	done | ipn node -batch - || return
	seq $((have + 1)) "$n" | nsenter --net="$(ns_path node)" \
		xargs -P 2 -I{} "$XW" redirect-install --device d{} -q || return
	[[ $(ok_installs) == "$n" ]] ||
		bed_fail "status does not list the $n installs"
}

bench_main() {
	local n have=0 i prev=''
	bed_ns node peer
	for n in "${SIZES[@]}"; do
		bench_log "growing to $n installs"
		grow_to "$n" "$have" || return
		have=$n
		bench_log "status and pin-gc over $n installs, $ROUNDS rounds"
		for ((i = 0; i < ROUNDS; i++)); do
			bench_sample "st$n" --netns node "$XW" status -j || return
			bench_sample "gc$n" --netns node "$XW" pin-gc -j || return
			bench_sample "mt$n" --netns node "$XW" status --metrics || return
			bench_sample "vf$n" --netns node "$XW" verify -j || return
			bench_sample "bt$n" --netns node bpftool -j net show --- \
				bpftool -j link show || return
		done
		# Nothing was stale: pin-gc must have left every install alone.
		[[ $(ok_installs) == "$n" ]] ||
			bed_fail "pin-gc removed installs it should have kept" ||
			return
	done
	for n in "${SIZES[@]}"; do
		bench_row status-gc "status -j, $n install(s)" ms \
			"bpftool -j net show + link show" "" "${WALL[st$n]}" "${WALL[bt$n]}"
		bench_row status-gc "pin-gc -j, $n install(s), none stale" ms \
			"bpftool -j net show + link show" "" "${WALL[gc$n]}" "${WALL[bt$n]}"
		bench_row status-gc "status --metrics, $n install(s)" ms \
			"bpftool -j net show + link show" "" "${WALL[mt$n]}" "${WALL[bt$n]}"
		bench_row status-gc "verify -j, $n install(s)" ms \
				"bpftool -j net show + link show" "" "${WALL[vf$n]}" "${WALL[bt$n]}"
	done
	for n in "${SIZES[@]}"; do
		if [[ -n $prev ]]; then
			bench_row status-gc "status per install, $n installs" \
				ms/install "same, $prev install(s)" "ratio<=1.25" \
				"$(bench_per "st$n" "$n")" "$(bench_per "st$prev" "$prev")" \
				"constant: ratio ~1"
			bench_row status-gc "pin-gc per install, $n installs" \
				ms/install "same, $prev install(s)" "ratio<=1.25" \
				"$(bench_per "gc$n" "$n")" "$(bench_per "gc$prev" "$prev")" \
				"constant: ratio ~1"
			bench_row status-gc "status --metrics per install, $n installs" \
				ms/install "same, $prev install(s)" "ratio<=1.25" \
				"$(bench_per "mt$n" "$n")" "$(bench_per "mt$prev" "$prev")" \
				"constant: ratio ~1"
			bench_row status-gc "verify per install, $n installs" \
					ms/install "same, $prev install(s)" "ratio<=1.25" \
					"$(bench_per "vf$n" "$n")" "$(bench_per "vf$prev" "$prev")" \
					"constant: ratio ~1"
		fi
		prev=$n
	done
	n=${SIZES[-1]}
	bench_row memory "status -j, $n installs" KiB "bpftool (largest)" \
		"value<=8192" "${RSS[st$n]}" "${RSS[bt$n]}"
	bench_row memory "pin-gc -j, $n installs" KiB "bpftool (largest)" \
		"value<=8192" "${RSS[gc$n]}" "${RSS[bt$n]}"
	bench_row memory "status --metrics, $n installs" KiB "bpftool (largest)" \
		"value<=8192" "${RSS[mt$n]}" "${RSS[bt$n]}"
	# verify -j's document is about 3 KiB an install (every frame's
	# expected and got, every finding): at 1,000 it is 3 MiB of JSON,
	# held once as text and once as the printed document.
	bench_row memory "verify -j, $n installs" KiB "bpftool (largest)" \
		"value<=16384" "${RSS[vf$n]}" "${RSS[bt$n]}"
}
