// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vfio_pci_caps suite of the vfio_pci_config_test module: the
 * capability chains, standard and extended, as userspace sees them over
 * the fake device, and the capability registers the kernel emulates or
 * carries out.
 */

#include <linux/unaligned.h>

#include "vfio_pci_fakedev_test.h"

/*
 * Capability chains. Each test lays a chain out in the fake device, then
 * builds the virtual config space over it with caps_open().
 */
static int caps_init(struct kunit *test)
{
	struct cfg_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	fakedev_put16(&ctx->dev, PCI_VENDOR_ID, 0x1b36);
	fakedev_put16(&ctx->dev, PCI_STATUS, PCI_STATUS_CAP_LIST);
	ctx->dev.cfg[PCI_CAPABILITY_LIST] = 0x40;
	test->priv = ctx;
	return 0;
}

static void caps_open(struct kunit *test, unsigned int size)
{
	struct cfg_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, 0,
			vfio_pci_vconfig_init(&ctx->vc, size, &fakedev_hw,
					      &ctx->dev));
}

/* A standard capability header: id and next pointer. */
static void cap(struct cfg_ctx *ctx, u8 pos, u8 id, u8 next, u16 flags)
{
	ctx->dev.cfg[pos] = id;
	ctx->dev.cfg[pos + 1] = next;
	fakedev_put16(&ctx->dev, pos + 2, flags);
}

/* An extended capability header: id, version 1, next pointer. */
static void ext(struct cfg_ctx *ctx, u16 pos, u16 id, u16 next)
{
	fakedev_put32(&ctx->dev, pos, id | 1 << 16 | next << 20);
}

static bool cap_list_bit(struct kunit *test)
{
	return fakedev_rd(test, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST;
}

static void chain_kept(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_PM, 0x50, 0);
	cap(ctx, 0x50, PCI_CAP_ID_MSI, 0x70,
	    PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
	cap(ctx, 0x70, PCI_CAP_ID_EXP, 0, 2);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0x40U, fakedev_rd(test, PCI_CAPABILITY_LIST, 1));
	KUNIT_EXPECT_EQ(test, 0x5001U, fakedev_rd(test, 0x40, 2));
	KUNIT_EXPECT_EQ(test, 0x7005U, fakedev_rd(test, 0x50, 2));
	KUNIT_EXPECT_EQ(test, 0x0010U, fakedev_rd(test, 0x70, 2));
	KUNIT_EXPECT_TRUE(test, cap_list_bit(test));
}

static void hidden_cap_skipped(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_PM, 0x48, 0);
	cap(ctx, 0x48, PCI_CAP_ID_DBG, 0x50, 0);
	cap(ctx, 0x50, PCI_CAP_ID_MSIX, 0, 0);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0x50U, fakedev_rd(test, 0x41, 1));
	/* the hidden header is the snapshot, and ignores writes */
	ctx->dev.cfg[0x48] = 0x77;
	KUNIT_EXPECT_EQ(test, (u32)PCI_CAP_ID_DBG, fakedev_rd(test, 0x48, 1));
	fakedev_wr(test, 0x48, 4, 0);
	KUNIT_EXPECT_EQ(test, (u32)PCI_CAP_ID_DBG, fakedev_rd(test, 0x48, 1));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void all_hidden_clears_cap_list(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_DBG, 0, 0);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0U, fakedev_rd(test, PCI_CAPABILITY_LIST, 1));
	KUNIT_EXPECT_FALSE(test, cap_list_bit(test));
}

static void loop_ends_chain(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_PM, 0x50, 0);
	cap(ctx, 0x50, PCI_CAP_ID_VNDR, 0x40, 8);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0x50U, fakedev_rd(test, 0x41, 1));
	KUNIT_EXPECT_EQ(test, 0U, fakedev_rd(test, 0x51, 1));
}

static void pointer_into_header(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ctx->dev.cfg[PCI_CAPABILITY_LIST] = 0x20;
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0U, fakedev_rd(test, PCI_CAPABILITY_LIST, 1));
	KUNIT_EXPECT_FALSE(test, cap_list_bit(test));
}

static void cap_past_end(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	/* 0xfe points at 0xfc, where an 8-byte PM capability cannot fit */
	cap(ctx, 0x40, PCI_CAP_ID_MSIX, 0xfe, 0);
	cap(ctx, 0xfc, PCI_CAP_ID_PM, 0, 0);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0U, fakedev_rd(test, 0x41, 1));
}

static void overlap_ends_chain(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_PM, 0x44, 0);
	cap(ctx, 0x44, PCI_CAP_ID_MSIX, 0, 0);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0U, fakedev_rd(test, 0x41, 1));
}

static void msi_emulated(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_MSI, 0,
	    PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	ctx->dev.msi_on = true;
	fakedev_wr(test, 0x40 + PCI_MSI_ADDRESS_LO, 4, 0xfee00000);
	fakedev_wr(test, 0x40 + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	KUNIT_EXPECT_EQ(test, 0xfee00000U,
			fakedev_rd(test, 0x40 + PCI_MSI_ADDRESS_LO, 4));
	KUNIT_EXPECT_EQ(test, (u32)(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_64BIT |
				    PCI_MSI_FLAGS_MASKBIT),
			fakedev_rd(test, 0x40 + PCI_MSI_FLAGS, 2));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
	/* pending bits are the device's */
	fakedev_put32(&ctx->dev, 0x40 + PCI_MSI_PENDING_64, 3);
	KUNIT_EXPECT_EQ(test, 3U,
			fakedev_rd(test, 0x40 + PCI_MSI_PENDING_64, 4));
	fakedev_wr(test, 0x40 + PCI_MSI_PENDING_64, 4, 0);
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

/* Enable only while SET_IRQS has MSI on; the queue size within its vectors. */
static void msi_flags_limited(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	unsigned int flags = 0x40 + PCI_MSI_FLAGS;

	cap(ctx, 0x40, PCI_CAP_ID_MSI, 0, 3 << 1);	/* 8 vectors */
	caps_open(test, PCI_CFG_SPACE_SIZE);
	fakedev_wr(test, flags, 2, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	KUNIT_EXPECT_EQ(test, 3U << 1, fakedev_rd(test, flags, 2));
	ctx->dev.msi_on = true;
	ctx->dev.msi_qmax = 2;
	fakedev_wr(test, flags, 2, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	KUNIT_EXPECT_EQ(test, (u32)(PCI_MSI_FLAGS_ENABLE | 2 << 4 | 3 << 1),
			fakedev_rd(test, flags, 2));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void msix_control_emulated(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_MSIX, 0, 4);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	fakedev_wr(test, 0x40 + PCI_MSIX_FLAGS, 2, 0xffff);
	KUNIT_EXPECT_EQ(test, (u32)(PCI_MSIX_FLAGS_ENABLE |
				    PCI_MSIX_FLAGS_MASKALL | 4),
			fakedev_rd(test, 0x40 + PCI_MSIX_FLAGS, 2));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void ext_hidden_first(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ext(ctx, 0x100, PCI_EXT_CAP_ID_SRIOV, 0x140);
	ext(ctx, 0x140, PCI_EXT_CAP_ID_ERR, 0x180);
	ext(ctx, 0x180, PCI_EXT_CAP_ID_ACS, 0);
	caps_open(test, PCI_CFG_SPACE_EXP_SIZE);
	KUNIT_EXPECT_EQ(test, 0x140U << 20, fakedev_rd(test, 0x100, 4));
	KUNIT_EXPECT_EQ(test, (u32)(PCI_EXT_CAP_ID_ERR | 1 << 16),
			fakedev_rd(test, 0x140, 4));
}

static void ext_aer_writable(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ext(ctx, 0x100, PCI_EXT_CAP_ID_ERR, 0);
	fakedev_put32(&ctx->dev, 0x100 + PCI_ERR_UNCOR_STATUS, 0x30);
	caps_open(test, PCI_CFG_SPACE_EXP_SIZE);
	fakedev_wr(test, 0x100 + PCI_ERR_UNCOR_MASK, 4, 0x1234);
	KUNIT_EXPECT_EQ(test, 0x1234U,
			get_unaligned_le32(ctx->dev.cfg + 0x100 + PCI_ERR_UNCOR_MASK));
	/* clearing one status bit writes only that bit */
	fakedev_wr(test, 0x100 + PCI_ERR_UNCOR_STATUS, 4, 0x10);
	KUNIT_EXPECT_EQ(test, 0x10U,
			get_unaligned_le32(ctx->dev.cfg + 0x100 + PCI_ERR_UNCOR_STATUS));
	/* the header is not writable */
	fakedev_wr(test, 0x100, 4, 0);
	KUNIT_EXPECT_EQ(test, (u32)(PCI_EXT_CAP_ID_ERR | 1 << 16),
			fakedev_rd(test, 0x100, 4));
}

static void ext_all_hidden(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ext(ctx, 0x100, PCI_EXT_CAP_ID_ACS, 0x140);
	ext(ctx, 0x140, PCI_EXT_CAP_ID_ATS, 0);
	caps_open(test, PCI_CFG_SPACE_EXP_SIZE);
	KUNIT_EXPECT_EQ(test, 0U, fakedev_rd(test, 0x100, 4));
}

static void ext_loop(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ext(ctx, 0x100, PCI_EXT_CAP_ID_ERR, 0x140);
	ext(ctx, 0x140, PCI_EXT_CAP_ID_DSN, 0x100);
	caps_open(test, PCI_CFG_SPACE_EXP_SIZE);
	KUNIT_EXPECT_EQ(test, 0x140U, fakedev_rd(test, 0x100, 4) >> 20);
	KUNIT_EXPECT_EQ(test, 0U, fakedev_rd(test, 0x140, 4) >> 20);
}

static void ext_next_below_0x100(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ext(ctx, 0x100, PCI_EXT_CAP_ID_DSN, 0x80);
	caps_open(test, PCI_CFG_SPACE_EXP_SIZE);
	KUNIT_EXPECT_EQ(test, (u32)(PCI_EXT_CAP_ID_DSN | 1 << 16),
			fakedev_rd(test, 0x100, 4));
}

/*
 * A vendor-specific capability in the last dword: its length field would
 * be past the end of config space, so the chain ends before it, with
 * nothing read there. The image here has a dword more, holding a length
 * that would fit: read, it would make the capability count.
 */
static void ext_vsec_at_end(struct kunit *test)
{
	struct vfio_pci_vconfig vc = { .size = PCI_CFG_SPACE_EXP_SIZE };
	u8 *img;

	img = kunit_kzalloc(test, PCI_CFG_SPACE_EXP_SIZE + 4, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, img);
	put_unaligned_le32(PCI_EXT_CAP_ID_ERR | 1 << 16 | 0xffc << 20,
			   img + 0x100);
	put_unaligned_le32(PCI_EXT_CAP_ID_VNDR | 1 << 16, img + 0xffc);
	put_unaligned_le32(4 << 20, img + PCI_CFG_SPACE_EXP_SIZE);
	vc.image = img;
	KUNIT_ASSERT_EQ(test, 0, vfio_pci_caps_init(&vc));
	KUNIT_EXPECT_EQ(test, 1U, vc.ncaps);
	KUNIT_EXPECT_EQ(test, 0U, vc.owner[0xffc / 4]);
	vfio_pci_caps_free(&vc);
}

static void pm_state_by_kernel(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	unsigned int pmcsr = 0x40 + PCI_PM_CTRL;

	cap(ctx, 0x40, PCI_CAP_ID_PM, 0, 3);
	ctx->dev.rw1c[pmcsr + 1] = PCI_PM_CTRL_PME_STATUS >> 8;
	fakedev_put16(&ctx->dev, pmcsr, PCI_PM_CTRL_PME_STATUS);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	fakedev_wr(test, pmcsr, 2, FAKE_D3HOT | PCI_PM_CTRL_PME_ENABLE);
	KUNIT_EXPECT_EQ(test, 1U, ctx->dev.power_calls);
	KUNIT_EXPECT_EQ(test, (u32)(FAKE_D3HOT | PCI_PM_CTRL_PME_ENABLE |
				    PCI_PM_CTRL_PME_STATUS),
			fakedev_rd(test, pmcsr, 2));
	/* PME status clears on one only; the state is not written raw */
	fakedev_wr(test, pmcsr, 2, PCI_PM_CTRL_PME_STATUS | FAKE_D3HOT);
	KUNIT_EXPECT_EQ(test, (u32)FAKE_D3HOT, fakedev_rd(test, pmcsr, 2));
	KUNIT_EXPECT_EQ(test, 2U, ctx->dev.power_calls);
	fakedev_wr(test, pmcsr + 1, 1, 0);
	KUNIT_EXPECT_EQ(test, 2U, ctx->dev.power_calls);
	KUNIT_EXPECT_EQ(test, (u32)FAKE_D3HOT, fakedev_rd(test, pmcsr, 2));
}

/*
 * A PCIe v2 endpoint at 0x40: device control 0x2810 (read requests of
 * 512 bytes, no snoop, relaxed ordering), two error bits in its status.
 */
static void exp_open(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	unsigned int sta = 0x40 + PCI_EXP_DEVSTA;

	cap(ctx, 0x40, PCI_CAP_ID_EXP, 0, 2);
	fakedev_put16(&ctx->dev, 0x40 + PCI_EXP_DEVCTL, 0x2810);
	fakedev_put16(&ctx->dev, sta, PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_URD);
	ctx->dev.rw1c[sta] = 0x0f;
	caps_open(test, PCI_CFG_SPACE_SIZE);
}

static void exp_devctl(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	unsigned int ctl = 0x40 + PCI_EXP_DEVCTL;
	u16 hw;

	exp_open(test);
	/* payload size emulated, relaxed ordering passes, phantom stays off */
	fakedev_wr(test, ctl, 2, 0x2810 | 0x20 | PCI_EXP_DEVCTL_RELAX_EN |
		   PCI_EXP_DEVCTL_PHANTOM);
	hw = get_unaligned_le16(ctx->dev.cfg + ctl);
	KUNIT_EXPECT_EQ(test, 0x2810 | PCI_EXP_DEVCTL_RELAX_EN, hw);
	KUNIT_EXPECT_EQ(test, (u32)(0x2810 | 0x20 | PCI_EXP_DEVCTL_RELAX_EN),
			fakedev_rd(test, ctl, 2));
	/* read request size goes through the kernel */
	KUNIT_EXPECT_EQ(test, 512, ctx->dev.readrq);
	fakedev_wr(test, ctl, 2, 0x1810);
	KUNIT_EXPECT_EQ(test, 256, ctx->dev.readrq);
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.resets);
}

static void exp_flr_and_status(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	unsigned int ctl = 0x40 + PCI_EXP_DEVCTL;

	exp_open(test);
	/* a dword write with the error bits set must not clear them */
	fakedev_wr(test, ctl, 4, 0x000f2810 | PCI_EXP_DEVCTL_BCR_FLR);
	KUNIT_EXPECT_EQ(test, 1U, ctx->dev.resets);
	KUNIT_EXPECT_EQ(test, 0x2810U, fakedev_rd(test, ctl, 2));
	KUNIT_EXPECT_EQ(test, (u32)(PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_URD),
			fakedev_rd(test, 0x40 + PCI_EXP_DEVSTA, 2));
	/* ARI forwarding is the host's; other control 2 bits pass */
	fakedev_wr(test, 0x40 + PCI_EXP_DEVCTL2, 2,
		   PCI_EXP_DEVCTL2_ARI | PCI_EXP_DEVCTL2_LTR_EN);
	KUNIT_EXPECT_EQ(test, (u32)PCI_EXP_DEVCTL2_LTR_EN,
			fakedev_rd(test, 0x40 + PCI_EXP_DEVCTL2, 2));
	/* link control is read-only */
	fakedev_wr(test, 0x40 + PCI_EXP_LNKCTL, 2, PCI_EXP_LNKCTL_LD);
	KUNIT_EXPECT_EQ(test, 0U, fakedev_rd(test, 0x40 + PCI_EXP_LNKCTL, 2));
}

static void af_flr(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_AF, 0,
	    PCI_CAP_AF_SIZEOF | (PCI_AF_CAP_FLR | PCI_AF_CAP_TP) << 8);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	fakedev_wr(test, 0x40 + PCI_AF_CTRL, 1, 0);
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.resets);
	fakedev_wr(test, 0x40 + PCI_AF_CTRL, 1, PCI_AF_CTRL_FLR);
	KUNIT_EXPECT_EQ(test, 1U, ctx->dev.resets);
	KUNIT_EXPECT_EQ(test, 0U, fakedev_rd(test, 0x40 + PCI_AF_CTRL, 1));
	KUNIT_EXPECT_EQ(test, (u32)(PCI_AF_CAP_FLR | PCI_AF_CAP_TP),
			fakedev_rd(test, 0x40 + PCI_AF_CAP, 1));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void vpd_through_kernel(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	unsigned int addr = 0x40 + PCI_VPD_ADDR, data = 0x40 + PCI_VPD_DATA;

	cap(ctx, 0x40, PCI_CAP_ID_VPD, 0, 0);
	put_unaligned_le32(0x78563412, ctx->dev.vpd + 4);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	fakedev_wr(test, addr, 2, 4);
	KUNIT_EXPECT_EQ(test, (u32)(4 | PCI_VPD_ADDR_F),
			fakedev_rd(test, addr, 2));
	KUNIT_EXPECT_EQ(test, 0x78563412U, fakedev_rd(test, data, 4));
	fakedev_wr(test, data, 4, 0xcafef00d);
	fakedev_wr(test, addr, 2, 8 | PCI_VPD_ADDR_F);
	KUNIT_EXPECT_EQ(test, 8U, fakedev_rd(test, addr, 2));
	KUNIT_EXPECT_EQ(test, 0xcafef00dU,
			get_unaligned_le32(ctx->dev.vpd + 8));
	/* an address the device refuses fails the write */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vfio_pci_vconfig_write(&ctx->vc, addr, 2, 0x7ff0));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void vf_memory_enable_emulated(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	caps_open(test, PCI_CFG_SPACE_SIZE);
	ctx->vc.cmd_mem_virt = true;
	fakedev_wr(test, PCI_COMMAND, 2,
		   PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	KUNIT_EXPECT_EQ(test, (u32)PCI_COMMAND_MASTER,
			get_unaligned_le16(ctx->dev.cfg + PCI_COMMAND));
	KUNIT_EXPECT_EQ(test, (u32)(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
			fakedev_rd(test, PCI_COMMAND, 2));
}

static struct kunit_case vfio_pci_caps_cases[] = {
	KUNIT_CASE(chain_kept),
	KUNIT_CASE(hidden_cap_skipped),
	KUNIT_CASE(all_hidden_clears_cap_list),
	KUNIT_CASE(loop_ends_chain),
	KUNIT_CASE(pointer_into_header),
	KUNIT_CASE(cap_past_end),
	KUNIT_CASE(overlap_ends_chain),
	KUNIT_CASE(msi_emulated),
	KUNIT_CASE(msi_flags_limited),
	KUNIT_CASE(msix_control_emulated),
	KUNIT_CASE(ext_hidden_first),
	KUNIT_CASE(ext_aer_writable),
	KUNIT_CASE(ext_all_hidden),
	KUNIT_CASE(ext_loop),
	KUNIT_CASE(ext_next_below_0x100),
	KUNIT_CASE(ext_vsec_at_end),
	KUNIT_CASE(pm_state_by_kernel),
	KUNIT_CASE(exp_devctl),
	KUNIT_CASE(exp_flr_and_status),
	KUNIT_CASE(af_flr),
	KUNIT_CASE(vpd_through_kernel),
	KUNIT_CASE(vf_memory_enable_emulated),
	{}
};

static struct kunit_suite vfio_pci_caps_suite = {
	.name = "vfio_pci_caps",
	.init = caps_init,
	.exit = fakedev_exit,
	.test_cases = vfio_pci_caps_cases,
};

kunit_test_suite(vfio_pci_caps_suite);
