# Real kills at a chosen system call, for the "kill anywhere" tests.
#
# strace stops the command as it enters the Nth call of one system call and
# sends it SIGKILL there, so everything the calls before it did has happened
# and nothing of this one has: killing at each call of an undisturbed run in
# turn covers every point between two instructions that touch the system.
# strace counts invocations per system call (its when=), so a point is a
# call's name and its number among the calls of that name.

# The calls that change or read shared state; the bounded default kills at
# each of these.  XW_LONG=1 kills at every call of the run.
KILL_STATEFUL='bpf|sendmsg|sendto|recvmsg|recvfrom|mkdir|mkdirat|unlink|unlinkat|rename|renameat|renameat2|flock|fchmod|fchmodat|setns|linkat|ioctl|write|close'

# The calls whose effect outlives the process: a kill at each of them in
# turn reaches every state a kill anywhere can leave, since a kill at any
# call between two of them leaves what a kill at the next one does.  bpf
# counts by its command: loading or creating an object that is not pinned
# yet, or reading one, leaves nothing behind.
KILL_CHANGING_BPF='BPF_OBJ_PIN|BPF_LINK_CREATE|BPF_LINK_DETACH|BPF_LINK_UPDATE|BPF_MAP_UPDATE_ELEM|BPF_MAP_DELETE_ELEM|BPF_PROG_ATTACH|BPF_PROG_DETACH'
KILL_CHANGING='sendmsg|sendto|mkdir|mkdirat|unlink|unlinkat|rmdir|rename|renameat|renameat2|fchmod|fchmodat|linkat|symlinkat|write|pwrite64|ftruncate|exit_group'

# kill_strace ARGS...: strace -f -qq ARGS.  LeakSanitizer cannot run under
# ptrace, so a sanitizer build (make check SAN=1) keeps ASan and UBSan there
# but checks leaks only in the untraced runs.
kill_strace() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq "$@"
}

# kill_trace OUT CMD...: runs CMD once undisturbed under strace and writes to
# OUT one line per system call it made, in order: "NAME N".  Returns CMD's
# status.  OUT.calls has the same lines with the call's first argument
# after them (a bpf command), for kill_points_changing.
kill_trace() {
	local out=$1 raw=$1.raw rc=0
	shift
	kill_strace -o "$raw" -- "$@" || rc=$?
	awk -v calls="$out.calls" '{
		sub(/^[0-9]+ +/, "")
		if (!match($0, /^[a-z_0-9]+\(/))
			next
		name = substr($0, 1, RLENGTH - 1)
		arg = substr($0, RLENGTH + 1)
		sub(/[,)].*/, "", arg)
		print name, ++seen[name]
		print name, seen[name], arg >calls
	}' "$raw" >"$out"
	rm -f "$raw"
	return "$rc"
}

# kill_points_changing TRACE: the points of TRACE (made by kill_trace) whose
# call changes what outlives the process, as "NAME N" lines; every point
# under XW_LONG=1.
kill_points_changing() {
	if [[ ${XW_LONG:-0} == 1 ]]; then
		cat "$1"
		return
	fi
	awk -v bpf="^($KILL_CHANGING_BPF)\$" -v other="^($KILL_CHANGING)\$" '
		($1 == "bpf" && $3 ~ bpf) || ($1 != "bpf" && $1 ~ other) {
			print $1, $2
		}' "$1.calls"
}

# kill_points TRACE: the points of TRACE to kill at: the stateful calls, or
# all of them under XW_LONG=1.
kill_points() {
	if [[ ${XW_LONG:-0} == 1 ]]; then
		cat "$1"
	else
		grep -E "^($KILL_STATEFUL) " "$1"
	fi
}

# kill_at NAME N CMD...: runs CMD and kills it with SIGKILL as it enters its
# Nth NAME call.  Returns CMD's status: 137 when the kill came, CMD's own
# when the run made fewer such calls than N (timing, a retry path).
kill_at() {
	local name=$1 n=$2 rc=0
	shift 2
	kill_strace -o /dev/null -e trace="$name" \
		-e inject="$name:signal=KILL:when=$n" -- "$@" || rc=$?
	return "$rc"
}

# kill_sample N SEED: N of the points read from stdin, chosen by SEED and
# kept in order, for a bounded run; all of them under XW_LONG=1.
kill_sample() {
	if [[ ${XW_LONG:-0} == 1 ]]; then
		cat
		return
	fi
	awk -v n="$1" -v seed="$2" '
		BEGIN { srand(seed) }
		{ line[NR] = $0; key[NR] = rand() }
		END {
			for (i = 1; i <= NR; i++) {
				rank = 0
				for (j = 1; j <= NR; j++)
					rank += key[j] < key[i]
				if (rank < n)
					print line[i]
			}
		}'
}
