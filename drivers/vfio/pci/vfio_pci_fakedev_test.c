// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake device of the vfio_pci_config_test module (the KUnit tests of
 * the config-space emulation and of the INTx routing rule): a config
 * image in memory that stands in for a device, with the accessors the
 * emulation reaches it through, and the config reads and writes the
 * tests make as userspace. The module's suites are in
 * vfio_pci_vconfig_test.c, vfio_pci_caps_test.c and vfio_pci_intx_test.c.
 */

#include <linux/module.h>
#include <linux/unaligned.h>

#include "vfio_pci_fakedev_test.h"

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

const struct vfio_pci_cfg_hw fakedev_hw = {
	.read = fake_read,
	.write = fake_write,
	.set_power = fake_set_power,
	.reset = fake_reset,
	.set_readrq = fake_set_readrq,
	.vpd_read = fake_vpd_read,
	.vpd_write = fake_vpd_write,
	.msi_limits = fake_msi_limits,
};

void fakedev_put16(struct fake_dev *fd, unsigned int off, u16 v)
{
	put_unaligned_le16(v, fd->cfg + off);
}

void fakedev_put32(struct fake_dev *fd, unsigned int off, u32 v)
{
	put_unaligned_le32(v, fd->cfg + off);
}

void fakedev_exit(struct kunit *test)
{
	struct cfg_ctx *ctx = test->priv;

	vfio_pci_vconfig_free(&ctx->vc);
}

u32 fakedev_rd(struct kunit *test, unsigned int off, unsigned int len)
{
	struct cfg_ctx *ctx = test->priv;
	u32 v = 0xdeadbeef;

	KUNIT_EXPECT_EQ(test, 0, vfio_pci_vconfig_read(&ctx->vc, off, len, &v));
	return v;
}

void fakedev_wr(struct kunit *test, unsigned int off, unsigned int len, u32 v)
{
	struct cfg_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, 0, vfio_pci_vconfig_write(&ctx->vc, off, len, v));
}

/* The module's, for all of its parts (vfio_pci_config_test-y). */
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of vfio_pci_core's config-space emulation and INTx routing");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
