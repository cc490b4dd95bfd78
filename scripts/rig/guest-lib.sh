# SPDX-License-Identifier: GPL-2.0
# Helpers for commands run in the test guest (sourced by cmd.sh).
RIG_BIN=$RIG_TOP/build/bin
# the distro flavor's programs are its own build (scripts/rig/distro.sh)
[ "$RIG_FLAVOR" = distro ] && RIG_BIN=$RIG_TOP/build/bin-distro

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

# KTAP for a shell test function: ktap_plan N starts a document of N
# results; ktap_res STATUS NAME REASON adds one, STATUS being a command's
# $?; $ktap_bad is 1 once a result failed. A reason holding a command's
# output is folded onto the result's line.
ktap_plan() {
	ktap_i=0
	ktap_bad=0
	echo "KTAP version 1"
	echo "1..$1"
}

ktap_res() {
	ktap_i=$((ktap_i + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $ktap_i $2"
	else
		echo "not ok $ktap_i $2 # $(printf '%s' "$3" | tr '\n' ' ')"
		ktap_bad=1
	fi
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
