// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_mmap_test: the ROM region and the legacy VGA region.
 */
#include "vfio_pci_mmap.h"

/* the ROM */

/* The host's copy of the ROM through sysfs; the byte count or -errno. */
static ssize_t host_rom(struct test_ctx *t, __u8 **buf)
{
	off_t size;
	ssize_t n;
	int ret;

	*buf = NULL;
	ret = sysfs_file_size(t->bdf, "rom", &size);
	if (check_ok(t, ret, "stat of sysfs rom") ||
	    check(t, size > 0, "sysfs rom has size 0"))
		return -EINVAL;
	*buf = malloc(size);
	if (check(t, *buf, "no memory for 0x%llx bytes",
		  (unsigned long long)size))
		return -ENOMEM;
	/* "0\n" turns reading off again; anything else turns it on */
	ret = sysfs_write(t->bdf, "rom", "1\n");
	if (check_ok(t, ret, "enabling sysfs rom"))
		return ret;
	n = sysfs_read(t->bdf, "rom", *buf, size, 0);
	ret = sysfs_write(t->bdf, "rom", "0\n");
	check_ok(t, ret, "disabling sysfs rom");
	return n;
}

/* The ROM read whole through the fd is the host's image, then ones. */
static void compare_rom(struct test_ctx *t, const __u8 *rom, size_t size,
			const __u8 *host, size_t n)
{
	size_t i, diff = 0, first = 0;

	for (i = 0; i < n; i++)
		if (rom[i] != host[i] && !diff++)
			first = i;
	check(t, !diff,
	      "%zu of the 0x%zx bytes of the host's ROM image differ, the first at 0x%zx: 0x%02x, host 0x%02x",
	      diff, n, first, rom[first], host[first]);
	for (i = n, diff = 0; i < size; i++)
		if (rom[i] != 0xff && !diff++)
			first = i;
	check(t, !diff,
	      "%zu bytes past the image (0x%zx..0x%zx) are not 0xff, the first at 0x%zx: 0x%02x",
	      diff, n, size, first, rom[first]);
}

/*
 * Read the ROM whole through the fd. The kernel's vfio-pci returns it in
 * one read; should a read come back short, go on reading as QEMU does so
 * that the content is still compared. The byte count, or -1 on a failure.
 */
static ssize_t read_rom(struct test_ctx *t, __u8 *rom, size_t size)
{
	size_t done = 0;
	ssize_t n;

	n = vfio_region_pread(t->d, ROM_REGION, rom, size, 0);
	check(t, n == (ssize_t)size,
	      "one read of the whole ROM (0x%zx bytes) returned %zd (%s)",
	      size, n, err_str(n));
	while (n > 0) {
		done += n;
		if (done >= size)
			break;
		n = vfio_region_pread(t->d, ROM_REGION, rom + done,
				      size - done, done);
	}
	if (check(t, done == size,
		  "reading the ROM stopped at 0x%zx of 0x%zx bytes: %zd (%s)",
		  done, size, n, err_str(n)))
		return -1;
	return (ssize_t)done;
}

/*
 * The ROM region at its very end, against @rom, the region read whole: its
 * last dword reads alone; a read across the end comes back short, with
 * the bytes up to it; a read at the region's size is EINVAL.
 */
static void rom_end(struct test_ctx *t, const __u8 *rom, size_t size)
{
	__u8 b[8];
	ssize_t n;

	memset(b, 0, sizeof(b));
	n = vfio_region_pread(t->d, ROM_REGION, b, 4, size - 4);
	check(t, n == 4 && !memcmp(b, rom + size - 4, 4),
	      "reading the ROM's last dword: %zd (%s), 0x%08x, expected 0x%08x",
	      n, err_str(n), get_le(b, 4), get_le(rom + size - 4, 4));
	memset(b, 0, sizeof(b));
	n = vfio_region_pread(t->d, ROM_REGION, b, 8, size - 4);
	check(t, n == 4 && !memcmp(b, rom + size - 4, 4),
	      "reading 8 bytes across the ROM's end: %zd (%s), expected the 4 before it",
	      n, err_str(n));
	n = vfio_region_pread(t->d, ROM_REGION, b, 1, size);
	check(t, n == -EINVAL,
	      "reading a byte at the ROM region's size: %zd (%s), expected %d",
	      n, err_str(n), -EINVAL);
}

void test_rom(struct test_ctx *t)
{
	struct vfio_region_info ri;
	__u8 *rom = NULL, *host = NULL, b[4] = { 0 };
	ssize_t n, hn;

	if (!region(t, ROM_REGION, &ri))
		return;
	if (!ri.size) {
		t->skip = "the ROM region has size 0: no ROM";
		return;
	}
	vfio_diag("%s: ROM region 0x%llx bytes, flags 0x%x", t->name,
		  (unsigned long long)ri.size, ri.flags);
	check(t, ri.flags == VFIO_REGION_INFO_FLAG_READ,
	      "ROM flags 0x%x, expected READ (0x%x) alone", ri.flags,
	      VFIO_REGION_INFO_FLAG_READ);
	n = pwrite(t->d->device_fd, b, sizeof(b), (off_t)ri.offset);
	check_errno(t, n, errno, EINVAL, "writing 4 bytes to the ROM");

	rom = malloc(ri.size);
	if (check(t, rom, "no memory for the ROM"))
		return;
	n = read_rom(t, rom, ri.size);
	if (n < 0)
		goto out;
	check(t, get_le(rom, 2) == ROM_SIGNATURE,
	      "ROM starts with 0x%04x, expected the signature 0x%04x",
	      get_le(rom, 2), ROM_SIGNATURE);
	if (n >= 8)
		rom_end(t, rom, n);
	hn = host_rom(t, &host);
	if (!check(t, hn > 0 && hn <= n,
		   "sysfs rom read returned %zd (%s), expected 1..0x%zx bytes",
		   hn, err_str(hn), n)) {
		vfio_diag("%s: the host's ROM image is 0x%zx bytes", t->name,
			  hn);
		compare_rom(t, rom, n, host, hn);
	}
out:
	free(host);
	free(rom);
}

/* the VGA region */

static const char *vga_absent(int ret)
{
	if ((class_code >> 8) != PCI_CLASS_VGA)
		return "not a VGA device: no VGA region";
	if (ret)
		return "VGA device without a VGA region (the kernel lacks CONFIG_VFIO_PCI_VGA?)";
	return "the VGA region has size 0";
}

void test_vga(struct test_ctx *t)
{
	const __u32 rw = VFIO_REGION_INFO_FLAG_READ |
			 VFIO_REGION_INFO_FLAG_WRITE;
	struct vfio_region_info ri;
	__u8 b[4];
	ssize_t n;
	__u64 off;
	int ret;

	ret = vfio_region_info(t->d, VGA_REGION, &ri);
	if (ret == -EINVAL || (!ret && !ri.size)) {
		t->skip = vga_absent(ret);
		return;
	}
	if (check_ok(t, ret, "VFIO_DEVICE_GET_REGION_INFO(VGA)"))
		return;
	vfio_diag("%s: VGA region 0x%llx bytes, flags 0x%x", t->name,
		  (unsigned long long)ri.size, ri.flags);
	check(t, ri.size == VGA_REGION_SIZE && (ri.flags & rw) == rw,
	      "VGA region size 0x%llx, flags 0x%x, expected 0x%x and READ|WRITE",
	      (unsigned long long)ri.size, ri.flags, VGA_REGION_SIZE);
	for (off = VGA_PORTS_START; off < VGA_PORTS_END; off++) {
		n = vfio_region_pread(t->d, VGA_REGION, b, 1, off);
		check(t, n == 1, "reading VGA port 0x%llx returned %zd (%s)",
		      (unsigned long long)off, n, err_str(n));
	}
	n = vfio_region_pread(t->d, VGA_REGION, b, 4, VGA_MEM_START);
	check(t, n == 4, "reading 4 bytes at 0x%x returned %zd (%s)",
	      VGA_MEM_START, n, err_str(n));
	n = vfio_region_pread(t->d, VGA_REGION, b, 1, 0);
	check(t, n == -EINVAL,
	      "reading offset 0 of the VGA region (neither ports nor memory) returned %zd (%s), expected EINVAL",
	      n, err_str(n));
}

