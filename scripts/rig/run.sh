#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make run: build the vm flavor, boot it with an edu device, bind edu to
# our vfio-pci the admin's way and drive it with the demo client over
# both the group/container and the cdev/iommufd paths.
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$RIG_TOP/scripts/rig/setup.sh"
"$RIG_TOP/scripts/rig/build.sh" vm
make -s -C "$RIG_TOP/tools/testing/selftests/vfio_pci"
rig_log "booting the vm flavor (QEMU TCG, q35 + intel-iommu, edu behind a root port)"
exec "$RIG_TOP/scripts/rig/vm.sh" -f vm -d edu -t 300 -o "$RIG_BUILD/vm/run" -- '
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
'
