#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build.sh FLAVOR: configure and build one kernel flavor, install its modules.
#   vm       tinyconfig + configs/vm.config + configs/ours.config, our tree
#   debug    the same + configs/debug.config (KASAN, UBSAN, lockdep, ...)
#   upstream tinyconfig + configs/vm.config on the pristine base tree
# Output: build/out/FLAVOR/{arch/x86/boot/bzImage,mods/lib/modules/...}
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

rig_configure "$src" "$out" $frags || rig_die "$flavor: configuration incomplete"
rig_log "$flavor: building (make -j$RIG_JOBS)"
start=$(date +%s)
make -s -C "$src" O="$out" -j"$RIG_JOBS" bzImage modules
rm -rf "$out/mods"
make -s -C "$src" O="$out" INSTALL_MOD_PATH="$out/mods" modules_install >/dev/null
rig_log "$flavor: built in $(($(date +%s) - start)) s"
