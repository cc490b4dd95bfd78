#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build.sh FLAVOR: configure and build one kernel flavor, install its modules.
#   vm       tinyconfig + configs/vm.config + configs/ours.config, our tree
#   debug    the same + configs/debug.config (KASAN, UBSAN, lockdep, ...)
#   upstream tinyconfig + configs/vm.config on the pristine base tree:
#            its modules only, booted on vm's kernel image (below)
# Output: build/out/FLAVOR/{arch/x86/boot/bzImage,mods/lib/modules/...}
# vm and debug also build samples/vfio-pci (the sample variant driver) as
# an external module against the public header, installed beside the rest.
#
# Why upstream has no kernel image of its own: every VFIO part is a
# module, and the only files our tree changes that a built-in object
# could include are VFIO's (no built-in object includes them: checked in
# the .cmd files). So vm's bzImage, built from the same configuration's
# built-in half, is the kernel the base tree's modules would have had;
# building it twice cost CI about seven minutes. The built-in halves of
# the two configurations are compared, and any difference fails, but for
# the symbols of the two drivers/vfio/pci folders (options of modules)
# and the auxiliary bus, which mlx5_vfio_pci selects in vm (a hidden
# symbol: a fragment cannot set it); it adds drivers/base/auxiliary*.o
# and changes no header a module includes.
set -euo pipefail
. "$(dirname "$0")/common.sh"

flavor=${1:?usage: build.sh vm|debug|upstream}
src=$(rig_src "$flavor")
out=$(rig_out "$flavor")
cfgdir=$RIG_TOP/configs

case $flavor in
vm) frags="$cfgdir/vm.config $cfgdir/ours.config" ;;
debug) frags="$cfgdir/vm.config $cfgdir/ours.config $cfgdir/debug.config" ;;
upstream) frags="$cfgdir/vm.config" ;;
esac

# builtin_config OUT: the built-in half of a configuration, less the
# symbols that may differ (above)
builtin_config() {
	local sym skip='AUXILIARY_BUS'
	for sym in $(sed -n 's/^config \([A-Z0-9_]*\)/\1/p' \
		"$RIG_PRISTINE/drivers/vfio/pci/Kconfig" "$RIG_TREE/drivers/vfio/pci/Kconfig"); do
		skip="$skip|$sym"
	done
	grep '=y$' "$1/.config" | grep -vE "^CONFIG_($skip)=y$" | sort
}

# upstream_kernel: vm's kernel image in upstream's output, with what the
# module build reads of it: vmlinux.o (modpost checks each module's
# symbols against its exports), System.map (depmod) and the lists of
# built-in modules (modules_install), once the two configurations'
# built-in halves match
upstream_kernel() {
	local vm
	vm=$(rig_out vm)
	if [ ! -f "$vm/arch/x86/boot/bzImage" ]; then
		rig_log "upstream boots vm's kernel: building vm first"
		"$0" vm
	fi
	if ! diff <(builtin_config "$vm") <(builtin_config "$out") >&2; then
		rig_die "upstream: built-in configuration differs from vm's (above)"
	fi
	mkdir -p "$out/arch/x86/boot"
	cp "$vm/arch/x86/boot/bzImage" "$out/arch/x86/boot/bzImage"
	cp "$vm/System.map" "$vm/vmlinux.o" "$vm/modules.builtin" \
		"$vm/modules.builtin.modinfo" "$out/"
}

rig_configure "$src" "$out" $frags || rig_die "$flavor: configuration incomplete"
rig_log "$flavor: building (make -j$RIG_JOBS)"
start=$(date +%s)
if [ "$flavor" = upstream ]; then
	upstream_kernel
	make -s -C "$src" O="$out" -j"$RIG_JOBS" modules
else
	make -s -C "$src" O="$out" -j"$RIG_JOBS" bzImage modules
fi
rm -rf "$out/mods"
make -s -C "$src" O="$out" INSTALL_MOD_PATH="$out/mods" modules_install >/dev/null
if [ "$flavor" != upstream ]; then
	# outside the source folder: an external build writes beside its sources
	samples=$out/samples/vfio-pci
	mkdir -p "$samples"
	rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.mod*' \
		"$RIG_TOP/samples/vfio-pci/" "$samples/"
	make -s -C "$src" O="$out" M="$samples" CONFIG_SAMPLE_VFIO_PCI_EDU=m \
		-j"$RIG_JOBS" modules
	make -s -C "$src" O="$out" M="$samples" INSTALL_MOD_PATH="$out/mods" \
		modules_install >/dev/null
fi
rig_log "$flavor: built in $(($(date +%s) - start)) s"
