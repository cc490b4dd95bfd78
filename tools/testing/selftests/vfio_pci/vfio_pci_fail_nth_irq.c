// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_fail_nth: the sweeps of SET_IRQS (INTx, MSI, MSI-X and its growth, ERR, REQ)
 * and of an ioeventfd.
 */
#include "vfio_pci_fail_nth.h"

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
	vfio_diag("%s: %u vector(s) of %u", t->name, c.count, info.count);
	sweep(t, &ops, &c);
out:
	for (i = 0; i < MAX_VEC; i++)
		if (c.efd[i] >= 0)
			close(c.efd[i]);
	if (c.unmask_efd >= 0)
		close(c.unmask_efd);
}

void test_irq_intx(struct test_ctx *t)
{
	irq_sweep(t, IRQ_INTX, VFIO_PCI_INTX_IRQ_INDEX, 1,
		  "INTx trigger + unmask eventfds");
}

void test_irq_msi_1(struct test_ctx *t)
{
	irq_sweep(t, IRQ_BLOCK, VFIO_PCI_MSI_IRQ_INDEX, 1, "MSI, 1 vector");
}

void test_irq_msi_n(struct test_ctx *t)
{
	irq_sweep(t, IRQ_BLOCK, VFIO_PCI_MSI_IRQ_INDEX, 0, "MSI, N vectors");
}

void test_irq_msix_n(struct test_ctx *t)
{
	irq_sweep(t, IRQ_BLOCK, VFIO_PCI_MSIX_IRQ_INDEX, 0,
		  "MSI-X, N vectors");
}

void test_irq_msix_grow(struct test_ctx *t)
{
	irq_sweep(t, IRQ_GROW, VFIO_PCI_MSIX_IRQ_INDEX, GROW_TO,
		  "MSI-X vector 0 enabled, 1..3 added one at a time");
}

void test_irq_err(struct test_ctx *t)
{
	irq_sweep(t, IRQ_SINGLE, VFIO_PCI_ERR_IRQ_INDEX, 1, "ERR eventfd");
}

void test_irq_req(struct test_ctx *t)
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
bool bar0_ready(struct test_ctx *t, struct vfio_region_info *ri)
{
	return fi_ready(t) &&
	       !check_ok(t, vfio_region_info(t->d, VFIO_PCI_BAR0_REGION_INDEX,
					     ri), "BAR0 region info");
}

void test_ioeventfd(struct test_ctx *t)
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

