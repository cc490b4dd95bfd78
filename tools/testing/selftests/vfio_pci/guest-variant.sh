# SPDX-License-Identifier: GPL-2.0
# The sample variant driver, samples/vfio-pci/edu_vfio_pci, on the two edu
# functions of the std device set: both bound to it through
# driver_override, vfio_pci_edu_variant_test run on the first with the
# second as the migration's destination, then both given back to the
# drivers they had and the module unloaded. Sourced by guest-suite.sh,
# after scripts/rig/guest-lib.sh; POSIX sh. variant_edu prints the test's
# KTAP document and returns non-zero when it failed or could not run.

VARIANT_DRV=edu_vfio_pci

variant_edu() {
	local a b d olda oldb rc=0
	if ! a=$(rig_find 1234:11e8 1) || ! b=$(rig_find 1234:11e8 2); then
		echo "# variant: two edu functions needed"
		return 1
	fi
	olda=$(rig_driver "$a")
	oldb=$(rig_driver "$b")
	rig_modprobe $VARIANT_DRV || return 1
	if rig_bind "$a" $VARIANT_DRV && rig_bind "$b" $VARIANT_DRV; then
		vfio_selftest vfio_pci_edu_variant_test "$a" "$b" || rc=1
	else
		rc=1
	fi
	for d in "$a=$olda" "$b=$oldb"; do
		rig_unbind "${d%%=*}" 2> /dev/null
		[ -z "${d#*=}" ] || rig_bind "${d%%=*}" "${d#*=}" || rc=1
	done
	rmmod $VARIANT_DRV || rc=1
	return $rc
}

# variant_idle BDF: the function's runtime PM status once idle:
# suspended if it gets there within 10 s, else what it is then
variant_idle() {
	local i=0 st
	while [ $i -lt 50 ]; do
		read -r st < "/sys/bus/pci/devices/$1/power/runtime_status"
		[ "$st" = suspended ] && break
		sleep 0.2
		i=$((i + 1))
	done
	echo "$st"
}

# variant_select: tools/vfio/vfio-pci-variant.sh picks the sample for edu and
# vfio_pci for e1000e, and binds edu with --bind; loading the sample alone
# binds nothing (its alias is override-only), not even through
# drivers_probe. The sample's setting for edu's id keeps it awake while
# idle (runtime PM), where vfio-pci lets it suspend. One KTAP document.
variant_select() {
	local tool=$RIG_TOP/tools/vfio/vfio-pci-variant.sh edu nic old got ctl
	ktap_plan 5
	edu=$(rig_find 1234:11e8) && nic=$(rig_find 8086:10d3) || return 1
	got=$("$tool" -d "$RIG_MODS" "$edu")
	[ "$got" = $VARIANT_DRV ]
	ktap_res $? select_edu "picked '$got' for edu"
	got=$("$tool" -d "$RIG_MODS" "$nic")
	[ "$got" = vfio_pci ]
	ktap_res $? select_e1000e "picked '$got' for e1000e"
	old=$(rig_driver "$edu")
	rig_unbind "$edu"
	rig_modprobe $VARIANT_DRV
	echo "$edu" > /sys/bus/pci/drivers_probe
	got=$(rig_driver "$edu")
	[ "$got" != $VARIANT_DRV ]
	ktap_res $? override_only "edu bound to '$got' without an override"
	rig_unbind "$edu"
	got=$("$tool" -d "$RIG_MODS" --bind "$edu") &&
		[ "$(rig_driver "$edu")" = $VARIANT_DRV ]
	ktap_res $? select_bind "--bind: '$got', edu on '$(rig_driver "$edu")'"
	got=$(variant_idle "$edu")
	rig_bind "$edu" vfio-pci > /dev/null
	ctl=$(variant_idle "$edu")
	[ "$got" = active ] && [ "$ctl" = suspended ]
	ktap_res $? settings_per_id "idle on $VARIANT_DRV: $got, on vfio-pci: $ctl"
	rig_unbind "$edu"
	[ -z "$old" ] || rig_bind "$edu" "$old" > /dev/null
	rmmod $VARIANT_DRV
	return $ktap_bad
}
