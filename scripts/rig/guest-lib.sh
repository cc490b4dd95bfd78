# SPDX-License-Identifier: GPL-2.0
# Helpers for commands run in the test guest (sourced by cmd.sh).
# the selftests as the kselftest runner lays them out (common.sh's
# rig_tools); the distro flavor's are its own build (scripts/rig/distro.sh)
RIG_KSFT=$RIG_TOP/build/kselftest
[ "$RIG_FLAVOR" = distro ] && RIG_KSFT=$RIG_TOP/build/kselftest-distro
RIG_BIN=$RIG_KSFT/vfio_pci

# vfio_selftest PROGRAM BDF [PEER]: the test PROGRAM on the device BDF
# ($VFIO_PCI_DEV; PEER its second device, $VFIO_PCI_PEER) through the
# kselftest runner, whose KTAP holds the program's, prefixed "# ". Fails
# when the runner says the program failed: a test failed, the program
# crashed or ran past the runner's time limit (its "settings" file).
# VFIO_TEST_ONLY=NAME[,NAME...] runs those tests alone, by the harness's
# "-t NAME" (KSELFTEST_<PROGRAM>_ARGS, for the runner): the others are
# neither run nor reported.
# On the debug flavor the program runs alone, its exit status the
# harness's (KSFT_SKIP when every test skipped): there each process the
# runner starts (some 40 a program) costs seconds, and one program that
# took 7.6 s alone took 182 s through the runner. The suite's watchdog
# bounds it.
vfio_selftest() {
	local log=$TMPDIR/ksft-$1.log args='' name rc ifs=$IFS

	IFS=,
	for name in ${VFIO_TEST_ONLY:-}; do
		args="$args -t $name"
	done
	IFS=$ifs
	if [ "$RIG_FLAVOR" = debug ]; then
		# shellcheck disable=SC2086 # one word per argument
		VFIO_PCI_DEV=$2 VFIO_PCI_PEER=${3:-} "$RIG_BIN/$1" $args
		rc=$?
		[ $rc -eq 0 ] || [ $rc -eq 4 ]
		return
	fi
	env "KSELFTEST_$(echo "$1" | tr a-z A-Z)_ARGS=$args" \
		VFIO_PCI_DEV="$2" VFIO_PCI_PEER="${3:-}" \
		"$RIG_KSFT/run_kselftest.sh" -t "vfio_pci:$1" 2>&1 | tee "$log"
	grep -q "^ok 1 selftests: vfio_pci: $1\( #.*\)\?$" "$log"
}

# rig_kconfig_off SYMBOL: succeeds, printing why, when the booted kernel's
# own configuration (/boot/config-RELEASE, a distribution kernel's) says
# SYMBOL is not set; fails when it sets it or there is no such file (the
# rig's flavors, configured from configs/)
rig_kconfig_off() {
	local cfg
	cfg=/boot/config-$(uname -r)
	[ -f "$cfg" ] || return 1
	grep -q "^CONFIG_$1=[ym]" "$cfg" && return 1
	echo "CONFIG_$1 is not set in $cfg"
}

rig_modprobe() {
	modprobe -d "$RIG_MODS" "$@"
}

# The VFIO stack of the booted flavor. Busybox-style loaders skip vfio's
# soft dependency, so the IOMMU backends are loaded by name.
# iommufd only where the kernel has it (not Debian's 6.12).
rig_load_vfio() {
	rig_modprobe vfio_iommu_type1 &&
	{ rig_kconfig_off IOMMUFD > /dev/null || rig_modprobe iommufd; } &&
	rig_modprobe vfio_pci
}

# rig_find VENDOR:DEVICE [N]: address of the Nth (default first) function
# with these ids, e.g. rig_find 1234:11e8. Shell builtins only: a program
# started per function took seconds on a loaded TCG guest.
rig_find() {
	local want=$1 n=${2:-1} d v dv
	for d in /sys/bus/pci/devices/*; do
		read -r v 2> /dev/null < "$d/vendor" || continue
		read -r dv 2> /dev/null < "$d/device" || continue
		if [ "${v#0x}:${dv#0x}" = "$want" ]; then
			n=$((n - 1))
			[ $n -eq 0 ] && { echo "${d##*/}"; return 0; }
		fi
	done
	echo "rig_find: no device $want" >&2
	return 1
}

# rig_bind BDF DRIVER: the admin's way, driver_override + drivers_probe.
rig_bind() {
	local dev=/sys/bus/pci/devices/$1
	[ -e "$dev/driver" ] && echo "$1" > "$dev/driver/unbind"
	echo "$2" > "$dev/driver_override"
	echo "$1" > /sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$dev/driver")")" = "$2" ] || {
		echo "rig_bind: $1 did not bind to $2" >&2
		return 1
	}
}

# rig_unbind BDF: release a device and clear its override.
rig_unbind() {
	local dev=/sys/bus/pci/devices/$1
	[ -e "$dev/driver" ] && echo "$1" > "$dev/driver/unbind"
	echo > "$dev/driver_override"
}

# rig_driver BDF: the name of the function's driver, or nothing
rig_driver() {
	[ -e "/sys/bus/pci/devices/$1/driver" ] &&
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
}

rig_group() {
	basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")"
}

# KTAP for a shell test function, through the kselftest framework's
# ktap_helpers.sh (the base tree's): ktap_plan N starts a document of N
# results; ktap_res STATUS NAME REASON adds one, STATUS being a command's
# $?, REASON (a command's output, folded onto one line) printed before a
# failure; $ktap_bad is 1 once a result failed.
. "$RIG_TOP/build/src/linux-source-6.12/tools/testing/selftests/kselftest/ktap_helpers.sh"
ktap_plan() {
	KTAP_TESTNO=1 KTAP_CNT_PASS=0 KTAP_CNT_FAIL=0 KTAP_CNT_SKIP=0
	ktap_bad=0
	ktap_print_header
	ktap_set_plan "$1"
}

ktap_res() {
	if [ "$1" -eq 0 ]; then
		ktap_test_pass "$2"
		return 0
	fi
	echo "# $2: $(printf '%s' "$3" | tr '\n' ' ')"
	ktap_test_fail "$2"
	ktap_bad=1
}

# ktap_skip NAME REASON...: a skipped result, with the reason (its words
# joined) that ktap_helpers.sh's ktap_test_skip has no room for
ktap_skip() {
	local name=$1
	shift
	echo "ok $KTAP_TESTNO $name # SKIP $*"
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
}

# Stock tools (driverctl, dpdk-devbind.py) run a plain modprobe: the
# booted flavor's modules are laid where it looks, on a tmpfs over the
# host's /lib/modules, which the guest has no use for. The host has the
# distro kernel's own tree (without ours): that flavor's goes over it.
rig_expose_modules() {
	local v
	v=$(uname -r)
	[ -d "/lib/modules/$v/kernel" ] && [ "$RIG_FLAVOR" != distro ] && return 0
	mount -t tmpfs modules /lib/modules &&
		mkdir "/lib/modules/$v" &&
		mount --bind "$RIG_MODS/lib/modules/$v" "/lib/modules/$v"
}
