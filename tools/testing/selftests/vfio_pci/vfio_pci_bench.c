// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_bench [-n ITERS] [-t MS] [-r REPS] [-i IRQS] [-p group|cdev] BDF...
 *
 * Latency of the paths a VMM takes through a device bound to vfio-pci, for
 * comparing two builds of the driver on the same machine:
 *
 *  - 4-byte config space preads through the device fd, at 0x00 and at the
 *    first capability, and the same reads through sysfs "config": the PCI
 *    core's own path with no vfio in it, which always reads the device;
 *  - 4-byte BAR preads and pwrites through the device fd;
 *  - the cost of faulting in a whole mmap()ed BAR, one read per 4 KiB page,
 *    with the mapping 2 MiB aligned (huge mappings possible) and skewed by
 *    4 KiB (4 KiB mappings only), of reading it again once mapped, of the
 *    munmap() after it, and of mmap() + munmap() alone;
 *  - the cost of a 4-byte write through an ioeventfd (VFIO_DEVICE_IOEVENTFD):
 *    the eventfd write that makes the kernel write the device;
 *  - interrupts: from the BAR write that makes the device interrupt to its
 *    eventfd being read, for INTx (also the whole round trip with the
 *    acknowledge and the unmask, by ACTION_UNMASK or by an unmask eventfd),
 *    MSI and MSI-X;
 *  - the lifecycle: open + close of edu (whose close resets its bus) and,
 *    with -V, of an SR-IOV VF (whose close is an FLR), and the VF's unbind
 *    + bind through sysfs, CYCLES times each, median and worst in ms.
 *
 * Devices are recognised by their ids: edu (1234:11e8) gets the config
 * space figures, BAR0 at 0x04 (its liveness register), the ioeventfd and
 * the INTx and MSI figures, ivshmem (1af4:1110) BAR2 (RAM) at 0x00 and the
 * mmap figures, e1000e (8086:10d3) the MSI-X figure. Each latency is
 * timed one call at a time with CLOCK_MONOTONIC after a warm-up, up to
 * ITERS calls or MS milliseconds, and reported as median and 99th
 * percentile including the cost of reading the clock (reported as "timer").
 * A 4-byte pread of /dev/zero ("null") gives the cost of the system call
 * itself, to tell a slower run from a slower driver. Interrupts are timed
 * the same way, up to IRQS of them after a tenth as many to warm up, in µs.
 *
 * Output, one figure a line, for scripts/rig/bench.sh:
 *
 *   bench KEY VALUE UNIT
 *   bench KEY n/a REASON...     the figure could not be taken
 *   info KEY VALUE...           context (sample counts, offsets)
 *   warn|error TEXT             something the table should mention
 *
 * Exits 0 when every figure was taken or could only not be taken because
 * the driver lacks mmap support; 1 on any other error; 2 on bad usage.
 */
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

static struct bench_opts opts = {
	.iters = 50000,
	.budget_ms = 1500,
	.reps = 7,
	.irqs = 400,
	.cycles = 5,
	.mode = VFIO_MODE_GROUP,
};

static int errors;

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "unknown errno";
}

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

static int io_once(struct io_op *op)
{
	__u64 one = 1;
	ssize_t n;

	if (op->fd < 0)
		return 0;
	switch (op->kind) {
	case IO_KICK:
		n = write(op->fd, &one, sizeof(one));
		return n == sizeof(one) ? 0 : n < 0 ? -errno : -EIO;
	case IO_WRITE:
		n = pwrite(op->fd, &op->val, sizeof(op->val), op->pos);
		break;
	default:
		n = pread(op->fd, &op->val, sizeof(op->val), op->pos);
	}
	if (n == sizeof(op->val))
		return 0;
	return n < 0 ? -errno : -EIO;
}

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/* Sort @v and return the value @permille thousandths of the way up it. */
static __u64 quantile(__u64 *v, unsigned int n, unsigned int permille)
{
	unsigned long idx = ((unsigned long)n * permille + 999) / 1000;

	qsort(v, n, sizeof(*v), cmp_u64);
	return v[idx ? idx - 1 : 0];
}

static void report_na(const char *key, const char *fmt, ...) __printf(2, 3);

static void report_na(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("bench %s n/a ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* KEY.p50 and KEY.p99 n/a for reason @why, counted as an error */
static void report_na_pair(const char *key, const char *why)
{
	char k[96];

	snprintf(k, sizeof(k), "%s.p50", key);
	report_na(k, "%s", why);
	snprintf(k, sizeof(k), "%s.p99", key);
	report_na(k, "%s", why);
	errors++;
}

static void print_us(const char *key, __u64 ns)
{
	printf("bench %s %llu.%02llu us\n", key, (unsigned long long)(ns / 1000),
	       (unsigned long long)(ns / 10 % 100));
}

/*
 * Time @op one call at a time and print KEY.p50 and KEY.p99 in ns. A
 * failing call stops the figure; it is reported as n/a and counted as an
 * error.
 */
static void latency(const char *key, const char *what, struct io_op *op)
{
	unsigned int i, n = 0, warm = opts.iters / 10;
	__u64 warm_end, end, t0, t1, *v;
	char k[96];
	int ret = 0;

	v = calloc(opts.iters, sizeof(*v));
	if (!v) {
		report_na_pair(key, "out of memory");
		return;
	}

	/* warm up for a tenth of the calls or of the time, whichever ends first */
	t0 = now_ns();
	warm_end = t0 + opts.budget_ms * 100000ULL;
	end = t0 + opts.budget_ms * 1000000ULL;
	for (i = 0; i < warm && !ret && now_ns() < warm_end; i++)
		ret = io_once(op);

	while (!ret && n < opts.iters) {
		t0 = now_ns();
		ret = io_once(op);
		t1 = now_ns();
		v[n++] = t1 - t0;
		if (t1 > end)
			break;
	}

	if (ret) {
		snprintf(k, sizeof(k), "%s: %s", what, errname(-ret));
		report_na_pair(key, k);
	} else {
		snprintf(k, sizeof(k), "%s.p50", key);
		printf("bench %s %llu ns\n", k,
		       (unsigned long long)quantile(v, n, 500));
		snprintf(k, sizeof(k), "%s.p99", key);
		printf("bench %s %llu ns\n", k,
		       (unsigned long long)quantile(v, n, 990));
		printf("info %s.samples %u\n", key, n);
	}
	free(v);
}

static int region_pos(struct vfio_dev *d, __u32 index, __u64 off,
		      off_t *pos, struct vfio_region_info *ri)
{
	int ret = vfio_region_info(d, index, ri);

	if (ret)
		return ret;
	if (off + 4 > ri->size)
		return -ERANGE;
	*pos = (off_t)(ri->offset + off);
	return 0;
}

/*
 * Set (@on) or clear @bits of the command register, as a VMM's guest
 * would: memory decoding for BAR access, bus master for MSI and MSI-X.
 */
static int command_bits(struct vfio_dev *d, __u32 bits, bool on)
{
	__u32 cmd, want;
	int ret;

	ret = vfio_cfg_read(d, PCI_COMMAND, 2, &cmd);
	want = on ? cmd | bits : cmd & ~bits;
	if (ret || want == cmd)
		return ret;
	return vfio_cfg_write(d, PCI_COMMAND, 2, want);
}

static int enable_memory(struct vfio_dev *d)
{
	return command_bits(d, PCI_COMMAND_MEMORY, true);
}

/* BAR @bar at @off through the device fd: KEY.read and KEY.write */
static void bench_bar(struct vfio_dev *d, const char *key, int bar,
		      __u64 off)
{
	struct io_op op = { .fd = d->device_fd };
	struct vfio_region_info ri;
	char k[64];
	int ret;

	ret = region_pos(d, VFIO_PCI_BAR0_REGION_INDEX + bar, off, &op.pos,
			 &ri);
	if (!ret)
		ret = enable_memory(d);
	if (ret) {
		snprintf(k, sizeof(k), "%s.read", key);
		report_na(k, "BAR%d: %s", bar, errname(-ret));
		snprintf(k, sizeof(k), "%s.write", key);
		report_na(k, "BAR%d: %s", bar, errname(-ret));
		errors++;
		return;
	}
	snprintf(k, sizeof(k), "%s.read", key);
	latency(k, "pread", &op);
	op.kind = IO_WRITE;
	op.val = 0x5a5aa5a5;
	snprintf(k, sizeof(k), "%s.write", key);
	latency(k, "pwrite", &op);
}

static int sysfs_config_open(const char *bdf)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* config space at 0x00 and at the first capability, vfio fd and sysfs */
static void bench_config(struct vfio_dev *d)
{
	struct io_op op = { .fd = d->device_fd };
	struct vfio_region_info ri;
	__u32 status = 0, cap = 0;
	int ret, sysfs_fd;
	off_t base;

	ret = region_pos(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, &base, &ri);
	if (!ret)
		ret = vfio_cfg_read(d, PCI_STATUS, 2, &status);
	if (!ret && (status & PCI_STATUS_CAP_LIST))
		ret = vfio_cfg_read(d, PCI_CAPABILITY_LIST, 1, &cap);
	cap &= ~3u;
	if (ret) {
		report_na("cfg.vfio.0x00.p50", "config: %s", errname(-ret));
		errors++;
		return;
	}

	op.pos = base;
	latency("cfg.vfio.0x00", "pread", &op);
	if (cap) {
		printf("info cfg.cap_offset 0x%02x\n", cap);
		op.pos = base + cap;
		latency("cfg.vfio.cap", "pread", &op);
	}

	sysfs_fd = sysfs_config_open(d->bdf);
	if (sysfs_fd < 0) {
		report_na("cfg.sysfs.0x00.p50", "open config: %s",
			  errname(errno));
		errors++;
		return;
	}
	op.fd = sysfs_fd;
	op.pos = 0;
	latency("cfg.sysfs.0x00", "pread", &op);
	if (cap) {
		op.pos = cap;
		latency("cfg.sysfs.cap", "pread", &op);
	}
	close(sysfs_fd);
}

/*
 * mmap @size bytes of the device fd at @pos, at a virtual address @skew
 * bytes past a 2 MiB boundary. Returns the mapping or MAP_FAILED with
 * errno set.
 */
static void *map_skewed(int fd, off_t pos, size_t size, size_t skew)
{
	size_t span = size + SZ_2M;
	char *base, *want, *p;
	int err;

	base = mmap(NULL, span, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return MAP_FAILED;
	want = (char *)(((uintptr_t)base + SZ_2M - 1) & ~(SZ_2M - 1)) + skew;
	p = mmap(want, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, pos);
	if (p == MAP_FAILED) {
		err = errno;
		munmap(base, span);
		errno = err;
		return MAP_FAILED;
	}
	if (want > base)
		munmap(base, want - base);
	if (want + size < base + span)
		munmap(want + size, base + span - (want + size));
	return p;
}

/* page faults this process has taken so far that needed no I/O */
static __u64 minor_faults(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (__u64)ru.ru_minflt;
}

static void print_ms(const char *key, __u64 ns)
{
	printf("bench %s %llu.%03llu ms\n", key,
	       (unsigned long long)(ns / 1000000),
	       (unsigned long long)(ns / 1000 % 1000));
}

/* One read per 4 KiB page of @p; returns the time it took in ns. */
static __u64 touch(const __u8 *p, size_t size)
{
	__u64 t0 = now_ns();
	size_t off;

	for (off = 0; off < size; off += SZ_4K)
		__atomic_load_n(p + off, __ATOMIC_RELAXED);
	return now_ns() - t0;
}

/*
 * Fault in the whole mapping up to opts.reps times (at least three times
 * and for about 4 * opts.budget_ms), one read per 4 KiB page, and print
 * the medians of the fault-in, of the page faults it took, of touching
 * the pages again once mapped (the part of the fault-in that is not the
 * faults: TLB misses, which cost a lot under TCG) and of the munmap()
 * that follows. Check that the mapping shows the value @expect that
 * pwrite() put at 0x0. Returns 0 or the negative errno of an mmap().
 */
static int fault_in(const char *key, int fd, off_t pos, size_t size,
		    size_t skew, __u32 expect)
{
	__u64 *v, *fault, *again, *unmap, *faults, end, t;
	unsigned int n = 0;
	const __u8 *p;
	__u32 first;
	char k[64];
	int err = 0;

	v = calloc(4 * opts.reps, sizeof(*v));
	if (!v)
		return -ENOMEM;
	fault = v;
	again = v + opts.reps;
	unmap = v + 2 * opts.reps;
	faults = v + 3 * opts.reps;
	end = now_ns() + 4 * opts.budget_ms * 1000000ULL;
	while (n < opts.reps && (n < 3 || now_ns() < end)) {
		p = map_skewed(fd, pos, size, skew);
		if (p == MAP_FAILED) {
			err = -errno;
			goto out;
		}
		faults[n] = minor_faults();
		fault[n] = touch(p, size);
		faults[n] = minor_faults() - faults[n];
		again[n] = touch(p, size);
		first = get_le(p, 4);
		t = now_ns();
		munmap((void *)p, size);
		unmap[n++] = now_ns() - t;
		if (first != expect)
			printf("warn %s: mmap reads 0x%08x at 0x0, pwrite wrote 0x%08x\n",
			       key, first, expect);
	}
	snprintf(k, sizeof(k), "%s.ms", key);
	t = quantile(fault, n, 500);
	print_ms(k, t);
	snprintf(k, sizeof(k), "%s.us_per_2m", key);
	print_us(k, t / (size / SZ_2M));
	printf("bench %s.faults %llu faults\n", key,
	       (unsigned long long)quantile(faults, n, 500));
	snprintf(k, sizeof(k), "%s.retouch_ms", key);
	print_ms(k, quantile(again, n, 500));
	snprintf(k, sizeof(k), "%s.munmap_ms", key);
	print_ms(k, quantile(unmap, n, 500));
	printf("info %s.rounds %u\n", key, n);
out:
	free(v);
	return err;
}

static void mmap_na(const char *key, int err)
{
	char k[64];

	snprintf(k, sizeof(k), "%s.ms", key);
	report_na(k, "mmap: %s", errname(-err));
	snprintf(k, sizeof(k), "%s.us_per_2m", key);
	report_na(k, "mmap: %s", errname(-err));
	snprintf(k, sizeof(k), "%s.faults", key);
	report_na(k, "mmap: %s", errname(-err));
	snprintf(k, sizeof(k), "%s.retouch_ms", key);
	report_na(k, "mmap: %s", errname(-err));
	snprintf(k, sizeof(k), "%s.munmap_ms", key);
	report_na(k, "mmap: %s", errname(-err));
}

/* mmap() + munmap() of the whole BAR, nothing touched: mmap.cycle */
static int mmap_cycle(int fd, off_t pos, size_t size)
{
	unsigned int i, n = 0, iters = opts.iters / 20;
	__u64 end, t0, t1, *v;
	void *p;
	int err = 0;

	v = calloc(iters ? iters : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	end = now_ns() + opts.budget_ms * 1000000ULL;
	for (i = 0; i < iters + iters / 10; i++) {
		t0 = now_ns();
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 pos);
		if (p == MAP_FAILED) {
			err = -errno;
			break;
		}
		munmap(p, size);
		t1 = now_ns();
		if (i >= iters / 10)	/* the first tenth warms up */
			v[n++] = t1 - t0;
		if (t1 > end && n)
			break;
	}
	if (!err && n) {
		print_us("mmap.cycle.p50", quantile(v, n, 500));
		printf("info mmap.cycle.samples %u\n", n);
	}
	free(v);
	return err;
}

/* BAR2 of ivshmem: BAR access, mmap, fault-in */
static void bench_ivshmem(struct vfio_dev *d)
{
	struct vfio_region_info ri;
	__u32 mark = 0x600dcafe;
	off_t pos;
	int ret;

	bench_bar(d, "bar.ivshmem", IVSHMEM_BAR_SHM, 0);

	ret = region_pos(d, VFIO_PCI_BAR0_REGION_INDEX + IVSHMEM_BAR_SHM, 0,
			 &pos, &ri);
	if (!ret)
		ret = vfio_bar_write32(d, IVSHMEM_BAR_SHM, 0, mark);
	if (ret) {
		report_na("mmap.cycle.p50", "BAR%d: %s", IVSHMEM_BAR_SHM,
			  errname(-ret));
		errors++;
		return;
	}
	printf("info mmap.bar_size %llu\n", (unsigned long long)ri.size);
	printf("info mmap.region_flags 0x%x%s\n", ri.flags,
	       ri.flags & VFIO_REGION_INFO_FLAG_MMAP ? " (MMAP)" : "");
	if (ri.size < SZ_2M || ri.size % SZ_2M) {
		report_na("mmap.cycle.p50", "BAR%d of %llu bytes",
			  IVSHMEM_BAR_SHM, (unsigned long long)ri.size);
		errors++;
		return;
	}

	/* without mmap support every figure below is n/a, not an error */
	ret = mmap_cycle(d->device_fd, pos, ri.size);
	if (ret) {
		report_na("mmap.cycle.p50", "mmap: %s", errname(-ret));
		mmap_na("fault.2m", ret);
		mmap_na("fault.4k", ret);
		return;
	}
	ret = fault_in("fault.2m", d->device_fd, pos, ri.size, 0, mark);
	if (ret) {
		mmap_na("fault.2m", ret);
		errors++;
	}
	ret = fault_in("fault.4k", d->device_fd, pos, ri.size, SZ_4K, mark);
	if (ret) {
		mmap_na("fault.4k", ret);
		errors++;
	}
}

/* ---- ioeventfd ---- */

/* Bind eventfd @fd (-1: unbind) to a 4-byte write of IOEVENTFD_DATA at @pos. */
static int ioeventfd_set(struct vfio_dev *d, off_t pos, int fd)
{
	struct vfio_device_ioeventfd io = {
		.argsz = sizeof(io),
		.flags = VFIO_DEVICE_IOEVENTFD_32,
		.offset = (__u64)pos,
		.data = IOEVENTFD_DATA,
		.fd = fd,
	};

	return ioctl(d->device_fd, VFIO_DEVICE_IOEVENTFD, &io) ? -errno : 0;
}

/*
 * Signal @kick once with edu's liveness register at @reg cleared first,
 * then read the register until it shows the write (the inverse of
 * IOEVENTFD_DATA). Says so when that takes more than one read, as when
 * the write is left to a thread; an error when it never comes.
 */
static void ioeventfd_check(struct io_op *kick, struct io_op *reg)
{
	__u64 end = now_ns() + IRQ_WAIT_MS * 1000000ULL;
	unsigned int reads = 0;
	int ret;

	reg->kind = IO_WRITE;
	reg->val = 0;
	ret = io_once(reg) ?: io_once(kick);
	reg->kind = IO_READ;
	do {
		ret = ret ?: io_once(reg);
		reads++;
	} while (!ret && reg->val != ~IOEVENTFD_DATA && now_ns() < end);
	if (!ret && reg->val == ~IOEVENTFD_DATA && reads > 1)
		printf("warn ioeventfd.edu: write seen at the %u-th read back\n",
		       reads);
	if (ret || reg->val != ~IOEVENTFD_DATA) {
		printf("error ioeventfd.edu: write not seen: %s, reads 0x%08x\n",
		       ret ? errname(-ret) : "time-out", reg->val);
		errors++;
	}
}

/*
 * ioeventfd.edu.write: an eventfd bound to a 4-byte write of edu's
 * liveness register at @pos, each eventfd write timed as bar.edu.write
 * times a pwrite of it; the write must have reached the device before the
 * timing and after it.
 */
static void bench_ioeventfd(struct vfio_dev *d, off_t pos)
{
	struct io_op kick = { .kind = IO_KICK };
	struct io_op reg = { .fd = d->device_fd, .pos = pos };
	char why[64];
	int ret;

	kick.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ret = kick.fd < 0 ? -errno : ioeventfd_set(d, pos, kick.fd);
	if (ret) {
		snprintf(why, sizeof(why), "%s: %s", kick.fd < 0 ? "eventfd" :
			 "VFIO_DEVICE_IOEVENTFD", errname(-ret));
		report_na_pair("ioeventfd.edu.write", why);
	} else {
		ioeventfd_check(&kick, &reg);
		latency("ioeventfd.edu.write", "eventfd write", &kick);
		ioeventfd_check(&kick, &reg);
		ioeventfd_set(d, pos, -1);
	}
	if (kick.fd >= 0)
		close(kick.fd);
}

/* ---- interrupts ---- */

/* VFIO_DEVICE_SET_IRQS with room for an eventfd per e1000e vector */
struct irq_set_arg {
	struct vfio_irq_set hdr;
	__s32 fds[E1000E_NR_VECTORS];
};

/*
 * SET_IRQS @flags on @count vectors of @index from the first, @fds the
 * eventfds with DATA_EVENTFD. 0 or a negative errno.
 */
static int irq_set(struct vfio_dev *d, __u32 index, __u32 flags,
		   __u32 count, const int *fds)
{
	struct irq_set_arg a = {
		.hdr = {
			.argsz = sizeof(a.hdr),
			.flags = flags,
			.index = index,
			.count = count,
		},
	};

	if (flags & DATA_EVENTFD) {
		if (count > ARRAY_SIZE(a.fds))
			return -EINVAL;
		memcpy(a.fds, fds, count * sizeof(*fds));
		a.hdr.argsz += count * sizeof(*fds);
	}
	return ioctl(d->device_fd, VFIO_DEVICE_SET_IRQS, &a) ? -errno : 0;
}

/* TRIGGER, DATA_NONE, count 0: turn @index off */
static void irq_off(struct vfio_dev *d, __u32 index)
{
	irq_set(d, index, TRIGGER | DATA_NONE, 0, NULL);
}

/* @n eventfds in @fds: 0, or a negative errno with none left open */
static int efds_open(int *fds, int n)
{
	int i, err;

	for (i = 0; i < n; i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[i] < 0) {
			err = -errno;
			while (i--)
				close(fds[i]);
			return err;
		}
	}
	return 0;
}

static void efds_close(const int *fds, int n)
{
	while (n--)
		close(fds[n]);
}

/* Wait for eventfd @fd to be signalled and read its count: 0 or -errno. */
static int efd_wait(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	__u64 count;
	int n;

	n = poll(&p, 1, IRQ_WAIT_MS);
	if (n <= 0)
		return n ? -errno : -ETIMEDOUT;
	return read(fd, &count, sizeof(count)) == sizeof(count) ? 0 : -errno;
}

/*
 * An interrupt figure: raise() makes the device interrupt, which the
 * kernel signals on @trigger; ack() acknowledges it in the device and,
 * for INTx, unmasks the line.
 */
struct irq_bench {
	struct vfio_dev *d;
	const char *name;	/* its name in /proc/interrupts, BDF aside */
	off_t bar0;		/* BAR0 in the device fd */
	int trigger;		/* eventfd the interrupt signals */
	int unmask;		/* INTx unmask eventfd; -1: ACTION_UNMASK */
	int (*raise)(struct irq_bench *b);
	int (*ack)(struct irq_bench *b);
	const char *step;	/* the step that failed */
};

static int bar0_write(struct irq_bench *b, __u32 reg, __u32 val)
{
	struct io_op op = {
		.fd = b->d->device_fd,
		.pos = b->bar0 + reg,
		.kind = IO_WRITE,
		.val = val,
	};

	return io_once(&op);
}

static int edu_raise(struct irq_bench *b)
{
	return bar0_write(b, EDU_REG_IRQ_RAISE, EDU_IRQ_VAL);
}

static int edu_ack(struct irq_bench *b)
{
	return bar0_write(b, EDU_REG_IRQ_ACK, EDU_IRQ_VAL);
}

/* acknowledge, then unmask INTx by the unmask eventfd or ACTION_UNMASK */
static int edu_intx_ack(struct irq_bench *b)
{
	struct io_op kick = { .fd = b->unmask, .kind = IO_KICK };
	int ret = edu_ack(b);

	if (ret)
		return ret;
	if (b->unmask >= 0)
		return io_once(&kick);
	return irq_set(b->d, INTX, UNMASK | DATA_NONE, 1, NULL);
}

/* vector 0's cause; e1000e_ack() clears it, or the next raise resends it */
static int e1000e_raise(struct irq_bench *b)
{
	return bar0_write(b, E1000E_REG_ICS, E1000E_CAUSE(0));
}

static int e1000e_ack(struct irq_bench *b)
{
	return bar0_write(b, E1000E_REG_ICR, ~0u);
}

/* One interrupt: raise, wait, *@t1 stamped, acknowledge. 0 or -errno. */
static int irq_once(struct irq_bench *b, __u64 *t1)
{
	int ret;

	b->step = "raise";
	ret = b->raise(b);
	if (ret)
		return ret;
	b->step = "eventfd";
	ret = efd_wait(b->trigger);
	*t1 = now_ns();
	if (ret)
		return ret;
	b->step = "acknowledge";
	return b->ack(b);
}

/*
 * Up to opts.irqs interrupts, or opts.budget_ms, after a tenth as many to
 * warm up: per interrupt the time from the raise to the eventfd read in
 * @taken, to the end of the acknowledge in @done. Returns the count timed
 * or a negative errno, b->step saying at which step.
 */
static int irq_cycles(struct irq_bench *b, __u64 *taken, __u64 *done)
{
	unsigned int i, n = 0, warm = opts.irqs / 10;
	__u64 end = now_ns() + opts.budget_ms * 1000000ULL, t0, t1;
	int ret;

	for (i = 0; n < opts.irqs; i++) {
		t0 = now_ns();
		ret = irq_once(b, &t1);
		if (ret)
			return ret;
		if (i < warm)
			continue;
		taken[n] = t1 - t0;
		done[n++] = now_ns() - t0;
		if (t1 > end)
			break;
	}
	return (int)n;
}

/* KEY.raise, and KEY.cycle if @cycle, n/a for @why */
static void irq_na(const char *key, bool cycle, const char *why)
{
	char k[64];

	snprintf(k, sizeof(k), "%s.raise", key);
	report_na_pair(k, why);
	if (cycle) {
		snprintf(k, sizeof(k), "%s.cycle", key);
		report_na_pair(k, why);
	}
}

/* KEY.p50 and KEY.p99 of the @n interrupts in @v, in µs */
static void report_irqs(const char *key, __u64 *v, unsigned int n)
{
	char k[96];

	snprintf(k, sizeof(k), "%s.p50", key);
	print_us(k, quantile(v, n, 500));
	snprintf(k, sizeof(k), "%s.p99", key);
	print_us(k, quantile(v, n, 990));
	printf("info %s.irqs %u\n", key, n);
}

/* The number at the start of file @path, or -1. */
static int read_int(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* The Linux irq named "@name(@bdf)" in /proc/interrupts, or -1. */
static int irq_number(const char *name, const char *bdf)
{
	char line[1024], want[96];
	int irq = -1;
	FILE *f;

	snprintf(want, sizeof(want), " %s(%s)", name, bdf);
	f = fopen("/proc/interrupts", "re");
	if (!f)
		return -1;
	while (irq < 0 && fgets(line, sizeof(line), f))
		if (strstr(line, want) && sscanf(line, " %d:", &irq) != 1)
			irq = -1;
	fclose(f);
	return irq;
}

/*
 * Run on the CPU that takes the interrupt of @b: whether the bench shares
 * a vCPU with it changes the figures threefold under TCG, and the kernel
 * places it as it likes at each boot. Returns that CPU or -1.
 */
static int irq_follow(struct irq_bench *b)
{
	int irq = irq_number(b->name, b->d->bdf), cpu = -1;
	char path[64];
	cpu_set_t set;

	if (irq >= 0) {
		snprintf(path, sizeof(path),
			 "/proc/irq/%d/effective_affinity_list", irq);
		cpu = read_int(path);
	}
	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -1 : cpu;
}

/*
 * Time the interrupts of @b: raise to eventfd as KEY.raise and, if
 * @cycle, the whole round trip with the acknowledge as KEY.cycle. The
 * bench runs on the interrupt's CPU meanwhile (KEY.cpu).
 */
static void irq_figure(struct irq_bench *b, const char *key, bool cycle)
{
	char k[64], why[64];
	cpu_set_t all;
	__u64 *v;
	int n;

	v = calloc(2 * opts.irqs, sizeof(*v));
	if (!v) {
		irq_na(key, cycle, "out of memory");
		return;
	}
	if (sched_getaffinity(0, sizeof(all), &all))
		CPU_ZERO(&all);
	n = irq_follow(b);
	if (n >= 0)
		printf("info %s.cpu %d\n", key, n);
	else
		printf("warn %s: CPU of %s(%s) unknown, bench not moved to it\n",
		       key, b->name, b->d->bdf);
	n = irq_cycles(b, v, v + opts.irqs);
	if (CPU_COUNT(&all))
		sched_setaffinity(0, sizeof(all), &all);
	if (n <= 0) {
		snprintf(why, sizeof(why), "%s: %s", b->step, errname(-n));
		irq_na(key, cycle, why);
	} else {
		snprintf(k, sizeof(k), "%s.raise", key);
		report_irqs(k, v, n);
		if (cycle) {
			snprintf(k, sizeof(k), "%s.cycle", key);
			report_irqs(k, v + opts.irqs, n);
		}
	}
	free(v);
}

/* @what failed with @err: every figure of @key n/a */
static void irq_setup_na(const char *key, bool cycle, const char *what,
			 int err)
{
	char why[64];

	snprintf(why, sizeof(why), "%s: %s", what, errname(-err));
	irq_na(key, cycle, why);
}

/*
 * edu's INTx, unmasked after each interrupt by ACTION_UNMASK (irq.intx)
 * or by writing an unmask eventfd (irq.intx_efd).
 */
static void bench_intx(struct irq_bench *b, bool unmask_efd)
{
	const char *key = unmask_efd ? "irq.intx_efd" : "irq.intx";
	const char *what = "SET_IRQS INTx trigger";
	int ret;

	b->name = "vfio-intx";
	b->ack = edu_intx_ack;
	b->unmask = -1;
	ret = irq_set(b->d, INTX, TRIGGER | DATA_EVENTFD, 1, &b->trigger);
	if (!ret && unmask_efd) {
		what = "SET_IRQS INTx unmask eventfd";
		ret = efds_open(&b->unmask, 1) ?:
		      irq_set(b->d, INTX, UNMASK | DATA_EVENTFD, 1, &b->unmask);
	}
	if (ret)
		irq_setup_na(key, true, what, ret);
	else
		irq_figure(b, key, true);
	irq_off(b->d, INTX);
	if (b->unmask >= 0)
		close(b->unmask);
	b->unmask = -1;
}

/* edu's one MSI vector: irq.msi */
static void bench_msi(struct irq_bench *b)
{
	int ret;

	b->name = "vfio-msi[0]";
	b->ack = edu_ack;
	ret = command_bits(b->d, PCI_COMMAND_MASTER, true);
	if (ret) {
		irq_setup_na("irq.msi", false, "bus master", ret);
		return;
	}
	ret = irq_set(b->d, MSI, TRIGGER | DATA_EVENTFD, 1, &b->trigger);
	if (ret)
		irq_setup_na("irq.msi", false, "SET_IRQS MSI", ret);
	else
		irq_figure(b, "irq.msi", false);
	irq_off(b->d, MSI);
	command_bits(b->d, PCI_COMMAND_MASTER, false);
}

/* BAR0 of @d: its position in the device fd, memory decoding on */
static int bar0_pos(struct vfio_dev *d, off_t *pos)
{
	struct vfio_region_info ri;

	return region_pos(d, VFIO_PCI_BAR0_REGION_INDEX, 0, pos, &ri) ?:
	       enable_memory(d);
}

/* edu: ioeventfd, INTx, MSI */
static void bench_edu_irqs(struct vfio_dev *d)
{
	struct irq_bench b = { .d = d, .raise = edu_raise, .unmask = -1 };
	int ret;

	ret = bar0_pos(d, &b.bar0);
	if (!ret)
		bench_ioeventfd(d, b.bar0 + EDU_REG_LIVENESS);
	ret = ret ?: efds_open(&b.trigger, 1);
	if (ret) {
		printf("error %s: interrupts: %s\n", d->bdf, errname(-ret));
		errors++;
		return;
	}
	bar0_write(&b, EDU_REG_IRQ_ACK, ~0u);
	bench_intx(&b, false);
	bench_intx(&b, true);
	bench_msi(&b);
	close(b.trigger);
}

/* Every cause enabled and sent to the vector of its number. */
static int e1000e_setup(struct irq_bench *b)
{
	return bar0_write(b, E1000E_REG_IMC, ~0u) ?:
	       bar0_write(b, E1000E_REG_ICR, ~0u) ?:
	       bar0_write(b, E1000E_REG_IVAR, E1000E_IVAR_MAP) ?:
	       bar0_write(b, E1000E_REG_IMS, E1000E_CAUSE(E1000E_NR_VECTORS) -
			  E1000E_CAUSE(0));
}

/* e1000e: every MSI-X vector enabled, vector 0 timed (irq.msix) */
static void bench_msix(struct vfio_dev *d)
{
	struct irq_bench b = {
		.d = d, .name = "vfio-msix[0]", .raise = e1000e_raise,
		.ack = e1000e_ack, .unmask = -1,
	};
	int fds[E1000E_NR_VECTORS], ret;
	const char *what = "BAR0";

	ret = bar0_pos(d, &b.bar0);
	if (!ret) {
		what = "bus master";
		ret = command_bits(d, PCI_COMMAND_MASTER, true);
	}
	if (!ret) {
		what = "eventfd";
		ret = efds_open(fds, E1000E_NR_VECTORS);
	}
	if (ret) {
		irq_setup_na("irq.msix", false, what, ret);
		return;
	}
	b.trigger = fds[0];
	what = "SET_IRQS MSI-X";
	ret = irq_set(d, MSIX, TRIGGER | DATA_EVENTFD, E1000E_NR_VECTORS, fds);
	if (!ret) {
		what = "e1000e setup";
		ret = e1000e_setup(&b);
	}
	if (ret)
		irq_setup_na("irq.msix", false, what, ret);
	else
		irq_figure(&b, "irq.msix", false);
	bar0_write(&b, E1000E_REG_IMC, ~0u);
	irq_off(d, MSIX);
	command_bits(d, PCI_COMMAND_MASTER, false);
	efds_close(fds, E1000E_NR_VECTORS);
}

/* ---- lifecycle: open/close, unbind/bind ---- */

/* Median and worst of the @n cycle times in @ns, as KEY.p50 and KEY.max. */
static void report_cycles(const char *key, __u64 *ns, unsigned int n)
{
	char k[96];

	qsort(ns, n, sizeof(*ns), cmp_u64);
	snprintf(k, sizeof(k), "%s.p50", key);
	print_ms(k, ns[n / 2]);
	snprintf(k, sizeof(k), "%s.max", key);
	print_ms(k, ns[n - 1]);
}

/*
 * Open and close @bdf opts.cycles times: the whole of what a VMM pays to
 * take a device and give it back, the reset on close included.
 */
static void bench_open_close(const char *bdf, const char *key)
{
	__u64 ns[64];
	unsigned int i, n = opts.cycles;
	struct vfio_dev d;
	__u64 t0;
	int ret;

	for (i = 0; i < n; i++) {
		t0 = now_ns();
		ret = vfio_dev_open(&d, bdf, opts.mode);
		if (ret) {
			report_na(key, "open: %s", d.err);
			errors++;
			return;
		}
		vfio_dev_close(&d);
		ns[i] = now_ns() - t0;
	}
	report_cycles(key, ns, n);
}

/* Unbind @bdf from its driver and bind it back, opts.cycles times. */
static void bench_bind(const char *bdf, const char *key)
{
	char drv[64], unbind[PATH_MAX], bind[PATH_MAX];
	unsigned int i, n = opts.cycles;
	__u64 ns[64], t0;
	int ret;

	ret = sysfs_driver(bdf, drv, sizeof(drv));
	if (ret) {
		report_na(key, "%s has no driver: %s", bdf, errname(-ret));
		errors++;
		return;
	}
	snprintf(unbind, sizeof(unbind), "/sys/bus/pci/drivers/%s/unbind", drv);
	snprintf(bind, sizeof(bind), "/sys/bus/pci/drivers/%s/bind", drv);
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		ret = sysfs_write_path(unbind, bdf);
		if (!ret)
			ret = sysfs_write_path(bind, bdf);
		if (ret) {
			report_na(key, "unbind/bind of %s: %s", bdf,
				  errname(-ret));
			errors++;
			return;
		}
		ns[i] = now_ns() - t0;
	}
	report_cycles(key, ns, n);
}

/* The -V device: a VF bound to vfio-pci. */
static void bench_vf(const char *bdf)
{
	if (!sysfs_exists(bdf, "physfn")) {
		printf("error %s: not a VF (no physfn)\n", bdf);
		errors++;
		return;
	}
	printf("info vf %s via %s\n", bdf, vfio_mode_name(opts.mode));
	bench_open_close(bdf, "open.vf");
	bench_bind(bdf, "bind.vf");
}

static int device_id(const char *bdf, __u32 *id)
{
	unsigned long vendor, device;
	int ret;

	ret = sysfs_read_ulong(bdf, "vendor", &vendor);
	if (!ret)
		ret = sysfs_read_ulong(bdf, "device", &device);
	if (!ret)
		*id = (__u32)(vendor << 16 | device);
	return ret;
}

static void bench_device(const char *bdf)
{
	struct vfio_dev d;
	__u32 id;
	int ret;

	ret = device_id(bdf, &id);
	if (ret) {
		printf("error %s: no PCI device: %s\n", bdf, errname(-ret));
		errors++;
		return;
	}
	if (id != EDU_PCI_ID && id != IVSHMEM_PCI_ID && id != E1000E_PCI_ID) {
		printf("error %s: %04x:%04x is not edu, ivshmem or e1000e\n",
		       bdf, id >> 16, id & 0xffff);
		errors++;
		return;
	}
	ret = vfio_dev_open(&d, bdf, opts.mode);
	if (ret) {
		printf("error %s: open via %s: %s\n", bdf,
		       vfio_mode_name(opts.mode), d.err);
		errors++;
		return;
	}
	printf("info device %s %04x:%04x via %s\n", bdf, id >> 16,
	       id & 0xffff, vfio_mode_name(opts.mode));
	if (id == EDU_PCI_ID) {
		/* closed meanwhile: each cycle is a first open */
		vfio_dev_close(&d);
		bench_open_close(bdf, "open.edu");
		ret = vfio_dev_open(&d, bdf, opts.mode);
		if (ret) {
			printf("error %s: reopen: %s\n", bdf, d.err);
			errors++;
			return;
		}
		bench_config(&d);
		bench_bar(&d, "bar.edu", 0, EDU_REG_LIVENESS);
		bench_edu_irqs(&d);
	} else if (id == IVSHMEM_PCI_ID) {
		bench_ivshmem(&d);
	} else {
		bench_msix(&d);
	}
	vfio_dev_close(&d);
}

static void print_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n ITERS] [-t MS] [-r REPS] [-i IRQS] [-c CYCLES] [-p group|cdev] [-V VF] [BDF...]\n"
		"  -n  timed calls per latency figure, at most (%u)\n"
		"  -t  milliseconds per latency figure, at most (%u)\n"
		"  -r  fault-in rounds, median reported (%u)\n"
		"  -i  timed interrupts per interrupt figure, at most (%u)\n"
		"  -c  open/close and unbind/bind cycles per figure, 1 to 64 (%u)\n"
		"  -p  open path (group)\n"
		"  -V  a VF bound to vfio-pci: its open/close and unbind/bind\n"
		"BDFs of edu (1234:11e8), ivshmem (1af4:1110) and e1000e (8086:10d3)\n"
		"bound to vfio-pci\n",
		prog, opts.iters, opts.budget_ms, opts.reps, opts.irqs,
		opts.cycles);
	exit(2);
}

static unsigned int parse_uint(const char *s, const char *prog)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || !v || v > 100000000)
		print_usage(prog);
	return (unsigned int)v;
}

int main(int argc, char **argv)
{
	struct io_op nop = { .fd = -1 };
	const char *vf = NULL;
	int opt, i;

	while ((opt = getopt(argc, argv, "n:t:r:i:c:p:V:")) != -1) {
		switch (opt) {
		case 'n':
			opts.iters = parse_uint(optarg, argv[0]);
			break;
		case 't':
			opts.budget_ms = parse_uint(optarg, argv[0]);
			break;
		case 'r':
			opts.reps = parse_uint(optarg, argv[0]);
			break;
		case 'i':
			opts.irqs = parse_uint(optarg, argv[0]);
			break;
		case 'c':
			opts.cycles = parse_uint(optarg, argv[0]);
			if (opts.cycles > 64)
				print_usage(argv[0]);
			break;
		case 'V':
			vf = optarg;
			break;
		case 'p':
			if (!strcmp(optarg, "group"))
				opts.mode = VFIO_MODE_GROUP;
			else if (!strcmp(optarg, "cdev"))
				opts.mode = VFIO_MODE_CDEV;
			else
				print_usage(argv[0]);
			break;
		default:
			print_usage(argv[0]);
		}
	}
	if (optind == argc && !vf)
		print_usage(argv[0]);
	setvbuf(stdout, NULL, _IOLBF, 0);

	latency("timer", "clock_gettime", &nop);
	nop.fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (nop.fd < 0) {
		report_na("null.p50", "open /dev/zero: %s", errname(errno));
		errors++;
	} else {
		latency("null", "pread", &nop);
		close(nop.fd);
	}
	for (i = optind; i < argc; i++)
		bench_device(argv[i]);
	if (vf)
		bench_vf(vf);
	return errors ? 1 : 0;
}
