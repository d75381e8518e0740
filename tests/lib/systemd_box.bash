# A real systemd as PID 1 of a podman container on a test bed, for the
# units' tests: a Debian root made by mmdebstrap with xdpwire installed
# by make install (the package's paths), run in the bed's network
# namespace with the bed's bpffs at /sys/fs/bpf.  Nothing of the
# machine's is used: podman's store and state are under the bed's
# directory, the container's /sys is a sysfs mounted from the bed's
# namespace, and bed_teardown removes all of it.
#
# Why each podman setting (measured on these machines):
# - --ulimit nofile/nproc: podman's defaults raise RLIMIT_NPROC/NOFILE,
#   refused here (EPERM) without CAP_SYS_RESOURCE;
# - /sys/fs/cgroup/unified unmounted, in a mount namespace of each podman
#   call's own: crun refuses cgroups in hybrid mode;
# - --cap-add: the capabilities the units may keep (their own bounding
#   set then narrows them to CAP_SYS_ADMIN);
# - a read-write /sys: systemd supports device units only then, and the
#   install units bind to their device's unit.  No udev runs in the
#   container (none is installed), so the devices are announced in
#   /run/udev as udev's 99-systemd.rules would (the "systemd" tag, the
#   /sys/subsystem/net/devices/<name> alias) before systemd starts.



# sd_podman ARGS...: podman with the bed's own store (SD_PODMAN: that
# command line, for a caller that runs it in a bed namespace).
sd_podman() {
	local store=$BED_DIR/podman
	SD_PODMAN=(unshare --mount --propagation private -- bash -c '
		umount /sys/fs/cgroup/unified 2>/dev/null
		exec "$@"' - podman --root "$store/root" --runroot "$store/run"
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend file)
	(($#)) || return 0
	"${SD_PODMAN[@]}" "$@"
}

# sd_root DIR: a Debian root with systemd and xdpwire installed in DIR.
sd_root() {
	local root=$1 unit
	mmdebstrap --quiet --variant=essential --include=systemd,dbus bookworm "$root" ||
		bed_fail "mmdebstrap failed" || return
	make -C "$XW_ROOT" --no-print-directory -s install DESTDIR="$root" PREFIX=/usr \
		UNITDIR=/lib/systemd/system >/dev/null || return
	# Units that would write the kernel's settings: the container's /sys
	# is read-write.  Masked, they cannot start.
	for unit in systemd-sysctl.service systemd-modules-load.service \
		systemd-binfmt.service; do
		ln -sfn /dev/null "$root/etc/systemd/system/$unit" || return
	done
	mkdir -p "$root/etc/xdpwire"
}

# sd_announce NS DEV...: DEVs of bed namespace NS in a udev database for
# the container's /run/udev.
sd_announce() {
	local ns=$1 dev idx db=$BED_DIR/udev
	shift
	mkdir -p "$db/data" "$db/tags/systemd" || return
	for dev; do
		idx=$(cat "$BED_DIR/sys/class/net/$dev/ifindex") || return
		printf 'I:1\nE:SYSTEMD_ALIAS=/sys/subsystem/net/devices/%s\nG:systemd\nQ:systemd\nV:1\n' \
			"$dev" >"$db/data/n$idx" || return
		: >"$db/tags/systemd/n$idx" || return
	done
}

# sd_start ROOT NS DEV...: the container on bed namespace NS, its devices
# DEV announced, running systemd; returns once systemd is up.
sd_start() {
	local root=$1 ns=$2
	shift 2
	mkdir -p "$BED_DIR/sys" "$BED_DIR/podman" || return
	in_ns "$ns" mount -t sysfs sysfs "$BED_DIR/sys" || return
	sd_announce "$ns" "$@" || return
	sd_podman
	in_ns "$ns" "${SD_PODMAN[@]}" run -d --name "$BED_ID-sd" --network host --systemd=always \
		--cap-add SYS_ADMIN,BPF,NET_ADMIN,PERFMON \
		--ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
		-v "$BED_DIR/sys:/sys:rw" -v "$BED_DIR/udev:/run/udev" \
		-v "$BPFFS:/sys/fs/bpf:rshared" \
		--rootfs "$root" /lib/systemd/systemd >/dev/null || return
	poll_until 60000 sd_running
}

sd_running() {
	local state
	state=$(sd_podman exec "$BED_ID-sd" systemctl is-system-running 2>/dev/null)
	[[ $state == running || $state == degraded ]]
}

# sd CMD...: CMD in the container.
sd() {
	sd_podman exec "$BED_ID-sd" "$@"
}

# sd_stop: the container gone (safe when it never started).
sd_stop() {
	[[ -n ${BED_DIR:-} && -d $BED_DIR/podman ]] || return 0
	sd_podman rm -f -t 0 "$BED_ID-sd" >/dev/null 2>&1
	return 0
}
