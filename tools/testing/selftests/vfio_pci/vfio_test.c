// SPDX-License-Identifier: GPL-2.0
/*
 * The checks of the vfio_pci test programs, and what the fixture of
 * vfio_fixture.h runs around each test; see vfio_test.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest.h"
#include "vfio_test.h"

static const char *strerrorname(int err)
{
	switch (err) {
	case EINVAL:
		return "EINVAL";
	case EFAULT:
		return "EFAULT";
	case EBADF:
		return "EBADF";
	default:
		return strerror(err);
	}
}

/*
 * Count a failed check of @t and print "# <test>: <msg>", the message being
 * @what formatted with @ap and followed by @suffix.
 */
static void check_failed(struct test_ctx *t, const char *suffix,
			 const char *what, va_list ap)
{
	char msg[512];
	int len;

	len = vsnprintf(msg, sizeof(msg), what, ap);
	if (len >= 0 && (size_t)len < sizeof(msg))
		snprintf(msg + len, sizeof(msg) - len, "%s", suffix);
	ksft_print_msg("%s: %s\n", t->name, msg);
	t->fails++;
}

bool check(struct test_ctx *t, bool cond, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		return false;
	va_start(ap, fmt);
	check_failed(t, "", fmt, ap);
	va_end(ap);
	return true;
}

bool check_ok(struct test_ctx *t, int ret, const char *what, ...)
{
	char suffix[128];
	va_list ap;

	if (ret == 0)
		return false;
	snprintf(suffix, sizeof(suffix), " failed: %s (errno %d)",
		 strerror(-ret), -ret);
	va_start(ap, what);
	check_failed(t, suffix, what, ap);
	va_end(ap);
	return true;
}

bool check_errno(struct test_ctx *t, long ret, int err, int want,
		 const char *what, ...)
{
	char suffix[256];
	va_list ap;

	if (ret == -1 && err == want)
		return false;
	snprintf(suffix, sizeof(suffix),
		 ": expected failure with %s, got ret %ld errno %d (%s)",
		 strerrorname(want), ret, ret == -1 ? err : 0,
		 ret == -1 ? strerror(err) : "no error");
	va_start(ap, what);
	check_failed(t, suffix, what, ap);
	va_end(ap);
	return true;
}

/* Is the interface @mode needs missing from this kernel altogether? */
static const char *mode_unsupported(enum vfio_open_mode mode)
{
	if (mode == VFIO_MODE_GROUP) {
		if (access("/dev/vfio/vfio", F_OK))
			return "no /dev/vfio/vfio (no VFIO container support)";
	} else {
		/* the kernel's configuration says why, when the suite read it */
		const char *off = getenv("VFIO_CDEV_OFF");

		if (access("/sys/class/vfio-dev", F_OK))
			return off && *off ? off :
				"no /sys/class/vfio-dev (no VFIO device cdev support)";
		if (access("/dev/iommu", F_OK))
			return off && *off ? off : "no /dev/iommu (no iommufd)";
	}
	return NULL;
}

/* Is @name one of the comma-separated names of @list, @end its end? */
static bool listed(const char *list, const char *end, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = list; p + len <= end; p++) {
		p = strstr(p, name);
		if (!p || p + len > end)
			return false;
		if ((p == list || p[-1] == ',') &&
		    (p + len == end || p[len] == ','))
			return true;
	}
	return false;
}

/*
 * Return: the REASON of the list "NAME[,NAME...]:REASON" in the environment
 * variable @var when it names @name, @fallback when it names @name with no
 * reason, or NULL.
 */
static const char *env_reason(const char *var, const char *name,
			      const char *fallback)
{
	const char *list = getenv(var);
	const char *colon;

	if (!list || !*list)
		return NULL;
	colon = strchr(list, ':');
	if (!listed(list, colon ? colon : list + strlen(list), name))
		return NULL;
	return colon && colon[1] ? colon + 1 : fallback;
}

/*
 * VFIO_TEST_XFAIL="NAME[,NAME...]:REASON" names the tests whose failure is
 * expected, a known bug of the driver under test: such a test that fails
 * is reported "ok N <mode>_<name> # XFAIL REASON", its failed checks kept
 * as diagnostics; one that passes is a plain ok. VFIO_TEST_SKIP, of the
 * same form, names tests not to run at all, for REASON: a known failure of
 * the driver under test that would spoil the rest of the run (its kernel
 * log, the device).
 */
const char *vfio_test_device(void)
{
	const char *bdf = getenv("VFIO_PCI_DEV");

	return bdf && *bdf ? bdf : NULL;
}

const char *vfio_test_peer(void)
{
	const char *bdf = getenv("VFIO_PCI_PEER");

	return bdf && *bdf ? bdf : NULL;
}

/*
 * Why the test @name is not to run, or NULL (the harness's -t and -T pick
 * the tests that run at all). VFIO_TEST_SKIP, of the form
 * "NAME[,NAME...]:REASON", names tests not to run at all, for REASON: a
 * known failure of the driver under test that would spoil the rest of the
 * run (its kernel log, the device).
 */
static const char *not_run(const char *name)
{
	return env_reason("VFIO_TEST_SKIP", name, "skipped by VFIO_TEST_SKIP");
}

int vfio_test_begin(struct test_ctx *t, struct vfio_dev *d,
		    enum vfio_open_mode mode, const char *bdf, bool own,
		    const char *name, char *why, size_t len)
{
	const char *reason;

	memset(t, 0, sizeof(*t));
	t->bdf = bdf;
	snprintf(t->name, sizeof(t->name), "%s%s%s", d ? vfio_mode_name(mode) : "",
		 d ? "." : "", name);
	reason = not_run(name);
	if (!reason && d)
		reason = mode_unsupported(mode);
	if (reason) {
		snprintf(why, len, "%s", reason);
		return KSFT_SKIP;
	}
	if (!bdf || !sysfs_device_exists(bdf)) {
		snprintf(why, len, "no PCI device %s (VFIO_PCI_DEV)",
			 bdf ? bdf : "named");
		return KSFT_FAIL;
	}
	/*
	 * VFIO_TEST_XFAIL="NAME[,NAME...]:REASON" names the tests whose
	 * failure is expected, a known bug of the driver under test: such a
	 * test that fails is reported "# XFAIL REASON", its failed checks
	 * kept as diagnostics; one that passes is a plain ok.
	 */
	t->xfail = env_reason("VFIO_TEST_XFAIL", name,
			      "expected to fail (VFIO_TEST_XFAIL)");
	if ((own || !d) && vfio_holder_release()) {
		snprintf(why, len, "%s: the holder process does not answer",
			 t->name);
		return KSFT_FAIL;
	}
	if (!d)
		return KSFT_PASS;
	if (own ? vfio_dev_open(d, bdf, mode) : vfio_holder_open(d, bdf, mode)) {
		snprintf(why, len, "%s: cannot open %s: %s", t->name, bdf,
			 d->err);
		return KSFT_FAIL;
	}
	t->d = d;
	return KSFT_PASS;
}

int vfio_test_end(struct test_ctx *t, char *why, size_t len)
{
	if (t->d)
		vfio_dev_close(t->d);
	t->d = NULL;
	if (t->fails && t->xfail) {
		ksft_print_msg("%s: %d check(s) failed, as expected\n",
			       t->name, t->fails);
		snprintf(why, len, "%s", t->xfail);
		return KSFT_XFAIL;
	}
	if (t->fails)
		return KSFT_FAIL;
	if (t->skip) {
		snprintf(why, len, "%s", t->skip);
		return KSFT_SKIP;
	}
	return KSFT_PASS;
}

const char *vfio_test_init(int argc, char **argv)
{
	const char *bdf = vfio_test_device();
	int i, ret;

	/* each test's child leaves with _exit(): nothing may stay buffered */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-l") || !strcmp(argv[i], "-h"))
			return NULL;
	if (!bdf)
		ksft_exit_skip("VFIO_PCI_DEV names no function to test\n");
	if (!sysfs_device_exists(bdf))
		ksft_exit_fail_msg("no PCI device %s in /sys/bus/pci/devices\n",
				   bdf);
	ret = vfio_holder_start(bdf);
	if (ret)
		ksft_exit_fail_msg("cannot start the holder of %s: %s\n", bdf,
				   strerror(-ret));
	return bdf;
}
