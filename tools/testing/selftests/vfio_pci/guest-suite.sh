#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The in-guest suite: runs in the test VM (scripts/rig/vm.sh), after
# scripts/rig/guest-lib.sh, against whichever vfio-pci the booted flavor
# has. Prints one KTAP document; each program's own KTAP is a subtest.
# Tests of what only our series has are skipped on the upstream flavor.
# Exits 0 once the suite has run: failures are in the KTAP, not the status.

n=0
result() { # result STATUS NAME [DIRECTIVE]
	n=$((n + 1))
	echo "$1 $n $2${3:+ # $3}"
}

# run_reported NAME PREFIX CMD...: run CMD, print its output with each
# line under PREFIX, report its exit status as the result NAME
run_reported() {
	name=$1
	prefix=$2
	shift 2
	"$@" > "$TMPDIR/$name.out" 2>&1
	rc=$?
	sed "s/^/$prefix/" "$TMPDIR/$name.out"
	if [ $rc -eq 0 ]; then result ok "$name"; else result "not ok" "$name"; fi
}

# subtest NAME CMD...: CMD prints KTAP, nested as a subtest
subtest() {
	t=$1
	shift
	run_reported "$t" "    " "$@"
}

# logtest NAME CMD...: CMD prints prose, kept as diagnostics
logtest() {
	t=$1
	shift
	run_reported "$t" "    # " "$@"
}

ours() { [ "$RIG_FLAVOR" != upstream ]; }

# kunit_suites MODULE SUITE...: load a KUnit module, print its suites as
# one KTAP document, also kept as $RIG_OUT/kunit.ktap for kunit.py parse.
kunit_suites() {
	mod=$1
	shift
	rig_modprobe "$mod" || return 1
	i=0
	{
		echo "KTAP version 1"
		echo "1..$#"
		for suite in "$@"; do
			i=$((i + 1))
			r=/sys/kernel/debug/kunit/$suite/results
			[ -r "$r" ] || { echo "not ok $i $suite # no $r"; continue; }
			# drop the file's own header; renumber its result line
			sed -e '1,2d' -e "s/^\(not ok\|ok\) 1 /\1 $i /" "$r"
		done
	} > "$RIG_OUT/kunit.ktap"
	cat "$RIG_OUT/kunit.ktap"
	! grep -q '^[[:space:]]*not ok' "$RIG_OUT/kunit.ktap"
}

bound_to() { # bound_to BDF DRIVER
	[ "$(basename "$(readlink "/sys/bus/pci/devices/$1/driver")")" = "$2" ]
}

# ids= at load time: the module binds every listed device by itself.
bind_by_ids() {
	rig_unbind "$1"
	rmmod vfio_pci || return 1
	rig_modprobe vfio_pci ids=1234:11e8 || return 1
	bound_to "$1" vfio-pci || { echo "# $1 not bound after ids="; return 1; }
	"$RIG_BIN/vfio_pci_basic_test" "$1"
}

# config_conformance VENDOR:DEVICE: bind it, check its config space view
config_conformance() {
	bdf=$(rig_find "$1") || return 1
	bound_to "$bdf" vfio-pci || rig_bind "$bdf" vfio-pci || return 1
	"$RIG_BIN/vfio_pci_config_test" "$bdf"
}

# name:vendor:device of every function of the std device set
CONFIG_DEVICES="edu:1234:11e8 nvme:1b36:0010 e1000e:8086:10d3
ivshmem:1af4:1110 testdev:1b36:0005 vga:1234:1111"

echo "KTAP version 1"
echo "1..$((6 + $(echo $CONFIG_DEVICES | wc -w)))"
if rig_load_vfio; then result ok load_modules; else result "not ok" load_modules; fi

if ours; then
	subtest kunit_vfio_pci_core kunit_suites vfio_pci_config_test \
		vfio_pci_config vfio_pci_caps
else
	result ok kunit_vfio_pci_core "SKIP the KUnit suites are ours alone"
fi

edu=$(rig_find 1234:11e8)
if rig_bind "$edu" vfio-pci; then
	result ok bind_edu_driver_override
else
	result "not ok" bind_edu_driver_override
fi
subtest edu_basic "$RIG_BIN/vfio_pci_basic_test" "$edu"
logtest edu_demo "$RIG_BIN/vfio_pci_demo" "$edu"
subtest edu_bind_ids bind_by_ids "$edu"
for dev in $CONFIG_DEVICES; do
	subtest "config_${dev%%:*}" config_conformance "${dev#*:}"
done
exit 0
