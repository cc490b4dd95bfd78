// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_power_test: tests of the power management of
 * vfio-pci: a bound device nobody has open sleeps (runtime suspended, in
 * D3hot when it has a PM capability) unless vfio_pci's disable_idle_d3 is
 * set, without touching an interrupt line it never took; an open device
 * stays awake; VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
 * _ENTRY_WITH_WAKEUP and _EXIT put an open device to sleep and wake it,
 * and nothing reaches the device meanwhile: its BAR mappings fault with
 * SIGBUS, while reads through the device fd wake it for their duration.
 * Every test runs over the group + container path and over the cdev +
 * iommufd path. The base tree's vfio-pci is the reference.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_fixture.h"

#define SLEEP_WAIT_MS	5000
#define QUIET_MS	300	/* the shortest watch for a sleep that must not come */
#define PARAM_IDLE_D3	"/sys/module/vfio_pci/parameters/disable_idle_d3"

static bool has_pm_cap;
static bool idle_d3_disabled;
static int mmap_bar = -1;
/* the slowest sleep seen, from the request to "suspended", in ms */
static long slowest_sleep_ms;

/* The first line of attribute @file of the device, without the newline. */
static bool read_attr(const char *bdf, const char *file, char *buf,
		      size_t len)
{
	ssize_t n = sysfs_read(bdf, file, buf, len - 1, 0);

	if (n <= 0)
		return false;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/*
 * Wait until the runtime PM status of @bdf reads @want: how long it took
 * in ms, or -1 on time-out.
 */
static long wait_status(const char *bdf, const char *want)
{
	long start = now_ms();
	char got[32];

	do {
		if (read_attr(bdf, "power/runtime_status", got, sizeof(got)) &&
		    !strcmp(got, want))
			return now_ms() - start;
		usleep(10 * 1000);
	} while (now_ms() - start < SLEEP_WAIT_MS);
	return -1;
}

static void check_attr(struct test_ctx *t, const char *file, const char *want,
		       const char *when)
{
	char got[32] = "?";

	read_attr(t->bdf, file, got, sizeof(got));
	check(t, !strcmp(got, want), "%s %s: %s, expected %s", file, when,
	      got, want);
}

/*
 * Asleep: runtime suspended, and in D3hot if it can be. Returns how long
 * the sleep took to show, in ms, or -1.
 */
static long check_asleep(struct test_ctx *t, const char *when)
{
	long ms = wait_status(t->bdf, "suspended");

	if (check(t, ms >= 0, "not runtime suspended %s within %d ms", when,
		  SLEEP_WAIT_MS))
		return -1;
	if (ms > slowest_sleep_ms)
		slowest_sleep_ms = ms;
	check_attr(t, "power_state", has_pm_cap ? "D3hot" : "D0", when);
	return ms;
}

static void check_awake(struct test_ctx *t, const char *when)
{
	check_attr(t, "power/runtime_status", "active", when);
	check_attr(t, "power_state", "D0", when);
}

static int lp_enter(struct test_ctx *t);
static int lp_exit(struct test_ctx *t);

/*
 * How long to watch for a sleep that must not come: QUIET_MS, or four
 * times the slowest sleep seen when that is longer, up to SLEEP_WAIT_MS.
 */
static long quiet_ms(void)
{
	long ms = 4 * slowest_sleep_ms;

	if (ms < QUIET_MS)
		ms = QUIET_MS;
	return ms > SLEEP_WAIT_MS ? SLEEP_WAIT_MS : ms;
}

/*
 * Awake for the whole quiet window, looked at every 10 ms: the watch for
 * a sleep that must not come. It proves something only beside a control
 * in the same test, a sleep the same watch saw in less than the window:
 * @ctl_ms, how long that took, or -1 when the control comes after (the
 * caller then compares it with the window returned).
 */
static long check_stays_awake(struct test_ctx *t, const char *when,
			      long ctl_ms)
{
	long start, ms, window;
	char got[32];

	if (ctl_ms > slowest_sleep_ms)
		slowest_sleep_ms = ctl_ms;
	window = quiet_ms();
	start = now_ms();
	do {
		snprintf(got, sizeof(got), "?");
		read_attr(t->bdf, "power/runtime_status", got, sizeof(got));
		ms = now_ms() - start;
		if (check(t, !strcmp(got, "active"),
			  "runtime status %s %ld ms into the %ld ms watch %s",
			  got, ms, window, when))
			return window;
		usleep(10 * 1000);
	} while (ms < window);
	check_awake(t, when);
	if (ctl_ms < 0)
		vfio_diag("%s: awake through a %ld ms watch %s (its control comes after)",
			  t->name, window, when);
	else
		vfio_diag("%s: awake through a %ld ms watch %s; the control sleep took %ld ms",
			  t->name, window, when, ctl_ms);
	check(t, ctl_ms < 0 || ctl_ms <= window,
	      "%s: the control sleep took %ld ms, longer than the %ld ms watch",
	      when, ctl_ms, window);
	return window;
}

/*
 * The positive control of a watch for a sleep that must not come: the
 * open device put to sleep by LOW_POWER_ENTRY, seen asleep by the same
 * watch, and woken by LOW_POWER_EXIT. How long the sleep took to show,
 * in ms, or -1.
 */
static long sleep_control(struct test_ctx *t, const char *when)
{
	long ms;

	if (check_ok(t, lp_enter(t), "LOW_POWER_ENTRY, the control %s", when))
		return -1;
	ms = check_asleep(t, when);
	check_ok(t, lp_exit(t), "LOW_POWER_EXIT, the control %s", when);
	check_awake(t, when);
	return ms;
}

/*
 * Closed: asleep, unless disable_idle_d3 keeps a usage count of its own,
 * with which an idle device never sleeps. That count stands in for the
 * open's, so a request to sleep is honoured either way. @ctl_ms: the
 * control of the watch then, as check_stays_awake() takes it.
 */
static void check_closed(struct test_ctx *t, const char *when, long ctl_ms)
{
	if (!idle_d3_disabled) {
		check_asleep(t, when);
		return;
	}
	if (!check(t, ctl_ms >= 0, "%s: no control sleep to compare with",
		   when))
		check_stays_awake(t, when, ctl_ms);
}

/* The device answers: its vendor ID reads back as sysfs has it. */
static void check_alive(struct test_ctx *t, const char *when)
{
	unsigned long vendor;
	__u32 val;

	if (check_ok(t, sysfs_read_ulong(t->bdf, "vendor", &vendor),
		     "sysfs vendor") ||
	    check_ok(t, vfio_cfg_read(t->d, PCI_VENDOR_ID, 2, &val),
		     "config read %s", when))
		return;
	check(t, val == vendor, "vendor ID %s: 0x%04x, expected 0x%04lx",
	      when, val, vendor);
}

/* VFIO_DEVICE_FEATURE with @len bytes of @data: 0, or -errno. */
static int feature(struct test_ctx *t, __u32 flags, const void *data,
		   size_t len)
{
	struct {
		struct vfio_device_feature hdr;
		__u8 data[64];
	} f;

	memset(&f, 0, sizeof(f));
	f.hdr.argsz = sizeof(f.hdr) + len;
	f.hdr.flags = flags;
	if (len)
		memcpy(f.data, data, len);
	return ioctl(t->d->device_fd, VFIO_DEVICE_FEATURE, &f) ? -errno : 0;
}

/* The feature call that returned @ret must have failed with @want. */
static void check_refused(struct test_ctx *t, int ret, int want,
			  const char *what)
{
	check_errno(t, ret ? -1 : ret, -ret, want, "%s", what);
}

static int low_power(struct test_ctx *t, __u32 index)
{
	return feature(t, VFIO_DEVICE_FEATURE_SET | index, NULL, 0);
}

static int lp_enter(struct test_ctx *t)
{
	return low_power(t, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY);
}

static int lp_exit(struct test_ctx *t)
{
	return low_power(t, VFIO_DEVICE_FEATURE_LOW_POWER_EXIT);
}

static int low_power_wakeup(struct test_ctx *t, int fd)
{
	struct vfio_device_low_power_entry_with_wakeup e = {
		.wakeup_eventfd = fd,
	};

	return feature(t, VFIO_DEVICE_FEATURE_SET |
		       VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
		       &e, sizeof(e));
}

/* A page of the first mappable memory BAR, decoded, or NULL. */
static __u32 *map_bar(struct test_ctx *t)
{
	__u32 cmd;
	void *p;

	if (mmap_bar < 0)
		return NULL;
	if (check_ok(t, vfio_cfg_read(t->d, PCI_COMMAND, 2, &cmd),
		     "command read") ||
	    check_ok(t, vfio_cfg_write(t->d, PCI_COMMAND, 2,
				       cmd | PCI_COMMAND_MEMORY),
		     "memory enable"))
		return NULL;
	p = vfio_region_mmap(t->d, VFIO_PCI_BAR0_REGION_INDEX + mmap_bar,
			     getpagesize(), 0, PROT_READ, MAP_SHARED);
	if (check(t, p != MAP_FAILED, "mmap BAR%d: %s", mmap_bar,
		  strerror(errno)))
		return NULL;
	return p;
}

static void check_map(struct test_ctx *t, __u32 *map, bool works,
		      const char *when)
{
	__u32 val;

	if (!map)
		return;
	check(t, vfio_load32(map, &val) == works,
	      "a load through the BAR%d mapping %s %s", mmap_bar,
	      works ? "faulted" : "did not fault", when);
}

/* ---- a device nobody has open ---- */

static void test_idle_sleep(struct test_ctx *t)
{
	enum vfio_open_mode mode = t->d->mode;
	long ctl = -1;

	/* a closed device that must stay awake: first, a sleep seen */
	if (idle_d3_disabled)
		ctl = sleep_control(t, "before the close");
	vfio_dev_close(t->d);
	check_closed(t, "closed", ctl);
	if (check_ok(t, vfio_dev_open(t->d, t->bdf, mode), "reopen"))
		return;
	check_awake(t, "open again");
	check_alive(t, "after the sleep");
}

#define IRQ_DEBUGFS	"/sys/kernel/debug/irq/irqs"

/* The disable depth of interrupt @irq, from debugfs, or -1. */
static long irq_depth(unsigned long irq)
{
	char path[64], line[128];
	long depth = -1;
	FILE *f;

	snprintf(path, sizeof(path), IRQ_DEBUGFS "/%lu", irq);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "ddepth: %ld", &depth) == 1)
			break;
	fclose(f);
	return depth;
}

/*
 * A device bound afresh and never opened owns no interrupt: its sleep
 * leaves the line its pin is routed to (IRQ 0, the timer's on x86, when
 * it has none) as it found it, whoever else uses that line.
 */
static void test_unopened_line(struct test_ctx *t)
{
	enum vfio_open_mode mode = t->d->mode;
	unsigned long irq;
	long before, after;

	if (idle_d3_disabled) {
		t->skip = "disable_idle_d3 set: a bound device stays awake";
		return;
	}
	if (access(IRQ_DEBUGFS, F_OK)) {
		t->skip = "no " IRQ_DEBUGFS " (CONFIG_GENERIC_IRQ_DEBUGFS)";
		return;
	}
	vfio_dev_close(t->d);
	if (check_ok(t, sysfs_read_ulong(t->bdf, "irq", &irq), "reading irq"))
		goto reopen;
	before = irq_depth(irq);
	if (check(t, before >= 0, "no disable depth of IRQ %lu in debugfs",
		  irq) ||
	    check_ok(t, sysfs_bind(t->bdf, "vfio-pci"), "binding afresh"))
		goto reopen;
	check_asleep(t, "bound afresh, never opened");
	after = irq_depth(irq);
	vfio_diag("%s: IRQ %lu disable depth %ld before the bind, %ld asleep",
		  t->name, irq, before, after);
	check(t, after == before,
	      "a never opened device's sleep took IRQ %lu's disable depth from %ld to %ld",
	      irq, before, after);
reopen:
	check_ok(t, vfio_dev_open(t->d, t->bdf, mode), "reopen");
}

static void test_open_awake(struct test_ctx *t)
{
	long window, ctl;

	check_awake(t, "open");
	window = check_stays_awake(t, "open", -1);
	check_alive(t, "open");
	/* the control: asked to sleep, it does, within the window */
	ctl = sleep_control(t, "after the watch");
	vfio_diag("%s: control sleep after the watch: %ld ms", t->name, ctl);
	check(t, ctl >= 0 && ctl <= window,
	      "the control sleep took %ld ms, the watch was %ld ms", ctl,
	      window);
	check_alive(t, "after the control");
}

/* ---- the low power features ---- */

static void test_probe(struct test_ctx *t)
{
	static const __u32 idx[] = {
		VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
		VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
		VFIO_DEVICE_FEATURE_LOW_POWER_EXIT,
	};
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		ret = feature(t, VFIO_DEVICE_FEATURE_PROBE |
			      VFIO_DEVICE_FEATURE_SET | idx[i], NULL, 0);
		check(t, ret == 0, "PROBE|SET of feature %u: %s", idx[i],
		      strerror(-ret));
		ret = feature(t, VFIO_DEVICE_FEATURE_PROBE |
			      VFIO_DEVICE_FEATURE_GET | idx[i], NULL, 0);
		check(t, ret == -EINVAL, "PROBE|GET of feature %u: %d, expected -EINVAL",
		      idx[i], ret);
	}
}

static void test_entry_exit(struct test_ctx *t)
{
	__u32 *map = map_bar(t), val;
	long ctl;

	check_map(t, map, true, "before the entry");
	if (check_ok(t, lp_enter(t), "LOW_POWER_ENTRY"))
		goto out_unmap;
	ctl = check_asleep(t, "after LOW_POWER_ENTRY");
	check_map(t, map, false, "asleep");
	/* an fd access wakes the device for itself only */
	check_alive(t, "asleep, through the fd");
	if (mmap_bar >= 0)
		check_ok(t, vfio_bar_read32(t->d, mmap_bar, 0, &val),
			 "BAR%d read through the fd while asleep", mmap_bar);
	check_asleep(t, "after reads through the fd");
	check_map(t, map, false, "asleep after the reads");
	check_refused(t, lp_enter(t),
		      EINVAL, "a second LOW_POWER_ENTRY");
	check_ok(t, lp_exit(t), "LOW_POWER_EXIT");
	check_awake(t, "after LOW_POWER_EXIT");
	check_map(t, map, true, "after LOW_POWER_EXIT");
	check_ok(t, lp_exit(t), "LOW_POWER_EXIT when awake");
	/* no sleep follows: watched longer than the entry took to show */
	check_stays_awake(t, "after a second LOW_POWER_EXIT", ctl);
	check_alive(t, "after LOW_POWER_EXIT");
out_unmap:
	if (map)
		munmap(map, getpagesize());
}

/* The device woke (an access did it): the eventfd says so, it stays up. */
static void test_wakeup(struct test_ctx *t)
{
	struct pollfd pfd = { .events = POLLIN };
	__u32 *map = map_bar(t);
	eventfd_t count = 0;
	long ctl;

	pfd.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (check(t, pfd.fd >= 0, "eventfd: %s", strerror(errno)))
		goto out_unmap;
	if (check_ok(t, low_power_wakeup(t, pfd.fd), "LOW_POWER_ENTRY_WITH_WAKEUP"))
		goto out_close;
	ctl = check_asleep(t, "after LOW_POWER_ENTRY_WITH_WAKEUP");
	check(t, poll(&pfd, 1, 0) == 0, "wake-up eventfd signalled while asleep");
	check_map(t, map, false, "asleep");
	check_alive(t, "woken by a config read");
	check(t, poll(&pfd, 1, 1000) == 1 && eventfd_read(pfd.fd, &count) == 0 &&
	      count >= 1, "wake-up eventfd not signalled by the wake-up");
	/* it stays up: watched longer than the entry took to show */
	check_stays_awake(t, "after the wake-up", ctl);
	check_map(t, map, true, "after the wake-up");
	check_ok(t, lp_exit(t), "LOW_POWER_EXIT after the wake-up");
	check_awake(t, "after LOW_POWER_EXIT");
out_close:
	close(pfd.fd);
out_unmap:
	if (map)
		munmap(map, getpagesize());
}

static void test_bad_args(struct test_ctx *t)
{
	struct vfio_device_low_power_entry_with_wakeup e = { 0 };
	int fd, nul;

	check_refused(t, feature(t, VFIO_DEVICE_FEATURE_GET |
				 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0),
		      EINVAL, "GET of LOW_POWER_ENTRY");
	check_refused(t, feature(t, VFIO_DEVICE_FEATURE_SET |
				 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
				 &e, sizeof(e) - 1),
		      EINVAL, "ENTRY_WITH_WAKEUP with a short argsz");
	check_refused(t, low_power_wakeup(t, -1), EINVAL,
		      "ENTRY_WITH_WAKEUP with fd -1");
	fd = eventfd(0, EFD_CLOEXEC);
	if (!check(t, fd >= 0, "eventfd: %s", strerror(errno))) {
		close(fd);
		check_refused(t, low_power_wakeup(t, fd), EBADF,
			      "ENTRY_WITH_WAKEUP with a closed fd");
	}
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!check(t, nul >= 0, "/dev/null: %s", strerror(errno))) {
		check_refused(t, low_power_wakeup(t, nul), EINVAL,
			      "ENTRY_WITH_WAKEUP with a fd that is no eventfd");
		close(nul);
	}
	check_refused(t, feature(t, VFIO_DEVICE_FEATURE_SET | 0xfff0, NULL, 0),
		      ENOTTY, "SET of an unknown feature");
	check_awake(t, "after the refused requests");
	check_alive(t, "after the refused requests");
}

/* A user that closes the device asleep leaves it to the next user intact. */
static void test_close_asleep(struct test_ctx *t)
{
	enum vfio_open_mode mode = t->d->mode;
	long ctl;

	if (check_ok(t, lp_enter(t), "LOW_POWER_ENTRY"))
		return;
	ctl = check_asleep(t, "after LOW_POWER_ENTRY");
	vfio_dev_close(t->d);
	check_closed(t, "closed", ctl);
	if (check_ok(t, vfio_dev_open(t->d, t->bdf, mode), "reopen"))
		return;
	check_awake(t, "open again");
	check_alive(t, "open again");
	check_ok(t, lp_enter(t), "LOW_POWER_ENTRY after the reopen");
	check_ok(t, lp_exit(t), "LOW_POWER_EXIT after the reopen");
}

static void probe_device(const char *bdf)
{
	struct vfio_dev d;
	char param[8] = "N";
	unsigned int i;
	__u64 flags;
	FILE *f;

	f = fopen(PARAM_IDLE_D3, "r");
	if (f) {
		if (!fgets(param, sizeof(param), f))
			param[0] = 'N';
		fclose(f);
	}
	idle_d3_disabled = param[0] == 'Y';
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		__u64 start, end;

		if (!sysfs_resource(bdf, i, &start, &end, &flags) &&
		    (flags & SYSFS_RES_MEM) && end - start + 1 >= 4096) {
			mmap_bar = i;
			break;
		}
	}
	if (vfio_dev_open(&d, bdf, VFIO_MODE_GROUP) &&
	    vfio_dev_open(&d, bdf, VFIO_MODE_CDEV)) {
		vfio_diag("cannot open %s to find its PM capability", bdf);
		return;
	}
	has_pm_cap = vfio_cfg_find_cap(&d, PCI_CAP_ID_PM) > 0;
	vfio_dev_close(&d);
	vfio_diag("%s: PM capability %s, disable_idle_d3 %c, mapped BAR %d",
		  bdf, has_pm_cap ? "yes" : "no", param[0], mmap_bar);
}

/*
 * A user that closes the device asleep with a wake-up eventfd is not told
 * of the wake-up the close makes, and the next user finds it intact.
 */
static void test_close_asleep_wakeup(struct test_ctx *t)
{
	enum vfio_open_mode mode = t->d->mode;
	struct pollfd pfd = { .events = POLLIN };
	long ctl;

	pfd.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (check(t, pfd.fd >= 0, "eventfd: %s", strerror(errno)))
		return;
	if (check_ok(t, low_power_wakeup(t, pfd.fd), "LOW_POWER_ENTRY_WITH_WAKEUP"))
		goto out_close;
	ctl = check_asleep(t, "after LOW_POWER_ENTRY_WITH_WAKEUP");
	vfio_dev_close(t->d);
	check_closed(t, "closed", ctl);
	check(t, poll(&pfd, 1, 0) == 0, "wake-up eventfd signalled by the close");
	if (check_ok(t, vfio_dev_open(t->d, t->bdf, mode), "reopen"))
		goto out_close;
	check_awake(t, "open again");
	check_alive(t, "open again");
out_close:
	close(pfd.fd);
}

TEST_F_TIMEOUT(vfio_dev, open_awake, VFIO_TEST_TIMEOUT)
{
	test_open_awake(&self->t);
}

TEST_F_TIMEOUT(vfio_own, idle_sleep, VFIO_TEST_TIMEOUT)
{
	test_idle_sleep(&self->t);
}

TEST_F_TIMEOUT(vfio_own, unopened_line, VFIO_TEST_TIMEOUT)
{
	test_unopened_line(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, feature_probe, VFIO_TEST_TIMEOUT)
{
	test_probe(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, entry_exit, VFIO_TEST_TIMEOUT)
{
	test_entry_exit(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, wakeup, VFIO_TEST_TIMEOUT)
{
	test_wakeup(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, bad_args, VFIO_TEST_TIMEOUT)
{
	test_bad_args(&self->t);
}

TEST_F_TIMEOUT(vfio_own, close_asleep, VFIO_TEST_TIMEOUT)
{
	test_close_asleep(&self->t);
}

TEST_F_TIMEOUT(vfio_own, close_asleep_wakeup, VFIO_TEST_TIMEOUT)
{
	test_close_asleep_wakeup(&self->t);
}

int main(int argc, char **argv)
{
	const char *bdf = vfio_test_init(argc, argv);

	vfio_catch_sigbus();
	if (bdf)
		probe_device(bdf);
	return test_harness_run(argc, argv);
}
