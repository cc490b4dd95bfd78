#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make dkms-check: the series on Debian's own 6.12 kernel, as an admin
# with a real host installs it. Against the linux-headers package of
# DKMS_KERNEL (default: the newest 6.12 "+deb12-amd64" kernel the
# archive has; its linux-image package too, for its own modules):
#   - a plain out-of-tree build (make M=, W=1, the mlx5 test parent
#     asked for) prints no diagnostic, and says at load that the VFIO
#     core of that kernel takes no token on the cdev bind;
#   - dkms add, build and install put vfio-pci-core, vfio_pci and
#     mlx5_vfio_pci in updates/dkms, where depmod resolves the three
#     module names to ours rather than the kernel's own, every symbol
#     they need found in that kernel at the version it exports
#     (depmod -e against the headers' Module.symvers);
#   - dkms remove gives the kernel's own vfio-pci-core and vfio-pci back.
# Root: installs dkms and the packages. Exits non-zero at the first
# check that fails, saying which.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ "$(id -u)" -eq 0 ] || rig_die "dkms-check: run as root"
kver=$(rig_distro_kernel) || rig_die "dkms-check: no kernel to build for"
rig_distro_install "$kver" || rig_die "dkms-check: installing the packages of $kver failed"
kdir=/lib/modules/$kver/build
[ -d "$kdir" ] || rig_die "dkms-check: no $kdir"

fail() {
	echo "dkms-check: FAIL: $*"
	exit 1
}

# where modprobe would load module NAME from, for the kernel
where() {
	modinfo -k "$kver" -n "$1" 2> /dev/null || echo none
}

# ---- a plain out-of-tree build ----

out=$RIG_BUILD/dkms
src=$("$RIG_TOP/scripts/dkms-src.sh" "$out")
ver=${src##*/vfio-pci-core-}
oot=$out/oot
rm -rf "$oot"
cp -r "$src/src" "$oot"
log=$(make -C "$kdir" M="$oot" W=1 CONFIG_MLX5_VFIO_PCI_TEST_PARENT=m \
	modules 2>&1) || { echo "$log"; fail "make M= against $kver failed"; }
if echo "$log" | grep -E '(warning|error|WARNING|ERROR)'; then
	fail "the out-of-tree build against $kver has diagnostics"
fi
for m in vfio-pci-core vfio_pci mlx5_vfio_pci mlx5_vfio_pci_testparent; do
	[ -f "$oot/$m.ko" ] || fail "the out-of-tree build made no $m.ko"
	modinfo -F vermagic "$oot/$m.ko" | grep "^$kver " > /dev/null ||
		fail "$m.ko is not built for $kver"
done
# the kernel's uapi vfio.h: in the build folder, or (Debian) its -common
tokens=$(cat "$kdir/include/uapi/linux/vfio.h" \
	"/usr/src/linux-headers-${kver%-*}-common/include/uapi/linux/vfio.h" \
	2> /dev/null | grep -c VFIO_DEVICE_BIND_FLAG_TOKEN || true)
if [ "$tokens" -eq 0 ]; then
	strings "$oot/vfio-pci-core.ko" |
		grep 'takes no token on the cdev bind' > /dev/null ||
		fail "vfio-pci-core built without the cdev token does not say so"
fi
echo "dkms-check: make M= against $kver: 4 modules, no diagnostic (cdev token: $tokens)"

# ---- DKMS ----

dkms remove "vfio-pci-core/$ver" --all > /dev/null 2>&1 || true
rm -rf "/usr/src/vfio-pci-core-$ver"
dkms add "$src" > /dev/null || fail "dkms add"
dkms build "vfio-pci-core/$ver" -k "$kver" > "$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log"; fail "dkms build"; }
dkms install "vfio-pci-core/$ver" -k "$kver" > "$out/install.log" 2>&1 ||
	{ tail -n 30 "$out/install.log"; fail "dkms install"; }
for m in vfio_pci_core vfio_pci mlx5_vfio_pci; do
	case $(where $m) in
	*/updates/dkms/*) ;;
	*) fail "after dkms install, $m resolves to $(where $m)" ;;
	esac
done
deps=$(modprobe -S "$kver" --show-depends vfio_pci)
grep -q "updates/dkms/vfio-pci-core.ko" <<< "$deps" ||
	{ echo "$deps"; fail "vfio_pci would not load our vfio-pci-core"; }
unres=$(depmod -n -e -E "$kdir/Module.symvers" "$kver" 2>&1 >/dev/null |
	grep 'updates/dkms' || true)
[ -z "$unres" ] || { echo "$unres"; fail "symbols our modules need are missing in $kver"; }
echo "dkms-check: dkms install on $kver: vfio_pci_core, vfio_pci, mlx5_vfio_pci from updates/dkms, every symbol resolved"

dkms remove "vfio-pci-core/$ver" --all > "$out/remove.log" 2>&1 ||
	{ cat "$out/remove.log"; fail "dkms remove"; }
rm -rf "/usr/src/vfio-pci-core-$ver"
for m in vfio_pci_core vfio_pci; do
	case $(where $m) in
	*/kernel/drivers/vfio/pci/*) ;;
	*) fail "after dkms remove, $m resolves to $(where $m)" ;;
	esac
done
case $(where mlx5_vfio_pci) in
*/updates/dkms/*) fail "after dkms remove, mlx5_vfio_pci is still ours" ;;
esac
echo "dkms-check: dkms remove: the kernel's own vfio-pci-core and vfio-pci again"
