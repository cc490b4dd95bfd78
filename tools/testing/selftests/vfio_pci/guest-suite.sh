#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The in-guest suite: runs in the test VM (scripts/rig/vm.sh), after
# scripts/rig/guest-lib.sh, against whichever vfio-pci the booted flavor
# has. Prints one KTAP document; each program's own KTAP is a subtest.
# Tests of what only our series has are skipped on the upstream flavor.
# Exits 1 when any result failed, 0 otherwise.
#
# With GUEST_SUITE_LIB=1 it only defines its functions (the rig's
# self-tests run them on the host).

n=0
suite_bad=0
result() { # result STATUS NAME [DIRECTIVE]
	n=$((n + 1))
	[ "$1" = ok ] || suite_bad=1
	echo "$1 $n $2${3:+ # $3}"
}

# Each program is stopped when it writes nothing for RIG_TEST_IDLE
# seconds, or has run RIG_TEST_CAP seconds: a hang, not slowness. Its
# output goes where the host sees it grow (the guest's own watchdog, in
# vm.sh, watches the same folder, with a longer limit).
RIG_TEST_IDLE=${RIG_TEST_IDLE:-600}
RIG_TEST_CAP=${RIG_TEST_CAP:-3000}
RIG_TEST_POLL=${RIG_TEST_POLL:-10}
# more files whose growth is the running test's progress, when it runs
# something that writes elsewhere (the nested QEMU)
RIG_TEST_WATCH=

# run_reported NAME PREFIX CMD...: run CMD, print its output with each
# line under PREFIX, report its exit status as the result NAME
run_reported() {
	name=$1
	prefix=$2
	shift 2
	# in the kernel log too, which dates them
	echo "[suite] $name" > /dev/kmsg
	mkdir -p "$RIG_OUT/progress"
	out=$RIG_OUT/progress/$name.out
	rm -f "$out.watchdog"
	"$@" > "$out" 2>&1 &
	pid=$!
	"$RIG_TOP/scripts/rig/watchdog.sh" -i "$RIG_TEST_IDLE" -c "$RIG_TEST_CAP" \
		-s "$RIG_TEST_POLL" -r "$out.watchdog" -p $pid "$out" $RIG_TEST_WATCH \
		2> /dev/null &
	wd=$!
	wait $pid
	rc=$?
	kill $wd 2> /dev/null
	sed "s/^/$prefix/" "$out"
	if grep -q '^stopped' "$out.watchdog" 2> /dev/null; then
		result "not ok" "$name" "$(cat "$out.watchdog")"
	elif [ $rc -eq 0 ]; then
		result ok "$name"
	else
		result "not ok" "$name" "exit status $rc"
	fi
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
# tells the test programs the driver is the base tree's (races of its
# own are reported there, not failed)
ours || export VFIO_BASE_TREE=1
# the base tree's driver writes the MSI-X table of a function the user
# put in D3hot, where it decodes no memory, and leaves it there
ours || export VFIO_TEST_XFAIL="msix_d3hot:the base tree's driver writes \
the MSI-X table of a function in D3hot"

# What the booted kernel lacks, from its own configuration (the distro
# flavor's, Debian's: guest-lib.sh's rig_kconfig_off); nothing on the
# rig's own flavors. The test programs report the cdev halves skipped
# for that reason when they find no cdev (vfio_test.c).
NO_KUNIT=$(rig_kconfig_off KUNIT)
NO_IOMMUFD=$(rig_kconfig_off IOMMUFD)
NO_FAULT_INJECTION=$(rig_kconfig_off FAULT_INJECTION)
NO_KCOV=$(rig_kconfig_off KCOV)
[ -n "$NO_IOMMUFD" ] && export VFIO_CDEV_OFF="$NO_IOMMUFD: no iommufd, no VFIO device cdev"

# distro_ours: on the distro flavor, the kernel is the distribution's own
# (its release is the module tree's, its version string Debian's) and
# the VFIO modules loaded are ours, from updates/dkms: where modprobe
# finds vfio_pci and vfio_pci_core, the loaded core's srcversion and
# version against what DKMS built (scripts/rig/distro.sh's "ours"
# file), the loaded vfio_pci out of tree and holding that core.
distro_ours() {
	local rc=0 m where want_src want_ver
	echo "uname -r: $(uname -r)"
	echo "/proc/version: $(cat /proc/version)"
	[ -d "$RIG_MODS/lib/modules/$(uname -r)" ] ||
		{ echo "the kernel is not the one the module tree is for"; rc=1; }
	grep -q ' Debian ' /proc/version ||
		{ echo "the kernel's version string is not Debian's"; rc=1; }
	for m in vfio_pci vfio_pci_core; do
		where=$(modinfo -n $m 2>&1)
		echo "modinfo -n $m: $where"
		case $where in
		*/updates/dkms/*) ;;
		*) echo "$m resolves outside updates/dkms"; rc=1 ;;
		esac
	done
	read -r m want_src want_ver < "$RIG_TOP/build/distro/ours" || return 1
	echo "loaded vfio_pci_core: srcversion $(cat /sys/module/vfio_pci_core/srcversion)," \
		"version $(cat /sys/module/vfio_pci_core/version); DKMS built $want_src, $want_ver"
	[ "$(cat /sys/module/vfio_pci_core/srcversion)" = "$want_src" ] &&
		[ "$(cat /sys/module/vfio_pci_core/version)" = "$want_ver" ] &&
		[ "$(modinfo -F srcversion vfio_pci_core)" = "$want_src" ] ||
		{ echo "the loaded vfio_pci_core is not the one DKMS built"; rc=1; }
	echo "loaded vfio_pci: taint $(cat /sys/module/vfio_pci/taint)," \
		"holds vfio_pci_core: $(ls /sys/module/vfio_pci_core/holders)"
	case $(cat /sys/module/vfio_pci/taint) in
	*O*) ;;
	*) echo "the loaded vfio_pci is the kernel's own (not out of tree)"; rc=1 ;;
	esac
	[ -e /sys/module/vfio_pci_core/holders/vfio_pci ] ||
		{ echo "vfio_pci does not use our vfio_pci_core"; rc=1; }
	return $rc
}
DISTRO_RESULTS=0
[ "$RIG_FLAVOR" = distro ] && DISTRO_RESULTS=1

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
	[ "$(rig_driver "$1")" = "$2" ]
}

# ids= at load time: the module binds every listed device by itself.
bind_by_ids() {
	rig_unbind "$1"
	rmmod vfio_pci || return 1
	rig_modprobe vfio_pci ids=1234:11e8 || return 1
	bound_to "$1" vfio-pci || { echo "# $1 not bound after ids="; return 1; }
	vfio_selftest vfio_pci_basic_test "$1"
}

# on_vfio PROGRAM VENDOR:DEVICE: bind the device to vfio-pci, run the
# test PROGRAM on it (through the kselftest runner)
on_vfio() {
	bdf=$(rig_find "$2") || return 1
	bound_to "$bdf" vfio-pci || rig_bind "$bdf" vfio-pci || return 1
	vfio_selftest "$1" "$bdf"
}

# nointxmask=1: INTx masked at the interrupt controller on an exclusive
# line instead of through the function's INTx-disable bit. The module is
# reloaded with it for one run and then without it; devices whose
# driver_override names vfio-pci bind again as it loads. Every test runs
# on both drivers; on upstream those its driver fails here are expected
# failures (XFAIL, vfio_test.c): it loses the line in the stress test
# (its mask flag and the line's disable depth part ways when a mask races
# with the enable), which ours keeps in step.
NOINTXMASK_UPSTREAM_XFAIL="stress:the base tree's driver loses the INTx line \
with nointxmask (its mask flag and the line's disable depth part ways)"
irq_nointxmask() {
	local rc xfail=
	ours || xfail=$NOINTXMASK_UPSTREAM_XFAIL
	rmmod vfio_pci && rig_modprobe vfio_pci nointxmask=1 || return 1
	VFIO_TEST_XFAIL=$xfail on_vfio vfio_pci_irq_test "$1"
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

# A function without a pin has irq 0, on x86 the timer's line: a bound,
# never opened one that sleeps must leave that line alone too
power_unopened() {
	VFIO_TEST_ONLY=unopened_line on_vfio vfio_pci_power_test "$1"
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
# The base tree's driver resets a PF on every open and close, VFs or not;
# QEMU's nvme drops its VFs on that reset, which then read all ones: the
# kernel log's "device inaccessible" and 65 s FLR time-outs would fail
# the whole run, so that test is not run there.
SRIOV_UPSTREAM_SKIP="vfs_before_pf_open:the base tree's driver resets the PF \
under its VFs on open and close (QEMU's nvme VFs then read all ones)"
sriov_nvme() {
	local pf cdev_token=absent skip=
	pf=$(rig_find $NVME) || return 1
	bound_to "$pf" vfio-pci || rig_bind "$pf" vfio-pci || return 1
	ours && cdev_token=required
	ours || skip=$SRIOV_UPSTREAM_SKIP
	# no cdev bind to carry a token without iommufd (the distro's kernel)
	[ -n "$NO_IOMMUFD" ] && skip=cdev_token:$NO_IOMMUFD
	VFIO_TEST_SKIP=$skip VFIO_CDEV_TOKEN=$cdev_token \
		vfio_selftest vfio_pci_sriov_test "$pf" "$1"
}

# The module's parameters and match table, as an admin sees and uses
# them: params_test prints KTAP.
. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-params.sh"

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

# A PF whose VFs its previous driver enabled (nvme leaves them on when it
# lets go) is refused with EBUSY through the bind file, its VFs left as
# they are; nvme takes the PF back. Run while nvme_vf_create's VF exists.
pf_with_vfs_refused() {
	local pf dev err rc=0
	pf=$(rig_find $NVME) || return 1
	dev=/sys/bus/pci/devices/$pf
	echo "$pf" > "$dev/driver/unbind" || return 1
	if [ "$(cat "$dev/sriov_numvfs")" -eq 0 ]; then
		echo "nvme disabled its VFs as it let go: nothing to refuse"
		rc=1
	fi
	echo vfio-pci > "$dev/driver_override"
	# tee names the errno; a shell's echo may not
	if err=$(echo "$pf" | tee /sys/bus/pci/drivers/vfio-pci/bind 2>&1 >/dev/null)
	then
		echo "binding the PF with VFs to vfio-pci succeeded"
		rc=1
	else
		case $err in
		*"Device or resource busy"*)
			echo "binding the PF with VFs: refused with EBUSY" ;;
		*)
			echo "binding the PF with VFs failed with \"$err\", not EBUSY"
			rc=1 ;;
		esac
	fi
	if [ -n "$(rig_driver "$pf")" ]; then
		echo "the PF is bound to $(rig_driver "$pf")"
		rc=1
	fi
	if [ "$(cat "$dev/sriov_numvfs")" -eq 0 ]; then
		echo "the refused bind disabled the VFs"
		rc=1
	fi
	rig_bind "$pf" nvme || rc=1
	return $rc
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
# the VF's results: create, config, mmap, irq, reset, the PF with VFs
# refused, remove
VF_RESULTS=7
# mlx5_vfio_pci (ours alone) on the nvme PF's VFs, with the test parent
# standing in for mlx5_core: bad orders and the admin's flow, the uAPI
# tests the VF passes on vfio-pci, the teardowns, and the cleanup
MLX5_FLOWS="mlx5_bad_order mlx5_admin_flow mlx5_aux_rebind"
MLX5_UAPI="config mmap irq reset"
MLX5_TEARDOWNS="mlx5_parent_unload mlx5_vendor_unload"
MLX5_RESULTS=$(($(echo $MLX5_FLOWS $MLX5_UAPI $MLX5_TEARDOWNS | wc -w) + 1))
# the sample variant driver's: variant_edu, variant_select
VARIANT_RESULTS=2

[ "${GUEST_SUITE_LIB:-0}" = 1 ] && return 0

echo "KTAP version 1"
echo "1..$((20 + $(echo $CONFIG_DEVICES $MMAP_DEVICES $IRQ_DEVICES \
	$RESET_DEVICES $POWER_DEVICES | wc -w) + VF_RESULTS + MLX5_RESULTS + \
	VARIANT_RESULTS + DISTRO_RESULTS))"
if rig_load_vfio; then result ok load_modules; else result "not ok" load_modules; fi
[ "$RIG_FLAVOR" = distro ] && logtest distro_modules_ours distro_ours

if [ -n "$NO_KUNIT" ]; then
	result ok kunit_vfio_pci_core "SKIP $NO_KUNIT"
elif ours; then
	subtest kunit_vfio_pci_core kunit_suites \
		"vfio_pci_config_test mlx5_vfio_pci_test" \
		vfio_pci_config vfio_pci_caps vfio_pci_intx mlx5_vfio_pci_id
else
	result ok kunit_vfio_pci_core "SKIP the KUnit suites are ours alone"
fi

edu=$(rig_find 1234:11e8)
if rig_bind "$edu" vfio-pci; then
	result ok bind_edu_driver_override
else
	result "not ok" bind_edu_driver_override
fi
subtest edu_basic vfio_selftest vfio_pci_basic_test "$edu"
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
subtest power_testdev_unopened power_unopened 1b36:0005
subtest sriov_nvme sriov_nvme "$edu"

vf=$(nvme_vf_create 2> "$TMPDIR/nvme_vf.err")
sed 's/^#* */# /' "$TMPDIR/nvme_vf.err"
if [ -n "$vf" ]; then
	result ok nvme_vf_create
	subtest config_nvme_vf vfio_selftest vfio_pci_config_test "$vf"
	subtest mmap_nvme_vf vfio_selftest vfio_pci_mmap_test "$vf"
	subtest irq_nvme_vf vfio_selftest vfio_pci_irq_test "$vf"
	subtest reset_nvme_vf vfio_selftest vfio_pci_reset_test "$vf"
	logtest pf_with_vfs_refused pf_with_vfs_refused
else
	result "not ok" nvme_vf_create
	result ok config_nvme_vf "SKIP no nvme VF: creating it failed"
	result ok mmap_nvme_vf "SKIP no nvme VF: creating it failed"
	result ok irq_nvme_vf "SKIP no nvme VF: creating it failed"
	result ok reset_nvme_vf "SKIP no nvme VF: creating it failed"
	result ok pf_with_vfs_refused "SKIP no nvme VF: creating it failed"
fi
if nvme_vf_remove; then result ok nvme_vf_remove; else result "not ok" nvme_vf_remove; fi

# the crash reproducers and the corpus replayed, then a short fuzz, on
# each device (make fuzz runs the long one); the base tree's driver is
# the reference for behaviour, not what the fuzzer judges
. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-fuzz.sh"
if ! ours; then
	result ok fuzz "SKIP the fuzzer judges our driver"
elif [ "$RIG_FLAVOR" = debug ]; then
	# the critical path of make test: INTx and MSI (edu), MSI-X
	# (e1000e); a variant driver's region and migration (edu_variant)
	# are fuzzed on vm and distro
	FUZZ_DEVICES="edu:1234:11e8 e1000e:8086:10d3"
	subtest fuzz fuzz_test 10
elif [ "$RIG_FLAVOR" = distro ]; then
	# the foreground lane's budget: the fuzzer runs there our driver's
	# code that vm's run fuzzes on every device
	FUZZ_DEVICES="edu:1234:11e8 e1000e:8086:10d3 edu_variant:variant"
	subtest fuzz fuzz_test 10
else
	subtest fuzz fuzz_test 10
fi
# every allocation and user copy of each step failed in turn (the debug
# flavor: elsewhere each test skips, there being no fault injection)
. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-fail-nth.sh"
for name in edu e1000e nvme; do
	if [ -n "$NO_FAULT_INJECTION" ]; then
		result ok "fail_nth_$name" "SKIP $NO_FAULT_INJECTION"
	elif [ "$RIG_FLAVOR" = debug ] && [ $name = nvme ] && ours; then
		# its other paths are e1000e's (MSI-X, PCIe), and the debug
		# guest is the critical path: the PF's own sweeps only
		FAIL_NTH_ONLY=sriov_numvfs,vf_token,vf_open,mlx5_aux
		subtest "fail_nth_$name" fail_nth_test "$name"
		FAIL_NTH_ONLY=
	elif ours; then
		subtest "fail_nth_$name" fail_nth_test "$name"
	else
		result ok "fail_nth_$name" "SKIP the sweep judges our driver's error paths"
	fi
done

# tools nobody here wrote, on whichever vfio-pci the flavor has
. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-clients.sh"
# driverctl's binds are driver_override and bind, which every test above
# takes; on debug its e1000e round trips took two minutes
if [ "$RIG_FLAVOR" = debug ]; then
	result ok driverctl "SKIP too slow on the debug kernel"
else
	subtest driverctl client_driverctl
fi
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
elif [ "$RIG_FLAVOR" = upstream ] || [ "$RIG_FLAVOR" = distro ]; then
	# 4 minutes of make test's budget each: QEMU on our driver is vm's
	# run; the base tree's driver and Debian's kernel add no path of ours
	result ok qemu_nested "SKIP QEMU on our driver runs on the vm flavor"
else
	RIG_TEST_WATCH="$RIG_OUT/nested-console.log $RIG_OUT/nested.ktap"
	subtest qemu_nested client_qemu
	RIG_TEST_WATCH=
fi

# the sample variant driver on edu: its region, live migration between
# the two edu functions, and tools/vfio/vfio-pci-variant.sh choosing it
# (ours alone: the base tree has no such sample)
if ours; then
	. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-variant.sh"
	subtest variant_edu variant_edu
	if [ "$RIG_FLAVOR" = debug ]; then
		# a shell tool choosing a driver: over two minutes of process
		# starts on debug, and no kernel path variant_edu does not take
		result ok variant_select "SKIP too slow on the debug kernel"
	else
		subtest variant_select variant_select
	fi
else
	result ok variant_edu "SKIP the sample variant driver is ours alone"
	result ok variant_select "SKIP the sample variant driver is ours alone"
fi

if ours; then
	. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-mlx5.sh"
	for f in $MLX5_FLOWS; do
		subtest "$f" "$f"
	done
	vf=$(mlx5_vf "$(mlx5_pf)" 0)
	for t in $MLX5_UAPI; do
		subtest "mlx5_${t}_vf" vfio_selftest "vfio_pci_${t}_test" "$vf"
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
exit $suite_bad
