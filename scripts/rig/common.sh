# SPDX-License-Identifier: GPL-2.0
# Paths shared by the rig scripts. Sourced, not run.
RIG_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RIG_BUILD=${RIG_BUILD:-$RIG_TOP/build}
RIG_PRISTINE=$RIG_BUILD/src/linux-source-6.12
RIG_TREE=$RIG_BUILD/tree
RIG_HDR=$RIG_BUILD/hdr
RIG_TARBALL=/usr/src/linux-source-6.12.tar.xz
RIG_JOBS=$(($(nproc) + 1))
RIG_FLAVORS="vm debug upstream"

rig_log() { printf '[rig] %s\n' "$*" >&2; }
rig_die() { printf '[rig] error: %s\n' "$*" >&2; exit 1; }

# rig_out FLAVOR: the build output folder of a flavor
rig_out() { echo "$RIG_BUILD/out/$1"; }

# rig_src FLAVOR: the source tree a flavor builds from
rig_src() {
	case $1 in
	upstream) echo "$RIG_PRISTINE" ;;
	vm|debug) echo "$RIG_TREE" ;;
	*) rig_die "unknown flavor '$1' (one of: $RIG_FLAVORS)" ;;
	esac
}
