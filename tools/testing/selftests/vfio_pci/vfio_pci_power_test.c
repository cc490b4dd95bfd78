// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_power_test BDF: KTAP tests of the power management of
 * vfio-pci: a bound device nobody has open sleeps (runtime suspended, in
 * D3hot when it has a PM capability) unless vfio_pci's disable_idle_d3 is
 * set; an open device stays awake; VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
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
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_test.h"

#define SLEEP_WAIT_MS	5000
#define PARAM_IDLE_D3	"/sys/module/vfio_pci/parameters/disable_idle_d3"

static bool has_pm_cap;
static bool idle_d3_disabled;
static int mmap_bar = -1;

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

/* Wait until the runtime PM status of @bdf reads @want; false on time-out. */
static bool wait_status(const char *bdf, const char *want)
{
	char got[32];
	int ms;

	for (ms = 0; ms < SLEEP_WAIT_MS; ms += 20) {
		if (read_attr(bdf, "power/runtime_status", got, sizeof(got)) &&
		    !strcmp(got, want))
			return true;
		usleep(20 * 1000);
	}
	return false;
}

static void check_attr(struct test_ctx *t, const char *file, const char *want,
		       const char *when)
{
	char got[32] = "?";

	read_attr(t->bdf, file, got, sizeof(got));
	check(t, !strcmp(got, want), "%s %s: %s, expected %s", file, when,
	      got, want);
}

/* Asleep: runtime suspended, and in D3hot if it can be. */
static void check_asleep(struct test_ctx *t, const char *when)
{
	if (check(t, wait_status(t->bdf, "suspended"),
		  "not runtime suspended %s within %d ms", when,
		  SLEEP_WAIT_MS))
		return;
	check_attr(t, "power_state", has_pm_cap ? "D3hot" : "D0", when);
}

static void check_awake(struct test_ctx *t, const char *when)
{
	check_attr(t, "power/runtime_status", "active", when);
	check_attr(t, "power_state", "D0", when);
}

/*
 * Closed: asleep, unless disable_idle_d3 keeps a usage count of its own,
 * with which an idle device never sleeps. That count stands in for the
 * open's, so a request to sleep is honoured either way.
 */
static void check_closed(struct test_ctx *t, const char *when)
{
	if (!idle_d3_disabled) {
		check_asleep(t, when);
		return;
	}
	usleep(300 * 1000);
	check_awake(t, when);
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

	vfio_dev_close(t->d);
	check_closed(t, "closed");
	if (check_ok(t, vfio_dev_open(t->d, t->bdf, mode), "reopen"))
		return;
	check_awake(t, "open again");
	check_alive(t, "after the sleep");
}

static void test_open_awake(struct test_ctx *t)
{
	check_awake(t, "open");
	usleep(300 * 1000);
	check_awake(t, "open, 300 ms later");
	check_alive(t, "open");
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

	check_map(t, map, true, "before the entry");
	if (check_ok(t, lp_enter(t), "LOW_POWER_ENTRY"))
		goto out_unmap;
	check_asleep(t, "after LOW_POWER_ENTRY");
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
	usleep(200 * 1000);
	check_awake(t, "200 ms after LOW_POWER_EXIT");
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

	pfd.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (check(t, pfd.fd >= 0, "eventfd: %s", strerror(errno)))
		goto out_unmap;
	if (check_ok(t, low_power_wakeup(t, pfd.fd), "LOW_POWER_ENTRY_WITH_WAKEUP"))
		goto out_close;
	check_asleep(t, "after LOW_POWER_ENTRY_WITH_WAKEUP");
	check(t, poll(&pfd, 1, 0) == 0, "wake-up eventfd signalled while asleep");
	check_map(t, map, false, "asleep");
	check_alive(t, "woken by a config read");
	check(t, poll(&pfd, 1, 1000) == 1 && eventfd_read(pfd.fd, &count) == 0 &&
	      count >= 1, "wake-up eventfd not signalled by the wake-up");
	usleep(200 * 1000);
	check_awake(t, "after the wake-up");
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

	if (check_ok(t, lp_enter(t), "LOW_POWER_ENTRY"))
		return;
	check_asleep(t, "after LOW_POWER_ENTRY");
	vfio_dev_close(t->d);
	check_closed(t, "closed");
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
		ktap_diag("cannot open %s to find its PM capability", bdf);
		return;
	}
	has_pm_cap = vfio_cfg_find_cap(&d, PCI_CAP_ID_PM) > 0;
	vfio_dev_close(&d);
	ktap_diag("%s: PM capability %s, disable_idle_d3 %c, mapped BAR %d",
		  bdf, has_pm_cap ? "yes" : "no", param[0], mmap_bar);
}

static const struct test tests[] = {
	{ "open_awake", test_open_awake },
	{ "idle_sleep", test_idle_sleep },
	{ "feature_probe", test_probe },
	{ "entry_exit", test_entry_exit },
	{ "wakeup", test_wakeup },
	{ "bad_args", test_bad_args },
	{ "close_asleep", test_close_asleep },
};

int main(int argc, char **argv)
{
	vfio_catch_sigbus();
	return vfio_test_main(argc, argv, tests, ARRAY_SIZE(tests),
			      probe_device);
}
