// SPDX-License-Identifier: GPL-2.0
/*
 * The validation sweep of vfio_pci_irq_test: malformed and out-of-place
 * VFIO_DEVICE_SET_IRQS calls, each of which must get upstream's errno and
 * change nothing. edu has a table of its own, around INTx and its MSI
 * vector; any other device gets one around its main interrupt type.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/pci_regs.h>

#include "vfio_pci_irq.h"

/* what the data of a call carries: an eventfd, a closed fd, or /dev/null */
enum sweep_fd { FD_EVENTFD, FD_CLOSED, FD_NOT_EVENTFD };

#define TRIG_NONE	(TRIGGER | DATA_NONE)
#define TRIG_EFD	(TRIGGER | DATA_EVENTFD)

/* A file descriptor number for @kind, -1 if it could not be made. */
static int sweep_fd(struct test_ctx *t, enum sweep_fd kind)
{
	int fd;

	switch (kind) {
	case FD_CLOSED:
		fd = efd_open(t);
		fd_close(&(int){ fd });
		return fd;
	case FD_NOT_EVENTFD:
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		check(t, fd >= 0, "open /dev/null: %s", strerror(errno));
		return fd;
	default:
		return efd_open(t);
	}
}

/* ---- edu ---- */

enum sweep_state { ST_OFF, ST_INTX, ST_MSI };

struct bad_case {
	const char *what;
	enum sweep_state state;	/* what is on when the call is made */
	__u32 index, flags, start, count;
	int argsz_adj;		/* added to the argsz the data needs */
	enum sweep_fd fd;	/* what the data's fds are */
	int want;		/* upstream's errno */
};

static const struct bad_case bad_cases[] = {
	/* the header, checked before the index's handler is looked up */
	{ "index VFIO_PCI_NUM_IRQS", ST_OFF, VFIO_PCI_NUM_IRQS, TRIG_NONE,
	  0, 1, 0, FD_EVENTFD, EINVAL },
	{ "index ~0", ST_OFF, ~0u, TRIG_NONE, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "start 1 + count U32_MAX overflows", ST_OFF, INTX, TRIG_NONE,
	  1, ~0u, 0, FD_EVENTFD, EINVAL },
	{ "count U32_MAX", ST_OFF, INTX, TRIG_NONE, 0, ~0u, 0, FD_EVENTFD,
	  EINVAL },
	{ "count 2 on INTx's one line", ST_OFF, INTX, TRIG_EFD, 0, 2, 0,
	  FD_EVENTFD, EINVAL },
	{ "start 1 on INTx's one line", ST_OFF, INTX, TRIG_EFD, 1, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "count 2 on edu's one MSI vector", ST_OFF, MSI, TRIG_EFD, 0, 2, 0,
	  FD_EVENTFD, EINVAL },
	/* past INTx's disable, a count of 0 brings no data to act on */
	{ "INTx trigger eventfd, count 0", ST_OFF, INTX, TRIG_EFD, 0, 0, 0,
	  FD_EVENTFD, EINVAL },
	{ "INTx trigger eventfd, count 0, INTx on", ST_INTX, INTX, TRIG_EFD,
	  0, 0, 0, FD_EVENTFD, EINVAL },
	{ "INTx trigger bool, count 0, INTx on", ST_INTX, INTX,
	  TRIGGER | DATA_BOOL, 0, 0, 0, FD_EVENTFD, EINVAL },
	{ "MSI-X on a device without MSI-X", ST_OFF, MSIX, TRIG_EFD, 0, 1,
	  0, FD_EVENTFD, EINVAL },
	{ "ERR on a conventional PCI device", ST_OFF, ERR, TRIG_EFD, 0, 1,
	  0, FD_EVENTFD, EINVAL },
	{ "unknown flag bit 6", ST_INTX, INTX, TRIG_NONE | (1u << 6), 0, 1,
	  0, FD_EVENTFD, EINVAL },
	{ "unknown flag bit 31", ST_INTX, INTX, TRIG_NONE | (1u << 31), 0, 1,
	  0, FD_EVENTFD, EINVAL },
	{ "no data type", ST_INTX, INTX, TRIGGER, 0, 1, 0, FD_EVENTFD,
	  EINVAL },
	{ "DATA_NONE | DATA_BOOL", ST_INTX, INTX,
	  TRIGGER | DATA_NONE | DATA_BOOL, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "DATA_BOOL | DATA_EVENTFD", ST_INTX, INTX,
	  TRIGGER | DATA_BOOL | DATA_EVENTFD, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the eventfd", ST_OFF, INTX, TRIG_EFD,
	  0, 1, -1, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the bool", ST_INTX, INTX,
	  TRIGGER | DATA_BOOL, 0, 1, -1, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the header", ST_INTX, INTX, TRIG_NONE,
	  0, 1, -1, FD_EVENTFD, EINVAL },
	{ "argsz 0", ST_INTX, INTX, TRIG_NONE, 0, 1,
	  -(int)sizeof(struct vfio_irq_set), FD_EVENTFD, EINVAL },
	/* actions: none, or two, has no handler */
	{ "no action", ST_INTX, INTX, DATA_NONE, 0, 1, 0, FD_EVENTFD,
	  ENOTTY },
	{ "TRIGGER | MASK", ST_INTX, INTX, TRIG_NONE | MASK, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "MASK | UNMASK", ST_INTX, INTX, MASK | UNMASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "INTx MASK eventfd", ST_INTX, INTX, MASK | DATA_EVENTFD, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "MSI MASK", ST_MSI, MSI, MASK | DATA_NONE, 0, 1, 0, FD_EVENTFD,
	  ENOTTY },
	{ "MSI UNMASK", ST_MSI, MSI, UNMASK | DATA_NONE, 0, 1, 0, FD_EVENTFD,
	  ENOTTY },
	{ "MSI MASK while off", ST_OFF, MSI, MASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "REQ UNMASK", ST_OFF, REQ, UNMASK | DATA_NONE, 0, 1, 0, FD_EVENTFD,
	  ENOTTY },
	/* fds */
	{ "INTx trigger: closed fd", ST_OFF, INTX, TRIG_EFD, 0, 1, 0,
	  FD_CLOSED, EBADF },
	{ "INTx trigger: /dev/null", ST_OFF, INTX, TRIG_EFD, 0, 1, 0,
	  FD_NOT_EVENTFD, EINVAL },
	{ "INTx trigger swap: closed fd", ST_INTX, INTX, TRIG_EFD, 0, 1, 0,
	  FD_CLOSED, EBADF },
	{ "INTx unmask eventfd: closed fd", ST_INTX, INTX,
	  UNMASK | DATA_EVENTFD, 0, 1, 0, FD_CLOSED, EBADF },
	{ "INTx unmask eventfd: /dev/null", ST_INTX, INTX,
	  UNMASK | DATA_EVENTFD, 0, 1, 0, FD_NOT_EVENTFD, EINVAL },
	{ "MSI enable: closed fd", ST_OFF, MSI, TRIG_EFD, 0, 1, 0, FD_CLOSED,
	  EBADF },
	{ "MSI enable: /dev/null", ST_OFF, MSI, TRIG_EFD, 0, 1, 0,
	  FD_NOT_EVENTFD, EINVAL },
	{ "MSI trigger: /dev/null", ST_MSI, MSI, TRIG_EFD, 0, 1, 0,
	  FD_NOT_EVENTFD, EINVAL },
	{ "REQ trigger: closed fd", ST_OFF, REQ, TRIG_EFD, 0, 1, 0,
	  FD_CLOSED, EBADF },
	{ "REQ trigger: /dev/null", ST_OFF, REQ, TRIG_EFD, 0, 1, 0,
	  FD_NOT_EVENTFD, EINVAL },
	/* state: one of INTx, MSI, MSI-X at a time */
	{ "MSI enable while INTx is on", ST_INTX, MSI, TRIG_EFD, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "INTx enable while MSI is on", ST_MSI, INTX, TRIG_EFD, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "INTx UNMASK while off", ST_OFF, INTX, UNMASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "INTx MASK while off", ST_OFF, INTX, MASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "INTx unmask eventfd while off", ST_OFF, INTX,
	  UNMASK | DATA_EVENTFD, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "MSI loopback while INTx is on", ST_INTX, MSI, TRIG_NONE, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
};

/* Put the device in @state, with @efd as the trigger of what is on. */
static bool sweep_enter(struct test_ctx *t, enum sweep_state state, int efd)
{
	irq_fresh(t);
	if (state == ST_INTX)
		return intx_on(t, efd);
	if (state == ST_MSI)
		return msi_on(t, efd);
	return true;
}

/*
 * A new trigger for an MSI or MSI-X vector that has one releases the old
 * one first, so the vector is left with none when the new fd is refused.
 */
static bool sweep_drops(const struct bad_case *c)
{
	return c->state == ST_MSI && c->index == MSI &&
	       c->flags == TRIG_EFD;
}

/*
 * Nothing may be on after a call refused with everything off: the
 * device's MSI enable is clear, and MSI can be turned on, which it could
 * not with INTx or MSI-X on.
 */
static void sweep_all_off(struct test_ctx *t, const struct bad_case *c,
			  int efd)
{
	int pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSI);

	if (pos > 0)
		check(t, !(phys_cfg16(t, pos + PCI_MSI_FLAGS) &
			   PCI_MSI_FLAGS_ENABLE),
		      "%s: a refused call turned the device's MSI on",
		      c->what);
	check(t, !irq_set_fd(t->d, MSI, TRIGGER, efd),
	      "%s: MSI cannot be enabled after the refused call", c->what);
	irq_disable(t->d, MSI);
}

/*
 * After a refused call, the state must be as before: what was on still
 * signals @efd on loopback, and what was off is still off. Where upstream
 * drops the old trigger, what was on is still on with no trigger.
 */
static void sweep_state_kept(struct test_ctx *t, const struct bad_case *c,
			     int efd)
{
	__u32 on = c->state == ST_INTX ? INTX : MSI;

	if (c->state == ST_OFF) {
		sweep_all_off(t, c, efd);
		return;
	}
	efd_drain(efd);
	check(t, !irq_none(t->d, on, TRIGGER, 0, 1) &&
	      (vfio_efd_wait(efd, 0) > 0) != sweep_drops(c),
	      "%s: loopback %s after the refused call", c->what,
	      sweep_drops(c) ? "still signals the old trigger" : "no longer signals");
}

static void sweep_one(struct test_ctx *t, const struct bad_case *c)
{
	int efd, fd = -1, ret, err;
	struct irq_arg a;
	__u32 i;

	efd = efd_open(t);
	if (efd < 0 || !sweep_enter(t, c->state, efd))
		goto out;
	fd = sweep_fd(t, c->fd);
	irq_arg_init(&a, c->index, c->flags, c->start, c->count);
	a.hdr.argsz += c->argsz_adj;
	for (i = 0; i < IRQ_SET_MAX; i++) {
		a.fds[i] = fd;
		if (c->flags & DATA_BOOL)
			a.bools[i] = 1;
	}
	ret = irq_ioctl(t->d, &a);
	err = errno;
	check_errno(t, ret, err, c->want, "%s", c->what);
	sweep_state_kept(t, c, efd);
out:
	if (c->fd == FD_NOT_EVENTFD)
		fd_close(&fd);
	fd_close(&efd);
}

/*
 * Every malformed or out-of-place SET_IRQS gets upstream's errno and
 * changes nothing; afterwards INTx and MSI still deliver interrupts.
 */
void edu_bad_set_irqs(struct test_ctx *t)
{
	int efd, ret;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++)
		sweep_one(t, &bad_cases[i]);
	ret = ioctl(t->d->device_fd, VFIO_DEVICE_SET_IRQS, NULL);
	check_errno(t, ret, errno, EFAULT, "SET_IRQS with a NULL argument");

	irq_fresh(t);
	efd = efd_open(t);
	if (efd < 0)
		return;
	if (intx_on(t, efd))
		intx_cycle(t, efd, 1, "INTx after the sweep");
	irq_fresh(t);
	if (msi_on(t, efd))
		msi_cycle(t, efd, -1, 2, "MSI after the sweep");
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fd_close(&efd);
}

/* ---- any device ---- */

/*
 * The same for any other device, around its main type: MSI-X, else MSI,
 * else INTx. Start and count may be relative to the index's count.
 */
#define AT_MAIN		0x100u		/* index: the main type */
#define AT_N		0xffff0000u	/* the index's count */
#define AT_N1		0xffff0001u	/* the index's count + 1 */
#define AT_V		0xffff0002u	/* the vectors the test enables */

enum any_when { ANY_ALL, ANY_VEC_MAIN, ANY_INTX_MAIN };

struct any_case {
	const char *what;
	enum any_when when;	/* for which main type */
	bool on;		/* the main type on when the call is made */
	__u32 index, flags, start, count;
	int argsz_adj;
	enum sweep_fd fd;
	int want;		/* upstream's errno */
};

static const struct any_case any_cases[] = {
	{ "index VFIO_PCI_NUM_IRQS", ANY_ALL, false, VFIO_PCI_NUM_IRQS,
	  TRIG_NONE, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "index ~0", ANY_ALL, false, ~0u, TRIG_NONE, 0, 1, 0, FD_EVENTFD,
	  EINVAL },
	{ "start 1 + count U32_MAX overflows", ANY_ALL, true, AT_MAIN,
	  TRIG_NONE, 1, ~0u, 0, FD_EVENTFD, EINVAL },
	{ "count U32_MAX", ANY_ALL, true, AT_MAIN, TRIG_NONE, 0, ~0u, 0,
	  FD_EVENTFD, EINVAL },
	{ "count one past the index's count", ANY_ALL, false, AT_MAIN,
	  TRIG_EFD, 0, AT_N1, 0, FD_EVENTFD, EINVAL },
	{ "count one past the index's count, on", ANY_ALL, true, AT_MAIN,
	  TRIG_EFD, 0, AT_N1, 0, FD_EVENTFD, EINVAL },
	{ "loopback count one past the index's count", ANY_ALL, true, AT_MAIN,
	  TRIG_NONE, 0, AT_N1, 0, FD_EVENTFD, EINVAL },
	{ "start at the index's count", ANY_ALL, false, AT_MAIN, TRIG_EFD,
	  AT_N, 1, 0, FD_EVENTFD, EINVAL },
	{ "start at the index's count, on", ANY_ALL, true, AT_MAIN, TRIG_EFD,
	  AT_N, 1, 0, FD_EVENTFD, EINVAL },
	{ "loopback from the index's count", ANY_ALL, true, AT_MAIN,
	  TRIG_NONE, AT_N, 1, 0, FD_EVENTFD, EINVAL },
	{ "unknown flag bit 6", ANY_ALL, true, AT_MAIN, TRIG_NONE | (1u << 6),
	  0, 1, 0, FD_EVENTFD, EINVAL },
	{ "unknown flag bit 31", ANY_ALL, true, AT_MAIN,
	  TRIG_NONE | (1u << 31), 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "unknown flag bit 6 on an eventfd", ANY_ALL, false, AT_MAIN,
	  TRIG_EFD | (1u << 6), 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "no data type", ANY_ALL, true, AT_MAIN, TRIGGER, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "DATA_NONE | DATA_BOOL", ANY_ALL, true, AT_MAIN,
	  TRIGGER | DATA_NONE | DATA_BOOL, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "DATA_BOOL | DATA_EVENTFD", ANY_ALL, true, AT_MAIN,
	  TRIGGER | DATA_BOOL | DATA_EVENTFD, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the eventfds", ANY_ALL, false, AT_MAIN,
	  TRIG_EFD, 0, AT_V, -1, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the bools", ANY_ALL, true, AT_MAIN,
	  TRIGGER | DATA_BOOL, 0, AT_V, -1, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the header", ANY_ALL, true, AT_MAIN,
	  TRIG_NONE, 0, 1, -1, FD_EVENTFD, EINVAL },
	{ "argsz 0", ANY_ALL, true, AT_MAIN, TRIG_NONE, 0, 1,
	  -(int)sizeof(struct vfio_irq_set), FD_EVENTFD, EINVAL },
	{ "no action", ANY_ALL, true, AT_MAIN, DATA_NONE, 0, 1, 0, FD_EVENTFD,
	  ENOTTY },
	{ "TRIGGER | MASK", ANY_ALL, true, AT_MAIN, TRIG_NONE | MASK, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "MASK | UNMASK", ANY_ALL, true, AT_MAIN, MASK | UNMASK | DATA_NONE,
	  0, 1, 0, FD_EVENTFD, ENOTTY },
	{ "enable with a closed fd", ANY_ALL, false, AT_MAIN, TRIG_EFD, 0, 1,
	  0, FD_CLOSED, EBADF },
	{ "enable with /dev/null", ANY_ALL, false, AT_MAIN, TRIG_EFD, 0, 1, 0,
	  FD_NOT_EVENTFD, EINVAL },
	{ "trigger swap to a closed fd", ANY_ALL, true, AT_MAIN, TRIG_EFD, 0,
	  1, 0, FD_CLOSED, EBADF },
	{ "trigger swap to /dev/null", ANY_ALL, true, AT_MAIN, TRIG_EFD, 0, 1,
	  0, FD_NOT_EVENTFD, EINVAL },
	{ "loopback while off", ANY_ALL, false, AT_MAIN, TRIG_NONE, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "DATA_BOOL loopback while off", ANY_ALL, false, AT_MAIN,
	  TRIGGER | DATA_BOOL, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "disable while off", ANY_ALL, false, AT_MAIN, TRIG_NONE, 0, 0, 0,
	  FD_EVENTFD, EINVAL },
	{ "REQ count 2", ANY_ALL, true, REQ, TRIG_EFD, 0, 2, 0, FD_EVENTFD,
	  EINVAL },
	{ "REQ start 1", ANY_ALL, true, REQ, TRIG_EFD, 1, 1, 0, FD_EVENTFD,
	  EINVAL },
	/* MSI and MSI-X vectors are not maskable through VFIO: no handler */
	{ "MASK", ANY_VEC_MAIN, true, AT_MAIN, MASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "MASK of all vectors", ANY_VEC_MAIN, true, AT_MAIN,
	  MASK | DATA_NONE, 0, AT_V, 0, FD_EVENTFD, ENOTTY },
	{ "MASK with DATA_BOOL", ANY_VEC_MAIN, true, AT_MAIN,
	  MASK | DATA_BOOL, 0, 1, 0, FD_EVENTFD, ENOTTY },
	{ "MASK eventfd", ANY_VEC_MAIN, true, AT_MAIN, MASK | DATA_EVENTFD, 0,
	  1, 0, FD_EVENTFD, ENOTTY },
	{ "UNMASK", ANY_VEC_MAIN, true, AT_MAIN, UNMASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "UNMASK eventfd", ANY_VEC_MAIN, true, AT_MAIN,
	  UNMASK | DATA_EVENTFD, 0, 1, 0, FD_EVENTFD, ENOTTY },
	{ "MASK while off", ANY_VEC_MAIN, false, AT_MAIN, MASK | DATA_NONE,
	  0, 1, 0, FD_EVENTFD, ENOTTY },
	/* INTx masking exists, of an enabled line only */
	{ "MASK while off", ANY_INTX_MAIN, false, AT_MAIN, MASK | DATA_NONE,
	  0, 1, 0, FD_EVENTFD, EINVAL },
	{ "UNMASK while off", ANY_INTX_MAIN, false, AT_MAIN,
	  UNMASK | DATA_NONE, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "MASK eventfd", ANY_INTX_MAIN, true, AT_MAIN, MASK | DATA_EVENTFD,
	  0, 1, 0, FD_EVENTFD, ENOTTY },
};

/*
 * A new trigger for an MSI or MSI-X vector releases the old one first: a
 * refused new eventfd leaves the vector without a trigger (as upstream).
 */
static bool any_drops(const struct any_case *c, __u32 main)
{
	return c->on && c->index == AT_MAIN && main != INTX &&
	       c->flags == TRIG_EFD && c->fd != FD_EVENTFD;
}

static __u32 any_value(__u32 v, int count, int vecs)
{
	switch (v) {
	case AT_N:
		return count;
	case AT_N1:
		return count + 1;
	case AT_V:
		return vecs;
	default:
		return v;
	}
}

/*
 * Nothing may be on after a call refused with everything off: neither MSI
 * nor MSI-X on in the device, and the main type can be turned on, which
 * it could not with another type on.
 */
static void any_all_off(struct test_ctx *t, const char *what, __u32 main,
			const int *fds, int n)
{
	int pos;

	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSI);
	check(t, pos <= 0 || !dev_vec_on(t, MSI, pos),
	      "%s: MSI on in the device after the refused call", what);
	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSIX);
	check(t, pos <= 0 || !dev_vec_on(t, MSIX, pos),
	      "%s: MSI-X on in the device after the refused call", what);
	check(t, !irq_set_fds(t->d, main, TRIGGER, 0, n, fds),
	      "%s: %s cannot be enabled after the refused call", what,
	      index_name(main));
	irq_disable(t->d, main);
}

/*
 * With the main type on, a refused call must leave it on with every
 * vector's trigger, but for the one a refused new trigger dropped.
 */
static void any_all_kept(struct test_ctx *t, const char *what, __u32 main,
			 const int *fds, int n, int dropped)
{
	long got;
	int i;

	if (check_ok(t, irq_none(t->d, main, TRIGGER, 0, n),
		     "%s: loopback after the refused call", what))
		return;
	for (i = 0; i < n; i++) {
		got = vfio_efd_wait(fds[i], i == dropped ? 0 : FIRE_MS);
		check(t, (got > 0) == (i != dropped),
		      "%s: vector %d %s after the refused call", what, i,
		      i == dropped ? "still has the trigger a refused one should have replaced" :
		      "no longer signals on loopback");
	}
}

static void any_one(struct test_ctx *t, __u32 main, int count, int n,
		    const struct any_case *c)
{
	__u32 index = c->index == AT_MAIN ? main : c->index;
	int fds[IRQ_SET_MAX], fd = -1, ret, err, i, icount;
	struct irq_arg a;
	char what[128];

	snprintf(what, sizeof(what), "%s: %s",
		 index_name(c->index == AT_MAIN ? main : c->index), c->what);
	icount = index == main ? count : irq_count_of(t->d, index);
	irq_fresh(t);
	fds_open(t, fds, n);
	if (t->fails || (c->on && !vec_on(t, main, fds, n)))
		goto out;
	fd = sweep_fd(t, c->fd);
	irq_arg_init(&a, index, c->flags, any_value(c->start, icount, n),
		     any_value(c->count, icount, n));
	a.hdr.argsz += c->argsz_adj;
	for (i = 0; i < IRQ_SET_MAX; i++) {
		if (c->flags & DATA_BOOL)
			a.bools[i] = 1;
		else
			a.fds[i] = fd;
	}
	ret = irq_ioctl(t->d, &a);
	err = errno;
	check_errno(t, ret, err, c->want, "%s", what);
	if (c->on)
		any_all_kept(t, what, main, fds, n,
			     any_drops(c, main) ? (int)a.hdr.start : -1);
	else
		any_all_off(t, what, main, fds, n);
out:
	if (c->fd == FD_NOT_EVENTFD)
		fd_close(&fd);
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, n);
}

/*
 * The other types: one the device lacks refuses everything (EINVAL);
 * one it has cannot be enabled, nor looped back, while the main is on.
 */
static void any_others(struct test_ctx *t, __u32 main, int count, int n)
{
	struct any_case c = { .fd = FD_EVENTFD, .want = EINVAL };
	char what[96];
	__u32 index;

	for (index = INTX; index <= ERR; index++) {
		if (index == main)
			continue;
		c.index = index;
		c.what = what;
		c.start = 0;
		c.count = 1;
		if (irq_count_of(t->d, index) <= 0) {
			snprintf(what, sizeof(what), "%s, which has count 0",
				 "enable");
			c.on = false;
			c.flags = TRIG_EFD;
			any_one(t, main, count, n, &c);
			c.on = true;
			c.flags = TRIG_NONE;
			snprintf(what, sizeof(what), "%s, which has count 0",
				 "loopback");
			any_one(t, main, count, n, &c);
		} else if (index != ERR) {
			snprintf(what, sizeof(what), "enable while %s is on",
				 index_name(main));
			c.on = true;
			c.flags = TRIG_EFD;
			any_one(t, main, count, n, &c);
			snprintf(what, sizeof(what), "loopback while %s is on",
				 index_name(main));
			c.flags = TRIG_NONE;
			any_one(t, main, count, n, &c);
		}
	}
}

/*
 * Every malformed or out-of-place SET_IRQS on the main type of any device
 * gets upstream's errno and changes nothing; afterwards each vector of it
 * still signals its own eventfd.
 */
void bad_set_irqs_any(struct test_ctx *t)
{
	__u32 main = MSIX;
	int count, n, i, ret;
	int fds[IRQ_SET_MAX];
	size_t k;

	while ((count = irq_count_of(t->d, main)) <= 0 && main > INTX)
		main--;
	if (count <= 0) {
		t->skip = "no INTx, MSI or MSI-X (GET_IRQ_INFO counts 0)";
		return;
	}
	n = vec_count(t, main);
	vfio_diag("%s: around %s, %d vector(s)", t->name, index_name(main), n);
	for (k = 0; k < ARRAY_SIZE(any_cases); k++) {
		enum any_when w = any_cases[k].when;

		if (w == ANY_ALL || (w == ANY_VEC_MAIN && main != INTX) ||
		    (w == ANY_INTX_MAIN && main == INTX))
			any_one(t, main, count, n, &any_cases[k]);
	}
	any_others(t, main, count, n);
	ret = ioctl(t->d->device_fd, VFIO_DEVICE_SET_IRQS, NULL);
	check_errno(t, ret, errno, EFAULT, "SET_IRQS with a NULL argument");

	memset(fds, -1, sizeof(fds));
	fds_open(t, fds, n);
	if (!t->fails && vec_on(t, main, fds, n)) {
		for (i = 0; i < n; i++)
			loop_vector(t, main, fds, n, i);
		set_ok(t, irq_disable(t->d, main), "disable after the sweep");
	}
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, n);
}
