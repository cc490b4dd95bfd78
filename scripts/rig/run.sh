#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make run: build the vm flavor, boot it with an edu device, bind edu to
# our vfio-pci the admin's way and drive it with the demo client over
# both the group/container and the cdev/iommufd paths; then create two VFs
# on the nvme PF bound to vfio-pci and show the VF token being required;
# last, the vendor driver mlx5_vfio_pci found through its auxiliary
# devices (the test-only parent standing in for mlx5_core on that PF).
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$RIG_TOP/scripts/rig/setup.sh"
"$RIG_TOP/scripts/rig/build.sh" vm
make -s -C "$RIG_TOP/tools/testing/selftests/vfio_pci"
rig_log "booting the vm flavor (QEMU TCG, q35 + intel-iommu, edu and an SR-IOV nvme behind root ports)"
exec "$RIG_TOP/scripts/rig/vm.sh" -f vm -d std -t 300 -o "$RIG_BUILD/vm/run" -- '
set -e
rig_load_vfio
echo "vfio_pci_core: $(modinfo -b "$RIG_MODS" -F description vfio_pci_core)"
echo "  from $(modinfo -b "$RIG_MODS" -n vfio_pci_core)"
bdf=$(rig_find 1234:11e8)
echo "edu (1234:11e8) at $bdf, iommu group $(rig_group $bdf)"
echo "# echo vfio-pci > /sys/bus/pci/devices/$bdf/driver_override"
echo "# echo $bdf > /sys/bus/pci/drivers_probe"
rig_bind $bdf vfio-pci
echo "bound: $bdf -> $(basename $(readlink /sys/bus/pci/devices/$bdf/driver))"
$RIG_BIN/vfio_pci_demo $bdf

echo
echo "== SR-IOV: VFs of a PF that VFIO userspace drives"
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
$RIG_BIN/vfio_pci_sriov_demo $pf $vf
echo "kernel log:"
dmesg | grep -E "vfio.*(VF|token)" | sed "s/^/  /"
echo "# echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs
echo
echo "== mlx5_vfio_pci: the vendor driver, found through mlx5_core.vfio_pci.<id>"
echo "(no mlx5 hardware here: mlx5_vfio_pci_testparent plays mlx5_core on the nvme PF)"
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
$RIG_BIN/vfio_pci_wait_event $vf req 30 /run/tmp/mlx5.ready | sed "s/^/  user: /" &
while [ ! -e /run/tmp/mlx5.ready ]; do sleep 0.1; done
echo "# echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs
wait
echo "auxiliary devices left: $(ls /sys/bus/auxiliary/devices | grep -c vfio_pci || true)"
echo "kernel log:"
dmesg | grep -E "mlx5_vfio_pci [0-9a-f:.]+: (mlx5_core|vfio: asking)" | sed "s/^/  /"
'
