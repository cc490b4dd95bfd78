/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio_pci_core: the VFIO device model of a PCI function, as a library for
 * the PCI drivers that hand functions to VFIO userspace. This header is
 * the contract with those drivers (vfio_pci, vendor variant drivers);
 * drivers/vfio/pci/vfio_pci_private.h is the core's own.
 */
#ifndef _LINUX_VFIO_PCI_CORE_H
#define _LINUX_VFIO_PCI_CORE_H

#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uuid.h>
#include <linux/vfio.h>

/**
 * DOC: variant drivers
 *
 * A variant driver is a &struct pci_driver whose devices are core
 * devices: its device structure embeds &struct vfio_pci_core_device as
 * its first member, and its &struct vfio_device_ops holds the core's
 * callbacks (VFIO_PCI_CORE_DEVICE_OPS) except those it overrides; an
 * override does its own part and calls the core's callback for the rest.
 *
 * Its probe calls vfio_pci_core_probe(), which allocates the device,
 * copies the driver's &struct vfio_pci_settings into it and registers it
 * to VFIO; its remove calls vfio_pci_core_remove(). Its &pci_driver sets
 * .driver.pm to &vfio_pci_core_pm_ops, .err_handler to
 * &vfio_pci_core_err_handlers and .driver_managed_dma; one that lets the
 * administrator create VFs calls vfio_pci_core_sriov_configure() from its
 * .sriov_configure. Its id table uses PCI_DRIVER_OVERRIDE_DEVICE_VFIO(),
 * so that it binds only through driver_override and its module alias
 * (``vfio_pci:v...``) tells management tools which devices it knows.
 *
 * Only the members of &struct vfio_pci_core_device documented here are
 * the driver's to read; the rest is the core's.
 */

/**
 * struct vfio_pci_settings - per-device choices of the driver that binds it
 * @disable_vga: do not offer the legacy VGA region of a VGA device
 * @nointxmask: never share the INTx line: mask it at the interrupt
 *	controller, not with the device's INTx-disable bit
 * @disable_idle_d3: keep the device in D0 while nobody has it open,
 *	instead of letting runtime PM put it in D3hot
 *
 * Copied into each device at probe, so that choices one driver takes
 * (vfio_pci from its module parameters) never leak into devices of other
 * drivers.
 */
struct vfio_pci_settings {
	bool disable_vga;
	bool nointxmask;
	bool disable_idle_d3;
};

/*
 * A region's index lives in the high bits of the device fd offset, the
 * position inside the region in the low bits. Userspace learns the base of
 * each region from VFIO_DEVICE_GET_REGION_INFO and must not assume this.
 */
#define VFIO_PCI_OFFSET_SHIFT	40
#define VFIO_PCI_OFFSET_MASK	((1ULL << VFIO_PCI_OFFSET_SHIFT) - 1)

#define VFIO_PCI_OFFSET_TO_INDEX(off)	((unsigned int)((off) >> VFIO_PCI_OFFSET_SHIFT))
#define VFIO_PCI_INDEX_TO_OFFSET(index)	((u64)(index) << VFIO_PCI_OFFSET_SHIFT)

/**
 * vfio_pci_core_vma_pgoff() - where a mapping of the device fd starts
 * @vma: a mapping of a region of the device fd
 *
 * Return: its first page's offset in the region, in pages.
 */
static inline unsigned long vfio_pci_core_vma_pgoff(struct vm_area_struct *vma)
{
	return vma->vm_pgoff & (VFIO_PCI_OFFSET_MASK >> PAGE_SHIFT);
}

/* the most regions a driver may add to a device */
#define VFIO_PCI_CORE_MAX_REGIONS	8

struct vfio_pci_core_device;
struct vfio_pci_region;

/**
 * struct vfio_pci_region_ops - callbacks of a region a driver adds
 * @rw: move @count bytes (at least 1) from or to @pos of the region,
 *	both inside it; bytes moved, or -errno. Called from the device fd's
 *	read or write, the device awake.
 * @mmap: map @vma, a shared mapping inside the region (the core checked
 *	its range; vfio_pci_core_vma_pgoff() tells where it starts); 0 or
 *	-errno. Needed with %VFIO_REGION_INFO_FLAG_MMAP.
 * @add_caps: add the region's own capabilities to its info with
 *	vfio_info_add_capability(), after the core's type capability; 0 or
 *	-errno. Optional.
 * @release: free what the driver holds for the region, as the device
 *	closes. Optional.
 */
struct vfio_pci_region_ops {
	ssize_t (*rw)(struct vfio_pci_core_device *vdev,
		      struct vfio_pci_region *region, char __user *buf,
		      size_t count, loff_t pos, bool write);
	int (*mmap)(struct vfio_pci_core_device *vdev,
		    struct vfio_pci_region *region, struct vm_area_struct *vma);
	int (*add_caps)(struct vfio_pci_core_device *vdev,
			struct vfio_pci_region *region,
			struct vfio_info_cap *caps);
	void (*release)(struct vfio_pci_core_device *vdev,
			struct vfio_pci_region *region);
};

/**
 * struct vfio_pci_region - a region a driver adds to its device
 * @type: the region's type, as &struct vfio_region_info_cap_type tells
 *	it; a vendor's own is %VFIO_REGION_TYPE_PCI_VENDOR_TYPE | vendor id
 * @subtype: its subtype
 * @size: its size in bytes
 * @flags: %VFIO_REGION_INFO_FLAG_READ, _WRITE and _MMAP as it allows
 * @ops: its callbacks
 * @data: the driver's, for the callbacks
 */
struct vfio_pci_region {
	u32 type;
	u32 subtype;
	size_t size;
	u32 flags;
	const struct vfio_pci_region_ops *ops;
	void *data;
};

struct eventfd_ctx;
struct pci_saved_state;
struct resource;
struct vfio_pci_irq_ctx;
struct vfio_pci_vconfig;
struct vfio_pci_vf_token;

/**
 * struct vfio_pci_core_device - a PCI function driven through VFIO
 * @vdev: the VFIO core's device
 * @pdev: the PCI function, set before the driver's &vfio_device_ops.init
 *	returns
 * @settings: the binding driver's choices, set by vfio_pci_core_probe()
 *
 * Embedded first in the device structure of each driver of the core.
 */
struct vfio_pci_core_device {
	struct vfio_device vdev;
	struct pci_dev *pdev;
	struct vfio_pci_settings settings;

	/* private: the core's state, described with its locks in
	 * drivers/vfio/pci/vfio_pci_private.h ("struct vfio_pci_core_device:
	 * the core's members"); a driver of the core never touches it.
	 */
	struct rw_semaphore memory_lock;	/* protects mem_enabled */
	bool mem_enabled;
	struct mutex cfg_lock;		/* protects vconfig, pm_saved */
	struct vfio_pci_vconfig *vconfig;
	struct mutex bar_lock;		/* protects barmap, ROM decode */
	void __iomem *barmap[PCI_STD_NUM_BARS];
	struct pci_saved_state *saved_state;
	struct pci_saved_state *pm_saved;
	bool bar_mmap[PCI_STD_NUM_BARS];
	struct resource *subpage_tail[PCI_STD_NUM_BARS];
	bool reset_works;
	bool needs_reset;		/* under vdev.dev_set->lock */
	bool reset_pending;		/* under vdev.dev_set->lock */
	int msix_bar;
	u32 msix_offset;
	u32 msix_size;
	struct mutex igate;		/* protects the interrupt setup */
	int irq_type;
	struct eventfd_ctx *intx_trigger;
	struct vfio_pci_irq_ctx *irq_ctx;
	unsigned int num_ctx;
	unsigned int msi_enabled;
	u8 msi_qmax;
	bool pci_2_3;
	bool has_dyn_msix;
	struct eventfd_ctx *err_trigger;
	struct eventfd_ctx *req_trigger;
	spinlock_t irqlock;		/* protects the INTx mask state */
	bool intx_masked;
	bool intx_user_disabled;
	struct mutex ioeventfds_lock;	/* protects ioeventfds */
	struct list_head ioeventfds;
	unsigned int num_ioeventfds;
	struct mutex pm_lock;		/* protects the low power request */
	bool pm_engaged;		/* under pm_lock, set in memory_lock */
	struct eventfd_ctx *pm_wake;	/* under pm_lock */
	bool pm_intx_masked;
	struct vfio_pci_vf_token *vf_token;
	struct notifier_block sriov_nb;
	struct list_head sriov_pfs_item;
	struct vfio_pci_core_device *sriov_pf;
	bool sriov_hold_d0;		/* under memory_lock */
	struct vfio_pci_region *regions;	/* changed by open, close */
	unsigned int num_regions;
};

/**
 * to_vfio_pci_core() - the core device around a VFIO device
 * @vdev: a device of a driver of the core
 *
 * Return: the &struct vfio_pci_core_device embedding @vdev.
 */
static inline struct vfio_pci_core_device *
to_vfio_pci_core(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_pci_core_device, vdev);
}

/*
 * VFIO_PCI_CORE_TOKEN_OP - the VF token check of the cdev bind, in an ops
 * table: &vfio_device_ops.match_token_uuid exists where the VFIO core
 * takes a token with VFIO_DEVICE_BIND_FLAG_TOKEN. Built against a kernel
 * without it (a distribution's, through DKMS), the table has no such
 * member and a cdev open is checked as that kernel's VFIO core checks it.
 */
#ifdef VFIO_DEVICE_BIND_FLAG_TOKEN
#define VFIO_PCI_CORE_TOKEN_OP \
	.match_token_uuid = vfio_pci_core_match_token_uuid,
#else
#define VFIO_PCI_CORE_TOKEN_OP
#endif

/*
 * VFIO_PCI_CORE_DEVICE_OPS - every &struct vfio_device_ops callback of a
 * core device: the body of a driver's ops table after its .name. A driver
 * overriding one names its own after this list (a designated initializer
 * given twice takes the last value; such a table is built with
 * -Wno-override-init, or written out in full).
 */
#define VFIO_PCI_CORE_DEVICE_OPS \
	.init = vfio_pci_core_init_dev, \
	.release = vfio_pci_core_release_dev, \
	.open_device = vfio_pci_core_open_device, \
	.close_device = vfio_pci_core_close_device, \
	.ioctl = vfio_pci_core_ioctl, \
	.read = vfio_pci_core_read, \
	.write = vfio_pci_core_write, \
	.mmap = vfio_pci_core_mmap, \
	.request = vfio_pci_core_request, \
	.match = vfio_pci_core_match, \
	VFIO_PCI_CORE_TOKEN_OP \
	.device_feature = vfio_pci_core_ioctl_feature, \
	.bind_iommufd = vfio_iommufd_physical_bind, \
	.unbind_iommufd = vfio_iommufd_physical_unbind, \
	.attach_ioas = vfio_iommufd_physical_attach_ioas, \
	.detach_ioas = vfio_iommufd_physical_detach_ioas

/* Lifecycle (vfio_pci_core.c) */
struct vfio_pci_core_device *
_vfio_pci_core_probe(struct pci_dev *pdev, size_t size,
		     const struct vfio_device_ops *ops,
		     const struct vfio_pci_settings *settings);
void vfio_pci_core_remove(struct pci_dev *pdev);
int vfio_pci_core_register_device(struct vfio_pci_core_device *vdev);
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *vdev);

/*
 * __vfio_pci_core_first - 0, or a build error unless @p, the address of a
 * member in a structure at address 0, is a &struct vfio_pci_core_device
 * at offset 0
 */
#define __vfio_pci_core_first(p)					\
	(BUILD_BUG_ON_ZERO(!__builtin_types_compatible_p(typeof(p),	\
				struct vfio_pci_core_device *)) +	\
	 BUILD_BUG_ON_ZERO((unsigned long)(p)))

/**
 * vfio_pci_core_probe() - allocate and register the device of a driver
 * @pdev: the PCI function being probed
 * @type: the driver's device structure, whose first member is its
 *	&struct vfio_pci_core_device, named core
 * @ops: the driver's VFIO callbacks
 * @settings: the driver's choices for this device, copied
 *
 * Fails to build when @type's member core is not a &struct
 * vfio_pci_core_device at offset 0. See _vfio_pci_core_probe().
 *
 * Context: the driver's probe; may sleep.
 * Return: the driver's new device, or an ERR_PTR().
 */
#define vfio_pci_core_probe(pdev, type, ops, settings)			\
	((type *)_vfio_pci_core_probe(pdev, sizeof(type) +		\
		__vfio_pci_core_first(&((type *)NULL)->core), ops, settings))

/* &struct vfio_device_ops callbacks (vfio_pci_core.c and its parts) */
int vfio_pci_core_init_dev(struct vfio_device *core_vdev);
void vfio_pci_core_release_dev(struct vfio_device *core_vdev);
int vfio_pci_core_open_device(struct vfio_device *core_vdev);
void vfio_pci_core_close_device(struct vfio_device *core_vdev);
long vfio_pci_core_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg);
ssize_t vfio_pci_core_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos);
ssize_t vfio_pci_core_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count, loff_t *ppos);
int vfio_pci_core_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma);
void vfio_pci_core_request(struct vfio_device *core_vdev, unsigned int count);
int vfio_pci_core_match(struct vfio_device *core_vdev, char *buf);
int vfio_pci_core_match_token_uuid(struct vfio_device *core_vdev,
				   const uuid_t *uuid);
int vfio_pci_core_ioctl_feature(struct vfio_device *core_vdev, u32 flags,
				void __user *arg, size_t argsz);

/* An open in two steps, for a driver with work of its own in between */
int vfio_pci_core_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev);
void vfio_pci_core_disable(struct vfio_pci_core_device *vdev);

/* &struct pci_driver parts */
extern const struct dev_pm_ops vfio_pci_core_pm_ops;
extern const struct pci_error_handlers vfio_pci_core_err_handlers;
int vfio_pci_core_runtime_suspend(struct device *dev);
int vfio_pci_core_runtime_resume(struct device *dev);
pci_ers_result_t vfio_pci_core_aer_err_detected(struct pci_dev *pdev,
						pci_channel_state_t state);
int vfio_pci_core_sriov_configure(struct vfio_pci_core_device *vdev,
				  int nr_virtfn);

/* Regions of the driver (vfio_pci_regions.c) */
int vfio_pci_core_add_region(struct vfio_pci_core_device *vdev,
			     const struct vfio_pci_region *region);

/* Kernel access to the device's BARs (vfio_pci_rdwr.c, vfio_pci_mmap.c) */
void __iomem *vfio_pci_core_bar_iomap(struct vfio_pci_core_device *vdev,
				      unsigned int bar);
int vfio_pci_core_decode_read_lock(struct vfio_pci_core_device *vdev);
void vfio_pci_core_decode_read_unlock(struct vfio_pci_core_device *vdev);

/**
 * vfio_pci_core_setup_barmap() - claim and map a BAR on its first use
 * @vdev: an open device
 * @bar: BAR number
 *
 * vfio_pci_core_bar_iomap() for a driver that then reads the mapping from
 * &vfio_pci_core_device.barmap.
 *
 * Context: process; may sleep.
 * Return: 0, or -errno.
 */
static inline int vfio_pci_core_setup_barmap(struct vfio_pci_core_device *vdev,
					     int bar)
{
	return PTR_ERR_OR_ZERO((__force void *)vfio_pci_core_bar_iomap(vdev, bar));
}

/*
 * vfio_pci_core_ioread{8,16,32,64}(), vfio_pci_core_iowrite{8,16,32,64}():
 * one access to a BAR mapping, for a driver that handles part of a region
 * itself. The value holds the device's bytes in their memory order (a
 * little-endian register reads as its value on a little-endian CPU).
 * With @test_mem the access is made under the decode lock and refused
 * while the device does not decode memory. Context: process, the device
 * kept awake (a callback of the device fd); may sleep. Return: 0, or -EIO
 * with nothing accessed.
 */
#define __VFIO_PCI_CORE_IO(size, type, rd, wr)				\
static inline int							\
vfio_pci_core_ioread##size(struct vfio_pci_core_device *vdev,		\
			   bool test_mem, type *val, void __iomem *io) \
{									\
	if (test_mem && vfio_pci_core_decode_read_lock(vdev))		\
		return -EIO;						\
	*val = rd(io);							\
	if (test_mem)							\
		vfio_pci_core_decode_read_unlock(vdev);			\
	return 0;							\
}									\
static inline int							\
vfio_pci_core_iowrite##size(struct vfio_pci_core_device *vdev,		\
			    bool test_mem, type val, void __iomem *io) \
{									\
	if (test_mem && vfio_pci_core_decode_read_lock(vdev))		\
		return -EIO;						\
	wr(val, io);							\
	if (test_mem)							\
		vfio_pci_core_decode_read_unlock(vdev);			\
	return 0;							\
}

/*
 * VFIO_PCI_CORE_IO64 - 1 where the architecture has single 64-bit MMIO
 * accesses (and vfio_pci_core_ioread64()/iowrite64() exist), else 0
 */
__VFIO_PCI_CORE_IO(8, u8, ioread8, iowrite8)
#ifdef __LITTLE_ENDIAN
__VFIO_PCI_CORE_IO(16, u16, ioread16, iowrite16)
__VFIO_PCI_CORE_IO(32, u32, ioread32, iowrite32)
#if defined(ioread64) && defined(iowrite64)
#define VFIO_PCI_CORE_IO64 1
__VFIO_PCI_CORE_IO(64, u64, ioread64, iowrite64)
#endif
#else
__VFIO_PCI_CORE_IO(16, u16, ioread16be, iowrite16be)
__VFIO_PCI_CORE_IO(32, u32, ioread32be, iowrite32be)
#if defined(ioread64be) && defined(iowrite64be)
#define VFIO_PCI_CORE_IO64 1
__VFIO_PCI_CORE_IO(64, u64, ioread64be, iowrite64be)
#endif
#endif
#ifndef VFIO_PCI_CORE_IO64
#define VFIO_PCI_CORE_IO64 0
#endif

/**
 * enum vfio_pci_io_width - the widest access of vfio_pci_core_do_io_rw()
 * @VFIO_PCI_IO_WIDTH_1: bytes only
 * @VFIO_PCI_IO_WIDTH_2: up to 16 bits
 * @VFIO_PCI_IO_WIDTH_4: up to 32 bits
 * @VFIO_PCI_IO_WIDTH_8: up to 64 bits where %VFIO_PCI_CORE_IO64, else 32
 */
enum vfio_pci_io_width {
	VFIO_PCI_IO_WIDTH_1 = 1,
	VFIO_PCI_IO_WIDTH_2 = 2,
	VFIO_PCI_IO_WIDTH_4 = 4,
	VFIO_PCI_IO_WIDTH_8 = 8,
};

ssize_t vfio_pci_core_do_io_rw(struct vfio_pci_core_device *vdev,
			       bool test_mem, void __iomem *io,
			       char __user *buf, loff_t off, size_t count,
			       size_t x_start, size_t x_end, bool iswrite,
			       enum vfio_pci_io_width max_width);

/**
 * vfio_pci_core_range_intersect_range() - the overlap of an access and a
 *	register
 * @buf_start: offset of the access
 * @buf_cnt: its bytes
 * @reg_start: offset of the register
 * @reg_cnt: its bytes
 * @buf_offset: set to where the overlap starts in the access
 * @intersect_count: set to the bytes of the overlap
 * @register_offset: set to where the overlap starts in the register
 *
 * For a driver that emulates a register of config space or of a BAR:
 * which bytes of an access of the user fall on it.
 *
 * Return: true, with the three outputs set, when they overlap.
 */
static inline bool
vfio_pci_core_range_intersect_range(loff_t buf_start, size_t buf_cnt,
				    loff_t reg_start, size_t reg_cnt,
				    loff_t *buf_offset,
				    size_t *intersect_count,
				    size_t *register_offset)
{
	loff_t start = max(buf_start, reg_start);
	loff_t end = min(buf_start + (loff_t)buf_cnt,
			 reg_start + (loff_t)reg_cnt);

	if (start >= end)
		return false;
	*buf_offset = start - buf_start;
	*intersect_count = end - start;
	*register_offset = start - reg_start;
	return true;
}

#endif /* _LINUX_VFIO_PCI_CORE_H */
