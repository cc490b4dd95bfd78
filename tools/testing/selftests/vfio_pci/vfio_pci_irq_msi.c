// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_irq_test: the MSI and MSI-X capabilities as userspace sees
 * them, and MSI-X checks any device with it runs: its info, dynamic
 * growth, and its table written while the function is in D3hot.
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

/* ---- MSI config view ---- */

/* MSI flags word through the config region (user view) and sysfs (device) */
static __u16 msi_flags(struct test_ctx *t, int pos)
{
	__u32 v = 0;

	check_ok(t, vfio_cfg_read(t->d, pos + PCI_MSI_FLAGS, 2, &v),
		 "MSI flags read");
	return v;
}

static void msi_flags_write(struct test_ctx *t, int pos, __u16 v)
{
	check_ok(t, vfio_cfg_write(t->d, pos + PCI_MSI_FLAGS, 2, v),
		 "MSI flags write");
}

/*
 * The user's view of the MSI flags: the enable bit is the user's own,
 * not the kernel's. SET_IRQS turns MSI on in the device but the view keeps
 * the bit clear until the user writes it; a write of it sticks only while
 * SET_IRQS has MSI on, and then stays as written when SET_IRQS turns MSI
 * off. The queue size written is clamped to the vectors enabled.
 */
void msi_config_view(struct test_ctx *t)
{
	__u16 f, qsize_max = 7 << 4;
	int pos, efd;

	irq_fresh(t);
	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSI);
	if (check(t, pos > 0, "no MSI capability in config space (%d)", pos))
		return;
	efd = efd_open(t);
	if (efd < 0)
		return;

	f = msi_flags(t, pos);
	check(t, !(f & (PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE)) &&
	      1 << ((f & PCI_MSI_FLAGS_QMASK) >> 1) == irq_count(t, MSI, NULL),
	      "MSI flags 0x%04x before enabling: expected enable 0, QSIZE 0, QMASK of the vectors GET_IRQ_INFO reports",
	      f);
	if (!msi_on(t, efd))
		goto out;
	check(t, phys_cfg16(t, pos + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE,
	      "device's MSI enable is clear after SET_IRQS enabled MSI");
	f = msi_flags(t, pos);
	check(t, !(f & PCI_MSI_FLAGS_ENABLE),
	      "user view 0x%04x has MSI enable set by SET_IRQS alone", f);

	msi_flags_write(t, pos, f | PCI_MSI_FLAGS_ENABLE | qsize_max);
	f = msi_flags(t, pos);
	check(t, (f & PCI_MSI_FLAGS_ENABLE) && !(f & PCI_MSI_FLAGS_QSIZE),
	      "MSI flags 0x%04x after writing enable + QSIZE 7: expected enable 1, QSIZE 0",
	      f);
	if (dev_kind == DEV_EDU)
		msi_cycle(t, efd, -1, 1, "MSI after the user wrote enable");
	else
		loop_vector(t, MSI, &efd, 1, 0);

	set_ok(t, irq_disable(t->d, MSI), "MSI disable");
	check(t, !(phys_cfg16(t, pos + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE),
	      "device's MSI enable is set after SET_IRQS disabled MSI");
	f = msi_flags(t, pos);
	check(t, f & PCI_MSI_FLAGS_ENABLE,
	      "user view 0x%04x: enable no longer as the user wrote it", f);
	msi_flags_write(t, pos, f & ~PCI_MSI_FLAGS_ENABLE);
	msi_flags_write(t, pos, f | PCI_MSI_FLAGS_ENABLE);
	f = msi_flags(t, pos);
	check(t, !(f & PCI_MSI_FLAGS_ENABLE),
	      "MSI flags 0x%04x: the user set enable with MSI off", f);
	check(t, !(phys_cfg16(t, pos + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE),
	      "a user write turned the device's MSI on");
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fd_close(&efd);
}

/* ---- MSI-X (any device with MSI-X) ---- */

/* A dword of the device's own config space (sysfs). */
static __u32 phys_cfg32(struct test_ctx *t, unsigned int off)
{
	__u8 b[4] = { 0, 0, 0, 0 };

	check(t, sysfs_read(t->bdf, "config", b, 4, off) == 4,
	      "sysfs config read at 0x%x", off);
	return get_le(b, 4);
}

/*
 * GET_IRQ_INFO of MSI-X for any device: the count is the table size in
 * both the VFIO view and the device's capability; the flags are EVENTFD,
 * with NORESIZE unless the platform can add vectors to enabled MSI-X,
 * and never MASKABLE; the table and PBA are where the device has them,
 * and the table's BAR holds the whole table.
 */
void msix_info_any(struct test_ctx *t)
{
	struct vfio_region_info ri;
	__u32 flags = 0, v = 0, table = 0, bir;
	int n, pos, size, dsize, i;
	__u64 end;

	n = irq_count(t, MSIX, &flags);
	pos = vec_cap(t, MSIX);
	if (n <= 0 || pos <= 0)
		return;
	check_ok(t, vfio_cfg_read(t->d, pos + PCI_MSIX_FLAGS, 2, &v),
		 "MSI-X flags read");
	size = (v & PCI_MSIX_FLAGS_QSIZE) + 1;
	dsize = (phys_cfg16(t, pos + PCI_MSIX_FLAGS) &
		 PCI_MSIX_FLAGS_QSIZE) + 1;
	check(t, n == size && n == dsize,
	      "MSI-X count %d, table size %d in the VFIO view, %d in the device",
	      n, size, dsize);
	vfio_diag("%s: MSI-X: %d vector(s), flags 0x%x (%s)", t->name, n,
		  flags, flags & VFIO_IRQ_INFO_NORESIZE ? "NORESIZE" :
		  "resizable");
	check(t, (flags & ~VFIO_IRQ_INFO_NORESIZE) == VFIO_IRQ_INFO_EVENTFD,
	      "MSI-X flags 0x%x, expected EVENTFD, with or without NORESIZE",
	      flags);
	for (i = 0; i < 2; i++) {
		unsigned int off = pos + (i ? PCI_MSIX_PBA : PCI_MSIX_TABLE);
		__u32 dev = phys_cfg32(t, off);

		if (check_ok(t, vfio_cfg_read(t->d, off, 4, &v),
			     "MSI-X capability read at 0x%x", off))
			return;
		check(t, v == dev, "MSI-X %s dword 0x%08x, the device has 0x%08x",
		      i ? "PBA" : "table", v, dev);
		if (!i)
			table = v;
	}
	bir = table & PCI_MSIX_TABLE_BIR;
	if (check(t, bir <= 5, "MSI-X table in BAR%u", bir) ||
	    check_ok(t, vfio_region_info(t->d, VFIO_PCI_BAR0_REGION_INDEX + bir,
					 &ri), "region info of BAR%u", bir))
		return;
	end = (table & PCI_MSIX_TABLE_OFFSET) + (__u64)n * PCI_MSIX_ENTRY_SIZE;
	check(t, ri.size >= end,
	      "BAR%u has 0x%llx bytes, the MSI-X table ends at 0x%llx", bir,
	      (unsigned long long)ri.size, (unsigned long long)end);
}

static __u16 msix_view(struct test_ctx *t, int pos)
{
	__u32 v = 0;

	check_ok(t, vfio_cfg_read(t->d, pos + PCI_MSIX_FLAGS, 2, &v),
		 "MSI-X message control read");
	return v;
}

static void msix_view_write(struct test_ctx *t, int pos, __u16 v)
{
	check_ok(t, vfio_cfg_write(t->d, pos + PCI_MSIX_FLAGS, 2, v),
		 "MSI-X message control write of 0x%04x", v);
}

/* The device's enable and function mask bits must be @want. */
static void msix_dev_bits(struct test_ctx *t, int pos, __u16 want,
			  const char *when)
{
	const __u16 bits = PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;
	__u16 dev = phys_cfg16(t, pos + PCI_MSIX_FLAGS);

	check(t, (dev & bits) == want,
	      "%s: the device's MSI-X message control is 0x%04x, expected enable %d, function mask %d",
	      when, dev, !!(want & PCI_MSIX_FLAGS_ENABLE),
	      !!(want & PCI_MSIX_FLAGS_MASKALL));
}

/* The enable and function mask bits of the user's view must be @want. */
static void msix_view_bits(struct test_ctx *t, int pos, __u16 want,
			   const char *when)
{
	const __u16 bits = PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;
	__u16 v = msix_view(t, pos);

	check(t, (v & bits) == want,
	      "%s: MSI-X message control reads 0x%04x, expected enable %d, function mask %d",
	      when, v, !!(want & PCI_MSIX_FLAGS_ENABLE),
	      !!(want & PCI_MSIX_FLAGS_MASKALL));
}

/*
 * The MSI-X message control through the VFIO config region. SET_IRQS
 * alone turns MSI-X on and off in the device, and no user write of the
 * register reaches the device. What the user reads comes in two models:
 * the base tree's vfio-pci passes the register through read-only, so its
 * enable bit is the device's and follows SET_IRQS, while a driver may
 * emulate enable and function mask as the user's own bits (as both do
 * for MSI). The view after SET_IRQS enabled MSI-X tells the model, and the
 * rest of the test holds the driver to it; the table size never changes.
 */
void msix_config_view(struct test_ctx *t)
{
	const __u16 bits = PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;
	const __u16 on = PCI_MSIX_FLAGS_ENABLE;
	__u16 f0, f;
	bool passed;
	int pos, efd;

	irq_fresh(t);
	pos = vec_cap(t, MSIX);
	if (pos <= 0)
		return;
	efd = efd_open(t);
	if (efd < 0)
		return;
	f0 = msix_view(t, pos);
	check(t, !(f0 & bits),
	      "MSI-X message control 0x%04x before enabling: enable or function mask set",
	      f0);
	msix_dev_bits(t, pos, 0, "before enabling");
	if (!vec_on(t, MSIX, &efd, 1))
		goto out;
	msix_dev_bits(t, pos, on, "after SET_IRQS enabled MSI-X");
	f = msix_view(t, pos);
	passed = f & PCI_MSIX_FLAGS_ENABLE;
	vfio_diag("%s: MSI-X enable as the user reads it: %s", t->name,
		  passed ? "the device's (passed through)" :
		  "the user's own (emulated)");
	check(t, (f & ~bits) == (f0 & ~bits),
	      "MSI-X message control 0x%04x after enabling, 0x%04x before: more than enable changed",
	      f, f0);
	msix_view_bits(t, pos, passed ? on : 0, "after enabling");

	/* the user's writes: nothing reaches the device */
	msix_view_write(t, pos, f | bits);
	msix_dev_bits(t, pos, on, "after the user wrote enable + function mask");
	msix_view_bits(t, pos, passed ? on : bits,
		       "after the user wrote enable + function mask");
	loop_vector(t, MSIX, &efd, 1, 0);
	msix_view_write(t, pos, f & ~bits);
	msix_dev_bits(t, pos, on, "after the user cleared enable + function mask");
	msix_view_bits(t, pos, passed ? on : 0,
		       "after the user cleared enable + function mask");
	loop_vector(t, MSIX, &efd, 1, 0);

	set_ok(t, irq_disable(t->d, MSIX), "MSI-X disable");
	msix_dev_bits(t, pos, 0, "after SET_IRQS disabled MSI-X");
	msix_view_bits(t, pos, 0, "after SET_IRQS disabled MSI-X");
	msix_view_write(t, pos, f0 | on);
	msix_dev_bits(t, pos, 0, "after the user wrote enable with MSI-X off");
	msix_view_bits(t, pos, passed ? 0 : on,
		       "after the user wrote enable with MSI-X off");
	msix_view_write(t, pos, f0);
	msix_view_bits(t, pos, 0, "after the user wrote it back");
	check(t, msix_view(t, pos) == f0,
	      "MSI-X message control reads 0x%04x at the end, 0x%04x at the start",
	      msix_view(t, pos), f0);
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fd_close(&efd);
}

/*
 * Dynamic MSI-X by loopback: one vector enabled, then a trigger for the
 * next one. Without NORESIZE the kernel allocates it and it signals its
 * own eventfd, also after its trigger was removed and given again; with
 * NORESIZE it has no interrupt and the call is EINVAL. A loopback of a
 * vector without a trigger is accepted and signals nothing.
 */
void msix_dynamic_any(struct test_ctx *t)
{
	int fds[2] = { -1, -1 }, none = -1, pos, ret;
	__u32 flags = 0;

	irq_fresh(t);
	irq_count(t, MSIX, &flags);
	pos = vec_cap(t, MSIX);
	fds_open(t, fds, 2);
	if (t->fails || pos <= 0 || !vec_on(t, MSIX, fds, 1))
		goto out;
	loop_vector(t, MSIX, fds, 1, 0);
	set_ok(t, irq_none(t->d, MSIX, TRIGGER, 1, 1),
	       "loopback of vector 1, not enabled");
	expect_quiet(t, fds[1], "loopback of vector 1, not enabled");

	ret = irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, &fds[1]);
	if (flags & VFIO_IRQ_INFO_NORESIZE) {
		set_fails(t, ret, EINVAL, "MSI-X vector 1 beyond the 1 enabled");
		/* the control: enabled, vector 1 does signal its eventfd */
		set_ok(t, irq_disable(t->d, MSIX), "MSI-X disable");
		if (vec_on(t, MSIX, fds, 2))
			loop_vector(t, MSIX, fds, 2, 1);
		goto out;
	}
	if (set_ok(t, ret, "MSI-X vector 1 beyond the 1 enabled"))
		goto out;
	check(t, dev_vec_on(t, MSIX, pos),
	      "the device's MSI-X is off after a vector was added");
	loop_vector(t, MSIX, fds, 2, 1);
	loop_vector(t, MSIX, fds, 2, 0);
	set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, &none),
	       "MSI-X vector 1 fd -1");
	set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, &fds[1]),
	       "MSI-X vector 1 given its trigger again");
	loop_vector(t, MSIX, fds, 2, 1);
	set_ok(t, irq_disable(t->d, MSIX), "MSI-X disable");
	check(t, !dev_vec_on(t, MSIX, pos),
	      "the device's MSI-X is on after SET_IRQS disabled it");
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, 2);
}

/* values of the PMCSR power state field */
#define PSTATE_D0	0
#define PSTATE_D3HOT	3

/* The power state field of PMCSR, as the user reads it. */
static __u32 pstate(struct test_ctx *t, int pm)
{
	__u32 ctl = ~0u;

	check_ok(t, vfio_cfg_read(t->d, pm + PCI_PM_CTRL, 2, &ctl),
		 "PMCSR read");
	return ctl & PCI_PM_CTRL_STATE_MASK;
}

/* The user puts the function in D3hot: false when it did not get there. */
static bool user_d3hot(struct test_ctx *t, int pm, const char *before)
{
	__u32 ctl = ~0u;

	if (check_ok(t, vfio_cfg_read(t->d, pm + PCI_PM_CTRL, 2, &ctl),
		     "PMCSR read before %s", before) ||
	    check_ok(t, vfio_cfg_write(t->d, pm + PCI_PM_CTRL, 2,
				       (ctl & ~PCI_PM_CTRL_STATE_MASK) |
				       PSTATE_D3HOT),
		     "PMCSR D3hot before %s", before))
		return false;
	return !check(t, pstate(t, pm) == PSTATE_D3HOT,
		      "PMCSR does not read D3hot before %s", before);
}

/*
 * After a SET_IRQS in D3hot: the function is in D0 (the user's PMCSR and
 * the kernel's power_state) with the command register it had.
 */
static void woken(struct test_ctx *t, int pm, __u16 cmd, const char *what)
{
	char st[16] = "";
	ssize_t n = sysfs_read(t->bdf, "power_state", st, sizeof(st) - 1, 0);

	st[n > 0 ? n : 0] = 0;
	check(t, pstate(t, pm) == PSTATE_D0,
	      "PMCSR reads D%u after %s: the MSI-X table was written in D3hot",
	      pstate(t, pm), what);
	check(t, !strncmp(st, "D0", 2), "power_state \"%.5s\" after %s",
	      st, what);
	check(t, (phys_cfg16(t, PCI_COMMAND) & cmd) == cmd,
	      "the function's COMMAND 0x%04x after %s lost 0x%04x",
	      phys_cfg16(t, PCI_COMMAND), what, cmd);
}

/*
 * MSI-X vectors cleared and set, and MSI-X disabled, while the user has
 * the function in D3hot, where it decodes no memory: the kernel writes
 * the MSI-X table (in a BAR) only after bringing the function back to D0
 * with its state, where it then stays, and a vector set so fires.
 */
void msix_d3hot_any(struct test_ctx *t)
{
	const __u16 cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	int pm = vfio_cfg_find_cap(t->d, PCI_CAP_ID_PM);
	int fds[2] = { -1, -1 }, none = -1, pos;

	if (pm <= 0) {
		t->skip = "no PM capability: no D3hot";
		return;
	}
	irq_fresh(t);
	pos = vec_cap(t, MSIX);
	fds_open(t, fds, 2);
	if (t->fails || pos <= 0 || !vec_on(t, MSIX, fds, 1) ||
	    cmd_update(t, cmd, 0))
		goto out;
	if (!user_d3hot(t, pm, "clearing vector 0"))
		goto out;
	set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 0, 1, &none),
	       "MSI-X vector 0 fd -1 in D3hot");
	woken(t, pm, cmd, "clearing vector 0 in D3hot");
	if (!user_d3hot(t, pm, "setting vector 0"))
		goto out;
	set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 0, 1, &fds[1]),
	       "MSI-X vector 0 given a trigger in D3hot");
	woken(t, pm, cmd, "setting vector 0 in D3hot");
	loop_vector(t, MSIX, &fds[1], 1, 0);
	if (!user_d3hot(t, pm, "disabling MSI-X"))
		goto out;
	set_ok(t, irq_disable(t->d, MSIX), "MSI-X disable in D3hot");
	woken(t, pm, cmd, "disabling MSI-X in D3hot");
	check(t, !dev_vec_on(t, MSIX, pos),
	      "the device's MSI-X is on after SET_IRQS disabled it in D3hot");
out:
	if (pm > 0 && pstate(t, pm) != PSTATE_D0)
		vfio_cfg_write(t->d, pm + PCI_PM_CTRL, 2, PSTATE_D0);
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, 2);
}

