#!/usr/bin/env bats
# The systemd units of deploy/systemd/: each passes systemd-analyze
# verify; each unit's ExecStart/ExecStartPost/ExecStop, expanded as
# systemd expands them for an instance (tests/lib/units.bash, checked
# against systemd-escape), installs, probes and removes on a test bed
# whose bpffs is at the path the units name, /sys/fs/bpf (in a mount
# namespace of the command's own); and a real systemd, in a podman
# container on the bed's network namespace with the bed's bpffs, starts
# and stops them with exactly their sandboxing.

load lib/test
load lib/units
load lib/systemd_box

UNITS=$XW_ROOT/deploy/systemd

setup_file() {
	bed_setup
	bed_ns node peer
	# A plain name, a dotted one (a VLAN's name; veths may carry dots)
	# and one with a dash, which the instance escapes.
	bed_veth node xu0 peer xp0
	bed_veth node xu0.100 peer xp1
	bed_veth node xu-1 peer xp2
	mkdir "$BED_DIR/etc"
	# The real systemd, started once for the file (the root takes about a
	# minute to make).
	sd_root "$BED_DIR/root"
	sd_start "$BED_DIR/root" node xu0 xu0.100 xu-1
}

teardown_file() {
	sd_stop
	bed_teardown
}

setup() {
	ETC=$BED_DIR/etc
}

# pindir DEV: the device's pin directory in the bed's bpffs (a dot in a
# device name is a colon there).
pindir() {
	echo "$BPFFS/${1//./:}"
}

# as_unit CMD...: CMD in the node namespace with the bed's bpffs at
# /sys/fs/bpf, in a mount namespace of its own (the machine's bpffs is
# never seen, nor covered for anyone else), and no XDPWIRE_BPFFS: the
# units rely on the default.
as_unit() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	env -u XDPWIRE_BPFFS unshare --mount --propagation private -- \
		bash -c 'mount --bind "$1" /sys/fs/bpf && shift &&
			exec nsenter --net="$0" "$@"' "$(ns_path node)" "$BPFFS" "$@"
}

# run_unit_line UNIT KEY INSTANCE: the unit's KEY line, expanded for
# INSTANCE, run as systemd would run it (the binary tested for
# /usr/sbin/xdpwire); its status and output in bats' run variables.
run_unit_line() {
	unit_argv "$UNITS/$1" "$2" "$3" "$ETC" || return
	[[ ${UNIT_ARGV[0]} == /usr/sbin/xdpwire ]] || {
		echo "$1 $2 runs ${UNIT_ARGV[0]}, not /usr/sbin/xdpwire" >&2
		return 1
	}
	UNIT_ARGV[0]=$XW
	run as_unit "${UNIT_ARGV[@]}"
}

# detached DEV: no XDP program on the node's DEV (a detach after the
# last link pin is gone is asynchronous).
detached() {
	[[ -z $(bed_prog_id node "$1") ]]
}

@test "every unit passes systemd-analyze verify, with instances plain, dotted and escaped" {
	local dir=$BATS_TEST_TMPDIR/units f
	mkdir "$dir"
	# Copies that run the binary tested: verify checks that the
	# ExecStart binary exists, and /usr/sbin/xdpwire need not here.
	for f in "$UNITS"/xdpwire-*; do
		sed "s|/usr/sbin/xdpwire|$XW|g" "$f" >"$dir/${f##*/}"
	done
	ln -s xdpwire-redirect@.service "$dir/xdpwire-redirect@eth0.service"
	ln -s xdpwire-redirect@.service "$dir/xdpwire-redirect@eth0.100.service"
	ln -s xdpwire-tunnel@.service "$dir/xdpwire-tunnel@veth\\x2dsb1.service"
	# verify prints a warning for what it ignores, and still exits 0.
	run -0 systemd-analyze verify --man=no "$dir/xdpwire-redirect@eth0.service" \
		"$dir/xdpwire-redirect@eth0.100.service" "$dir/xdpwire-tunnel@veth\\x2dsb1.service" \
		"$dir/xdpwire-pin-gc.service" "$dir/xdpwire-pin-gc.timer"
	assert_eq "$output" "" "systemd-analyze verify's complaints"
	# A unit it would complain of is caught: the check can fail.
	echo "NoSuchKey=1" >>"$dir/xdpwire-pin-gc.service"
	run -0 systemd-analyze verify --man=no "$dir/xdpwire-pin-gc.service"
	[[ $output == *"Unknown key 'NoSuchKey'"* ]]
}

@test "the expander unescapes instances as systemd does, and refuses what it does not handle" {
	local name inst
	for name in eth0 eth0.100 veth-sb1 .x a_b-c.1 'we:ird'; do
		inst=$(systemd-escape "$name")
		run -0 unit_unescape "$inst"
		assert_eq "$output" "$name" "%I of $inst"
		assert_eq "$output" "$(systemd-escape --unescape "$inst")" "systemd-escape -u $inst"
	done
	run -0 unit_specifiers "a %i b %I c %%" 'x\x2dy-z'
	assert_eq "$output" 'a x\x2dy-z b x-y/z c %' "the specifiers expanded"
	run -1 unit_specifiers "%n" eth0
	[[ $output == *"specifier %n not handled"* ]]
}

# unit_cycle UNIT DEV INSTALLPIN [ENV]: the unit's ExecStart,
# ExecStartPost and ExecStop for DEV's instance, on the bed: the install
# and its pins, the health probe, a re-start changing nothing, the
# removal.
unit_cycle() {
	local unit=$1 dev=$2 pin=$3 inst
	inst=$(systemd-escape "$dev")
	run_unit_line "$unit" ExecStart "$inst"
	((status == 0)) || { echo "ExecStart: $output" >&2 && return 1; }
	[[ -e $(pindir "$dev")/$pin ]] || { echo "no $pin for $dev" >&2 && return 1; }
	[[ -n $(bed_prog_id node "$dev") ]] || { echo "nothing attached to $dev" >&2 && return 1; }
	run_unit_line "$unit" ExecStartPost "$inst"
	((status == 0)) || { echo "ExecStartPost: $status $output" >&2 && return 1; }
	run_unit_line "$unit" ExecStart "$inst"
	[[ $status == 0 && $output == *"nothing changed"* ]] ||
		{ echo "ExecStart again: $output" >&2 && return 1; }
	run_unit_line "$unit" ExecStop "$inst"
	((status == 0)) || { echo "ExecStop: $output" >&2 && return 1; }
	[[ ! -e $(pindir "$dev") ]] || { echo "$(pindir "$dev") left" >&2 && return 1; }
	run_unit_line "$unit" ExecStopPost "$inst"
	[[ $status == 0 && $output == "nothing to do" ]] ||
		{ echo "ExecStopPost: $status $output" >&2 && return 1; }
	poll_until 5000 detached "$dev"
}

@test "redirect@: ExecStart installs, ExecStartPost probes, ExecStop removes; plain, dotted and dashed names" {
	unit_cycle xdpwire-redirect@.service xu0 redirect_link
	unit_cycle xdpwire-redirect@.service xu0.100 redirect_link
	unit_cycle xdpwire-redirect@.service xu-1 redirect_link
}

@test "tunnel@: ExecStart installs, ExecStartPost probes, ExecStop removes; plain, dotted and dashed names" {
	unit_cycle xdpwire-tunnel@.service xu0 tunnel_host_link
	unit_cycle xdpwire-tunnel@.service xu0.100 tunnel_host_link
	unit_cycle xdpwire-tunnel@.service xu-1 tunnel_host_link
}

@test "redirect@ takes its options from /etc/xdpwire/redirect@DEVICE.env" {
	cat >"$ETC/redirect@xu0.100.env" <<-'EOF'
		# generic mode, two pass ports
		XDPWIRE_OPTS=--mode generic --pass-port 22 --pass-port 2222
	EOF
	run_unit_line xdpwire-redirect@.service ExecStart xu0.100
	rm "$ETC/redirect@xu0.100.env"
	assert_eq "$status" 0 "ExecStart with the env file: $output"
	[[ $output == *"generic mode"* ]]
	run -0 in_ns node "$XW" status -j --device xu0.100
	assert_json '.directories[0].installs[0].mode == "generic"'
	run_unit_line xdpwire-redirect@.service ExecStop xu0.100
	assert_eq "$status" 0 "ExecStop: $output"
	poll_until 5000 detached xu0.100
}

@test "a unit stopped because its device went: ExecStop fails (66), ExecStopPost removes the stale install" {
	local unit
	for unit in xdpwire-redirect@.service xdpwire-tunnel@.service; do
		ipn node link add xv0.7 type veth peer name xv1
		ipn node link set xv0.7 up
		run_unit_line "$unit" ExecStart xv0.7
		assert_eq "$status" 0 "$unit ExecStart: $output"
		ipn node link del xv0.7
		run_unit_line "$unit" ExecStop xv0.7
		assert_eq "$status" 66 "$unit ExecStop without the device: $output"
		run_unit_line "$unit" ExecStopPost xv0.7
		assert_eq "$status" 0 "$unit ExecStopPost: $output"
		[[ ! -e $(pindir xv0.7) ]] || { echo "$unit: stale install left: $output" >&2 && return 1; }
	done
}

@test "the health probe fails an install that is not ok" {
	run_unit_line xdpwire-redirect@.service ExecStart xu0
	assert_eq "$status" 0 "ExecStart: $output"
	# The link pin lost: the install is broken, not ok.
	rm "$(pindir xu0)/redirect_link"
	poll_until 5000 detached xu0
	run_unit_line xdpwire-redirect@.service ExecStartPost xu0
	assert_eq "$status" 1 "ExecStartPost on a broken install: $output"
	run_unit_line xdpwire-redirect@.service ExecStop xu0
	assert_eq "$status" 0 "ExecStop: $output"
	[[ ! -e $(pindir xu0) ]]
}

@test "pin-gc.service removes a stale install; with XDPWIRE_OPTS=--repair in pin-gc.env it repairs" {
	ipn node link add xg0 type veth peer name xg1
	ipn node link set xg0 up
	run -0 as_unit "$XW" redirect-install -q --device xg0
	ipn node link del xg0
	run -0 as_unit "$XW" redirect-install -q --device xu0
	run_unit_line xdpwire-pin-gc.service ExecStart ""
	assert_eq "$status" 0 "pin-gc: $output"
	[[ ! -e $(pindir xg0) ]] || { echo "the stale install is left: $output" >&2 && return 1; }
	# The ok install stays.
	[[ -e $(pindir xu0)/redirect_link ]]
	# A lost program pin: plain pin-gc leaves it, --repair pins it again.
	rm "$(pindir xu0)/redirect_program"
	echo "XDPWIRE_OPTS=--repair" >"$ETC/pin-gc.env"
	run_unit_line xdpwire-pin-gc.service ExecStart ""
	rm "$ETC/pin-gc.env"
	assert_eq "$status" 0 "pin-gc --repair: $output"
	[[ -e $(pindir xu0)/redirect_program ]] || { echo "not repaired: $output" >&2 && return 1; }
	run -0 as_unit "$XW" redirect-install -q --device xu0 --unpin
	poll_until 5000 detached xu0
}

# sd_unit_cycle UNIT DEV PIN: a real systemd starts UNIT for DEV: active,
# DEV's install pinned and ok; stopped, the install is gone.
sd_unit_cycle() {
	local unit=$1 dev=$2 pin=$3 inst
	inst=$unit@$(systemd-escape "$dev").service
	run sd systemctl start "$inst"
	((status == 0)) || { sd journalctl --no-pager -u "$inst" >&2; return 1; }
	run -0 sd systemctl is-active "$inst"
	assert_eq "$output" active "$inst is-active"
	[[ -e $(pindir "$dev")/$pin ]] || { echo "no $pin for $dev" >&2 && return 1; }
	run -0 in_ns node "$XW" status --check -q --device "$dev"
	run -0 sd systemctl stop "$inst"
	run -3 sd systemctl is-active "$inst"
	[[ ! -e $(pindir "$dev") ]] || { echo "$(pindir "$dev") left after stop" >&2 && return 1; }
	poll_until 5000 detached "$dev"
}

@test "real systemd: redirect@ starts (install, ok), stops (removed) for plain, dotted and dashed devices" {
	sd_unit_cycle xdpwire-redirect xu0 redirect_link
	sd_unit_cycle xdpwire-redirect xu0.100 redirect_link
	sd_unit_cycle xdpwire-redirect xu-1 redirect_link
}

@test "real systemd: tunnel@ starts and stops the NIC's set-up" {
	sd_unit_cycle xdpwire-tunnel xu0.100 tunnel_host_link
}

@test "real systemd: redirect@ reads /etc/xdpwire/redirect@DEVICE.env; the unit binds to the device's unit" {
	run -0 sd sh -c 'echo "XDPWIRE_OPTS=--mode generic --pass-port 2222" >/etc/xdpwire/redirect@xu-1.env'
	run sd systemctl start 'xdpwire-redirect@xu\x2d1.service'
	sd rm /etc/xdpwire/redirect@xu-1.env
	assert_eq "$status" 0 "start with the env file: $output"
	run -0 in_ns node "$XW" status -j --device xu-1
	assert_json '.directories[0].installs[0].mode == "generic"'
	# systemctl quotes the name, its backslash doubled.
	run -0 sd systemctl show -p BindsTo 'xdpwire-redirect@xu\x2d1.service'
	assert_eq "$output" 'BindsTo="sys-subsystem-net-devices-xu\\x2d1.device"' "the device unit"
	run -0 sd systemctl stop 'xdpwire-redirect@xu\x2d1.service'
	poll_until 5000 detached xu-1
}

@test "real systemd: the sandbox is in force: CAP_SYS_ADMIN only, and without ReadWritePaths the install is refused" {
	local inst=xdpwire-redirect@xu0.service
	run -0 sd systemctl show -p CapabilityBoundingSet -p ProtectSystem -p ReadWritePaths "$inst"
	assert_eq "$(sort <<<"$output")" "CapabilityBoundingSet=cap_sys_admin
ProtectSystem=strict
ReadWritePaths=/sys/fs/bpf" "the unit's sandbox"
	# The same unit with the bpffs read-only too: the install cannot pin,
	# so the settings above are what the commands run under.
	run -0 sd sh -c "mkdir -p /run/systemd/system/$inst.d &&
		printf '[Service]\nReadWritePaths=\n' >/run/systemd/system/$inst.d/ro.conf &&
		systemctl daemon-reload"
	run sd systemctl start "$inst"
	run -0 sd sh -c "rm -r /run/systemd/system/$inst.d && systemctl daemon-reload"
	run -0 sd journalctl --no-pager -u "$inst"
	[[ $output == *"cannot create pin directory: Read-only file system"* ]] || {
		echo "$output" >&2
		return 1
	}
	sd systemctl reset-failed "$inst"
	[[ ! -e $(pindir xu0) ]]
}

@test "real systemd: the pin-gc timer is listed, and pin-gc.service removes a stale install" {
	ipn node link add xg0 type veth peer name xg1
	ipn node link set xg0 up
	run -0 in_ns node "$XW" redirect-install -q --device xg0
	ipn node link del xg0
	run -0 sd systemctl start xdpwire-pin-gc.timer
	run -0 sd systemctl list-timers --no-pager xdpwire-pin-gc.timer
	[[ $output == *"xdpwire-pin-gc.timer"*"xdpwire-pin-gc.service"* ]] || {
		echo "$output" >&2
		return 1
	}
	run sd systemctl start xdpwire-pin-gc.service
	assert_eq "$status" 0 "pin-gc.service: $(sd journalctl --no-pager -u xdpwire-pin-gc.service)"
	[[ ! -e $(pindir xg0) ]] || {
		sd journalctl --no-pager -u xdpwire-pin-gc.service >&2
		return 1
	}
	# Without XDPWIRE_METRICS no metrics were written.
	run -1 sd test -e /var/lib/prometheus/node-exporter/xdpwire.prom
}

@test "real systemd: with XDPWIRE_METRICS, pin-gc.service refreshes the metrics file; one it may not write fails the unit" {
	local prom=/var/lib/prometheus/node-exporter/xdpwire.prom
	run -0 in_ns node "$XW" redirect-install -q --device xu0
	run -0 sd sh -c "mkdir -p -m 0755 ${prom%/*} &&
		echo XDPWIRE_METRICS=$prom >/etc/xdpwire/pin-gc.env"
	run sd systemctl start xdpwire-pin-gc.service
	assert_eq "$status" 0 "pin-gc.service: $(sd journalctl --no-pager -u xdpwire-pin-gc.service)"
	run -0 sd cat "$prom"
	run -0 /usr/bin/python3 "$XW_ROOT/tests/lib/metrics_check.py" - <<<"$output"
	assert_json '[.[] | select(.name == "xdpwire_install_ok" and .labels.device == "xu0") | .value] == [1]'
	# Outside ReadWritePaths the file system is read-only: the unit
	# fails, the journal says why, and the gc itself was done.
	run -0 sd sh -c 'echo XDPWIRE_METRICS=/var/lib/xdpwire.prom >/etc/xdpwire/pin-gc.env'
	run sd systemctl start xdpwire-pin-gc.service
	sd rm -f /etc/xdpwire/pin-gc.env
	((status != 0))
	run -0 sd journalctl --no-pager -u xdpwire-pin-gc.service
	[[ $output == *"xdpwire status: /var/lib: cannot create .xdpwire.prom."*".tmp: Read-only file system"* ]] || {
		echo "$output" >&2
		return 1
	}
	sd systemctl reset-failed xdpwire-pin-gc.service
	run -0 in_ns node "$XW" redirect-install -q --device xu0 --unpin
	poll_until 5000 detached xu0
}
