// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's operations: every call a device fd user can make, each
 * with a generator that knows the argument's structure (the device's
 * region sizes, interrupt counts and capability offsets, the flag bits of
 * the call) and mixes in values a boundary check may get wrong.
 */
#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "fuzz.h"

#define REGION_SHIFT	40
#define BUF_SIZE	65536
#define MAX_IRQ_DATA	4096
#define MAP_MAX_LEN	(64ul << 20)

/* each thread builds its calls' arguments here */
static __thread uint8_t buf[BUF_SIZE] __aligned(64);

static int ret_of(long r)
{
	return r < 0 ? -errno : 0;
}

/* The argsz a call is made with: mostly the natural one. */
uint32_t fuzz_argsz(uint64_t sel, uint32_t natural)
{
	switch (sel % 8) {
	case 5:
		return natural - (uint32_t)(sel >> 8) % 9;
	case 6:
		return (uint32_t)(sel >> 8) % 24;
	case 7:
		return (uint32_t)fuzz_edgy(natural);
	default:
		return natural;
	}
}

static uint64_t argsz_sel(void)
{
	return fuzz_rand();
}

/* an index: mostly one the device has, sometimes just past, or wild */
static uint64_t index_of(uint32_t count)
{
	if (fuzz_below(8))
		return fuzz_below(count + 2);
	return fuzz_edgy(count);
}

/* ---- information ---- */

static void gen_get_info(struct fuzz_dev *dev, struct fuzz_op *op)
{
	op->a[0] = argsz_sel();
}

static int exec_get_info(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	struct vfio_device_info *info = (void *)buf;

	memset(buf, 0, 512);
	info->argsz = fuzz_argsz(op->a[0], 512);
	return ret_of(ioctl(dev->d.device_fd, VFIO_DEVICE_GET_INFO, buf));
}

static void gen_region_info(struct fuzz_dev *dev, struct fuzz_op *op)
{
	op->a[0] = index_of(dev->num_regions);
	op->a[1] = argsz_sel();
}

static int exec_region_info(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	struct vfio_region_info *ri = (void *)buf;

	memset(buf, 0, 4096);
	ri->argsz = fuzz_argsz(op->a[1], 4096);
	ri->index = (uint32_t)op->a[0];
	return ret_of(ioctl(dev->d.device_fd, VFIO_DEVICE_GET_REGION_INFO,
			    buf));
}

static void gen_irq_info(struct fuzz_dev *dev, struct fuzz_op *op)
{
	op->a[0] = index_of(dev->num_irqs);
	op->a[1] = argsz_sel();
}

static int exec_irq_info(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	struct vfio_irq_info *ii = (void *)buf;

	memset(buf, 0, 256);
	ii->argsz = fuzz_argsz(op->a[1], sizeof(*ii));
	ii->index = (uint32_t)op->a[0];
	return ret_of(ioctl(dev->d.device_fd, VFIO_DEVICE_GET_IRQ_INFO, buf));
}

/* ---- interrupts ---- */

static const uint32_t irq_data[] = {
	VFIO_IRQ_SET_DATA_NONE, VFIO_IRQ_SET_DATA_BOOL,
	VFIO_IRQ_SET_DATA_EVENTFD,
};

static const uint32_t irq_actions[] = {
	VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_UNMASK,
	VFIO_IRQ_SET_ACTION_TRIGGER,
};

static void fill_fd_sels(struct fuzz_op *op)
{
	unsigned int i;

	op->len = FUZZ_DATA;
	for (i = 0; i < FUZZ_DATA; i += 2) {
		uint64_t sel = fuzz_fd_sel();

		op->data[i] = sel & 0xff;
		op->data[i + 1] = sel >> 8 & 0xff;
	}
}

/*
 * Mostly calls a driver acts on (enabling a range of vectors, disabling,
 * loopback, INTx mask and unmask), the rest anything at all.
 */
static void gen_set_irqs(struct fuzz_dev *dev, struct fuzz_op *op)
{
	uint32_t index = (uint32_t)index_of(dev->num_irqs);
	uint32_t n = index < 8 ? dev->irq_count[index] : 0;
	uint32_t data = irq_data[fuzz_below(3)];
	unsigned int i;

	op->a[0] = index;
	op->a[2] = n ? fuzz_below(n) : 0;
	op->a[3] = 1 + fuzz_below(n > op->a[2] ? n - op->a[2] : 1);
	op->a[4] = fuzz_below(8) ? 0 : argsz_sel();
	fill_fd_sels(op);
	switch (fuzz_below(8)) {
	case 0:
	case 1:
	case 2:
		op->a[1] = VFIO_IRQ_SET_ACTION_TRIGGER |
			   VFIO_IRQ_SET_DATA_EVENTFD;
		break;
	case 3:
		op->a[1] = VFIO_IRQ_SET_ACTION_TRIGGER | VFIO_IRQ_SET_DATA_NONE;
		op->a[2] = 0;
		op->a[3] = 0;
		break;
	case 4:
		op->a[1] = VFIO_IRQ_SET_ACTION_TRIGGER | data;
		break;
	case 5:
		op->a[0] = VFIO_PCI_INTX_IRQ_INDEX;
		op->a[1] = irq_actions[fuzz_below(2)] | data;
		op->a[2] = 0;
		op->a[3] = 1;
		break;
	default:
		op->a[1] = data | irq_actions[fuzz_below(3)];
		if (fuzz_one_in(4))
			op->a[1] ^= 1u << fuzz_below(32);
		op->a[2] = fuzz_below(4) ? fuzz_below(n + 1) : fuzz_edgy(n);
		op->a[3] = fuzz_below(4) ? fuzz_below(n + 2) : fuzz_edgy(n);
		op->a[4] = argsz_sel();
	}
	if ((op->a[1] & VFIO_IRQ_SET_DATA_TYPE_MASK) == VFIO_IRQ_SET_DATA_BOOL)
		for (i = 0; i < FUZZ_DATA; i++)
			op->data[i] = fuzz_below(4) ? fuzz_below(2) : fuzz_rand();
}

/* @count data entries of @elem bytes, cycling over the op's data */
static size_t irq_payload(struct fuzz_dev *dev, const struct fuzz_op *op,
			  uint8_t *out, uint32_t count, size_t elem)
{
	size_t i, n = count < MAX_IRQ_DATA ? count : MAX_IRQ_DATA;

	for (i = 0; i < n; i++) {
		size_t k = i % (FUZZ_DATA / 2) * 2;

		if (elem == 1) {
			out[i] = op->data[i % FUZZ_DATA];
		} else {
			int32_t fd = fuzz_fd_pick(dev, op->data[k] |
						  (uint64_t)op->data[k + 1] << 8);

			memcpy(out + i * 4, &fd, 4);
		}
	}
	return n * elem;
}

static int exec_set_irqs(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	struct vfio_irq_set *s = (void *)buf;
	uint32_t flags = (uint32_t)op->a[1];
	uint32_t count = (uint32_t)op->a[3];
	size_t elem = 0, len;

	if (flags & VFIO_IRQ_SET_DATA_BOOL)
		elem = 1;
	else if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		elem = 4;
	memset(s, 0, sizeof(*s));
	len = irq_payload(dev, op, s->data, count, elem);
	s->argsz = fuzz_argsz(op->a[4], sizeof(*s) + len);
	s->flags = flags;
	s->index = (uint32_t)op->a[0];
	s->start = (uint32_t)op->a[2];
	s->count = count;
	return ret_of(ioctl(dev->d.device_fd, VFIO_DEVICE_SET_IRQS, buf));
}

/* ---- resets ---- */

static void gen_none(struct fuzz_dev *dev, struct fuzz_op *op)
{
}

static int exec_reset(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	return ret_of(ioctl(dev->d.device_fd, VFIO_DEVICE_RESET));
}

static void gen_hot_reset_info(struct fuzz_dev *dev, struct fuzz_op *op)
{
	op->a[0] = argsz_sel();
	op->a[1] = fuzz_below(2) ? fuzz_below(4) : fuzz_edgy(4);
}

static int exec_hot_reset_info(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	struct vfio_pci_hot_reset_info *hi = (void *)buf;

	memset(buf, 0, 4096);
	hi->argsz = fuzz_argsz(op->a[0], 4096);
	hi->count = (uint32_t)op->a[1];
	return ret_of(ioctl(dev->d.device_fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
			    buf));
}

static void gen_hot_reset(struct fuzz_dev *dev, struct fuzz_op *op)
{
	op->a[0] = fuzz_below(4) ? fuzz_below(3) : fuzz_edgy(2);
	op->a[1] = fuzz_one_in(8) ? fuzz_rand() : 0;
	op->a[2] = fuzz_below(2) ? 0 : argsz_sel();
	fill_fd_sels(op);
	/* the group itself, the fd the call wants, first and most often */
	if (fuzz_below(2)) {
		op->data[0] = 3;	/* FD_GROUP in fuzz_dev.c */
		op->data[1] = 0;
	}
}

static int exec_hot_reset(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	struct vfio_pci_hot_reset *hr = (void *)buf;
	uint32_t count = (uint32_t)op->a[0];
	size_t len;

	memset(hr, 0, sizeof(*hr));
	len = irq_payload(dev, op, (uint8_t *)hr->group_fds, count, 4);
	hr->argsz = fuzz_argsz(op->a[2], sizeof(*hr) + len);
	hr->flags = (uint32_t)op->a[1];
	hr->count = count;
	return ret_of(ioctl(dev->d.device_fd, VFIO_DEVICE_PCI_HOT_RESET, buf));
}

/* ---- ioeventfd ---- */

/* a BAR of the device (a region of non-zero size below the ROM) */
static uint32_t some_bar(struct fuzz_dev *dev)
{
	uint32_t i, start = (uint32_t)fuzz_below(VFIO_PCI_ROM_REGION_INDEX);

	for (i = 0; i < VFIO_PCI_ROM_REGION_INDEX; i++) {
		uint32_t bar = (start + i) % VFIO_PCI_ROM_REGION_INDEX;

		if (dev->region_size[bar])
			return bar;
	}
	return 0;
}

/* a region and an offset in it: mostly near its ends */
static void gen_place(struct fuzz_dev *dev, uint64_t *index, uint64_t *off,
		      uint64_t len)
{
	uint32_t i = (uint32_t)index_of(dev->num_regions);
	uint64_t size = i < 16 ? dev->region_size[i] : 0;

	*index = i;
	switch (fuzz_below(4)) {
	case 0:
		*off = fuzz_below(size ? size : 4096) & ~3ull;
		break;
	case 1:
		*off = size - len - fuzz_below(4);
		break;
	case 2:
		*off = fuzz_below(0x100);
		break;
	default:
		*off = fuzz_edgy(size);
	}
}

static void gen_ioeventfd(struct fuzz_dev *dev, struct fuzz_op *op)
{
	static const uint32_t sizes[] = { 1, 2, 4, 8 };

	op->a[2] = fuzz_one_in(8) ? fuzz_rand() : sizes[fuzz_below(4)];
	if (fuzz_below(2)) {
		/* in a BAR, aligned to its size */
		op->a[0] = some_bar(dev);
		op->a[1] = fuzz_below(dev->region_size[op->a[0]]) &
			   ~(op->a[2] - 1) & ~7ull;
	} else {
		gen_place(dev, &op->a[0], &op->a[1], 4);
	}
	op->a[3] = fuzz_rand();
	op->a[4] = fuzz_one_in(6) ? fuzz_fd_sel() : 0;
	op->a[5] = fuzz_below(4) ? 0 : argsz_sel();
}

static int exec_ioeventfd(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	struct vfio_device_ioeventfd io = {
		.argsz = fuzz_argsz(op->a[5], sizeof(io)),
		.flags = (uint32_t)op->a[2],
		.offset = op->a[0] << REGION_SHIFT | op->a[1],
		.data = op->a[3],
	};

	/* mostly a pool eventfd; fd -1 removes */
	io.fd = op->a[4] ? fuzz_fd_pick(dev, op->a[4]) :
			   dev->efd[op->a[3] % FUZZ_EFDS];
	if (fuzz_avoided(dev, (uint32_t)op->a[0], op->a[1], 8))
		return -EPERM;
	return ret_of(ioctl(dev->d.device_fd, VFIO_DEVICE_IOEVENTFD, &io));
}

/* ---- features ---- */

static void gen_feature(struct fuzz_dev *dev, struct fuzz_op *op)
{
	static const uint32_t ops[] = {
		VFIO_DEVICE_FEATURE_GET, VFIO_DEVICE_FEATURE_SET,
		VFIO_DEVICE_FEATURE_PROBE,
		VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET,
		VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET,
	};
	unsigned int i;

	op->a[0] = ops[fuzz_below(5)] | fuzz_below(12);
	if (fuzz_below(2))
		op->a[0] = VFIO_DEVICE_FEATURE_SET |
			   (VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY + fuzz_below(3));
	if (fuzz_one_in(16))
		op->a[0] = fuzz_rand();
	op->a[1] = fuzz_below(2) ? 0 : argsz_sel();
	op->a[2] = fuzz_fd_sel();
	op->len = FUZZ_DATA;
	for (i = 0; i < FUZZ_DATA; i++)
		op->data[i] = fuzz_below(2) ? 0 : fuzz_rand();
}

static int exec_feature(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	struct vfio_device_feature *f = (void *)buf;
	int32_t fd = fuzz_fd_pick(dev, op->a[2]);

	memset(buf, 0, 256);
	memcpy(f->data, op->data, FUZZ_DATA);
	/* the wake-up eventfd of a low power entry is the first word */
	if (op->data[0] & 1)
		memcpy(f->data, &fd, sizeof(fd));
	f->argsz = fuzz_argsz(op->a[1], sizeof(*f) + 8);
	f->flags = (uint32_t)op->a[0];
	return ret_of(ioctl(dev->d.device_fd, VFIO_DEVICE_FEATURE, buf));
}

/* ---- region access ---- */

static uint64_t access_len(void)
{
	static const uint64_t lens[] = { 1, 2, 4, 8, 3, 16, 64 };

	if (fuzz_below(8))
		return lens[fuzz_below(4)];
	if (fuzz_below(2))
		return lens[fuzz_below(ARRAY_SIZE(lens))];
	return fuzz_below(BUF_SIZE + 1);
}

static void gen_rw(struct fuzz_dev *dev, struct fuzz_op *op)
{
	unsigned int i;

	op->a[2] = access_len();
	gen_place(dev, &op->a[0], &op->a[1], op->a[2]);
	/* config space: mostly at the capabilities it has */
	if (op->a[0] == VFIO_PCI_CONFIG_REGION_INDEX && fuzz_below(2)) {
		int caps[] = { dev->cap_pm, dev->cap_msi, dev->cap_msix,
			       dev->cap_exp, 0 };

		op->a[1] = caps[fuzz_below(5)] + fuzz_below(0x40);
	}
	op->len = FUZZ_DATA;
	for (i = 0; i < FUZZ_DATA; i++)
		op->data[i] = fuzz_rand();
}

static uint64_t rw_offset(const struct fuzz_op *op)
{
	return op->a[0] << REGION_SHIFT | (op->a[1] & ((1ull << REGION_SHIFT) - 1));
}

static int exec_pread(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	size_t len = op->a[2] < BUF_SIZE ? op->a[2] : BUF_SIZE;

	return ret_of(pread(dev->d.device_fd, buf, len, rw_offset(op)));
}

static int exec_pwrite(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	size_t len = op->a[2] < BUF_SIZE ? op->a[2] : BUF_SIZE;
	size_t i;

	if (fuzz_avoided(dev, (uint32_t)op->a[0], op->a[1], len))
		return -EPERM;
	for (i = 0; i < len; i++)
		buf[i] = op->data[i % FUZZ_DATA];
	return ret_of(pwrite(dev->d.device_fd, buf, len, rw_offset(op)));
}

/*
 * Config writes a user makes on purpose: the command register, the power
 * state, MSI and MSI-X control, BARs and the ROM BAR, device control
 * (with its FLR bit), a dword anywhere in the capabilities.
 */
enum { CFG_COMMAND, CFG_PMCSR, CFG_MSI, CFG_MSIX, CFG_BAR, CFG_ROM,
	CFG_DEVCTL, CFG_ANY, CFG_TARGETS };

static void gen_cfg_write(struct fuzz_dev *dev, struct fuzz_op *op)
{
	/* the command register most, it decides decode */
	op->a[0] = fuzz_below(3) ? fuzz_below(CFG_TARGETS) : CFG_COMMAND;
	op->a[1] = fuzz_below(2) ? fuzz_rand() & 0xffff : fuzz_edgy(0x10000);
	/* an FLR, slow, seldom */
	if (op->a[0] == CFG_DEVCTL && !fuzz_one_in(8))
		op->a[1] &= ~(uint64_t)PCI_EXP_DEVCTL_BCR_FLR;
	if (op->a[0] == CFG_PMCSR)
		op->a[1] = fuzz_below(4) | (fuzz_one_in(4) ? 0x8000 : 0);
	if (op->a[0] == CFG_COMMAND && fuzz_below(2))
		op->a[1] = (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			    PCI_COMMAND_IO | PCI_COMMAND_INTX_DISABLE) &
			   fuzz_rand();
	op->a[2] = fuzz_below(6);
	op->a[3] = fuzz_below(256);
}

static int cfg_target(struct fuzz_dev *dev, const struct fuzz_op *op,
		      int *size)
{
	*size = 2;
	switch (op->a[0]) {
	case CFG_COMMAND:
		return PCI_COMMAND;
	case CFG_PMCSR:
		return dev->cap_pm ? dev->cap_pm + PCI_PM_CTRL : -1;
	case CFG_MSI:
		return dev->cap_msi ? dev->cap_msi + PCI_MSI_FLAGS : -1;
	case CFG_MSIX:
		return dev->cap_msix ? dev->cap_msix + PCI_MSIX_FLAGS : -1;
	case CFG_BAR:
		*size = 4;
		return PCI_BASE_ADDRESS_0 + 4 * (op->a[2] % 6);
	case CFG_ROM:
		*size = 4;
		return PCI_ROM_ADDRESS;
	case CFG_DEVCTL:
		return dev->cap_exp ? dev->cap_exp + PCI_EXP_DEVCTL : -1;
	default:
		*size = 1 << (op->a[2] % 3);
		return (int)op->a[3];
	}
}

static int exec_cfg_write(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	int size, off = cfg_target(dev, op, &size);
	uint32_t v = (uint32_t)op->a[1];

	if (off < 0)
		return -ENODEV;
	if (size == 4 && op->a[0] == CFG_BAR && (op->a[1] & 1))
		v = ~0u;	/* sizing */
	return vfio_cfg_write(&dev->d, off, size, v);
}

/* ---- mappings ---- */

static void gen_mmap(struct fuzz_dev *dev, struct fuzz_op *op)
{
	uint32_t i = fuzz_below(2) ? some_bar(dev) :
				     (uint32_t)index_of(dev->num_regions);
	uint64_t size = i < 16 ? dev->region_size[i] : 0;
	long page = 4096;

	op->a[0] = fuzz_below(FUZZ_MAPS);
	op->a[1] = i;
	op->a[2] = fuzz_below(4) ? 0 : fuzz_below(4) * page + fuzz_below(2);
	op->a[3] = fuzz_below(4) ? size : fuzz_edgy(size);
	op->a[4] = fuzz_below(4) ? PROT_READ | PROT_WRITE : fuzz_below(8);
	op->a[5] = fuzz_one_in(8) ? MAP_PRIVATE : MAP_SHARED;
}

static int exec_mmap(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	struct fuzz_map *m = &dev->maps[op->a[0] % FUZZ_MAPS];
	size_t len = op->a[3];
	void *p;

	if (!len || len > MAP_MAX_LEN)
		len = len ? MAP_MAX_LEN : 4096;
	p = mmap(NULL, len, (int)op->a[4] & 7, (int)op->a[5] & 3,
		 dev->d.device_fd, (off_t)(op->a[1] << REGION_SHIFT | op->a[2]));
	if (p == MAP_FAILED)
		return -errno;
	pthread_mutex_lock(&dev->maps_lock);
	if (m->addr)
		munmap(m->addr, m->len);
	m->addr = p;
	m->len = len;
	m->prot = (int)op->a[4] & 7;
	m->region = (uint32_t)op->a[1];
	m->offset = op->a[2];
	pthread_mutex_unlock(&dev->maps_lock);
	return 0;
}

static void gen_slot(struct fuzz_dev *dev, struct fuzz_op *op)
{
	op->a[0] = fuzz_below(FUZZ_MAPS);
	op->a[1] = fuzz_below(2) ? fuzz_below(4096) : fuzz_rand();
	op->a[2] = fuzz_below(2);
	op->a[3] = fuzz_rand();
}

static int exec_munmap(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	struct fuzz_map *m = &dev->maps[op->a[0] % FUZZ_MAPS];

	pthread_mutex_lock(&dev->maps_lock);
	if (m->addr)
		munmap(m->addr, m->len);
	m->addr = NULL;
	pthread_mutex_unlock(&dev->maps_lock);
	return 0;
}

/* one 4-byte access inside the mapping, SIGBUS caught */
static int touch(struct fuzz_dev *dev, struct fuzz_map *m,
		 const struct fuzz_op *op)
{
	uint64_t at;
	uint8_t *p;
	__u32 v;

	if (!m->addr)
		return -ENOENT;
	/* the access the mapping allows: the fault of any other is ours */
	if (!(m->prot & (op->a[2] ? PROT_WRITE : PROT_READ)))
		return -EACCES;
	at = op->a[1] % m->len & ~3ul;
	p = (uint8_t *)m->addr + at;
	if (op->a[2] && fuzz_avoided(dev, m->region, m->offset + at, 4))
		return -EPERM;
	if (op->a[2])
		return vfio_store32(p, (__u32)op->a[3]) ? 0 : -EFAULT;
	return vfio_load32(p, &v) ? 0 : -EFAULT;
}

static int exec_touch(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	int ret;

	pthread_mutex_lock(&dev->maps_lock);
	ret = touch(dev, &dev->maps[op->a[0] % FUZZ_MAPS], op);
	pthread_mutex_unlock(&dev->maps_lock);
	return ret;
}

/* a child touches the mapping it inherited, then exits */
static int exec_fork_touch(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	pid_t pid;
	int st;

	pthread_mutex_lock(&dev->maps_lock);
	pid = fork();
	if (!pid) {
		touch(dev, &dev->maps[op->a[0] % FUZZ_MAPS], op);
		_exit(0);
	}
	pthread_mutex_unlock(&dev->maps_lock);
	if (pid < 0)
		return -errno;
	waitpid(pid, &st, 0);
	return 0;
}

/* ---- eventfds and the device's own lifetime ---- */

static void gen_efd(struct fuzz_dev *dev, struct fuzz_op *op)
{
	op->a[0] = fuzz_below(FUZZ_EFDS);
}

static int exec_efd_signal(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	uint64_t one = 1;

	return ret_of(write(dev->efd[op->a[0] % FUZZ_EFDS], &one, 8));
}

/* the eventfd closed and another made, usually at the same number */
static int exec_efd_renew(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	int *efd = &dev->efd[op->a[0] % FUZZ_EFDS];

	close(*efd);
	*efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return *efd < 0 ? -errno : 0;
}

static void gen_reopen(struct fuzz_dev *dev, struct fuzz_op *op)
{
	op->a[0] = fuzz_below(2);
}

static int exec_reopen(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	return fuzz_dev_reopen(dev, op->a[0] & 1 ? VFIO_MODE_CDEV :
						   VFIO_MODE_GROUP);
}

/* any ioctl number of VFIO's range, with whatever argument */
static void gen_raw_ioctl(struct fuzz_dev *dev, struct fuzz_op *op)
{
	unsigned int i;

	op->a[0] = VFIO_BASE + fuzz_below(32);
	op->a[1] = argsz_sel();
	op->len = FUZZ_DATA;
	for (i = 0; i < FUZZ_DATA; i++)
		op->data[i] = fuzz_below(2) ? 0 : fuzz_rand();
}

static int exec_raw_ioctl(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	uint32_t argsz = fuzz_argsz(op->a[1], 64);

	memset(buf, 0, 256);
	memcpy(buf, &argsz, 4);
	memcpy(buf + 4, op->data, FUZZ_DATA);
	return ret_of(ioctl(dev->d.device_fd, _IO(VFIO_TYPE, op->a[0] & 0xff),
			    buf));
}

#define OP(n, g, e, x) { .name = n, .gen = g, .exec = e, .exclusive = x }

const struct fuzz_op_desc fuzz_ops[] = {
	OP("get_info", gen_get_info, exec_get_info, false),
	OP("region_info", gen_region_info, exec_region_info, false),
	OP("irq_info", gen_irq_info, exec_irq_info, false),
	OP("set_irqs", gen_set_irqs, exec_set_irqs, false),
	OP("reset", gen_none, exec_reset, false),
	OP("hot_reset_info", gen_hot_reset_info, exec_hot_reset_info, false),
	OP("hot_reset", gen_hot_reset, exec_hot_reset, false),
	OP("ioeventfd", gen_ioeventfd, exec_ioeventfd, false),
	OP("feature", gen_feature, exec_feature, false),
	OP("pread", gen_rw, exec_pread, false),
	OP("pwrite", gen_rw, exec_pwrite, false),
	OP("cfg_write", gen_cfg_write, exec_cfg_write, false),
	OP("mmap", gen_mmap, exec_mmap, false),
	OP("munmap", gen_slot, exec_munmap, false),
	OP("touch", gen_slot, exec_touch, false),
	OP("fork_touch", gen_slot, exec_fork_touch, false),
	OP("efd_signal", gen_efd, exec_efd_signal, false),
	OP("efd_renew", gen_efd, exec_efd_renew, false),
	OP("reopen", gen_reopen, exec_reopen, true),
	OP("raw_ioctl", gen_raw_ioctl, exec_raw_ioctl, false),
	OP("mig_state", fuzz_mig_gen_state, fuzz_mig_exec_state, false),
	OP("mig_data", fuzz_mig_gen_data, fuzz_mig_exec_data, false),
};

const unsigned int fuzz_nr_ops = ARRAY_SIZE(fuzz_ops);

int fuzz_op_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < fuzz_nr_ops; i++)
		if (!strcmp(fuzz_ops[i].name, name))
			return (int)i;
	return -1;
}

/*
 * How often each kind is picked, relative: the slow ones seldom, so that
 * a program runs in tens of milliseconds. On the debug kernel under TCG a
 * reset takes 15 to 120 ms, a fork 40 ms, and closing and opening again
 * 0.2 to 3 s: at one in 180 operations, reopen took 70% of edu's time.
 */
static const uint16_t weight[] = {
	16, 32, 16, 160, 8, 16, 12, 48, 40, 64, 64, 80, 32, 16, 40, 4, 32, 16,
	1, 16, 24, 24,
};

static_assert(ARRAY_SIZE(weight) == ARRAY_SIZE(fuzz_ops),
	      "a weight per operation");

void fuzz_op_gen(struct fuzz_dev *dev, struct fuzz_op *op)
{
	unsigned int total = 0, i, r;

	for (i = 0; i < fuzz_nr_ops; i++)
		total += weight[i];
	r = (unsigned int)fuzz_below(total);
	for (i = 0; r >= weight[i]; i++)
		r -= weight[i];
	memset(op, 0, sizeof(*op));
	op->kind = i;
	op->thread = fuzz_below(4) ? 0 : fuzz_below(FUZZ_THREADS);
	fuzz_ops[i].gen(dev, op);
}

/**
 * fuzz_op_exec() - run one operation
 * @dev: the device
 * @op: the operation
 *
 * Return: 0 or the negative errno the call gave.
 */
int fuzz_op_exec(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	const struct fuzz_op_desc *desc;
	int ret;

	if (op->kind >= fuzz_nr_ops)
		return -EINVAL;
	desc = &fuzz_ops[op->kind];
	if (desc->exclusive)
		pthread_rwlock_wrlock(&dev->dev_lock);
	else
		pthread_rwlock_rdlock(&dev->dev_lock);
	ret = desc->exec(dev, op);
	pthread_rwlock_unlock(&dev->dev_lock);
	return ret;
}
