# What both demos print between their commands: a heading per step, in
# bold only where a person reads it (a terminal, and no NO_COLOR, see
# no-color.org), so a log or a pipe gets plain text.

if [[ -t 1 && -z ${NO_COLOR:-} && ${TERM:-dumb} != dumb ]]; then
	DEMO_BOLD=$'\033[1m' DEMO_PLAIN=$'\033[0m'
else
	DEMO_BOLD='' DEMO_PLAIN=''
fi

step() { printf '\n%s== %s%s\n' "$DEMO_BOLD" "$*" "$DEMO_PLAIN"; }
