// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_sriov_test: VFs made and left to sleep before the PF's user
 * comes, as vfio_pci_sriov_demo does, and the VF token on the cdev bind.
 */
#include "vfio_pci_sriov.h"

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
	vfio_diag("%s: PF SR-IOV control 0x%04x, NumVFs %u", t->name, ctrl,
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
	vfio_diag("%s: %s status 0x%04x, BAR0 CAP 0x%08x%08x VS 0x%08x CSTS 0x%08x",
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

void close_all(void)
{
	int i;

	fd_close(&vf_fd);
	fd_close(&pf_fd);
	for (i = 0; i < nr_groups; i++)
		vfio_dev_close(&groups[i]);
	nr_groups = 0;
}

void test_vfs_before_pf_open(struct test_ctx *t)
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
void test_cdev_token(struct test_ctx *t)
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
	fd = vfio_cdev_bind(vf, iommufd, token_a);
	if (!check(t, fd >= 0, "cdev bind of %s with the token: %s", vf,
		   errname(-fd))) {
		check_vendor(t, fd, vf, NVME_VENDOR);
		check_bar0(t, fd, vf);
		fd_close(&fd);
	}
	if (other_bdf) {
		/* the group of VFIO_PCI_PEER is not open yet either */
		expect_bind_fails(t, iommufd, other_bdf, token_a,
				  "with a token it has no use for", EINVAL);
		fd = vfio_cdev_bind(other_bdf, iommufd, NULL);
		check(t, fd >= 0, "cdev bind of %s: %s", other_bdf,
		      errname(-fd));
		fd_close(&fd);
	}
	close(iommufd);
}

void test_token_on_plain_device(struct test_ctx *t)
{
	unsigned long vendor = 0;
	char opt[64];
	int fd;

	if (!other_bdf) {
		t->skip = "no VFIO_PCI_PEER given";
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

