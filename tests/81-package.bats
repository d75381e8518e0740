#!/usr/bin/env bats
# The Debian package (make deb): its file list is what make install lays
# down under PREFIX=/usr (plus what dh adds), its control fields, lintian,
# and a real dpkg -i into a throwaway Debian root (mmdebstrap, with only
# the package's declared Depends), from which xdpwire runs a redirect
# install on a test bed through its libexec link; dpkg -r and -P take
# everything back.

load lib/test

setup_file() {
	bed_setup
	# The package is built once per file; a make deb with nothing newer
	# than the .deb builds nothing.
	make -C "$XW_ROOT" --no-print-directory -s deb >&3 2>&1 ||
		bed_fail "make deb failed" || return
	local version arch
	version=$(dpkg-parsechangelog -l "$XW_ROOT/debian/changelog" -S Version) &&
		arch=$(dpkg-architecture -q DEB_HOST_ARCH) || return
	export DEB=$XW_ROOT/build/deb/xdpwire_${version}_$arch.deb
	export DEB_COPY=$XW_ROOT/build/deb/src/xdpwire-$(cat "$XW_ROOT/VERSION")
	[[ -f $DEB && -d $DEB_COPY ]] || bed_fail "make deb left no $DEB or $DEB_COPY" || return

	# A minimal Debian with the package's Depends and nothing else, so
	# that a missing Depends fails dpkg -i or the run below.
	export ROOT=$BED_DIR/root
	local deps
	deps=$(deb_depends "$DEB") || return
	mmdebstrap --quiet --variant=essential --include="$deps" bookworm "$ROOT" \
		>"$BED_DIR/mmdebstrap.log" 2>&1 ||
		bed_fail "mmdebstrap failed: $(tail -n 5 "$BED_DIR/mmdebstrap.log")" || return
	root_tree >"$BED_DIR/tree-before"
	cp "$DEB" "$ROOT/tmp/xdpwire.deb" &&
		chroot "$ROOT" dpkg -i /tmp/xdpwire.deb >"$BED_DIR/dpkg.log" 2>&1 ||
		bed_fail "dpkg -i failed: $(cat "$BED_DIR/dpkg.log")" || return
	rm "$ROOT/tmp/xdpwire.deb"
	# The root's /sys/fs/bpf is the bed's bpffs: the installed xdpwire
	# runs with its defaults.
	mkdir -p "$ROOT/sys/fs/bpf" &&
		mount --bind "$BPFFS" "$ROOT/sys/fs/bpf" &&
		mount -t proc proc "$ROOT/proc"
}

# deb_depends DEB: the packages of its Depends, comma-separated, the
# first of each set of alternatives.
deb_depends() {
	dpkg-deb -f "$1" Depends | tr ',' '\n' |
		sed -e 's/|.*//' -e 's/(.*)//' -e 's/[[:space:]]//g' | paste -sd,
}

# list_tree DIR: every path under DIR, relative, a link with its target.
list_tree() {
	(cd "$1" && find . -mindepth 1 \( -type l -printf '%P -> %l\n' \) \
		-o -printf '%P\n' | LC_ALL=C sort)
}

# root_tree: what a package may add to the throwaway root, its state
# directories left out.  /lib is a link to /usr/lib there (merged /usr).
root_tree() {
	(cd "$ROOT" && find usr etc -printf '%y %m %p -> %l\n' | LC_ALL=C sort)
}

# deb_tree DEB: dpkg-deb -c's list in list_tree's form.
deb_tree() {
	dpkg-deb -c "$1" | awk '{
		p = $6; sub(/^\.\//, "", p); sub(/\/$/, "", p)
		if (p == "") next
		if (substr($1, 1, 1) == "l") p = p " -> " $8
		print p }' | LC_ALL=C sort
}

# in_root CMD...: CMD from the installed package, in the bed's node
# namespace, with the installed defaults (the bed's variables point
# outside the root).
in_root() {
	in_ns node env -u XDPWIRE_BPFFS -u XDPWIRE_CACHE_DIR -u XDPWIRE_STATE_DIR \
		chroot "$ROOT" "$@"
}

@test "make deb builds from a copy of the tracked sources and is a no-op when the .deb is newer" {
	local before
	before=$(stat -c %Y.%i "$DEB")
	run -0 make -C "$XW_ROOT" --no-print-directory deb
	assert_eq "$output" "" "what an up-to-date make deb says"
	assert_eq "$(stat -c %Y.%i "$DEB")" "$before" "the .deb after a second make deb"
	for f in changes buildinfo; do
		[[ -f ${DEB%.deb}.$f ]] || { echo "no ${DEB%.deb}.$f" >&2; false; }
	done
	# The copy holds the tracked files (outside git: the tree less build/
	# and the binary), and nothing of this tree's build.
	local f files
	if files=$(git -C "$XW_ROOT" ls-files 2>/dev/null); then
		[[ ! -e $DEB_COPY/.git ]]
	else
		files=$(cd "$XW_ROOT" && find . \( -path ./build -o -path ./xdpwire \) -prune \
			-o -type f -printf '%P\n')
	fi
	while read -r f; do
		[[ -e $DEB_COPY/$f || ! -e $XW_ROOT/$f ]] || { echo "not copied: $f" >&2; false; }
	done <<<"$files"
	[[ ! -e $DEB_COPY/build/deb ]]
}

@test "the package holds what make install lays down under PREFIX=/usr, and dh's doc files" {
	local dest=$BATS_TEST_TMPDIR/dest
	# In the copy the package was built in: same flags as debian/rules, so
	# it builds nothing; the ceiling keeps git from finding this tree.
	GIT_CEILING_DIRECTORIES=$(dirname "$DEB_COPY") run -0 make -C "$DEB_COPY" -s \
		--no-print-directory install PREFIX=/usr UNITDIR=/lib/systemd/system \
		LINK=shared DESTDIR="$dest"
	[[ -x $dest/usr/sbin/xdpwire ]]
	local want
	# dh_installman compresses man pages; dh_installdocs and
	# dh_installchangelogs add the copyright and the changelog.
	want=$({
		list_tree "$dest" | sed -e 's|^\(usr/share/man/man8/.*\.8\)$|\1.gz|'
		printf '%s\n' usr/share/doc usr/share/doc/xdpwire \
			usr/share/doc/xdpwire/changelog.Debian.gz usr/share/doc/xdpwire/copyright
	} | LC_ALL=C sort)
	run -0 deb_tree "$DEB"
	assert_eq "$output" "$want" "the package's files"
}

@test "the control fields: name, version from VERSION, this architecture, shared-library Depends" {
	run -0 dpkg-deb -f "$DEB" Package Version Architecture Section Priority
	assert_eq "$output" "Package: xdpwire
Version: $(cat "$XW_ROOT/VERSION")-1
Architecture: $(dpkg-architecture -q DEB_HOST_ARCH)
Section: net
Priority: optional" "control fields"
	run -0 deb_depends "$DEB"
	local deps=",$output,"
	# LINK=shared: the libraries are Depends, not copies inside the binary.
	for lib in libc6 libbpf1 libjson-c5 libnl-route-3-200; do
		[[ $deps == *",$lib,"* ]] || { echo "no $lib in Depends: $output" >&2; false; }
	done
	[[ $deps != *-dev,* ]] || { echo "a -dev package in Depends: $output" >&2; false; }
	run -0 dpkg-deb -f "$DEB" Maintainer Description
	[[ $output == *"Maintainer: "*@* ]]
}

@test "lintian finds no error in the package" {
	run -0 lintian --fail-on error --tag-display-limit 0 "$DEB"
	# Warnings are allowed; shown in the log for the report.
	echo "$output" >&3
	[[ $output != *"E: "* ]]
}

@test "dpkg -i in a throwaway root: xdpwire --version, the links, the man pages name the installed schemas" {
	run -0 chroot "$ROOT" dpkg-query -W -f '${Status} ${Version}' xdpwire
	assert_eq "$output" "install ok installed $(cat "$XW_ROOT/VERSION")-1" "dpkg's view"
	run -0 chroot "$ROOT" xdpwire --version
	assert_eq "${lines[0]}" "xdpwire $(cat "$XW_ROOT/VERSION")" "the installed version"
	run -0 chroot "$ROOT" /usr/libexec/xdpwire/status --help
	[[ ${lines[0]} == "Usage: status "* ]]
	[[ -f $ROOT/usr/share/xdpwire/scrape.schema.json ]]
	cmp "$XW_ROOT/man/xdpwire-status.schema.json" "$ROOT/usr/share/xdpwire/status.schema.json"
	MANWIDTH=400 run -0 man -l "$ROOT/usr/share/man/man8/xdpwire-scrape.8.gz"
	[[ $output == *"/usr/share/xdpwire/scrape.schema.json"* ]]
	MANWIDTH=400 run -0 man -l "$ROOT/usr/share/man/man8/xdpwire-status.8.gz"
	[[ $output == *"/usr/share/xdpwire/status.schema.json"* ]]
	MANWIDTH=400 run -0 man -l "$ROOT/usr/share/man/man8/xdpwire.8.gz"
	[[ $output == *"/usr/libexec/xdpwire/COMMAND"* ]]
}

@test "the installed package installs a redirect on the bed through its libexec link, checks it and unpins it" {
	bed_ns node peer
	bed_veth node a0 peer pa0
	run -0 --separate-stderr in_root /usr/libexec/xdpwire/redirect-install --device a0 -j
	assert_json '.changed and .device == "a0" and .install == "redirect"'
	local prog
	prog=$(json .program_id)
	for pin in redirect_ip_map redirect_counters redirect_program redirect_link; do
		[[ -f $BPFFS/a0/$pin ]] || { echo "no $pin in the bed's bpffs" >&2; false; }
	done
	assert_eq "$(bed_prog_id node a0)" "$prog" "attached program"
	run -0 --separate-stderr in_root xdpwire status --check --device a0
	run -0 --separate-stderr in_root /usr/libexec/xdpwire/redirect-install --device a0 --unpin -q
	[[ ! -e $BPFFS/a0 ]]
	poll_until 5000 test -z "$(bed_prog_id node a0)"
}

@test "dpkg -r removes every file the package laid down, dpkg -P the rest" {
	run -0 chroot "$ROOT" dpkg -r xdpwire
	run -0 root_tree
	# Only /etc may keep something after -r (a unit's enablement links, as
	# conffiles are kept); /usr must be as before.
	assert_eq "$(grep ' usr' <<<"$output")" "$(grep ' usr' "$BED_DIR/tree-before")" \
		"/usr after dpkg -r"
	run -0 chroot "$ROOT" dpkg -P xdpwire
	run -0 root_tree
	assert_eq "$output" "$(cat "$BED_DIR/tree-before")" "the root after dpkg -P"
	run -1 chroot "$ROOT" dpkg-query -W xdpwire
}
