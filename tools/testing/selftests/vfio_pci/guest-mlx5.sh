# SPDX-License-Identifier: GPL-2.0
# mlx5_vfio_pci in the test guest: the administrator's flow of the series'
# vendor driver, on the emulated nvme SR-IOV PF, with the test-only
# mlx5_vfio_pci_testparent standing in for mlx5_core (it adds the same
# mlx5_core.vfio_pci.<id> auxiliary devices through the same header).
# Sourced by guest-suite.sh, after guest-lib.sh; POSIX sh (the guest's is
# dash). Each mlx5_* function prints one KTAP document (ktap_plan, ktap_res of
# guest-lib.sh) and returns non-zero when a result in it failed.

MLX5_PARENT=mlx5_vfio_pci_testparent
MLX5_DRV=mlx5_vfio_pci
MLX5_AUX=/sys/bus/auxiliary/devices
MLX5_NVME=1b36:0010

mlx5_driver() { # mlx5_driver SYSFS-DIR: its driver's name, or nothing
	[ -e "$1/driver" ] && basename "$(readlink "$1/driver")"
}

mlx5_pf() { rig_find $MLX5_NVME; }

mlx5_vf() { # mlx5_vf PF N: address of the PF's Nth VF (from 0)
	basename "$(readlink "/sys/bus/pci/devices/$1/virtfn$2")" 2>/dev/null
}

mlx5_adevs() { ls -d "$MLX5_AUX/mlx5_core.vfio_pci."* 2>/dev/null; }

# mlx5_id_bdf PF ID: the address an auxiliary device id stands for, in
# the PF's domain: bus << 8 | devfn
mlx5_id_bdf() {
	printf '%s:%02x:%02x.%x\n' "${1%%:*}" $(($2 >> 8)) \
		$((($2 >> 3) & 31)) $(($2 & 7))
}

# the kernel log since mlx5_mark
mlx5_mark() { mlx5_log0=$(dmesg | wc -l); }
mlx5_log() { dmesg | tail -n +"$((mlx5_log0 + 1))"; }

# mlx5_parent_on PF NUMVFS: the PF on the stand-in parent with NUMVFS VFs
# that no kernel driver takes by itself
mlx5_parent_on() {
	rig_modprobe $MLX5_PARENT || return 1
	rig_bind "$1" $MLX5_PARENT || return 1
	echo 0 > "/sys/bus/pci/devices/$1/sriov_drivers_autoprobe"
	echo "$2" > "/sys/bus/pci/devices/$1/sriov_numvfs"
}

# mlx5_write VALUE FILE: write as an admin's tool does; prints the error
# (the shell's own echo reports every failure as an I/O error)
mlx5_write() {
	/bin/echo "$1" 2>&1 > "$2" | sed 's/.*: //'
}

# Bad orders first: a VF bound to mlx5_vfio_pci before any parent offers
# its auxiliary device (its PF on the nvme driver here) is refused with
# EAGAIN through bind, deferred through drivers_probe, with a log line
# naming the device; a PF is refused with EINVAL.
mlx5_bad_order() {
	local pf vf err
	ktap_plan 6
	pf=$(mlx5_pf) || return 1
	rig_modprobe nvme && rig_bind "$pf" nvme || return 1
	echo 0 > "/sys/bus/pci/devices/$pf/sriov_drivers_autoprobe"
	echo 1 > "/sys/bus/pci/devices/$pf/sriov_numvfs" || return 1
	vf=$(mlx5_vf "$pf" 0)
	rig_modprobe $MLX5_DRV || return 1
	mlx5_mark
	echo $MLX5_DRV > "/sys/bus/pci/devices/$vf/driver_override"
	err=$(mlx5_write "$vf" /sys/bus/pci/drivers/$MLX5_DRV/bind)
	[ "$err" = "Resource temporarily unavailable" ] &&
		[ -z "$(mlx5_driver "/sys/bus/pci/devices/$vf")" ]
	ktap_res $? bind_without_parent_eagain \
		"bind: '$err', driver $(mlx5_driver "/sys/bus/pci/devices/$vf")"
	mlx5_log | grep -q "$vf: waiting for mlx5_core.vfio_pci.[0-9]*"
	ktap_res $? bind_without_parent_logged "no log line naming the auxiliary device"
	echo "$vf" > /sys/bus/pci/drivers_probe
	grep -q "$vf" /sys/kernel/debug/devices_deferred &&
		[ -z "$(mlx5_driver "/sys/bus/pci/devices/$vf")" ]
	ktap_res $? probe_without_parent_deferred "$vf not in devices_deferred"
	echo 0 > "/sys/bus/pci/devices/$pf/sriov_numvfs"
	[ ! -e "/sys/bus/pci/devices/$vf" ] &&
		! grep -q "$vf" /sys/kernel/debug/devices_deferred
	ktap_res $? vf_removed_while_deferred "$vf still there"
	mlx5_mark
	echo $MLX5_DRV > "/sys/bus/pci/devices/$pf/driver_override"
	echo "$pf" > "/sys/bus/pci/devices/$pf/driver/unbind"
	err=$(mlx5_write "$pf" /sys/bus/pci/drivers/$MLX5_DRV/bind)
	[ "$err" = "Invalid argument" ] && mlx5_log | grep -q "$pf: not a VF"
	ktap_res $? pf_refused_einval "bind: '$err'"
	rig_unbind "$pf"
	echo 1 > "/sys/bus/pci/devices/$pf/sriov_drivers_autoprobe"
	# the module goes and comes back with nothing bound
	rmmod $MLX5_DRV && rig_modprobe $MLX5_DRV
	ktap_res $? reload_unbound "modules: $(lsmod | grep mlx5)"
	return $ktap_bad
}

# The administrator's flow: VFs enabled on a parent, one auxiliary device
# per VF, named after the VF and bound to mlx5_vfio_pci; VF 0 bound to
# mlx5_vfio_pci with driver_override. Leaves VF 0 bound for the uAPI tests.
mlx5_admin_flow() {
	local pf vf a id bdf n=0 ok=0 drv=0
	ktap_plan 7
	pf=$(mlx5_pf) || return 1
	mlx5_parent_on "$pf" 2
	ktap_res $? enable_vfs "sriov_numvfs=2 on $MLX5_PARENT failed"
	for a in $(mlx5_adevs); do
		n=$((n + 1))
		id=${a##*.}
		bdf=$(mlx5_id_bdf "$pf" "$id")
		echo "# $(basename "$a") -> $bdf, driver $(mlx5_driver "$a")"
		# the id names one of this PF's VFs, and the device hangs off it
		if [ "$(readlink -f "/sys/bus/pci/devices/$bdf/physfn")" = \
		     "$(readlink -f "/sys/bus/pci/devices/$pf")" ] &&
		   [ "$(basename "$(dirname "$(readlink -f "$a")")")" = "$pf" ]; then
			ok=$((ok + 1))
		fi
		[ "$(mlx5_driver "$a")" = $MLX5_DRV ] && drv=$((drv + 1))
	done
	[ $n -eq 2 ]
	ktap_res $? one_adev_per_vf "$n auxiliary devices for 2 VFs"
	[ $ok -eq 2 ]
	ktap_res $? adev_id_is_vf_bdf "$ok of $n ids decode to a VF of $pf"
	[ $drv -eq 2 ]
	ktap_res $? adev_driver_link "$drv of $n bound to $MLX5_DRV"
	vf=$(mlx5_vf "$pf" 0)
	rig_bind "$vf" $MLX5_DRV
	ktap_res $? bind_vf_driver_override "$vf not bound to $MLX5_DRV"
	[ -e "/dev/vfio/$(rig_group "$vf")" ] &&
		ls "/sys/bus/pci/devices/$vf/vfio-dev/" | grep -q '^vfio[0-9]'
	ktap_res $? vf_on_vfio "no group node or vfio-dev cdev for $vf"
	# a VF already enabled: the PCI core refuses a second count
	! (echo 1 > "/sys/bus/pci/devices/$pf/sriov_numvfs") 2>/dev/null
	ktap_res $? numvfs_while_enabled_refused "sriov_numvfs=1 accepted over 2"
	return $ktap_bad
}

# mlx5_wait_ready READY PID SECONDS: wait for READY, which the
# vfio_pci_wait_event of PID creates once it holds the device open with
# its eventfd armed. Returns 1, the reason in $mlx5_why, when PID exits
# first or nothing comes within SECONDS; a hung waiter is killed. The
# limit is there to catch a hang, not a slow machine: getting ready is a
# few system calls, so SECONDS can be generous.
mlx5_wait_ready() {
	local ready=$1 pid=$2 ticks=$(($3 * 10))
	mlx5_why=
	while [ ! -e "$ready" ]; do
		if ! kill -0 "$pid" 2>/dev/null; then
			mlx5_why="the waiter exited before it had the device open"
			return 1
		fi
		if [ "$ticks" -le 0 ]; then
			mlx5_why="the waiter did not have the device open within $3 s"
			kill "$pid" 2>/dev/null
			return 1
		fi
		sleep 0.1
		ticks=$((ticks - 1))
	done
}

# The auxiliary device unbound from its driver takes the VF with it; a VF
# probed meanwhile waits, deferred, and binds by itself once the
# auxiliary device is bound again.
mlx5_aux_rebind() {
	local pf vf a
	ktap_plan 3
	pf=$(mlx5_pf) || return 1
	vf=$(mlx5_vf "$pf" 0)
	a=$(basename "$(ls -d "$MLX5_AUX"/mlx5_core.vfio_pci.* | head -n 1)")
	echo "$a" > /sys/bus/auxiliary/drivers/$MLX5_DRV/unbind
	[ -z "$(mlx5_driver "/sys/bus/pci/devices/$vf")" ]
	ktap_res $? aux_unbind_unbinds_vf "$vf still bound"
	echo "$vf" > /sys/bus/pci/drivers_probe
	grep -q "$vf" /sys/kernel/debug/devices_deferred
	ktap_res $? vf_deferred_without_adev "$vf not deferred"
	echo "$a" > /sys/bus/auxiliary/drivers/$MLX5_DRV/bind
	# the deferred probe runs from a work item: a bound that catches a
	# hang, not a slow machine
	for _ in $(seq 600); do
		[ "$(mlx5_driver "/sys/bus/pci/devices/$vf")" = $MLX5_DRV ] && break
		sleep 0.1
	done
	[ "$(mlx5_driver "/sys/bus/pci/devices/$vf")" = $MLX5_DRV ]
	ktap_res $? vf_binds_with_adev "$vf not bound after $a came back"
	return $ktap_bad
}

# The parent goes while VF 0 is open: its user is asked for the device
# (REQ) and closes it, then the auxiliary devices, the VFs and the module
# go; a second unload is refused; reloaded, the flow works again.
mlx5_parent_unload() {
	local pf vf ready=$TMPDIR/mlx5.ready wpid rpid rc rrc
	ktap_plan 10
	pf=$(mlx5_pf) || return 1
	vf=$(mlx5_vf "$pf" 0)
	rm -f "$ready"
	mlx5_mark
	"$RIG_BIN/vfio_pci_wait_event" "$vf" req 60 "$ready" &
	wpid=$!
	mlx5_wait_ready "$ready" $wpid 120
	ktap_res $? user_ready "$mlx5_why"
	rmmod $MLX5_PARENT &
	rpid=$!
	wait $wpid
	rc=$?
	wait $rpid
	rrc=$?
	[ $rc -eq 0 ]
	ktap_res $? request_on_parent_unload "the user saw no request (status $rc)"
	[ $rrc -eq 0 ] && [ ! -d /sys/module/$MLX5_PARENT ]
	ktap_res $? parent_unloaded "rmmod status $rrc"
	[ -z "$(mlx5_adevs)" ] && [ ! -e "/sys/bus/pci/devices/$vf" ]
	ktap_res $? adevs_and_vfs_gone \
		"left: $(mlx5_adevs) $(ls -d "/sys/bus/pci/devices/$vf" 2>/dev/null)"
	mlx5_log | grep -q "$vf: mlx5_core.vfio_pci.[0-9]* is going: unbinding the VF"
	ktap_res $? teardown_logged "no unbinding line in the log"
	! rmmod $MLX5_PARENT 2>/dev/null
	ktap_res $? second_unload_refused "a second rmmod succeeded"
	mlx5_parent_on "$pf" 1
	ktap_res $? parent_reloaded "sriov_numvfs=1 after reload failed"
	vf=$(mlx5_vf "$pf" 0)
	rig_bind "$vf" $MLX5_DRV &&
		VFIO_PCI_DEV=$vf "$RIG_BIN/vfio_pci_config_test" \
			> "$TMPDIR/mlx5.out" 2>&1
	rc=$?
	# its diagnostics and failures, not its header, plan and passes
	grep -v '^ok\|^TAP version\|^1\.\.' "$TMPDIR/mlx5.out" | sed 's/^#* */# /'
	ktap_res $rc rebind_and_use "VF $vf after reload"
	# SR-IOV disabled twice: the second time there is nothing to remove
	echo 0 > "/sys/bus/pci/devices/$pf/sriov_numvfs" &&
		echo 0 > "/sys/bus/pci/devices/$pf/sriov_numvfs" &&
		[ -z "$(mlx5_adevs)" ]
	ktap_res $? disable_twice "left: $(mlx5_adevs)"
	echo "$pf" > /sys/bus/pci/drivers/$MLX5_PARENT/unbind &&
		! (echo "$pf" > /sys/bus/pci/drivers/$MLX5_PARENT/unbind) 2>/dev/null
	ktap_res $? unbind_parent_twice "the second unbind did not fail"
	return $ktap_bad
}

# The vendor module while VFs are bound: refused while one is open, then
# unloaded (the VF unbound, the auxiliary devices unclaimed); loaded again
# it binds the waiting VF by itself, whatever the order of the modules.
mlx5_vendor_unload() {
	local pf vf ready=$TMPDIR/mlx5.ready wpid
	ktap_plan 6
	pf=$(mlx5_pf) || return 1
	mlx5_parent_on "$pf" 1 || return 1
	vf=$(mlx5_vf "$pf" 0)
	rig_bind "$vf" $MLX5_DRV || return 1
	rm -f "$ready"
	"$RIG_BIN/vfio_pci_wait_event" "$vf" req 30 "$ready" > /dev/null 2>&1 &
	wpid=$!
	if mlx5_wait_ready "$ready" $wpid 120; then
		ktap_res 0 user_ready
		! rmmod $MLX5_DRV 2>/dev/null &&
			[ "$(mlx5_driver "/sys/bus/pci/devices/$vf")" = $MLX5_DRV ]
		ktap_res $? unload_while_open_refused "rmmod succeeded with $vf open"
	else
		ktap_res 1 user_ready "$mlx5_why"
		ktap_res 1 unload_while_open_refused "not tried: $vf was never open"
	fi
	kill $wpid 2>/dev/null
	wait $wpid
	rmmod $MLX5_DRV && [ -z "$(mlx5_driver "/sys/bus/pci/devices/$vf")" ] &&
		[ -z "$(mlx5_driver "$(mlx5_adevs)")" ]
	ktap_res $? unload_while_bound "VF or auxiliary device still bound"
	rig_modprobe $MLX5_DRV
	[ "$(mlx5_driver "/sys/bus/pci/devices/$vf")" = $MLX5_DRV ] &&
		[ "$(mlx5_driver "$(mlx5_adevs)")" = $MLX5_DRV ]
	ktap_res $? reload_binds_waiting_vf "$vf not bound again after modprobe"
	# the other order: the vendor module first, the parent after
	rmmod $MLX5_DRV
	echo 0 > "/sys/bus/pci/devices/$pf/sriov_numvfs"
	rig_unbind "$pf"
	rmmod $MLX5_PARENT
	rig_modprobe $MLX5_DRV && mlx5_parent_on "$pf" 1 &&
		[ "$(mlx5_driver "$(mlx5_adevs)")" = $MLX5_DRV ]
	ktap_res $? vendor_before_parent "auxiliary device unbound"
	vf=$(mlx5_vf "$pf" 0)
	rig_bind "$vf" $MLX5_DRV &&
		VFIO_PCI_DEV=$vf "$RIG_BIN/vfio_pci_reset_test" \
			> "$TMPDIR/mlx5.out" 2>&1
	ktap_res $? vendor_before_parent_bind "VF $vf"
	return $ktap_bad
}

# Leaves the PF as the suite found it: on vfio-pci, no VFs, no mlx5
# modules.
mlx5_cleanup() {
	local pf
	pf=$(mlx5_pf) || return 1
	if [ "$(mlx5_driver "/sys/bus/pci/devices/$pf")" = $MLX5_PARENT ]; then
		echo 0 > "/sys/bus/pci/devices/$pf/sriov_numvfs"
	fi
	echo 1 > "/sys/bus/pci/devices/$pf/sriov_drivers_autoprobe"
	rmmod $MLX5_DRV 2>/dev/null
	rig_unbind "$pf"
	rmmod $MLX5_PARENT 2>/dev/null
	rig_bind "$pf" vfio-pci
}
