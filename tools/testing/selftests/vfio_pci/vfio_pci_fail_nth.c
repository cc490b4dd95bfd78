// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_fail_nth: a fault injection sweep of vfio-pci's error paths.
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
#include "vfio_pci_fail_nth.h"
#include "vfio_fixture.h"

static const char *fi_skip;	/* why fault injection cannot be used */
static int kmsg_fd = -1;	/* FAIL_NTH_VERBOSE: marks in the kernel log */
static int nth_fd = -1;		/* /proc/thread-self/fail-nth */
static unsigned long vendor;	/* as sysfs reads it */

long now_ms(void)
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
	vfio_diag("fault injection: %s", fi_skip ? fi_skip :
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

const struct spare spare_irq_proc = {
	"register_irq_proc",
	"genirq ignores a /proc/irq/N entry it could not make, then WARNs removing it",
};

const struct spare spare_group = {
	"vfio_create_group",
	"its cdev_device_add() error path WARNs in vfio_group_release()",
};

const struct spare spare_virtfn = {
	"pci_iov_add_virtfn",
	"the PCI core adds a VF whose name or device_add failed: a WARN, then a NULL dereference at the next rescan",
};

const struct spare spare_prt = {
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
	vfio_diag("%s: spared: %s() [%#lx, %#lx), %s", t->name, s->func,
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

void sweep(struct test_ctx *t, const struct sweep_ops *ops, void *c)
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
	vfio_diag("%s: %s: %u fail points swept in %ld ms%s;",
		  t->name, ops->what, nth > 0 ? nth - 1 : 0, now_ms() - start,
		  broken ? " (stopped early)" : "");
	vfio_diag("%s:   failed at %u (%s), succeeded anyway at %u", t->name,
		  failed, used ? list : "none", absorbed);
}

/* Is the device's vendor id what sysfs says, read through @fd? */
bool vendor_ok(struct test_ctx *t, int fd, const char *what,
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
bool fi_ready(struct test_ctx *t)
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

/* a sweep fails each step at every point in turn: longer than a test */
#define FAIL_NTH_TIMEOUT	(2 * VFIO_TEST_TIMEOUT)

TEST_F_TIMEOUT(vfio_dev, irq_intx, FAIL_NTH_TIMEOUT)
{
	test_irq_intx(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, irq_msi_1, FAIL_NTH_TIMEOUT)
{
	test_irq_msi_1(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, irq_msi_n, FAIL_NTH_TIMEOUT)
{
	test_irq_msi_n(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, irq_msix_n, FAIL_NTH_TIMEOUT)
{
	test_irq_msix_n(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, irq_msix_grow, FAIL_NTH_TIMEOUT)
{
	test_irq_msix_grow(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, irq_err, FAIL_NTH_TIMEOUT)
{
	test_irq_err(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, irq_req, FAIL_NTH_TIMEOUT)
{
	test_irq_req(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, ioeventfd, FAIL_NTH_TIMEOUT)
{
	test_ioeventfd(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, mmap_bar0, FAIL_NTH_TIMEOUT)
{
	test_mmap_bar0(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, reset, FAIL_NTH_TIMEOUT)
{
	test_reset(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, hot_reset_info, FAIL_NTH_TIMEOUT)
{
	test_hot_reset_info(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, hot_reset, FAIL_NTH_TIMEOUT)
{
	test_hot_reset(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, low_power_entry, FAIL_NTH_TIMEOUT)
{
	test_low_power_entry(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, low_power_wakeup, FAIL_NTH_TIMEOUT)
{
	test_low_power_wakeup(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, low_power_exit, FAIL_NTH_TIMEOUT)
{
	test_low_power_exit(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, region_info_caps, FAIL_NTH_TIMEOUT)
{
	test_region_info_caps(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, info_caps, FAIL_NTH_TIMEOUT)
{
	test_info_caps(&self->t);
}

TEST_F_TIMEOUT(vfio_own, sysfs_bind, FAIL_NTH_TIMEOUT)
{
	test_sysfs_bind(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, sriov_numvfs, FAIL_NTH_TIMEOUT)
{
	test_sriov_numvfs(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, vf_token, FAIL_NTH_TIMEOUT)
{
	test_vf_token(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, vf_open, FAIL_NTH_TIMEOUT)
{
	test_vf_open(&self->t);
}

TEST_F_TIMEOUT(vfio_own, mlx5_aux, FAIL_NTH_TIMEOUT)
{
	test_mlx5_aux(&self->t);
}

TEST_F_TIMEOUT(vfio_own, dev_open, FAIL_NTH_TIMEOUT)
{
	test_open(&self->t);
}

int main(int argc, char **argv)
{
	const char *bdf = vfio_test_init(argc, argv);

	if (bdf)
		fi_setup(bdf);
	return test_harness_run(argc, argv);
}

