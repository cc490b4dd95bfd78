// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_basic_test: tests of the vfio-pci uAPI against a QEMU
 * "edu" device bound to vfio-pci. The whole list runs once with the device
 * opened through a group and container, and once through its cdev and
 * iommufd. Expected values come from sysfs wherever sysfs knows them.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "qemu_devices.h"
#include "vfio_fixture.h"

#define CFG_REGION		VFIO_PCI_CONFIG_REGION_INDEX

static bool is_edu;

/* The sysfs view of the config space (as root: the whole of it). */
static int sysfs_config(struct test_ctx *t, __u8 *buf, size_t len,
			size_t *got)
{
	ssize_t n;

	memset(buf, 0, len);
	n = sysfs_read(t->bdf, "config", buf, len, 0);
	if (check(t, n >= 64, "reading sysfs config: %s",
		  n < 0 ? strerror((int)-n) : "short read"))
		return -1;
	*got = (size_t)n;
	return 0;
}

/* Offset of capability @id in a config space image, 0 if absent. */
static unsigned int find_cap(const __u8 *cfg, size_t len, __u8 id)
{
	unsigned int pos, loops = 0;

	if (!(cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;
	pos = cfg[PCI_CAPABILITY_LIST] & ~3u;
	while (pos >= 0x40 && pos + 1 < len && loops++ < 48) {
		if (cfg[pos] == id)
			return pos;
		pos = cfg[pos + 1] & ~3u;
	}
	return 0;
}

static void test_device_info(struct test_ctx *t)
{
	struct vfio_device_info info;
	int ret;

	ret = vfio_device_info(t->d, &info);
	if (check_ok(t, ret, "VFIO_DEVICE_GET_INFO"))
		return;
	check(t, info.flags & VFIO_DEVICE_FLAGS_PCI,
	      "flags 0x%x lack VFIO_DEVICE_FLAGS_PCI (0x%x)", info.flags,
	      VFIO_DEVICE_FLAGS_PCI);
	check(t, info.num_regions >= VFIO_PCI_NUM_REGIONS,
	      "num_regions %u, expected >= %u", info.num_regions,
	      VFIO_PCI_NUM_REGIONS);
	check(t, info.num_irqs >= VFIO_PCI_NUM_IRQS,
	      "num_irqs %u, expected >= %u", info.num_irqs,
	      VFIO_PCI_NUM_IRQS);
}

static void test_region_sizes(struct test_ctx *t)
{
	const __u32 rw = VFIO_REGION_INFO_FLAG_READ |
			 VFIO_REGION_INFO_FLAG_WRITE;
	struct vfio_region_info ri;
	off_t cfg_size;
	__u64 size;
	int i, ret;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		ret = sysfs_resource_size(t->bdf, i, &size);
		if (check_ok(t, ret, "sysfs resource line %d", i))
			continue;
		ret = vfio_region_info(t->d, VFIO_PCI_BAR0_REGION_INDEX + i,
				       &ri);
		if (check_ok(t, ret, "VFIO_DEVICE_GET_REGION_INFO(BAR%d)", i))
			continue;
		check(t, ri.size == size,
		      "BAR%d region size 0x%llx, sysfs resource says 0x%llx",
		      i, (unsigned long long)ri.size,
		      (unsigned long long)size);
		if (i == 0 && is_edu)
			check(t, (ri.flags & rw) == rw,
			      "BAR0 flags 0x%x lack READ|WRITE", ri.flags);
	}

	ret = sysfs_file_size(t->bdf, "config", &cfg_size);
	if (check_ok(t, ret, "stat of sysfs config"))
		return;
	ret = vfio_region_info(t->d, CFG_REGION, &ri);
	if (check_ok(t, ret, "VFIO_DEVICE_GET_REGION_INFO(CONFIG)"))
		return;
	check(t, ri.size == (__u64)cfg_size,
	      "config region size 0x%llx, sysfs config size 0x%llx",
	      (unsigned long long)ri.size, (unsigned long long)cfg_size);
	check(t, (ri.flags & rw) == rw,
	      "config region flags 0x%x lack READ|WRITE", ri.flags);
}

static void test_irq_info(struct test_ctx *t)
{
	static const char * const names[] = {
		"INTX", "MSI", "MSIX", "ERR", "REQ",
	};
	__u32 expect[VFIO_PCI_NUM_IRQS] = { 0 };
	struct vfio_irq_info ii;
	unsigned int pos;
	__u8 cfg[4096];
	bool pcie;
	size_t len;
	__u32 i;
	int ret;

	if (sysfs_config(t, cfg, sizeof(cfg), &len))
		return;

	/* what the config space as sysfs sees it implies */
	expect[VFIO_PCI_INTX_IRQ_INDEX] = cfg[PCI_INTERRUPT_PIN] ? 1 : 0;
	pos = find_cap(cfg, len, PCI_CAP_ID_MSI);
	if (pos)
		expect[VFIO_PCI_MSI_IRQ_INDEX] =
			1u << ((cfg[pos + PCI_MSI_FLAGS] &
				PCI_MSI_FLAGS_QMASK) >> 1);
	pos = find_cap(cfg, len, PCI_CAP_ID_MSIX);
	if (pos)
		expect[VFIO_PCI_MSIX_IRQ_INDEX] =
			((cfg[pos + PCI_MSIX_FLAGS] |
			  cfg[pos + PCI_MSIX_FLAGS + 1] << 8) &
			 PCI_MSIX_FLAGS_QSIZE) + 1;
	pcie = find_cap(cfg, len, PCI_CAP_ID_EXP) != 0;
	expect[VFIO_PCI_ERR_IRQ_INDEX] = pcie ? 1 : 0;
	expect[VFIO_PCI_REQ_IRQ_INDEX] = 1;

	if (is_edu) {
		check(t, expect[VFIO_PCI_INTX_IRQ_INDEX] == 1,
		      "sysfs config says edu has no interrupt pin");
		check(t, expect[VFIO_PCI_MSI_IRQ_INDEX] >= 1,
		      "sysfs config says edu has no MSI capability");
	}

	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		ret = vfio_irq_info(t->d, i, &ii);
		/*
		 * A conventional PCI device has no AER, and the driver may
		 * refuse the index outright instead of reporting count 0.
		 */
		if (i == VFIO_PCI_ERR_IRQ_INDEX && !pcie && ret == -EINVAL)
			continue;
		if (check_ok(t, ret, "VFIO_DEVICE_GET_IRQ_INFO(%s)", names[i]))
			continue;
		check(t, ii.index == i, "%s: index changed to %u", names[i],
		      ii.index);
		check(t, ii.count == expect[i],
		      "%s: count %u, expected %u (from sysfs config)",
		      names[i], ii.count, expect[i]);
		if (ii.count)
			check(t, ii.flags & VFIO_IRQ_INFO_EVENTFD,
			      "%s: count %u but flags 0x%x lack EVENTFD",
			      names[i], ii.count, ii.flags);
	}
}

static void test_config_ids(struct test_ctx *t)
{
	unsigned long vendor, device, class;
	__u32 v;
	int ret;

	if (check_ok(t, sysfs_read_ulong(t->bdf, "vendor", &vendor),
		     "sysfs vendor") ||
	    check_ok(t, sysfs_read_ulong(t->bdf, "device", &device),
		     "sysfs device") ||
	    check_ok(t, sysfs_read_ulong(t->bdf, "class", &class),
		     "sysfs class"))
		return;

	ret = vfio_cfg_read(t->d, PCI_VENDOR_ID, 2, &v);
	if (!check_ok(t, ret, "2-byte config read at 0x0"))
		check(t, v == vendor, "vendor 0x%04x, sysfs 0x%04lx", v,
		      vendor);
	ret = vfio_cfg_read(t->d, PCI_DEVICE_ID, 2, &v);
	if (!check_ok(t, ret, "2-byte config read at 0x2"))
		check(t, v == device, "device 0x%04x, sysfs 0x%04lx", v,
		      device);
	ret = vfio_cfg_read(t->d, PCI_VENDOR_ID, 4, &v);
	if (!check_ok(t, ret, "4-byte config read at 0x0"))
		check(t, v == (vendor | device << 16),
		      "dword 0 is 0x%08x, sysfs ids give 0x%08lx", v,
		      vendor | device << 16);
	ret = vfio_cfg_read(t->d, PCI_CLASS_REVISION, 4, &v);
	if (!check_ok(t, ret, "4-byte config read at 0x8"))
		check(t, v >> 8 == class, "class 0x%06x, sysfs 0x%06lx",
		      v >> 8, class);
	ret = vfio_cfg_read(t->d, PCI_VENDOR_ID + 1, 1, &v);
	if (!check_ok(t, ret, "1-byte config read at 0x1"))
		check(t, v == vendor >> 8,
		      "byte 1 is 0x%02x, vendor high byte is 0x%02lx", v,
		      vendor >> 8);
}

static void test_config_ro_ids(struct test_ctx *t)
{
	unsigned long vendor;
	__u32 v;
	int ret;

	if (check_ok(t, sysfs_read_ulong(t->bdf, "vendor", &vendor),
		     "sysfs vendor"))
		return;
	/* read-only registers take writes and ignore them */
	ret = vfio_cfg_write(t->d, PCI_VENDOR_ID, 2, 0xffff);
	check_ok(t, ret, "2-byte config write of 0xffff at 0x0");
	ret = vfio_cfg_read(t->d, PCI_VENDOR_ID, 2, &v);
	if (!check_ok(t, ret, "2-byte config read at 0x0"))
		check(t, v == vendor,
		      "vendor reads 0x%04x after writing 0xffff, expected 0x%04lx",
		      v, vendor);
}

/* Low bits of a BAR that describe it rather than its address. */
static __u32 bar_type_mask(__u32 bar)
{
	return bar & PCI_BASE_ADDRESS_SPACE_IO ?
	       ~(__u32)PCI_BASE_ADDRESS_IO_MASK :
	       ~(__u32)PCI_BASE_ADDRESS_MEM_MASK;
}

/*
 * Before userspace writes them, the BARs read what the device holds, as
 * the host sees them through sysfs.
 */
static void test_bar_initial(struct test_ctx *t)
{
	__u8 cfg[PCI_STD_HEADER_SIZEOF];
	__u32 got, host;
	size_t n;
	int bar, ret;

	if (sysfs_config(t, cfg, sizeof(cfg), &n))
		return;
	for (bar = 0; bar < 6; bar++) {
		ret = vfio_cfg_read(t->d, PCI_BASE_ADDRESS_0 + 4 * bar, 4, &got);
		if (check_ok(t, ret, "reading BAR%d", bar))
			return;
		memcpy(&host, cfg + PCI_BASE_ADDRESS_0 + 4 * bar, 4);
		host = le32toh(host);
		check(t, got == host, "BAR%d reads 0x%08x, the host sees 0x%08x",
		      bar, got, host);
	}
}

static void test_bar0_sizing(struct test_ctx *t)
{
	__u32 saved, got, expect, tmask;
	__u64 size;
	int ret;

	ret = sysfs_resource_size(t->bdf, 0, &size);
	if (check_ok(t, ret, "sysfs resource line 0"))
		return;
	if (!size) {
		t->skip = "BAR0 is not implemented";
		return;
	}

	ret = vfio_cfg_read(t->d, PCI_BASE_ADDRESS_0, 4, &saved);
	if (check_ok(t, ret, "reading BAR0 from config space"))
		return;
	ret = vfio_cfg_write(t->d, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	if (check_ok(t, ret, "writing 0xffffffff to BAR0"))
		goto restore;
	ret = vfio_cfg_read(t->d, PCI_BASE_ADDRESS_0, 4, &got);
	if (check_ok(t, ret, "reading BAR0 back"))
		goto restore;
	tmask = bar_type_mask(saved);
	expect = ((__u32)~(size - 1) & ~tmask) | (saved & tmask);
	check(t, got == expect,
	      "BAR0 reads 0x%08x after writing all ones, expected 0x%08x (size 0x%llx, type bits 0x%x)",
	      got, expect, (unsigned long long)size, saved & tmask);
restore:
	ret = vfio_cfg_write(t->d, PCI_BASE_ADDRESS_0, 4, saved);
	if (check_ok(t, ret, "restoring BAR0 to 0x%08x", saved))
		return;
	ret = vfio_cfg_read(t->d, PCI_BASE_ADDRESS_0, 4, &got);
	if (!check_ok(t, ret, "reading restored BAR0"))
		check(t, got == saved,
		      "BAR0 reads 0x%08x after restoring 0x%08x", got, saved);
}

static void test_unimplemented_bar(struct test_ctx *t)
{
	__u32 hw, saved, got, off;
	__u8 cfg[4096];
	__u64 size;
	bool upper = false;
	int bar = -1, i, ret;
	size_t len;

	if (sysfs_config(t, cfg, sizeof(cfg), &len))
		return;
	/* an empty BAR that is not the upper half of a 64-bit one */
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		off = PCI_BASE_ADDRESS_0 + 4 * i;
		hw = cfg[off] | cfg[off + 1] << 8 | cfg[off + 2] << 16 |
		     (__u32)cfg[off + 3] << 24;
		ret = sysfs_resource_size(t->bdf, i, &size);
		if (check_ok(t, ret, "sysfs resource line %d", i))
			return;
		if (upper) {
			upper = false;
			continue;
		}
		if (!size) {
			bar = i;
			break;
		}
		upper = !(hw & PCI_BASE_ADDRESS_SPACE_IO) &&
			(hw & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
			PCI_BASE_ADDRESS_MEM_TYPE_64;
	}
	if (bar < 0) {
		t->skip = "every BAR is implemented";
		return;
	}
	off = PCI_BASE_ADDRESS_0 + 4 * bar;

	ret = vfio_cfg_read(t->d, off, 4, &saved);
	if (check_ok(t, ret, "reading BAR%d", bar))
		return;
	check(t, saved == 0, "unimplemented BAR%d reads 0x%08x, expected 0",
	      bar, saved);
	ret = vfio_cfg_write(t->d, off, 4, 0xffffffff);
	if (!check_ok(t, ret, "writing 0xffffffff to BAR%d", bar)) {
		ret = vfio_cfg_read(t->d, off, 4, &got);
		if (!check_ok(t, ret, "reading BAR%d back", bar))
			check(t, got == 0,
			      "unimplemented BAR%d reads 0x%08x after writing all ones, expected 0",
			      bar, got);
	}
	vfio_cfg_write(t->d, off, 4, saved);
}

static void check_edu_id(struct test_ctx *t)
{
	__u32 v;
	int ret;

	ret = vfio_bar_read32(t->d, 0, EDU_REG_ID, &v);
	if (!check_ok(t, ret, "4-byte read of BAR0+0x%x", EDU_REG_ID))
		check(t, v == EDU_ID_VALUE,
		      "edu id reads 0x%08x, expected 0x%08x", v,
		      EDU_ID_VALUE);
}

static void test_edu_id(struct test_ctx *t)
{
	if (!is_edu) {
		t->skip = "not an edu device";
		return;
	}
	check_edu_id(t);
}

static void test_edu_liveness(struct test_ctx *t)
{
	static const __u32 values[] = {
		0x12345678, 0, 0xffffffff, 0xa5a5a5a5,
	};
	size_t i;
	__u32 v;
	int ret;

	if (!is_edu) {
		t->skip = "not an edu device";
		return;
	}
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		ret = vfio_bar_write32(t->d, 0, EDU_REG_LIVENESS, values[i]);
		if (check_ok(t, ret, "writing 0x%08x to BAR0+0x%x",
			     values[i], EDU_REG_LIVENESS))
			continue;
		ret = vfio_bar_read32(t->d, 0, EDU_REG_LIVENESS, &v);
		if (!check_ok(t, ret, "reading BAR0+0x%x", EDU_REG_LIVENESS))
			check(t, v == ~values[i],
			      "wrote 0x%08x, read 0x%08x, expected 0x%08x",
			      values[i], v, ~values[i]);
	}
}

/*
 * An info ioctl asked about an index past the last one, and about a huge
 * one, must fail with EINVAL. Region and IRQ info both start with argsz,
 * flags and index, which is all this fills in.
 */
static void check_bad_indexes(struct test_ctx *t, unsigned long request,
			      const char *name, __u32 count, __u32 minimum,
			      __u32 huge)
{
	union {
		struct vfio_region_info region;
		struct vfio_irq_info irq;
	} arg;
	__u32 idx[2] = { count > minimum ? count : minimum, huge };
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		memset(&arg, 0, sizeof(arg));
		arg.region.argsz = sizeof(arg);
		arg.region.index = idx[i];
		ret = ioctl(t->d->device_fd, request, &arg);
		check_errno(t, ret, errno, EINVAL, "%s(index %u)", name, idx[i]);
	}
}

static void test_bad_region_index(struct test_ctx *t)
{
	struct vfio_device_info info;

	if (check_ok(t, vfio_device_info(t->d, &info), "VFIO_DEVICE_GET_INFO"))
		return;
	check_bad_indexes(t, VFIO_DEVICE_GET_REGION_INFO,
			  "VFIO_DEVICE_GET_REGION_INFO", info.num_regions,
			  VFIO_PCI_NUM_REGIONS, 0xffffffff);
}

static void test_bad_argsz(struct test_ctx *t)
{
	struct vfio_device_info info = { .argsz = 4 };
	struct vfio_region_info ri = { .argsz = 4, .index = 0 };
	struct vfio_irq_info ii = { .argsz = 4, .index = 0 };
	int ret;

	ret = ioctl(t->d->device_fd, VFIO_DEVICE_GET_INFO, &info);
	check_errno(t, ret, errno, EINVAL, "VFIO_DEVICE_GET_INFO(argsz 4)");
	ret = ioctl(t->d->device_fd, VFIO_DEVICE_GET_REGION_INFO, &ri);
	check_errno(t, ret, errno, EINVAL,
		    "VFIO_DEVICE_GET_REGION_INFO(argsz 4)");
	ret = ioctl(t->d->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &ii);
	check_errno(t, ret, errno, EINVAL,
		    "VFIO_DEVICE_GET_IRQ_INFO(argsz 4)");
}

static void test_bad_irq_index(struct test_ctx *t)
{
	struct vfio_device_info info;

	if (check_ok(t, vfio_device_info(t->d, &info), "VFIO_DEVICE_GET_INFO"))
		return;
	check_bad_indexes(t, VFIO_DEVICE_GET_IRQ_INFO,
			  "VFIO_DEVICE_GET_IRQ_INFO", info.num_irqs,
			  VFIO_PCI_NUM_IRQS, 1000);
}

static void check_vendor(struct test_ctx *t, const char *when)
{
	unsigned long vendor;
	__u32 v;
	int ret;

	if (check_ok(t, sysfs_read_ulong(t->bdf, "vendor", &vendor),
		     "sysfs vendor"))
		return;
	ret = vfio_cfg_read(t->d, PCI_VENDOR_ID, 2, &v);
	if (!check_ok(t, ret, "vendor read %s", when))
		check(t, v == vendor, "vendor reads 0x%04x %s, expected 0x%04lx",
		      v, when, vendor);
}

static void test_config_out_of_range(struct test_ctx *t)
{
	struct vfio_region_info ri;
	__u64 offs[2];
	__u8 buf[4];
	ssize_t n;
	size_t i;
	int ret;

	ret = vfio_region_info(t->d, CFG_REGION, &ri);
	if (check_ok(t, ret, "VFIO_DEVICE_GET_REGION_INFO(CONFIG)"))
		return;
	if (check(t, ri.size >= 256, "config region size 0x%llx",
		  (unsigned long long)ri.size))
		return;
	offs[0] = ri.size;
	offs[1] = ri.size - 2;
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		n = pread(t->d->device_fd, buf, sizeof(buf),
			  (off_t)(ri.offset + offs[i]));
		check_errno(t, n, errno, EFAULT,
			    "4-byte config read at 0x%llx (size 0x%llx)",
			    (unsigned long long)offs[i],
			    (unsigned long long)ri.size);
	}
	check_vendor(t, "after out-of-range reads");
}

static void test_bar_out_of_range(struct test_ctx *t)
{
	struct vfio_region_info ri;
	__u8 buf[4];
	ssize_t n;
	int ret;

	ret = vfio_region_info(t->d, VFIO_PCI_BAR0_REGION_INDEX, &ri);
	if (check_ok(t, ret, "VFIO_DEVICE_GET_REGION_INFO(BAR0)"))
		return;
	if (!ri.size) {
		t->skip = "BAR0 is not implemented";
		return;
	}
	n = pread(t->d->device_fd, buf, sizeof(buf),
		  (off_t)(ri.offset + ri.size));
	check_errno(t, n, errno, EINVAL,
		    "4-byte BAR0 read at its size 0x%llx",
		    (unsigned long long)ri.size);
	if (is_edu)
		check_edu_id(t);
}

static void test_unaligned_config(struct test_ctx *t)
{
	static const struct {
		__u64 off;
		size_t len;
	} cases[] = {
		{ 1, 4 },
		{ 3, 2 },
	};
	__u8 cfg[4096], buf[4];
	size_t len, i, j;
	const char *why;
	ssize_t n;

	if (sysfs_config(t, cfg, sizeof(cfg), &len))
		return;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(buf, 0xcc, sizeof(buf));
		n = vfio_region_pread(t->d, CFG_REGION, buf, cases[i].len,
				      cases[i].off);
		why = "short";
		if (n < 0)
			why = strerror((int)-n);
		if (check(t, n == (ssize_t)cases[i].len,
			  "%zu-byte config read at 0x%llx returned %zd (%s)",
			  cases[i].len, (unsigned long long)cases[i].off, n,
			  why))
			continue;
		for (j = 0; j < cases[i].len; j++)
			check(t, buf[j] == cfg[cases[i].off + j],
			      "%zu-byte read at 0x%llx: byte 0x%llx is 0x%02x, sysfs config has 0x%02x",
			      cases[i].len, (unsigned long long)cases[i].off,
			      (unsigned long long)(cases[i].off + j), buf[j],
			      cfg[cases[i].off + j]);
	}
}

/* Must stay last: it closes the device fd. */
static void test_bad_fd_after_close(struct test_ctx *t)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int fd = t->d->device_fd;
	int ret;

	ret = close(fd);
	t->d->device_fd = -1;
	if (check(t, ret == 0, "close of device fd %d: %s", fd,
		  strerror(errno)))
		return;
	ret = ioctl(fd, VFIO_DEVICE_GET_INFO, &info);
	check_errno(t, ret, errno, EBADF,
		    "VFIO_DEVICE_GET_INFO on closed fd %d", fd);
}

TEST_F_TIMEOUT(vfio_dev, device_info, VFIO_TEST_TIMEOUT)
{
	test_device_info(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, region_sizes, VFIO_TEST_TIMEOUT)
{
	test_region_sizes(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, irq_info, VFIO_TEST_TIMEOUT)
{
	test_irq_info(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, config_ids, VFIO_TEST_TIMEOUT)
{
	test_config_ids(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, config_ro_ids, VFIO_TEST_TIMEOUT)
{
	test_config_ro_ids(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, bar_initial, VFIO_TEST_TIMEOUT)
{
	test_bar_initial(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, bar0_sizing, VFIO_TEST_TIMEOUT)
{
	test_bar0_sizing(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, unimplemented_bar, VFIO_TEST_TIMEOUT)
{
	test_unimplemented_bar(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, edu_id, VFIO_TEST_TIMEOUT)
{
	test_edu_id(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, edu_liveness, VFIO_TEST_TIMEOUT)
{
	test_edu_liveness(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, bad_region_index, VFIO_TEST_TIMEOUT)
{
	test_bad_region_index(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, bad_argsz, VFIO_TEST_TIMEOUT)
{
	test_bad_argsz(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, bad_irq_index, VFIO_TEST_TIMEOUT)
{
	test_bad_irq_index(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, config_out_of_range, VFIO_TEST_TIMEOUT)
{
	test_config_out_of_range(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, bar_out_of_range, VFIO_TEST_TIMEOUT)
{
	test_bar_out_of_range(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, unaligned_config, VFIO_TEST_TIMEOUT)
{
	test_unaligned_config(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, bad_fd_after_close, VFIO_TEST_TIMEOUT)
{
	test_bad_fd_after_close(&self->t);
}

/* Is @bdf a QEMU edu device? Its own checks are skipped if not. */
static void probe_edu(const char *bdf)
{
	unsigned long vendor, device;

	is_edu = !sysfs_read_ulong(bdf, "vendor", &vendor) &&
		 !sysfs_read_ulong(bdf, "device", &device) &&
		 vendor == EDU_VENDOR && device == EDU_DEVICE;
	vfio_diag("device %s: %s", bdf, is_edu ? "QEMU edu (1234:11e8)" :
		  "not an edu device, edu checks will be skipped");
}

int main(int argc, char **argv)
{
	const char *bdf = vfio_test_init(argc, argv);

	if (bdf)
		probe_edu(bdf);
	return test_harness_run(argc, argv);
}
