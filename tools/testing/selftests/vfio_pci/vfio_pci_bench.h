/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_pci_bench: what its parts share. vfio_pci_bench.c has the options,
 * the timing and reporting, the config, BAR, mapping and lifecycle
 * figures and main(); vfio_pci_bench_irq.c the ioeventfd and interrupt
 * figures.
 */
#ifndef VFIO_PCI_SELFTEST_BENCH_H
#define VFIO_PCI_SELFTEST_BENCH_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "qemu_devices.h"
#include "vfio_util.h"

#define SZ_4K			0x1000UL
#define SZ_2M			0x200000UL

#define EDU_PCI_ID			QEMU_ID(EDU_VENDOR, EDU_DEVICE)
#define EDU_IRQ_VAL		0x1
#define IVSHMEM_PCI_ID		QEMU_ID(IVSHMEM_VENDOR, IVSHMEM_DEVICE)
#define E1000E_PCI_ID		QEMU_ID(E1000E_VENDOR, E1000E_DEVICE)
/* IVAR: causes 20-24 (RxQ0, RxQ1, TxQ0, TxQ1, other) to vectors 0-4 */
#define E1000E_IVAR_MAP		0xcba98u
#define E1000E_NR_VECTORS	5

#define IRQ_WAIT_MS		1000	/* an interrupt not there by then is lost */
#define IOEVENTFD_DATA		0x1234abcdu

#define INTX			VFIO_PCI_INTX_IRQ_INDEX
#define MSI			VFIO_PCI_MSI_IRQ_INDEX
#define MSIX			VFIO_PCI_MSIX_IRQ_INDEX
#define TRIGGER			VFIO_IRQ_SET_ACTION_TRIGGER
#define UNMASK			VFIO_IRQ_SET_ACTION_UNMASK
#define DATA_NONE		VFIO_IRQ_SET_DATA_NONE
#define DATA_EVENTFD		VFIO_IRQ_SET_DATA_EVENTFD

struct bench_opts {
	unsigned int iters;	/* timed calls per latency figure, at most */
	unsigned int budget_ms;	/* time per latency figure, at most */
	unsigned int reps;	/* fault-in rounds; the median is reported */
	unsigned int irqs;	/* timed interrupts per figure, at most */
	unsigned int cycles;	/* open/close and bind cycles per figure */
	enum vfio_open_mode mode;
};

enum io_kind {
	IO_READ,	/* 4-byte pread */
	IO_WRITE,	/* 4-byte pwrite */
	IO_KICK,	/* signal an eventfd: write a count of 1 */
};

/* One transfer at a fixed position of an fd; fd < 0 does nothing. */
struct io_op {
	int fd;
	off_t pos;
	enum io_kind kind;
	__u32 val;
};

extern struct bench_opts opts;
extern int errors;

__u64 now_ns(void);
const char *errname(int err);
int io_once(struct io_op *op);
__u64 quantile(__u64 *v, unsigned int n, unsigned int permille);
void report_na_pair(const char *key, const char *why);
void print_us(const char *key, __u64 ns);
void latency(const char *key, const char *what, struct io_op *op);
int region_pos(struct vfio_dev *d, __u32 index, __u64 off,
	       off_t *pos, struct vfio_region_info *ri);
int command_bits(struct vfio_dev *d, __u32 bits, bool on);
int enable_memory(struct vfio_dev *d);
void bench_edu_irqs(struct vfio_dev *d);
void bench_msix(struct vfio_dev *d);

#endif /* VFIO_PCI_SELFTEST_BENCH_H */
