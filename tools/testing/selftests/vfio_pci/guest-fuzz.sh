# SPDX-License-Identifier: GPL-2.0
# vfio_pci_fuzz in the guest, for the suite (a short run) and make fuzz
# (scripts/rig/fuzz.sh, a long one). Sourced after scripts/rig/guest-lib.sh
# and guest-suite.sh's functions (bound_to).
#
# fuzz_test SECONDS prints one KTAP document, a result per device: the
# device bound to its driver; the crash reproducers (fuzz/repro) and the
# device's corpus (fuzz/corpus/NAME.prog) replayed over the group path;
# SECONDS of fuzzing alternating the group and cdev paths in sessions of
# FUZZ_SESSION programs (20 unless set), from the seed FUZZ_SEED (1
# unless set: the suite's run is the same each time; make fuzz takes the
# clock); then the device still passing vfio_pci_basic_test (a VF, whose
# config space sysfs does not show as the fd does: vfio_pci_config_test).
# The kernel log is the rig's to judge (a
# report fails the run). When the fuzzing kills the kernel,
# $RIG_OUT/fuzz-NAME/session.log holds the programs of the session that
# did it, for vfio_pci_fuzz -r; run.log beside it is the fuzzer's output
# (edges and operations every 10 s).

FUZZ_SRC=$RIG_TOP/tools/testing/selftests/vfio_pci/fuzz
# name:vendor:device of each function fuzzed, bound to vfio-pci;
# nvme_vf:vf is the nvme PF's first VF, made for the run (guest-suite.sh's
# nvme_vf_create); edu_variant:variant the second edu function on the
# sample variant driver (samples/vfio-pci), with its snapshot region and
# its migration
FUZZ_DEVICES="edu:1234:11e8 e1000e:8086:10d3 nvme:1b36:0010
ivshmem:1af4:1110 vga:1234:1111 testdev:1b36:0005 nvme_vf:vf
edu_variant:variant"
FUZZ_VARIANT_DRV=edu_vfio_pci
# programs per session (the device opened again between sessions)
FUZZ_SESSION=${FUZZ_SESSION:-20}

# fuzz_dev_get ID: sets fuzz_bdf to the function's address (a VF made
# for "vf"), bound to the driver it is fuzzed on; fuzz_old_drv to the
# driver the variant's function had
fuzz_dev_get() {
	local drv=vfio-pci
	case $1 in
	vf) fuzz_bdf=$(nvme_vf_create) ;;
	variant)
		rig_modprobe $FUZZ_VARIANT_DRV > /dev/null &&
			fuzz_bdf=$(rig_find 1234:11e8 2) || return 1
		fuzz_old_drv=$(rig_driver "$fuzz_bdf")
		drv=$FUZZ_VARIANT_DRV
		;;
	*) fuzz_bdf=$(rig_find "$1") ;;
	esac
	[ -n "$fuzz_bdf" ] || return 1
	bound_to "$fuzz_bdf" $drv || rig_bind "$fuzz_bdf" $drv > /dev/null
}

# fuzz_dev_put ID BDF: what fuzz_dev_get made, undone
fuzz_dev_put() {
	case $1 in
	vf) nvme_vf_remove > /dev/null ;;
	variant)
		rig_unbind "$2" 2> /dev/null
		if [ -n "$fuzz_old_drv" ]; then
			rig_bind "$2" "$fuzz_old_drv" > /dev/null || return 1
		fi
		rmmod $FUZZ_VARIANT_DRV
		;;
	esac
}

# fuzz_one NAME BDF SECONDS: 0 when all of it went well; its output
# (prose) on stdout
fuzz_one() {
	local name=$1 bdf=$2 secs=$3 out=$RIG_OUT/fuzz-$1 corpus rc conf
	mkdir -p "$out"
	corpus=$FUZZ_SRC/corpus/$name.prog
	[ -f "$corpus" ] || corpus=$FUZZ_SRC/repro
	"$RIG_BIN/vfio_pci_fuzz" -m group -r "$FUZZ_SRC/repro" -r "$corpus" \
		"$bdf" || { echo "replay of the corpus failed"; return 1; }
	# a kernel without the cdev path (the distro's: guest-suite.sh's
	# VFIO_CDEV_OFF) has every session on the group path: alternating,
	# each cdev session would fail to open, and the fuzzing stop there
	[ -n "$VFIO_CDEV_OFF" ] && echo "cdev path: SKIP $VFIO_CDEV_OFF"
	[ -n "$NO_KCOV" ] && echo "coverage: $NO_KCOV: the fuzzing is blind"
	"$RIG_BIN/vfio_pci_fuzz" -t "$secs" -S "$FUZZ_SESSION" -s "${FUZZ_SEED:-1}" \
		${VFIO_CDEV_OFF:+-m group} -o "$out" \
		${FUZZ_CORPUS_OUT:+-w -c "$FUZZ_CORPUS_OUT/$name"} "$bdf"
	rc=$?
	[ $rc -eq 0 ] || { echo "vfio_pci_fuzz exited $rc"; return 1; }
	conf=vfio_pci_basic_test
	[ -e "/sys/bus/pci/devices/$bdf/physfn" ] && conf=vfio_pci_config_test
	VFIO_PCI_DEV=$bdf "$RIG_BIN/$conf" > "$out/conformance.ktap" 2>&1 || {
		grep '^not ok' "$out/conformance.ktap"
		echo "$conf fails after the fuzzing"
		return 1
	}
}

fuzz_test() {
	local secs=${1:-20} d name id bdf log rc
	ktap_plan $(echo $FUZZ_DEVICES | wc -w)
	for d in $FUZZ_DEVICES; do
		name=${d%%:*} id=${d#*:}
		log=$RIG_OUT/fuzz-$name/run.log
		mkdir -p "${log%/*}"
		if ! fuzz_dev_get "$id"; then
			ktap_res 1 "fuzz_$name" "no $id"
			continue
		fi
		bdf=$fuzz_bdf
		[ -n "$FUZZ_CORPUS_OUT" ] && mkdir -p "$FUZZ_CORPUS_OUT/$name"
		fuzz_one "$name" "$bdf" "$secs" > "$log" 2>&1
		rc=$?
		sed 's/^#* */# /' "$log" | grep -v '^# fuzz at:'
		fuzz_dev_put "$id" "$bdf" ||
			{ echo "# $name: undoing its set-up failed"; rc=1; }
		ktap_res $rc "fuzz_$name" "$(tail -n 1 "$log")"
	done
	return $ktap_bad
}
