#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfio-pci-variant [-d MODDIR] [--bind] BDF
#
# Print the VFIO PCI driver module best suited to the PCI function BDF: of
# the modules whose "vfio_pci:" aliases (PCI_DRIVER_OVERRIDE_DEVICE_VFIO()
# entries) match the function's modalias, the one whose alias is the
# most specific (fewest wildcards); vfio_pci's, which matches any
# function, when no other does. That is how a management tool (libvirt)
# picks a variant driver. With --bind, also load that module and bind the
# function to its driver through driver_override.
#
# -d MODDIR: the modules' root, as modprobe -d takes it (default /).
# Exits 1 when no module matches, the function is missing or the bind
# fails; 2 on a usage error.
set -u

moddir=/
bind=0
while [ $# -gt 0 ]; do
	case $1 in
	-d) moddir=${2:?}; shift 2 ;;
	--bind) bind=1; shift ;;
	-h|--help) sed -n '3,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*) echo "vfio-pci-variant: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: vfio-pci-variant [-d MODDIR] [--bind] BDF" >&2; exit 2; }
bdf=$1
dev=/sys/bus/pci/devices/$bdf
[ -r "$dev/modalias" ] || { echo "vfio-pci-variant: no PCI function $bdf" >&2; exit 1; }
alias_file=$moddir/lib/modules/$(uname -r)/modules.alias
[ -r "$alias_file" ] || { echo "vfio-pci-variant: no $alias_file" >&2; exit 1; }

# the wildcards of a pattern, fewer for a more specific one
wildcards() {
	printf '%s' "$1" | tr -cd '*?[' | wc -c
}

want="vfio_$(cat "$dev/modalias")"
best='' best_w=''
# only the vfio_pci: lines, picked by grep: a distribution's file has
# tens of thousands, which the shell's read takes a byte at a time
while read -r kw pattern module; do
	[ "$kw" = alias ] || continue
	case $pattern in vfio_pci:*) ;; *) continue ;; esac
	# shellcheck disable=SC2254 # the alias is a glob pattern
	case $want in $pattern) ;; *) continue ;; esac
	w=$(wildcards "$pattern")
	if [ -z "$best" ] || [ "$w" -lt "$best_w" ]; then
		best=$module best_w=$w
	fi
done <<EOF
$(grep '^alias vfio_pci:' "$alias_file")
EOF
[ -n "$best" ] || { echo "vfio-pci-variant: no VFIO driver matches $bdf" >&2; exit 1; }
echo "$best"
[ $bind -eq 1 ] || exit 0

modprobe -d "$moddir" "$best" || exit 1
# the module's PCI driver, as the module registered it
drv=
for d in /sys/module/"$best"/drivers/pci:*; do
	[ -e "$d" ] && drv=${d##*/pci:}
done
[ -n "$drv" ] || { echo "vfio-pci-variant: $best has no PCI driver" >&2; exit 1; }
[ -e "$dev/driver" ] && echo "$bdf" > "$dev/driver/unbind"
echo "$drv" > "$dev/driver_override"
echo "$bdf" > /sys/bus/pci/drivers_probe
[ "$(basename "$(readlink "$dev/driver" 2>/dev/null)" 2>/dev/null)" = "$drv" ] || {
	echo "vfio-pci-variant: $bdf did not bind to $drv" >&2
	exit 1
}
