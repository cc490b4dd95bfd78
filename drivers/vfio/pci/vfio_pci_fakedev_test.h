/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake device of the vfio_pci_config_test module: a config image in
 * memory behind the config-space emulation, shared by the module's
 * suites (vfio_pci_vconfig_test.c, vfio_pci_caps_test.c).
 */
#ifndef VFIO_PCI_FAKEDEV_TEST_H
#define VFIO_PCI_FAKEDEV_TEST_H

#include <kunit/test.h>
#include <linux/pci_regs.h>

#include "vfio_pci_private.h"

/* The power state the tests write; it lands in the PM capability at 0x40. */
#define FAKE_D3HOT	3

/**
 * struct fake_dev - the fake device
 * @cfg: its config space, little endian
 * @rw1c: per byte of @cfg, the bits that are write-1-to-clear
 * @vpd: its VPD, read and written a dword at a time
 * @writes: number of config writes that reached it
 * @last_off: offset of the last config write that reached it
 * @last_len: length of the last config write that reached it
 * @power_calls: number of power state changes asked of it
 * @resets: number of resets asked of it
 * @readrq: the last read request size set, in bytes
 * @msi_on: MSI is enabled, as if through VFIO_DEVICE_SET_IRQS
 * @msi_qmax: the largest MSI queue size (log2 of vectors) it was enabled
 *	with
 *
 * The log of what reached it tells a test what userspace could and could
 * not change.
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

/**
 * struct cfg_ctx - a test's context, its &kunit.priv
 * @dev: the fake device
 * @vc: the config space userspace sees, built over @dev
 */
struct cfg_ctx {
	struct fake_dev dev;
	struct vfio_pci_vconfig vc;
};

/* The accessors of the fake device, for vfio_pci_vconfig_init(). */
extern const struct vfio_pci_cfg_hw fakedev_hw;

/**
 * fakedev_put16() - set a word of the fake device's config space
 * @fd: the fake device
 * @off: offset in config space
 * @v: the value
 */
void fakedev_put16(struct fake_dev *fd, unsigned int off, u16 v);

/**
 * fakedev_put32() - set a dword of the fake device's config space
 * @fd: the fake device
 * @off: offset in config space
 * @v: the value
 */
void fakedev_put32(struct fake_dev *fd, unsigned int off, u32 v);

/**
 * fakedev_rd() - read config space as userspace does
 * @test: the test, whose &struct cfg_ctx is its &kunit.priv
 * @off: offset in config space
 * @len: 1, 2 or 4
 *
 * Expects the read to succeed.
 *
 * Return: the value read, 0xdeadbeef when the read failed
 */
u32 fakedev_rd(struct kunit *test, unsigned int off, unsigned int len);

/**
 * fakedev_wr() - write config space as userspace does
 * @test: the test, whose &struct cfg_ctx is its &kunit.priv
 * @off: offset in config space
 * @len: 1, 2 or 4
 * @v: the value
 *
 * Expects the write to succeed.
 */
void fakedev_wr(struct kunit *test, unsigned int off, unsigned int len,
		u32 v);

/**
 * fakedev_exit() - a suite's exit: free the config space of the test's
 *	&struct cfg_ctx
 * @test: the test
 */
void fakedev_exit(struct kunit *test);

#endif /* VFIO_PCI_FAKEDEV_TEST_H */
