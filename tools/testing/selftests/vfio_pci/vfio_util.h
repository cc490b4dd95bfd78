/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the vfio_pci selftests: opening a device through
 * the legacy group/container interface or through the device cdev and
 * iommufd, region and config space accessors, sysfs readers.
 */
#ifndef VFIO_PCI_SELFTEST_UTIL_H
#define VFIO_PCI_SELFTEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include "kselftest.h"

/*
 * printf format checking, spelled as in the kernel. The attribute is split
 * over two lines only because checkpatch flags the raw attribute even in
 * the one place that has to define it.
 */
#ifndef __printf
#define __printf(a, b)	__attribute__((			\
				format(printf, a, b)))
#endif

enum vfio_open_mode {
	VFIO_MODE_GROUP,	/* /dev/vfio/vfio + /dev/vfio/N */
	VFIO_MODE_CDEV,		/* /dev/vfio/devices/vfioN + /dev/iommu */
};

struct vfio_dev {
	char bdf[64];
	enum vfio_open_mode mode;

	/* group path */
	int container_fd;
	int group_fd;
	int group_id;

	/* cdev path */
	int iommufd;
	__u32 ioas_id;
	__u32 devid;

	int device_fd;
	char path[128];		/* group node or device cdev node used */

	/* set when an open fails: which step, and the errno */
	char err[256];
	int err_no;
};

const char *vfio_mode_name(enum vfio_open_mode mode);

/*
 * Open @bdf in @mode. Returns 0 or a negative errno; on failure d->err
 * says which step failed and everything opened so far is closed again.
 */
int vfio_dev_open(struct vfio_dev *d, const char *bdf,
		  enum vfio_open_mode mode);
int vfio_dev_open_group(struct vfio_dev *d, const char *bdf);
/*
 * The two halves of vfio_dev_open_group(), for names other than the bare
 * BDF. vfio_group_attach() opens the container and the group of @bdf and
 * attaches them (type1v2), without asking for a device: 0 or a negative
 * errno, d->err set and everything closed again on failure. Each process
 * may hold the group open only once, so reuse @d for every device of it.
 * vfio_group_get_device_fd() then calls VFIO_GROUP_GET_DEVICE_FD with
 * @name as is, such as "0000:01:00.1 vf_token=UUID": it returns the new
 * device fd (the caller's to close, d->device_fd is left alone) or a
 * negative errno.
 */
int vfio_group_attach(struct vfio_dev *d, const char *bdf);
int vfio_group_get_device_fd(struct vfio_dev *d, const char *name);
int vfio_dev_open_cdev(struct vfio_dev *d, const char *bdf);
/*
 * VFIO_DEVICE_BIND_IOMMUFD with a token (a VF token), as the series' vfio
 * patch and later kernels define it; the installed 6.12 uAPI lacks it.
 */
#ifndef VFIO_DEVICE_BIND_FLAG_TOKEN
#define VFIO_DEVICE_BIND_FLAG_TOKEN	0x1
#endif
struct vfio_bind_token {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
	__aligned_u64 token_uuid_ptr;
};

/*
 * Open the cdev of @bdf and bind it to @iommufd, with the 16-byte @token
 * when it is not NULL. Returns the bound device fd (no IOAS attached, the
 * caller's to close) or a negative errno.
 */
int vfio_cdev_bind(const char *bdf, int iommufd, const __u8 *token);
/* Close every fd still open, in reverse order of opening. */
void vfio_dev_close(struct vfio_dev *d);

/* ioctl wrappers: 0 or a negative errno */
int vfio_device_info(struct vfio_dev *d, struct vfio_device_info *info);
int vfio_region_info(struct vfio_dev *d, __u32 index,
		     struct vfio_region_info *info);
int vfio_irq_info(struct vfio_dev *d, __u32 index, struct vfio_irq_info *info);

/*
 * Raw region access: @len bytes at @off inside region @index.
 * Returns the byte count transferred or a negative errno.
 */
ssize_t vfio_region_pread(struct vfio_dev *d, __u32 index, void *buf,
			  size_t len, __u64 off);
ssize_t vfio_region_pwrite(struct vfio_dev *d, __u32 index, const void *buf,
			   size_t len, __u64 off);

/*
 * Config space access of 1, 2 or 4 bytes, values little-endian on the
 * device side. 0 or a negative errno (-EIO on a short transfer).
 */
int vfio_cfg_read(struct vfio_dev *d, __u64 off, int size, __u32 *val);
int vfio_cfg_write(struct vfio_dev *d, __u64 off, int size, __u32 val);

/*
 * Offset of standard capability @id in the config space @d shows, 0 when
 * the chain (walked with protection against loops) lacks it, or a negative
 * errno when a read failed.
 */
int vfio_cfg_find_cap(struct vfio_dev *d, __u8 id);

/*
 * VFIO_DEVICE_GET_REGION_INFO of @index with its capability chain, asked
 * as userspace does: with the bare struct first, then again with the argsz
 * the driver asked for. On success *out points to a malloc'ed copy of
 * the whole answer (free it) and *first holds the answer to the first
 * call. Returns 0 or a negative errno.
 */
int vfio_region_info_caps(struct vfio_dev *d, __u32 index,
			  struct vfio_region_info *first,
			  struct vfio_region_info **out);
/*
 * Find capability @id in the chain of @info: 0 with *hdr set, -ENOENT when
 * the chain lacks it, -EINVAL when the chain leaves the buffer, is not
 * aligned or loops.
 */
int vfio_region_cap_find(const struct vfio_region_info *info, __u16 id,
			 const struct vfio_info_cap_header **hdr);

/*
 * mmap @len bytes at @off inside region @index of @d; MAP_FAILED with
 * errno set when the mapping (or the region info ioctl) fails.
 */
void *vfio_region_mmap(struct vfio_dev *d, __u32 index, size_t len,
		       __u64 off, int prot, int flags);

/* The little-endian value of the @size bytes at @b. */
__u32 get_le(const __u8 *b, int size);

/* 4-byte BAR access at @off inside BAR @bar. 0 or a negative errno. */
int vfio_bar_read32(struct vfio_dev *d, int bar, __u64 off, __u32 *val);
int vfio_bar_write32(struct vfio_dev *d, int bar, __u64 off, __u32 val);

/*
 * sysfs attributes of /sys/bus/pci/devices/BDF. All return 0 or a
 * negative errno except sysfs_read, which returns the byte count: it
 * reads until @len bytes or the end of the file.
 */
ssize_t sysfs_read(const char *bdf, const char *file, void *buf, size_t len,
		   off_t off);
int sysfs_read_ulong(const char *bdf, const char *file, unsigned long *val);
int sysfs_file_size(const char *bdf, const char *file, off_t *size);
/* Write the string @val to attribute @file. 0 or a negative errno. */
int sysfs_write(const char *bdf, const char *file, const char *val);
/* The same for any sysfs file, @path absolute (a bus's drivers_probe). */
int sysfs_write_path(const char *path, const char *val);
/*
 * Bind @bdf to @driver the admin's way: unbind it from its driver if it
 * has one, name @driver in driver_override, probe.
 */
int sysfs_bind(const char *bdf, const char *driver);
/* The name of the driver @bdf is bound to; -ENOENT when none. */
int sysfs_driver(const char *bdf, char *name, size_t len);
/*
 * The last component of the target of link @file of @bdf, into @name: the
 * driver's name for "driver", a VF's BDF for "virtfn0".
 */
int sysfs_link_name(const char *bdf, const char *file, char *name, size_t len);
/* The number of the IOMMU group of @bdf. */
int sysfs_group_id(const char *bdf, int *id);
/* Does @file (an attribute or a link such as physfn) exist? */
bool sysfs_exists(const char *bdf, const char *file);
/* line @index of the resource file: start, end and flags */
int sysfs_resource(const char *bdf, int index, __u64 *start, __u64 *end,
		   __u64 *flags);
/* flags of a resource line: the kernel's IORESOURCE_* bits */
#define SYSFS_RES_IO		0x00000100
#define SYSFS_RES_MEM		0x00000200
#define SYSFS_RES_PREFETCH	0x00002000
#define SYSFS_RES_MEM_64	0x00100000
/* size of resource @index, 0 when the line is all zeros */
int sysfs_resource_size(const char *bdf, int index, __u64 *size);
bool sysfs_device_exists(const char *bdf);

/*
 * Accesses through a BAR mapping that report SIGBUS (memory decode off,
 * function in D3hot) instead of dying of it, once vfio_catch_sigbus()
 * has installed the handler. Each thread may use them. They return
 * false when the access faulted.
 */
void vfio_catch_sigbus(void);
bool vfio_load32(const void *p, __u32 *val);
bool vfio_store32(void *p, __u32 val);

/*
 * Wait up to @ms for eventfd @fd to be signalled and consume its count:
 * returns the count (> 0), 0 on time-out, or a negative errno.
 */
long vfio_efd_wait(int fd, int ms);

/*
 * A diagnostic line, "# " and @fmt formatted, through kselftest.h (the
 * harness's output): @fmt must be a string literal.
 */
#define vfio_diag(fmt, ...)	ksft_print_msg(fmt "\n", ##__VA_ARGS__)

/* A bit of a flags word and its name; tables end with a NULL name. */
struct vfio_flag_name {
	__u32 bit;
	const char *name;
};

/* The bits of the PCI command register. */
extern const struct vfio_flag_name pci_command_names[];

/*
 * Write the names of the bits of @flags in @names into @buf, joined by
 * ',', unknown bits in hex, "none" for 0. Returns @buf.
 */
const char *vfio_flags_str(char *buf, size_t len, __u32 flags,
			   const struct vfio_flag_name *names);

#endif /* VFIO_PCI_SELFTEST_UTIL_H */
