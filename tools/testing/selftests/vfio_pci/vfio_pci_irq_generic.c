// SPDX-License-Identifier: GPL-2.0
/*
 * The device-independent checks of vfio_pci_irq_test: each judges a
 * device by what it reports (GET_IRQ_INFO and its config space), not by
 * its identity, and raises its interrupts by loopback. The test table
 * runs them on any device that has what they need, edu and e1000e too
 * where no test was written for them, or with VFIO_IRQ_GENERIC=1.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_pci_irq.h"

/* ---- GET_IRQ_INFO ---- */

/* The vectors the capability of @index (MSI or MSI-X) says, 0 without. */
static int cap_vectors(struct test_ctx *t, __u32 index)
{
	__u32 v = 0;
	int pos;

	pos = vfio_cfg_find_cap(t->d, index == MSI ? PCI_CAP_ID_MSI :
						      PCI_CAP_ID_MSIX);
	/* PCI_MSI_FLAGS and PCI_MSIX_FLAGS are both at 2 */
	if (pos <= 0 || check_ok(t, vfio_cfg_read(t->d, pos + PCI_MSI_FLAGS,
						  2, &v), "%s flags read",
				 index_name(index)))
		return 0;
	if (index == MSI)
		return 1 << ((v & PCI_MSI_FLAGS_QMASK) >> 1);
	return (v & PCI_MSIX_FLAGS_QSIZE) + 1;
}

/*
 * Each type's count in @n, against config space: INTx has one line when
 * the interrupt pin VFIO shows is set, and none on a VF; MSI has the
 * vectors its capability's multiple message field says, MSI-X its table
 * size.
 */
static void irq_info_counts(struct test_ctx *t, int *n)
{
	bool vf = sysfs_exists(t->bdf, "physfn");
	__u32 pin = 0, index;
	int want;

	check_ok(t, vfio_cfg_read(t->d, PCI_INTERRUPT_PIN, 1, &pin),
		 "interrupt pin read");
	for (index = INTX; index <= MSIX; index++)
		n[index] = irq_count(t, index, NULL);
	vfio_diag("%s: INTx %d (pin %u%s), MSI %d, MSI-X %d", t->name,
		  n[INTX], pin, vf ? ", an SR-IOV VF" : "", n[MSI], n[MSIX]);
	check(t, n[INTX] == (pin ? 1 : 0), "INTx count %d with interrupt pin %u",
	      n[INTX], pin);
	check(t, !vf || (!n[INTX] && !pin),
	      "a VF with INTx: count %d, interrupt pin %u", n[INTX], pin);
	for (index = MSI; index <= MSIX; index++) {
		want = cap_vectors(t, index);
		check(t, n[index] == want, "%s count %d, the capability says %d",
		      index_name(index), n[index], want);
	}
}

/* A type with count 0 in @n refuses every SET_IRQS, whatever the action. */
static void irq_info_count0(struct test_ctx *t, const int *n)
{
	static const __u32 actions[] = {
		TRIGGER | DATA_EVENTFD, TRIGGER | DATA_NONE, MASK | DATA_NONE,
		UNMASK | DATA_NONE, UNMASK | DATA_EVENTFD,
	};
	char what[96];
	__u32 index;
	size_t i;
	int efd, ret;

	efd = efd_open(t);
	for (index = INTX; efd >= 0 && index <= MSIX; index++) {
		if (n[index])
			continue;
		for (i = 0; i < ARRAY_SIZE(actions); i++) {
			if (actions[i] & DATA_EVENTFD)
				ret = irq_set_fd(t->d, index, actions[i], efd);
			else
				ret = irq_none(t->d, index, actions[i], 0, 1);
			snprintf(what, sizeof(what),
				 "%s, count 0: SET_IRQS flags 0x%x",
				 index_name(index), actions[i]);
			set_fails(t, ret, EINVAL, what);
		}
	}
	fd_close(&efd);
}

/*
 * GET_IRQ_INFO against config space, for any device: the count of each
 * type is what its capability (or interrupt pin) says, a type with a
 * count of 0 refuses every SET_IRQS, and indexes past REQ and a short
 * argsz are EINVAL.
 */
void test_irq_info(struct test_ctx *t)
{
	struct vfio_irq_info ii;
	int n[MSIX + 1], ret;

	irq_info_counts(t, n);
	irq_info_count0(t, n);
	set_fails(t, vfio_irq_info(t->d, VFIO_PCI_NUM_IRQS, &ii), EINVAL,
		  "GET_IRQ_INFO of index VFIO_PCI_NUM_IRQS");
	memset(&ii, 0, sizeof(ii));
	ii.argsz = offsetof(struct vfio_irq_info, count);
	ii.index = MSIX;
	ret = ioctl(t->d->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &ii);
	check_errno(t, ret, errno, EINVAL, "GET_IRQ_INFO with a short argsz");
}

/* ---- INTx by loopback (any device with INTx) ---- */

/*
 * A device with INTx that cannot be made to raise it: the info, enable,
 * the line unmasked once on, loopback, disable and what is refused then,
 * and on again.
 */
void intx_loopback_trigger(struct test_ctx *t)
{
	int efd;

	intx_info_check(t);
	efd = intx_fresh_on(t);
	if (efd < 0)
		goto out;
	intx_unmasked(t, efd, 0, "INTx enabled");
	loop_vector(t, INTX, &efd, 1, 0);
	set_ok(t, irq_disable(t->d, INTX), "INTx disable (DATA_NONE count 0)");
	set_fails(t, irq_none(t->d, INTX, UNMASK, 0, 1), EINVAL,
		  "INTx UNMASK while off");
	set_fails(t, irq_disable(t->d, INTX), EINVAL, "INTx disable while off");
	set_fails(t, irq_none(t->d, INTX, TRIGGER, 0, 1), EINVAL,
		  "INTx loopback while off");
	expect_quiet(t, efd, "INTx off");
	if (intx_on(t, efd)) {
		loop_vector(t, INTX, &efd, 1, 0);
		set_ok(t, irq_disable(t->d, INTX), "INTx disable again");
	}
out:
	irq_fresh(t);
	fd_close(&efd);
}

/*
 * Changing the trigger of enabled INTx, seen by loopback: the new eventfd
 * is signalled, the old one not; fd -1 keeps INTx on (UNMASK accepted)
 * with nothing signalled.
 */
void intx_loopback_retrigger(struct test_ctx *t)
{
	int a, b = -1;

	irq_fresh(t);
	a = efd_open(t);
	b = efd_open(t);
	if (a < 0 || b < 0 || !intx_on(t, a))
		goto out;
	loop_vector(t, INTX, &a, 1, 0);
	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, b), "INTx trigger A -> B");
	loop_vector(t, INTX, &b, 1, 0);
	expect_quiet(t, a, "old trigger A after the swap");
	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, -1), "INTx trigger fd -1");
	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback, no fd");
	expect_quiet(t, b, "trigger B after fd -1");
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK, no fd");
	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, a), "INTx trigger -> A");
	loop_vector(t, INTX, &a, 1, 0);
	expect_quiet(t, b, "trigger B after the swap back to A");
out:
	irq_fresh(t);
	fd_close(&a);
	fd_close(&b);
}

/*
 * ACTION_MASK masks INTx in the function (or at the controller) and UNMASK
 * unmasks it; DATA_BOOL 0 does neither. Loopback signals a masked line
 * too. There is no mask eventfd: ENOTTY.
 */
void intx_loopback_mask(struct test_ctx *t)
{
	int efd;

	efd = intx_fresh_on(t);
	if (efd < 0)
		goto out;
	set_ok(t, irq_none(t->d, INTX, MASK, 0, 1), "INTx MASK");
	intx_masked_where(t);
	loop_vector(t, INTX, &efd, 1, 0);
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	intx_unmasked(t, efd, 0, "UNMASK");

	set_ok(t, irq_bool(t->d, INTX, MASK, 0), "INTx MASK bool 0");
	intx_unmasked(t, efd, 0, "MASK bool 0");
	set_ok(t, irq_bool(t->d, INTX, MASK, 1), "INTx MASK bool 1");
	intx_masked_where(t);
	set_ok(t, irq_bool(t->d, INTX, UNMASK, 0), "INTx UNMASK bool 0");
	intx_masked_where(t);
	set_ok(t, irq_bool(t->d, INTX, UNMASK, 1), "INTx UNMASK bool 1");
	intx_unmasked(t, efd, 0, "UNMASK bool 1");

	set_fails(t, irq_set_fd(t->d, INTX, MASK, efd), ENOTTY,
		  "INTx MASK eventfd");
out:
	irq_fresh(t);
	fd_close(&efd);
}

/*
 * INTx stays masked where the mode says (intx_masked_where()) for the
 * whole quiet window, looked at every 10 ms. The window is longer than
 * the control, an unmask that took @ctl_us, took to show.
 */
static void intx_stays_masked(struct test_ctx *t, long ctl_us,
			      const char *what)
{
	long ms = quiet_window_ms(ctl_us), start = now_us(), waited;
	int fails = t->fails;

	do {
		intx_masked_where(t);
		waited = (now_us() - start) / 1000;
		if (t->fails != fails) {
			vfio_diag("%s: %s: unmasked %ld ms into the %ld ms window",
				  t->name, what, waited, ms);
			return;
		}
		usleep(10 * 1000);
	} while (waited < ms);
	vfio_diag("%s: %s: masked through a %ld ms watch; the control unmask took %ld us",
		  t->name, what, ms, ctl_us);
}

/*
 * The unmask eventfd: a write to it unmasks INTx in the kernel like
 * ACTION_UNMASK; one at a time (EBUSY); fd -1 removes it, and writes to
 * the old eventfd then unmask nothing.
 */
void intx_loopback_unmask_eventfd(struct test_ctx *t)
{
	int efd, ufd;
	long ctl;

	if (!intx_fresh_unmask_on(t, &efd, &ufd))
		goto out;

	set_ok(t, irq_none(t->d, INTX, MASK, 0, 1), "INTx MASK");
	intx_masked_where(t);
	check(t, efd_kick(ufd), "write to the unmask eventfd");
	/* the control: how long a live unmask eventfd takes to act */
	ctl = intx_unmasked(t, efd, FIRE_MS, "write to the unmask eventfd");

	set_ok(t, irq_set_fd(t->d, INTX, UNMASK, -1),
	       "INTx UNMASK eventfd fd -1");
	set_ok(t, irq_none(t->d, INTX, MASK, 0, 1), "INTx MASK");
	check(t, efd_kick(ufd), "write to the removed unmask eventfd");
	intx_stays_masked(t, ctl,
			  "after a write to the removed unmask eventfd");
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	loop_vector(t, INTX, &efd, 1, 0);
out:
	irq_fresh(t);
	fd_close(&efd);
	fd_close(&ufd);
}

/*
 * The virtual INTx-disable bit: it reads back as written, masks INTx in
 * the function while set (no loopback gets through either, nor does
 * UNMASK unmask), and clearing it unmasks; set before INTx is enabled,
 * INTx starts masked.
 */
void intx_loopback_disable_bit(struct test_ctx *t)
{
	int efd;

	efd = intx_fresh_on(t);
	if (efd < 0)
		goto out;
	intx_disable_set(t);
	intx_masked_where(t);
	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback");
	expect_quiet(t, efd, "loopback with INTx-disable set");
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	intx_masked_where(t);

	cmd_update(t, 0, PCI_COMMAND_INTX_DISABLE);
	intx_unmasked(t, efd, 0, "clearing INTx-disable");
	loop_vector(t, INTX, &efd, 1, 0);

	set_ok(t, irq_disable(t->d, INTX), "INTx disable");
	cmd_update(t, PCI_COMMAND_INTX_DISABLE, 0);
	if (!intx_on(t, efd))
		goto out;
	intx_masked_where(t);
	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback");
	expect_quiet(t, efd, "loopback, INTx enabled under INTx-disable");
	cmd_update(t, 0, PCI_COMMAND_INTX_DISABLE);
	intx_unmasked(t, efd, 0, "clearing INTx-disable after enabling");
	loop_vector(t, INTX, &efd, 1, 0);
out:
	irq_fresh(t);
	fd_close(&efd);
}

/*
 * Loopback: TRIGGER with DATA_NONE, or DATA_BOOL true, signals the
 * trigger eventfd from the kernel, masked line or not; DATA_BOOL false
 * signals nothing. INTx off, loopback is refused with EINVAL.
 */
void intx_loopback(struct test_ctx *t)
{
	int efd;

	efd = intx_fresh_on(t);
	if (efd < 0)
		goto out;

	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback");
	expect_fire(t, efd, "loopback DATA_NONE");
	set_ok(t, irq_bool(t->d, INTX, TRIGGER, 1), "INTx loopback bool 1");
	expect_fire(t, efd, "loopback bool 1");
	set_ok(t, irq_bool(t->d, INTX, TRIGGER, 0), "INTx loopback bool 0");
	expect_quiet(t, efd, "loopback bool 0");

	set_ok(t, irq_none(t->d, INTX, MASK, 0, 1), "INTx MASK");
	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback");
	expect_fire(t, efd, "loopback while masked");

	set_ok(t, irq_disable(t->d, INTX), "INTx disable");
	set_fails(t, irq_none(t->d, INTX, TRIGGER, 0, 1), EINVAL,
		  "INTx loopback while off");
	set_fails(t, irq_bool(t->d, INTX, TRIGGER, 1), EINVAL,
		  "INTx loopback bool while off");
	expect_quiet(t, efd, "loopback while off");
out:
	irq_fresh(t);
	fd_close(&efd);
}

/* ---- MSI and MSI-X by loopback ---- */

/*
 * One of INTx, MSI and MSI-X at a time: with @index on, enabling any
 * other the device has is EINVAL.
 */
static void others_refused(struct test_ctx *t, __u32 index, int fd)
{
	char what[64];
	__u32 other;

	for (other = INTX; other <= MSIX; other++) {
		if (other == index || irq_count_of(t->d, other) <= 0)
			continue;
		snprintf(what, sizeof(what), "%s enable while %s is on",
			 index_name(other), index_name(index));
		set_fails(t, irq_set_fd(t->d, other, TRIGGER, fd), EINVAL,
			  what);
	}
}

/* A loopback of all @n vectors signals each once; DATA_BOOL false, none. */
static void vec_loop_all(struct test_ctx *t, __u32 index, const int *fds,
			 int n)
{
	const __u8 zeros[IRQ_SET_MAX] = { 0 };
	unsigned int seen;
	long got;
	int i;

	set_ok(t, irq_none(t->d, index, TRIGGER, 0, n), "loopback of all");
	for (i = 0; i < n; i++) {
		got = efd_wait(t, fds[i], FIRE_MS);
		check(t, got >= 1, "vector %d of %d not signalled by a loopback of all: %ld",
		      i, n, got);
	}
	set_ok(t, irq_bools(t->d, index, TRIGGER, 0, n, zeros),
	       "loopback, DATA_BOOL all false");
	seen = msix_others(fds, n, -1);
	check(t, !seen, "DATA_BOOL all false signalled vectors 0x%x", seen);
}

/*
 * The last of the @n vectors on, its trigger removed (fd -1) and then
 * replaced by @x while the others keep theirs, and given its first
 * trigger back; @index stays on in the device (capability at @pos).
 */
static void vec_retrigger_last(struct test_ctx *t, __u32 index, int pos,
			       const int *fds, int n, int x)
{
	int i, last = n - 1, none = -1;

	set_ok(t, irq_set_fds(t->d, index, TRIGGER, last, 1, &none),
	       "last vector's trigger fd -1");
	set_ok(t, irq_none(t->d, index, TRIGGER, 0, n),
	       "loopback of all, the last without a trigger");
	for (i = 0; i < last; i++)
		expect_fire(t, fds[i], "loopback of a vector that kept its trigger");
	expect_quiet(t, fds[last], "loopback of the vector set to fd -1");
	check(t, dev_vec_on(t, index, pos),
	      "the device's %s enable went off with one vector's trigger",
	      index_name(index));
	set_ok(t, irq_set_fds(t->d, index, TRIGGER, last, 1, &x),
	       "last vector's new trigger");
	set_ok(t, irq_none(t->d, index, TRIGGER, last, 1),
	       "loopback of the last vector");
	expect_fire(t, x, "loopback of the vector with its new trigger");
	expect_quiet(t, fds[last], "the vector's old trigger");
	set_ok(t, irq_set_fds(t->d, index, TRIGGER, last, 1, &fds[last]),
	       "last vector's first trigger again");
}

/* The @n vectors on: off (count 0), what is refused then, and on again. */
static void vec_off_on(struct test_ctx *t, __u32 index, int pos,
		       const int *fds, int n)
{
	const char *name = index_name(index);
	unsigned int seen;

	set_ok(t, irq_disable(t->d, index), "disable (DATA_NONE count 0)");
	check(t, !dev_vec_on(t, index, pos),
	      "the device's %s enable is set after SET_IRQS disabled it", name);
	set_fails(t, irq_disable(t->d, index), EINVAL, "disable while off");
	set_fails(t, irq_none(t->d, index, TRIGGER, 0, 1), EINVAL,
		  "loopback while off");
	seen = msix_others(fds, n, -1);
	check(t, !seen, "vectors 0x%x signalled after disable", seen);
	if (!vec_on(t, index, fds, n))
		return;
	check(t, dev_vec_on(t, index, pos),
	      "the device's %s enable is clear after enabling again", name);
	loop_vector(t, index, fds, n, n - 1);
	set_ok(t, irq_disable(t->d, index), "disable again");
}

/* @index off, on with fd -1 for every vector (as QEMU does): no trigger. */
static void vec_on_untriggered(struct test_ctx *t, __u32 index, int pos,
			       const int *fds, int n)
{
	int nones[IRQ_SET_MAX], i;
	unsigned int seen;

	for (i = 0; i < n; i++)
		nones[i] = -1;
	if (!vec_on(t, index, nones, n))
		return;
	check(t, dev_vec_on(t, index, pos),
	      "the device's %s enable is clear after enabling with fd -1 everywhere",
	      index_name(index));
	set_ok(t, irq_none(t->d, index, TRIGGER, 0, n),
	       "loopback of all, none with a trigger");
	seen = msix_others(fds, n, -1);
	check(t, !seen, "vectors 0x%x signalled without a trigger", seen);
	set_ok(t, irq_set_fds(t->d, index, TRIGGER, 0, 1, fds),
	       "vector 0 given its trigger");
	loop_vector(t, index, fds, n, 0);
	set_ok(t, irq_disable(t->d, index), "disable at the end");
}

/*
 * MSI or MSI-X (@index) by loopback, for a device that has it but cannot
 * be made to interrupt: every vector on with an eventfd of its own (up to
 * IRQ_SET_MAX), each vector's loopback signalling its eventfd and no
 * other, the device's enable bit following SET_IRQS, one vector's
 * trigger removed (fd -1) and replaced while the others keep theirs, the
 * other types refused meanwhile, then off (count 0) and on again.
 */
void vec_loopback(struct test_ctx *t, __u32 index)
{
	const char *name = index_name(index);
	int fds[IRQ_SET_MAX], x = -1;
	int n, pos, i;

	n = vec_count(t, index);
	pos = vec_cap(t, index);
	if (n <= 0 || pos <= 0)
		return;
	irq_fresh(t);
	check(t, !dev_vec_on(t, index, pos), "%s on in the device before SET_IRQS",
	      name);
	fds_open(t, fds, n);
	x = efd_open(t);
	if (t->fails || !vec_on(t, index, fds, n))
		goto out;
	check(t, dev_vec_on(t, index, pos),
	      "the device's %s enable is clear after SET_IRQS enabled %d vector(s)",
	      name, n);
	for (i = 0; i < n; i++)
		loop_vector(t, index, fds, n, i);
	vec_loop_all(t, index, fds, n);
	vec_retrigger_last(t, index, pos, fds, n, x);
	others_refused(t, index, x);
	loop_vector(t, index, fds, n, 0);
	vec_off_on(t, index, pos, fds, n);
	vec_on_untriggered(t, index, pos, fds, n);
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, n);
	fd_close(&x);
}

/* ---- ERR and REQ ---- */

/*
 * The single-eventfd indexes: set, swap and clear the trigger; loopback
 * needs a trigger with DATA_NONE (EINVAL without) but not with DATA_BOOL;
 * DATA_NONE count 0 clears; fds below -1 and an eventfd count of 0 are
 * EINVAL; MASK and UNMASK do not exist (ENOTTY).
 */
static void single_index(struct test_ctx *t, __u32 index, const char *name)
{
	int a, b = -1;

	a = efd_open(t);
	b = efd_open(t);
	if (a < 0 || b < 0)
		goto out;
	set_fails(t, irq_none(t->d, index, TRIGGER, 0, 1), EINVAL, name);
	if (set_ok(t, irq_set_fd(t->d, index, TRIGGER, a), name))
		goto out;
	set_ok(t, irq_none(t->d, index, TRIGGER, 0, 1), name);
	expect_fire(t, a, name);
	set_ok(t, irq_bool(t->d, index, TRIGGER, 1), name);
	expect_fire(t, a, name);
	set_ok(t, irq_bool(t->d, index, TRIGGER, 0), name);
	expect_quiet(t, a, name);

	set_ok(t, irq_set_fd(t->d, index, TRIGGER, b), name);
	set_ok(t, irq_none(t->d, index, TRIGGER, 0, 1), name);
	expect_fire(t, b, name);
	expect_quiet(t, a, name);

	set_ok(t, irq_set_fd(t->d, index, TRIGGER, -1), name);
	set_fails(t, irq_none(t->d, index, TRIGGER, 0, 1), EINVAL, name);
	set_ok(t, irq_bool(t->d, index, TRIGGER, 1), name);
	expect_quiet(t, b, name);

	set_ok(t, irq_set_fd(t->d, index, TRIGGER, a), name);
	set_ok(t, irq_none(t->d, index, TRIGGER, 0, 0), name);
	set_fails(t, irq_none(t->d, index, TRIGGER, 0, 1), EINVAL, name);
	expect_quiet(t, a, name);

	set_fails(t, irq_set_fd(t->d, index, TRIGGER, -2), EINVAL, name);
	set_fails(t, irq_set_fds(t->d, index, TRIGGER, 0, 0, NULL), EINVAL,
		  name);
	set_fails(t, irq_bools(t->d, index, TRIGGER, 0, 0, NULL), EINVAL,
		  name);
	set_fails(t, irq_none(t->d, index, MASK, 0, 1), ENOTTY, name);
	set_fails(t, irq_none(t->d, index, UNMASK, 0, 1), ENOTTY, name);
out:
	irq_disable(t->d, index);
	fd_close(&a);
	fd_close(&b);
}

/* ERR exists on PCI Express devices only; REQ on every device. */
void test_err_req(struct test_ctx *t)
{
	struct vfio_irq_info ii;
	bool pcie;
	__u32 flags = 0;
	int pos;

	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_EXP);
	if (check(t, pos >= 0, "config read failed"))
		return;
	pcie = pos > 0;
	if (pcie) {
		check(t, irq_count(t, ERR, &flags) == 1 &&
		      flags == (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE),
		      "ERR: count not 1 or flags 0x%x not EVENTFD|NORESIZE",
		      flags);
		single_index(t, ERR, "ERR");
	} else {
		/* a conventional PCI device: ERR refused outright */
		set_fails(t, vfio_irq_info(t->d, ERR, &ii), EINVAL,
			  "GET_IRQ_INFO(ERR) on PCI");
		set_fails(t, irq_set_fd(t->d, ERR, TRIGGER, -1), EINVAL,
			  "ERR trigger on PCI");
	}
	check(t, irq_count(t, REQ, &flags) == 1 &&
	      flags == (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE),
	      "REQ: count not 1 or flags 0x%x not EVENTFD|NORESIZE", flags);
	single_index(t, REQ, "REQ");
}

/*
 * REQ for real: a write to the driver's unbind file waits while the device
 * is open, and the driver asks for it back through the REQ eventfd.
 * Closing the device lets the unbind finish; the device is bound to the
 * same driver again and reopened for the tests that follow.
 */
struct unbind_job {
	const char *bdf;
	int ret;
	atomic_bool done;
};

static void *unbind_fn(void *arg)
{
	struct unbind_job *job = arg;

	job->ret = sysfs_write(job->bdf, "driver/unbind", job->bdf);
	atomic_store(&job->done, true);
	return NULL;
}

/* Bind @bdf to @driver again and reopen it the way it was open. */
static void unbind_rebind(struct test_ctx *t, const char *driver,
			  enum vfio_open_mode mode)
{
	char now[64];

	if (check_ok(t, sysfs_bind(t->bdf, driver), "bind to %s", driver))
		return;
	check(t, !sysfs_driver(t->bdf, now, sizeof(now)) &&
	      !strcmp(now, driver), "%s not bound to %s again", t->bdf,
	      driver);
	check_ok(t, vfio_dev_open(t->d, t->bdf, mode), "reopen %s", t->bdf);
}

void test_unbind_request(struct test_ctx *t)
{
	struct unbind_job job = { .bdf = t->bdf };
	enum vfio_open_mode mode = t->d->mode;
	char driver[64];
	pthread_t thread;
	int fd;

	if (check_ok(t, sysfs_driver(t->bdf, driver, sizeof(driver)),
		     "driver of %s", t->bdf))
		return;
	irq_fresh(t);
	fd = efd_open(t);
	if (fd < 0)
		return;
	if (set_ok(t, irq_set_fd(t->d, REQ, TRIGGER, fd), "REQ trigger"))
		goto out;
	if (check(t, !pthread_create(&thread, NULL, unbind_fn, &job),
		  "pthread_create"))
		goto out;
	expect_fire(t, fd, "REQ while an unbind waits");
	check(t, !atomic_load(&job.done),
	      "unbind finished while the device was open");
	vfio_dev_close(t->d);
	pthread_join(thread, NULL);
	check_ok(t, job.ret, "unbind");
	check(t, !sysfs_exists(t->bdf, "driver"),
	      "still bound to a driver after the unbind");
	unbind_rebind(t, driver, mode);
out:
	close(fd);
}
