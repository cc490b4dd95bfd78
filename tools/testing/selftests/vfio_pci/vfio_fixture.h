/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture of the vfio_pci test programs, for the one file of each that
 * defines its tests (kselftest_harness.h registers them per file): every
 * test runs in a child of its own, with the device ($VFIO_PCI_DEV) opened
 * afresh through a group and container (variant "group") or through its
 * cdev and iommufd (variant "cdev"), and closed again after it.
 */
#ifndef VFIO_PCI_SELFTEST_FIXTURE_H
#define VFIO_PCI_SELFTEST_FIXTURE_H

#include "kselftest_harness.h"
#include "vfio_test.h"

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
	char why[256];
	int ret;

	ret = vfio_test_begin(&self->t, &self->d, variant->mode,
			      vfio_test_device(), _metadata->name, why,
			      sizeof(why));
	if (ret == KSFT_SKIP)
		SKIP(return, "%s", why);
	if (ret != KSFT_PASS) {
		ksft_print_msg("%s\n", why);
		_metadata->exit_code = KSFT_FAIL;
	}
}

FIXTURE_TEARDOWN(vfio_dev)
{
	int ret;

	ret = vfio_test_end(&self->t, _metadata->results->reason,
			    sizeof(_metadata->results->reason));
	if (ret != KSFT_PASS && _metadata->exit_code != KSFT_FAIL)
		_metadata->exit_code = ret;
}

#endif /* VFIO_PCI_SELFTEST_FIXTURE_H */
