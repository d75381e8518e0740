# The node agent's image under podman, for tests/83-image.bats: a podman
# store, lock segment and cgroups of the test's own, so that the machine's
# /var/lib/containers, /dev/shm and running containers are never touched.
# Needs the private mount namespace tests/run gives (its mounts stay there).

# image_store_setup DIR: a private podman store in DIR.
image_store_setup() {
	IMAGE_STORE=$1
	mkdir -p "$IMAGE_STORE"/{root,runroot,tmp,volumes} || return
	# podman's locks are a shared memory segment in /dev/shm, the same for
	# every store: a tmpfs of our own there keeps ours apart.
	mount -t tmpfs -o size=16m,mode=1777 xw-shm /dev/shm || return
	IMAGE_SHM_MOUNTED=1
	# crun refuses a cgroup v1 hierarchy with a v2 one mounted beside it
	# ("hybrid"); unmounted here, in our mount namespace only.
	if mountpoint -q /sys/fs/cgroup/unified; then
		umount /sys/fs/cgroup/unified || return
		IMAGE_UNIFIED_UNMOUNTED=1
	fi
	# The podman command line on the store (deploy/image/build's PODMAN).
	# No systemd here: cgroupfs, the events in a file.
	IMAGE_PODMAN="podman --root $IMAGE_STORE/root --runroot $IMAGE_STORE/runroot"
	IMAGE_PODMAN+=" --tmpdir $IMAGE_STORE/tmp --volumepath $IMAGE_STORE/volumes"
	IMAGE_PODMAN+=" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file"
	export IMAGE_STORE IMAGE_PODMAN IMAGE_SHM_MOUNTED IMAGE_UNIFIED_UNMOUNTED
}

# pm ARGS...: podman on the private store.
pm() {
	local -a podman
	read -ra podman <<<"$IMAGE_PODMAN"
	"${podman[@]}" "$@"
}

# pm_in NS ARGS...: podman on the private store in the bed's namespace NS:
# a container of --network host gets the namespace of the podman that
# starts it, at `run` and at every `start`.
pm_in() {
	local ns=$1 podman
	shift
	read -ra podman <<<"$IMAGE_PODMAN"
	in_ns "$ns" "${podman[@]}" "$@"
}

# image_store_teardown: every container and image of the store, the store,
# and what image_store_setup mounted or unmounted.  Never stops half-way.
image_store_teardown() {
	local -
	set +e
	[[ -n ${IMAGE_STORE:-} && -d $IMAGE_STORE ]] || return 0
	pm rm --all --force --time 0 >/dev/null 2>&1
	pm rmi --all --force >/dev/null 2>&1
	rm -rf "$IMAGE_STORE"
	[[ -z ${IMAGE_SHM_MOUNTED:-} ]] || umount /dev/shm
	[[ -z ${IMAGE_UNIFIED_UNMOUNTED:-} ]] ||
		mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
	return 0
}

# manifest_pod FILTER: a field of the DaemonSet's pod spec, as JSON.
manifest_pod() {
	/usr/bin/python3 -c 'import json, sys, yaml
print(json.dumps(yaml.safe_load(sys.stdin)["spec"]["template"]["spec"]))' \
		<"$XW_ROOT/deploy/kubernetes/daemonset.yaml" | jq -c "$1"
}

# manifest_container FILTER: a field of the DaemonSet's container, as JSON.
manifest_container() {
	manifest_pod ".containers[0] | $1"
}

# manifest_podman_args: podman run's options for the manifest's
# securityContext: exactly its capabilities, its read-only root, its
# no-new-privileges; and the emptyDir at /run.
manifest_podman_args() {
	local cap
	echo --cap-drop=all
	for cap in $(manifest_container '.securityContext.capabilities.add[]' | tr -d '"'); do
		echo "--cap-add=CAP_$cap"
	done
	[[ $(manifest_container '.securityContext.readOnlyRootFilesystem') != true ]] ||
		echo --read-only
	[[ $(manifest_container '.securityContext.allowPrivilegeEscalation') != false ]] ||
		echo --security-opt=no-new-privileges
	echo --tmpfs=/run
}

# manifest_init_podman_args: podman run's options for the manifest's init
# container's securityContext, one a line: privileged, read-only root.
manifest_init_podman_args() {
	[[ $(manifest_pod '.initContainers[0].securityContext.privileged') != true ]] ||
		echo --privileged
	[[ $(manifest_pod '.initContainers[0].securityContext.readOnlyRootFilesystem') != true ]] ||
		echo --read-only
}

# manifest_propagation CONTAINERS: the bpffs volume's mountPropagation in
# the first of the pod's CONTAINERS (containers, initContainers), as podman
# spells it: Bidirectional is rshared, HostToContainer rslave.
manifest_propagation() {
	local prop
	prop=$(manifest_pod ".$1[0].volumeMounts[] | select(.name == \"bpffs\") | .mountPropagation")
	case $prop in
	'"Bidirectional"') echo rshared ;;
	'"HostToContainer"') echo rslave ;;
	*) echo private ;;
	esac
}
