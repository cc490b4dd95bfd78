#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# boottest.sh FLAVOR: a kernel-CI style boot test of one built flavor.
# Boots it under QEMU with the std device set, loads the modules, binds
# the devices and runs the in-guest suite, whose KTAP goes to stdout;
# then checks the run as a CI system would: the whole kernel log scanned
# for reports (vm.sh) and the KTAP parsed by the base tree's kunit.py.
# The parser's summary goes to stderr, its whole output to
# build/vm/test-FLAVOR/ktap-parse.log.
#
# Exit status: 0 when the suite ran, passed and parses; 124 when stopped,
# 125 when the kernel log has a report, 1 otherwise.
set -uo pipefail
. "$(dirname "$0")/common.sh"

flavor=${1:?usage: boottest.sh vm|debug|upstream}
out=$RIG_BUILD/vm/test-$flavor
# A hang is caught by the watchdogs: a test program that writes nothing
# for 10 minutes (guest-suite.sh), a guest that writes nothing for 15
# (vm.sh). The total caps are about six times a normal run (vm about 10
# minutes, upstream 8, debug 30 beside the others): a busy machine is
# slow, not hung.
cap=3600 idle=900
[ "$flavor" = debug ] && cap=7200

# tee opens its file as vm.sh starts: on a clean checkout, with this
# the first guest to run, vm.sh has not made the folder yet
mkdir -p "$RIG_BUILD/vm"
"$RIG_TOP/scripts/rig/vm.sh" -f "$flavor" -d std -t "$cap" -i "$idle" -o "$out" -- \
	". $RIG_TOP/tools/testing/selftests/vfio_pci/guest-suite.sh" |
	tee "$RIG_BUILD/vm/test-$flavor.ktap"
rc=${PIPESTATUS[0]}

rig_ktap_parse "$RIG_BUILD/vm/test-$flavor.ktap" > "$out/ktap-parse.log"
prc=$?
grep -E 'Testing complete|FAILED|CRASHED|ERROR' "$out/ktap-parse.log" | tail -n 5 >&2

[ "$rc" -ne 0 ] && exit "$rc"
[ $prc -eq 0 ] || exit 1
exit 0
