// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the config-space emulation, on a config image held in
 * memory that stands in for a device, and of the INTx routing rule.
 */

#include <kunit/test.h>
#include <linux/pci_regs.h>
#include <linux/unaligned.h>

#include "vfio_pci_private.h"

/*
 * The fake device: its config space, which of its bits are
 * write-1-to-clear, its VPD, and a log of the writes and services that
 * reached it, so a test can tell what userspace could and could not change.
 */
struct fake_dev {
	u8 cfg[PCI_CFG_SPACE_EXP_SIZE];
	u8 rw1c[PCI_CFG_SPACE_EXP_SIZE];
	u8 vpd[32];
	unsigned int writes;
	unsigned int last_off;
	unsigned int last_len;
	unsigned int power_calls;
	unsigned int resets;
	int readrq;
	bool msi_on;
	u8 msi_qmax;
};

static int fake_read(void *priv, unsigned int off, unsigned int len, u32 *val)
{
	struct fake_dev *fd = priv;

	switch (len) {
	case 1:
		*val = fd->cfg[off];
		break;
	case 2:
		*val = get_unaligned_le16(fd->cfg + off);
		break;
	default:
		*val = get_unaligned_le32(fd->cfg + off);
		break;
	}
	return 0;
}

static int fake_write(void *priv, unsigned int off, unsigned int len, u32 val)
{
	struct fake_dev *fd = priv;
	unsigned int i;
	u8 b, c, w1c;

	fd->writes++;
	fd->last_off = off;
	fd->last_len = len;
	for (i = 0; i < len; i++) {
		b = val >> (8 * i);
		c = fd->cfg[off + i];
		w1c = fd->rw1c[off + i];
		fd->cfg[off + i] = (b & ~w1c) | (c & w1c & ~b);
	}
	return 0;
}

/* The power state lands in the PM capability at 0x40 of the tests. */
#define FAKE_D3HOT	3
static int fake_set_power(void *priv, u8 state)
{
	struct fake_dev *fd = priv;
	u8 *pmcsr = fd->cfg + 0x40 + PCI_PM_CTRL;

	fd->power_calls++;
	*pmcsr = (*pmcsr & ~PCI_PM_CTRL_STATE_MASK) | state;
	return 0;
}

static int fake_reset(void *priv)
{
	struct fake_dev *fd = priv;

	fd->resets++;
	return 0;
}

static void fake_set_readrq(void *priv, int bytes)
{
	struct fake_dev *fd = priv;

	fd->readrq = bytes;
}

static int fake_vpd_read(void *priv, unsigned int addr, u32 *val)
{
	struct fake_dev *fd = priv;

	if (addr > sizeof(fd->vpd) - 4)
		return -EINVAL;
	*val = get_unaligned_le32(fd->vpd + addr);
	return 0;
}

static int fake_vpd_write(void *priv, unsigned int addr, u32 val)
{
	struct fake_dev *fd = priv;

	if (addr > sizeof(fd->vpd) - 4)
		return -EINVAL;
	put_unaligned_le32(val, fd->vpd + addr);
	return 0;
}

static void fake_msi_limits(void *priv, bool *enabled, u8 *qmax)
{
	struct fake_dev *fd = priv;

	*enabled = fd->msi_on;
	*qmax = fd->msi_qmax;
}

static const struct vfio_pci_cfg_hw fake_hw = {
	.read = fake_read,
	.write = fake_write,
	.set_power = fake_set_power,
	.reset = fake_reset,
	.set_readrq = fake_set_readrq,
	.vpd_read = fake_vpd_read,
	.vpd_write = fake_vpd_write,
	.msi_limits = fake_msi_limits,
};

struct cfg_ctx {
	struct fake_dev dev;
	struct vfio_pci_vconfig vc;
};

static void put16(struct fake_dev *fd, unsigned int off, u16 v)
{
	put_unaligned_le16(v, fd->cfg + off);
}

static void put32(struct fake_dev *fd, unsigned int off, u32 v)
{
	put_unaligned_le32(v, fd->cfg + off);
}

/* A type 0 header like QEMU's edu: 1 MiB 32-bit BAR0, INTx pin A. */
static int cfg_init(struct kunit *test)
{
	struct cfg_ctx *ctx;
	struct fake_dev *fd;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	fd = &ctx->dev;
	put16(fd, PCI_VENDOR_ID, 0x1234);
	put16(fd, PCI_DEVICE_ID, 0x11e8);
	put16(fd, PCI_COMMAND, PCI_COMMAND_MEMORY);
	put16(fd, PCI_STATUS, PCI_STATUS_CAP_LIST | PCI_STATUS_REC_MASTER_ABORT);
	fd->rw1c[PCI_STATUS + 1] = 0xff;
	put32(fd, PCI_CLASS_REVISION, 0x00ff0010);
	put32(fd, PCI_BASE_ADDRESS_0, 0xfea00000);
	fd->cfg[PCI_CAPABILITY_LIST] = 0x40;
	fd->cfg[PCI_INTERRUPT_LINE] = 10;
	fd->cfg[PCI_INTERRUPT_PIN] = 1;
	KUNIT_ASSERT_EQ(test, 0,
			vfio_pci_vconfig_init(&ctx->vc, PCI_CFG_SPACE_SIZE,
					      &fake_hw, fd));
	vfio_pci_vconfig_set_bar(&ctx->vc, 0, SZ_1M, IORESOURCE_MEM);
	test->priv = ctx;
	return 0;
}

static void cfg_exit(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	vfio_pci_vconfig_free(&ctx->vc);
}

static u32 rd(struct kunit *test, unsigned int off, unsigned int len)
{
	struct cfg_ctx *ctx = test->priv;
	u32 v = 0xdeadbeef;

	KUNIT_EXPECT_EQ(test, 0, vfio_pci_vconfig_read(&ctx->vc, off, len, &v));
	return v;
}

static void wr(struct kunit *test, unsigned int off, unsigned int len, u32 v)
{
	struct cfg_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, 0, vfio_pci_vconfig_write(&ctx->vc, off, len, v));
}

static void ids_read_only(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	wr(test, PCI_VENDOR_ID, 4, 0);
	wr(test, PCI_CLASS_REVISION, 4, 0);
	KUNIT_EXPECT_EQ(test, 0x11e81234U, rd(test, PCI_VENDOR_ID, 4));
	KUNIT_EXPECT_EQ(test, 0x11e8U, rd(test, PCI_DEVICE_ID, 2));
	KUNIT_EXPECT_EQ(test, 0x12U, rd(test, PCI_VENDOR_ID + 1, 1));
	KUNIT_EXPECT_EQ(test, 0x00ff0010U, rd(test, PCI_CLASS_REVISION, 4));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void bar_sizing_32(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0xfea00000U, rd(test, PCI_BASE_ADDRESS_0, 4));
	wr(test, PCI_BASE_ADDRESS_0, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0xfff00000U, rd(test, PCI_BASE_ADDRESS_0, 4));
	wr(test, PCI_BASE_ADDRESS_0, 4, 0x12345678);
	KUNIT_EXPECT_EQ(test, 0x12300000U, rd(test, PCI_BASE_ADDRESS_0, 4));
	/* unimplemented BARs read 0 whatever is written */
	wr(test, PCI_BASE_ADDRESS_1, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0U, rd(test, PCI_BASE_ADDRESS_1, 4));
}

/* Describing BARs keeps the addresses the device holds. */
static void bar_addresses_kept(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	put32(&ctx->dev, PCI_BASE_ADDRESS_2, 0xe000000c);
	put32(&ctx->dev, PCI_BASE_ADDRESS_3, 0x00000001);
	vfio_pci_vconfig_free(&ctx->vc);
	KUNIT_ASSERT_EQ(test, 0,
			vfio_pci_vconfig_init(&ctx->vc, PCI_CFG_SPACE_SIZE,
					      &fake_hw, &ctx->dev));
	vfio_pci_vconfig_set_bar(&ctx->vc, 0, SZ_1M, IORESOURCE_MEM);
	vfio_pci_vconfig_set_bar(&ctx->vc, 2, SZ_256M, IORESOURCE_MEM |
				 IORESOURCE_MEM_64 | IORESOURCE_PREFETCH);
	KUNIT_EXPECT_EQ(test, 0xfea00000U, rd(test, PCI_BASE_ADDRESS_0, 4));
	KUNIT_EXPECT_EQ(test, 0xe000000cU, rd(test, PCI_BASE_ADDRESS_2, 4));
	KUNIT_EXPECT_EQ(test, 0x00000001U, rd(test, PCI_BASE_ADDRESS_3, 4));
}

static void bar_sizing_64_prefetch(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	vfio_pci_vconfig_set_bar(&ctx->vc, 2, SZ_8G, IORESOURCE_MEM |
				 IORESOURCE_MEM_64 | IORESOURCE_PREFETCH);
	wr(test, PCI_BASE_ADDRESS_2, 4, ~0U);
	wr(test, PCI_BASE_ADDRESS_3, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0x0000000cU, rd(test, PCI_BASE_ADDRESS_2, 4));
	KUNIT_EXPECT_EQ(test, 0xfffffffeU, rd(test, PCI_BASE_ADDRESS_3, 4));

	vfio_pci_vconfig_set_bar(&ctx->vc, 4, SZ_16K, IORESOURCE_MEM |
				 IORESOURCE_MEM_64);
	wr(test, PCI_BASE_ADDRESS_4, 4, ~0U);
	wr(test, PCI_BASE_ADDRESS_5, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0xffffc004U, rd(test, PCI_BASE_ADDRESS_4, 4));
	KUNIT_EXPECT_EQ(test, 0xffffffffU, rd(test, PCI_BASE_ADDRESS_5, 4));
}

static void bar_sizing_io(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	vfio_pci_vconfig_set_bar(&ctx->vc, 1, 64, IORESOURCE_IO);
	wr(test, PCI_BASE_ADDRESS_1, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0xffffffc1U, rd(test, PCI_BASE_ADDRESS_1, 4));
	/* a byte write lands in its lane only */
	wr(test, PCI_BASE_ADDRESS_1, 1, 0);
	KUNIT_EXPECT_EQ(test, 0xffffff01U, rd(test, PCI_BASE_ADDRESS_1, 4));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void rom_sizing(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	wr(test, PCI_ROM_ADDRESS, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0U, rd(test, PCI_ROM_ADDRESS, 4));
	vfio_pci_vconfig_set_rom(&ctx->vc, SZ_256K);
	wr(test, PCI_ROM_ADDRESS, 4, ~0U);
	KUNIT_EXPECT_EQ(test, 0xfffc0001U, rd(test, PCI_ROM_ADDRESS, 4));
	wr(test, PCI_ROM_ADDRESS, 4, 0xfffc0000);
	KUNIT_EXPECT_EQ(test, 0xfffc0000U, rd(test, PCI_ROM_ADDRESS, 4));
}

static void command_passthrough(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	u16 hwcmd;

	wr(test, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
	   PCI_COMMAND_INTX_DISABLE | PCI_COMMAND_SPECIAL);
	hwcmd = get_unaligned_le16(ctx->dev.cfg + PCI_COMMAND);
	KUNIT_EXPECT_EQ(test, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, hwcmd);
	/* the 16-bit write reached only the command register */
	KUNIT_EXPECT_EQ(test, (unsigned int)PCI_COMMAND, ctx->dev.last_off);
	KUNIT_EXPECT_EQ(test, 2U, ctx->dev.last_len);
	/* INTx-disable is the user's, kept virtual */
	KUNIT_EXPECT_EQ(test, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			PCI_COMMAND_INTX_DISABLE, rd(test, PCI_COMMAND, 2));
}

static void status_rw1c(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	u16 st;

	/* writing back what was read over the whole dword clears nothing */
	wr(test, PCI_COMMAND, 4, rd(test, PCI_COMMAND, 4) & 0xffff);
	st = get_unaligned_le16(ctx->dev.cfg + PCI_STATUS);
	KUNIT_EXPECT_TRUE(test, st & PCI_STATUS_REC_MASTER_ABORT);
	/* a one clears the error bit; read-only bits stay */
	wr(test, PCI_STATUS, 2, PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_66MHZ);
	st = get_unaligned_le16(ctx->dev.cfg + PCI_STATUS);
	KUNIT_EXPECT_EQ(test, (u16)PCI_STATUS_CAP_LIST, st);
}

static void interrupt_line_and_pin(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	wr(test, PCI_INTERRUPT_LINE, 2, 0x0455);
	KUNIT_EXPECT_EQ(test, 0x0155U, rd(test, PCI_INTERRUPT_LINE, 2));
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
	KUNIT_EXPECT_EQ(test, -EINVAL, vfio_pci_vconfig_init(&ctx->vc, 512,
							     &fake_hw, &ctx->dev));
}

/* Space no capability owns reads the device and ignores writes. */
static void unowned_read_only(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ctx->dev.cfg[0x80] = 0x05;
	KUNIT_EXPECT_EQ(test, 0x05U, rd(test, 0x80, 1));
	wr(test, 0x80, 4, ~0U);
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
	.exit = cfg_exit,
	.test_cases = vfio_pci_config_cases,
};

kunit_test_suite(vfio_pci_config_suite);

/*
 * Capability chains. Each test lays a chain out in the fake device, then
 * builds the virtual config space over it with caps_open().
 */
static int caps_init(struct kunit *test)
{
	struct cfg_ctx *ctx;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	put16(&ctx->dev, PCI_VENDOR_ID, 0x1b36);
	put16(&ctx->dev, PCI_STATUS, PCI_STATUS_CAP_LIST);
	ctx->dev.cfg[PCI_CAPABILITY_LIST] = 0x40;
	test->priv = ctx;
	return 0;
}

static void caps_open(struct kunit *test, unsigned int size)
{
	struct cfg_ctx *ctx = test->priv;

	KUNIT_ASSERT_EQ(test, 0,
			vfio_pci_vconfig_init(&ctx->vc, size, &fake_hw,
					      &ctx->dev));
}

/* A standard capability header: id and next pointer. */
static void cap(struct cfg_ctx *ctx, u8 pos, u8 id, u8 next, u16 flags)
{
	ctx->dev.cfg[pos] = id;
	ctx->dev.cfg[pos + 1] = next;
	put16(&ctx->dev, pos + 2, flags);
}

/* An extended capability header: id, version 1, next pointer. */
static void ext(struct cfg_ctx *ctx, u16 pos, u16 id, u16 next)
{
	put32(&ctx->dev, pos, id | 1 << 16 | next << 20);
}

static bool cap_list_bit(struct kunit *test)
{
	return rd(test, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST;
}

static void chain_kept(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_PM, 0x50, 0);
	cap(ctx, 0x50, PCI_CAP_ID_MSI, 0x70,
	    PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
	cap(ctx, 0x70, PCI_CAP_ID_EXP, 0, 2);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0x40U, rd(test, PCI_CAPABILITY_LIST, 1));
	KUNIT_EXPECT_EQ(test, 0x5001U, rd(test, 0x40, 2));
	KUNIT_EXPECT_EQ(test, 0x7005U, rd(test, 0x50, 2));
	KUNIT_EXPECT_EQ(test, 0x0010U, rd(test, 0x70, 2));
	KUNIT_EXPECT_TRUE(test, cap_list_bit(test));
}

static void hidden_cap_skipped(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_PM, 0x48, 0);
	cap(ctx, 0x48, PCI_CAP_ID_DBG, 0x50, 0);
	cap(ctx, 0x50, PCI_CAP_ID_MSIX, 0, 0);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0x50U, rd(test, 0x41, 1));
	/* the hidden header is the snapshot, and ignores writes */
	ctx->dev.cfg[0x48] = 0x77;
	KUNIT_EXPECT_EQ(test, (u32)PCI_CAP_ID_DBG, rd(test, 0x48, 1));
	wr(test, 0x48, 4, 0);
	KUNIT_EXPECT_EQ(test, (u32)PCI_CAP_ID_DBG, rd(test, 0x48, 1));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void all_hidden_clears_cap_list(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_DBG, 0, 0);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0U, rd(test, PCI_CAPABILITY_LIST, 1));
	KUNIT_EXPECT_FALSE(test, cap_list_bit(test));
}

static void loop_ends_chain(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_PM, 0x50, 0);
	cap(ctx, 0x50, PCI_CAP_ID_VNDR, 0x40, 8);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0x50U, rd(test, 0x41, 1));
	KUNIT_EXPECT_EQ(test, 0U, rd(test, 0x51, 1));
}

static void pointer_into_header(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ctx->dev.cfg[PCI_CAPABILITY_LIST] = 0x20;
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0U, rd(test, PCI_CAPABILITY_LIST, 1));
	KUNIT_EXPECT_FALSE(test, cap_list_bit(test));
}

static void cap_past_end(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	/* 0xfe points at 0xfc, where an 8-byte PM capability cannot fit */
	cap(ctx, 0x40, PCI_CAP_ID_MSIX, 0xfe, 0);
	cap(ctx, 0xfc, PCI_CAP_ID_PM, 0, 0);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0U, rd(test, 0x41, 1));
}

static void overlap_ends_chain(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_PM, 0x44, 0);
	cap(ctx, 0x44, PCI_CAP_ID_MSIX, 0, 0);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	KUNIT_EXPECT_EQ(test, 0U, rd(test, 0x41, 1));
}

static void msi_emulated(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_MSI, 0,
	    PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	ctx->dev.msi_on = true;
	wr(test, 0x40 + PCI_MSI_ADDRESS_LO, 4, 0xfee00000);
	wr(test, 0x40 + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	KUNIT_EXPECT_EQ(test, 0xfee00000U, rd(test, 0x40 + PCI_MSI_ADDRESS_LO, 4));
	KUNIT_EXPECT_EQ(test, (u32)(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_64BIT |
				    PCI_MSI_FLAGS_MASKBIT),
			rd(test, 0x40 + PCI_MSI_FLAGS, 2));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
	/* pending bits are the device's */
	put32(&ctx->dev, 0x40 + PCI_MSI_PENDING_64, 3);
	KUNIT_EXPECT_EQ(test, 3U, rd(test, 0x40 + PCI_MSI_PENDING_64, 4));
	wr(test, 0x40 + PCI_MSI_PENDING_64, 4, 0);
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

/* Enable only while SET_IRQS has MSI on; the queue size within its vectors. */
static void msi_flags_limited(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	unsigned int flags = 0x40 + PCI_MSI_FLAGS;

	cap(ctx, 0x40, PCI_CAP_ID_MSI, 0, 3 << 1);	/* 8 vectors */
	caps_open(test, PCI_CFG_SPACE_SIZE);
	wr(test, flags, 2, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	KUNIT_EXPECT_EQ(test, 3U << 1, rd(test, flags, 2));
	ctx->dev.msi_on = true;
	ctx->dev.msi_qmax = 2;
	wr(test, flags, 2, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	KUNIT_EXPECT_EQ(test, (u32)(PCI_MSI_FLAGS_ENABLE | 2 << 4 | 3 << 1),
			rd(test, flags, 2));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void msix_control_emulated(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_MSIX, 0, 4);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	wr(test, 0x40 + PCI_MSIX_FLAGS, 2, 0xffff);
	KUNIT_EXPECT_EQ(test, (u32)(PCI_MSIX_FLAGS_ENABLE |
				    PCI_MSIX_FLAGS_MASKALL | 4),
			rd(test, 0x40 + PCI_MSIX_FLAGS, 2));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void ext_hidden_first(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ext(ctx, 0x100, PCI_EXT_CAP_ID_SRIOV, 0x140);
	ext(ctx, 0x140, PCI_EXT_CAP_ID_ERR, 0x180);
	ext(ctx, 0x180, PCI_EXT_CAP_ID_ACS, 0);
	caps_open(test, PCI_CFG_SPACE_EXP_SIZE);
	KUNIT_EXPECT_EQ(test, 0x140U << 20, rd(test, 0x100, 4));
	KUNIT_EXPECT_EQ(test, (u32)(PCI_EXT_CAP_ID_ERR | 1 << 16),
			rd(test, 0x140, 4));
}

static void ext_aer_writable(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ext(ctx, 0x100, PCI_EXT_CAP_ID_ERR, 0);
	put32(&ctx->dev, 0x100 + PCI_ERR_UNCOR_STATUS, 0x30);
	caps_open(test, PCI_CFG_SPACE_EXP_SIZE);
	wr(test, 0x100 + PCI_ERR_UNCOR_MASK, 4, 0x1234);
	KUNIT_EXPECT_EQ(test, 0x1234U,
			get_unaligned_le32(ctx->dev.cfg + 0x100 + PCI_ERR_UNCOR_MASK));
	/* clearing one status bit writes only that bit */
	wr(test, 0x100 + PCI_ERR_UNCOR_STATUS, 4, 0x10);
	KUNIT_EXPECT_EQ(test, 0x10U,
			get_unaligned_le32(ctx->dev.cfg + 0x100 + PCI_ERR_UNCOR_STATUS));
	/* the header is not writable */
	wr(test, 0x100, 4, 0);
	KUNIT_EXPECT_EQ(test, (u32)(PCI_EXT_CAP_ID_ERR | 1 << 16),
			rd(test, 0x100, 4));
}

static void ext_all_hidden(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ext(ctx, 0x100, PCI_EXT_CAP_ID_ACS, 0x140);
	ext(ctx, 0x140, PCI_EXT_CAP_ID_ATS, 0);
	caps_open(test, PCI_CFG_SPACE_EXP_SIZE);
	KUNIT_EXPECT_EQ(test, 0U, rd(test, 0x100, 4));
}

static void ext_loop(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ext(ctx, 0x100, PCI_EXT_CAP_ID_ERR, 0x140);
	ext(ctx, 0x140, PCI_EXT_CAP_ID_DSN, 0x100);
	caps_open(test, PCI_CFG_SPACE_EXP_SIZE);
	KUNIT_EXPECT_EQ(test, 0x140U, rd(test, 0x100, 4) >> 20);
	KUNIT_EXPECT_EQ(test, 0U, rd(test, 0x140, 4) >> 20);
}

static void ext_next_below_0x100(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	ext(ctx, 0x100, PCI_EXT_CAP_ID_DSN, 0x80);
	caps_open(test, PCI_CFG_SPACE_EXP_SIZE);
	KUNIT_EXPECT_EQ(test, (u32)(PCI_EXT_CAP_ID_DSN | 1 << 16),
			rd(test, 0x100, 4));
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
	put16(&ctx->dev, pmcsr, PCI_PM_CTRL_PME_STATUS);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	wr(test, pmcsr, 2, FAKE_D3HOT | PCI_PM_CTRL_PME_ENABLE);
	KUNIT_EXPECT_EQ(test, 1U, ctx->dev.power_calls);
	KUNIT_EXPECT_EQ(test, (u32)(FAKE_D3HOT | PCI_PM_CTRL_PME_ENABLE |
				    PCI_PM_CTRL_PME_STATUS),
			rd(test, pmcsr, 2));
	/* PME status clears on one only; the state is not written raw */
	wr(test, pmcsr, 2, PCI_PM_CTRL_PME_STATUS | FAKE_D3HOT);
	KUNIT_EXPECT_EQ(test, (u32)FAKE_D3HOT, rd(test, pmcsr, 2));
	KUNIT_EXPECT_EQ(test, 2U, ctx->dev.power_calls);
	wr(test, pmcsr + 1, 1, 0);
	KUNIT_EXPECT_EQ(test, 2U, ctx->dev.power_calls);
	KUNIT_EXPECT_EQ(test, (u32)FAKE_D3HOT, rd(test, pmcsr, 2));
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
	put16(&ctx->dev, 0x40 + PCI_EXP_DEVCTL, 0x2810);
	put16(&ctx->dev, sta, PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_URD);
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
	wr(test, ctl, 2, 0x2810 | 0x20 | PCI_EXP_DEVCTL_RELAX_EN |
	   PCI_EXP_DEVCTL_PHANTOM);
	hw = get_unaligned_le16(ctx->dev.cfg + ctl);
	KUNIT_EXPECT_EQ(test, 0x2810 | PCI_EXP_DEVCTL_RELAX_EN, hw);
	KUNIT_EXPECT_EQ(test, (u32)(0x2810 | 0x20 | PCI_EXP_DEVCTL_RELAX_EN),
			rd(test, ctl, 2));
	/* read request size goes through the kernel */
	KUNIT_EXPECT_EQ(test, 512, ctx->dev.readrq);
	wr(test, ctl, 2, 0x1810);
	KUNIT_EXPECT_EQ(test, 256, ctx->dev.readrq);
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.resets);
}

static void exp_flr_and_status(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	unsigned int ctl = 0x40 + PCI_EXP_DEVCTL;

	exp_open(test);
	/* a dword write with the error bits set must not clear them */
	wr(test, ctl, 4, 0x000f2810 | PCI_EXP_DEVCTL_BCR_FLR);
	KUNIT_EXPECT_EQ(test, 1U, ctx->dev.resets);
	KUNIT_EXPECT_EQ(test, 0x2810U, rd(test, ctl, 2));
	KUNIT_EXPECT_EQ(test, (u32)(PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_URD),
			rd(test, 0x40 + PCI_EXP_DEVSTA, 2));
	/* ARI forwarding is the host's; other control 2 bits pass */
	wr(test, 0x40 + PCI_EXP_DEVCTL2, 2,
	   PCI_EXP_DEVCTL2_ARI | PCI_EXP_DEVCTL2_LTR_EN);
	KUNIT_EXPECT_EQ(test, (u32)PCI_EXP_DEVCTL2_LTR_EN,
			rd(test, 0x40 + PCI_EXP_DEVCTL2, 2));
	/* link control is read-only */
	wr(test, 0x40 + PCI_EXP_LNKCTL, 2, PCI_EXP_LNKCTL_LD);
	KUNIT_EXPECT_EQ(test, 0U, rd(test, 0x40 + PCI_EXP_LNKCTL, 2));
}

static void af_flr(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	cap(ctx, 0x40, PCI_CAP_ID_AF, 0,
	    PCI_CAP_AF_SIZEOF | (PCI_AF_CAP_FLR | PCI_AF_CAP_TP) << 8);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	wr(test, 0x40 + PCI_AF_CTRL, 1, 0);
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.resets);
	wr(test, 0x40 + PCI_AF_CTRL, 1, PCI_AF_CTRL_FLR);
	KUNIT_EXPECT_EQ(test, 1U, ctx->dev.resets);
	KUNIT_EXPECT_EQ(test, 0U, rd(test, 0x40 + PCI_AF_CTRL, 1));
	KUNIT_EXPECT_EQ(test, (u32)(PCI_AF_CAP_FLR | PCI_AF_CAP_TP),
			rd(test, 0x40 + PCI_AF_CAP, 1));
	KUNIT_EXPECT_EQ(test, 0U, ctx->dev.writes);
}

static void vpd_through_kernel(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;
	unsigned int addr = 0x40 + PCI_VPD_ADDR, data = 0x40 + PCI_VPD_DATA;

	cap(ctx, 0x40, PCI_CAP_ID_VPD, 0, 0);
	put_unaligned_le32(0x78563412, ctx->dev.vpd + 4);
	caps_open(test, PCI_CFG_SPACE_SIZE);
	wr(test, addr, 2, 4);
	KUNIT_EXPECT_EQ(test, (u32)(4 | PCI_VPD_ADDR_F), rd(test, addr, 2));
	KUNIT_EXPECT_EQ(test, 0x78563412U, rd(test, data, 4));
	wr(test, data, 4, 0xcafef00d);
	wr(test, addr, 2, 8 | PCI_VPD_ADDR_F);
	KUNIT_EXPECT_EQ(test, 8U, rd(test, addr, 2));
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
	wr(test, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	KUNIT_EXPECT_EQ(test, (u32)PCI_COMMAND_MASTER,
			get_unaligned_le16(ctx->dev.cfg + PCI_COMMAND));
	KUNIT_EXPECT_EQ(test, (u32)(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
			rd(test, PCI_COMMAND, 2));
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
	.exit = cfg_exit,
	.test_cases = vfio_pci_caps_cases,
};

kunit_test_suite(vfio_pci_caps_suite);

/*
 * INTx routing: a function offers INTx (GET_IRQ_INFO count 1, SET_IRQS
 * accepted) only with a pin the platform connected to a line.
 */
static void intx_route(struct kunit *test)
{
	static const struct {
		u8 pin;
		unsigned int irq;
		bool offered;
	} rows[] = {
		{ 0, 11, false },
		{ 1, 0, false },
		{ 1, IRQ_NOTCONNECTED, false },
		{ 1, 11, true },
	};
	struct pci_dev *pdev;
	unsigned int i;

	pdev = kunit_kzalloc(test, sizeof(*pdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		pdev->pin = rows[i].pin;
		pdev->irq = rows[i].irq;
		KUNIT_EXPECT_EQ_MSG(test, rows[i].offered,
				    vfio_pci_has_intx(pdev),
				    "pin %u irq 0x%x", rows[i].pin,
				    rows[i].irq);
	}
}

static struct kunit_case vfio_pci_intx_cases[] = {
	KUNIT_CASE(intx_route),
	{}
};

static struct kunit_suite vfio_pci_intx_suite = {
	.name = "vfio_pci_intx",
	.test_cases = vfio_pci_intx_cases,
};

kunit_test_suite(vfio_pci_intx_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of vfio_pci_core's config-space emulation and INTx routing");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
