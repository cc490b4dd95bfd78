// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the vfio_pci selftests; see vfio_util.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/pci_regs.h>

#include "vfio_util.h"

#define SYSFS_PCI	"/sys/bus/pci/devices"
/* no region info answer is anywhere near this long */
#define REGION_INFO_MAX	65536

const char *vfio_mode_name(enum vfio_open_mode mode)
{
	return mode == VFIO_MODE_GROUP ? "group" : "cdev";
}

static void vfio_dev_init(struct vfio_dev *d, const char *bdf,
			  enum vfio_open_mode mode)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	d->mode = mode;
	d->container_fd = -1;
	d->group_fd = -1;
	d->group_id = -1;
	d->iommufd = -1;
	d->device_fd = -1;
}

void vfio_dev_close(struct vfio_dev *d)
{
	/*
	 * Undo the setup from the last step back: the device (which drops
	 * its binding to the group or the iommufd), then the group, then
	 * the container or iommufd it was attached to.
	 */
	if (d->device_fd >= 0)
		close(d->device_fd);
	d->device_fd = -1;
	if (d->group_fd >= 0)
		close(d->group_fd);
	d->group_fd = -1;
	if (d->iommufd >= 0)
		close(d->iommufd);
	d->iommufd = -1;
	if (d->container_fd >= 0)
		close(d->container_fd);
	d->container_fd = -1;
}

/* Record why an open failed, release what was opened, return -err. */
static int open_fail(struct vfio_dev *d, int err, const char *fmt, ...)
	__printf(3, 4);

static int open_fail(struct vfio_dev *d, int err, const char *fmt, ...)
{
	char msg[192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(d->err, sizeof(d->err), "%s: %s (errno %d)", msg,
		 strerror(err), err);
	d->err_no = err;
	vfio_dev_close(d);
	return -err;
}

int vfio_group_attach(struct vfio_dev *d, const char *bdf)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int ret, type1v2 = VFIO_TYPE1v2_IOMMU;

	vfio_dev_init(d, bdf, VFIO_MODE_GROUP);

	d->container_fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container_fd < 0)
		return open_fail(d, errno, "open /dev/vfio/vfio");

	ret = ioctl(d->container_fd, VFIO_GET_API_VERSION);
	if (ret < 0)
		return open_fail(d, errno, "VFIO_GET_API_VERSION");
	if (ret != VFIO_API_VERSION)
		return open_fail(d, EPROTO,
				 "VFIO_GET_API_VERSION is %d, expected %d",
				 ret, VFIO_API_VERSION);

	ret = ioctl(d->container_fd, VFIO_CHECK_EXTENSION, type1v2);
	if (ret < 0)
		return open_fail(d, errno,
				 "VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU)");
	if (ret == 0)
		return open_fail(d, EOPNOTSUPP,
				 "container lacks VFIO_TYPE1v2_IOMMU");

	ret = sysfs_group_id(bdf, &d->group_id);
	if (ret)
		return open_fail(d, -ret, "readlink %s/%s/iommu_group",
				 SYSFS_PCI, bdf);

	snprintf(d->path, sizeof(d->path), "/dev/vfio/%d", d->group_id);
	d->group_fd = open(d->path, O_RDWR | O_CLOEXEC);
	if (d->group_fd < 0)
		return open_fail(d, errno, "open %s", d->path);

	if (ioctl(d->group_fd, VFIO_GROUP_GET_STATUS, &status))
		return open_fail(d, errno, "VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return open_fail(d, EBUSY,
				 "group %d is not viable (flags 0x%x)",
				 d->group_id, status.flags);

	if (ioctl(d->group_fd, VFIO_GROUP_SET_CONTAINER, &d->container_fd))
		return open_fail(d, errno, "VFIO_GROUP_SET_CONTAINER");

	if (ioctl(d->container_fd, VFIO_SET_IOMMU, type1v2))
		return open_fail(d, errno, "VFIO_SET_IOMMU(VFIO_TYPE1v2_IOMMU)");
	return 0;
}

int vfio_group_get_device_fd(struct vfio_dev *d, const char *name)
{
	int fd = ioctl(d->group_fd, VFIO_GROUP_GET_DEVICE_FD, name);

	return fd < 0 ? -errno : fd;
}

int vfio_dev_open_group(struct vfio_dev *d, const char *bdf)
{
	int ret;

	ret = vfio_group_attach(d, bdf);
	if (ret)
		return ret;
	ret = vfio_group_get_device_fd(d, d->bdf);
	if (ret < 0)
		return open_fail(d, -ret, "VFIO_GROUP_GET_DEVICE_FD(%s)",
				 d->bdf);
	d->device_fd = ret;
	return 0;
}

/* Find the vfioN name under /sys/bus/pci/devices/BDF/vfio-dev. */
static int find_vfio_cdev(const char *bdf, char *name, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	int ret = -ENOENT;
	DIR *dir;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/vfio-dev", bdf);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "vfio", 4) ||
		    strspn(de->d_name + 4, "0123456789") !=
		    strlen(de->d_name + 4) || !de->d_name[4])
			continue;
		if (strlen(de->d_name) >= len)
			continue;
		memcpy(name, de->d_name, strlen(de->d_name) + 1);
		ret = 0;
		break;
	}
	closedir(dir);
	return ret;
}

int vfio_dev_open_cdev(struct vfio_dev *d, const char *bdf)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
	};
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	char name[64];
	int ret;

	vfio_dev_init(d, bdf, VFIO_MODE_CDEV);

	ret = find_vfio_cdev(bdf, name, sizeof(name));
	if (ret)
		return open_fail(d, -ret, "no vfioN under %s/%s/vfio-dev",
				 SYSFS_PCI, bdf);

	snprintf(d->path, sizeof(d->path), "/dev/vfio/devices/%s", name);
	d->device_fd = open(d->path, O_RDWR | O_CLOEXEC);
	if (d->device_fd < 0)
		return open_fail(d, errno, "open %s", d->path);

	d->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (d->iommufd < 0)
		return open_fail(d, errno, "open /dev/iommu");

	bind.iommufd = d->iommufd;
	if (ioctl(d->device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return open_fail(d, errno, "VFIO_DEVICE_BIND_IOMMUFD");
	d->devid = bind.out_devid;

	if (ioctl(d->iommufd, IOMMU_IOAS_ALLOC, &alloc))
		return open_fail(d, errno, "IOMMU_IOAS_ALLOC");
	d->ioas_id = alloc.out_ioas_id;

	attach.pt_id = d->ioas_id;
	if (ioctl(d->device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return open_fail(d, errno,
				 "VFIO_DEVICE_ATTACH_IOMMUFD_PT(ioas %u)",
				 d->ioas_id);
	return 0;
}

int vfio_cdev_bind(const char *bdf, int iommufd, const __u8 *token)
{
	struct vfio_bind_token bind = {
		.argsz = sizeof(bind),
		.iommufd = iommufd,
	};
	char name[32], path[64];
	int fd, ret;

	ret = find_vfio_cdev(bdf, name, sizeof(name));
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", name);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (token) {
		bind.flags = VFIO_DEVICE_BIND_FLAG_TOKEN;
		bind.token_uuid_ptr = (uintptr_t)token;
	}
	if (ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

int vfio_dev_open(struct vfio_dev *d, const char *bdf,
		  enum vfio_open_mode mode)
{
	if (mode == VFIO_MODE_GROUP)
		return vfio_dev_open_group(d, bdf);
	return vfio_dev_open_cdev(d, bdf);
}

int vfio_device_info(struct vfio_dev *d, struct vfio_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_INFO, info))
		return -errno;
	return 0;
}

int vfio_region_info(struct vfio_dev *d, __u32 index,
		     struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, info))
		return -errno;
	return 0;
}

int vfio_irq_info(struct vfio_dev *d, __u32 index, struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_IRQ_INFO, info))
		return -errno;
	return 0;
}

/* Device fd position of @off inside region @index, or a negative errno. */
static off_t region_pos(struct vfio_dev *d, __u32 index, __u64 off)
{
	struct vfio_region_info ri;
	int ret;

	ret = vfio_region_info(d, index, &ri);
	if (ret)
		return ret;
	return (off_t)(ri.offset + off);
}

ssize_t vfio_region_pread(struct vfio_dev *d, __u32 index, void *buf,
			  size_t len, __u64 off)
{
	off_t pos = region_pos(d, index, off);
	ssize_t n;

	if (pos < 0)
		return pos;
	n = pread(d->device_fd, buf, len, pos);
	return n < 0 ? -errno : n;
}

ssize_t vfio_region_pwrite(struct vfio_dev *d, __u32 index, const void *buf,
			   size_t len, __u64 off)
{
	off_t pos = region_pos(d, index, off);
	ssize_t n;

	if (pos < 0)
		return pos;
	n = pwrite(d->device_fd, buf, len, pos);
	return n < 0 ? -errno : n;
}

void *vfio_region_mmap(struct vfio_dev *d, __u32 index, size_t len,
		       __u64 off, int prot, int flags)
{
	off_t pos = region_pos(d, index, off);

	if (pos < 0) {
		errno = (int)-pos;
		return MAP_FAILED;
	}
	return mmap(NULL, len, prot, flags, d->device_fd, pos);
}

int vfio_region_info_caps(struct vfio_dev *d, __u32 index,
			  struct vfio_region_info *first,
			  struct vfio_region_info **out)
{
	struct vfio_region_info *info;
	__u32 argsz;
	int ret, tries;

	*out = NULL;
	ret = vfio_region_info(d, index, first);
	if (ret)
		return ret;
	argsz = first->argsz > sizeof(*first) ? first->argsz : sizeof(*first);
	/* the chain may grow between two calls: ask again while it does */
	for (tries = 0; tries < 4; tries++) {
		if (argsz > REGION_INFO_MAX)
			return -E2BIG;
		info = calloc(1, argsz);
		if (!info)
			return -ENOMEM;
		info->argsz = argsz;
		info->index = index;
		if (ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, info)) {
			ret = -errno;
			free(info);
			return ret;
		}
		if (info->argsz <= argsz) {
			*out = info;
			return 0;
		}
		argsz = info->argsz;
		free(info);
	}
	return -EMSGSIZE;
}

int vfio_region_cap_find(const struct vfio_region_info *info, __u16 id,
			 const struct vfio_info_cap_header **hdr)
{
	const struct vfio_info_cap_header *h;
	unsigned int steps = 0;
	__u32 off;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return -ENOENT;
	for (off = info->cap_offset; off; off = h->next) {
		if (off < sizeof(*info) || off % 4 ||
		    off + sizeof(*h) > info->argsz ||
		    steps++ > info->argsz / sizeof(*h))
			return -EINVAL;
		h = (const void *)((const __u8 *)info + off);
		if (h->id == id) {
			*hdr = h;
			return 0;
		}
	}
	return -ENOENT;
}

__u32 get_le(const __u8 *b, int size)
{
	__u32 v = 0;
	int i;

	for (i = size - 1; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

static void put_le(__u8 *b, int size, __u32 v)
{
	int i;

	for (i = 0; i < size; i++, v >>= 8)
		b[i] = v & 0xff;
}

static int region_rw(struct vfio_dev *d, __u32 index, __u64 off, int size,
		     __u32 *val, bool write)
{
	__u8 b[4];
	ssize_t n;

	if (size != 1 && size != 2 && size != 4)
		return -EINVAL;
	if (write) {
		put_le(b, size, *val);
		n = vfio_region_pwrite(d, index, b, size, off);
	} else {
		n = vfio_region_pread(d, index, b, size, off);
	}
	if (n < 0)
		return (int)n;
	if (n != size)
		return -EIO;
	if (!write)
		*val = get_le(b, size);
	return 0;
}

int vfio_cfg_read(struct vfio_dev *d, __u64 off, int size, __u32 *val)
{
	return region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, off, size, val,
			 false);
}

int vfio_cfg_write(struct vfio_dev *d, __u64 off, int size, __u32 val)
{
	return region_rw(d, VFIO_PCI_CONFIG_REGION_INDEX, off, size, &val,
			 true);
}

int vfio_cfg_find_cap(struct vfio_dev *d, __u8 id)
{
	bool seen[PCI_CFG_SPACE_SIZE] = { false };
	unsigned int pos;
	__u32 v = 0;
	int ret;

	ret = vfio_cfg_read(d, PCI_STATUS, 2, &v);
	if (ret)
		return ret;
	if (!(v & PCI_STATUS_CAP_LIST))
		return 0;
	ret = vfio_cfg_read(d, PCI_CAPABILITY_LIST, 1, &v);
	if (ret)
		return ret;
	for (pos = v & ~3u; pos >= PCI_STD_HEADER_SIZEOF && !seen[pos];
	     pos = (v >> 8) & ~3u) {
		seen[pos] = true;
		/* id and next pointer in one read */
		ret = vfio_cfg_read(d, pos, 2, &v);
		if (ret)
			return ret;
		if ((v & 0xff) == id)
			return (int)pos;
	}
	return 0;
}

int vfio_bar_read32(struct vfio_dev *d, int bar, __u64 off, __u32 *val)
{
	return region_rw(d, VFIO_PCI_BAR0_REGION_INDEX + bar, off, 4, val,
			 false);
}

int vfio_bar_write32(struct vfio_dev *d, int bar, __u64 off, __u32 val)
{
	return region_rw(d, VFIO_PCI_BAR0_REGION_INDEX + bar, off, 4, &val,
			 true);
}

const struct vfio_flag_name pci_command_names[] = {
	{ PCI_COMMAND_IO, "IO" },
	{ PCI_COMMAND_MEMORY, "MEMORY" },
	{ PCI_COMMAND_MASTER, "MASTER" },
	{ PCI_COMMAND_SPECIAL, "SPECIAL" },
	{ PCI_COMMAND_INVALIDATE, "INVALIDATE" },
	{ PCI_COMMAND_VGA_PALETTE, "VGA_PALETTE" },
	{ PCI_COMMAND_PARITY, "PARITY" },
	{ PCI_COMMAND_WAIT, "WAIT" },
	{ PCI_COMMAND_SERR, "SERR" },
	{ PCI_COMMAND_FAST_BACK, "FAST_BACK" },
	{ PCI_COMMAND_INTX_DISABLE, "INTX_DISABLE" },
	{ }
};

const char *vfio_flags_str(char *buf, size_t len, __u32 flags,
			   const struct vfio_flag_name *names)
{
	size_t used = 0, i;
	__u32 known = 0;

	buf[0] = '\0';
	for (i = 0; names[i].name; i++) {
		known |= names[i].bit;
		if (!(flags & names[i].bit))
			continue;
		used += snprintf(buf + used, len - used, "%s%s",
				 used ? "," : "", names[i].name);
		if (used >= len)
			return buf;
	}
	if (flags & ~known)
		snprintf(buf + used, len - used, "%s0x%x", used ? "," : "",
			 flags & ~known);
	else if (!used)
		snprintf(buf, len, "none");
	return buf;
}

/*
 * BAR mappings: accesses that survive SIGBUS. Each thread arms its own
 * jump buffer around the access.
 */

struct fault_catch {
	sigjmp_buf jb;
};

static __thread struct fault_catch *fault_catch;

static void on_sigbus(int sig)
{
	if (fault_catch)
		siglongjmp(fault_catch->jb, 1);
	/* not expected here: the retried access kills the program */
	signal(sig, SIG_DFL);
}

void vfio_catch_sigbus(void)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

bool vfio_load32(const void *p, __u32 *val)
{
	struct fault_catch fc;

	if (sigsetjmp(fc.jb, 1)) {
		fault_catch = NULL;
		return false;
	}
	fault_catch = &fc;
	/* one 32-bit load the compiler may neither split nor drop */
	*val = __atomic_load_n((const __u32 *)p, __ATOMIC_RELAXED);
	fault_catch = NULL;
	return true;
}

bool vfio_store32(void *p, __u32 val)
{
	struct fault_catch fc;

	if (sigsetjmp(fc.jb, 1)) {
		fault_catch = NULL;
		return false;
	}
	fault_catch = &fc;
	__atomic_store_n((__u32 *)p, val, __ATOMIC_RELAXED);
	fault_catch = NULL;
	return true;
}

long vfio_efd_wait(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	__u64 count;
	int n;

	n = poll(&p, 1, ms);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	if (read(fd, &count, sizeof(count)) != sizeof(count))
		return errno == EAGAIN ? 0 : -errno;
	return (long)count;
}
