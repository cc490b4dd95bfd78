#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what the rig needs, extract the base tree, overlay our files.
# Safe to re-run: each step is skipped when already done, and the overlay
# only rewrites files whose content changed, so make rebuilds just those.
set -euo pipefail
. "$(dirname "$0")/common.sh"

PKGS="linux-source-6.12 qemu-system-x86 busybox-static sparse bc flex bison
libelf-dev libssl-dev cpio kmod dwarves rsync python3 gcc make perl patch
driverctl dpdk dpdk-dev pciutils python3-ply python3-git"

install_packages() {
	local missing=()
	for p in $PKGS; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || rig_die "missing packages (${missing[*]}); run as root or install them"
	rig_log "installing: ${missing[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

extract_base() {
	[ -f "$RIG_PRISTINE/.rig-extracted" ] && return 0
	rig_log "extracting $RIG_TARBALL"
	rm -rf "$RIG_BUILD/src"
	mkdir -p "$RIG_BUILD/src"
	tar -xJf "$RIG_TARBALL" -C "$RIG_BUILD/src"
	touch "$RIG_PRISTINE/.rig-extracted"
}

# Our tree: hard links to the pristine tree (cheap), with our files laid
# over it. rsync replaces files by rename, so the pristine inodes are never
# written through the links.
overlay() {
	if [ ! -f "$RIG_TREE/.rig-linked" ]; then
		rig_log "linking our tree"
		rm -rf "$RIG_TREE"
		cp -al "$RIG_PRISTINE" "$RIG_TREE"
		rm -f "$RIG_TREE/.rig-extracted"
		touch "$RIG_TREE/.rig-linked"
	fi
	local d prot=()
	for d in $RIG_BASE_VARIANTS; do
		prot+=(--filter="P /$d/")
	done
	rsync -r --checksum --delete "${prot[@]}" "$RIG_TOP/drivers/vfio/pci/" \
		"$RIG_TREE/drivers/vfio/pci/"
	# a tree overlaid before they were kept gets them back
	for d in $RIG_BASE_VARIANTS; do
		[ -d "$RIG_TREE/drivers/vfio/pci/$d" ] ||
			cp -al "$RIG_PRISTINE/drivers/vfio/pci/$d" \
				"$RIG_TREE/drivers/vfio/pci/$d"
	done
	rsync --checksum "$RIG_TOP/include/linux/vfio_pci_core.h" \
		"$RIG_TREE/include/linux/"
	rsync --checksum "$RIG_TOP/Documentation/driver-api/vfio-pci-core.rst" \
		"$RIG_TREE/Documentation/driver-api/"
	if [ -d "$RIG_TOP/include/linux/mlx5" ]; then
		rsync -r --checksum "$RIG_TOP/include/linux/mlx5/" \
			"$RIG_TREE/include/linux/mlx5/"
	fi
}

# Patches of the series to files outside our folders (patches/*.patch),
# applied to our tree in name order. Each file they touch is first made a
# fresh copy of the pristine one, so the pristine tree is never written
# and a changed patch set applies from clean files. Re-applied only when
# the set changes (its checksum is kept in the tree).
patch_tree() {
	local sum f p stamp=$RIG_TREE/.rig-patches
	local -a files
	sum=$(cat "$RIG_TOP"/patches/*.patch 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$(cat "$stamp" 2>/dev/null)" = "$sum" ] && return 0
	rm -f "$stamp"
	# files patched before, or now: back to pristine copies
	mapfile -t files < <({ cat "$RIG_TREE/.rig-patched" 2>/dev/null || true
		sed -n 's#^+++ b/\([^	]*\).*#\1#p' "$RIG_TOP"/patches/*.patch 2>/dev/null; } |
		sort -u)
	for f in "${files[@]}"; do
		[ -n "$f" ] || continue
		cp --remove-destination "$RIG_PRISTINE/$f" "$RIG_TREE/$f" ||
			rig_die "cannot restore $f"
	done
	printf '%s\n' "${files[@]}" | sed '/^$/d' > "$RIG_TREE/.rig-patched"
	for p in "$RIG_TOP"/patches/*.patch; do
		[ -e "$p" ] || continue
		rig_log "applying $(basename "$p")"
		patch -s -p1 -d "$RIG_TREE" < "$p" || rig_die "$(basename "$p") does not apply"
	done
	echo "$sum" > "$stamp"
}

headers() {
	[ -f "$RIG_HDR/include/linux/vfio.h" ] && return 0
	rig_log "installing uAPI headers"
	make -s -C "$RIG_PRISTINE" O="$RIG_BUILD/out/headers" \
		INSTALL_HDR_PATH="$RIG_HDR" headers_install
}

# The guest runs the host's programs on the host's root, read-only; stock
# tools there (driverctl, dpdk-devbind.py) run a plain modprobe, so the
# guest lays the booted flavor's modules over /lib/modules, which must
# exist to be mounted on (a container may have none).
modules_mountpoint() {
	[ -d /lib/modules ] && return 0
	[ "$(id -u)" -eq 0 ] || rig_die "no /lib/modules; run as root once to create it"
	mkdir -p /lib/modules
}

install_packages
modules_mountpoint
extract_base
overlay
patch_tree
headers
v=$(make -s -C "$RIG_PRISTINE" kernelversion)
pkg=$(dpkg-query -W -f '${Version}' linux-source-6.12)
rig_log "base: Linux $v (Debian linux-source-6.12 $pkg)"
