#!/bin/sh
# Golden test of the configuration module: for every <name>.conf in DIR
# that has a <name>.expected, run conf-dump with a fixed environment (as
# `refd --check-config` would see it: every error, with refd's detail
# lines) and compare its output with the expected text. The data directory
# is written @DATA@ in expected files, so they do not depend on the
# checkout's location.
#
# usage: conf_golden.sh CONF_DUMP DIR        (REFD_GOLDEN_UPDATE=1 rewrites)
set -u
dump=$1
dir=$2
cd "$dir" || exit 1
data=$(pwd)
fail=0
count=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for conf in *.conf; do
	name=${conf%.conf}
	# golden-skip lists configs whose meaning depends on the machine
	# (Debian's own file reads /etc/supervisor/conf.d)
	grep -qx "$conf" golden-skip 2>/dev/null && continue
	[ -f "$name.expected" ] || [ "${REFD_GOLDEN_UPDATE:-}" = 1 ] || continue
	count=$((count + 1))
	# "; args: -u nobody" on the first line: supervisord's short options
	set --
	first=$(head -n 1 "$conf")
	case $first in
	"; args:"*)
		set -- ${first#; args:}
		;;
	esac
	args=""
	while [ $# -gt 0 ]; do
		case $1 in
		-u) args="$args --user $2"; shift 2 ;;
		-l) args="$args --logfile $2"; shift 2 ;;
		-j) args="$args --pidfile $2"; shift 2 ;;
		-q) args="$args --childlogdir $2"; shift 2 ;;
		-e) args="$args --loglevel $2"; shift 2 ;;
		-m) args="$args --umask $2"; shift 2 ;;
		-n) args="$args --nodaemon"; shift ;;
		*) echo "$conf: unknown argument $1"; exit 1 ;;
		esac
	done
	# shellcheck disable=SC2086
	"$dump" --check-all --host testhost --env HOME=/home/refd-test --env TMPDIR=/tmp \
		--env LANG=C.UTF-8 --env PATH=/usr/bin:/bin $args "$conf" >"$tmp" 2>&1
	status=$?
	echo "exit $status" >>"$tmp"
	sed "s|$data|@DATA@|g" "$tmp" >"$tmp.n"
	mv "$tmp.n" "$tmp"
	if [ "${REFD_GOLDEN_UPDATE:-}" = 1 ]; then
		cp "$tmp" "$name.expected"
	elif ! cmp -s "$tmp" "$name.expected"; then
		echo "FAIL $conf:"
		diff -u "$name.expected" "$tmp" | head -40
		fail=$((fail + 1))
	fi
done
echo "$count golden configs, $fail failed"
[ "$fail" -eq 0 ]
