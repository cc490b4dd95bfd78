// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_reset_test: tests of the reset uAPI of vfio-pci:
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
#include "vfio_pci_reset.h"
#include "vfio_fixture.h"

static const struct state_reg state_regs[] = {
	{ DEV_EDU, EDU_REG_LIVENESS, 0x12345678u, ~0x12345678u, false,
	  "edu's liveness register" },
	{ DEV_E1000E, E1000E_REG_RDBAL, 0x12345670u, 0x12345670u, false,
	  "e1000e's RDBAL" },
	{ DEV_NVME, NVME_REG_CC, NVME_CC_QES, NVME_CC_QES, true,
	  "nvme's CC" },
};

enum dev_kind dev_kind;
unsigned long vendor_id;
bool is_vf;
bool has_reset_method;
enum topo topo;
const char *topo_why = "the device's place in sysfs was not read";
/* the bridge above the device, whose secondary bus a hot reset resets */
char port[16];
struct affected affected[MAX_AFFECTED];
int nr_affected;
size_t page_size;

/* ---- device and topology detection ---- */

/* Is @name a PCI address, DDDD:BB:DD.F? */
bool is_bdf(const char *name)
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
	vfio_diag("device %s: %04lx:%04lx%s%s, %s; %s", bdf, vendor_id,
		  device_id, dev_kind == DEV_EDU ? " (QEMU edu)" :
		  dev_kind == DEV_E1000E ? " (QEMU e1000e)" :
		  dev_kind == DEV_NVME ? " (QEMU nvme)" : "",
		  is_vf ? ", a VF" : "", has_reset_method ? "has a reset method" :
		  "has no reset method", topo_name());
	if (port[0])
		vfio_diag("the bridge above it is %s", port);
	for (i = 0; i < nr_affected; i++)
		vfio_diag("hot reset affects %s (IOMMU group %d)%s",
			  affected[i].bdf, affected[i].group_id,
			  affected[i].self ? ", the device" : "");
}

/*
 * The register of the device's state, NULL when none is known. An nvme
 * VF has none: until its PF gives it resources its controller is offline
 * and ignores register writes.
 */
const struct state_reg *state_reg_of(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(state_regs) && !is_vf; i++)
		if (state_regs[i].kind == dev_kind)
			return &state_regs[i];
	return NULL;
}

/* The register of the device's state; NULL, skipping the test, if none. */
const struct state_reg *need_state(struct test_ctx *t)
{
	const struct state_reg *r = state_reg_of();

	if (!r)
		t->skip = "needs QEMU edu, e1000e or an nvme PF for device state";
	return r;
}

/* Does the function sit where the hot reset's outcome is known? */
bool need_topo(struct test_ctx *t)
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
bool expect_at(struct test_ctx *t, int ret, int want,
	       const char *what, int line)
{
	if (!want)
		return !check_ok(t, ret, "line %d: %s", line, what);
	return !check_errno(t, ret ? -1 : 0, -ret, -want, "line %d: %s", line,
			    what);
}

/* ---- the device ---- */

__u32 bar0_read(struct test_ctx *t, __u64 off)
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

__u32 cfg_read16(struct test_ctx *t, unsigned int off)
{
	__u32 val = 0;

	check_ok(t, vfio_cfg_read(t->d, off, 2, &val),
		 "config read at 0x%x", off);
	return val;
}

void cmd_write(struct test_ctx *t, __u32 cmd)
{
	check_ok(t, vfio_cfg_write(t->d, PCI_COMMAND, 2, cmd),
		 "writing 0x%04x to the command register", cmd);
}

/* The function's own config word at @off (sysfs: the physical device). */
__u32 phys_cfg16(struct test_ctx *t, unsigned int off)
{
	__u8 b[2] = { 0, 0 };

	check(t, sysfs_read(t->bdf, "config", b, 2, off) == 2,
	      "sysfs config read at 0x%x", off);
	return b[0] | b[1] << 8;
}

__u32 phys_cfg32(struct test_ctx *t, unsigned int off)
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
void check_alive_at(struct test_ctx *t, const char *after, int line)
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

/* Write the state register @r; it must hold the value. */
void state_set(struct test_ctx *t, const struct state_reg *r)
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
void state_check(struct test_ctx *t, const struct state_reg *r,
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
		vfio_diag("%s: after %s %s reads 0x%08x (0x%08x before)",
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
		vfio_diag("%s: no nvme driver loaded: the host driver round is not run",
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
		vfio_diag("%s: the nvme driver had the controller live",
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
		vfio_diag("%s: bus master not set", t->name);
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
__u8 *map_bar0(struct test_ctx *t)
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

void unmap_bar0(struct test_ctx *t, __u8 *p)
{
	if (p)
		check(t, munmap(p, page_size) == 0, "munmap of BAR0: %s",
		      strerror(errno));
}

/*
 * The mapping @p of BAR0 works after @what: it reads what the fd reads
 * (edu: its ID), and on edu a write through it reaches the device.
 */
void check_mapping(struct test_ctx *t, __u8 *p, const char *what)
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

bool reset_flagged(struct test_ctx *t)
{
	struct vfio_device_info info;

	if (check_ok(t, vfio_device_info(t->d, &info), "VFIO_DEVICE_GET_INFO"))
		return false;
	return info.flags & VFIO_DEVICE_FLAGS_RESET;
}

/* VFIO_DEVICE_RESET: 0 or -errno */
int device_reset(struct vfio_dev *d)
{
	return ioctl(d->device_fd, VFIO_DEVICE_RESET) ? -errno : 0;
}

/* GET_PCI_HOT_RESET_INFO with @argsz, the rest of @a zeroed */
int info_call(struct vfio_dev *d, struct info_arg *a, __u32 argsz)
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
int hot_reset(struct vfio_dev *d, __u32 flags, __u32 count,
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
int hot_reset_owned(struct vfio_dev *d)
{
	if (d->mode == VFIO_MODE_GROUP)
		return hot_reset(d, 0, 1, &d->group_fd, 1);
	return hot_reset(d, 0, 0, NULL, 0);
}

/* What the hot reset gives where the device sits. */
int hot_reset_want(void)
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

TEST_F_TIMEOUT(vfio_dev, reset_flag, VFIO_TEST_TIMEOUT)
{
	test_reset_flag(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, reset, VFIO_TEST_TIMEOUT)
{
	test_reset(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, reset_state, VFIO_TEST_TIMEOUT)
{
	test_reset_state(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, reset_mmap, VFIO_TEST_TIMEOUT)
{
	test_reset_mmap(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, reset_config, VFIO_TEST_TIMEOUT)
{
	test_reset_config(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, reset_flr, VFIO_TEST_TIMEOUT)
{
	test_reset_flr(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, reset_d3hot, VFIO_TEST_TIMEOUT)
{
	test_reset_d3hot(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, info_argsz, VFIO_TEST_TIMEOUT)
{
	test_info_argsz(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, info_list, VFIO_TEST_TIMEOUT)
{
	test_info_list(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, hot_reset, VFIO_TEST_TIMEOUT)
{
	test_hot_reset(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, hot_reset_bad_args, VFIO_TEST_TIMEOUT)
{
	test_hot_reset_bad_args(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, hot_reset_bad_fds, VFIO_TEST_TIMEOUT)
{
	test_hot_reset_bad_fds(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, hot_reset_foreign_group, VFIO_TEST_TIMEOUT)
{
	test_hot_reset_foreign_group(&self->t);
}

/* the device its own: it closes and reopens it */
TEST_F_TIMEOUT(vfio_own, reset_between_users, VFIO_TEST_TIMEOUT)
{
	test_reset_between_users(&self->t);
}

TEST_F_TIMEOUT(vfio_own, master_at_open, VFIO_TEST_TIMEOUT)
{
	test_master_at_open(&self->t);
}

int main(int argc, char **argv)
{
	const char *bdf = vfio_test_init(argc, argv);

	if (bdf)
		probe_device(bdf);
	return test_harness_run(argc, argv);
}

