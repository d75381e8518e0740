#!/usr/bin/env bats
# A pin tree another user can touch: a pin directory (or the netns:<inode>
# one above it) not owned by the caller's effective uid, or writable by
# group or others, is refused with its owner and mode (exit 65) and never
# pinned into: whoever can write to it could unlink the link pin and so
# detach our program.  The directory is also the lock.  A bpffs root may be
# shared like /tmp (owned by root, 1777: bpffs's default); one writable by
# others without the sticky bit is refused.  status and pin-gc warn about
# such a directory and leave it alone.

load lib/test

setup_file() {
	bed_setup
	# Another user must reach the bpffs: mktemp made the bed's dir 0700.
	chmod 0755 "$BED_DIR"
	bed_ns node peer
	local d
	for d in o0 o1 o2 o3 o4 o5; do
		bed_veth node "$d" peer "p$d"
	done
}

setup() {
	STATE_NS=node
}

xw() {
	in_ns node "$XW" "$@"
}

# nobody_mkdir MODE DIR: DIR made by uid 65534, as a local user could.
nobody_mkdir() {
	setpriv --reuid=65534 --regid=65534 --clear-groups mkdir -m "$1" "$2"
}

refusal() {
	echo "xdpwire $1: $2: owned by uid $3 with mode $4: refusing a pin directory not owned by uid 0 or writable by group or others"
}

@test "a pin directory made 0777 by another user beforehand is refused, nothing pinned" {
	nobody_mkdir 0777 "$BPFFS/o0"
	expect_refused 65 "$(refusal redirect-install "$BPFFS/o0" 65534 0777)" \
		xw redirect-install --device o0
	expect_refused_json 65 xw redirect-install --device o0
	expect_refused 65 "$(refusal redirect-install "$BPFFS/o0" 65534 0777)" \
		xw redirect-install --device o0 --unpin
	expect_refused 65 "$(refusal sockmap-insert "$BPFFS/o0" 65534 0777)" \
		xw sockmap-insert --device o0 --delete
	expect_refused 65 "$(refusal tunnel-install "$BPFFS/o0" 65534 0777)" \
		xw tunnel-install --device o0
	assert_eq "$(ls -A "$BPFFS/o0")" "" "what is in $BPFFS/o0"
	rmdir "$BPFFS/o0"
}

@test "sockmap-insert --map in a directory another user can write to is refused" {
	run -0 xw redirect-install --device o3 -q
	nobody_mkdir 0777 "$BPFFS/o6"
	bpftool map pin id "$(bpftool map show pinned "$BPFFS/o3/redirect_ip_map" -j | jq .id)" "$BPFFS/o6/redirect_ip_map"
	expect_refused 65 "$(refusal sockmap-insert "$BPFFS/o6" 65534 0777)" \
		xw sockmap-insert --map "$BPFFS/o6/redirect_ip_map" --queue 0 --delete
	rm -r "$BPFFS/o6"
	run -0 xw redirect-install --device o3 --unpin -q
}

@test "a pin directory of another user with mode 000 is refused, nothing pinned" {
	nobody_mkdir 0000 "$BPFFS/o1"
	expect_refused 65 "$(refusal redirect-install "$BPFFS/o1" 65534 0000)" \
		xw redirect-install --device o1
	assert_eq "$(ls -A "$BPFFS/o1")" "" "what is in $BPFFS/o1"
	rmdir "$BPFFS/o1"
}

@test "our own pin directory made writable by group or others is refused; 1700 is ours" {
	mkdir -m 0770 "$BPFFS/o2"
	expect_refused 65 "$(refusal redirect-install "$BPFFS/o2" 0 0770)" \
		xw redirect-install --device o2
	chmod 1757 "$BPFFS/o2"
	expect_refused 65 "$(refusal redirect-install "$BPFFS/o2" 0 1757)" \
		xw redirect-install --device o2
	chmod 1700 "$BPFFS/o2"
	run -0 xw redirect-install --device o2 -q
	run -0 xw redirect-install --device o2 --unpin -q
	[[ ! -e $BPFFS/o2 ]]
}

@test "a netns:<inode> directory of another user is refused, nothing pinned under it" {
	local ino
	ino=$(stat -L -c %i "$(ns_path peer)")
	nobody_mkdir 0777 "$BPFFS/netns:$ino"
	expect_refused 65 "$(refusal redirect-install "$BPFFS/netns:$ino" 65534 0777)" \
		xw redirect-install --device po3 --netns "$(ns_path peer)"
	assert_eq "$(ls -A "$BPFFS/netns:$ino")" "" "what is in $BPFFS/netns:$ino"
	rmdir "$BPFFS/netns:$ino"
}

@test "status and pin-gc warn about another user's directory and leave it alone" {
	run -0 xw redirect-install --device o4 -q
	nobody_mkdir 0777 "$BPFFS/o5"
	# A pin in it that is not ours to judge or remove.
	bpftool map create "$BPFFS/o5/redirect_ip_map" type xskmap key 4 value 4 entries 1 name planted
	local warn="owned by uid 65534 with mode 0777: not trusted, left alone"
	local before
	before=$(bed_state node)
	run -0 --separate-stderr xw status
	assert_eq "$stderr" "xdpwire status: warning: $BPFFS/o5: $warn"
	[[ $output == *o4* && $output != *o5* ]]
	run -0 --separate-stderr xw pin-gc
	assert_eq "$stderr" "xdpwire pin-gc: warning: $BPFFS/o5: $warn"
	assert_eq "$(bed_state node)" "$before" "state after pin-gc"
	# Named, it is a refusal.
	expect_refused 65 "$(refusal status "$BPFFS/o5" 65534 0777)" \
		xw status --device o5
	rm -r "$BPFFS/o5"
	run -0 xw redirect-install --device o4 --unpin -q
}

@test "a bpffs root writable by others without the sticky bit is refused; the message suggests mode 0700" {
	local root=$BED_DIR/loose
	mkdir "$root"
	mount -t bpf -o mode=0700 bpf "$root"
	chmod 0777 "$root"
	run -65 --separate-stderr xw redirect-install --device o3 --bpffs "$root"
	umount "$root"
	assert_eq "$stderr" "xdpwire redirect-install: $root: bpffs root owned by uid 0 with mode 0777: others could replace what is pinned in it (mount one with: mount -t bpf -o mode=0700 bpf $root)"
	assert_eq "$(ipn node -j -d link show o3 | jq '.[0].xdp.prog.id // 0')" 0 "o3's XDP program"
}
