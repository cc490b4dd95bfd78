/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the vfio_pci test programs share under kselftest_harness.h: the
 * state a test's checks work on, and the checks themselves. The fixture
 * that opens the device for each test is in vfio_fixture.h, included by
 * the one file of a program that defines its tests.
 */
#ifndef VFIO_PCI_SELFTEST_TEST_H
#define VFIO_PCI_SELFTEST_TEST_H

#include <stdbool.h>
#include <stddef.h>

#include "vfio_util.h"

/*
 * Seconds a test may take, its fixture's open and close included, before
 * the harness kills it: a hang, under TCG on the debug kernel, not
 * slowness.
 */
#define VFIO_TEST_TIMEOUT	900

/**
 * struct test_ctx - what one test runs with
 * @d: the device, opened by the fixture (NULL where none is)
 * @bdf: its address
 * @name: "<path>.<test>", the prefix of the test's diagnostics
 * @fails: checks failed so far
 * @skip: set by the test to be reported skipped, with this reason
 * @xfail: the reason the test is expected to fail (VFIO_TEST_XFAIL), or NULL
 */
struct test_ctx {
	struct vfio_dev *d;
	const char *bdf;
	char name[64];
	int fails;
	const char *skip;
	const char *xfail;
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
 * vfio_test_device() - the device of the program's tests: $VFIO_PCI_DEV,
 * or NULL; $VFIO_PCI_PEER names a second one where a test needs it
 * (vfio_test_peer()).
 */
const char *vfio_test_device(void);
const char *vfio_test_peer(void);

/*
 * vfio_holder_start() - fork the holder of @bdf (vfio_holder.c), which
 * keeps the device open from one test to the next.
 * Return: 0 or a negative errno.
 */
int vfio_holder_start(const char *bdf);

/*
 * vfio_holder_open() - @d opened in @mode: the holder's open files, the
 * holder opening them when it has the device open in no or the other mode;
 * without a holder, vfio_dev_open(). The files in @d are the caller's to
 * close; the holder's stay open.
 * Return: 0, or a negative errno with the reason in @d->err.
 */
int vfio_holder_open(struct vfio_dev *d, const char *bdf,
		     enum vfio_open_mode mode);

/*
 * vfio_holder_release() - the holder closes the device, if it has it open.
 * Return: 0 or a negative errno.
 */
int vfio_holder_release(void);

/*
 * vfio_test_init() - what main() does before test_harness_run(): stdout
 * line-buffered, the device checked (every test skipped when
 * $VFIO_PCI_DEV is not set, the program failed when it names no device)
 * and its holder started.
 * Return: the device, or NULL when the harness only lists or helps.
 */
const char *vfio_test_init(int argc, char **argv);

/*
 * vfio_test_begin() - set up @t for the test @name on @bdf, the device to
 * be opened in @mode (or not at all, @d NULL). The device is the holder's
 * open (vfio_holder_open()), or with @own (and with no @d) the test's
 * alone: the holder closes it first. The environment picks tests:
 * VFIO_TEST_SKIP skips some and VFIO_TEST_XFAIL expects some to fail (see
 * vfio_test.c); the harness's -t picks those that run.
 * Return: KSFT_PASS with @t ready to run, KSFT_SKIP or KSFT_FAIL with the
 * reason in @why (@len bytes).
 */
int vfio_test_begin(struct test_ctx *t, struct vfio_dev *d,
		    enum vfio_open_mode mode, const char *bdf, bool own,
		    const char *name, char *why, size_t len);

/*
 * vfio_test_end() - close what vfio_test_begin() opened and give the
 * test's outcome: KSFT_PASS, KSFT_FAIL, KSFT_XFAIL or KSFT_SKIP, the
 * reason of the last two in @why (@len bytes).
 */
int vfio_test_end(struct test_ctx *t, char *why, size_t len);

#endif /* VFIO_PCI_SELFTEST_TEST_H */
