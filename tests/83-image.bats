#!/usr/bin/env bats
# The node agent's container image and the DaemonSet: the image is built
# from Debian's packages and our .deb (make deb, deploy/image/build), run
# by podman in the bed's network namespace with the bed's bpffs mounted in
# and exactly the capabilities of the manifest's securityContext; the
# agent installs what its config (the ConfigMap's files) says, survives a
# stop and a restart without unpinning, and its pin-gc loop removes what
# goes stale.  The manifests are checked against the Kubernetes API
# schema (tests/lib/k8s-validate), and a broken one is refused.

load lib/test
load lib/image

IMAGE=localhost/xdpwire-agent:test
AGENT=xw-agent

setup_file() {
	bed_setup
	bed_ns node peer
	bed_veth node n0 peer p0
	bed_veth node t0 peer s0
	bed_veth node v0 peer w0
	bed_veth node m0 peer q0
	# podman checks that a volume with propagation sits on a shared mount.
	mount --make-shared "$BPFFS"
	image_store_setup "$BED_DIR/podman"
	local deb log=$BED_DIR/build.log
	make -C "$XW_ROOT" --no-print-directory -s deb >"$log" 2>&1 || {
		tail -n 40 "$log" >&2
		bed_fail "make deb failed"
	}
	deb=$(make -C "$XW_ROOT" --no-print-directory -s \
		--eval 'print-deb: ; @echo $(DEB)' print-deb) || return
	# The image's root is rebuilt only when the .deb or the recipe changed
	# (build/image/root.tar); the import is into this file's store.
	PODMAN=$IMAGE_PODMAN "$XW_ROOT/deploy/image/build" "$IMAGE" "$XW_ROOT/$deb" \
		>"$log" 2>&1 || {
		tail -n 40 "$log" >&2
		bed_fail "deploy/image/build failed"
	}
	CONF=$BED_DIR/agent
	mkdir "$CONF"
	printf '# the node NIC\nn0 --pass-port 22 --pass-port 2222\n' >"$CONF/redirect"
	echo t0 >"$CONF/tunnel"
	echo 1 >"$CONF/gc-interval"
	export CONF
}

teardown_file() {
	image_store_teardown
	bed_teardown
}

# agent_run NAME CONFDIR [BPFFS]: the agent's container, as the DaemonSet
# runs it: the node's (bed's) network, its bpffs (the bed's unless
# BPFFS), the ConfigMap's files, the manifest's securityContext and
# propagation.  No cgroup of its own, so the machine's hierarchies get
# none (the manifest's resources are the kubelet's).
agent_run() {
	local -a sec
	mapfile -t sec < <(manifest_podman_args)
	pm_in node run -d --name "$1" --network host --cgroups=disabled \
		--ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
		"${sec[@]}" \
		-v "${3:-$BPFFS}:/sys/fs/bpf:$(manifest_propagation containers)" \
		-v "$2:/etc/xdpwire/agent:ro" \
		"$IMAGE"
}

# init_run DIR [PODMAN_ARGS...]: the DaemonSet's init container as the
# manifest runs it (its securityContext, args and the bpffs volume's
# propagation), DIR as the node's /sys/fs/bpf; waits for its exit, whose
# code and log are init_run's.
init_run() {
	local dir=$1 arg
	shift
	local -a sec args=()
	mapfile -t sec < <(manifest_init_podman_args)
	for arg in $(manifest_pod '.initContainers[0].args[]' | tr -d '"'); do
		args+=("$arg")
	done
	pm_in node run --rm --network host --cgroups=disabled \
		--ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
		"${sec[@]}" \
		-v "$dir:/sys/fs/bpf:$(manifest_propagation initContainers)" \
		"$@" "$IMAGE" "${args[@]}"
}

# mounts_at DIR: how many mounts are stacked at DIR in our namespace.
mounts_at() {
	awk -v d="$1" '$5 == d' /proc/self/mountinfo | wc -l
}

# logged NAME TEXT: the container's log has a line containing TEXT.
logged() {
	pm logs "$1" 2>&1 | grep -qF -- "$2"
}

# logged_twice NAME TEXT: two lines of the container's log contain TEXT.
logged_twice() {
	(($(pm logs "$1" 2>&1 | grep -cF -- "$2") == 2))
}

running() {
	[[ $(pm inspect --format '{{.State.Running}}' "$1") == true ]]
}

stopped() {
	! running "$1"
}

# gc_ran NAME: the agent's pin-gc loop has run once (it writes its
# heartbeat after each run).
gc_ran() {
	pm exec "$1" test -s /run/xdpwire-agent/heartbeat
}

@test "the manifests are valid against the Kubernetes API schema (python3-kubernetes's models)" {
	run -0 "$XW_ROOT/tests/lib/k8s-validate" "$XW_ROOT"/deploy/kubernetes/*.yaml
	[[ $output == *"daemonset.yaml: 1 document(s) valid"* ]]
	[[ $output == *"configmap.yaml: 1 document(s) valid"* ]]
	[[ $output == *"namespace.yaml: 1 document(s) valid"* ]]
}

@test "a manifest with a misspelled field, a wrong type, a missing required field or Bidirectional unprivileged is refused" {
	local ds=$XW_ROOT/deploy/kubernetes/daemonset.yaml bad=$BATS_TEST_TMPDIR/bad.yaml
	local where="$bad: document 1 (DaemonSet/xdpwire-agent): spec.template.spec"
	# sed expression -> the one error line it must cause
	local -a cases=(
		"s/readOnlyRootFilesystem:/readOnlyRootFileSystem:/"
		"$where.containers[0].securityContext.readOnlyRootFileSystem: unknown field of V1SecurityContext"
		"s/periodSeconds: 30/periodSeconds: \"30\"/"
		"$where.containers[0].livenessProbe.periodSeconds: expected int, got string '30'"
		"s/hostNetwork: true/hostNetwork: yes please/"
		"$where.hostNetwork: expected bool, got string 'yes please'"
		"/^        - name: agent/s/name: agent/nam: agent/"
		"$where.containers[0].nam: unknown field of V1Container"
		"s/mountPropagation: HostToContainer/mountPropagation: Bidirectional/"
		"$where.containers[0].volumeMounts[0].mountPropagation: Bidirectional is allowed only in a privileged container"
		"s/privileged: true/privileged: false/"
		"$where.initContainers[0].volumeMounts[0].mountPropagation: Bidirectional is allowed only in a privileged container"
	)
	# k, not i: bats' run sets an i of its own.
	local k
	for ((k = 0; k < ${#cases[@]}; k += 2)); do
		sed -e "${cases[k]}" "$ds" >"$bad"
		! cmp -s "$ds" "$bad" || bed_fail "sed '${cases[k]}' changed nothing"
		run -1 --separate-stderr "$XW_ROOT/tests/lib/k8s-validate" "$bad"
		[[ $stderr == *"${cases[k + 1]}"* ]] || {
			printf 'case %s:\n  want a line: %s\n  got: %s\n' "${cases[k]}" "${cases[k + 1]}" "$stderr" >&2
			return 1
		}
	done
	# The missing name of a container is also a missing required field.
	sed -e '/^        - name: agent/s/name: agent/nam: agent/' "$ds" >"$bad"
	run -1 --separate-stderr "$XW_ROOT/tests/lib/k8s-validate" "$bad"
	[[ $stderr == *"$where.containers[0].name: required field of V1Container missing"* ]]
}

@test "the agent installs its config's redirect and tunnel with the manifest's capabilities; status --check passes in the container" {
	run -0 agent_run "$AGENT" "$CONF"
	poll_until 30000 logged "$AGENT" "installs done"
	[[ -n $(bed_prog_id node n0) && -n $(bed_prog_id node t0) ]]
	[[ -e $BPFFS/n0/redirect_link && -e $BPFFS/t0/tunnel_host_link ]]
	run -0 pm exec "$AGENT" xdpwire status --check
	run -0 pm exec "$AGENT" xdpwire-agent ready
	poll_until 10000 gc_ran "$AGENT"
	run -0 pm exec "$AGENT" xdpwire-agent alive
	# The agent runs with exactly the manifest's capabilities.
	run -0 pm inspect --format '{{.EffectiveCaps}}' "$AGENT"
	assert_eq "$output" "[CAP_SYS_ADMIN]" "the agent's capabilities"
	run -0 pm exec "$AGENT" sh -c 'grep ^CapEff /proc/1/status'
	assert_eq "$output" "CapEff:	0000000000200000" "the agent's effective set"
}

@test "a stop leaves the installs in place (no unpin); a restart changes nothing" {
	local n0 t0 before
	n0=$(bed_prog_id node n0) t0=$(bed_prog_id node t0)
	before=$(bed_state node)
	run -0 pm stop --time 20 "$AGENT"
	# SIGTERM was the agent's own clean exit, not podman's SIGKILL.
	run -0 pm inspect --format '{{.State.ExitCode}}' "$AGENT"
	assert_eq "$output" 0 "the agent's exit code"
	logged "$AGENT" "stopping; the installs stay"
	assert_eq "$(bed_state node)" "$before" "pins and XDP after the stop"
	run -0 pm_in node start "$AGENT"
	# Both installs of the new start are no-ops.
	poll_until 30000 logged_twice "$AGENT" "already installed"
	logged "$AGENT" "n0: redirect already installed"
	assert_eq "$(bed_prog_id node n0)" "$n0" "n0's program after the restart"
	assert_eq "$(bed_prog_id node t0)" "$t0" "t0's program after the restart"
	assert_eq "$(bed_state node)" "$before" "pins and XDP after the restart"
	run -0 pm exec "$AGENT" xdpwire-agent ready
}

@test "the pin-gc loop removes a sandbox install made stale; readiness does not depend on it" {
	in_ns node "$XW" tunnel-install --device t0 --veth v0 -q
	[[ -d $BPFFS/v0 ]]
	ipn node link del v0
	poll_until 15000 test ! -e "$BPFFS/v0"
	run pm exec "$AGENT" xdpwire status --check
	assert_eq "$status" 0 "status --check's exit code, its output: $output"
	run -0 pm exec "$AGENT" xdpwire-agent ready
	running "$AGENT"
}

@test "a failed install is logged with its exit code and fails readiness; the agent keeps running" {
	local conf=$BED_DIR/agent-bad
	mkdir "$conf"
	echo nosuch0 >"$conf/redirect"
	echo 1 >"$conf/gc-interval"
	run -0 agent_run xw-agent-bad "$conf"
	poll_until 30000 logged xw-agent-bad "redirect-install --device nosuch0: failed, exit 66"
	poll_until 10000 gc_ran xw-agent-bad
	running xw-agent-bad
	run -1 pm exec xw-agent-bad xdpwire-agent ready
	run -0 pm exec xw-agent-bad xdpwire-agent alive
	run -0 pm rm --force --time 20 xw-agent-bad
}

@test "a gc-interval that is not a number of seconds stops the agent at start, in one line, exit 65" {
	local conf=$BED_DIR/agent-conf
	mkdir "$conf"
	echo soon >"$conf/gc-interval"
	run -0 agent_run xw-agent-conf "$conf"
	poll_until 30000 stopped xw-agent-conf
	run -0 pm inspect --format '{{.State.ExitCode}}' xw-agent-conf
	assert_eq "$output" 65 "the agent's exit code"
	run -0 pm logs xw-agent-conf
	assert_eq "$output" "xdpwire-agent: gc-interval: 'soon' is not a number of seconds" "the agent's log"
	run -0 pm rm --force --time 20 xw-agent-conf
}

@test "the manifest: a privileged init container mounts the bpffs (Bidirectional), the agent is not privileged (HostToContainer)" {
	run -0 manifest_pod '[(.initContainers | length), .initContainers[0].args, .initContainers[0].securityContext.privileged]'
	assert_eq "$output" '[1,["mount-bpffs"],true]' "the init container"
	assert_eq "$(manifest_propagation initContainers)" rshared "the init container's bpffs propagation"
	assert_eq "$(manifest_pod '.initContainers[0].image == .containers[0].image')" true "one image for both"
	assert_eq "$(manifest_container '.securityContext.privileged')" false "the agent's privileged"
	assert_eq "$(manifest_container '.securityContext.capabilities')" '{"drop":["ALL"],"add":["SYS_ADMIN"]}' "the agent's capabilities"
	assert_eq "$(manifest_propagation containers)" rslave "the agent's bpffs propagation"
	assert_eq "$(manifest_pod '.volumes[] | select(.name == "bpffs") | .hostPath')" \
		'{"path":"/sys/fs/bpf","type":"DirectoryOrCreate"}' "the bpffs volume"
}

@test "the init container mounts a bpffs on a plain shared directory, the test sees it there, and the agent started after it installs into it" {
	local node_bpf=$BED_DIR/node-bpf conf=$BED_DIR/agent-m
	# The node's /sys/fs/bpf before anything mounted it: an empty directory
	# on a shared mount (as systemd makes /sys), not a bpffs.
	mkdir "$node_bpf"
	mount --bind "$node_bpf" "$node_bpf"
	mount --make-shared "$node_bpf"
	[[ $(stat -f -c %T "$node_bpf") != bpf_fs ]] || bed_fail "$node_bpf is a bpffs already"
	run -0 init_run "$node_bpf"
	[[ $output == "xdpwire-agent: /sys/fs/bpf: was an empty "*" directory, mounted a bpffs (mode 0700)" ]] ||
		bed_fail "the init container's log: $output"
	# Propagation proven: the container's mount is ours, here.
	assert_eq "$(stat -f -c %T "$node_bpf")" bpf_fs "$node_bpf's file system"
	assert_eq "$(stat -c %a "$node_bpf")" 1700 "the bpffs root's mode (bpffs adds the sticky bit)"
	mkdir "$conf"
	echo m0 >"$conf/redirect"
	echo 1 >"$conf/gc-interval"
	run -0 agent_run xw-agent-m "$conf" "$node_bpf"
	poll_until 30000 logged xw-agent-m "installs done"
	[[ -e $node_bpf/m0/redirect_link ]]
	run -0 pm exec xw-agent-m xdpwire-agent ready
	# The node's own tools see the install in the bpffs the pod mounted.
	XDPWIRE_BPFFS=$node_bpf in_ns node "$XW" status --check -q --device m0
	run -0 pm rm --force --time 20 xw-agent-m
	XDPWIRE_BPFFS=$node_bpf in_ns node "$XW" redirect-install --device m0 --unpin -q
	umount "$node_bpf"
	umount "$node_bpf"
}

@test "the init container changes nothing on a bpffs (no second mount), and refuses a non-empty directory or a missing path in one line" {
	local before plain=$BED_DIR/not-bpf
	before=$(bed_state node)
	assert_eq "$(mounts_at "$BPFFS")" 1 "mounts at the bed's bpffs before"
	run -0 init_run "$BPFFS"
	assert_eq "$output" "xdpwire-agent: /sys/fs/bpf: already a bpffs, nothing to do" "the init container's log"
	assert_eq "$(mounts_at "$BPFFS")" 1 "mounts at the bed's bpffs after"
	assert_eq "$(bed_state node)" "$before" "the bed's pins"
	# A directory with something in it is some other file system's data.
	mkdir "$plain"
	mount --bind "$plain" "$plain"
	mount --make-shared "$plain"
	touch "$plain/data"
	run -65 init_run "$plain"
	assert_eq "$output" "xdpwire-agent: /sys/fs/bpf: a $(stat -f -c %T "$plain") directory that is not empty, not a bpffs: refusing to mount one over it" "the refusal"
	assert_eq "$(mounts_at "$plain")" 1 "mounts at $plain"
	run -66 init_run "$plain" -e XDPWIRE_AGENT_BPFFS=/nosuch
	assert_eq "$output" "xdpwire-agent: /nosuch: no such directory" "the refusal"
	umount "$plain"
}
