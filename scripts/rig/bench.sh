#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: boot our driver (flavor vm) and the base tree's (flavor
# upstream) with the same device set, bind edu, ivshmem and e1000e to
# vfio-pci in each, run vfio_pci_bench there, then again on a VF of the
# nvme PF, and print one table, ours beside upstream.
#
# A benchmark, not a test: it fails only when a guest run fails, never on
# a figure. Figures our driver cannot produce yet show as "n/a (reason)".
# The flavors take turns BENCH_ROUNDS times (default 2) and the table keeps
# each figure's best round, so that a burst of load on the host during one
# boot does not pass for a difference between the drivers.
#
# BENCH_ARGS passes options to vfio_pci_bench (-n, -t, -r, -i, -p). The raw
# output of round N stays in build/vm/bench-FLAVOR/rN/guest.log.
set -euo pipefail
# shellcheck source=scripts/rig/common.sh
. "$(dirname "$0")/common.sh"

flavors="vm upstream"
args=${BENCH_ARGS:-}
rounds=${BENCH_ROUNDS:-2}
case $args in
*[!-a-z0-9\ ]*) rig_die "BENCH_ARGS: only options and numbers, got '$args'" ;;
esac
case $rounds in
'' | *[!0-9]* | 0) rig_die "BENCH_ROUNDS: a number of rounds, got '$rounds'" ;;
esac

start=$SECONDS
for flavor in $flavors; do
	if [ ! -f "$(rig_out "$flavor")/arch/x86/boot/bzImage" ]; then
		rig_log "$flavor is not built: building it"
		"$RIG_TOP/scripts/rig/setup.sh"
		"$RIG_TOP/scripts/rig/build.sh" "$flavor"
	fi
done
rig_tools

# Run in the guest, which expands it (with guest-lib.sh sourced).
# shellcheck disable=SC2016
guest_cmd='
set -e
rig_load_vfio
echo "info guest_kernel $(uname -r)"
echo "info clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "info driver $(modinfo -b "$RIG_MODS" -F description vfio_pci_core)"
edu=$(rig_find 1234:11e8)
shm=$(rig_find 1af4:1110)
nic=$(rig_find 8086:10d3)
rig_bind "$edu" vfio-pci
rig_bind "$shm" vfio-pci
rig_bind "$nic" vfio-pci
$RIG_BIN/vfio_pci_bench '"$args"' "$edu" "$shm" "$nic"
# a VF of the nvme PF, made through the nvme driver: its FLR on close and
# its unbind/bind
rig_modprobe nvme
pf=$(rig_find 1b36:0010)
rig_bind "$pf" nvme
echo 1 > "/sys/bus/pci/devices/$pf/sriov_numvfs"
vf=$(basename "$(readlink "/sys/bus/pci/devices/$pf/virtfn0")")
rig_bind "$vf" vfio-pci
$RIG_BIN/vfio_pci_bench '"$args"' -V "$vf"
'

failed=
for flavor in $flavors; do
	rm -rf "$RIG_BUILD/vm/bench-$flavor"
done
for round in $(seq "$rounds"); do
	for flavor in $flavors; do
		dir=$RIG_BUILD/vm/bench-$flavor/r$round
		rig_log "$flavor: round $round of $rounds, output in $dir/guest.log"
		t0=$SECONDS
		if ! "$RIG_TOP/scripts/rig/vm.sh" -f "$flavor" -o "$dir" -t 300 -- \
			"$guest_cmd" >/dev/null; then
			rig_log "$flavor: the guest run failed; its last lines:"
			tail -n 5 "$dir/guest.log" >&2 2>/dev/null || true
			failed+=" $flavor/r$round"
		fi
		rig_log "$flavor: round $round took $((SECONDS - t0)) s"
	done
done

qemu=$(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p')
host="$(uname -sr) $(uname -m), $(nproc) CPUs, QEMU $qemu"
python3 - "$host" "$RIG_BUILD/vm/bench-" "$rounds" <<'EOF'
import sys

host, prefix, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])

# (key prefix, label); latency figures get a p50 and a p99 row
LATENCY = [
    ("cfg.vfio.0x00", "config pread 4B @0x00 (vfio fd)"),
    ("cfg.vfio.cap", "config pread 4B @cap (vfio fd)"),
    ("cfg.sysfs.0x00", "config pread 4B @0x00 (sysfs)"),
    ("cfg.sysfs.cap", "config pread 4B @cap (sysfs)"),
    ("bar.edu.read", "BAR pread 4B (edu BAR0+0x04)"),
    ("bar.edu.write", "BAR pwrite 4B (edu BAR0+0x04)"),
    ("ioeventfd.edu.write", "ioeventfd write 4B (edu BAR0+0x04)"),
    ("bar.ivshmem.read", "BAR pread 4B (ivshmem BAR2)"),
    ("bar.ivshmem.write", "BAR pwrite 4B (ivshmem BAR2)"),
    ("irq.intx.raise", "INTx raise -> eventfd (edu)"),
    ("irq.intx.cycle", "  + ack + UNMASK ioctl"),
    ("irq.intx_efd.raise", "INTx raise -> eventfd, unmask eventfd"),
    ("irq.intx_efd.cycle", "  + ack + unmask eventfd write"),
    ("irq.msi.raise", "MSI raise -> eventfd (edu)"),
    ("irq.msix.raise", "MSI-X raise -> eventfd (e1000e vector 0)"),
]
SINGLE = [
    ("mmap.cycle.p50", "mmap+munmap 256M BAR p50"),
    ("fault.2m.ms", "fault-in 256M, 2M-aligned VA"),
    ("fault.2m.us_per_2m", "  same, per 2 MiB"),
    ("fault.2m.faults", "  page faults taken"),
    ("fault.2m.retouch_ms", "  read again, all mapped"),
    ("fault.2m.munmap_ms", "  munmap after it"),
    ("fault.4k.ms", "fault-in 256M, 4K-skewed VA"),
    ("fault.4k.us_per_2m", "  same, per 2 MiB"),
    ("fault.4k.faults", "  page faults taken"),
    ("fault.4k.retouch_ms", "  read again, all mapped"),
    ("fault.4k.munmap_ms", "  munmap after it"),
    ("open.edu.p50", "open+close edu (bus reset) p50"),
    ("open.edu.max", "  worst"),
    ("open.vf.p50", "open+close nvme VF (FLR) p50"),
    ("open.vf.max", "  worst"),
    ("bind.vf.p50", "unbind+bind nvme VF p50"),
    ("bind.vf.max", "  worst"),
]
CALIBRATION = [
    ("timer.p50", "clock_gettime (timer) p50"),
    ("null.p50", "pread 4B /dev/zero p50"),
]


def parse(path, figs, info, notes, tag):
    """Merge one round's output: each figure keeps its lowest value."""
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        notes.append("%s: no output (%s)" % (tag, e.strerror))
        return
    for line in lines:
        f = line.split()
        if len(f) >= 3 and f[0] == "bench":
            if f[2] == "n/a":
                new = (None, " ".join(f[3:]), "")
            else:
                new = (float(f[2]), f[2], f[3] if len(f) > 3 else "")
            old = figs.get(f[1])
            if old is None or (new[0] is not None and
                               (old[0] is None or new[0] < old[0])):
                figs[f[1]] = new
        elif len(f) >= 2 and f[0] == "info":
            info.setdefault(f[1], " ".join(f[2:]))
            for count in ("samples", "irqs"):
                if f[1].endswith("." + count):
                    info[count] = max(info.get(count, 0), int(f[2]))
        elif f and f[0] in ("warn", "error"):
            notes.append("%s: %s" % (tag, line))


runs = {}
for flavor in ("vm", "upstream"):
    figs, info, notes = {}, {}, []
    for r in range(1, rounds + 1):
        parse("%s%s/r%d/guest.log" % (prefix, flavor, r), figs, info, notes,
              "%s round %d" % ("ours" if flavor == "vm" else flavor, r))
    runs[flavor] = (figs, info, notes)
ours, oinfo, onotes = runs["vm"]
up, uinfo, unotes = runs["upstream"]


def cell(figs, key):
    if key not in figs:
        return "-"
    val, text, _ = figs[key]
    return text if val is not None else "n/a (%s)" % text


rows = [("figure", "unit", "ours", "upstream", "ours/upstream")]


def row(label, key):
    a, b = ours.get(key), up.get(key)
    unit = (a and a[2]) or (b and b[2]) or ""
    ratio = "-"
    if a and b and a[0] is not None and b[0]:
        ratio = "%.2f" % (a[0] / b[0])
    rows.append((label, unit, cell(ours, key), cell(up, key), ratio))


for key, label in LATENCY:
    row(label + " p50", key + ".p50")
    row(label + " p99", key + ".p99")
for key, label in SINGLE:
    row(label, key)
for key, label in CALIBRATION:
    row(label, key)

width = [max(len(r[i]) for r in rows) for i in range(5)]
for r in rows:
    print("  ".join(c.ljust(width[i]) for i, c in enumerate(r)).rstrip())

print()
print("host: %s" % host)
for name, info in (("ours", oinfo), ("upstream", uinfo)):
    print("%s: guest kernel %s, clocksource %s, vfio_pci_core \"%s\"" % (
        name, info.get("guest_kernel", "?"), info.get("clocksource", "?"),
        info.get("driver", "?")))
cap = oinfo.get("cfg.cap_offset") or uinfo.get("cfg.cap_offset") or "none"
samples = max(oinfo.get("samples", 0), uinfo.get("samples", 0))
irqs = max(oinfo.get("irqs", 0), uinfo.get("irqs", 0))
print("""\
p50/p99: median and 99th percentile of single calls (up to %d each, the
  clock read included); @cap: edu's first capability (%s).
ioeventfd: the eventfd write that makes the kernel write the register;
  compare with the BAR pwrite of the same register above it.
Interrupts (up to %d each, in us): from the BAR pwrite that raises one to
  its eventfd read (poll + read), with the bench on the interrupt's vCPU;
  "+ ack + ...": the whole round trip, acknowledge and unmask included.
fault-in: median of up to 7 rounds, one read per 4 KiB page; a 2M-aligned
  address allows 2 MiB mappings, one 4K off forces 4 KiB ones.
Each figure is the best of %d alternating boot(s) of each flavor.
Figures come from QEMU TCG guests (software emulation, no KVM) on a shared
  host: they are relative, not absolute. Compare the columns; the last two
  rows show how fast each flavor's runs were apart from vfio; p99 rows are
  mostly host scheduling noise.""" % (samples, cap, irqs, rounds))
for notes in (onotes, unotes):
    for n in notes:
        print(n)
EOF

rig_log "bench: $((SECONDS - start)) s in all"
if [ -n "$failed" ]; then
	rig_die "the guest run failed on:$failed"
fi
