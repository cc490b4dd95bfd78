// SPDX-License-Identifier: GPL-2.0
/*
 * inner_bar: the nested guest's window on a device that the outer guest's
 * QEMU passed through with -device vfio-pci. It goes through the inner
 * kernel's sysfs (resourceN mapped, config) and uio, so that every access
 * it makes is one QEMU serves through our driver in the outer guest.
 *
 *   inner_bar read RESOURCE OFFSET...       print the dwords at OFFSETs
 *   inner_bar write RESOURCE OFFSET VALUE   write the dword at OFFSET
 *   inner_bar edu-intx RESOURCE UIODEV N    N INTx round trips on edu
 *
 * The outer guest uses it once too, to read what the nested guest will
 * be compared with: the same registers through vfio-pci's uAPI, the
 * group and container path QEMU 7.2 takes:
 *
 *   inner_bar vfio-read BDF OFFSET...       print BAR0's dwords at OFFSETs
 *
 * A static binary: the nested guest's root is busybox and this.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/types.h>
#include <linux/vfio.h>

#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_IRQ_VALUE	0x5a
#define PCI_COMMAND_OFF	4
#define PCI_INTX_DISABLE 0x400
#define IRQ_WAIT_MS	10000

/* one 32-bit access the compiler may neither split, merge nor drop */
static __u32 mmio_read(__u32 *bar, unsigned long off)
{
	return __atomic_load_n(&bar[off / 4], __ATOMIC_RELAXED);
}

static void mmio_write(__u32 *bar, unsigned long off, __u32 val)
{
	__atomic_store_n(&bar[off / 4], val, __ATOMIC_RELAXED);
}

static __u32 *map_bar(const char *res)
{
	void *p;
	int fd;

	fd = open(res, O_RDWR | O_SYNC);
	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", res, strerror(errno));
		return NULL;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "mmap %s: %s\n", res, strerror(errno));
		return NULL;
	}
	return p;
}

/*
 * uio_pci_generic masks INTx in the command register when it fires and
 * has no irqcontrol write to unmask it: clear INTx Disable in config
 * space, next to the resource file.
 */
static int intx_unmask(const char *res)
{
	const char *slash = strrchr(res, '/');
	char path[512];
	__u16 cmd;
	int fd, ret = -1;

	if (!slash)
		return -1;
	snprintf(path, sizeof(path), "%.*s/config", (int)(slash - res), res);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	if (pread(fd, &cmd, sizeof(cmd), PCI_COMMAND_OFF) == sizeof(cmd)) {
		cmd &= ~PCI_INTX_DISABLE;
		if (pwrite(fd, &cmd, sizeof(cmd), PCI_COMMAND_OFF) == sizeof(cmd))
			ret = 0;
	}
	close(fd);
	return ret;
}

/* one round: raise edu's interrupt, wait for it on uio, check, ack */
static int edu_intx_round(__u32 *bar, int uio, const char *res,
			  int round)
{
	struct pollfd pfd = { .fd = uio, .events = POLLIN };
	__u32 count, status;
	int ret;

	mmio_write(bar, EDU_IRQ_RAISE, EDU_IRQ_VALUE);
	ret = poll(&pfd, 1, IRQ_WAIT_MS);
	if (ret != 1) {
		fprintf(stderr, "round %d: no interrupt in %d ms\n", round,
			IRQ_WAIT_MS);
		return -1;
	}
	if (read(uio, &count, sizeof(count)) != sizeof(count)) {
		fprintf(stderr, "round %d: uio read: %s\n", round, strerror(errno));
		return -1;
	}
	status = mmio_read(bar, EDU_IRQ_STATUS);
	mmio_write(bar, EDU_IRQ_ACK, status);
	if (intx_unmask(res)) {
		fprintf(stderr, "round %d: cannot unmask INTx\n", round);
		return -1;
	}
	printf("round %d: uio count %u, status 0x%x, after ack 0x%x\n",
	       round, count, status, mmio_read(bar, EDU_IRQ_STATUS));
	return status == EDU_IRQ_VALUE ? 0 : -1;
}

/*
 * edu as the last user left it (edu has no reset, so an interrupt raised
 * and never acknowledged outside stays raised): acknowledge everything,
 * and take and unmask an interrupt that was already delivered.
 */
static int edu_intx_quiesce(__u32 *bar, int uio, const char *res)
{
	struct pollfd pfd = { .fd = uio, .events = POLLIN };
	__u32 status = mmio_read(bar, EDU_IRQ_STATUS), count;

	mmio_write(bar, EDU_IRQ_ACK, ~0u);
	if (poll(&pfd, 1, 0) == 1) {
		if (read(uio, &count, sizeof(count)) != sizeof(count) ||
		    intx_unmask(res))
			return -1;
		printf("before: status 0x%x, an interrupt already delivered\n",
		       status);
	} else if (status) {
		printf("before: status 0x%x, acknowledged\n", status);
	}
	return 0;
}

static int edu_intx(__u32 *bar, const char *res,
		    const char *uiodev, int rounds)
{
	int uio, i, ret = 0;

	uio = open(uiodev, O_RDWR);
	if (uio < 0) {
		fprintf(stderr, "%s: %s\n", uiodev, strerror(errno));
		return 1;
	}
	ret = edu_intx_quiesce(bar, uio, res);
	if (ret)
		fprintf(stderr, "cannot quiesce edu's interrupt\n");
	for (i = 0; i < rounds && !ret; i++)
		ret = edu_intx_round(bar, uio, res, i);
	close(uio);
	return ret ? 1 : 0;
}

/* The device fd of @bdf through its group, in a type1 container; -1. */
static int vfio_device(const char *bdf)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char path[PATH_MAX], link[PATH_MAX];
	int container, group, dev;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	link[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", basename(link));
	container = open("/dev/vfio/vfio", O_RDWR);
	group = open(path, O_RDWR);
	if (container < 0 || group < 0) {
		fprintf(stderr, "/dev/vfio/vfio or %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &st) ||
	    !(st.flags & VFIO_GROUP_FLAGS_VIABLE) ||
	    ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		fprintf(stderr, "%s: group not viable or no type1: %s\n", path,
			strerror(errno));
		return -1;
	}
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (dev < 0)
		fprintf(stderr, "%s: no device fd: %s\n", bdf, strerror(errno));
	return dev;
}

/* Print the dwords of @bdf's BAR0 at the @n offsets @offs, through vfio. */
static int vfio_read(const char *bdf, int n, char **offs)
{
	struct vfio_region_info ri = {
		.argsz = sizeof(ri),
		.index = VFIO_PCI_BAR0_REGION_INDEX,
	};
	unsigned long off;
	int dev, i;
	__u32 val;

	dev = vfio_device(bdf);
	if (dev < 0)
		return 1;
	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &ri)) {
		fprintf(stderr, "%s: BAR0 region info: %s\n", bdf,
			strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		off = strtoul(offs[i], NULL, 0);
		if (off + sizeof(val) > ri.size ||
		    pread(dev, &val, sizeof(val), ri.offset + off) !=
		    sizeof(val)) {
			fprintf(stderr, "%s: BAR0 read at 0x%lx failed\n", bdf,
				off);
			return 1;
		}
		printf("0x%08x\n", val);
	}
	return 0;
}

static int bad_usage(void)
{
	fprintf(stderr, "usage: inner_bar read RES OFF...\n"
		"       inner_bar write RES OFF VAL\n"
		"       inner_bar edu-intx RES UIODEV N\n"
		"       inner_bar vfio-read BDF OFF...\n");
	return 2;
}

int main(int argc, char **argv)
{
	__u32 *bar;
	unsigned long off;
	int i;

	if (argc < 4)
		return bad_usage();
	if (!strcmp(argv[1], "vfio-read"))
		return vfio_read(argv[2], argc - 3, argv + 3);
	bar = map_bar(argv[2]);
	if (!bar)
		return 1;
	off = strtoul(argv[3], NULL, 0);
	if (!strcmp(argv[1], "read")) {
		for (i = 3; i < argc; i++) {
			off = strtoul(argv[i], NULL, 0);
			if (off > 4096 - sizeof(*bar))
				return bad_usage();
			printf("0x%08x\n", mmio_read(bar, off));
		}
		return 0;
	}
	if (!strcmp(argv[1], "write") && argc == 5 && off < 4096) {
		mmio_write(bar, off, strtoul(argv[4], NULL, 0));
		return 0;
	}
	if (!strcmp(argv[1], "edu-intx") && argc == 5)
		return edu_intx(bar, argv[2], argv[3], atoi(argv[4]));
	return bad_usage();
}
