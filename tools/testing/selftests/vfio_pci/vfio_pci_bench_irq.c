// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_bench: the ioeventfd write, and interrupts from the device's
 * BAR write to the eventfd (INTx, MSI, MSI-X), with what they cost.
 */
#include "vfio_pci_bench.h"

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
void bench_edu_irqs(struct vfio_dev *d)
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
void bench_msix(struct vfio_dev *d)
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

