// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_sriov_test PF_BDF [OTHER_BDF]: KTAP tests of SR-IOV on a PF
 * bound to vfio-pci (QEMU nvme, 1b36:0010, started with sriov_max_vfs):
 * the enable_sriov module parameter, creating VFs through sriov_numvfs,
 * the VF token shared by the PF's user and the VFs' users (set with
 * VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, or by opening the PF with a token
 * while no VF is open, and given as "BDF vf_token=UUID" to
 * VFIO_GROUP_GET_DEVICE_FD), and the removal of an open VF when the PF's
 * VFs are disabled. OTHER_BDF, a device bound to vfio-pci that is neither
 * a PF nor a VF (QEMU edu), checks that a token is refused there. Where
 * the cdev bind carries a token (VFIO_CDEV_TOKEN=required: the series'
 * vfio patch), the same checks run on the cdev path.
 *
 * The tokens go in the name given to the group, so everything here uses
 * the group + container path, one group fd per IOMMU group. The tests
 * build on each other in order; the end restores sriov_numvfs to 0 and
 * the enable_sriov parameter to what it was, whatever failed.
 *
 * Most tests open the PF before its VFs exist and keep it open until they
 * are gone. vfs_before_pf_open then does what vfio_pci_sriov_demo (make
 * run) does: VFs created on a freshly bound PF and left to sleep, the PF
 * opened by a user who sets the token, a VF opened by another; the VF must
 * answer from its hardware, before and after the PF's user closes the PF.
 * A reset of the PF would take the VFs with it: a PF's FLR clears VF
 * Enable, and QEMU 7.2's nvme VFs do not come back from it.
 *
 * The expectations are upstream Linux 6.12's vfio-pci (the reference):
 * each errno pinned down here is what it returns.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "qemu_devices.h"
#include "vfio_test.h"

#define PARAM_SRIOV	"/sys/module/vfio_pci/parameters/enable_sriov"
#define NR_VFS		2
#define MAX_GROUPS	4

/* how long the REQ eventfd may take, and the disable once the VF closed */
#define REQ_MS		10000
#define REMOVE_MS	20000

#define UUID_LEN	16
#define UUID_STR_LEN	36

/* the token the PF's user sets, the one it opens with later, a wrong one */
static const __u8 token_a[UUID_LEN] = {
	0x2a, 0xb7, 0x49, 0x24, 0xc3, 0x35, 0x45, 0xf4,
	0x9b, 0x16, 0x85, 0x69, 0xe5, 0xb0, 0x82, 0x58,
};

static const __u8 token_b[UUID_LEN] = {
	0x6f, 0x1d, 0x0c, 0x3e, 0x87, 0x52, 0x4a, 0x0b,
	0xb4, 0x2e, 0x11, 0xd9, 0x5c, 0x73, 0xa0, 0x16,
};

static const __u8 token_wrong[UUID_LEN] = {
	0xd3, 0x40, 0x9e, 0x5a, 0x21, 0x6b, 0x4c, 0x88,
	0x9f, 0x07, 0x3b, 0xe2, 0x64, 0xc1, 0x18, 0xfa,
};

/* VFIO_DEVICE_FEATURE with room for a UUID */
struct feature_arg {
	struct vfio_device_feature hdr;
	__u8 uuid[UUID_LEN];
};

static_assert(offsetof(struct feature_arg, uuid) ==
	      sizeof(struct vfio_device_feature),
	      "the UUID must follow the feature header");

/* VFIO_DEVICE_SET_IRQS with one eventfd */
struct irq_arg {
	struct vfio_irq_set hdr;
	__s32 fd;
};

static_assert(offsetof(struct irq_arg, fd) == sizeof(struct vfio_irq_set),
	      "the eventfd must follow the SET_IRQS header");

/* The write of "0" to sriov_numvfs that waits for the open VF. */
struct disable_job {
	pthread_t thread;
	bool started;
	int ret;
	atomic_bool done;
};

static const char *pf_bdf, *other_bdf;
static char vf_bdf[NR_VFS][32];
static bool have_vfs;
static char uuid_a[UUID_STR_LEN + 1], uuid_b[UUID_STR_LEN + 1];
static char uuid_wrong[UUID_STR_LEN + 1];

/* the attached groups, one each, and the device fds the tests hold */
static struct vfio_dev groups[MAX_GROUPS];
static int nr_groups;
static int pf_fd = -1, vf_fd = -1;
static struct disable_job disable_job;

static void uuid_str(char *buf, const __u8 *u)
{
	snprintf(buf, UUID_STR_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

static const char *errname(int err)
{
	const char *name = err ? strerrorname_np(err) : "success";

	return name ? name : "an unknown errno";
}

/* A call that returned @ret, 0 or a negative errno, must fail with @want. */
static bool check_fails(struct test_ctx *t, int ret, int want,
			const char *what, ...) __printf(4, 5);

static bool check_fails(struct test_ctx *t, int ret, int want,
			const char *what, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, what);
	vsnprintf(msg, sizeof(msg), what, ap);
	va_end(ap);
	return check(t, ret == -want, "%s: expected %s, got %s", msg,
		     errname(want), errname(-ret));
}

static void fd_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The attached group of @bdf: opened on first use, then shared. */
static struct vfio_dev *group_of(struct test_ctx *t, const char *bdf)
{
	struct vfio_dev *g;
	int id, i;

	if (check_ok(t, sysfs_group_id(bdf, &id), "IOMMU group of %s", bdf))
		return NULL;
	for (i = 0; i < nr_groups; i++)
		if (groups[i].group_id == id)
			return &groups[i];
	if (check(t, nr_groups < MAX_GROUPS, "more than %d groups",
		  MAX_GROUPS))
		return NULL;
	g = &groups[nr_groups];
	if (check(t, !vfio_group_attach(g, bdf), "group %d of %s: %s", id,
		  bdf, g->err))
		return NULL;
	nr_groups++;
	return g;
}

/*
 * VFIO_GROUP_GET_DEVICE_FD on the group of @bdf with the name @bdf
 * followed by @opts (NULL: the bare BDF). The device fd or -errno.
 */
static int dev_get(struct test_ctx *t, const char *bdf, const char *opts,
		   char *name, size_t len)
{
	struct vfio_dev *g = group_of(t, bdf);

	snprintf(name, len, "%s%s%s", bdf, opts ? " " : "", opts ? opts : "");
	if (!g)
		return -ENODEV;
	return vfio_group_get_device_fd(g, name);
}

/* Name "vf_token=@uuid" into @buf; returns @buf. */
static const char *token_opt(char *buf, size_t len, const char *uuid)
{
	snprintf(buf, len, "vf_token=%s", uuid);
	return buf;
}

/* The open of @bdf with @opts must fail with @want. */
static void expect_open_fails(struct test_ctx *t, const char *bdf,
			      const char *opts, int want)
{
	char name[128];
	int fd;

	fd = dev_get(t, bdf, opts, name, sizeof(name));
	check_fails(t, fd < 0 ? fd : 0, want, "GET_DEVICE_FD(\"%s\")", name);
	fd_close(&fd);
}

/* The vendor ID read through device fd @fd must be @want. */
static void check_vendor(struct test_ctx *t, int fd, const char *bdf,
			 __u32 want)
{
	/* the config accessors need only the device fd */
	struct vfio_dev d = { .device_fd = fd };
	__u32 v = 0;

	if (check_ok(t, vfio_cfg_read(&d, PCI_VENDOR_ID, 2, &v),
		     "config read of %s's vendor ID", bdf))
		return;
	check(t, v == want, "%s's vendor ID reads 0x%04x, expected 0x%04x",
	      bdf, v, want);
}

/*
 * The device behind @fd answers a read of its BAR0 itself: not all ones,
 * what a function that is gone (its PF reset) gives. A VF whose
 * controller the PF has not brought online reads 0 there.
 */
static void check_bar0(struct test_ctx *t, int fd, const char *bdf)
{
	struct vfio_region_info ri = {
		.argsz = sizeof(ri),
		.index = VFIO_PCI_BAR0_REGION_INDEX,
	};
	__u32 cap = 0;

	if (check(t, !ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &ri),
		  "BAR0 region info of %s: %s", bdf, strerror(errno)))
		return;
	if (check(t, pread(fd, &cap, 4, ri.offset) == 4,
		  "BAR0 read of %s: %s", bdf, strerror(errno)))
		return;
	check(t, cap != 0xffffffff, "%s's BAR0 reads 0x%08x: the VF is gone",
	      bdf, cap);
}

/*
 * The open of @bdf with @opts must succeed, and the device answer a
 * config read of its vendor ID with @vendor. The fd, or -1.
 */
static int expect_open(struct test_ctx *t, const char *bdf, const char *opts,
		       __u32 vendor)
{
	char name[128];
	int fd;

	fd = dev_get(t, bdf, opts, name, sizeof(name));
	if (check(t, fd >= 0, "GET_DEVICE_FD(\"%s\") failed: %s", name,
		  errname(-fd)))
		return -1;
	check_vendor(t, fd, bdf, vendor);
	return fd;
}

/* VFIO_DEVICE_FEATURE PCI_VF_TOKEN with @flags and @data_len data bytes */
static int vf_token_feature(int fd, __u32 flags, const __u8 *uuid,
			    size_t data_len)
{
	struct feature_arg a;

	memset(&a, 0, sizeof(a));
	a.hdr.argsz = sizeof(a.hdr) + data_len;
	a.hdr.flags = flags | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	if (uuid)
		memcpy(a.uuid, uuid, sizeof(a.uuid));
	return ioctl(fd, VFIO_DEVICE_FEATURE, &a) ? -errno : 0;
}

/* sriov_numvfs of the PF, or -1 when it cannot be read */
/* Find VF @i of the PF in sysfs, its address in vf_bdf[@i]; true on failure. */
static bool find_vf(struct test_ctx *t, int i)
{
	char link[16];

	snprintf(link, sizeof(link), "virtfn%d", i);
	return check_ok(t, sysfs_link_name(pf_bdf, link, vf_bdf[i],
					   sizeof(vf_bdf[i])),
			"link %s of %s", link, pf_bdf);
}

static long numvfs(void)
{
	unsigned long n;

	return sysfs_read_ulong(pf_bdf, "sriov_numvfs", &n) ? -1 : (long)n;
}

/* The value of the enable_sriov parameter, 'Y' or 'N', or 0. */
static char param_value(void)
{
	char buf[8] = "";
	ssize_t n;
	int fd;

	fd = open(PARAM_SRIOV, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && (buf[0] == 'Y' || buf[0] == 'N') ? buf[0] : 0;
}

/* ---- the tests ---- */

static void test_sriov_needs_param(struct test_ctx *t)
{
	if (check_ok(t, sysfs_write_path(PARAM_SRIOV, "0"),
		     "write 0 to " PARAM_SRIOV))
		return;
	/* vfio-pci's sriov_configure refuses while the parameter is off */
	check_fails(t, sysfs_write(pf_bdf, "sriov_numvfs", "2"), ENOENT,
		    "sriov_numvfs = 2 with enable_sriov=N");
	check(t, numvfs() == 0, "sriov_numvfs reads %ld, expected 0",
	      numvfs());
	check_ok(t, sysfs_write_path(PARAM_SRIOV, "1"),
		 "write 1 to " PARAM_SRIOV);
	check(t, param_value() == 'Y', "enable_sriov reads '%c', not Y",
	      param_value() ? param_value() : '?');
}

static void test_numvfs(struct test_ctx *t)
{
	char buf[64], drv[64];
	ssize_t n;
	int i;

	if (pf_fd < 0) {
		t->skip = "the PF is not open (pf_token_feature failed)";
		return;
	}

	if (check_ok(t, sysfs_write(pf_bdf, "sriov_numvfs", "2"),
		     "sriov_numvfs = 2"))
		return;
	check(t, numvfs() == NR_VFS, "sriov_numvfs reads %ld, expected %d",
	      numvfs(), NR_VFS);
	for (i = 0; i < NR_VFS; i++) {
		if (find_vf(t, i))
			return;
		ktap_diag("%s: VF %d is %s", t->name, i, vf_bdf[i]);
		/* the PF's driver set the VF's override when it appeared */
		n = sysfs_read(vf_bdf[i], "driver_override", buf,
			       sizeof(buf) - 1, 0);
		if (!check_ok(t, n < 0 ? (int)n : 0,
			      "read %s's driver_override", vf_bdf[i])) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			check(t, !strcmp(buf, "vfio-pci"),
			      "%s's driver_override is \"%s\", expected vfio-pci",
			      vf_bdf[i], buf);
		}
		if (!check_ok(t, sysfs_driver(vf_bdf[i], drv, sizeof(drv)),
			      "driver of %s", vf_bdf[i]))
			check(t, !strcmp(drv, "vfio-pci"),
			      "%s is bound to %s, expected vfio-pci",
			      vf_bdf[i], drv);
	}
	have_vfs = true;
	/* the PCI core: the same count again is nothing to do */
	check_ok(t, sysfs_write(pf_bdf, "sriov_numvfs", "2"),
		 "sriov_numvfs = 2 again");
	/* another count only once the VFs are disabled */
	check_fails(t, sysfs_write(pf_bdf, "sriov_numvfs", "1"), EBUSY,
		    "sriov_numvfs = 1 with 2 VFs enabled");
	check(t, numvfs() == NR_VFS, "sriov_numvfs reads %ld, expected %d",
	      numvfs(), NR_VFS);
}

static void test_pf_token_feature(struct test_ctx *t)
{
	const __u32 set = VFIO_DEVICE_FEATURE_SET;

	/* no VF is open: the PF opens without a token */
	pf_fd = expect_open(t, pf_bdf, NULL, NVME_VENDOR);
	if (pf_fd < 0)
		return;
	check_ok(t, vf_token_feature(pf_fd, VFIO_DEVICE_FEATURE_PROBE | set,
				     NULL, UUID_LEN),
		 "FEATURE PROBE|SET PCI_VF_TOKEN on the PF");
	check_ok(t, vf_token_feature(pf_fd, set, token_a, UUID_LEN),
		 "FEATURE SET PCI_VF_TOKEN %s", uuid_a);
	/* the token can be set, never read back */
	check_fails(t, vf_token_feature(pf_fd, VFIO_DEVICE_FEATURE_GET, NULL,
					UUID_LEN), EINVAL,
		    "FEATURE GET PCI_VF_TOKEN");
	check_fails(t, vf_token_feature(pf_fd, set, token_b, UUID_LEN - 1),
		    EINVAL, "FEATURE SET PCI_VF_TOKEN with 15 bytes of data");
	check_vendor(t, pf_fd, pf_bdf, NVME_VENDOR);
}

static void test_vf_token_required(struct test_ctx *t)
{
	const char *vf = vf_bdf[0];
	char opt[64], dup[128];
	int fd;

	if (!have_vfs) {
		t->skip = "no VFs (numvfs failed)";
		return;
	}
	/* a VF of a vfio-pci PF needs the PF's token */
	expect_open_fails(t, vf, NULL, EACCES);
	expect_open_fails(t, vf, token_opt(opt, sizeof(opt), uuid_wrong),
			  EACCES);
	vf_fd = expect_open(t, vf, token_opt(opt, sizeof(opt), uuid_a),
			    NVME_VENDOR);
	/* malformed names */
	expect_open_fails(t, vf, "vf_token=zzzz", EINVAL);
	expect_open_fails(t, vf, "foo=1", EINVAL);
	snprintf(dup, sizeof(dup), "vf_token=%s vf_token=%s", uuid_a, uuid_a);
	expect_open_fails(t, vf, dup, EINVAL);
	/* and the device opens once more after all that */
	fd = expect_open(t, vf, token_opt(opt, sizeof(opt), uuid_a),
			 NVME_VENDOR);
	fd_close(&fd);
	if (vf_fd >= 0) {
		check_vendor(t, vf_fd, vf, NVME_VENDOR);
		check_bar0(t, vf_fd, vf);
	}
}

/*
 * A PF whose VFs exist stays in D0: its VFs would stop answering while it
 * sleeps. The PF's user writing D3hot to its power state leaves the
 * function in D0 on the host, and the open VF still answers from its
 * hardware.
 */
static void test_pf_d3_with_vfs(struct test_ctx *t)
{
	struct vfio_dev pf = { .device_fd = pf_fd };
	char state[16] = "";
	__u32 pmcsr = 0;
	ssize_t n;
	int pm;

	if (!have_vfs || pf_fd < 0 || vf_fd < 0) {
		t->skip = "no open PF with an open VF (numvfs or vf_token_required failed)";
		return;
	}
	pm = vfio_cfg_find_cap(&pf, PCI_CAP_ID_PM);
	if (pm <= 0) {
		t->skip = "the PF has no power management capability";
		return;
	}
	if (check_ok(t, vfio_cfg_read(&pf, pm + PCI_PM_CTRL, 2, &pmcsr),
		     "read of the PF's PMCSR"))
		return;
	check_ok(t, vfio_cfg_write(&pf, pm + PCI_PM_CTRL, 2,
				   (pmcsr & ~PCI_PM_CTRL_STATE_MASK) | 3),
		 "PMCSR = D3hot on the PF");
	n = sysfs_read(pf_bdf, "power_state", state, sizeof(state) - 1, 0);
	if (!check_ok(t, n < 0 ? (int)n : 0, "read of %s's power_state",
		      pf_bdf)) {
		state[n] = '\0';
		check(t, !strncmp(state, "D0", 2),
		      "the PF with VFs went to %s, expected to stay in D0",
		      state);
	}
	check_vendor(t, vf_fd, vf_bdf[0], NVME_VENDOR);
	check_bar0(t, vf_fd, vf_bdf[0]);
	check_ok(t, vfio_cfg_write(&pf, pm + PCI_PM_CTRL, 2, pmcsr),
		 "PMCSR back to what it was");
}

static void test_vf_feature_absent(struct test_ctx *t)
{
	if (vf_fd < 0) {
		t->skip = "no VF open (vf_token_required failed)";
		return;
	}
	/* only a PF has a token */
	check_fails(t, vf_token_feature(vf_fd, VFIO_DEVICE_FEATURE_PROBE |
					VFIO_DEVICE_FEATURE_SET, NULL,
					UUID_LEN), ENOTTY,
		    "FEATURE PROBE|SET PCI_VF_TOKEN on a VF");
	check_vendor(t, vf_fd, vf_bdf[0], NVME_VENDOR);
}

static void test_pf_token_while_vf_open(struct test_ctx *t)
{
	char opt[64];
	int fd;

	if (vf_fd < 0 || pf_fd < 0) {
		t->skip = "no VF or no PF open (an earlier test failed)";
		return;
	}
	/* a VF is in use: the PF's user must show it knows the token */
	expect_open_fails(t, pf_bdf, NULL, EACCES);
	expect_open_fails(t, pf_bdf, token_opt(opt, sizeof(opt), uuid_wrong),
			  EACCES);
	fd = expect_open(t, pf_bdf, token_opt(opt, sizeof(opt), uuid_a),
			 NVME_VENDOR);
	fd_close(&fd);
	check_bar0(t, vf_fd, vf_bdf[0]);
}

static void test_pf_open_sets_token(struct test_ctx *t)
{
	char opt[64];
	int fd;

	if (!have_vfs || pf_fd < 0) {
		t->skip = "no VFs or no PF open (an earlier test failed)";
		return;
	}
	fd_close(&vf_fd);
	/* no VF open: the token the PF is opened with becomes the token */
	fd = expect_open(t, pf_bdf, token_opt(opt, sizeof(opt), uuid_b),
			 NVME_VENDOR);
	fd_close(&fd);
	expect_open_fails(t, vf_bdf[0], token_opt(opt, sizeof(opt), uuid_a),
			  EACCES);
	vf_fd = expect_open(t, vf_bdf[0], token_opt(opt, sizeof(opt), uuid_b),
			    NVME_VENDOR);
	if (vf_fd >= 0)
		check_bar0(t, vf_fd, vf_bdf[0]);
}

static void *disable_fn(void *arg)
{
	struct disable_job *job = arg;

	job->ret = sysfs_write(pf_bdf, "sriov_numvfs", "0");
	atomic_store(&job->done, true);
	return NULL;
}

/* Wait up to @ms for the disable to finish; joins it when it did. */
static bool disable_wait(int ms)
{
	struct timespec ts = { .tv_nsec = 50 * 1000 * 1000 };
	int waited;

	if (!disable_job.started)
		return true;
	for (waited = 0; !atomic_load(&disable_job.done) && waited < ms;
	     waited += 50)
		nanosleep(&ts, NULL);
	if (!atomic_load(&disable_job.done))
		return false;
	pthread_join(disable_job.thread, NULL);
	disable_job.started = false;
	return true;
}

static void test_remove_waits_for_vf(struct test_ctx *t)
{
	struct irq_arg irq = {
		.hdr = {
			.argsz = sizeof(irq),
			.flags = VFIO_IRQ_SET_DATA_EVENTFD |
				 VFIO_IRQ_SET_ACTION_TRIGGER,
			.index = VFIO_PCI_REQ_IRQ_INDEX,
			.count = 1,
		},
	};
	struct disable_job *job = &disable_job;
	long n;
	int efd;

	if (vf_fd < 0) {
		t->skip = "no VF open (pf_open_sets_token failed)";
		return;
	}
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (check(t, efd >= 0, "eventfd: %s", strerror(errno)))
		return;
	irq.fd = efd;
	if (check(t, !ioctl(vf_fd, VFIO_DEVICE_SET_IRQS, &irq),
		  "SET_IRQS REQ trigger eventfd: %s", strerror(errno)))
		goto out;
	atomic_store(&job->done, false);
	if (check(t, !pthread_create(&job->thread, NULL, disable_fn, job),
		  "pthread_create"))
		goto out;
	job->started = true;
	/* the removal of the open VF asks its user to let go */
	n = vfio_efd_wait(efd, REQ_MS);
	check(t, n > 0, "REQ eventfd %s",
	      n == 0 ? "not signalled within 10 s" : strerror(-n));
	check(t, !atomic_load(&job->done),
	      "sriov_numvfs = 0 finished while a VF was open (ret %d)",
	      job->ret);
	fd_close(&vf_fd);
	if (check(t, disable_wait(REMOVE_MS),
		  "sriov_numvfs = 0 still waiting %d s after the VF closed",
		  REMOVE_MS / 1000))
		goto out;
	check_ok(t, job->ret, "sriov_numvfs = 0");
	check(t, !sysfs_exists(pf_bdf, "virtfn0"),
	      "virtfn0 still exists after the disable");
	check(t, !sysfs_device_exists(vf_bdf[0]), "%s still exists",
	      vf_bdf[0]);
	check(t, numvfs() == 0, "sriov_numvfs reads %ld, expected 0",
	      numvfs());
	if (pf_fd >= 0)
		check_vendor(t, pf_fd, pf_bdf, NVME_VENDOR);
out:
	close(efd);
}

/* ---- VFs that exist and sleep before the PF's user comes ---- */

/* how long the VFs may take to sleep, and a close without a dead VF */
#define SUSPEND_MS		10000
#define CLOSE_MS		10000

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The first line of attribute @file of @bdf into @buf; "" on error. */
static const char *sysfs_line(const char *bdf, const char *file, char *buf,
			      size_t len)
{
	ssize_t n = sysfs_read(bdf, file, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* Wait up to @ms for @bdf's runtime PM to report it suspended. */
static bool wait_suspended(const char *bdf, int ms)
{
	struct timespec ts = { .tv_nsec = 50 * 1000 * 1000 };
	char buf[32];
	int waited;

	for (waited = 0; waited < ms; waited += 50) {
		if (!strcmp(sysfs_line(bdf, "power/runtime_status", buf,
				       sizeof(buf)), "suspended"))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/*
 * The PF's SR-IOV capability, read from its hardware through sysfs, must
 * still have VF Enable and the VFs the tests made: a PF reset clears both
 * (QEMU 7.2 clears NumVFs only, and drops the VFs).
 */
static void check_pf_sriov(struct test_ctx *t)
{
	__u8 cfg[4096];
	unsigned int pos = 0x100, hops = 0;
	__u32 hdr;
	__u16 ctrl, nr;

	if (check(t, sysfs_read(pf_bdf, "config", cfg, sizeof(cfg), 0) ==
		  sizeof(cfg), "read %s's config space", pf_bdf))
		return;
	for (;;) {
		hdr = get_le(cfg + pos, 4);
		if (PCI_EXT_CAP_ID(hdr) == PCI_EXT_CAP_ID_SRIOV)
			break;
		pos = PCI_EXT_CAP_NEXT(hdr);
		if (check(t, pos >= 0x100 && ++hops < 64,
			  "%s has no SR-IOV capability", pf_bdf))
			return;
	}
	ctrl = get_le(cfg + pos + PCI_SRIOV_CTRL, 2);
	nr = get_le(cfg + pos + PCI_SRIOV_NUM_VF, 2);
	ktap_diag("%s: PF SR-IOV control 0x%04x, NumVFs %u", t->name, ctrl,
		  nr);
	check(t, (ctrl & PCI_SRIOV_CTRL_VFE) && nr == NR_VFS,
	      "%s's SR-IOV control 0x%04x NumVFs %u: its VFs are gone",
	      pf_bdf, ctrl, nr);
}

/*
 * The VF behind @fd answers from its hardware: the PCI core knows it in
 * D0, its status register (not emulated) is not all ones, and BAR0 holds
 * the registers of an nvme controller: CAP and VS, or, for a secondary
 * controller the PF has not brought online (QEMU reads 0 there), CSTS
 * with Controller Fatal Status. A function that is gone reads all ones.
 * Returns true when it did.
 */
static bool vf_answers(struct test_ctx *t, int fd, const char *bdf)
{
	static const __u32 off[] = {
		NVME_REG_CAP, NVME_REG_CAP + 4, NVME_REG_VS, NVME_REG_CSTS,
	};
	struct vfio_dev d = { .device_fd = fd };
	__u32 status = 0, cmd = 0, reg[ARRAY_SIZE(off)];
	__u32 cap_lo, cap_hi, vs, csts;
	int fails = t->fails;
	char buf[32];
	size_t i;

	check(t, !strcmp(sysfs_line(bdf, "power_state", buf, sizeof(buf)),
			 "D0"), "%s is in %s while open, not D0", bdf, buf);
	if (!check_ok(t, vfio_cfg_read(&d, PCI_STATUS, 2, &status),
		      "config read of %s's status", bdf))
		check(t, (status | PCI_STATUS_CAP_LIST) != 0xffff,
		      "%s's status register reads 0x%04x", bdf, status);
	/* a VF's memory decode is its PF's; the command bit is the image's */
	if (check_ok(t, vfio_cfg_read(&d, PCI_COMMAND, 2, &cmd),
		     "config read of %s's command", bdf) ||
	    check_ok(t, vfio_cfg_write(&d, PCI_COMMAND, 2,
				       cmd | PCI_COMMAND_MEMORY),
		     "config write of %s's command", bdf))
		return false;
	for (i = 0; i < ARRAY_SIZE(off); i++)
		if (check_ok(t, vfio_bar_read32(&d, 0, off[i], &reg[i]),
			     "BAR0 read at 0x%02x of %s", off[i], bdf))
			return false;
	cap_lo = reg[0];
	cap_hi = reg[1];
	vs = reg[2];
	csts = reg[3];
	ktap_diag("%s: %s status 0x%04x, BAR0 CAP 0x%08x%08x VS 0x%08x CSTS 0x%08x",
		  t->name, bdf, status, cap_hi, cap_lo, vs, csts);
	if (cap_lo || vs)
		check(t, (vs >> 16) == 1 && (cap_lo & 0xffff) &&
		      cap_lo != 0xffffffff,
		      "%s's BAR0: CAP 0x%08x%08x VS 0x%08x is no nvme controller",
		      bdf, cap_hi, cap_lo, vs);
	else
		check(t, csts == NVME_CSTS_CFS,
		      "%s's BAR0: CAP and VS read 0, CSTS 0x%08x: neither online nor an offline secondary controller",
		      bdf, csts);
	return t->fails == fails;
}

/*
 * Open VF @bdf with the token @uuid, check that it answers, and close it:
 * the close resets the VF, which takes a dead one a minute. Returns true
 * when the VF answered.
 */
static bool vf_open_answer_close(struct test_ctx *t, const char *bdf,
				 const char *uuid)
{
	struct timespec t0;
	bool ok = false;
	char opt[64];
	int fd;
	long ms;

	fd = expect_open(t, bdf, token_opt(opt, sizeof(opt), uuid),
			 NVME_VENDOR);
	if (fd < 0)
		return false;
	ok = vf_answers(t, fd, bdf);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd_close(&fd);
	ms = ms_since(&t0);
	check(t, ms < CLOSE_MS, "closing %s took %ld ms", bdf, ms);
	return ok;
}

static void close_all(void)
{
	int i;

	fd_close(&vf_fd);
	fd_close(&pf_fd);
	for (i = 0; i < nr_groups; i++)
		vfio_dev_close(&groups[i]);
	nr_groups = 0;
}

static void test_vfs_before_pf_open(struct test_ctx *t)
{
	const __u32 set = VFIO_DEVICE_FEATURE_SET;
	char opt[64];
	int i;

	if (!disable_wait(REMOVE_MS) || numvfs() != 0) {
		t->skip = "the VFs of the earlier tests are still there";
		return;
	}
	/* a PF just bound, as make run has it: nobody opened it yet */
	close_all();
	if (check_ok(t, sysfs_bind(pf_bdf, "vfio-pci"), "rebind %s", pf_bdf) ||
	    check_ok(t, sysfs_write(pf_bdf, "sriov_numvfs", "2"),
		     "sriov_numvfs = 2"))
		return;
	for (i = 0; i < NR_VFS; i++) {
		if (find_vf(t, i))
			return;
		/* bound and nobody's: the VF sleeps */
		check(t, wait_suspended(vf_bdf[i], SUSPEND_MS),
		      "%s not runtime suspended %d s after it was created",
		      vf_bdf[i], SUSPEND_MS / 1000);
	}
	/* the PF's user: no VF open, no token needed; it sets one */
	pf_fd = expect_open(t, pf_bdf, NULL, NVME_VENDOR);
	if (pf_fd < 0)
		return;
	check_ok(t, vf_token_feature(pf_fd, set, token_a, UUID_LEN),
		 "FEATURE SET PCI_VF_TOKEN %s", uuid_a);
	check_pf_sriov(t);
	/* a VF user: refused without the token and with a wrong one */
	expect_open_fails(t, vf_bdf[0], NULL, EACCES);
	expect_open_fails(t, vf_bdf[0],
			  token_opt(opt, sizeof(opt), uuid_wrong), EACCES);
	if (!vf_open_answer_close(t, vf_bdf[0], uuid_a))
		return;
	/* the PF's user goes; the VFs stay, with the token */
	fd_close(&pf_fd);
	check_pf_sriov(t);
	/* a PF closed without a reset is opened again, as long as VFs exist */
	pf_fd = expect_open(t, pf_bdf, NULL, NVME_VENDOR);
	fd_close(&pf_fd);
	check_pf_sriov(t);
	vf_open_answer_close(t, vf_bdf[1], uuid_a);
}

/*
 * Does this kernel's cdev bind carry a token? The suite says so in
 * VFIO_CDEV_TOKEN, "required" or "absent": a test that guessed from the
 * kernel's answers could not fail.
 */
static bool cdev_token_known(bool *required)
{
	const char *env = getenv("VFIO_CDEV_TOKEN");

	if (env && !strcmp(env, "required")) {
		*required = true;
		return true;
	}
	if (env && !strcmp(env, "absent")) {
		*required = false;
		return true;
	}
	return false;
}

/* The cdev bind of @bdf with @token must fail with @want. */
static void expect_bind_fails(struct test_ctx *t, int iommufd,
			      const char *bdf, const __u8 *token,
			      const char *what, int want)
{
	int fd = vfio_cdev_bind(bdf, iommufd, token);

	check_fails(t, fd < 0 ? fd : 0, want, "cdev bind of %s %s", bdf, what);
	fd_close(&fd);
}

/*
 * The cdev path asks for the same token, given with the bind. VF 1's
 * group was never opened here: a group held open blocks the cdev.
 */
static void test_cdev_token(struct test_ctx *t)
{
	const char *vf = vf_bdf[1];
	bool required;
	int iommufd, fd;

	if (!have_vfs) {
		t->skip = "no VFs (numvfs failed)";
		return;
	}
	if (!cdev_token_known(&required)) {
		t->skip = "VFIO_CDEV_TOKEN is neither required nor absent";
		return;
	}
	if (!required) {
		t->skip = "this kernel's cdev bind carries no token";
		return;
	}
	iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (check(t, iommufd >= 0, "/dev/iommu: %s", strerror(errno)))
		return;
	expect_bind_fails(t, iommufd, vf, NULL, "without a token", EACCES);
	expect_bind_fails(t, iommufd, vf, token_wrong, "with a wrong token",
			  EACCES);
	fd = vfio_cdev_bind(vf, iommufd, token_b);
	if (!check(t, fd >= 0, "cdev bind of %s with the token: %s", vf,
		   errname(-fd))) {
		check_vendor(t, fd, vf, NVME_VENDOR);
		check_bar0(t, fd, vf);
		fd_close(&fd);
	}
	if (other_bdf) {
		/* the group of OTHER_BDF is not open yet either */
		expect_bind_fails(t, iommufd, other_bdf, token_b,
				  "with a token it has no use for", EINVAL);
		fd = vfio_cdev_bind(other_bdf, iommufd, NULL);
		check(t, fd >= 0, "cdev bind of %s: %s", other_bdf,
		      errname(-fd));
		fd_close(&fd);
	}
	close(iommufd);
}

static void test_token_on_plain_device(struct test_ctx *t)
{
	unsigned long vendor = 0;
	char opt[64];
	int fd;

	if (!other_bdf) {
		t->skip = "no OTHER_BDF given";
		return;
	}
	if (check_ok(t, sysfs_read_ulong(other_bdf, "vendor", &vendor),
		     "read %s's vendor", other_bdf))
		return;
	/* neither a PF nor a VF: a token is an error */
	expect_open_fails(t, other_bdf,
			  token_opt(opt, sizeof(opt), uuid_a), EINVAL);
	fd = expect_open(t, other_bdf, NULL, (__u32)vendor);
	fd_close(&fd);
}

static const struct test tests[] = {
	{ "sriov_needs_param", test_sriov_needs_param },
	{ "pf_token_feature", test_pf_token_feature },
	{ "numvfs", test_numvfs },
	{ "vf_token_required", test_vf_token_required },
	{ "pf_d3_with_vfs", test_pf_d3_with_vfs },
	{ "vf_feature_absent", test_vf_feature_absent },
	{ "pf_token_while_vf_open", test_pf_token_while_vf_open },
	{ "pf_open_sets_token", test_pf_open_sets_token },
	{ "cdev_token", test_cdev_token },
	{ "remove_waits_for_vf", test_remove_waits_for_vf },
	{ "vfs_before_pf_open", test_vfs_before_pf_open },
	{ "token_on_plain_device", test_token_on_plain_device },
};

/*
 * Put the PF back as it was found: every fd closed, no VFs, the parameter
 * at @param. Returns false (after saying why) when that failed.
 */
static bool restore_pf(char param)
{
	bool ok = true;
	int ret;

	close_all();
	if (!disable_wait(REMOVE_MS)) {
		ktap_diag("cleanup: sriov_numvfs = 0 of the test still waits");
		return false;
	}
	if (numvfs() != 0) {
		/* vfio-pci disables VFs only while the parameter is on */
		ret = sysfs_write_path(PARAM_SRIOV, "1");
		if (!ret)
			ret = sysfs_write(pf_bdf, "sriov_numvfs", "0");
		if (ret) {
			ktap_diag("cleanup: sriov_numvfs = 0: %s", errname(-ret));
			ok = false;
		}
	}
	if (param_value() != param) {
		ret = sysfs_write_path(PARAM_SRIOV, param == 'Y' ? "1" : "0");
		if (ret) {
			ktap_diag("cleanup: enable_sriov = %c: %s", param,
				  errname(-ret));
			ok = false;
		}
	}
	return ok;
}

/* Is the PF what the tests need? NULL, or why not. */
static const char *pf_unusable(void)
{
	unsigned long total = 0;
	char drv[64];

	if (!sysfs_device_exists(pf_bdf))
		return "no such PCI device";
	if (sysfs_driver(pf_bdf, drv, sizeof(drv)) || strcmp(drv, "vfio-pci"))
		return "not bound to vfio-pci";
	if (sysfs_read_ulong(pf_bdf, "sriov_totalvfs", &total) ||
	    total < NR_VFS)
		return "not a PF with at least 2 VFs";
	if (numvfs() != 0)
		return "its VFs are already enabled";
	if (!param_value())
		return "no " PARAM_SRIOV;
	return NULL;
}

int main(int argc, char **argv)
{
	const char *why;
	struct test_ctx t;
	bool restored;
	char param;
	size_t i;
	int ret;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: %s PF_BDF [OTHER_BDF]\n", argv[0]);
		return 2;
	}
	pf_bdf = argv[1];
	other_bdf = argc == 3 ? argv[2] : NULL;
	uuid_str(uuid_a, token_a);
	uuid_str(uuid_b, token_b);
	uuid_str(uuid_wrong, token_wrong);

	ktap_plan((int)ARRAY_SIZE(tests));
	why = pf_unusable();
	if (why) {
		printf("Bail out! PF %s: %s\n", pf_bdf, why);
		return 1;
	}
	param = param_value();
	ktap_diag("PF %s, enable_sriov=%c, tokens A %s B %s", pf_bdf, param,
		  uuid_a, uuid_b);

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		memset(&t, 0, sizeof(t));
		t.bdf = pf_bdf;
		snprintf(t.name, sizeof(t.name), "%s", tests[i].name);
		if (vfio_test_env(&t, tests[i].name))
			tests[i].fn(&t);
		vfio_test_report(&t);
	}

	restored = restore_pf(param);
	ret = ktap_finish();
	return restored ? ret : 1;
}
