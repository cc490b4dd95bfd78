#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# events.sh FLAVOR: the ERR and REQ eventfds signalled by real events that
# only the host can cause, on the driver of FLAVOR.
#
# The guest binds e1000e and edu to vfio-pci and opens each with
# vfio_pci_wait_event. The host injects an uncorrectable non-fatal AER
# error (Completion Timeout) at e1000e's root port through QEMU's monitor:
# the guest's AER driver reports it to every driver below that port, ours
# signals ERR, and the device must still answer. (QEMU's e1000e cannot
# send the error itself: its Device Control reporting bits are read-only
# zero, so its messages never leave it.) Then a hot reset and SET_IRQS
# run on edu: the error handler's locks and theirs in one boot, so that
# lockdep (debug flavor) sees any cycle between them (the error handler
# runs under pci_bus_sem, which a bus reset takes inside memory_lock,
# which SET_IRQS takes inside igate). Then edu's user puts it to sleep
# (low power entry with a wake-up eventfd) and the host injects the same
# error at edu's root port: the AER core resumes the devices below the
# port, with pci_bus_sem held, before it reports the error; the wake-up
# eventfd must fire and edu answer (and lockdep see the resume's locks
# beside the hot reset's, which takes pci_bus_sem inside memory_lock:
# the race soak found that cycle). The host then hot-unplugs edu
# with QMP device_del: the kernel asks for the device back through REQ;
# the program ignores the request until the kernel asks again (every 10
# s) and then exits with the device open, and the unplug must complete
# once the kernel has released what the process held.
#
# Exits 0 when both were signalled and edu is gone, non-zero otherwise.
set -euo pipefail
. "$(dirname "$0")/common.sh"

flavor=${1:?usage: events.sh vm|debug|upstream}
dir=$RIG_BUILD/vm/events-$flavor
wait_s=120
# the guest's total cap, about ten times a normal run (vm.sh stops it
# sooner when it makes no progress)
limit=1800
[ "$flavor" = debug ] && limit=3600

rm -rf "$dir"
"$RIG_TOP/scripts/rig/vm.sh" -f "$flavor" -d std -t "$limit" -o "$dir" -- '
	rig_load_vfio || exit 1
	nic=$(rig_find 8086:10d3) && edu=$(rig_find 1234:11e8) || exit 1
	rig_bind "$nic" vfio-pci && rig_bind "$edu" vfio-pci || exit 1
	"$RIG_BIN/vfio_pci_wait_event" "$nic" err '$wait_s' "$RIG_OUT/ready-err" ||
		exit 1
	for run in "vfio_pci_reset_test hot_reset" "vfio_pci_irq_test msi"; do
		set -- $run
		VFIO_PCI_DEV=$edu "$RIG_BIN/$1" -t "$2" \
			> "$RIG_OUT/$1.ktap" || {
			echo "$1 ($2) failed after the ERR event"
			exit 1
		}
		echo "$1 ($2) passed after the ERR event"
	done
	"$RIG_BIN/vfio_pci_wait_event" "$edu" wake '$wait_s' "$RIG_OUT/ready-wake" ||
		exit 1
	"$RIG_BIN/vfio_pci_wait_event" "$edu" req-ignore '$wait_s' \
		"$RIG_OUT/ready-req" || exit 1
	for i in $(seq 60); do
		[ -e "/sys/bus/pci/devices/$edu" ] || { echo "$edu unplugged"; exit 0; }
		sleep 1
	done
	echo "$edu still present after it was released"
	exit 1' &
pid=$!

# wait_for FILE: until the guest creates FILE or exits
wait_for() {
	local i
	for i in $(seq $limit); do
		[ -e "$1" ] && return 0
		kill -0 $pid 2>/dev/null || return 1
		sleep 1
	done
	return 1
}

qmp() {
	"$RIG_TOP/scripts/rig/qmp.py" "$dir/qmp.sock" "$@"
}

# inject_aer PORT: a Completion Timeout at a root port; HMP answers with
# its output as a JSON string: "OK id: rp2 ..." here.
inject_aer() {
	local out
	out=$(qmp human-monitor-command \
		"{\"command-line\": \"pcie_aer_inject_error $1 0x00004000\"}")
	echo "host: pcie_aer_inject_error $1 0x00004000 (Completion Timeout): $out"
	[[ $out == "\"OK id: $1 "* ]]
}

ok=1
for step in err:rp2 wake:rp1; do
	if wait_for "$dir/ready-${step%:*}"; then
		inject_aer "${step#*:}" || ok=0
	else
		echo "host: the guest never got ready for ${step%:*}"
		ok=0
	fi
	[ $ok -eq 1 ] || break
done
if [ $ok -eq 1 ] && wait_for "$dir/ready-req"; then
	qmp device_del '{"id": "edu0"}' >/dev/null || ok=0
	echo "host: device_del edu0"
else
	ok=0
fi
[ $ok -eq 1 ] || kill $pid 2>/dev/null || true
rc=0
wait $pid || rc=$?
[ $ok -eq 1 ] || rc=${rc/#0/1}
exit $rc
