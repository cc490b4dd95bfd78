// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_reset_test BDF: KTAP tests of the reset uAPI of vfio-pci:
 * VFIO_DEVICE_RESET (a reset of the function alone),
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO (which functions a bus or slot reset
 * affects) and VFIO_DEVICE_PCI_HOT_RESET (that reset, given proof that
 * the caller owns them all). Every test runs over the group + container
 * path and over the cdev + iommufd path.
 *
 * What is expected depends on where the function sits, which the test
 * finds in sysfs: alone below a bridge (QEMU edu, e1000e or the nvme PF
 * behind a PCIe root port: the hot reset is the caller's), on the root
 * bus (ivshmem, pci-testdev: no bus or slot reset at all), or below a
 * bridge with functions the caller does not own (an nvme VF whose PF the
 * nvme driver drives: the hot reset is refused). On edu, e1000e and the
 * nvme PF the tests also look at a register of the device.
 *
 * The expectations are the base tree's own vfio-pci (the reference): each
 * errno pinned down here is what it returns.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "qemu_devices.h"
#include "vfio_test.h"

#define SYSFS_PCI		"/sys/bus/pci/devices"
#define SYSFS_VFIO_PCI		"/sys/bus/pci/drivers/vfio-pci"

/* registers of QEMU's devices the other tests do not use */
#define E1000E_REG_STATUS	0x08
#define E1000E_REG_RDBAL	0x2800	/* receive ring base, 16-byte aligned */

/* nvme: I/O queue entries of 2^6 and 2^4 bytes, the controller off */
#define NVME_CC_QES		0x00460000u

#define BAR0			VFIO_PCI_BAR0_REGION_INDEX

/* the device and function of a devfn */
#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)

/* room for this many affected functions and group fds */
#define MAX_AFFECTED		8
#define MAX_FDS			4

/* a count no bus has that many functions for */
#define HUGE_COUNT		0x7fffffffu

enum dev_kind { DEV_OTHER, DEV_EDU, DEV_E1000E, DEV_NVME };

/* Where the function sits, and so what a hot reset of it does. */
enum topo {
	TOPO_UNKNOWN,	/* not worked out: the hot reset tests skip */
	TOPO_ROOT_BUS,	/* on a root bus: no bus or slot reset */
	TOPO_ALONE,	/* the only function below its bridge */
	TOPO_SHARED,	/* below its bridge with functions not ours */
};

/* A function on the bus a hot reset of the device resets. */
struct affected {
	char bdf[16];
	int group_id;
	bool self;
};

/* GET_PCI_HOT_RESET_INFO argument with room for the answer */
struct info_arg {
	struct vfio_pci_hot_reset_info hdr;
	struct vfio_pci_dependent_device devs[MAX_AFFECTED];
};

static_assert(offsetof(struct info_arg, devs) ==
	      sizeof(struct vfio_pci_hot_reset_info),
	      "the device list must follow the info header");

/*
 * A BAR0 register of a known device that holds what is written to it,
 * the device state the reset tests look at.
 */
struct state_reg {
	enum dev_kind kind;
	__u64 off;
	__u32 val;		/* the value written */
	__u32 held;		/* what it then reads */
	/*
	 * Does a reset of the device return it to 0? Asserted only where
	 * upstream shows it: QEMU's edu has no reset handler, and the
	 * reset of e1000e is a PM D3hot-D0 cycle QEMU 7.2 does nothing on.
	 */
	bool cleared;
	const char *name;
};

static const struct state_reg state_regs[] = {
	{ DEV_EDU, EDU_REG_LIVENESS, 0x12345678u, ~0x12345678u, false,
	  "edu's liveness register" },
	{ DEV_E1000E, E1000E_REG_RDBAL, 0x12345670u, 0x12345670u, false,
	  "e1000e's RDBAL" },
	{ DEV_NVME, NVME_REG_CC, NVME_CC_QES, NVME_CC_QES, true,
	  "nvme's CC" },
};

/* PCI_HOT_RESET argument with room for a few group fds */
struct reset_arg {
	struct vfio_pci_hot_reset hdr;
	__s32 fds[MAX_FDS];
};

static_assert(offsetof(struct reset_arg, fds) ==
	      sizeof(struct vfio_pci_hot_reset),
	      "the group fds must follow the hot reset header");

static enum dev_kind dev_kind;
static unsigned long vendor_id;
static bool is_vf;
static bool has_reset_method;
static enum topo topo;
static const char *topo_why = "the device's place in sysfs was not read";
/* the bridge above the device, whose secondary bus a hot reset resets */
static char port[16];
static struct affected affected[MAX_AFFECTED];
static int nr_affected;
static size_t page_size;

/* ---- device and topology detection ---- */

/* Is @name a PCI address, DDDD:BB:DD.F? */
static bool is_bdf(const char *name)
{
	unsigned int dom, bus, dev, fn;
	int len = 0;

	return sscanf(name, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn,
		      &len) == 4 && (size_t)len == strlen(name) &&
	       len == 12;
}

/* Is @bdf bound to vfio-pci? */
static bool bound_to_vfio(const char *bdf)
{
	char drv[64];

	return !sysfs_driver(bdf, drv, sizeof(drv)) && !strcmp(drv, "vfio-pci");
}

/* Add function @name of the device's bus; false (topo_why set) if not. */
static bool add_affected(const char *bdf, const char *name)
{
	struct affected *a = &affected[nr_affected];

	if (nr_affected == MAX_AFFECTED) {
		topo_why = "too many functions on the device's bus";
		return false;
	}
	snprintf(a->bdf, sizeof(a->bdf), "%s", name);
	a->self = !strcmp(name, bdf);
	if (sysfs_group_id(name, &a->group_id)) {
		topo_why = "a function on the device's bus has no IOMMU group";
		return false;
	}
	nr_affected++;
	if (a->self)
		return true;
	if (a->group_id == affected[0].group_id || bound_to_vfio(name)) {
		topo_why = "another function on its bus is in vfio-pci or its IOMMU group";
		return false;
	}
	return true;
}

/*
 * Work out which functions a hot reset of @bdf affects: every function on
 * its bus, the directory of its bridge in sysfs, the device first.
 */
static void probe_topology(const char *bdf)
{
	char path[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	char *slash;
	DIR *dir;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s", bdf);
	if (!realpath(path, real))
		return;
	slash = strrchr(real, '/');
	if (!slash)
		return;
	*slash = '\0';
	slash = strrchr(real, '/');
	if (slash && !strncmp(slash + 1, "pci", 3)) {
		topo = TOPO_ROOT_BUS;
		return;
	}
	if (slash && is_bdf(slash + 1))
		snprintf(port, sizeof(port), "%s", slash + 1);
	nr_affected = 0;
	if (!add_affected(bdf, bdf))
		return;
	dir = opendir(real);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		if (!is_bdf(de->d_name) || !strcmp(de->d_name, bdf))
			continue;
		if (!add_affected(bdf, de->d_name)) {
			closedir(dir);
			return;
		}
	}
	closedir(dir);
	topo = nr_affected == 1 ? TOPO_ALONE : TOPO_SHARED;
}

static const char *topo_name(void)
{
	switch (topo) {
	case TOPO_ROOT_BUS:
		return "on the root bus";
	case TOPO_ALONE:
		return "alone on its bus";
	case TOPO_SHARED:
		return "sharing its bus with functions not ours";
	default:
		return topo_why;
	}
}

static void probe_device(const char *bdf)
{
	unsigned long device_id = 0;
	int i;

	page_size = (size_t)sysconf(_SC_PAGESIZE);
	vfio_catch_sigbus();

	sysfs_read_ulong(bdf, "vendor", &vendor_id);
	sysfs_read_ulong(bdf, "device", &device_id);
	if (vendor_id == EDU_VENDOR && device_id == EDU_DEVICE)
		dev_kind = DEV_EDU;
	else if (vendor_id == E1000E_VENDOR && device_id == E1000E_DEVICE)
		dev_kind = DEV_E1000E;
	else if (vendor_id == NVME_VENDOR && device_id == NVME_DEVICE)
		dev_kind = DEV_NVME;
	is_vf = sysfs_exists(bdf, "physfn");
	has_reset_method = sysfs_exists(bdf, "reset_method");
	probe_topology(bdf);
	ktap_diag("device %s: %04lx:%04lx%s%s, %s; %s", bdf, vendor_id,
		  device_id, dev_kind == DEV_EDU ? " (QEMU edu)" :
		  dev_kind == DEV_E1000E ? " (QEMU e1000e)" :
		  dev_kind == DEV_NVME ? " (QEMU nvme)" : "",
		  is_vf ? ", a VF" : "", has_reset_method ? "has a reset method" :
		  "has no reset method", topo_name());
	if (port[0])
		ktap_diag("the bridge above it is %s", port);
	for (i = 0; i < nr_affected; i++)
		ktap_diag("hot reset affects %s (IOMMU group %d)%s",
			  affected[i].bdf, affected[i].group_id,
			  affected[i].self ? ", the device" : "");
}

/*
 * The register of the device's state, NULL when none is known. An nvme
 * VF has none: until its PF gives it resources its controller is offline
 * and ignores register writes.
 */
static const struct state_reg *state_reg_of(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(state_regs) && !is_vf; i++)
		if (state_regs[i].kind == dev_kind)
			return &state_regs[i];
	return NULL;
}

/* The register of the device's state; NULL, skipping the test, if none. */
static const struct state_reg *need_state(struct test_ctx *t)
{
	const struct state_reg *r = state_reg_of();

	if (!r)
		t->skip = "needs QEMU edu, e1000e or an nvme PF for device state";
	return r;
}

/* Does the function sit where the hot reset's outcome is known? */
static bool need_topo(struct test_ctx *t)
{
	if (topo != TOPO_UNKNOWN)
		return true;
	t->skip = topo_why;
	return false;
}

/* ---- results ---- */

/*
 * A call's result @ret, 0 or -errno, must be @want, 0 or -errno.
 * Returns true when it was. Use expect().
 */
static bool expect_at(struct test_ctx *t, int ret, int want,
		      const char *what, int line)
{
	if (!want)
		return !check_ok(t, ret, "line %d: %s", line, what);
	return !check_errno(t, ret ? -1 : 0, -ret, -want, "line %d: %s", line,
			    what);
}

#define expect(t, ret, want, what)	expect_at(t, ret, want, what, __LINE__)

/* ---- the device ---- */

static __u32 bar0_read(struct test_ctx *t, __u64 off)
{
	__u32 val = 0;

	check_ok(t, vfio_bar_read32(t->d, 0, off, &val),
		 "BAR0 read at 0x%llx", (unsigned long long)off);
	return val;
}

static void bar0_write(struct test_ctx *t, __u64 off, __u32 val)
{
	check_ok(t, vfio_bar_write32(t->d, 0, off, val),
		 "BAR0 write of 0x%x at 0x%llx", val, (unsigned long long)off);
}

static __u32 cfg_read16(struct test_ctx *t, unsigned int off)
{
	__u32 val = 0;

	check_ok(t, vfio_cfg_read(t->d, off, 2, &val),
		 "config read at 0x%x", off);
	return val;
}

static void cmd_write(struct test_ctx *t, __u32 cmd)
{
	check_ok(t, vfio_cfg_write(t->d, PCI_COMMAND, 2, cmd),
		 "writing 0x%04x to the command register", cmd);
}

/* The function's own config word at @off (sysfs: the physical device). */
static __u32 phys_cfg16(struct test_ctx *t, unsigned int off)
{
	__u8 b[2] = { 0, 0 };

	check(t, sysfs_read(t->bdf, "config", b, 2, off) == 2,
	      "sysfs config read at 0x%x", off);
	return b[0] | b[1] << 8;
}

static __u32 phys_cfg32(struct test_ctx *t, unsigned int off)
{
	return phys_cfg16(t, off) | phys_cfg16(t, off + 2) << 16;
}

/* A BAR0 register of a known device that is safe to read. */
static __u64 id_reg(void)
{
	switch (dev_kind) {
	case DEV_E1000E:
		return E1000E_REG_STATUS;
	case DEV_NVME:
		return NVME_REG_CAP;
	default:
		return EDU_REG_ID;
	}
}

/*
 * The device still answers after @after: its vendor ID through config
 * space, and a register of a known device through BAR0 (edu: its ID).
 * Use check_alive().
 */
static void check_alive_at(struct test_ctx *t, const char *after, int line)
{
	__u32 val = 0;
	int ret;

	ret = vfio_cfg_read(t->d, PCI_VENDOR_ID, 2, &val);
	if (!check_ok(t, ret, "line %d: vendor ID read after %s", line, after))
		check(t, val == vendor_id,
		      "line %d: after %s the vendor ID reads 0x%04x", line,
		      after, val);
	if (dev_kind == DEV_OTHER)
		return;
	ret = vfio_bar_read32(t->d, 0, id_reg(), &val);
	if (check_ok(t, ret, "line %d: BAR0 read after %s", line, after) ||
	    dev_kind != DEV_EDU)
		return;
	check(t, val == EDU_ID_VALUE,
	      "line %d: after %s edu's ID register reads 0x%08x, expected 0x%08x",
	      line, after, val, EDU_ID_VALUE);
}

#define check_alive(t, after)	check_alive_at(t, after, __LINE__)

/* Write the state register @r; it must hold the value. */
static void state_set(struct test_ctx *t, const struct state_reg *r)
{
	__u32 got;

	bar0_write(t, r->off, r->val);
	got = bar0_read(t, r->off);
	check(t, got == r->held, "%s reads 0x%08x after 0x%08x was written",
	      r->name, got, r->val);
}

/*
 * After @what, a reset when @reset, the state register @r reads 0 if
 * the reset clears it, the value state_set() wrote if nothing was reset;
 * and it still holds what is written to it.
 */
static void state_check(struct test_ctx *t, const struct state_reg *r,
			bool reset, const char *what)
{
	__u32 got = bar0_read(t, r->off);

	if (!reset)
		check(t, got == r->held,
		      "after %s %s reads 0x%08x, expected 0x%08x kept", what,
		      r->name, got, r->held);
	else if (r->cleared)
		check(t, got == 0, "after %s %s reads 0x%08x, expected 0",
		      what, r->name, got);
	else
		ktap_diag("%s: after %s %s reads 0x%08x (0x%08x before)",
			  t->name, what, r->name, got, r->held);
	state_set(t, r);
}

/* ---- a device between users ---- */

#define NVME_LIVE_WAIT_MS	10000

/* Reopen the device the way the harness had it open. */
static bool reopen_dev(struct test_ctx *t, enum vfio_open_mode mode)
{
	return !check_ok(t, vfio_dev_open(t->d, t->bdf, mode), "reopen %s",
			 t->bdf);
}

/* Wait until the nvme driver has the controller of @bdf live. */
static bool nvme_live(const char *bdf)
{
	char path[PATH_MAX], state[16];
	unsigned int ms;
	ssize_t n;
	int i;

	for (ms = 0; ms < NVME_LIVE_WAIT_MS; ms += 100) {
		for (i = 0; i < 8; i++) {
			snprintf(path, sizeof(path), "nvme/nvme%d/state", i);
			n = sysfs_read(bdf, path, state, sizeof(state) - 1, 0);
			if (n > 0 && !strncmp(state, "live", 4))
				return true;
		}
		usleep(100 * 1000);
	}
	return false;
}

/*
 * A user is handed the function with bus master off, whatever the driver
 * or user before it left: in the user's view of COMMAND and in the
 * function's own, read through sysfs.
 */
static void master_off(struct test_ctx *t, const char *when)
{
	__u32 cmd = cfg_read16(t, PCI_COMMAND), hw = phys_cfg16(t, PCI_COMMAND);

	check(t, !(cmd & PCI_COMMAND_MASTER),
	      "bus master on at the first open %s: COMMAND 0x%04x", when, cmd);
	check(t, !(hw & PCI_COMMAND_MASTER),
	      "the function's bus master on at the first open %s: COMMAND 0x%04x",
	      when, hw);
}

/*
 * The nvme driver drives the function, which leaves the controller
 * configured (CC) and bus master on when it lets go; the device comes
 * back to vfio-pci and the first open must hand it over reset, with bus
 * master off.
 */
static void after_host_driver(struct test_ctx *t, const struct state_reg *r,
			      enum vfio_open_mode mode)
{
	char ours[64];
	bool live;

	if (access("/sys/bus/pci/drivers/nvme", F_OK)) {
		ktap_diag("%s: no nvme driver loaded: the host driver round is not run",
			  t->name);
		return;
	}
	if (check_ok(t, sysfs_driver(t->bdf, ours, sizeof(ours)), "driver"))
		return;
	vfio_dev_close(t->d);
	if (check_ok(t, sysfs_bind(t->bdf, "nvme"), "bind to nvme"))
		goto back;
	live = nvme_live(t->bdf);
	if (!check(t, live, "the nvme driver did not bring the controller up"))
		ktap_diag("%s: the nvme driver had the controller live",
			  t->name);
back:
	if (check_ok(t, sysfs_bind(t->bdf, ours), "bind back to %s", ours) ||
	    !reopen_dev(t, mode))
		return;
	state_check(t, r, true, "the nvme driver and a first open");
	master_off(t, "after the nvme driver");
}

/* Set bus master in the function itself, through sysfs, as root may. */
static bool phys_master_on(struct test_ctx *t)
{
	char path[PATH_MAX];
	__u8 b[2] = { 0, 0 };
	bool ok = false;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config",
		 t->bdf);
	fd = open(path, O_RDWR);
	if (fd >= 0 && pread(fd, b, 2, PCI_COMMAND) == 2) {
		b[0] |= PCI_COMMAND_MASTER;
		ok = pwrite(fd, b, 2, PCI_COMMAND) == 2;
	}
	if (fd >= 0)
		close(fd);
	return !check(t, ok, "setting bus master through %s", path);
}

/*
 * Bus master left on in a closed function (set through sysfs here, as a
 * previous driver or a host tool may leave it) is off when the next user
 * opens it, reset or not.
 */
static void test_master_at_open(struct test_ctx *t)
{
	enum vfio_open_mode mode = t->d->mode;

	vfio_dev_close(t->d);
	if (!phys_master_on(t))
		ktap_diag("%s: bus master not set", t->name);
	if (reopen_dev(t, mode))
		master_off(t, "after bus master was left on");
}

/*
 * A user never finds the state an earlier user left: state written before
 * the device is closed reads as reset once it is opened again; nor the
 * state the host driver it had before left, where the nvme driver is
 * there to drive an nvme PF in between.
 */
static void test_reset_between_users(struct test_ctx *t)
{
	const struct state_reg *r = need_state(t);
	enum vfio_open_mode mode = t->d->mode;

	if (!r)
		return;
	if (!r->cleared) {
		t->skip = "a reset leaves this device's state register as is";
		return;
	}
	state_set(t, r);
	vfio_dev_close(t->d);
	if (!reopen_dev(t, mode))
		return;
	state_check(t, r, true, "a close and an open");
	if (dev_kind == DEV_NVME)
		after_host_driver(t, r, mode);
}

/* ---- mappings ---- */

/* Map the first page of BAR0 if it offers mmap; NULL when it does not. */
static __u8 *map_bar0(struct test_ctx *t)
{
	struct vfio_region_info ri;
	void *p;

	if (check_ok(t, vfio_region_info(t->d, BAR0, &ri),
		     "VFIO_DEVICE_GET_REGION_INFO(BAR0)"))
		return NULL;
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP) || ri.size < page_size)
		return NULL;
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 t->d->device_fd, (off_t)ri.offset);
	if (check(t, p != MAP_FAILED, "mmap of BAR0: %s", strerror(errno)))
		return NULL;
	return p;
}

static void unmap_bar0(struct test_ctx *t, __u8 *p)
{
	if (p)
		check(t, munmap(p, page_size) == 0, "munmap of BAR0: %s",
		      strerror(errno));
}

/*
 * The mapping @p of BAR0 works after @what: it reads what the fd reads
 * (edu: its ID), and on edu a write through it reaches the device.
 */
static void check_mapping(struct test_ctx *t, __u8 *p, const char *what)
{
	__u64 off = id_reg();
	__u32 mapped = 0, direct;

	if (!p)
		return;
	if (check(t, vfio_load32(p + off, &mapped),
		  "after %s a read through the BAR0 mapping raised SIGBUS",
		  what))
		return;
	direct = bar0_read(t, off);
	check(t, mapped == direct,
	      "after %s BAR0+0x%llx reads 0x%08x mapped, 0x%08x through the fd",
	      what, (unsigned long long)off, mapped, direct);
	if (dev_kind != DEV_EDU)
		return;
	check(t, mapped == EDU_ID_VALUE,
	      "after %s edu's ID reads 0x%08x through the mapping", what,
	      mapped);
	if (check(t, vfio_store32(p + EDU_REG_LIVENESS, 0x0badcafe),
		  "after %s a write through the BAR0 mapping raised SIGBUS",
		  what))
		return;
	direct = bar0_read(t, EDU_REG_LIVENESS);
	check(t, direct == ~0x0badcafeu,
	      "after %s liveness written through the mapping reads 0x%08x",
	      what, direct);
}

/* ---- the ioctls ---- */

static bool reset_flagged(struct test_ctx *t)
{
	struct vfio_device_info info;

	if (check_ok(t, vfio_device_info(t->d, &info), "VFIO_DEVICE_GET_INFO"))
		return false;
	return info.flags & VFIO_DEVICE_FLAGS_RESET;
}

/* VFIO_DEVICE_RESET: 0 or -errno */
static int device_reset(struct vfio_dev *d)
{
	return ioctl(d->device_fd, VFIO_DEVICE_RESET) ? -errno : 0;
}

/* GET_PCI_HOT_RESET_INFO with @argsz, the rest of @a zeroed */
static int info_call(struct vfio_dev *d, struct info_arg *a, __u32 argsz)
{
	memset(a, 0, sizeof(*a));
	a->hdr.argsz = argsz;
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, a))
		return -errno;
	return 0;
}

/*
 * PCI_HOT_RESET with @flags and @count group fds, of which the first
 * @nfds (at most MAX_FDS) are @fds and follow the header; argsz covers
 * what is there. 0 or -errno.
 */
static int hot_reset(struct vfio_dev *d, __u32 flags, __u32 count,
		     const int *fds, int nfds)
{
	struct reset_arg a;
	int i;

	memset(&a, 0, sizeof(a));
	a.hdr.argsz = sizeof(a.hdr) + nfds * sizeof(a.fds[0]);
	a.hdr.flags = flags;
	a.hdr.count = count;
	for (i = 0; i < nfds && i < MAX_FDS; i++)
		a.fds[i] = fds[i];
	return ioctl(d->device_fd, VFIO_DEVICE_PCI_HOT_RESET, &a) ? -errno : 0;
}

/*
 * The hot reset as the uAPI wants it called: with the device's group fd
 * in group mode, with an empty array in cdev mode.
 */
static int hot_reset_owned(struct vfio_dev *d)
{
	if (d->mode == VFIO_MODE_GROUP)
		return hot_reset(d, 0, 1, &d->group_fd, 1);
	return hot_reset(d, 0, 0, NULL, 0);
}

/* What the hot reset gives where the device sits. */
static int hot_reset_want(void)
{
	switch (topo) {
	case TOPO_ALONE:
		return 0;
	case TOPO_ROOT_BUS:
		return -ENODEV;
	default:
		/* functions outside the caller's ownership */
		return -EINVAL;
	}
}

/* ---- the tests: VFIO_DEVICE_RESET ---- */

/*
 * GET_INFO offers VFIO_DEVICE_FLAGS_RESET on edu (a bus reset: it is
 * alone behind its root port), e1000e (a PM reset) and the nvme PF and
 * VF (FLR), and on any function exactly when the kernel has a reset
 * method for it (sysfs reset_method): not on the root bus's ivshmem and
 * pci-testdev.
 */
static void test_reset_flag(struct test_ctx *t)
{
	bool flagged = reset_flagged(t);

	if (dev_kind != DEV_OTHER)
		check(t, flagged, "GET_INFO lacks VFIO_DEVICE_FLAGS_RESET");
	check(t, flagged == has_reset_method,
	      "VFIO_DEVICE_FLAGS_RESET is %s, but the function %s a reset method",
	      flagged ? "set" : "clear", has_reset_method ? "has" : "lacks");
}

/*
 * VFIO_DEVICE_RESET succeeds, twice in a row, when GET_INFO offers it and
 * is EINVAL when it does not; the device answers afterwards.
 */
static void test_reset(struct test_ctx *t)
{
	if (!reset_flagged(t)) {
		expect(t, device_reset(t->d), -EINVAL,
		       "VFIO_DEVICE_RESET without VFIO_DEVICE_FLAGS_RESET");
		check_alive(t, "a refused reset");
		return;
	}
	expect(t, device_reset(t->d), 0, "VFIO_DEVICE_RESET");
	check_alive(t, "VFIO_DEVICE_RESET");
	expect(t, device_reset(t->d), 0, "a second VFIO_DEVICE_RESET");
	check_alive(t, "a second VFIO_DEVICE_RESET");
}

/*
 * VFIO_DEVICE_RESET resets the device: the nvme PF's FLR returns CC to
 * 0. edu (QEMU gives it no reset handler) and e1000e (its reset is a PM
 * D3hot-D0 cycle, which QEMU 7.2 ignores) keep their registers working;
 * the values they keep are only reported.
 */
static void test_reset_state(struct test_ctx *t)
{
	const struct state_reg *r = need_state(t);

	if (!r)
		return;
	state_set(t, r);
	if (!expect(t, device_reset(t->d), 0, "VFIO_DEVICE_RESET"))
		return;
	state_check(t, r, true, "VFIO_DEVICE_RESET");
	check_alive(t, "VFIO_DEVICE_RESET");
}

/*
 * The page faults taken by one read through the mapping @p: none while
 * its page is mapped, one or more once the mapping was zapped. False when
 * the read raised SIGBUS (*@faults then unset).
 */
static bool touch_faults(__u8 *p, long *faults)
{
	struct rusage r0, r1;
	__u32 v;
	bool ok;

	getrusage(RUSAGE_THREAD, &r0);
	ok = vfio_load32(p, &v);
	getrusage(RUSAGE_THREAD, &r1);
	*faults = r1.ru_minflt + r1.ru_majflt - r0.ru_minflt - r0.ru_majflt;
	return ok;
}

/*
 * VFIO_DEVICE_RESET zaps the BAR mappings: under QEMU a stale mapping
 * would still read the device, so the zap is seen in the page faults the
 * next read takes. A read of a mapped page takes none (the control); the
 * first read after the reset must take one.
 */
static void reset_zaps(struct test_ctx *t, __u8 *p)
{
	long faults;

	if (check(t, touch_faults(p, &faults),
		  "a read through the BAR0 mapping raised SIGBUS"))
		return;
	if (check(t, touch_faults(p, &faults) && faults == 0,
		  "a second read through the mapped page took %ld page faults, expected 0",
		  faults))
		return;
	if (!expect(t, device_reset(t->d), 0, "VFIO_DEVICE_RESET"))
		return;
	faults = 0;
	check(t, touch_faults(p, &faults) && faults > 0,
	      "the first read after VFIO_DEVICE_RESET took no page fault: the mapping was not zapped");
}

/*
 * Initiate Function Level Reset written to PCIe device control through
 * the fd resets the function when it has FLR (the nvme PF: CC returns to
 * 0); the bit always reads 0 and the device answers afterwards.
 */
static void test_reset_flr(struct test_ctx *t)
{
	const struct state_reg *r;
	__u32 cap = 0, ctl;
	int pos;

	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_EXP);
	if (pos <= 0) {
		t->skip = "no PCI Express capability";
		return;
	}
	if (check_ok(t, vfio_cfg_read(t->d, pos + PCI_EXP_DEVCAP, 4, &cap),
		     "reading PCIe device capabilities"))
		return;
	if (!(cap & PCI_EXP_DEVCAP_FLR)) {
		t->skip = "the function has no FLR";
		return;
	}
	r = need_state(t);
	if (!r)
		return;
	state_set(t, r);
	ctl = cfg_read16(t, pos + PCI_EXP_DEVCTL);
	if (check_ok(t, vfio_cfg_write(t->d, pos + PCI_EXP_DEVCTL, 2,
				       ctl | PCI_EXP_DEVCTL_BCR_FLR),
		     "writing Initiate FLR to device control"))
		return;
	ctl = cfg_read16(t, pos + PCI_EXP_DEVCTL);
	check(t, !(ctl & PCI_EXP_DEVCTL_BCR_FLR),
	      "device control reads 0x%04x after an FLR: Initiate FLR set",
	      ctl);
	state_check(t, r, true, "an FLR through device control");
	check_alive(t, "an FLR through device control");
}

/* values of the PMCSR power state field */
#define PSTATE_D0	0
#define PSTATE_D3HOT	3

/* Write the power state field of the PM capability at @pm. */
static int set_pstate(struct test_ctx *t, int pm, __u32 state)
{
	__u32 ctl = cfg_read16(t, pm + PCI_PM_CTRL);

	return vfio_cfg_write(t->d, pm + PCI_PM_CTRL, 2,
			      (ctl & ~PCI_PM_CTRL_STATE_MASK) | state);
}

/* FLR through PCIe device control: 0, or -ENOTTY without FLR. */
static int devctl_flr(struct test_ctx *t)
{
	int pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_EXP);
	__u32 cap = 0;

	if (pos <= 0 || vfio_cfg_read(t->d, pos + PCI_EXP_DEVCAP, 4, &cap) ||
	    !(cap & PCI_EXP_DEVCAP_FLR))
		return -ENOTTY;
	return vfio_cfg_write(t->d, pos + PCI_EXP_DEVCTL, 2,
			      cfg_read16(t, pos + PCI_EXP_DEVCTL) |
			      PCI_EXP_DEVCTL_BCR_FLR);
}

/*
 * One reset of a function userspace put in D3hot: the reset brings it to
 * D0 through the path that gives it back its D0 state, and that state is
 * spent. A later D3hot and D0 then bring back the command register
 * written after the reset, not the one from before it.
 */
static void reset_in_d3hot(struct test_ctx *t, int pm, const char *how,
			   int (*reset)(struct test_ctx *t))
{
	const __u32 before = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	const __u32 after = PCI_COMMAND_MEMORY;
	__u32 hw;
	int ret;

	cmd_write(t, before);
	if (check_ok(t, set_pstate(t, pm, PSTATE_D3HOT), "D3hot before %s", how))
		return;
	ret = reset(t);
	if (ret == -ENOTTY) {
		ktap_diag("%s: no %s", t->name, how);
		set_pstate(t, pm, PSTATE_D0);
		return;
	}
	if (check_ok(t, ret, "%s in D3hot", how))
		return;
	check(t, (cfg_read16(t, pm + PCI_PM_CTRL) & PCI_PM_CTRL_STATE_MASK) ==
	      PSTATE_D0, "not in D0 after %s", how);
	cmd_write(t, after);
	check_ok(t, set_pstate(t, pm, PSTATE_D3HOT), "D3hot after %s", how);
	check_ok(t, set_pstate(t, pm, PSTATE_D0), "D0 after %s", how);
	hw = phys_cfg16(t, PCI_COMMAND) & before;
	check(t, hw == after,
	      "%s in D3hot: D3hot and D0 after it gave COMMAND 0x%04x, written 0x%04x",
	      how, hw, after);
	check_alive(t, how);
}

static int ioctl_reset(struct test_ctx *t)
{
	return device_reset(t->d);
}

/* VFIO_DEVICE_RESET and FLR through device control, each from D3hot. */
static void test_reset_d3hot(struct test_ctx *t)
{
	int pm = vfio_cfg_find_cap(t->d, PCI_CAP_ID_PM);

	if (pm <= 0) {
		t->skip = "no PM capability: no D3hot";
		return;
	}
	if (!reset_flagged(t)) {
		t->skip = "GET_INFO offers no VFIO_DEVICE_RESET";
		return;
	}
	reset_in_d3hot(t, pm, "VFIO_DEVICE_RESET", ioctl_reset);
	reset_in_d3hot(t, pm, "FLR through device control", devctl_flr);
}

/*
 * A mapping of BAR0 made before the reset works after it: the reset
 * takes the pages away and the next access faults them back in.
 */
static void test_reset_mmap(struct test_ctx *t)
{
	__u8 *p;

	if (!reset_flagged(t)) {
		t->skip = "GET_INFO offers no VFIO_DEVICE_RESET";
		return;
	}
	p = map_bar0(t);
	if (!p) {
		if (!t->fails)
			t->skip = "BAR0 offers no mmap of a page";
		return;
	}
	check_mapping(t, p, "mapping");
	if (expect(t, device_reset(t->d), 0, "VFIO_DEVICE_RESET"))
		check_mapping(t, p, "VFIO_DEVICE_RESET");
	reset_zaps(t, p);
	unmap_bar0(t, p);
}

/*
 * Reset with the command register as the user set it: @cmd, which must
 * read back the same after the reset, in the user's view and on the
 * function itself (bus master and memory enable); the BARs are restored.
 */
static void reset_with_cmd(struct test_ctx *t, __u32 cmd)
{
	const __u32 phys_bits = PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	__u32 bar0, phys_bar0, got, phys;

	cmd_write(t, cmd);
	cmd = cfg_read16(t, PCI_COMMAND);
	phys = phys_cfg16(t, PCI_COMMAND);
	bar0 = 0;
	check_ok(t, vfio_cfg_read(t->d, PCI_BASE_ADDRESS_0, 4, &bar0),
		 "BAR0 register read");
	phys_bar0 = phys_cfg32(t, PCI_BASE_ADDRESS_0);
	if (!expect(t, device_reset(t->d), 0, "VFIO_DEVICE_RESET"))
		return;

	got = cfg_read16(t, PCI_COMMAND);
	check(t, got == cmd,
	      "command register 0x%04x before the reset, 0x%04x after", cmd,
	      got);
	got = phys_cfg16(t, PCI_COMMAND);
	check(t, (got & phys_bits) == (phys & phys_bits),
	      "the function's command register 0x%04x before the reset, 0x%04x after",
	      phys, got);
	got = 0;
	check_ok(t, vfio_cfg_read(t->d, PCI_BASE_ADDRESS_0, 4, &got),
		 "BAR0 register read");
	check(t, got == bar0, "BAR0 register 0x%08x before the reset, 0x%08x after",
	      bar0, got);
	got = phys_cfg32(t, PCI_BASE_ADDRESS_0);
	check(t, got == phys_bar0,
	      "the function's BAR0 0x%08x before the reset, 0x%08x after",
	      phys_bar0, got);
}

/*
 * Config space the user wrote survives VFIO_DEVICE_RESET: bus master set
 * or clear and memory enable stay as they were, and so do the BARs; with
 * memory left disabled over the reset, enabling it after brings the
 * device back.
 */
static void test_reset_config(struct test_ctx *t)
{
	__u32 cmd;

	if (!reset_flagged(t)) {
		t->skip = "GET_INFO offers no VFIO_DEVICE_RESET";
		return;
	}
	cmd = cfg_read16(t, PCI_COMMAND);
	reset_with_cmd(t, cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	reset_with_cmd(t, (cmd | PCI_COMMAND_MEMORY) & ~PCI_COMMAND_MASTER);
	reset_with_cmd(t, cmd & ~(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	cmd_write(t, cmd | PCI_COMMAND_MEMORY);
	check_alive(t, "a reset with memory disabled");
	cmd_write(t, cmd);
}

/* ---- the tests: VFIO_DEVICE_GET_PCI_HOT_RESET_INFO ---- */

/*
 * An argsz short of the header is EINVAL. Where a hot reset exists, a
 * buffer of the header alone, or one entry short, is ENOSPC with count
 * set to the number of affected functions; on the root bus the call is
 * ENODEV.
 */
static void test_info_argsz(struct test_ctx *t)
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
static void test_info_list(struct test_ctx *t)
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
		ktap_diag("%s: after the ENOTTY %s reads 0x%08x (0x%08x before)",
			  t->name, r->name, got, r->held);
	}
	if (t->fails)
		return;
	ktap_diag("%s: link of %s before the bus reset: %s; after it: down; logged: \"%s\"",
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
static void test_hot_reset(struct test_ctx *t)
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
static void test_hot_reset_bad_args(struct test_ctx *t)
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
static void test_hot_reset_bad_fds(struct test_ctx *t)
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
static void test_hot_reset_foreign_group(struct test_ctx *t)
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
	ktap_diag("%s: the group of %s", t->name, bdf);
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

static const struct test tests[] = {
	{ "reset_flag", test_reset_flag },
	{ "reset", test_reset },
	{ "reset_state", test_reset_state },
	{ "reset_mmap", test_reset_mmap },
	{ "reset_config", test_reset_config },
	{ "reset_flr", test_reset_flr },
	{ "reset_d3hot", test_reset_d3hot },
	{ "info_argsz", test_info_argsz },
	{ "info_list", test_info_list },
	{ "hot_reset", test_hot_reset },
	{ "hot_reset_bad_args", test_hot_reset_bad_args },
	{ "hot_reset_bad_fds", test_hot_reset_bad_fds },
	{ "hot_reset_foreign_group", test_hot_reset_foreign_group },
	/* last: it closes and reopens the device */
	{ "reset_between_users", test_reset_between_users },
	{ "master_at_open", test_master_at_open },
};

int main(int argc, char **argv)
{
	return vfio_test_main(argc, argv, tests, ARRAY_SIZE(tests),
			      probe_device);
}
