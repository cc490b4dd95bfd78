#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fuzz: vfio_pci_fuzz on every function of the std device set, on the
# debug flavor (KASAN, lockdep, kmemleak, KCOV for the coverage), for
# FUZZ_TIME seconds in all (default 600), shared evenly; then each
# device's corpus (build/fuzz/found/NAME/) minimized into
# build/fuzz/corpus/NAME.prog, which is what
# tools/testing/selftests/vfio_pci/fuzz/corpus/ keeps in the tree.
#
# Fails when a device fails (the fuzzer stopped, or the device no longer
# passes vfio_pci_basic_test) or the kernel log has a report; then
# build/vm/fuzz/fuzz-NAME/session.log holds the programs of the session
# that ran last, to replay with vfio_pci_fuzz -r.
#
#   FUZZ_TIME=SECONDS  FUZZ_FLAVOR=vm|debug  FUZZ_SEED=N (default: the clock)
#   FUZZ_DEVICES="name:vendor:device ..." (default: guest-fuzz.sh's list)
#   FUZZ_SESSION=N programs per session (default 100)
set -euo pipefail
. "$(dirname "$0")/common.sh"

flavor=${FUZZ_FLAVOR:-debug}
total=${FUZZ_TIME:-600}
case $total in
'' | *[!0-9]*) rig_die "FUZZ_TIME: seconds, got '$total'" ;;
esac
out=$RIG_BUILD/fuzz
"$RIG_TOP/scripts/rig/setup.sh"
"$RIG_TOP/scripts/rig/build.sh" "$flavor"
rig_tools
rm -rf "$out"
mkdir -p "$out/found" "$out/corpus"

devices=${FUZZ_DEVICES:-} session=${FUZZ_SESSION:-100}
. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-fuzz.sh" 2>/dev/null || true
FUZZ_DEVICES=${devices:-$FUZZ_DEVICES}
ndev=$(echo $FUZZ_DEVICES | wc -w)
per=$((total / ndev))
[ "$per" -gt 0 ] || per=1
rig_log "fuzz: $flavor, $ndev devices, $per s each"

# shellcheck disable=SC2016
guest_cmd='
GUEST_SUITE_LIB=1 . "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-suite.sh"
. "$RIG_TOP/tools/testing/selftests/vfio_pci/guest-fuzz.sh"
rig_load_vfio
mkdir -p "$RIG_OUT/corpus"
FUZZ_CORPUS_OUT=$RIG_OUT/found
FUZZ_SEED='"${FUZZ_SEED:-$(date +%s)}"'
FUZZ_SESSION='"$session"'
FUZZ_DEVICES="'"$FUZZ_DEVICES"'"
fuzz_test '"$per"'
rc=$?
for d in $FUZZ_DEVICES; do
	name=${d%%:*}
	fuzz_dev_get "${d#*:}" || continue
	"$RIG_BIN/vfio_pci_fuzz" -m group -c "$FUZZ_CORPUS_OUT/$name" \
		-M "$RIG_OUT/corpus/$name.prog" "$fuzz_bdf" | sed "s/^/# $name: /"
	fuzz_dev_put "${d#*:}" "$fuzz_bdf"
done
exit $rc'
rc=0
"$RIG_TOP/scripts/rig/vm.sh" -f "$flavor" -d std -t $((total * 3 + 1200)) \
	-i 900 -o "$RIG_BUILD/vm/fuzz" -- "$guest_cmd" | tee "$out/fuzz.ktap" || rc=$?
grep -h '^# fuzz done\|^# .*: # minimized' "$out/fuzz.ktap" || true
cp -r "$RIG_BUILD/vm/fuzz/corpus/." "$out/corpus/" 2>/dev/null || true
cp -r "$RIG_BUILD/vm/fuzz/found/." "$out/found/" 2>/dev/null || true
[ -s "$RIG_BUILD/vm/fuzz/kmemleak.txt" ] && rig_log "fuzz: kmemleak has reports" && rc=1
rig_log "fuzz: exit $rc; corpus in $out/corpus, log in $RIG_BUILD/vm/fuzz"
exit $rc
