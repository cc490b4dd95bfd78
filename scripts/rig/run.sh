#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make run: build the vm flavor, boot it with an edu device, bind edu to
# our vfio-pci the admin's way and drive it with the demo client over
# both the group/container and the cdev/iommufd paths; then create two VFs
# on the nvme PF bound to vfio-pci and show the VF token being required;
# last, the vendor driver mlx5_vfio_pci found through its auxiliary
# devices (the test-only parent standing in for mlx5_core on that PF).
#
# Exits 0 only when every step in the guest succeeded and the kernel log
# has neither a report nor a device error (vm.sh, scan-log.sh); the last
# line says which.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$RIG_TOP/scripts/rig/setup.sh"
"$RIG_TOP/scripts/rig/build.sh" vm
rig_tools
rig_log "booting the vm flavor (QEMU TCG, q35 + intel-iommu, edu and an SR-IOV nvme behind root ports)"
set +e
"$RIG_TOP/scripts/rig/vm.sh" -f vm -d std -t 600 -i 120 -o "$RIG_BUILD/vm/run" -- '
set -e
# the step running now, named when one fails
at="loading the modules"
trap '"'"'rc=$?; [ $rc -eq 0 ] || echo "FAILED (exit $rc) at: $at"'"'"' EXIT
rig_load_vfio
echo "vfio_pci_core: $(modinfo -b "$RIG_MODS" -F description vfio_pci_core)"
echo "  from $(modinfo -b "$RIG_MODS" -n vfio_pci_core)"
bdf=$(rig_find 1234:11e8)
echo "edu (1234:11e8) at $bdf, iommu group $(rig_group $bdf)"
echo "# echo vfio-pci > /sys/bus/pci/devices/$bdf/driver_override"
echo "# echo $bdf > /sys/bus/pci/drivers_probe"
at="binding edu"
rig_bind $bdf vfio-pci
echo "bound: $bdf -> $(basename $(readlink /sys/bus/pci/devices/$bdf/driver))"
at="vfio_pci_demo on edu"
$RIG_BIN/vfio_pci_demo $bdf

echo
echo "== SR-IOV: VFs of a PF that VFIO userspace drives"
at="SR-IOV on the nvme PF"
pf=$(rig_find 1b36:0010)
rig_bind $pf vfio-pci
echo "nvme PF (1b36:0010) at $pf, bound to vfio-pci"
echo "# echo 1 > /sys/module/vfio_pci/parameters/enable_sriov"
echo 1 > /sys/module/vfio_pci/parameters/enable_sriov
echo "# echo 2 > /sys/bus/pci/devices/$pf/sriov_numvfs"
echo 2 > /sys/bus/pci/devices/$pf/sriov_numvfs
for l in /sys/bus/pci/devices/$pf/virtfn*; do
	v=$(basename "$(readlink "$l")")
	echo "VF $v: driver_override $(cat /sys/bus/pci/devices/$v/driver_override)," \
		"bound to $(basename "$(readlink /sys/bus/pci/devices/$v/driver)")"
done
vf=$(basename "$(readlink /sys/bus/pci/devices/$pf/virtfn0)")
at="vfio_pci_sriov_demo"
$RIG_BIN/vfio_pci_sriov_demo $pf $vf
echo "kernel log:"
dmesg | grep -E "vfio.*(VF|token)" | sed "s/^/  /"
echo "# echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs
echo
echo "== mlx5_vfio_pci: the vendor driver, found through mlx5_core.vfio_pci.<id>"
echo "(no mlx5 hardware here: mlx5_vfio_pci_testparent plays mlx5_core on the nvme PF)"
at="the mlx5 flow"
rig_unbind $pf
modprobe -d "$RIG_MODS" mlx5_vfio_pci_testparent
modprobe -d "$RIG_MODS" mlx5_vfio_pci
echo "# modinfo -F alias mlx5_vfio_pci"
modinfo -b "$RIG_MODS" -F alias mlx5_vfio_pci | sed -n "1p;\$p" | sed "s/^/  /"
rig_bind $pf mlx5_vfio_pci_testparent
echo "# echo 0 > /sys/bus/pci/devices/$pf/sriov_drivers_autoprobe"
echo 0 > /sys/bus/pci/devices/$pf/sriov_drivers_autoprobe
echo "# echo 2 > /sys/bus/pci/devices/$pf/sriov_numvfs"
echo 2 > /sys/bus/pci/devices/$pf/sriov_numvfs
echo "# ls /sys/bus/auxiliary/devices"
for a in /sys/bus/auxiliary/devices/mlx5_core.vfio_pci.*; do
	id=${a##*.}
	printf "  %s: VF %s:%02x:%02x.%x, driver %s\n" "$(basename "$a")" \
		"${pf%%:*}" $((id >> 8)) $(((id >> 3) & 31)) $((id & 7)) \
		"$(basename "$(readlink "$a/driver")")"
done
vf=$(basename "$(readlink /sys/bus/pci/devices/$pf/virtfn0)")
echo "# echo mlx5_vfio_pci > /sys/bus/pci/devices/$vf/driver_override"
echo "# echo $vf > /sys/bus/pci/drivers_probe"
rig_bind $vf mlx5_vfio_pci
echo "bound: $vf -> $(basename $(readlink /sys/bus/pci/devices/$vf/driver))," \
	"/dev/vfio/$(rig_group $vf), $(ls /sys/bus/pci/devices/$vf/vfio-dev)"
echo "a user opens $vf; the parent disables SR-IOV meanwhile:"
$RIG_BIN/vfio_pci_wait_event $vf req 60 /run/tmp/mlx5.ready > /run/tmp/mlx5.user 2>&1 &
user=$!
at="the mlx5 user getting ready"
i=0
while [ ! -e /run/tmp/mlx5.ready ]; do
	if ! kill -0 $user 2>/dev/null || [ $i -ge 600 ]; then exit 1; fi
	sleep 0.1
	i=$((i + 1))
done
echo "# echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
at="disabling SR-IOV under the mlx5 user"
echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs
at="the mlx5 user (REQ, then close)"
urc=0
wait $user || urc=$?
sed "s/^/  user: /" /run/tmp/mlx5.user
[ $urc -eq 0 ]
at="the auxiliary devices going"
[ "$(ls /sys/bus/auxiliary/devices | grep -c vfio_pci)" -eq 0 ]
echo "auxiliary devices left: $(ls /sys/bus/auxiliary/devices | grep -c vfio_pci || true)"
echo "kernel log:"
dmesg | grep -E "mlx5_vfio_pci [0-9a-f:.]+: (mlx5_core|vfio: asking)" | sed "s/^/  /"
'
rc=$?
case $rc in
0) rig_log "make run: PASS (every step passed, kernel log clean)" ;;
124) rig_log "make run: FAIL (the guest made no progress; see above)" ;;
125) rig_log "make run: FAIL (the kernel log has the reports or device errors above)" ;;
*) rig_log "make run: FAIL (a step in the guest failed, exit $rc; see above)" ;;
esac
exit $rc
