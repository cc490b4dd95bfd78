// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_wait_event BDF err|req|req-ignore|wake SECONDS READY_FILE
 *
 * Open BDF (device cdev and iommufd, else group and container), attach an
 * eventfd to its ERR or REQ index, create READY_FILE and wait up to
 * SECONDS for the eventfd. Whoever waits for READY_FILE then makes the
 * event happen from outside: an AER error injected through QEMU's monitor
 * for ERR, a hot-unplug or an unbind for REQ.
 *
 * On ERR the device must still answer afterwards: its vendor ID is read
 * through the config region and compared with sysfs. On REQ the device is
 * closed, which is what lets the kernel take it back; for REQ the program
 * also holds a mapping of BAR0 (when BAR0 can be mapped), which keeps the
 * device open until it is unmapped. With req-ignore the
 * program plays a user that ignores the request: it waits, up to SECONDS
 * again, for the kernel to ask a second time, then exits without closing
 * anything, leaving the release to the kernel.
 *
 * wake puts the device to sleep instead, with
 * VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, and creates READY_FILE
 * once the PM core has suspended it; whatever wakes it from outside (an
 * AER error at its root port: the AER core resumes the devices below the
 * port before it reports the error) must signal the wake-up eventfd, and
 * the device must answer afterwards.
 *
 * Exits 0 when the eventfd fired (and the checks held), 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_util.h"

static int set_trigger(struct vfio_dev *d, __u32 index, int fd)
{
	struct {
		struct vfio_irq_set hdr;
		__s32 fd;
	} arg = {
		.hdr = {
			.argsz = sizeof(arg),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD |
				 VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = index,
			.start = 0,
			.count = 1,
		},
		.fd = fd,
	};

	return ioctl(d->device_fd, VFIO_DEVICE_SET_IRQS, &arg) ? -errno : 0;
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* Wait for @efd: the elapsed ms, or -1 on time-out or error. */
static long wait_efd(int efd, int seconds)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	long start = now_ms();
	__u64 count;
	int n;

	do {
		n = poll(&p, 1, seconds * 1000);
	} while (n < 0 && errno == EINTR);
	if (n <= 0 || read(efd, &count, sizeof(count)) != sizeof(count))
		return -1;
	return now_ms() - start;
}

/* After an error report the function must still answer config reads. */
static int still_answers(struct vfio_dev *d, const char *bdf)
{
	unsigned long want;
	__u32 vendor;
	int ret;

	ret = sysfs_read_ulong(bdf, "vendor", &want);
	if (!ret)
		ret = vfio_cfg_read(d, PCI_VENDOR_ID, 2, &vendor);
	if (ret) {
		printf("%s: vendor ID read failed: %s\n", bdf, strerror(-ret));
		return 1;
	}
	if (vendor != want) {
		printf("%s: vendor ID 0x%04x through VFIO, 0x%04lx in sysfs\n",
		       bdf, vendor, want);
		return 1;
	}
	printf("%s: still answers: vendor 0x%04x\n", bdf, vendor);
	return 0;
}

/* The kernel asks again while the device is kept: wait for that too. */
static int ignore_request(const char *bdf, int efd, int seconds)
{
	long ms = wait_efd(efd, seconds);

	if (ms < 0) {
		printf("%s: REQ not signalled again within %d s\n", bdf,
		       seconds);
		return 1;
	}
	printf("%s: REQ signalled again after %ld ms; exiting with the device open\n",
	       bdf, ms);
	fflush(stdout);
	_exit(0);
}

/*
 * Map and read the first page of BAR0, as a user driving the device
 * would; the mapping stays until the program unmaps it or exits.
 * Return: the mapping, or NULL when BAR0 cannot be mapped.
 */
static void *hold_bar0(struct vfio_dev *d, const char *bdf)
{
	long page = sysconf(_SC_PAGESIZE);
	__u32 first;
	void *p;

	p = vfio_region_mmap(d, VFIO_PCI_BAR0_REGION_INDEX, page, 0,
			     PROT_READ, MAP_SHARED);
	if (p == MAP_FAILED) {
		printf("%s: BAR0 not mapped (%s): the device fd alone is held\n",
		       bdf, strerror(errno));
		return NULL;
	}
	vfio_catch_sigbus();
	if (vfio_load32(p, &first))
		printf("%s: BAR0 mapped, first dword 0x%08x\n", bdf, first);
	else
		printf("%s: BAR0 mapped, reading it raised SIGBUS\n", bdf);
	return p;
}

/* Until the PM core has suspended @bdf: 0, or -1 after @seconds. */
static int wait_suspended(const char *bdf, int seconds)
{
	char status[32] = "";
	long end = now_ms() + seconds * 1000L;

	while (now_ms() < end) {
		memset(status, 0, sizeof(status));
		if (sysfs_read(bdf, "power/runtime_status", status,
			       sizeof(status) - 1, 0) > 0 &&
		    !strncmp(status, "suspended", 9))
			return 0;
		usleep(100000);
	}
	printf("%s: runtime status '%.*s' after %d s, not suspended\n", bdf,
	       (int)strcspn(status, "\n"), status, seconds);
	return -1;
}

static int low_power_wakeup(struct vfio_dev *d, int efd)
{
	struct {
		struct vfio_device_feature hdr;
		struct vfio_device_low_power_entry_with_wakeup data;
	} arg = {
		.hdr = {
			.argsz = sizeof(arg),
			.flags = VFIO_DEVICE_FEATURE_SET |
				 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
		},
		.data = { .wakeup_eventfd = efd },
	};

	return ioctl(d->device_fd, VFIO_DEVICE_FEATURE, &arg) ? -errno : 0;
}

/* wake: asleep at the user's request until something wakes the device */
static int run_wake(const char *bdf, int seconds, const char *ready)
{
	struct vfio_dev d;
	int efd, ret, fail = 1;
	long ms;

	ret = vfio_dev_open(&d, bdf, VFIO_MODE_GROUP);
	if (ret) {
		printf("%s: cannot open: %s\n", bdf, d.err);
		return 1;
	}
	efd = eventfd(0, EFD_CLOEXEC);
	ret = efd < 0 ? -errno : low_power_wakeup(&d, efd);
	if (ret) {
		printf("%s: low power entry with wake-up: %s\n", bdf,
		       strerror(-ret));
		goto close_dev;
	}
	if (wait_suspended(bdf, seconds) || touch(ready))
		goto close_dev;
	printf("%s: asleep, waiting %d s for the wake-up eventfd\n", bdf,
	       seconds);
	fflush(stdout);
	ms = wait_efd(efd, seconds);
	if (ms < 0)
		printf("%s: no wake-up within %d s\n", bdf, seconds);
	else
		printf("%s: woken, the eventfd signalled after %ld ms\n", bdf, ms);
	if (ms >= 0)
		fail = still_answers(&d, bdf);
close_dev:
	if (efd >= 0)
		close(efd);
	vfio_dev_close(&d);
	return fail;
}

static int run(const char *bdf, __u32 index, bool ignore, int seconds,
	       const char *ready)
{
	const char *name = index == VFIO_PCI_ERR_IRQ_INDEX ? "ERR" : "REQ";
	long page = sysconf(_SC_PAGESIZE);
	struct vfio_dev d;
	int efd, ret, fail = 1;
	void *bar0 = NULL;
	long ms;

	ret = vfio_dev_open(&d, bdf, VFIO_MODE_CDEV);
	if (ret)
		ret = vfio_dev_open(&d, bdf, VFIO_MODE_GROUP);
	if (ret) {
		printf("%s: cannot open: %s\n", bdf, d.err);
		return 1;
	}
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0) {
		printf("eventfd: %s\n", strerror(errno));
		goto close_dev;
	}
	ret = set_trigger(&d, index, efd);
	if (ret) {
		printf("%s: %s trigger: %s\n", bdf, name, strerror(-ret));
		goto close_efd;
	}
	if (index == VFIO_PCI_REQ_IRQ_INDEX)
		bar0 = hold_bar0(&d, bdf);
	ret = touch(ready);
	if (ret) {
		printf("%s: %s\n", ready, strerror(-ret));
		goto close_efd;
	}
	printf("%s: opened through %s, waiting %d s for %s\n", bdf, d.path,
	       seconds, name);
	fflush(stdout);
	ms = wait_efd(efd, seconds);
	if (ms < 0) {
		printf("%s: %s not signalled within %d s\n", bdf, name, seconds);
		goto close_efd;
	}
	printf("%s: %s signalled after %ld ms\n", bdf, name, ms);
	if (ignore)
		fail = ignore_request(bdf, efd, seconds);
	else if (index == VFIO_PCI_ERR_IRQ_INDEX)
		fail = still_answers(&d, bdf);
	else
		fail = 0;
close_efd:
	if (bar0)
		munmap(bar0, page);
	if (efd >= 0)
		close(efd);
close_dev:
	vfio_dev_close(&d);
	return fail;
}

int main(int argc, char **argv)
{
	bool ignore = false;
	__u32 index;
	int seconds;

	if (argc != 5 || atoi(argv[3]) <= 0) {
		fprintf(stderr,
			"usage: %s BDF err|req|req-ignore|wake SECONDS READY_FILE\n",
			argv[0]);
		return 2;
	}
	if (!strcmp(argv[2], "err")) {
		index = VFIO_PCI_ERR_IRQ_INDEX;
	} else if (!strcmp(argv[2], "req")) {
		index = VFIO_PCI_REQ_IRQ_INDEX;
	} else if (!strcmp(argv[2], "wake")) {
		return run_wake(argv[1], atoi(argv[3]), argv[4]);
	} else if (!strcmp(argv[2], "req-ignore")) {
		index = VFIO_PCI_REQ_IRQ_INDEX;
		ignore = true;
	} else {
		fprintf(stderr, "%s: unknown event '%s'\n", argv[0], argv[2]);
		return 2;
	}
	seconds = atoi(argv[3]);
	return run(argv[1], index, ignore, seconds, argv[4]);
}
