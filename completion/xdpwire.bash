# bash completion for xdpwire(8) and the links named after its commands
# (PREFIX/libexec/xdpwire/redirect-install -> ../../sbin/xdpwire, ...).
#
# Commands, options and option values come from the binary itself:
#   xdpwire __complete               the commands, one per line
#   xdpwire __complete CMD           CMD's long options, "--name [ARG]"
#   xdpwire __complete --values ARG  the fixed values of ARG (e.g. MODE)
# so a new command or option completes with no change here.  Values by ARG
# name: NAME and VETH a device (of the namespace of an earlier --netns,
# unless --peer makes that the peer's), IFNAME a device of the --netns
# namespace, DIR a directory, PATH and FILE a file, any other ARG what
# "--values ARG" prints (nothing for a value only the user knows: ADDR,
# tunnel-install --address's, and N).
#
# Needs no bash-completion (_init_completion): the words bash split at
# COMP_WORDBREAKS are put back together here, so "--mode=na" and
# "--bpffs=/sys/fs/bpf/netns:40265..." complete like "--mode na".

# The xdpwire to ask: the one typed, when typed as a path (a link named
# after a command resolves to the binary), else xdpwire from PATH.
_xdpwire_bin() {
	local bin=$1 real
	if [[ $bin == */* ]]; then
		# A literal "~/" as typed: the shell has not expanded it yet.
		# shellcheck disable=SC2088
		[[ $bin == "~/"* ]] && bin=$HOME/${bin#"~/"}
		real=$(readlink -f -- "$bin" 2>/dev/null) && bin=$real
		if [[ -f $bin && -x $bin ]]; then
			printf '%s\n' "$bin"
			return
		fi
	fi
	printf 'xdpwire\n'
}

# Device names, of the namespace at path $1 if given, one per line.
_xdpwire_devices() {
	local line name
	local -a ipcmd=(ip -o link show)
	[[ -n $1 ]] && ipcmd=(nsenter "--net=$1" "${ipcmd[@]}")
	while IFS= read -r line; do
		# "3: eth0@if2: <BROADCAST,...> mtu ..." -> eth0
		name=${line#*: }
		name=${name%%: *}
		printf '%s\n' "${name%%@*}"
	done < <("${ipcmd[@]}" 2>/dev/null)
	return 0
}

# Adds to COMPREPLY the lines of $1 that start with $2.
_xdpwire_add() {
	local word
	while IFS= read -r word; do
		[[ -n $word && $word == "$2"* ]] && COMPREPLY+=("$word")
	done <<<"$1"
	return 0
}

_xdpwire() {
	local bin='' cmd='' opt='' arg='' val='' cur='' prev='' netns='' i w gap
	local peer=
	local line=${COMP_LINE:0:COMP_POINT} pos=0 cword=-1 first=1
	local -a words=() cmds=()
	local -A args=()

	COMPREPLY=()
	# Words as the shell sees them: bash splits "--mode=na" into "--mode"
	# "=" "na"; pieces with no blank between them in the line are joined.
	# The current word ends at the cursor.
	for ((i = 0; i <= COMP_CWORD && i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		gap=0
		while ((pos < ${#line})) && [[ ${line:pos:1} == [[:space:]] ]]; do
			pos=$((pos + 1))
			gap=1
		done
		((i == COMP_CWORD)) && w=${line:pos}
		if ((i > 0 && !gap)); then
			words[cword]+=$w
		else
			words[++cword]=$w
		fi
		pos=$((pos + ${#w}))
	done
	((cword >= 1)) || return 0
	cur=${words[cword]}
	prev=${words[cword - 1]}

	bin=$(_xdpwire_bin "${COMP_WORDS[0]}")
	mapfile -t cmds < <("$bin" __complete 2>/dev/null)

	# "xdpwire CMD ..." or, through a link named after it, "CMD ...".
	cmd=${words[0]##*/}
	if [[ " ${cmds[*]} " != *" $cmd "* ]]; then
		if ((cword == 1)); then
			if [[ $cur == -* ]]; then
				_xdpwire_add $'--help\n--usage\n--version' "$cur"
			else
				_xdpwire_add "$(printf '%s\n' help "${cmds[@]}")" "$cur"
			fi
			return 0
		fi
		# "xdpwire help CMD", "xdpwire --version --pretty"
		if ((cword == 2)) && [[ ${words[1]} == help ]]; then
			_xdpwire_add "$(printf '%s\n' "${cmds[@]}")" "$cur"
			return 0
		fi
		if [[ ${words[1]} == @(--version|-V) ]]; then
			_xdpwire_add $'--json\n--pretty' "$cur"
			return 0
		fi
		cmd=${words[1]}
		first=2
		[[ " ${cmds[*]} " == *" $cmd "* ]] || return 0
	fi

	# The command's options, each with its ARG name or none.
	while read -r opt arg; do
		[[ $opt == --* ]] && args[$opt]=$arg
	done < <("$bin" __complete "$cmd" 2>/dev/null)

	# The value being typed, as "--opt=val" or "--opt val".
	if [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		val=${cur#*=}
	elif ((cword > first)) && [[ -n $prev && -n ${args[$prev]:-} ]]; then
		opt=$prev
		val=$cur
	fi
	if [[ -z $opt ]]; then
		[[ $cur == -* || -z $cur ]] &&
			_xdpwire_add "$(printf '%s\n' "${!args[@]}" | LC_ALL=C sort)" "$cur"
		return 0
	fi

	# An earlier --netns PATH: list that namespace's devices.
	for ((i = first; i < cword; i++)); do
		case ${words[i]} in
		--netns) ((i + 1 < cword)) && netns=${words[i + 1]} ;;
		--netns=*) netns=${words[i]#--netns=} ;;
		--peer | --peer=*) peer=1 ;;
		esac
	done
	# One level of quotes, as typed.
	[[ $netns == \'*\' || $netns == \"*\" ]] && netns=${netns:1:${#netns}-2}

	case ${args[$opt]:-} in
	'') ;;
	NAME | VETH)
		# With --peer, --netns is the peer's namespace, not this one's.
		[[ -n $peer ]] && netns=
		_xdpwire_add "$(_xdpwire_devices "$netns" | LC_ALL=C sort -u)" "$val"
		;;
	IFNAME)
		_xdpwire_add "$(_xdpwire_devices "$netns" | LC_ALL=C sort -u)" "$val"
		;;
	DIR)
		compopt -o filenames 2>/dev/null || :
		_xdpwire_add "$(compgen -d -- "$val")" "$val"
		;;
	PATH | FILE)
		compopt -o filenames 2>/dev/null || :
		_xdpwire_add "$(compgen -f -- "$val")" "$val"
		;;
	*)
		_xdpwire_add "$("$bin" __complete --values "${args[$opt]}" \
			2>/dev/null)" "$val"
		;;
	esac

	# Readline replaces only what follows the last word-break character
	# ("=", ":", ...) of the word: take the part before it off each reply.
	local strip=
	for ((i = ${#val} - 1; i >= 0; i--)); do
		w=${val:i:1}
		if [[ $w != [[:space:]] && $COMP_WORDBREAKS == *"$w"* ]]; then
			strip=${val:0:i+1}
			break
		fi
	done
	if [[ -n $strip ]]; then
		for i in "${!COMPREPLY[@]}"; do
			w=${COMPREPLY[i]}
			COMPREPLY[i]=${w#"$strip"}
			# Readline cannot tell a cut path is a directory: say so.
			if [[ -d $w && ${args[$opt]} == @(DIR|PATH|FILE) ]]; then
				COMPREPLY[i]+=/
				compopt -o nospace 2>/dev/null || :
			fi
		done
	fi
	return 0
}

complete -F _xdpwire xdpwire
# The links named after the commands, by their full path only: make install
# puts them in PREFIX/libexec/xdpwire/ beside PREFIX/sbin/xdpwire, out of
# PATH, and a bare name as plain as "status" belongs to other tools.
_xdpwire_c=$(type -P xdpwire 2>/dev/null) &&
	_xdpwire_c=$(readlink -f -- "${_xdpwire_c%/*}/../libexec/xdpwire") &&
	while IFS= read -r _xdpwire_l; do
		[[ -n $_xdpwire_l && -e $_xdpwire_c/$_xdpwire_l ]] &&
			complete -F _xdpwire "$_xdpwire_c/$_xdpwire_l"
	done < <(xdpwire __complete 2>/dev/null)
unset _xdpwire_c _xdpwire_l
