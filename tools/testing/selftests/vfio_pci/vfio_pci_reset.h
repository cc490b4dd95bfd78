/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_pci_reset_test: what its parts share. vfio_pci_reset_test.c finds
 * the device and its place on the bus, holds the helpers and the tests of
 * a device between users; vfio_pci_reset_reset.c tests
 * VFIO_DEVICE_RESET, vfio_pci_reset_hot.c the hot reset and its info.
 */
#ifndef VFIO_PCI_SELFTEST_RESET_H
#define VFIO_PCI_SELFTEST_RESET_H

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "qemu_devices.h"
#include "vfio_test.h"

#define SYSFS_PCI		"/sys/bus/pci/devices"
#define SYSFS_VFIO_PCI		"/sys/bus/pci/drivers/vfio-pci"

/* registers of QEMU's devices the other tests do not use */
#define E1000E_REG_STATUS	0x08
#define E1000E_REG_RDBAL	0x2800	/* receive ring base, 16-byte aligned */

/* nvme: I/O queue entries of 2^6 and 2^4 bytes, the controller off */
#define NVME_CC_QES		0x00460000u

#define BAR0			VFIO_PCI_BAR0_REGION_INDEX

/* the device and function of a devfn */
#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)

/* room for this many affected functions and group fds */
#define MAX_AFFECTED		8
#define MAX_FDS			4

/* a count no bus has that many functions for */
#define HUGE_COUNT		0x7fffffffu

enum dev_kind { DEV_OTHER, DEV_EDU, DEV_E1000E, DEV_NVME };

/* Where the function sits, and so what a hot reset of it does. */
enum topo {
	TOPO_UNKNOWN,	/* not worked out: the hot reset tests skip */
	TOPO_ROOT_BUS,	/* on a root bus: no bus or slot reset */
	TOPO_ALONE,	/* the only function below its bridge */
	TOPO_SHARED,	/* below its bridge with functions not ours */
};

/* A function on the bus a hot reset of the device resets. */
struct affected {
	char bdf[16];
	int group_id;
	bool self;
};

/* GET_PCI_HOT_RESET_INFO argument with room for the answer */
struct info_arg {
	struct vfio_pci_hot_reset_info hdr;
	struct vfio_pci_dependent_device devs[MAX_AFFECTED];
};

static_assert(offsetof(struct info_arg, devs) ==
	      sizeof(struct vfio_pci_hot_reset_info),
	      "the device list must follow the info header");

/*
 * A BAR0 register of a known device that holds what is written to it,
 * the device state the reset tests look at.
 */
struct state_reg {
	enum dev_kind kind;
	__u64 off;
	__u32 val;		/* the value written */
	__u32 held;		/* what it then reads */
	/*
	 * Does a reset of the device return it to 0? Asserted only where
	 * upstream shows it: QEMU's edu has no reset handler, and the
	 * reset of e1000e is a PM D3hot-D0 cycle QEMU 7.2 does nothing on.
	 */
	bool cleared;
	const char *name;
};

/* PCI_HOT_RESET argument with room for a few group fds */
struct reset_arg {
	struct vfio_pci_hot_reset hdr;
	__s32 fds[MAX_FDS];
};

static_assert(offsetof(struct reset_arg, fds) ==
	      sizeof(struct vfio_pci_hot_reset),
	      "the group fds must follow the hot reset header");

extern enum dev_kind dev_kind;
extern unsigned long vendor_id;
extern bool is_vf;
extern bool has_reset_method;
extern enum topo topo;
extern const char *topo_why;
/* the bridge above the device, whose secondary bus a hot reset resets */
extern char port[16];
extern struct affected affected[MAX_AFFECTED];
extern int nr_affected;
extern size_t page_size;

bool expect_at(struct test_ctx *t, int ret, int want,
	       const char *what, int line);
void check_alive_at(struct test_ctx *t, const char *after, int line);
#define expect(t, ret, want, what)	expect_at(t, ret, want, what, __LINE__)
#define check_alive(t, after)	check_alive_at(t, after, __LINE__)

bool is_bdf(const char *name);
const struct state_reg *state_reg_of(void);
const struct state_reg *need_state(struct test_ctx *t);
bool need_topo(struct test_ctx *t);
__u32 bar0_read(struct test_ctx *t, __u64 off);
__u32 cfg_read16(struct test_ctx *t, unsigned int off);
void cmd_write(struct test_ctx *t, __u32 cmd);
__u32 phys_cfg16(struct test_ctx *t, unsigned int off);
__u32 phys_cfg32(struct test_ctx *t, unsigned int off);
void state_set(struct test_ctx *t, const struct state_reg *r);
void state_check(struct test_ctx *t, const struct state_reg *r,
		 bool reset, const char *what);
__u8 *map_bar0(struct test_ctx *t);
void unmap_bar0(struct test_ctx *t, __u8 *p);
void check_mapping(struct test_ctx *t, __u8 *p, const char *what);
bool reset_flagged(struct test_ctx *t);
int device_reset(struct vfio_dev *d);
int info_call(struct vfio_dev *d, struct info_arg *a, __u32 argsz);
int hot_reset(struct vfio_dev *d, __u32 flags, __u32 count,
	      const int *fds, int nfds);
int hot_reset_owned(struct vfio_dev *d);
int hot_reset_want(void);

/* the tests of the other parts */
void test_reset_flag(struct test_ctx *t);
void test_reset(struct test_ctx *t);
void test_reset_state(struct test_ctx *t);
void test_reset_flr(struct test_ctx *t);
void test_reset_d3hot(struct test_ctx *t);
void test_reset_mmap(struct test_ctx *t);
void test_reset_config(struct test_ctx *t);
void test_info_argsz(struct test_ctx *t);
void test_info_list(struct test_ctx *t);
void test_hot_reset(struct test_ctx *t);
void test_hot_reset_bad_args(struct test_ctx *t);
void test_hot_reset_bad_fds(struct test_ctx *t);
void test_hot_reset_foreign_group(struct test_ctx *t);

#endif /* VFIO_PCI_SELFTEST_RESET_H */
