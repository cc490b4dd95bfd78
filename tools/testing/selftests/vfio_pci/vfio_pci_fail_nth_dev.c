// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_fail_nth: the sweeps of a BAR mapping and its first fault, the resets and hot
 * reset, the low power features and the info queries with capabilities.
 */
#include "vfio_pci_fail_nth.h"

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

void test_mmap_bar0(struct test_ctx *t)
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

void test_reset(struct test_ctx *t)
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

void test_hot_reset_info(struct test_ctx *t)
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

void test_hot_reset(struct test_ctx *t)
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

void test_low_power_entry(struct test_ctx *t)
{
	lp_sweep(t, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, "LOW_POWER_ENTRY");
}

void test_low_power_wakeup(struct test_ctx *t)
{
	lp_sweep(t, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
		 "LOW_POWER_ENTRY_WITH_WAKEUP");
}

void test_low_power_exit(struct test_ctx *t)
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
	vfio_diag("%s: %u answer(s), %u with capabilities", t->name, c.n,
		  caps);
	sweep(t, &ops, &c);
out:
	free(c.buf);
	free(c.ref);
}

void test_region_info_caps(struct test_ctx *t)
{
	info_sweep(t, false);
}

void test_info_caps(struct test_ctx *t)
{
	info_sweep(t, true);
}

