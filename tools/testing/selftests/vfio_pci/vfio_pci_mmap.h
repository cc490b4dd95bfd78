/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_pci_mmap_test: what its parts share. vfio_pci_mmap_test.c has the
 * helpers and the tests of BAR mappings, MSI-X, memory decode and power;
 * vfio_pci_mmap_stress.c the fork and stress tests, vfio_pci_mmap_rom.c
 * the ROM and VGA regions.
 */
#ifndef VFIO_PCI_SELFTEST_MMAP_H
#define VFIO_PCI_SELFTEST_MMAP_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "qemu_devices.h"
#include "vfio_test.h"

#define BAR_REGION(bar)		(VFIO_PCI_BAR0_REGION_INDEX + (bar))
#define CFG_REGION		VFIO_PCI_CONFIG_REGION_INDEX
#define ROM_REGION		VFIO_PCI_ROM_REGION_INDEX
#define VGA_REGION		VFIO_PCI_VGA_REGION_INDEX

/* the VGA region: legacy memory at 0xa0000 and ports at their numbers */
#define VGA_REGION_SIZE		0xc0000
#define VGA_MEM_START		0xa0000
#define VGA_PORTS_START		0x3c0
#define VGA_PORTS_END		0x3e0
#define PCI_CLASS_VGA		0x0300

#define ROM_SIGNATURE		0xaa55

/* values written to a scratch dword */
#define SCRATCH_A		0x5aa5c33cu
#define SCRATCH_B		0x0ff0e11eu

#define STRESS_THREADS		4
#define STRESS_MS		2000
/*
 * Memory decode goes off for STRESS_OFF_US, then on for STRESS_ON_US.
 * Each change remaps the BAR in the emulator: QEMU 7.2 under TCG may
 * crash when another vCPU writes MMIO while the map changes, so the test
 * makes a few dozen changes, not hundreds.
 */
#define STRESS_OFF_US		5000
#define STRESS_ON_US		50000
/* a thread still running this long after its deadline has hung */
#define STRESS_GRACE_S		30

/* what a forked child reports through its exit status */
enum child_status {
	CHILD_OK,
	CHILD_READ_FAULT,
	CHILD_MISMATCH,
	CHILD_WRITE_FAULT,
};

/*
 * A dword of a known device that holds what is written to it: RAM, or a
 * register as good as RAM for the purpose.
 */
struct scratch {
	__u16 vendor;
	__u16 device;
	int bar;
	__u64 off;
	bool inverts;		/* reads back the complement of the value */
	const char *what;
};

/* Where a BAR holds the MSI-X table; bar is -1 without MSI-X. */
struct msix_loc {
	int bar;
	__u64 start;
	__u64 end;
};

/* The dword the memory, fork and stress tests read through a mapping. */
struct spot {
	int bar;
	__u64 off;
	struct vfio_region_info ri;
	const struct scratch *scratch;	/* NULL: a register only read */
	__u32 expect;			/* what it reads, memory enabled */
};

/* A mapping of a whole BAR. */
struct map {
	__u8 *addr;
	size_t len;
};

extern const struct scratch *scratch;
extern bool is_vf;
extern unsigned long vendor_id, device_id, class_code;
extern size_t page_size;

size_t page_round(__u64 size);
const char *err_str(long ret);
bool region(struct test_ctx *t, __u32 index,
	    struct vfio_region_info *ri);
bool cmd_read(struct test_ctx *t, __u32 *cmd);
bool cmd_write(struct test_ctx *t, __u32 cmd);
bool map_bar(struct test_ctx *t, int bar,
	     const struct vfio_region_info *ri, struct map *m);
void unmap_bar(struct test_ctx *t, int bar, struct map *m);
bool pick_spot(struct test_ctx *t, struct spot *s);
void check_spot(struct test_ctx *t, const struct spot *s,
		const struct map *m, const char *when);

/* the tests of the other parts */
void test_fork(struct test_ctx *t);
void test_stress(struct test_ctx *t);
void test_rom(struct test_ctx *t);
void test_vga(struct test_ctx *t);

#endif /* VFIO_PCI_SELFTEST_MMAP_H */
