// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_config_test, the all-ones write: all ones written to the BARs,
 * the ROM BAR and the command register size the BARs in the virtual view
 * and reach the device only as command enables and error reporting.
 */
#include "vfio_pci_config.h"

/* The header registers the all-ones test writes, in this order. */
static const struct {
	const char *name;
	unsigned int off;
	int size;
} ones_regs[] = {
	{ "BAR0", PCI_BASE_ADDRESS_0, 4 },
	{ "BAR1", PCI_BASE_ADDRESS_1, 4 },
	{ "BAR2", PCI_BASE_ADDRESS_2, 4 },
	{ "BAR3", PCI_BASE_ADDRESS_3, 4 },
	{ "BAR4", PCI_BASE_ADDRESS_4, 4 },
	{ "BAR5", PCI_BASE_ADDRESS_5, 4 },
	{ "ROM BAR", PCI_ROM_ADDRESS, 4 },
	{ "command", PCI_COMMAND, 2 },
};

#define ONES_ROM		6	/* index of the ROM BAR in ones_regs */
#define ONES_CMD		7	/* index of the command register */

/* What a write of all ones may change in the device's command register. */
#define CMD_MAY_CHANGE		(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
				 PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | \
				 PCI_COMMAND_SERR)

/* Command enables a device with these BARs takes from all ones. */
struct bar_use {
	bool io;
	bool mem;
};

/*
 * What the BARs (@want[0..5]) and the ROM BAR (@want[ONES_ROM]) read
 * after all ones were written to them, from the host's resources: the
 * size mask and the type bits; the upper half of a 64-bit BAR the upper
 * half of the mask; 0 for an unimplemented BAR.
 */
static bool sizing_masks(struct test_ctx *t, __u32 *want, struct bar_use *u)
{
	__u64 start, end, flags, mask;
	int i;

	memset(u, 0, sizeof(*u));
	for (i = 0; i <= ONES_ROM; i++) {
		if (check_ok(t, sysfs_resource(t->bdf, i, &start, &end, &flags),
			     "sysfs resource line %d", i))
			return false;
		want[i] = 0;
		if (!start && !end)
			continue;
		mask = ~(end - start);
		want[i] = (__u32)mask;
		if (i == ONES_ROM) {
			want[i] |= PCI_ROM_ADDRESS_ENABLE;
		} else if (flags & SYSFS_RES_IO) {
			want[i] |= PCI_BASE_ADDRESS_SPACE_IO;
			u->io = true;
		} else {
			u->mem = true;
			if (flags & SYSFS_RES_PREFETCH)
				want[i] |= PCI_BASE_ADDRESS_MEM_PREFETCH;
			if (flags & SYSFS_RES_MEM_64 && i < ONES_ROM - 1) {
				want[i] |= PCI_BASE_ADDRESS_MEM_TYPE_64;
				want[++i] = (__u32)(mask >> 32);
			}
		}
	}
	return true;
}

/* The BARs and the ROM BAR read their size masks. */
static void check_sizing(struct test_ctx *t, const __u32 *want)
{
	__u32 v;
	int i;

	for (i = 0; i <= ONES_ROM; i++)
		if (vread(t, ones_regs[i].off, 4, &v))
			check(t, v == want[i],
			      "%s reads 0x%08x after writing all ones, expected 0x%08x (from sysfs resource)",
			      ones_regs[i].name, v, want[i]);
}

/* Host bytes [@start, @end) did not change from @a to @b. */
static void check_host_same(struct test_ctx *t, const struct host_cfg *a,
			    const struct host_cfg *b, unsigned int start,
			    unsigned int end, const char *what)
{
	unsigned int off;

	for (off = start; off < end; off += 4)
		check(t, host_get(a, off, 4) == host_get(b, off, 4),
		      "host dword 0x%02x changed from 0x%08x to 0x%08x %s",
		      off, host_get(a, off, 4), host_get(b, off, 4), what);
}

/*
 * INTx disable is virtual, but while no interrupt is set up (as here) the
 * kernel's vfio-pci makes the device's bit follow the virtual one, so
 * that a device it does not serve cannot keep its INTx line asserted:
 * writing ones sets it on a device with an interrupt pin. Without a pin,
 * or on a VF (which has no INTx whatever its pin register says), the bit
 * means nothing: it may follow or stay, but never clear.
 */
static void check_intx_mirror(struct test_ctx *t, __u32 before, __u32 after,
			      bool pin)
{
	if (pin)
		check(t, after & PCI_COMMAND_INTX_DISABLE,
		      "INTX_DISABLE set in the virtual command register with no interrupt set up, but clear on the device (0x%04x)",
		      after);
	else
		check(t, !(before & ~after & PCI_COMMAND_INTX_DISABLE),
		      "writing 0xffff to the command register cleared INTX_DISABLE on the device (0x%04x -> 0x%04x)",
		      before, after);
}

/*
 * Only enables, error reporting and INTx disable reached the device's
 * command register, and each enable its BARs need is now set in
 * hardware.
 */
static void check_cmd_leak(struct test_ctx *t, __u32 before, __u32 after,
			   const struct bar_use *u, bool pin)
{
	__u32 need = PCI_COMMAND_MASTER, leaked;
	char names[128];

	/* a VF has no memory enable of its own: the PF's SR-IOV has it */
	if (u->mem && !is_vf(t))
		need |= PCI_COMMAND_MEMORY;
	if (u->io)
		need |= PCI_COMMAND_IO;
	vfio_diag("%s: host command 0x%04x before writing 0xffff, 0x%04x after",
		  t->name, before, after);
	leaked = (before ^ after) & ~CMD_MAY_CHANGE & ~PCI_COMMAND_INTX_DISABLE;
	check(t, !leaked,
	      "writing 0xffff to the command register leaked %s to the device (0x%04x -> 0x%04x)",
	      vfio_flags_str(names, sizeof(names), leaked, pci_command_names), before, after);
	check(t, (after & need) == need,
	      "writing 0xffff to the command register left %s clear on the device (0x%04x)",
	      vfio_flags_str(names, sizeof(names), need & ~after,
			     pci_command_names), after);
	check_intx_mirror(t, before, after, pin);
}

/* Write all ones to the registers, in table order. */
static bool write_ones(struct test_ctx *t)
{
	__u32 ones;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ones_regs); i++) {
		ones = ones_regs[i].size == 4 ? 0xffffffff : 0xffff;
		ret = vfio_cfg_write(t->d, ones_regs[i].off, ones_regs[i].size,
				     ones);
		if (check_ok(t, ret, "writing 0x%x to the %s (0x%02x)", ones,
			     ones_regs[i].name, ones_regs[i].off))
			return false;
	}
	return true;
}

/* Put back what userspace read before, and check it reads so again. */
static void restore_regs(struct test_ctx *t, const __u32 *saved)
{
	size_t i;
	__u32 v;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ones_regs); i++) {
		ret = vfio_cfg_write(t->d, ones_regs[i].off, ones_regs[i].size,
				     saved[i]);
		if (!check_ok(t, ret, "restoring the %s to 0x%x",
			      ones_regs[i].name, saved[i]) &&
		    vread(t, ones_regs[i].off, ones_regs[i].size, &v))
			check(t, v == saved[i],
			      "the %s reads 0x%x after restoring 0x%x",
			      ones_regs[i].name, v, saved[i]);
	}
}

/*
 * Writing all ones to the BARs, the ROM BAR and the command register
 * sizes the BARs in the virtual view and reaches the device only as
 * command enables and error reporting; putting the old values back
 * leaves the device's header as it was.
 */
void test_write_ones(struct test_ctx *t)
{
	static struct host_cfg before, after, restored;
	__u32 saved[ARRAY_SIZE(ones_regs)], want[ONES_ROM + 1];
	struct bar_use use;
	size_t i;

	if (!sizing_masks(t, want, &use) || !host_config(t, &before))
		return;
	for (i = 0; i < ARRAY_SIZE(ones_regs); i++)
		if (!vread(t, ones_regs[i].off, ones_regs[i].size, &saved[i]))
			return;

	if (write_ones(t)) {
		check_sizing(t, want);
		if (host_config(t, &after)) {
			check_host_same(t, &before, &after, PCI_BASE_ADDRESS_0,
					PCI_CARDBUS_CIS,
					"by all ones written to the BARs");
			check_host_same(t, &before, &after, PCI_ROM_ADDRESS,
					PCI_CAPABILITY_LIST,
					"by all ones written to the ROM BAR");
			check_cmd_leak(t, host_get(&before, PCI_COMMAND, 2),
				       host_get(&after, PCI_COMMAND, 2), &use,
				       before.b[PCI_INTERRUPT_PIN] && !is_vf(t));
		}
	}
	restore_regs(t, saved);
	if (!host_config(t, &restored))
		return;
	/* all but the status register (0x06), the device's to change */
	check_host_same(t, &before, &restored, PCI_VENDOR_ID, PCI_COMMAND,
			"after restoring the registers");
	check_host_same(t, &before, &restored, PCI_CLASS_REVISION,
			PCI_STD_HEADER_SIZEOF, "after restoring the registers");
	check(t, host_get(&before, PCI_COMMAND, 2) ==
	      host_get(&restored, PCI_COMMAND, 2),
	      "host command 0x%04x after restoring, 0x%04x before",
	      host_get(&restored, PCI_COMMAND, 2),
	      host_get(&before, PCI_COMMAND, 2));
}

