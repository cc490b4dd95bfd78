# SPDX-License-Identifier: GPL-2.0
# Tools nobody on this project wrote, driving vfio-pci in the test guest
# as administrators run them: driverctl and DPDK (Debian's packages).
# Sourced by guest-suite.sh, after guest-lib.sh; POSIX sh (the guest's is
# dash). Each client_* function prints one KTAP document (ktap_plan,
# ktap_res of guest-lib.sh) and returns non-zero when a result in it
# failed.

# driverctl keeps overrides in /etc/driverctl.d, read-only in the guest
client_driverctl_setup() {
	command -v driverctl > /dev/null || return 1
	[ -d /etc/driverctl.d ] || return 1
	mountpoint -q /etc/driverctl.d || mount -t tmpfs driverctl /etc/driverctl.d
}

# driverctl on e1000e: from its kernel driver to vfio-pci and back, an
# override to a driver that does not exist refused with the device left
# alone, and the device used through vfio-pci meanwhile.
client_driverctl() {
	local bdf out set_rc
	ktap_plan 7
	client_driverctl_setup || { echo "# driverctl is not installed"; return 1; }
	bdf=$(rig_find 8086:10d3) || return 1
	rig_modprobe e1000e
	rig_unbind "$bdf"
	echo "$bdf" > /sys/bus/pci/drivers_probe
	[ "$(rig_driver "$bdf")" = e1000e ]
	ktap_res $? start_on_e1000e "bound to '$(rig_driver "$bdf")'"

	out=$(driverctl set-override "$bdf" vfio-pci 2>&1)
	[ "$(rig_driver "$bdf")" = vfio-pci ] &&
		[ "$(cat "/etc/driverctl.d/pci-$bdf")" = vfio-pci ]
	ktap_res $? set_override "bound to '$(rig_driver "$bdf")': $out"
	driverctl list-overrides | grep -q "^$bdf vfio-pci"
	ktap_res $? list_overrides "$(driverctl list-overrides 2>&1)"
	VFIO_PCI_DEV=$bdf "$RIG_BIN/vfio_pci_config_test" \
		> "$TMPDIR/client-driverctl.tmp" 2>&1
	ktap_res $? used_through_vfio "$(grep '^not ok' "$TMPDIR/client-driverctl.tmp")"

	out=$(driverctl unset-override "$bdf" 2>&1)
	[ "$(rig_driver "$bdf")" = e1000e ] &&
		[ "$(cat "/sys/bus/pci/devices/$bdf/driver_override")" = "(null)" ] &&
		[ ! -e "/etc/driverctl.d/pci-$bdf" ]
	ktap_res $? unset_override_gives_back "bound to '$(rig_driver "$bdf")': $out"

	! driverctl set-override "$bdf" no_such_driver > "$TMPDIR/client-driverctl.tmp" 2>&1 &&
		[ "$(rig_driver "$bdf")" = e1000e ]
	ktap_res $? unknown_driver_refused \
		"bound to '$(rig_driver "$bdf")': $(cat "$TMPDIR/client-driverctl.tmp")"

	# from no driver at all: set, then unset leaves it with none (driverctl
	# itself then says it failed to bind a driver, and exits 1)
	rig_unbind "$bdf"
	rmmod e1000e
	driverctl set-override "$bdf" vfio-pci > /dev/null 2>&1 &&
		[ "$(rig_driver "$bdf")" = vfio-pci ]
	set_rc=$?
	out=$(driverctl unset-override "$bdf" 2>&1)
	echo "# unset-override with no other driver: ${out:-no message}"
	[ $set_rc -eq 0 ] && [ -z "$(rig_driver "$bdf")" ] &&
		[ "$(cat "/sys/bus/pci/devices/$bdf/driver_override")" = "(null)" ]
	ktap_res $? from_and_back_to_none "bound to '$(rig_driver "$bdf")'"
	rig_bind "$bdf" vfio-pci
	return $ktap_bad
}

# client_ms: milliseconds since the epoch (dash has no $SECONDS)
client_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# client_dpdk_feed OUT PID KIND BDF: testpmd's commands on stdout, given
# as testpmd's output in OUT shows it ready. Forwarding starts once the
# link state change interrupt has come: frames sent before the emulated
# link is up are lost. The interrupt count is taken before testpmd quits,
# as its vectors go with it.
client_dpdk_feed() {
	local i=0
	# about 7 s on the vm flavor, up to 3x that beside other guests;
	# much longer means testpmd is stuck
	while ! grep -q "link state change event" "$1"; do
		kill -0 "$2" 2> /dev/null && [ $i -lt 180 ] || return 1
		sleep 1
		i=$((i + 1))
	done
	echo "start tx_first"
	sleep 2
	echo stop
	# sum the per-CPU columns of this device's vfio-<KIND> lines
	awk -v name="vfio-$3" -v dev="($4)" '
		index($0, name) && index($0, dev) {
			for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++)
				n += $i
		}
		END { print n + 0 }' /proc/interrupts > "$TMPDIR/client-dpdk.irq"
	echo "show port stats 0"
	echo quit
}

# DPDK (Debian's 22.11) on e1000e as its users run it, MODE being msix or
# legacy (INTx): dpdk-devbind.py takes the NIC from its kernel driver to
# vfio-pci, then dpdk-testpmd drives it through a type1 container with
# IOVAs (virtual addresses) mapped through the vIOMMU, its interrupt
# (link state change) taken in MODE. vm.sh wires e1000e to a UDP socket
# that sends to itself, so all the NIC transmits comes back to it:
# testpmd's io forwarding, primed with one burst, keeps that burst going
# round, out of the TX ring and back into the RX ring, for 2 seconds.
# Every packet received is sent again, and nothing else is on the wire,
# so RX and TX may differ by the burst in flight and no more.
client_dpdk() {
	local mode="$1" kind bdf from out pid rc t0 ms irqs frx ftx
	local burst=32 fifo="$TMPDIR/client-dpdk.in" log="$TMPDIR/client-dpdk.log"
	ktap_plan 5
	# the name vfio-pci gives the interrupt in /proc/interrupts
	case $mode in
	msix) kind=msix ;;
	legacy) kind=intx ;;
	*) echo "# client_dpdk: unknown mode '$mode' (msix, legacy)"; return 1 ;;
	esac
	if ! command -v dpdk-testpmd > /dev/null ||
	   ! command -v dpdk-devbind.py > /dev/null; then
		echo "# DPDK (packages dpdk, dpdk-dev) is not installed"
		return 1
	fi
	bdf=$(rig_find 8086:10d3) || return 1

	rig_modprobe e1000e
	rig_bind "$bdf" e1000e
	from=$(rig_driver "$bdf")
	t0=$(client_ms)
	out=$(dpdk-devbind.py -b vfio-pci "$bdf" 2>&1)
	rc=$?
	ms=$(($(client_ms) - t0))
	echo "# dpdk-devbind.py -b vfio-pci $bdf: exit $rc, $ms ms${out:+: $out}"
	[ "$from" = e1000e ] && [ $rc -eq 0 ] &&
		[ "$(rig_driver "$bdf")" = vfio-pci ]
	ktap_res $? devbind_to_vfio_pci "from '$from' to '$(rig_driver "$bdf")'"

	rm -f "$fifo"
	mkfifo "$fifo"
	t0=$(client_ms)
	# --no-huge and --no-shconf: no hugetlbfs nor shared files in the
	# guest; --iova-mode=va: the device is given the process's own
	# addresses, which only the IOMMU mapping makes valid; two lcores,
	# the main one and one forwarding; mbufs enough for the rings, not
	# testpmd's default of hundreds of MiB. A run takes about 15 s on the
	# vm flavor, mostly loading DPDK's plugins over 9p.
	timeout -k 5 300 dpdk-testpmd -l 0-1 --no-huge --no-shconf \
		--iova-mode=va -a "$bdf" --vfio-intr="$mode" -- \
		-i --total-num-mbufs=2048 --forward-mode=io --burst=$burst \
		< "$fifo" > "$log" 2>&1 &
	pid=$!
	# in a subshell: a write after testpmd is gone kills only it
	(client_dpdk_feed "$log" $pid "$kind" "$bdf" > "$fifo")
	wait $pid
	rc=$?
	ms=$(($(client_ms) - t0))
	rm -f "$fifo"

	grep -q "Using IOMMU type 1" "$log" && grep -q "^Port 0: [0-9A-F:]*$" "$log"
	ktap_res $? testpmd_port_on_type1 "$(grep -m1 -E 'IOMMU|Cause|EAL: Error' "$log")"

	irqs=$(cat "$TMPDIR/client-dpdk.irq" 2> /dev/null)
	rm -f "$TMPDIR/client-dpdk.irq"
	echo "# link state change interrupts through vfio-$kind: ${irqs:-none counted}"
	grep -q "link state change event" "$log" && [ "${irqs:-0}" -gt 0 ]
	ktap_res $? "link_interrupt_$kind" \
		"no link state change event, or no vfio-$kind interrupt"

	# the forward statistics (what testpmd took from and gave to the
	# rings) and the NIC's (what the device counted)
	# shellcheck disable=SC2046 # four numbers
	set -- $(awk '/Forward statistics for port 0/ { s = "f" }
		/NIC statistics for port 0/ { s = "n" }
		s && /RX-packets:/ { rx[s] = $2 }
		s && /TX-packets:/ { tx[s] = $2; s = "" }
		END { print rx["f"] + 0, tx["f"] + 0, rx["n"] + 0, tx["n"] + 0 }' "$log")
	frx=$1
	ftx=$2
	echo "# testpmd $mode: $ms ms; forwarded RX $frx TX $ftx packets," \
		"the NIC counted RX $3 TX $4"
	[ "$ftx" -gt 0 ] && [ "$frx" -gt 0 ] &&
		[ $((ftx - frx)) -le $burst ] && [ $((frx - ftx)) -le $burst ]
	ktap_res $? packets_both_ways \
		"RX $frx TX $ftx: not both moving, or apart by more than a burst ($burst)"

	# testpmd quit by itself (not by the timeout), none left, the device
	# still on vfio-pci
	[ $rc -eq 0 ] && grep -q "^Bye" "$log" && ! pgrep -x dpdk-testpmd > /dev/null &&
		[ "$(rig_driver "$bdf")" = vfio-pci ]
	ktap_res $? testpmd_clean_exit "exit $rc, device on '$(rig_driver "$bdf")'"

	if [ $ktap_bad -ne 0 ]; then
		echo "# testpmd's errors, then its last lines:"
		{ grep -E 'Error|Cause|[Ff]ail' "$log"; tail -n 20 "$log"; } | sed 's/^/# /'
	fi
	# dpdk-devbind.py clears the override it bound with: set it again, as
	# the rest of the suite leaves e1000e, so no reprobe can move it
	rig_bind "$bdf" vfio-pci
	rmmod e1000e
	return $ktap_bad
}
