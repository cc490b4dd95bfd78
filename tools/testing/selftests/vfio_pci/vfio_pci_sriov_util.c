// SPDX-License-Identifier: GPL-2.0
/*
 * What the SR-IOV tests share: opening the PF and its VFs through their
 * groups with a token or none, and checking that an opened function
 * answers from its hardware; see vfio_pci_sriov.h.
 */
#include "vfio_pci_sriov.h"

const char *errname(int err)
{
	const char *name = err ? strerrorname_np(err) : "success";

	return name ? name : "an unknown errno";
}

/* A call that returned @ret, 0 or a negative errno, must fail with @want. */
bool check_fails(struct test_ctx *t, int ret, int want,
		 const char *what, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, what);
	vsnprintf(msg, sizeof(msg), what, ap);
	va_end(ap);
	return check(t, ret == -want, "%s: expected %s, got %s", msg,
		     errname(want), errname(-ret));
}

void fd_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The attached group of @bdf: opened on first use, then shared. */
static struct vfio_dev *group_of(struct test_ctx *t, const char *bdf)
{
	struct vfio_dev *g;
	int id, i;

	if (check_ok(t, sysfs_group_id(bdf, &id), "IOMMU group of %s", bdf))
		return NULL;
	for (i = 0; i < nr_groups; i++)
		if (groups[i].group_id == id)
			return &groups[i];
	if (check(t, nr_groups < MAX_GROUPS, "more than %d groups",
		  MAX_GROUPS))
		return NULL;
	g = &groups[nr_groups];
	if (check(t, !vfio_group_attach(g, bdf), "group %d of %s: %s", id,
		  bdf, g->err))
		return NULL;
	nr_groups++;
	return g;
}

/*
 * VFIO_GROUP_GET_DEVICE_FD on the group of @bdf with the name @bdf
 * followed by @opts (NULL: the bare BDF). The device fd or -errno.
 */
static int dev_get(struct test_ctx *t, const char *bdf, const char *opts,
		   char *name, size_t len)
{
	struct vfio_dev *g = group_of(t, bdf);

	snprintf(name, len, "%s%s%s", bdf, opts ? " " : "", opts ? opts : "");
	if (!g)
		return -ENODEV;
	return vfio_group_get_device_fd(g, name);
}

/* Name "vf_token=@uuid" into @buf; returns @buf. */
const char *token_opt(char *buf, size_t len, const char *uuid)
{
	snprintf(buf, len, "vf_token=%s", uuid);
	return buf;
}

/* The open of @bdf with @opts must fail with @want. */
void expect_open_fails(struct test_ctx *t, const char *bdf,
		       const char *opts, int want)
{
	char name[128];
	int fd;

	fd = dev_get(t, bdf, opts, name, sizeof(name));
	check_fails(t, fd < 0 ? fd : 0, want, "GET_DEVICE_FD(\"%s\")", name);
	fd_close(&fd);
}

/* The vendor ID read through device fd @fd must be @want. */
void check_vendor(struct test_ctx *t, int fd, const char *bdf,
		  __u32 want)
{
	/* the config accessors need only the device fd */
	struct vfio_dev d = { .device_fd = fd };
	__u32 v = 0;

	if (check_ok(t, vfio_cfg_read(&d, PCI_VENDOR_ID, 2, &v),
		     "config read of %s's vendor ID", bdf))
		return;
	check(t, v == want, "%s's vendor ID reads 0x%04x, expected 0x%04x",
	      bdf, v, want);
}

/*
 * The device behind @fd answers a read of its BAR0 itself: not all ones,
 * what a function that is gone (its PF reset) gives. A VF whose
 * controller the PF has not brought online reads 0 there.
 */
void check_bar0(struct test_ctx *t, int fd, const char *bdf)
{
	struct vfio_region_info ri = {
		.argsz = sizeof(ri),
		.index = VFIO_PCI_BAR0_REGION_INDEX,
	};
	__u32 cap = 0;

	if (check(t, !ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &ri),
		  "BAR0 region info of %s: %s", bdf, strerror(errno)))
		return;
	if (check(t, pread(fd, &cap, 4, ri.offset) == 4,
		  "BAR0 read of %s: %s", bdf, strerror(errno)))
		return;
	check(t, cap != 0xffffffff, "%s's BAR0 reads 0x%08x: the VF is gone",
	      bdf, cap);
}

/*
 * The open of @bdf with @opts must succeed, and the device answer a
 * config read of its vendor ID with @vendor. The fd, or -1.
 */
int expect_open(struct test_ctx *t, const char *bdf, const char *opts,
		__u32 vendor)
{
	char name[128];
	int fd;

	fd = dev_get(t, bdf, opts, name, sizeof(name));
	if (check(t, fd >= 0, "GET_DEVICE_FD(\"%s\") failed: %s", name,
		  errname(-fd)))
		return -1;
	check_vendor(t, fd, bdf, vendor);
	return fd;
}

/* VFIO_DEVICE_FEATURE PCI_VF_TOKEN with @flags and @data_len data bytes */
int vf_token_feature(int fd, __u32 flags, const __u8 *uuid,
		     size_t data_len)
{
	struct feature_arg a;

	memset(&a, 0, sizeof(a));
	a.hdr.argsz = sizeof(a.hdr) + data_len;
	a.hdr.flags = flags | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	if (uuid)
		memcpy(a.uuid, uuid, sizeof(a.uuid));
	return ioctl(fd, VFIO_DEVICE_FEATURE, &a) ? -errno : 0;
}

/* sriov_numvfs of the PF, or -1 when it cannot be read */
/* Find VF @i of the PF in sysfs, its address in vf_bdf[@i]; true on failure. */
bool find_vf(struct test_ctx *t, int i)
{
	char link[16];

	snprintf(link, sizeof(link), "virtfn%d", i);
	return check_ok(t, sysfs_link_name(pf_bdf, link, vf_bdf[i],
					   sizeof(vf_bdf[i])),
			"link %s of %s", link, pf_bdf);
}

long numvfs(void)
{
	unsigned long n;

	return sysfs_read_ulong(pf_bdf, "sriov_numvfs", &n) ? -1 : (long)n;
}
