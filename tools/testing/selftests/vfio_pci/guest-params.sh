# SPDX-License-Identifier: GPL-2.0
# The vfio_pci module's parameters and match table, as an admin sees and
# uses them. Sourced by guest-suite.sh (it needs its ours and bound_to),
# after scripts/rig/guest-lib.sh; params_test prints one KTAP document.
# It reloads vfio_pci several times and leaves it loaded without
# parameters, edu bound to it, and the other functions it takes either
# on vfio-pci (VGA) or on the driver they had (e1000e, nvme, testdev).
# Results only our driver can give are skipped on upstream, with the
# reason; the rest expect on each flavor what its driver does.

# name:sysfs mode of each parameter of both drivers, then of ours alone
PARAMS="ids:0 nointxmask:644 disable_vga:444 disable_idle_d3:644
enable_sriov:644 disable_denylist:444"
PARAMS_OURS="test_denylist:0"
PARAMS_TESTS="new_id disable_vga disable_denylist override_only_probe
alias_vfio_pci alias_mlx5_vfio_pci denylist_refused denylist_disabled
bad_params disable_idle_d3_per_device nointxmask_per_device"

# vfio_pci again, with the parameters given
params_reload() {
	rmmod vfio_pci && rig_modprobe vfio_pci "$@"
}

# params_mark NAME: a mark in the kernel log; params_logged PATTERN: has
# the kernel logged PATTERN (grep) since the last mark?
params_mark() {
	params_n=$((${params_n:-0} + 1))
	echo "[params] $1 #$params_n" > /dev/kmsg
}

params_logged() {
	dmesg | sed -n "/\[params\] .* #$params_n\$/,\$p" | grep -q "$1"
}

# params_restore BDF DRIVER: give the function back to DRIVER (or to
# none), without a driver_override
params_restore() {
	rig_unbind "$1"
	[ -z "$2" ] || echo "$1" > "/sys/bus/pci/drivers/$2/bind"
}

# params_uptime: seconds since boot, in $params_up
params_uptime() {
	read -r params_up _ < /proc/uptime
	params_up=${params_up%.*}
}

# power_reaches BDF STATE: the function's power state is STATE within 5 s
# (timed by the clock: a loop of commands is slow under TCG)
power_reaches() {
	local st end
	params_uptime
	end=$((params_up + 5))
	while :; do
		read -r st < "/sys/bus/pci/devices/$1/power_state"
		[ "$st" = "$2" ] && return 0
		params_uptime
		[ "$params_up" -lt $end ] || return 1
		sleep 0.2
	done
}

# idle_state BDF: D3hot when the function, unused, goes to sleep within
# 5 s, else its state then (D0)
idle_state() {
	local st
	if power_reaches "$1" D3hot; then
		echo D3hot
	else
		read -r st < "/sys/bus/pci/devices/$1/power_state"
		echo "$st"
	fi
}

# held_open BDF CMD...: run CMD while a VFIO user (vfio_pci_wait_event)
# has the function open, then close it; fails if it did not open
held_open() {
	local bdf=$1 pid end rc=1
	shift
	rm -f "$TMPDIR/params.ready"
	"$RIG_BIN/vfio_pci_wait_event" "$bdf" req 60 "$TMPDIR/params.ready" \
		> "$TMPDIR/params.wait" 2>&1 &
	pid=$!
	params_uptime
	end=$((params_up + 30))
	while [ ! -e "$TMPDIR/params.ready" ] && [ "$params_up" -lt $end ] &&
	      kill -0 $pid 2>/dev/null; do
		sleep 0.1
		params_uptime
	done
	if [ -e "$TMPDIR/params.ready" ]; then
		"$@"
		rc=$?
	else
		sed 's/^/# /' "$TMPDIR/params.wait"
	fi
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	return $rc
}

# intx_bit BDF: the function's INTx-disable bit, 1 or 0
intx_bit() {
	echo $((0x$(setpci -s "$1" COMMAND) >> 10 & 1))
}

# intx_mask_of BDF: where the function's INTx is masked, as its driver
# set it up at the open: "bit" (its INTx-disable bit, PCI 2.3) or
# "irqchip" (nointxmask), "none" if it did not open. Ours sets the bit as
# the device opens, to keep a shared line quiet; the base tree's clears a
# set bit at the open instead; under nointxmask neither touches it.
intx_mask_of() {
	local bit
	if ours; then
		setpci -s "$1" COMMAND=0000:0400
		bit=$(held_open "$1" intx_bit "$1") || { echo none; return; }
		[ "$bit" = 1 ] && echo bit || echo irqchip
	else
		setpci -s "$1" COMMAND=0400:0400
		bit=$(held_open "$1" intx_bit "$1") || { echo none; return; }
		[ "$bit" = 0 ] && echo bit || echo irqchip
	fi
	setpci -s "$1" COMMAND=0000:0400
}

# Each parameter described (modinfo), with the sysfs mode admins know.
params_modes() {
	local p name mode got parm
	parm=$(modinfo -b "$RIG_MODS" -F parm vfio_pci)
	for p in $PARAMS $PARAMS_OURS; do
		name=${p%%:*} mode=${p#*:}
		case " $PARAMS_OURS " in
		*" $p "*)
			if ! ours; then
				ktap_skip "param_$name" "ours alone (a test hook)"
				continue
			fi
		esac
		got=$(stat -c %a "/sys/module/vfio_pci/parameters/$name" 2>/dev/null || echo 0)
		if echo "$parm" | grep -q "^$name:.\{20,\}"; then
			[ "$got" = "$mode" ]
			ktap_res $? "param_$name" "sysfs mode $got, expected $mode"
		else
			ktap_res 1 "param_$name" "no description in modinfo"
		fi
	done
}

# new_id binds an unbound device of that ID; remove_id undoes it.
params_new_id() {
	rig_unbind "$1"
	echo "1234 11e8" > /sys/bus/pci/drivers/vfio-pci/new_id
	bound_to "$1" vfio-pci
	ktap_res $? new_id "edu not bound after new_id"
	echo "1234 11e8" > /sys/bus/pci/drivers/vfio-pci/remove_id
	rig_bind "$1" vfio-pci >/dev/null
}

# disable_vga=1 takes the VGA region away from VGA devices
params_disable_vga() {
	local vga got
	vga=$(rig_find 1234:1111)
	rig_bind "$vga" vfio-pci >/dev/null
	got=$("$RIG_BIN/vfio_pci_demo" "$vga" | grep -m1 "region 8 VGA")
	params_reload disable_vga=1
	case $got in
	*"not present"*) ktap_res 1 disable_vga "no VGA region to begin with: $got" ;;
	*) "$RIG_BIN/vfio_pci_demo" "$vga" | grep -m1 "region 8 VGA" | grep -q "not present"
	   ktap_res $? disable_vga "the VGA region is still offered" ;;
	esac
}

# disable_denylist=1 is announced at load, by both drivers
params_disable_denylist() {
	params_mark disable_denylist
	params_reload disable_denylist=1
	params_logged "denylist disabled"
	ktap_res $? disable_denylist "no \"denylist disabled\" in the kernel log"
}

# The match table's one row is override-only (a vfio_pci: alias): an
# unbound device without driver_override stays unbound through
# drivers_probe and a reload; with driver_override it binds.
params_override_only() {
	local why=
	params_reload
	rig_unbind "$1"
	echo "$1" > /sys/bus/pci/drivers_probe
	! bound_to "$1" vfio-pci || why="bound by drivers_probe without driver_override"
	params_reload
	[ -n "$why" ] || ! bound_to "$1" vfio-pci ||
		why="bound by the module's load without driver_override"
	[ -n "$why" ] || rig_bind "$1" vfio-pci 2>/dev/null ||
		why="not bound with driver_override (control)"
	[ -z "$why" ]
	ktap_res $? override_only_probe "edu $why"
}

# vfio_pci's aliases are all vfio_pci: ones: edu's own modalias (pci:...,
# what udev loads drivers by) resolves to no module of it, its vfio_pci:
# form (what a tool choosing a VFIO driver looks up) to vfio_pci.
params_alias_vfio_pci() {
	local aliases ma why=
	aliases=$(modinfo -b "$RIG_MODS" -F alias vfio_pci)
	ma=$(cat "/sys/bus/pci/devices/$1/modalias")
	echo "# vfio_pci aliases: $(echo $aliases)"
	if [ -z "$aliases" ]; then
		why="no alias"
	elif echo "$aliases" | grep -qv '^vfio_pci:'; then
		why="an alias is not vfio_pci: $(echo $aliases)"
	elif rig_modprobe -R "$ma" 2>/dev/null | grep -qx vfio_pci; then
		why="$ma resolves to vfio_pci"
	elif ! rig_modprobe -R "vfio_pci:${ma#pci:}" 2>/dev/null | grep -qx vfio_pci; then
		why="vfio_pci:${ma#pci:} does not resolve to vfio_pci"
	fi
	[ -z "$why" ]
	ktap_res $? alias_vfio_pci "$why"
}

# mlx5_vfio_pci's PCI aliases are all vfio_pci: ones, one per VF id of its
# table: an mlx5 VF's vfio_pci: alias resolves to it (and to vfio_pci,
# which takes any id: the more specific one is the one to pick), its
# pci: alias does not, nor does edu's vfio_pci: alias.
MLX5_VF_ALIAS=v000015B3d0000101Esv000015B3sd00000000bc02sc00i00
params_alias_mlx5() {
	local aliases ma why=
	if ! aliases=$(modinfo -b "$RIG_MODS" -F alias mlx5_vfio_pci 2>/dev/null); then
		if ours; then
			ktap_res 1 alias_mlx5_vfio_pci "no module mlx5_vfio_pci"
		else
			ktap_skip alias_mlx5_vfio_pci "no mlx5 VFIO driver in this" \
				"flavor (the base tree's needs mlx5_core)"
		fi
		return
	fi
	ma=$(cat "/sys/bus/pci/devices/$1/modalias")
	echo "# mlx5_vfio_pci aliases: $(echo $aliases)"
	if echo "$aliases" | grep -q '^pci:'; then
		why="a pci: alias: $(echo $aliases)"
	elif [ "$(echo "$aliases" | grep -c '^vfio_pci:v000015B3d')" -ne 8 ]; then
		why="not 8 vfio_pci: aliases of mlx5 VF ids"
	elif ! rig_modprobe -R "vfio_pci:$MLX5_VF_ALIAS" | grep -qx mlx5_vfio_pci; then
		why="vfio_pci:$MLX5_VF_ALIAS does not resolve to mlx5_vfio_pci"
	elif rig_modprobe -R "pci:$MLX5_VF_ALIAS" 2>/dev/null | grep -qx mlx5_vfio_pci; then
		why="pci:$MLX5_VF_ALIAS resolves to mlx5_vfio_pci"
	elif rig_modprobe -R "vfio_pci:${ma#pci:}" | grep -qx mlx5_vfio_pci; then
		why="edu's vfio_pci:${ma#pci:} resolves to mlx5_vfio_pci"
	fi
	[ -z "$why" ]
	ktap_res $? alias_mlx5_vfio_pci "$why"
}

# The denylist: no function here has an id of it (QEMU emulates none), so
# our driver's test hook, test_denylist=, puts edu's id on it. Refused
# through driver_override (at load and by drivers_probe) and new_id,
# with the reason logged, while a function not listed binds; bound with
# disable_denylist=1, with a warning, and usable.
params_denylist() {
	local edu=$1 tdev why= orig t
	if ! ours; then
		for t in denylist_refused denylist_disabled; do
			ktap_skip "$t" "no function here has an id of the base tree's" \
				"denylist, and it has no test hook to add one"
		done
		return
	fi
	tdev=$(rig_find 1b36:0005)
	orig=$(rig_driver "$tdev")
	params_mark denylist_refused
	params_reload test_denylist=1234:11e8
	if bound_to "$edu" vfio-pci; then
		why="edu bound at load"
	elif ! params_logged "1234:11e8 has errata .* not bound"; then
		why="no refusal in the kernel log"
	elif rig_bind "$edu" vfio-pci 2>/dev/null; then
		why="edu bound by driver_override and drivers_probe"
	else
		rig_unbind "$edu"
		echo "1234 11e8" > /sys/bus/pci/drivers/vfio-pci/new_id
		bound_to "$edu" vfio-pci && why="edu bound by new_id"
		echo "1234 11e8" > /sys/bus/pci/drivers/vfio-pci/remove_id
		[ -n "$why" ] || rig_bind "$tdev" vfio-pci 2>/dev/null ||
			why="testdev, not listed, refused too (control)"
	fi
	[ -z "$why" ]
	ktap_res $? denylist_refused "$why"
	params_restore "$tdev" "$orig"

	why=
	echo vfio-pci > "/sys/bus/pci/devices/$edu/driver_override"
	params_mark denylist_disabled
	params_reload test_denylist=1234:11e8 disable_denylist=1
	if ! bound_to "$edu" vfio-pci; then
		why="edu not bound at load"
	elif ! params_logged "1234:11e8 has errata .* bound anyway"; then
		why="no warning in the kernel log"
	elif ! "$RIG_BIN/vfio_pci_demo" "$edu" > "$TMPDIR/params.demo" 2>&1; then
		sed 's/^/# /' "$TMPDIR/params.demo"
		why="edu bound but not usable"
	fi
	[ -z "$why" ]
	ktap_res $? denylist_disabled "$why"
}

# disable_idle_d3 is the driver's choice per device: ours takes it as
# each device binds (README, MODULE_PARM_DESC: "applies to devices bound
# afterwards"), the base tree once, at load, for all. e1000e (E) and the
# nvme PF (N) sleep in D3hot when bound and unused; the parameter is
# written between binds, and the state each is in, unused, is read after
# a bind or an open and close:
#   E bound (0) | write 1, N bound | E opened | N opened | write 0, N opened | N bound again
IDLE_D3_OURS="D3hot D0 D3hot D0 D0 D3hot"
IDLE_D3_BASE="D3hot D3hot D3hot D3hot D3hot D3hot"
params_idle_d3() {
	local e n oe on got= want=$IDLE_D3_BASE p=/sys/module/vfio_pci/parameters/disable_idle_d3
	ours && want=$IDLE_D3_OURS
	e=$(rig_find 8086:10d3) && n=$(rig_find 1b36:0010) || {
		ktap_res 1 disable_idle_d3_per_device "no e1000e or nvme"
		return
	}
	oe=$(rig_driver "$e") on=$(rig_driver "$n")
	params_reload
	rig_bind "$e" vfio-pci && got="$got $(idle_state "$e")"
	echo 1 > $p
	rig_bind "$n" vfio-pci && got="$got $(idle_state "$n")"
	held_open "$e" true && got="$got $(idle_state "$e")"
	held_open "$n" true && got="$got $(idle_state "$n")"
	echo 0 > $p
	held_open "$n" true && got="$got $(idle_state "$n")"
	rig_bind "$n" vfio-pci && got="$got $(idle_state "$n")"
	echo "# disable_idle_d3: idle states:$got"
	[ "${got# }" = "$want" ]
	ktap_res $? disable_idle_d3_per_device "idle states:${got}, expected $want"
	params_restore "$e" "$oe"
	params_restore "$n" "$on"
}

# nointxmask likewise, on edu, seen as where its INTx is masked (see
# intx_mask_of) while open:
#   bound (0) | write 1 | bound again | write 0 | bound again
NOINTXMASK_OURS=bit/bit/irqchip/irqchip/bit
NOINTXMASK_BASE=bit/bit/bit/bit/bit
params_nointxmask() {
	local edu=$1 got= want=$NOINTXMASK_BASE p=/sys/module/vfio_pci/parameters/nointxmask
	ours && want=$NOINTXMASK_OURS
	params_reload
	rig_bind "$edu" vfio-pci && got="$got $(intx_mask_of "$edu")"
	echo 1 > $p
	got="$got $(intx_mask_of "$edu")"
	rig_bind "$edu" vfio-pci && got="$got $(intx_mask_of "$edu")"
	echo 0 > $p
	got="$got $(intx_mask_of "$edu")"
	rig_bind "$edu" vfio-pci && got="$got $(intx_mask_of "$edu")"
	echo "# nointxmask: INTx masked by:$got"
	[ "$(echo $got | tr ' ' /)" = "$want" ]
	ktap_res $? nointxmask_per_device "INTx masked by:${got}, expected $want"
}

# Entries of ids= and test_denylist= that do not parse, and those past
# test_denylist='s four, are logged and left out; the rest are taken, the
# driver loads and binds what it is asked to. Ours: the base tree logs
# otherwise and has no test_denylist.
params_bad() {
	local edu=$1 why= e
	if ! ours; then
		ktap_skip bad_params "the log lines are our driver's"
		return
	fi
	params_mark bad_params
	if ! params_reload ids=zz,8086 test_denylist=1:2,3:4,5:6,7:8,9:a,qq; then
		why="vfio_pci did not load"
	fi
	for e in zz 8086; do
		[ -n "$why" ] || params_logged "ids: cannot parse \"$e\"" ||
			why="ids=$e not logged"
	done
	for e in 9:a qq; do
		[ -n "$why" ] || params_logged "test_denylist: ignoring \"$e\"" ||
			why="test_denylist entry $e not logged"
	done
	[ -n "$why" ] || params_logged "test_denylist: 0007:0008 refused" ||
		why="the fourth test_denylist entry not taken"
	if [ -z "$why" ] && ! bound_to "$edu" vfio-pci &&
		! rig_bind "$edu" vfio-pci > /dev/null; then
		why="edu not bound"
	fi
	[ -z "$why" ]
	ktap_res $? bad_params "$why"
}

# params_skip NAME...: results not run on this flavor
params_skip() {
	local t
	for t; do
		ktap_skip "$t" "runs on vm and upstream (parameter plumbing," \
			"slow on the debug kernel)"
	done
}

# On debug, where each reload takes ten seconds and a shell loop crawls
# (seven minutes for the whole test), only what runs driver paths no
# other test takes: probe at load and by drivers_probe, a refused probe.
params_debug() {
	local edu=$1 p
	for p in $PARAMS $PARAMS_OURS; do
		params_skip "param_${p%%:*}"
	done
	params_skip new_id disable_vga disable_denylist
	params_override_only "$edu"
	params_skip alias_vfio_pci alias_mlx5_vfio_pci
	params_denylist "$edu"
	params_skip bad_params disable_idle_d3_per_device nointxmask_per_device
	params_reload
	bound_to "$edu" vfio-pci || rig_bind "$edu" vfio-pci
	return $ktap_bad
}

params_test() {
	local edu
	ktap_plan $(($(echo $PARAMS $PARAMS_OURS $PARAMS_TESTS | wc -w)))
	edu=$(rig_find 1234:11e8)
	if [ "$RIG_FLAVOR" = debug ]; then
		params_debug "$edu"
		return
	fi
	params_modes
	# a fresh load first: the ids= test left edu's ID in the driver
	params_reload
	params_new_id "$edu"
	params_disable_vga
	params_disable_denylist
	params_override_only "$edu"
	params_alias_vfio_pci "$edu"
	params_alias_mlx5 "$edu"
	params_denylist "$edu"
	params_bad "$edu"
	params_idle_d3
	params_nointxmask "$edu"
	params_reload
	bound_to "$edu" vfio-pci || rig_bind "$edu" vfio-pci
	return $ktap_bad
}
