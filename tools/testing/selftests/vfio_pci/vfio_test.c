// SPDX-License-Identifier: GPL-2.0
/*
 * The KTAP harness of the vfio_pci test programs; see vfio_test.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	ktap_diag("%s: %s", t->name, msg);
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

void vfio_test_report(struct test_ctx *t)
{
	if (t->fails && t->xfail) {
		ktap_diag("%s: %d check(s) failed, as expected", t->name,
			  t->fails);
		ktap_xfail(t->name, t->xfail);
	} else if (t->fails) {
		ktap_result(false, t->name, "%d check(s) failed", t->fails);
	} else if (t->skip) {
		ktap_skip(t->name, t->skip);
	} else {
		ktap_result(true, t->name, NULL);
	}
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
 * VFIO_TEST_ONLY, when set, names the tests to run, comma separated; the
 * others are reported as skipped.
 */
static bool selected(const char *name)
{
	const char *only = getenv("VFIO_TEST_ONLY");

	if (!only || !*only)
		return true;
	return listed(only, only + strlen(only), name);
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
bool vfio_test_env(struct test_ctx *t, const char *name)
{
	t->skip = env_reason("VFIO_TEST_SKIP", name,
			     "skipped by VFIO_TEST_SKIP");
	t->xfail = env_reason("VFIO_TEST_XFAIL", name,
			      "expected to fail (VFIO_TEST_XFAIL)");
	return !t->skip;
}

static void run_mode(const char *bdf, enum vfio_open_mode mode,
		     const struct test *tests, size_t n)
{
	const char *prefix = vfio_mode_name(mode);
	const char *unsupported;
	struct test_ctx t;
	struct vfio_dev d;
	size_t i;
	int ret;

	unsupported = mode_unsupported(mode);
	ret = unsupported ? 0 : vfio_dev_open(&d, bdf, mode);
	if (!unsupported && !ret)
		ktap_diag("%s: opened %s through %s", prefix, bdf, d.path);
	else if (!unsupported)
		ktap_diag("%s: cannot open %s: %s", prefix, bdf, d.err);

	for (i = 0; i < n; i++) {
		memset(&t, 0, sizeof(t));
		t.d = &d;
		t.bdf = bdf;
		snprintf(t.name, sizeof(t.name), "%s_%s", prefix,
			 tests[i].name);
		if (unsupported) {
			ktap_skip(t.name, unsupported);
			continue;
		}
		if (!selected(tests[i].name)) {
			ktap_skip(t.name, "not in VFIO_TEST_ONLY");
			continue;
		}
		if (ret) {
			ktap_result(false, t.name, "device did not open: %s",
				    d.err);
			continue;
		}
		if (vfio_test_env(&t, tests[i].name))
			tests[i].fn(&t);
		vfio_test_report(&t);
	}
	if (!unsupported && !ret)
		vfio_dev_close(&d);
}

int vfio_test_run(const char *bdf, const struct test *tests, size_t n,
		  void (*probe)(const char *bdf))
{
	ktap_plan((int)(2 * n));
	if (!sysfs_device_exists(bdf)) {
		printf("Bail out! no PCI device %s in /sys/bus/pci/devices\n",
		       bdf);
		return 1;
	}
	if (probe)
		probe(bdf);

	run_mode(bdf, VFIO_MODE_GROUP, tests, n);
	run_mode(bdf, VFIO_MODE_CDEV, tests, n);
	return ktap_finish();
}

int vfio_test_main(int argc, char **argv, const struct test *tests,
		   size_t n, void (*probe)(const char *bdf))
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s DDDD:BB:DD.F\n", argv[0]);
		return 2;
	}
	return vfio_test_run(argv[1], tests, n, probe);
}
