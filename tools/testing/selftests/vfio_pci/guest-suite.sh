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
	# in the kernel log too, which dates them
	echo "[suite] $name" > /dev/kmsg
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

# kunit_suites "MODULE..." SUITE...: load KUnit modules, print their
# suites as one KTAP document, also kept as $RIG_OUT/kunit.ktap for
# kunit.py parse.
kunit_suites() {
	for mod in $1; do
		rig_modprobe "$mod" || return 1
	done
	shift
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

# on_vfio PROGRAM VENDOR:DEVICE: bind the device to vfio-pci, run the
# test PROGRAM on it
on_vfio() {
	bdf=$(rig_find "$2") || return 1
	bound_to "$bdf" vfio-pci || rig_bind "$bdf" vfio-pci || return 1
	"$RIG_BIN/$1" "$bdf"
}

# nointxmask=1: INTx masked at the interrupt controller on an exclusive
# line instead of through the function's INTx-disable bit. The module is
# reloaded with it for one run and then without it; devices whose
# driver_override names vfio-pci bind again as it loads. Upstream's
# driver loses the line in the stress test here (its mask state and the
# line's disable depth part ways), so upstream runs the INTx tests only.
NOINTXMASK_UPSTREAM_TESTS=intx_trigger,intx_retrigger,intx_mask,\
intx_unmask_eventfd,intx_disable_bit,intx_loopback
irq_nointxmask() {
	local rc only=
	ours || only=$NOINTXMASK_UPSTREAM_TESTS
	rmmod vfio_pci && rig_modprobe vfio_pci nointxmask=1 || return 1
	VFIO_TEST_ONLY=$only on_vfio vfio_pci_irq_test "$1"
	rc=$?
	rmmod vfio_pci && rig_modprobe vfio_pci || return 1
	return $rc
}

# e1000e's MSI-X through the device-independent checks, which also grow
# vectors one by one and give a grown vector a trigger again (the checks
# every device without its own tests gets, like the nvme VF); only those
# its own tests do not make already
IRQ_GENERIC_TESTS=msix_config_view,msix_vectors,msix_dynamic
irq_generic() {
	VFIO_IRQ_GENERIC=1 VFIO_TEST_ONLY=$IRQ_GENERIC_TESTS \
		on_vfio vfio_pci_irq_test "$1"
}

# disable_idle_d3=1: bound devices stay in D0 while closed, and a request
# to sleep leaves them awake. The base tree's driver reads it at load only,
# so the module is reloaded with it for one run and then without it, as
# for nointxmask.
power_no_idle_d3() {
	local rc
	rmmod vfio_pci && rig_modprobe vfio_pci disable_idle_d3=1 || return 1
	on_vfio vfio_pci_power_test "$1"
	rc=$?
	rmmod vfio_pci && rig_modprobe vfio_pci || return 1
	return $rc
}

# SR-IOV on the nvme PF bound to vfio-pci: VFs, the VF token, removal of
# an open VF; edu stands for a device that is neither PF nor VF. Only our
# tree's cdev bind carries the token (patches/): the base tree's has none.
sriov_nvme() {
	local pf cdev_token=absent
	pf=$(rig_find $NVME) || return 1
	bound_to "$pf" vfio-pci || rig_bind "$pf" vfio-pci || return 1
	ours && cdev_token=required
	VFIO_CDEV_TOKEN=$cdev_token "$RIG_BIN/vfio_pci_sriov_test" "$pf" "$1"
}

# The module's parameters, as an admin sees and uses them. Prints KTAP.
PARAMS="ids:0 nointxmask:644 disable_vga:444 disable_idle_d3:644
enable_sriov:644 disable_denylist:444"
params_test() {
	local p name mode got edu vga
	ktap_plan $(($(echo $PARAMS | wc -w) + 3))
	for p in $PARAMS; do
		name=${p%%:*} mode=${p#*:}
		# described (modinfo), with the sysfs permissions admins know
		got=$(stat -c %a "/sys/module/vfio_pci/parameters/$name" 2>/dev/null || echo 0)
		if modinfo -b "$RIG_MODS" -F parm vfio_pci | grep -q "^$name:.\{20,\}"; then
			[ "$got" = "$mode" ]
			ktap_res $? "param_$name" "sysfs mode $got, expected $mode"
		else
			ktap_res 1 "param_$name" "no description in modinfo"
		fi
	done
	# new_id binds an unbound device of that ID; remove_id undoes it.
	# A fresh load first: the ids= test left edu's ID in the driver.
	edu=$(rig_find 1234:11e8)
	rmmod vfio_pci && rig_modprobe vfio_pci
	rig_unbind "$edu"
	echo "1234 11e8" > /sys/bus/pci/drivers/vfio-pci/new_id
	bound_to "$edu" vfio-pci
	ktap_res $? new_id "edu not bound after new_id"
	echo "1234 11e8" > /sys/bus/pci/drivers/vfio-pci/remove_id
	rig_bind "$edu" vfio-pci >/dev/null
	# disable_vga=1 takes the VGA region away from VGA devices
	vga=$(rig_find 1234:1111)
	rig_bind "$vga" vfio-pci >/dev/null
	got=$("$RIG_BIN/vfio_pci_demo" "$vga" | grep -m1 "region 8 VGA")
	rmmod vfio_pci && rig_modprobe vfio_pci disable_vga=1
	case $got in
	*"not present"*) ktap_res 1 disable_vga "no VGA region to begin with: $got" ;;
	*) "$RIG_BIN/vfio_pci_demo" "$vga" | grep -m1 "region 8 VGA" | grep -q "not present"
	   ktap_res $? disable_vga "the VGA region is still offered" ;;
	esac
	# disable_denylist=1 is announced at load
	rmmod vfio_pci && rig_modprobe vfio_pci disable_denylist=1
	dmesg | tail -n 20 | grep -q "denylist disabled"
	ktap_res $? disable_denylist "nothing in the kernel log"
	rmmod vfio_pci && rig_modprobe vfio_pci
	bound_to "$edu" vfio-pci || rig_bind "$edu" vfio-pci
	return $ktap_bad
}

# The nvme PF gives a VF once the nvme driver drives it: nvme_vf_create
# makes one and binds it to vfio-pci, printing its address; nvme_vf_remove
# drops it and gives the PF back to vfio-pci.
NVME=1b36:0010
nvme_vf_create() {
	pf=$(rig_find $NVME) || return 1
	rig_modprobe nvme && rig_bind "$pf" nvme || return 1
	echo 1 > "/sys/bus/pci/devices/$pf/sriov_numvfs" || return 1
	vf=$(readlink "/sys/bus/pci/devices/$pf/virtfn0") || {
		echo "# no virtfn0 under $pf after sriov_numvfs=1" >&2
		return 1
	}
	vf=$(basename "$vf")
	rig_bind "$vf" vfio-pci || return 1
	echo "$vf"
}

nvme_vf_remove() {
	pf=$(rig_find $NVME) || return 1
	vf=$(readlink "/sys/bus/pci/devices/$pf/virtfn0") &&
		rig_unbind "$(basename "$vf")"
	echo 0 > "/sys/bus/pci/devices/$pf/sriov_numvfs" || return 1
	rig_bind "$pf" vfio-pci
}

# name:vendor:device of every function of the std device set
CONFIG_DEVICES="edu:1234:11e8 nvme:1b36:0010 e1000e:8086:10d3
ivshmem:1af4:1110 testdev:1b36:0005 vga:1234:1111"
# the functions whose regions are mapped
MMAP_DEVICES="edu:1234:11e8 nvme:1b36:0010 e1000e:8086:10d3
ivshmem:1af4:1110 vga:1234:1111"
# the functions whose interrupts are taken: edu (INTx, MSI, DMA), e1000e
# (MSI-X)
IRQ_DEVICES="edu:1234:11e8 e1000e:8086:10d3"
# the functions reset: behind a root port alone (edu, e1000e, nvme) and
# on the root bus, where no hot reset exists (ivshmem, testdev)
RESET_DEVICES="edu:1234:11e8 e1000e:8086:10d3 nvme:1b36:0010
ivshmem:1af4:1110 testdev:1b36:0005"
# the functions whose power is managed: with a PM capability (e1000e,
# nvme), which sleep in D3hot, and without one (edu), which stay in D0
POWER_DEVICES="edu:1234:11e8 e1000e:8086:10d3 nvme:1b36:0010"
# the VF's results: create, config, mmap, irq, reset, remove
VF_RESULTS=6
# mlx5_vfio_pci (ours alone) on the nvme PF's VFs, with the test parent
# standing in for mlx5_core: bad orders and the admin's flow, the uAPI
# tests the VF passes on vfio-pci, the teardowns, and the cleanup
MLX5_FLOWS="mlx5_bad_order mlx5_admin_flow mlx5_aux_rebind"
MLX5_UAPI="config mmap irq reset"
MLX5_TEARDOWNS="mlx5_parent_unload mlx5_vendor_unload"
MLX5_RESULTS=$(($(echo $MLX5_FLOWS $MLX5_UAPI $MLX5_TEARDOWNS | wc -w) + 1))

echo "KTAP version 1"
echo "1..$((15 + $(echo $CONFIG_DEVICES $MMAP_DEVICES $IRQ_DEVICES \
	$RESET_DEVICES $POWER_DEVICES | wc -w) + VF_RESULTS + MLX5_RESULTS))"
if rig_load_vfio; then result ok load_modules; else result "not ok" load_modules; fi

if ours; then
	subtest kunit_vfio_pci_core kunit_suites \
		"vfio_pci_config_test mlx5_vfio_pci_test" \
		vfio_pci_config vfio_pci_caps mlx5_vfio_pci_id
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
subtest params params_test
for dev in $CONFIG_DEVICES; do
	subtest "config_${dev%%:*}" on_vfio vfio_pci_config_test "${dev#*:}"
done
for dev in $MMAP_DEVICES; do
	subtest "mmap_${dev%%:*}" on_vfio vfio_pci_mmap_test "${dev#*:}"
done
for dev in $IRQ_DEVICES; do
	subtest "irq_${dev%%:*}" on_vfio vfio_pci_irq_test "${dev#*:}"
done
subtest irq_edu_nointxmask irq_nointxmask 1234:11e8
subtest irq_e1000e_generic irq_generic 8086:10d3
# every function of the std set is on vfio-pci by now: the foreign group
# case of the hot reset has its second device. With the nvme driver loaded
# the nvme PF goes through it and back: its first open must reset it.
rig_modprobe nvme
for dev in $RESET_DEVICES; do
	subtest "reset_${dev%%:*}" on_vfio vfio_pci_reset_test "${dev#*:}"
done
for dev in $POWER_DEVICES; do
	subtest "power_${dev%%:*}" on_vfio vfio_pci_power_test "${dev#*:}"
done
subtest power_e1000e_no_idle_d3 power_no_idle_d3 8086:10d3
subtest sriov_nvme sriov_nvme "$edu"

vf=$(nvme_vf_create 2> "$TMPDIR/nvme_vf.err")
sed 's/^#* */# /' "$TMPDIR/nvme_vf.err"
if [ -n "$vf" ]; then
	result ok nvme_vf_create
	subtest config_nvme_vf "$RIG_BIN/vfio_pci_config_test" "$vf"
	subtest mmap_nvme_vf "$RIG_BIN/vfio_pci_mmap_test" "$vf"
	subtest irq_nvme_vf "$RIG_BIN/vfio_pci_irq_test" "$vf"
	subtest reset_nvme_vf "$RIG_BIN/vfio_pci_reset_test" "$vf"
else
	result "not ok" nvme_vf_create
	result ok config_nvme_vf "SKIP no nvme VF: creating it failed"
	result ok mmap_nvme_vf "SKIP no nvme VF: creating it failed"
	result ok irq_nvme_vf "SKIP no nvme VF: creating it failed"
	result ok reset_nvme_vf "SKIP no nvme VF: creating it failed"
fi
if nvme_vf_remove; then result ok nvme_vf_remove; else result "not ok" nvme_vf_remove; fi

# tools nobody here wrote, on whichever vfio-pci the flavor has
. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-clients.sh"
subtest driverctl client_driverctl
# DPDK's testpmd moving packets through e1000e, with MSI-X and with INTx
# (about 30 s each on vm; on debug, dpdk-devbind.py alone takes over a
# minute and testpmd does not probe the port in two)
for mode in msix legacy; do
	if [ "$RIG_FLAVOR" = debug ]; then
		result ok "dpdk_$mode" "SKIP too slow on the debug kernel"
	else
		subtest "dpdk_$mode" client_dpdk "$mode"
	fi
done
. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-nested.sh"
if [ "$RIG_FLAVOR" = debug ]; then
	# 2 minutes on vm, many more on debug (its other tests cover the
	# driver paths QEMU takes)
	result ok qemu_nested "SKIP too slow on the debug kernel"
else
	subtest qemu_nested client_qemu
fi

if ours; then
	. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-mlx5.sh"
	for f in $MLX5_FLOWS; do
		subtest "$f" "$f"
	done
	vf=$(mlx5_vf "$(mlx5_pf)" 0)
	for t in $MLX5_UAPI; do
		subtest "mlx5_${t}_vf" "$RIG_BIN/vfio_pci_${t}_test" "$vf"
	done
	for f in $MLX5_TEARDOWNS; do
		subtest "$f" "$f"
	done
	if mlx5_cleanup; then result ok mlx5_cleanup; else result "not ok" mlx5_cleanup; fi
else
	for f in $MLX5_FLOWS $(echo $MLX5_UAPI | sed 's/\([a-z]*\)/mlx5_\1_vf/g') \
		$MLX5_TEARDOWNS mlx5_cleanup; do
		result ok "$f" "SKIP mlx5_vfio_pci is ours alone"
	done
fi
exit 0
