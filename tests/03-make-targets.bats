#!/usr/bin/env bats
# The README's first commands as a new user meets them: `make demo` and
# `make demo-tunnel` install what they need before they build (they may
# be the first command on a fresh machine), plain `make` builds the man
# pages, and the demos colour their headings only for a person at a
# terminal.  The make checks are dry runs (-n -B): they read what make
# would do on a machine where nothing is built or installed yet.

bats_require_minimum_version 1.5.0

XW_ROOT="$BATS_TEST_DIRNAME/.."
ESC=$'\033'

# The commands `make -n -B TARGET` would run, one per line.
make_plan() {
	run -0 make -C "$XW_ROOT" --no-print-directory -n -B "$@"
}

@test "make demo and make demo-tunnel install the dependencies before building anything" {
	local target
	for target in demo demo-tunnel; do
		make_plan "$target"
		[[ ${lines[0]} == tests/lib/install-deps\ * ]] || {
			echo "make $target starts with: ${lines[0]}" >&2
			return 1
		}
		[[ $output == *"tests/$target"* ]]
	done
}

@test "plain make builds every man page beside the binary" {
	local rst page
	make_plan
	[[ $output == *" -o xdpwire "* ]]
	for rst in "$XW_ROOT"/man/*.rst; do
		page=$(basename "$rst" .rst)
		[[ $output == *"rst2man --halt=warning > build/man/$page"* ]] || {
			echo "plain make does not build build/man/$page" >&2
			return 1
		}
	done
}

@test "a demo heading is bold on a terminal, plain with NO_COLOR or into a pipe" {
	local show='source tests/lib/demo.bash; step "a heading"'
	cd "$XW_ROOT"
	run -0 script -qec "TERM=xterm bash -c '$show'" /dev/null
	[[ $output == *"${ESC}[1m== a heading${ESC}[0m"* ]]
	run -0 script -qec "TERM=xterm NO_COLOR=1 bash -c '$show'" /dev/null
	[[ $output == *"== a heading"* && $output != *"$ESC"* ]]
	run -0 bash -c "$show"
	[[ $output == *"== a heading"* && $output != *"$ESC"* ]]
}

@test "make demo and make demo-tunnel run to the end and print no escape codes into a log" {
	local demo
	for demo in demo demo-tunnel; do
		run -0 "$XW_ROOT/tests/$demo"
		[[ $output == *"== Done"* ]] || {
			echo "tests/$demo did not reach its end:" >&2
			printf '%s\n' "${lines[@]: -5}" >&2
			return 1
		}
		[[ $output != *"$ESC"* ]] || {
			echo "tests/$demo printed escape codes into a pipe" >&2
			return 1
		}
	done
}

@test "make lint builds every C object with -Werror at -O0, -O1, -O2 and -O3" {
	local o src obj
	make_plan lint
	for o in 0 1 2 3; do
		for src in "$XW_ROOT"/common/*.c "$XW_ROOT"/cmd/*.c; do
			src=${src#"$XW_ROOT"/}
			obj=build/O$o/${src%.c}.o
			[[ $output == *"-O$o -g "*" -Werror "*" -c $src -o $obj"* ]] || {
				echo "make lint does not build $obj at -O$o" >&2
				return 1
			}
		done
	done
}
