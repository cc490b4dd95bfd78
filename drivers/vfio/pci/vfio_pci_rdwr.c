// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR and expansion ROM access through read() and write() on the device fd.
 */

#include <linux/io.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfio_pci_private.h"

/**
 * vfio_pci_core_bar_iomap() - claim and map a BAR on its first use
 * @vdev: an open device
 * @bar: BAR number
 *
 * The region is requested so that no other driver can claim it while
 * userspace owns the device; it stays claimed and mapped until the device
 * closes.
 *
 * Context: process; may sleep.
 * Return: the kernel mapping, or an IOMEM_ERR_PTR(): -EINVAL for a BAR the
 * device does not have.
 */
void __iomem *vfio_pci_core_bar_iomap(struct vfio_pci_core_device *vdev,
				      unsigned int bar)
{
	struct pci_dev *pdev = vdev->pdev;
	void __iomem *io;
	int ret;

	if (bar >= PCI_STD_NUM_BARS || !pci_resource_len(pdev, bar))
		return IOMEM_ERR_PTR(-EINVAL);
	mutex_lock(&vdev->bar_lock);
	io = vdev->barmap[bar];
	if (io)
		goto out_unlock;
	ret = pci_request_selected_regions(pdev, BIT(bar), KBUILD_MODNAME);
	if (ret) {
		io = IOMEM_ERR_PTR(ret);
		goto out_unlock;
	}
	io = pci_iomap(pdev, bar, 0);
	if (!io) {
		pci_release_selected_regions(pdev, BIT(bar));
		io = IOMEM_ERR_PTR(-ENOMEM);
		goto out_unlock;
	}
	vdev->barmap[bar] = io;
out_unlock:
	mutex_unlock(&vdev->bar_lock);
	return io;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_bar_iomap);

/* Release every BAR mapping; the device is closing, nobody else uses them. */
void vfio_pci_bars_unmap(struct vfio_pci_core_device *vdev)
{
	unsigned int bar;

	mutex_lock(&vdev->bar_lock);
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (!vdev->barmap[bar])
			continue;
		pci_iounmap(vdev->pdev, vdev->barmap[bar]);
		pci_release_selected_regions(vdev->pdev, BIT(bar));
		vdev->barmap[bar] = NULL;
	}
	mutex_unlock(&vdev->bar_lock);
}

/* The bytes of one access, in memory order whatever its width. */
union vfio_pci_io_val {
	u8 b;
	u16 w;
	u32 l;
	u64 q;
};

/* One access of @len bytes between device and user buffer. */
static int io_rw_one(struct vfio_pci_core_device *vdev, bool test_mem,
		     void __iomem *io, char __user *buf, unsigned int len,
		     bool write)
{
	union vfio_pci_io_val v = {};
	int ret;

	if (write && copy_from_user(&v, buf, len))
		return -EFAULT;
	switch (len) {
	case 1:
		ret = write ? vfio_pci_core_iowrite8(vdev, test_mem, v.b, io) :
			      vfio_pci_core_ioread8(vdev, test_mem, &v.b, io);
		break;
	case 2:
		ret = write ? vfio_pci_core_iowrite16(vdev, test_mem, v.w, io) :
			      vfio_pci_core_ioread16(vdev, test_mem, &v.w, io);
		break;
#if VFIO_PCI_CORE_IO64
	case 8:
		ret = write ? vfio_pci_core_iowrite64(vdev, test_mem, v.q, io) :
			      vfio_pci_core_ioread64(vdev, test_mem, &v.q, io);
		break;
#endif
	default:
		ret = write ? vfio_pci_core_iowrite32(vdev, test_mem, v.l, io) :
			      vfio_pci_core_ioread32(vdev, test_mem, &v.l, io);
		break;
	}
	if (ret)
		return ret;
	if (!write && copy_to_user(buf, &v, len))
		return -EFAULT;
	return 0;
}

/* The next access: naturally aligned, at most @max_width bytes. */
static unsigned int io_chunk_len(loff_t pos, size_t left,
				 unsigned int max_width)
{
	if (VFIO_PCI_CORE_IO64 && max_width >= 8 && left >= 8 &&
	    !(pos & 7))
		return 8;
	return min(vfio_pci_chunk_len(pos, left), max_width);
}

static ssize_t io_rw(struct vfio_pci_core_device *vdev, void __iomem *io,
		     loff_t pos, char __user *buf, size_t count, bool test_mem,
		     bool write, unsigned int max_width)
{
	unsigned int len;
	size_t done = 0;
	int ret;

	while (done < count) {
		len = io_chunk_len(pos + done, count - done, max_width);
		ret = io_rw_one(vdev, test_mem, io + done, buf + done, len,
				write);
		if (ret)
			return done ? done : ret;
		done += len;
	}
	return done;
}

/**
 * vfio_pci_io_rw() - move a user transfer to or from device space
 * @vdev: an open device
 * @io: the kernel mapping of the transfer's first byte
 * @pos: device address or region position of that byte, for alignment
 * @buf: user buffer
 * @count: bytes to move
 * @is_mem: the space is a memory BAR: each access is refused with -EIO
 *	while the device does not decode memory
 * @write: direction
 *
 * The transfer is cut into naturally aligned accesses of 1, 2 or 4 bytes.
 *
 * Return: bytes moved, or the error of the first access when none was.
 */
ssize_t vfio_pci_io_rw(struct vfio_pci_core_device *vdev, void __iomem *io,
		       loff_t pos, char __user *buf, size_t count, bool is_mem,
		       bool write)
{
	return io_rw(vdev, io, pos, buf, count, is_mem, write,
		     VFIO_PCI_IO_WIDTH_4);
}

/*
 * A range the user may not reach reads as all ones and ignores writes
 * (the MSI-X table, which belongs to the kernel: it programs it for
 * interrupt remapping; a mapping of it is still allowed, a device's
 * messages being checked by the interrupt remapper, not the table).
 */
static ssize_t hole_rw(char __user *buf, size_t count, bool write)
{
	static const u8 ones[64] = { [0 ... 63] = 0xff };
	size_t done, n;

	if (write)
		return count;
	for (done = 0; done < count; done += n) {
		n = min(count - done, sizeof(ones));
		if (copy_to_user(buf + done, ones, n))
			return done ? done : -EFAULT;
	}
	return count;
}

/* Bytes from @pos up to the next edge of the hole [@start, @end). */
static size_t hole_clip(loff_t pos, size_t count, loff_t start, loff_t end,
			bool *in_hole)
{
	*in_hole = false;
	if (pos >= end)
		return count;
	if (pos < start)
		return min_t(u64, count, start - pos);
	*in_hole = true;
	return min_t(u64, count, end - pos);
}

/**
 * vfio_pci_core_do_io_rw() - move a user transfer to or from a BAR mapping
 * @vdev: an open device
 * @test_mem: the space is memory: each access is made under the decode
 *	lock and refused while the device does not decode memory
 * @io: the kernel mapping of the space (from vfio_pci_core_bar_iomap())
 * @buf: user buffer
 * @off: offset of the transfer in the space
 * @count: bytes to move
 * @x_start: start of a range the user may not reach, or 0
 * @x_end: its end (exclusive), or 0 for none
 * @iswrite: direction
 * @max_width: the widest access to make
 *
 * The transfer is cut into naturally aligned accesses of at most
 * @max_width bytes. The excluded range reads as all ones and ignores
 * writes. For a driver that handles part of a region itself.
 *
 * Context: process, the device kept awake (a callback of the device fd);
 * may sleep.
 * Return: bytes moved, or the error of the first access when none was.
 */
ssize_t vfio_pci_core_do_io_rw(struct vfio_pci_core_device *vdev,
			       bool test_mem, void __iomem *io,
			       char __user *buf, loff_t off, size_t count,
			       size_t x_start, size_t x_end, bool iswrite,
			       enum vfio_pci_io_width max_width)
{
	size_t done = 0, n;
	bool in_hole;
	ssize_t ret;

	while (done < count) {
		n = hole_clip(off + done, count - done, x_start, x_end,
			      &in_hole);
		if (in_hole)
			ret = hole_rw(buf + done, n, iswrite);
		else
			ret = io_rw(vdev, io + off + done, off + done,
				    buf + done, n, test_mem, iswrite, max_width);
		if (ret <= 0)
			return done ? done : ret;
		done += ret;
		if (ret < n)
			break;
	}
	return done;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_do_io_rw);

/*
 * Read or write a BAR. Returns the bytes done, or an error when nothing was
 * done; a transfer is cut at the end of the BAR. A memory BAR answers -EIO
 * while the device does not decode memory.
 */
ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *vdev, unsigned int bar,
			char __user *buf, size_t count, loff_t pos, bool write)
{
	struct pci_dev *pdev = vdev->pdev;
	resource_size_t size = pci_resource_len(pdev, bar);
	bool is_mem = pci_resource_flags(pdev, bar) & IORESOURCE_MEM;
	size_t x_start = 0, x_end = 0;
	void __iomem *io;

	if (pos < 0 || pos >= size)
		return -EINVAL;
	io = vfio_pci_core_bar_iomap(vdev, bar);
	if (IS_ERR(io))
		return PTR_ERR(io);
	if (vdev->msix_bar == bar) {
		x_start = vdev->msix_offset;
		x_end = x_start + vdev->msix_size;
	}
	count = min_t(u64, count, size - pos);
	return vfio_pci_core_do_io_rw(vdev, is_mem, io, buf, pos, count,
				      x_start, x_end, write,
				      VFIO_PCI_IO_WIDTH_4);
}

/* The ROM's BAR size, or the window of a ROM the platform shadowed. */
static u64 rom_window(struct pci_dev *pdev)
{
	struct resource *res = pci_resource_n(pdev, PCI_ROM_RESOURCE);

	if (resource_size(res) || !(res->flags & IORESOURCE_ROM_SHADOW))
		return pci_resource_len(pdev, PCI_ROM_RESOURCE);
	return SZ_128K;
}

/*
 * Does an image start the ROM (its 0xaa55 signature)? Looked at through a
 * mapping of our own, so that a mapping that fails for want of memory is
 * told apart from a ROM without an image (pci_map_rom() answers NULL to
 * both). Memory decode on and bar_lock held by the caller. Return: 1, 0,
 * or -ENOMEM.
 */
static int rom_image_present(struct pci_dev *pdev)
{
	struct resource *res = pci_resource_n(pdev, PCI_ROM_RESOURCE);
	void __iomem *rom;
	u16 sig;

	/* a ROM BAR no window was assigned to decodes nothing */
	if (!res->parent && !(res->flags & IORESOURCE_ROM_SHADOW))
		return 0;
	if (pci_enable_rom(pdev))
		return 0;
	rom = ioremap(res->start, sizeof(sig));
	if (!rom) {
		pci_disable_rom(pdev);
		return -ENOMEM;
	}
	sig = readw(rom);
	iounmap(rom);
	pci_disable_rom(pdev);
	return sig == 0xaa55;
}

/**
 * vfio_pci_rom_region_size() - size of the ROM region userspace sees
 * @vdev: an open device
 * @size: set to the ROM BAR's size, 128 KiB for a shadowed ROM, or 0
 *
 * A ROM BAR with no image behind it is no ROM: the image is looked for
 * with memory decode on for the look, as a ROM needs it.
 *
 * Return: 0, or -ENOMEM when the ROM could not be mapped to look.
 */
int vfio_pci_rom_region_size(struct vfio_pci_core_device *vdev, u64 *size)
{
	u64 window = rom_window(vdev->pdev);
	int present;
	u16 cmd;

	*size = 0;
	if (!window)
		return 0;
	cmd = vfio_pci_decode_lock_on(vdev);
	mutex_lock(&vdev->bar_lock);
	present = rom_image_present(vdev->pdev);
	mutex_unlock(&vdev->bar_lock);
	vfio_pci_decode_unlock_restore(vdev, cmd);
	if (present < 0)
		return present;
	*size = present ? window : 0;
	return 0;
}

/*
 * Copy [@pos, @pos + @n) of the ROM region into @bounce: the image where
 * there is one, all ones past its end. The PCI core enables ROM decode
 * only while the ROM is mapped; bar_lock keeps two readers from disabling
 * it under each other.
 */
static int rom_copy(struct vfio_pci_core_device *vdev, void *bounce,
		    loff_t pos, size_t n)
{
	void __iomem *rom;
	size_t size, img;
	int ret;

	ret = vfio_pci_core_decode_read_lock(vdev);
	if (ret)
		return ret;
	mutex_lock(&vdev->bar_lock);
	rom = pci_map_rom(vdev->pdev, &size);
	if (rom) {
		img = pos < size ? min_t(u64, n, size - pos) : 0;
		memcpy_fromio(bounce, rom + pos, img);
		memset(bounce + img, 0xff, n - img);
		pci_unmap_rom(vdev->pdev, rom);
	}
	mutex_unlock(&vdev->bar_lock);
	vfio_pci_core_decode_read_unlock(vdev);
	return rom ? 0 : -EIO;
}

/*
 * Read the ROM region through a kernel buffer, so that no user copy
 * happens under memory_lock. Past the end of the ROM image the region
 * reads as all ones, up to its size.
 */
ssize_t vfio_pci_rom_read(struct vfio_pci_core_device *vdev,
			  char __user *buf, size_t count, loff_t pos)
{
	u64 window = rom_window(vdev->pdev);
	void *bounce;
	ssize_t ret;

	if (pos < 0 || pos >= window)
		return -EINVAL;
	count = min_t(u64, count, window - pos);
	bounce = kvmalloc(count, GFP_KERNEL_ACCOUNT);
	if (!bounce)
		return -ENOMEM;
	ret = rom_copy(vdev, bounce, pos, count);
	if (!ret)
		ret = copy_to_user(buf, bounce, count) ? -EFAULT : count;
	kvfree(bounce);
	return ret;
}
