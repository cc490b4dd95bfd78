// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_fail_nth: the sweeps an admin's steps go through: the bind through sysfs,
 * sriov_numvfs on vfio-pci, the VF token, a VF's open with it, and the
 * mlx5 stand-in parent's auxiliary devices.
 */
#include "vfio_pci_fail_nth.h"

/* sysfs: bind to vfio-pci */

#define BIND_PATH	"/sys/bus/pci/drivers/vfio-pci/bind"

struct bind_ctx {
	const char *bdf;
	enum vfio_open_mode mode;
	int fd;			/* the bind file */
	unsigned int no_node;	/* binds that left no /dev node */
};

static bool bound_to_vfio(const char *bdf)
{
	char drv[64];

	return !sysfs_driver(bdf, drv, sizeof(drv)) &&
	       !strcmp(drv, "vfio-pci");
}

static int bind_setup(struct test_ctx *t, void *p)
{
	struct bind_ctx *c = p;
	int ret = 0;

	(void)t;
	if (sysfs_exists(c->bdf, "driver"))
		ret = sysfs_write(c->bdf, "driver/unbind", c->bdf);
	if (ret)
		return ret;
	c->fd = open(BIND_PATH, O_WRONLY | O_CLOEXEC);
	return c->fd < 0 ? -errno : 0;
}

static int bind_step(void *p)
{
	struct bind_ctx *c = p;
	size_t len = strlen(c->bdf);
	ssize_t n = write(c->fd, c->bdf, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

static bool bind_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct bind_ctx *c = p;
	struct vfio_dev d;
	bool ok, bound;
	int err;

	close(c->fd);
	c->fd = -1;
	bound = bound_to_vfio(c->bdf);
	ok = !check(t, bound == !ret,
		    "bind: nth %u: %s, yet the device is %sbound to vfio-pci",
		    nth, ret ? "failed" : "succeeded", bound ? "" : "not ");
	if (!bound) {
		if (check_ok(t, sysfs_write_path(BIND_PATH, c->bdf),
			     "bind: nth %u: bind again", nth) ||
		    check(t, bound_to_vfio(c->bdf),
			  "bind: nth %u: not on vfio-pci after binding again",
			  nth))
			return false;
	}
	err = vfio_dev_open(&d, c->bdf, c->mode);
	if (err == -ENOENT && bound) {
		/*
		 * device_add() goes on when devtmpfs cannot get the memory
		 * to name the node: the device is there, its /dev node not.
		 * Bound again without injection, it must have both.
		 */
		if (!c->no_node++)
			vfio_diag("%s: bind: nth %u: bound, but %s; binding again",
				  t->name, nth, d.err);
		err = sysfs_write(c->bdf, "driver/unbind", c->bdf);
		if (!err)
			err = sysfs_write_path(BIND_PATH, c->bdf);
		if (!err)
			err = vfio_dev_open(&d, c->bdf, c->mode);
	}
	if (check_ok(t, err, "bind: nth %u: open after the bind: %s", nth,
		     d.err))
		return false;
	ok &= vendor_ok(t, d.device_fd, "bind", nth);
	vfio_dev_close(&d);
	return ok;
}

void test_sysfs_bind(struct test_ctx *t)
{
	struct bind_ctx c = { .bdf = t->bdf, .mode = t->d->mode, .fd = -1 };
	struct sweep_ops ops = {
		.what = "write to drivers/vfio-pci/bind",
		.spare = &spare_group,
		.setup = bind_setup,
		.step = bind_step,
		.undo = bind_undo,
	};
	char old[64] = "";
	ssize_t n;

	if (!fi_ready(t))
		return;
	if (t->d->mode != VFIO_MODE_GROUP) {
		/* a second minute or two on debug for the same paths */
		t->skip = "the bind registers both paths: swept with the group's";
		return;
	}
	n = sysfs_read(t->bdf, "driver_override", old, sizeof(old) - 1, 0);
	old[n > 0 ? n : 0] = '\0';
	old[strcspn(old, "\n")] = '\0';
	if (!strcmp(old, "(null)"))
		old[0] = '\0';
	vfio_dev_close(t->d);
	if (!check_ok(t, sysfs_write(t->bdf, "driver_override", "vfio-pci"),
		      "set driver_override"))
		sweep(t, &ops, &c);
	if (c.no_node)
		vfio_diag("%s: %u bind(s) left no /dev node until bound again",
			  t->name, c.no_node);
	if (c.fd >= 0)
		close(c.fd);
	if (!bound_to_vfio(t->bdf))
		check_ok(t, sysfs_write_path(BIND_PATH, t->bdf),
			 "binding to vfio-pci at the end");
	if (strcmp(old, "vfio-pci"))
		check_ok(t, sysfs_write(t->bdf, "driver_override",
					old[0] ? old : "\n"),
			 "restore driver_override '%s'", old);
	check_ok(t, vfio_dev_open(t->d, t->bdf, t->d->mode),
		 "opening the device again for the next tests: %s", t->d->err);
}

/* SR-IOV: VFs made through sriov_numvfs, the VF token, a VF's open */

#define SRIOV_PARAM	"/sys/module/vfio_pci/parameters/enable_sriov"

static const __u8 vf_token[16] = {
	0x3c, 0x1e, 0x7a, 0x42, 0x90, 0x5b, 0x4e, 0x11,
	0xa6, 0x0d, 0x2f, 0x83, 0xc4, 0x57, 0x19, 0xe8,
};

struct sriov_ctx {
	const char *pf;
	int pf_fd;		/* the PF's device fd, the fixture's */
	enum vfio_open_mode mode;
	int numvfs_fd;		/* sriov_numvfs, open for the step */
	char vf[32];		/* VF 0's address while VFs exist */
	char name[96];		/* "VF vf_token=UUID" for the group path */
	struct vfio_dev g;	/* group path: the VF's container and group */
	int iommufd;		/* cdev path */
	int vf_fd;		/* the VF's device fd the step opened */
	bool param_set;		/* enable_sriov was off and set for the test */
};

static int numvfs_set(const char *pf, const char *n)
{
	return sysfs_write(pf, "sriov_numvfs", n);
}

/* VFIO_DEVICE_FEATURE SET PCI_VF_TOKEN of vf_token on @fd: 0 or -errno */
static int vf_token_set(int fd)
{
	struct {
		struct vfio_device_feature hdr;
		__u8 uuid[16];
	} a = {
		.hdr.argsz = sizeof(a),
		.hdr.flags = VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_PCI_VF_TOKEN,
	};

	memcpy(a.uuid, vf_token, sizeof(a.uuid));
	return ioctl(fd, VFIO_DEVICE_FEATURE, &a) ? -errno : 0;
}

/* true when @t may go on: a PF whose VFs vfio-pci lets be made, none yet */
static bool sriov_ready(struct test_ctx *t, struct sriov_ctx *c)
{
	unsigned long total = 0, n = 0;
	char param = 'N';
	int fd;

	if (!fi_ready(t))
		return false;
	if (sysfs_read_ulong(c->pf, "sriov_totalvfs", &total) || !total) {
		t->skip = "not an SR-IOV physical function";
		return false;
	}
	fd = open(SRIOV_PARAM, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &param, 1) != 1)
			param = 'N';
		close(fd);
	}
	if (param != 'Y') {
		if (check_ok(t, sysfs_write_path(SRIOV_PARAM, "Y"),
			     "set vfio_pci's enable_sriov"))
			return false;
		c->param_set = true;
	}
	if (check_ok(t, sysfs_read_ulong(c->pf, "sriov_numvfs", &n),
		     "read sriov_numvfs"))
		return false;
	return !check(t, !n, "%lu VFs exist before the test", n);
}

/* VF 0 made without injection and bound to vfio-pci: true when it is */
static bool sriov_vf_up(struct test_ctx *t, struct sriov_ctx *c)
{
	char drv[64] = "";

	if (check_ok(t, numvfs_set(c->pf, "1"), "make one VF") ||
	    check_ok(t, sysfs_link_name(c->pf, "virtfn0", c->vf,
					sizeof(c->vf)), "find VF 0"))
		return false;
	sysfs_driver(c->vf, drv, sizeof(drv));
	return !check(t, !strcmp(drv, "vfio-pci"),
		      "VF %s is bound to '%s', not vfio-pci", c->vf, drv);
}

static void sriov_end(struct test_ctx *t, struct sriov_ctx *c)
{
	check_ok(t, numvfs_set(c->pf, "0"), "remove the VFs at the end");
	if (c->param_set)
		check_ok(t, sysfs_write_path(SRIOV_PARAM, "N"),
			 "restore vfio_pci's enable_sriov");
}

static int numvfs_setup(struct test_ctx *t, void *p)
{
	struct sriov_ctx *c = p;
	char path[128];

	(void)t;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/sriov_numvfs",
		 c->pf);
	c->numvfs_fd = open(path, O_WRONLY | O_CLOEXEC);
	return c->numvfs_fd < 0 ? -errno : 0;
}

static int numvfs_step(void *p)
{
	struct sriov_ctx *c = p;

	return write(c->numvfs_fd, "1", 1) == 1 ? 0 : -errno;
}

static bool numvfs_undo(struct test_ctx *t, void *p, int ret,
			unsigned int nth)
{
	struct sriov_ctx *c = p;
	unsigned long n = ~0ul;
	bool ok;

	close(c->numvfs_fd);
	c->numvfs_fd = -1;
	if (check_ok(t, sysfs_read_ulong(c->pf, "sriov_numvfs", &n),
		     "sriov_numvfs: nth %u: read it back", nth))
		return false;
	ok = !check(t, n == (ret ? 0 : 1),
		    "sriov_numvfs: nth %u: the write %s, yet %lu VFs exist",
		    nth, ret ? "failed" : "succeeded", n);
	/* removed even after a failed check */
	if (n && check_ok(t, numvfs_set(c->pf, "0"),
			  "sriov_numvfs: nth %u: remove the VF", nth))
		return false;
	return vendor_ok(t, c->pf_fd, "sriov_numvfs", nth) && ok;
}

void test_sriov_numvfs(struct test_ctx *t)
{
	struct sriov_ctx c = {
		.pf = t->bdf, .pf_fd = t->d->device_fd, .numvfs_fd = -1,
	};
	struct sweep_ops ops = {
		.what = "write 1 to sriov_numvfs, VF probing off",
		.spare = &spare_virtfn,
		.setup = numvfs_setup,
		.step = numvfs_step,
		.undo = numvfs_undo,
	};

	if (!sriov_ready(t, &c))
		return;
	/* the VF's probe is the bind's, swept by sysfs_bind */
	if (!check_ok(t, sysfs_write(c.pf, "sriov_drivers_autoprobe", "0"),
		      "sriov_drivers_autoprobe off"))
		sweep(t, &ops, &c);
	if (c.numvfs_fd >= 0)
		close(c.numvfs_fd);
	check_ok(t, sysfs_write(c.pf, "sriov_drivers_autoprobe", "1"),
		 "sriov_drivers_autoprobe on again");
	/* the PF still makes a VF that vfio-pci takes */
	sriov_vf_up(t, &c);
	sriov_end(t, &c);
}

static int token_step(void *p)
{
	struct sriov_ctx *c = p;

	return vf_token_set(c->pf_fd);
}

static bool token_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct sriov_ctx *c = p;

	(void)ret;
	return vendor_ok(t, c->pf_fd, "VF token", nth);
}

void test_vf_token(struct test_ctx *t)
{
	struct sriov_ctx c = { .pf = t->bdf, .pf_fd = t->d->device_fd };
	struct sweep_ops ops = {
		.what = "VFIO_DEVICE_FEATURE SET PCI_VF_TOKEN on the PF",
		.step = token_step,
		.undo = token_undo,
	};

	if (!sriov_ready(t, &c))
		return;
	if (sriov_vf_up(t, &c))
		sweep(t, &ops, &c);
	sriov_end(t, &c);
}

static int vf_open_step(void *p)
{
	struct sriov_ctx *c = p;

	if (c->mode == VFIO_MODE_GROUP)
		c->vf_fd = vfio_group_get_device_fd(&c->g, c->name);
	else
		c->vf_fd = vfio_cdev_bind(c->vf, c->iommufd, vf_token);
	return c->vf_fd < 0 ? c->vf_fd : 0;
}

static bool vf_open_undo(struct test_ctx *t, void *p, int ret,
			 unsigned int nth)
{
	struct sriov_ctx *c = p;
	bool ok;

	if (ret)
		return vendor_ok(t, c->pf_fd, "VF open", nth);
	ok = vendor_ok(t, c->vf_fd, "VF open", nth);
	close(c->vf_fd);
	c->vf_fd = -1;
	return ok;
}

/* the VF's group (group path) or /dev/iommu (cdev path): true when ready */
static bool vf_open_prepare(struct test_ctx *t, struct sriov_ctx *c)
{
	char uuid[40];
	int i, n = 0;

	for (i = 0; i < 16; i++)
		n += snprintf(uuid + n, sizeof(uuid) - n, "%02x%s",
			      vf_token[i],
			      i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
	snprintf(c->name, sizeof(c->name), "%s vf_token=%s", c->vf, uuid);
	if (c->mode == VFIO_MODE_GROUP)
		return !check_ok(t, vfio_group_attach(&c->g, c->vf),
				 "the VF's container and group: %s", c->g.err);
	c->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	return !check(t, c->iommufd >= 0, "open /dev/iommu: %s",
		      strerror(errno));
}

void test_vf_open(struct test_ctx *t)
{
	struct sriov_ctx c = {
		.pf = t->bdf, .pf_fd = t->d->device_fd, .mode = t->d->mode,
		.iommufd = -1, .vf_fd = -1,
	};
	struct sweep_ops ops = {
		.step = vf_open_step,
		.undo = vf_open_undo,
	};

	c.g.group_fd = -1;
	ops.what = c.mode == VFIO_MODE_GROUP ?
		   "VFIO_GROUP_GET_DEVICE_FD of a VF with the VF token" :
		   "open + BIND_IOMMUFD of a VF with the VF token";
	if (!sriov_ready(t, &c))
		return;
	if (sriov_vf_up(t, &c) &&
	    !check_ok(t, vf_token_set(c.pf_fd), "set the VF token") &&
	    vf_open_prepare(t, &c))
		sweep(t, &ops, &c);
	if (c.vf_fd >= 0)
		close(c.vf_fd);
	if (c.g.group_fd >= 0)
		vfio_dev_close(&c.g);
	if (c.iommufd >= 0)
		close(c.iommufd);
	sriov_end(t, &c);
}

/*
 * mlx5 auxiliary devices: the PF on mlx5_vfio_pci_testparent (the
 * stand-in for mlx5_core, adding one mlx5_core.vfio_pci.<id> auxiliary
 * device per VF through include/linux/mlx5/vfio_pci.h), sriov_numvfs
 * written under injection: the VF made or not, its auxiliary device
 * added and probed by mlx5_vfio_pci or lost (the VF only loses its VFIO
 * route), and all of it removed again.
 */
#define MLX5_PARENT	"mlx5_vfio_pci_testparent"
#define MLX5_ADEVS	"/sys/bus/auxiliary/devices/mlx5_core.vfio_pci.*"

/* auxiliary devices of mlx5_core.vfio_pci.*, and how many have a driver */
static size_t mlx5_adevs(size_t *bound)
{
	char path[PATH_MAX];
	glob_t g;
	size_t i, n;

	*bound = 0;
	if (glob(MLX5_ADEVS, 0, NULL, &g))
		return 0;
	n = g.gl_pathc;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/driver", g.gl_pathv[i]);
		*bound += !access(path, F_OK);
	}
	globfree(&g);
	return n;
}

/*
 * The VF and its auxiliary device as the write left them (a device whose
 * probe failed is unbound: the VF only lost its VFIO route), then all of
 * it removed again. The removal runs even after a failed check.
 */
static bool aux_undo(struct test_ctx *t, void *p, int ret, unsigned int nth)
{
	struct sriov_ctx *c = p;
	unsigned long n = ~0ul;
	size_t adevs, bound;
	bool ok;

	close(c->numvfs_fd);
	c->numvfs_fd = -1;
	if (check_ok(t, sysfs_read_ulong(c->pf, "sriov_numvfs", &n),
		     "aux: nth %u: read sriov_numvfs back", nth))
		return false;
	ok = !check(t, n == (ret ? 0 : 1),
		    "aux: nth %u: the write %s, yet %lu VFs exist", nth,
		    ret ? "failed" : "succeeded", n);
	adevs = mlx5_adevs(&bound);
	ok &= !check(t, adevs <= n,
		     "aux: nth %u: %lu VFs, %zu auxiliary devices (%zu probed)",
		     nth, n, adevs, bound);
	if (n && check_ok(t, numvfs_set(c->pf, "0"),
			  "aux: nth %u: remove the VF", nth))
		return false;
	adevs = mlx5_adevs(&bound);
	ok &= !check(t, !adevs, "aux: nth %u: %zu auxiliary devices left",
		     nth, adevs);
	return ok;
}

/* the PF from vfio-pci to the stand-in parent, or back: 0 or -errno */
static int mlx5_pf_move(const char *pf, const char *to, const char *path)
{
	int ret;

	ret = sysfs_write(pf, "driver_override", to);
	if (!ret && sysfs_exists(pf, "driver"))
		ret = sysfs_write(pf, "driver/unbind", pf);
	return ret ?: sysfs_write_path(path, pf);
}

void test_mlx5_aux(struct test_ctx *t)
{
	struct sriov_ctx c = { .pf = t->bdf, .numvfs_fd = -1 };
	struct sweep_ops ops = {
		.what = "write 1 to sriov_numvfs of a PF on " MLX5_PARENT,
		.spare = &spare_virtfn,
		.setup = numvfs_setup,
		.step = numvfs_step,
		.undo = aux_undo,
	};
	unsigned long total = 0;
	size_t adevs, bound;

	if (!fi_ready(t))
		return;
	if (sysfs_read_ulong(c.pf, "sriov_totalvfs", &total) || !total) {
		t->skip = "not an SR-IOV physical function";
		return;
	}
	if (access("/sys/bus/pci/drivers/" MLX5_PARENT, F_OK) ||
	    access("/sys/bus/auxiliary/drivers/mlx5_vfio_pci", F_OK)) {
		t->skip = MLX5_PARENT " and mlx5_vfio_pci are not loaded";
		return;
	}
	vfio_dev_close(t->d);
	if (check_ok(t, mlx5_pf_move(c.pf, MLX5_PARENT, "/sys/bus/pci/drivers/"
				     MLX5_PARENT "/bind"),
		     "bind the PF to " MLX5_PARENT) ||
	    check_ok(t, sysfs_write(c.pf, "sriov_drivers_autoprobe", "0"),
		     "sriov_drivers_autoprobe off"))
		goto back;
	sweep(t, &ops, &c);
	if (c.numvfs_fd >= 0)
		close(c.numvfs_fd);
	/* the parent still adds an auxiliary device that mlx5_vfio_pci takes */
	if (!check_ok(t, numvfs_set(c.pf, "1"), "make one VF")) {
		adevs = mlx5_adevs(&bound);
		check(t, adevs == 1 && bound == 1,
		      "one VF: %zu auxiliary devices, %zu probed", adevs, bound);
		check_ok(t, numvfs_set(c.pf, "0"), "remove the VF");
	}
back:
	check_ok(t, sysfs_write(c.pf, "sriov_drivers_autoprobe", "1"),
		 "sriov_drivers_autoprobe on again");
	check_ok(t, mlx5_pf_move(c.pf, "vfio-pci", BIND_PATH),
		 "bind the PF to vfio-pci again");
	check_ok(t, vfio_dev_open(t->d, t->bdf, t->d->mode),
		 "opening the device again for the next tests: %s", t->d->err);
}

