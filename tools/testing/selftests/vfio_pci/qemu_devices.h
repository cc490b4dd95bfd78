/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The QEMU devices the tests run on: their PCI ids, and the registers of
 * those the tests drive. edu's register layout is the one the sample
 * variant driver's uAPI header describes (samples/vfio-pci), included
 * here; e1000e's are the 82574's as QEMU models them.
 */
#ifndef VFIO_PCI_SELFTEST_QEMU_DEVICES_H
#define VFIO_PCI_SELFTEST_QEMU_DEVICES_H

#include "edu_vfio_pci.h"

/* vendor and device id, and the two as one 32-bit id (vendor << 16) */
#define QEMU_ID(vendor, device)	((unsigned int)(vendor) << 16 | (device))

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define E1000E_VENDOR		0x8086
#define E1000E_DEVICE		0x10d3
#define NVME_VENDOR		0x1b36
#define NVME_DEVICE		0x0010
#define TESTDEV_VENDOR		0x1b36
#define TESTDEV_DEVICE		0x0005
#define IVSHMEM_VENDOR		0x1af4
#define IVSHMEM_DEVICE		0x1110
#define VGA_VENDOR		0x1234
#define VGA_DEVICE		0x1111

/* edu: what its identification register reads (version 1.0, "ed") */
#define EDU_ID_VALUE		0x010000edu
/* the DMA command bits, a finished DMA's interrupt, the buffer */
#define EDU_DMA_START		EDU_REG_DMA_START
#define EDU_DMA_TO_RAM		0x2
#define EDU_DMA_IRQ		0x4
#define EDU_DMA_IRQ_VALUE	0x100	/* status bit a finished DMA raises */
#define EDU_DMA_BUF		0x40000	/* device address of its buffer */
#define EDU_DMA_BUF_SIZE	4096

/* e1000e: interrupt causes, their masks and their MSI-X vectors */
#define E1000E_REG_ICR		0xc0	/* causes; a write of 1 clears */
#define E1000E_REG_ICS		0xc8	/* sets causes */
#define E1000E_REG_IMS		0xd0	/* enables causes */
#define E1000E_REG_IMC		0xd8	/* disables causes */
#define E1000E_REG_IVAR		0xe4	/* cause to MSI-X vector map */
#define E1000E_REG_PBACLR	0x5b68	/* MSI-X pending bits, 1 clears */
/*
 * IVAR has five 4-bit entries, RxQ0, RxQ1, TxQ0, TxQ1 and Other, from bit
 * 0 up: a vector number in bits 0-2 and a valid bit. Their causes are ICR
 * bits 20 to 24, in the same order.
 */
#define E1000E_IVAR_VALID	0x8
#define E1000E_NR_CAUSES	5
#define E1000E_CAUSE(n)		(1u << (20 + (n)))

/* nvme: controller registers, BAR0 */
#define NVME_REG_CAP		0x00
#define NVME_REG_VS		0x08
#define NVME_REG_CC		0x14	/* controller configuration */
#define NVME_REG_CSTS		0x1c
#define NVME_CSTS_CFS		0x2

/* ivshmem-plain: the shared memory BAR */
#define IVSHMEM_BAR_SHM		2

#endif /* VFIO_PCI_SELFTEST_QEMU_DEVICES_H */
