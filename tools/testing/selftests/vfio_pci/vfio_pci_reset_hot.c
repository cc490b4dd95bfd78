// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_reset_test: VFIO_DEVICE_GET_PCI_HOT_RESET_INFO and VFIO_DEVICE_PCI_HOT_RESET,
 * with good and bad arguments, fds and groups, and a link that does not
 * come back.
 */
#include "vfio_pci_reset.h"

/* ---- the tests: VFIO_DEVICE_GET_PCI_HOT_RESET_INFO ---- */

/*
 * An argsz short of the header is EINVAL. Where a hot reset exists, a
 * buffer of the header alone, or one entry short, is ENOSPC with count
 * set to the number of affected functions; on the root bus the call is
 * ENODEV.
 */
void test_info_argsz(struct test_ctx *t)
{
	const __u32 hdr = sizeof(struct vfio_pci_hot_reset_info);
	const __u32 entry = sizeof(struct vfio_pci_dependent_device);
	struct info_arg a;
	int ret;

	expect(t, info_call(t->d, &a, 0), -EINVAL, "HOT_RESET_INFO, argsz 0");
	expect(t, info_call(t->d, &a, hdr - 1), -EINVAL,
	       "HOT_RESET_INFO, argsz one short of the header");
	if (!need_topo(t))
		return;
	if (topo == TOPO_ROOT_BUS) {
		expect(t, info_call(t->d, &a, hdr), -ENODEV,
		       "HOT_RESET_INFO on the root bus");
		expect(t, info_call(t->d, &a, sizeof(a)), -ENODEV,
		       "HOT_RESET_INFO on the root bus, room for the list");
		check_alive(t, "HOT_RESET_INFO");
		return;
	}
	ret = info_call(t->d, &a, hdr);
	if (expect(t, ret, -ENOSPC, "HOT_RESET_INFO, argsz of the header"))
		check(t, a.hdr.count == (__u32)nr_affected,
		      "ENOSPC with count %u, expected %d", a.hdr.count,
		      nr_affected);
	ret = info_call(t->d, &a, hdr + nr_affected * entry - 1);
	if (expect(t, ret, -ENOSPC, "HOT_RESET_INFO, one byte short"))
		check(t, a.hdr.count == (__u32)nr_affected,
		      "ENOSPC with count %u, expected %d", a.hdr.count,
		      nr_affected);
	check_alive(t, "HOT_RESET_INFO");
}

/* The entry of the list for @e; NULL with a failed check if none. */
static const struct affected *entry_of(struct test_ctx *t,
				       const struct vfio_pci_dependent_device *e)
{
	char bdf[16];
	int i;

	snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", e->segment, e->bus,
		 PCI_SLOT(e->devfn), PCI_FUNC(e->devfn));
	for (i = 0; i < nr_affected; i++)
		if (!strcmp(affected[i].bdf, bdf))
			return &affected[i];
	check(t, false, "HOT_RESET_INFO lists %s, not on the device's bus",
	      bdf);
	return NULL;
}

/*
 * Group mode: an entry names the IOMMU group of its function: for the
 * device the group it was opened through; for a function not ours (not
 * bound to vfio-pci) a group vfio offers no node of, so that the caller
 * cannot prove it owns it.
 */
static void check_entry_group(struct test_ctx *t, const struct affected *f,
			      const struct vfio_pci_dependent_device *e)
{
	char path[32];

	check(t, e->group_id == (__u32)f->group_id,
	      "%s listed with group %u, expected %d", f->bdf, e->group_id,
	      f->group_id);
	if (f->self) {
		check(t, e->group_id == (__u32)t->d->group_id,
		      "the device listed with group %u, opened as group %d",
		      e->group_id, t->d->group_id);
		return;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%u", e->group_id);
	check(t, access(path, F_OK) != 0,
	      "%s, not ours, is in group %u, which vfio offers as %s", f->bdf,
	      e->group_id, path);
}

/* cdev mode: the device has its devid, a function not ours NOT_OWNED. */
static void check_entry_devid(struct test_ctx *t, const struct affected *f,
			      const struct vfio_pci_dependent_device *e)
{
	if (f->self)
		check(t, e->devid == t->d->devid,
		      "the device listed with devid %u, bound as devid %u",
		      e->devid, t->d->devid);
	else
		check(t, e->devid == (__u32)VFIO_PCI_DEVID_NOT_OWNED,
		      "%s, not ours, listed with devid %u, expected NOT_OWNED",
		      f->bdf, e->devid);
}

/*
 * The list names every function on the device's bus once, the device
 * among them. Group mode: flags 0 and the IOMMU group of each function.
 * cdev mode: DEV_ID, the device's own devid, NOT_OWNED for the functions
 * not ours, and DEV_ID_OWNED exactly when all are ours. On the root bus:
 * ENODEV.
 */
void test_info_list(struct test_ctx *t)
{
	const __u32 dev_id = VFIO_PCI_HOT_RESET_FLAG_DEV_ID;
	const __u32 owned = VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	bool seen[MAX_AFFECTED] = { false };
	const struct affected *f;
	struct info_arg a;
	__u32 i, want;

	if (!need_topo(t))
		return;
	if (!expect(t, info_call(t->d, &a, sizeof(a)),
		    topo == TOPO_ROOT_BUS ? -ENODEV : 0, "HOT_RESET_INFO"))
		return;
	if (topo == TOPO_ROOT_BUS)
		return;
	check(t, a.hdr.count == (__u32)nr_affected,
	      "HOT_RESET_INFO lists %u functions, expected %d", a.hdr.count,
	      nr_affected);
	if (t->d->mode == VFIO_MODE_GROUP)
		want = 0;
	else
		want = topo == TOPO_ALONE ? dev_id | owned : dev_id;
	check(t, a.hdr.flags == want, "HOT_RESET_INFO flags 0x%x, expected 0x%x",
	      a.hdr.flags, want);
	for (i = 0; i < a.hdr.count && i < MAX_AFFECTED; i++) {
		f = entry_of(t, &a.devs[i]);
		if (!f)
			continue;
		check(t, !seen[f - affected], "%s listed twice", f->bdf);
		seen[f - affected] = true;
		if (t->d->mode == VFIO_MODE_GROUP)
			check_entry_group(t, f, &a.devs[i]);
		else
			check_entry_devid(t, f, &a.devs[i]);
	}
}

/* ---- a bus reset the link did not come back from ---- */

/* the PCI core's line when a port's link stays down after a bus reset */
#define NO_LINK_LOG		"Data Link Layer Link Active not set"

/* The PCI Express capability of the bridge above the device; 0 if none. */
static unsigned int port_exp_cap(void)
{
	__u8 cfg[256];
	unsigned int pos, n;

	if (!port[0] || sysfs_read(port, "config", cfg, sizeof(cfg), 0) !=
	    sizeof(cfg) || !(cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST))
		return 0;
	pos = cfg[PCI_CAPABILITY_LIST] & ~3u;
	for (n = 0; pos >= PCI_STD_HEADER_SIZEOF && n < 48; n++) {
		if (cfg[pos] == PCI_CAP_ID_EXP)
			return pos;
		pos = cfg[pos + PCI_CAP_LIST_NEXT] & ~3u;
	}
	return 0;
}

/*
 * The bridge's link, from its own config space (sysfs): 1 when it
 * reports its data link layer active, 0 when it does not, -1 when it
 * cannot tell (no PCI Express capability, or no active link reporting).
 */
static int port_link_active(void)
{
	unsigned int cap = port_exp_cap();
	__u8 b[4];

	if (!cap || sysfs_read(port, "config", b, 4, cap + PCI_EXP_LNKCAP) != 4 ||
	    !(b[2] & (PCI_EXP_LNKCAP_DLLLARC >> 16)))
		return -1;
	if (sysfs_read(port, "config", b, 2, cap + PCI_EXP_LNKSTA) != 2)
		return -1;
	return !!((b[0] | b[1] << 8) & PCI_EXP_LNKSTA_DLLLA);
}

/* /dev/kmsg read from its end on: what the kernel logs from now on. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Did the kernel log a record with @text in it since kmsg_open()? */
static bool kmsg_logged(int fd, const char *text)
{
	static char rec[8192];
	bool found = false;
	ssize_t n;

	while (fd >= 0) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)	/* records overwritten */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (strstr(rec, text))
			found = true;
	}
	return found;
}

/*
 * The hot reset was ENOTTY. That is what the PCI core gives when the bus
 * reset ran but the link below the bridge did not come up: after the
 * reset of a bus with a function that has a PM capability, and so a
 * D3cold delay (e1000e and nvme; edu has none and is not waited for),
 * below a port faster than 5 GT/s, it waits for the port to report Data
 * Link Layer Link Active. QEMU 7.2's pcie-root-port advertises that
 * reporting but never reports the link of a device present at boot
 * active, before a bus reset or after (@link_before is only reported).
 * ENOTTY is also what vfio gives for an ioctl it does not know, or a
 * driver that never reached the bus reset. So the failure is put down
 * to the platform, and skipped, only with proof that the bus reset ran
 * and the link stayed down: the PCI core logged NO_LINK_LOG for the
 * bridge during the call (@kmsg), the bridge reports its link down now,
 * the device's state register (@r, where known) no longer holds what
 * was written, and HOT_RESET_INFO, the ioctl's companion, is known to
 * the driver. Without that proof it is a failure.
 */
static void hot_reset_no_link(struct test_ctx *t, const struct state_reg *r,
			      int kmsg, int link_before)
{
	static char why[192];
	struct info_arg a;
	char text[64];
	int link, ret;
	__u32 got;

	snprintf(text, sizeof(text), "%s: " NO_LINK_LOG, port);
	if (!check(t, port[0] && kmsg >= 0,
		   "PCI_HOT_RESET was ENOTTY, and %s: no proof of the cause",
		   port[0] ? "/dev/kmsg cannot be read" : "no bridge is known"))
		check(t, kmsg_logged(kmsg, text),
		      "PCI_HOT_RESET was ENOTTY, but the kernel did not log \"%s\": no proof the bus reset ran and the link failed",
		      text);
	link = port_link_active();
	check(t, link == 0,
	      "PCI_HOT_RESET was ENOTTY, but the bridge %s reports its link %s",
	      port, link < 0 ? "state not at all" : "active");
	ret = info_call(t->d, &a, sizeof(a));
	check(t, !ret, "PCI_HOT_RESET was ENOTTY, and HOT_RESET_INFO %s",
	      strerror(-ret));
	if (r) {
		got = bar0_read(t, r->off);
		check(t, got != r->held,
		      "PCI_HOT_RESET was ENOTTY, and %s still reads 0x%08x: the bus reset did not reach the device",
		      r->name, got);
		vfio_diag("%s: after the ENOTTY %s reads 0x%08x (0x%08x before)",
			  t->name, r->name, got, r->held);
	}
	if (t->fails)
		return;
	vfio_diag("%s: link of %s before the bus reset: %s; after it: down; logged: \"%s\"",
		  t->name, port, link_before < 0 ? "not reported" :
		  link_before ? "active" : "down", text);
	snprintf(why, sizeof(why),
		 "platform: ENOTTY, the bus reset ran but the link below %s stayed down (\"%s\" logged, Data Link Layer Link Active clear)",
		 port, NO_LINK_LOG);
	t->skip = why;
}

/* ---- the tests: VFIO_DEVICE_PCI_HOT_RESET ---- */

/*
 * The hot reset with proof of ownership (group mode: the device's group
 * fd; cdev mode: no fds) succeeds when the device is alone on its bus,
 * keeps the command register as the user set it and what state the
 * device reset keeps (edu), and leaves a BAR0 mapping working. On the
 * root bus it is ENODEV; with functions on the bus not ours, EINVAL,
 * and nothing is reset.
 */
void test_hot_reset(struct test_ctx *t)
{
	const __u32 set = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	const struct state_reg *r = state_reg_of();
	int want, ret, kmsg, link;
	__u32 cmd, got;
	__u8 *p;

	if (!need_topo(t))
		return;
	want = hot_reset_want();
	cmd = cfg_read16(t, PCI_COMMAND);
	cmd_write(t, cmd | set);
	p = map_bar0(t);
	check_mapping(t, p, "mapping");
	if (r)
		state_set(t, r);
	kmsg = want ? -1 : kmsg_open();
	link = port_link_active();
	ret = hot_reset_owned(t->d);
	if (!want && ret == -ENOTTY) {
		hot_reset_no_link(t, r, kmsg, link);
	} else if (expect(t, ret, want, "PCI_HOT_RESET with proof of ownership")) {
		if (r)
			state_check(t, r, !want, want ? "a refused hot reset" :
				    "PCI_HOT_RESET");
		got = cfg_read16(t, PCI_COMMAND);
		check(t, got == (cmd | set),
		      "command register 0x%04x after the hot reset, expected 0x%04x",
		      got, cmd | set);
	}
	if (kmsg >= 0)
		close(kmsg);
	check_mapping(t, p, "PCI_HOT_RESET");
	check_alive(t, "PCI_HOT_RESET");
	unmap_bar0(t, p);
	cmd_write(t, cmd);
}

/*
 * The header is checked first: an argsz short of it or any flag is
 * EINVAL; so is an empty fd array in group mode and a non-empty one in
 * cdev mode. The device answers after each.
 */
void test_hot_reset_bad_args(struct test_ctx *t)
{
	bool group = t->d->mode == VFIO_MODE_GROUP;
	int fd = group ? t->d->group_fd : t->d->device_fd;
	struct reset_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.hdr.argsz = sizeof(a.hdr) - 1;
	a.hdr.count = group ? 1 : 0;
	a.fds[0] = fd;
	ret = ioctl(t->d->device_fd, VFIO_DEVICE_PCI_HOT_RESET, &a);
	check_errno(t, ret, errno, EINVAL, "PCI_HOT_RESET, argsz short");
	check_alive(t, "a short argsz");

	expect(t, hot_reset(t->d, 1, group, &fd, group), -EINVAL,
	       "PCI_HOT_RESET, flags 1");
	expect(t, hot_reset(t->d, 1u << 31, group, &fd, group), -EINVAL,
	       "PCI_HOT_RESET, flags 1 << 31");
	check_alive(t, "flags");

	if (group) {
		expect(t, hot_reset(t->d, 0, 0, NULL, 0), -EINVAL,
		       "PCI_HOT_RESET in group mode, no group fds");
	} else {
		expect(t, hot_reset(t->d, 0, 1, &fd, 1), -EINVAL,
		       "PCI_HOT_RESET in cdev mode with the device fd");
		fd = -1;
		expect(t, hot_reset(t->d, 0, 1, &fd, 1), -EINVAL,
		       "PCI_HOT_RESET in cdev mode with fd -1");
	}
	check_alive(t, "a wrong fd count");
}

/* A file that is not a vfio group, and the errno handing it over gives. */
struct bad_fd {
	int fd;
	int want;
	const char *what;
};

/*
 * Fill @bad with fds that prove nothing, with upstream's errno for each
 * in group mode: EBADF for a number no file has, EINVAL for a file other
 * than a group. Returns how many; the caller closes the fds >= 0.
 */
static int bad_fds(struct test_ctx *t, struct bad_fd *bad)
{
	int n = 0, closed;

	bad[n++] = (struct bad_fd){ -1, -EBADF, "fd -1" };
	bad[n++] = (struct bad_fd){ eventfd(0, EFD_CLOEXEC), -EINVAL,
				    "an eventfd" };
	bad[n++] = (struct bad_fd){ open("/dev/null", O_RDWR | O_CLOEXEC),
				    -EINVAL, "/dev/null" };
	bad[n++] = (struct bad_fd){ dup(t->d->device_fd), -EINVAL,
				    "the device fd" };
	if (t->d->container_fd >= 0)
		bad[n++] = (struct bad_fd){ dup(t->d->container_fd), -EINVAL,
					    "the container fd" };
	/* last: no fd opened after it may take its number */
	closed = dup(t->d->device_fd);
	if (!check(t, closed >= 0, "dup: %s", strerror(errno)))
		close(closed);
	bad[n++] = (struct bad_fd){ closed, -EBADF, "a closed fd" };
	return n;
}

/*
 * Group fds that prove nothing: a number with no file is EBADF, a file
 * that is not a vfio group (eventfd, /dev/null, the device, the
 * container) EINVAL, and more fds than there are affected functions
 * EINVAL. On the root bus every one is ENODEV: the missing reset is
 * found before the fds are looked at. In cdev mode each is EINVAL, a
 * non-empty array. The device answers after each.
 */
void test_hot_reset_bad_fds(struct test_ctx *t)
{
	bool group = t->d->mode == VFIO_MODE_GROUP;
	int fds[MAX_FDS], i, n, want;
	struct bad_fd bad[8];
	char what[96];

	if (!need_topo(t))
		return;
	n = bad_fds(t, bad);
	for (i = 0; i < n; i++) {
		if (!group)
			want = -EINVAL;
		else if (topo == TOPO_ROOT_BUS)
			want = -ENODEV;
		else
			want = bad[i].want;
		snprintf(what, sizeof(what), "PCI_HOT_RESET with %s",
			 bad[i].what);
		expect(t, hot_reset(t->d, 0, 1, &bad[i].fd, 1), want, what);
		check_alive(t, what);
		if (bad[i].fd >= 0 && bad[i].want != -EBADF)
			close(bad[i].fd);
	}

	/* the device's own group, once more than there are functions */
	for (i = 0; i < MAX_FDS; i++)
		fds[i] = group ? t->d->group_fd : t->d->device_fd;
	want = group && topo == TOPO_ROOT_BUS ? -ENODEV : -EINVAL;
	if (topo != TOPO_ROOT_BUS && nr_affected < MAX_FDS)
		expect(t, hot_reset(t->d, 0, nr_affected + 1, fds,
				    nr_affected + 1), want,
		       "PCI_HOT_RESET with more group fds than functions");
	expect(t, hot_reset(t->d, 0, HUGE_COUNT, fds, 1), want,
	       "PCI_HOT_RESET with count 0x7fffffff");
	check_alive(t, "too many fds");
}

/*
 * Open the group of another function bound to vfio-pci, in another IOMMU
 * group than the device's: its fd, or -1 when there is none.
 */
static int open_foreign_group(struct test_ctx *t, char *bdf, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	int fd = -1, id;
	DIR *dir;

	dir = opendir(SYSFS_VFIO_PCI);
	if (!dir)
		return -1;
	while (fd < 0 && (de = readdir(dir))) {
		if (!is_bdf(de->d_name) || !strcmp(de->d_name, t->bdf) ||
		    sysfs_group_id(de->d_name, &id) || id == t->d->group_id)
			continue;
		snprintf(path, sizeof(path), "/dev/vfio/%d", id);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0)
			snprintf(bdf, len, "%.15s", de->d_name);
	}
	closedir(dir);
	return fd;
}

/*
 * Group mode: the group fd of another function bound to vfio-pci proves
 * nothing about the device: EINVAL, alone or next to the device's own
 * group (ENODEV on the root bus). Needs a second function bound to
 * vfio-pci, in an IOMMU group of its own.
 */
void test_hot_reset_foreign_group(struct test_ctx *t)
{
	char bdf[64], what[128];
	int fds[2], want;

	if (t->d->mode != VFIO_MODE_GROUP) {
		t->skip = "group fds are for group mode";
		return;
	}
	if (!need_topo(t))
		return;
	fds[1] = open_foreign_group(t, bdf, sizeof(bdf));
	if (fds[1] < 0) {
		t->skip = "needs a second function bound to vfio-pci, in another IOMMU group";
		return;
	}
	vfio_diag("%s: the group of %s", t->name, bdf);
	want = topo == TOPO_ROOT_BUS ? -ENODEV : -EINVAL;
	snprintf(what, sizeof(what), "PCI_HOT_RESET with the group of %s", bdf);
	expect(t, hot_reset(t->d, 0, 1, &fds[1], 1), want, what);
	check_alive(t, what);
	fds[0] = t->d->group_fd;
	snprintf(what, sizeof(what),
		 "PCI_HOT_RESET with the device's group and that of %s", bdf);
	expect(t, hot_reset(t->d, 0, 2, fds, 2), want, what);
	check_alive(t, what);
	close(fds[1]);
}

