// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_race_soak, the device under the soak: what it offers, the
 * actions the threads call on it at random (COMMAND and PMCSR writes,
 * SET_IRQS of every index, resets, hot resets, BAR mappings, low power,
 * config and BAR reads), and bringing it back afterwards.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_pci_race.h"

#define MAX_EFDS	8	/* eventfds per SET_IRQS call */
#define MAP_MAX		0x100000UL	/* bytes of a BAR mapped */
#define EDU_SYSFS_IDS	"0x1234:0x11e8"
#define EDU_LIVENESS	0x04

struct vfio_dev dev;
static unsigned int have;	/* enum need bits the device meets */
static int pm_cap;
static __u32 irq_count[VFIO_PCI_NUM_IRQS];
static int irq_idx[VFIO_PCI_NUM_IRQS], nr_irq_idx;
static int map_bars[VFIO_PCI_ROM_REGION_INDEX], nr_map_bars;
static size_t map_len[VFIO_PCI_ROM_REGION_INDEX];
static __u64 bar0_size;
static bool is_edu;
static bool hot_enotty;		/* a hot reset is ENOTTY even on its own */

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

const struct action actions[] = {
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

const size_t nr_actions = ARRAY_SIZE(actions);
static_assert(ARRAY_SIZE(actions) <= MAX_ACTIONS,
	      "room for every action's counters");

bool usable(const struct action *a)
{
	return (a->needs & have) == a->needs;
}

bool race_bad_errno(int act, int err)
{
	if (err == ENOTTY && hot_enotty && actions[act].fn == act_hot_reset)
		return false;
	return err == EFAULT || err == ENOMEM || err == EBADF ||
	       err == ENOTTY || err == EMFILE || err == ENFILE;
}

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

void race_probe(void)
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

int race_restore(void)
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
