#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test: every check of the series, as one KTAP document on stdout,
# ending with "N passed, N failed, N skipped". Logs go to build/test/.
#
#   rig self-tests  selftest.sh: the verdict's parts broken on purpose
#   static checks   checkpatch --strict, kernel-doc, W=1 + sparse
#   mlx5_core       patches/0002 compiled with W=1 + sparse
#   base variants   the base tree's other variant drivers on our API
#   series          series.sh: format-patch, then git am, W=1 build and
#                   checkpatch at every patch (make series-check)
#   builds          vm, debug, upstream
#   per flavor      boottest.sh: the in-guest suite (with KUnit on ours),
#                   splat scan, the suite's KTAP through kunit.py parse
#   kunit.py parse  over the KTAP the KUnit suite printed in the guest
#   soak            soak.sh, short: unplug cycles and the race soak (vm)
#   distro          distro.sh: Debian's kernel, our modules by DKMS, the
#                   in-guest suite on it (with vm)
#
# ktap-count.py counts every result of the document at any depth and
# checks each plan; a time table of the steps comes before the total.
#
# FLAVORS="vm upstream" make test narrows the run.
set -uo pipefail
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/checks.sh"

flavors=${FLAVORS:-$RIG_FLAVORS}
logs=$RIG_BUILD/test
ktap=$logs/results.ktap
rm -rf "$logs"
mkdir -p "$logs"

n=0
emit() { echo "$*" | tee -a "$ktap"; }
result() { # result STATUS NAME [DIRECTIVE]
	n=$((n + 1))
	emit "$1 $n $2${3:+ # $3}"
}
# timed NAME CMD...: run CMD, adding its wall-clock time to the table
timed() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	"$@"
	rc=$?
	printf '%s %d\n' "$name" $(($(date +%s) - t0)) >> "$logs/times"
	return $rc
}
# step NAME CMD...: run CMD with its output in build/test/NAME.log
step() {
	local name=$1
	shift
	if timed "$name" "$@" > "$logs/$name.log" 2>&1; then
		result ok "$name"
	else
		sed 's/^/# /' "$logs/$name.log" | tail -n 30 | tee -a "$ktap"
		result "not ok" "$name"
	fi
}

# time_table: each step's and guest's time, and the whole run's
time_table() {
	emit "# time table (s):"
	awk '{ printf "#   %-28s %6d\n", $1, $2 }' "$logs/times" | tee -a "$ktap"
	emit "#   $(printf '%-28s %6d' total $(($(date +%s) - t_start)))"
}

kunit_parse() { # kunit_parse FLAVOR
	local k=$RIG_BUILD/vm/test-$1/kunit.ktap
	[ -f "$k" ] || { echo "no KUnit output from $1"; return 1; }
	rig_ktap_parse "$k"
}

# guest_run FLAVOR: boottest.sh (the in-guest suite) of one flavor, its
# KTAP and its stderr in build/test, its exit status in guest-FLAVOR.rc
guest_run() {
	timed "guest_$1" "$RIG_TOP/scripts/rig/boottest.sh" "$1" \
		> "$logs/guest-$1.log" 2> "$logs/boottest-$1.log"
	echo $? > "$logs/guest-$1.rc"
}

# guest_report FLAVOR: the flavor's suite as a subtest, and its run
guest_report() {
	local f=$1 rc
	rc=$(cat "$logs/guest-$f.rc" 2>/dev/null || echo 1)
	emit "# in-guest suite on $f"
	sed 's/^/    /' "$logs/guest-$f.log" | tee -a "$ktap"
	if [ "$rc" -eq 0 ] && ! grep -qE '^\s*not ok' "$logs/guest-$f.log"; then
		result ok "guest_$f"
	else
		result "not ok" "guest_$f"
	fi
	# The parent line above summarizes; this leaf counts the run itself:
	# a hang (124), a kernel report (125), a suite that reported a
	# failure or a guest that died.
	case $rc in
	0) result ok "guest_${f}_clean" ;;
	124) result "not ok" "guest_${f}_clean" "stopped: no progress, or over its total time" ;;
	125) result "not ok" "guest_${f}_clean" "kernel log has reports" ;;
	1) result "not ok" "guest_${f}_clean" "the suite failed or did not finish" ;;
	*) result "not ok" "guest_${f}_clean" "exit status $rc" ;;
	esac
	# the whole suite's KTAP through the base tree's parser, as a
	# kernel CI would take it (boottest.sh did it too: this counts it)
	step "ktap_parse_$f" rig_ktap_parse "$RIG_BUILD/vm/test-$f.ktap"
	if [ "$f" != upstream ] && [ "$f" != distro ]; then
		step "kunit_parse_$f" kunit_parse "$f"
	fi
}

t_start=$(date +%s)
: > "$logs/times"
emit "KTAP version 1"
emit "# base tree: $RIG_PRISTINE"
step setup "$RIG_TOP/scripts/rig/setup.sh"
# the rig's own checks, each breaking a part on purpose: a verdict that
# could hide a failure fails here, in seconds
emit "# the rig's self-tests"
timed rig_selftest "$RIG_TOP/scripts/rig/selftest.sh" > "$logs/selftest.log" 2>&1
st=$?
sed 's/^/    /' "$logs/selftest.log" | tee -a "$ktap"
if [ $st -eq 0 ]; then result ok rig_selftest; else result "not ok" rig_selftest; fi
for f in $flavors; do
	step "build_$f" "$RIG_TOP/scripts/rig/build.sh" "$f"
done
step tools rig_tools
# The debug suite takes twice vm's: it starts first and runs beside the
# rest (the static checks included), each guest on a core of its own
# (TCG runs all of a guest's vCPUs on one thread), unless RIG_SERIAL=1;
# the upstream suite follows it there, which leaves the two lanes of
# about the same length (debug 2500 s and upstream 740 s; the
# foreground's checks, events, soak and the vm and distro suites 3100 s).
# Their reports keep their place below.
bg=
bg_flavors=
if [[ " $flavors " == *" debug "* ]] && [ "${RIG_SERIAL:-0}" != 1 ]; then
	bg_flavors=debug
	[[ " $flavors " == *" upstream "* ]] && bg_flavors="debug upstream"
	for f in $bg_flavors; do guest_run "$f"; done &
	bg=$!
fi
step checkpatch check_checkpatch
step kernel_doc check_kerneldoc
step docs check_docs
step mlx5_core_build check_mlx5_core
# DKMS on Debian's own 6.12 kernel: build, install over its modules, remove
step dkms_check "$RIG_TOP/scripts/rig/dkms.sh"
# the series: format-patch against a git tree of the base, then git am,
# a W=1 build and checkpatch at every patch, and the tree it yields
step series "$RIG_TOP/scripts/series.sh" make
step series_check "$RIG_TOP/scripts/series.sh" check
if [[ " $flavors " == *" vm "* ]]; then
	step sparse_w1 check_sparse
	# the base tree's other variant drivers, unchanged, on our API
	step base_variants check_base_variants
	step layout_guard check_layout_guard
	# every mutant of make mutants still finds its anchor
	step mutants_anchors env MUTANTS_CHECK=1 "$RIG_TOP/scripts/rig/mutants.sh"
	step "rebuild_vm" "$RIG_TOP/scripts/rig/build.sh" vm
fi
# ERR from an injected AER error, REQ from a hot-unplug (host-driven)
for f in $flavors; do
	step "events_$f" "$RIG_TOP/scripts/rig/events.sh" "$f"
done
# the soaks, short (make soak runs the long ones): hot-unplug cycles of
# edu and e1000e while a user holds each, then the race soak with AER
# errors injected
if [[ " $flavors " == *" vm "* ]]; then
	step soak_vm env SOAK_NO_BUILD=1 SOAK_FLAVOR=vm SOAK_CYCLES=4 \
		SOAK_RACE=15 "$RIG_TOP/scripts/rig/soak.sh"
fi

for f in $flavors; do
	[[ " $bg_flavors " == *" $f "* ]] && continue
	guest_run "$f"
done
# Debian's own kernel (its packages installed by dkms_check) with our
# modules built by DKMS, the whole suite on it (make distro; about 10
# minutes); its nested QEMU boots vm's kernel. RIG_DISTRO=0 leaves it out.
distro=
if [[ " $flavors " == *" vm "* ]] && [ "${RIG_DISTRO:-1}" = 1 ]; then
	distro=distro
	step distro_prepare "$RIG_TOP/scripts/rig/distro.sh" prepare
	guest_run distro
fi
[ -z "$bg" ] || wait "$bg"
for f in $flavors $distro; do
	guest_report "$f"
done
emit "1..$n"
time_table
python3 "$RIG_TOP/scripts/rig/ktap-count.py" "$ktap"
