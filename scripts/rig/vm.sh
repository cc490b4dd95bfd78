#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm.sh [-f FLAVOR] [-d DEVSET] [-t CAP] [-i IDLE] [-o DIR] [-m MODS] -- COMMAND...
#
# Boot a built flavor under QEMU TCG with a named device set and run one
# shell COMMAND in the guest (sourcing guest-lib.sh first). The guest's root
# is this machine's root, read-only over 9p; DIR (default build/vm/FLAVOR)
# is mounted writable at the same path inside the guest. MODS (default the
# flavor's build/out/FLAVOR/mods) is the INSTALL_MOD_PATH the guest loads
# modules from; RIG_MODS in the environment sets it for callers that pass
# no -m (scripts/rig/coverage.sh runs events.sh so). The guest command
# sees RIG_TOP, RIG_FLAVOR, RIG_OUT (DIR), RIG_MODS and RIG_KERNEL (the
# kernel image it booted, for a nested guest). Counters of modules built
# with gcov (make coverage) are copied to DIR/gcov/ at the end.
#
# The guest is stopped when it makes no progress (nothing written to DIR:
# kernel log, command output, test output) for IDLE seconds (default 600),
# or once it has run CAP seconds (default 600): a hang is caught in IDLE
# seconds, while a slow machine only meets CAP, which callers set several
# times a normal run's length.
#
# Prints the command's output; exits with its status, 124 when stopped, or
# 125 when the kernel log shows a splat (BUG, WARNING, KASAN, lockdep...).
# DIR keeps console.log (whole kernel log), guest.log, rc and qmp.sock,
# the QMP socket for hot-unplug while the guest runs.
set -euo pipefail
. "$(dirname "$0")/common.sh"

flavor=vm devset=std timeout=600 idle=600 out= mods=
while getopts f:d:t:i:o:m: opt; do
	case $opt in
	f) flavor=$OPTARG ;;
	d) devset=$OPTARG ;;
	t) timeout=$OPTARG ;;
	i) idle=$OPTARG ;;
	o) out=$OPTARG ;;
	m) mods=$(cd "$OPTARG" && pwd) || rig_die "no folder $OPTARG" ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = -- ] && shift
[ $# -gt 0 ] || rig_die "usage: vm.sh [-f flavor] [-d devset] [-t cap] [-i idle] [-o dir] [-m mods] -- command"

build=$(rig_out "$flavor")
kernel=$build/arch/x86/boot/bzImage initrd=
if [ "$flavor" = distro ]; then
	# Debian's kernel, with the initramfs that mounts its 9p root
	kernel=$build/vmlinuz initrd=$build/initrd.img
	[ -f "$initrd" ] || rig_die "distro is not ready (scripts/rig/distro.sh prepare)"
fi
[ -f "$kernel" ] || rig_die "$flavor is not built (scripts/rig/build.sh $flavor)"
out=${out:-$RIG_BUILD/vm/$flavor}
mods=${mods:-${RIG_MODS:-$build/mods}}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# Device sets. Devices sit behind root ports where a reset or hot-unplug
# needs one; find them in the guest by vendor:device, not by address.
devices_std() {
	local nic_port
	truncate -s 16M "$out/nvme.img"
	# e1000e's wire is a UDP socket sending to itself: each frame the NIC
	# transmits comes back to its receiver, so a guest driver (DPDK's
	# testpmd) moves packets both ways with nobody else on the link. The
	# port is a free one the kernel picks, as several VMs may run at once
	# (were it taken before QEMU binds it, QEMU would fail to start).
	nic_port=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
	cat <<DEV
-device VGA,bus=pcie.0,addr=0x1
-device pcie-root-port,id=rp0,bus=pcie.0,chassis=1,addr=0x10
-device pcie-root-port,id=rp1,bus=pcie.0,chassis=2,addr=0x11
-device pcie-root-port,id=rp2,bus=pcie.0,chassis=3,addr=0x12
-device pcie-root-port,id=rp3,bus=pcie.0,chassis=4,addr=0x13
-device edu,id=edu0,bus=rp1,dma_mask=0xffffffffffffffff
-device edu,id=edu1,bus=rp3,dma_mask=0xffffffffffffffff
-drive file=$out/nvme.img,if=none,id=d0,format=raw
-device nvme-subsys,id=s0
-device nvme,id=nvme0,bus=rp0,serial=rig0,subsys=s0,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=6,msix_qsize=4
-device nvme-ns,drive=d0
-netdev socket,id=n0,udp=127.0.0.1:$nic_port,localaddr=127.0.0.1:$nic_port
-device e1000e,id=nic0,bus=rp2,netdev=n0
-object memory-backend-ram,id=shm0,size=256M
-device ivshmem-plain,id=shm0dev,memdev=shm0,bus=pcie.0,addr=0x5
-device pci-testdev,id=testdev0,bus=pcie.0,addr=0x6
DEV
}

devices_edu() {
	cat <<DEV
-device pcie-root-port,id=rp1,bus=pcie.0,chassis=2,addr=0x11
-device edu,id=edu0,bus=rp1,dma_mask=0xffffffffffffffff
DEV
}

declare -F "devices_$devset" >/dev/null || rig_die "unknown device set '$devset' (std, edu)"

cat > "$out/cmd.sh" <<EOF
export RIG_TOP='$RIG_TOP' RIG_FLAVOR='$flavor' RIG_OUT='$out'
export RIG_MODS='$mods' RIG_KERNEL='$kernel'
. '$RIG_TOP/scripts/rig/guest-lib.sh'
rig_expose_modules
$*
EOF

append="console=ttyS0,115200 root=hostroot rootfstype=9p ro"
append+=" rootflags=trans=virtio,version=9p2000.L,msize=512000"
append+=" init=$RIG_TOP/scripts/rig/guest-init.sh rig_out=$out"
append+=" intel_iommu=on panic=-1 loglevel=7"
# The IO-APIC timer check counts ticks against a busy loop: under TCG on a
# loaded host it can miss them and panic at boot ("timer doesn't work
# through Interrupt-remapped IO-APIC"); the kernel offers to skip it for
# guests.
append+=" no_timer_check"

# One host thread runs both vCPUs (thread=single): QEMU 7.2's multi-threaded
# TCG segfaults in memory_region_dispatch_write when one vCPU toggles a
# BAR's memory decode while the other accesses it through a mapping,
# which the mmap stress test does on purpose.
set +e
# shellcheck disable=SC2046
"$RIG_TOP/scripts/rig/watchdog.sh" -i "$idle" -c "$timeout" -r "$out/watchdog.txt" \
	"$out" -- qemu-system-x86_64 \
	-machine q35 -accel tcg,thread=single -cpu max -smp 2 -m 2G \
	-nodefaults -no-reboot -display none \
	-kernel "$kernel" ${initrd:+-initrd "$initrd"} -append "$append" \
	-serial "file:$out/console.log" \
	-qmp "unix:$out/qmp.sock,server=on,wait=off" \
	-device intel-iommu,caching-mode=on \
	$(devices_"$devset") \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$out,mount_tag=out,security_model=none,multidevs=remap" \
	</dev/null >"$out/qemu.log" 2>&1
qrc=$?
set -e

[ -f "$out/guest.log" ] && cat "$out/guest.log"
if [ $qrc -eq 124 ]; then
	rig_log "$flavor: $(cat "$out/watchdog.txt"); console: $out/console.log"
	exit 124
fi
rig_log "$flavor: $(cat "$out/watchdog.txt" 2>/dev/null) (no-progress limit ${idle} s)"
# QEMU's nvme VF reports INTx pin 1, which VFs may not: the base tree's
# driver logs it as a hardware bug, ours ignores a VF's pin without a word
if [ "$flavor" = upstream ]; then
	export RIG_LOG_ALLOW='vfio-pci [0-9a-f:.]+: Hardware bug: VF reports bogus INTx pin 1'
fi
if ! "$RIG_TOP/scripts/rig/scan-log.sh" "$out/console.log"; then
	rig_log "$flavor: kernel log has reports; console: $out/console.log"
	exit 125
fi
if [ ! -f "$out/rc" ]; then
	rig_log "$flavor: guest did not finish (qemu exit $qrc); see $out/qemu.log"
	tail -5 "$out/qemu.log" >&2
	exit 1
fi
exit "$(cat "$out/rc")"
