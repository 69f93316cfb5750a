#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Drives a bash completion script as bash would, without a terminal: the
# words of a command line with the cursor at the end of the last one.
# Usage: complete.sh SCRIPT COMMAND [WORD...]
# Prints COMPREPLY, one candidate per line (sorted); the script's and the
# function's stderr pass through, so a caller can check that it is silent.
set -u
script=$1
shift
# shellcheck source=/dev/null
source "$script"
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
# The function the script registered for the command's name, as bash finds it.
spec=$(complete -p "${1##*/}") || exit 1
func=$(sed -n 's/.* -F \([^ ]*\) .*/\1/p' <<<"$spec")
[[ -n $func ]] || { echo "no completion function in: $spec" >&2; exit 1; }
"$func" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]:-}"
((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort
exit 0
