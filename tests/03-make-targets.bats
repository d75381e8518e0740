#!/usr/bin/env bats
# The README's first commands as a new user meets them: `make demo` and
# `make demo-tunnel` install what they need before they build (they may
# be the first command on a fresh machine), plain `make` builds the man
# pages, and the demos colour their headings only for a person at a
# terminal.  The make checks are dry runs (-n -B): they read what make
# would do on a machine where nothing is built or installed yet.

bats_require_minimum_version 1.5.0
load lib/assert

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
		for src in "$XW_ROOT"/common/*/*.c "$XW_ROOT"/cmd/*.c; do
			src=${src#"$XW_ROOT"/}
			obj=build/O$o/${src%.c}.o
			[[ $output == *"-O$o -g "*" -Werror "*" -c $src -o $obj"* ]] || {
				echo "make lint does not build $obj at -O$o" >&2
				return 1
			}
		done
	done
}

@test "make check SAN=1 builds with ASan and UBSan into build/san/ and tests that build" {
	make_plan check SAN=1
	[[ $output == *" -fsanitize=address,undefined -fno-sanitize-recover=all "*" -c common/pins/bpffs.c -o build/san/common/pins/bpffs.o"* ]] ||
		{ echo "make check SAN=1 does not build build/san/common/bpffs.o with the sanitizers" >&2; return 1; }
	[[ $output == *" -fsanitize=address,undefined "*" -o build/san/xdpwire "* ]] ||
		{ echo "make check SAN=1 does not link build/san/xdpwire with them" >&2; return 1; }
	[[ $output == *"XW_BUILD=build/san XW_BIN=build/san/xdpwire XW_SAN=1 tests/run"* ]] ||
		{ echo "make check SAN=1 does not run tests/run on build/san/" >&2; return 1; }
	[[ $output != *" -o xdpwire "* && $output != *" -c common/pins/bpffs.c -o build/common/"* ]] ||
		{ echo "make check SAN=1 builds into the normal build too" >&2; return 1; }
	make_plan check
	[[ $output == *"XW_BUILD=build XW_BIN=xdpwire XW_SAN= tests/run"* &&
		$output != *"-fsanitize=address,undefined -fno-sanitize-recover"* ]] ||
		{ echo "plain make check is not the normal build" >&2; return 1; }
}

@test "CI runs make check and make check SAN=1 and ends with one summary of both" {
	local bin=$BATS_TEST_TMPDIR/bin
	mkdir -p "$bin"
	# A make that reports a run's counts as tests/run does.
	cat >"$bin/make" <<'MAKE'
#!/bin/bash
if [[ $* == "check SAN=1" ]]; then
	echo "3 passed, 1 failed"; echo "3 1 0" >"$XW_COUNTS_FILE"; exit 1
fi
echo "ok 1 x"; echo "5 passed, 0 failed"; echo "5 0 0" >"$XW_COUNTS_FILE"
MAKE
	chmod +x "$bin/make"
	run -1 env PATH="$bin:$PATH" bash "$XW_ROOT/.ci/run"
	assert_eq "${lines[-1]}" "8 passed, 1 failed" "the last line"
	assert_eq "$(grep -Ec '^[0-9]+ passed, [0-9]+ failed' <<<"$output")" 1 "summary lines"
	[[ $output == *"# check: 5 passed, 0 failed"* && $output == *"# check-san: 3 passed, 1 failed"* ]]
	# Both green: exit 0.  A run that ended before counting is a failure.
	sed -i 's/exit 1$/exit 0/; s/3 1 0/3 0 0/' "$bin/make"
	run -0 env PATH="$bin:$PATH" bash "$XW_ROOT/.ci/run"
	assert_eq "${lines[-1]}" "8 passed, 0 failed" "the last line"
	printf '#!/bin/bash\nexit 2\n' >"$bin/make"
	run -1 env PATH="$bin:$PATH" bash "$XW_ROOT/.ci/run"
	assert_eq "${lines[-1]}" "0 passed, 2 failed" "the last line"
}
