# SPDX-License-Identifier: GPL-2.0
# The rig of the vfio-pci-core series. See README.md.

RIG := scripts/rig

.PHONY: all run test bench boot mutants fuzz soak coverage dkms-src dkms-check series series-check build setup vm debug upstream tools clean distclean

all: run

## run: build the vm flavor, boot it, bind edu to vfio-pci, run the demo
run:
	@$(RIG)/run.sh

## test: static checks, three builds, in-guest suite on each, KUnit
test:
	@$(RIG)/test.sh

## boot: kernel-CI style boot test of one flavor (FLAVOR=vm|debug|upstream)
FLAVOR ?= vm
boot: setup
	@$(RIG)/build.sh $(FLAVOR)
	@bash -c '. $(RIG)/common.sh && rig_tools'
	@$(RIG)/boottest.sh $(FLAVOR)

## bench: config, BAR and mmap latency, our driver beside upstream's (TCG)
bench:
	@$(RIG)/bench.sh

## mutants: breakages of the driver (scripts/rig/mutants.list) vs the tests (MUTANTS=id,...)
mutants: setup
	@$(RIG)/build.sh vm
	@bash -c '. $(RIG)/common.sh && rig_tools'
	@$(RIG)/mutants.sh

## fuzz: vfio_pci_fuzz on every device on debug (FUZZ_TIME=600 seconds in all)
fuzz:
	@$(RIG)/fuzz.sh

## soak: hot-unplug cycles under a holding user, races with AER (SOAK_CYCLES=100, SOAK_RACE=60)
soak:
	@$(RIG)/soak.sh

## coverage: gcov of our modules over the suite and a fuzz run (COVERAGE_FUZZ=60)
coverage:
	@$(RIG)/coverage.sh

## dkms-src: the DKMS source tree of the series in build/dkms/vfio-pci-core-VERSION
dkms-src:
	@scripts/dkms-src.sh

## dkms-check: build, install and remove with DKMS on Debian's own 6.12 kernel (root)
dkms-check:
	@$(RIG)/dkms.sh

## distro: Debian's own 6.12 kernel, our modules built by DKMS, the in-guest suite on it (root)
.PHONY: distro
distro:
	@$(RIG)/distro.sh

## series: the series as git format-patch patches and a cover letter in build/series/
series:
	@scripts/series.sh make

## series-check: git am of build/series onto the base, each patch built (W=1) and checkpatched
series-check:
	@scripts/series.sh check

setup:
	@$(RIG)/setup.sh

## vm, debug, upstream: build one flavor
vm debug upstream: setup
	@$(RIG)/build.sh $@

build: vm debug upstream

tools: setup
	@bash -c '. $(RIG)/common.sh && rig_tools'

clean:
	rm -rf build/vm build/test build/kselftest build/kselftest.obj

distclean:
	rm -rf build
