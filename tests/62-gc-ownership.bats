#!/usr/bin/env bats
# pin-gc touches only what it can prove is xdpwire's or the runtime
# convention's: an empty directory stays unless it carries xdpwire's mark
# (mode 1700) or this very run emptied it.

load lib/test

setup_file() {
	bed_setup
	bed_ns node peer
}

setup() {
	STATE_NS="node"
}

dev() {
	bed_veth node "$1" peer "p$1"
}

xw() {
	in_ns node "$XW" "$@"
}

@test "an empty directory another tool made survives pin-gc; one that this run emptied goes, marked or not" {
	mkdir "$BPFFS/myapp"
	mkdir -m 700 "$BPFFS/old0" # as the runtime, or an older xdpwire, makes one
	dev e0
	dev e1
	mkdir -m 700 "$BPFFS/e0" # unmarked, as an older xdpwire made it
	xw redirect-install --device e0 -q
	xw redirect-install --device e1 -q
	bpftool map create "$BPFFS/e1/theirs" type array key 4 value 4 entries 1 name theirs
	ipn node link del e0
	ipn node link del e1
	poll_until 5000 eval '[[ $(xw status -j | jq -r "[.directories[].installs[].health] | unique | join(\",\")") == stale ]]'
	local before
	before=$(bed_state node)
	run -0 --separate-stderr xw pin-gc --dry-run
	assert_eq "$(grep directory <<<"$output")" "would remove directory $BPFFS/e0: nothing left in it" "directories pin-gc --dry-run would remove"
	assert_eq "$(bed_state node)" "$before" "state after pin-gc --dry-run"
	run -0 --separate-stderr xw pin-gc -v
	assert_eq "$(grep directory <<<"$output")" "removed directory $BPFFS/e0: nothing left in it" "directories removed"
	[[ $stderr == *"$BPFFS/myapp: kept: empty, but not xdpwire's (no mark, mode 1700) and not emptied by this run"* ]]
	[[ ! -e $BPFFS/e0 ]]
	assert_eq "$(ls "$BPFFS/e1")" theirs "left in e1"
	assert_eq "$(stat -c %a "$BPFFS/myapp") $(stat -c %a "$BPFFS/old0")" "755 700" "the other tools' directories"
	run -0 --separate-stderr xw pin-gc
	assert_eq "$output" "nothing to do" "second pin-gc"
	rmdir "$BPFFS/myapp" "$BPFFS/old0"
	rm -r "$BPFFS/e1"
}

@test "xdpwire marks the directories it creates; pin-gc removes an empty one of them" {
	dev m0
	xw redirect-install --device m0 -q
	assert_eq "$(stat -c %a "$BPFFS/m0")" 1700 "mode of the pin directory"
	xw redirect-install --device m0 --unpin -q
	[[ ! -e $BPFFS/m0 ]]
	# An install killed right after it made its directory leaves it empty.
	run -137 in_ns node env XDPWIRE_TEST_FAULT=kill:pindir-lock "$XW" redirect-install --device m0 -q
	assert_eq "$(stat -c %a "$BPFFS/m0")" 1700 "mode of the killed run's directory"
	run -0 --separate-stderr xw pin-gc
	assert_eq "$output" "$(printf '%s\n' "removed directory $BPFFS/m0: empty, and marked as xdpwire's (mode 1700)" "1 directory changed")" "pin-gc"
	[[ ! -e $BPFFS/m0 ]]
}
