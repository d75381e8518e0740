# scrape against the ip(8) commands a runtime would otherwise run for the
# same facts (addresses, IPv4 and IPv6 routes, neighbours), on namespaces
# with 1,000, 10,000 and 100,000 routes (tests/lib/scrape_gen.py --routes,
# the same tables the scrape tests check for correctness).  Rounds visit
# every size, so per-route times of two sizes are paired by round for the
# linearity rows.  Both sides print JSON into /dev/null.

ROUNDS=${XW_BENCH_SCRAPE_ROUNDS:-15}
SIZES=(1000 10000 100000)

build_routes() {
	local n=$1 ns=r$1 out
	bed_ns "$ns" "$ns-peer" || return
	out=$(python3 "$XW_ROOT/tests/lib/scrape_gen.py" 7 "$BED_ID-$ns" \
		"$BED_ID-$ns-peer" --routes "$n") || return
	grep '^NS ' <<<"$out" | cut -c4- | ipn "$ns" -batch - || return
	if grep -q '^PEER ' <<<"$out"; then
		grep '^PEER ' <<<"$out" | cut -c6- | ipn "$ns-peer" -batch - ||
			return
	fi
	# The bench is worthless if scrape does not see the table.
	[[ $(in_ns "$ns" "$XW" scrape -j |
		jq '[.interfaces[].routes[] | select(.gateway)] | length') == "$n" ]] ||
		bed_fail "scrape does not report the $n routes of $ns"
}

bench_main() {
	local n i goal
	for n in "${SIZES[@]}"; do
		bench_log "building a namespace with $n routes"
		build_routes "$n" || return
	done
	bench_log "scrape -j against ip -j, $ROUNDS rounds"
	for ((i = 0; i < ROUNDS; i++)); do
		for n in "${SIZES[@]}"; do
			# Alternate who goes first: a warm cache then favours nobody.
			if ((i % 2)); then
				bench_sample "x$n" --netns "r$n" "$XW" scrape -j || return
			fi
			bench_sample "ip$n" --netns "r$n" ip -j addr show --- \
				ip -j route show --- ip -j -6 route show --- \
				ip -j neigh show || return
			if ((i % 2 == 0)); then
				bench_sample "x$n" --netns "r$n" "$XW" scrape -j || return
			fi
		done
	done
	for n in "${SIZES[@]}"; do
		goal="ratio<=1.0"
		((n < 100000)) || goal="ratio<=0.5"
		bench_row scrape "scrape -j, $(printf "%'d" "$n") routes" ms \
			"ip -j addr; route; -6 route; neigh" "$goal" \
			"${WALL[x$n]}" "${WALL[ip$n]}"
	done
	bench_row scrape "scrape -j per 1,000 routes, 10,000 routes" "ms/1k routes" \
		"same, 1,000 routes" "ratio<=1.25" "$(bench_per x10000 10)" \
		"$(bench_per x1000 1)" "linear: ratio ~1"
	bench_row scrape "scrape -j per 1,000 routes, 100,000 routes" "ms/1k routes" \
		"same, 10,000 routes" "ratio<=1.25" "$(bench_per x100000 100)" \
		"$(bench_per x10000 10)" "linear: ratio ~1"
	# Peak RSS within 3x ip's at every size: the routes are held packed
	# and printed as they are formatted, not held as a document.
	for n in "${SIZES[@]}"; do
		bench_row memory "scrape -j, $(printf "%'d" "$n") routes" KiB \
			"ip (largest of the four)" "ratio<=3.0" "${RSS[x$n]}" "${RSS[ip$n]}"
	done
}
