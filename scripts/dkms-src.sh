#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# dkms-src.sh [OUT_DIR]: the DKMS source tree of the series, from this
# checkout, in OUT_DIR/vfio-pci-core-VERSION (default OUT_DIR: build/dkms);
# prints that folder. VERSION is the last commit's date and hash.
#
#   dkms.conf            dkms/dkms.conf, its version filled in
#   src/                 drivers/vfio/pci (sources, Makefile),
#                        dkms/Kbuild, the out-of-tree entry, and
#                        dkms_version.c, vfio-pci-core's MODULE_VERSION
#   src/include/linux/   vfio_pci_core.h and mlx5/vfio_pci.h
#
# Then, as root: dkms add DIR; dkms install vfio-pci-core/VERSION
# [-k KERNEL]; dkms remove vfio-pci-core/VERSION --all to undo.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/dkms}
ver=$(git -C "$top" log -1 --date=format:%Y%m%d --format=%cd.%h)
dir=$out/vfio-pci-core-$ver

rm -rf "$dir"
mkdir -p "$dir/src/include/linux/mlx5"
sed "s/@VERSION@/$ver/" "$top/dkms/dkms.conf" > "$dir/dkms.conf"
cp "$top"/drivers/vfio/pci/*.[ch] "$top/drivers/vfio/pci/Makefile" \
	"$top/dkms/Kbuild" "$dir/src/"
cat > "$dir/src/dkms_version.c" <<EOF
// SPDX-License-Identifier: GPL-2.0-only
#include <linux/module.h>
MODULE_VERSION("$ver");
EOF
cp "$top/include/linux/vfio_pci_core.h" "$dir/src/include/linux/"
cp "$top/include/linux/mlx5/vfio_pci.h" "$dir/src/include/linux/mlx5/"
echo "$dir"
