// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_sriov_test: tests of SR-IOV on a PF ($VFIO_PCI_DEV)
 * bound to vfio-pci (QEMU nvme, 1b36:0010, started with sriov_max_vfs):
 * the enable_sriov module parameter, creating VFs through sriov_numvfs,
 * the VF token shared by the PF's user and the VFs' users (set with
 * VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, or by opening the PF with a token
 * while no VF is open, and given as "BDF vf_token=UUID" to
 * VFIO_GROUP_GET_DEVICE_FD), and the removal of an open VF when the PF's
 * VFs are disabled. $VFIO_PCI_PEER, a device bound to vfio-pci that is neither
 * a PF nor a VF (QEMU edu), checks that a token is refused there. Where
 * the cdev bind carries a token (VFIO_CDEV_TOKEN=required: the series'
 * vfio patch), the same checks run on the cdev path.
 *
 * The tokens go in the name given to the group, so everything here uses
 * the group + container path, one group fd per IOMMU group. Each test
 * runs in a child of its own, from the PF as the program found it
 * (fixture sriov_pf) or from the PF opened by a user who set token A with
 * its two VFs enabled (fixture sriov_vfs); its teardown puts back
 * sriov_numvfs 0 and the enable_sriov parameter, whatever failed.
 *
 * Most tests open the PF before its VFs exist and keep it open until they
 * are gone. vfs_before_pf_open does what vfio_pci_sriov_demo (make
 * run) does: VFs created on a freshly bound PF and left to sleep, the PF
 * opened by a user who sets the token, a VF opened by another; the VF must
 * answer from its hardware, before and after the PF's user closes the PF.
 * A reset of the PF would take the VFs with it: a PF's FLR clears VF
 * Enable, and QEMU 7.2's nvme VFs do not come back from it.
 *
 * The expectations are upstream Linux 6.12's vfio-pci (the reference):
 * each errno pinned down here is what it returns.
 */
#include "kselftest_harness.h"
#include "vfio_pci_sriov.h"

/* the token the PF's user sets, the one it opens with later, a wrong one */
const __u8 token_a[UUID_LEN] = {
	0x2a, 0xb7, 0x49, 0x24, 0xc3, 0x35, 0x45, 0xf4,
	0x9b, 0x16, 0x85, 0x69, 0xe5, 0xb0, 0x82, 0x58,
};

const __u8 token_b[UUID_LEN] = {
	0x6f, 0x1d, 0x0c, 0x3e, 0x87, 0x52, 0x4a, 0x0b,
	0xb4, 0x2e, 0x11, 0xd9, 0x5c, 0x73, 0xa0, 0x16,
};

const __u8 token_wrong[UUID_LEN] = {
	0xd3, 0x40, 0x9e, 0x5a, 0x21, 0x6b, 0x4c, 0x88,
	0x9f, 0x07, 0x3b, 0xe2, 0x64, 0xc1, 0x18, 0xfa,
};

const char *pf_bdf, *other_bdf;
char vf_bdf[NR_VFS][32];
bool have_vfs;
char uuid_a[UUID_STR_LEN + 1], uuid_b[UUID_STR_LEN + 1];
char uuid_wrong[UUID_STR_LEN + 1];

/* the attached groups, one each, and the device fds the tests hold */
struct vfio_dev groups[MAX_GROUPS];
int nr_groups;
int pf_fd = -1, vf_fd = -1;
struct disable_job disable_job;

static void uuid_str(char *buf, const __u8 *u)
{
	snprintf(buf, UUID_STR_LEN + 1,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
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
		vfio_diag("%s: VF %d is %s", t->name, i, vf_bdf[i]);
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
bool disable_wait(int ms)
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

/*
 * Put the PF back as it was found: every fd closed, no VFs, the parameter
 * at @param. Returns false (after saying why) when that failed.
 */
static bool restore_pf(char param)
{
	bool ok = true;
	int ret;

	/*
	 * The VFs go while the PF is still open: the base tree's driver
	 * resets a PF as its last user closes it, which QEMU's nvme VFs do
	 * not survive.
	 */
	fd_close(&vf_fd);
	if (!disable_wait(REMOVE_MS)) {
		vfio_diag("cleanup: sriov_numvfs = 0 of the test still waits");
		return false;
	}
	if (numvfs() != 0) {
		/* vfio-pci disables VFs only while the parameter is on */
		ret = sysfs_write_path(PARAM_SRIOV, "1");
		if (!ret)
			ret = sysfs_write(pf_bdf, "sriov_numvfs", "0");
		if (ret) {
			vfio_diag("cleanup: sriov_numvfs = 0: %s", errname(-ret));
			ok = false;
		}
	}
	close_all();
	if (param_value() != param) {
		ret = sysfs_write_path(PARAM_SRIOV, param == 'Y' ? "1" : "0");
		if (ret) {
			vfio_diag("cleanup: enable_sriov = %c: %s", param,
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

/* the enable_sriov parameter as the program found it */
static char param_found;

/*
 * The PF opened by a user who set token A, and its VFs enabled and found:
 * where the tests of the sriov_vfs fixture start. False, after saying why,
 * when that failed.
 */
static bool vfs_up(struct test_ctx *t)
{
	int i;

	pf_fd = expect_open(t, pf_bdf, NULL, NVME_VENDOR);
	if (pf_fd < 0 ||
	    check_ok(t, vf_token_feature(pf_fd, VFIO_DEVICE_FEATURE_SET,
					 token_a, UUID_LEN),
		     "FEATURE SET PCI_VF_TOKEN %s", uuid_a) ||
	    check_ok(t, sysfs_write(pf_bdf, "sriov_numvfs", "2"),
		     "sriov_numvfs = 2"))
		return false;
	for (i = 0; i < NR_VFS; i++)
		if (find_vf(t, i))
			return false;
	have_vfs = true;
	return true;
}

/* VF 0 opened with token A as @t's starting point, unless it is already */
static bool vf_up(struct test_ctx *t)
{
	char opt[64];

	if (vf_fd < 0)
		vf_fd = expect_open(t, vf_bdf[0],
				    token_opt(opt, sizeof(opt), uuid_a),
				    NVME_VENDOR);
	return vf_fd >= 0;
}

/*
 * What both fixtures do around a test: the test's checks set up and
 * enable_sriov turned on (@why, KSFT_SKIP or KSFT_FAIL, when the test is
 * not to run), and afterwards the PF put back as the program found it,
 * whatever failed.
 */
static int sriov_begin(struct test_ctx *t, const char *name, char *why,
		       size_t len)
{
	int ret;

	ret = vfio_test_begin(t, NULL, VFIO_MODE_GROUP, pf_bdf, true, name,
			      why, len);
	if (ret != KSFT_PASS)
		return ret;
	ret = sysfs_write_path(PARAM_SRIOV, "1");
	if (ret) {
		snprintf(why, len, "write 1 to %s: %s", PARAM_SRIOV,
			 errname(-ret));
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

static int sriov_end(struct test_ctx *t, char *why, size_t len)
{
	if (!restore_pf(param_found))
		check(t, false, "the PF could not be put back as it was");
	return vfio_test_end(t, why, len);
}

/*
 * sriov_pf: the PF as the program found it (bound to vfio-pci, no VFs)
 * with enable_sriov on, and nothing open.
 */
FIXTURE(sriov_pf) {
	struct test_ctx t;
};

FIXTURE_SETUP(sriov_pf)
{
	char why[256];
	int ret;

	ret = sriov_begin(&self->t, _metadata->name, why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	if (ret != KSFT_PASS) {
		ksft_print_msg("%s\n", why);
		_metadata->exit_code = KSFT_FAIL;
	}
}

FIXTURE_TEARDOWN(sriov_pf)
{
	int ret = sriov_end(&self->t, _metadata->results->reason,
			    sizeof(_metadata->results->reason));

	if (ret != KSFT_PASS && _metadata->exit_code != KSFT_FAIL)
		_metadata->exit_code = ret;
}

/* sriov_vfs: the PF opened with token A, its two VFs enabled (vfs_up()) */
FIXTURE(sriov_vfs) {
	struct test_ctx t;
};

FIXTURE_SETUP(sriov_vfs)
{
	char why[256];
	int ret;

	ret = sriov_begin(&self->t, _metadata->name, why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	if (ret == KSFT_PASS && vfs_up(&self->t))
		return;
	if (ret != KSFT_PASS)
		ksft_print_msg("%s\n", why);
	restore_pf(param_found);
	_metadata->exit_code = KSFT_FAIL;
}

FIXTURE_TEARDOWN(sriov_vfs)
{
	int ret = sriov_end(&self->t, _metadata->results->reason,
			    sizeof(_metadata->results->reason));

	if (ret != KSFT_PASS && _metadata->exit_code != KSFT_FAIL)
		_metadata->exit_code = ret;
}

TEST_F_TIMEOUT(sriov_pf, sriov_needs_param, VFIO_TEST_TIMEOUT)
{
	test_sriov_needs_param(&self->t);
}

TEST_F_TIMEOUT(sriov_pf, pf_token_feature, VFIO_TEST_TIMEOUT)
{
	test_pf_token_feature(&self->t);
}

TEST_F_TIMEOUT(sriov_pf, numvfs, VFIO_TEST_TIMEOUT)
{
	/* the VFs are created under a PF whose user set a token */
	test_pf_token_feature(&self->t);
	test_numvfs(&self->t);
}

TEST_F_TIMEOUT(sriov_pf, vfs_before_pf_open, VFIO_TEST_TIMEOUT)
{
	test_vfs_before_pf_open(&self->t);
}

TEST_F_TIMEOUT(sriov_pf, token_on_plain_device, VFIO_TEST_TIMEOUT)
{
	test_token_on_plain_device(&self->t);
}

TEST_F_TIMEOUT(sriov_vfs, vf_token_required, VFIO_TEST_TIMEOUT)
{
	test_vf_token_required(&self->t);
}

TEST_F_TIMEOUT(sriov_vfs, pf_d3_with_vfs, VFIO_TEST_TIMEOUT)
{
	if (vf_up(&self->t))
		test_pf_d3_with_vfs(&self->t);
}

TEST_F_TIMEOUT(sriov_vfs, vf_feature_absent, VFIO_TEST_TIMEOUT)
{
	if (vf_up(&self->t))
		test_vf_feature_absent(&self->t);
}

TEST_F_TIMEOUT(sriov_vfs, pf_token_while_vf_open, VFIO_TEST_TIMEOUT)
{
	if (vf_up(&self->t))
		test_pf_token_while_vf_open(&self->t);
}

TEST_F_TIMEOUT(sriov_vfs, pf_open_sets_token, VFIO_TEST_TIMEOUT)
{
	test_pf_open_sets_token(&self->t);
}

TEST_F_TIMEOUT(sriov_vfs, cdev_token, VFIO_TEST_TIMEOUT)
{
	test_cdev_token(&self->t);
}

TEST_F_TIMEOUT(sriov_vfs, remove_waits_for_vf, VFIO_TEST_TIMEOUT)
{
	if (vf_up(&self->t))
		test_remove_waits_for_vf(&self->t);
}

int main(int argc, char **argv)
{
	const char *why;

	pf_bdf = vfio_test_init(argc, argv);
	other_bdf = vfio_test_peer();
	uuid_str(uuid_a, token_a);
	uuid_str(uuid_b, token_b);
	uuid_str(uuid_wrong, token_wrong);
	if (pf_bdf) {
		why = pf_unusable();
		if (why)
			ksft_exit_fail_msg("PF %s: %s\n", pf_bdf, why);
		param_found = param_value();
		vfio_diag("PF %s, enable_sriov=%c, tokens A %s B %s", pf_bdf,
			  param_found, uuid_a, uuid_b);
	}
	return test_harness_run(argc, argv);
}
