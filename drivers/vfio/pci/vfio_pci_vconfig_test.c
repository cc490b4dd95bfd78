// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vfio_pci_config suite of the vfio_pci_config_test module: the
 * config header as userspace sees it over the fake device (IDs, BAR and
 * ROM sizing, command and status, interrupt line and pin), the accesses
 * it refuses, the helpers that cut accesses up, and the consistency of
 * the access rule tables.
 */

#include <linux/unaligned.h>

#include "vfio_pci_fakedev_test.h"

/* A type 0 header like QEMU's edu: 1 MiB 32-bit BAR0, INTx pin A. */
static int cfg_init(struct kunit *test)
{
	struct cfg_ctx *ctx;
	struct fake_dev *fd;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	fd = &ctx->dev;
	fakedev_put16(fd, PCI_VENDOR_ID, 0x1234);
	fakedev_put16(fd, PCI_DEVICE_ID, 0x11e8);
	fakedev_put16(fd, PCI_COMMAND, PCI_COMMAND_MEMORY);
	fakedev_put16(fd, PCI_STATUS,
		      PCI_STATUS_CAP_LIST | PCI_STATUS_REC_MASTER_ABORT);
	fd->rw1c[PCI_STATUS + 1] = 0xff;
	fakedev_put32(fd, PCI_CLASS_REVISION, 0x00ff0010);
	fakedev_put32(fd, PCI_BASE_ADDRESS_0, 0xfea00000);
	fd->cfg[PCI_CAPABILITY_LIST] = 0x40;
	fd->cfg[PCI_INTERRUPT_LINE] = 10;
	fd->cfg[PCI_INTERRUPT_PIN] = 1;
	KUNIT_ASSERT_EQ(test, 0,
			vfio_pci_vconfig_init(&ctx->vc, PCI_CFG_SPACE_SIZE,
					      &fakedev_hw, fd));
	vfio_pci_vconfig_set_bar(&ctx->vc, 0, SZ_1M, IORESOURCE_MEM);
	test->priv = ctx;
	return 0;
}

static void ids_read_only(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	fakedev_wr(test, PCI_VENDOR_ID, 4, 0);
	fakedev_wr(test, PCI_CLASS_REVISION, 4, 0);
	KUNIT_EXPECT_EQ(test, 0x11e81234U, fakedev_rd(test, PCI_VENDOR_ID, 4));
	KUNIT_EXPECT_EQ(test, 0x11e8U, fakedev_rd(test, PCI_DEVICE_ID, 2));
	KUNIT_EXPECT_EQ(test, 0x12U, fakedev_rd(test, PCI_VENDOR_ID + 1, 1));
	KUNIT_EXPECT_EQ(test, 0x00ff0010U,
			fakedev_rd(test, PCI_CLASS_REVISION, 4));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void bar_sizing_32(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0xfea00000U,
			fakedev_rd(test, PCI_BASE_ADDRESS_0, 4));
	fakedev_wr(test, PCI_BASE_ADDRESS_0, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0xfff00000U,
			fakedev_rd(test, PCI_BASE_ADDRESS_0, 4));
	fakedev_wr(test, PCI_BASE_ADDRESS_0, 4, 0x12345678);
	KUNIT_EXPECT_EQ(test, 0x12300000U,
			fakedev_rd(test, PCI_BASE_ADDRESS_0, 4));
	/* unimplemented BARs read 0 whatever is written */
	fakedev_wr(test, PCI_BASE_ADDRESS_1, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0U, fakedev_rd(test, PCI_BASE_ADDRESS_1, 4));
}

/* Describing BARs keeps the addresses the device holds. */
static void bar_addresses_kept(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	fakedev_put32(&ctx->dev, PCI_BASE_ADDRESS_2, 0xe000000c);
	fakedev_put32(&ctx->dev, PCI_BASE_ADDRESS_3, 0x00000001);
	vfio_pci_vconfig_free(&ctx->vc);
	KUNIT_ASSERT_EQ(test, 0,
			vfio_pci_vconfig_init(&ctx->vc, PCI_CFG_SPACE_SIZE,
					      &fakedev_hw, &ctx->dev));
	vfio_pci_vconfig_set_bar(&ctx->vc, 0, SZ_1M, IORESOURCE_MEM);
	vfio_pci_vconfig_set_bar(&ctx->vc, 2, SZ_256M, IORESOURCE_MEM |
				 IORESOURCE_MEM_64 | IORESOURCE_PREFETCH);
	KUNIT_EXPECT_EQ(test, 0xfea00000U,
			fakedev_rd(test, PCI_BASE_ADDRESS_0, 4));
	KUNIT_EXPECT_EQ(test, 0xe000000cU,
			fakedev_rd(test, PCI_BASE_ADDRESS_2, 4));
	KUNIT_EXPECT_EQ(test, 0x00000001U,
			fakedev_rd(test, PCI_BASE_ADDRESS_3, 4));
}

static void bar_sizing_64_prefetch(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	vfio_pci_vconfig_set_bar(&ctx->vc, 2, SZ_8G, IORESOURCE_MEM |
				 IORESOURCE_MEM_64 | IORESOURCE_PREFETCH);
	fakedev_wr(test, PCI_BASE_ADDRESS_2, 4, ~0U);
	fakedev_wr(test, PCI_BASE_ADDRESS_3, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0x0000000cU,
			fakedev_rd(test, PCI_BASE_ADDRESS_2, 4));
	KUNIT_EXPECT_EQ(test, 0xfffffffeU,
			fakedev_rd(test, PCI_BASE_ADDRESS_3, 4));

	vfio_pci_vconfig_set_bar(&ctx->vc, 4, SZ_16K, IORESOURCE_MEM |
				 IORESOURCE_MEM_64);
	fakedev_wr(test, PCI_BASE_ADDRESS_4, 4, ~0U);
	fakedev_wr(test, PCI_BASE_ADDRESS_5, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0xffffc004U,
			fakedev_rd(test, PCI_BASE_ADDRESS_4, 4));
	KUNIT_EXPECT_EQ(test, 0xffffffffU,
			fakedev_rd(test, PCI_BASE_ADDRESS_5, 4));
}

static void bar_sizing_io(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	vfio_pci_vconfig_set_bar(&ctx->vc, 1, 64, IORESOURCE_IO);
	fakedev_wr(test, PCI_BASE_ADDRESS_1, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0xffffffc1U,
			fakedev_rd(test, PCI_BASE_ADDRESS_1, 4));
	/* a byte write lands in its lane only */
	fakedev_wr(test, PCI_BASE_ADDRESS_1, 1, 0);
	KUNIT_EXPECT_EQ(test, 0xffffff01U,
			fakedev_rd(test, PCI_BASE_ADDRESS_1, 4));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void rom_sizing(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	fakedev_wr(test, PCI_ROM_ADDRESS, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0U, fakedev_rd(test, PCI_ROM_ADDRESS, 4));
	vfio_pci_vconfig_set_rom(&ctx->vc, SZ_256K);
	fakedev_wr(test, PCI_ROM_ADDRESS, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0xfffc0001U,
			fakedev_rd(test, PCI_ROM_ADDRESS, 4));
	fakedev_wr(test, PCI_ROM_ADDRESS, 4, 0xfffc0000);
	KUNIT_EXPECT_EQ(test, 0xfffc0000U,
			fakedev_rd(test, PCI_ROM_ADDRESS, 4));
}

static void command_passthrough(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	u16 hwcmd;

	fakedev_wr(test, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		   PCI_COMMAND_INTX_DISABLE | PCI_COMMAND_SPECIAL);
	hwcmd = get_unaligned_le16(ctx->dev.cfg + PCI_COMMAND);
	KUNIT_EXPECT_EQ(test, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, hwcmd);
	/* the 16-bit write reached only the command register */
	KUNIT_EXPECT_EQ(test, (unsigned int)PCI_COMMAND, ctx->dev.last_off);
	KUNIT_EXPECT_EQ(test, 2U, ctx->dev.last_len);
	/* INTx-disable is the user's, kept virtual */
	KUNIT_EXPECT_EQ(test, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			PCI_COMMAND_INTX_DISABLE,
			fakedev_rd(test, PCI_COMMAND, 2));
}

static void status_rw1c(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	u16 st;

	/* writing back what was read over the whole dword clears nothing */
	fakedev_wr(test, PCI_COMMAND, 4,
		   fakedev_rd(test, PCI_COMMAND, 4) & 0xffff);
	st = get_unaligned_le16(ctx->dev.cfg + PCI_STATUS);
	KUNIT_EXPECT_TRUE(test, st & PCI_STATUS_REC_MASTER_ABORT);
	/* a one clears the error bit; read-only bits stay */
	fakedev_wr(test, PCI_STATUS, 2,
		   PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_66MHZ);
	st = get_unaligned_le16(ctx->dev.cfg + PCI_STATUS);
	KUNIT_EXPECT_EQ(test, (u16)PCI_STATUS_CAP_LIST, st);
}

static void interrupt_line_and_pin(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	fakedev_wr(test, PCI_INTERRUPT_LINE, 2, 0x0455);
	KUNIT_EXPECT_EQ(test, 0x0155U, fakedev_rd(test, PCI_INTERRUPT_LINE, 2));
	KUNIT_EXPECT_EQ(test, 10, ctx->dev.cfg[PCI_INTERRUPT_LINE]);
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void bad_accesses(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	u32 v;

	KUNIT_EXPECT_EQ(test, -EINVAL, vfio_pci_vconfig_read(&ctx->vc, 1, 2, &v));
	KUNIT_EXPECT_EQ(test, -EINVAL, vfio_pci_vconfig_read(&ctx->vc, 2, 4, &v));
	KUNIT_EXPECT_EQ(test, -EINVAL, vfio_pci_vconfig_read(&ctx->vc, 0, 3, &v));
	KUNIT_EXPECT_EQ(test, -EINVAL, vfio_pci_vconfig_read(&ctx->vc, 256, 1, &v));
	KUNIT_EXPECT_EQ(test, -EINVAL, vfio_pci_vconfig_write(&ctx->vc, 254, 4, 0));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vfio_pci_vconfig_init(&ctx->vc, 512, &fakedev_hw,
					      &ctx->dev));
}

/* Space no capability owns reads the device and ignores writes. */
static void unowned_read_only(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ctx->dev.cfg[0x80] = 0x05;
	KUNIT_EXPECT_EQ(test, 0x05U, fakedev_rd(test, 0x80, 1));
	fakedev_wr(test, 0x80, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0x05, ctx->dev.cfg[0x80]);
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void chunk_lengths(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 4U, vfio_pci_chunk_len(0, 8));
	KUNIT_EXPECT_EQ(test, 2U, vfio_pci_chunk_len(2, 8));
	KUNIT_EXPECT_EQ(test, 1U, vfio_pci_chunk_len(3, 8));
	KUNIT_EXPECT_EQ(test, 2U, vfio_pci_chunk_len(4, 3));
	KUNIT_EXPECT_EQ(test, 1U, vfio_pci_chunk_len(4, 1));
}

/*
 * Expect @buf_start/@buf_cnt to meet register [8, 12) at the given bytes;
 * with @n 0, to miss it and write nothing.
 */
static void meets(struct kunit *test, loff_t buf_start, size_t buf_cnt,
		  loff_t buf_off, size_t n, size_t reg_off)
{
	loff_t bo = -1;
	size_t cnt = 99, ro = 99;
	bool met;

	met = vfio_pci_core_range_intersect_range(buf_start, buf_cnt, 8, 4,
						  &bo, &cnt, &ro);
	KUNIT_EXPECT_EQ(test, n != 0, met);
	KUNIT_EXPECT_EQ(test, n ? buf_off : -1, bo);
	KUNIT_EXPECT_EQ(test, n ? n : 99, cnt);
	KUNIT_EXPECT_EQ(test, n ? reg_off : 99, ro);
}

static void range_intersect(struct kunit *test)
{
	meets(test, 8, 4, 0, 4, 0);	/* exactly */
	meets(test, 0, 64, 8, 4, 0);	/* around */
	meets(test, 6, 4, 2, 2, 0);	/* over the start */
	meets(test, 10, 8, 0, 2, 2);	/* over the end */
	meets(test, 9, 2, 0, 2, 1);	/* inside */
	meets(test, 11, 1, 0, 1, 3);	/* last byte */
	meets(test, 4, 4, 0, 0, 0);	/* touching the start */
	meets(test, 12, 4, 0, 0, 0);	/* touching the end */
	meets(test, 8, 0, 0, 0, 0);	/* empty */
}

/*
 * What makes a rule meaningful (header rules report as cap 0x0): a bit
 * written to the image is read from it,
 * no bit goes both to the image and to the device or is read from the
 * image but written to the device, and an action has bits that start it.
 */
static void rule_check(struct kunit *test, unsigned int id, unsigned int idx,
		       const struct vfio_pci_cfg_dword *r)
{
	KUNIT_EXPECT_EQ_MSG(test, 0U, r->wr_virt & ~r->virt,
			    "cap 0x%x dword %u: image bits written, never read",
			    id, idx);
	KUNIT_EXPECT_EQ_MSG(test, 0U, r->wr_virt & r->wr_hw,
			    "cap 0x%x dword %u: bits written twice", id, idx);
	KUNIT_EXPECT_EQ_MSG(test, 0U, r->virt & r->wr_hw,
			    "cap 0x%x dword %u: device bits read from the image",
			    id, idx);
	KUNIT_EXPECT_EQ_MSG(test, 0U, r->rw1c & r->wr_hw,
			    "cap 0x%x dword %u: protected write-1-to-clear bits userspace writes",
			    id, idx);
	KUNIT_EXPECT_EQ_MSG(test, !!r->act_mask, r->act != VFIO_PCI_ACT_NONE,
			    "cap 0x%x dword %u: action and its bits disagree",
			    id, idx);
}

static void cap_types_check(struct kunit *test, bool ext)
{
	const struct vfio_pci_cap_type *t;
	unsigned int n, i, d;

	t = vfio_pci_caps_types(ext, &n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_TRUE_MSG(test, !t[i].size != !t[i].size_fn,
				      "cap 0x%x: one of size and size_fn",
				      t[i].id);
		if (t[i].size)
			KUNIT_EXPECT_LE_MSG(test, t[i].ndwords,
					    DIV_ROUND_UP(t[i].size, 4),
					    "cap 0x%x: rules past its end",
					    t[i].id);
		for (d = 0; d < t[i].ndwords; d++)
			rule_check(test, t[i].id, d, &t[i].dwords[d]);
	}
}

static void rule_tables_consistent(struct kunit *test)
{
	const struct vfio_pci_cfg_dword *hdr;
	unsigned int n, i;

	hdr = vfio_pci_header_rules(&n);
	KUNIT_EXPECT_EQ(test, (unsigned int)PCI_STD_HEADER_SIZEOF / 4, n);
	for (i = 0; i < n; i++)
		rule_check(test, 0, i, &hdr[i]);
	cap_types_check(test, false);
	cap_types_check(test, true);
}

static struct kunit_case vfio_pci_config_cases[] = {
	KUNIT_CASE(ids_read_only),
	KUNIT_CASE(bar_sizing_32),
	KUNIT_CASE(bar_addresses_kept),
	KUNIT_CASE(bar_sizing_64_prefetch),
	KUNIT_CASE(bar_sizing_io),
	KUNIT_CASE(rom_sizing),
	KUNIT_CASE(command_passthrough),
	KUNIT_CASE(status_rw1c),
	KUNIT_CASE(interrupt_line_and_pin),
	KUNIT_CASE(bad_accesses),
	KUNIT_CASE(unowned_read_only),
	KUNIT_CASE(chunk_lengths),
	KUNIT_CASE(range_intersect),
	KUNIT_CASE(rule_tables_consistent),
	{}
};

static struct kunit_suite vfio_pci_config_suite = {
	.name = "vfio_pci_config",
	.init = cfg_init,
	.exit = fakedev_exit,
	.test_cases = vfio_pci_config_cases,
};

kunit_test_suite(vfio_pci_config_suite);
