/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KTAP harness of the vfio_pci test programs: a table of tests run
 * once with the device opened through a group and container, and once
 * through its cdev and iommufd, each result named "<mode>_<test>".
 */
#ifndef VFIO_PCI_SELFTEST_TEST_H
#define VFIO_PCI_SELFTEST_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "vfio_util.h"

struct test_ctx {
	struct vfio_dev *d;
	const char *bdf;
	char name[64];
	int fails;
	const char *skip;	/* set to skip the test, with the reason */
	const char *xfail;	/* its failure is expected, for this reason */
};

struct test {
	const char *name;
	void (*fn)(struct test_ctx *t);
};

/*
 * Failed checks print "# <test>: <msg>" and count against the test. Each
 * returns true when the check failed.
 */

/* @cond must hold. */
bool check(struct test_ctx *t, bool cond, const char *fmt, ...)
	__printf(3, 4);
/* A helper call that returned @ret, 0 or -errno, must have succeeded. */
bool check_ok(struct test_ctx *t, int ret, const char *what, ...)
	__printf(3, 4);
/* A raw ioctl/syscall result @ret must be -1 with errno @err == @want. */
bool check_errno(struct test_ctx *t, long ret, int err, int want,
		 const char *what, ...)
	__printf(5, 6);

/*
 * Print the KTAP result of the test @t has just run: failed (or, with
 * @t->xfail, an expected failure), skipped or ok.
 */
void vfio_test_report(struct test_ctx *t);

/*
 * Set @t->skip and @t->xfail for the test @name as the environment says
 * (VFIO_TEST_SKIP, VFIO_TEST_XFAIL: see vfio_test.c). Return: true when
 * the test is to run.
 */
bool vfio_test_env(struct test_ctx *t, const char *name);

/*
 * Run the @n @tests on @bdf over both open paths as one KTAP document and
 * return the exit status. The environment picks tests: VFIO_TEST_ONLY
 * runs only those it names, VFIO_TEST_XFAIL expects some to fail,
 * VFIO_TEST_SKIP skips some (see vfio_test.c). @probe, if not NULL, runs once before the first
 * test, after the device has been found in sysfs.
 */
int vfio_test_run(const char *bdf, const struct test *tests, size_t n,
		  void (*probe)(const char *bdf));

/* main() of a test program: checks its BDF argument, then runs @tests. */
int vfio_test_main(int argc, char **argv, const struct test *tests,
		   size_t n, void (*probe)(const char *bdf));

#endif /* VFIO_PCI_SELFTEST_TEST_H */
