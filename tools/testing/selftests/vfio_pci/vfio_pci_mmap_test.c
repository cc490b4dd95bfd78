// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_mmap_test: tests of the regions of a function bound to
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
#include "vfio_pci_mmap.h"
#include "vfio_fixture.h"

static const struct scratch scratches[] = {
	{ EDU_VENDOR, EDU_DEVICE, 0, EDU_REG_LIVENESS, true,
	  "edu liveness register" },
	{ IVSHMEM_VENDOR, IVSHMEM_DEVICE, IVSHMEM_BAR_SHM, 0x1000, false,
	  "ivshmem shared RAM" },
	{ VGA_VENDOR, VGA_DEVICE, 0, 0xf00000, false, "VGA framebuffer" },
};

const struct scratch *scratch;
bool is_vf;
unsigned long vendor_id, device_id, class_code;
size_t page_size;

size_t page_round(__u64 size)
{
	return (size_t)((size + page_size - 1) & ~(__u64)(page_size - 1));
}

const char *err_str(long ret)
{
	return ret < 0 ? strerror((int)-ret) : "no error";
}

/* helpers over the device */

bool region(struct test_ctx *t, __u32 index,
	    struct vfio_region_info *ri)
{
	int ret = vfio_region_info(t->d, index, ri);

	return !check_ok(t, ret, "VFIO_DEVICE_GET_REGION_INFO(%u)", index);
}

bool cmd_read(struct test_ctx *t, __u32 *cmd)
{
	int ret = vfio_cfg_read(t->d, PCI_COMMAND, 2, cmd);

	return !check_ok(t, ret, "reading the command register");
}

bool cmd_write(struct test_ctx *t, __u32 cmd)
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
bool map_bar(struct test_ctx *t, int bar,
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

void unmap_bar(struct test_ctx *t, int bar, struct map *m)
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
		vfio_diag("%s: BAR%d+0x%llx, in the MSI-X table, hidden from the fd",
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
	vfio_diag("%s: MSI-X table in BAR%d at 0x%llx..0x%llx", t->name,
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
bool pick_spot(struct test_ctx *t, struct spot *s)
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
void check_spot(struct test_ctx *t, const struct spot *s,
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
	vfio_diag("%s: a VF: memory enable is the PF's, access must go on",
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

TEST_F_TIMEOUT(vfio_dev, mmap_flags, VFIO_TEST_TIMEOUT)
{
	test_mmap_flags(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, mmap_read, VFIO_TEST_TIMEOUT)
{
	test_mmap_read(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, mmap_refused, VFIO_TEST_TIMEOUT)
{
	test_mmap_refused(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, mmap_bad_range, VFIO_TEST_TIMEOUT)
{
	test_mmap_bad_range(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, mmap_private, VFIO_TEST_TIMEOUT)
{
	test_mmap_private(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, msix_mappable, VFIO_TEST_TIMEOUT)
{
	test_msix_mappable(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, msix_hidden, VFIO_TEST_TIMEOUT)
{
	test_msix_hidden(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, memory_disable, VFIO_TEST_TIMEOUT)
{
	test_memory_disable(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, power_d3, VFIO_TEST_TIMEOUT)
{
	test_power_d3(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, fork, VFIO_TEST_TIMEOUT)
{
	test_fork(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, stress, VFIO_TEST_TIMEOUT)
{
	test_stress(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, rom, VFIO_TEST_TIMEOUT)
{
	test_rom(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, vga, VFIO_TEST_TIMEOUT)
{
	test_vga(&self->t);
}

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
		vfio_diag("cannot read the ids of %s from sysfs", bdf);
	for (i = 0; i < ARRAY_SIZE(scratches); i++)
		if (scratches[i].vendor == vendor_id &&
		    scratches[i].device == device_id)
			scratch = &scratches[i];
	vfio_diag("device %s: %04lx:%04lx class %06lx%s, %s", bdf, vendor_id,
		  device_id, class_code, is_vf ? " (a VF)" : "",
		  scratch ? scratch->what : "no scratch dword known");
}

int main(int argc, char **argv)
{
	const char *bdf = vfio_test_init(argc, argv);

	if (bdf)
		probe(bdf);
	return test_harness_run(argc, argv);
}
