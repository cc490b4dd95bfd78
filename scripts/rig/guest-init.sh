#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PID 1 of the test guest: mount what tests need, run $rig_out/cmd.sh,
# record its status, let the debug kernel look for leaks, power off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
# what udev links in a booted system: the kselftest runner writes the
# program's output to /dev/stdout
ln -sfn /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs run /run
# Scratch space for tests is $TMPDIR. /tmp gets a tmpfs of its own only
# when that hides nothing the run needs: a checkout under /tmp (as CI's
# may be) must stay visible.
export TMPDIR=/run/tmp
mkdir -p "$TMPDIR"
case "$0 $rig_out" in
*/tmp/*) ;;
*) mount -t tmpfs tmp /tmp ;;
esac
mkdir -p /dev/shm 2>/dev/null && mount -t tmpfs shm /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out "$rig_out"
cd "$rig_out" || exit 1
echo "[guest] running $rig_out/cmd.sh" > /dev/kmsg
sh ./cmd.sh > guest.log 2>&1
rc=$?
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > kmemleak.txt
	[ -s kmemleak.txt ] &&
		echo "kmemleak: suspected memory leaks, see kmemleak.txt" > /dev/kmsg
fi
# the counters of modules built with GCOV_PROFILE=y (make coverage), kept
# by the kernel for modules unloaded since
if [ -d /sys/kernel/debug/gcov ]; then
	(cd /sys/kernel/debug/gcov && find . -name '*.gcda') |
	while read -r f; do
		mkdir -p "gcov/${f%/*}"
		cat "/sys/kernel/debug/gcov/$f" > "gcov/$f"
	done
fi
echo "$rc" > rc
echo "[guest] done, status $rc" > /dev/kmsg
sync
# Power off synchronously with the static busybox: once the 9p root goes,
# no program can be started, and an init that exits panics the kernel.
busybox poweroff -f
echo o > /proc/sysrq-trigger
while :; do :; done
