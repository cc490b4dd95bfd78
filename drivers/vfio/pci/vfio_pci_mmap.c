// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR mmap: mappings filled page by page on fault, and the memory decode
 * they depend on.
 */

#include <linux/mm.h>
#include <linux/pfn_t.h>

#include "vfio_pci_private.h"

/**
 * DOC: BAR mappings and memory decode
 *
 * mmap() of a BAR maps nothing. Each fault inserts the page of the BAR it
 * touched, or a whole PMD or PUD where the mapping and the BAR's physical
 * address are aligned to one, so a large BAR faults in with few faults.
 * Because every page comes from a fault, the core can take all of them
 * back at once (unmap_mapping_range() on the device's inode, which covers
 * every open file of the device and every process that inherited a
 * mapping) whenever the device stops decoding memory: userspace cleared
 * memory enable in the command register, moved the device out of D0,
 * asked it to sleep (VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY), or reset it.
 * A fault while decode is off gets SIGBUS, a read or write of a
 * memory BAR through the fd -EIO; nothing reaches a device that would end
 * the access with an error on the bus. Once decode is back on, the next
 * access faults the pages in again.
 *
 * &vfio_pci_core_device.memory_lock, the decode lock, makes the check and
 * the access one step: faults and fd accesses hold it for read, every
 * change that may turn decode off holds it for write, zaps before the
 * change and sets &vfio_pci_core_device.mem_enabled from the device after
 * it. The core takes it only through the functions below, each named for
 * its form:
 *
 * - vfio_pci_core_decode_read_lock(), an access on behalf of the user
 *   from an ioctl, a read or a write (exported, for drivers too);
 *   vfio_pci_decode_read_lock_awake() for a fault, and
 *   vfio_pci_decode_read_trylock_awake() for an ioeventfd's wakeup, which
 *   cannot sleep; vfio_pci_decode_hold() for the kernel's own
 *   read-modify-write of the command register, whatever the decode; all
 *   end with vfio_pci_core_decode_read_unlock();
 * - vfio_pci_decode_lock(), a change that may turn decode off, and
 *   vfio_pci_decode_lock_in_set() for each member of a reset set; both end
 *   with vfio_pci_decode_unlock(), which reads decode back;
 * - vfio_pci_decode_lock_on(), the kernel's own access to BAR memory
 *   (the MSI-X table, the ROM) with decode forced on; it ends with
 *   vfio_pci_decode_unlock_restore();
 * - vfio_pci_decode_wake(), which brings a device the user put in D3hot
 *   back to D0 in one step.
 *
 * A BAR smaller than a page is offered for mmap only when it starts a
 * page and the rest of that page can be reserved while the device is open
 * (vfio_pci_mmap_open()), so no other device's BAR can be placed there
 * and become reachable through the mapping.
 */

/* Reserve the rest of the page a sub-page BAR starts, or fail. */
static struct resource *reserve_page_tail(struct pci_dev *pdev,
					  unsigned int bar)
{
	struct resource *res = pci_resource_n(pdev, bar), *tail;

	if (!PAGE_ALIGNED(res->start) || !res->parent)
		return NULL;
	tail = kzalloc(sizeof(*tail), GFP_KERNEL);
	if (!tail)
		return NULL;
	tail->name = "vfio sub-page reserved";
	tail->start = res->end + 1;
	tail->end = res->start + PAGE_SIZE - 1;
	tail->flags = res->flags;
	if (request_resource(res->parent, tail)) {
		kfree(tail);
		return NULL;
	}
	return tail;
}

/**
 * vfio_pci_mmap_open() - decide which BARs of an opening device map
 * @vdev: the device
 *
 * A memory BAR of at least a page, page aligned, maps; a smaller one maps
 * when the rest of its page could be reserved. Undone by
 * vfio_pci_mmap_close().
 */
void vfio_pci_mmap_open(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	unsigned int bar;
	resource_size_t len;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		len = pci_resource_len(pdev, bar);
		vdev->bar_mmap[bar] = false;
		if (!len || !(pci_resource_flags(pdev, bar) & IORESOURCE_MEM))
			continue;
		if (len >= PAGE_SIZE) {
			vdev->bar_mmap[bar] =
				PAGE_ALIGNED(pci_resource_start(pdev, bar));
			continue;
		}
		vdev->subpage_tail[bar] = reserve_page_tail(pdev, bar);
		vdev->bar_mmap[bar] = vdev->subpage_tail[bar];
	}
}

/**
 * vfio_pci_mmap_close() - release what vfio_pci_mmap_open() reserved
 * @vdev: the device, closed: no mapping of it is left
 */
void vfio_pci_mmap_close(struct vfio_pci_core_device *vdev)
{
	unsigned int bar;

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!vdev->subpage_tail[bar])
			continue;
		release_resource(vdev->subpage_tail[bar]);
		kfree(vdev->subpage_tail[bar]);
		vdev->subpage_tail[bar] = NULL;
	}
}

static void zap_bars(struct vfio_pci_core_device *vdev)
{
	loff_t start = VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_BAR0_REGION_INDEX);
	loff_t end = VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_BAR5_REGION_INDEX + 1);

	unmap_mapping_range(vdev->vdev.inode->i_mapping, start, end - start,
			    true);
}

/**
 * vfio_pci_decode_refresh() - read back whether the device decodes memory
 * @vdev: an open device; memory_lock held for write, or the device not yet
 *	reachable by userspace
 *
 * A VF decodes memory whenever it is in D0: its command register bit is
 * not its own (its PF's SR-IOV control enables VF memory).
 */
void vfio_pci_decode_refresh(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	u16 cmd = 0;

	if (pdev->current_state == PCI_D3hot ||
	    pdev->current_state == PCI_D3cold) {
		vdev->mem_enabled = false;
		return;
	}
	if (pdev->no_command_memory) {
		vdev->mem_enabled = true;
		return;
	}
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	vdev->mem_enabled = cmd & PCI_COMMAND_MEMORY;
}

/**
 * vfio_pci_decode_lock() - start a change that may turn memory decode off
 * @vdev: an open device
 * @zap: the change will turn decode off; mappings are zapped now
 *
 * Ends with vfio_pci_decode_unlock().
 */
void vfio_pci_decode_lock(struct vfio_pci_core_device *vdev, bool zap)
{
	down_write(&vdev->memory_lock);
	if (zap)
		zap_bars(vdev);
}

/**
 * vfio_pci_decode_lock_in_set() - vfio_pci_decode_lock() on a set member
 * @vdev: a member of a device set whose lock the caller holds; open or not
 *
 * For a reset of the whole set: zaps the mappings and takes memory_lock
 * of each member in turn, under the set lock. Ends with
 * vfio_pci_decode_unlock().
 */
void vfio_pci_decode_lock_in_set(struct vfio_pci_core_device *vdev)
{
	down_write_nest_lock(&vdev->memory_lock, &vdev->vdev.dev_set->lock);
	zap_bars(vdev);
}

/**
 * vfio_pci_decode_unlock() - end a change begun with vfio_pci_decode_lock()
 * @vdev: the device
 *
 * Reads decode back from the device. Should the change have turned it off
 * although it was not expected to, the mappings are zapped now.
 */
void vfio_pci_decode_unlock(struct vfio_pci_core_device *vdev)
{
	bool was = vdev->mem_enabled;

	vfio_pci_decode_refresh(vdev);
	if (was && !vdev->mem_enabled)
		zap_bars(vdev);
	up_write(&vdev->memory_lock);
}

/**
 * vfio_pci_decode_wake() - bring back to D0 a device userspace put in D3hot
 * @vdev: a device, open or not
 *
 * vfio_pci_config_wake() under the decode lock, for the close and the
 * runtime suspend. Decode is not read back: until the user writes the
 * power state or the command register again, the device stays refused to
 * its accesses, as it was in D3hot.
 */
void vfio_pci_decode_wake(struct vfio_pci_core_device *vdev)
{
	down_write(&vdev->memory_lock);
	vfio_pci_config_wake(vdev);
	up_write(&vdev->memory_lock);
}

/**
 * vfio_pci_decode_lock_on() - let the kernel reach BAR memory
 * @vdev: an open device
 *
 * For the kernel's own accesses to the device's memory (the MSI-X table,
 * the ROM) whatever state userspace left the function in: holds
 * memory_lock for write, so no user access or fault runs meanwhile,
 * brings a function userspace put in D3hot back to D0 with its state (a
 * function in D3hot decodes nothing; it stays in D0, as PMCSR then
 * reads) and turns memory decode on.
 *
 * Return: the command register as it was, for
 * vfio_pci_decode_unlock_restore().
 */
u16 vfio_pci_decode_lock_on(struct vfio_pci_core_device *vdev)
{
	u16 cmd = 0;

	down_write(&vdev->memory_lock);
	vfio_pci_config_wake(vdev);
	pci_read_config_word(vdev->pdev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MEMORY))
		pci_write_config_word(vdev->pdev, PCI_COMMAND,
				      cmd | PCI_COMMAND_MEMORY);
	return cmd;
}

/**
 * vfio_pci_decode_unlock_restore() - end vfio_pci_decode_lock_on()
 * @vdev: the device
 * @cmd: what vfio_pci_decode_lock_on() returned
 *
 * Turns memory decode back off when @cmd had it off; the other bits of
 * the command register keep what was written meanwhile (the PCI core
 * sets and clears INTx-disable as MSI goes on and off).
 */
void vfio_pci_decode_unlock_restore(struct vfio_pci_core_device *vdev,
				    u16 cmd)
{
	u16 now = 0;

	if (!(cmd & PCI_COMMAND_MEMORY)) {
		pci_read_config_word(vdev->pdev, PCI_COMMAND, &now);
		pci_write_config_word(vdev->pdev, PCI_COMMAND,
				      now & ~PCI_COMMAND_MEMORY);
	}
	/* a function woken from D3hot decodes again, as its COMMAND says */
	vfio_pci_decode_unlock(vdev);
}

/**
 * vfio_pci_core_decode_read_lock() - enter an access to BAR memory
 * @vdev: an open device
 *
 * Every access of the kernel to a BAR on behalf of userspace is made
 * inside this lock, which keeps the device's memory decode (and its
 * power state) from changing meanwhile; a device that does not decode is
 * never reached. A driver of the core does the same around its own
 * accesses, from a callback in which the VFIO core keeps the device awake
 * (an ioctl, a read or a write of the device fd).
 *
 * Context: process; may sleep; no lock of the device held.
 * Return: 0 with the decode lock held for read, to be released with
 * vfio_pci_core_decode_read_unlock(); -EIO, with nothing held, when the
 * device does not decode memory.
 */
int vfio_pci_core_decode_read_lock(struct vfio_pci_core_device *vdev)
{
	down_read(&vdev->memory_lock);
	if (vdev->mem_enabled)
		return 0;
	up_read(&vdev->memory_lock);
	return -EIO;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_decode_read_lock);

/* Decode on, and no request to sleep standing; the decode lock held. */
static bool decode_awake(struct vfio_pci_core_device *vdev)
{
	return vdev->mem_enabled && !READ_ONCE(vdev->pm_engaged);
}

/**
 * vfio_pci_decode_read_lock_awake() - enter an access that cannot wake it
 * @vdev: an open device
 *
 * For the accesses that do not keep the device awake themselves, a fault
 * of a BAR mapping and an ioeventfd's write: besides decode, they need the
 * device not to have been asked to sleep.
 *
 * Return: as vfio_pci_core_decode_read_lock().
 */
int vfio_pci_decode_read_lock_awake(struct vfio_pci_core_device *vdev)
{
	down_read(&vdev->memory_lock);
	if (decode_awake(vdev))
		return 0;
	up_read(&vdev->memory_lock);
	return -EIO;
}

/**
 * vfio_pci_decode_read_trylock_awake() - vfio_pci_decode_read_lock_awake()
 *	without sleeping
 * @vdev: an open device
 *
 * For an ioeventfd's write from the eventfd's wakeup.
 *
 * Context: any; does not sleep.
 * Return: 0 with the decode lock held for read; -EAGAIN, with nothing
 * held, when a writer holds it (the caller retries from process context);
 * -EIO as vfio_pci_decode_read_lock_awake().
 */
int vfio_pci_decode_read_trylock_awake(struct vfio_pci_core_device *vdev)
{
	if (!down_read_trylock(&vdev->memory_lock))
		return -EAGAIN;
	if (decode_awake(vdev))
		return 0;
	up_read(&vdev->memory_lock);
	return -EIO;
}

/**
 * vfio_pci_decode_hold() - keep resets and decode changes out
 * @vdev: an open device
 *
 * For the kernel's own read-modify-write of the command register outside
 * the decode lock's other forms: the INTx-disable bit, set and cleared by
 * SET_IRQS on INTx. A reset saves the register, clears it and writes it
 * back; a value read before that write and written after it would turn
 * memory decode off behind the lock's back. Holds memory_lock for read
 * whatever the decode, so the accesses themselves are not refused.
 * Ends with vfio_pci_core_decode_read_unlock().
 */
void vfio_pci_decode_hold(struct vfio_pci_core_device *vdev)
{
	down_read(&vdev->memory_lock);
}

/**
 * vfio_pci_core_decode_read_unlock() - leave an access to BAR memory
 * @vdev: the device, entered with vfio_pci_core_decode_read_lock(), one
 *	of its _awake forms or vfio_pci_decode_hold()
 *
 * Context: the decode lock held for read.
 */
void vfio_pci_core_decode_read_unlock(struct vfio_pci_core_device *vdev)
{
	up_read(&vdev->memory_lock);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_decode_read_unlock);

/* Physical page frame behind @addr of a BAR mapping. */
static unsigned long vma_pfn(struct vm_area_struct *vma, unsigned long addr)
{
	struct vfio_pci_core_device *vdev = vma->vm_private_data;
	unsigned int bar = vma->vm_pgoff >>
			   (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	unsigned long pgoff = vma->vm_pgoff &
			      (VFIO_PCI_OFFSET_MASK >> PAGE_SHIFT);

	return PHYS_PFN(pci_resource_start(vdev->pdev, bar)) + pgoff +
	       ((addr - vma->vm_start) >> PAGE_SHIFT);
}

static vm_fault_t insert_pfn(struct vm_fault *vmf, unsigned long addr,
			     unsigned long pfn, unsigned int order)
{
	bool write = vmf->flags & FAULT_FLAG_WRITE;

	switch (order) {
	case 0:
		return vmf_insert_pfn(vmf->vma, addr, pfn);
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	case PMD_ORDER:
		return vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, PFN_DEV),
					  write);
#endif
#ifdef CONFIG_ARCH_SUPPORTS_PUD_PFNMAP
	case PUD_ORDER:
		return vmf_insert_pfn_pud(vmf, __pfn_to_pfn_t(pfn, PFN_DEV),
					  write);
#endif
	default:
		return VM_FAULT_FALLBACK;
	}
}

static vm_fault_t bar_huge_fault(struct vm_fault *vmf, unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vfio_pci_core_device *vdev = vma->vm_private_data;
	unsigned long size = PAGE_SIZE << order;
	unsigned long addr = ALIGN_DOWN(vmf->address, size);
	unsigned long pfn = vma_pfn(vma, addr);
	vm_fault_t ret;

	/* a huge entry must fit the mapping and be aligned in the BAR too */
	if (order && (addr < vma->vm_start || addr + size > vma->vm_end ||
		      !IS_ALIGNED(pfn, 1UL << order)))
		return VM_FAULT_FALLBACK;
	if (vfio_pci_decode_read_lock_awake(vdev))
		return VM_FAULT_SIGBUS;
	ret = insert_pfn(vmf, addr, pfn, order);
	vfio_pci_core_decode_read_unlock(vdev);
	return ret;
}

static vm_fault_t bar_fault(struct vm_fault *vmf)
{
	return bar_huge_fault(vmf, 0);
}

/* An order the architecture cannot map falls back in insert_pfn(). */
static const struct vm_operations_struct vfio_pci_bar_vm_ops = {
	.fault = bar_fault,
	.huge_fault = bar_huge_fault,
};

/*
 * A BAR mapping is device memory, filled by faults: no struct pages behind
 * it, never dumped or grown; uncached, and without the encryption bit
 * under memory encryption (SEV, TDX), since MMIO is never encrypted.
 * Where the architecture has the flag, a VM may map it with other
 * cacheability.
 */
static void bar_vma_init(struct vm_area_struct *vma,
			 struct vfio_pci_core_device *vdev)
{
	pgprot_t prot = pgprot_noncached(vma->vm_page_prot);

	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
		     VM_ALLOW_ANY_UNCACHED);
	vma->vm_page_prot = pgprot_decrypted(prot);
	vma->vm_ops = &vfio_pci_bar_vm_ops;
	vma->vm_private_data = vdev;
}

/**
 * vfio_pci_core_mmap() - &vfio_device_ops.mmap
 * @core_vdev: an open device
 * @vma: the new mapping; its offset is a BAR region's offset, as given by
 *	VFIO_DEVICE_GET_REGION_INFO, plus a page-aligned position in it
 *
 * Maps a BAR whose region info has %VFIO_REGION_INFO_FLAG_MMAP, uncached,
 * shared only. Pages are inserted on fault while the device decodes
 * memory; see "BAR mappings and memory decode" for what happens when it
 * stops. The BAR stays claimed by the device's driver until it closes.
 *
 * Context: process, under the caller's mmap_lock; may sleep.
 * Return: 0; -EINVAL for a private mapping, a region that cannot be
 * mapped, or a range past the end of the BAR; or the error of claiming
 * the BAR.
 */
int vfio_pci_core_mmap(struct vfio_device *core_vdev,
		       struct vm_area_struct *vma)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	unsigned long bar = vma->vm_pgoff >>
			    (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	u64 len = vma->vm_end - vma->vm_start;
	u64 start, size;
	void __iomem *io;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (bar >= VFIO_PCI_NUM_REGIONS)
		return vfio_pci_region_mmap(vdev, bar, vma);
	if (bar > VFIO_PCI_BAR5_REGION_INDEX || !vdev->bar_mmap[bar])
		return -EINVAL;
	start = ((u64)vma->vm_pgoff << PAGE_SHIFT) & VFIO_PCI_OFFSET_MASK;
	/* a sub-page BAR maps its whole, reserved, page */
	size = PAGE_ALIGN(pci_resource_len(vdev->pdev, bar));
	if (start >= size || len > size - start)
		return -EINVAL;
	io = vfio_pci_core_bar_iomap(vdev, bar);
	if (IS_ERR(io))
		return PTR_ERR(io);

	bar_vma_init(vma, vdev);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_mmap);
