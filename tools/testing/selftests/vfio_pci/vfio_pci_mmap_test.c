// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_mmap_test BDF: KTAP tests of the regions of a function bound to
 * vfio-pci as userspace maps and reads them: which regions offer mmap and
 * which refuse it, the MSI-X capability of region info, memory disable
 * (SIGBUS through mappings, EIO through the fd, no write reaching the
 * device), mappings inherited over fork, mapping threads racing memory
 * enable toggling, the ROM against the host's sysfs copy, and the VGA
 * region. Works with any function; what it lacks is skipped. The list runs
 * once with the device opened through a group and container, and once
 * through its cdev and iommufd.
 *
 * The expected behaviour is that of the kernel's own vfio-pci (6.12).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_test.h"

#define BAR_REGION(bar)		(VFIO_PCI_BAR0_REGION_INDEX + (bar))
#define CFG_REGION		VFIO_PCI_CONFIG_REGION_INDEX
#define ROM_REGION		VFIO_PCI_ROM_REGION_INDEX
#define VGA_REGION		VFIO_PCI_VGA_REGION_INDEX

/* the VGA region: legacy memory at 0xa0000 and ports at their numbers */
#define VGA_REGION_SIZE		0xc0000
#define VGA_MEM_START		0xa0000
#define VGA_PORTS_START		0x3c0
#define VGA_PORTS_END		0x3e0
#define PCI_CLASS_VGA		0x0300

#define ROM_SIGNATURE		0xaa55

/* values written to a scratch dword */
#define SCRATCH_A		0x5aa5c33cu
#define SCRATCH_B		0x0ff0e11eu

#define STRESS_THREADS		4
#define STRESS_MS		2000
/*
 * Memory decode goes off for STRESS_OFF_US, then on for STRESS_ON_US.
 * Each change remaps the BAR in the emulator: QEMU 7.2 under TCG may
 * crash when another vCPU writes MMIO while the map changes, so the test
 * makes a few dozen changes, not hundreds.
 */
#define STRESS_OFF_US		5000
#define STRESS_ON_US		50000
/* a thread still running this long after its deadline has hung */
#define STRESS_GRACE_S		30

/* what a forked child reports through its exit status */
enum child_status {
	CHILD_OK,
	CHILD_READ_FAULT,
	CHILD_MISMATCH,
	CHILD_WRITE_FAULT,
};

/*
 * A dword of a known device that holds what is written to it: RAM, or a
 * register as good as RAM for the purpose.
 */
struct scratch {
	__u16 vendor;
	__u16 device;
	int bar;
	__u64 off;
	bool inverts;		/* reads back the complement of the value */
	const char *what;
};

static const struct scratch scratches[] = {
	{ 0x1234, 0x11e8, 0, 0x04, true, "edu liveness register" },
	{ 0x1af4, 0x1110, 2, 0x1000, false, "ivshmem shared RAM" },
	{ 0x1234, 0x1111, 0, 0xf00000, false, "VGA framebuffer" },
};

/* Where a BAR holds the MSI-X table; bar is -1 without MSI-X. */
struct msix_loc {
	int bar;
	__u64 start;
	__u64 end;
};

/* The dword the memory, fork and stress tests read through a mapping. */
struct spot {
	int bar;
	__u64 off;
	struct vfio_region_info ri;
	const struct scratch *scratch;	/* NULL: a register only read */
	__u32 expect;			/* what it reads, memory enabled */
};

/* A mapping of a whole BAR. */
struct map {
	__u8 *addr;
	size_t len;
};

static const struct scratch *scratch;
static bool is_vf;
static unsigned long vendor_id, device_id, class_code;
static size_t page_size;

static size_t page_round(__u64 size)
{
	return (size_t)((size + page_size - 1) & ~(__u64)(page_size - 1));
}

static const char *err_str(long ret)
{
	return ret < 0 ? strerror((int)-ret) : "no error";
}

/* helpers over the device */

static bool region(struct test_ctx *t, __u32 index,
		   struct vfio_region_info *ri)
{
	int ret = vfio_region_info(t->d, index, ri);

	return !check_ok(t, ret, "VFIO_DEVICE_GET_REGION_INFO(%u)", index);
}

static bool cmd_read(struct test_ctx *t, __u32 *cmd)
{
	int ret = vfio_cfg_read(t->d, PCI_COMMAND, 2, cmd);

	return !check_ok(t, ret, "reading the command register");
}

static bool cmd_write(struct test_ctx *t, __u32 cmd)
{
	int ret = vfio_cfg_write(t->d, PCI_COMMAND, 2, cmd);

	return !check_ok(t, ret, "writing 0x%04x to the command register",
			 cmd);
}

/* Where the MSI-X table is, from the config space userspace sees. */
static bool find_msix(struct test_ctx *t, struct msix_loc *m)
{
	__u32 flags, table;
	int pos;

	m->bar = -1;
	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSIX);
	if (check_ok(t, pos < 0 ? pos : 0, "looking for the MSI-X capability"))
		return false;
	if (!pos)
		return true;
	if (check_ok(t, vfio_cfg_read(t->d, pos + PCI_MSIX_FLAGS, 2, &flags),
		     "reading MSI-X message control") ||
	    check_ok(t, vfio_cfg_read(t->d, pos + PCI_MSIX_TABLE, 4, &table),
		     "reading the MSI-X table offset"))
		return false;
	m->bar = table & PCI_MSIX_TABLE_BIR;
	m->start = table & PCI_MSIX_TABLE_OFFSET;
	m->end = m->start + ((flags & PCI_MSIX_FLAGS_QSIZE) + 1) *
		 PCI_MSIX_ENTRY_SIZE;
	return true;
}

static bool in_msix(const struct msix_loc *m, int bar, __u64 off)
{
	return bar == m->bar && off + 4 > m->start && off < m->end;
}

/* mmap the whole of BAR @bar, shared and read-write. */
static bool map_bar(struct test_ctx *t, int bar,
		    const struct vfio_region_info *ri, struct map *m)
{
	m->len = page_round(ri->size);
	m->addr = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       t->d->device_fd, (off_t)ri->offset);
	return !check(t, m->addr != MAP_FAILED,
		      "mmap of BAR%d (0x%zx bytes at fd offset 0x%llx): %s",
		      bar, m->len, (unsigned long long)ri->offset,
		      strerror(errno));
}

static void unmap_bar(struct test_ctx *t, int bar, struct map *m)
{
	check(t, munmap(m->addr, m->len) == 0, "munmap of BAR%d: %s", bar,
	      strerror(errno));
}

/*
 * The dword at @off of BAR @bar reads the same through the mapping at @p
 * and through the fd, and the mapping does not fault.
 */
static void check_same(struct test_ctx *t, int bar, const __u8 *p,
		       __u64 off)
{
	__u32 mapped, direct;
	int ret;

	if (check(t, vfio_load32(p, &mapped),
		  "reading BAR%d+0x%llx through the mapping raised SIGBUS",
		  bar, (unsigned long long)off))
		return;
	ret = vfio_bar_read32(t->d, bar, off, &direct);
	if (check_ok(t, ret, "reading BAR%d+0x%llx through the fd", bar,
		     (unsigned long long)off))
		return;
	check(t, mapped == direct,
	      "BAR%d+0x%llx: the mapping reads 0x%08x, the fd 0x%08x", bar,
	      (unsigned long long)off, mapped, direct);
}

/* The dword at @off, unless it is in the MSI-X table the fd hides. */
static void check_dword(struct test_ctx *t, int bar, const __u8 *base,
			__u64 off, const struct msix_loc *mx)
{
	if (in_msix(mx, bar, off)) {
		ktap_diag("%s: BAR%d+0x%llx, in the MSI-X table, hidden from the fd",
			  t->name, bar, (unsigned long long)off);
		return;
	}
	check_same(t, bar, base + off, off);
}

/*
 * Map BAR @bar whole: its first and last dwords read as through the fd.
 * Then its last page alone, at its own offset.
 */
static void check_bar_mapping(struct test_ctx *t, int bar,
			      const struct vfio_region_info *ri,
			      const struct msix_loc *mx)
{
	__u64 last = ri->size - 4, page_off;
	struct map m;
	__u8 *p;

	if (!map_bar(t, bar, ri, &m))
		return;
	check_dword(t, bar, m.addr, 0, mx);
	check_dword(t, bar, m.addr, last, mx);
	unmap_bar(t, bar, &m);

	if (ri->size <= page_size)
		return;
	page_off = last & ~(__u64)(page_size - 1);
	p = vfio_region_mmap(t->d, BAR_REGION(bar), page_size, page_off,
			     PROT_READ, MAP_SHARED);
	if (check(t, p != MAP_FAILED,
		  "mmap of the page at 0x%llx of BAR%d: %s",
		  (unsigned long long)page_off, bar, strerror(errno)))
		return;
	check_dword(t, bar, p - page_off, last, mx);
	check(t, munmap(p, page_size) == 0, "munmap: %s", strerror(errno));
}

/* Does the BAR region @ri offer mmap? */
static bool mappable(const struct vfio_region_info *ri)
{
	return ri->size && (ri->flags & VFIO_REGION_INFO_FLAG_MMAP);
}

/* the tests */

/*
 * Memory BARs offer mmap (when smaller than a page, if they start a page
 * of their own); I/O and empty BARs, the ROM and config space do not.
 */
static void test_mmap_flags(struct test_ctx *t)
{
	static const __u32 others[] = { ROM_REGION, CFG_REGION };
	__u64 start, end, flags, size;
	struct vfio_region_info ri;
	bool want;
	size_t i;
	int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (check_ok(t, sysfs_resource(t->bdf, bar, &start, &end,
					       &flags),
			     "sysfs resource line %d", bar) ||
		    !region(t, BAR_REGION(bar), &ri))
			continue;
		size = start || end ? end - start + 1 : 0;
		want = size && (flags & SYSFS_RES_MEM) &&
		       (size >= page_size || !(start & (page_size - 1)));
		check(t, !!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP) == want,
		      "BAR%d (size 0x%llx, start 0x%llx, resource flags 0x%llx): flags 0x%x, MMAP expected %s",
		      bar, (unsigned long long)size,
		      (unsigned long long)start, (unsigned long long)flags,
		      ri.flags, want ? "set" : "clear");
	}
	for (i = 0; i < ARRAY_SIZE(others); i++)
		if (region(t, others[i], &ri))
			check(t, !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP),
			      "region %u offers mmap (flags 0x%x)", others[i],
			      ri.flags);
}

typedef void (*bar_check_fn)(struct test_ctx *t, int bar,
			     const struct vfio_region_info *ri,
			     const struct msix_loc *mx);

/* Run @fn on each BAR that offers mmap; skip the test if none does. */
static void each_mappable_bar(struct test_ctx *t, bar_check_fn fn)
{
	struct vfio_region_info ri;
	struct msix_loc mx;
	int bar, mapped = 0;

	if (!find_msix(t, &mx))
		return;
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!region(t, BAR_REGION(bar), &ri) || !mappable(&ri))
			continue;
		fn(t, bar, &ri, &mx);
		mapped++;
	}
	if (!mapped)
		t->skip = "no BAR offers mmap";
}

static void test_mmap_read(struct test_ctx *t)
{
	each_mappable_bar(t, check_bar_mapping);
}

/* Every region without the MMAP flag refuses mmap, with EINVAL. */
static void test_mmap_refused(struct test_ctx *t)
{
	struct vfio_region_info ri;
	__u32 index;
	void *p;

	for (index = 0; index <= VGA_REGION; index++) {
		/* the VGA region exists only for VGA devices */
		if (vfio_region_info(t->d, index, &ri) ||
		    (ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
			continue;
		p = mmap(NULL, page_size, PROT_READ, MAP_SHARED,
			 t->d->device_fd, (off_t)ri.offset);
		check_errno(t, p == MAP_FAILED ? -1 : 0, errno, EINVAL,
			    "mmap of region %u (size 0x%llx, flags 0x%x)",
			    index, (unsigned long long)ri.size, ri.flags);
		if (p != MAP_FAILED)
			munmap(p, page_size);
	}
}

/* mmap of @len bytes at @off of BAR @bar with @flags fails with EINVAL. */
static void check_map_einval(struct test_ctx *t, int bar,
			     const struct vfio_region_info *ri, size_t len,
			     __u64 off, int flags, const char *why)
{
	void *p;

	p = mmap(NULL, len, PROT_READ, flags, t->d->device_fd,
		 (off_t)(ri->offset + off));
	check_errno(t, p == MAP_FAILED ? -1 : 0, errno, EINVAL,
		    "mmap of 0x%zx bytes at 0x%llx of BAR%d (size 0x%llx, %s)",
		    len, (unsigned long long)off, bar,
		    (unsigned long long)ri->size, why);
	if (p != MAP_FAILED)
		munmap(p, len);
}

/* Past the end, or at an offset that is not page aligned: EINVAL. */
static void check_bad_ranges(struct test_ctx *t, int bar,
			     const struct vfio_region_info *ri,
			     const struct msix_loc *mx)
{
	size_t len = page_round(ri->size);

	(void)mx;
	check_map_einval(t, bar, ri, len + page_size, 0, MAP_SHARED,
			 "one page too long");
	check_map_einval(t, bar, ri, page_size, len, MAP_SHARED,
			 "the page after its end");
	check_map_einval(t, bar, ri, page_size, 1, MAP_SHARED,
			 "offset not page aligned");
}

/* A private mapping of device memory makes no sense: EINVAL. */
static void check_private(struct test_ctx *t, int bar,
			  const struct vfio_region_info *ri,
			  const struct msix_loc *mx)
{
	(void)mx;
	check_map_einval(t, bar, ri, page_size, 0, MAP_PRIVATE,
			 "MAP_PRIVATE");
}

static void test_mmap_bad_range(struct test_ctx *t)
{
	each_mappable_bar(t, check_bad_ranges);
}

static void test_mmap_private(struct test_ctx *t)
{
	each_mappable_bar(t, check_private);
}

/*
 * The capability chain of BAR @bar: the MSI-X table's BAR carries
 * MSIX_MAPPABLE (found the way userspace finds it, the bare struct
 * first), no BAR carries sparse mmap areas: the whole BAR maps.
 */
static void check_bar_caps(struct test_ctx *t, int bar, bool table)
{
	const struct vfio_info_cap_header *hdr;
	struct vfio_region_info first, *info;
	int ret;

	ret = vfio_region_info_caps(t->d, BAR_REGION(bar), &first, &info);
	if (check_ok(t, ret, "BAR%d region info with its capabilities", bar))
		return;
	ret = vfio_region_cap_find(info, VFIO_REGION_INFO_CAP_SPARSE_MMAP,
				   &hdr);
	check(t, ret == -ENOENT,
	      "BAR%d: looking for a sparse mmap capability gives %d (%s), expected none",
	      bar, ret, err_str(ret));
	ret = vfio_region_cap_find(info, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
				   &hdr);
	if (!table) {
		check(t, ret == -ENOENT,
		      "BAR%d without the MSI-X table: looking for MSIX_MAPPABLE gives %d (%s), expected none",
		      bar, ret, err_str(ret));
		goto out;
	}
	check(t, first.flags & VFIO_REGION_INFO_FLAG_CAPS,
	      "BAR%d holds the MSI-X table, flags 0x%x lack CAPS", bar,
	      first.flags);
	check(t, first.argsz > sizeof(first) && !first.cap_offset,
	      "BAR%d: asked with argsz %zu, the driver answers argsz %u and cap_offset %u, expected a larger argsz and cap_offset 0",
	      bar, sizeof(first), first.argsz, first.cap_offset);
	check(t, first.flags & VFIO_REGION_INFO_FLAG_MMAP,
	      "BAR%d holds the MSI-X table, flags 0x%x lack MMAP", bar,
	      first.flags);
	if (!check(t, ret == 0,
		   "BAR%d holds the MSI-X table: looking for MSIX_MAPPABLE gives %d (%s)",
		   bar, ret, err_str(ret)))
		check(t, hdr->version == 1,
		      "BAR%d: MSIX_MAPPABLE version %u, expected 1", bar,
		      hdr->version);
out:
	free(info);
}

static void test_msix_mappable(struct test_ctx *t)
{
	struct vfio_region_info ri;
	struct msix_loc mx;
	int bar;

	if (!find_msix(t, &mx))
		return;
	if (mx.bar < 0) {
		t->skip = "no MSI-X capability";
		return;
	}
	ktap_diag("%s: MSI-X table in BAR%d at 0x%llx..0x%llx", t->name,
		  mx.bar, (unsigned long long)mx.start,
		  (unsigned long long)mx.end);
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++)
		if (region(t, BAR_REGION(bar), &ri) && ri.size)
			check_bar_caps(t, bar, bar == mx.bar);
}

/*
 * The MSI-X table is hidden from the fd: a read of it returns all ones, a
 * write is taken and dropped. The device's own table is seen through a
 * mapping of its BAR (the MSI-X mappable capability): a write through the
 * fd to the last entry's message data leaves it as it was. A read across
 * the table's end is ones up to it, the device after it.
 */
static void test_msix_hidden(struct test_ctx *t)
{
	struct vfio_region_info ri;
	struct msix_loc mx;
	__u64 data, n, i;
	__u32 hw, got, v;
	__u8 buf[8];
	struct map m;
	ssize_t r;
	__u8 *tab;

	if (!find_msix(t, &mx))
		return;
	if (mx.bar < 0) {
		t->skip = "no MSI-X capability";
		return;
	}
	if (!region(t, BAR_REGION(mx.bar), &ri))
		return;
	if (!mappable(&ri)) {
		t->skip = "the MSI-X table's BAR offers no mmap: no view of the device's table";
		return;
	}
	n = mx.end - mx.start;
	tab = malloc(n);
	if (check(t, tab, "no memory for the MSI-X table"))
		return;
	memset(tab, 0, n);
	r = vfio_region_pread(t->d, BAR_REGION(mx.bar), tab, n, mx.start);
	for (i = 0; r == (ssize_t)n && i < n && tab[i] == 0xff; i++)
		;
	check(t, r == (ssize_t)n && i == n,
	      "reading the MSI-X table (0x%llx bytes) through the fd: %zd (%s), byte 0x%llx is 0x%02x, expected all ones",
	      (unsigned long long)n, r, err_str(r), (unsigned long long)i,
	      i < n ? tab[i] : 0);
	free(tab);

	if (!map_bar(t, mx.bar, &ri, &m))
		return;
	data = mx.end - PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_DATA;
	if (check(t, vfio_load32(m.addr + data, &hw),
		  "reading the MSI-X table through the mapping raised SIGBUS"))
		goto out;
	v = hw ^ 0x5a5a;
	r = vfio_region_pwrite(t->d, BAR_REGION(mx.bar), &v, 4, data);
	check(t, r == 4, "writing the MSI-X table through the fd: %zd (%s), expected 4",
	      r, err_str(r));
	got = hw;
	check(t, vfio_load32(m.addr + data, &got) && got == hw,
	      "BAR%d+0x%llx, the last MSI-X entry's data, was 0x%08x, is 0x%08x after an fd write of 0x%08x (or SIGBUS)",
	      mx.bar, (unsigned long long)data, hw, got, v);
	if (got != hw)
		vfio_store32(m.addr + data, hw);

	if (mx.end + 4 <= ri.size &&
	    !check(t, vfio_load32(m.addr + mx.end, &hw),
		   "reading past the MSI-X table through the mapping raised SIGBUS")) {
		r = vfio_region_pread(t->d, BAR_REGION(mx.bar), buf, 8,
				      mx.end - 4);
		check(t, r == 8 && get_le(buf, 4) == ~0u &&
		      get_le(buf + 4, 4) == hw,
		      "8 bytes across the MSI-X table's end: %zd (%s), 0x%08x 0x%08x, expected 0xffffffff 0x%08x",
		      r, err_str(r), get_le(buf, 4), get_le(buf + 4, 4), hw);
	}
out:
	unmap_bar(t, mx.bar, &m);
}

/*
 * Choose the dword to work on: the device's scratch dword, else the
 * first dword of the first mappable BAR outside the MSI-X table. With a
 * scratch dword, write a known value to it through the fd.
 */
static bool pick_spot(struct test_ctx *t, struct spot *s)
{
	struct msix_loc mx;
	int ret;

	memset(s, 0, sizeof(*s));
	s->scratch = scratch;
	if (scratch) {
		s->bar = scratch->bar;
		s->off = scratch->off;
		if (!region(t, BAR_REGION(s->bar), &s->ri))
			return false;
		if (check(t, mappable(&s->ri),
			  "BAR%d, which holds the %s, does not offer mmap (flags 0x%x)",
			  s->bar, scratch->what, s->ri.flags))
			return false;
		ret = vfio_bar_write32(t->d, s->bar, s->off, SCRATCH_A);
		s->expect = scratch->inverts ? ~SCRATCH_A : SCRATCH_A;
		return !check_ok(t, ret, "writing 0x%08x to the %s",
				 SCRATCH_A, scratch->what);
	}
	if (!find_msix(t, &mx))
		return false;
	for (s->bar = 0; s->bar < PCI_STD_NUM_BARS; s->bar++) {
		if (!region(t, BAR_REGION(s->bar), &s->ri))
			return false;
		s->off = in_msix(&mx, s->bar, 0) ? mx.end : 0;
		if (mappable(&s->ri) && s->off + 4 <= s->ri.size)
			break;
	}
	if (s->bar == PCI_STD_NUM_BARS) {
		t->skip = "no BAR offers mmap";
		return false;
	}
	ret = vfio_bar_read32(t->d, s->bar, s->off, &s->expect);
	return !check_ok(t, ret, "reading BAR%d+0x%llx", s->bar,
			 (unsigned long long)s->off);
}

/* The spot reads what it should through the mapping and the fd. */
static void check_spot(struct test_ctx *t, const struct spot *s,
		       const struct map *m, const char *when)
{
	__u32 v;
	int ret;

	if (!check(t, vfio_load32(m->addr + s->off, &v),
		   "BAR%d+0x%llx %s: the mapping raised SIGBUS", s->bar,
		   (unsigned long long)s->off, when))
		check(t, v == s->expect,
		      "BAR%d+0x%llx %s: the mapping reads 0x%08x, expected 0x%08x",
		      s->bar, (unsigned long long)s->off, when, v, s->expect);
	ret = vfio_bar_read32(t->d, s->bar, s->off, &v);
	if (!check_ok(t, ret, "reading BAR%d+0x%llx through the fd %s",
		      s->bar, (unsigned long long)s->off, when))
		check(t, v == s->expect,
		      "BAR%d+0x%llx %s: the fd reads 0x%08x, expected 0x%08x",
		      s->bar, (unsigned long long)s->off, when, v, s->expect);
}

/* With memory disabled: faults through the mapping, EIO through the fd. */
static void check_disabled(struct test_ctx *t, const struct spot *s,
			   const struct map *m)
{
	__u32 v = 0, w = s->scratch ? SCRATCH_B : s->expect;
	__u8 *p = m->addr + s->off;
	int ret;

	check(t, !vfio_load32(p, &v),
	      "reading BAR%d+0x%llx through the mapping with memory disabled did not raise SIGBUS (read 0x%08x)",
	      s->bar, (unsigned long long)s->off, v);
	if (s->scratch)
		check(t, !vfio_store32(p, SCRATCH_B),
		      "writing BAR%d+0x%llx through the mapping with memory disabled did not raise SIGBUS",
		      s->bar, (unsigned long long)s->off);
	ret = vfio_bar_read32(t->d, s->bar, s->off, &v);
	check(t, ret == -EIO,
	      "reading BAR%d+0x%llx through the fd with memory disabled: %d (%s), expected EIO",
	      s->bar, (unsigned long long)s->off, ret, err_str(ret));
	ret = vfio_bar_write32(t->d, s->bar, s->off, w);
	check(t, ret == -EIO,
	      "writing 0x%08x to BAR%d+0x%llx through the fd with memory disabled: %d (%s), expected EIO",
	      w, s->bar, (unsigned long long)s->off, ret, err_str(ret));
}

/*
 * A VF has no memory enable of its own (the PF's SR-IOV control holds
 * it): the kernel's vfio-pci keeps its BARs reachable whatever the
 * command register says.
 */
static void check_vf_unaffected(struct test_ctx *t, const struct spot *s,
				const struct map *m)
{
	ktap_diag("%s: a VF: memory enable is the PF's, access must go on",
		  t->name);
	check_spot(t, s, m, "on a VF with memory disabled");
}

static void test_memory_disable(struct test_ctx *t)
{
	struct spot s;
	struct map m;
	__u32 cmd;

	if (!cmd_read(t, &cmd) ||
	    !cmd_write(t, cmd | PCI_COMMAND_MEMORY))
		return;
	if (!pick_spot(t, &s) || !map_bar(t, s.bar, &s.ri, &m))
		goto restore;
	check_spot(t, &s, &m, "before disabling memory");
	if (cmd_write(t, cmd & ~PCI_COMMAND_MEMORY)) {
		if (is_vf)
			check_vf_unaffected(t, &s, &m);
		else
			check_disabled(t, &s, &m);
	}
	if (cmd_write(t, cmd | PCI_COMMAND_MEMORY))
		check_spot(t, &s, &m, "after re-enabling memory");
	unmap_bar(t, s.bar, &m);
restore:
	cmd_write(t, cmd);
}

/* Power states as the PM control register's field holds them. */
#define PM_D0			0
#define PM_D3HOT		3

/* Move the function to power state @state (PM_D0 .. PM_D3HOT). */
static bool pm_set_state(struct test_ctx *t, int pm, __u32 state)
{
	__u32 pmcsr;
	int ret;

	ret = vfio_cfg_read(t->d, pm + PCI_PM_CTRL, 2, &pmcsr);
	if (check_ok(t, ret, "reading the PM control register"))
		return false;
	pmcsr = (pmcsr & ~PCI_PM_CTRL_STATE_MASK & ~PCI_PM_CTRL_PME_STATUS) |
		state;
	ret = vfio_cfg_write(t->d, pm + PCI_PM_CTRL, 2, pmcsr);
	if (check_ok(t, ret, "writing D%u to the PM control register", state))
		return false;
	ret = vfio_cfg_read(t->d, pm + PCI_PM_CTRL, 2, &pmcsr);
	return !check_ok(t, ret, "reading the PM control register") &&
	       !check(t, (pmcsr & PCI_PM_CTRL_STATE_MASK) == state,
		      "power state reads D%u after asking D%u",
		      pmcsr & PCI_PM_CTRL_STATE_MASK, state);
}

/*
 * D3hot turns memory decode off like clearing memory enable: SIGBUS and
 * EIO until the function is back in D0, with its state (BARs, command
 * register) as it was, so the same dword reads the same again.
 */
static void test_power_d3(struct test_ctx *t)
{
	struct spot s;
	struct map m;
	int pm;

	pm = vfio_cfg_find_cap(t->d, PCI_CAP_ID_PM);
	if (pm <= 0) {
		t->skip = "no PM capability";
		return;
	}
	if (!pick_spot(t, &s) || !map_bar(t, s.bar, &s.ri, &m))
		return;
	check_spot(t, &s, &m, "in D0");
	if (pm_set_state(t, pm, PM_D3HOT))
		check_disabled(t, &s, &m);
	if (pm_set_state(t, pm, PM_D0))
		check_spot(t, &s, &m, "back in D0");
	unmap_bar(t, s.bar, &m);
}

/* In a forked child: read (and write the scratch) through @p. */
static int child_access(__u8 *p, __u32 expect, bool write)
{
	__u32 v;

	if (!vfio_load32(p, &v))
		return CHILD_READ_FAULT;
	if (v != expect)
		return CHILD_MISMATCH;
	if (write && !vfio_store32(p, SCRATCH_B))
		return CHILD_WRITE_FAULT;
	return CHILD_OK;
}

static void check_child(struct test_ctx *t, pid_t pid)
{
	static const char * const what[] = {
		[CHILD_READ_FAULT] = "its read raised SIGBUS",
		[CHILD_MISMATCH] = "it read another value than the parent",
		[CHILD_WRITE_FAULT] = "its write raised SIGBUS",
	};
	int status, code;

	if (check(t, waitpid(pid, &status, 0) == pid, "waitpid: %s",
		  strerror(errno)))
		return;
	if (check(t, WIFEXITED(status),
		  "the child did not exit normally (status 0x%x%s)", status,
		  WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS ?
		  ", killed by SIGBUS" : ""))
		return;
	code = WEXITSTATUS(status);
	check(t, code == CHILD_OK,
	      "the child reading its inherited mapping failed: %s",
	      code > 0 && (size_t)code < ARRAY_SIZE(what) ? what[code] :
	      "unknown status");
}

/*
 * A forked child inherits the mapping and reads the parent's value
 * through it; a write it makes to the scratch dword is the parent's too.
 */
static void test_fork(struct test_ctx *t)
{
	struct spot s;
	struct map m;
	pid_t pid;

	if (!pick_spot(t, &s) || !map_bar(t, s.bar, &s.ri, &m))
		return;
	check_spot(t, &s, &m, "before fork");
	pid = fork();
	if (pid == 0)
		_exit(child_access(m.addr + s.off, s.expect, !!s.scratch));
	if (!check(t, pid > 0, "fork: %s", strerror(errno))) {
		check_child(t, pid);
		if (s.scratch)
			s.expect = s.scratch->inverts ? ~SCRATCH_B : SCRATCH_B;
		check_spot(t, &s, &m, "after the child exited");
	}
	unmap_bar(t, s.bar, &m);
}

/* the stress test: mapping threads against memory enable toggling */

struct stress {
	struct vfio_dev *d;
	const struct spot *s;
	struct timespec end;
};

struct worker {
	const struct stress *st;
	pthread_t tid;
	unsigned long loops, faults, eio, map_errors, bad;
	__u32 bad_value;
	int err;
};

struct toggler {
	const struct stress *st;
	pthread_t tid;
	__u32 cmd;
	unsigned long toggles, errors;
	int err;
};

static bool time_left(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < end->tv_sec ||
	       (now.tv_sec == end->tv_sec && now.tv_nsec < end->tv_nsec);
}

static void deadline(struct timespec *ts, clockid_t clock, long ms)
{
	clock_gettime(clock, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* A read gave @v: it must be the spot's value. */
static void worker_value(struct worker *w, __u32 v)
{
	if (v == w->st->s->expect)
		return;
	w->bad++;
	w->bad_value = v;
}

static void worker_error(struct worker *w, int err)
{
	w->map_errors++;
	w->err = err;
}

/* One round: map, read through the mapping and the fd, unmap. */
static void worker_round(struct worker *w)
{
	const struct spot *s = w->st->s;
	size_t len = page_round(s->ri.size);
	__u8 *p;
	__u32 v;
	int ret;

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, w->st->d->device_fd,
		 (off_t)s->ri.offset);
	if (p == MAP_FAILED) {
		worker_error(w, errno);
		return;
	}
	if (vfio_load32(p + s->off, &v))
		worker_value(w, v);
	else
		w->faults++;
	ret = vfio_bar_read32(w->st->d, s->bar, s->off, &v);
	if (!ret)
		worker_value(w, v);
	else if (ret == -EIO)
		w->eio++;
	else
		worker_error(w, -ret);
	if (munmap(p, len))
		worker_error(w, errno);
	w->loops++;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	while (time_left(&w->st->end))
		worker_round(w);
	return NULL;
}

static void toggle_write(struct toggler *tg, __u32 cmd)
{
	int ret = vfio_cfg_write(tg->st->d, PCI_COMMAND, 2, cmd);

	if (ret) {
		tg->errors++;
		tg->err = -ret;
	}
}

static void *toggler_main(void *arg)
{
	struct toggler *tg = arg;

	while (time_left(&tg->st->end)) {
		toggle_write(tg, tg->cmd & ~PCI_COMMAND_MEMORY);
		usleep(STRESS_OFF_US);
		toggle_write(tg, tg->cmd | PCI_COMMAND_MEMORY);
		usleep(STRESS_ON_US);
		tg->toggles++;
	}
	return NULL;
}

/* Join @tid by @limit (CLOCK_REALTIME); false if it still runs: a hang. */
static bool join_by(struct test_ctx *t, pthread_t tid,
		    const struct timespec *limit, const char *who)
{
	int ret = pthread_timedjoin_np(tid, NULL, limit);

	return !check(t, ret == 0,
		      "%s still running %d s after the end of the test: hung (%s)",
		      who, STRESS_GRACE_S, strerror(ret));
}

static void check_worker(struct test_ctx *t, const struct worker *w, int i)
{
	ktap_diag("%s: thread %d: %lu rounds, %lu SIGBUS, %lu EIO", t->name,
		  i, w->loops, w->faults, w->eio);
	check(t, w->loops > 0, "thread %d never completed a round", i);
	check(t, !w->map_errors,
	      "thread %d: %lu mmap, munmap or read errors, the last %s", i,
	      w->map_errors, strerror(w->err));
	check(t, !w->bad,
	      "thread %d: %lu reads of another value than 0x%08x, the last 0x%08x",
	      i, w->bad, w->st->s->expect, w->bad_value);
}

static void run_stress(struct test_ctx *t, struct stress *st, __u32 cmd)
{
	struct worker w[STRESS_THREADS];
	struct toggler tg = { .st = st, .cmd = cmd };
	bool started[STRESS_THREADS] = { false }, tg_started;
	struct timespec limit;
	int i;

	memset(w, 0, sizeof(w));
	deadline(&st->end, CLOCK_MONOTONIC, STRESS_MS);
	for (i = 0; i < STRESS_THREADS; i++) {
		w[i].st = st;
		started[i] = !check(t, !pthread_create(&w[i].tid, NULL,
						       worker_main, &w[i]),
				    "starting thread %d", i);
	}
	tg_started = !check(t, !pthread_create(&tg.tid, NULL, toggler_main,
					       &tg),
			    "starting the toggling thread");

	deadline(&limit, CLOCK_REALTIME, STRESS_MS + STRESS_GRACE_S * 1000);
	for (i = 0; i < STRESS_THREADS; i++)
		if (started[i] && join_by(t, w[i].tid, &limit, "a thread"))
			check_worker(t, &w[i], i);
	if (tg_started && join_by(t, tg.tid, &limit, "the toggling thread")) {
		ktap_diag("%s: %lu memory disable/enable cycles", t->name,
			  tg.toggles);
		check(t, tg.toggles > 0 && !tg.errors,
		      "toggling: %lu cycles, %lu command writes failed (the last: %s)",
		      tg.toggles, tg.errors, strerror(tg.err));
	}
}

static void test_stress(struct test_ctx *t)
{
	struct stress st = { .d = t->d };
	struct spot s;
	struct map m;
	__u32 cmd;

	if (!cmd_read(t, &cmd) || !cmd_write(t, cmd | PCI_COMMAND_MEMORY))
		return;
	if (!pick_spot(t, &s))
		goto restore;
	st.s = &s;
	run_stress(t, &st, cmd);
	if (cmd_write(t, cmd | PCI_COMMAND_MEMORY) &&
	    map_bar(t, s.bar, &s.ri, &m)) {
		check_spot(t, &s, &m, "after the stress");
		unmap_bar(t, s.bar, &m);
	}
restore:
	cmd_write(t, cmd);
}

/* the ROM */

/* The host's copy of the ROM through sysfs; the byte count or -errno. */
static ssize_t host_rom(struct test_ctx *t, __u8 **buf)
{
	off_t size;
	ssize_t n;
	int ret;

	*buf = NULL;
	ret = sysfs_file_size(t->bdf, "rom", &size);
	if (check_ok(t, ret, "stat of sysfs rom") ||
	    check(t, size > 0, "sysfs rom has size 0"))
		return -EINVAL;
	*buf = malloc(size);
	if (check(t, *buf, "no memory for 0x%llx bytes",
		  (unsigned long long)size))
		return -ENOMEM;
	/* "0\n" turns reading off again; anything else turns it on */
	ret = sysfs_write(t->bdf, "rom", "1\n");
	if (check_ok(t, ret, "enabling sysfs rom"))
		return ret;
	n = sysfs_read(t->bdf, "rom", *buf, size, 0);
	ret = sysfs_write(t->bdf, "rom", "0\n");
	check_ok(t, ret, "disabling sysfs rom");
	return n;
}

/* The ROM read whole through the fd is the host's image, then ones. */
static void compare_rom(struct test_ctx *t, const __u8 *rom, size_t size,
			const __u8 *host, size_t n)
{
	size_t i, diff = 0, first = 0;

	for (i = 0; i < n; i++)
		if (rom[i] != host[i] && !diff++)
			first = i;
	check(t, !diff,
	      "%zu of the 0x%zx bytes of the host's ROM image differ, the first at 0x%zx: 0x%02x, host 0x%02x",
	      diff, n, first, rom[first], host[first]);
	for (i = n, diff = 0; i < size; i++)
		if (rom[i] != 0xff && !diff++)
			first = i;
	check(t, !diff,
	      "%zu bytes past the image (0x%zx..0x%zx) are not 0xff, the first at 0x%zx: 0x%02x",
	      diff, n, size, first, rom[first]);
}

/*
 * Read the ROM whole through the fd. The kernel's vfio-pci returns it in
 * one read; should a read come back short, go on reading as QEMU does so
 * that the content is still compared. The byte count, or -1 on a failure.
 */
static ssize_t read_rom(struct test_ctx *t, __u8 *rom, size_t size)
{
	size_t done = 0;
	ssize_t n;

	n = vfio_region_pread(t->d, ROM_REGION, rom, size, 0);
	check(t, n == (ssize_t)size,
	      "one read of the whole ROM (0x%zx bytes) returned %zd (%s)",
	      size, n, err_str(n));
	while (n > 0) {
		done += n;
		if (done >= size)
			break;
		n = vfio_region_pread(t->d, ROM_REGION, rom + done,
				      size - done, done);
	}
	if (check(t, done == size,
		  "reading the ROM stopped at 0x%zx of 0x%zx bytes: %zd (%s)",
		  done, size, n, err_str(n)))
		return -1;
	return (ssize_t)done;
}

/*
 * The ROM region at its very end, against @rom, the region read whole: its
 * last dword reads alone; a read across the end comes back short, with
 * the bytes up to it; a read at the region's size is EINVAL.
 */
static void rom_end(struct test_ctx *t, const __u8 *rom, size_t size)
{
	__u8 b[8];
	ssize_t n;

	memset(b, 0, sizeof(b));
	n = vfio_region_pread(t->d, ROM_REGION, b, 4, size - 4);
	check(t, n == 4 && !memcmp(b, rom + size - 4, 4),
	      "reading the ROM's last dword: %zd (%s), 0x%08x, expected 0x%08x",
	      n, err_str(n), get_le(b, 4), get_le(rom + size - 4, 4));
	memset(b, 0, sizeof(b));
	n = vfio_region_pread(t->d, ROM_REGION, b, 8, size - 4);
	check(t, n == 4 && !memcmp(b, rom + size - 4, 4),
	      "reading 8 bytes across the ROM's end: %zd (%s), expected the 4 before it",
	      n, err_str(n));
	n = vfio_region_pread(t->d, ROM_REGION, b, 1, size);
	check(t, n == -EINVAL,
	      "reading a byte at the ROM region's size: %zd (%s), expected %d",
	      n, err_str(n), -EINVAL);
}

static void test_rom(struct test_ctx *t)
{
	struct vfio_region_info ri;
	__u8 *rom = NULL, *host = NULL, b[4] = { 0 };
	ssize_t n, hn;

	if (!region(t, ROM_REGION, &ri))
		return;
	if (!ri.size) {
		t->skip = "the ROM region has size 0: no ROM";
		return;
	}
	ktap_diag("%s: ROM region 0x%llx bytes, flags 0x%x", t->name,
		  (unsigned long long)ri.size, ri.flags);
	check(t, ri.flags == VFIO_REGION_INFO_FLAG_READ,
	      "ROM flags 0x%x, expected READ (0x%x) alone", ri.flags,
	      VFIO_REGION_INFO_FLAG_READ);
	n = pwrite(t->d->device_fd, b, sizeof(b), (off_t)ri.offset);
	check_errno(t, n, errno, EINVAL, "writing 4 bytes to the ROM");

	rom = malloc(ri.size);
	if (check(t, rom, "no memory for the ROM"))
		return;
	n = read_rom(t, rom, ri.size);
	if (n < 0)
		goto out;
	check(t, get_le(rom, 2) == ROM_SIGNATURE,
	      "ROM starts with 0x%04x, expected the signature 0x%04x",
	      get_le(rom, 2), ROM_SIGNATURE);
	if (n >= 8)
		rom_end(t, rom, n);
	hn = host_rom(t, &host);
	if (!check(t, hn > 0 && hn <= n,
		   "sysfs rom read returned %zd (%s), expected 1..0x%zx bytes",
		   hn, err_str(hn), n)) {
		ktap_diag("%s: the host's ROM image is 0x%zx bytes", t->name,
			  hn);
		compare_rom(t, rom, n, host, hn);
	}
out:
	free(host);
	free(rom);
}

/* the VGA region */

static const char *vga_absent(int ret)
{
	if ((class_code >> 8) != PCI_CLASS_VGA)
		return "not a VGA device: no VGA region";
	if (ret)
		return "VGA device without a VGA region (the kernel lacks CONFIG_VFIO_PCI_VGA?)";
	return "the VGA region has size 0";
}

static void test_vga(struct test_ctx *t)
{
	const __u32 rw = VFIO_REGION_INFO_FLAG_READ |
			 VFIO_REGION_INFO_FLAG_WRITE;
	struct vfio_region_info ri;
	__u8 b[4];
	ssize_t n;
	__u64 off;
	int ret;

	ret = vfio_region_info(t->d, VGA_REGION, &ri);
	if (ret == -EINVAL || (!ret && !ri.size)) {
		t->skip = vga_absent(ret);
		return;
	}
	if (check_ok(t, ret, "VFIO_DEVICE_GET_REGION_INFO(VGA)"))
		return;
	ktap_diag("%s: VGA region 0x%llx bytes, flags 0x%x", t->name,
		  (unsigned long long)ri.size, ri.flags);
	check(t, ri.size == VGA_REGION_SIZE && (ri.flags & rw) == rw,
	      "VGA region size 0x%llx, flags 0x%x, expected 0x%x and READ|WRITE",
	      (unsigned long long)ri.size, ri.flags, VGA_REGION_SIZE);
	for (off = VGA_PORTS_START; off < VGA_PORTS_END; off++) {
		n = vfio_region_pread(t->d, VGA_REGION, b, 1, off);
		check(t, n == 1, "reading VGA port 0x%llx returned %zd (%s)",
		      (unsigned long long)off, n, err_str(n));
	}
	n = vfio_region_pread(t->d, VGA_REGION, b, 4, VGA_MEM_START);
	check(t, n == 4, "reading 4 bytes at 0x%x returned %zd (%s)",
	      VGA_MEM_START, n, err_str(n));
	n = vfio_region_pread(t->d, VGA_REGION, b, 1, 0);
	check(t, n == -EINVAL,
	      "reading offset 0 of the VGA region (neither ports nor memory) returned %zd (%s), expected EINVAL",
	      n, err_str(n));
}

static const struct test tests[] = {
	{ "mmap_flags", test_mmap_flags },
	{ "mmap_read", test_mmap_read },
	{ "mmap_refused", test_mmap_refused },
	{ "mmap_bad_range", test_mmap_bad_range },
	{ "mmap_private", test_mmap_private },
	{ "msix_mappable", test_msix_mappable },
	{ "msix_hidden", test_msix_hidden },
	{ "memory_disable", test_memory_disable },
	{ "power_d3", test_power_d3 },
	{ "fork", test_fork },
	{ "stress", test_stress },
	{ "rom", test_rom },
	{ "vga", test_vga },
};

/* Identify the function, find its scratch dword, catch SIGBUS. */
static void probe(const char *bdf)
{
	size_t i;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	vfio_catch_sigbus();
	is_vf = sysfs_exists(bdf, "physfn");
	if (sysfs_read_ulong(bdf, "vendor", &vendor_id) ||
	    sysfs_read_ulong(bdf, "device", &device_id) ||
	    sysfs_read_ulong(bdf, "class", &class_code))
		ktap_diag("cannot read the ids of %s from sysfs", bdf);
	for (i = 0; i < ARRAY_SIZE(scratches); i++)
		if (scratches[i].vendor == vendor_id &&
		    scratches[i].device == device_id)
			scratch = &scratches[i];
	ktap_diag("device %s: %04lx:%04lx class %06lx%s, %s", bdf, vendor_id,
		  device_id, class_code, is_vf ? " (a VF)" : "",
		  scratch ? scratch->what : "no scratch dword known");
}

int main(int argc, char **argv)
{
	return vfio_test_main(argc, argv, tests, ARRAY_SIZE(tests), probe);
}
