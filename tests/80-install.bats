#!/usr/bin/env bats
# make install and make uninstall into a DESTDIR: the tree laid down is
# exactly the list kept here (a new file must be added to it on purpose),
# the busybox-style links are out of PATH in libexec/xdpwire/ and run
# their command, the link names come from the source, and uninstall
# leaves nothing behind.  The install uses the PREFIX `make tests` built
# the man pages for, so it builds nothing and changes nothing of build/.

bats_require_minimum_version 1.5.0
load lib/assert

XW_ROOT="$BATS_TEST_DIRNAME/.."
PREFIX=/usr/local

# What make install lays down under DESTDIR, directories included.
EXPECTED_TREE="usr
usr/local
usr/local/lib
usr/local/lib/systemd
usr/local/lib/systemd/system
usr/local/lib/systemd/system/xdpwire-pin-gc.service
usr/local/lib/systemd/system/xdpwire-pin-gc.timer
usr/local/lib/systemd/system/xdpwire-redirect@.service
usr/local/lib/systemd/system/xdpwire-tunnel@.service
usr/local/libexec
usr/local/libexec/xdpwire
usr/local/libexec/xdpwire/check -> ../../sbin/xdpwire
usr/local/libexec/xdpwire/pin-gc -> ../../sbin/xdpwire
usr/local/libexec/xdpwire/redirect-install -> ../../sbin/xdpwire
usr/local/libexec/xdpwire/scrape -> ../../sbin/xdpwire
usr/local/libexec/xdpwire/sockmap-insert -> ../../sbin/xdpwire
usr/local/libexec/xdpwire/status -> ../../sbin/xdpwire
usr/local/libexec/xdpwire/tunnel-install -> ../../sbin/xdpwire
usr/local/libexec/xdpwire/verify -> ../../sbin/xdpwire
usr/local/sbin
usr/local/sbin/xdpwire
usr/local/share
usr/local/share/bash-completion
usr/local/share/bash-completion/completions
usr/local/share/bash-completion/completions/xdpwire
usr/local/share/man
usr/local/share/man/man8
usr/local/share/man/man8/xdpwire-check.8
usr/local/share/man/man8/xdpwire-pin-gc.8
usr/local/share/man/man8/xdpwire-redirect-install.8
usr/local/share/man/man8/xdpwire-scrape.8
usr/local/share/man/man8/xdpwire-sockmap-insert.8
usr/local/share/man/man8/xdpwire-status.8
usr/local/share/man/man8/xdpwire-tunnel-install.8
usr/local/share/man/man8/xdpwire-verify.8
usr/local/share/man/man8/xdpwire.8
usr/local/share/xdpwire
usr/local/share/xdpwire/examples
usr/local/share/xdpwire/examples/pin-gc.env
usr/local/share/xdpwire/examples/redirect@DEVICE.env
usr/local/share/xdpwire/examples/tunnel@DEVICE.env
usr/local/share/xdpwire/scrape.schema.json
usr/local/share/xdpwire/status.schema.json"

setup() {
	DEST=$BATS_TEST_TMPDIR/dest
}

# list_tree DIR: every path under DIR, relative, a link with its target.
list_tree() {
	(cd "$1" && find . -mindepth 1 \( -type l -printf '%P -> %l\n' \) \
		-o -printf '%P\n' | LC_ALL=C sort)
}

@test "make install lays down exactly the listed tree: one binary in sbin, the links in libexec/xdpwire/" {
	run -0 make -C "$XW_ROOT" --no-print-directory -s install DESTDIR="$DEST" PREFIX=$PREFIX
	run -0 list_tree "$DEST"
	assert_eq "$output" "$EXPECTED_TREE" "the installed tree"
	[[ -x $DEST$PREFIX/sbin/xdpwire && ! -L $DEST$PREFIX/sbin/xdpwire ]]
	cmp "$XW_ROOT/man/xdpwire-scrape.schema.json" "$DEST$PREFIX/share/xdpwire/scrape.schema.json"
	cmp "$XW_ROOT/man/xdpwire-status.schema.json" "$DEST$PREFIX/share/xdpwire/status.schema.json"
}

@test "a command runs through its installed link, and the man pages name the installed paths" {
	run -0 make -C "$XW_ROOT" --no-print-directory -s install DESTDIR="$DEST" PREFIX=$PREFIX
	# The link's name is the command: status's own --help, not xdpwire's.
	run -0 "$DEST$PREFIX/libexec/xdpwire/status" --help
	[[ ${lines[0]} == "Usage: status "* ]] || {
		echo "the status link ran: ${lines[0]}" >&2
		return 1
	}
	run -0 "$DEST$PREFIX/libexec/xdpwire/redirect-install" --version
	[[ $output == *"$(cat "$XW_ROOT/VERSION")"* ]]
	MANWIDTH=400 run -0 man -l "$DEST$PREFIX/share/man/man8/xdpwire-scrape.8"
	[[ $output == *"$PREFIX/share/xdpwire/scrape.schema.json"* ]]
	MANWIDTH=400 run -0 man -l "$DEST$PREFIX/share/man/man8/xdpwire-status.8"
	[[ $output == *"$PREFIX/share/xdpwire/status.schema.json"* ]]
	MANWIDTH=400 run -0 man -l "$DEST$PREFIX/share/man/man8/xdpwire.8"
	[[ $output == *"$PREFIX/share/xdpwire/status.schema.json"* ]]
	[[ $output == *"$PREFIX/libexec/xdpwire/COMMAND"* ]]
}

@test "make uninstall removes exactly what make install laid down" {
	local other=$DEST$PREFIX/share/man/man8/other-tool.8
	run -0 make -C "$XW_ROOT" --no-print-directory -s install DESTDIR="$DEST" PREFIX=$PREFIX
	# Another package's file in a shared directory stays, and so does its
	# directory.
	echo other >"$other"
	run -0 make -C "$XW_ROOT" --no-print-directory -s uninstall DESTDIR="$DEST" PREFIX=$PREFIX
	run -0 list_tree "$DEST"
	assert_eq "$output" "usr
usr/local
usr/local/share
usr/local/share/man
usr/local/share/man/man8
usr/local/share/man/man8/other-tool.8" "the tree after uninstall beside another package's file"
	rm "$other"
	run -0 make -C "$XW_ROOT" --no-print-directory -s install DESTDIR="$DEST" PREFIX=$PREFIX
	run -0 make -C "$XW_ROOT" --no-print-directory -s uninstall DESTDIR="$DEST" PREFIX=$PREFIX
	run -0 find "$DEST$PREFIX" -mindepth 1
	assert_eq "$output" "" "what uninstall left under PREFIX"
}

@test "the link names come from the source: a tree with no binary gets the same list as the binary gives" {
	local src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src/cmd"
	cp "$XW_ROOT/cmd/xdpwire.c" "$src/cmd/"
	# make -p prints make's variables after reading the Makefile; no
	# binary exists in $src to run.
	run -0 make -C "$src" -f "$XW_ROOT/Makefile" --no-print-directory -p -n -q FORCE
	local from_source
	from_source=$(sed -n 's/^COMMANDS := //p' <<<"$output")
	run -0 "${XW_BIN:-$XW_ROOT/xdpwire}" __complete
	assert_eq "$from_source" "$(echo $output)" "the commands read from cmd/xdpwire.c"
}
