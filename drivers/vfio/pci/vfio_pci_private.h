/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio_pci_core's own types and functions, shared by its files; drivers
 * of the core use include/linux/vfio_pci_core.h only.
 */
#ifndef VFIO_PCI_PRIVATE_H
#define VFIO_PCI_PRIVATE_H

#include <linux/interrupt.h>
#include <linux/vfio_pci_core.h>

/**
 * DOC: lock order
 *
 * Taken outermost first; a lock is never taken while one below it is held:
 *
 * 1. &vfio_device_set.lock, owned by the VFIO core, held around
 *    open_device() and close_device().
 * 2. &vfio_pci_core_device.igate, the interrupt setup (SET_IRQS), and
 *    &vfio_pci_core_device.ioeventfds_lock, the ioeventfd list; never
 *    held together.
 * 3. the mmap_lock of a process, held by the MM around mmap() and around
 *    the fault handlers of BAR mappings.
 * 4. &vfio_pci_core_device.memory_lock, the device's memory decode: read
 *    around every access to BAR memory, write around every change that
 *    may turn decode off. A slot or bus reset takes it for write on every
 *    member of the device set, nested under the set's lock. Taken only
 *    through the vfio_pci_*decode_*() functions of vfio_pci_mmap.c.
 * 5. &vfio_pci_core_device.cfg_lock, the virtual config space.
 * 6. &vfio_pci_core_device.bar_lock, the lazily created BAR mappings.
 * 7. &vfio_pci_core_device.irqlock, a spinlock: the INTx mask state,
 *    also taken by the INTx handler.
 * 8. leaf mutexes of SR-IOV (vfio_pci_sriov.c): the list of PFs whose
 *    VFs the core enabled, and each PF's VF token lock.
 * 9. &vfio_pci_core_device.pm_lock, the user's low power request: a leaf
 *    mutex, taken inside memory_lock and by the runtime resume callback.
 *
 * The runtime PM callbacks (vfio_pci_power.c) nest none of these: the
 * suspend callback takes memory_lock and releases it before it takes
 * irqlock, so no synchronous runtime suspend is made with memory_lock or
 * a lock below it held; the resume callback takes pm_lock and releases
 * it before it takes irqlock, and takes nothing else: the PCI core
 * resumes devices with pci_bus_sem held (the AER core's recovery), which
 * a reset takes inside memory_lock. A PF's device lock, held by the
 * driver core around probe, remove and sriov_configure, comes before all
 * of these; so do a driver's own locks that it holds around calls into
 * the core (mlx5_vfio_pci.c and the sample driver document theirs).
 *
 * No user copy is done with memory_lock held: the user buffer may itself
 * be a mapping of a BAR, whose fault would take memory_lock again.
 *
 * A slot or bus reset takes pci_bus_sem inside the members' memory_lock.
 * The PCI error handler (error_detected), called under the device lock
 * and pci_bus_sem, and the VFIO core's request, called under the device
 * lock of an unbind or a removal, take none of the locks above: they read
 * the ERR and REQ eventfds under RCU.
 */

/**
 * enum vfio_pci_cfg_act - what the kernel does for a config write
 * @VFIO_PCI_ACT_NONE: nothing beyond the rule's bits
 * @VFIO_PCI_ACT_COMMAND: memory decode follows the written enable bit,
 *	the INTx mask the virtual INTx-disable bit
 * @VFIO_PCI_ACT_POWER: the kernel moves the device to the written power
 *	state
 * @VFIO_PCI_ACT_EXP_DEVCTL: a PCIe function level reset when the FLR bit
 *	is written, and the read request size set by the kernel
 * @VFIO_PCI_ACT_AF_FLR: a function level reset through the AF capability
 * @VFIO_PCI_ACT_VPD: a VPD read or write through the PCI core
 * @VFIO_PCI_ACT_MSI: the MSI enable and queue size userspace wrote are
 *	kept within what VFIO_DEVICE_SET_IRQS set up
 */
enum vfio_pci_cfg_act {
	VFIO_PCI_ACT_NONE,
	VFIO_PCI_ACT_COMMAND,
	VFIO_PCI_ACT_POWER,
	VFIO_PCI_ACT_EXP_DEVCTL,
	VFIO_PCI_ACT_AF_FLR,
	VFIO_PCI_ACT_VPD,
	VFIO_PCI_ACT_MSI,
};

/**
 * struct vfio_pci_cfg_dword - access rules for one dword of config space
 * @virt: bits served from the virtual image
 * @wr_virt: bits userspace writes into the image
 * @wr_hw: bits userspace writes through to the device
 * @rw1c: write-1-to-clear bits of the device userspace may not clear
 *	(never in @wr_hw): written 0 when the dword is written, so they stay
 * @act_mask: bits whose write makes the kernel carry out @act
 * @act: what the kernel does when userspace writes a bit of @act_mask
 */
struct vfio_pci_cfg_dword {
	u32 virt;
	u32 wr_virt;
	u32 wr_hw;
	u32 rw1c;
	u32 act_mask;
	enum vfio_pci_cfg_act act;
};

/**
 * struct vfio_pci_cap_type - a capability userspace may see
 * @id: PCI_CAP_ID_* or PCI_EXT_CAP_ID_*
 * @size: size in bytes, or 0 when @size_fn computes it
 * @size_fn: size of a variable-length capability at @pos of @image, whose
 *	first @end bytes hold config space; it reads nothing past them and
 *	returns 0 (no capability) when its size field lies there
 * @dwords: access rules of its first @ndwords dwords; the rest read the
 *	device and ignore writes
 * @ndwords: number of entries in @dwords
 * @rule_fn: when set, gives the rule of dword @idx instead of @dwords
 */
struct vfio_pci_cap_type {
	u16 id;
	u16 size;
	unsigned int (*size_fn)(const u8 *image, unsigned int pos,
				unsigned int end);
	const struct vfio_pci_cfg_dword *dwords;
	u8 ndwords;
	const struct vfio_pci_cfg_dword *(*rule_fn)(const u8 *image,
						    unsigned int pos,
						    unsigned int idx);
};

/**
 * struct vfio_pci_cap - a capability found in config space
 * @type: what userspace sees of it; NULL when it is hidden
 * @start: offset of its header
 * @size: bytes it covers
 */
struct vfio_pci_cap {
	const struct vfio_pci_cap_type *type;
	u16 start;
	u16 size;
};

/**
 * struct vfio_pci_cfg_hw - how the config-space emulation reaches a device
 * @read: read @len (1, 2 or 4) bytes at @off into @val; 0 or -errno
 * @write: write the low @len bytes of @val at @off; 0 or -errno
 * @set_power: move the device to the power state @state, the value of
 *	the PM control register's field (0 for D0 to 3 for D3hot); 0 or -errno
 * @reset: reset the function alone; 0 or -errno
 * @set_readrq: set the PCIe max read request size, in bytes, to what the
 *	platform allows at most
 * @vpd_read: read the VPD dword at @addr
 * @vpd_write: write the VPD dword at @addr
 * @intx_disable: userspace set or cleared the virtual INTx-disable bit
 * @msi_limits: whether MSI is enabled through VFIO_DEVICE_SET_IRQS, and
 *	the largest queue size (log2 of vectors) it was enabled with
 *
 * A real device uses the PCI core's user config accessors and services;
 * the KUnit suites plug in a config image held in memory.
 */
struct vfio_pci_cfg_hw {
	int (*read)(void *priv, unsigned int off, unsigned int len, u32 *val);
	int (*write)(void *priv, unsigned int off, unsigned int len, u32 val);
	int (*set_power)(void *priv, u8 state);
	int (*reset)(void *priv);
	void (*set_readrq)(void *priv, int bytes);
	int (*vpd_read)(void *priv, unsigned int addr, u32 *val);
	int (*vpd_write)(void *priv, unsigned int addr, u32 val);
	void (*intx_disable)(void *priv, bool disable);
	void (*msi_limits)(void *priv, bool *enabled, u8 *qmax);
};

/**
 * struct vfio_pci_vconfig - the config space that userspace sees
 * @image: virtual copy of config space, @size bytes, little endian; holds
 *	the values of every virtualized field
 * @size: 256 for conventional PCI, 4096 with extended config space
 * @bar_mask: per BAR dword, the address bits userspace may write; zero for
 *	an unimplemented BAR and for the upper half of a 64-bit BAR of
 *	less than 4 GiB
 * @bar_fixed: per BAR dword, the read-only type bits (IO, 64-bit,
 *	prefetchable)
 * @rom_mask: writable bits of the expansion ROM BAR, zero without a ROM
 * @hw: accessors of the device behind this view
 * @hw_priv: argument for @hw
 * @owner: per dword past the header, 1 + the index in @caps of the
 *	capability covering it, or 0
 * @caps: capabilities of both chains, in the order they were found
 * @ncaps: entries used in @caps
 * @max_caps: entries allocated in @caps
 * @cmd_mem_virt: memory enable of the command register is emulated, for a
 *	function whose hardware bit does nothing (an SR-IOV VF)
 */
struct vfio_pci_vconfig {
	u8 *image;
	unsigned int size;
	u32 bar_mask[PCI_STD_NUM_BARS];
	u32 bar_fixed[PCI_STD_NUM_BARS];
	u32 rom_mask;
	const struct vfio_pci_cfg_hw *hw;
	void *hw_priv;
	u8 *owner;
	struct vfio_pci_cap *caps;
	unsigned int ncaps;
	unsigned int max_caps;
	bool cmd_mem_virt;
};

/**
 * struct vfio_pci_irq_ctx - one interrupt vector userspace takes
 * @trigger: eventfd signalled when the MSI or MSI-X vector fires, or NULL
 *	(INTx keeps its own, &vfio_pci_core_device.intx_trigger)
 * @unmask: for INTx, the eventfd whose writes unmask the line
 * @name: the name its handler is registered under
 * @irq: its Linux interrupt number, valid while @trigger is set (INTx:
 *	while enabled)
 */
struct vfio_pci_irq_ctx {
	struct eventfd_ctx *trigger;
	struct virqfd *unmask;
	char *name;
	int irq;
};

/**
 * DOC: struct vfio_pci_core_device: the core's members
 *
 * The members of &struct vfio_pci_core_device past its public part
 * (include/linux/vfio_pci_core.h) belong to the core:
 *
 * @memory_lock: orders BAR memory accesses against changes of memory
 *	decode (see "BAR mappings and memory decode" in vfio_pci_mmap.c)
 * @mem_enabled: the device decodes its memory BARs; protected by
 *	@memory_lock, valid while the device is open
 * @cfg_lock: serializes access to @vconfig
 * @vconfig: the virtual config space, allocated by the open and freed by
 *	the close
 * @bar_lock: serializes creation and teardown of @barmap
 * @barmap: kernel mappings of the BARs, made on first access through the
 *	device fd and released when the device closes
 * @saved_state: config state of the device when it was opened, put back
 *	when it closes
 * @pm_saved: config state saved when userspace put the device in D3hot,
 *	put back when it returns to D0 having lost it; under @cfg_lock
 * @bar_mmap: per BAR, userspace may mmap it
 * @subpage_tail: per BAR smaller than a page, the reservation of the rest
 *	of its page while the device is open, or NULL
 * @reset_works: the device has a function reset, for VFIO_DEVICE_RESET
 * @needs_reset: the device may hold state of an earlier user, or of the
 *	driver it had before: set at probe and at open, cleared by a reset;
 *	under the device set's lock (see "device sets" in vfio_pci_reset.c)
 * @reset_pending: the device closed without a reset, which its slot or
 *	bus owes it once the set is closed; under the device set's lock
 * @msix_bar: BAR of the MSI-X table, or -1 without MSI-X
 * @msix_offset: offset of the MSI-X table in @msix_bar
 * @msix_size: bytes of the MSI-X table
 * @igate: serializes interrupt setup; protects the members below up to
 *	@req_trigger, except where irqlock is named
 * @irq_type: the enabled interrupt type, VFIO_PCI_*_IRQ_INDEX, or
 *	VFIO_PCI_NUM_IRQS for none; written under @irqlock too
 * @intx_trigger: eventfd of the INTx line, or NULL; read under RCU
 * @irq_ctx: @num_ctx vector contexts of the enabled type
 * @num_ctx: entries of @irq_ctx
 * @msi_enabled: MSI or MSI-X vectors allocated when the type was enabled
 * @msi_qmax: log2 of the MSI vectors last enabled, the queue size
 *	userspace may see
 * @pci_2_3: INTx is masked with the device's INTx-disable bit
 * @has_dyn_msix: MSI-X vectors can be added to an enabled table
 * @err_trigger: eventfd of the error notification, or NULL; read under RCU
 * @req_trigger: eventfd of the device request, or NULL; read under RCU
 * @irqlock: protects @intx_masked and @intx_user_disabled
 * @intx_masked: the INTx line is masked
 * @intx_user_disabled: userspace set the virtual INTx-disable bit
 * @ioeventfds_lock: protects @ioeventfds and @num_ioeventfds
 * @ioeventfds: the device's &struct vfio_pci_ioeventfd entries
 * @num_ioeventfds: entries in @ioeventfds
 * @pm_lock: protects @pm_engaged and @pm_wake
 * @pm_engaged: userspace asked the open device to sleep and gave up the
 *	open's runtime PM usage count; set under @memory_lock (write) and
 *	@pm_lock, cleared under @pm_lock; read under either
 * @pm_wake: eventfd signalled when the device wakes by itself and the
 *	request to sleep ends, or NULL; under @pm_lock
 * @pm_intx_masked: the runtime suspend masked INTx, the resume unmasks
 *	it; only touched by those callbacks, which the PM core serializes
 * @vf_token: a PF's VF token, or NULL for other devices
 * @sriov_nb: a PF's watch on the PCI bus for the VFs it creates
 * @sriov_pfs_item: a PF's entry on the list of PFs whose VFs the core
 *	enabled, empty while it has none
 * @sriov_pf: a VF's PF, when the core enabled the VF; else NULL
 * @sriov_hold_d0: a PF whose VFs the core enabled stays in D0, whatever
 *	userspace writes to its PM capability; under @memory_lock
 * @regions: the regions the driver added while the device opened (see
 *	"device regions" in vfio_pci_regions.c), @num_regions of them
 * @num_regions: entries of @regions
 */

/**
 * vfio_pci_chunk_len() - size of the next access of a user transfer
 * @pos: position in the region
 * @left: bytes still to transfer
 *
 * Device registers are accessed with naturally aligned 1, 2 or 4 byte
 * operations; a transfer is cut into the largest such pieces.
 *
 * Return: 4, 2 or 1.
 */
static inline unsigned int vfio_pci_chunk_len(loff_t pos, size_t left)
{
	if (left >= 4 && !(pos & 3))
		return 4;
	if (left >= 2 && !(pos & 1))
		return 2;
	return 1;
}

/*
 * INTx is there to offer when the function has a pin and the platform
 * routed it: a line number other than 0 and IRQ_NOTCONNECTED.
 */
static inline bool vfio_pci_has_intx(struct pci_dev *pdev)
{
	return pdev->pin && pdev->irq && pdev->irq != IRQ_NOTCONNECTED;
}

/* Runtime PM and the low power features (vfio_pci_power.c) */
void vfio_pci_pm_register(struct vfio_pci_core_device *vdev);
void vfio_pci_pm_unregister(struct vfio_pci_core_device *vdev);
int vfio_pci_pm_get(struct vfio_pci_core_device *vdev);
void vfio_pci_pm_put(struct vfio_pci_core_device *vdev);
int vfio_pci_pm_open(struct vfio_pci_core_device *vdev);
void vfio_pci_pm_close(struct vfio_pci_core_device *vdev);
void vfio_pci_pm_release(struct vfio_pci_core_device *vdev);
int vfio_pci_pm_feature(struct vfio_pci_core_device *vdev, u32 flags,
			void __user *arg, size_t argsz);
int vfio_pci_pm_get_set(struct vfio_device_set *set);
void vfio_pci_pm_put_set(struct vfio_device_set *set);

/* SR-IOV and the VF token (vfio_pci_sriov.c) */
int vfio_pci_sriov_register(struct vfio_pci_core_device *vdev);
void vfio_pci_sriov_unregister(struct vfio_pci_core_device *vdev);
int vfio_pci_vf_token_check(struct vfio_pci_core_device *vdev,
			    const uuid_t *token);
void vfio_pci_vf_token_use(struct vfio_pci_core_device *vdev, bool open);
int vfio_pci_vf_token_feature(struct vfio_pci_core_device *vdev, u32 flags,
			      void __user *arg, size_t argsz);

/* Resets and device sets (vfio_pci_reset.c) */
int vfio_pci_devset_assign(struct vfio_pci_core_device *vdev);
long vfio_pci_ioctl_reset(struct vfio_pci_core_device *vdev);
long vfio_pci_ioctl_hot_reset_info(struct vfio_pci_core_device *vdev,
				   void __user *arg);
long vfio_pci_ioctl_hot_reset(struct vfio_pci_core_device *vdev,
			      void __user *arg);
int vfio_pci_reset_on_open(struct vfio_pci_core_device *vdev);
void vfio_pci_reset_on_close(struct vfio_pci_core_device *vdev);
void vfio_pci_reset_before_vfs(struct vfio_pci_core_device *vdev);

/* Regions of the driver (vfio_pci_regions.c) */
void vfio_pci_regions_close(struct vfio_pci_core_device *vdev);
int vfio_pci_region_info(struct vfio_pci_core_device *vdev,
			 struct vfio_region_info *info,
			 struct vfio_info_cap *caps);
ssize_t vfio_pci_region_rw(struct vfio_pci_core_device *vdev,
			   unsigned int index, char __user *buf, size_t count,
			   loff_t pos, bool write);
int vfio_pci_region_mmap(struct vfio_pci_core_device *vdev, unsigned int index,
			 struct vm_area_struct *vma);

/* Device information ioctls (vfio_pci_info.c) */
long vfio_pci_ioctl_get_info(struct vfio_pci_core_device *vdev,
			     void __user *arg);
long vfio_pci_ioctl_get_region_info(struct vfio_pci_core_device *vdev,
				    void __user *arg);
long vfio_pci_ioctl_get_irq_info(struct vfio_pci_core_device *vdev,
				 void __user *arg);
unsigned int vfio_pci_irq_count(struct vfio_pci_core_device *vdev,
				unsigned int index);
void vfio_pci_msix_locate(struct vfio_pci_core_device *vdev);

/* Interrupts: vectors, eventfds, MSI and MSI-X (vfio_pci_intrs.c) */

/* &vfio_pci_core_device.irq_type when no type is enabled */
#define VFIO_PCI_IRQ_NONE	VFIO_PCI_NUM_IRQS

static inline bool vfio_pci_irq_is(struct vfio_pci_core_device *vdev,
				   int type)
{
	return vdev->irq_type == type;
}

/* A DATA_NONE or DATA_BOOL action applies when unconditional or true. */
static inline bool vfio_pci_irq_action_wanted(u32 flags, const void *data)
{
	if (flags & VFIO_IRQ_SET_DATA_BOOL)
		return *(const u8 *)data;
	return true;
}

long vfio_pci_ioctl_set_irqs(struct vfio_pci_core_device *vdev,
			     void __user *arg);
void vfio_pci_irqs_open(struct vfio_pci_core_device *vdev);
void vfio_pci_irqs_close(struct vfio_pci_core_device *vdev);
int vfio_pci_irq_ctx_alloc(struct vfio_pci_core_device *vdev, unsigned int n);
void vfio_pci_irq_ctx_free(struct vfio_pci_core_device *vdev);
struct eventfd_ctx *vfio_pci_trigger_get(s32 fd);
bool vfio_pci_trigger_signal(struct eventfd_ctx **slot);
void vfio_pci_trigger_replace(struct eventfd_ctx **slot,
			      struct eventfd_ctx *trigger);
void vfio_pci_msi_limits(struct vfio_pci_core_device *vdev, bool *enabled,
			 u8 *qmax);

/* INTx (vfio_pci_intx.c) */
int vfio_pci_set_intx(struct vfio_pci_core_device *vdev, u32 action,
		      unsigned int count, u32 flags, const void *data);
void vfio_pci_intx_disable(struct vfio_pci_core_device *vdev);
void vfio_pci_intx_user_disable(struct vfio_pci_core_device *vdev,
				bool disable);
bool vfio_pci_intx_pm_mask(struct vfio_pci_core_device *vdev);
void vfio_pci_intx_pm_unmask(struct vfio_pci_core_device *vdev);

/* ioeventfds (vfio_pci_ioeventfd.c) */
long vfio_pci_ioctl_ioeventfd(struct vfio_pci_core_device *vdev,
			      void __user *arg);
void vfio_pci_ioeventfds_close(struct vfio_pci_core_device *vdev);

/* Config-space emulation (vfio_pci_config.c) */
#if IS_ENABLED(CONFIG_KUNIT)
/* The device-independent model, visible to the KUnit suite only. */
int vfio_pci_vconfig_init(struct vfio_pci_vconfig *vc, unsigned int size,
			  const struct vfio_pci_cfg_hw *hw, void *hw_priv);
void vfio_pci_vconfig_free(struct vfio_pci_vconfig *vc);
void vfio_pci_vconfig_set_bar(struct vfio_pci_vconfig *vc, unsigned int bar,
			      u64 len, unsigned long flags);
void vfio_pci_vconfig_set_rom(struct vfio_pci_vconfig *vc, u64 len);
int vfio_pci_vconfig_read(struct vfio_pci_vconfig *vc, unsigned int off,
			  unsigned int len, u32 *val);
int vfio_pci_vconfig_write(struct vfio_pci_vconfig *vc, unsigned int off,
			   unsigned int len, u32 val);
const struct vfio_pci_cfg_dword *vfio_pci_header_rules(unsigned int *n);
const struct vfio_pci_cap_type *vfio_pci_caps_types(bool ext, unsigned int *n);
#endif
int vfio_pci_config_open(struct vfio_pci_core_device *vdev);
/* Capability chains (vfio_pci_caps.c) */
int vfio_pci_caps_init(struct vfio_pci_vconfig *vc);
void vfio_pci_caps_free(struct vfio_pci_vconfig *vc);
const struct vfio_pci_cfg_dword *
vfio_pci_caps_rule(const struct vfio_pci_vconfig *vc, unsigned int off);
int vfio_pci_caps_act(struct vfio_pci_vconfig *vc, unsigned int off,
		      const struct vfio_pci_cfg_dword *rule, u32 val, u32 lanes);
void vfio_pci_config_close(struct vfio_pci_core_device *vdev);
void vfio_pci_config_wake(struct vfio_pci_core_device *vdev);
ssize_t vfio_pci_config_rw(struct vfio_pci_core_device *vdev,
			   char __user *buf, size_t count, loff_t pos,
			   bool write);

/* BAR and ROM access through the device fd (vfio_pci_rdwr.c) */
ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *vdev, unsigned int bar,
			char __user *buf, size_t count, loff_t pos,
			bool write);
ssize_t vfio_pci_rom_read(struct vfio_pci_core_device *vdev,
			  char __user *buf, size_t count, loff_t pos);
int vfio_pci_rom_region_size(struct vfio_pci_core_device *vdev, u64 *size);
ssize_t vfio_pci_io_rw(struct vfio_pci_core_device *vdev, void __iomem *io,
		       loff_t pos, char __user *buf, size_t count, bool is_mem,
		       bool write);

/* The legacy VGA region (vfio_pci_vga.c, with CONFIG_VFIO_PCI_VGA) */
#define VFIO_PCI_VGA_REGION_SIZE	0xc0000
#ifdef CONFIG_VFIO_PCI_VGA
bool vfio_pci_vga_offered(struct vfio_pci_core_device *vdev);
ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t pos, bool write);
#else
static inline bool vfio_pci_vga_offered(struct vfio_pci_core_device *vdev)
{
	return false;
}

static inline ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev,
				      char __user *buf, size_t count,
				      loff_t pos, bool write)
{
	return -EINVAL;
}
#endif
void vfio_pci_bars_unmap(struct vfio_pci_core_device *vdev);

/* BAR mmap and memory decode (vfio_pci_mmap.c) */
void vfio_pci_mmap_open(struct vfio_pci_core_device *vdev);
void vfio_pci_mmap_close(struct vfio_pci_core_device *vdev);
void vfio_pci_decode_refresh(struct vfio_pci_core_device *vdev);
void vfio_pci_decode_lock(struct vfio_pci_core_device *vdev, bool zap);
void vfio_pci_decode_lock_in_set(struct vfio_pci_core_device *vdev);
void vfio_pci_decode_unlock(struct vfio_pci_core_device *vdev);
u16 vfio_pci_decode_lock_on(struct vfio_pci_core_device *vdev);
void vfio_pci_decode_unlock_restore(struct vfio_pci_core_device *vdev,
				    u16 cmd);
void vfio_pci_decode_wake(struct vfio_pci_core_device *vdev);
void vfio_pci_decode_hold(struct vfio_pci_core_device *vdev);
int vfio_pci_decode_read_lock_awake(struct vfio_pci_core_device *vdev);
int vfio_pci_decode_read_trylock_awake(struct vfio_pci_core_device *vdev);

#endif /* VFIO_PCI_PRIVATE_H */
