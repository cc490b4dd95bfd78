/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_pci_config_test: what its parts share. vfio_pci_config_test.c has
 * the tests of the header, the capability chains, MSI and MSI-X and the
 * access sizes; vfio_pci_config_ones.c the all-ones write to the BARs and
 * the command register.
 */
#ifndef VFIO_PCI_SELFTEST_CONFIG_H
#define VFIO_PCI_SELFTEST_CONFIG_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_test.h"

#define CFG_REGION		VFIO_PCI_CONFIG_REGION_INDEX
#define CFG_SIZE_STD		256
#define CFG_SIZE_EXT		4096

#define STD_CAP_FIRST		0x40
#define STD_CAP_LAST		0xfc
#define STD_WALK_MAX		48
#define EXT_WALK_MAX		960
#define MAX_CAPS		EXT_WALK_MAX

#define MSI_TEST_ADDR		0xfee01000u
#define MSI_TEST_DATA		0x4321u

/* The host's config space, from sysfs. */
struct host_cfg {
	__u8 b[CFG_SIZE_EXT];
	size_t len;
};

/* Read @size bytes at @off of the VFIO view, failing the test on error. */
bool vread(struct test_ctx *t, unsigned int off, int size, __u32 *val);
/* The host's view of the config space: as root, all of it. */
bool host_config(struct test_ctx *t, struct host_cfg *h);
/* @size bytes at @off of the host's view, little-endian. */
__u32 host_get(const struct host_cfg *h, unsigned int off, int size);
/* Is the function under test an SR-IOV VF? */
bool is_vf(struct test_ctx *t);

void test_write_ones(struct test_ctx *t);

#endif /* VFIO_PCI_SELFTEST_CONFIG_H */
