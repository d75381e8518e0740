# The command lines of our systemd units as systemd would run them for an
# instance, for tests that run them on a test bed without systemd.  Only
# what the units use is expanded: the specifiers %i, %I and %%, and $VAR
# (split at whitespace) and ${VAR} (one word) from the unit's
# EnvironmentFile; anything else is refused, so a unit that starts using
# more fails the tests instead of being run half-expanded.

# unit_unescape INSTANCE: %I of an instance, as systemd's
# unit_name_unescape(): "-" is "/", "\xNN" is that byte.
unit_unescape() {
	local in=$1 out='' c hex
	while [[ -n $in ]]; do
		c=${in:0:1}
		if [[ $c == "\\" && ${in:1:1} == x && ${in:2:2} =~ ^[0-9a-fA-F]{2}$ ]]; then
			hex=${in:2:2}
			printf -v c '%b' "\\x$hex"
			in=${in:4}
		else
			[[ $c == - ]] && c=/
			in=${in:1}
		fi
		out+=$c
	done
	printf '%s\n' "$out"
}

# unit_specifiers TEXT INSTANCE: TEXT with %i, %I and %% replaced.
unit_specifiers() {
	local text=$1 inst=$2 out='' unesc
	unesc=$(unit_unescape "$inst") || return
	while [[ $text == *%* ]]; do
		out+=${text%%\%*}
		text=${text#*%}
		case ${text:0:1} in
		i) out+=$inst ;;
		I) out+=$unesc ;;
		%) out+=% ;;
		*)
			echo "units: specifier %${text:0:1} not handled" >&2
			return 1
			;;
		esac
		text=${text:1}
	done
	printf '%s\n' "$out$text"
}

# unit_key UNITFILE KEY: the values of KEY= in the file, one a line.
unit_key() {
	sed -n "s/^$2=//p" "$1"
}

# unit_env_value ENVFILE NAME: NAME's value in an environment file
# (KEY=VALUE lines, # comments; quotes around a whole value dropped).
unit_env_value() {
	[[ -f $1 ]] || return 0
	awk -v k="$2" '
		/^[ \t]*#/ { next }
		index($0, k "=") == 1 {
			v = substr($0, length(k) + 2)
			if (v ~ /^".*"$/ || v ~ /^'\''.*'\''$/) v = substr(v, 2, length(v) - 2)
			val = v
		}
		END { printf "%s", val }' "$1"
}

# unit_argv UNITFILE KEY INSTANCE ETC: the argv of KEY (ExecStart, ...)
# into the array UNIT_ARGV, for INSTANCE, the unit's EnvironmentFile read
# with /etc/xdpwire/ taken as ETC/.  One KEY line only.
unit_argv() {
	local file=$1 key=$2 inst=$3 etc=$4 line env word name
	local -a words split
	UNIT_ARGV=()
	line=$(unit_key "$file" "$key")
	[[ -n $line && $line != *$'\n'* ]] ||
		{ echo "units: $file: not one $key= line" >&2 && return 1; }
	line=$(unit_specifiers "$line" "$inst") || return
	env=$(unit_key "$file" EnvironmentFile)
	if [[ -n $env ]]; then
		env=$(unit_specifiers "${env#-}" "$inst") || return
		env=$etc/${env#/etc/xdpwire/}
	fi
	read -ra words <<<"$line"
	for word in "${words[@]}"; do
		if [[ $word =~ ^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$ ]]; then
			name=${BASH_REMATCH[1]}
			# shellcheck disable=SC2016 # a literal "${"
			if [[ $word == '${'* ]]; then
				UNIT_ARGV+=("$(unit_env_value "$env" "$name")")
			else
				read -ra split <<<"$(unit_env_value "$env" "$name")"
				UNIT_ARGV+=("${split[@]}")
			fi
		elif [[ $word == *'$'* || $word == *[\"\'\\]* ]]; then
			echo "units: $file: $key: '$word' not handled" >&2
			return 1
		else
			UNIT_ARGV+=("$word")
		fi
	done
}
