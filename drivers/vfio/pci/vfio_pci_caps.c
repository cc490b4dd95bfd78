// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capability chains of the virtual config space: which capabilities
 * userspace sees, how long each one is, and the access rules of each of
 * their dwords.
 */

#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/slab.h>
#include <linux/unaligned.h>

#include "vfio_pci_private.h"

/**
 * DOC: capability chains
 *
 * When the virtual config space is built, both chains are walked once over
 * the image, never over the device, so a device that changes its pointers
 * later cannot change what was validated. Each capability found gets the
 * dwords it covers recorded in &vfio_pci_vconfig.owner; a capability that
 * points below its region, past the end of config space, back into one
 * already seen, or that would run past the end or over another one, ends
 * the chain there.
 *
 * Capabilities this file has a &struct vfio_pci_cap_type for are exposed;
 * the others are hidden: the pointer that led to one is rewritten in the
 * image to skip it, and its header reads as the snapshot taken at open.
 * The extended chain must start at 0x100: when the capability there is
 * hidden, its header reads as a null capability (id 0, version 0) whose
 * next pointer leads to the first exposed one.
 *
 * Extended capabilities are hidden when the host owns what they control
 * (SR-IOV, ATS, PRI, PASID, ACS, resizable BARs, link and power policy)
 * or when nothing here emulates them.
 */

/*
 * Rules shared by several capabilities, as initializers so tables can be
 * built from them.
 *
 * CAP_HDR: standard header, id and next pointer are the image's.
 * EXT_HDR: extended header, id, version and next pointer are the image's.
 * DEV_RW: a device register userspace may write.
 * DEV_RW1C: a device status register of write-1-to-clear bits userspace
 *	may clear, which makes it a DEV_RW.
 */
#define CAP_HDR		{ .virt = 0xffff }
#define EXT_HDR		{ .virt = ~0U }
#define DEV_RW		{ .wr_hw = ~0U }
#define DEV_RW1C	DEV_RW

/* Emulated data userspace may write freely, never reaching the device. */
static const struct vfio_pci_cfg_dword all_virt = {
	.virt = ~0U,
	.wr_virt = ~0U,
};

/* The device's value; writes ignored. */
static const struct vfio_pci_cfg_dword dev_ro;

/* Frozen at open: the rule for hidden capabilities. */
static const struct vfio_pci_cfg_dword frozen = { .virt = ~0U };

static const struct vfio_pci_cfg_dword hdr_only[] = { CAP_HDR };

/*
 * MSI: enable and queue size are the user's, within what SET_IRQS set up
 * (enable only while MSI is on, no more vectors than it was given); the
 * kernel programs the device.
 */
#define MSI_USER_FLAGS	((PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE) << 16)

static const struct vfio_pci_cfg_dword msi_hdr = {
	.virt = ~0U,
	.wr_virt = MSI_USER_FLAGS,
	.act_mask = MSI_USER_FLAGS,
	.act = VFIO_PCI_ACT_MSI,
};

static unsigned int msi_size(const u8 *image, unsigned int pos,
			     unsigned int end)
{
	u16 flags = get_unaligned_le16(image + pos + PCI_MSI_FLAGS);
	unsigned int size = PCI_MSI_DATA_32 + 2;

	if (flags & PCI_MSI_FLAGS_64BIT)
		size += 4;
	if (flags & PCI_MSI_FLAGS_MASKBIT)
		size += 10;
	return size;
}

/* Address, data and mask are emulated; pending bits are the device's. */
static const struct vfio_pci_cfg_dword *
msi_rule(const u8 *image, unsigned int pos, unsigned int idx)
{
	u16 flags = get_unaligned_le16(image + pos + PCI_MSI_FLAGS);

	if (!idx)
		return &msi_hdr;
	if ((flags & PCI_MSI_FLAGS_MASKBIT) &&
	    idx == msi_size(image, pos, PCI_CFG_SPACE_SIZE) / 4 - 1)
		return &dev_ro;
	return &all_virt;
}

/* MSI-X: enable and function mask are the user's; the table is the BAR's. */
static const struct vfio_pci_cfg_dword msix_dwords[] = {
	{
		.virt = 0xffff | (PCI_MSIX_FLAGS_ENABLE |
				  PCI_MSIX_FLAGS_MASKALL) << 16,
		.wr_virt = (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) << 16,
	},
};

/*
 * PM: the kernel carries out power state changes (pci_set_power_state()
 * with its delays and state restore); PME enable, data select and PME
 * status (write-1-to-clear) are the device's.
 */
static const struct vfio_pci_cfg_dword pm_dwords[] = {
	CAP_HDR,
	{
		.wr_hw = PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_DATA_SEL_MASK |
			 PCI_PM_CTRL_PME_STATUS,
		.act_mask = PCI_PM_CTRL_STATE_MASK,
		.act = VFIO_PCI_ACT_POWER,
	},
};

/*
 * PCIe device control: max payload size is emulated (only a view of the
 * whole fabric can choose it), the read request size is set by the kernel
 * with the payload size as its floor, FLR resets the function through the
 * kernel, phantom functions would let the device use requester ids of
 * other functions and stay off. The other enables are the device's. The
 * device status error bits stay for the host's AER handling.
 */
#define EXP_DEVCTL_VIRT	(PCI_EXP_DEVCTL_PAYLOAD | PCI_EXP_DEVCTL_READRQ)
#define EXP_DEVSTA_RW1C	(PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |	\
			 PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD)

static const struct vfio_pci_cfg_dword exp_dwords[] = {
	[0] = CAP_HDR,
	[PCI_EXP_DEVCTL / 4] = {
		.virt = EXP_DEVCTL_VIRT | PCI_EXP_DEVCTL_BCR_FLR,
		.wr_virt = EXP_DEVCTL_VIRT,
		.wr_hw = 0xffff & ~(EXP_DEVCTL_VIRT | PCI_EXP_DEVCTL_BCR_FLR |
				    PCI_EXP_DEVCTL_PHANTOM),
		.rw1c = EXP_DEVSTA_RW1C << 16,
		.act_mask = PCI_EXP_DEVCTL_BCR_FLR | PCI_EXP_DEVCTL_READRQ,
		.act = VFIO_PCI_ACT_EXP_DEVCTL,
	},
	/* ARI forwarding belongs to the port above, set up by the host */
	[PCI_EXP_DEVCTL2 / 4] = {
		.wr_hw = 0xffff & ~PCI_EXP_DEVCTL2_ARI,
	},
};

/* AF: FLR through the kernel, reads 0; the rest is read-only. */
static const struct vfio_pci_cfg_dword af_dwords[] = {
	CAP_HDR,
	{
		.virt = PCI_AF_CTRL_FLR,
		.act_mask = PCI_AF_CTRL_FLR,
		.act = VFIO_PCI_ACT_AF_FLR,
	},
};

/*
 * VPD: address and data are emulated; writing the address starts a read
 * or (with the flag set) a write that the PCI core carries out at once,
 * so the flag reads as completed right away.
 */
static const struct vfio_pci_cfg_dword vpd_dwords[] = {
	{
		.virt = ~0U,
		.wr_virt = 0xffff0000,
		.act_mask = 0xffff0000,
		.act = VFIO_PCI_ACT_VPD,
	},
	{ .virt = ~0U, .wr_virt = ~0U },
};

/* Functions userspace can own are endpoints; integrated ones have no link. */
static unsigned int exp_size(const u8 *image, unsigned int pos,
			     unsigned int end)
{
	u16 flags = get_unaligned_le16(image + pos + PCI_EXP_FLAGS);
	bool v2 = (flags & PCI_EXP_FLAGS_VERS) > 1;

	if (FIELD_GET(PCI_EXP_FLAGS_TYPE, flags) == PCI_EXP_TYPE_RC_END)
		return v2 ? PCI_CAP_EXP_RC_ENDPOINT_SIZEOF_V2 :
			    PCI_CAP_EXP_RC_ENDPOINT_SIZEOF_V1;
	return v2 ? PCI_CAP_EXP_ENDPOINT_SIZEOF_V2 :
		    PCI_CAP_EXP_ENDPOINT_SIZEOF_V1;
}

static unsigned int vndr_size(const u8 *image, unsigned int pos,
			      unsigned int end)
{
	return image[pos + PCI_CAP_FLAGS];
}

/* AER: status bits clear on one, masks and severity are the user's. */
static const struct vfio_pci_cfg_dword aer_dwords[] = {
	EXT_HDR,
	DEV_RW1C,	/* PCI_ERR_UNCOR_STATUS */
	DEV_RW,		/* PCI_ERR_UNCOR_MASK */
	DEV_RW,		/* PCI_ERR_UNCOR_SEVER */
	DEV_RW1C,	/* PCI_ERR_COR_STATUS */
	DEV_RW,		/* PCI_ERR_COR_MASK */
};

static const struct vfio_pci_cfg_dword ext_hdr_only[] = { EXT_HDR };

/*
 * Vendor-specific and designated vendor-specific: length in the vendor
 * header after the capability header, which may lie past the end of
 * config space (a capability at 0xffc); then the size is 0, which ends
 * the chain.
 */
static unsigned int vsec_size(const u8 *image, unsigned int pos,
			      unsigned int end)
{
	if (end - pos < PCI_VNDR_HEADER + 4)
		return 0;
	return PCI_VNDR_HEADER_LEN(get_unaligned_le32(image + pos +
						      PCI_VNDR_HEADER));
}

/* Exposed standard capabilities. */
static const struct vfio_pci_cap_type std_caps[] = {
	{ .id = PCI_CAP_ID_PM, .size = PCI_PM_SIZEOF,
	  .dwords = pm_dwords, .ndwords = ARRAY_SIZE(pm_dwords) },
	{ .id = PCI_CAP_ID_MSI, .size_fn = msi_size, .rule_fn = msi_rule },
	{ .id = PCI_CAP_ID_MSIX, .size = PCI_CAP_MSIX_SIZEOF,
	  .dwords = msix_dwords, .ndwords = ARRAY_SIZE(msix_dwords) },
	{ .id = PCI_CAP_ID_EXP, .size_fn = exp_size,
	  .dwords = exp_dwords, .ndwords = ARRAY_SIZE(exp_dwords) },
	{ .id = PCI_CAP_ID_AF, .size = PCI_CAP_AF_SIZEOF,
	  .dwords = af_dwords, .ndwords = ARRAY_SIZE(af_dwords) },
	{ .id = PCI_CAP_ID_VPD, .size = PCI_CAP_VPD_SIZEOF,
	  .dwords = vpd_dwords, .ndwords = ARRAY_SIZE(vpd_dwords) },
	{ .id = PCI_CAP_ID_VNDR, .size_fn = vndr_size,
	  .dwords = hdr_only, .ndwords = ARRAY_SIZE(hdr_only) },
};

/* Exposed extended capabilities; all others are hidden. */
static const struct vfio_pci_cap_type ext_caps[] = {
	{ .id = PCI_EXT_CAP_ID_ERR, .size = PCI_ERR_ROOT_COMMAND,
	  .dwords = aer_dwords, .ndwords = ARRAY_SIZE(aer_dwords) },
	{ .id = PCI_EXT_CAP_ID_DSN, .size = PCI_EXT_CAP_DSN_SIZEOF,
	  .dwords = ext_hdr_only, .ndwords = ARRAY_SIZE(ext_hdr_only) },
	{ .id = PCI_EXT_CAP_ID_PWR, .size = PCI_EXT_CAP_PWR_SIZEOF,
	  .dwords = ext_hdr_only, .ndwords = ARRAY_SIZE(ext_hdr_only) },
	{ .id = PCI_EXT_CAP_ID_ARI, .size = PCI_EXT_CAP_ARI_SIZEOF,
	  .dwords = ext_hdr_only, .ndwords = ARRAY_SIZE(ext_hdr_only) },
	{ .id = PCI_EXT_CAP_ID_VNDR, .size_fn = vsec_size,
	  .dwords = ext_hdr_only, .ndwords = ARRAY_SIZE(ext_hdr_only) },
	{ .id = PCI_EXT_CAP_ID_DVSEC, .size_fn = vsec_size,
	  .dwords = ext_hdr_only, .ndwords = ARRAY_SIZE(ext_hdr_only) },
};

static const struct vfio_pci_cap_type *
find_type(const struct vfio_pci_cap_type *types, unsigned int n, u16 id)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (types[i].id == id)
			return &types[i];
	return NULL;
}

static unsigned int type_size(const struct vfio_pci_cap_type *type,
			      const struct vfio_pci_vconfig *vc, unsigned int pos)
{
	return type->size_fn ? type->size_fn(vc->image, pos, vc->size) :
			       type->size;
}

/*
 * Room for every capability a conventional chain can hold, and a bound for
 * both chains together that no real device comes near; past it the chain
 * ends. &vfio_pci_vconfig.owner counts them in a u8.
 */
#define MAX_STD_CAPS	((PCI_CFG_SPACE_SIZE - PCI_STD_HEADER_SIZEOF) / 4)
#define MAX_CAPS	U8_MAX

/*
 * Record a capability over [@pos, @pos + @size) if that space lies in
 * [@lo, @hi) and nobody owns any of it. Returns false when the chain must
 * end here.
 */
static bool claim(struct vfio_pci_vconfig *vc, unsigned int pos,
		  unsigned int size, unsigned int lo, unsigned int hi,
		  const struct vfio_pci_cap_type *type)
{
	unsigned int d;

	if (pos < lo || pos & 3 || size < 2 || size > hi - pos ||
	    vc->ncaps >= vc->max_caps)
		return false;
	for (d = pos / 4; d < DIV_ROUND_UP(pos + size, 4); d++)
		if (vc->owner[d])
			return false;
	vc->caps[vc->ncaps] = (struct vfio_pci_cap){
		.type = type, .start = pos, .size = size,
	};
	vc->ncaps++;
	for (d = pos / 4; d < DIV_ROUND_UP(pos + size, 4); d++)
		vc->owner[d] = vc->ncaps;
	return true;
}

static void walk_std(struct vfio_pci_vconfig *vc)
{
	const struct vfio_pci_cap_type *type;
	unsigned int link = PCI_CAPABILITY_LIST, pos, size;
	u8 *img = vc->image;

	pos = img[PCI_CAPABILITY_LIST] & ~3;
	while (pos) {
		type = pos >= PCI_STD_HEADER_SIZEOF && pos <= 0xfc ?
		       find_type(std_caps, ARRAY_SIZE(std_caps), img[pos]) :
		       NULL;
		size = type ? type_size(type, vc, pos) : 4;
		if (!claim(vc, pos, size, PCI_STD_HEADER_SIZEOF,
			   PCI_CFG_SPACE_SIZE, type))
			break;
		if (type) {
			img[link] = pos;
			link = pos + PCI_CAP_LIST_NEXT;
		}
		pos = img[pos + PCI_CAP_LIST_NEXT] & ~3;
	}
	img[link] = 0;
	if (!img[PCI_CAPABILITY_LIST])
		img[PCI_STATUS] &= ~PCI_STATUS_CAP_LIST;
}

static void set_ext_next(u8 *img, unsigned int pos, unsigned int next)
{
	u32 hdr = get_unaligned_le32(img + pos);

	put_unaligned_le32((hdr & 0x000fffff) | next << 20, img + pos);
}

static void walk_ext(struct vfio_pci_vconfig *vc)
{
	const struct vfio_pci_cap_type *type;
	unsigned int link = 0, pos = PCI_CFG_SPACE_SIZE, size;
	u8 *img = vc->image;
	u32 hdr;

	hdr = get_unaligned_le32(img + pos);
	if (!hdr || hdr == ~0U)
		return;
	while (pos) {
		hdr = get_unaligned_le32(img + pos);
		type = find_type(ext_caps, ARRAY_SIZE(ext_caps),
				 PCI_EXT_CAP_ID(hdr));
		size = type ? type_size(type, vc, pos) : 4;
		if (!claim(vc, pos, size, PCI_CFG_SPACE_SIZE, vc->size, type))
			break;
		if (type) {
			if (link)
				set_ext_next(img, link, pos);
			else if (pos != PCI_CFG_SPACE_SIZE)
				/* 0x100 is hidden: a null header leads on */
				put_unaligned_le32(pos << 20,
						   img + PCI_CFG_SPACE_SIZE);
			link = pos;
		}
		pos = PCI_EXT_CAP_NEXT(hdr);
	}
	if (link)
		set_ext_next(img, link, 0);
	else
		put_unaligned_le32(0, img + PCI_CFG_SPACE_SIZE);
}

/**
 * vfio_pci_caps_init() - find the capabilities of a virtual config space
 * @vc: a virtual config space whose image holds the device's snapshot
 *
 * Walks both chains of the image, records who owns each dword and rewrites
 * the chains so they lead only to exposed capabilities. Undone by
 * vfio_pci_caps_free(), also after a failure.
 *
 * Return: 0 or -ENOMEM.
 */
int vfio_pci_caps_init(struct vfio_pci_vconfig *vc)
{
	vc->ncaps = 0;
	vc->max_caps = vc->size > PCI_CFG_SPACE_SIZE ? MAX_CAPS : MAX_STD_CAPS;
	vc->owner = kcalloc(vc->size / 4, sizeof(*vc->owner), GFP_KERNEL);
	vc->caps = kcalloc(vc->max_caps, sizeof(*vc->caps), GFP_KERNEL);
	if (!vc->owner || !vc->caps)
		return -ENOMEM;
	walk_std(vc);
	if (vc->size > PCI_CFG_SPACE_SIZE)
		walk_ext(vc);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_pci_caps_init);

/**
 * vfio_pci_caps_free() - release what vfio_pci_caps_init() allocated
 * @vc: the virtual config space
 */
void vfio_pci_caps_free(struct vfio_pci_vconfig *vc)
{
	kfree(vc->caps);
	vc->caps = NULL;
	kfree(vc->owner);
	vc->owner = NULL;
	vc->ncaps = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_pci_caps_free);

/**
 * vfio_pci_caps_rule() - access rule of a dword past the standard header
 * @vc: the virtual config space
 * @off: offset of the dword, at least %PCI_STD_HEADER_SIZEOF
 *
 * Return: the rule of the capability that owns the dword, the frozen rule
 * of a hidden one, or read-only device access for unowned space.
 */
const struct vfio_pci_cfg_dword *
vfio_pci_caps_rule(const struct vfio_pci_vconfig *vc, unsigned int off)
{
	const struct vfio_pci_cap *cap;
	unsigned int idx;

	if (!vc->owner || !vc->owner[off / 4])
		return &dev_ro;
	cap = &vc->caps[vc->owner[off / 4] - 1];
	if (!cap->type)
		return &frozen;
	idx = (off - cap->start) / 4;
	if (cap->type->rule_fn)
		return cap->type->rule_fn(vc->image, cap->start, idx);
	return idx < cap->type->ndwords ? &cap->type->dwords[idx] : &dev_ro;
}

/* Start the VPD access the address write asked for, complete it at once. */
static int act_vpd(struct vfio_pci_vconfig *vc, unsigned int pos)
{
	u16 addr = get_unaligned_le16(vc->image + pos + PCI_VPD_ADDR);
	u8 *data = vc->image + pos + PCI_VPD_DATA;
	u32 val;
	int ret;

	if (!vc->hw->vpd_read || !vc->hw->vpd_write)
		return -ENODEV;
	if (addr & PCI_VPD_ADDR_F) {
		ret = vc->hw->vpd_write(vc->hw_priv, addr & PCI_VPD_ADDR_MASK,
					get_unaligned_le32(data));
		addr &= ~PCI_VPD_ADDR_F;
	} else {
		ret = vc->hw->vpd_read(vc->hw_priv, addr & PCI_VPD_ADDR_MASK,
				       &val);
		if (!ret)
			put_unaligned_le32(val, data);
		addr |= PCI_VPD_ADDR_F;
	}
	if (!ret)
		put_unaligned_le16(addr, vc->image + pos + PCI_VPD_ADDR);
	return ret;
}

static int act_msi(struct vfio_pci_vconfig *vc, unsigned int off)
{
	u8 *image = vc->image + (off & ~3U) + PCI_MSI_FLAGS;
	u16 flags = get_unaligned_le16(image);
	bool enabled = false;
	u8 qmax = 0;

	if (vc->hw->msi_limits)
		vc->hw->msi_limits(vc->hw_priv, &enabled, &qmax);
	if (!enabled)
		flags &= ~PCI_MSI_FLAGS_ENABLE;
	if (FIELD_GET(PCI_MSI_FLAGS_QSIZE, flags) > qmax)
		flags = (flags & ~PCI_MSI_FLAGS_QSIZE) |
			FIELD_PREP(PCI_MSI_FLAGS_QSIZE, qmax);
	put_unaligned_le16(flags, image);
	return 0;
}

static int act_reset(struct vfio_pci_vconfig *vc)
{
	return vc->hw->reset ? vc->hw->reset(vc->hw_priv) : -ENOTTY;
}

static int act_exp_devctl(struct vfio_pci_vconfig *vc, unsigned int off,
			  u32 val, u32 lanes)
{
	u16 ctl = get_unaligned_le16(vc->image + (off & ~3U));

	if (val & lanes & PCI_EXP_DEVCTL_BCR_FLR)
		return act_reset(vc);
	if ((lanes & PCI_EXP_DEVCTL_READRQ) && vc->hw->set_readrq)
		vc->hw->set_readrq(vc->hw_priv,
				   128 << FIELD_GET(PCI_EXP_DEVCTL_READRQ, ctl));
	return 0;
}

/**
 * vfio_pci_caps_act() - carry out the action of a config write
 * @vc: the virtual config space, already updated with the write
 * @off: offset of the write
 * @rule: the rule of the dword written, whose @act_mask the write covered
 * @val: the value written, in the dword's bit positions
 * @lanes: the bits of the dword the write covered
 *
 * Memory enable needs nothing more: the bit went to the device with the
 * write, and the caller follows decode (vfio_pci_decode_unlock()). The
 * virtual INTx-disable bit masks or unmasks the INTx line.
 *
 * Return: 0, or the error of the action, which the write returns.
 */
int vfio_pci_caps_act(struct vfio_pci_vconfig *vc, unsigned int off,
		      const struct vfio_pci_cfg_dword *rule, u32 val, u32 lanes)
{
	switch (rule->act) {
	case VFIO_PCI_ACT_COMMAND:
		if ((lanes & PCI_COMMAND_INTX_DISABLE) && vc->hw->intx_disable)
			vc->hw->intx_disable(vc->hw_priv,
					     val & PCI_COMMAND_INTX_DISABLE);
		return 0;
	case VFIO_PCI_ACT_POWER:
		if (!vc->hw->set_power)
			return -ENODEV;
		return vc->hw->set_power(vc->hw_priv,
					 val & PCI_PM_CTRL_STATE_MASK);
	case VFIO_PCI_ACT_EXP_DEVCTL:
		return act_exp_devctl(vc, off, val, lanes);
	case VFIO_PCI_ACT_AF_FLR:
		return val & rule->act_mask ? act_reset(vc) : 0;
	case VFIO_PCI_ACT_MSI:
		return act_msi(vc, off);
	case VFIO_PCI_ACT_VPD:
		/* only VPD rules act on VPD: the dword is a capability's */
		return act_vpd(vc, vc->caps[vc->owner[off / 4] - 1].start);
	default:
		return 0;
	}
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * vfio_pci_caps_types() - the capability types userspace may see
 * @ext: the extended ones; otherwise the standard ones
 * @n: set to the number of entries
 *
 * For the KUnit check of the tables' consistency.
 *
 * Return: the table.
 */
const struct vfio_pci_cap_type *
vfio_pci_caps_types(bool ext, unsigned int *n)
{
	*n = ext ? ARRAY_SIZE(ext_caps) : ARRAY_SIZE(std_caps);
	return ext ? ext_caps : std_caps;
}
EXPORT_SYMBOL_IF_KUNIT(vfio_pci_caps_types);
#endif
