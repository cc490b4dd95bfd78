# SPDX-License-Identifier: GPL-2.0
# Tools nobody on this project wrote, driving vfio-pci in the test guest
# as administrators run them: driverctl (Debian's package). Sourced by
# guest-suite.sh, after guest-lib.sh; POSIX sh (the guest's is dash). Each
# client_* function prints one KTAP document (ktap_plan, ktap_res of
# guest-lib.sh) and returns non-zero when a result in it failed.

client_driver() { # client_driver BDF: its driver's name, or nothing
	[ -e "/sys/bus/pci/devices/$1/driver" ] &&
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
}

# driverctl keeps overrides in /etc/driverctl.d, read-only in the guest
client_driverctl_setup() {
	command -v driverctl > /dev/null || return 1
	[ -d /etc/driverctl.d ] || return 1
	mountpoint -q /etc/driverctl.d || mount -t tmpfs driverctl /etc/driverctl.d
}

# driverctl on e1000e: from its kernel driver to vfio-pci and back, an
# override to a driver that does not exist refused with the device left
# alone, and the device used through vfio-pci meanwhile.
client_driverctl() {
	local bdf out set_rc
	ktap_plan 7
	client_driverctl_setup || { echo "# driverctl is not installed"; return 1; }
	bdf=$(rig_find 8086:10d3) || return 1
	rig_modprobe e1000e
	rig_unbind "$bdf"
	echo "$bdf" > /sys/bus/pci/drivers_probe
	[ "$(client_driver "$bdf")" = e1000e ]
	ktap_res $? start_on_e1000e "bound to '$(client_driver "$bdf")'"

	out=$(driverctl set-override "$bdf" vfio-pci 2>&1)
	[ "$(client_driver "$bdf")" = vfio-pci ] &&
		[ "$(cat "/etc/driverctl.d/pci-$bdf")" = vfio-pci ]
	ktap_res $? set_override "bound to '$(client_driver "$bdf")': $out"
	driverctl list-overrides | grep -q "^$bdf vfio-pci"
	ktap_res $? list_overrides "$(driverctl list-overrides 2>&1)"
	"$RIG_BIN/vfio_pci_config_test" "$bdf" > "$TMPDIR/client-driverctl.tmp" 2>&1
	ktap_res $? used_through_vfio "$(grep '^not ok' "$TMPDIR/client-driverctl.tmp")"

	out=$(driverctl unset-override "$bdf" 2>&1)
	[ "$(client_driver "$bdf")" = e1000e ] &&
		[ "$(cat "/sys/bus/pci/devices/$bdf/driver_override")" = "(null)" ] &&
		[ ! -e "/etc/driverctl.d/pci-$bdf" ]
	ktap_res $? unset_override_gives_back "bound to '$(client_driver "$bdf")': $out"

	! driverctl set-override "$bdf" no_such_driver > "$TMPDIR/client-driverctl.tmp" 2>&1 &&
		[ "$(client_driver "$bdf")" = e1000e ]
	ktap_res $? unknown_driver_refused "bound to '$(client_driver "$bdf")': $(cat "$TMPDIR/client-driverctl.tmp")"

	# from no driver at all: set, then unset leaves it with none (driverctl
	# itself then says it failed to bind a driver, and exits 1)
	rig_unbind "$bdf"
	rmmod e1000e
	driverctl set-override "$bdf" vfio-pci > /dev/null 2>&1 &&
		[ "$(client_driver "$bdf")" = vfio-pci ]
	set_rc=$?
	out=$(driverctl unset-override "$bdf" 2>&1)
	echo "# unset-override with no other driver: ${out:-no message}"
	[ $set_rc -eq 0 ] && [ -z "$(client_driver "$bdf")" ] &&
		[ "$(cat "/sys/bus/pci/devices/$bdf/driver_override")" = "(null)" ]
	ktap_res $? from_and_back_to_none "bound to '$(client_driver "$bdf")'"
	rig_bind "$bdf" vfio-pci
	return $ktap_bad
}
