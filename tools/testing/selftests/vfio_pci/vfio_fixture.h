/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixtures of the vfio_pci test programs, for the one file of each that
 * defines its tests (kselftest_harness.h registers them per file). Every
 * test runs in a child of its own, on the device $VFIO_PCI_DEV opened
 * through a group and container (variant "group") or through its cdev and
 * iommufd (variant "cdev"):
 *
 * - vfio_dev: the open of the program's holder (vfio_holder.c), kept from
 *   one test to the next as a user would keep it;
 * - vfio_own: an open of the test's own, nobody else holding the device,
 *   for the tests that close it, unbind it or need it closed.
 */
#ifndef VFIO_PCI_SELFTEST_FIXTURE_H
#define VFIO_PCI_SELFTEST_FIXTURE_H

#include "kselftest_harness.h"
#include "vfio_test.h"

static inline void vfio_fixture_setup(struct __test_metadata *_metadata,
				      struct test_ctx *t, struct vfio_dev *d,
				      enum vfio_open_mode mode, bool own)
{
	char why[256];
	int ret;

	ret = vfio_test_begin(t, d, mode, vfio_test_device(), own,
			      _metadata->name, why, sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	if (ret != KSFT_PASS) {
		ksft_print_msg("%s\n", why);
		_metadata->exit_code = KSFT_FAIL;
	}
}

static inline void vfio_fixture_teardown(struct __test_metadata *_metadata,
					 struct test_ctx *t)
{
	int ret;

	ret = vfio_test_end(t, _metadata->results->reason,
			    sizeof(_metadata->results->reason));
	if (ret != KSFT_PASS && _metadata->exit_code != KSFT_FAIL)
		_metadata->exit_code = ret;
}

FIXTURE(vfio_dev) {
	struct vfio_dev d;
	struct test_ctx t;
};

FIXTURE_VARIANT(vfio_dev) {
	enum vfio_open_mode mode;
};

FIXTURE_VARIANT_ADD(vfio_dev, group) {
	.mode = VFIO_MODE_GROUP,
};

FIXTURE_VARIANT_ADD(vfio_dev, cdev) {
	.mode = VFIO_MODE_CDEV,
};

FIXTURE_SETUP(vfio_dev)
{
	vfio_fixture_setup(_metadata, &self->t, &self->d, variant->mode,
			   false);
}

FIXTURE_TEARDOWN(vfio_dev)
{
	vfio_fixture_teardown(_metadata, &self->t);
}

/* the same two paths, each test opening the device itself */
FIXTURE(vfio_own) {
	struct vfio_dev d;
	struct test_ctx t;
};

FIXTURE_VARIANT(vfio_own) {
	enum vfio_open_mode mode;
};

FIXTURE_VARIANT_ADD(vfio_own, group) {
	.mode = VFIO_MODE_GROUP,
};

FIXTURE_VARIANT_ADD(vfio_own, cdev) {
	.mode = VFIO_MODE_CDEV,
};

FIXTURE_SETUP(vfio_own)
{
	vfio_fixture_setup(_metadata, &self->t, &self->d, variant->mode,
			   true);
}

FIXTURE_TEARDOWN(vfio_own)
{
	vfio_fixture_teardown(_metadata, &self->t);
}

#endif /* VFIO_PCI_SELFTEST_FIXTURE_H */
