#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# series.sh [make|check]: the series as a maintainer receives it.
#
#   make   build/series/: git format-patch patches of the series against
#          a git tree of the exact base (the linux-source-6.12 tree the rig
#          extracts), with a cover letter (scripts/series/cover.txt, the
#          shortlog, the diffstat and the base commit).
#   check  git am of build/series/*.patch onto a clean checkout of the base,
#          one patch at a time: drivers/vfio/ built with W=1 after each
#          (modules, incremental), the mlx5 files the series touches too
#          (SERIES_MLX5=all: the whole mlx5 core folder), checkpatch.pl
#          --strict on each patch; then the tree the series yields against
#          the rig's overlay tree and this repository. Fails on any problem.
#
# The patches are made from this repository's files: each step of the
# series lays a set of them over the base (the overlay's folders, the
# rig's patches/, samples/, the selftests) and commits it with its message
# from scripts/series/ or from the patch file's own header.
set -euo pipefail
. "$(dirname "$0")/rig/common.sh"

mode=${1:-make}
base=$RIG_BUILD/series-git
out=$RIG_BUILD/series
msgs=$RIG_TOP/scripts/series
# the base tree's commit: fixed dates and identity, so its hash depends on
# the tree alone
base_ident=(-c user.name="Linux 6.12.117 (Debian linux-source-6.12)"
	    -c user.email="debian-kernel@lists.debian.org")
# the series' commits: the author and date of this repository's HEAD
# (a clone has them, whatever its git configuration)
ident=(-c user.name="$(git -C "$RIG_TOP" log -1 --format=%an)"
       -c user.email="$(git -C "$RIG_TOP" log -1 --format=%ae)")
date=$(git -C "$RIG_TOP" log -1 --format=%cI)

g() { git -C "$base" "$@"; }

# a git repository of the pristine base, its one commit tagged "base"
base_repo() {
	if g rev-parse -q --verify base > /dev/null 2>&1; then
		return 0
	fi
	"$RIG_TOP/scripts/rig/setup.sh" > /dev/null
	rig_log "series: a git tree of the base (once)"
	rm -rf "$base"
	mkdir -p "$base"
	(cd "$RIG_PRISTINE" && tar -cf - --exclude=.rig-extracted .) |
		tar -xf - -C "$base"
	g init -q
	# -f: Debian's tree has a .gitignore of its packaging that ignores all
	g add -f -A
	GIT_AUTHOR_DATE=2025-01-01T00:00:00Z GIT_COMMITTER_DATE=2025-01-01T00:00:00Z \
	g "${base_ident[@]}" commit -q -m "Linux $(make -s -C "$RIG_PRISTINE" kernelversion)" \
		-m "The tree of Debian's linux-source-6.12 $(dpkg-query -W -f '${Version}' linux-source-6.12)."
	g tag base
}

# base_clean: the checkout at the base, nothing else in it
base_clean() {
	g checkout -q -f -B "$1" base
	g clean -q -fdx
}

# lay PATH (a file or folder of this repository) over the checkout: the
# files git tracks there
lay() {
	(cd "$RIG_TOP" && git ls-files -z -- "$1" | xargs -0 cp --parents -t "$base")
}

# apply_rig_patch NNNN: patches/NNNN-*.patch, its message from its header
apply_rig_patch() {
	local f subj
	f=$(echo "$RIG_TOP/patches/$1"-*.patch)
	[ -f "$f" ] || rig_die "series: no patches/$1-*.patch"
	g apply --index "$f"
	subj=$(sed -n 's/^Subject: \[PATCH\] //p' "$f" | head -n 1)
	# the body: from after the Subject line to the "---" line
	{ echo "$subj"; sed -n '/^Subject:/,/^---$/p' "$f" | sed '1d;$d'; } |
		sed '/^Signed-off-by:/d' > "$RIG_BUILD/series-msg"
}

commit() { # commit MSGFILE
	g add -f -A
	GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date g "${ident[@]}" commit -q -s -F "$1"
}

# edit_maintainers PY: a Python expression on the text s of MAINTAINERS
edit_file() { # edit_file FILE EXPR: FILE of the base, s the text
	python3 - "$base/$1" "$2" <<'EOF'
import sys
p, expr = sys.argv[1], sys.argv[2]
s = open(p).read()
t = eval(expr)
if t == s:
    sys.exit(p + ": the edit changed nothing")
open(p, "w").write(t)
EOF
}

edit_maintainers() {
	edit_file MAINTAINERS "$1"
}

# Kconfig and Makefile of drivers/vfio/pci before mlx5_vfio_pci: ours
# without its entries, the base tree's mlx5 folder still taken in
pci_build_files_without_mlx5() {
	local d=$base/drivers/vfio/pci
	python3 - "$d/Kconfig" "$d/Makefile" <<'EOF'
import re, sys
k, m = sys.argv[1], sys.argv[2]
s = open(k).read()
s = re.sub(r'config MLX5_VFIO_PCI\w*\n(?:(?!config |source |endmenu).*\n)*', '', s)
s = s.replace('source "drivers/vfio/pci/hisilicon/Kconfig"',
              'source "drivers/vfio/pci/mlx5/Kconfig"\n\nsource "drivers/vfio/pci/hisilicon/Kconfig"')
open(k, "w").write(s)
s = open(m).read()
s = "".join(l for l in s.splitlines(True) if "MLX5" not in l)
s = s.replace("obj-$(CONFIG_HISI_ACC_VFIO_PCI)",
              "obj-$(CONFIG_MLX5_VFIO_PCI) += mlx5/\nobj-$(CONFIG_HISI_ACC_VFIO_PCI)")
open(m, "w").write(s)
EOF
}

make_series() {
	local f
	base_repo
	base_clean series

	# 1. the VFIO core: a token on the cdev bind
	apply_rig_patch 0001
	commit "$RIG_BUILD/series-msg"

	# 2. the library and vfio_pci, beside the base tree's variant drivers
	g rm -q drivers/vfio/pci/vfio_pci_priv.h drivers/vfio/pci/trace.h \
		drivers/vfio/pci/vfio_pci_igd.c drivers/vfio/pci/vfio_pci_zdev.c
	for f in $(cd "$RIG_TOP" && git ls-files drivers/vfio/pci); do
		case ${f##*/} in mlx5_*) continue ;; esac
		lay "$f"
	done
	lay include/linux/vfio_pci_core.h
	pci_build_files_without_mlx5
	edit_maintainers 's.replace("F:\tdrivers/vfio/pci/vfio_pci_zdev.c\n", "")'
	commit "$msgs/02-core.msg"

	# 3. mlx5_core's auxiliary devices, and their contract
	apply_rig_patch 0002
	lay include/linux/mlx5/vfio_pci.h
	edit_maintainers 's.replace("F:\tdrivers/vfio/pci/mlx5/\n", "F:\tdrivers/vfio/pci/mlx5/\nF:\tinclude/linux/mlx5/vfio_pci.h\n")'
	commit "$RIG_BUILD/series-msg"

	# 4. mlx5_vfio_pci in place of the base tree's mlx5 folder
	g rm -rq drivers/vfio/pci/mlx5
	lay drivers/vfio/pci
	edit_maintainers 's.replace("F:\tdrivers/vfio/pci/mlx5/\n", "F:\tdrivers/vfio/pci/mlx5_vfio_pci*\n")'
	commit "$msgs/04-mlx5.msg"

	# 5. the sample variant driver
	apply_rig_patch 0004
	lay samples/vfio-pci
	edit_maintainers 's.replace("F:\tinclude/uapi/linux/vfio.h\n\nVFIO FSL-MC", "F:\tinclude/uapi/linux/vfio.h\nF:\tsamples/vfio-pci/\n\nVFIO FSL-MC")'
	commit "$msgs/05-sample.msg"

	# 6. the selftests and the administrator's helper
	lay tools/testing/selftests/vfio_pci
	lay tools/vfio
	edit_file tools/testing/selftests/Makefile 's.replace("TARGETS += vDSO\n", "TARGETS += vDSO\nTARGETS += vfio_pci\n")'
	edit_maintainers 's.replace("F:\tsamples/vfio-pci/\n", "F:\tsamples/vfio-pci/\nF:\ttools/testing/selftests/vfio_pci/\nF:\ttools/vfio/\n")'
	commit "$msgs/06-selftests.msg"

	# 7. the documentation
	apply_rig_patch 0003
	lay Documentation/driver-api/vfio-pci-core.rst
	edit_maintainers 's.replace("F:\tDocumentation/driver-api/vfio.rst\n", "F:\tDocumentation/driver-api/vfio-pci-core.rst\nF:\tDocumentation/driver-api/vfio.rst\n")'
	commit "$msgs/07-docs.msg"

	rm -rf "$out"
	g format-patch -q --cover-letter --base=base -o "$out" \
		--subject-prefix="RFC PATCH" base..series
	cover_letter "$out"/0000-cover-letter.patch
	echo "series: $(ls "$out"/*.patch | wc -l) files in $out"
}

# fill format-patch's cover letter template with scripts/series/cover.txt
cover_letter() {
	python3 - "$1" "$msgs/cover.txt" <<'EOF'
import sys
p, c = sys.argv[1], open(sys.argv[2]).read()
s = open(p).read()
subj, _, body = c.partition("\n\n")
s = s.replace("*** SUBJECT HERE ***", subj.strip())
s = s.replace("*** BLURB HERE ***", body.strip())
open(p, "w").write(s)
EOF
}

check_series() {
	local p d n=0 bad=0 log build=$RIG_BUILD/series-out touched objs
	local mlx5=drivers/net/ethernet/mellanox/mlx5/core
	ls "$out"/0001-*.patch > /dev/null 2>&1 ||
		rig_die "series-check: no series in $out (make series)"
	base_repo
	base_clean check
	rig_configure "$base" "$build" "$RIG_TOP/configs/vm.config" \
		"$RIG_TOP/configs/mlx5.config" "$RIG_TOP/configs/series.config" ||
		rig_die "series-check: configure failed"
	make -s -C "$base" O="$build" -j"$RIG_JOBS" modules_prepare
	# the mlx5 objects the series touches
	touched=$(cat "$out"/0*.patch | sed -n "s#^+++ b/\($mlx5/.*\)\.c\$#\1.o#p" | sort -u)
	for p in "$out"/0*.patch; do
		case $p in */0000-cover-letter.patch) continue ;; esac
		n=$((n + 1))
		if ! g -c user.name=check -c user.email=check@localhost am -q "$p" > "$build/am.log" 2>&1; then
			cat "$build/am.log"
			echo "not ok $n $(basename "$p"): git am failed"
			return 1
		fi
		# the symbols of the series, once a patch has them; the others
		# a patch adds take their defaults
		"$base/scripts/config" --file "$build/.config" \
			-m MLX5_VFIO_PCI_TEST_PARENT -m SAMPLE_VFIO_PCI_EDU
		make -s -C "$base" O="$build" olddefconfig > /dev/null
		objs=$touched
		[ -d "$base/samples/vfio-pci" ] && objs+=" samples/vfio-pci/"
		[ "${SERIES_MLX5:-}" != all ] || objs="$mlx5/ ${objs#"$touched"}"
		log=$(make -s -k -C "$base" O="$build" -j"$RIG_JOBS" W=1 \
			drivers/vfio/ $objs 2>&1) || { echo "$log"; bad=1
			echo "not ok $n $(basename "$p"): the build failed"; continue; }
		# the base tree's variant drivers of series.config were built
		for d in mlx5 virtio; do
			[ ! -d "$base/drivers/vfio/pci/$d" ] ||
			[ -f "$build/drivers/vfio/pci/$d/main.o" ] ||
			{ echo "not ok $n $(basename "$p"): $d not built"; bad=1; }
		done
		if echo "$log" | grep -E '(warning|error):' | grep -vE "^$mlx5/" |
		   grep .; then
			echo "not ok $n $(basename "$p"): diagnostics"
			bad=1
			continue
		fi
		if [ -d "$base/tools/testing/selftests/vfio_pci" ] &&
		   ! selftests_built "$n" "$p"; then
			bad=1
			continue
		fi
		# the system's python3 (its spdxcheck.py needs python3-ply)
		if ! log=$(cd "$base" && PATH=/usr/bin:$PATH \
			   scripts/checkpatch.pl --strict -q "$p" 2>&1) ||
		   echo "$log" | grep -q Traceback; then
			echo "$log"
			echo "not ok $n $(basename "$p"): checkpatch"
			bad=1
			continue
		fi
		echo "ok $n $(basename "$p"): applies, builds with W=1, checkpatch --strict clean"
	done
	same_as_overlay || bad=1
	return $bad
}

# selftests_built N PATCH: once the series has the selftests, the kselftest
# framework builds them (TARGETS lists vfio_pci) against the tree's uAPI
selftests_built() {
	local log
	grep -qx 'TARGETS += vfio_pci' "$base/tools/testing/selftests/Makefile" ||
		{ echo "not ok $1 $(basename "$2"): vfio_pci not in the selftests' TARGETS"
		  return 1; }
	if ! log=$(make -s -C "$base" O="$build" headers 2>&1 &&
		   make -s -C "$base/tools/testing/selftests" O="$build" \
			-j"$RIG_JOBS" TARGETS=vfio_pci 2>&1) ||
	   echo "$log" | grep -E '(warning|error):'; then
		echo "$log" | tail -n 30
		echo "not ok $1 $(basename "$2"): the selftests do not build"
		return 1
	fi
}

# The tree the series yields: every file the rig's overlay tree has beside
# the base is the same there, and the series adds nothing else but the
# sample, the selftests and the helper, as they are in this repository.
same_as_overlay() {
	local f st d bad=0 k=0
	while IFS=$'\t' read -r st f; do
		k=$((k + 1))
		case $f in
		samples/vfio-pci/* | tools/vfio/* | tools/testing/selftests/vfio_pci/*)
			cmp -s "$base/$f" "$RIG_TOP/$f" || { echo "differs from the repository: $f"; bad=1; } ;;
		# the kselftest framework's list of targets: ours added
		tools/testing/selftests/Makefile)
			d=$(diff "$RIG_PRISTINE/$f" "$base/$f" | grep '^[<>]' || true)
			[ "$d" = "> TARGETS += vfio_pci" ] ||
				{ echo "$f: not the base's with vfio_pci added to TARGETS: $d"; bad=1; } ;;
		MAINTAINERS) ;;
		*)
			if [ "$st" = D ]; then
				[ ! -e "$RIG_TREE/$f" ] || { echo "the overlay keeps what the series deletes: $f"; bad=1; }
			else
				cmp -s "$base/$f" "$RIG_TREE/$f" || { echo "differs from the overlay: $f"; bad=1; }
			fi ;;
		esac
	done < <(g diff --name-status --no-renames base HEAD)
	# and the other way: what the overlay changed, the series has
	for f in $(cd "$RIG_TREE" && find drivers/vfio include/linux/vfio_pci_core.h \
		   include/linux/mlx5 Documentation/driver-api samples/Kconfig samples/Makefile \
		   drivers/net/ethernet/mellanox/mlx5/core -type f); do
		cmp -s "$RIG_TREE/$f" "$base/$f" || { echo "the series lacks the overlay's $f"; bad=1; }
	done
	[ $bad -eq 0 ] && echo "ok: the series yields the overlay's files ($k paths changed)"
	return $bad
}

case $mode in
make) make_series ;;
check) check_series ;;
*) rig_die "usage: series.sh [make|check]" ;;
esac
