// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_race_soak [-t SECONDS] [-p PROCS] [-T THREADS] [-m group|cdev]
 *		      [-s SEED] BDF
 *
 * A race soak of one vfio-pci device. The device is opened once (group +
 * container or cdev + iommufd path); PROCS - 1 forked children share its
 * fd with the parent, and each process runs THREADS threads that, until
 * SECONDS have passed, call random actions from the table below (seeded:
 * the same seed gives each thread the same sequence of actions): COMMAND
 * and PMCSR writes, SET_IRQS (enable, trigger, INTx mask/unmask, disable)
 * of every IRQ index the device has, VFIO_DEVICE_RESET, the hot reset,
 * mapping every page of a BAR, low-power entry and exit, and reads of
 * config space and BAR0. A host injecting AER errors meanwhile adds the
 * driver's error handler to the mix.
 *
 * Each call may succeed or fail with an errno that fits a race (EINVAL,
 * EIO, EBUSY, EAGAIN...): both are counted per action. An errno no race
 * explains (EFAULT, ENOMEM, EBADF, ENOTTY, EMFILE, ENFILE) is a failure,
 * and so is an action a process cannot finish: a thread in one action
 * for HANG_S seconds makes its process print where each thread is and
 * exit 2. SIGBUS on a BAR access (memory decode off, D3hot, low power,
 * a reset) is expected and counted, and so is the hot reset's ENOTTY
 * where a hot reset on its own before the soak gave it too (QEMU's root
 * ports, see probe_hot_reset()). Each process must end with the fds
 * and device mappings it started with. The parent then brings the device
 * back (low power exit, D0, IRQs off, memory decode on, a reset) and
 * checks that config space shows sysfs's vendor and device IDs.
 *
 * Output: '# ' lines, a summary table of action, runs, ok, SIGBUS, errnos.
 * Exit status: 0 when nothing failed, 1 when something did, 2 when a
 * process hung (the others may have failed too).
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_util.h"

#define MAX_PROCS	16
#define MAX_THREADS	16
#define NR_ERRNO	192	/* errno slots per action; the last one is "more" */
#define HANG_S		60
#define MAX_EFDS	8	/* eventfds per SET_IRQS call */
#define MAP_MAX		0x100000UL	/* bytes of a BAR mapped */
#define MAX_REPORTS	20	/* failures printed; all are counted */
#define EDU_SYSFS_IDS		"0x1234:0x11e8"
#define EDU_LIVENESS	0x04

/* what an action needs of the device */
enum need {
	NEED_PM = 0x01,		/* a PM capability */
	NEED_RESET = 0x02,	/* VFIO_DEVICE_FLAGS_RESET */
	NEED_HOT = 0x04,	/* GET_PCI_HOT_RESET_INFO answers */
	NEED_MMAP = 0x08,	/* a BAR that maps */
	NEED_INTX = 0x10,	/* an INTx line */
	NEED_LP = 0x20,		/* the low power features */
	NEED_BAR0 = 0x40,	/* a BAR0 to read */
};

struct worker {
	int proc, id;
	__u64 rng;
	/* for the watchdog: the action running (-1: none) and since when */
	int cur;
	long since;
	unsigned long sigbus;
	pthread_t th;
};

struct action {
	const char *name;
	int (*fn)(void);
	unsigned int needs;
};

struct options {
	enum vfio_open_mode mode;
	int procs, secs;
	__u64 seed;
};

struct act_stats {
	unsigned long runs, ok, sigbus;
	unsigned long err[NR_ERRNO];
};

/* counters every process adds to, in a shared mapping */
struct shared {
	struct act_stats st[16];
	unsigned long failures;
};

static struct vfio_dev dev;
static struct shared *sh;
static unsigned int have;	/* enum need bits the device meets */
static int pm_cap;
static __u32 irq_count[VFIO_PCI_NUM_IRQS];
static int irq_idx[VFIO_PCI_NUM_IRQS], nr_irq_idx;
static int map_bars[VFIO_PCI_ROM_REGION_INDEX], nr_map_bars;
static size_t map_len[VFIO_PCI_ROM_REGION_INDEX];
static __u64 bar0_size;
static bool is_edu;
static bool hot_enotty;		/* a hot reset is ENOTTY even on its own */
static long deadline;
static struct worker workers[MAX_THREADS];
static __thread struct worker *self;	/* the thread's own */
static int nr_threads = 3;
static pid_t children[MAX_PROCS];
static int nr_children;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* splitmix64: small, and the same sequence for the same seed */
static __u32 rnd(__u32 n)
{
	__u64 z = (self->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return n ? (__u32)((z ^ (z >> 31)) % n) : 0;
}

/* ---- the actions: each returns 0 or a negative errno ---- */

static int act_command(void)
{
	static const __u16 bits[] = {
		PCI_COMMAND_MEMORY, PCI_COMMAND_IO, PCI_COMMAND_MASTER,
		PCI_COMMAND_INTX_DISABLE,
	};
	__u32 v;
	int ret;

	ret = vfio_cfg_read(&dev, PCI_COMMAND, 2, &v);
	if (ret)
		return ret;
	return vfio_cfg_write(&dev, PCI_COMMAND, 2,
			      v ^ bits[rnd(ARRAY_SIZE(bits))]);
}

/* Write power state @state (0 or 3) to PMCSR, clearing no status bit. */
static int set_pmcsr(__u32 state)
{
	__u32 v;
	int ret;

	ret = vfio_cfg_read(&dev, pm_cap + PCI_PM_CTRL, 2, &v);
	if (ret)
		return ret;
	v &= ~(PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_STATUS);
	return vfio_cfg_write(&dev, pm_cap + PCI_PM_CTRL, 2, v | state);
}

static int act_pmcsr(void)
{
	return set_pmcsr(rnd(2) ? 3 : 0);
}

static int set_irqs(__u32 index, __u32 flags, __u32 start, __u32 count,
		    const void *data, size_t len)
{
	struct {
		struct vfio_irq_set s;
		__u8 data[MAX_EFDS * sizeof(__s32)];
	} a = { .s = { .argsz = sizeof(a.s) + len, .flags = flags,
		       .index = index, .start = start, .count = count } };

	if (len)
		memcpy(a.data, data, len);
	return ioctl(dev.device_fd, VFIO_DEVICE_SET_IRQS, &a) ? -errno : 0;
}

static int pick_irq(void)
{
	return irq_idx[rnd(nr_irq_idx)];
}

/* 1 .. MAX_EFDS, at most what the index has from @start on */
static __u32 pick_count(int index, __u32 start)
{
	__u32 n = irq_count[index] - start;

	return 1 + rnd(n < MAX_EFDS ? n : MAX_EFDS);
}

static int act_irq_enable(void)
{
	int index = pick_irq(), fds[MAX_EFDS];
	__u32 i, n = pick_count(index, 0);
	int ret = 0;

	for (i = 0; i < n; i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[i] < 0) {
			ret = -errno;
			break;
		}
	}
	if (!ret)
		ret = set_irqs(index, VFIO_IRQ_SET_DATA_EVENTFD |
			       VFIO_IRQ_SET_ACTION_TRIGGER, 0, n, fds,
			       n * sizeof(fds[0]));
	/* the driver holds its own references */
	while (i--)
		close(fds[i]);
	return ret;
}

static int act_irq_trigger(void)
{
	int index = pick_irq();
	__u32 start = rnd(irq_count[index]);
	__u32 i, n = pick_count(index, start);
	__u8 bools[MAX_EFDS];

	if (rnd(2))
		return set_irqs(index, VFIO_IRQ_SET_DATA_NONE |
				VFIO_IRQ_SET_ACTION_TRIGGER, start, n, NULL, 0);
	for (i = 0; i < n; i++)
		bools[i] = rnd(2);
	return set_irqs(index, VFIO_IRQ_SET_DATA_BOOL |
			VFIO_IRQ_SET_ACTION_TRIGGER, start, n, bools, n);
}

static int act_intx_mask(void)
{
	__u32 action = rnd(2) ? VFIO_IRQ_SET_ACTION_MASK :
				   VFIO_IRQ_SET_ACTION_UNMASK;

	return set_irqs(VFIO_PCI_INTX_IRQ_INDEX,
			VFIO_IRQ_SET_DATA_NONE | action, 0, 1, NULL, 0);
}

static int irq_disable(int index)
{
	return set_irqs(index, VFIO_IRQ_SET_DATA_NONE |
			VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, NULL, 0);
}

static int act_irq_disable(void)
{
	return irq_disable(pick_irq());
}

static int act_reset(void)
{
	return ioctl(dev.device_fd, VFIO_DEVICE_RESET) ? -errno : 0;
}

static int hot_reset_info(void)
{
	struct {
		struct vfio_pci_hot_reset_info hdr;
		struct vfio_pci_dependent_device devs[16];
	} a = { .hdr.argsz = sizeof(a) };

	return ioctl(dev.device_fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &a) ?
	       -errno : 0;
}

/* group path: our group's fd; cdev path: an empty array (iommufd proof) */
static int act_hot_reset(void)
{
	bool group = dev.mode == VFIO_MODE_GROUP;
	struct {
		struct vfio_pci_hot_reset hdr;
		__s32 fd;
	} a = { .hdr = { .argsz = group ? sizeof(a) : sizeof(a.hdr),
			 .count = group }, .fd = dev.group_fd };
	int ret = hot_reset_info();

	if (ret)
		return ret;
	return ioctl(dev.device_fd, VFIO_DEVICE_PCI_HOT_RESET, &a) ? -errno : 0;
}

/* Map a BAR, read every page (and write edu's scratch register). */
static int act_mmap(void)
{
	int bar = map_bars[rnd(nr_map_bars)];
	size_t off, len = map_len[bar];
	__u32 v;
	__u8 *p;

	p = vfio_region_mmap(&dev, bar, len, 0, PROT_READ | PROT_WRITE,
			     MAP_SHARED);
	if (p == MAP_FAILED)
		return -errno;
	for (off = 0; off < len; off += getpagesize())
		if (!vfio_load32(p + off, &v))
			self->sigbus++;
	if (is_edu && bar == 0 && !vfio_store32(p + EDU_LIVENESS, rnd(~0u)))
		self->sigbus++;
	munmap(p, len);
	return 0;
}

static int feature(__u32 flags, const void *data, size_t len)
{
	struct {
		struct vfio_device_feature hdr;
		__u8 data[8];
	} f = { .hdr = { .argsz = sizeof(f.hdr) + len, .flags = flags } };

	if (len)
		memcpy(f.data, data, len);
	return ioctl(dev.device_fd, VFIO_DEVICE_FEATURE, &f) ? -errno : 0;
}

static int act_lp_entry(void)
{
	return feature(VFIO_DEVICE_FEATURE_SET |
		       VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0);
}

static int act_lp_wakeup(void)
{
	struct vfio_device_low_power_entry_with_wakeup e = { 0 };
	int ret;

	e.wakeup_eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (e.wakeup_eventfd < 0)
		return -errno;
	ret = feature(VFIO_DEVICE_FEATURE_SET |
		      VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
		      &e, sizeof(e));
	close(e.wakeup_eventfd);
	return ret;
}

static int lp_exit(void)
{
	return feature(VFIO_DEVICE_FEATURE_SET |
		       VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL, 0);
}

static int act_lp_exit(void)
{
	return lp_exit();
}

static int act_cfg_read(void)
{
	__u8 buf[PCI_CFG_SPACE_SIZE];
	ssize_t n = vfio_region_pread(&dev, VFIO_PCI_CONFIG_REGION_INDEX, buf,
				      sizeof(buf), 0);

	return n < 0 ? (int)n : 0;
}

static int act_bar_read(void)
{
	__u64 span = bar0_size < 4096 ? bar0_size : 4096;
	__u32 v;

	return vfio_bar_read32(&dev, 0, rnd(span / 4) * 4, &v);
}

static const struct action actions[] = {
	{ "command", act_command, 0 },
	{ "pmcsr", act_pmcsr, NEED_PM },
	{ "irq_enable", act_irq_enable, 0 },
	{ "irq_trigger", act_irq_trigger, 0 },
	{ "intx_mask", act_intx_mask, NEED_INTX },
	{ "irq_disable", act_irq_disable, 0 },
	{ "reset", act_reset, NEED_RESET },
	{ "hot_reset", act_hot_reset, NEED_HOT },
	{ "mmap", act_mmap, NEED_MMAP },
	{ "lp_entry", act_lp_entry, NEED_LP },
	{ "lp_wakeup", act_lp_wakeup, NEED_LP },
	{ "lp_exit", act_lp_exit, NEED_LP },
	{ "cfg_read", act_cfg_read, 0 },
	{ "bar0_read", act_bar_read, NEED_BAR0 },
};

static_assert(ARRAY_SIZE(actions) <= ARRAY_SIZE(((struct shared *)0)->st),
	      "room for every action's counters");

static bool usable(const struct action *a)
{
	return (a->needs & have) == a->needs;
}

/* ---- running the actions ---- */

/* errnos no race explains */
static bool bad_errno(int act, int err)
{
	if (err == ENOTTY && hot_enotty && actions[act].fn == act_hot_reset)
		return false;
	return err == EFAULT || err == ENOMEM || err == EBADF ||
	       err == ENOTTY || err == EMFILE || err == ENFILE;
}

static void count(struct worker *w, int act, int ret)
{
	struct act_stats *st = &sh->st[act];
	int err = -ret;

	__atomic_fetch_add(&st->runs, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&st->sigbus, w->sigbus, __ATOMIC_RELAXED);
	w->sigbus = 0;
	if (!ret) {
		__atomic_fetch_add(&st->ok, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&st->err[err < NR_ERRNO ? err : NR_ERRNO - 1], 1,
			   __ATOMIC_RELAXED);
	if (!bad_errno(act, err))
		return;
	if (__atomic_fetch_add(&sh->failures, 1, __ATOMIC_RELAXED) <
	    MAX_REPORTS)
		printf("# FAIL process %d thread %d: %s: %s (errno %d)\n",
		       w->proc, w->id, actions[act].name, strerror(err), err);
}

static void *worker_fn(void *arg)
{
	int usable_acts[ARRAY_SIZE(actions)], n = 0, act;
	struct worker *w = arg;
	size_t i;

	self = w;
	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (usable(&actions[i]))
			usable_acts[n++] = i;
	while (now_ms() < deadline) {
		act = usable_acts[rnd(n)];
		__atomic_store_n(&w->since, now_ms(), __ATOMIC_RELAXED);
		__atomic_store_n(&w->cur, act, __ATOMIC_RELEASE);
		count(w, act, actions[act].fn());
		__atomic_store_n(&w->cur, -1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* How long thread @i has been in its action, -1 when in none. */
static long busy_ms(int i)
{
	if (__atomic_load_n(&workers[i].cur, __ATOMIC_ACQUIRE) < 0)
		return -1;
	return now_ms() - __atomic_load_n(&workers[i].since, __ATOMIC_RELAXED);
}

/* The watchdog: print where each thread of this process is, exit 2. */
static void *watchdog_fn(void *arg)
{
	int i, cur;

	for (;;) {
		sleep(1);
		for (i = 0; i < nr_threads && busy_ms(i) < HANG_S * 1000L; i++)
			;
		if (i < nr_threads)
			break;
	}
	for (i = 0; i < nr_threads; i++) {
		cur = __atomic_load_n(&workers[i].cur, __ATOMIC_ACQUIRE);
		printf("# HANG process %d (pid %d) thread %d: %s for %ld ms\n",
		       workers[i].proc, getpid(), i,
		       cur < 0 ? "between actions" : actions[cur].name,
		       busy_ms(i));
	}
	/* the children (of the parent) go too, releasing the device */
	for (i = 0; i < nr_children; i++)
		kill(children[i], SIGKILL);
	for (i = 0; i < 100 && waitpid(-1, NULL, WNOHANG) >= 0; i++)
		usleep(100000);
	fflush(stdout);
	_exit(2);
	return arg;
}

/* fds open, or mappings of the device, in this process */
static int count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += !!strstr(line, "vfio");
	if (f)
		fclose(f);
	return n;
}

/* Run the threads of process @proc; 0, or 1 when it leaked. */
static int run_proc(int proc, __u64 seed)
{
	int i, fds = count_fds(), maps = count_maps(), ret = 0;
	pthread_t wd;

	for (i = 0; i < nr_threads; i++) {
		workers[i] = (struct worker){ .proc = proc, .id = i, .cur = -1,
			.rng = seed * 1000003ULL + proc * MAX_THREADS + i };
		if (pthread_create(&workers[i].th, NULL, worker_fn,
				   &workers[i])) {
			printf("# process %d: pthread_create failed\n", proc);
			exit(1);
		}
	}
	if (pthread_create(&wd, NULL, watchdog_fn, NULL)) {
		printf("# process %d: no watchdog thread\n", proc);
		exit(1);
	}
	for (i = 0; i < nr_threads; i++)
		pthread_join(workers[i].th, NULL);
	if (count_fds() != fds || count_maps() != maps) {
		printf("# FAIL process %d: %d fds and %d device mappings, %d and %d before\n",
		       proc, count_fds(), count_maps(), fds, maps);
		ret = 1;
	}
	return ret;
}

/* ---- setup, wind-down, summary ---- */

/* "0xVVVV:0xDDDD" as sysfs shows the device's IDs, into @id[16] */
static const char *sysfs_ids(char *id)
{
	memset(id, 0, 16);
	if (sysfs_read(dev.bdf, "vendor", id, 6, 0) == 6 &&
	    sysfs_read(dev.bdf, "device", id + 7, 6, 0) == 6)
		id[6] = ':';
	return id;
}

static void probe_irqs(void)
{
	struct vfio_irq_info ii;
	int i;

	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		if (vfio_irq_info(&dev, i, &ii) || !ii.count)
			continue;
		irq_count[i] = ii.count;
		irq_idx[nr_irq_idx++] = i;
		if (i == VFIO_PCI_INTX_IRQ_INDEX)
			have |= NEED_INTX;
	}
}

static void probe_bars(void)
{
	struct vfio_region_info ri;
	size_t len;
	void *p;
	int i;

	for (i = 0; i < VFIO_PCI_ROM_REGION_INDEX; i++) {
		if (vfio_region_info(&dev, i, &ri) || !ri.size)
			continue;
		if (i == 0) {
			bar0_size = ri.size;
			have |= NEED_BAR0;
		}
		if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
			continue;
		len = ri.size < MAP_MAX ? ri.size : MAP_MAX;
		p = vfio_region_mmap(&dev, i, len, 0, PROT_READ, MAP_SHARED);
		if (p == MAP_FAILED) {
			printf("# BAR%d: not mapped, mmap: %s\n", i,
			       strerror(errno));
			continue;
		}
		munmap(p, len);
		map_len[i] = len;
		map_bars[nr_map_bars++] = i;
		have |= NEED_MMAP;
	}
}

/*
 * A hot reset on its own first. QEMU 7.2's root ports never report the
 * link up after a bus reset below them, so the PCI core's wait for it
 * gives ENOTTY when the device has a PM capability (a D3cold delay): see
 * vfio_pci_reset_test, which proves it. Where the hot reset alone is
 * ENOTTY, the soak's are not failures.
 */
static void probe_hot_reset(void)
{
	int ret = act_hot_reset();

	have |= NEED_HOT;
	hot_enotty = ret == -ENOTTY;
	if (ret)
		printf("# a hot reset before the soak: %s%s\n", strerror(-ret),
		       hot_enotty ? "; ENOTTY of hot_reset is no failure" : "");
}

static void probe(void)
{
	struct vfio_device_info di;
	char id[16];
	int ret;

	is_edu = !strcmp(sysfs_ids(id), EDU_SYSFS_IDS);
	pm_cap = vfio_cfg_find_cap(&dev, PCI_CAP_ID_PM);
	if (pm_cap > 0)
		have |= NEED_PM;
	if (!vfio_device_info(&dev, &di) && di.flags & VFIO_DEVICE_FLAGS_RESET)
		have |= NEED_RESET;
	ret = hot_reset_info();
	if (ret)
		printf("# no hot reset: GET_PCI_HOT_RESET_INFO: %s\n",
		       strerror(-ret));
	else
		probe_hot_reset();
	if (!feature(VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
		     VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0))
		have |= NEED_LP;
	probe_irqs();
	probe_bars();
}

/* A step of the wind-down: 1 (and a line saying why) when it failed. */
static int step(int ret, const char *what)
{
	if (ret)
		printf("# bringing the device back: %s: %s\n", what,
		       strerror(-ret));
	return !!ret;
}

/* Bring the device back; the number of steps that failed. */
static int restore(void)
{
	char want[16], got[16];
	int i, ret, bad = 0;
	__u32 v;

	if (have & NEED_LP)
		bad += step(lp_exit(), "LOW_POWER_EXIT");
	if (pm_cap > 0)
		bad += step(set_pmcsr(0), "PMCSR D0");
	/* EINVAL: the index was not on */
	for (i = 0; i < nr_irq_idx; i++) {
		ret = irq_disable(irq_idx[i]);
		bad += step(ret == -EINVAL ? 0 : ret, "disabling IRQs");
	}
	ret = vfio_cfg_read(&dev, PCI_COMMAND, 2, &v);
	if (!ret)
		ret = vfio_cfg_write(&dev, PCI_COMMAND, 2,
				     v | PCI_COMMAND_MEMORY);
	bad += step(ret, "COMMAND");
	if (have & NEED_RESET)
		bad += step(act_reset(), "VFIO_DEVICE_RESET");
	ret = vfio_cfg_read(&dev, PCI_VENDOR_ID, 4, &v);
	snprintf(got, sizeof(got), "0x%04x:0x%04x", v & 0xffff, v >> 16);
	if (ret || strcmp(sysfs_ids(want), got)) {
		printf("# the end: config space shows %s (%s), sysfs %s\n",
		       got, ret ? strerror(-ret) : "read", want);
		bad++;
	}
	return bad;
}

static void summary(long ms)
{
	unsigned long total = 0;
	const struct act_stats *st;
	size_t i;
	int e;

	printf("# %-12s %9s %9s %7s  errnos\n", "action", "runs", "ok",
	       "sigbus");
	for (i = 0; i < ARRAY_SIZE(actions); i++) {
		st = &sh->st[i];
		total += st->runs;
		if (!usable(&actions[i])) {
			printf("# %-12s not run: the device lacks it\n",
			       actions[i].name);
			continue;
		}
		printf("# %-12s %9lu %9lu %7lu ", actions[i].name, st->runs,
		       st->ok, st->sigbus);
		for (e = 1; e < NR_ERRNO; e++)
			if (st->err[e])
				printf(" %s:%lu", e == NR_ERRNO - 1 ? "other" :
				       strerrorname_np(e), st->err[e]);
		printf("\n");
	}
	printf("# %lu actions in %ld.%03ld s: %lu/s\n", total, ms / 1000,
	       ms % 1000, ms ? total * 1000 / ms : 0);
}

/* Wait for the children: 2 when one hung, 1 when one failed otherwise. */
static int reap(void)
{
	int i, status = 0, rc, worst = 0;

	for (i = 0; i < nr_children; i++) {
		rc = 1;
		if (waitpid(children[i], &status, 0) > 0 && WIFEXITED(status))
			rc = WEXITSTATUS(status);
		if (rc)
			printf("# process %d: wait status 0x%x\n", i + 1, status);
		worst = rc == 2 || worst == 2 ? 2 : (rc || worst);
	}
	return worst;
}

static void bad_usage(const char *argv0)
{
	fprintf(stderr, "%s [-t SECONDS] [-p PROCS] [-T THREADS] %s\n", argv0,
		"[-m group|cdev] [-s SEED] BDF");
	exit(1);
}

static void parse_args(int argc, char **argv, struct options *o)
{
	int opt;

	while ((opt = getopt(argc, argv, "t:p:T:m:s:")) != -1) {
		if (opt == 't')
			o->secs = atoi(optarg);
		else if (opt == 'p')
			o->procs = atoi(optarg);
		else if (opt == 'T')
			nr_threads = atoi(optarg);
		else if (opt == 'm' && !strcmp(optarg, "cdev"))
			o->mode = VFIO_MODE_CDEV;
		else if (opt == 's')
			o->seed = strtoull(optarg, NULL, 0);
		else if (opt != 'm' || strcmp(optarg, "group"))
			bad_usage(argv[0]);
	}
	if (optind != argc - 1 || o->secs < 1 || o->procs < 1 ||
	    o->procs > MAX_PROCS || nr_threads < 1 || nr_threads > MAX_THREADS)
		bad_usage(argv[0]);
}

/* Fork the children; each runs its threads and exits. */
static void start_children(const struct options *o)
{
	pid_t pid;
	int i;

	for (i = 1; i < o->procs; i++) {
		pid = fork();
		if (pid < 0) {
			printf("# fork: %s\n", strerror(errno));
			return;
		}
		if (!pid) {
			nr_children = 0;
			exit(run_proc(i, o->seed));
		}
		children[nr_children++] = pid;
	}
}

int main(int argc, char **argv)
{
	struct options o = { VFIO_MODE_GROUP, 3, 60, time(NULL) };
	int rc, proc_rc;
	long start;

	parse_args(argc, argv, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (vfio_dev_open(&dev, argv[optind], o.mode)) {
		printf("# open %s (%s): %s\n", argv[optind],
		       vfio_mode_name(o.mode), dev.err);
		return 1;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	vfio_catch_sigbus();
	probe();
	printf("# %s (%s): %d processes x %d threads, %d s, seed %llu\n",
	       dev.bdf, vfio_mode_name(o.mode), o.procs, nr_threads, o.secs,
	       (unsigned long long)o.seed);
	start = now_ms();
	deadline = start + o.secs * 1000L;
	start_children(&o);
	proc_rc = run_proc(0, o.seed);
	rc = reap();
	if (rc != 2 && (proc_rc || nr_children != o.procs - 1))
		rc = 1;
	summary(now_ms() - start);
	if (restore() && !rc)
		rc = 1;
	if (sh->failures && !rc)
		rc = 1;
	printf("# %lu failures; %s\n", sh->failures,
	       rc == 2 ? "a process hung" : rc ? "FAIL" : "PASS");
	vfio_dev_close(&dev);
	return rc;
}
