#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the nested guest (guest-nested.sh): the outer guest's QEMU gave
# it edu and an nvme VF with -device vfio-pci. Everything it does to them
# QEMU serves through vfio-pci in the outer guest. KTAP goes to the second
# serial port (the first carries the kernel log), then it powers off.
# The root is read-only 9p: busybox's applets are linked on a tmpfs.
/bin/busybox mount -t tmpfs tmp /tmp
/bin/busybox mkdir /tmp/bin
/bin/busybox --install -s /tmp/bin
export PATH=/tmp/bin:/bin
mount -t proc procfs /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
# the uio modules of the outer guest's flavor (the same kernel)
mount -t 9p -o ro,trans=virtio,version=9p2000.L innermods /mnt
exec > /dev/ttyS1 2>&1

i=0
res() { # res STATUS NAME DETAIL
	i=$((i + 1))
	if [ "$1" -eq 0 ]; then echo "ok $i $2"; else echo "not ok $i $2 # $3"; fi
}

# find VENDOR DEVICE: the sysfs folder of the first such function
find_dev() {
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = "0x$1" ] && [ "$(cat "$d/device")" = "0x$2" ] &&
			{ echo "$d"; return 0; }
	done
	return 1
}

# starts STRING PREFIX
starts() {
	case $1 in "$2"*) return 0 ;; esac
	return 1
}

# check_dev NAME VENDOR DEVICE CLASS: two results, the function is there,
# and config space shows its IDs and class code (dwords 0 and 2, read
# through the nested kernel's config accessors: QEMU's vfio-pci serves
# them from the device fd). Sets $dev.
check_dev() {
	local ids class
	dev=$(find_dev "$2" "$3")
	res $? "sees_$1" "devices: $(ls /sys/bus/pci/devices | tr '\n' ' ')"
	ids=$(hexdump -n 4 -e '"%08x"' "${dev:-/none}/config")
	class=$(hexdump -s 8 -n 4 -e '"%08x"' "${dev:-/none}/config")
	[ "$ids" = "$3$2" ] && starts "$class" "$4"
	res $? "$1_config_space" "IDs $ids, class and revision $class"
}

echo "KTAP version 1"
echo "1..12"
check_dev edu 1234 11e8 00ff00
edu=$dev

id=$(inner_bar read "$edu/resource0" 0)
[ "$id" = 0x010000ed ]
res $? edu_bar0_ident "identification $id"
inner_bar write "$edu/resource0" 4 0x12345678
live=$(inner_bar read "$edu/resource0" 4)
[ "$live" = 0xedcba987 ]
res $? edu_bar0_liveness "wrote 0x12345678, read $live"

insmod /mnt/uio.ko && insmod /mnt/uio_pci_generic.ko &&
	echo "1234 11e8" > /sys/bus/pci/drivers/uio_pci_generic/new_id
[ -c /dev/uio0 ]
res $? edu_on_uio_pci_generic "no /dev/uio0"
rounds=$(inner_bar edu-intx "$edu/resource0" /dev/uio0 3 2>&1)
rc=$?
echo "$rounds" | sed 's/^/# /'
irqs=$(grep uio_pci_generic /proc/interrupts | tr -s ' ' | cut -d' ' -f3)
[ $rc -eq 0 ] && [ "${irqs:-0}" -ge 3 ]
res $? edu_intx "3 rounds, /proc/interrupts counts ${irqs:-none}"

check_dev nvme_vf 1b36 0010 010802
vf=$dev
# The PF never gave the VF's secondary controller flexible resources
# (Virtualization Management), so it is Offline and cannot be enabled.
# QEMU 7.2 shows that as: CSTS = Controller Fatal Status (0x2, ready
# clear) from every reset on, every other register 0 (a live controller
# has a non-zero CAP and VS), writes ignored. The outer guest read the
# same registers through vfio-pci before: $nvme_vf_regs, from the kernel
# command line.
vf_regs() { # the VF's CAP (two dwords), VS, CC, CSTS, comma separated
	inner_bar read "$vf/resource0" 0x0 0x4 0x8 0x14 0x1c |
		tr '\n' ',' | sed 's/,$//'
}
regs=$(vf_regs)
csts=${regs##*,}
[ "$csts" = 0x00000002 ]
res $? nvme_vf_offline_csts "CSTS $csts, expected 0x00000002 (fatal status, not ready)"
[ "${regs%,*}" = 0x00000000,0x00000000,0x00000000,0x00000000 ]
res $? nvme_vf_offline_regs "CAP, VS, CC ${regs%,*}, expected 0 while Offline"
# shellcheck disable=SC2154 # set by the kernel command line
[ "$regs" = "$nvme_vf_regs" ]
res $? nvme_vf_regs_as_outer "read $regs, the outer guest ${nvme_vf_regs:-nothing}"
# enable it: 4 KiB pages, 64- and 16-byte queue entries, CC.EN
inner_bar write "$vf/resource0" 0x14 0x00460001
after=$(vf_regs)
[ "$after" = "$regs" ]
res $? nvme_vf_enable_ignored "CAP, VS, CC, CSTS after CC.EN=1: $after"
poweroff -f
