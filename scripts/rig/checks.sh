# SPDX-License-Identifier: GPL-2.0
# The static checks of make test, one function each, returning non-zero
# on any finding and on any tool that is missing or fails to run. Sourced
# by test.sh, and by selftest.sh, which breaks each on purpose.
# Needs common.sh.

RIG_CHECKPATCH=${RIG_CHECKPATCH:-$RIG_TREE/scripts/checkpatch.pl}
RIG_SPARSE=${RIG_SPARSE:-sparse}

our_files() {
	(cd "$RIG_TOP" && git ls-files 'drivers/vfio/pci/*.[ch]' \
		'include/linux/mlx5/*.h' include/linux/vfio_pci_core.h \
		'samples/vfio-pci/*.[ch]' 'tools/testing/selftests/vfio_pci/*.[ch]')
}

# checkpatch --strict over our files, and over the patches to files
# outside our folders as patches. The verdict is checkpatch's own exit
# status: a script that is missing or does not start fails too.
check_checkpatch() {
	local cp=$RIG_CHECKPATCH p rc=0
	local -a files
	[ -f "$cp" ] || { echo "checkpatch: no $cp"; return 1; }
	mapfile -t files < <(our_files)
	[ ${#files[@]} -gt 0 ] || { echo "checkpatch: no files to check"; return 1; }
	(cd "$RIG_TOP" && perl "$cp" --no-tree --strict --terse --show-types \
		-f "${files[@]}") || rc=1
	for p in "$RIG_TOP"/patches/*.patch; do
		[ -e "$p" ] || continue
		perl "$cp" --no-tree --strict --terse --show-types "$p" || rc=1
	done
	[ $rc -eq 0 ] && echo "checkpatch: ${#files[@]} files and the patches clean"
	return $rc
}

# kernel-doc must be clean, and every exported symbol documented (an
# exported object, which kernel-doc cannot take, by a comment that names
# it the same way).
check_kerneldoc() {
	local f sym bad=0 out kd=$RIG_TREE/scripts/kernel-doc
	cd "$RIG_TOP" || return 1
	[ -f "$kd" ] || { echo "kernel-doc: no $kd"; return 1; }
	# -none exits 0 with warnings: its output is the verdict, and a
	# failure to run is one too
	out=$(our_files | grep -v '^tools/' | xargs perl "$kd" -none -Wall 2>&1) ||
		{ echo "kernel-doc did not run: $out"; return 1; }
	[ -z "$out" ] || { echo "$out"; bad=1; }
	for f in drivers/vfio/pci/*.c; do
		for sym in $(sed -n 's/^EXPORT_SYMBOL[A-Z_]*(\([a-z0-9_]*\).*/\1/p' "$f"); do
			# a function's kernel-doc, or an object's comment
			grep -qE "^ \* $sym(\(\))? - " "$f" ||
				{ echo "$f: $sym is exported without kernel-doc"; bad=1; }
		done
	done
	return $bad
}

# Documentation/driver-api/vfio-pci-core.rst, as Sphinx's kernel-doc
# extension would build it: each kernel-doc directive run through
# scripts/kernel-doc -rst with the same options must print RST and no
# warning. Every DOC block of ours is placed in the document, and every
# file that exports symbols has its :export: directive, so that a new
# one is not left out.
RIG_DOC=Documentation/driver-api/vfio-pci-core.rst
check_docs() {
	local kd=$RIG_TREE/scripts/kernel-doc file opt arg out err n=0 bad=0
	local title f
	cd "$RIG_TOP" || return 1
	[ -f "$RIG_DOC" ] || { echo "docs: no $RIG_DOC"; return 1; }
	while read -r file opt arg; do
		case $opt in
		:doc:) set -- -function "$arg" ;;
		:export:) set -- -export ;;
		:internal:) set -- -internal ;;
		*) echo "docs: $file: option '$opt' not handled here"; bad=1; continue ;;
		esac
		err=$(mktemp)
		out=$(perl "$kd" -rst -enable-lineno -sphinx-version 5.3.0 "$@" \
			"$file" 2> "$err") || { echo "docs: kernel-doc failed on $file $opt $arg"; bad=1; }
		if [ -s "$err" ]; then
			echo "docs: $file $opt $arg:"; cat "$err"; bad=1
		fi
		rm -f "$err"
		[ -n "$out" ] || { echo "docs: $file $opt $arg renders nothing"; bad=1; }
		n=$((n + 1))
	done < <(awk '/^\.\. kernel-doc:: / { f = $3; getline;
		sub(/^ +/, ""); o = $1; $1 = ""; sub(/^ /, ""); print f, o, $0 }' "$RIG_DOC")
	while IFS=: read -r f title; do
		title=${title#* \* DOC: }
		grep -qF ":doc: $title" "$RIG_DOC" ||
			{ echo "docs: $f: DOC: $title is not in $RIG_DOC"; bad=1; }
	done < <(our_files | grep -v '^tools/' | xargs grep -H '^ \* DOC: ')
	for f in $(our_files | grep '\.c$' | xargs grep -l '^EXPORT_SYMBOL_GPL'); do
		awk -v f="$f" '$0 == ".. kernel-doc:: " f { getline; if ($1 == ":export:") ok = 1 }
			END { exit !ok }' "$RIG_DOC" ||
			{ echo "docs: $f exports symbols but has no :export: in $RIG_DOC"; bad=1; }
	done
	[ $bad -eq 0 ] && echo "docs: $n kernel-doc directives render clean"
	return $bad
}

# vfio_pci_core_probe() refuses at build time a driver structure whose
# first member is not the core device named core: a scratch module
# against the vm build, once per layout, must build only with the right
# one.
check_layout_guard() {
	local dir=$RIG_BUILD/scratch/layout v rc bad=0 want
	for v in good notfirst wrongtype noname; do
		mkdir -p "$dir/$v"
		cat > "$dir/$v/guard.c" <<-EOF
		// SPDX-License-Identifier: GPL-2.0-only
		#include <linux/module.h>
		#include <linux/vfio_pci_core.h>
		struct good { struct vfio_pci_core_device core; int x; };
		struct notfirst { int x; struct vfio_pci_core_device core; };
		struct wrongtype { struct vfio_device core; int x; };
		struct noname { struct vfio_pci_core_device vpdev; int x; };
		static const struct vfio_device_ops ops = { VFIO_PCI_CORE_DEVICE_OPS };
		int guard_probe(struct pci_dev *pdev);
		int guard_probe(struct pci_dev *pdev)
		{
			const struct vfio_pci_settings s = {};
			return PTR_ERR_OR_ZERO(vfio_pci_core_probe(pdev,
					struct $v, &ops, &s));
		}
		EXPORT_SYMBOL_GPL(guard_probe);
		MODULE_LICENSE("GPL");
		EOF
		echo "obj-m := guard.o" > "$dir/$v/Makefile"
		make -s -C "$RIG_TREE" O="$(rig_out vm)" M="$dir/$v" modules \
			> "$dir/$v/log" 2>&1
		rc=$?
		want=fails
		[ $v = good ] && want=builds
		if { [ $v = good ] && [ $rc -ne 0 ]; } ||
			{ [ $v != good ] && ! grep -qE "negative width|no member named" "$dir/$v/log"; }; then
			echo "layout guard: struct $v should have $want:"
			cat "$dir/$v/log"
			bad=1
		else
			echo "layout guard: struct $v $want"
		fi
	done
	return $bad
}

# W=1 and sparse over our folder, in the vm build. Fails when make
# fails, when sparse is not there or checked none of our files, and on
# any diagnostic (compiler, sparse or modpost).
check_sparse() {
	local out rc
	command -v "$RIG_SPARSE" > /dev/null ||
		{ echo "sparse: no '$RIG_SPARSE' on PATH"; return 1; }
	out=$(make -C "$RIG_TREE" O="$(rig_out vm)" W=1 C=2 CHECK="$RIG_SPARSE" \
		drivers/vfio/pci/ 2>&1)
	rc=$?
	echo "$out"
	sparse_verdict "$rc" "$out"
}

# sparse_verdict STATUS OUTPUT: the verdict on a W=1 C=2 build's output
sparse_verdict() {
	local n
	[ "$1" -eq 0 ] || { echo "sparse: make exited $1"; return 1; }
	n=$(echo "$2" | grep -c '^ *CHECK .*drivers/vfio/pci/')
	[ "$n" -gt 0 ] || { echo "sparse: no file of drivers/vfio/pci checked"; return 1; }
	if echo "$2" | grep -E '(warning|error|WARNING|ERROR):'; then
		return 1
	fi
	echo "sparse: $n files checked, no diagnostic"
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


# The base tree's variant drivers of other vendors (RIG_BASE_VARIANTS), as
# they are, build on the library's API: each folder of our tree compiled
# with W=1 against the vm build prints no diagnostic, and leaves no
# symbol unresolved but those of its vendor's own core driver, which the
# vm flavor does not build (QAT, HiSilicon QM, pds_core).
check_base_variants() {
	local d log unres rc=0 tmp=$RIG_BUILD/variants
	local cfg="CONFIG_HISI_ACC_VFIO_PCI=m CONFIG_PDS_VFIO_PCI=m
		CONFIG_VIRTIO_VFIO_PCI=m CONFIG_NVGRACE_GPU_VFIO_PCI=m
		CONFIG_QAT_VFIO_PCI=m"

	rm -rf "$tmp"
	mkdir -p "$tmp"
	for d in $RIG_BASE_VARIANTS; do
		cp -r "$RIG_TREE/drivers/vfio/pci/$d" "$tmp/"
		# shellcheck disable=SC2086
		log=$(make -s -C "$RIG_TREE" O="$(rig_out vm)" M="$tmp/$d" \
			W=1 KBUILD_MODPOST_WARN=1 $cfg modules 2>&1) || {
			echo "$log"
			echo "$d: the build failed"
			rc=1
			continue
		}
		# every symbol the module needs, against what the vm build exports
		unres=$(nm -u "$tmp/$d"/*.ko | awk '{ print $2 }' | sort -u |
			grep -vxFf <(awk '{ print $2 }' "$(rig_out vm)/Module.symvers") |
			grep -v '^__' || true)
		if echo "$log" | grep -vE 'modpost: ("[^"]*" .* undefined!|suppressed)' |
		   grep -E '(warning|error|WARNING|ERROR)'; then
			echo "$d: diagnostics"
			rc=1
		elif echo "$unres" | grep -vE '^(hisi_|pds_|pdsc_|qat_|adf_|$)'; then
			echo "$d: the symbols above are unresolved"
			rc=1
		else
			echo "$d: $(cd "$tmp/$d" && echo *.ko), W=1 clean," \
				"$(echo "$unres" | grep -c .) symbols left to its vendor's core"
		fi
	done
	return $rc
}
