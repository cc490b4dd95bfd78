# SPDX-License-Identifier: GPL-2.0
# QEMU as a client of vfio-pci: in the test guest, the host's
# qemu-system-x86_64 boots the same kernel as a nested guest with edu and
# an nvme VF passed through with -device vfio-pci. QEMU 7.2 only has the
# group and container path, so that is the path it takes. The nested
# guest (nested/inner-init.sh) checks IDs, config space, BAR access
# through mappings and edu's INTx, and prints KTAP on its second serial
# port. Sourced by guest-suite.sh after guest-lib.sh and the suite's
# nvme_vf_create/nvme_vf_remove; POSIX sh.
#
# What the nvme VF can show: the nvme driver on the PF enables SR-IOV but
# never assigns the VF's secondary controller flexible queue and
# interrupt resources (Virtualization Management), so the controller
# stays Offline. QEMU 7.2 then answers 0 for every BAR0 register but
# CSTS, ignores writes, and sets CSTS to Controller Fatal Status (0x2)
# at each reset: it cannot be enabled. Both guests check exactly that,
# and the nested guest also that it reads what the outer guest read.

NESTED_ROOT=$RIG_BIN/nested-root
# The nested QEMU is stopped when its guest writes nothing (kernel log,
# KTAP) for NESTED_IDLE seconds, or after NESTED_CAP: about 2 minutes
# on an idle machine, it took up to 15 beside other guests.
NESTED_IDLE=300
NESTED_CAP=2400
# the nvme registers compared, BAR0 offsets: CAP (two dwords), VS, CC,
# CSTS; and what an Offline secondary controller shows in them
NVME_VF_REGS="0x0 0x4 0x8 0x14 0x1c"
NVME_VF_OFFLINE="0x00000000,0x00000000,0x00000000,0x00000000,0x00000002"

# nvme_vf_regs VF: NVME_VF_REGS of the VF, read through vfio-pci,
# comma separated
nvme_vf_regs() {
	# shellcheck disable=SC2086
	"$NESTED_ROOT/bin/inner_bar" vfio-read "$1" $NVME_VF_REGS |
		tr '\n' ',' | sed 's/,$//'
}

# nested_qemu EDU VF VFREGS: boot the nested guest on the flavor's kernel
# image (next to its modules), its KTAP in $RIG_OUT/nested.ktap; VFREGS,
# the VF's registers as the outer guest read them, reach its init as
# $nvme_vf_regs
nested_qemu() {
	local kernel=$RIG_KERNEL mods append vfdev=
	local ro9p=security_model=none,readonly=on
	mods=$RIG_MODS/lib/modules/$(uname -r)/kernel/drivers/uio
	if [ "$RIG_FLAVOR" = distro ]; then
		# the distribution's kernel mounts no 9p root without an
		# initramfs: the nested guest, which only uses what QEMU
		# serves through this guest's vfio-pci, boots vm's kernel
		# (scripts/rig/distro.sh copied it and its uio modules)
		kernel=$RIG_TOP/build/distro/nested/bzImage
		mods=$RIG_TOP/build/distro/nested/uio
		[ -f "$kernel" ] || { echo "no $kernel (make vm, then make distro)"; return 1; }
	fi
	[ -n "$2" ] && vfdev="-device vfio-pci,host=$2"
	append="console=ttyS0,115200 root=innerroot rootfstype=9p ro"
	append="$append rootflags=trans=virtio,version=9p2000.L,msize=512000"
	append="$append init=/init panic=-1 nvme_vf_regs=${3:-none}"
	: > "$RIG_OUT/nested.ktap"
	# shellcheck disable=SC2086
	"$RIG_TOP/scripts/rig/watchdog.sh" -i "$NESTED_IDLE" -c "$NESTED_CAP" -s 10 \
		-r "$RIG_OUT/nested-watchdog.txt" \
		"$RIG_OUT/nested-console.log" "$RIG_OUT/nested.ktap" -- \
		qemu-system-x86_64 \
		-machine pc -accel tcg -cpu max -smp 1 -m 256M \
		-nodefaults -no-reboot -display none \
		-kernel "$kernel" -append "$append" \
		-serial "file:$RIG_OUT/nested-console.log" \
		-serial "file:$RIG_OUT/nested.ktap" \
		-device "vfio-pci,host=$1" $vfdev \
		-virtfs "local,path=$NESTED_ROOT,mount_tag=innerroot,$ro9p" \
		-virtfs "local,path=$mods,mount_tag=innermods,$ro9p" \
		< /dev/null > "$RIG_OUT/nested-qemu.log" 2>&1
}

# nested_ktap_ok: the nested guest's KTAP is complete and passed
nested_ktap_ok() {
	local k=$RIG_OUT/nested.ktap plan
	plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$k")
	[ -n "$plan" ] && [ "$(grep -c '^ok ' "$k")" -eq "$plan" ] &&
		! grep -q '^not ok' "$k"
}

client_qemu() {
	local edu vf regs t0 t1 qrc
	ktap_plan 7
	[ -d "$NESTED_ROOT" ] || { echo "# no $NESTED_ROOT: make tools"; return 1; }
	edu=$(rig_find 1234:11e8) && rig_bind "$edu" vfio-pci
	ktap_res $? edu_on_vfio_pci "edu ${edu:-not found}"
	vf=$(nvme_vf_create 2> "$TMPDIR/client-qemu.tmp")
	[ -n "$vf" ]
	ktap_res $? nvme_vf_on_vfio_pci "$(cat "$TMPDIR/client-qemu.tmp")"
	# the VF as the nested guest must find it: Offline (see the top)
	regs=$([ -n "$vf" ] && nvme_vf_regs "$vf" 2> "$TMPDIR/client-qemu.tmp")
	[ "$regs" = "$NVME_VF_OFFLINE" ]
	ktap_res $? nvme_vf_offline "CAP, VS, CC, CSTS through vfio-pci:\
 ${regs:-$(cat "$TMPDIR/client-qemu.tmp")}, expected $NVME_VF_OFFLINE"

	t0=$(cut -d' ' -f1 /proc/uptime)
	nested_qemu "$edu" "$vf" "$regs"
	qrc=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "# nested guest: edu $edu, VF $vf, QEMU exit $qrc after $t0..$t1 s of uptime"
	[ $qrc -eq 0 ]
	ktap_res $? qemu_runs "$(tail -n 3 "$RIG_OUT/nested-qemu.log" | tr '\n' ' ')"
	tr -d '\r' < "$RIG_OUT/nested.ktap" | sed 's/^/    /'
	nested_ktap_ok
	ktap_res $? nested_guest "see $RIG_OUT/nested-console.log"
	"$RIG_TOP/scripts/rig/scan-log.sh" "$RIG_OUT/nested-console.log"
	ktap_res $? nested_kernel_log_clean "reports in the nested kernel's log"

	# the devices are the suite's again: VF gone, PF and edu on vfio-pci
	nvme_vf_remove && [ "$(basename "$(readlink \
		"/sys/bus/pci/devices/$edu/driver")")" = vfio-pci ]
	ktap_res $? devices_given_back "PF or edu not on vfio-pci"
	return $ktap_bad
}
