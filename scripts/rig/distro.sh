#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# distro.sh [prepare]: make distro, the series on Debian's own 6.12 kernel
# (rig_distro_kernel) as an admin installs it, under the rig's QEMU.
#
#   packages   dkms and the kernel's headers and image (rig_distro_install)
#   modules    vfio-pci-core, vfio_pci and mlx5_vfio_pci built by DKMS
#              in a private DKMS tree (build/distro/dkms), never installed
#              in the host's /lib/modules; the mlx5 test parent and the
#              sample variant driver built with make M= against the same
#              headers (the suite needs them, DKMS ships neither)
#   mods/      the kernel's own module tree (hard links) with ours in
#              updates/dkms and the two others in updates/, depmod'ed: an
#              INSTALL_MOD_PATH for vm.sh
#   initrd.img busybox and the kernel's own 9p modules: the distro kernel
#              has 9p as modules, so its /init loads them, mounts the
#              root the command line names and switches to its init=
#   vmlinuz    the kernel image, /boot's
#   ours       srcversion and version of the vfio-pci-core DKMS built,
#              which the suite checks the loaded module against
#   nested/    the vm flavor's kernel and uio modules, when built, for
#              the suite's nested QEMU (its guest needs no initramfs)
#
# Then, without "prepare", boottest.sh distro: the in-guest suite on it
# (build/vm/test-distro.ktap). Root. build/kselftest-distro holds the test
# programs the guest runs.
set -euo pipefail
. "$(dirname "$0")/common.sh"

[ "$(id -u)" -eq 0 ] || rig_die "distro: run as root"
start=$(date +%s)
kver=$(rig_distro_kernel) || rig_die "distro: no kernel to try"
rig_distro_install "$kver" || rig_die "distro: installing the packages of $kver failed"
kdir=/lib/modules/$kver/build
sysmods=/lib/modules/$kver
[ -d "$kdir" ] || rig_die "distro: no $kdir"
[ -f "/boot/vmlinuz-$kver" ] || rig_die "distro: no /boot/vmlinuz-$kver"

out=$(rig_out distro)
rm -rf "$out"
mkdir -p "$out"
rig_log "distro: $kver"

# ---- our modules, by DKMS, in a tree of its own ----
# DISTRO_HEAD=1: the sources of the last commit, not the checkout's
from=$RIG_TOP
if [ "${DISTRO_HEAD:-0}" = 1 ]; then
	from=$out/head
	mkdir -p "$from"
	git -C "$RIG_TOP" archive HEAD drivers/vfio/pci include dkms \
		scripts/dkms-src.sh samples/vfio-pci | tar -x -C "$from"
	export GIT_DIR=$RIG_TOP/.git
fi
src=$("$from/scripts/dkms-src.sh" "$out/src")
ver=${src##*/vfio-pci-core-}
dkms=(--sourcetree "$out/src" --dkmstree "$out/dkms")
mkdir -p "$out/dkms"
if ! dkms add -m vfio-pci-core -v "$ver" "${dkms[@]}" > "$out/dkms.log" 2>&1 ||
   ! dkms build -m vfio-pci-core -v "$ver" -k "$kver" "${dkms[@]}" >> "$out/dkms.log" 2>&1; then
	tail -n 30 "$out/dkms.log"
	rig_die "distro: dkms build failed"
fi
built=$out/dkms/vfio-pci-core/$ver/$kver/$(uname -m)/module

# the test parent, and the symbols the sample links against, from a plain
# out-of-tree build of the same source
oot=$out/oot
cp -r "$src/src" "$oot"
make -s -C "$kdir" M="$oot" CONFIG_MLX5_VFIO_PCI_TEST_PARENT=m -j"$RIG_JOBS" \
	modules > "$out/oot.log" 2>&1 ||
	{ tail -n 30 "$out/oot.log"; rig_die "distro: make M= of the test parent failed"; }
# the sample, with the series' header before the kernel's (dkms/Kbuild)
sample=$out/sample
mkdir -p "$sample"
cp "$from"/samples/vfio-pci/*.[ch] "$from/samples/vfio-pci/Makefile" "$sample/"
# shellcheck disable=SC2016 # $(src) is Kbuild's
printf 'NOSTDINC_FLAGS += -I%s/include\ninclude $(src)/Makefile\n' "$from" > "$sample/Kbuild"
make -s -C "$kdir" M="$sample" CONFIG_SAMPLE_VFIO_PCI_EDU=m \
	KBUILD_EXTRA_SYMBOLS="$oot/Module.symvers" modules > "$out/sample.log" 2>&1 ||
	{ tail -n 30 "$out/sample.log"; rig_die "distro: make M= of the sample failed"; }

# the out-of-tree build is the same source as DKMS's: the same symbol
# versions, which the two modules built from it rely on
a=$(modinfo -F srcversion "$built/vfio-pci-core.ko.xz")
b=$(modinfo -F srcversion "$oot/vfio-pci-core.ko")
if [ -z "$a" ] || [ "$a" != "$b" ]; then
	rig_die "distro: vfio-pci-core's srcversion: DKMS '$a', make M= '$b'"
fi
printf 'vfio_pci_core %s %s\n' "$a" "$ver" > "$out/ours"

# ---- the module tree the guest loads from ----
mods=$out/mods/lib/modules/$kver
mkdir -p "$mods/updates/dkms"
cp -al "$sysmods/kernel" "$mods/"
cp "$sysmods"/modules.order "$sysmods"/modules.builtin* "$mods/"
cp "$built"/*.ko* "$mods/updates/dkms/"
cp "$oot/mlx5_vfio_pci_testparent.ko" "$sample/edu_vfio_pci.ko" "$mods/updates/"
depmod -b "$out/mods" -E "$kdir/Module.symvers" -e "$kver" 2> "$out/depmod.log"
if grep . "$out/depmod.log"; then
	rig_die "distro: depmod: unresolved symbols (above)"
fi
for m in vfio_pci_core vfio_pci mlx5_vfio_pci; do
	where=$(modinfo -b "$out/mods" -k "$kver" -n $m)
	case $where in
	"$mods"/updates/dkms/*) ;;
	*) rig_die "distro: $m resolves to $where, not ours" ;;
	esac
done

# ---- the initramfs: the 9p root ----
ird=$out/initramfs
mkdir -p "$ird/bin" "$ird/lib" "$ird/proc" "$ird/sys" "$ird/dev" "$ird/root"
cp /bin/busybox "$ird/bin/"
file "$ird/bin/busybox" | grep -q 'statically linked' ||
	rig_die "distro: /bin/busybox is not static (busybox-static)"
i=0 seen=
for ko in $(modprobe -S "$kver" --show-depends 9p | awk '$1 == "insmod" { print $2 }';
	    modprobe -S "$kver" --show-depends 9pnet_virtio | awk '$1 == "insmod" { print $2 }'); do
	name=$(basename "${ko%.xz}")
	case " $seen " in *" $name "*) continue ;; esac
	seen="$seen $name"
	i=$((i + 1))
	xz -dc "$ko" > "$ird/lib/$i-$name"
done
[ $i -ge 4 ] || rig_die "distro: found $i of the 9p modules of $kver"
cat > "$ird/init" <<'EOF'
#!/bin/busybox sh
# /init of the distro flavor's initramfs (scripts/rig/distro.sh): load
# the 9p modules, mount the root= tag with rootflags= read-only, switch
# to init= with the kernel's other arguments in the environment
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
for ko in /lib/*.ko; do
	/bin/busybox insmod "$ko" || echo "initramfs: insmod $ko failed" > /dev/kmsg
done
root= flags= init=
for arg in $(/bin/busybox cat /proc/cmdline); do
	case $arg in
	root=*) root=${arg#root=} ;;
	rootflags=*) flags=${arg#rootflags=} ;;
	init=*) init=${arg#init=} ;;
	esac
done
/bin/busybox mount -t 9p -o "ro,$flags" "$root" /root ||
	echo "initramfs: mounting $root failed" > /dev/kmsg
/bin/busybox umount /proc /sys /dev
exec /bin/busybox switch_root /root "${init:-/sbin/init}"
EOF
chmod 755 "$ird/init"
(cd "$ird" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out/initrd.img"
cp "/boot/vmlinuz-$kver" "$out/vmlinuz"

# ---- the nested guest's kernel: vm's ----
vm=$(rig_out vm)
if [ -f "$vm/arch/x86/boot/bzImage" ]; then
	mkdir -p "$out/nested/uio"
	cp "$vm/arch/x86/boot/bzImage" "$out/nested/"
	cp "$vm"/mods/lib/modules/*/kernel/drivers/uio/*.ko "$out/nested/uio/"
fi

# ---- the test programs ----
rig_tools "$RIG_BUILD/kselftest-distro" > "$out/tools.log" 2>&1 ||
	{ tail -n 30 "$out/tools.log"; rig_die "distro: building the test programs failed"; }
rig_log "distro: $kver ready in $(($(date +%s) - start)) s: vfio-pci-core $ver ($a)"

[ "${1:-}" = prepare ] && exit 0
exec "$RIG_TOP/scripts/rig/boottest.sh" distro
