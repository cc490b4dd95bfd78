// SPDX-License-Identifier: GPL-2.0
/*
 * inner_bar: the nested guest's window on a device that the outer guest's
 * QEMU passed through with -device vfio-pci. It goes through the inner
 * kernel's sysfs (resourceN mapped, config) and uio, so that every access
 * it makes is one QEMU serves through our driver in the outer guest.
 *
 *   inner_bar read RESOURCE OFFSET          print the dword at OFFSET
 *   inner_bar write RESOURCE OFFSET VALUE   write the dword at OFFSET
 *   inner_bar edu-intx RESOURCE UIODEV N    N INTx round trips on edu
 *
 * A static binary: the nested guest's root is busybox and this.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/types.h>

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

static int edu_intx(__u32 *bar, const char *res,
		    const char *uiodev, int rounds)
{
	int uio, i, ret = 0;

	uio = open(uiodev, O_RDWR);
	if (uio < 0) {
		fprintf(stderr, "%s: %s\n", uiodev, strerror(errno));
		return 1;
	}
	for (i = 0; i < rounds && !ret; i++)
		ret = edu_intx_round(bar, uio, res, i);
	close(uio);
	return ret ? 1 : 0;
}

static int bad_usage(void)
{
	fprintf(stderr, "usage: inner_bar read RES OFF\n"
		"       inner_bar write RES OFF VAL\n"
		"       inner_bar edu-intx RES UIODEV N\n");
	return 2;
}

int main(int argc, char **argv)
{
	__u32 *bar;
	unsigned long off;

	if (argc < 4)
		return bad_usage();
	bar = map_bar(argv[2]);
	if (!bar)
		return 1;
	off = strtoul(argv[3], NULL, 0);
	if (!strcmp(argv[1], "read") && off < 4096) {
		printf("0x%08x\n", mmio_read(bar, off));
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
