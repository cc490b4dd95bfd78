/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA mapping helpers of the vfio_pci selftests: map and unmap user memory
 * for a device opened by vfio_dev_open(), with the type1 container of the
 * group path or the IOAS of the cdev + iommufd path, whichever it uses.
 */
#ifndef VFIO_PCI_SELFTEST_DMA_UTIL_H
#define VFIO_PCI_SELFTEST_DMA_UTIL_H

#include <stddef.h>
#include <linux/types.h>

#include "vfio_util.h"

/* A page-aligned, zeroed anonymous buffer of @len bytes, NULL on failure. */
void *vfio_dma_buf_alloc(size_t len);
void vfio_dma_buf_free(void *buf, size_t len);

/*
 * Map @len bytes at @vaddr (both page aligned) readable and writable by
 * the device at IOVA @iova. Returns 0 or a negative errno.
 */
int vfio_dma_map(struct vfio_dev *d, void *vaddr, size_t len, __u64 iova);

/*
 * Unmap what vfio_dma_map() mapped at @iova. Returns 0 or a negative errno;
 * -EIO when the kernel reports unmapping another byte count than @len.
 */
int vfio_dma_unmap(struct vfio_dev *d, __u64 iova, size_t len);

#endif /* VFIO_PCI_SELFTEST_DMA_UTIL_H */
