#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make soak: the unplug soak and the race soak, in one guest of
# SOAK_FLAVOR (default debug: KASAN, lockdep, kmemleak).
#
# Unplug: SOAK_CYCLES (default 100) hot-unplug and replug cycles of edu,
# then of e1000e, while a user holds each (guest-soak.sh's
# soak_unplug): the guest says when its user is ready, this script
# unplugs the function with QMP device_del, the guest says when it is
# gone, this script plugs it in again with device_add. One function at a
# time: QEMU 7.2's ACPI hotplug raises one event for all slots, and an
# eject the guest reads again while it still ejects (its user holding
# on) then ejects the function plugged in meanwhile.
#
# Race: vfio_pci_race_soak on edu, e1000e and the nvme PF, over the
# group and the cdev path, SOAK_RACE seconds each (default 60): processes
# sharing the device fd, their threads writing COMMAND and PMCSR, setting
# interrupts of every type, resetting, hot resetting, faulting mappings
# in, entering and leaving low power; meanwhile this script injects AER
# errors (QEMU's pcie_aer_inject_error, Completion Timeout, non-fatal) at
# the three root ports in turn, every two seconds.
#
# Fails on a cycle or race run that fails, a hang (the guest writes
# nothing for 15 minutes), a kernel report or a kmemleak finding. Output:
# the guest's lines; build/vm/soak/ keeps the logs (soak-NAME/ per unplug
# cycle with the guest's trace, host.log of the QMP commands,
# race-*.log, console.log, kmemleak.txt). SOAK_NO_BUILD=1 skips the
# set-up and builds, for callers that made them (make test, coverage).
set -euo pipefail
. "$(dirname "$0")/common.sh"

flavor=${SOAK_FLAVOR:-debug}
cycles=${SOAK_CYCLES:-100}
race=${SOAK_RACE:-60}
dir=$RIG_BUILD/vm/soak
for v in "$cycles" "$race"; do
	case $v in
	'' | *[!0-9]*) rig_die "SOAK_CYCLES and SOAK_RACE: numbers, got '$v'" ;;
	esac
done
if [ "${SOAK_NO_BUILD:-0}" != 1 ]; then
	"$RIG_TOP/scripts/rig/setup.sh"
	"$RIG_TOP/scripts/rig/build.sh" "$flavor"
	rig_tools
fi

# shellcheck disable=SC2016
guest_cmd='
GUEST_SUITE_LIB=1 . "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-suite.sh"
. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-soak.sh"
rig_load_vfio || exit 1
rc=0
soak_unplug edu 1234:11e8 '"$cycles"' 0000:00:11.0 || rc=1
soak_unplug e1000e 8086:10d3 '"$cycles"' 0000:00:12.0 || rc=1
soak_race '"$race"' || rc=1
exit $rc'

qmp() {
	"$RIG_TOP/scripts/rig/qmp.py" "$dir/qmp.sock" "$@"
}

# guest_over: the guest's command has ended (its init wrote rc) or vm.sh
# has (a zombie until this script waits for it: kill -0 still finds it)
guest_over() {
	[ -e "$dir/rc" ] || ! kill -0 "$guest" 2>/dev/null
}

# wait_for FILE: until the guest creates FILE (0) or is over (1)
wait_for() {
	while [ ! -e "$1" ]; do
		guest_over && return 1
		sleep 1
	done
}

# plug QDEV JSON: device_add, again while QEMU still finishes the unplug
# (the old device holding its ID or its slot: JSON names the slot, or
# QEMU would put the new one at another address, where a root port's
# guest never looks), and again when the device is gone two seconds
# later; the tries go to host.log
plug() {
	local i
	for i in $(seq 30); do
		if qmp device_add "$2" >> "$dir/host.log" 2>&1; then
			sleep 2
			if qmp qom-get "{\"path\": \"/machine/peripheral/$1\", \"property\": \"realized\"}" \
				> /dev/null 2>&1; then
				echo "$(date +%T) $1 plugged in, try $i" >> "$dir/host.log"
				return 0
			fi
			echo "$(date +%T) $1 dropped after device_add" >> "$dir/host.log"
		fi
		sleep 1
	done
	return 1
}

# host_unplug NAME QDEV JSON: this script's half of soak_unplug
host_unplug() {
	local i
	for i in $(seq "$cycles"); do
		wait_for "$dir/soak-$1/ready-$i" || return 1
		qmp device_del "{\"id\": \"$2\"}" >/dev/null
		echo "$(date +%T) device_del $2 (cycle $i)" >> "$dir/host.log"
		wait_for "$dir/soak-$1/gone-$i" || return 1
		plug "$2" "$3" || { echo "host: device_add of $2 failed"; return 1; }
	done
}

# inject_aer: Completion Timeouts at the root ports while the race runs
inject_aer() {
	local n=0 port
	wait_for "$dir/race-on" || return 0
	while [ -e "$dir/race-on" ] && ! guest_over; do
		for port in rp0 rp1 rp2; do
			qmp human-monitor-command \
				"{\"command-line\": \"pcie_aer_inject_error $port 0x00004000\"}" \
				>/dev/null 2>&1 && n=$((n + 1))
			sleep 2
		done
	done
	echo "host: $n AER errors injected"
}

rig_log "soak: $flavor, $cycles unplug cycles of edu and e1000e, race ${race} s per run"
# the host's loops poll files there: none may be left from a run before
rm -rf "$dir"
mkdir -p "$RIG_BUILD/vm"
"$RIG_TOP/scripts/rig/vm.sh" -f "$flavor" -d std -t $((cycles * 120 + race * 24 + 1800)) \
	-i 900 -o "$dir" -- "$guest_cmd" &
guest=$!
ok=0
host_unplug edu edu0 \
	'{"driver": "edu", "id": "edu0", "bus": "rp1", "addr": "0", "dma_mask": 18446744073709551615}' &
h1=$!
host_unplug e1000e nic0 '{"driver": "e1000e", "id": "nic0", "bus": "rp2", "addr": "0", "netdev": "n0"}' &
h2=$!
inject_aer &
h3=$!
wait $h1 || ok=1
wait $h2 || ok=1
wait $h3 || true
rc=0
wait $guest || rc=$?
[ $rc -eq 0 ] && [ $ok -ne 0 ] && rc=1
if [ -s "$dir/kmemleak.txt" ]; then
	rig_log "soak: kmemleak has reports ($dir/kmemleak.txt)"
	[ $rc -eq 0 ] && rc=1
fi
rig_log "soak: exit $rc, logs in $dir"
exit $rc
