// SPDX-License-Identifier: GPL-2.0
/*
 * The device under fuzzing and what programs share: its fd (over the group
 * or the cdev path), what it reported at the first open, a pool of
 * eventfds and the mappings programs made.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "fuzz.h"

/*
 * Writes the emulated devices of the rig cannot take, each of which kills
 * QEMU: its e1000e asserts in its throttling timer when MSI-X is enabled
 * while the legacy interrupt throttle (ITR) or a vector's (EITR) runs;
 * its edu calls hw_error() for a DMA outside its 4 KiB buffer. Devices,
 * not the driver, failing: on a real host such writes only reach the
 * device.
 */
static const struct fuzz_avoid avoid_table[] = {
	{ E1000E_VENDOR, E1000E_DEVICE, VFIO_PCI_BAR0_REGION_INDEX, 0x00c4, 0x00c8 },
	{ E1000E_VENDOR, E1000E_DEVICE, VFIO_PCI_BAR0_REGION_INDEX, 0x00e8, 0x00fc },
	/* IODATA: any register, through the I/O BAR's window */
	{ E1000E_VENDOR, E1000E_DEVICE, VFIO_PCI_BAR2_REGION_INDEX, 0x0004, 0x0008 },
	/* the DMA source, destination, count and command */
	{ EDU_VENDOR, EDU_DEVICE, VFIO_PCI_BAR0_REGION_INDEX, EDU_REG_DMA_SRC,
	  EDU_REG_END },
	{ 0 }
};

bool fuzz_avoided(const struct fuzz_dev *dev, uint32_t region, uint64_t off,
		  uint64_t len)
{
	const struct fuzz_avoid *a;

	/* the device's rows follow each other from its first */
	for (a = dev->avoid; a && a->vendor == dev->avoid->vendor &&
	     a->device == dev->avoid->device; a++)
		if (a->region == region && off < a->end && off + len > a->start)
			return true;
	return false;
}

static void learn_avoid(struct fuzz_dev *dev)
{
	const struct fuzz_avoid *a;
	__u32 id = 0;

	if (vfio_cfg_read(&dev->d, 0, 4, &id))
		return;
	for (a = avoid_table; a->vendor; a++) {
		if (a->vendor == (id & 0xffff) && a->device == id >> 16) {
			dev->avoid = a;
			return;
		}
	}
}

static void learn_regions(struct fuzz_dev *dev)
{
	struct vfio_region_info ri;
	__u32 i;

	for (i = 0; i < dev->num_regions && i < ARRAY_SIZE(dev->region_size);
	     i++) {
		if (vfio_region_info(&dev->d, i, &ri))
			continue;
		dev->region_size[i] = ri.size;
		dev->region_flags[i] = ri.flags;
	}
}

static void learn_irqs(struct fuzz_dev *dev)
{
	struct vfio_irq_info ii;
	__u32 i;

	for (i = 0; i < dev->num_irqs && i < ARRAY_SIZE(dev->irq_count); i++)
		if (!vfio_irq_info(&dev->d, i, &ii))
			dev->irq_count[i] = ii.count;
}

static int cap_at(struct fuzz_dev *dev, __u8 id)
{
	int pos = vfio_cfg_find_cap(&dev->d, id);

	return pos > 0 ? pos : 0;
}

static int efds_open(struct fuzz_dev *dev)
{
	int i;

	for (i = 0; i < FUZZ_EFDS; i++) {
		dev->efd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (dev->efd[i] < 0)
			return -errno;
	}
	return 0;
}

/**
 * fuzz_dev_init() - open the device and learn what it offers
 * @dev: zeroed
 * @bdf: the function, bound to a VFIO PCI driver
 * @mode: the path to open it through first
 *
 * Return: 0 or a negative errno, with dev->d.err saying which step failed.
 */
int fuzz_dev_init(struct fuzz_dev *dev, const char *bdf,
		  enum vfio_open_mode mode)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int ret;

	dev->bdf = bdf;
	dev->mode = mode;
	pthread_rwlock_init(&dev->dev_lock, NULL);
	pthread_mutex_init(&dev->maps_lock, NULL);
	pthread_mutex_init(&dev->mig_lock, NULL);
	dev->mig_fd = -1;
	ret = efds_open(dev);
	if (ret)
		return ret;
	ret = vfio_dev_open(&dev->d, bdf, mode);
	if (ret)
		return ret;
	dev->open = true;
	ret = vfio_device_info(&dev->d, &info);
	if (ret)
		return ret;
	dev->num_regions = info.num_regions;
	dev->num_irqs = info.num_irqs;
	learn_regions(dev);
	learn_irqs(dev);
	dev->cap_pm = cap_at(dev, PCI_CAP_ID_PM);
	dev->cap_msi = cap_at(dev, PCI_CAP_ID_MSI);
	dev->cap_msix = cap_at(dev, PCI_CAP_ID_MSIX);
	dev->cap_exp = cap_at(dev, PCI_CAP_ID_EXP);
	learn_avoid(dev);
	return 0;
}

/* Drop every mapping; maps_lock held or no other thread running. */
void fuzz_dev_unmap_all(struct fuzz_dev *dev)
{
	int i;

	for (i = 0; i < FUZZ_MAPS; i++) {
		if (dev->maps[i].addr)
			munmap(dev->maps[i].addr, dev->maps[i].len);
		dev->maps[i].addr = NULL;
	}
}

/**
 * fuzz_dev_reopen() - close the device and open it again
 * @dev: the device, dev_lock held for writing
 * @mode: the path to open it through
 *
 * The mappings go first: a mapping keeps the device open.
 *
 * Return: 0 or a negative errno; the device is then closed.
 */
int fuzz_dev_reopen(struct fuzz_dev *dev, enum vfio_open_mode mode)
{
	int ret;

	pthread_mutex_lock(&dev->maps_lock);
	fuzz_dev_unmap_all(dev);
	pthread_mutex_unlock(&dev->maps_lock);
	if (dev->open)
		vfio_dev_close(&dev->d);
	dev->open = false;
	ret = vfio_dev_open(&dev->d, dev->bdf, mode);
	if (ret)
		return ret;
	dev->open = true;
	dev->mode = mode;
	return 0;
}

void fuzz_dev_fini(struct fuzz_dev *dev)
{
	int i;

	fuzz_dev_unmap_all(dev);
	if (dev->open)
		vfio_dev_close(&dev->d);
	dev->open = false;
	for (i = 0; i < FUZZ_EFDS; i++)
		if (dev->efd[i] >= 0)
			close(dev->efd[i]);
	if (dev->mig_fd >= 0)
		close(dev->mig_fd);
	dev->mig_fd = -1;
}

/*
 * File descriptors an argument may name, by selector: an eventfd of the
 * pool, -1, the device itself, the group or iommufd, stdin, a number no
 * file has, the migration data fd (or -1).
 */
enum { FD_EFD, FD_MINUS1, FD_DEVICE, FD_GROUP, FD_IOMMUFD, FD_STDIN,
	FD_NONE, FD_MIG, FD_KINDS };

uint64_t fuzz_fd_sel(void)
{
	/* mostly eventfds: what the calls want */
	if (fuzz_below(4))
		return FD_EFD | fuzz_below(FUZZ_EFDS) << 8;
	return fuzz_below(FD_KINDS) | fuzz_below(FUZZ_EFDS) << 8;
}

int fuzz_fd_pick(struct fuzz_dev *dev, uint64_t sel)
{
	int fd;

	switch (sel & 0xff) {
	case FD_EFD:
		return dev->efd[(sel >> 8) % FUZZ_EFDS];
	case FD_MINUS1:
		return -1;
	case FD_DEVICE:
		return dev->d.device_fd;
	case FD_GROUP:
		return dev->d.group_fd;
	case FD_IOMMUFD:
		return dev->d.iommufd;
	case FD_STDIN:
		return 0;
	case FD_MIG:
		pthread_mutex_lock(&dev->mig_lock);
		fd = dev->mig_fd;
		pthread_mutex_unlock(&dev->mig_lock);
		return fd;
	default:
		return 1000 + (int)(sel >> 8 & 0xff);
	}
}
