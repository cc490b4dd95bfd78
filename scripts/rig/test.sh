#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make test: every check of the series, as one KTAP document on stdout,
# ending with "N passed, N failed, N skipped". Logs go to build/test/.
#
#   static checks   checkpatch --strict, kernel-doc, W=1 + sparse
#   mlx5_core       patches/0002 compiled with W=1 + sparse
#   builds          vm, debug, upstream
#   per flavor      boottest.sh: the in-guest suite (with KUnit on ours),
#                   splat scan, the suite's KTAP through kunit.py parse
#   kunit.py parse  over the KTAP the KUnit suite printed in the guest
#
# FLAVORS="vm upstream" make test narrows the run.
set -uo pipefail
. "$(dirname "$0")/common.sh"

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
# step NAME CMD...: run CMD with its output in build/test/NAME.log
step() {
	local name=$1
	shift
	if "$@" > "$logs/$name.log" 2>&1; then
		result ok "$name"
	else
		sed 's/^/# /' "$logs/$name.log" | tail -n 30 | tee -a "$ktap"
		result "not ok" "$name"
	fi
}

our_files() {
	(cd "$RIG_TOP" && git ls-files 'drivers/vfio/pci/*.[ch]' \
		'include/linux/mlx5/*.h' 'tools/testing/selftests/vfio_pci/*.[ch]')
}

check_checkpatch() {
	local out p
	out=$(cd "$RIG_TOP" && our_files | xargs perl "$RIG_TREE/scripts/checkpatch.pl" \
		--no-tree --strict --terse --show-types -f 2>&1 |
		grep -E 'ERROR|WARNING|CHECK')
	# the patches to files outside our folders, as patches
	for p in "$RIG_TOP"/patches/*.patch; do
		[ -e "$p" ] || continue
		out+=$(perl "$RIG_TREE/scripts/checkpatch.pl" --no-tree --strict \
			--terse --show-types "$p" 2>&1 | grep -E 'ERROR|WARNING|CHECK')
	done
	[ -z "$out" ] || { echo "$out"; return 1; }
}

# kernel-doc must be clean, and every exported symbol documented.
check_kerneldoc() {
	local f sym bad=0 out
	cd "$RIG_TOP" || return 1
	out=$(our_files | grep -v '^tools/' |
		xargs perl "$RIG_TREE/scripts/kernel-doc" -none -Wall 2>&1)
	[ -z "$out" ] || { echo "$out"; bad=1; }
	for f in drivers/vfio/pci/*.c; do
		for sym in $(sed -n 's/^EXPORT_SYMBOL[A-Z_]*(\([a-z0-9_]*\).*/\1/p' "$f"); do
			grep -qE "^ \* $sym\(\) - " "$f" ||
				{ echo "$f: $sym is exported without kernel-doc"; bad=1; }
		done
	done
	return $bad
}

# W=1 and sparse over our folder, in the vm build; any diagnostic fails.
check_sparse() {
	local out
	out=$(make -C "$RIG_TREE" O="$(rig_out vm)" W=1 C=2 drivers/vfio/pci/ 2>&1)
	echo "$out"
	! echo "$out" | grep -E 'warning:|error:'
}

# mlx5_core's side of include/linux/mlx5/vfio_pci.h (patches/0002) can
# only be compiled here: the whole mlx5_core folder with W=1, so that a
# header change is built by every file including it, and sparse on the
# folder's files the patches touch (sriov.c, which includes both touched
# headers: sparse over the whole folder would cost 40 s more), in
# build/out/mlx5 (tinyconfig + vm.config + mlx5.config). A build error
# fails, and so does a diagnostic in a file the patches touch or in
# vfio_pci.h; the base files' own diagnostics are printed, not counted.
check_mlx5_core() {
	local src=$RIG_TREE out dir=drivers/net/ethernet/mellanox/mlx5/core
	local frags="$RIG_TOP/configs/vm.config $RIG_TOP/configs/mlx5.config"
	local log rc diags ours touched objs
	out=$(rig_out mlx5)
	rig_configure "$src" "$out" $frags || return 1
	make -s -C "$src" O="$out" -j"$RIG_JOBS" W=1 modules_prepare || return 1
	touched=$({ sed -n 's#^+++ b/\([^	]*\).*#\1#p' "$RIG_TOP"/patches/*.patch
		echo include/linux/mlx5/vfio_pci.h; } | sort -u)
	objs=$(echo "$touched" | sed -n "s#^\($dir/.*\)\.c\$#\1.o#p")
	# all objects again: a re-run must find what the last run found;
	# -k: every diagnostic of the folder, even after an error
	find "$out/$dir" -name '*.o' -delete 2>/dev/null
	log=$(make -s -k -C "$src" O="$out" -j"$RIG_JOBS" W=1 "$dir/" 2>&1)
	rc=$?
	log+=$'\n'$(make -s -k -C "$src" O="$out" -j"$RIG_JOBS" W=1 C=2 \
		${objs:-$dir/} 2>&1) || rc=1
	echo "$log"
	diags=$(echo "$log" | grep -E '(warning|error):' | sed "s#^$src/##" | sort -u)
	ours=$(awk -F: 'NR == FNR { t[$0]; next } $1 in t' \
		<(echo "$touched") <(echo "$diags"))
	echo "$(find "$out/$dir" -name '*.o' | wc -l) objects;" \
		"$(echo "$diags" | grep -c .) distinct diagnostics," \
		"$(echo "$ours" | grep -c .) in files the patches touch"
	[ -z "$ours" ] || echo "$ours"
	[ $rc -eq 0 ] && [ -z "$ours" ]
}

kunit_parse() { # kunit_parse FLAVOR
	local k=$RIG_BUILD/vm/test-$1/kunit.ktap
	[ -f "$k" ] || { echo "no KUnit output from $1"; return 1; }
	rig_ktap_parse "$k"
}

# guest_run FLAVOR: boottest.sh (the in-guest suite) of one flavor, its
# KTAP and its stderr in build/test, its exit status in guest-FLAVOR.rc
guest_run() {
	"$RIG_TOP/scripts/rig/boottest.sh" "$1" > "$logs/guest-$1.log" \
		2> "$logs/boottest-$1.log"
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
	# a time-out (124), a kernel report (125) or a guest that died.
	case $rc in
	0) result ok "guest_${f}_clean" ;;
	124) result "not ok" "guest_${f}_clean" "timed out" ;;
	125) result "not ok" "guest_${f}_clean" "kernel log has reports" ;;
	*) result "not ok" "guest_${f}_clean" "exit status $rc" ;;
	esac
	# the whole suite's KTAP through the base tree's parser, as a
	# kernel CI would take it (boottest.sh did it too: this counts it)
	step "ktap_parse_$f" rig_ktap_parse "$RIG_BUILD/vm/test-$f.ktap"
	if [ "$f" != upstream ]; then
		step "kunit_parse_$f" kunit_parse "$f"
	fi
}

emit "KTAP version 1"
emit "# base tree: $RIG_PRISTINE"
step setup "$RIG_TOP/scripts/rig/setup.sh"
for f in $flavors; do
	step "build_$f" "$RIG_TOP/scripts/rig/build.sh" "$f"
done
step checkpatch check_checkpatch
step kernel_doc check_kerneldoc
step mlx5_core_build check_mlx5_core
if [[ " $flavors " == *" vm "* ]]; then
	step sparse_w1 check_sparse
	step "rebuild_vm" "$RIG_TOP/scripts/rig/build.sh" vm
fi
step tools make -C "$RIG_TOP/tools/testing/selftests/vfio_pci"
# The debug suite takes four times vm's: it runs beside the rest, each
# guest on a core of its own (TCG runs all of a guest's vCPUs on one
# thread), unless RIG_SERIAL=1. Its report keeps its place below.
bg=
if [[ " $flavors " == *" debug "* ]] && [ "${RIG_SERIAL:-0}" != 1 ]; then
	guest_run debug &
	bg=$!
fi
# ERR from an injected AER error, REQ from a hot-unplug (host-driven)
for f in $flavors; do
	step "events_$f" "$RIG_TOP/scripts/rig/events.sh" "$f"
done

for f in $flavors; do
	[ "$f" = debug ] && [ -n "$bg" ] && continue
	guest_run "$f"
done
[ -z "$bg" ] || wait "$bg"
for f in $flavors; do
	guest_report "$f"
done
emit "1..$n"
python3 "$RIG_TOP/scripts/rig/ktap-count.py" "$ktap"
