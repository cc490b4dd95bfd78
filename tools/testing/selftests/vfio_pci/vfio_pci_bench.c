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
#include "vfio_pci_bench.h"

struct bench_opts opts = {
	.iters = 50000,
	.budget_ms = 1500,
	.reps = 7,
	.irqs = 400,
	.cycles = 5,
	.mode = VFIO_MODE_GROUP,
};

int errors;

__u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "unknown errno";
}

int io_once(struct io_op *op)
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
__u64 quantile(__u64 *v, unsigned int n, unsigned int permille)
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
void report_na_pair(const char *key, const char *why)
{
	char k[96];

	snprintf(k, sizeof(k), "%s.p50", key);
	report_na(k, "%s", why);
	snprintf(k, sizeof(k), "%s.p99", key);
	report_na(k, "%s", why);
	errors++;
}

void print_us(const char *key, __u64 ns)
{
	printf("bench %s %llu.%02llu us\n", key, (unsigned long long)(ns / 1000),
	       (unsigned long long)(ns / 10 % 100));
}

/*
 * Time @op one call at a time and print KEY.p50 and KEY.p99 in ns. A
 * failing call stops the figure; it is reported as n/a and counted as an
 * error.
 */
void latency(const char *key, const char *what, struct io_op *op)
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

int region_pos(struct vfio_dev *d, __u32 index, __u64 off,
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
int command_bits(struct vfio_dev *d, __u32 bits, bool on)
{
	__u32 cmd, want;
	int ret;

	ret = vfio_cfg_read(d, PCI_COMMAND, 2, &cmd);
	want = on ? cmd | bits : cmd & ~bits;
	if (ret || want == cmd)
		return ret;
	return vfio_cfg_write(d, PCI_COMMAND, 2, want);
}

int enable_memory(struct vfio_dev *d)
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
