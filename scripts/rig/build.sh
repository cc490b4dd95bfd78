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

# Regenerate .config only when a fragment changed, so that a re-run after
# editing one driver file rebuilds that module and nothing else.
configure() {
	local sum
	sum=$(cat $frags | sha256sum | cut -d' ' -f1)
	if [ -f "$out/.config" ] && [ "$(cat "$out/.rig-config-sum" 2>/dev/null)" = "$sum" ]; then
		return 0
	fi
	rig_log "$flavor: configuring"
	mkdir -p "$out"
	make -s -C "$src" O="$out" tinyconfig >/dev/null
	(cd "$src" && KCONFIG_CONFIG="$out/.config" \
		scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" $frags >/dev/null)
	make -s -C "$src" O="$out" olddefconfig >/dev/null
	check_config
	echo "$sum" > "$out/.rig-config-sum"
}

# Every line of the fragments must have survived olddefconfig.
check_config() {
	local bad=0 line sym val
	while IFS= read -r line; do
		case $line in CONFIG_*=*) ;; *) continue ;; esac
		sym=${line%%=*}
		val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$sym=" "$out/.config" && { rig_log "$flavor: $sym is set, wanted n"; bad=1; }
		else
			grep -qx "$line" "$out/.config" || { rig_log "$flavor: $line did not stick"; bad=1; }
		fi
	done < <(cat $frags)
	[ $bad -eq 0 ] || rig_die "$flavor: configuration incomplete"
}

configure
rig_log "$flavor: building (make -j$RIG_JOBS)"
start=$(date +%s)
make -s -C "$src" O="$out" -j"$RIG_JOBS" bzImage modules
rm -rf "$out/mods"
make -s -C "$src" O="$out" INSTALL_MOD_PATH="$out/mods" modules_install >/dev/null
rig_log "$flavor: built in $(($(date +%s) - start)) s"
