// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_hold [-m group|cdev] [-i] BDF READY_FILE SECONDS
 *
 * A user holding a device as the host takes it away: the unplug soak's
 * (scripts/rig/soak.sh) user. It opens BDF, maps every BAR that can be
 * mapped and reads each mapping's first word, enables the interrupts the
 * device has (MSI-X with every vector, else MSI, else INTx, each vector
 * with its eventfd), attaches eventfds to ERR and REQ, registers an
 * ioeventfd on the first BAR that takes one, then creates READY_FILE and
 * waits up to SECONDS for the kernel's request (REQ).
 *
 * A user that obeys releases everything on the first request, in the
 * order a careful program would (ioeventfd, interrupts, mappings, the
 * device), and exits 0. With -i the user ignores requests: it counts
 * each into READY_FILE.req ("N\n") and keeps everything until it is
 * killed; the kernel must keep asking and must not take the device while
 * it is held.
 *
 * Exits 0 (obeyed), 1 when setting up failed or no request came in time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vfio_util.h"

#define HOLD_MAX_VECTORS	64

/* what the user holds, released in reverse order of setting up */
struct hold {
	struct vfio_dev d;
	void *map[VFIO_PCI_ROM_REGION_INDEX];
	size_t map_len[VFIO_PCI_ROM_REGION_INDEX];
	int irq_index;			/* -1: none enabled */
	int nr_vectors;
	int vector_fd[HOLD_MAX_VECTORS];
	int err_fd, req_fd;
	int ioevent_fd;
	struct vfio_device_ioeventfd ioevent;
};

static int set_irqs(int device_fd, __u32 index, int count, const int *fds)
{
	size_t sz = sizeof(struct vfio_irq_set) + sizeof(__s32) * count;
	struct vfio_irq_set *set = calloc(1, sz);
	int ret;

	if (!set)
		return -ENOMEM;
	set->argsz = sz;
	set->flags = VFIO_IRQ_SET_ACTION_TRIGGER |
		     (count ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
	set->index = index;
	set->count = count;
	memcpy(set->data, fds, sizeof(__s32) * count);
	ret = ioctl(device_fd, VFIO_DEVICE_SET_IRQS, set) ? -errno : 0;
	free(set);
	return ret;
}

/* every BAR that can be mapped, its first word read */
static int map_bars(struct hold *h)
{
	struct vfio_region_info info;
	__u32 val;
	int i;

	for (i = 0; i < VFIO_PCI_ROM_REGION_INDEX; i++) {
		if (vfio_region_info(&h->d, i, &info) || !info.size ||
		    !(info.flags & VFIO_REGION_INFO_FLAG_MMAP))
			continue;
		h->map[i] = vfio_region_mmap(&h->d, i, info.size, 0,
					     PROT_READ | PROT_WRITE, MAP_SHARED);
		if (h->map[i] == MAP_FAILED) {
			printf("# BAR%d not mapped: %s\n", i, strerror(errno));
			h->map[i] = NULL;
			continue;
		}
		h->map_len[i] = info.size;
		if (!vfio_load32(h->map[i], &val)) {
			fprintf(stderr, "BAR%d's mapping faulted\n", i);
			return -1;
		}
	}
	return 0;
}

/* the richest interrupt type the device has, every vector armed */
static int arm_irqs(struct hold *h)
{
	static const int order[] = { VFIO_PCI_MSIX_IRQ_INDEX,
				     VFIO_PCI_MSI_IRQ_INDEX,
				     VFIO_PCI_INTX_IRQ_INDEX };
	struct vfio_irq_info info;
	unsigned int i;
	int n, ret;

	h->irq_index = -1;
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		if (vfio_irq_info(&h->d, order[i], &info) || !info.count)
			continue;
		n = info.count < HOLD_MAX_VECTORS ? info.count : HOLD_MAX_VECTORS;
		for (h->nr_vectors = 0; h->nr_vectors < n; h->nr_vectors++) {
			h->vector_fd[h->nr_vectors] = eventfd(0, EFD_CLOEXEC);
			if (h->vector_fd[h->nr_vectors] < 0)
				return -1;
		}
		ret = set_irqs(h->d.device_fd, order[i], n, h->vector_fd);
		if (ret) {
			fprintf(stderr, "enabling %d vectors of index %d: %s\n",
				n, order[i], strerror(-ret));
			return -1;
		}
		h->irq_index = order[i];
		return 0;
	}
	return 0;
}

/* an eventfd on ERR or REQ, when the device has the index (ERR: PCIe) */
static int arm_event(struct hold *h, __u32 index, int *fd)
{
	struct vfio_irq_info info;
	int ret;

	if (vfio_irq_info(&h->d, index, &info) || !info.count)
		return index == VFIO_PCI_REQ_IRQ_INDEX ? -1 : 0;
	*fd = eventfd(0, EFD_CLOEXEC);
	if (*fd < 0)
		return -1;
	ret = set_irqs(h->d.device_fd, index, 1, fd);
	if (ret)
		fprintf(stderr, "eventfd on index %u: %s\n", index, strerror(-ret));
	return ret ? -1 : 0;
}

/* an ioeventfd on the first BAR that takes one (none is no failure) */
static void arm_ioeventfd(struct hold *h)
{
	struct vfio_region_info info;
	int i;

	h->ioevent_fd = eventfd(0, EFD_CLOEXEC);
	if (h->ioevent_fd < 0)
		return;
	for (i = 0; i < VFIO_PCI_ROM_REGION_INDEX; i++) {
		if (vfio_region_info(&h->d, i, &info) || info.size < 4)
			continue;
		h->ioevent = (struct vfio_device_ioeventfd) {
			.argsz = sizeof(h->ioevent),
			.flags = VFIO_DEVICE_IOEVENTFD_32,
			.offset = info.offset,
			.fd = h->ioevent_fd,
		};
		if (!ioctl(h->d.device_fd, VFIO_DEVICE_IOEVENTFD, &h->ioevent))
			return;
	}
	close(h->ioevent_fd);
	h->ioevent_fd = -1;
}

static void release(struct hold *h)
{
	int i;

	if (h->ioevent_fd >= 0) {
		h->ioevent.fd = -1;
		ioctl(h->d.device_fd, VFIO_DEVICE_IOEVENTFD, &h->ioevent);
		close(h->ioevent_fd);
	}
	if (h->irq_index >= 0)
		set_irqs(h->d.device_fd, h->irq_index, 0, NULL);
	for (i = 0; i < h->nr_vectors; i++)
		close(h->vector_fd[i]);
	for (i = 0; i < VFIO_PCI_ROM_REGION_INDEX; i++)
		if (h->map[i])
			munmap(h->map[i], h->map_len[i]);
	vfio_dev_close(&h->d);
	if (h->err_fd >= 0)
		close(h->err_fd);
	if (h->req_fd >= 0)
		close(h->req_fd);
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* -i: every request counted into READY_FILE.req, nothing let go */
static int ignore_requests(struct hold *h, const char *ready, long secs)
{
	char path[512], count[32];
	time_t end = time(NULL) + secs;
	long got, total = 0;

	snprintf(path, sizeof(path), "%s.req", ready);
	while (time(NULL) < end) {
		got = vfio_efd_wait(h->req_fd, 1000);
		if (got <= 0)
			continue;
		total += got;
		snprintf(count, sizeof(count), "%ld\n", total);
		write_file(path, count);
	}
	fprintf(stderr, "not taken away in %ld s (%ld requests)\n", secs, total);
	return 1;
}

static int usage(const char *argv0)
{
	fprintf(stderr, "Usage: %s [-m group|cdev] [-i] BDF READY_FILE SECONDS\n",
		argv0);
	return 1;
}

int main(int argc, char **argv)
{
	enum vfio_open_mode mode = VFIO_MODE_GROUP;
	static struct hold h = { .err_fd = -1, .req_fd = -1, .ioevent_fd = -1 };
	bool ignore = false;
	long secs, got;
	int c, ret;

	while ((c = getopt(argc, argv, "m:i")) != -1) {
		if (c == 'm' && !strcmp(optarg, "cdev"))
			mode = VFIO_MODE_CDEV;
		else if (c == 'i')
			ignore = true;
		else if (c != 'm' || strcmp(optarg, "group"))
			return usage(argv[0]);
	}
	if (optind != argc - 3)
		return usage(argv[0]);
	secs = strtol(argv[optind + 2], NULL, 0);
	vfio_catch_sigbus();
	ret = vfio_dev_open(&h.d, argv[optind], mode);
	if (ret) {
		fprintf(stderr, "%s: %s (%s)\n", argv[optind], h.d.err,
			strerror(-ret));
		return 1;
	}
	if (map_bars(&h) || arm_irqs(&h) ||
	    arm_event(&h, VFIO_PCI_ERR_IRQ_INDEX, &h.err_fd) ||
	    arm_event(&h, VFIO_PCI_REQ_IRQ_INDEX, &h.req_fd))
		return 1;
	arm_ioeventfd(&h);
	printf("# %s held over the %s path: irq index %d x %d, ioeventfd %s\n",
	       argv[optind], vfio_mode_name(mode), h.irq_index, h.nr_vectors,
	       h.ioevent_fd >= 0 ? "armed" : "none");
	fflush(stdout);
	if (write_file(argv[optind + 1], "ready\n"))
		return 1;
	if (ignore)
		return ignore_requests(&h, argv[optind + 1], secs);
	got = vfio_efd_wait(h.req_fd, secs * 1000);
	if (got <= 0) {
		fprintf(stderr, "no request in %ld s\n", secs);
		return 1;
	}
	release(&h);
	printf("# released on the kernel's request\n");
	return 0;
}
