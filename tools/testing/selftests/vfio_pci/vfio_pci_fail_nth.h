/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_pci_fail_nth: what its parts share. vfio_pci_fail_nth.c has the
 * fault injection control, the spared functions, the sweep and the open;
 * the steps swept are in vfio_pci_fail_nth_irq.c (SET_IRQS, ioeventfd),
 * vfio_pci_fail_nth_dev.c (mapping, resets, low power, info) and
 * vfio_pci_fail_nth_sriov.c (bind, SR-IOV, VF token, mlx5).
 */
#ifndef VFIO_PCI_SELFTEST_FAIL_NTH_H
#define VFIO_PCI_SELFTEST_FAIL_NTH_H

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/pci_regs.h>

#include "vfio_test.h"

/* no step reaches this many injection points: hitting it fails the test */
#define FAIL_NTH_CAP	2000
#define DEBUGFS		"/sys/kernel/debug"
#define MAX_VEC		8	/* vectors enabled at most */
#define GROW_TO		4	/* dynamic MSI-X: vector 0, then 1..3 added */
#define INFO_BUF	4096	/* room for any capability chain */
#define MAX_REGIONS	32
#define EFD_WAIT_MS	1000

/* errno slots of the tally: real errnos below ERR_SIGBUS */
#define ERR_SIGBUS	600	/* the first touch of a mapping got SIGBUS */
#define ERR_OTHER	601	/* an errno past the table */
#define ERR_SLOTS	602

struct spare {
	const char *func;
	const char *why;
};

extern const struct spare spare_irq_proc, spare_group, spare_virtfn,
	spare_prt;

struct sweep_ops {
	const char *what;
	const struct spare *spare;
	int (*setup)(struct test_ctx *t, void *c);
	int (*step)(void *c);
	bool (*undo)(struct test_ctx *t, void *c, int ret, unsigned int nth);
};

void sweep(struct test_ctx *t, const struct sweep_ops *ops, void *c);
bool vendor_ok(struct test_ctx *t, int fd, const char *what,
	       unsigned int nth);
bool fi_ready(struct test_ctx *t);
long now_ms(void);
bool bar0_ready(struct test_ctx *t, struct vfio_region_info *ri);

/* the steps swept, one test each */
void test_irq_intx(struct test_ctx *t);
void test_irq_msi_1(struct test_ctx *t);
void test_irq_msi_n(struct test_ctx *t);
void test_irq_msix_n(struct test_ctx *t);
void test_irq_msix_grow(struct test_ctx *t);
void test_irq_err(struct test_ctx *t);
void test_irq_req(struct test_ctx *t);
void test_ioeventfd(struct test_ctx *t);
void test_mmap_bar0(struct test_ctx *t);
void test_reset(struct test_ctx *t);
void test_hot_reset_info(struct test_ctx *t);
void test_hot_reset(struct test_ctx *t);
void test_low_power_entry(struct test_ctx *t);
void test_low_power_wakeup(struct test_ctx *t);
void test_low_power_exit(struct test_ctx *t);
void test_region_info_caps(struct test_ctx *t);
void test_info_caps(struct test_ctx *t);
void test_sysfs_bind(struct test_ctx *t);
void test_sriov_numvfs(struct test_ctx *t);
void test_vf_token(struct test_ctx *t);
void test_vf_open(struct test_ctx *t);
void test_mlx5_aux(struct test_ctx *t);

#endif /* VFIO_PCI_SELFTEST_FAIL_NTH_H */
