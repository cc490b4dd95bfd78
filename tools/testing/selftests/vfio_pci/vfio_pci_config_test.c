// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_config_test: tests of the config space a vfio-pci
 * device shows userspace, checked against the host's view of the same
 * function (its sysfs "config" file, read in full as root). Works with any
 * function bound to vfio-pci: what a device lacks is skipped. The list runs
 * once with the device opened through a group and container, and once
 * through its cdev and iommufd.
 *
 * The driver may hide capabilities and virtualize registers; it must never
 * invent or move a capability, let a read-only header register change, or
 * let the MSI/MSI-X registers userspace programs reach the hardware.
 */
#include "vfio_pci_config.h"
#include "vfio_fixture.h"

/* A capability chain: offsets and ids in walk order. */
struct cap_list {
	unsigned int pos[MAX_CAPS];
	unsigned int id[MAX_CAPS];
	unsigned int n;
};

bool vread(struct test_ctx *t, unsigned int off, int size, __u32 *val)
{
	int ret = vfio_cfg_read(t->d, off, size, val);

	return !check_ok(t, ret, "%d-byte VFIO config read at 0x%03x", size,
			 off);
}

bool host_config(struct test_ctx *t, struct host_cfg *h)
{
	ssize_t n;

	memset(h->b, 0, sizeof(h->b));
	h->len = 0;
	n = sysfs_read(t->bdf, "config", h->b, sizeof(h->b), 0);
	if (check(t, n >= CFG_SIZE_STD,
		  "reading sysfs config of %s returned %zd (%s), expected at least %d bytes (not root?)",
		  t->bdf, n, n < 0 ? strerror((int)-n) : "short", CFG_SIZE_STD))
		return false;
	h->len = (size_t)n;
	return true;
}

__u32 host_get(const struct host_cfg *h, unsigned int off, int size)
{
	if (off + size > h->len)
		return 0;
	return get_le(h->b + off, size);
}

static int cap_find(const struct cap_list *l, unsigned int pos)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (l->pos[i] == pos)
			return (int)i;
	return -1;
}

static void cap_add(struct cap_list *l, unsigned int pos, unsigned int id)
{
	if (l->n < MAX_CAPS) {
		l->pos[l->n] = pos;
		l->id[l->n] = id;
		l->n++;
	}
}

/* Print a chain on one "# " line, as "ID@POS" pairs. */
static void cap_print(const char *what, const struct cap_list *l,
		      int idw, int posw)
{
	char line[1024];
	size_t len;
	unsigned int i;

	len = snprintf(line, sizeof(line), "%s:", what);
	for (i = 0; i < l->n && len < sizeof(line); i++)
		len += snprintf(line + len, sizeof(line) - len,
				" 0x%0*x@0x%0*x", idw, l->id[i], posw,
				l->pos[i]);
	if (!l->n && len < sizeof(line))
		snprintf(line + len, sizeof(line) - len, " none");
	vfio_diag("%s", line);
}

/* The standard capabilities the host's config space lists. */
static void host_std_caps(const struct host_cfg *h, struct cap_list *l)
{
	bool seen[CFG_SIZE_STD] = { false };
	unsigned int pos, steps = 0;

	l->n = 0;
	if (!(host_get(h, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return;
	pos = h->b[PCI_CAPABILITY_LIST] & ~3u;
	while (pos >= STD_CAP_FIRST && !seen[pos] && steps++ < STD_WALK_MAX) {
		seen[pos] = true;
		cap_add(l, pos, h->b[pos]);
		pos = h->b[pos + PCI_CAP_LIST_NEXT] & ~3u;
	}
}

/* The extended capabilities the host's config space lists. */
static void host_ext_caps(const struct host_cfg *h, struct cap_list *l)
{
	bool seen[CFG_SIZE_EXT / 4] = { false };
	unsigned int pos = PCI_CFG_SPACE_SIZE, steps = 0;
	__u32 hdr;

	l->n = 0;
	if (h->len < CFG_SIZE_EXT)
		return;
	while (pos >= PCI_CFG_SPACE_SIZE && pos < CFG_SIZE_EXT &&
	       !seen[pos / 4] && steps++ < EXT_WALK_MAX) {
		seen[pos / 4] = true;
		hdr = host_get(h, pos, 4);
		if (!hdr || hdr == 0xffffffff)
			break;
		if (PCI_EXT_CAP_ID(hdr))
			cap_add(l, pos, PCI_EXT_CAP_ID(hdr));
		pos = PCI_EXT_CAP_NEXT(hdr);
	}
}

/*
 * Offset of standard capability @id in the VFIO view, 0 if it has none,
 * -1 if a read failed (the test has been failed then).
 */
static int vfio_find_cap(struct test_ctx *t, unsigned int id)
{
	int pos = vfio_cfg_find_cap(t->d, id);

	if (check_ok(t, pos < 0 ? pos : 0,
		     "walking the VFIO std chain for capability 0x%02x", id))
		return -1;
	return pos;
}

bool is_vf(struct test_ctx *t)
{
	return sysfs_exists(t->bdf, "physfn");
}

/*
 * A VF's vendor and device ids read all ones in hardware: the PF's SR-IOV
 * capability holds them, sysfs shows them, and the VFIO view must too.
 * For those two registers of a VF, set *@host to the sysfs id. False if
 * it cannot be read (the test has been failed then).
 */
static bool vf_id(struct test_ctx *t, unsigned int off, __u32 *host)
{
	const char *file = off == PCI_VENDOR_ID ? "vendor" : "device";
	unsigned long id;

	if ((off != PCI_VENDOR_ID && off != PCI_DEVICE_ID) || !is_vf(t))
		return true;
	if (check_ok(t, sysfs_read_ulong(t->bdf, file, &id),
		     "reading sysfs %s of the VF", file))
		return false;
	*host = (__u32)id;
	return true;
}

static void test_header_ids(struct test_ctx *t)
{
	static const struct {
		const char *name;
		unsigned int off;
		int size;
		__u32 mask;
	} regs[] = {
		{ "vendor id", PCI_VENDOR_ID, 2, 0xffff },
		{ "device id", PCI_DEVICE_ID, 2, 0xffff },
		{ "revision", PCI_REVISION_ID, 1, 0xff },
		{ "class", PCI_CLASS_REVISION, 4, 0xffffff00 },
		{ "subsystem vendor id", PCI_SUBSYSTEM_VENDOR_ID, 2, 0xffff },
		{ "subsystem id", PCI_SUBSYSTEM_ID, 2, 0xffff },
		{ "header type", PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_MASK },
	};
	struct host_cfg h;
	__u32 v, host;
	size_t i;

	if (!host_config(t, &h))
		return;
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (!vread(t, regs[i].off, regs[i].size, &v))
			continue;
		v &= regs[i].mask;
		host = host_get(&h, regs[i].off, regs[i].size) & regs[i].mask;
		if (!vf_id(t, regs[i].off, &host))
			continue;
		check(t, v == host,
		      "%s (offset 0x%02x, mask 0x%x): VFIO reads 0x%x, host has 0x%x",
		      regs[i].name, regs[i].off, regs[i].mask, v, host);
	}
}

static void test_header_read_only(struct test_ctx *t)
{
	static const struct {
		const char *name;
		unsigned int off;
		int size;
	} regs[] = {
		{ "vendor id", PCI_VENDOR_ID, 2 },
		{ "device id", PCI_DEVICE_ID, 2 },
		{ "class (prog-if)", PCI_CLASS_PROG, 1 },
		{ "class (sub-class)", PCI_CLASS_DEVICE, 1 },
		{ "class (base)", PCI_CLASS_DEVICE + 1, 1 },
		{ "header type", PCI_HEADER_TYPE, 1 },
		{ "capability pointer", PCI_CAPABILITY_LIST, 1 },
		{ "subsystem vendor id", PCI_SUBSYSTEM_VENDOR_ID, 2 },
		{ "subsystem id", PCI_SUBSYSTEM_ID, 2 },
	};
	/* host bytes nothing of the above may change: [start, end) */
	static const unsigned int ranges[][2] = {
		{ 0x00, 0x10 },
		{ PCI_SUBSYSTEM_VENDOR_ID, PCI_SUBSYSTEM_ID + 2 },
		{ PCI_CAPABILITY_LIST, PCI_CAPABILITY_LIST + 1 },
	};
	static struct host_cfg before, after;
	__u32 old, now, val;
	unsigned int off;
	size_t i;
	int ret, w;

	if (!host_config(t, &before))
		return;
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (!vread(t, regs[i].off, regs[i].size, &old))
			continue;
		for (w = 0; w < 2; w++) {
			val = w ? 0 : (regs[i].size == 2 ? 0xffff : 0xff);
			/* the write may be refused; the value must not move */
			ret = vfio_cfg_write(t->d, regs[i].off, regs[i].size,
					     val);
			if (ret)
				vfio_diag("%s: %d-byte write of 0x%x to %s (0x%02x) refused: %s",
					  t->name, regs[i].size, val,
					  regs[i].name, regs[i].off,
					  strerror(-ret));
			if (!vread(t, regs[i].off, regs[i].size, &now))
				continue;
			check(t, now == old,
			      "%s (0x%02x) reads 0x%x after writing 0x%x, expected 0x%x as before",
			      regs[i].name, regs[i].off, now, val, old);
		}
	}

	if (!host_config(t, &after))
		return;
	for (i = 0; i < ARRAY_SIZE(ranges); i++)
		for (off = ranges[i][0]; off < ranges[i][1]; off++)
			check(t, before.b[off] == after.b[off],
			      "host config byte 0x%02x changed from 0x%02x to 0x%02x: a write reached the device",
			      off, before.b[off], after.b[off]);
}

static void test_std_chain_valid(struct test_ctx *t)
{
	bool seen[CFG_SIZE_STD] = { false };
	static struct cap_list host, vfio;
	unsigned int pos, steps = 0;
	struct host_cfg h;
	__u32 status, ptr, id, next;
	int i;

	if (!host_config(t, &h))
		return;
	host_std_caps(&h, &host);
	cap_print("host std caps", &host, 2, 2);
	vfio.n = 0;

	if (!vread(t, PCI_STATUS, 2, &status) ||
	    !vread(t, PCI_CAPABILITY_LIST, 1, &ptr))
		return;
	if (!(status & PCI_STATUS_CAP_LIST)) {
		vfio_diag("std chain empty: status 0x%04x lacks CAP_LIST",
			  status);
		/*
		 * The pointer means nothing with the bit clear, but the
		 * driver should not show one of its own: 0, or the value
		 * a device without capabilities has in hardware.
		 */
		check(t, ptr == 0 ||
		      (!(host_get(&h, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST) &&
		       ptr == h.b[PCI_CAPABILITY_LIST]),
		      "capability pointer reads 0x%02x with CAP_LIST clear, expected 0 (host pointer 0x%02x, host status 0x%04x)",
		      ptr, h.b[PCI_CAPABILITY_LIST],
		      host_get(&h, PCI_STATUS, 2));
		return;
	}

	pos = ptr & ~3u;
	while (pos) {
		if (check(t, steps++ < STD_WALK_MAX,
			  "std chain longer than %d entries: a loop?",
			  STD_WALK_MAX))
			break;
		if (check(t, pos >= STD_CAP_FIRST && pos <= STD_CAP_LAST,
			  "std capability pointer 0x%02x outside 0x%02x..0x%02x",
			  pos, STD_CAP_FIRST, STD_CAP_LAST))
			break;
		if (check(t, !seen[pos],
			  "std chain visits 0x%02x twice: a loop", pos))
			break;
		seen[pos] = true;
		if (!vread(t, pos, 1, &id) ||
		    !vread(t, pos + PCI_CAP_LIST_NEXT, 1, &next))
			break;
		vfio_diag("std cap 0x%02x at 0x%02x", id, pos);
		cap_add(&vfio, pos, id);
		i = cap_find(&host, pos);
		if (!check(t, i >= 0,
			   "std cap 0x%02x at 0x%02x is not in the host's chain (host byte there 0x%02x)",
			   id, pos, h.b[pos]))
			check(t, host.id[i] == id,
			      "std cap at 0x%02x has id 0x%02x, the host's has 0x%02x",
			      pos, id, host.id[i]);
		pos = next & ~3u;
	}
	if (!vfio.n)
		vfio_diag("std chain empty: CAP_LIST set, pointer 0x%02x",
			  ptr);
	cap_print("vfio std caps", &vfio, 2, 2);
}

static void test_ext_chain_valid(struct test_ctx *t)
{
	static bool seen[CFG_SIZE_EXT / 4];
	static struct cap_list host, vfio;
	static struct host_cfg h;
	unsigned int pos, next, id, steps = 0;
	struct vfio_region_info ri;
	__u32 hdr;
	int i, ret;

	ret = vfio_region_info(t->d, CFG_REGION, &ri);
	if (check_ok(t, ret, "VFIO_DEVICE_GET_REGION_INFO(CONFIG)"))
		return;
	if (ri.size == CFG_SIZE_STD) {
		t->skip = "no extended config space";
		return;
	}
	if (check(t, ri.size == CFG_SIZE_EXT,
		  "config region size 0x%llx, expected 0x%x or 0x%x",
		  (unsigned long long)ri.size, CFG_SIZE_STD, CFG_SIZE_EXT))
		return;
	if (!host_config(t, &h))
		return;
	host_ext_caps(&h, &host);
	cap_print("host ext caps", &host, 4, 3);
	vfio.n = 0;
	memset(seen, 0, sizeof(seen));

	if (!vread(t, PCI_CFG_SPACE_SIZE, 4, &hdr))
		return;
	if (!hdr) {
		vfio_diag("no extended capabilities exposed (0x100 reads 0)");
		return;
	}

	pos = PCI_CFG_SPACE_SIZE;
	while (pos) {
		if (check(t, steps++ < EXT_WALK_MAX,
			  "ext chain longer than %d entries: a loop?",
			  EXT_WALK_MAX))
			break;
		if (check(t, !seen[pos / 4],
			  "ext chain visits 0x%03x twice: a loop", pos))
			break;
		seen[pos / 4] = true;
		if (!vread(t, pos, 4, &hdr))
			break;
		id = PCI_EXT_CAP_ID(hdr);
		vfio_diag("ext cap 0x%04x at 0x%03x", id, pos);
		if (id) {
			cap_add(&vfio, pos, id);
			i = cap_find(&host, pos);
			if (!check(t, i >= 0,
				   "ext cap 0x%04x at 0x%03x is not in the host's chain (host header there 0x%08x)",
				   id, pos, host_get(&h, pos, 4)))
				check(t, host.id[i] == id,
				      "ext cap at 0x%03x has id 0x%04x, the host's has 0x%04x",
				      pos, id, host.id[i]);
		} else {
			check(t, pos == PCI_CFG_SPACE_SIZE,
			      "null ext header (id 0, header 0x%08x) at 0x%03x: only 0x100 may hold one",
			      hdr, pos);
		}
		/* the two low bits are reserved and hardware makes them 0 */
		check(t, !((hdr >> 20) & 3) ||
		      (hdr >> 20) == (host_get(&h, pos, 4) >> 20),
		      "ext cap at 0x%03x: next field 0x%03x is not dword aligned (header 0x%08x)",
		      pos, hdr >> 20, hdr);
		next = PCI_EXT_CAP_NEXT(hdr);
		if (check(t, !next || (next >= PCI_CFG_SPACE_SIZE &&
				       next < CFG_SIZE_EXT),
			  "ext cap at 0x%03x: next 0x%03x outside 0x100..0xffc",
			  pos, next))
			break;
		pos = next;
	}
	cap_print("vfio ext caps", &vfio, 4, 3);
}

static void test_msi_not_reaching_hw(struct test_ctx *t)
{
	__u32 flags, addr, data, back_addr, back_data, ha, hd, ha2, hd2;
	static struct host_cfg before, after;
	unsigned int data_off;
	int cap, ret;

	cap = vfio_find_cap(t, PCI_CAP_ID_MSI);
	if (cap < 0)
		return;
	if (!cap) {
		t->skip = "no MSI capability in the VFIO view";
		return;
	}
	if (!vread(t, cap + PCI_MSI_FLAGS, 2, &flags))
		return;
	data_off = cap + (flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_DATA_64 :
			  PCI_MSI_DATA_32);
	vfio_diag("MSI at 0x%02x, flags 0x%04x, data at 0x%02x", cap, flags,
		  data_off);
	if (!vread(t, cap + PCI_MSI_ADDRESS_LO, 4, &addr) ||
	    !vread(t, data_off, 2, &data))
		return;
	if (!host_config(t, &before))
		return;
	ha = host_get(&before, cap + PCI_MSI_ADDRESS_LO, 4);
	hd = host_get(&before, data_off, 2);

	ret = vfio_cfg_write(t->d, cap + PCI_MSI_ADDRESS_LO, 4, MSI_TEST_ADDR);
	check_ok(t, ret, "writing 0x%08x to the MSI address (0x%02x)",
		 MSI_TEST_ADDR, cap + PCI_MSI_ADDRESS_LO);
	ret = vfio_cfg_write(t->d, data_off, 2, MSI_TEST_DATA);
	check_ok(t, ret, "writing 0x%04x to the MSI data (0x%02x)",
		 MSI_TEST_DATA, data_off);
	if (vread(t, cap + PCI_MSI_ADDRESS_LO, 4, &back_addr) &&
	    vread(t, data_off, 2, &back_data))
		vfio_diag("VFIO reads address 0x%08x, data 0x%04x after the writes",
			  back_addr, back_data);

	if (host_config(t, &after)) {
		ha2 = host_get(&after, cap + PCI_MSI_ADDRESS_LO, 4);
		hd2 = host_get(&after, data_off, 2);
		check(t, ha2 == ha,
		      "host MSI address (0x%02x) changed from 0x%08x to 0x%08x: the write reached the device",
		      cap + PCI_MSI_ADDRESS_LO, ha, ha2);
		check(t, hd2 == hd,
		      "host MSI data (0x%02x) changed from 0x%04x to 0x%04x: the write reached the device",
		      data_off, hd, hd2);
	}

	/* put back what userspace saw before */
	ret = vfio_cfg_write(t->d, cap + PCI_MSI_ADDRESS_LO, 4, addr);
	check_ok(t, ret, "restoring the MSI address to 0x%08x", addr);
	ret = vfio_cfg_write(t->d, data_off, 2, data);
	check_ok(t, ret, "restoring the MSI data to 0x%04x", data);
	if (vread(t, cap + PCI_MSI_ADDRESS_LO, 4, &back_addr))
		check(t, back_addr == addr,
		      "MSI address reads 0x%08x after restoring 0x%08x",
		      back_addr, addr);
	if (vread(t, data_off, 2, &back_data))
		check(t, back_data == data,
		      "MSI data reads 0x%04x after restoring 0x%04x",
		      back_data, data);
}

static void test_msix_enable_not_reaching_hw(struct test_ctx *t)
{
	const __u32 bits = PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;
	static struct host_cfg before, after;
	__u32 ctrl, back, hc, hc2;
	unsigned int off;
	int cap, ret;

	cap = vfio_find_cap(t, PCI_CAP_ID_MSIX);
	if (cap < 0)
		return;
	if (!cap) {
		t->skip = "no MSI-X capability in the VFIO view";
		return;
	}
	off = cap + PCI_MSIX_FLAGS;
	if (!vread(t, off, 2, &ctrl))
		return;
	vfio_diag("MSI-X at 0x%02x, message control 0x%04x", cap, ctrl);
	if (!host_config(t, &before))
		return;
	hc = host_get(&before, off, 2);

	ret = vfio_cfg_write(t->d, off, 2, ctrl | bits);
	check_ok(t, ret, "writing 0x%04x to the MSI-X message control (0x%02x)",
		 ctrl | bits, off);
	if (vread(t, off, 2, &back))
		vfio_diag("VFIO reads message control 0x%04x after the write",
			  back);
	if (host_config(t, &after)) {
		hc2 = host_get(&after, off, 2);
		check(t, hc2 == hc,
		      "host MSI-X message control (0x%02x) changed from 0x%04x to 0x%04x: the write reached the device",
		      off, hc, hc2);
	}

	ret = vfio_cfg_write(t->d, off, 2, ctrl);
	check_ok(t, ret, "restoring the MSI-X message control to 0x%04x",
		 ctrl);
	if (vread(t, off, 2, &back))
		check(t, back == ctrl,
		      "MSI-X message control reads 0x%04x after restoring 0x%04x",
		      back, ctrl);
}

static void test_config_size(struct test_ctx *t)
{
	struct vfio_region_info ri;
	off_t size;
	int ret;

	ret = sysfs_file_size(t->bdf, "config", &size);
	if (check_ok(t, ret, "stat of sysfs config"))
		return;
	ret = vfio_region_info(t->d, CFG_REGION, &ri);
	if (check_ok(t, ret, "VFIO_DEVICE_GET_REGION_INFO(CONFIG)"))
		return;
	check(t, ri.size == (__u64)size,
	      "config region size 0x%llx, sysfs config file size 0x%llx",
	      (unsigned long long)ri.size, (unsigned long long)size);
}

static void test_unaligned_and_cross(struct test_ctx *t)
{
	const unsigned int off = 0x3e, cross = 8;
	static __u8 full[CFG_SIZE_EXT];
	struct vfio_region_info ri;
	__u8 part[8];
	size_t len;
	unsigned int j;
	ssize_t n;
	int ret;

	ret = vfio_region_info(t->d, CFG_REGION, &ri);
	if (check_ok(t, ret, "VFIO_DEVICE_GET_REGION_INFO(CONFIG)"))
		return;
	len = ri.size < CFG_SIZE_EXT ? (size_t)ri.size : CFG_SIZE_EXT;
	if (check(t, len >= CFG_SIZE_STD,
		  "config region size 0x%llx is below 0x%x",
		  (unsigned long long)ri.size, CFG_SIZE_STD))
		return;

	memset(full, 0xcc, sizeof(full));
	n = pread(t->d->device_fd, full, len, (off_t)ri.offset);
	if (check(t, n == (ssize_t)len,
		  "%zu-byte config read at 0 returned %zd (%s), expected %zu",
		  len, n, n < 0 ? strerror(errno) : "short", len))
		return;

	memset(part, 0xcc, sizeof(part));
	n = pread(t->d->device_fd, part, cross, (off_t)(ri.offset + off));
	if (check(t, n == (ssize_t)cross,
		  "%u-byte config read at 0x%02x returned %zd (%s), expected %u",
		  cross, off, n, n < 0 ? strerror(errno) : "short", cross))
		return;
	for (j = 0; j < cross; j++)
		check(t, part[j] == full[off + j],
		      "byte 0x%02x: the %u-byte read at 0x%02x gives 0x%02x, the full read 0x%02x",
		      off + j, cross, off, part[j], full[off + j]);
}

TEST_F_TIMEOUT(vfio_dev, header_ids, VFIO_TEST_TIMEOUT)
{
	test_header_ids(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, header_read_only, VFIO_TEST_TIMEOUT)
{
	test_header_read_only(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, std_chain_valid, VFIO_TEST_TIMEOUT)
{
	test_std_chain_valid(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, ext_chain_valid, VFIO_TEST_TIMEOUT)
{
	test_ext_chain_valid(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, msi_not_reaching_hw, VFIO_TEST_TIMEOUT)
{
	test_msi_not_reaching_hw(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, msix_enable_not_reaching_hw, VFIO_TEST_TIMEOUT)
{
	test_msix_enable_not_reaching_hw(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, config_size, VFIO_TEST_TIMEOUT)
{
	test_config_size(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, unaligned_and_cross, VFIO_TEST_TIMEOUT)
{
	test_unaligned_and_cross(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, write_ones, VFIO_TEST_TIMEOUT)
{
	test_write_ones(&self->t);
}

/* Name the function under test by its ids. */
static void print_ids(const char *bdf)
{
	unsigned long vendor, device;

	if (!sysfs_read_ulong(bdf, "vendor", &vendor) &&
	    !sysfs_read_ulong(bdf, "device", &device))
		vfio_diag("device %s: %04lx:%04lx", bdf, vendor, device);
}

int main(int argc, char **argv)
{
	const char *bdf = vfio_test_init(argc, argv);

	if (bdf)
		print_ids(bdf);
	return test_harness_run(argc, argv);
}
