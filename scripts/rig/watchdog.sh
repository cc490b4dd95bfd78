#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# watchdog.sh -i IDLE -c CAP [-s POLL] [-r FILE] PATH... -- COMMAND...
# watchdog.sh -i IDLE -c CAP [-s POLL] [-r FILE] -p PID PATH...
#
# Stops a run that makes no progress, not one that is slow. Progress is
# a change to any PATH (a file, or any file below a folder): the output a
# test writes as it goes. When none has changed for IDLE seconds, or CAP
# seconds have passed since the start (a cap several times a normal
# run's length), the run is stopped: SIGTERM to it and every process
# below it, SIGKILL 10 s later.
#
# The first form runs COMMAND and exits with its status, or 124 when it
# was stopped. The second watches the running process PID (a background
# job of the caller, which waits for it) and exits 124 when it stopped
# it, 0 when PID ended by itself. Either way FILE, when given, gets one
# line: why the run was stopped, or the longest silence it had.
#
# It looks every POLL seconds (default 2). Watching files only, it starts
# no process but sleep between looks, as it may run in a test guest,
# where each program started from the 9p root costs tens of ms.
set -uo pipefail

idle=600 cap=3600 poll=2 why= pid=
while getopts i:c:s:r:p: opt; do
	case $opt in
	s) poll=$OPTARG ;;
	i) idle=$OPTARG ;;
	c) cap=$OPTARG ;;
	r) why=$OPTARG ;;
	p) pid=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
paths=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	paths+=("$1")
	shift
done
[ "${1:-}" = -- ] && shift
if [ -z "$pid" ]; then
	[ $# -gt 0 ] || { echo "usage: watchdog.sh -i s -c s [-r file] path... -- command" >&2; exit 2; }
	"$@" &
	pid=$!
fi

mark=$(mktemp)
trap 'rm -f "$mark"' EXIT
# told to stop: running COMMAND, it goes too; watching PID, the caller's
# run has ended
if [ $# -gt 0 ]; then
	trap 'kill_tree TERM "$pid"; exit 143' TERM INT
else
	trap 'exit 0' TERM
fi
folders=0
for p in "${paths[@]}"; do
	[ -d "$p" ] && folders=1
done

# newest: the latest modification time of the paths, as a string
newest() {
	find "${paths[@]}" -type f -printf '%T@\n' 2>/dev/null | sort -n | tail -n 1
}
seen=$([ $folders -eq 0 ] || newest)

# changed: true when a path changed since the last call
changed() {
	local p m
	if [ $folders -eq 1 ]; then
		m=$(newest)
		[ "$m" != "$seen" ] || return 1
		seen=$m
		return 0
	fi
	for p in "${paths[@]}"; do
		if [ "$p" -nt "$mark" ]; then
			touch "$mark"
			return 0
		fi
	done
	return 1
}

# kill_tree SIGNAL PID: PID and all below it, children first found
kill_tree() {
	local c
	for c in $(pgrep -P "$2"); do
		kill_tree "$1" "$c"
	done
	kill -"$1" "$2" 2>/dev/null
}

report() { [ -z "$why" ] || echo "$*" > "$why"; }

last=$SECONDS
quiet=0
stopped=
while kill -0 "$pid" 2>/dev/null; do
	sleep "$poll"
	changed && last=$SECONDS
	[ $((SECONDS - last)) -gt $quiet ] && quiet=$((SECONDS - last))
	if [ $((SECONDS - last)) -ge "$idle" ]; then
		stopped="no progress for ${idle} s"
	elif [ $SECONDS -ge "$cap" ]; then
		stopped="over its total time of ${cap} s"
	fi
	[ -n "$stopped" ] && break
done

if [ -n "$stopped" ]; then
	# the reason first: the caller reads it once its run has ended
	report "stopped: $stopped"
	trap '' TERM
	kill_tree TERM "$pid"
	for _ in $(seq 10); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	kill_tree KILL "$pid"
	echo "watchdog: stopped: $stopped" >&2
	wait "$pid" 2>/dev/null
	exit 124
fi
report "longest silence ${quiet} s"
if [ $# -gt 0 ]; then
	wait "$pid"
	exit $?
fi
exit 0
