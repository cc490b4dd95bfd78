/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * What edu_vfio_pci shows userspace beyond vfio-pci: its register
 * snapshot region with its capability, and the layout of its migration
 * stream. Shared by the sample driver and its tests.
 */
#ifndef EDU_VFIO_PCI_H
#define EDU_VFIO_PCI_H

#include <linux/types.h>
#include <linux/vfio.h>

/* the snapshot region: its type (edu's vendor id) and subtype */
#define EDU_VFIO_PCI_REGION_TYPE	(VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x1234U)
#define EDU_VFIO_PCI_REGION_SNAPSHOT	1
/* bytes of the region: one page, mappable read-only */
#define EDU_VFIO_PCI_SNAPSHOT_SIZE	4096

/*
 * edu's registers, at their BAR0 offsets, which are also where the
 * snapshot holds them; the DMA ones are 8 bytes wide
 */
#define EDU_REG_ID			0x00
#define EDU_REG_LIVENESS		0x04	/* reads the inverse of what was written */
#define EDU_REG_FACT			0x08	/* takes n, reads n! */
#define EDU_REG_STATUS			0x20
#define EDU_REG_IRQ_STATUS		0x24
#define EDU_REG_IRQ_RAISE		0x60	/* write-only */
#define EDU_REG_IRQ_ACK			0x64	/* write-only */
#define EDU_REG_DMA_SRC			0x80
#define EDU_REG_DMA_DST			0x88
#define EDU_REG_DMA_COUNT		0x90
#define EDU_REG_DMA_CMD			0x98
#define EDU_REG_END			0xa0
#define EDU_REG_STATUS_COMPUTING	0x01
#define EDU_REG_STATUS_IRQFACT		0x80
#define EDU_REG_DMA_START		0x01

/*
 * The capability the snapshot region's info carries after its type: the
 * registers sit at their BAR0 offsets in the first @regs_size bytes, each
 * read again by every read() of the region, and by its mmap().
 */
#define EDU_VFIO_PCI_CAP_SNAPSHOT	0xed00
struct edu_vfio_pci_cap_snapshot {
	struct vfio_info_cap_header header;
	__u32 regs_size;
	__u32 reserved;
};

/*
 * The migration stream, little endian: edu's architectural state as
 * STOP_COPY reads it, refused by RESUMING unless @magic, @version, @size
 * and @crc (crc32, seed ~0, of the bytes before it) check and @id is the
 * receiving card's.
 */
#define EDU_VFIO_PCI_MIG_MAGIC		0x4d554445	/* "EDUM" */
#define EDU_VFIO_PCI_MIG_VERSION	1
struct edu_vfio_pci_mig {
	__le32 magic;
	__le32 version;
	__le32 size;		/* sizeof(struct edu_vfio_pci_mig) */
	__le32 id;		/* identification, 0x00 */
	__le32 liveness;	/* liveness as read, 0x04 */
	__le32 fact;		/* factorial result, 0x08 */
	__le32 status;		/* status, 0x20 */
	__le32 irq_status;	/* interrupt status, 0x24 */
	__le64 dma_src;		/* 0x80 */
	__le64 dma_dst;		/* 0x88 */
	__le64 dma_count;	/* 0x90 */
	__le64 dma_cmd;		/* 0x98, saved, not loaded */
	__le32 crc;
	__le32 reserved;
};

#endif /* EDU_VFIO_PCI_H */
