// SPDX-License-Identifier: GPL-2.0
/*
 * The ioeventfd test of vfio_pci_irq_test (VFIO_DEVICE_IOEVENTFD): on edu
 * an eventfd that writes its liveness register, on e1000e the refusal of
 * one over its MSI-X table, on any other device what is refused (its
 * MSI-X table) and what binds beside it.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_pci_irq.h"

#define IOEVENTFD_MAX		1000	/* per device, as upstream */

/* VFIO_DEVICE_IOEVENTFD on @bar at @off; 0 or -errno. */
static int ioeventfd(struct vfio_dev *d, int bar, __u64 off, __u32 size,
		     __u64 data, __s32 fd)
{
	struct vfio_device_ioeventfd arg = {
		.argsz = sizeof(arg),
		.flags = size,
		.offset = ((__u64)(VFIO_PCI_BAR0_REGION_INDEX + bar) << 40) + off,
		.data = data,
		.fd = fd,
	};

	return ioctl(d->device_fd, VFIO_DEVICE_IOEVENTFD, &arg) ? -errno : 0;
}

/*
 * Signal @efd and check the liveness register took @data's write; how
 * long it took to show, in us.
 */
static long ioeventfd_fires(struct test_ctx *t, int efd, __u32 data,
			    const char *when)
{
	struct timespec t0, t1;
	__u32 got = 0;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	check(t, efd_kick(efd), "signalling the ioeventfd %s", when);
	/* the write is made by the kernel, soon but not at once */
	for (i = 0; i < FIRE_MS && got != ~data; i++) {
		got = bar0_read(t, EDU_REG_LIVENESS);
		if (got != ~data)
			usleep(1000);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	check(t, got == ~data,
	      "ioeventfd %s: liveness reads 0x%08x, expected 0x%08x", when,
	      got, ~data);
	return (t1.tv_sec - t0.tv_sec) * 1000000L +
	       (t1.tv_nsec - t0.tv_nsec) / 1000;
}

static void check_ioeventfd_errnos(struct test_ctx *t, int efd)
{
	static const struct {
		int bar;
		__u64 off;
		__u32 size;
		__s32 fd;	/* 0 for the test's eventfd */
		int want;
		const char *what;
	} bad[] = {
		{ 0, EDU_REG_LIVENESS, 4, -2, -EINVAL, "fd -2" },
		{ 0, EDU_REG_LIVENESS, 0, 0, -EINVAL, "no size" },
		{ 0, EDU_REG_LIVENESS, 3, 0, -EINVAL, "two sizes" },
		{ 0, EDU_REG_LIVENESS, 16, 0, -EINVAL, "unknown flag" },
		{ 0, (1 << 20) - 2, 4, 0, -EINVAL, "past the end of BAR0" },
		{ 7, 0, 4, 0, -EINVAL, "the config region" },
		{ 0, EDU_REG_LIVENESS, 4, 999, -EBADF, "a closed fd" },
		{ 0, 0x10, 4, -1, -ENODEV, "removing what is not there" },
	};
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = ioeventfd(t->d, bad[i].bar, bad[i].off, bad[i].size, 1,
				bad[i].fd ?: efd);
		check(t, ret == bad[i].want, "ioeventfd with %s: %d, expected %d",
		      bad[i].what, ret, bad[i].want);
	}
}

/* Fill the device's ioeventfds up to the limit: one more is ENOSPC. */
static void check_ioeventfd_limit(struct test_ctx *t, int efd)
{
	int i, ret = 0;

	for (i = 0; i < IOEVENTFD_MAX && !ret; i++)
		ret = ioeventfd(t->d, 0, 0x10, 4, i, efd);
	check(t, !ret, "ioeventfd %d of %d: %d", i, IOEVENTFD_MAX, ret);
	ret = ioeventfd(t->d, 0, 0x10, 4, IOEVENTFD_MAX, efd);
	check(t, ret == -ENOSPC, "ioeventfd past the limit: %d, expected %d",
	      ret, -ENOSPC);
	for (i = 0; i < IOEVENTFD_MAX; i++)
		ioeventfd(t->d, 0, 0x10, 4, i, -1);
}

/*
 * A BAR for ioeventfds on any device, from config space and region info:
 * the MSI-X table's, else the first BAR with a region. Sets *@bar, its
 * *@size, and the MSI-X table's *@table offset and *@tsize (0 when the
 * BAR has no table). False when the device has no BAR at all.
 */
static bool ioeventfd_bar(struct test_ctx *t, int *bar, __u64 *size,
			  __u64 *table, __u64 *tsize)
{
	struct vfio_region_info ri;
	int pos, i;
	__u32 v = 0, flags = 0;

	*table = 0;
	*tsize = 0;
	*bar = -1;
	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSIX);
	if (pos > 0 &&
	    !vfio_cfg_read(t->d, pos + PCI_MSIX_TABLE, 4, &v) &&
	    !vfio_cfg_read(t->d, pos + PCI_MSIX_FLAGS, 2, &flags) &&
	    (v & PCI_MSIX_TABLE_BIR) <= 5) {
		*bar = v & PCI_MSIX_TABLE_BIR;
		*table = v & PCI_MSIX_TABLE_OFFSET;
		*tsize = ((flags & PCI_MSIX_FLAGS_QSIZE) + 1) *
			 PCI_MSIX_ENTRY_SIZE;
	}
	for (i = *bar < 0 ? 0 : *bar; i <= 5; i++) {
		if (vfio_region_info(t->d, VFIO_PCI_BAR0_REGION_INDEX + i, &ri) ||
		    ri.size < 8)
			continue;
		*bar = i;
		*size = ri.size;
		return true;
	}
	return false;
}

/* An ioeventfd on the MSI-X table, @tsize bytes at @table, is refused. */
static void ioeventfd_table_refused(struct test_ctx *t, int bar, __u64 table,
				    __u64 tsize, int efd)
{
	int ret;

	ret = ioeventfd(t->d, bar, table, 4, 1, efd);
	check(t, ret == -EINVAL,
	      "ioeventfd at the start of the MSI-X table: %d, expected %d",
	      ret, -EINVAL);
	ret = ioeventfd(t->d, bar, table + tsize - 4, 4, 1, efd);
	check(t, ret == -EINVAL,
	      "ioeventfd on the last dword of the MSI-X table: %d, expected %d",
	      ret, -EINVAL);
	ret = ioeventfd(t->d, bar, table + tsize - 2, 4, 1, efd);
	check(t, ret == -EINVAL,
	      "ioeventfd across the end of the MSI-X table: %d, expected %d",
	      ret, -EINVAL);
}

/* An ioeventfd at @bar + @off binds once and unbinds once. */
static void ioeventfd_bind_once(struct test_ctx *t, int bar, __u64 off,
				int efd)
{
	int ret;

	check_ok(t, ioeventfd(t->d, bar, off, 4, 0x1234, efd),
		 "binding an ioeventfd at BAR%d+0x%llx", bar,
		 (unsigned long long)off);
	ret = ioeventfd(t->d, bar, off, 4, 0x1234, efd);
	check(t, ret == -EEXIST, "the same ioeventfd twice: %d", ret);
	check_ok(t, ioeventfd(t->d, bar, off, 4, 0x1234, -1),
		 "removing the ioeventfd");
	ret = ioeventfd(t->d, bar, off, 4, 0x1234, -1);
	check(t, ret == -ENODEV, "removing it again: %d", ret);
}

/*
 * Bad arguments for an ioeventfd at @bar + @off, of a BAR of @size bytes,
 * get upstream's errnos.
 */
static void ioeventfd_bad_args(struct test_ctx *t, int bar, __u64 off,
			       __u64 size, int efd)
{
	static const struct {
		__u32 size;
		__s32 fd;	/* 0 for the test's eventfd */
		int want;
		const char *what;
	} bad[] = {
		{ 4, -2, -EINVAL, "fd -2" },
		{ 0, 0, -EINVAL, "no size" },
		{ 3, 0, -EINVAL, "two sizes" },
		{ 16, 0, -EINVAL, "unknown flag" },
		{ 4, 999, -EBADF, "a closed fd" },
	};
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = ioeventfd(t->d, bar, off, bad[i].size, 1,
				bad[i].fd ?: efd);
		check(t, ret == bad[i].want,
		      "ioeventfd with %s: %d, expected %d",
		      bad[i].what, ret, bad[i].want);
	}
	ret = ioeventfd(t->d, bar, size - 2, 4, 1, efd);
	check(t, ret == -EINVAL, "ioeventfd past the end of BAR%d: %d", bar,
	      ret);
	ret = ioeventfd(t->d, VFIO_PCI_CONFIG_REGION_INDEX, 0, 4, 1, efd);
	check(t, ret == -EINVAL, "ioeventfd on the config region: %d", ret);
	ret = ioeventfd(t->d, bar, off + 4, 4, 1, -1);
	check(t, ret == -ENODEV, "removing an ioeventfd never bound: %d", ret);
}

/*
 * Any other device: an ioeventfd over its MSI-X table is refused, one
 * beside it binds (once: the same again is EEXIST) and unbinds (once:
 * ENODEV after), and bad arguments get upstream's errnos. Nothing is
 * ever signalled, so nothing is written to the device.
 */
void ioeventfd_any(struct test_ctx *t)
{
	__u64 size, table, tsize, off;
	int bar, efd;

	if (!ioeventfd_bar(t, &bar, &size, &table, &tsize)) {
		t->skip = "no BAR for an ioeventfd";
		return;
	}
	vfio_diag("%s: BAR%d, 0x%llx bytes, MSI-X table at 0x%llx, 0x%llx bytes",
		  t->name, bar, (unsigned long long)size,
		  (unsigned long long)table, (unsigned long long)tsize);
	efd = efd_open(t);
	if (efd < 0)
		return;
	if (tsize)
		ioeventfd_table_refused(t, bar, table, tsize, efd);
	/* beside the table: before it if there is room, else after it */
	off = !tsize ? 0 : table >= 8 ? table - 8 : table + tsize;
	if (!check(t, off + 8 <= size, "no room for an ioeventfd in BAR%d",
		   bar)) {
		ioeventfd_bind_once(t, bar, off, efd);
		ioeventfd_bad_args(t, bar, off, size, efd);
	}
	fd_close(&efd);
}

/*
 * e1000e: an ioeventfd over its MSI-X table (BAR3 from 0) is refused; the
 * eventfd is a real one, so the refusal is the table's, not the fd's. Then
 * the checks of any device, which bind one beside the table.
 */
void e1000e_ioeventfd(struct test_ctx *t)
{
	int efd, ret;

	efd = efd_open(t);
	if (efd < 0)
		return;
	ret = ioeventfd(t->d, 3, 0, 4, 1, efd);
	check(t, ret == -EINVAL,
	      "ioeventfd over the MSI-X table: %d, expected %d", ret, -EINVAL);
	if (!ret)
		ioeventfd(t->d, 3, 0, 4, 1, -1);
	fd_close(&efd);
	ioeventfd_any(t);
}

/*
 * edu: a bound eventfd writes the liveness register; the same binding
 * twice is EEXIST, removal works once; every size binds; bad arguments
 * get upstream's errnos; the per-device limit is ENOSPC; while memory is
 * disabled a signal writes nothing.
 */
void edu_ioeventfd(struct test_ctx *t)
{
	static const __u32 sizes[] = { 1, 2, 4, 8 };
	long window, us;
	int efd, ret;
	size_t i;

	efd = efd_open(t);
	if (efd < 0)
		return;
	check_ok(t, ioeventfd(t->d, 0, EDU_REG_LIVENESS, 4, 0x1234, efd),
		 "binding an ioeventfd to the liveness register");
	us = ioeventfd_fires(t, efd, 0x1234, "with memory enabled");
	ret = ioeventfd(t->d, 0, EDU_REG_LIVENESS, 4, 0x1234, efd);
	check(t, ret == -EEXIST, "the same ioeventfd twice: %d", ret);

	/*
	 * With memory disabled a signal writes nothing. The kernel takes the
	 * signal at once (the eventfd reads empty), and the write it would
	 * make is given the quiet window, which is longer than the write
	 * took with memory enabled, before and (the control) after.
	 */
	bar0_write(t, EDU_REG_LIVENESS, 0x5678);
	cmd_update(t, 0, PCI_COMMAND_MEMORY);
	check(t, efd_kick(efd), "signalling with memory disabled");
	check(t, vfio_efd_wait(efd, 0) == 0,
	      "the signal with memory disabled was not taken by the ioeventfd");
	window = quiet_window_ms(us);
	usleep(window * 1000);
	cmd_update(t, PCI_COMMAND_MEMORY, 0);
	check(t, bar0_read(t, EDU_REG_LIVENESS) == ~0x5678u,
	      "a signal with memory disabled wrote the device");
	vfio_diag("%s: ioeventfd write took %ld us; quiet %ld ms with memory disabled",
		  t->name, us, window);
	us = ioeventfd_fires(t, efd, 0x1234, "with memory enabled again");
	vfio_diag("%s: the control write took %ld us", t->name, us);
	check(t, us <= window * 1000,
	      "the control write took %ld ms, longer than the %ld ms quiet window",
	      us / 1000, window);

	check_ok(t, ioeventfd(t->d, 0, EDU_REG_LIVENESS, 4, 0x1234, -1),
		 "removing the ioeventfd");
	ret = ioeventfd(t->d, 0, EDU_REG_LIVENESS, 4, 0x1234, -1);
	check(t, ret == -ENODEV, "removing it again: %d", ret);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ret = ioeventfd(t->d, 0, 0x10, sizes[i], 1, efd);
		if (!check_ok(t, ret, "a %u-byte ioeventfd", sizes[i]))
			ioeventfd(t->d, 0, 0x10, sizes[i], 1, -1);
	}
	check_ioeventfd_errnos(t, efd);
	check_ioeventfd_limit(t, efd);
	fd_close(&efd);
}
