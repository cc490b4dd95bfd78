// SPDX-License-Identifier: GPL-2.0
/*
 * DMA mapping helpers of the vfio_pci selftests; see vfio_dma_util.h.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "vfio_dma_util.h"

void *vfio_dma_buf_alloc(size_t len)
{
	void *buf;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return buf == MAP_FAILED ? NULL : buf;
}

void vfio_dma_buf_free(void *buf, size_t len)
{
	if (buf)
		munmap(buf, len);
}

/* type1 container of the group path */
static int container_map(struct vfio_dev *d, void *vaddr, size_t len,
			 __u64 iova)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = len,
	};

	if (ioctl(d->container_fd, VFIO_IOMMU_MAP_DMA, &map))
		return -errno;
	return 0;
}

static int container_unmap(struct vfio_dev *d, __u64 iova, size_t len)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = len,
	};

	if (ioctl(d->container_fd, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	/* the kernel writes back how much it really unmapped */
	return unmap.size == len ? 0 : -EIO;
}

/* IOAS of the cdev path, at the IOVA the caller chose */
static int ioas_map(struct vfio_dev *d, void *vaddr, size_t len, __u64 iova)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = d->ioas_id,
		.user_va = (uintptr_t)vaddr,
		.length = len,
		.iova = iova,
	};

	if (ioctl(d->iommufd, IOMMU_IOAS_MAP, &map))
		return -errno;
	return map.iova == iova ? 0 : -EIO;
}

static int ioas_unmap(struct vfio_dev *d, __u64 iova, size_t len)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = d->ioas_id,
		.iova = iova,
		.length = len,
	};

	if (ioctl(d->iommufd, IOMMU_IOAS_UNMAP, &unmap))
		return -errno;
	return unmap.length == len ? 0 : -EIO;
}

int vfio_dma_map(struct vfio_dev *d, void *vaddr, size_t len, __u64 iova)
{
	if (d->mode == VFIO_MODE_GROUP)
		return container_map(d, vaddr, len, iova);
	return ioas_map(d, vaddr, len, iova);
}

int vfio_dma_unmap(struct vfio_dev *d, __u64 iova, size_t len)
{
	if (d->mode == VFIO_MODE_GROUP)
		return container_unmap(d, iova, len);
	return ioas_unmap(d, iova, len);
}
