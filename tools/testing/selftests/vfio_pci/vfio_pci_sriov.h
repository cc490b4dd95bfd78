/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_pci_sriov_test: what its parts share. vfio_pci_sriov_test.c has the
 * helpers and the tests of VFs made under an open PF; vfio_pci_sriov_late.c
 * the VFs made before the PF's user comes, and the token on the cdev bind.
 */
#ifndef VFIO_PCI_SELFTEST_SRIOV_H
#define VFIO_PCI_SELFTEST_SRIOV_H

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "qemu_devices.h"
#include "vfio_test.h"

#define PARAM_SRIOV	"/sys/module/vfio_pci/parameters/enable_sriov"
#define NR_VFS		2
#define MAX_GROUPS	4

/* how long the REQ eventfd may take, and the disable once the VF closed */
#define REQ_MS		10000
#define REMOVE_MS	20000

#define UUID_LEN	16
#define UUID_STR_LEN	36

/* VFIO_DEVICE_FEATURE with room for a UUID */
struct feature_arg {
	struct vfio_device_feature hdr;
	__u8 uuid[UUID_LEN];
};

static_assert(offsetof(struct feature_arg, uuid) ==
	      sizeof(struct vfio_device_feature),
	      "the UUID must follow the feature header");

/* VFIO_DEVICE_SET_IRQS with one eventfd */
struct irq_arg {
	struct vfio_irq_set hdr;
	__s32 fd;
};

static_assert(offsetof(struct irq_arg, fd) == sizeof(struct vfio_irq_set),
	      "the eventfd must follow the SET_IRQS header");

/* The write of "0" to sriov_numvfs that waits for the open VF. */
struct disable_job {
	pthread_t thread;
	bool started;
	int ret;
	atomic_bool done;
};

extern const __u8 token_a[UUID_LEN], token_b[UUID_LEN], token_wrong[UUID_LEN];
extern const char *pf_bdf, *other_bdf;
extern char vf_bdf[NR_VFS][32];
extern bool have_vfs;
extern char uuid_a[UUID_STR_LEN + 1], uuid_b[UUID_STR_LEN + 1];
extern char uuid_wrong[UUID_STR_LEN + 1];
extern struct vfio_dev groups[MAX_GROUPS];
extern int nr_groups;
extern int pf_fd, vf_fd;
extern struct disable_job disable_job;

const char *errname(int err);
bool check_fails(struct test_ctx *t, int ret, int want,
		 const char *what, ...) __printf(4, 5);
void fd_close(int *fd);
const char *token_opt(char *buf, size_t len, const char *uuid);
void expect_open_fails(struct test_ctx *t, const char *bdf,
		       const char *opts, int want);
void check_vendor(struct test_ctx *t, int fd, const char *bdf,
		  __u32 want);
void check_bar0(struct test_ctx *t, int fd, const char *bdf);
int expect_open(struct test_ctx *t, const char *bdf, const char *opts,
		__u32 vendor);
int vf_token_feature(int fd, __u32 flags, const __u8 *uuid,
		     size_t data_len);
bool find_vf(struct test_ctx *t, int i);
long numvfs(void);
bool disable_wait(int ms);
void close_all(void);

/* the tests of the other part */
void test_vfs_before_pf_open(struct test_ctx *t);
void test_cdev_token(struct test_ctx *t);
void test_token_on_plain_device(struct test_ctx *t);

#endif /* VFIO_PCI_SELFTEST_SRIOV_H */
