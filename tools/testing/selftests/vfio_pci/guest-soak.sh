# SPDX-License-Identifier: GPL-2.0
# The guest's half of the soaks (scripts/rig/soak.sh is the host's).
# Sourced after scripts/rig/guest-lib.sh and guest-suite.sh's functions.
#
# soak_unplug NAME VENDOR:DEVICE CYCLES [PORT]: each cycle binds the
# function (the one below the root port PORT, when given) to
# vfio-pci and starts vfio_pci_hold on it (every BAR mapped, interrupts,
# ERR, REQ and an ioeventfd armed), which creates
# $RIG_OUT/soak-NAME/ready-N; the host then unplugs the function (QMP
# device_del). Odd cycles' users obey the kernel's request and must exit
# 0 with the function gone; even cycles' users ignore it: the function
# must stay while they hold it (two requests seen, ten seconds apart),
# and go once they are killed. Cycle N's path is the group's when N / 2
# is even, the cdev's otherwise: each path meets both users. Then gone-N
# tells the host to plug the function in again
# (device_add), which the next cycle waits for. Prints one line per
# cycle; returns 1 at the first cycle that went wrong.

# soak_find ID [PORT]: the function with these ids, below the root port
# PORT when given (the std set has two edu functions: the one the host
# cycles is the one below its port)
soak_find() {
	local d v dv
	if [ -z "${2:-}" ]; then
		rig_find "$1"
		return
	fi
	for d in "/sys/bus/pci/devices/$2/"????:??:??.?; do
		read -r v 2> /dev/null < "$d/vendor" || continue
		read -r dv 2> /dev/null < "$d/device" || continue
		if [ "${v#0x}:${dv#0x}" = "$1" ]; then
			echo "${d##*/}"
			return 0
		fi
	done
	return 1
}

# soak_present ID SECONDS DIR [PORT]: the function's address once it is
# there. A plug the guest missed (QEMU's ACPI hotplug notification can be
# lost when it comes right after an eject) is found by a rescan after
# 10 s, counted in DIR/trace.
soak_present() {
	local i=0
	while [ $i -lt "$2" ]; do
		soak_find "$1" "${4:-}" 2> /dev/null && return 0
		if [ $i -eq 10 ]; then
			soak_mark "$3" "rescan"
			echo 1 > /sys/bus/pci/rescan
		fi
		sleep 1
		i=$((i + 1))
	done
	return 1
}

# soak_until SECONDS COMMAND...: run COMMAND each second until it succeeds
soak_until() {
	local i=0 n=$1
	shift
	while [ $i -lt "$n" ]; do
		"$@" && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}

soak_gone() { [ ! -e "/sys/bus/pci/devices/$1" ]; }
# soak_mark DIR WHAT: a line of DIR/trace, with the guest's uptime
soak_mark() {
	local up rest
	read -r up rest < /proc/uptime
	echo "$up $2" >> "$1/trace"
}
soak_requests() { [ "$(cat "$1" 2> /dev/null || echo 0)" -ge "$2" ]; }

# soak_cycle NAME ID N DIR [PORT]: one cycle; prose on stdout, 0 when it
# held
soak_cycle() {
	local name=$1 id=$2 i=$3 dir=$4 port=${5:-} bdf path=group ign= pid rc
	soak_mark "$dir" "$i waiting"
	bdf=$(soak_present "$id" 60 "$dir" "$port") ||
		{ echo "not plugged in again"; return 1; }
	soak_mark "$dir" "$i present"
	bound_to "$bdf" vfio-pci || rig_bind "$bdf" vfio-pci > /dev/null ||
		{ echo "$bdf: binding vfio-pci failed"; return 1; }
	soak_mark "$dir" "$i bound"
	[ $((i / 2 % 2)) -eq 1 ] && path=cdev
	[ $((i % 2)) -eq 0 ] && ign=-i
	"$RIG_BIN/vfio_pci_hold" -m $path $ign "$bdf" "$dir/ready-$i" 120 \
		> "$dir/hold-$i.log" 2>&1 &
	pid=$!
	soak_until 60 test -e "$dir/ready-$i" ||
		{ kill -9 $pid 2> /dev/null; echo "the user never got ready"; return 1; }
	soak_mark "$dir" "$i ready"
	if [ -n "$ign" ]; then
		soak_until 60 soak_requests "$dir/ready-$i.req" 2 ||
			{ kill -9 $pid; echo "no second request"; return 1; }
		soak_mark "$dir" "$i asked twice"
		soak_gone "$bdf" &&
			{ kill -9 $pid; echo "taken while held"; return 1; }
		kill -9 $pid
	fi
	rc=0
	wait $pid 2> /dev/null || rc=$?
	[ -n "$ign" ] || [ $rc -eq 0 ] ||
		{ echo "the obeying user exited $rc"; return 1; }
	soak_mark "$dir" "$i released"
	soak_until 60 soak_gone "$bdf" ||
		{ echo "$bdf still there after its user let go"; return 1; }
	soak_mark "$dir" "$i gone"
	echo "$path, $([ -n "$ign" ] && echo ignored || echo obeyed)"
}

soak_unplug() {
	local name=$1 id=$2 cycles=$3 port=${4:-} dir=$RIG_OUT/soak-$1 i=1 out
	mkdir -p "$dir"
	while [ $i -le "$cycles" ]; do
		if ! out=$(soak_cycle "$name" "$id" $i "$dir" "$port"); then
			echo "# $name: cycle $i: $out"
			sed 's/^/# /' "$dir/hold-$i.log" 2> /dev/null
			return 1
		fi
		echo "# $name: cycle $i: $out"
		touch "$dir/gone-$i"
		i=$((i + 1))
	done
	echo "# $name: $cycles cycles, $(grep -c rescan "$dir/trace") rescans"
}

# soak_race SECONDS: vfio_pci_race_soak on each function below, over the
# group and the cdev path, SECONDS each, $RIG_OUT/race-on existing the
# while (the host injects AER errors then); each function must pass
# vfio_pci_basic_test after each run. Prints a line per run; 1 when one
# failed.
SOAK_RACE_DEVICES="edu:1234:11e8 e1000e:8086:10d3 nvme:1b36:0010"
soak_race() {
	local d name bdf mode log rc=0
	[ "$1" -gt 0 ] || return 0
	touch "$RIG_OUT/race-on"
	for d in $SOAK_RACE_DEVICES; do
		name=${d%%:*}
		if ! bdf=$(soak_present "${d#*:}" 60 "$RIG_OUT") ||
		   ! { bound_to "$bdf" vfio-pci || rig_bind "$bdf" vfio-pci > /dev/null; }; then
			echo "# race: $name: not there or not bound to vfio-pci"
			rc=1
			continue
		fi
		for mode in group cdev; do
			log=$RIG_OUT/race-$name-$mode.log
			if "$RIG_BIN/vfio_pci_race_soak" -t "$1" -p 3 -T 3 \
				-m $mode -s "${SOAK_SEED:-1}" "$bdf" > "$log" 2>&1; then
				echo "# race: $name, $mode: $(tail -n 1 "$log")"
			else
				echo "# race: $name, $mode: failed"
				tail -n 20 "$log" | sed 's/^#* */# /'
				rc=1
			fi
			VFIO_PCI_DEV=$bdf "$RIG_BIN/vfio_pci_basic_test" \
				> "$log.basic" 2>&1 ||
				{ echo "# race: $name fails vfio_pci_basic_test after it"; rc=1; }
		done
	done
	rm -f "$RIG_OUT/race-on"
	return $rc
}
