# Driving completion/xdpwire.bash from tests, as bash would on <TAB>.
# The caller sources the completion script first.

# Completion: words of a command line ending at the cursor, split as bash
# splits them for COMP_WORDS (blanks separate; a run of "=" or ":" is a
# word of its own), then the completion function's replies, one per line.
complete_line() {
	local line=$1 i c w='' brk=0
	COMP_WORDS=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [[ $c == ' ' ]]; then
			[[ -n $w ]] && COMP_WORDS+=("$w")
			w=''
			brk=0
		elif [[ $c == [=:] ]]; then
			if ((!brk)) && [[ -n $w ]]; then
				COMP_WORDS+=("$w")
				w=''
			fi
			brk=1
			w+=$c
		else
			if ((brk)); then
				COMP_WORDS+=("$w")
				w=''
				brk=0
			fi
			w+=$c
		fi
	done
	if [[ -n $w || $line == *' ' ]]; then
		COMP_WORDS+=("$w")
	fi
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	_xdpwire
	((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}"
}

# complete_in NS LINE: what completion offers for LINE, typed in NS (a
# namespace of the test bed), with the binary under test first in PATH.
complete_in() {
	PATH=$(dirname "$XW"):$PATH in_ns "$1" bash -c "$(declare -f complete_line)
		source '$XW_ROOT/completion/xdpwire.bash'
		complete_line \"\$1\"" bash "$2"
}

# Fails unless every word after $1 is among the lines of $output.
offers_all() {
	local what=$1 want have missing=()
	shift
	for want in "$@"; do
		for have in "${lines[@]}"; do
			[[ $have == "$want" ]] && continue 2
		done
		missing+=("$want")
	done
	((${#missing[@]} == 0)) ||
		printf '%s\n' "$what: completion does not offer: ${missing[*]}" \
			"it offers: ${lines[*]}" >&2
	((${#missing[@]} == 0))
}
