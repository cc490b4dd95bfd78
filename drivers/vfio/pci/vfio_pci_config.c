// SPDX-License-Identifier: GPL-2.0-only
/*
 * Config-space emulation: the view of a device's config space that
 * userspace gets through the config region of the device fd.
 */

#include <kunit/visibility.h>
#include <linux/bits.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "vfio_pci_private.h"

/**
 * DOC: config-space emulation
 *
 * Every dword of the standard header has a &struct vfio_pci_cfg_dword that
 * says, bit by bit, where a read comes from and where a write goes:
 *
 * - bits in @virt read from the virtual image, the others from the device;
 * - bits in @wr_virt are written into the image, bits in @wr_hw to the
 *   device, every other bit ignores writes;
 * - bits in @rw1c are write-1-to-clear bits of the device that userspace
 *   may not clear (never in @wr_hw): they are written 0 whenever their
 *   dword is written, so writing back what was read leaves them set.
 *   Write-1-to-clear bits userspace may clear are plain @wr_hw bits.
 *
 * Accesses are split into naturally aligned pieces of 1, 2 or 4 bytes and
 * each piece touches the device only with its own width, so a byte written
 * to the command register never rewrites the status register next to it.
 *
 * BARs and the ROM BAR live only in the image. After each write their
 * value is masked to the size of the resource, so that writing all ones
 * and reading back sizes the BAR as on real hardware, and an
 * unimplemented BAR reads 0.
 *
 * Past the standard header, the capability that owns a dword gives its rule
 * (vfio_pci_caps.c); space no capability owns reads the device and ignores
 * writes.
 */

#define CFG_HEADER_DWORDS	(PCI_STD_HEADER_SIZEOF / 4)

/**
 * enum vfio_pci_decode - effect of a config write on memory decode
 * @VFIO_PCI_DECODE_UNTOUCHED: the write cannot change it
 * @VFIO_PCI_DECODE_KEPT: the write may change it but asks for it on
 * @VFIO_PCI_DECODE_OFF: the write turns it off
 */
enum vfio_pci_decode {
	VFIO_PCI_DECODE_UNTOUCHED,
	VFIO_PCI_DECODE_KEPT,
	VFIO_PCI_DECODE_OFF,
};

#define CMD_PASSTHROUGH		(PCI_COMMAND_IO | PCI_COMMAND_MEMORY |	\
				 PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | \
				 PCI_COMMAND_SERR)
#define STATUS_RW1C		(PCI_STATUS_PARITY |			\
				 PCI_STATUS_SIG_TARGET_ABORT |		\
				 PCI_STATUS_REC_TARGET_ABORT |		\
				 PCI_STATUS_REC_MASTER_ABORT |		\
				 PCI_STATUS_SIG_SYSTEM_ERROR |		\
				 PCI_STATUS_DETECTED_PARITY)

static const struct vfio_pci_cfg_dword vfio_pci_header[CFG_HEADER_DWORDS] = {
	/* vendor and device ids */
	[PCI_VENDOR_ID / 4] = { .virt = ~0U },
	/* command passes the enables; INTx-disable belongs to the IRQ code */
	[PCI_COMMAND / 4] = {
		.virt = PCI_COMMAND_INTX_DISABLE | PCI_STATUS_CAP_LIST << 16,
		.wr_virt = PCI_COMMAND_INTX_DISABLE,
		.wr_hw = CMD_PASSTHROUGH | STATUS_RW1C << 16,
		.act_mask = PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE,
		.act = VFIO_PCI_ACT_COMMAND,
	},
	/* revision and class code */
	[PCI_CLASS_REVISION / 4] = { .virt = ~0U },
	/* cache line size and latency timer pass; header type is fixed */
	[PCI_CACHE_LINE_SIZE / 4] = {
		.virt = 0xff << 16,
		.wr_hw = 0xffff,
	},
	[PCI_BASE_ADDRESS_0 / 4] = { .virt = ~0U, .wr_virt = ~0U },
	[PCI_BASE_ADDRESS_1 / 4] = { .virt = ~0U, .wr_virt = ~0U },
	[PCI_BASE_ADDRESS_2 / 4] = { .virt = ~0U, .wr_virt = ~0U },
	[PCI_BASE_ADDRESS_3 / 4] = { .virt = ~0U, .wr_virt = ~0U },
	[PCI_BASE_ADDRESS_4 / 4] = { .virt = ~0U, .wr_virt = ~0U },
	[PCI_BASE_ADDRESS_5 / 4] = { .virt = ~0U, .wr_virt = ~0U },
	[PCI_CARDBUS_CIS / 4] = { .virt = ~0U },
	[PCI_SUBSYSTEM_VENDOR_ID / 4] = { .virt = ~0U },
	[PCI_ROM_ADDRESS / 4] = { .virt = ~0U, .wr_virt = ~0U },
	[PCI_CAPABILITY_LIST / 4] = { .virt = ~0U },
	[0x38 / 4] = { .virt = ~0U },
	/* interrupt line is scratch for the guest; the pin is fixed */
	[PCI_INTERRUPT_LINE / 4] = { .virt = ~0U, .wr_virt = 0xff },
};

/*
 * The command register of a function whose memory enable does nothing in
 * hardware (an SR-IOV VF, which decodes memory while its PF says so): the
 * bit is kept in the image so userspace reads back what it wrote.
 */
static const struct vfio_pci_cfg_dword vfio_pci_command_mem_virt = {
	.virt = PCI_COMMAND_INTX_DISABLE | PCI_COMMAND_MEMORY |
		PCI_STATUS_CAP_LIST << 16,
	.wr_virt = PCI_COMMAND_INTX_DISABLE | PCI_COMMAND_MEMORY,
	.wr_hw = (CMD_PASSTHROUGH & ~PCI_COMMAND_MEMORY) | STATUS_RW1C << 16,
	.act_mask = PCI_COMMAND_INTX_DISABLE,
	.act = VFIO_PCI_ACT_COMMAND,
};

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * vfio_pci_header_rules() - the rules of the standard header
 * @n: set to the number of dwords they cover
 *
 * For the KUnit check of the tables' consistency.
 *
 * Return: the table, one rule per dword.
 */
const struct vfio_pci_cfg_dword *
vfio_pci_header_rules(unsigned int *n)
{
	*n = ARRAY_SIZE(vfio_pci_header);
	return vfio_pci_header;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_pci_header_rules);
#endif

static const struct vfio_pci_cfg_dword *
cfg_rule(const struct vfio_pci_vconfig *vc, unsigned int off)
{
	if (off / 4 == PCI_COMMAND / 4 && vc->cmd_mem_virt)
		return &vfio_pci_command_mem_virt;
	if (off < PCI_STD_HEADER_SIZEOF)
		return &vfio_pci_header[off / 4];
	return vfio_pci_caps_rule(vc, off);
}

static u32 image_dword(const struct vfio_pci_vconfig *vc, unsigned int off)
{
	return get_unaligned_le32(vc->image + (off & ~3U));
}

static void set_image_dword(struct vfio_pci_vconfig *vc, unsigned int off,
			    u32 val)
{
	put_unaligned_le32(val, vc->image + (off & ~3U));
}

/* Bits of a dword covered by an access of @len bytes at @off. */
static u32 lane_mask(unsigned int off, unsigned int len)
{
	u32 bytes = len == 4 ? ~0U : BIT(len * 8) - 1;

	return bytes << ((off & 3) * 8);
}

/* Keep BARs and the ROM BAR within what their resources can decode. */
static void fixup_bars(struct vfio_pci_vconfig *vc, unsigned int off)
{
	unsigned int bar;
	u32 v;

	if (off >= PCI_BASE_ADDRESS_0 && off <= PCI_BASE_ADDRESS_5 + 3) {
		bar = (off - PCI_BASE_ADDRESS_0) / 4;
		v = image_dword(vc, off);
		set_image_dword(vc, off, (v & vc->bar_mask[bar]) |
				vc->bar_fixed[bar]);
	} else if (off >= PCI_ROM_ADDRESS && off <= PCI_ROM_ADDRESS + 3) {
		v = image_dword(vc, off);
		set_image_dword(vc, off, v & vc->rom_mask);
	}
}

/**
 * vfio_pci_vconfig_set_bar() - describe one BAR of the virtual config space
 * @vc: the virtual config space
 * @bar: BAR number, 0 to 5
 * @len: size of the resource, 0 when the BAR is unimplemented
 * @flags: IORESOURCE_* flags of the resource
 *
 * A 64-bit memory BAR also describes @bar + 1 as its upper half. The
 * image's current values are masked to the new layout.
 */
VISIBLE_IF_KUNIT void vfio_pci_vconfig_set_bar(struct vfio_pci_vconfig *vc,
					       unsigned int bar, u64 len,
					       unsigned long flags)
{
	bool is64 = flags & IORESOURCE_MEM_64;
	u64 addr_mask = ~(len - 1);
	u32 fixed;

	if (bar >= PCI_STD_NUM_BARS)
		return;
	if (!len || !(flags & (IORESOURCE_IO | IORESOURCE_MEM))) {
		vc->bar_mask[bar] = 0;
		vc->bar_fixed[bar] = 0;
	} else if (flags & IORESOURCE_IO) {
		vc->bar_mask[bar] = (u32)addr_mask & PCI_BASE_ADDRESS_IO_MASK;
		vc->bar_fixed[bar] = PCI_BASE_ADDRESS_SPACE_IO;
	} else {
		fixed = PCI_BASE_ADDRESS_SPACE_MEMORY;
		if (is64)
			fixed |= PCI_BASE_ADDRESS_MEM_TYPE_64;
		if (flags & IORESOURCE_PREFETCH)
			fixed |= PCI_BASE_ADDRESS_MEM_PREFETCH;
		vc->bar_mask[bar] = (u32)addr_mask & PCI_BASE_ADDRESS_MEM_MASK;
		vc->bar_fixed[bar] = fixed;
		if (is64 && bar + 1 < PCI_STD_NUM_BARS) {
			vc->bar_mask[bar + 1] = upper_32_bits(addr_mask);
			vc->bar_fixed[bar + 1] = 0;
			fixup_bars(vc, PCI_BASE_ADDRESS_0 + (bar + 1) * 4);
		}
	}
	fixup_bars(vc, PCI_BASE_ADDRESS_0 + bar * 4);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_pci_vconfig_set_bar);

/**
 * vfio_pci_vconfig_set_rom() - describe the expansion ROM BAR
 * @vc: the virtual config space
 * @len: size of the ROM resource, 0 when there is none
 */
VISIBLE_IF_KUNIT void vfio_pci_vconfig_set_rom(struct vfio_pci_vconfig *vc,
					       u64 len)
{
	vc->rom_mask = len ? ((u32)~(len - 1) & PCI_ROM_ADDRESS_MASK) |
			     PCI_ROM_ADDRESS_ENABLE : 0;
	fixup_bars(vc, PCI_ROM_ADDRESS);
}
EXPORT_SYMBOL_IF_KUNIT(vfio_pci_vconfig_set_rom);

/**
 * vfio_pci_vconfig_init() - snapshot a device's config space
 * @vc: the virtual config space to fill
 * @size: config space size of the device, 256 or 4096
 * @hw: accessors of the device
 * @hw_priv: argument for @hw
 *
 * The image starts as a copy of the device's config space. The caller then
 * describes the BARs with vfio_pci_vconfig_set_bar() and the ROM with
 * vfio_pci_vconfig_set_rom(), which keep the addresses the device holds
 * and mask them to the resources' sizes from then on.
 *
 * Return: 0, -EINVAL for a size that is not a config space size, -ENOMEM,
 * or the error of a failed read (nothing to undo then).
 */
VISIBLE_IF_KUNIT int vfio_pci_vconfig_init(struct vfio_pci_vconfig *vc,
					   unsigned int size,
					   const struct vfio_pci_cfg_hw *hw,
					   void *hw_priv)
{
	unsigned int off;
	u32 val;
	int ret;

	if (size != PCI_CFG_SPACE_SIZE && size != PCI_CFG_SPACE_EXP_SIZE)
		return -EINVAL;
	memset(vc, 0, sizeof(*vc));
	vc->image = kzalloc(size, GFP_KERNEL);
	if (!vc->image)
		return -ENOMEM;
	vc->size = size;
	vc->hw = hw;
	vc->hw_priv = hw_priv;
	for (off = 0; off < size; off += 4) {
		ret = hw->read(hw_priv, off, 4, &val);
		if (ret)
			goto err_free_image;
		set_image_dword(vc, off, val);
	}
	ret = vfio_pci_caps_init(vc);
	if (ret)
		goto err_free_caps;
	return 0;

err_free_caps:
	vfio_pci_caps_free(vc);
err_free_image:
	kfree(vc->image);
	vc->image = NULL;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_pci_vconfig_init);

/**
 * vfio_pci_vconfig_free() - release what vfio_pci_vconfig_init() made
 * @vc: the virtual config space; may be one whose init failed
 */
VISIBLE_IF_KUNIT void vfio_pci_vconfig_free(struct vfio_pci_vconfig *vc)
{
	vfio_pci_caps_free(vc);
	kfree(vc->image);
	vc->image = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_pci_vconfig_free);

static bool access_ok_cfg(const struct vfio_pci_vconfig *vc, unsigned int off,
			  unsigned int len)
{
	if (len != 1 && len != 2 && len != 4)
		return false;
	if (off & (len - 1))
		return false;
	return off < vc->size && len <= vc->size - off;
}

/**
 * vfio_pci_vconfig_read() - read config space as userspace sees it
 * @vc: the virtual config space
 * @off: offset, aligned to @len
 * @len: 1, 2 or 4
 * @val: the value read, in CPU order
 *
 * Return: 0, -EINVAL for a misaligned or out-of-range access, or the error
 * of the device read.
 */
VISIBLE_IF_KUNIT int vfio_pci_vconfig_read(struct vfio_pci_vconfig *vc,
					   unsigned int off, unsigned int len,
					   u32 *val)
{
	const struct vfio_pci_cfg_dword *rule;
	unsigned int shift = (off & 3) * 8;
	u32 lanes, hw = 0, v;
	int ret;

	if (!access_ok_cfg(vc, off, len))
		return -EINVAL;
	rule = cfg_rule(vc, off);
	lanes = lane_mask(off, len);
	if ((rule->virt & lanes) != lanes) {
		ret = vc->hw->read(vc->hw_priv, off, len, &hw);
		if (ret)
			return ret;
	}
	v = ((hw << shift) & ~rule->virt) | (image_dword(vc, off) & rule->virt);
	*val = (v & lanes) >> shift;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_pci_vconfig_read);

/**
 * vfio_pci_vconfig_write() - write config space as userspace sees it
 * @vc: the virtual config space
 * @off: offset, aligned to @len
 * @len: 1, 2 or 4
 * @val: the value to write, in CPU order
 *
 * Bits userspace may not write are ignored, as read-only bits are by
 * hardware; the write still succeeds. A write to a bit of the rule's
 * @act_mask then has the kernel carry out the rule's action (a power state
 * change, a reset, a VPD access) through @vc's &vfio_pci_cfg_hw.
 *
 * Return: 0, -EINVAL for a misaligned or out-of-range access, or the error
 * of the device access or of the action.
 */
VISIBLE_IF_KUNIT int vfio_pci_vconfig_write(struct vfio_pci_vconfig *vc,
					    unsigned int off, unsigned int len,
					    u32 val)
{
	const struct vfio_pci_cfg_dword *rule;
	unsigned int shift = (off & 3) * 8;
	u32 lanes, v, m, hw;
	int ret;

	if (!access_ok_cfg(vc, off, len))
		return -EINVAL;
	rule = cfg_rule(vc, off);
	lanes = lane_mask(off, len);
	v = (val << shift) & lanes;

	m = rule->wr_hw & lanes;
	if (m) {
		ret = vc->hw->read(vc->hw_priv, off, len, &hw);
		if (ret)
			return ret;
		hw = ((hw << shift) & ~(rule->wr_hw | rule->rw1c)) | (v & m);
		ret = vc->hw->write(vc->hw_priv, off, len, hw >> shift);
		if (ret)
			return ret;
	}

	m = rule->wr_virt & lanes;
	if (m) {
		set_image_dword(vc, off, (image_dword(vc, off) & ~m) | (v & m));
		fixup_bars(vc, off);
	}
	if (rule->act_mask & lanes)
		return vfio_pci_caps_act(vc, off, rule, v, lanes);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_pci_vconfig_write);

static int cfg_hw_read(void *priv, unsigned int off, unsigned int len,
		       u32 *val)
{
	struct vfio_pci_core_device *vdev = priv;
	struct pci_dev *pdev = vdev->pdev;
	u16 w;
	u8 b;
	int ret;

	switch (len) {
	case 1:
		ret = pci_user_read_config_byte(pdev, off, &b);
		*val = b;
		break;
	case 2:
		ret = pci_user_read_config_word(pdev, off, &w);
		*val = w;
		break;
	default:
		ret = pci_user_read_config_dword(pdev, off, val);
		break;
	}
	return pcibios_err_to_errno(ret);
}

static int cfg_hw_write(void *priv, unsigned int off, unsigned int len,
			u32 val)
{
	struct vfio_pci_core_device *vdev = priv;
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	switch (len) {
	case 1:
		ret = pci_user_write_config_byte(pdev, off, val);
		break;
	case 2:
		ret = pci_user_write_config_word(pdev, off, val);
		break;
	default:
		ret = pci_user_write_config_dword(pdev, off, val);
		break;
	}
	return pcibios_err_to_errno(ret);
}

/*
 * A device that loses its state in D3hot (No_Soft_Reset clear) gets it
 * back when it returns to D0, as it had it when it went down. A PF whose
 * VFs exist stays in D0 (see vfio_pci_sriov.c). memory_lock held.
 */
static int cfg_hw_set_power(void *priv, u8 state)
{
	struct vfio_pci_core_device *vdev = priv;
	struct pci_dev *pdev = vdev->pdev;
	/* PCI_D0 to PCI_D3hot are the values of the register field */
	pci_power_t target = (__force pci_power_t)state;
	int ret;

	if (target != PCI_D0 && vdev->sriov_hold_d0) {
		pci_info_ratelimited(pdev, "vfio: a PF with VFs stays in D0\n");
		return 0;
	}
	if (target == PCI_D3hot && !vdev->pm_saved) {
		pci_save_state(pdev);
		vdev->pm_saved = pci_store_saved_state(pdev);
	}
	ret = pci_set_power_state(pdev, target);
	if (ret || target != PCI_D0 || !vdev->pm_saved)
		return ret;
	if (!pci_load_and_free_saved_state(pdev, &vdev->pm_saved))
		pci_restore_state(pdev);
	return 0;
}

/* FLR written by userspace, from D0 with its state (see cfg_hw_set_power) */
static int cfg_hw_reset(void *priv)
{
	struct vfio_pci_core_device *vdev = priv;

	if (vdev->pdev->current_state != PCI_D0)
		cfg_hw_set_power(vdev, 0);
	return pci_try_reset_function(vdev->pdev);
}

/* Full TLPs at least: userspace cannot know the fabric's payload size. */
static void cfg_hw_set_readrq(void *priv, int bytes)
{
	struct vfio_pci_core_device *vdev = priv;

	pcie_set_readrq(vdev->pdev, max(bytes, pcie_get_mps(vdev->pdev)));
}

static int cfg_hw_vpd_read(void *priv, unsigned int addr, u32 *val)
{
	struct vfio_pci_core_device *vdev = priv;
	__le32 le;
	ssize_t ret;

	ret = pci_read_vpd(vdev->pdev, addr, sizeof(le), &le);
	if (ret < 0)
		return ret;
	if (ret != sizeof(le))
		return -EIO;
	*val = le32_to_cpu(le);
	return 0;
}

static int cfg_hw_vpd_write(void *priv, unsigned int addr, u32 val)
{
	struct vfio_pci_core_device *vdev = priv;
	__le32 le = cpu_to_le32(val);
	ssize_t ret;

	ret = pci_write_vpd(vdev->pdev, addr, sizeof(le), &le);
	if (ret < 0)
		return ret;
	return ret == sizeof(le) ? 0 : -EIO;
}

static void cfg_hw_intx_disable(void *priv, bool disable)
{
	vfio_pci_intx_user_disable(priv, disable);
}

static void cfg_hw_msi_limits(void *priv, bool *enabled, u8 *qmax)
{
	vfio_pci_msi_limits(priv, enabled, qmax);
}

static const struct vfio_pci_cfg_hw vfio_pci_cfg_pdev = {
	.read = cfg_hw_read,
	.write = cfg_hw_write,
	.set_power = cfg_hw_set_power,
	.reset = cfg_hw_reset,
	.set_readrq = cfg_hw_set_readrq,
	.vpd_read = cfg_hw_vpd_read,
	.vpd_write = cfg_hw_vpd_write,
	.intx_disable = cfg_hw_intx_disable,
	.msi_limits = cfg_hw_msi_limits,
};

/*
 * Build the view of an opening device. Called with the device set lock held,
 * before userspace can reach the config region.
 */
int vfio_pci_config_open(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_vconfig *vc;
	unsigned long flags;
	unsigned int bar;
	int ret;

	vc = kzalloc(sizeof(*vc), GFP_KERNEL);
	if (!vc)
		return -ENOMEM;
	ret = vfio_pci_vconfig_init(vc, pdev->cfg_size, &vfio_pci_cfg_pdev,
				    vdev);
	if (ret) {
		kfree(vc);
		return ret;
	}
	/* A VF's ids read as all ones; userspace needs the real ones. */
	if (pdev->is_virtfn) {
		put_unaligned_le16(pdev->vendor, vc->image + PCI_VENDOR_ID);
		put_unaligned_le16(pdev->device, vc->image + PCI_DEVICE_ID);
	}
	vc->cmd_mem_virt = pdev->no_command_memory;
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		flags = pci_resource_flags(pdev, bar);
		vfio_pci_vconfig_set_bar(vc, bar, pci_resource_len(pdev, bar),
					 flags);
		/* the next dword is this BAR's upper half, already described */
		if (flags & IORESOURCE_MEM_64)
			bar++;
	}
	vfio_pci_vconfig_set_rom(vc, pci_resource_len(pdev, PCI_ROM_RESOURCE));
	/* Without a routed interrupt there is no INTx to offer. */
	if (!vfio_pci_has_intx(pdev))
		vc->image[PCI_INTERRUPT_PIN] = 0;
	vdev->vconfig = vc;
	return 0;
}

/*
 * Tear down the view of a closing device, which the close has already
 * brought back to D0 (vfio_pci_config_wake()).
 */
void vfio_pci_config_close(struct vfio_pci_core_device *vdev)
{
	vfio_pci_vconfig_free(vdev->vconfig);
	kfree(vdev->vconfig);
	vdev->vconfig = NULL;
	kfree(vdev->pm_saved);
	vdev->pm_saved = NULL;
}

/**
 * vfio_pci_config_wake() - bring back to D0 a device userspace put in D3hot
 * @vdev: a device, open or not; memory_lock held for write
 *
 * For what needs the state the device had in D0: the runtime suspend, a
 * reset (which would otherwise save and restore the state of D3hot, and
 * leave the D0 state kept for the return unspent), the close, the
 * kernel's own accesses to BAR memory (vfio_pci_decode_lock_on()).
 * A device in D0 is left alone.
 */
void vfio_pci_config_wake(struct vfio_pci_core_device *vdev)
{
	lockdep_assert_held_write(&vdev->memory_lock);
	mutex_lock(&vdev->cfg_lock);
	if (vdev->pdev->current_state != PCI_D0)
		cfg_hw_set_power(vdev, 0);
	mutex_unlock(&vdev->cfg_lock);
}

/*
 * What a write would do to memory decode, told before it is made so that
 * mappings can be zapped while the device still decodes.
 */
static enum vfio_pci_decode
config_write_decode(const struct vfio_pci_vconfig *vc, unsigned int off,
		    unsigned int len, u32 val)
{
	const struct vfio_pci_cfg_dword *rule = cfg_rule(vc, off);
	u32 lanes = lane_mask(off, len);
	u32 v = (val << (off & 3) * 8) & lanes;

	if (!(rule->act_mask & lanes))
		return VFIO_PCI_DECODE_UNTOUCHED;
	switch (rule->act) {
	case VFIO_PCI_ACT_COMMAND:
		if (!(rule->act_mask & lanes & PCI_COMMAND_MEMORY))
			return VFIO_PCI_DECODE_UNTOUCHED;
		return v & PCI_COMMAND_MEMORY ? VFIO_PCI_DECODE_KEPT :
						VFIO_PCI_DECODE_OFF;
	case VFIO_PCI_ACT_POWER:
		return v & PCI_PM_CTRL_STATE_MASK ? VFIO_PCI_DECODE_OFF :
						    VFIO_PCI_DECODE_KEPT;
	case VFIO_PCI_ACT_EXP_DEVCTL:
		return v & PCI_EXP_DEVCTL_BCR_FLR ? VFIO_PCI_DECODE_OFF :
						    VFIO_PCI_DECODE_UNTOUCHED;
	case VFIO_PCI_ACT_AF_FLR:
		return v & rule->act_mask ? VFIO_PCI_DECODE_OFF :
					    VFIO_PCI_DECODE_UNTOUCHED;
	default:
		return VFIO_PCI_DECODE_UNTOUCHED;
	}
}

static int config_read_one(struct vfio_pci_core_device *vdev,
			   char __user *buf, unsigned int pos,
			   unsigned int len)
{
	__le32 le;
	u32 val;
	int ret;

	mutex_lock(&vdev->cfg_lock);
	ret = vfio_pci_vconfig_read(vdev->vconfig, pos, len, &val);
	mutex_unlock(&vdev->cfg_lock);
	if (ret)
		return ret;
	le = cpu_to_le32(val);
	return copy_to_user(buf, &le, len) ? -EFAULT : 0;
}

/*
 * A write that may change memory decode holds memory_lock for write, so no
 * BAR access runs while decode changes; one that turns it off zaps the
 * mappings before the device stops answering them.
 */
static int config_write_one(struct vfio_pci_core_device *vdev,
			    const char __user *buf, unsigned int pos,
			    unsigned int len)
{
	enum vfio_pci_decode decode;
	__le32 le = 0;
	u32 val;
	int ret;

	if (copy_from_user(&le, buf, len))
		return -EFAULT;
	val = le32_to_cpu(le);
	decode = config_write_decode(vdev->vconfig, pos, len, val);
	if (decode != VFIO_PCI_DECODE_UNTOUCHED)
		vfio_pci_decode_lock(vdev, decode == VFIO_PCI_DECODE_OFF);
	mutex_lock(&vdev->cfg_lock);
	ret = vfio_pci_vconfig_write(vdev->vconfig, pos, len, val);
	mutex_unlock(&vdev->cfg_lock);
	if (decode != VFIO_PCI_DECODE_UNTOUCHED)
		vfio_pci_decode_unlock(vdev);
	return ret;
}

/*
 * Read or write the config region. Returns the bytes done, or an error when
 * nothing was done. A transfer that does not fit in config space is refused
 * whole with -EFAULT, the answer vfio-pci userspace has always had.
 */
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t pos,
			   bool write)
{
	size_t done = 0;
	unsigned int len;
	int ret;

	if (pos < 0 || pos >= vdev->vconfig->size ||
	    count > vdev->vconfig->size - pos)
		return -EFAULT;
	while (done < count) {
		len = vfio_pci_chunk_len(pos + done, count - done);
		if (write)
			ret = config_write_one(vdev, buf + done, pos + done,
					       len);
		else
			ret = config_read_one(vdev, buf + done, pos + done,
					      len);
		if (ret)
			return done ? done : ret;
		done += len;
	}
	return done;
}
