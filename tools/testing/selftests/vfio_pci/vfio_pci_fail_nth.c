// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_fail_nth BDF: a fault injection sweep of vfio-pci's error paths.
 *
 * Each test is one step a user (or an admin) takes with the device: an
 * open, a SET_IRQS, an ioeventfd, a BAR mapping and its first fault, a
 * reset, a low power request, an info query, a bind through sysfs. The
 * step is run again and again with /proc/thread-self/fail-nth set to 1,
 * 2, 3...: the nth fault injection point the step reaches (an allocation,
 * a page allocation, a copy from or to the user) fails. Each time the step
 * must either succeed or fail with an errno that an allocation or a copy
 * can explain, without a kernel report; then it is undone and the device
 * must still work: its vendor id reads through the fd, interrupts enable
 * again and a trigger from userspace (SET_IRQS DATA_NONE) reaches the
 * eventfd, a mapping reads what the fd reads. A sweep ends when the
 * step runs to completion without reaching the nth point. The kernel log
 * (KASAN, kmemleak, lockdep) is the other half of the verdict: the rig
 * scans it.
 *
 * Needs CONFIG_FAULT_INJECTION with FAILSLAB and FAIL_PAGE_ALLOC and
 * debugfs; without them every test is skipped. FAIL_NTH_VERBOSE=1 in the
 * environment logs each injected failure and marks each nth in the kernel
 * log. Every test runs over the group + container path and over the
 * cdev + iommufd path.
 */
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

static const char *fi_skip;	/* why fault injection cannot be used */
static int kmsg_fd = -1;	/* FAIL_NTH_VERBOSE: marks in the kernel log */
static int nth_fd = -1;		/* /proc/thread-self/fail-nth */
static unsigned long vendor;	/* as sysfs reads it */

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static const struct {
	int err;
	const char *name;
} err_names[] = {
	{ ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" }, { EIO, "EIO" },
	{ EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" }, { ENODEV, "ENODEV" },
	{ EBUSY, "EBUSY" }, { EAGAIN, "EAGAIN" }, { ENXIO, "ENXIO" },
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EBADF, "EBADF" },
	{ ENOTTY, "ENOTTY" }, { EEXIST, "EEXIST" }, { EMFILE, "EMFILE" },
	{ ERR_SIGBUS, "SIGBUS" }, { ERR_OTHER, "errno>=600" },
};

static const char *err_name(int slot)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(err_names); i++)
		if (err_names[i].err == slot)
			return err_names[i].name;
	snprintf(buf, sizeof(buf), "errno %d", slot);
	return buf;
}

/*
 * The errnos a failed allocation or user copy may surface as: ENOMEM and
 * EFAULT themselves, and what a caller makes of them (an interrupt or
 * resource it could not get, a device it could not reach).
 */
static bool err_sane(int err)
{
	switch (err) {
	case ENOMEM:
	case EFAULT:
	case EIO:
	case EINVAL:
	case ENOSPC:
	case ENODEV:
	case EBUSY:
	case EAGAIN:
	case ENXIO:
		return true;
	}
	return false;
}

/* Write @val to debugfs file @file: 0 or -errno. */
static int fi_write(const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), DEBUGFS "/%s", file);
	return sysfs_write_path(path, val);
}

/* the fault attributes fail-nth reaches */
static const char *const fi_dirs[] = {
	"failslab", "fail_page_alloc", "fail_usercopy",
};

/*
 * Let fail-nth reach every allocation that may sleep, page allocations of
 * any order and zone included, quietly (FAIL_NTH_VERBOSE=1 in the
 * environment logs each injected failure with its stack). Returns why
 * fault injection cannot be used, or NULL.
 */
static const char *fi_configure(const char *bdf)
{
	const char *verbose = getenv("FAIL_NTH_VERBOSE");
	char file[64];
	size_t i;

	if (sysfs_read_ulong(bdf, "vendor", &vendor))
		return "cannot read the vendor id from sysfs";
	if (access(DEBUGFS "/failslab", F_OK) ||
	    access(DEBUGFS "/fail_page_alloc", F_OK))
		return "no failslab or fail_page_alloc in debugfs (no CONFIG_FAULT_INJECTION)";
	if (fi_write("failslab/ignore-gfp-wait", "N") ||
	    fi_write("fail_page_alloc/ignore-gfp-wait", "N") ||
	    fi_write("fail_page_alloc/ignore-gfp-highmem", "N") ||
	    fi_write("fail_page_alloc/min-order", "0"))
		return "cannot configure failslab and fail_page_alloc in debugfs";
	for (i = 0; i < ARRAY_SIZE(fi_dirs); i++) {
		snprintf(file, sizeof(file), "%s/verbose", fi_dirs[i]);
		fi_write(file, verbose && *verbose == '1' ? "1" : "0");
	}
	if (verbose && *verbose == '1')
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth_fd < 0)
		return "no /proc/thread-self/fail-nth";
	return NULL;
}

static void fi_setup(const char *bdf)
{
	fi_skip = fi_configure(bdf);
	ktap_diag("fault injection: %s", fi_skip ? fi_skip :
		  "failslab, fail_page_alloc (any gfp, order >= 0) through fail-nth");
}

/* Make the @nth injection point from now on fail. */
static bool nth_arm(struct test_ctx *t, unsigned int nth)
{
	char buf[160];
	int len;

	if (kmsg_fd >= 0) {
		len = snprintf(buf, sizeof(buf), "vfio_pci_fail_nth: %s nth %u",
			       t->name, nth);
		if (write(kmsg_fd, buf, len) < 0)
			kmsg_fd = -1;
	}
	len = snprintf(buf, sizeof(buf), "%u", nth);
	return !check(t, pwrite(nth_fd, buf, len, 0) == len,
		      "write %u to fail-nth: %s", nth, strerror(errno));
}

/*
 * Stop injecting: read back what is left of the count and clear it. The
 * read and the write copy to and from the user, which are injection points
 * themselves when the count is still running: a read that fails with
 * EFAULT means the step left it running, a write that does is retried.
 * *@consumed is set when the step reached the nth point.
 */
static bool nth_disarm(struct test_ctx *t, bool *consumed)
{
	char buf[16];
	ssize_t n;
	int tries;

	n = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	if (n < 0 && errno == EFAULT) {
		*consumed = false;
	} else if (n <= 0) {
		check(t, false, "read fail-nth: %s", strerror(errno));
		*consumed = false;
	} else {
		buf[n] = '\0';
		*consumed = strtoul(buf, NULL, 10) == 0;
	}
	for (tries = 0; tries < 3; tries++) {
		if (pwrite(nth_fd, "0", 1, 0) == 1)
			return true;
		if (errno != EFAULT)
			break;
	}
	check(t, false, "clear fail-nth: %s", strerror(errno));
	return false;
}

/*
 * A function of the base tree outside vfio-pci whose own error path is
 * broken: a failure injected below it leaves a kernel report that is not
 * ours. A sweep that passes through one spares it: the stack trace filter
 * of fault injection (reject-start, reject-end) never fails a point whose
 * stack holds the function's text, and every other point is failed.
 */
struct spare {
	const char *func;
	const char *why;
};

static const struct spare spare_irq_proc = {
	"register_irq_proc",
	"genirq ignores a /proc/irq/N entry it could not make, then WARNs removing it",
};

static const struct spare spare_group = {
	"vfio_create_group",
	"its cdev_device_add() error path WARNs in vfio_group_release()",
};

static const struct spare spare_virtfn = {
	"pci_iov_add_virtfn",
	"the PCI core adds a VF whose name or device_add failed: a WARN, then a NULL dereference at the next rescan",
};

static const struct spare spare_prt = {
	"acpi_pci_irq_enable",
	"ACPICA frees a state object it still uses when _PRT runs out of memory",
};

/* [*@start, *@end) of the kernel function @func: 0 or -errno */
static int func_range(const char *func, unsigned long *start,
		      unsigned long *end)
{
	char line[512], name[256], type;
	unsigned long addr;
	FILE *f;

	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return -errno;
	*start = 0;
	while (!*start && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx %c %255s", &addr, &type, name) == 3 &&
		    (type == 't' || type == 'T') && !strcmp(name, func))
			*start = addr;
	/* the function ends where the next symbol up starts */
	*end = ~0ul;
	rewind(f);
	while (*start && fgets(line, sizeof(line), f)) {
		addr = strtoul(line, NULL, 16);
		if (addr > *start && addr < *end)
			*end = addr;
	}
	fclose(f);
	return *start && *end != ~0ul ? 0 : -ENOENT;
}

/* Reject [@start, @end) in every fault attribute (0, 0: none). */
static int fi_reject(unsigned long start, unsigned long end)
{
	char file[64], val[32];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(fi_dirs); i++) {
		snprintf(file, sizeof(file), "%s/stacktrace-depth", fi_dirs[i]);
		ret = fi_write(file, "32");
		snprintf(file, sizeof(file), "%s/reject-end", fi_dirs[i]);
		snprintf(val, sizeof(val), "%#lx", end);
		ret = ret ?: fi_write(file, val);
		snprintf(file, sizeof(file), "%s/reject-start", fi_dirs[i]);
		snprintf(val, sizeof(val), "%#lx", start);
		ret = ret ?: fi_write(file, val);
		if (ret)
			return ret;
	}
	return 0;
}

/* Spare @s for the sweep to come; false (the test skipped) if it cannot. */
static bool fi_spare(struct test_ctx *t, const struct spare *s)
{
	static char reason[256];
	unsigned long start = 0, end = 0;

	if (access(DEBUGFS "/failslab/reject-start", F_OK)) {
		snprintf(reason, sizeof(reason),
			 "no CONFIG_FAULT_INJECTION_STACKTRACE_FILTER, needed to spare %s(): %s",
			 s->func, s->why);
		t->skip = reason;
		return false;
	}
	if (check_ok(t, func_range(s->func, &start, &end),
		     "%s() in /proc/kallsyms", s->func) ||
	    check_ok(t, fi_reject(start, end), "reject %s() in debugfs",
		     s->func))
		return false;
	ktap_diag("%s: spared: %s() [%#lx, %#lx), %s", t->name, s->func,
		  start, end, s->why);
	return true;
}

/*
 * A scenario: @step is the code under injection, only the system calls of
 * the step itself, 0 or -errno; @setup runs before each arming without
 * injection, @undo after it: it undoes the step, checks that the device
 * still works and returns false when it does not (which ends the sweep).
 * @spare, when set, is never failed.
 */
struct sweep_ops {
	const char *what;
	const struct spare *spare;
	int (*setup)(struct test_ctx *t, void *c);
	int (*step)(void *c);
	bool (*undo)(struct test_ctx *t, void *c, int ret, unsigned int nth);
};

static void sweep(struct test_ctx *t, const struct sweep_ops *ops, void *c)
{
	static unsigned int errs[ERR_SLOTS];
	unsigned int nth, failed = 0, absorbed = 0, slot;
	bool consumed = false, broken = false;
	long start = now_ms();
	char list[512];
	size_t used = 0;
	int ret;

	if (ops->spare && !fi_spare(t, ops->spare))
		return;
	memset(errs, 0, sizeof(errs));
	for (nth = 1; nth <= FAIL_NTH_CAP; nth++) {
		if (ops->setup &&
		    check_ok(t, ops->setup(t, c), "%s: set-up for nth %u",
			     ops->what, nth)) {
			broken = true;
			break;
		}
		if (!nth_arm(t, nth)) {
			broken = true;
			break;
		}
		ret = ops->step(c);
		if (!nth_disarm(t, &consumed))
			broken = true;
		if (ret) {
			failed++;
			slot = -ret < ERR_SIGBUS || -ret == ERR_SIGBUS ?
			       (unsigned int)-ret : ERR_OTHER;
			errs[slot]++;
			check(t, err_sane(-ret),
			      "%s: nth %u: failed with %s, which no allocation or copy failure explains",
			      ops->what, nth, err_name(slot));
			check(t, consumed,
			      "%s: nth %u: failed with %s though no injected failure was reached",
			      ops->what, nth, err_name(slot));
		} else if (consumed) {
			absorbed++;
		}
		if (!ops->undo(t, c, ret, nth) || broken) {
			broken = true;
			break;
		}
		if (!consumed)
			break;
	}
	if (ops->spare)
		check_ok(t, fi_reject(0, 0), "clear the rejected range");
	if (!broken)
		check(t, nth <= FAIL_NTH_CAP,
		      "%s: still reaching injection points after %d: raise the cap?",
		      ops->what, FAIL_NTH_CAP);

	list[0] = '\0';
	for (slot = 0; slot < ERR_SLOTS && used < sizeof(list); slot++)
		if (errs[slot])
			used += snprintf(list + used, sizeof(list) - used,
					 "%s%s x%u", used ? ", " : "",
					 err_name(slot), errs[slot]);
	ktap_diag("%s: %s: %u fail points swept in %ld ms%s;",
		  t->name, ops->what, nth > 0 ? nth - 1 : 0, now_ms() - start,
		  broken ? " (stopped early)" : "");
	ktap_diag("%s:   failed at %u (%s), succeeded anyway at %u", t->name,
		  failed, used ? list : "none", absorbed);
}

/* Is the device's vendor id what sysfs says, read through @fd? */
static bool vendor_ok(struct test_ctx *t, int fd, const char *what,
		      unsigned int nth)
{
	struct vfio_dev tmp = { .device_fd = fd };
	__u32 v = 0;
	int ret;

	ret = vfio_cfg_read(&tmp, PCI_VENDOR_ID, 2, &v);
	if (check_ok(t, ret, "%s: nth %u: config read of the vendor id",
		     what, nth))
		return false;
	return !check(t, v == vendor,
		      "%s: nth %u: vendor id reads 0x%04x, sysfs says 0x%04lx",
		      what, nth, v, vendor);
}

/* Skip when fault injection is missing; true when the test may go on. */
static bool fi_ready(struct test_ctx *t)
{
	if (fi_skip)
		t->skip = fi_skip;
	return !fi_skip;
}

/* the open of the device */

struct open_ctx {
	const char *bdf;
	struct vfio_dev g;	/* group path: container and group */
	int iommufd;		/* cdev path */
	__u32 ioas;
	char cdev[128];
	int fd;
};

static int open_group_step(void *p)
{
	struct open_ctx *c = p;

	c->fd = ioctl(c->g.group_fd, VFIO_GROUP_GET_DEVICE_FD, c->bdf);
	return c->fd < 0 ? -errno : 0;
}

static int open_cdev_step(void *p)
{
	struct open_ctx *c = p;
	struct vfio_device_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = c->iommufd,
	};
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = c->ioas,
	};

	c->fd = open(c->cdev, O_RDWR | O_CLOEXEC);
	if (c->fd < 0)
		return -errno;
	if (ioctl(c->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return -errno;
	if (ioctl(c->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return -errno;
	return 0;
}

static void open_close(struct open_ctx *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* Close what the step opened; after a failure the device must open. */
static bool open_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct open_ctx *c = p;
	bool ok;

	if (ret) {
		open_close(c);
		ret = c->g.group_fd >= 0 ? open_group_step(c) :
		      open_cdev_step(c);
		if (check_ok(t, ret, "open: nth %u: the open after the failure",
			     nth)) {
			open_close(c);
			return false;
		}
	}
	ok = vendor_ok(t, c->fd, "open", nth);
	open_close(c);
	return ok;
}

static void test_open(struct test_ctx *t)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct sweep_ops ops = { .undo = open_undo, .spare = &spare_prt };
	enum vfio_open_mode mode = t->d->mode;
	struct open_ctx c = { .bdf = t->bdf, .iommufd = -1, .fd = -1 };

	if (!fi_ready(t))
		return;
	c.g.group_fd = -1;
	snprintf(c.cdev, sizeof(c.cdev), "%s", t->d->path);
	/* the device must be closed for its open to run again */
	vfio_dev_close(t->d);
	if (mode == VFIO_MODE_GROUP) {
		if (check_ok(t, vfio_group_attach(&c.g, t->bdf),
			     "container and group set-up: %s", c.g.err))
			goto reopen;
		ops.what = "VFIO_GROUP_GET_DEVICE_FD";
		ops.step = open_group_step;
	} else {
		c.iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
		if (check(t, c.iommufd >= 0, "open /dev/iommu: %s",
			  strerror(errno)))
			goto reopen;
		if (check(t, !ioctl(c.iommufd, IOMMU_IOAS_ALLOC, &alloc),
			  "IOMMU_IOAS_ALLOC: %s", strerror(errno)))
			goto reopen;
		c.ioas = alloc.out_ioas_id;
		ops.what = "open + BIND_IOMMUFD + ATTACH_IOMMUFD_PT";
		ops.step = open_cdev_step;
	}
	sweep(t, &ops, &c);
reopen:
	open_close(&c);
	if (c.g.group_fd >= 0)
		vfio_dev_close(&c.g);
	if (c.iommufd >= 0)
		close(c.iommufd);
	check_ok(t, vfio_dev_open(t->d, t->bdf, mode),
		 "opening the device again for the next tests: %s", t->d->err);
}

/* interrupts */

enum irq_kind { IRQ_INTX, IRQ_BLOCK, IRQ_GROW, IRQ_SINGLE };

struct irq_ctx {
	int fd;
	enum irq_kind kind;
	__u32 index;
	__u32 count;		/* vectors the step enables */
	__u32 enabled;		/* IRQ_GROW: vectors known to be enabled */
	int efd[MAX_VEC];
	int unmask_efd;
	const char *what;
};

static int set_irqs(int fd, __u32 index, __u32 flags, __u32 start,
		    __u32 count, const int *fds)
{
	__u64 buf[(sizeof(struct vfio_irq_set) + MAX_VEC * sizeof(__s32) +
		   7) / 8];
	struct vfio_irq_set *s = (struct vfio_irq_set *)buf;
	size_t data = fds ? count * sizeof(__s32) : 0;

	memset(buf, 0, sizeof(buf));
	s->argsz = sizeof(*s) + data;
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	if (data)
		memcpy(s->data, fds, data);
	return ioctl(fd, VFIO_DEVICE_SET_IRQS, s) ? -errno : 0;
}

#define IRQ_EVENTFD	(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
#define IRQ_LOOPBACK	(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)

static int irq_step(void *p)
{
	struct irq_ctx *c = p;
	int ret;
	__u32 i;

	switch (c->kind) {
	case IRQ_INTX:
		c->enabled = 0;
		ret = set_irqs(c->fd, c->index, IRQ_EVENTFD, 0, 1, c->efd);
		if (ret)
			return ret;
		c->enabled = 1;
		return set_irqs(c->fd, c->index, VFIO_IRQ_SET_DATA_EVENTFD |
				VFIO_IRQ_SET_ACTION_UNMASK, 0, 1,
				&c->unmask_efd);
	case IRQ_GROW:
		for (i = c->enabled; i < c->count; i++) {
			ret = set_irqs(c->fd, c->index, IRQ_EVENTFD, i, 1,
				       &c->efd[i]);
			if (ret)
				return ret;
			c->enabled = i + 1;
		}
		return 0;
	default:
		return set_irqs(c->fd, c->index, IRQ_EVENTFD, 0, c->count,
				c->efd);
	}
}

/* dynamic MSI-X: vector 0 alone before each step */
static int irq_grow_setup(struct test_ctx *t, void *p)
{
	struct irq_ctx *c = p;

	int ret;

	(void)t;
	ret = set_irqs(c->fd, c->index, IRQ_EVENTFD, 0, 1, c->efd);
	c->enabled = ret ? 0 : 1;
	return ret;
}

static void irq_drain(struct irq_ctx *c)
{
	__u32 i;

	for (i = 0; i < MAX_VEC; i++)
		if (c->efd[i] >= 0)
			vfio_efd_wait(c->efd[i], 0);
}

/* Fire vectors [0, @n) from userspace: each must reach its eventfd. */
static bool irq_loopback(struct test_ctx *t, struct irq_ctx *c, __u32 n,
			 const char *when, unsigned int nth)
{
	bool ok = true;
	__u32 i;
	int ret;

	irq_drain(c);
	ret = set_irqs(c->fd, c->index, IRQ_LOOPBACK, 0, n, NULL);
	if (check_ok(t, ret, "%s: nth %u: trigger of %u vector(s) %s",
		     c->what, nth, n, when))
		return false;
	for (i = 0; i < n; i++)
		ok &= !check(t, vfio_efd_wait(c->efd[i], EFD_WAIT_MS) > 0,
			     "%s: nth %u: vector %u %s: eventfd not signalled",
			     c->what, nth, i, when);
	return ok;
}

static int irq_disable(struct irq_ctx *c)
{
	return set_irqs(c->fd, c->index, IRQ_LOOPBACK, 0, 0, NULL);
}

static bool irq_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct irq_ctx *c = p;
	bool ok = true;
	int dis;

	if (!ret) {
		/* what the step enabled works */
		ok = irq_loopback(t, c, c->count, "after the step", nth);
	} else if (c->kind == IRQ_GROW) {
		/* a failed addition leaves the vectors before it working */
		ok = irq_loopback(t, c, c->enabled, "before the failed one",
				  nth);
	}
	dis = irq_disable(c);
	if (!ret || c->kind == IRQ_GROW || (c->kind == IRQ_INTX && c->enabled))
		ok &= !check_ok(t, dis, "%s: nth %u: disable", c->what, nth);
	else
		/*
		 * A failed enable leaves nothing to disable (EINVAL), or at
		 * most the interrupt type set without a vector (MSI).
		 */
		ok &= !check(t, !dis || dis == -EINVAL,
			     "%s: nth %u: disable after the failed enable: %s",
			     c->what, nth, strerror(-dis));
	if (ret && ok) {
		/* enabled again without injection, it works */
		ret = c->kind == IRQ_GROW ? irq_grow_setup(t, c) : 0;
		if (!ret)
			ret = irq_step(c);
		ok = !check_ok(t, ret, "%s: nth %u: enabling again", c->what,
			       nth);
		if (ok)
			ok = irq_loopback(t, c, c->count, "enabled again",
					  nth);
		ok &= !check_ok(t, irq_disable(c), "%s: nth %u: disable",
				c->what, nth);
	}
	return vendor_ok(t, c->fd, c->what, nth) && ok;
}

static void irq_sweep(struct test_ctx *t, enum irq_kind kind, __u32 index,
		      __u32 want, const char *what)
{
	struct irq_ctx c = {
		.fd = t->d->device_fd,
		.kind = kind,
		.index = index,
		.unmask_efd = -1,
		.what = what,
	};
	struct sweep_ops ops = {
		.what = what,
		.step = irq_step,
		.undo = irq_undo,
	};
	struct vfio_irq_info info;
	static char reason[128];
	__u32 i;
	int ret;

	if (!fi_ready(t))
		return;
	for (i = 0; i < MAX_VEC; i++)
		c.efd[i] = -1;
	ret = vfio_irq_info(t->d, index, &info);
	if (ret == -EINVAL && index == VFIO_PCI_ERR_IRQ_INDEX) {
		t->skip = "no ERR IRQ index (not a PCI Express function)";
		return;
	}
	if (check_ok(t, ret, "GET_IRQ_INFO(%u)", index))
		return;
	if (info.count < (want ? want : 2) || !(info.flags &
						 VFIO_IRQ_INFO_EVENTFD)) {
		snprintf(reason, sizeof(reason),
			 "the device offers %u vector(s) of index %u, %u needed",
			 info.count, index, want ? want : 2);
		t->skip = reason;
		return;
	}
	if (kind == IRQ_GROW && (info.flags & VFIO_IRQ_INFO_NORESIZE)) {
		t->skip = "MSI-X cannot grow while enabled (NORESIZE)";
		return;
	}
	c.count = want ? want : (info.count < MAX_VEC ? info.count : MAX_VEC);
	if (kind == IRQ_GROW)
		ops.setup = irq_grow_setup;
	if (index == VFIO_PCI_MSI_IRQ_INDEX || index == VFIO_PCI_MSIX_IRQ_INDEX)
		ops.spare = &spare_irq_proc;
	for (i = 0; i < c.count; i++) {
		c.efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (check(t, c.efd[i] >= 0, "eventfd: %s", strerror(errno)))
			goto out;
	}
	c.unmask_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (check(t, c.unmask_efd >= 0, "eventfd: %s", strerror(errno)))
		goto out;
	ktap_diag("%s: %u vector(s) of %u", t->name, c.count, info.count);
	sweep(t, &ops, &c);
out:
	for (i = 0; i < MAX_VEC; i++)
		if (c.efd[i] >= 0)
			close(c.efd[i]);
	if (c.unmask_efd >= 0)
		close(c.unmask_efd);
}

static void test_irq_intx(struct test_ctx *t)
{
	irq_sweep(t, IRQ_INTX, VFIO_PCI_INTX_IRQ_INDEX, 1,
		  "INTx trigger + unmask eventfds");
}

static void test_irq_msi_1(struct test_ctx *t)
{
	irq_sweep(t, IRQ_BLOCK, VFIO_PCI_MSI_IRQ_INDEX, 1, "MSI, 1 vector");
}

static void test_irq_msi_n(struct test_ctx *t)
{
	irq_sweep(t, IRQ_BLOCK, VFIO_PCI_MSI_IRQ_INDEX, 0, "MSI, N vectors");
}

static void test_irq_msix_n(struct test_ctx *t)
{
	irq_sweep(t, IRQ_BLOCK, VFIO_PCI_MSIX_IRQ_INDEX, 0,
		  "MSI-X, N vectors");
}

static void test_irq_msix_grow(struct test_ctx *t)
{
	irq_sweep(t, IRQ_GROW, VFIO_PCI_MSIX_IRQ_INDEX, GROW_TO,
		  "MSI-X vector 0 enabled, 1..3 added one at a time");
}

static void test_irq_err(struct test_ctx *t)
{
	irq_sweep(t, IRQ_SINGLE, VFIO_PCI_ERR_IRQ_INDEX, 1, "ERR eventfd");
}

static void test_irq_req(struct test_ctx *t)
{
	irq_sweep(t, IRQ_SINGLE, VFIO_PCI_REQ_IRQ_INDEX, 1, "REQ eventfd");
}

/* an ioeventfd on BAR0; it is never fired, the device is never written */

struct ioev_ctx {
	int fd;
	__u64 off;
	int efd;
};

static int ioev_set(struct ioev_ctx *c, int efd)
{
	struct vfio_device_ioeventfd io = {
		.argsz = sizeof(io),
		.flags = VFIO_DEVICE_IOEVENTFD_32,
		.offset = c->off,
		.data = 0,
		.fd = efd,
	};

	return ioctl(c->fd, VFIO_DEVICE_IOEVENTFD, &io) ? -errno : 0;
}

static int ioev_step(void *p)
{
	struct ioev_ctx *c = p;

	return ioev_set(c, c->efd);
}

static bool ioev_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct ioev_ctx *c = p;
	int un = ioev_set(c, -1);
	bool ok;

	/* a failed registration leaves none behind to unregister */
	if (!ret)
		ok = !check_ok(t, un, "ioeventfd: nth %u: unregister", nth);
	else
		ok = !check(t, un == -ENODEV,
			    "ioeventfd: nth %u: unregister after the failure: %s, expected ENODEV",
			    nth, un ? strerror(-un) : "success");
	if (ret && ok) {
		ok = !check_ok(t, ioev_set(c, c->efd),
			       "ioeventfd: nth %u: register again", nth);
		ok &= !check_ok(t, ioev_set(c, -1),
				"ioeventfd: nth %u: unregister", nth);
	}
	return vendor_ok(t, c->fd, "ioeventfd", nth) && ok;
}

/* Fault injection there, and BAR0's region info in @ri. */
static bool bar0_ready(struct test_ctx *t, struct vfio_region_info *ri)
{
	return fi_ready(t) &&
	       !check_ok(t, vfio_region_info(t->d, VFIO_PCI_BAR0_REGION_INDEX,
					     ri), "BAR0 region info");
}

static void test_ioeventfd(struct test_ctx *t)
{
	struct ioev_ctx c = { .fd = t->d->device_fd };
	struct sweep_ops ops = {
		.what = "VFIO_DEVICE_IOEVENTFD on BAR0",
		.step = ioev_step,
		.undo = ioev_undo,
	};
	struct vfio_region_info ri;

	if (!bar0_ready(t, &ri))
		return;
	if (ri.size < 4) {
		t->skip = "no BAR0";
		return;
	}
	c.off = ri.offset;
	c.efd = eventfd(0, EFD_CLOEXEC);
	if (check(t, c.efd >= 0, "eventfd: %s", strerror(errno)))
		return;
	sweep(t, &ops, &c);
	close(c.efd);
}

/* a BAR0 mapping and its first fault */

struct mmap_ctx {
	int fd;
	__u64 off;
	size_t len;
	void *p;
	__u32 val, ref;
};

static sigjmp_buf touch_jb;
static int touch_armed;	/* accessed with __atomic builtins */

static void on_sigbus(int sig)
{
	if (__atomic_load_n(&touch_armed, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&touch_armed, 0, __ATOMIC_SEQ_CST);
		siglongjmp(touch_jb, 1);
	}
	signal(sig, SIG_DFL);
}

/*
 * The mapping and one load through it. The jump buffer saves no signal
 * mask, so that neither it nor the jump back makes a system call; the
 * handler runs with SA_NODEFER and leaves no signal blocked behind.
 */
static int mmap_step(void *p)
{
	struct mmap_ctx *c = p;

	c->p = mmap(NULL, c->len, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
		    c->off);
	if (c->p == MAP_FAILED) {
		c->p = NULL;
		return -errno;
	}
	if (sigsetjmp(touch_jb, 0))
		return -ERR_SIGBUS;
	__atomic_store_n(&touch_armed, 1, __ATOMIC_SEQ_CST);
	/* one 32-bit load the compiler may neither split nor drop */
	c->val = __atomic_load_n((__u32 *)c->p, __ATOMIC_RELAXED);
	__atomic_store_n(&touch_armed, 0, __ATOMIC_SEQ_CST);
	return 0;
}

static bool mmap_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct mmap_ctx *c = p;
	bool ok = true;

	if (!ret)
		ok = !check(t, c->val == c->ref,
			    "mmap: nth %u: the mapping reads 0x%08x, the fd 0x%08x",
			    nth, c->val, c->ref);
	if (c->p)
		ok &= !check(t, !munmap(c->p, c->len), "mmap: nth %u: munmap: %s",
			     nth, strerror(errno));
	c->p = NULL;
	if (ret && ok) {
		ret = mmap_step(c);
		ok = !check(t, !ret, "mmap: nth %u: mapping again: %s", nth,
			    ret == -ERR_SIGBUS ? "SIGBUS" : strerror(-ret));
		if (ok)
			ok = !check(t, c->val == c->ref,
				    "mmap: nth %u: the new mapping reads 0x%08x, the fd 0x%08x",
				    nth, c->val, c->ref);
		if (c->p)
			munmap(c->p, c->len);
		c->p = NULL;
	}
	return vendor_ok(t, c->fd, "mmap", nth) && ok;
}

static void test_mmap_bar0(struct test_ctx *t)
{
	struct mmap_ctx c = { .fd = t->d->device_fd };
	struct sweep_ops ops = {
		.what = "mmap of BAR0 + first touch",
		.step = mmap_step,
		.undo = mmap_undo,
	};
	struct sigaction sa = { .sa_handler = on_sigbus,
				.sa_flags = SA_NODEFER };
	struct vfio_region_info ri;

	if (!bar0_ready(t, &ri))
		return;
	c.len = (size_t)sysconf(_SC_PAGESIZE);
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP) || ri.size < c.len) {
		t->skip = "BAR0 cannot be mapped (no MMAP flag, or under a page)";
		return;
	}
	c.off = ri.offset;
	if (check_ok(t, vfio_bar_read32(t->d, 0, 0, &c.ref),
		     "read of BAR0 at 0 through the fd"))
		return;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sweep(t, &ops, &c);
	signal(SIGBUS, SIG_DFL);
}

/* resets */

struct reset_ctx {
	int fd;
	enum vfio_open_mode mode;
	int group_fd;
	__u64 buf[INFO_BUF / 8];
	__u64 ref[INFO_BUF / 8];
};

static int reset_step(void *p)
{
	struct reset_ctx *c = p;

	return ioctl(c->fd, VFIO_DEVICE_RESET) ? -errno : 0;
}

static bool reset_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct reset_ctx *c = p;

	if (ret && check_ok(t, reset_step(c), "reset: nth %u: reset again",
			    nth))
		return false;
	return vendor_ok(t, c->fd, "reset", nth);
}

static void test_reset(struct test_ctx *t)
{
	struct reset_ctx *c = calloc(1, sizeof(*c));
	struct sweep_ops ops = {
		.what = "VFIO_DEVICE_RESET",
		.step = reset_step,
		.undo = reset_undo,
	};
	struct vfio_device_info info;

	if (!fi_ready(t) || check(t, c, "out of memory"))
		goto out;
	c->fd = t->d->device_fd;
	if (check_ok(t, vfio_device_info(t->d, &info), "GET_INFO"))
		goto out;
	if (!(info.flags & VFIO_DEVICE_FLAGS_RESET)) {
		t->skip = "the device has no reset (no VFIO_DEVICE_FLAGS_RESET)";
		goto out;
	}
	sweep(t, &ops, c);
out:
	free(c);
}

static int hri_step(void *p)
{
	struct reset_ctx *c = p;
	struct vfio_pci_hot_reset_info *h = (void *)c->buf;

	memset(c->buf, 0, sizeof(c->buf));
	h->argsz = sizeof(c->buf);
	return ioctl(c->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, h) ? -errno : 0;
}

static bool hri_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct reset_ctx *c = p;
	struct vfio_pci_hot_reset_info *h = (void *)c->buf;
	struct vfio_pci_hot_reset_info *r = (void *)c->ref;
	size_t len = sizeof(*r) + r->count * sizeof(r->devices[0]);
	bool ok = true;

	if (!ret)
		ok = !check(t, h->count == r->count && h->flags == r->flags &&
			    !memcmp(h->devices, r->devices, len - sizeof(*r)),
			    "hot reset info: nth %u: the answer differs: %u device(s), flags 0x%x (expected %u, 0x%x)",
			    nth, h->count, h->flags, r->count, r->flags);
	return vendor_ok(t, c->fd, "hot reset info", nth) && ok;
}

static void test_hot_reset_info(struct test_ctx *t)
{
	struct reset_ctx *c = calloc(1, sizeof(*c));
	struct sweep_ops ops = {
		.what = "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO",
		.step = hri_step,
		.undo = hri_undo,
	};
	static char reason[128];
	int ret;

	if (!fi_ready(t) || check(t, c, "out of memory"))
		goto out;
	c->fd = t->d->device_fd;
	ret = hri_step(c);
	if (ret) {
		snprintf(reason, sizeof(reason),
			 "no hot reset info for this device: %s",
			 strerror(-ret));
		t->skip = reason;
		goto out;
	}
	memcpy(c->ref, c->buf, sizeof(c->ref));
	sweep(t, &ops, c);
out:
	free(c);
}

/* group path: the device's group fd; cdev path: the zero-length array */
static int hot_reset_step(void *p)
{
	struct reset_ctx *c = p;
	struct vfio_pci_hot_reset *h = (void *)c->buf;

	memset(h, 0, sizeof(*h) + sizeof(__s32));
	h->argsz = sizeof(*h);
	if (c->mode == VFIO_MODE_GROUP) {
		h->argsz += sizeof(__s32);
		h->count = 1;
		h->group_fds[0] = c->group_fd;
	}
	return ioctl(c->fd, VFIO_DEVICE_PCI_HOT_RESET, h) ? -errno : 0;
}

static bool hot_reset_undo(struct test_ctx *t, void *p, int ret,
			   unsigned int nth)
{
	struct reset_ctx *c = p;

	if (ret && check_ok(t, hot_reset_step(c),
			    "hot reset: nth %u: hot reset again", nth))
		return false;
	return vendor_ok(t, c->fd, "hot reset", nth);
}

static void test_hot_reset(struct test_ctx *t)
{
	struct reset_ctx *c = calloc(1, sizeof(*c));
	struct sweep_ops ops = {
		.step = hot_reset_step,
		.undo = hot_reset_undo,
	};
	static char reason[128];
	int ret;

	if (!fi_ready(t) || check(t, c, "out of memory"))
		goto out;
	c->fd = t->d->device_fd;
	c->mode = t->d->mode;
	c->group_fd = t->d->group_fd;
	ops.what = c->mode == VFIO_MODE_GROUP ?
		   "VFIO_DEVICE_PCI_HOT_RESET with the group fd" :
		   "VFIO_DEVICE_PCI_HOT_RESET, zero-length array";
	/* the device may not be able to: then there is nothing to sweep */
	ret = hot_reset_step(c);
	if (ret) {
		snprintf(reason, sizeof(reason),
			 "the device has no hot reset here: %s",
			 strerror(-ret));
		t->skip = reason;
		goto out;
	}
	sweep(t, &ops, c);
out:
	free(c);
}

/* low power */

struct lp_ctx {
	int fd;
	__u32 index;		/* the feature the step sets */
	int efd;
};

static int lp_set(int fd, __u32 index, int efd)
{
	__u64 buf[(sizeof(struct vfio_device_feature) +
		   sizeof(struct vfio_device_low_power_entry_with_wakeup) +
		   7) / 8];
	struct vfio_device_feature *f = (void *)buf;
	struct vfio_device_low_power_entry_with_wakeup w = {
		.wakeup_eventfd = efd,
	};

	memset(buf, 0, sizeof(buf));
	f->argsz = sizeof(*f);
	f->flags = VFIO_DEVICE_FEATURE_SET | index;
	if (index == VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP) {
		f->argsz += sizeof(w);
		memcpy(f->data, &w, sizeof(w));
	}
	return ioctl(fd, VFIO_DEVICE_FEATURE, f) ? -errno : 0;
}

static int lp_step(void *p)
{
	struct lp_ctx *c = p;

	return lp_set(c->fd, c->index, c->efd);
}

/* before the exit: the device asked to sleep, without injection */
static int lp_exit_setup(struct test_ctx *t, void *p)
{
	struct lp_ctx *c = p;

	(void)t;
	return lp_set(c->fd, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, -1);
}

static bool lp_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct lp_ctx *c = p;
	bool ok = true;

	/* an entry is ended, so is an exit that failed */
	if (c->index != VFIO_DEVICE_FEATURE_LOW_POWER_EXIT || ret)
		ok = !check_ok(t, lp_set(c->fd,
					 VFIO_DEVICE_FEATURE_LOW_POWER_EXIT,
					 -1),
			       "low power: nth %u: LOW_POWER_EXIT", nth);
	if (ret && ok && c->index != VFIO_DEVICE_FEATURE_LOW_POWER_EXIT) {
		/* the failed request can be made again */
		ok = !check_ok(t, lp_step(c),
			       "low power: nth %u: the request again", nth);
		ok &= !check_ok(t, lp_set(c->fd,
					  VFIO_DEVICE_FEATURE_LOW_POWER_EXIT,
					  -1),
				"low power: nth %u: LOW_POWER_EXIT", nth);
	}
	return vendor_ok(t, c->fd, "low power", nth) && ok;
}

static void lp_sweep(struct test_ctx *t, __u32 index, const char *what)
{
	struct lp_ctx c = { .fd = t->d->device_fd, .index = index, .efd = -1 };
	struct sweep_ops ops = {
		.what = what,
		.step = lp_step,
		.undo = lp_undo,
	};
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			 index,
	};

	if (!fi_ready(t))
		return;
	if (ioctl(c.fd, VFIO_DEVICE_FEATURE, &f)) {
		t->skip = "the low power feature is not offered";
		return;
	}
	if (index == VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)
		ops.setup = lp_exit_setup;
	if (index == VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP) {
		c.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (check(t, c.efd >= 0, "eventfd: %s", strerror(errno)))
			return;
	}
	sweep(t, &ops, &c);
	if (c.efd >= 0)
		close(c.efd);
}

static void test_low_power_entry(struct test_ctx *t)
{
	lp_sweep(t, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, "LOW_POWER_ENTRY");
}

static void test_low_power_wakeup(struct test_ctx *t)
{
	lp_sweep(t, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
		 "LOW_POWER_ENTRY_WITH_WAKEUP");
}

static void test_low_power_exit(struct test_ctx *t)
{
	lp_sweep(t, VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, "LOW_POWER_EXIT");
}

/* info with capability chains */

struct info_ctx {
	int fd;
	bool device;		/* GET_INFO rather than GET_REGION_INFO */
	__u32 n;
	__u32 index[MAX_REGIONS];
	__u8 (*buf)[INFO_BUF];
	__u8 (*ref)[INFO_BUF];
};

static int info_one(struct info_ctx *c, __u32 i)
{
	struct vfio_region_info *r = (void *)c->buf[i];
	struct vfio_device_info *d = (void *)c->buf[i];

	memset(c->buf[i], 0, INFO_BUF);
	if (c->device) {
		d->argsz = INFO_BUF;
		return ioctl(c->fd, VFIO_DEVICE_GET_INFO, d) ? -errno : 0;
	}
	r->argsz = INFO_BUF;
	r->index = c->index[i];
	return ioctl(c->fd, VFIO_DEVICE_GET_REGION_INFO, r) ? -errno : 0;
}

static int info_step(void *p)
{
	struct info_ctx *c = p;
	__u32 i;
	int ret;

	for (i = 0; i < c->n; i++) {
		ret = info_one(c, i);
		if (ret)
			return ret;
	}
	return 0;
}

/* a step that succeeded gave the answers given without injection */
static bool info_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct vfio_region_info *r, *ref;
	struct info_ctx *c = p;
	__u32 i, len;

	for (i = 0; !ret && i < c->n; i++) {
		len = *(__u32 *)c->ref[i];	/* argsz: what the answer needs */
		if (len > INFO_BUF)
			len = INFO_BUF;
		if (!memcmp(c->buf[i], c->ref[i], len))
			continue;
		r = (void *)c->buf[i];
		ref = (void *)c->ref[i];
		if (c->device)
			check(t, false,
			      "info: nth %u: GET_INFO succeeded with another answer",
			      nth);
		else
			check(t, false,
			      "info: nth %u: region %u: succeeded with flags 0x%x size 0x%llx, expected flags 0x%x size 0x%llx",
			      nth, c->index[i], r->flags,
			      (unsigned long long)r->size, ref->flags,
			      (unsigned long long)ref->size);
	}
	/* a wrong answer is counted; the sweep goes on */
	return vendor_ok(t, c->fd, "info", nth);
}

static void info_sweep(struct test_ctx *t, bool device)
{
	struct info_ctx c = { .fd = t->d->device_fd, .device = device };
	struct sweep_ops ops = {
		.what = device ? "GET_INFO, argsz for capabilities" :
			"GET_REGION_INFO of every region, argsz for capabilities",
		.step = info_step,
		.undo = info_undo,
	};
	struct vfio_device_info info;
	__u32 i, caps = 0, flag;

	if (!fi_ready(t))
		return;
	if (check_ok(t, vfio_device_info(t->d, &info), "GET_INFO"))
		return;
	c.buf = calloc(MAX_REGIONS, INFO_BUF);
	c.ref = calloc(MAX_REGIONS, INFO_BUF);
	if (check(t, c.buf && c.ref, "out of memory"))
		goto out;
	/* the regions the device has, as answered without injection */
	flag = device ? VFIO_DEVICE_FLAGS_CAPS : VFIO_REGION_INFO_FLAG_CAPS;
	for (i = 0; i < (device ? 1 : info.num_regions) && c.n < MAX_REGIONS;
	     i++) {
		c.index[c.n] = i;
		if (info_one(&c, c.n))
			continue;
		memcpy(c.ref[c.n], c.buf[c.n], INFO_BUF);
		if (((__u32 *)c.ref[c.n])[1] & flag)
			caps++;
		c.n++;
	}
	if (check(t, c.n, "no info answered at all"))
		goto out;
	ktap_diag("%s: %u answer(s), %u with capabilities", t->name, c.n,
		  caps);
	sweep(t, &ops, &c);
out:
	free(c.buf);
	free(c.ref);
}

static void test_region_info_caps(struct test_ctx *t)
{
	info_sweep(t, false);
}

static void test_info_caps(struct test_ctx *t)
{
	info_sweep(t, true);
}

/* sysfs: bind to vfio-pci */

#define BIND_PATH	"/sys/bus/pci/drivers/vfio-pci/bind"

struct bind_ctx {
	const char *bdf;
	enum vfio_open_mode mode;
	int fd;			/* the bind file */
	unsigned int no_node;	/* binds that left no /dev node */
};

static bool bound_to_vfio(const char *bdf)
{
	char drv[64];

	return !sysfs_driver(bdf, drv, sizeof(drv)) &&
	       !strcmp(drv, "vfio-pci");
}

static int bind_setup(struct test_ctx *t, void *p)
{
	struct bind_ctx *c = p;
	int ret = 0;

	(void)t;
	if (sysfs_exists(c->bdf, "driver"))
		ret = sysfs_write(c->bdf, "driver/unbind", c->bdf);
	if (ret)
		return ret;
	c->fd = open(BIND_PATH, O_WRONLY | O_CLOEXEC);
	return c->fd < 0 ? -errno : 0;
}

static int bind_step(void *p)
{
	struct bind_ctx *c = p;
	size_t len = strlen(c->bdf);
	ssize_t n = write(c->fd, c->bdf, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static bool bind_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct bind_ctx *c = p;
	struct vfio_dev d;
	bool ok, bound;
	int err;

	close(c->fd);
	c->fd = -1;
	bound = bound_to_vfio(c->bdf);
	ok = !check(t, bound == !ret,
		    "bind: nth %u: %s, yet the device is %sbound to vfio-pci",
		    nth, ret ? "failed" : "succeeded", bound ? "" : "not ");
	if (!bound) {
		if (check_ok(t, sysfs_write_path(BIND_PATH, c->bdf),
			     "bind: nth %u: bind again", nth) ||
		    check(t, bound_to_vfio(c->bdf),
			  "bind: nth %u: not on vfio-pci after binding again",
			  nth))
			return false;
	}
	err = vfio_dev_open(&d, c->bdf, c->mode);
	if (err == -ENOENT && bound) {
		/*
		 * device_add() goes on when devtmpfs cannot get the memory
		 * to name the node: the device is there, its /dev node not.
		 * Bound again without injection, it must have both.
		 */
		if (!c->no_node++)
			ktap_diag("%s: bind: nth %u: bound, but %s; binding again",
				  t->name, nth, d.err);
		err = sysfs_write(c->bdf, "driver/unbind", c->bdf);
		if (!err)
			err = sysfs_write_path(BIND_PATH, c->bdf);
		if (!err)
			err = vfio_dev_open(&d, c->bdf, c->mode);
	}
	if (check_ok(t, err, "bind: nth %u: open after the bind: %s", nth,
		     d.err))
		return false;
	ok &= vendor_ok(t, d.device_fd, "bind", nth);
	vfio_dev_close(&d);
	return ok;
}

static void test_sysfs_bind(struct test_ctx *t)
{
	struct bind_ctx c = { .bdf = t->bdf, .mode = t->d->mode, .fd = -1 };
	struct sweep_ops ops = {
		.what = "write to drivers/vfio-pci/bind",
		.spare = &spare_group,
		.setup = bind_setup,
		.step = bind_step,
		.undo = bind_undo,
	};
	char old[64] = "";
	ssize_t n;

	if (!fi_ready(t))
		return;
	if (t->d->mode != VFIO_MODE_GROUP) {
		/* a second minute or two on debug for the same paths */
		t->skip = "the bind registers both paths: swept with the group's";
		return;
	}
	n = sysfs_read(t->bdf, "driver_override", old, sizeof(old) - 1, 0);
	old[n > 0 ? n : 0] = '\0';
	old[strcspn(old, "\n")] = '\0';
	if (!strcmp(old, "(null)"))
		old[0] = '\0';
	vfio_dev_close(t->d);
	if (!check_ok(t, sysfs_write(t->bdf, "driver_override", "vfio-pci"),
		      "set driver_override"))
		sweep(t, &ops, &c);
	if (c.no_node)
		ktap_diag("%s: %u bind(s) left no /dev node until bound again",
			  t->name, c.no_node);
	if (c.fd >= 0)
		close(c.fd);
	if (!bound_to_vfio(t->bdf))
		check_ok(t, sysfs_write_path(BIND_PATH, t->bdf),
			 "binding to vfio-pci at the end");
	if (strcmp(old, "vfio-pci"))
		check_ok(t, sysfs_write(t->bdf, "driver_override",
					old[0] ? old : "\n"),
			 "restore driver_override '%s'", old);
	check_ok(t, vfio_dev_open(t->d, t->bdf, t->d->mode),
		 "opening the device again for the next tests: %s", t->d->err);
}

/* SR-IOV: VFs made through sriov_numvfs, the VF token, a VF's open */

#define SRIOV_PARAM	"/sys/module/vfio_pci/parameters/enable_sriov"

static const __u8 vf_token[16] = {
	0x3c, 0x1e, 0x7a, 0x42, 0x90, 0x5b, 0x4e, 0x11,
	0xa6, 0x0d, 0x2f, 0x83, 0xc4, 0x57, 0x19, 0xe8,
};

struct sriov_ctx {
	const char *pf;
	int pf_fd;		/* the PF's device fd, the fixture's */
	enum vfio_open_mode mode;
	int numvfs_fd;		/* sriov_numvfs, open for the step */
	char vf[32];		/* VF 0's address while VFs exist */
	char name[96];		/* "VF vf_token=UUID" for the group path */
	struct vfio_dev g;	/* group path: the VF's container and group */
	int iommufd;		/* cdev path */
	int vf_fd;		/* the VF's device fd the step opened */
	bool param_set;		/* enable_sriov was off and set for the test */
};

static int numvfs_set(const char *pf, const char *n)
{
	return sysfs_write(pf, "sriov_numvfs", n);
}

/* VFIO_DEVICE_FEATURE SET PCI_VF_TOKEN of vf_token on @fd: 0 or -errno */
static int vf_token_set(int fd)
{
	struct {
		struct vfio_device_feature hdr;
		__u8 uuid[16];
	} a = {
		.hdr.argsz = sizeof(a),
		.hdr.flags = VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_PCI_VF_TOKEN,
	};

	memcpy(a.uuid, vf_token, sizeof(a.uuid));
	return ioctl(fd, VFIO_DEVICE_FEATURE, &a) ? -errno : 0;
}

/* true when @t may go on: a PF whose VFs vfio-pci lets be made, none yet */
static bool sriov_ready(struct test_ctx *t, struct sriov_ctx *c)
{
	unsigned long total = 0, n = 0;
	char param = 'N';
	int fd;

	if (!fi_ready(t))
		return false;
	if (sysfs_read_ulong(c->pf, "sriov_totalvfs", &total) || !total) {
		t->skip = "not an SR-IOV physical function";
		return false;
	}
	fd = open(SRIOV_PARAM, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &param, 1) != 1)
			param = 'N';
		close(fd);
	}
	if (param != 'Y') {
		if (check_ok(t, sysfs_write_path(SRIOV_PARAM, "Y"),
			     "set vfio_pci's enable_sriov"))
			return false;
		c->param_set = true;
	}
	if (check_ok(t, sysfs_read_ulong(c->pf, "sriov_numvfs", &n),
		     "read sriov_numvfs"))
		return false;
	return !check(t, !n, "%lu VFs exist before the test", n);
}

/* VF 0 made without injection and bound to vfio-pci: true when it is */
static bool sriov_vf_up(struct test_ctx *t, struct sriov_ctx *c)
{
	char drv[64] = "";

	if (check_ok(t, numvfs_set(c->pf, "1"), "make one VF") ||
	    check_ok(t, sysfs_link_name(c->pf, "virtfn0", c->vf,
					sizeof(c->vf)), "find VF 0"))
		return false;
	sysfs_driver(c->vf, drv, sizeof(drv));
	return !check(t, !strcmp(drv, "vfio-pci"),
		      "VF %s is bound to '%s', not vfio-pci", c->vf, drv);
}

static void sriov_end(struct test_ctx *t, struct sriov_ctx *c)
{
	check_ok(t, numvfs_set(c->pf, "0"), "remove the VFs at the end");
	if (c->param_set)
		check_ok(t, sysfs_write_path(SRIOV_PARAM, "N"),
			 "restore vfio_pci's enable_sriov");
}

static int numvfs_setup(struct test_ctx *t, void *p)
{
	struct sriov_ctx *c = p;
	char path[128];

	(void)t;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/sriov_numvfs",
		 c->pf);
	c->numvfs_fd = open(path, O_WRONLY | O_CLOEXEC);
	return c->numvfs_fd < 0 ? -errno : 0;
}

static int numvfs_step(void *p)
{
	struct sriov_ctx *c = p;

	return write(c->numvfs_fd, "1", 1) == 1 ? 0 : -errno;
}

static bool numvfs_undo(struct test_ctx *t, void *p, int ret,
			unsigned int nth)
{
	struct sriov_ctx *c = p;
	unsigned long n = ~0ul;
	bool ok;

	close(c->numvfs_fd);
	c->numvfs_fd = -1;
	if (check_ok(t, sysfs_read_ulong(c->pf, "sriov_numvfs", &n),
		     "sriov_numvfs: nth %u: read it back", nth))
		return false;
	ok = !check(t, n == (ret ? 0 : 1),
		    "sriov_numvfs: nth %u: the write %s, yet %lu VFs exist",
		    nth, ret ? "failed" : "succeeded", n);
	/* removed even after a failed check */
	if (n && check_ok(t, numvfs_set(c->pf, "0"),
			  "sriov_numvfs: nth %u: remove the VF", nth))
		return false;
	return vendor_ok(t, c->pf_fd, "sriov_numvfs", nth) && ok;
}

static void test_sriov_numvfs(struct test_ctx *t)
{
	struct sriov_ctx c = {
		.pf = t->bdf, .pf_fd = t->d->device_fd, .numvfs_fd = -1,
	};
	struct sweep_ops ops = {
		.what = "write 1 to sriov_numvfs, VF probing off",
		.spare = &spare_virtfn,
		.setup = numvfs_setup,
		.step = numvfs_step,
		.undo = numvfs_undo,
	};

	if (!sriov_ready(t, &c))
		return;
	/* the VF's probe is the bind's, swept by sysfs_bind */
	if (!check_ok(t, sysfs_write(c.pf, "sriov_drivers_autoprobe", "0"),
		      "sriov_drivers_autoprobe off"))
		sweep(t, &ops, &c);
	if (c.numvfs_fd >= 0)
		close(c.numvfs_fd);
	check_ok(t, sysfs_write(c.pf, "sriov_drivers_autoprobe", "1"),
		 "sriov_drivers_autoprobe on again");
	/* the PF still makes a VF that vfio-pci takes */
	sriov_vf_up(t, &c);
	sriov_end(t, &c);
}

static int token_step(void *p)
{
	struct sriov_ctx *c = p;

	return vf_token_set(c->pf_fd);
}

static bool token_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct sriov_ctx *c = p;

	(void)ret;
	return vendor_ok(t, c->pf_fd, "VF token", nth);
}

static void test_vf_token(struct test_ctx *t)
{
	struct sriov_ctx c = { .pf = t->bdf, .pf_fd = t->d->device_fd };
	struct sweep_ops ops = {
		.what = "VFIO_DEVICE_FEATURE SET PCI_VF_TOKEN on the PF",
		.step = token_step,
		.undo = token_undo,
	};

	if (!sriov_ready(t, &c))
		return;
	if (sriov_vf_up(t, &c))
		sweep(t, &ops, &c);
	sriov_end(t, &c);
}

static int vf_open_step(void *p)
{
	struct sriov_ctx *c = p;

	if (c->mode == VFIO_MODE_GROUP)
		c->vf_fd = vfio_group_get_device_fd(&c->g, c->name);
	else
		c->vf_fd = vfio_cdev_bind(c->vf, c->iommufd, vf_token);
	return c->vf_fd < 0 ? c->vf_fd : 0;
}

static bool vf_open_undo(struct test_ctx *t, void *p, int ret,
			 unsigned int nth)
{
	struct sriov_ctx *c = p;
	bool ok;

	if (ret)
		return vendor_ok(t, c->pf_fd, "VF open", nth);
	ok = vendor_ok(t, c->vf_fd, "VF open", nth);
	close(c->vf_fd);
	c->vf_fd = -1;
	return ok;
}

/* the VF's group (group path) or /dev/iommu (cdev path): true when ready */
static bool vf_open_prepare(struct test_ctx *t, struct sriov_ctx *c)
{
	char uuid[40];
	int i, n = 0;

	for (i = 0; i < 16; i++)
		n += snprintf(uuid + n, sizeof(uuid) - n, "%02x%s",
			      vf_token[i],
			      i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
	snprintf(c->name, sizeof(c->name), "%s vf_token=%s", c->vf, uuid);
	if (c->mode == VFIO_MODE_GROUP)
		return !check_ok(t, vfio_group_attach(&c->g, c->vf),
				 "the VF's container and group: %s", c->g.err);
	c->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	return !check(t, c->iommufd >= 0, "open /dev/iommu: %s",
		      strerror(errno));
}

static void test_vf_open(struct test_ctx *t)
{
	struct sriov_ctx c = {
		.pf = t->bdf, .pf_fd = t->d->device_fd, .mode = t->d->mode,
		.iommufd = -1, .vf_fd = -1,
	};
	struct sweep_ops ops = {
		.step = vf_open_step,
		.undo = vf_open_undo,
	};

	c.g.group_fd = -1;
	ops.what = c.mode == VFIO_MODE_GROUP ?
		   "VFIO_GROUP_GET_DEVICE_FD of a VF with the VF token" :
		   "open + BIND_IOMMUFD of a VF with the VF token";
	if (!sriov_ready(t, &c))
		return;
	if (sriov_vf_up(t, &c) &&
	    !check_ok(t, vf_token_set(c.pf_fd), "set the VF token") &&
	    vf_open_prepare(t, &c))
		sweep(t, &ops, &c);
	if (c.vf_fd >= 0)
		close(c.vf_fd);
	if (c.g.group_fd >= 0)
		vfio_dev_close(&c.g);
	if (c.iommufd >= 0)
		close(c.iommufd);
	sriov_end(t, &c);
}

/*
 * mlx5 auxiliary devices: the PF on mlx5_vfio_pci_testparent (the
 * stand-in for mlx5_core, adding one mlx5_core.vfio_pci.<id> auxiliary
 * device per VF through include/linux/mlx5/vfio_pci.h), sriov_numvfs
 * written under injection: the VF made or not, its auxiliary device
 * added and probed by mlx5_vfio_pci or lost (the VF only loses its VFIO
 * route), and all of it removed again.
 */
#define MLX5_PARENT	"mlx5_vfio_pci_testparent"
#define MLX5_ADEVS	"/sys/bus/auxiliary/devices/mlx5_core.vfio_pci.*"

/* auxiliary devices of mlx5_core.vfio_pci.*, and how many have a driver */
static size_t mlx5_adevs(size_t *bound)
{
	char path[PATH_MAX];
	glob_t g;
	size_t i, n;

	*bound = 0;
	if (glob(MLX5_ADEVS, 0, NULL, &g))
		return 0;
	n = g.gl_pathc;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/driver", g.gl_pathv[i]);
		*bound += !access(path, F_OK);
	}
	globfree(&g);
	return n;
}

/*
 * The VF and its auxiliary device as the write left them (a device whose
 * probe failed is unbound: the VF only lost its VFIO route), then all of
 * it removed again. The removal runs even after a failed check.
 */
static bool aux_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct sriov_ctx *c = p;
	unsigned long n = ~0ul;
	size_t adevs, bound;
	bool ok;

	close(c->numvfs_fd);
	c->numvfs_fd = -1;
	if (check_ok(t, sysfs_read_ulong(c->pf, "sriov_numvfs", &n),
		     "aux: nth %u: read sriov_numvfs back", nth))
		return false;
	ok = !check(t, n == (ret ? 0 : 1),
		    "aux: nth %u: the write %s, yet %lu VFs exist", nth,
		    ret ? "failed" : "succeeded", n);
	adevs = mlx5_adevs(&bound);
	ok &= !check(t, adevs <= n,
		     "aux: nth %u: %lu VFs, %zu auxiliary devices (%zu probed)",
		     nth, n, adevs, bound);
	if (n && check_ok(t, numvfs_set(c->pf, "0"),
			  "aux: nth %u: remove the VF", nth))
		return false;
	adevs = mlx5_adevs(&bound);
	ok &= !check(t, !adevs, "aux: nth %u: %zu auxiliary devices left",
		     nth, adevs);
	return ok;
}

/* the PF from vfio-pci to the stand-in parent, or back: 0 or -errno */
static int mlx5_pf_move(const char *pf, const char *to, const char *path)
{
	int ret;

	ret = sysfs_write(pf, "driver_override", to);
	if (!ret && sysfs_exists(pf, "driver"))
		ret = sysfs_write(pf, "driver/unbind", pf);
	return ret ?: sysfs_write_path(path, pf);
}

static void test_mlx5_aux(struct test_ctx *t)
{
	struct sriov_ctx c = { .pf = t->bdf, .numvfs_fd = -1 };
	struct sweep_ops ops = {
		.what = "write 1 to sriov_numvfs of a PF on " MLX5_PARENT,
		.spare = &spare_virtfn,
		.setup = numvfs_setup,
		.step = numvfs_step,
		.undo = aux_undo,
	};
	unsigned long total = 0;
	size_t adevs, bound;

	if (!fi_ready(t))
		return;
	if (sysfs_read_ulong(c.pf, "sriov_totalvfs", &total) || !total) {
		t->skip = "not an SR-IOV physical function";
		return;
	}
	if (access("/sys/bus/pci/drivers/" MLX5_PARENT, F_OK) ||
	    access("/sys/bus/auxiliary/drivers/mlx5_vfio_pci", F_OK)) {
		t->skip = MLX5_PARENT " and mlx5_vfio_pci are not loaded";
		return;
	}
	vfio_dev_close(t->d);
	if (check_ok(t, mlx5_pf_move(c.pf, MLX5_PARENT, "/sys/bus/pci/drivers/"
				     MLX5_PARENT "/bind"),
		     "bind the PF to " MLX5_PARENT) ||
	    check_ok(t, sysfs_write(c.pf, "sriov_drivers_autoprobe", "0"),
		     "sriov_drivers_autoprobe off"))
		goto back;
	sweep(t, &ops, &c);
	if (c.numvfs_fd >= 0)
		close(c.numvfs_fd);
	/* the parent still adds an auxiliary device that mlx5_vfio_pci takes */
	if (!check_ok(t, numvfs_set(c.pf, "1"), "make one VF")) {
		adevs = mlx5_adevs(&bound);
		check(t, adevs == 1 && bound == 1,
		      "one VF: %zu auxiliary devices, %zu probed", adevs, bound);
		check_ok(t, numvfs_set(c.pf, "0"), "remove the VF");
	}
back:
	check_ok(t, sysfs_write(c.pf, "sriov_drivers_autoprobe", "1"),
		 "sriov_drivers_autoprobe on again");
	check_ok(t, mlx5_pf_move(c.pf, "vfio-pci", BIND_PATH),
		 "bind the PF to vfio-pci again");
	check_ok(t, vfio_dev_open(t->d, t->bdf, t->d->mode),
		 "opening the device again for the next tests: %s", t->d->err);
}

static const struct test tests[] = {
	{ "irq_intx", test_irq_intx },
	{ "irq_msi_1", test_irq_msi_1 },
	{ "irq_msi_n", test_irq_msi_n },
	{ "irq_msix_n", test_irq_msix_n },
	{ "irq_msix_grow", test_irq_msix_grow },
	{ "irq_err", test_irq_err },
	{ "irq_req", test_irq_req },
	{ "ioeventfd", test_ioeventfd },
	{ "mmap_bar0", test_mmap_bar0 },
	{ "reset", test_reset },
	{ "hot_reset_info", test_hot_reset_info },
	{ "hot_reset", test_hot_reset },
	{ "low_power_entry", test_low_power_entry },
	{ "low_power_wakeup", test_low_power_wakeup },
	{ "low_power_exit", test_low_power_exit },
	{ "region_info_caps", test_region_info_caps },
	{ "info_caps", test_info_caps },
	{ "sysfs_bind", test_sysfs_bind },
	{ "sriov_numvfs", test_sriov_numvfs },
	{ "vf_token", test_vf_token },
	{ "vf_open", test_vf_open },
	{ "mlx5_aux", test_mlx5_aux },
	{ "open", test_open },
};

int main(int argc, char **argv)
{
	return vfio_test_main(argc, argv, tests, ARRAY_SIZE(tests), fi_setup);
}
