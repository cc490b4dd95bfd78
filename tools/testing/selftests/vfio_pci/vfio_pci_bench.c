// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_bench [-n ITERS] [-t MS] [-r REPS] [-p group|cdev] BDF...
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
 *    munmap() after it, and of mmap() + munmap() alone.
 *
 * Devices are recognised by their ids: edu (1234:11e8) gets the config
 * space figures and BAR0 at 0x04 (its liveness register), ivshmem
 * (1af4:1110) BAR2 (RAM) at 0x00 and the mmap figures. Each latency is
 * timed one call at a time with CLOCK_MONOTONIC after a warm-up, up to
 * ITERS calls or MS milliseconds, and reported as median and 99th
 * percentile including the cost of reading the clock (reported as "timer").
 * A 4-byte pread of /dev/zero ("null") gives the cost of the system call
 * itself, to tell a slower run from a slower driver.
 *
 * Output, one figure a line, for scripts/rig/bench.sh:
 *
 *   bench KEY VALUE UNIT
 *   bench KEY n/a REASON...     the figure could not be taken
 *   info KEY VALUE...           context (sample counts, offsets)
 *
 * Exits 0 when every figure was taken or could only not be taken because
 * the driver lacks mmap support; 1 on any other error; 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_util.h"

#define SZ_4K			0x1000UL
#define SZ_2M			0x200000UL

#define EDU_ID			0x123411e8u
#define EDU_REG_LIVENESS	0x04
#define IVSHMEM_ID		0x1af41110u
#define IVSHMEM_BAR_SHM		2

struct bench_opts {
	unsigned int iters;	/* timed calls per latency figure, at most */
	unsigned int budget_ms;	/* time per latency figure, at most */
	unsigned int reps;	/* fault-in rounds; the median is reported */
	enum vfio_open_mode mode;
};

static struct bench_opts opts = {
	.iters = 50000,
	.budget_ms = 1500,
	.reps = 7,
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

/* A 4-byte transfer at a fixed position of an fd; fd < 0 does nothing. */
struct io_op {
	int fd;
	off_t pos;
	bool write;
	__u32 val;
};

static int io_once(struct io_op *op)
{
	ssize_t n;

	if (op->fd < 0)
		return 0;
	if (op->write)
		n = pwrite(op->fd, &op->val, sizeof(op->val), op->pos);
	else
		n = pread(op->fd, &op->val, sizeof(op->val), op->pos);
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

	snprintf(k, sizeof(k), "%s.p50", key);
	v = calloc(opts.iters, sizeof(*v));
	if (!v) {
		report_na(k, "out of memory");
		errors++;
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
		report_na(k, "%s: %s", what, errname(-ret));
		snprintf(k, sizeof(k), "%s.p99", key);
		report_na(k, "%s: %s", what, errname(-ret));
		errors++;
	} else {
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

/* Let the device decode its memory BARs, as a VMM's guest would. */
static int enable_memory(struct vfio_dev *d)
{
	__u32 cmd;
	int ret;

	ret = vfio_cfg_read(d, PCI_COMMAND, 2, &cmd);
	if (ret || (cmd & PCI_COMMAND_MEMORY))
		return ret;
	return vfio_cfg_write(d, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY);
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
	op.write = true;
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
	t /= size / SZ_2M;
	printf("bench %s.us_per_2m %llu.%02llu us\n", key,
	       (unsigned long long)(t / 1000), (unsigned long long)(t / 10 % 100));
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
		t0 = quantile(v, n, 500);
		printf("bench mmap.cycle.p50 %llu.%02llu us\n",
		       (unsigned long long)(t0 / 1000),
		       (unsigned long long)(t0 / 10 % 100));
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
	if (id != EDU_ID && id != IVSHMEM_ID) {
		printf("error %s: %04x:%04x is neither edu nor ivshmem\n", bdf,
		       id >> 16, id & 0xffff);
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
	if (id == EDU_ID) {
		bench_config(&d);
		bench_bar(&d, "bar.edu", 0, EDU_REG_LIVENESS);
	} else {
		bench_ivshmem(&d);
	}
	vfio_dev_close(&d);
}

static void print_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n ITERS] [-t MS] [-r REPS] [-p group|cdev] BDF...\n"
		"  -n  timed calls per latency figure, at most (%u)\n"
		"  -t  milliseconds per latency figure, at most (%u)\n"
		"  -r  fault-in rounds, median reported (%u)\n"
		"  -p  open path (group)\n"
		"BDFs of edu (1234:11e8) and ivshmem (1af4:1110) bound to vfio-pci\n",
		prog, opts.iters, opts.budget_ms, opts.reps);
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
	int opt, i;

	while ((opt = getopt(argc, argv, "n:t:r:p:")) != -1) {
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
	if (optind == argc)
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
	return errors ? 1 : 0;
}
