// SPDX-License-Identifier: GPL-2.0-only
/*
 * The legacy VGA region: the fixed memory and I/O ranges a VGA device
 * decodes besides its BARs.
 */

#include <linux/io.h>
#include <linux/vgaarb.h>

#include "vfio_pci_private.h"

/**
 * DOC: legacy VGA region
 *
 * A VGA device answers at addresses no BAR describes: the frame buffer
 * window at 0xa0000-0xbffff and the I/O ports 0x3b0-0x3bb and 0x3c0-0x3df.
 * Region VFIO_PCI_VGA_REGION_INDEX maps them at their own addresses, so
 * the region is 0xc0000 bytes with three windows; an access outside them
 * is refused with -EINVAL and one running past the end of a window is cut
 * there. Each access holds the VGA arbiter's lock of its resource, so
 * legacy cycles reach this device and no other one.
 */

/**
 * struct vga_window - a legacy range of the VGA region
 * @start: its first address
 * @len: its length
 * @io: an I/O port range; otherwise memory
 */
struct vga_window {
	u32 start;
	u32 len;
	bool io;
};

static const struct vga_window vga_windows[] = {
	{ .start = 0xa0000, .len = 0x20000 },
	{ .start = 0x3b0, .len = 0xc, .io = true },
	{ .start = 0x3c0, .len = 0x20, .io = true },
};

/**
 * vfio_pci_vga_offered() - whether a device has the legacy VGA region
 * @vdev: the device
 *
 * Return: true for a VGA class device whose driver did not disable it.
 */
bool vfio_pci_vga_offered(struct vfio_pci_core_device *vdev)
{
	return !vdev->settings.disable_vga &&
	       (vdev->pdev->class >> 8) == PCI_CLASS_DISPLAY_VGA;
}

static const struct vga_window *vga_window(loff_t pos)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vga_windows); i++)
		if (pos >= vga_windows[i].start &&
		    pos - vga_windows[i].start < vga_windows[i].len)
			return &vga_windows[i];
	return NULL;
}

static void __iomem *vga_map(const struct vga_window *w, loff_t pos,
			     size_t count)
{
	if (w->io)
		return ioport_map(pos, count);
	return ioremap(pos, count);
}

static void vga_unmap(const struct vga_window *w, void __iomem *io)
{
	if (w->io)
		ioport_unmap(io);
	else
		iounmap(io);
}

/**
 * vfio_pci_vga_rw() - read or write the legacy VGA region
 * @vdev: an open device that offers the region
 * @buf: user buffer
 * @count: bytes wanted
 * @pos: position in the region, which is the legacy address
 * @write: direction
 *
 * Return: bytes done; -EINVAL outside the windows; -ENOMEM when the range
 * cannot be mapped; -EINTR when interrupted waiting for the VGA arbiter.
 */
ssize_t vfio_pci_vga_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			size_t count, loff_t pos, bool write)
{
	const struct vga_window *w = vga_window(pos);
	unsigned int rsrc;
	void __iomem *io;
	ssize_t ret;

	if (!w || !vfio_pci_vga_offered(vdev))
		return -EINVAL;
	count = min_t(u64, count, w->start + w->len - pos);
	io = vga_map(w, pos, count);
	if (!io)
		return -ENOMEM;
	rsrc = w->io ? VGA_RSRC_LEGACY_IO : VGA_RSRC_LEGACY_MEM;
	ret = vga_get_interruptible(vdev->pdev, rsrc);
	if (ret)
		goto out_unmap;
	ret = vfio_pci_io_rw(vdev, io, pos, buf, count, false, write);
	vga_put(vdev->pdev, rsrc);
out_unmap:
	vga_unmap(w, io);
	return ret;
}
