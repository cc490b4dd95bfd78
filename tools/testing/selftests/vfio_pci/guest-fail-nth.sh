# SPDX-License-Identifier: GPL-2.0
# The fault injection sweep of vfio-pci's error paths, vfio_pci_fail_nth,
# on edu, e1000e and the nvme PF. Sourced after scripts/rig/guest-lib.sh,
# with vfio_pci loaded (rig_load_vfio). fail_nth_test binds each function
# to vfio-pci, prints the program's KTAP document and how long it took,
# and gives the function back to the driver it had; it returns non-zero
# when a function is missing, would not bind, or its sweep failed. The
# kernel log is the other half of the verdict (KASAN, kmemleak, lockdep):
# the rig scans it. On a kernel without fault injection every test of
# the program is skipped, with the reason.

# name:vendor:device of each function swept
FAIL_NTH_DEVICES="edu:1234:11e8 e1000e:8086:10d3 nvme:1b36:0010"

# Tests not to run, as VFIO_TEST_SKIP takes them ("" runs them all), and
# the only ones to run, as vfio_selftest's VFIO_TEST_ONLY takes them (""
# for all). Sweeps
# that pass through a base-tree function with a broken error path spare
# that function (the program says which, and why), so none is skipped.
FAIL_NTH_SKIP=${FAIL_NTH_SKIP-}
FAIL_NTH_ONLY=${FAIL_NTH_ONLY-}
# the stand-in for mlx5_core and the vendor driver, for the mlx5_aux sweep
FAIL_NTH_MODS="mlx5_vfio_pci_testparent mlx5_vfio_pci"

# fail_nth_test [NAME...]: sweep the functions named (default all)
fail_nth_test() {
	local rc=0 entry name id bdf old start skip mod loaded=
	skip=$FAIL_NTH_SKIP
	# without fault injection, every test skips for that reason alone
	[ -e /sys/kernel/debug/failslab ] || skip=
	for mod in $FAIL_NTH_MODS; do
		[ -d "/sys/module/$mod" ] && continue
		rig_modprobe "$mod" && loaded="$mod $loaded"
	done
	for entry in $FAIL_NTH_DEVICES; do
		name=${entry%%:*}
		id=${entry#*:}
		if [ $# -gt 0 ] && ! echo " $* " | grep -q " $name "; then
			continue
		fi
		if ! bdf=$(rig_find "$id"); then
			echo "# fail_nth: no $name ($id)"
			rc=1
			continue
		fi
		old=$(rig_driver "$bdf")
		echo "# fail_nth: $name at $bdf, on '${old:-no driver}' before"
		if ! rig_bind "$bdf" vfio-pci; then
			rc=1
			continue
		fi
		start=$(date +%s)
		VFIO_TEST_SKIP=$skip VFIO_TEST_ONLY=$FAIL_NTH_ONLY \
			vfio_selftest vfio_pci_fail_nth "$bdf" || rc=1
		echo "# fail_nth: $name swept in $(($(date +%s) - start)) s"
		if [ -n "$old" ] && [ "$old" != vfio-pci ]; then
			rig_unbind "$bdf"
			echo "$bdf" > "/sys/bus/pci/drivers/$old/bind" || rc=1
		fi
	done
	for mod in $loaded; do
		rmmod "$mod" || rc=1
	done
	return $rc
}
