// SPDX-License-Identifier: GPL-2.0
/*
 * The tests of vfio_pci_irq_test for the two QEMU devices that can be
 * made to interrupt on demand: edu (1234:11e8), with INTx, one MSI vector
 * and a DMA engine, and e1000e (8086:10d3), with MSI-X. They raise real
 * interrupts through the devices' registers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_dma_util.h"
#include "vfio_pci_irq.h"

/*
 * QEMU 7.2's edu refuses (with a fatal hardware error) a transfer that
 * ends exactly at the end of its buffer: copy one byte less.
 */
#define EDU_DMA_XFER		(EDU_DMA_BUF_SIZE - 1)

/* the DMA test's buffers: source page, then destination page */
#define DMA_IOVA		0x10000000ull
#define DMA_LEN			(2 * EDU_DMA_BUF_SIZE)

/* ---- registers ---- */

static void edu_raise(struct test_ctx *t, __u32 val)
{
	bar0_write(t, EDU_REG_IRQ_RAISE, val);
}

void edu_ack(struct test_ctx *t, __u32 val)
{
	bar0_write(t, EDU_REG_IRQ_ACK, val);
}

/* Map each e1000e cause to the vector of its number, all enabled. */
static void e1000e_setup(struct test_ctx *t)
{
	__u32 ivar = 0, causes = 0;
	int n;

	for (n = 0; n < E1000E_NR_CAUSES; n++) {
		ivar |= (E1000E_IVAR_VALID | n) << (4 * n);
		causes |= E1000E_CAUSE(n);
	}
	bar0_write(t, E1000E_REG_IMC, ~0u);
	bar0_write(t, E1000E_REG_ICR, ~0u);
	bar0_write(t, E1000E_REG_IVAR, ivar);
	bar0_write(t, E1000E_REG_IMS, causes);
}

/*
 * Make e1000e send MSI-X vector @vec. Every cause left in ICR is sent
 * again with a new one, so all are cleared first.
 */
static void e1000e_raise(struct test_ctx *t, int vec)
{
	bar0_write(t, E1000E_REG_ICR, ~0u);
	bar0_write(t, E1000E_REG_ICS, E1000E_CAUSE(vec));
}

/*
 * A vector raised while masked (no trigger, or never enabled) is left
 * pending in the device and sent when the kernel unmasks it next: clear
 * the pending bits (only possible while MSI-X is on).
 */
static void e1000e_clear_pending(struct test_ctx *t)
{
	bar0_write(t, E1000E_REG_PBACLR, (1u << E1000E_NR_CAUSES) - 1);
}

/*
 * No cause enabled or set, nothing pending. QEMU's e1000e sends each
 * MSI-X message through its vector's throttling timer (EITR) and aborts
 * when that timer runs after MSI-X was turned off: give it time to run
 * out before the caller turns MSI-X off (20 ms; EITR's interval is at
 * most 0xffff units of 256 ns, under 17 ms). Only a quirk of the
 * emulation: no check relies on it.
 */
void e1000e_quiesce(struct test_ctx *t)
{
	bar0_write(t, E1000E_REG_IMC, ~0u);
	bar0_write(t, E1000E_REG_ICR, ~0u);
	e1000e_clear_pending(t);
	usleep(20 * 1000);
}

/* ---- INTx (edu) ---- */

/*
 * INTx is level triggered and automasked: the first interrupt is
 * signalled and masks the line; UNMASK re-arms it, and when the device
 * still asserts the line at that moment the interrupt is signalled again
 * at once (and the line stays masked).
 */
void edu_intx_trigger(struct test_ctx *t)
{
	int efd;

	intx_info_check(t);
	efd = intx_fresh_on(t);
	if (efd < 0)
		goto out;

	edu_raise(t, 1);
	expect_fire(t, efd, "first raise");
	check(t, bar0_read(t, EDU_REG_IRQ_STATUS) == 1,
	      "edu interrupt status is not the raised value 1");
	/* automasked: a new interrupt does not get through */
	edu_ack(t, 1);
	edu_raise(t, 2);
	expect_quiet(t, efd, "raise while automasked");
	/* still asserted at UNMASK: signalled at once, line masked again */
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	expect_fire(t, efd, "UNMASK with the line asserted");
	edu_ack(t, 2);
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	expect_quiet(t, efd, "UNMASK with nothing pending");
	/* unmasked with nothing pending: the next interrupt gets through */
	edu_raise(t, 4);
	expect_fire(t, efd, "raise after UNMASK");
	edu_ack(t, 4);

	set_ok(t, irq_disable(t->d, INTX), "INTx disable (DATA_NONE count 0)");
	/* once off, INTx refuses UNMASK and a second disable */
	set_fails(t, irq_none(t->d, INTX, UNMASK, 0, 1), EINVAL,
		  "INTx UNMASK while off");
	set_fails(t, irq_disable(t->d, INTX), EINVAL, "INTx disable while off");
	edu_raise(t, 8);
	expect_quiet(t, efd, "raise after disable");
	edu_ack(t, 8);
out:
	irq_fresh(t);
	fd_close(&efd);
}

/* Raise @val, see it signalled on @fd, acknowledge it and UNMASK. */
void intx_cycle(struct test_ctx *t, int fd, __u32 val, const char *what)
{
	edu_raise(t, val);
	expect_fire(t, fd, what);
	edu_ack(t, val);
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
}

/*
 * Changing the trigger of enabled INTx: the new eventfd gets the
 * interrupts, the old one nothing; fd -1 keeps INTx on with no eventfd.
 */
void edu_intx_retrigger(struct test_ctx *t)
{
	int a = -1, b = -1;

	irq_fresh(t);
	a = efd_open(t);
	b = efd_open(t);
	if (a < 0 || b < 0 || !intx_on(t, a))
		goto out;
	intx_cycle(t, a, 1, "raise with trigger A");

	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, b), "INTx trigger A -> B");
	intx_cycle(t, b, 2, "raise with trigger B");
	expect_quiet(t, a, "old trigger A after the swap");

	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, -1), "INTx trigger fd -1");
	edu_raise(t, 4);
	expect_quiet(t, b, "trigger B after fd -1");
	edu_ack(t, 4);
	/* still on: UNMASK is accepted, and a new trigger works */
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK, no fd");
	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, a), "INTx trigger -> A");
	intx_cycle(t, a, 8, "raise with trigger A again");
out:
	irq_fresh(t);
	fd_close(&a);
	fd_close(&b);
}

/*
 * ACTION_MASK masks the line whether or not an interrupt came; an
 * interrupt raised meanwhile is signalled at UNMASK. DATA_BOOL 0 is a
 * no-op for MASK and UNMASK alike. There is no mask eventfd: ENOTTY.
 */
void edu_intx_mask(struct test_ctx *t)
{
	int efd;

	efd = intx_fresh_on(t);
	if (efd < 0)
		goto out;

	set_ok(t, irq_none(t->d, INTX, MASK, 0, 1), "INTx MASK");
	edu_raise(t, 1);
	expect_quiet(t, efd, "raise while masked");
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	expect_fire(t, efd, "UNMASK with an interrupt raised while masked");
	edu_ack(t, 1);
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");

	set_ok(t, irq_bool(t->d, INTX, MASK, 0), "INTx MASK bool 0");
	intx_cycle(t, efd, 2, "raise after MASK bool 0");

	set_ok(t, irq_bool(t->d, INTX, MASK, 1), "INTx MASK bool 1");
	edu_raise(t, 4);
	expect_quiet(t, efd, "raise after MASK bool 1");
	edu_ack(t, 4);
	/* nothing asserted any more: UNMASK signals nothing */
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	expect_quiet(t, efd, "UNMASK after the device dropped the line");
	intx_cycle(t, efd, 8, "raise after MASK bool 1 + UNMASK");

	/* automasked now, and UNMASK bool 0 leaves it so */
	edu_raise(t, 16);
	expect_fire(t, efd, "raise before UNMASK bool 0");
	intx_masked_where(t);
	edu_ack(t, 16);
	set_ok(t, irq_bool(t->d, INTX, UNMASK, 0), "INTx UNMASK bool 0");
	edu_raise(t, 32);
	expect_quiet(t, efd, "raise after UNMASK bool 0");
	set_ok(t, irq_bool(t->d, INTX, UNMASK, 1), "INTx UNMASK bool 1");
	expect_fire(t, efd, "UNMASK bool 1 with the line asserted");
	edu_ack(t, 32);

	set_fails(t, irq_set_fd(t->d, INTX, MASK, efd), ENOTTY,
		  "INTx MASK eventfd");
out:
	irq_fresh(t);
	fd_close(&efd);
}

/*
 * An unmask eventfd (UNMASK | DATA_EVENTFD): a write to it unmasks INTx
 * in the kernel, like ACTION_UNMASK, including the immediate signal of
 * an interrupt still asserted. fd -1 removes it.
 */
void edu_intx_unmask_eventfd(struct test_ctx *t)
{
	int efd, ufd;

	if (!intx_fresh_unmask_on(t, &efd, &ufd))
		goto out;

	edu_raise(t, 1);
	expect_fire(t, efd, "first raise");
	edu_ack(t, 1);
	check(t, efd_kick(ufd), "write to the unmask eventfd");
	edu_raise(t, 2);
	expect_fire(t, efd, "raise after the unmask eventfd");
	/* masked and still asserted: the unmask eventfd signals it */
	check(t, efd_kick(ufd), "write to the unmask eventfd");
	expect_fire(t, efd, "unmask eventfd with the line asserted");
	edu_ack(t, 2);
	check(t, efd_kick(ufd), "write to the unmask eventfd");

	set_ok(t, irq_set_fd(t->d, INTX, UNMASK, -1),
	       "INTx UNMASK eventfd fd -1");
	edu_raise(t, 4);
	expect_fire(t, efd, "raise before the removed unmask eventfd");
	edu_ack(t, 4);
	check(t, efd_kick(ufd), "write to the removed unmask eventfd");
	edu_raise(t, 8);
	expect_quiet(t, efd, "raise after a write to the removed eventfd");
	edu_ack(t, 8);
out:
	irq_fresh(t);
	fd_close(&efd);
	fd_close(&ufd);
}

/*
 * The INTx-disable bit of the command register is virtual: it reads back
 * as written, and while set no INTx reaches the user: not a device
 * interrupt, not ACTION_UNMASK, not even a loopback trigger. Clearing it
 * unmasks; an interrupt asserted meanwhile is signalled then, and the
 * line is left masked as after any interrupt. A write that leaves the bit
 * as it was changes nothing.
 */
void edu_intx_disable_bit(struct test_ctx *t)
{
	int efd;

	efd = intx_fresh_on(t);
	if (efd < 0)
		goto out;
	intx_disable_set(t);
	edu_raise(t, 1);
	expect_quiet(t, efd, "raise with INTx-disable set");
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	expect_quiet(t, efd, "UNMASK with INTx-disable set");
	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback");
	expect_quiet(t, efd, "loopback trigger with INTx-disable set");

	cmd_update(t, 0, PCI_COMMAND_INTX_DISABLE);
	expect_fire(t, efd, "clearing INTx-disable with the line asserted");
	edu_ack(t, 1);
	edu_raise(t, 2);
	expect_quiet(t, efd, "raise after that (masked by the delivery)");
	/* only a change of the bit acts: writing it clear again is no unmask */
	cmd_update(t, 0, PCI_COMMAND_INTX_DISABLE);
	expect_quiet(t, efd, "a COMMAND write leaving INTx-disable clear");
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	expect_fire(t, efd, "UNMASK with the line asserted");
	edu_ack(t, 2);
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	intx_cycle(t, efd, 4, "raise after UNMASK");

	/* set before INTx is enabled: INTx starts masked */
	set_ok(t, irq_disable(t->d, INTX), "INTx disable");
	cmd_update(t, PCI_COMMAND_INTX_DISABLE, 0);
	if (!intx_on(t, efd))
		goto out;
	edu_raise(t, 8);
	expect_quiet(t, efd, "raise with INTx enabled under INTx-disable");
	cmd_update(t, 0, PCI_COMMAND_INTX_DISABLE);
	expect_fire(t, efd, "clearing INTx-disable after enabling");
	edu_ack(t, 8);
out:
	irq_fresh(t);
	fd_close(&efd);
}

/* ---- MSI (edu) ---- */

/* Raise @val on edu; @fd must see it and @other (if >= 0) must not. */
void msi_cycle(struct test_ctx *t, int fd, int other, __u32 val,
	       const char *what)
{
	edu_raise(t, val);
	expect_fire(t, fd, what);
	edu_ack(t, val);
	if (other >= 0)
		expect_quiet(t, other, what);
}

/*
 * MSI is edge triggered and not maskable: every raise is signalled.
 * The trigger of the one vector can be changed and removed (fd -1) while
 * MSI stays on; loopback signals the current trigger.
 */
void edu_msi(struct test_ctx *t)
{
	int a = -1, b = -1;
	__u32 flags = 0;

	irq_fresh(t);
	/* edu has one vector; MSI is never resizable */
	check(t, irq_count(t, MSI, &flags) == 1, "MSI count is not 1");
	check(t, flags == (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE),
	      "MSI flags 0x%x, expected EVENTFD|NORESIZE", flags);
	a = efd_open(t);
	b = efd_open(t);
	if (a < 0 || b < 0 || !msi_on(t, a))
		goto out;

	msi_cycle(t, a, -1, 1, "first MSI");
	msi_cycle(t, a, -1, 2, "second MSI (no masking)");

	set_ok(t, irq_set_fds(t->d, MSI, TRIGGER, 0, 1, &b), "MSI A -> B");
	msi_cycle(t, b, a, 4, "MSI after the swap to B");

	/*
	 * Without a trigger the vector's interrupt is released, which zeroes
	 * the device's MSI message: edu is not raised here, its message
	 * would be a write to address 0 (an IOMMU fault). Loopback is
	 * accepted and signals nothing.
	 */
	set_ok(t, irq_set_fd(t->d, MSI, TRIGGER, -1), "MSI trigger fd -1");
	set_ok(t, irq_none(t->d, MSI, TRIGGER, 0, 1), "MSI loopback, no fd");
	expect_quiet(t, b, "loopback without trigger");

	set_ok(t, irq_set_fd(t->d, MSI, TRIGGER, a), "MSI trigger -> A");
	msi_cycle(t, a, b, 8, "MSI with A again");
	set_ok(t, irq_none(t->d, MSI, TRIGGER, 0, 1), "MSI loopback");
	expect_fire(t, a, "MSI loopback DATA_NONE");
	set_ok(t, irq_bool(t->d, MSI, TRIGGER, 0), "MSI loopback bool 0");
	expect_quiet(t, a, "MSI loopback bool 0");
	set_ok(t, irq_bool(t->d, MSI, TRIGGER, 1), "MSI loopback bool 1");
	expect_fire(t, a, "MSI loopback bool 1");

	set_ok(t, irq_disable(t->d, MSI), "MSI disable");
	set_fails(t, irq_disable(t->d, MSI), EINVAL, "MSI disable while off");
	set_fails(t, irq_none(t->d, MSI, TRIGGER, 0, 1), EINVAL,
		  "MSI loopback while off");
	edu_raise(t, 32);
	expect_quiet(t, a, "raise after MSI disable");
	edu_ack(t, 32);
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fd_close(&a);
	fd_close(&b);
}

/* ---- MSI-X (e1000e) ---- */

/* count of MSI-X vectors the capability in sysfs config announces */
static int msix_cap_count(struct test_ctx *t)
{
	int pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSIX);

	if (check(t, pos > 0, "no MSI-X capability in config space"))
		return -1;
	return (phys_cfg16(t, pos + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_QSIZE) + 1;
}

/*
 * GET_IRQ_INFO of MSI-X: the table size, EVENTFD, and NORESIZE unless
 * the platform's MSI domain can add vectors to enabled MSI-X (x86 with
 * the vIOMMU's interrupt remapping can: no NORESIZE on this rig).
 */
void e1000e_msix_info(struct test_ctx *t)
{
	__u32 flags = 0;
	bool noresize;
	int n;

	n = irq_count(t, MSIX, &flags);
	check(t, n == msix_cap_count(t) && n == E1000E_NR_CAUSES,
	      "MSI-X count %d, capability says %d, e1000e has %d", n,
	      msix_cap_count(t), E1000E_NR_CAUSES);
	noresize = flags & VFIO_IRQ_INFO_NORESIZE;
	vfio_diag("%s: MSI-X flags 0x%x (%s)", t->name, flags,
		  noresize ? "NORESIZE" : "resizable");
	check(t, flags == VFIO_IRQ_INFO_EVENTFD,
	      "MSI-X flags 0x%x, expected EVENTFD alone (dynamic MSI-X)",
	      flags);
}

/*
 * Raise @vec: its eventfd must fire and no other. The guest kernel may
 * retrigger a vector on its own when it moves an interrupt between CPUs,
 * a spurious signal VFIO users must tolerate; a misrouted trigger, the bug
 * looked for, signals the wrong eventfd every time. So a vector seen
 * beside @vec fails only if a second raise signals it again.
 */
static void msix_cycle(struct test_ctx *t, const int *fds, int n, int vec)
{
	unsigned int first, again;
	char what[64];
	int i;

	snprintf(what, sizeof(what), "MSI-X vector %d", vec);
	e1000e_raise(t, vec);
	expect_fire(t, fds[vec], what);
	first = msix_others(fds, n, vec);
	if (!first)
		return;
	e1000e_raise(t, vec);
	expect_fire(t, fds[vec], what);
	again = msix_others(fds, n, vec);
	for (i = 0; i < n; i++) {
		if (!(first & (1u << i)) ||
		    check(t, !(again & (1u << i)),
			  "%s also signalled vector %d, twice", what, i))
			continue;
		vfio_diag("%s: %s: vector %d signalled once beside it, not again",
			  t->name, what, i);
	}
}

static bool msix_on(struct test_ctx *t, const int *fds, int n)
{
	if (cmd_update(t, PCI_COMMAND_MASTER, 0))
		return false;
	if (set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 0, n, fds),
		   "MSI-X enable"))
		return false;
	e1000e_setup(t);
	return true;
}

/*
 * All vectors on, each raised by e1000e on its own; then one vector's
 * trigger removed and replaced at run time, also with memory decode off,
 * and loopback on a range.
 */
void e1000e_msix_vectors(struct test_ctx *t)
{
	int fds[E1000E_NR_CAUSES], x = -1, i;
	const __u8 vals[2] = { 0, 1 };

	irq_fresh(t);
	fds_open(t, fds, E1000E_NR_CAUSES);
	x = efd_open(t);
	if (t->fails || !msix_on(t, fds, E1000E_NR_CAUSES))
		goto out;
	for (i = 0; i < E1000E_NR_CAUSES; i++)
		msix_cycle(t, fds, E1000E_NR_CAUSES, i);
	/* past the table, and MSI next to MSI-X: EINVAL */
	set_fails(t, irq_set_fds(t->d, MSIX, TRIGGER, 0, E1000E_NR_CAUSES + 1,
				 fds), EINVAL, "MSI-X count past the table");
	set_fails(t, irq_set_fd(t->d, MSI, TRIGGER, x), EINVAL,
		  "MSI enable while MSI-X is on");

	set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, (int[]){ -1 }),
	       "MSI-X vector 1 fd -1");
	e1000e_raise(t, 1);
	expect_quiet(t, fds[1], "vector 1 after its trigger was removed");
	e1000e_clear_pending(t);
	msix_cycle(t, fds, E1000E_NR_CAUSES, 0);
	set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, &x),
	       "MSI-X vector 1 new fd");
	e1000e_raise(t, 1);
	expect_fire(t, x, "vector 1 with its new trigger");
	expect_quiet(t, fds[1], "vector 1's old trigger");

	/*
	 * A trigger set while the user has memory decode off still reaches
	 * the vector's table entry (in BAR3): the kernel unmasks it there.
	 */
	set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, (int[]){ -1 }),
	       "MSI-X vector 1 fd -1 again");
	if (!cmd_update(t, 0, PCI_COMMAND_MEMORY)) {
		set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, &x),
		       "MSI-X vector 1 set with memory decode off");
		cmd_update(t, PCI_COMMAND_MEMORY, 0);
	}
	e1000e_raise(t, 1);
	expect_fire(t, x, "vector 1 set while memory decode was off");

	set_ok(t, irq_none(t->d, MSIX, TRIGGER, 2, 2), "MSI-X loopback 2-3");
	expect_fire(t, fds[2], "loopback vector 2");
	expect_fire(t, fds[3], "loopback vector 3");
	check(t, vfio_efd_wait(fds[4], 0) == 0, "loopback 2-3 signalled vector 4");
	set_ok(t, irq_bools(t->d, MSIX, TRIGGER, 0, 2, vals),
	       "MSI-X loopback bools {0, 1}");
	expect_fire(t, x, "loopback bool 1 on vector 1");
	expect_quiet(t, fds[0], "loopback bool 0 on vector 0");

	set_ok(t, irq_disable(t->d, MSIX), "MSI-X disable");
	set_fails(t, irq_disable(t->d, MSIX), EINVAL,
		  "MSI-X disable while off");
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, E1000E_NR_CAUSES);
	fd_close(&x);
}

/*
 * Enabling fewer vectors than the table has, then adding one beyond them:
 * with dynamic MSI-X (no NORESIZE) the kernel allocates it and it works;
 * with NORESIZE the vector has no interrupt and the call fails EINVAL.
 */
void e1000e_msix_dynamic(struct test_ctx *t)
{
	int fds[E1000E_NR_CAUSES] = { -1, -1, -1, -1, -1 };
	__u32 flags = 0;
	int ret;

	irq_fresh(t);
	irq_count(t, MSIX, &flags);
	fds_open(t, fds, E1000E_NR_CAUSES);
	if (t->fails || !msix_on(t, fds, 2))
		goto out;
	msix_cycle(t, fds, 2, 1);

	ret = irq_set_fds(t->d, MSIX, TRIGGER, 3, 1, &fds[3]);
	if (flags & VFIO_IRQ_INFO_NORESIZE) {
		set_fails(t, ret, EINVAL, "MSI-X vector 3 beyond the 2 enabled");
		goto out;
	}
	if (set_ok(t, ret, "MSI-X vector 3 beyond the 2 enabled"))
		goto out;
	msix_cycle(t, fds, E1000E_NR_CAUSES, 3);
	msix_cycle(t, fds, E1000E_NR_CAUSES, 0);
	/* a vector never enabled gets no trigger: nothing is signalled */
	e1000e_raise(t, 2);
	expect_quiet(t, fds[2], "vector 2, never enabled");
	/* the control: given its trigger, vector 2 is signalled */
	e1000e_clear_pending(t);
	if (!set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 2, 1, &fds[2]),
		    "MSI-X vector 2 added"))
		msix_cycle(t, fds, E1000E_NR_CAUSES, 2);
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, E1000E_NR_CAUSES);
}

/* ---- DMA (edu) ---- */

/*
 * One transfer of edu's DMA engine between @src and @dst (device
 * addresses), with an interrupt at the end: the MSI must come, the status
 * must say DMA, and the engine must be idle again.
 */
static void edu_dma(struct test_ctx *t, __u32 src, __u32 dst, __u32 dir,
		    int efd, const char *what)
{
	__u32 status;

	bar0_write(t, EDU_REG_DMA_SRC, src);
	bar0_write(t, EDU_REG_DMA_DST, dst);
	bar0_write(t, EDU_REG_DMA_COUNT, EDU_DMA_XFER);
	bar0_write(t, EDU_REG_DMA_CMD, EDU_DMA_START | EDU_DMA_IRQ | dir);
	if (expect_fire(t, efd, what))
		return;
	status = bar0_read(t, EDU_REG_IRQ_STATUS);
	check(t, status & EDU_DMA_IRQ_VALUE,
	      "%s: interrupt status 0x%x lacks the DMA bit", what, status);
	edu_ack(t, status);
	check(t, !(bar0_read(t, EDU_REG_DMA_CMD) & EDU_DMA_START),
	      "%s: DMA engine still running after its interrupt", what);
}

static void dma_compare(struct test_ctx *t, const __u8 *want,
			const __u8 *got, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (want[i] != got[i])
			break;
	check(t, i == len, "DMA copy differs at byte %zu: 0x%02x, expected 0x%02x",
	      i, i < len ? got[i] : 0, i < len ? want[i] : 0);
}

/*
 * Map two pages at DMA_IOVA (type1 on the group path, the IOAS on the
 * cdev path), have edu copy the first page into its buffer and back into
 * the second page, each transfer ending with an MSI; compare the copy.
 */
void edu_dma_copy(struct test_ctx *t)
{
	const __u32 half = EDU_DMA_BUF_SIZE;
	__u8 *buf;
	int efd = -1, ret;
	size_t i;

	irq_fresh(t);
	buf = vfio_dma_buf_alloc(DMA_LEN);
	if (check(t, buf, "allocating %d bytes", DMA_LEN))
		return;
	for (i = 0; i < half; i++)
		buf[i] = (__u8)(i * 7 + 3 + t->d->mode);
	ret = vfio_dma_map(t->d, buf, DMA_LEN, DMA_IOVA);
	if (check_ok(t, ret, "mapping %d bytes at IOVA 0x%llx", DMA_LEN,
		     DMA_IOVA))
		goto out;
	efd = efd_open(t);
	if (efd >= 0 && msi_on(t, efd)) {
		edu_dma(t, DMA_IOVA, EDU_DMA_BUF, 0, efd, "DMA RAM -> edu");
		edu_dma(t, EDU_DMA_BUF, DMA_IOVA + half, EDU_DMA_TO_RAM, efd,
			"DMA edu -> RAM");
		dma_compare(t, buf, buf + half, EDU_DMA_XFER);
		check(t, !buf[half + EDU_DMA_XFER],
		      "DMA wrote past the %d bytes asked", EDU_DMA_XFER);
	}
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	check_ok(t, vfio_dma_unmap(t->d, DMA_IOVA, DMA_LEN),
		 "unmapping IOVA 0x%llx", DMA_IOVA);
out:
	fd_close(&efd);
	vfio_dma_buf_free(buf, DMA_LEN);
}
