#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# selftest.sh: the rig's own tests, run first by make test, in seconds.
# Each breaks one part of the verdict on purpose (a parent-only "not ok",
# a program that crashes after its last result, a short plan, a module
# reload that fails between runs, a hang, checkpatch or sparse missing, a
# modpost error, a device error in the kernel log) and checks that the
# part reports it as a failure; each also has a control, the same part
# fed something good, which must pass. Prints KTAP; exits 1 when the rig
# missed a breakage or failed a control.
set -uo pipefail
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/checks.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count=$RIG_TOP/scripts/rig/ktap-count.py
n=0
bad=0
echo "KTAP version 1"
res() { # res NAME CMD...: the rig behaved as it must when CMD succeeds
	local name=$1 out
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n $name"
	else
		echo "$out" | tail -n 5 | sed 's/^/# /'
		echo "not ok $n $name"
		bad=1
	fi
}

# counted DOC EXPECT: ktap-count on DOC (text) prints EXPECT as its last
# line, and exits 1 when EXPECT has failures, 0 otherwise
counted() {
	local got rc want_rc=0
	printf '%s\n' "$1" > "$work/doc.ktap"
	got=$(python3 "$count" "$work/doc.ktap")
	rc=$?
	[[ $2 == *" 0 failed"* ]] || want_rc=1
	echo "$got"
	[ "$(echo "$got" | tail -n 1)" = "$2" ] && [ $rc -eq $want_rc ]
}

# --- ktap-count.py: every failure counted, at any depth ---
GOOD='KTAP version 1
1..2
    KTAP version 1
    1..2
    ok 1 a
    ok 2 b
ok 1 prog
ok 2 other # SKIP no such device here'
count_control() { counted "$GOOD" "2 passed, 0 failed, 1 skipped"; }
count_parent_not_ok() {
	counted "${GOOD/ok 1 prog/not ok 1 prog}" "2 passed, 1 failed, 1 skipped"
}
count_short_plan() {
	counted "${GOOD/    ok 2 b/}" "1 passed, 1 failed, 1 skipped"
}
count_short_document() {
	counted "${GOOD/ok 2 other # SKIP no such device here/}" \
		"2 passed, 1 failed, 0 skipped"
}
count_not_ok_skip() {
	counted "${GOOD/ok 2 other # SKIP/not ok 2 other # SKIP}" \
		"2 passed, 1 failed, 0 skipped"
}
count_skip_without_reason() {
	counted "${GOOD/ # SKIP no such device here/ # SKIP}" \
		"2 passed, 1 failed, 0 skipped"
}
count_xfail_apart() {
	counted "${GOOD/ok 2 b/ok 2 b # XFAIL the base tree loses the line}" \
		"1 passed, 0 failed, 1 skipped" | grep -q '1 expected failures'
}
count_nothing_ran() {
	printf 'KTAP version 1\n1..0\n' > "$work/doc.ktap"
	! python3 "$count" "$work/doc.ktap"
}
# the kselftest runner's document: the program's nested under "# "
RUNNER='TAP version 13
1..1
# selftests: vfio_pci: vfio_pci_basic_test
# TAP version 13
# 1..2
# # Starting 2 tests from 2 test cases.
# ok 1 vfio_dev.group.a
# ok 2 vfio_dev.cdev.a # SKIP no /dev/iommu
ok 1 selftests: vfio_pci: vfio_pci_basic_test'
count_runner() { counted "$RUNNER" "1 passed, 0 failed, 1 skipped"; }
count_runner_not_ok() {
	counted "${RUNNER/\# ok 1 vfio_dev.group.a/\# not ok 1 vfio_dev.group.a}" \
		"0 passed, 1 failed, 1 skipped"
}
count_runner_short() {
	counted "${RUNNER/\# ok 1 vfio_dev.group.a/\# \# crashed}" \
		"0 passed, 1 failed, 1 skipped"
}
# a failed leaf named by its path, with the diagnostic before it
count_names_failure() {
	counted "${GOOD/    ok 2 b/    # b: lost the line
    not ok 2 b}" "1 passed, 1 failed, 1 skipped" |
		grep -qx '# failed: prog/b (line 7): b: lost the line'
}
res count_control count_control
res count_parent_not_ok count_parent_not_ok
res count_short_plan count_short_plan
res count_short_document count_short_document
res count_not_ok_skip count_not_ok_skip
res count_skip_without_reason count_skip_without_reason
res count_xfail_apart count_xfail_apart
res count_nothing_ran count_nothing_ran
res count_runner count_runner
res count_runner_not_ok count_runner_not_ok
res count_runner_short count_runner_short
res count_names_failure count_names_failure

# --- the in-guest suite's own reporting, run here on its functions ---
# guest-suite.sh writes "[suite] NAME" to /dev/kmsg, which a host run
# may not: the functions come from a copy that writes nowhere
sed 's#/dev/kmsg#/dev/null#' \
	"$RIG_TOP/tools/testing/selftests/vfio_pci/guest-suite.sh" > "$work/guest-suite.sh"

# suite CMD...: in a shell that has the suite's functions, CMD's KTAP
# (one subtest) as a document, counted; fails when the count has a
# failure or the suite's exit status says one
suite() {
	RIG_OUT=$work RIG_TOP=$RIG_TOP RIG_FLAVOR=vm RIG_TEST_POLL=1 \
		RIG_TEST_IDLE=${IDLE:-600} GUEST_SUITE_LIB=1 SUITE=$work/guest-suite.sh sh -c '
		. "$RIG_TOP/scripts/rig/guest-lib.sh"
		. "$SUITE"
		'"$1"'
		echo "1..$n"
		exit $suite_bad' > "$work/suite.ktap" 2>&1
	local rc=$?
	sed -i '1i KTAP version 1' "$work/suite.ktap"
	cat "$work/suite.ktap"
	python3 "$count" "$work/suite.ktap" && [ $rc -eq 0 ]
}
PROG_OK='printf "KTAP version 1\n1..1\nok 1 t\n"'
suite_control() {
	suite "subtest prog sh -c '$PROG_OK'"
}
suite_crash_after_last_result() {
	! suite "subtest prog sh -c '$PROG_OK; kill -SEGV \$\$'"
}
# a module reload between two runs fails: the run's result must fail,
# though the program it ran passed
suite_failed_reload() {
	! suite "rmmod() { return 1; }; rig_modprobe() { return 0; }
		on_vfio() { $PROG_OK; }
		subtest irq_edu_nointxmask irq_nointxmask 1234:11e8"
}
suite_failed_reload_control() {
	suite "rmmod() { return 0; }; rig_modprobe() { return 0; }
		on_vfio() { $PROG_OK; }
		subtest irq_edu_nointxmask irq_nointxmask 1234:11e8"
}
suite_hang_stopped() {
	local t0=$SECONDS
	IDLE=3 suite "subtest prog sleep 120" && return 1
	grep -q 'not ok 1 prog # stopped: no progress' "$work/suite.ktap" &&
		[ $((SECONDS - t0)) -lt 30 ]
}
suite_slow_not_stopped() {
	IDLE=3 suite "subtest prog sh -c 'echo KTAP version 1; echo 1..4;
		for i in 1 2 3 4; do sleep 2; echo ok \$i t\$i; done'"
}
res suite_control suite_control
res suite_crash_after_last_result suite_crash_after_last_result
res suite_failed_reload suite_failed_reload
res suite_failed_reload_control suite_failed_reload_control
res suite_hang_stopped suite_hang_stopped
res suite_slow_not_stopped suite_slow_not_stopped

# --- the static checks: a missing tool fails, a finding fails ---
printf '// SPDX-License-Identifier: GPL-2.0\nint x;\n' > "$work/good.c"
printf '// SPDX-License-Identifier: GPL-2.0\nint  x ;\n' > "$work/bad.c"
checkpatch_absent() { ! RIG_CHECKPATCH=$work/none check_checkpatch; }
checkpatch_finding() {
	our_files() { echo "$work/bad.c"; }
	! check_checkpatch
}
checkpatch_control() {
	our_files() { echo "$work/good.c"; }
	check_checkpatch
}
sparse_absent() { ! RIG_SPARSE=$work/no-sparse check_sparse; }
CHECKED='  CHECK   drivers/vfio/pci/vfio_pci_core.c'
sparse_modpost_error() {
	! sparse_verdict 0 "$CHECKED
ERROR: modpost: \"vfio_x\" [drivers/vfio/pci/vfio-pci.ko] undefined!"
}
sparse_diagnostic() {
	! sparse_verdict 0 "$CHECKED
drivers/vfio/pci/vfio_pci_core.c:1:1: warning: symbol 'x' was not declared"
}
sparse_nothing_checked() { ! sparse_verdict 0 "  CC [M]  drivers/vfio/pci/x.o"; }
sparse_make_failed() { ! sparse_verdict 2 "$CHECKED"; }
sparse_control() { sparse_verdict 0 "$CHECKED"; }
res checkpatch_absent checkpatch_absent
res checkpatch_finding checkpatch_finding
res checkpatch_control checkpatch_control
res sparse_absent sparse_absent
res sparse_modpost_error sparse_modpost_error
res sparse_diagnostic sparse_diagnostic
res sparse_nothing_checked sparse_nothing_checked
res sparse_make_failed sparse_make_failed
res sparse_control sparse_control

# --- the kernel log scan: splats and device errors ---
scan() { printf '%s\n' "$1" > "$work/console.log"; "$RIG_TOP/scripts/rig/scan-log.sh" "$work/console.log"; }
scan_device_inaccessible() {
	! scan "[  61.2] vfio-pci 0000:01:00.1: Unable to change power state from D3hot to D0, device inaccessible"
}
scan_flr_timeout() {
	! scan "[ 130.0] vfio-pci 0000:01:00.1: not ready 65535ms after FLR; giving up"
}
scan_splat() { ! scan "[   9.9] WARNING: CPU: 0 PID: 1 at drivers/vfio/pci/x.c:1"; }
scan_allowed() {
	RIG_LOG_ALLOW='Hardware bug: VF reports bogus INTx pin 1' \
		scan "[   3.0] vfio-pci 0000:01:00.1: Hardware bug: VF reports bogus INTx pin 1"
}
scan_control() { scan "[   1.0] vfio-pci 0000:01:00.0: enabling device (0000 -> 0002)"; }
res scan_device_inaccessible scan_device_inaccessible
res scan_flr_timeout scan_flr_timeout
res scan_splat scan_splat
res scan_allowed scan_allowed
res scan_control scan_control

# --- the watchdog: a hang is stopped, slowness is not ---
watchdog_hang() {
	local rc t0=$SECONDS
	"$RIG_TOP/scripts/rig/watchdog.sh" -i 2 -c 60 -s 1 "$work/w.out" -- sleep 60
	rc=$?
	[ $rc -eq 124 ] && [ $((SECONDS - t0)) -lt 20 ]
}
watchdog_slow() {
	"$RIG_TOP/scripts/rig/watchdog.sh" -i 3 -c 60 -s 1 "$work/w.out" -- \
		sh -c "for i in 1 2 3 4; do sleep 2; echo \$i >> '$work/w.out'; done; exit 7"
	[ $? -eq 7 ]
}
watchdog_cap() {
	"$RIG_TOP/scripts/rig/watchdog.sh" -i 60 -c 3 -s 1 "$work" -- \
		sh -c "while :; do date >> '$work/w2.out'; sleep 0.5; done"
	[ $? -eq 124 ]
}
res watchdog_hang watchdog_hang
res watchdog_slow watchdog_slow
res watchdog_cap watchdog_cap

# --- the base tree's KTAP parser, as the rig reads it ---
parse_failed() {
	printf 'KTAP version 1\n1..1\n    KTAP version 1\n    1..1\n    not ok 1 a\nok 1 s\n' \
		> "$work/p.ktap"
	! rig_ktap_parse "$work/p.ktap"
}
parse_control() {
	printf 'KTAP version 1\n1..1\n    KTAP version 1\n    1..1\n    ok 1 a\nok 1 s\n' \
		> "$work/p.ktap"
	rig_ktap_parse "$work/p.ktap"
}
res parse_failed parse_failed
res parse_control parse_control

echo "1..$n"
exit $bad
