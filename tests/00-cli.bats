#!/usr/bin/env bats
# The command line: dispatch, help, version, usage errors and their exit
# codes, busybox-style links, and JSON errors.  No kernel objects here.

bats_require_minimum_version 1.5.0

setup_file() {
	load lib/bed
	export XW
	LINKS=$(mktemp -d /tmp/xwlinks-XXXXXX)
	export LINKS
	ln -s "$XW" "$LINKS/redirect-install"
	ln -s "$XW" "$LINKS/sockmap-insert"
}

teardown_file() {
	rm -rf "$LINKS"
}

setup() {
	load lib/assert
}

# refused_table RC: for each "STDERR LINE|ARGS" line of stdin, xdpwire ARGS
# exits RC with exactly that line on stderr and nothing on stdout.
refused_table() {
	local rc=$1 line args
	while IFS='|' read -r line args; do
		# shellcheck disable=SC2086
		run -"$rc" --separate-stderr "$XW" $args
		assert_eq "$stderr" "$line" "stderr of xdpwire $args" || return
		assert_eq "$output" "" "stdout of xdpwire $args" || return
	done
}

@test "xdpwire --help lists every subcommand with a synopsis, exits 0" {
	run -0 --separate-stderr "$XW" --help
	assert_eq "$stderr" "" "stderr"
	for cmd in $("$XW" __complete); do
		[[ $output == *"  $cmd "* ]] || { echo "missing $cmd" >&2; false; }
	done
	[[ $output == *"Exit status:"* ]]
}

@test "-h, help and help COMMAND print the help on stdout, exit 0" {
	local want cmd
	run -0 --separate-stderr "$XW" --help
	want=$output
	for args in "-h" "-?" "help"; do
		# shellcheck disable=SC2086
		run -0 --separate-stderr "$XW" $args
		assert_eq "$output" "$want" "xdpwire $args" || return
		assert_eq "$stderr" "" "stderr of xdpwire $args" || return
	done
	[[ $want == *"  help [COMMAND]"* || $want == *" help [COMMAND]"* ]]
	for cmd in $("$XW" __complete); do
		run -0 --separate-stderr "$XW" "$cmd" --help
		want=$output
		[[ $want == *"-h, -?, --help"* ]] || { echo "$cmd: no -h" >&2; false; }
		run -0 --separate-stderr "$XW" "$cmd" -h
		assert_eq "$output" "$want" "xdpwire $cmd -h" || return
		# Not a terminal: help COMMAND prints, never pages.
		run -0 --separate-stderr "$XW" help "$cmd"
		assert_eq "$output" "$want" "xdpwire help $cmd" || return
		assert_eq "$stderr" "" "stderr of xdpwire help $cmd" || return
	done
	run -0 --separate-stderr "$LINKS/redirect-install" -h
	[[ $output == "Usage: redirect-install "* ]]
}

@test "help COMMAND at a terminal opens the man page when man has it" {
	local bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	# A man that knows one page, and says how it was asked.
	cat >"$bin/man" <<'MAN'
#!/bin/sh
[ "$1" = -w ] && { [ "$2" = xdpwire-status ] && exit 0; exit 16; }
echo "man $*"
MAN
	chmod +x "$bin/man"
	run -0 env PATH="$bin:$PATH" script -qec "$XW help status" /dev/null
	assert_eq "${output//$'\r'/}" "man 8 xdpwire-status" "through a terminal"
	# No page installed: the help is printed.
	run -0 env PATH="$bin:$PATH" script -qec "$XW help scrape" /dev/null
	[[ $output == "Usage: xdpwire scrape "* ]]
	# Not a terminal: printed, although man has the page.
	run -0 --separate-stderr env PATH="$bin:$PATH" "$XW" help status
	[[ $output == "Usage: xdpwire status "* ]]
}

@test "help with an unknown command or extra words: one line, exit 64" {
	run -64 --separate-stderr "$XW" help nosuch
	assert_eq "$stderr" "xdpwire: nosuch: unknown command (see 'xdpwire --help')"
	assert_eq "$output" "" "stdout"
	run -64 --separate-stderr "$XW" help status scrape
	assert_eq "$stderr" "xdpwire: scrape: unexpected argument to help (see 'xdpwire --help')"
	run -64 --separate-stderr "$XW" -h status
	assert_eq "$stderr" "xdpwire: status: unexpected argument (see 'xdpwire --help')"
}

@test "--version: the version of VERSION, libbpf's, and the kernel features" {
	local semver
	semver=$(<"$BATS_TEST_DIRNAME/../VERSION")
	run -0 --separate-stderr "$XW" --version
	assert_eq "$stderr" "" "stderr"
	assert_eq "${#lines[@]}" 3 "lines" || return
	[[ ${lines[0]} =~ ^xdpwire\ ${semver//./\\.}(\+g[0-9a-f]+(-dirty)?)?$ ]] ||
		{ echo "first line: ${lines[0]}" >&2; false; }
	[[ ${lines[1]} =~ ^libbpf\ v1\.[0-9]+$ ]]
	# Root on this kernel: every feature is there.
	assert_eq "${lines[2]}" "features: btf, xdp, xdp_link, xskmap, devmap, bpf_iter"
	run -0 --separate-stderr "$XW" -V
	assert_eq "${lines[0]}" "xdpwire ${semver}${lines[0]#xdpwire "$semver"}"
	# Every command takes it too.
	run -0 --separate-stderr "$XW" scrape --version
	[[ ${lines[0]} == "xdpwire $semver"* ]]
}

@test "--version -j and -p: one JSON document, the same facts" {
	local text
	run -0 --separate-stderr "$XW" --version
	text=$output
	run -0 --separate-stderr "$XW" --version -j
	assert_eq "${#lines[@]}" 1 "lines of -j"
	assert_json '.version == 1 and .command == "version"'
	assert_eq "xdpwire $(json .xdpwire)" "$(sed -n 1p <<<"$text")"
	assert_eq "libbpf $(json .libbpf)" "$(sed -n 2p <<<"$text")"
	assert_json '.features | keys_unsorted == ["btf","xdp","xdp_link","xskmap","devmap","bpf_iter"]'
	assert_json '[.features[]] | all(. == "present")'
	run -0 --separate-stderr "$XW" -p --version
	((${#lines[@]} > 5))
	assert_json '.command == "version" and .features.xskmap == "present"'
	run -64 --separate-stderr "$XW" --version --frob
	assert_eq "$stderr" "xdpwire: --frob: unexpected argument (see 'xdpwire --help')"
	run -64 --separate-stderr "$XW" -j
	assert_eq "$stderr" "xdpwire: -j: a command must come first (see 'xdpwire --help')"
}

@test "options that mean nothing to a command are refused, exit 64" {
	refused_table 64 <<'TABLE'
xdpwire scrape: --bpffs: does not apply to scrape (see --help)|scrape --bpffs /sys/fs/bpf
xdpwire scrape: --bpffs: does not apply to scrape (see --help)|scrape --bpffs=/sys/fs/bpf
xdpwire status: -q/--quiet: does not apply to status without --check or --output (see --help)|status -q
xdpwire status: -q/--quiet: does not apply to status without --check or --output (see --help)|status --quiet
xdpwire status: -q/--quiet: does not apply to status without --check or --output (see --help)|status -vq
TABLE
	# Nor are they offered.
	run -0 "$XW" __complete scrape
	[[ $output != *--bpffs* ]]
	# Under -j the refusal is a document too.
	run -64 --separate-stderr "$XW" status -q -j
	assert_json '.command == "status" and .exit_code == 64 and .error == "-q/--quiet: does not apply to status without --check or --output (see --help)"'
}

@test "no command, unknown command, unknown option: one line, exit 64" {
	run -64 --separate-stderr "$XW"
	assert_eq "$stderr" "xdpwire: no command given (see 'xdpwire --help')"
	run -64 --separate-stderr "$XW" frob
	assert_eq "$stderr" "xdpwire: frob: unknown command (see 'xdpwire --help')"
	run -64 --separate-stderr "$XW" redirect-instal --device lo
	assert_eq "$stderr" "xdpwire: redirect-instal: unknown command (see 'xdpwire --help')"
	run -64 --separate-stderr "$XW" --frob
	assert_eq "$stderr" "xdpwire: --frob: unknown option (see 'xdpwire --help')"
	assert_eq "$output" "" "stdout"
}

@test "every subcommand has --help and --usage on stdout, exit 0" {
	for cmd in $("$XW" __complete); do
		run -0 --separate-stderr "$XW" "$cmd" --help
		[[ $output == "Usage: xdpwire $cmd "* ]]
		assert_eq "$stderr" "" "stderr of $cmd --help"
		run -0 --separate-stderr "$XW" "$cmd" --usage
		[[ $output == "Usage: xdpwire $cmd "* ]]
	done
}

@test "a link named after a subcommand runs it" {
	run -0 --separate-stderr "$LINKS/redirect-install" --help
	[[ $output == "Usage: redirect-install "* ]]
	run -64 --separate-stderr "$LINKS/sockmap-insert" --bogus
	assert_eq "$stderr" "xdpwire sockmap-insert: --bogus: unknown option (see --help)"
}

@test "usage errors: one line on stderr, exit 64, nothing on stdout" {
	refused_table 64 <<'TABLE'
xdpwire redirect-install: --frob: unknown option (see --help)|redirect-install --device lo --frob
xdpwire redirect-install: --dev: unknown option (see --help)|redirect-install --dev lo
xdpwire redirect-install: --pass: unknown option; did you mean --pass-port? (see --help)|redirect-install --device lo --pass 22
xdpwire redirect-install: -x: unknown option (see --help)|redirect-install -qx
xdpwire redirect-install: --device: needs a value (NAME) (see --help)|redirect-install --device
xdpwire redirect-install: --unpin: takes no value (see --help)|redirect-install --device lo --unpin=yes
xdpwire redirect-install: eth0: unexpected argument: this command takes options only (see --help)|redirect-install eth0
xdpwire redirect-install: x: unexpected argument: this command takes options only (see --help)|redirect-install --device lo -- x
xdpwire redirect-install: --device: device specified twice|redirect-install --device lo --device lo
xdpwire redirect-install: --device: device specified twice|redirect-install --device lo --device-idx 1
xdpwire redirect-install: --device: no device specified (--device NAME or --device-idx N)|redirect-install
xdpwire redirect-install: --unpin: takes no --mode or --pass-port|redirect-install --device lo --unpin --mode native
xdpwire redirect-install: --pass-port: at most 16 pass ports|redirect-install --device lo --pass-port 1 --pass-port 2 --pass-port 3 --pass-port 4 --pass-port 5 --pass-port 6 --pass-port 7 --pass-port 8 --pass-port 9 --pass-port 10 --pass-port 11 --pass-port 12 --pass-port 13 --pass-port 14 --pass-port 15 --pass-port 16 --pass-port 17
xdpwire sockmap-insert: --device: no device specified (--device NAME, --device-idx N or --map PATH)|sockmap-insert --fd 0
xdpwire sockmap-insert: --map: excludes --device and --device-idx|sockmap-insert --device lo --map /x --fd 0
xdpwire sockmap-insert: --fd: no socket given (--fd N, or --pid PID --target-fd N)|sockmap-insert --device lo
xdpwire sockmap-insert: --fd: excludes --pid and --target-fd|sockmap-insert --device lo --fd 0 --pid 1 --target-fd 0
xdpwire sockmap-insert: --pid: --pid and --target-fd go together|sockmap-insert --device lo --pid 1
xdpwire sockmap-insert: --target-fd: --pid and --target-fd go together|sockmap-insert --device lo --target-fd 3
xdpwire sockmap-insert: --delete: takes no socket (--fd, --pid)|sockmap-insert --device lo --delete --fd 0
xdpwire sockmap-insert: --delete: excludes --replace|sockmap-insert --device lo --delete --replace
TABLE
}

@test "bad option values: one line on stderr, exit 65" {
	refused_table 65 <<'TABLE'
xdpwire redirect-install: --device: 'a/b' is not a valid device name: contains '/'|redirect-install --device a/b
xdpwire redirect-install: --device: '..' is not a valid device name: '.' and '..' are not device names|redirect-install --device ..
xdpwire redirect-install: --device: 'abcdefghijklmnop' is not a valid device name: longer than 15 bytes|redirect-install --device abcdefghijklmnop
xdpwire redirect-install: --device: 'a:b' is not a valid device name: contains ':'|redirect-install --device a:b
xdpwire redirect-install: --device-idx: '0' is not an interface index (1 or more)|redirect-install --device-idx 0
xdpwire redirect-install: --device-idx: 'x1' is not an interface index (1 or more)|redirect-install --device-idx x1
xdpwire redirect-install: --mode: 'fast' is not a mode (auto, native or generic)|redirect-install --device lo --mode fast
xdpwire redirect-install: --pass-port: '0' is not a TCP port (1-65535)|redirect-install --device lo --pass-port 0
xdpwire redirect-install: --pass-port: '65536' is not a TCP port (1-65535)|redirect-install --device lo --pass-port 65536
xdpwire redirect-install: --pass-port: '+22' is not a TCP port (1-65535)|redirect-install --device lo --pass-port +22
xdpwire sockmap-insert: --queue: '-1' is not a queue number|sockmap-insert --device lo --fd 0 --queue -1
xdpwire sockmap-insert: --fd: '3x' is not a descriptor number|sockmap-insert --device lo --fd 3x
xdpwire sockmap-insert: --pid: '0' is not a process id|sockmap-insert --device lo --pid 0 --target-fd 1
TABLE
}

@test "control characters a user typed are shown escaped, never sent to the terminal" {
	run -64 --separate-stderr "$XW" $'fr\eob'
	assert_eq "$stderr" 'xdpwire: fr\x1bob: unknown command (see '"'xdpwire --help')"
	run -64 --separate-stderr "$XW" help $'st\ratus'
	assert_eq "$stderr" 'xdpwire: st\x0datus: unknown command (see '"'xdpwire --help')"
	run -65 --separate-stderr "$XW" redirect-install --device $'a\nb'
	assert_eq "$stderr" "xdpwire redirect-install: --device: 'a\\x0ab' is not a valid device name: contains white space"
	run -64 --separate-stderr "$XW" status $'--\e[2J'
	assert_eq "$stderr" 'xdpwire status: --\x1b[2J: unknown option (see --help)'
	# The JSON document keeps the text; JSON escapes it its own way.
	run -64 --separate-stderr "$XW" status $'--\e[2J' -j
	assert_json '.error == "--\u001b[2J: unknown option (see --help)"'
}

@test "an empty device name is refused by name" {
	run -65 --separate-stderr "$XW" redirect-install --device ""
	assert_eq "$stderr" "xdpwire redirect-install: --device: '' is not a valid device name: empty"
}

@test "with -j, usage errors are one JSON document on stdout too" {
	run -64 --separate-stderr "$XW" redirect-install --frob -j
	assert_json '.version == 1 and .command == "redirect-install" and .exit_code == 64'
	assert_json '.error == "--frob: unknown option (see --help)"'
	assert_eq "$stderr" "xdpwire redirect-install: --frob: unknown option (see --help)"
	# -j is honoured even when the error comes first on the line.
	run -65 --separate-stderr "$XW" sockmap-insert --device a/b -j
	assert_json '.exit_code == 65'
}

@test "-p pretty-prints the JSON document, and implies -j" {
	local plain
	run -64 --separate-stderr "$XW" redirect-install --frob -j
	plain=$output
	run -64 --separate-stderr "$XW" redirect-install --frob -p
	assert_eq "$(jq -c . <<<"$output")" "$plain" "the same document"
	assert_eq "${lines[0]}" "{" "first line"
	assert_eq "${lines[1]}" '  "version": 1,' "second line"
	run -64 --separate-stderr "$XW" redirect-install --pretty --frob
	assert_eq "$(jq -c . <<<"$output")" "$plain" "--pretty"
}
