# The kill points that matter, for a bounded kill matrix (with kill.bash).
#
# A kill just before each call that changes the system, and one at the
# end, puts the command down between every two of its changes: everything
# else it does between them (reads, closes, writes to its own output)
# changes nothing a re-run could find, so the bounded default kills only
# there.  XW_LONG=1 kills at every call, as kill_points does.

# The bpf() commands that change the system; the others only read.
KILL_BPF_CHANGES='BPF_MAP_CREATE|BPF_PROG_LOAD|BPF_LINK_CREATE|BPF_LINK_UPDATE|BPF_LINK_DETACH|BPF_OBJ_PIN|BPF_MAP_UPDATE_ELEM|BPF_MAP_DELETE_ELEM|BPF_BTF_LOAD'
# The other calls that change the system.
KILL_CHANGES='mkdir|mkdirat|unlink|unlinkat|rmdir|rename|renameat|renameat2|fchmod|fchmodat|linkat|symlinkat|exit_group'

# kill_trace_changes OUT CMD...: runs CMD once undisturbed under strace and
# writes to OUT, as kill_trace does, one "NAME N" line per call to kill
# at: each call that changes the system and the final exit_group, or
# every call under XW_LONG=1.  Returns CMD's status.
kill_trace_changes() {
	local out=$1 raw=$1.raw rc=0
	shift
	strace -f -qq -o "$raw" -- "$@" || rc=$?
	awk -v all="${XW_LONG:-0}" -v bpf="^bpf\\\\((${KILL_BPF_CHANGES}),$" \
		-v other="^(${KILL_CHANGES})\\\\($" '{
		sub(/^[0-9]+ +/, "")
		if (!match($0, /^[a-z_0-9]+\(/))
			next
		name = substr($0, 1, RLENGTH - 1)
		n = ++seen[name]
		head = substr($0, 1, RLENGTH)
		if (name == "bpf" && match($0, /^bpf\([A-Z_]+,/))
			head = substr($0, 1, RLENGTH)
		if (all == 1 || head ~ bpf || head ~ other)
			print name, n
	}' "$raw" >"$out"
	rm -f "$raw"
	return "$rc"
}
