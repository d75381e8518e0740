#!/usr/bin/env bats
# Help, man pages and bash completion against the binary.  The commands
# and their options come from `xdpwire __complete`, never from a list kept
# here, so a new command or option is held to all of this at once: --help
# and --usage, a man page that passes mandoc's lint, every option in
# --help, in the man page and in completion, no option in the man page
# that the binary lacks, and the same exit codes everywhere.
#
# The man pages are read twice: build/man/* (built by `make tests`) for
# mandoc and the rendered text, man/*.rst for their OPTIONS and EXIT
# STATUS sections, where an option entry is a line starting with "**-"
# and an exit code entry a line "**N**".  Nothing here needs root.

bats_require_minimum_version 1.5.0

XW="${XW_BIN:-$BATS_TEST_DIRNAME/../xdpwire}"
MAN_BUILD="$BATS_TEST_DIRNAME/../${XW_BUILD:-build}/man"
MAN_SRC="$BATS_TEST_DIRNAME/../man"
COMPLETION="$BATS_TEST_DIRNAME/../completion/xdpwire.bash"
load lib/complete
load lib/assert

# Fails the test with a message.
flunk() {
	printf '%s\n' "$@" >&2
	return 1
}

# CMDS: the commands, from the binary.
load_commands() {
	run -0 --separate-stderr "$XW" __complete
	CMDS=("${lines[@]}")
	((${#CMDS[@]} > 0)) || flunk "xdpwire __complete lists no commands"
}

# OPTS: the long options of command $1; OPT_ARG[--name]: its ARG or "".
load_options() {
	local opt arg line
	run -0 --separate-stderr "$XW" __complete "$1"
	OPTS=()
	unset OPT_ARG
	declare -gA OPT_ARG=()
	for line in "${lines[@]}"; do
		read -r opt arg <<<"$line"
		[[ $opt == --?* ]] || flunk "$1: bad __complete line '$line'"
		OPTS+=("$opt")
		OPT_ARG[$opt]=$arg
	done
	((${#OPTS[@]} > 0)) || flunk "$1: xdpwire __complete $1 lists no options"
}

# Prints the body of the top-level section $2 ("OPTIONS") of rst file $1:
# a heading is a line underlined with "=".
rst_section() {
	awk -v want="$2" '
		{ l[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++) {
				if (l[i] != "" && l[i] !~ /^=+$/ && l[i + 1] ~ /^=+$/) {
					if (inside)
						exit
					inside = l[i] == want
					i++
					continue
				}
				if (inside)
					print l[i]
			}
		}' "$1"
}

# MAN_OPTS: the long options documented in the OPTIONS section of rst
# file $1; MAN_ARG[--name]: the *ARG* written after it, or "".
load_man_options() {
	local line opt rest re='^\*\*(--[a-z0-9][a-z0-9-]*)\*\*(.*)$'
	local arg_re='^[[:space:]]+\*([A-Za-z_]+)\*'
	[[ -f $1 ]] || flunk "no man page source $1"
	run -0 rst_section "$1" OPTIONS
	MAN_OPTS=()
	unset MAN_ARG
	declare -gA MAN_ARG=()
	for line in "${lines[@]}"; do
		[[ $line == '**-'* ]] || continue
		# "**-h**, **-?**, **--help**": the long form is what counts.
		while [[ $line == '**-'?'**, '* ]]; do
			line=${line#\*\*-?\*\*, }
		done
		[[ $line =~ $re ]] || flunk "$1: unreadable option entry '$line'"
		opt=${BASH_REMATCH[1]}
		rest=${BASH_REMATCH[2]}
		MAN_OPTS+=("$opt")
		MAN_ARG[$opt]=
		[[ $rest =~ $arg_re ]] && MAN_ARG[$opt]=${BASH_REMATCH[1]}
	done
	((${#MAN_OPTS[@]} > 0)) || flunk "$1: no options in its OPTIONS section"
}

# Prints the exit codes of an "Exit status:" block in $output, sorted.
help_exit_codes() {
	local line in=0
	for line in "${lines[@]}"; do
		if [[ $line == "Exit status:" ]]; then
			in=1
		elif ((in)) && [[ $line =~ ^[[:space:]]+([0-9]+)[[:space:]] ]]; then
			echo "${BASH_REMATCH[1]}"
		elif ((in)); then
			break
		fi
	done | sort -n
}

# Prints the exit codes of the EXIT STATUS section of rst file $1, sorted.
man_exit_codes() {
	rst_section "$1" "EXIT STATUS" | sed -n 's/^\*\*\([0-9][0-9]*\)\*\*$/\1/p' |
		sort -n
}

# Rendered text of man page $1, without overstriking, in $output.
render_man() {
	run -0 --separate-stderr mandoc -Tascii "$1"
	output=$(printf '%s\n' "$output" | sed 's/.\x08//g')
}

# For the completion tests: a tree as make install lays it down, xdpwire
# in sbin/ on PATH and a link per command in libexec/xdpwire/ (LINKS),
# and the completion script sourced.
setup_completion() {
	local cmd
	BIN=$BATS_TEST_TMPDIR/prefix/sbin
	LINKS=$BATS_TEST_TMPDIR/prefix/libexec/xdpwire
	mkdir -p "$BIN" "$LINKS"
	ln -sf "$XW" "$BIN/xdpwire"
	for cmd in "${CMDS[@]}"; do
		ln -sf ../../sbin/xdpwire "$LINKS/$cmd"
	done
	PATH=$BIN:$PATH
	# shellcheck source=/dev/null
	source "$COMPLETION"
}

@test "every command answers --help and --usage on stdout, exit 0" {
	local cmd
	load_commands
	for cmd in "${CMDS[@]}"; do
		run -0 --separate-stderr "$XW" "$cmd" --help
		[[ -z $stderr ]] || flunk "$cmd --help wrote to stderr: $stderr"
		[[ $output == "Usage: xdpwire $cmd "* ]] ||
			flunk "$cmd --help: no usage line" "$output"
		[[ $output == *"Exit status:"* ]] ||
			flunk "$cmd --help: no exit codes" "$output"
		run -0 --separate-stderr "$XW" "$cmd" --usage
		[[ -z $stderr ]] || flunk "$cmd --usage wrote to stderr: $stderr"
		[[ $output == "Usage: xdpwire $cmd "* ]] ||
			flunk "$cmd --usage: no usage line" "$output"
	done
}

@test "every command has a man page, and each passes mandoc -Tlint" {
	local cmd page missing=()
	load_commands
	for cmd in "${CMDS[@]}"; do
		[[ -f $MAN_BUILD/xdpwire-$cmd.8 ]] || missing+=("xdpwire-$cmd.8")
	done
	((${#missing[@]} == 0)) ||
		flunk "no man page for: ${missing[*]} (write man/NAME.rst)"
	for page in xdpwire "${CMDS[@]/#/xdpwire-}"; do
		run --separate-stderr mandoc -Tlint -W warning "$MAN_BUILD/$page.8"
		[[ $status -eq 0 && -z $output && -z $stderr ]] ||
			flunk "$page.8: mandoc -Tlint -W warning: status $status" \
				"$output" "$stderr"
	done
}

@test "xdpwire(8) refers to the page of every command" {
	local cmd missing=()
	load_commands
	render_man "$MAN_BUILD/xdpwire.8"
	for cmd in "${CMDS[@]}"; do
		[[ $output == *"xdpwire-$cmd(8)"* ]] || missing+=("$cmd")
	done
	((${#missing[@]} == 0)) ||
		flunk "xdpwire(8) does not mention xdpwire-CMD(8) for: ${missing[*]}"
}

@test "every option of a command is in its --help and its man page" {
	local cmd opt help missing=()
	local -A in_help in_man
	load_commands
	for cmd in "${CMDS[@]}"; do
		load_options "$cmd"
		run -0 --separate-stderr "$XW" "$cmd" --help
		help=$output
		in_help=()
		while read -r opt; do
			in_help[$opt]=1
		done < <(grep -oE -- '--[a-z0-9][a-z0-9-]*' <<<"$help")
		load_man_options "$MAN_SRC/xdpwire-$cmd.8.rst"
		in_man=()
		for opt in "${MAN_OPTS[@]}"; do
			in_man[$opt]=1
		done
		for opt in "${OPTS[@]}"; do
			[[ -n ${in_help[$opt]:-} ]] || missing+=("$cmd --help: $opt")
			[[ -n ${in_man[$opt]:-} ]] || missing+=("xdpwire-$cmd(8): $opt")
		done
	done
	((${#missing[@]} == 0)) || flunk "options not documented:" "${missing[@]}"
}

@test "every option a man page documents exists, with the same argument" {
	local cmd opt wrong=()
	load_commands
	for cmd in "${CMDS[@]}"; do
		load_options "$cmd"
		load_man_options "$MAN_SRC/xdpwire-$cmd.8.rst"
		for opt in "${MAN_OPTS[@]}"; do
			if [[ -z ${OPT_ARG[$opt]+set} ]]; then
				wrong+=("xdpwire-$cmd(8): $opt: no such option")
			elif [[ ${MAN_ARG[$opt]} != "${OPT_ARG[$opt]}" ]]; then
				wrong+=("xdpwire-$cmd(8): $opt ${MAN_ARG[$opt]}: the binary says $opt ${OPT_ARG[$opt]}")
			fi
		done
	done
	((${#wrong[@]} == 0)) || flunk "man pages out of date:" "${wrong[@]}"
}

@test "the exit codes of every man page and --help are those of xdpwire --help" {
	local cmd want have
	load_commands
	run -0 --separate-stderr "$XW" --help
	want=$(help_exit_codes)
	[[ -n $want ]] || flunk "xdpwire --help: no 'Exit status:' codes" "$output"
	for cmd in "${CMDS[@]}"; do
		run -0 --separate-stderr "$XW" "$cmd" --help
		have=$(help_exit_codes)
		[[ $have == "$want" ]] ||
			flunk "$cmd --help exit codes: ${have//$'\n'/ }" \
				"xdpwire --help: ${want//$'\n'/ }"
	done
	for cmd in "" "${CMDS[@]/#/-}"; do
		have=$(man_exit_codes "$MAN_SRC/xdpwire$cmd.8.rst")
		[[ $have == "$want" ]] ||
			flunk "xdpwire$cmd(8) EXIT STATUS: ${have//$'\n'/ }" \
				"xdpwire --help: ${want//$'\n'/ }"
	done
}

# check_examples FILE...: every example command line in FILEs (see
# tests/lib/examples.py) goes through xdpwire's own parser, dry (xdpwire
# __parse: options parsed and checked, nothing touched); help and version
# examples are run.  Names each one refused; fails if any was, or if
# none was found.
check_examples() {
	local where argv n=0 bad=()
	local -a args
	while IFS=$'\t' read -r where argv; do
		n=$((n + 1))
		mapfile -t args < <(jq -r '.[1:][]' <<<"$argv")
		case ${args[0]} in
		help | --help | -h | --usage | --version | -V)
			run --separate-stderr "$XW" "${args[@]}" ;;
		*)
			run --separate-stderr "$XW" __parse "${args[@]}" ;;
		esac
		[[ $status -eq 0 && -z $stderr ]] ||
			bad+=("$where: xdpwire ${args[*]}: exit $status: $stderr")
	done < <(python3 "$BATS_TEST_DIRNAME/lib/examples.py" "$@")
	((n > 0)) || flunk "no examples found in $*"
	((${#bad[@]} == 0)) || flunk "examples that do not parse:" "${bad[@]}"
}

# help_files: each command's --help in $BATS_TEST_TMPDIR/help-CMD.
help_files() {
	local cmd
	HELP_FILES=()
	for cmd in "${CMDS[@]}"; do
		"$XW" "$cmd" --help >"$BATS_TEST_TMPDIR/help-$cmd" || return
		HELP_FILES+=("$BATS_TEST_TMPDIR/help-$cmd")
	done
}

@test "every example in --help, the man pages and README parses (dry run)" {
	local cmd
	load_commands
	help_files
	for cmd in "${CMDS[@]}"; do
		# Each command's help has examples of its own.
		check_examples "$BATS_TEST_TMPDIR/help-$cmd" || return
	done
	check_examples "$MAN_SRC"/*.rst "$BATS_TEST_DIRNAME/../README.md"
}

@test "a wrong example is caught: wrapped, misspelt, or of an option gone" {
	local page=$BATS_TEST_TMPDIR/xdpwire-status.8.rst
	cp "$MAN_SRC/xdpwire-status.8.rst" "$page"
	cat >>"$page" <<'RST'

    | ``xdpwire status --bpf /x``
    | ``xdpwire redirect-install --device eth0 --pass-port``
    | ``xdpwire status -q``
    | ``xdpwire redirect-instal --device eth0``
RST
	run check_examples "$page"
	[[ $status -ne 0 ]] || flunk "check_examples passed a wrong example"
	[[ $output == *"xdpwire status --bpf /x: exit 64: xdpwire status: --bpf: unknown option; did you mean --bpffs? (see --help)"* ]] ||
		flunk "misspelt option not named:" "$output"
	[[ $output == *"xdpwire redirect-install --device eth0 --pass-port: exit 64"* ]] ||
		flunk "wrapped example not named:" "$output"
	[[ $output == *"xdpwire status -q: exit 64"* ]] ||
		flunk "inapplicable option not named:" "$output"
	[[ $output == *"xdpwire redirect-instal --device eth0: exit 64"* ]] ||
		flunk "misspelt command not named:" "$output"
	# The dry run changes nothing, and still refuses what the command
	# table requires.
	run -64 --separate-stderr "$XW" __parse redirect-install
	assert_eq "$stderr" "xdpwire redirect-install: --device: no device specified (--device NAME or --device-idx N)"
	run -0 --separate-stderr "$XW" __parse redirect-install --device nosuch0 --unpin
	assert_eq "$output$stderr" ""
}

@test "--help: no example or command summary is wrapped onto a second line" {
	local cmd line in=0 where
	load_commands
	run -0 --separate-stderr "$XW" --help
	# Not ${lines[@]}: it has no empty lines, and one ends the block.
	while IFS= read -r line; do
		if [[ $line == "Commands:" ]]; then
			in=1
		elif ((in)) && [[ -z $line ]]; then
			break
		elif ((in)); then
			[[ $line =~ ^\ \ [a-z-]+\ {2,}[^[:space:]] ]] ||
				flunk "xdpwire --help: wrapped command summary: '$line'"
		fi
	done <<<"$output"
	((in)) || flunk "xdpwire --help: no Commands: block"
	help_files
	for cmd in "${CMDS[@]}"; do
		in=0
		while IFS= read -r line; do
			where="xdpwire $cmd --help"
			if [[ $line == Example* ]]; then
				[[ $line == "Examples:" ]] || flunk "$where: '$line': an example goes on a line of its own"
				in=1
			elif ((in)) && [[ -z $line ]]; then
				in=0
			elif ((in)); then
				[[ $line == "  xdpwire $cmd"* ]] ||
					flunk "$where: not an example, or one wrapped: '$line'"
			fi
		done <"$BATS_TEST_TMPDIR/help-$cmd"
	done
}

@test "completion: xdpwire <TAB> offers every command" {
	load_commands
	setup_completion
	run -0 complete_line "xdpwire "
	offers_all "xdpwire <TAB>" "${CMDS[@]}"
	run -0 complete_line "xdpwire --"
	offers_all "xdpwire --<TAB>" --help --usage --version
}

@test "completion: help and its commands, --version's -j and -p" {
	load_commands
	setup_completion
	run -0 complete_line "xdpwire "
	offers_all "xdpwire <TAB>" help
	run -0 complete_line "xdpwire he"
	[[ $output == help ]] || flunk "xdpwire he<TAB> offers: $output"
	run -0 complete_line "xdpwire help "
	offers_all "xdpwire help <TAB>" "${CMDS[@]}"
	run -0 complete_line "xdpwire --version --"
	offers_all "xdpwire --version --<TAB>" --json --pretty
	run -0 complete_line "xdpwire status --p"
	[[ $output == --pretty ]] || flunk "xdpwire status --p<TAB> offers: $output"
}

@test "completion: xdpwire CMD --<TAB> offers every option, also through a link" {
	local cmd
	load_commands
	setup_completion
	for cmd in "${CMDS[@]}"; do
		load_options "$cmd"
		run -0 complete_line "xdpwire $cmd --"
		offers_all "xdpwire $cmd --<TAB>" "${OPTS[@]}"
		run -0 complete_line "$LINKS/$cmd --"
		offers_all "$LINKS/$cmd --<TAB>" "${OPTS[@]}"
	done
}

@test "completion: the installed links are registered by their full path, never a bare command name" {
	local cmd
	load_commands
	setup_completion
	for cmd in xdpwire "${CMDS[@]/#/$LINKS/}"; do
		run complete -p "$cmd"
		[[ $status -eq 0 && $output == *"-F _xdpwire "* ]] ||
			flunk "no completion registered for $cmd: $output"
	done
	for cmd in "${CMDS[@]}"; do
		run complete -p "$cmd"
		((status != 0)) || flunk "a completion is registered for the bare name $cmd: $output"
	done
}

@test "completion: --mode <TAB> offers auto native generic, also as --mode=" {
	setup_completion
	run -0 complete_line "xdpwire redirect-install --mode "
	offers_all "--mode <TAB>" auto native generic
	run -0 complete_line "xdpwire redirect-install --mode="
	offers_all "--mode=<TAB>" auto native generic
	run -0 complete_line "xdpwire redirect-install --device lo --mode=na"
	[[ $output == native ]] || flunk "--mode=na<TAB> offers: $output"
}

@test "completion: every option with fixed values offers exactly those" {
	local cmd opt want
	load_commands
	setup_completion
	for cmd in "${CMDS[@]}"; do
		load_options "$cmd"
		for opt in "${OPTS[@]}"; do
			[[ -n ${OPT_ARG[$opt]} ]] || continue
			run -0 --separate-stderr "$XW" __complete --values "${OPT_ARG[$opt]}"
			[[ -n $output ]] || continue
			want=$output
			run -0 complete_line "xdpwire $cmd $opt "
			[[ $output == "$want" ]] ||
				flunk "xdpwire $cmd $opt <TAB> offers:" "$output" "want:" "$want"
		done
	done
}

@test "completion: every device option offers lo, also as --opt=" {
	local cmd opt n=0
	load_commands
	setup_completion
	for cmd in "${CMDS[@]}"; do
		load_options "$cmd"
		for opt in "${OPTS[@]}"; do
			[[ ${OPT_ARG[$opt]} == @(NAME|VETH|IFNAME) ]] || continue
			n=$((n + 1))
			run -0 complete_line "xdpwire $cmd $opt "
			offers_all "xdpwire $cmd $opt <TAB>" lo
			run -0 complete_line "xdpwire $cmd $opt=l"
			offers_all "xdpwire $cmd $opt=l<TAB>" lo
		done
	done
	((n > 0)) || flunk "no command has an option taking a device NAME"
}
