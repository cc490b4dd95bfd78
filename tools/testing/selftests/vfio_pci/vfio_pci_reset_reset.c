// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_reset_test: VFIO_DEVICE_RESET: the reset flag, the reset itself and what it
 * does to the device's state, mappings, config space and power state.
 */
#include "vfio_pci_reset.h"

/* ---- the tests: VFIO_DEVICE_RESET ---- */

/*
 * GET_INFO offers VFIO_DEVICE_FLAGS_RESET on edu (a bus reset: it is
 * alone behind its root port), e1000e (a PM reset) and the nvme PF and
 * VF (FLR), and on any function exactly when the kernel has a reset
 * method for it (sysfs reset_method): not on the root bus's ivshmem and
 * pci-testdev.
 */
void test_reset_flag(struct test_ctx *t)
{
	bool flagged = reset_flagged(t);

	if (dev_kind != DEV_OTHER)
		check(t, flagged, "GET_INFO lacks VFIO_DEVICE_FLAGS_RESET");
	check(t, flagged == has_reset_method,
	      "VFIO_DEVICE_FLAGS_RESET is %s, but the function %s a reset method",
	      flagged ? "set" : "clear", has_reset_method ? "has" : "lacks");
}

/*
 * VFIO_DEVICE_RESET succeeds, twice in a row, when GET_INFO offers it and
 * is EINVAL when it does not; the device answers afterwards.
 */
void test_reset(struct test_ctx *t)
{
	if (!reset_flagged(t)) {
		expect(t, device_reset(t->d), -EINVAL,
		       "VFIO_DEVICE_RESET without VFIO_DEVICE_FLAGS_RESET");
		check_alive(t, "a refused reset");
		return;
	}
	expect(t, device_reset(t->d), 0, "VFIO_DEVICE_RESET");
	check_alive(t, "VFIO_DEVICE_RESET");
	expect(t, device_reset(t->d), 0, "a second VFIO_DEVICE_RESET");
	check_alive(t, "a second VFIO_DEVICE_RESET");
}

/*
 * VFIO_DEVICE_RESET resets the device: the nvme PF's FLR returns CC to
 * 0. edu (QEMU gives it no reset handler) and e1000e (its reset is a PM
 * D3hot-D0 cycle, which QEMU 7.2 ignores) keep their registers working;
 * the values they keep are only reported.
 */
void test_reset_state(struct test_ctx *t)
{
	const struct state_reg *r = need_state(t);

	if (!r)
		return;
	state_set(t, r);
	if (!expect(t, device_reset(t->d), 0, "VFIO_DEVICE_RESET"))
		return;
	state_check(t, r, true, "VFIO_DEVICE_RESET");
	check_alive(t, "VFIO_DEVICE_RESET");
}

/*
 * The page faults taken by one read through the mapping @p: none while
 * its page is mapped, one or more once the mapping was zapped. False when
 * the read raised SIGBUS (*@faults then unset).
 */
static bool touch_faults(__u8 *p, long *faults)
{
	struct rusage r0, r1;
	__u32 v;
	bool ok;

	getrusage(RUSAGE_THREAD, &r0);
	ok = vfio_load32(p, &v);
	getrusage(RUSAGE_THREAD, &r1);
	*faults = r1.ru_minflt + r1.ru_majflt - r0.ru_minflt - r0.ru_majflt;
	return ok;
}

/*
 * VFIO_DEVICE_RESET zaps the BAR mappings: under QEMU a stale mapping
 * would still read the device, so the zap is seen in the page faults the
 * next read takes. A read of a mapped page takes none (the control); the
 * first read after the reset must take one.
 */
static void reset_zaps(struct test_ctx *t, __u8 *p)
{
	long faults;

	if (check(t, touch_faults(p, &faults),
		  "a read through the BAR0 mapping raised SIGBUS"))
		return;
	if (check(t, touch_faults(p, &faults) && faults == 0,
		  "a second read through the mapped page took %ld page faults, expected 0",
		  faults))
		return;
	if (!expect(t, device_reset(t->d), 0, "VFIO_DEVICE_RESET"))
		return;
	faults = 0;
	check(t, touch_faults(p, &faults) && faults > 0,
	      "the first read after VFIO_DEVICE_RESET took no page fault: the mapping was not zapped");
}

/*
 * Initiate Function Level Reset written to PCIe device control through
 * the fd resets the function when it has FLR (the nvme PF: CC returns to
 * 0); the bit always reads 0 and the device answers afterwards.
 */
void test_reset_flr(struct test_ctx *t)
{
	const struct state_reg *r;
	__u32 cap = 0, ctl;
	int pos;

	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_EXP);
	if (pos <= 0) {
		t->skip = "no PCI Express capability";
		return;
	}
	if (check_ok(t, vfio_cfg_read(t->d, pos + PCI_EXP_DEVCAP, 4, &cap),
		     "reading PCIe device capabilities"))
		return;
	if (!(cap & PCI_EXP_DEVCAP_FLR)) {
		t->skip = "the function has no FLR";
		return;
	}
	r = need_state(t);
	if (!r)
		return;
	state_set(t, r);
	ctl = cfg_read16(t, pos + PCI_EXP_DEVCTL);
	if (check_ok(t, vfio_cfg_write(t->d, pos + PCI_EXP_DEVCTL, 2,
				       ctl | PCI_EXP_DEVCTL_BCR_FLR),
		     "writing Initiate FLR to device control"))
		return;
	ctl = cfg_read16(t, pos + PCI_EXP_DEVCTL);
	check(t, !(ctl & PCI_EXP_DEVCTL_BCR_FLR),
	      "device control reads 0x%04x after an FLR: Initiate FLR set",
	      ctl);
	state_check(t, r, true, "an FLR through device control");
	check_alive(t, "an FLR through device control");
}

/* values of the PMCSR power state field */
#define PSTATE_D0	0
#define PSTATE_D3HOT	3

/* Write the power state field of the PM capability at @pm. */
static int set_pstate(struct test_ctx *t, int pm, __u32 state)
{
	__u32 ctl = cfg_read16(t, pm + PCI_PM_CTRL);

	return vfio_cfg_write(t->d, pm + PCI_PM_CTRL, 2,
			      (ctl & ~PCI_PM_CTRL_STATE_MASK) | state);
}

/* FLR through PCIe device control: 0, or -ENOTTY without FLR. */
static int devctl_flr(struct test_ctx *t)
{
	int pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_EXP);
	__u32 cap = 0;

	if (pos <= 0 || vfio_cfg_read(t->d, pos + PCI_EXP_DEVCAP, 4, &cap) ||
	    !(cap & PCI_EXP_DEVCAP_FLR))
		return -ENOTTY;
	return vfio_cfg_write(t->d, pos + PCI_EXP_DEVCTL, 2,
			      cfg_read16(t, pos + PCI_EXP_DEVCTL) |
			      PCI_EXP_DEVCTL_BCR_FLR);
}

/*
 * One reset of a function userspace put in D3hot: the reset brings it to
 * D0 through the path that gives it back its D0 state, and that state is
 * spent. A later D3hot and D0 then bring back the command register
 * written after the reset, not the one from before it.
 */
static void reset_in_d3hot(struct test_ctx *t, int pm, const char *how,
			   int (*reset)(struct test_ctx *t))
{
	const __u32 before = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	const __u32 after = PCI_COMMAND_MEMORY;
	__u32 hw;
	int ret;

	cmd_write(t, before);
	if (check_ok(t, set_pstate(t, pm, PSTATE_D3HOT), "D3hot before %s", how))
		return;
	ret = reset(t);
	if (ret == -ENOTTY) {
		vfio_diag("%s: no %s", t->name, how);
		set_pstate(t, pm, PSTATE_D0);
		return;
	}
	if (check_ok(t, ret, "%s in D3hot", how))
		return;
	check(t, (cfg_read16(t, pm + PCI_PM_CTRL) & PCI_PM_CTRL_STATE_MASK) ==
	      PSTATE_D0, "not in D0 after %s", how);
	cmd_write(t, after);
	check_ok(t, set_pstate(t, pm, PSTATE_D3HOT), "D3hot after %s", how);
	check_ok(t, set_pstate(t, pm, PSTATE_D0), "D0 after %s", how);
	hw = phys_cfg16(t, PCI_COMMAND) & before;
	check(t, hw == after,
	      "%s in D3hot: D3hot and D0 after it gave COMMAND 0x%04x, written 0x%04x",
	      how, hw, after);
	check_alive(t, how);
}

static int ioctl_reset(struct test_ctx *t)
{
	return device_reset(t->d);
}

/* VFIO_DEVICE_RESET and FLR through device control, each from D3hot. */
void test_reset_d3hot(struct test_ctx *t)
{
	int pm = vfio_cfg_find_cap(t->d, PCI_CAP_ID_PM);

	if (pm <= 0) {
		t->skip = "no PM capability: no D3hot";
		return;
	}
	if (!reset_flagged(t)) {
		t->skip = "GET_INFO offers no VFIO_DEVICE_RESET";
		return;
	}
	reset_in_d3hot(t, pm, "VFIO_DEVICE_RESET", ioctl_reset);
	reset_in_d3hot(t, pm, "FLR through device control", devctl_flr);
}

/*
 * A mapping of BAR0 made before the reset works after it: the reset
 * takes the pages away and the next access faults them back in.
 */
void test_reset_mmap(struct test_ctx *t)
{
	__u8 *p;

	if (!reset_flagged(t)) {
		t->skip = "GET_INFO offers no VFIO_DEVICE_RESET";
		return;
	}
	p = map_bar0(t);
	if (!p) {
		if (!t->fails)
			t->skip = "BAR0 offers no mmap of a page";
		return;
	}
	check_mapping(t, p, "mapping");
	if (expect(t, device_reset(t->d), 0, "VFIO_DEVICE_RESET"))
		check_mapping(t, p, "VFIO_DEVICE_RESET");
	reset_zaps(t, p);
	unmap_bar0(t, p);
}

/*
 * Reset with the command register as the user set it: @cmd, which must
 * read back the same after the reset, in the user's view and on the
 * function itself (bus master and memory enable); the BARs are restored.
 */
static void reset_with_cmd(struct test_ctx *t, __u32 cmd)
{
	const __u32 phys_bits = PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	__u32 bar0, phys_bar0, got, phys;

	cmd_write(t, cmd);
	cmd = cfg_read16(t, PCI_COMMAND);
	phys = phys_cfg16(t, PCI_COMMAND);
	bar0 = 0;
	check_ok(t, vfio_cfg_read(t->d, PCI_BASE_ADDRESS_0, 4, &bar0),
		 "BAR0 register read");
	phys_bar0 = phys_cfg32(t, PCI_BASE_ADDRESS_0);
	if (!expect(t, device_reset(t->d), 0, "VFIO_DEVICE_RESET"))
		return;

	got = cfg_read16(t, PCI_COMMAND);
	check(t, got == cmd,
	      "command register 0x%04x before the reset, 0x%04x after", cmd,
	      got);
	got = phys_cfg16(t, PCI_COMMAND);
	check(t, (got & phys_bits) == (phys & phys_bits),
	      "the function's command register 0x%04x before the reset, 0x%04x after",
	      phys, got);
	got = 0;
	check_ok(t, vfio_cfg_read(t->d, PCI_BASE_ADDRESS_0, 4, &got),
		 "BAR0 register read");
	check(t, got == bar0, "BAR0 register 0x%08x before the reset, 0x%08x after",
	      bar0, got);
	got = phys_cfg32(t, PCI_BASE_ADDRESS_0);
	check(t, got == phys_bar0,
	      "the function's BAR0 0x%08x before the reset, 0x%08x after",
	      phys_bar0, got);
}

/*
 * Config space the user wrote survives VFIO_DEVICE_RESET: bus master set
 * or clear and memory enable stay as they were, and so do the BARs; with
 * memory left disabled over the reset, enabling it after brings the
 * device back.
 */
void test_reset_config(struct test_ctx *t)
{
	__u32 cmd;

	if (!reset_flagged(t)) {
		t->skip = "GET_INFO offers no VFIO_DEVICE_RESET";
		return;
	}
	cmd = cfg_read16(t, PCI_COMMAND);
	reset_with_cmd(t, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	reset_with_cmd(t, (cmd | PCI_COMMAND_MEMORY) & ~PCI_COMMAND_MASTER);
	reset_with_cmd(t, cmd & ~(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	cmd_write(t, cmd | PCI_COMMAND_MEMORY);
	check_alive(t, "a reset with memory disabled");
	cmd_write(t, cmd);
}

