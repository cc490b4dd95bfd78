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

# Tests not to run, as VFIO_TEST_SKIP takes them ("" runs them all).
# These sweeps reach bugs of the base tree outside vfio-pci whose reports
# would spoil the kernel log of the whole run: MSI and MSI-X enables whose
# /proc/irq/N entries could not be made WARN in remove_proc_entry() when
# they are torn down; the bind WARNs in vfio_create_group()'s error path;
# the open's pci_enable_device() runs ACPI _PRT, whose out-of-memory path
# leaves a freed object in the ACPI namespace (KFENCE use-after-free).
FAIL_NTH_SKIP=${FAIL_NTH_SKIP-"irq_msi_1,irq_msi_n,irq_msix_n,irq_msix_grow,sysfs_bind,open:reaches base-tree bugs outside vfio-pci (genirq /proc/irq teardown WARN, vfio_create_group error path WARN, ACPICA _PRT use-after-free)"}

# fail_nth_test [NAME...]: sweep the functions named (default all)
fail_nth_test() {
	local rc=0 entry name id bdf old start skip
	skip=$FAIL_NTH_SKIP
	# without fault injection, every test skips for that reason alone
	[ -e /sys/kernel/debug/failslab ] || skip=
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
		VFIO_TEST_SKIP=$skip \
			"$RIG_BIN/vfio_pci_fail_nth" "$bdf" || rc=1
		echo "# fail_nth: $name swept in $(($(date +%s) - start)) s"
		if [ -n "$old" ] && [ "$old" != vfio-pci ]; then
			rig_unbind "$bdf"
			echo "$bdf" > "/sys/bus/pci/drivers/$old/bind" || rc=1
		fi
	done
	return $rc
}
