#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make coverage: line and branch coverage of our modules, from gcov.
#
# Our drivers/vfio/pci is built again as an external module against the
# vm flavor with GCOV_PROFILE=y (vm's kernel has CONFIG_GCOV_KERNEL and
# profiles nothing else) into build/coverage/mod, the sample variant
# driver (samples/vfio-pci) into its sample/ folder. Guests booted with
# those modules run, each on one core:
#   - the in-guest suite (guest-suite.sh, its short fuzz included) and a
#     longer blind fuzz run of every device (COVERAGE_FUZZ seconds each,
#     default 60);
#   - events.sh (AER and REQ from the host);
#   - the race and unplug soaks (soak.sh, bounded) when SOAK=1.
# Each guest's init copies the counters from debugfs on its way out
# (guest-init.sh); gcovr (Debian's) turns each run into JSON next to the
# objects and merges them. Results: build/coverage/{lines,branches}.txt
# (printed) and build/coverage/html/index.html (annotated sources).
#
# The fault-injection sweep (vfio_pci_fail_nth) needs the debug flavor and
# skips here: the error paths only it reaches count as uncovered.
set -euo pipefail
. "$(dirname "$0")/common.sh"

top=$RIG_BUILD/coverage
mod=$top/mod
fuzz_s=${COVERAGE_FUZZ:-60}

"$RIG_TOP/scripts/rig/setup.sh"
"$RIG_TOP/scripts/rig/build.sh" vm
rig_tools
if ! command -v gcovr >/dev/null; then
	[ "$(id -u)" -eq 0 ] || rig_die "no gcovr: run as root or install it"
	rig_log "installing gcovr"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcovr >/dev/null
fi

# ---- the instrumented modules ----

rm -rf "$top"
mkdir -p "$mod" "$top/json"
cp -L "$RIG_TREE"/drivers/vfio/pci/*.[ch] "$RIG_TREE"/drivers/vfio/pci/Makefile \
	"$RIG_TREE"/drivers/vfio/pci/Kconfig "$mod/"
rig_log "coverage: building our modules with gcov"
make -s -C "$RIG_TREE" O="$(rig_out vm)" M="$mod" -j"$RIG_JOBS" \
	GCOV_PROFILE=y modules
ls "$mod"/*.gcno >/dev/null 2>&1 || rig_die "the build made no .gcno files"
# the sample variant driver beside them, against their symbols
mkdir -p "$mod/sample"
cp "$RIG_TOP"/samples/vfio-pci/*.[ch] "$RIG_TOP"/samples/vfio-pci/Makefile \
	"$mod/sample/"
make -s -C "$RIG_TREE" O="$(rig_out vm)" M="$mod/sample" -j"$RIG_JOBS" \
	CONFIG_SAMPLE_VFIO_PCI_EDU=m KBUILD_EXTRA_SYMBOLS="$mod/Module.symvers" \
	GCOV_PROFILE=y modules
cp "$mod/sample/edu_vfio_pci.ko" "$mod/"
rig_mods_tree "$mod" "$top/mods"
export RIG_MODS=$top/mods

# ---- the runs ----

# shellcheck disable=SC2016
suite_cmd='
( . "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-suite.sh" ) > "$RIG_OUT/suite.ktap" 2>&1
GUEST_SUITE_LIB=1 . "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-suite.sh"
. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-fuzz.sh"
rig_load_vfio
FUZZ_SEED=7
FUZZ_SESSION=100
fuzz_test '"$fuzz_s"' > "$RIG_OUT/fuzz.ktap" 2>&1
grep -c "^ok" "$RIG_OUT/suite.ktap" "$RIG_OUT/fuzz.ktap"
true'

runs=()
run_suite() {
	rig_log "coverage: the suite and $fuzz_s s of fuzzing per device"
	"$RIG_TOP/scripts/rig/vm.sh" -f vm -d std -t 5400 -i 900 \
		-o "$RIG_BUILD/vm/coverage-suite" -- "$suite_cmd" || true
}

run_events() {
	rig_log "coverage: events.sh (ERR and REQ)"
	"$RIG_TOP/scripts/rig/events.sh" vm > "$top/events.log" 2>&1 || true
	runs+=("$RIG_BUILD/vm/events-vm")
}

run_soaks() {
	rig_log "coverage: the soaks (short)"
	SOAK_NO_BUILD=1 SOAK_CYCLES=${SOAK_CYCLES:-4} SOAK_FLAVOR=vm \
		"$RIG_TOP/scripts/rig/soak.sh" > "$top/soak.log" 2>&1 || true
	runs+=("$RIG_BUILD/vm/soak")
}

# Both guests at once, one per core, the events run being short.
run_suite &
suite_pid=$!
run_events
wait $suite_pid
runs+=("$RIG_BUILD/vm/coverage-suite")
[ "${SOAK:-0}" = 1 ] && run_soaks

# ---- the report ----

# to_json RUN_DIR N: the counters one guest left, as gcovr JSON
to_json() {
	local gcda=$1/gcov$mod
	if ! ls "$gcda"/*.gcda >/dev/null 2>&1; then
		rig_log "coverage: no counters from $1 (did its guest finish?)"
		return 0
	fi
	rm -f "$mod"/*.gcda "$mod"/sample/*.gcda
	cp "$gcda"/*.gcda "$mod/"
	cp "$gcda"/sample/*.gcda "$mod/sample/" 2>/dev/null || true
	(cd "$mod" && gcovr -r "$mod" --gcov-executable gcov-12 \
		--exclude-unreachable-branches --json "$top/json/$2.json" "$mod")
	rm -f "$mod"/*.gcda "$mod"/sample/*.gcda
}

n=0
for r in "${runs[@]}"; do
	n=$((n + 1))
	to_json "$r" "$n"
done
ls "$top"/json/*.json >/dev/null 2>&1 || rig_die "no run left counters"
adds=()
for j in "$top"/json/*.json; do
	adds+=(-a "$j")
done
# the KUnit suites and the test stand-in for mlx5_core are not the
# product: their own lines are left out of the figures
excl=(-e '.*_test\.c$' -e '.*testparent.*' -e '.*\.mod\.c$')
gcovr -r "$mod" "${adds[@]}" "${excl[@]}" --txt "$top/lines.txt"
gcovr -r "$mod" "${adds[@]}" "${excl[@]}" -b --txt "$top/branches.txt"
mkdir -p "$top/html"
gcovr -r "$mod" "${adds[@]}" "${excl[@]}" --html-details "$top/html/index.html"
echo "# make coverage: $(date -u '+%Y-%m-%d %H:%M UTC'), $n guest runs"
cat "$top/lines.txt" "$top/branches.txt"
