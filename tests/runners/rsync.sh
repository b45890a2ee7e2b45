#!/bin/sh
# rsync, the subset gitlab-ci-local's helper container runs to copy
# artifacts and caches out of a job's volume, as a POSIX shell script: the
# Sockerless memory backend runs no native programs, so its helper image
# carries this instead of the rsync binary. Supported:
#   rsync [-rRa...] [--exclude PAT]... [--files-from=FILE] SRC... DEST
# Paths stay relative (-R), directories are copied recursively, and an
# --exclude pattern is matched (as a shell pattern) against each listed path.
set -eu
excludes=""
from=""
operands=""
nl='
'
while [ $# -gt 0 ]; do
	case "$1" in
	--exclude) excludes="$excludes$2$nl"; shift 2 ;;
	--exclude=*) excludes="$excludes${1#--exclude=}$nl"; shift ;;
	--files-from=*) from=${1#--files-from=}; shift ;;
	--*) shift ;;
	-*) shift ;;
	*) operands="$operands$1$nl"; shift ;;
	esac
done

set -f
IFS=$nl
set -- $operands
IFS=' 	'
set +f
[ $# -ge 2 ] || { echo "rsync: need a source and a destination" >&2; exit 1; }
eval "dest=\${$#}"

excluded() {
	set -f
	old=$IFS
	IFS=$nl
	for pat in $excludes; do
		case "$1" in $pat) IFS=$old; set +f; return 0 ;; esac
	done
	IFS=$old
	set +f
	return 1
}

# copy BASE REL copies BASE/REL to DEST/REL.
copy() {
	rel=${2#./}
	rel=${rel%/}
	case "$rel" in "" | .) rel=. ;; esac
	if excluded "$rel"; then return 0; fi
	if [ -d "$1/$rel" ]; then
		mkdir -p "$dest/$rel"
		cp -a "$1/$rel/." "$dest/$rel/"
	elif [ -e "$1/$rel" ] || [ -L "$1/$rel" ]; then
		mkdir -p "$dest/$(dirname "$rel")"
		cp -a "$1/$rel" "$dest/$rel"
	else
		echo "rsync: link_stat \"$1/$rel\" failed: No such file or directory (2)" >&2
		status=23
	fi
}

status=0
if [ -n "$from" ]; then
	while IFS= read -r f || [ -n "$f" ]; do
		[ -n "$f" ] && copy "$1" "$f"
	done < "$from"
else
	n=$#
	i=1
	for src in "$@"; do
		[ $i -lt $n ] && copy . "$src"
		i=$((i + 1))
	done
fi
exit $status
