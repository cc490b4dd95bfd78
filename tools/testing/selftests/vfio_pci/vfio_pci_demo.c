// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_demo BDF: open a QEMU "edu" device bound to vfio-pci both ways
 * (group + container, then device cdev + iommufd), print what the driver
 * reports about it, and check that the device answers through BAR0.
 *
 * Exits 0 when everything worked both ways, 1 otherwise.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "qemu_devices.h"
#include "vfio_util.h"

static const struct vfio_flag_name device_flags[] = {
	{ VFIO_DEVICE_FLAGS_RESET, "RESET" },
	{ VFIO_DEVICE_FLAGS_PCI, "PCI" },
	{ VFIO_DEVICE_FLAGS_PLATFORM, "PLATFORM" },
	{ VFIO_DEVICE_FLAGS_AMBA, "AMBA" },
	{ VFIO_DEVICE_FLAGS_CCW, "CCW" },
	{ VFIO_DEVICE_FLAGS_AP, "AP" },
	{ VFIO_DEVICE_FLAGS_FSL_MC, "FSL_MC" },
	{ VFIO_DEVICE_FLAGS_CAPS, "CAPS" },
	{ VFIO_DEVICE_FLAGS_CDX, "CDX" },
	{ }
};

static const struct vfio_flag_name region_flags[] = {
	{ VFIO_REGION_INFO_FLAG_READ, "READ" },
	{ VFIO_REGION_INFO_FLAG_WRITE, "WRITE" },
	{ VFIO_REGION_INFO_FLAG_MMAP, "MMAP" },
	{ VFIO_REGION_INFO_FLAG_CAPS, "CAPS" },
	{ }
};

static const struct vfio_flag_name irq_flags[] = {
	{ VFIO_IRQ_INFO_EVENTFD, "EVENTFD" },
	{ VFIO_IRQ_INFO_MASKABLE, "MASKABLE" },
	{ VFIO_IRQ_INFO_AUTOMASKED, "AUTOMASKED" },
	{ VFIO_IRQ_INFO_NORESIZE, "NORESIZE" },
	{ }
};

static const struct vfio_flag_name status_flags[] = {
	{ PCI_STATUS_IMM_READY, "IMM_READY" },
	{ PCI_STATUS_INTERRUPT, "INTERRUPT" },
	{ PCI_STATUS_CAP_LIST, "CAP_LIST" },
	{ PCI_STATUS_66MHZ, "66MHZ" },
	{ PCI_STATUS_UDF, "UDF" },
	{ PCI_STATUS_FAST_BACK, "FAST_BACK" },
	{ PCI_STATUS_PARITY, "PARITY" },
	{ PCI_STATUS_SIG_TARGET_ABORT, "SIG_TARGET_ABORT" },
	{ PCI_STATUS_REC_TARGET_ABORT, "REC_TARGET_ABORT" },
	{ PCI_STATUS_REC_MASTER_ABORT, "REC_MASTER_ABORT" },
	{ PCI_STATUS_SIG_SYSTEM_ERROR, "SIG_SYSTEM_ERROR" },
	{ PCI_STATUS_DETECTED_PARITY, "DETECTED_PARITY" },
	{ }
};

static const char * const region_names[] = {
	[VFIO_PCI_BAR0_REGION_INDEX] = "BAR0",
	[VFIO_PCI_BAR1_REGION_INDEX] = "BAR1",
	[VFIO_PCI_BAR2_REGION_INDEX] = "BAR2",
	[VFIO_PCI_BAR3_REGION_INDEX] = "BAR3",
	[VFIO_PCI_BAR4_REGION_INDEX] = "BAR4",
	[VFIO_PCI_BAR5_REGION_INDEX] = "BAR5",
	[VFIO_PCI_ROM_REGION_INDEX] = "ROM",
	[VFIO_PCI_CONFIG_REGION_INDEX] = "CONFIG",
	[VFIO_PCI_VGA_REGION_INDEX] = "VGA",
};

static const char * const irq_names[] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = "INTX",
	[VFIO_PCI_MSI_IRQ_INDEX] = "MSI",
	[VFIO_PCI_MSIX_IRQ_INDEX] = "MSIX",
	[VFIO_PCI_ERR_IRQ_INDEX] = "ERR",
	[VFIO_PCI_REQ_IRQ_INDEX] = "REQ",
};

/* failures of the way being shown */
static int failures;

static void fail(const char *fmt, ...) __printf(1, 2);

static void fail(const char *fmt, ...)
{
	va_list ap;

	printf("  FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures++;
}

static void show_open(struct vfio_dev *d)
{
	int ver;

	if (d->mode == VFIO_MODE_GROUP) {
		ver = ioctl(d->container_fd, VFIO_GET_API_VERSION);
		fprintf(stdout,
			"  container: /dev/vfio/vfio (fd %d), API version %d, IOMMU VFIO_TYPE1v2_IOMMU\n",
			d->container_fd, ver);
		fprintf(stdout,
			"  group:     %s (iommu group %d, fd %d), viable, attached to the container\n",
			d->path, d->group_id, d->group_fd);
		printf("  device:    VFIO_GROUP_GET_DEVICE_FD(\"%s\") -> fd %d\n",
		       d->bdf, d->device_fd);
	} else {
		printf("  device:    %s (fd %d)\n", d->path, d->device_fd);
		printf("  iommufd:   /dev/iommu (fd %d), bound as devid %u\n",
		       d->iommufd, d->devid);
		fprintf(stdout,
			"  ioas:      IOMMU_IOAS_ALLOC -> id %u, attached with VFIO_DEVICE_ATTACH_IOMMUFD_PT\n",
			d->ioas_id);
	}
}

static int show_device_info(struct vfio_dev *d, struct vfio_device_info *info)
{
	char buf[128];
	int ret;

	ret = vfio_device_info(d, info);
	if (ret) {
		fail("VFIO_DEVICE_GET_INFO: %s (errno %d)", strerror(-ret),
		     -ret);
		return ret;
	}
	printf("  device info: flags 0x%x <%s>, num_regions %u, num_irqs %u\n",
	       info->flags,
	       vfio_flags_str(buf, sizeof(buf), info->flags, device_flags),
	       info->num_regions, info->num_irqs);
	if (!(info->flags & VFIO_DEVICE_FLAGS_PCI))
		fail("device info lacks VFIO_DEVICE_FLAGS_PCI");
	return 0;
}

static void show_regions(struct vfio_dev *d, struct vfio_device_info *info)
{
	struct vfio_region_info ri;
	char buf[128], name[16];
	__u32 i, n;
	int ret;

	n = info->num_regions > VFIO_PCI_NUM_REGIONS ?
	    info->num_regions : VFIO_PCI_NUM_REGIONS;
	for (i = 0; i < n; i++) {
		if (i < ARRAY_SIZE(region_names))
			snprintf(name, sizeof(name), "%s", region_names[i]);
		else
			snprintf(name, sizeof(name), "dev%u", i);
		ret = vfio_region_info(d, i, &ri);
		if (ret == -EINVAL && i == VFIO_PCI_VGA_REGION_INDEX) {
			printf("  region %u %-6s not present (EINVAL: no VGA)\n",
			       i, name);
			continue;
		}
		if (ret) {
			printf("  region %u %-6s error\n", i, name);
			fail("VFIO_DEVICE_GET_REGION_INFO(%u): %s (errno %d)",
			     i, strerror(-ret), -ret);
			continue;
		}
		printf("  region %u %-6s size 0x%-8llx flags 0x%x <%s> offset 0x%llx\n",
		       i, name, (unsigned long long)ri.size, ri.flags,
		       vfio_flags_str(buf, sizeof(buf), ri.flags, region_flags),
		       (unsigned long long)ri.offset);
	}
}

static void show_irqs(struct vfio_dev *d, struct vfio_device_info *info)
{
	struct vfio_irq_info ii;
	const char *name;
	char buf[128];
	__u32 i;
	int ret;

	for (i = 0; i < info->num_irqs; i++) {
		name = i < ARRAY_SIZE(irq_names) ? irq_names[i] : "?";
		ret = vfio_irq_info(d, i, &ii);
		if (ret == -EINVAL && i == VFIO_PCI_ERR_IRQ_INDEX) {
			printf("  irq %u %-4s not present (EINVAL: not a PCIe device)\n",
			       i, name);
			continue;
		}
		if (ret) {
			printf("  irq %u %-4s error\n", i, name);
			fail("VFIO_DEVICE_GET_IRQ_INFO(%u): %s (errno %d)",
			     i, strerror(-ret), -ret);
			continue;
		}
		printf("  irq %u %-4s count %u flags 0x%x <%s>\n", i, name,
		       ii.count, ii.flags,
		       vfio_flags_str(buf, sizeof(buf), ii.flags, irq_flags));
	}
}

static void show_config(struct vfio_dev *d)
{
	__u8 cfg[64];
	char buf[256];
	__u32 v, bar0, cmd, sts;
	int i, ret;

	for (i = 0; i < 64; i += 4) {
		ret = vfio_cfg_read(d, i, 4, &v);
		if (ret) {
			fail("config read of 4 bytes at 0x%x: %s (errno %d)",
			     i, strerror(-ret), -ret);
			return;
		}
		cfg[i] = v;
		cfg[i + 1] = v >> 8;
		cfg[i + 2] = v >> 16;
		cfg[i + 3] = v >> 24;
	}
	printf("  config header (first 64 bytes):\n");
	for (i = 0; i < 64; i += 16) {
		int j, used = 0;

		for (j = 0; j < 16; j++)
			used += snprintf(buf + used, sizeof(buf) - used,
					 " %02x", cfg[i + j]);
		printf("    %02x:%s\n", i, buf);
	}

	cmd = cfg[PCI_COMMAND] | cfg[PCI_COMMAND + 1] << 8;
	sts = cfg[PCI_STATUS] | cfg[PCI_STATUS + 1] << 8;
	bar0 = cfg[PCI_BASE_ADDRESS_0] | cfg[PCI_BASE_ADDRESS_0 + 1] << 8 |
	       cfg[PCI_BASE_ADDRESS_0 + 2] << 16 |
	       (__u32)cfg[PCI_BASE_ADDRESS_0 + 3] << 24;
	fprintf(stdout,
		"  vendor 0x%04x device 0x%04x revision 0x%02x class 0x%02x%02x%02x header type 0x%02x\n",
		cfg[0] | cfg[1] << 8, cfg[2] | cfg[3] << 8,
		cfg[PCI_REVISION_ID], cfg[PCI_CLASS_PROG + 2],
		cfg[PCI_CLASS_PROG + 1], cfg[PCI_CLASS_PROG],
		cfg[PCI_HEADER_TYPE]);
	printf("  command 0x%04x <%s>\n", cmd,
	       vfio_flags_str(buf, sizeof(buf), cmd, pci_command_names));
	printf("  status  0x%04x <%s>\n", sts,
	       vfio_flags_str(buf, sizeof(buf), sts, status_flags));
	if (bar0 & PCI_BASE_ADDRESS_SPACE_IO)
		printf("  BAR0    0x%08x: I/O port at 0x%x\n", bar0,
		       bar0 & (__u32)PCI_BASE_ADDRESS_IO_MASK);
	else
		printf("  BAR0    0x%08x: memory at 0x%x, %s, %sprefetchable\n",
		       bar0, bar0 & (__u32)PCI_BASE_ADDRESS_MEM_MASK,
		       (bar0 & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
		       PCI_BASE_ADDRESS_MEM_TYPE_64 ? "64-bit" : "32-bit",
		       bar0 & PCI_BASE_ADDRESS_MEM_PREFETCH ? "" : "non-");
	printf("  interrupt pin %u line %u\n", cfg[PCI_INTERRUPT_PIN],
	       cfg[PCI_INTERRUPT_LINE]);
}

static void check_edu(struct vfio_dev *d)
{
	static const __u32 values[] = { 0x12345678, 0xa5a5a5a5 };
	__u32 v;
	size_t i;
	int ret;

	ret = vfio_bar_read32(d, 0, EDU_REG_ID, &v);
	if (ret)
		fail("edu id: read of BAR0+0x%x: %s (errno %d)", EDU_REG_ID,
		     strerror(-ret), -ret);
	else if (v != EDU_ID_VALUE)
		fail("edu id: BAR0+0x%x reads 0x%08x, expected 0x%08x",
		     EDU_REG_ID, v, EDU_ID_VALUE);
	else
		printf("  PASS: edu id: BAR0+0x%x reads 0x%08x\n",
		       EDU_REG_ID, v);

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		ret = vfio_bar_write32(d, 0, EDU_REG_LIVENESS, values[i]);
		if (ret) {
			fail("edu liveness: write 0x%08x to BAR0+0x%x: %s (errno %d)",
			     values[i], EDU_REG_LIVENESS, strerror(-ret), -ret);
			continue;
		}
		ret = vfio_bar_read32(d, 0, EDU_REG_LIVENESS, &v);
		if (ret)
			fail("edu liveness: read of BAR0+0x%x: %s (errno %d)",
			     EDU_REG_LIVENESS, strerror(-ret), -ret);
		else if (v != ~values[i])
			fail("edu liveness: wrote 0x%08x, read 0x%08x, expected 0x%08x",
			     values[i], v, ~values[i]);
		else
			printf("  PASS: edu liveness: wrote 0x%08x, read 0x%08x\n",
			       values[i], v);
	}
}

static int demo_one(const char *bdf, enum vfio_open_mode mode)
{
	struct vfio_device_info info;
	struct vfio_dev d;
	int ret;

	failures = 0;
	printf("=== %s: %s ===\n", bdf, mode == VFIO_MODE_GROUP ?
	       "group + container (/dev/vfio/vfio, /dev/vfio/N)" :
	       "device cdev + iommufd (/dev/vfio/devices/vfioN, /dev/iommu)");

	ret = vfio_dev_open(&d, bdf, mode);
	if (ret) {
		fail("open via %s: %s", vfio_mode_name(mode), d.err);
		return failures;
	}
	show_open(&d);
	if (!show_device_info(&d, &info)) {
		show_regions(&d, &info);
		show_irqs(&d, &info);
	}
	show_config(&d);
	check_edu(&d);
	vfio_dev_close(&d);

	if (failures)
		printf("  %s: %d check(s) FAILED\n", vfio_mode_name(mode),
		       failures);
	else
		printf("  PASS: %s: everything worked\n",
		       vfio_mode_name(mode));
	return failures;
}

int main(int argc, char **argv)
{
	int group_fail, cdev_fail;
	const char *cdev_off;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DDDD:BB:DD.F\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!sysfs_device_exists(argv[1])) {
		printf("FAIL: no PCI device %s in /sys/bus/pci/devices\n",
		       argv[1]);
		return 1;
	}

	group_fail = demo_one(argv[1], VFIO_MODE_GROUP);
	/*
	 * A kernel without iommufd has no cdev path: the suite says so from
	 * its configuration (VFIO_CDEV_OFF), and the demo shows the group
	 * path alone.
	 */
	cdev_off = getenv("VFIO_CDEV_OFF");
	if (cdev_off && *cdev_off && access("/dev/iommu", F_OK)) {
		printf("=== %s: device cdev + iommufd: SKIP %s ===\n", argv[1],
		       cdev_off);
		if (group_fail) {
			printf("RESULT: FAIL (group: %d failure(s))\n",
			       group_fail);
			return 1;
		}
		printf("RESULT: PASS (group; cdev skipped)\n");
		return 0;
	}
	cdev_fail = demo_one(argv[1], VFIO_MODE_CDEV);

	if (group_fail || cdev_fail) {
		printf("RESULT: FAIL (group: %d failure(s), cdev: %d failure(s))\n",
		       group_fail, cdev_fail);
		return 1;
	}
	printf("RESULT: PASS (group and cdev)\n");
	return 0;
}
