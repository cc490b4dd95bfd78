// SPDX-License-Identifier: GPL-2.0-only
/*
 * ioeventfds: BAR writes the kernel makes when an eventfd is signalled, so
 * that a VMM can forward a guest's doorbell write without a trip through
 * userspace.
 */

#include <linux/eventfd.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_private.h"

/**
 * DOC: ioeventfds
 *
 * VFIO_DEVICE_IOEVENTFD binds an eventfd to a write of 1, 2, 4 or 8 bytes
 * of fixed data at a fixed BAR offset; each signal of the eventfd makes
 * the write (8 bytes as two 4-byte writes, low half first, where the
 * platform has no 8-byte MMIO). The same offset, data and size with fd -1
 * remove the binding. A device has
 * at most %VFIO_PCI_IOEVENTFD_MAX of them. Writes into the MSI-X table are
 * refused, as through the fd. A write to a memory BAR is dropped while the
 * device does not decode memory, like any other BAR access.
 */

#define VFIO_PCI_IOEVENTFD_MAX	1000

/**
 * struct vfio_pci_ioeventfd - one eventfd-triggered BAR write
 * @node: entry of &vfio_pci_core_device.ioeventfds
 * @vdev: its device
 * @virqfd: the VFIO core's watcher of the eventfd
 * @io: kernel mapping of the written address
 * @data: value written
 * @pos: offset in the BAR
 * @bar: BAR number
 * @count: bytes written, 1, 2, 4 or 8
 * @is_mem: the BAR is memory space, which decode may turn off
 */
struct vfio_pci_ioeventfd {
	struct list_head node;
	struct vfio_pci_core_device *vdev;
	struct virqfd *virqfd;
	void __iomem *io;
	u64 data;
	loff_t pos;
	unsigned int bar;
	unsigned int count;
	bool is_mem;
};

static void ioeventfd_write(struct vfio_pci_ioeventfd *ioe)
{
	switch (ioe->count) {
	case 1:
		iowrite8(ioe->data, ioe->io);
		break;
	case 2:
		iowrite16(ioe->data, ioe->io);
		break;
	case 4:
		iowrite32(ioe->data, ioe->io);
		break;
	default:
		iowrite64(ioe->data, ioe->io);
		break;
	}
}

/*
 * virqfd handler, in the eventfd's wakeup: write now unless the decode
 * lock is contended, then leave it to the thread. Returns nonzero for the
 * thread.
 */
static int ioeventfd_handler(void *opaque, void *unused)
{
	struct vfio_pci_ioeventfd *ioe = opaque;
	int ret;

	if (!ioe->is_mem) {
		ioeventfd_write(ioe);
		return 0;
	}
	ret = vfio_pci_decode_read_trylock_awake(ioe->vdev);
	if (ret == -EAGAIN)
		return 1;
	if (ret)
		return 0;
	ioeventfd_write(ioe);
	vfio_pci_core_decode_read_unlock(ioe->vdev);
	return 0;
}

static void ioeventfd_thread(void *opaque, void *unused)
{
	struct vfio_pci_ioeventfd *ioe = opaque;

	if (vfio_pci_decode_read_lock_awake(ioe->vdev))
		return;
	ioeventfd_write(ioe);
	vfio_pci_core_decode_read_unlock(ioe->vdev);
}

static void ioeventfd_free(struct vfio_pci_core_device *vdev,
			   struct vfio_pci_ioeventfd *ioe)
{
	vfio_virqfd_disable(&ioe->virqfd);
	list_del(&ioe->node);
	vdev->num_ioeventfds--;
	kfree(ioe);
}

static struct vfio_pci_ioeventfd *
ioeventfd_find(struct vfio_pci_core_device *vdev, unsigned int bar,
	       loff_t pos, u64 data, unsigned int count)
{
	struct vfio_pci_ioeventfd *ioe;

	list_for_each_entry(ioe, &vdev->ioeventfds, node)
		if (ioe->bar == bar && ioe->pos == pos &&
		    ioe->data == data && ioe->count == count)
			return ioe;
	return NULL;
}

static int ioeventfd_add(struct vfio_pci_core_device *vdev, unsigned int bar,
			 loff_t pos, u64 data, unsigned int count, int fd)
{
	struct vfio_pci_ioeventfd *ioe;
	void __iomem *io;
	int ret;

	if (vdev->num_ioeventfds >= VFIO_PCI_IOEVENTFD_MAX)
		return -ENOSPC;
	io = vfio_pci_core_bar_iomap(vdev, bar);
	if (IS_ERR(io))
		return PTR_ERR(io);
	ioe = kzalloc(sizeof(*ioe), GFP_KERNEL_ACCOUNT);
	if (!ioe)
		return -ENOMEM;
	*ioe = (struct vfio_pci_ioeventfd){
		.vdev = vdev, .io = io + pos, .data = data, .pos = pos,
		.bar = bar, .count = count,
		.is_mem = pci_resource_flags(vdev->pdev, bar) & IORESOURCE_MEM,
	};
	ret = vfio_virqfd_enable(ioe, ioeventfd_handler, ioeventfd_thread,
				 NULL, &ioe->virqfd, fd);
	if (ret) {
		kfree(ioe);
		return ret;
	}
	list_add_tail(&ioe->node, &vdev->ioeventfds);
	vdev->num_ioeventfds++;
	return 0;
}

/* Where the write lands must be a BAR, inside it, outside the MSI-X table. */
static int ioeventfd_check(struct vfio_pci_core_device *vdev,
			   unsigned int bar, loff_t pos, unsigned int count)
{
	if (bar > VFIO_PCI_BAR5_REGION_INDEX)
		return -EINVAL;
	if (pos + count > pci_resource_len(vdev->pdev, bar))
		return -EINVAL;
	if (bar == vdev->msix_bar && pos + count > vdev->msix_offset &&
	    pos < vdev->msix_offset + vdev->msix_size)
		return -EINVAL;
	return 0;
}

long vfio_pci_ioctl_ioeventfd(struct vfio_pci_core_device *vdev,
			      void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_ioeventfd, fd);
	struct vfio_device_ioeventfd ioeventfd;
	struct vfio_pci_ioeventfd *ioe;
	unsigned int bar, count;
	loff_t pos;
	int ret;

	if (copy_from_user(&ioeventfd, arg, minsz))
		return -EFAULT;
	if (ioeventfd.argsz < minsz ||
	    ioeventfd.flags & ~VFIO_DEVICE_IOEVENTFD_SIZE_MASK ||
	    hweight8(ioeventfd.flags) != 1 || ioeventfd.fd < -1)
		return -EINVAL;
	count = ioeventfd.flags;	/* one bit: 1, 2, 4 or 8 bytes */
	bar = VFIO_PCI_OFFSET_TO_INDEX(ioeventfd.offset);
	pos = ioeventfd.offset & VFIO_PCI_OFFSET_MASK;
	ret = ioeventfd_check(vdev, bar, pos, count);
	if (ret)
		return ret;

	mutex_lock(&vdev->ioeventfds_lock);
	ioe = ioeventfd_find(vdev, bar, pos, ioeventfd.data, count);
	if (ioeventfd.fd == -1)
		ret = ioe ? 0 : -ENODEV;
	else
		ret = ioe ? -EEXIST :
		      ioeventfd_add(vdev, bar, pos, ioeventfd.data, count,
				    ioeventfd.fd);
	if (ioeventfd.fd == -1 && ioe)
		ioeventfd_free(vdev, ioe);
	mutex_unlock(&vdev->ioeventfds_lock);
	return ret;
}

/**
 * vfio_pci_ioeventfds_close() - drop every ioeventfd of a closing device
 * @vdev: the device
 */
void vfio_pci_ioeventfds_close(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_ioeventfd *ioe, *tmp;

	mutex_lock(&vdev->ioeventfds_lock);
	list_for_each_entry_safe(ioe, tmp, &vdev->ioeventfds, node)
		ioeventfd_free(vdev, ioe);
	mutex_unlock(&vdev->ioeventfds_lock);
}
