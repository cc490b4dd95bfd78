// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR and expansion ROM access through read() and write() on the device fd.
 */

#include <linux/io.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_private.h"

/*
 * Map a BAR on its first use. The region is requested so that no other
 * driver can claim it while userspace owns the device.
 */
static void __iomem *bar_map(struct vfio_pci_core_device *vdev,
			     unsigned int bar)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	int ret;

	mutex_lock(&vdev->bar_lock);
	io = vdev->barmap[bar];
	if (io)
		goto out_unlock;
	ret = pci_request_selected_regions(pdev, BIT(bar), KBUILD_MODNAME);
	if (ret) {
		io = IOMEM_ERR_PTR(ret);
		goto out_unlock;
	}
	io = pci_iomap(pdev, bar, 0);
	if (!io) {
		pci_release_selected_regions(pdev, BIT(bar));
		io = IOMEM_ERR_PTR(-ENOMEM);
		goto out_unlock;
	}
	vdev->barmap[bar] = io;
out_unlock:
	mutex_unlock(&vdev->bar_lock);
	return io;
}

/* Release every BAR mapping; the device is closing, nobody else uses them. */
void vfio_pci_bars_unmap(struct vfio_pci_core_device *vdev)
{
	unsigned int bar;

	mutex_lock(&vdev->bar_lock);
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!vdev->barmap[bar])
			continue;
		pci_iounmap(vdev->pdev, vdev->barmap[bar]);
		pci_release_selected_regions(vdev->pdev, BIT(bar));
		vdev->barmap[bar] = NULL;
	}
	mutex_unlock(&vdev->bar_lock);
}

static int bar_read_one(void __iomem *io, char __user *buf, unsigned int len)
{
	union {
		u8 b;
		__le16 w;
		__le32 l;
	} v;

	switch (len) {
	case 1:
		v.b = ioread8(io);
		break;
	case 2:
		v.w = cpu_to_le16(ioread16(io));
		break;
	default:
		v.l = cpu_to_le32(ioread32(io));
		break;
	}
	return copy_to_user(buf, &v, len) ? -EFAULT : 0;
}

static int bar_write_one(void __iomem *io, const char __user *buf,
			 unsigned int len)
{
	union {
		u8 b;
		__le16 w;
		__le32 l;
	} v;

	if (copy_from_user(&v, buf, len))
		return -EFAULT;
	switch (len) {
	case 1:
		iowrite8(v.b, io);
		break;
	case 2:
		iowrite16(le16_to_cpu(v.w), io);
		break;
	default:
		iowrite32(le32_to_cpu(v.l), io);
		break;
	}
	return 0;
}

/*
 * Read or write a BAR. Returns the bytes done, or an error when nothing was
 * done; a transfer is cut at the end of the BAR.
 */
ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *vdev, unsigned int bar,
			char __user *buf, size_t count, loff_t pos, bool write)
{
	resource_size_t size = pci_resource_len(vdev->pdev, bar);
	void __iomem *io;
	unsigned int len;
	size_t done = 0;
	int ret;

	if (pos < 0 || pos >= size)
		return -EINVAL;
	io = bar_map(vdev, bar);
	if (IS_ERR(io))
		return PTR_ERR(io);
	count = min_t(u64, count, size - pos);
	while (done < count) {
		len = vfio_pci_chunk_len(pos + done, count - done);
		if (write)
			ret = bar_write_one(io + pos + done, buf + done, len);
		else
			ret = bar_read_one(io + pos + done, buf + done, len);
		if (ret)
			return done ? done : ret;
		done += len;
	}
	return done;
}

/*
 * Read the expansion ROM. The PCI core enables ROM decode only for the time
 * of the mapping; bar_lock keeps two readers from disabling it under each
 * other. Reads past the ROM image return 0 bytes.
 */
ssize_t vfio_pci_rom_read(struct vfio_pci_core_device *vdev,
			  char __user *buf, size_t count, loff_t pos)
{
	void __iomem *rom;
	size_t size;
	void *bounce;
	ssize_t ret;

	if (pos < 0 || !pci_resource_len(vdev->pdev, PCI_ROM_RESOURCE))
		return -EINVAL;
	count = min_t(size_t, count, PAGE_SIZE);
	bounce = kmalloc(count, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	mutex_lock(&vdev->bar_lock);
	rom = pci_map_rom(vdev->pdev, &size);
	if (!rom) {
		ret = -EIO;
		goto out_unlock;
	}
	ret = 0;
	if (pos < size) {
		ret = min_t(u64, count, size - pos);
		memcpy_fromio(bounce, rom + pos, ret);
	}
	pci_unmap_rom(vdev->pdev, rom);
out_unlock:
	mutex_unlock(&vdev->bar_lock);
	if (ret > 0 && copy_to_user(buf, bounce, ret))
		ret = -EFAULT;
	kfree(bounce);
	return ret;
}
