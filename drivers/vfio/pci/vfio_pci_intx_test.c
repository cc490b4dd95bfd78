// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vfio_pci_intx suite of the vfio_pci_config_test module: the rule
 * that decides whether a function offers INTx.
 */

#include <kunit/test.h>

#include "vfio_pci_private.h"

/*
 * INTx routing: a function offers INTx (GET_IRQ_INFO count 1, SET_IRQS
 * accepted) only with a pin the platform connected to a line.
 */
static void intx_route(struct kunit *test)
{
	static const struct {
		u8 pin;
		unsigned int irq;
		bool offered;
	} rows[] = {
		{ 0, 11, false },
		{ 1, 0, false },
		{ 1, IRQ_NOTCONNECTED, false },
		{ 1, 11, true },
	};
	struct pci_dev *pdev;
	unsigned int i;

	pdev = kunit_kzalloc(test, sizeof(*pdev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		pdev->pin = rows[i].pin;
		pdev->irq = rows[i].irq;
		KUNIT_EXPECT_EQ_MSG(test, rows[i].offered,
				    vfio_pci_has_intx(pdev),
				    "pin %u irq 0x%x", rows[i].pin,
				    rows[i].irq);
	}
}

static struct kunit_case vfio_pci_intx_cases[] = {
	KUNIT_CASE(intx_route),
	{}
};

static struct kunit_suite vfio_pci_intx_suite = {
	.name = "vfio_pci_intx",
	.test_cases = vfio_pci_intx_cases,
};

kunit_test_suite(vfio_pci_intx_suite);
