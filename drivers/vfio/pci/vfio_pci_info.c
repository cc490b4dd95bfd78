// SPDX-License-Identifier: GPL-2.0-only
/*
 * The information ioctls: what a device has, as userspace is told it.
 */

#include <linux/bitfield.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_private.h"

/*
 * Copy the fixed part of an info structure in from userspace and check its
 * argsz. Each ioctl has its own minimal size: userspace built against an
 * older header passes less, and must still be served.
 */
static int info_copy_in(void *info, void __user *arg, size_t minsz)
{
	struct {
		__u32 argsz;
	} *hdr = info;

	if (copy_from_user(info, arg, minsz))
		return -EFAULT;
	return hdr->argsz < minsz ? -EINVAL : 0;
}

long vfio_pci_ioctl_get_info(struct vfio_pci_core_device *vdev,
			     void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;
	int ret;

	ret = info_copy_in(&info, arg, minsz);
	if (ret)
		return ret;
	info.flags = VFIO_DEVICE_FLAGS_PCI;
	if (vdev->reset_works)
		info.flags |= VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS + vdev->num_regions;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/**
 * vfio_pci_msix_locate() - find the MSI-X table of an opening device
 * @vdev: the device
 *
 * Sets &vfio_pci_core_device.msix_bar, .msix_offset and .msix_size.
 */
void vfio_pci_msix_locate(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u32 table;
	u16 flags;

	vdev->msix_bar = -1;
	if (!pdev->msix_cap ||
	    pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE,
				  &table) ||
	    pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags))
		return;
	vdev->msix_bar = table & PCI_MSIX_TABLE_BIR;
	vdev->msix_offset = table & PCI_MSIX_TABLE_OFFSET;
	vdev->msix_size = ((flags & PCI_MSIX_FLAGS_QSIZE) + 1) *
			  PCI_MSIX_ENTRY_SIZE;
}

/*
 * What a BAR offers: nothing when absent or the upper half of a 64-bit
 * BAR. The MSI-X table may be mapped with the rest of its BAR: interrupt
 * remapping, not the mapping, keeps a device's messages in bounds, and
 * the vectors are set up through VFIO_DEVICE_SET_IRQS only.
 */
static int bar_region_info(struct vfio_pci_core_device *vdev,
			   struct vfio_region_info *info,
			   struct vfio_info_cap *caps)
{
	struct vfio_info_cap_header msix = {
		.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
		.version = 1,
	};
	struct pci_dev *pdev = vdev->pdev;

	info->size = pci_resource_len(pdev, info->index);
	info->flags = info->size ?
		      VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE : 0;
	if (!vdev->bar_mmap[info->index])
		return 0;
	info->flags |= VFIO_REGION_INFO_FLAG_MMAP;
	if (vdev->msix_bar != info->index)
		return 0;
	return vfio_info_add_capability(caps, &msix, sizeof(msix));
}

/*
 * Place the capability chain after the fixed part if userspace left room
 * for it, else tell it the room it needs in @info->argsz.
 */
static int region_caps_out(struct vfio_region_info *info,
			   struct vfio_info_cap *caps, void __user *arg)
{
	if (!caps->size)
		return 0;
	info->flags |= VFIO_REGION_INFO_FLAG_CAPS;
	if (info->argsz < sizeof(*info) + caps->size) {
		info->argsz = sizeof(*info) + caps->size;
		return 0;
	}
	vfio_info_cap_shift(caps, sizeof(*info));
	if (copy_to_user(arg + sizeof(*info), caps->buf, caps->size))
		return -EFAULT;
	info->cap_offset = sizeof(*info);
	return 0;
}

long vfio_pci_ioctl_get_region_info(struct vfio_pci_core_device *vdev,
				    void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_region_info info;
	int ret;

	ret = info_copy_in(&info, arg, minsz);
	if (ret)
		return ret;

	info.cap_offset = 0;
	switch (info.index) {
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		ret = bar_region_info(vdev, &info, &caps);
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
		ret = vfio_pci_rom_region_size(vdev, &info.size);
		info.flags = info.size ? VFIO_REGION_INFO_FLAG_READ : 0;
		break;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.size = pdev->cfg_size;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_VGA_REGION_INDEX:
		/* absent, not empty, where not offered: VMMs probe it so */
		if (!vfio_pci_vga_offered(vdev)) {
			ret = -EINVAL;
			break;
		}
		info.size = VFIO_PCI_VGA_REGION_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	default:
		ret = vfio_pci_region_info(vdev, &info, &caps);
		break;
	}
	info.offset = VFIO_PCI_INDEX_TO_OFFSET(info.index);
	if (!ret)
		ret = region_caps_out(&info, &caps, arg);
	kfree(caps.buf);
	if (ret)
		return ret;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/* Vectors the MSI capability can ask for: 1 << Multiple Message Capable. */
static u32 msi_vector_count(struct pci_dev *pdev)
{
	u16 flags;

	if (!pdev->msi_cap)
		return 0;
	if (pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS, &flags))
		return 0;
	return 1U << FIELD_GET(PCI_MSI_FLAGS_QMASK, flags);
}

/**
 * vfio_pci_irq_count() - vectors of an interrupt type
 * @vdev: an open device
 * @index: VFIO_PCI_*_IRQ_INDEX
 *
 * Return: how many vectors of the type userspace may set, 0 for none.
 */
unsigned int vfio_pci_irq_count(struct vfio_pci_core_device *vdev,
				unsigned int index)
{
	struct pci_dev *pdev = vdev->pdev;
	int n;

	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		return vfio_pci_has_intx(pdev) ? 1 : 0;
	case VFIO_PCI_MSI_IRQ_INDEX:
		return msi_vector_count(pdev);
	case VFIO_PCI_MSIX_IRQ_INDEX:
		n = pdev->msix_cap ? pci_msix_vec_count(pdev) : 0;
		return n > 0 ? n : 0;
	case VFIO_PCI_ERR_IRQ_INDEX:
		return pci_is_pcie(pdev) ? 1 : 0;
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:
		return 0;
	}
}

static void irq_info_fill(struct vfio_pci_core_device *vdev,
			  struct vfio_irq_info *info)
{
	info->flags = VFIO_IRQ_INFO_EVENTFD;
	info->count = vfio_pci_irq_count(vdev, info->index);
	if (info->index == VFIO_PCI_INTX_IRQ_INDEX)
		info->flags |= VFIO_IRQ_INFO_MASKABLE |
			       VFIO_IRQ_INFO_AUTOMASKED;
	else if (info->index != VFIO_PCI_MSIX_IRQ_INDEX || !vdev->has_dyn_msix)
		info->flags |= VFIO_IRQ_INFO_NORESIZE;
}

long vfio_pci_ioctl_get_irq_info(struct vfio_pci_core_device *vdev,
				 void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;
	int ret;

	ret = info_copy_in(&info, arg, minsz);
	if (ret)
		return ret;
	/* a function without PCIe has no error reporting to offer */
	if (info.index >= VFIO_PCI_NUM_IRQS ||
	    (info.index == VFIO_PCI_ERR_IRQ_INDEX && !pci_is_pcie(vdev->pdev)))
		return -EINVAL;
	irq_info_fill(vdev, &info);
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}
