// SPDX-License-Identifier: GPL-2.0-only
/*
 * Regions a driver of the core adds to its devices, past the standard
 * ones: their info, their access through the device fd, their mappings.
 */

#include <linux/mm.h>
#include <linux/slab.h>

#include "vfio_pci_private.h"

/**
 * DOC: device regions
 *
 * A driver that knows more of its device than the standard regions show
 * adds regions of its own while the device opens, from its
 * &vfio_device_ops.open_device after vfio_pci_core_open_device() succeeded,
 * with vfio_pci_core_add_region(). Userspace finds them by their index,
 * from %VFIO_PCI_NUM_REGIONS up to &vfio_device_info.num_regions, with
 * VFIO_DEVICE_GET_REGION_INFO, whose capability chain starts with the
 * region's type (%VFIO_REGION_INFO_CAP_TYPE) followed by the driver's own
 * capabilities. The core checks every access against the region's flags
 * and size before it calls the driver; the close releases the regions.
 *
 * The table only changes while the device opens or closes, under the
 * device set's lock, when no operation of the device fd can run: the
 * fd's operations read it without a lock.
 */

#define REGION_FLAGS	(VFIO_REGION_INFO_FLAG_READ |			\
			 VFIO_REGION_INFO_FLAG_WRITE |			\
			 VFIO_REGION_INFO_FLAG_MMAP)

static bool region_valid(const struct vfio_pci_region *region)
{
	const struct vfio_pci_region_ops *ops = region->ops;

	if (!ops || !region->size || region->size > VFIO_PCI_OFFSET_MASK + 1 ||
	    (region->flags & ~REGION_FLAGS))
		return false;
	if ((region->flags & (VFIO_REGION_INFO_FLAG_READ |
			      VFIO_REGION_INFO_FLAG_WRITE)) && !ops->rw)
		return false;
	return !(region->flags & VFIO_REGION_INFO_FLAG_MMAP) || ops->mmap;
}

/**
 * vfio_pci_core_add_region() - give an opening device a region of the driver
 * @vdev: the device, opened by vfio_pci_core_open_device() in the driver's
 *	&vfio_device_ops.open_device, which has not returned yet
 * @region: the region, copied; @region->ops and what @region->data points
 *	to must stay valid until @region->ops->release is called
 *
 * The region lasts until the device closes: the core's close calls the
 * region's &vfio_pci_region_ops.release, if any, first. A driver whose
 * open fails after adding regions calls vfio_pci_core_close_device(),
 * which releases them.
 *
 * Context: the driver's open_device, under the device set's lock.
 * Return: the region's index, from %VFIO_PCI_NUM_REGIONS up; -EINVAL for
 * a region without a size, with unknown flags or without the callbacks
 * its flags need; -ENOSPC past %VFIO_PCI_CORE_MAX_REGIONS; -ENOMEM.
 */
int vfio_pci_core_add_region(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_region *region)
{
	struct vfio_pci_region *regions;

	lockdep_assert_held(&vdev->vdev.dev_set->lock);
	if (!region_valid(region))
		return -EINVAL;
	if (vdev->num_regions == VFIO_PCI_CORE_MAX_REGIONS)
		return -ENOSPC;
	regions = krealloc_array(vdev->regions, vdev->num_regions + 1,
				 sizeof(*regions), GFP_KERNEL_ACCOUNT);
	if (!regions)
		return -ENOMEM;
	regions[vdev->num_regions] = *region;
	vdev->regions = regions;
	return VFIO_PCI_NUM_REGIONS + vdev->num_regions++;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_add_region);

/**
 * vfio_pci_regions_close() - release the regions of a closing device
 * @vdev: the device
 *
 * In the reverse order of their adding.
 */
void vfio_pci_regions_close(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_region *region;

	while (vdev->num_regions) {
		region = &vdev->regions[--vdev->num_regions];
		if (region->ops->release)
			region->ops->release(vdev, region);
	}
	kfree(vdev->regions);
	vdev->regions = NULL;
}

/* The driver's region of @index, or NULL. */
static struct vfio_pci_region *region_of(struct vfio_pci_core_device *vdev,
					 unsigned int index)
{
	if (index < VFIO_PCI_NUM_REGIONS ||
	    index - VFIO_PCI_NUM_REGIONS >= vdev->num_regions)
		return NULL;
	return &vdev->regions[index - VFIO_PCI_NUM_REGIONS];
}

/**
 * vfio_pci_region_info() - VFIO_DEVICE_GET_REGION_INFO of a driver's region
 * @vdev: an open device
 * @info: the info being filled; @info->index is the region's
 * @caps: the capability chain being built
 *
 * Return: 0, -EINVAL when the device has no region of that index, or the
 * error of adding a capability.
 */
int vfio_pci_region_info(struct vfio_pci_core_device *vdev,
			 struct vfio_region_info *info,
			 struct vfio_info_cap *caps)
{
	struct vfio_pci_region *region = region_of(vdev, info->index);
	struct vfio_region_info_cap_type type = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
	};
	int ret;

	if (!region)
		return -EINVAL;
	info->size = region->size;
	info->flags = region->flags;
	type.type = region->type;
	type.subtype = region->subtype;
	ret = vfio_info_add_capability(caps, &type.header, sizeof(type));
	if (ret || !region->ops->add_caps)
		return ret;
	return region->ops->add_caps(vdev, region, caps);
}

/**
 * vfio_pci_region_rw() - read or write a driver's region through the fd
 * @vdev: an open device
 * @index: the region's index
 * @buf: user buffer
 * @count: bytes wanted
 * @pos: position in the region
 * @write: a write, else a read
 *
 * Return: what the driver's &vfio_pci_region_ops.rw returns, 0 at or past
 * the end of the region, or -EINVAL for a region the device does not
 * have or an access its flags do not allow.
 */
ssize_t vfio_pci_region_rw(struct vfio_pci_core_device *vdev,
			   unsigned int index, char __user *buf, size_t count,
			   loff_t pos, bool write)
{
	struct vfio_pci_region *region = region_of(vdev, index);
	u32 need = write ? VFIO_REGION_INFO_FLAG_WRITE :
			   VFIO_REGION_INFO_FLAG_READ;

	if (!region || !(region->flags & need) || pos < 0)
		return -EINVAL;
	if (pos >= region->size)
		return 0;
	count = min_t(u64, count, region->size - pos);
	return region->ops->rw(vdev, region, buf, count, pos, write);
}

/**
 * vfio_pci_region_mmap() - map a driver's region
 * @vdev: an open device
 * @index: the region's index
 * @vma: the new mapping, shared, inside the region
 *
 * Return: what the driver's &vfio_pci_region_ops.mmap returns, or -EINVAL
 * for a region the device does not have, that cannot be mapped, or a
 * range past its end.
 */
int vfio_pci_region_mmap(struct vfio_pci_core_device *vdev, unsigned int index,
			 struct vm_area_struct *vma)
{
	struct vfio_pci_region *region = region_of(vdev, index);
	u64 start = ((u64)vma->vm_pgoff << PAGE_SHIFT) & VFIO_PCI_OFFSET_MASK;
	u64 len = vma->vm_end - vma->vm_start;
	u64 size;

	if (!region || !(region->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -EINVAL;
	size = PAGE_ALIGN(region->size);
	if (start >= size || len > size - start)
		return -EINVAL;
	return region->ops->mmap(vdev, region, vma);
}
