# scrape against the ip(8) commands a runtime would otherwise run for the
# same facts (addresses, IPv4 and IPv6 routes, neighbours), on namespaces
# with 1,000, 10,000 and 100,000 routes (tests/lib/scrape_gen.py --routes,
# the same tables the scrape tests check for correctness).  Rounds visit
# every size, so per-route times of two sizes are paired by round for the
# linearity rows.  Both sides print JSON into /dev/null.

ROUNDS=${XW_BENCH_SCRAPE_ROUNDS:-11}
SIZES=(1000 10000 100000)

declare -A WALL RSS

sample() {
	local key=$1 out us
	shift
	out=$(bench_time "$@") || bed_fail "$key: a command failed" || return
	us=$((${out% *} / 1000))
	WALL[$key]+=" $((us / 1000)).$(printf %03d $((us % 1000)))"
	RSS[$key]+=" ${out#* }"
}

# per_route KEY ROUTES: KEY's samples as microseconds per route.
per_route() {
	local s out=
	for s in ${WALL[$1]}; do
		out+=" $(awk -v ms="$s" -v n="$2" 'BEGIN { printf "%.4f", ms * 1000 / n }')"
	done
	echo "$out"
}

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
				sample "x$n" --netns "r$n" "$XW" scrape -j || return
			fi
			sample "ip$n" --netns "r$n" ip -j addr show --- \
				ip -j route show --- ip -j -6 route show --- \
				ip -j neigh show || return
			if ((i % 2 == 0)); then
				sample "x$n" --netns "r$n" "$XW" scrape -j || return
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
	bench_row scrape "scrape -j per route, 10,000 routes" "us/route" \
		"same, 1,000 routes" "ratio<=1.25" "$(per_route x10000 10000)" \
		"$(per_route x1000 1000)" "linear: ratio ~1"
	bench_row scrape "scrape -j per route, 100,000 routes" "us/route" \
		"same, 10,000 routes" "ratio<=1.25" "$(per_route x100000 100000)" \
		"$(per_route x10000 10000)" "linear: ratio ~1"
	for n in "${SIZES[@]}"; do
		goal="value<=8192"
		((n < 100000)) || goal=""
		bench_row memory "scrape -j, $(printf "%'d" "$n") routes" KiB \
			"ip (largest of the four)" "$goal" "${RSS[x$n]}" "${RSS[ip$n]}"
	done
}
