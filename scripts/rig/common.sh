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
# The base tree's variant drivers of other vendors, kept as they are: they
# build on the library's API (our drivers/vfio/pci/Kconfig sources them)
RIG_BASE_VARIANTS="hisilicon pds virtio nvgrace-gpu qat"

# rig_tools [ROOT]: tools/testing/selftests/vfio_pci built by the base
# tree's lib.mk against our uAPI headers (objects in ROOT.obj) and
# installed as the kselftest runner runs them: ROOT/run_kselftest.sh,
# ROOT/kselftest-list.txt, ROOT/vfio_pci/ (the guest's RIG_BIN). ROOT is
# build/kselftest by default.
rig_tools() {
	local root=${1:-$RIG_BUILD/kselftest}
	local ksft=$RIG_PRISTINE/tools/testing/selftests
	local src=$RIG_TOP/tools/testing/selftests/vfio_pci
	local args=(KSFT_DIR="$ksft" OUTPUT="$root.obj"
		    KHDR_INCLUDES="-isystem $RIG_HDR/include")

	mkdir -p "$root.obj" "$root/kselftest" || return 1
	make -s -C "$src" -j"$RIG_JOBS" "${args[@]}" \
		INSTALL_PATH="$root/vfio_pci" install > /dev/null || return 1
	cp "$ksft/run_kselftest.sh" "$root/" &&
		cp "$ksft/kselftest/runner.sh" "$ksft/kselftest/prefix.pl" \
			"$root/kselftest/" || return 1
	make -s -C "$src" "${args[@]}" COLLECTION=vfio_pci emit_tests \
		> "$root/kselftest-list.txt"
}

rig_log() { printf '[rig] %s\n' "$*" >&2; }
rig_die() { printf '[rig] error: %s\n' "$*" >&2; exit 1; }

# rig_out FLAVOR: the build output folder of a flavor (distro: what
# scripts/rig/distro.sh lays out around Debian's own kernel)
rig_out() {
	case $1 in
	distro) echo "$RIG_BUILD/distro" ;;
	*) echo "$RIG_BUILD/out/$1" ;;
	esac
}

# rig_src FLAVOR: the source tree a flavor builds from
rig_src() {
	case $1 in
	upstream) echo "$RIG_PRISTINE" ;;
	vm|debug) echo "$RIG_TREE" ;;
	*) rig_die "unknown flavor '$1' (one of: $RIG_FLAVORS)" ;;
	esac
}

# rig_configure SRC OUT FRAGMENT...: tinyconfig plus the fragments in OUT,
# redone only when a fragment changed (so a re-run after editing one
# driver file rebuilds that module and nothing else); every fragment line
# must survive olddefconfig. Returns non-zero, saying why, otherwise.
rig_configure() {
	local src=$1 out=$2 sum line sym bad=0
	shift 2
	sum=$(cat "$@" | sha256sum | cut -d' ' -f1)
	if [ -f "$out/.config" ] &&
	   [ "$(cat "$out/.rig-config-sum" 2>/dev/null)" = "$sum" ]; then
		return 0
	fi
	rig_log "$(basename "$out"): configuring"
	rm -f "$out/.rig-config-sum"
	mkdir -p "$out"
	make -s -C "$src" O="$out" tinyconfig >/dev/null || return 1
	(cd "$src" && KCONFIG_CONFIG="$out/.config" \
		scripts/kconfig/merge_config.sh -m -O "$out" "$out/.config" "$@" \
		>/dev/null) || return 1
	make -s -C "$src" O="$out" olddefconfig >/dev/null || return 1
	while IFS= read -r line; do
		case $line in CONFIG_*=*) ;; *) continue ;; esac
		sym=${line%%=*}
		if [ "${line#*=}" = n ]; then
			grep -q "^$sym=" "$out/.config" &&
				{ rig_log "$sym is set, wanted n"; bad=1; }
		else
			grep -qx "$line" "$out/.config" ||
				{ rig_log "$line did not stick"; bad=1; }
		fi
	done < <(cat "$@")
	[ $bad -eq 0 ] || return 1
	echo "$sum" > "$out/.rig-config-sum"
}

# rig_ktap_parse FILE: the base tree's kunit.py parse over a KTAP file
# (an absolute path: kunit.py works from the kernel tree). kunit.py exits
# 0 on malformed KTAP, only counting "errors": any error, crash or
# failure in its report, or a [FAILED] or [CRASHED] test at any depth,
# fails here.
rig_ktap_parse() {
	local out rc
	out=$(python3 "$RIG_TREE/tools/testing/kunit/kunit.py" parse "$1" 2>&1)
	rc=$?
	echo "$out"
	[ $rc -eq 0 ] &&
		! echo "$out" | grep -qE '\[(ERROR|FAILED|CRASHED)\]|(errors|crashed|failed): [1-9]'
}

# rig_mods_tree KO_DIR OUT [FLAVOR]: the module tree of FLAVOR (default
# vm; an INSTALL_MOD_PATH for vm.sh -m) with our modules taken from
# KO_DIR, each of its drivers/vfio/pci modules replaced; the sample's in
# updates/ too when KO_DIR has it. The rest is hard links to the
# flavor's files, never written: each of ours is unlinked before its copy
# goes in, and depmod writes fresh index files.
rig_mods_tree() {
	local kodir=$1 out=$2 vm ver base ko name
	vm=$(rig_out "${3:-vm}")
	ver=$(ls "$vm/mods/lib/modules")
	base=$vm/mods/lib/modules/$ver
	rm -rf "$out"
	mkdir -p "$out/lib/modules/$ver"
	cp -al "$base/kernel" "$out/lib/modules/$ver/"
	[ -d "$base/updates" ] && cp -al "$base/updates" "$out/lib/modules/$ver/"
	cp "$base"/modules.order "$base"/modules.builtin* "$out/lib/modules/$ver/"
	for ko in "$base"/kernel/drivers/vfio/pci/*.ko; do
		name=$(basename "$ko")
		[ -f "$kodir/$name" ] ||
			rig_die "the scratch build made no $name (${3:-vm} has it)"
		rm "$out/lib/modules/$ver/kernel/drivers/vfio/pci/$name"
		cp "$kodir/$name" "$out/lib/modules/$ver/kernel/drivers/vfio/pci/"
	done
	for ko in "$out/lib/modules/$ver"/updates/*.ko; do
		name=$(basename "$ko")
		[ -f "$kodir/$name" ] || continue
		rm "$ko"
		cp "$kodir/$name" "$ko"
	done
	depmod -b "$out" "$ver"
}

# rig_distro_kernel: the Debian kernel the series is tried on as an admin
# would (make dkms-check, make distro): DISTRO_KERNEL (or DKMS_KERNEL),
# else the newest 6.12 "+deb12-amd64" kernel whose headers and image
# packages the archive has. Prints its release, or fails saying why.
rig_distro_kernel() {
	local k kver=${DISTRO_KERNEL:-${DKMS_KERNEL:-}}
	if [ -z "$kver" ]; then
		for k in $(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
			   awk '{ print $1 }' | sed 's/^linux-headers-//' | sort -rV); do
			if rig_has_candidate "linux-headers-$k" &&
			   rig_has_candidate "linux-image-$k"; then
				kver=$k
				break
			fi
		done
	fi
	[ -n "$kver" ] ||
		{ rig_log "no linux-headers-6.12.*+deb12-amd64 in the archive"; return 1; }
	echo "$kver"
}

# rig_has_candidate PKG: the archive can install PKG
rig_has_candidate() {
	apt-cache policy "$1" 2> /dev/null | grep 'Candidate: [0-9]' > /dev/null
}

# rig_distro_install KVER: dkms and KVER's headers and image packages,
# installed unless they are (root)
rig_distro_install() {
	local pkgs="dkms linux-headers-$1 linux-image-$1"
	# shellcheck disable=SC2086
	dpkg -s $pkgs > /dev/null 2>&1 && return 0
	rig_log "installing $pkgs"
	apt-get update -qq || return 1
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $pkgs > /dev/null
}
