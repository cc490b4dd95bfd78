// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_irq_test: tests of the vfio-pci interrupt uAPI
 * (VFIO_DEVICE_GET_IRQ_INFO and VFIO_DEVICE_SET_IRQS). Every test runs
 * over the group + container path and over the cdev + iommufd path.
 *
 * Two QEMU devices can be made to interrupt on demand, and get tests of
 * real interrupts: "edu" (1234:11e8, INTx and one MSI vector, a DMA
 * engine) and "e1000e" (8086:10d3, MSI-X). Any other device, and each of
 * these where it is not the one a test was written for, is checked by
 * what it reports (GET_IRQ_INFO and its config space), not by its
 * identity: interrupts are then raised by loopback (SET_IRQS TRIGGER with
 * DATA_NONE or DATA_BOOL, which signals the eventfds from the kernel), and
 * a test is skipped, with the reason, only where the device lacks what it
 * needs (INTx on a VF, MSI, a second MSI-X vector, edu's DMA engine).
 * VFIO_IRQ_GENERIC=1 runs those checks on edu and e1000e too, in place of
 * their device-specific ones.
 *
 * The expectations are the base tree's own vfio-pci (the reference): each
 * errno and each piece of semantics pinned down here is what it does, and
 * the comment next to a check says which behaviour it is.
 *
 * This file holds the test table and picks, for the device found, which
 * check each test runs; vfio_pci_irq.h lists the files of the checks.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_pci_irq.h"
#include "vfio_fixture.h"

/* ---- device detection ---- */

enum dev_kind dev_kind;

/*
 * Set when vfio-pci runs with nointxmask: INTx then sits alone on its
 * line, masked at the interrupt controller, and every interrupt on the
 * line is signalled, since nothing tells the device's own from a
 * spurious one (the platform may retrigger a line as it moves it between
 * CPUs). VFIO users must tolerate spurious signals; in this mode a quiet
 * check allows one lone signal, unmasks the line it left masked, and the
 * same checks run strict without nointxmask.
 */
bool intx_exclusive;

/* vfio-pci's nointxmask parameter: Y when the module was loaded with it. */
static bool param_nointxmask(void)
{
	char c = 'N';
	int fd;

	fd = open("/sys/module/vfio_pci/parameters/nointxmask", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, &c, 1) != 1)
			c = 'N';
		close(fd);
	}
	return c == 'Y';
}

/* VFIO_IRQ_GENERIC=1: treat edu and e1000e as any other device */
static bool generic_only(void)
{
	const char *v = getenv("VFIO_IRQ_GENERIC");

	return v && !strcmp(v, "1");
}

static void probe_device(const char *bdf)
{
	unsigned long vendor = 0, device = 0;

	sysfs_read_ulong(bdf, "vendor", &vendor);
	sysfs_read_ulong(bdf, "device", &device);
	if (vendor == EDU_VENDOR && device == EDU_DEVICE)
		dev_kind = DEV_EDU;
	else if (vendor == E1000E_VENDOR && device == E1000E_DEVICE)
		dev_kind = DEV_E1000E;
	if (dev_kind != DEV_OTHER && generic_only()) {
		vfio_diag("VFIO_IRQ_GENERIC=1: no device-specific tests");
		dev_kind = DEV_OTHER;
	}
	vfio_diag("device %s: %04lx:%04lx%s, %s", bdf, vendor, device,
		  sysfs_exists(bdf, "physfn") ? " (SR-IOV VF)" : "",
		  dev_kind == DEV_EDU ? "QEMU edu" :
		  dev_kind == DEV_E1000E ? "QEMU e1000e" :
		  "checked by what it reports, interrupts by loopback");
	intx_exclusive = param_nointxmask();
	if (intx_exclusive)
		vfio_diag("vfio-pci has nointxmask: INTx exclusive, %s",
			  "masked at the interrupt controller");
}

/* Is the device edu? If not, skip the test: it needs edu's DMA engine. */
static bool need_edu(struct test_ctx *t)
{
	if (dev_kind == DEV_EDU)
		return true;
	t->skip = "needs QEMU edu (1234:11e8): its DMA engine";
	return false;
}

/*
 * What a check of an interrupt type needs from a device that is not the
 * one it raises interrupts on: the type's count in GET_IRQ_INFO. Each
 * returns true when the device has it, else skips the test saying why.
 */
static bool need_intx(struct test_ctx *t)
{
	__u32 pin = 0;

	if (irq_count_of(t->d, INTX) > 0)
		return true;
	vfio_cfg_read(t->d, PCI_INTERRUPT_PIN, 1, &pin);
	if (sysfs_exists(t->bdf, "physfn"))
		t->skip = "no INTx: an SR-IOV VF has none (GET_IRQ_INFO(INTx) count 0)";
	else if (!pin)
		t->skip = "no INTx: interrupt pin 0 (GET_IRQ_INFO(INTx) count 0)";
	else
		t->skip = "no INTx: GET_IRQ_INFO(INTx) count 0";
	return false;
}

static bool need_msi(struct test_ctx *t)
{
	if (irq_count_of(t->d, MSI) > 0)
		return true;
	t->skip = "no MSI capability (GET_IRQ_INFO(MSI) count 0)";
	return false;
}

/* MSI-X with at least @min vectors */
static bool need_msix(struct test_ctx *t, int min)
{
	static char reason[96];
	int n = irq_count_of(t->d, MSIX);

	if (n >= min)
		return true;
	if (!n) {
		t->skip = "no MSI-X capability (GET_IRQ_INFO(MSI-X) count 0)";
	} else {
		snprintf(reason, sizeof(reason),
			 "MSI-X has %d vector(s), the test needs %d", n, min);
		t->skip = reason;
	}
	return false;
}

/* ---- which check runs on which device ---- */

static void test_intx_trigger(struct test_ctx *t)
{
	if (dev_kind == DEV_EDU)
		edu_intx_trigger(t);
	else if (need_intx(t))
		intx_loopback_trigger(t);
}

static void test_intx_retrigger(struct test_ctx *t)
{
	if (dev_kind == DEV_EDU)
		edu_intx_retrigger(t);
	else if (need_intx(t))
		intx_loopback_retrigger(t);
}

static void test_intx_mask(struct test_ctx *t)
{
	if (dev_kind == DEV_EDU)
		edu_intx_mask(t);
	else if (need_intx(t))
		intx_loopback_mask(t);
}

static void test_intx_unmask_eventfd(struct test_ctx *t)
{
	if (dev_kind == DEV_EDU)
		edu_intx_unmask_eventfd(t);
	else if (need_intx(t))
		intx_loopback_unmask_eventfd(t);
}

static void test_intx_disable_bit(struct test_ctx *t)
{
	if (dev_kind == DEV_EDU)
		edu_intx_disable_bit(t);
	else if (need_intx(t))
		intx_loopback_disable_bit(t);
}

static void test_intx_loopback(struct test_ctx *t)
{
	if (need_intx(t))
		intx_loopback(t);
}

static void test_msi(struct test_ctx *t)
{
	if (dev_kind == DEV_EDU)
		edu_msi(t);
	else if (need_msi(t))
		vec_loopback(t, MSI);
}

static void test_msi_config_view(struct test_ctx *t)
{
	if (need_msi(t))
		msi_config_view(t);
}

static void test_msix_info(struct test_ctx *t)
{
	if (dev_kind == DEV_E1000E)
		e1000e_msix_info(t);
	else if (need_msix(t, 1))
		msix_info_any(t);
}

static void test_msix_config_view(struct test_ctx *t)
{
	if (need_msix(t, 1))
		msix_config_view(t);
}

static void test_msix_vectors(struct test_ctx *t)
{
	if (dev_kind == DEV_E1000E)
		e1000e_msix_vectors(t);
	else if (need_msix(t, 1))
		vec_loopback(t, MSIX);
}

static void test_msix_dynamic(struct test_ctx *t)
{
	if (dev_kind == DEV_E1000E)
		e1000e_msix_dynamic(t);
	else if (need_msix(t, 2))
		msix_dynamic_any(t);
}

static void test_msix_d3hot(struct test_ctx *t)
{
	if (need_msix(t, 1))
		msix_d3hot_any(t);
}

static void test_bad_set_irqs(struct test_ctx *t)
{
	if (dev_kind == DEV_EDU)
		edu_bad_set_irqs(t);
	else
		bad_set_irqs_any(t);
}

static void test_dma(struct test_ctx *t)
{
	if (need_edu(t))
		edu_dma_copy(t);
}

static void test_stress(struct test_ctx *t)
{
	if (dev_kind == DEV_EDU)
		edu_stress(t);
	else
		stress_any(t);
}

static void test_ioeventfd(struct test_ctx *t)
{
	if (dev_kind == DEV_EDU)
		edu_ioeventfd(t);
	else if (dev_kind == DEV_E1000E)
		e1000e_ioeventfd(t);
	else
		ioeventfd_any(t);
}

/*
 * Each test, then the settlement of its quiet checks: one whose eventfd
 * never showed it could be signalled fails the test.
 */
#define SETTLED(fn)					\
static void fn##_settled(struct test_ctx *t)		\
{							\
	fn(t);						\
	quiet_settle(t);				\
}

SETTLED(test_irq_info)
SETTLED(test_intx_trigger)
SETTLED(test_intx_retrigger)
SETTLED(test_intx_mask)
SETTLED(test_intx_unmask_eventfd)
SETTLED(test_intx_disable_bit)
SETTLED(test_intx_loopback)
SETTLED(test_msi)
SETTLED(test_msi_config_view)
SETTLED(test_msix_info)
SETTLED(test_msix_config_view)
SETTLED(test_msix_vectors)
SETTLED(test_msix_dynamic)
SETTLED(test_msix_d3hot)
SETTLED(test_err_req)
SETTLED(test_bad_set_irqs)
SETTLED(test_dma)
SETTLED(test_stress)
SETTLED(intx_reset_race)
SETTLED(test_ioeventfd)
SETTLED(test_unbind_request)

TEST_F_TIMEOUT(vfio_dev, irq_info, VFIO_TEST_TIMEOUT)
{
	test_irq_info_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, intx_trigger, VFIO_TEST_TIMEOUT)
{
	test_intx_trigger_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, intx_retrigger, VFIO_TEST_TIMEOUT)
{
	test_intx_retrigger_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, intx_mask, VFIO_TEST_TIMEOUT)
{
	test_intx_mask_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, intx_unmask_eventfd, VFIO_TEST_TIMEOUT)
{
	test_intx_unmask_eventfd_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, intx_disable_bit, VFIO_TEST_TIMEOUT)
{
	test_intx_disable_bit_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, intx_loopback, VFIO_TEST_TIMEOUT)
{
	test_intx_loopback_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, msi, VFIO_TEST_TIMEOUT)
{
	test_msi_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, msi_config_view, VFIO_TEST_TIMEOUT)
{
	test_msi_config_view_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, msix_info, VFIO_TEST_TIMEOUT)
{
	test_msix_info_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, msix_config_view, VFIO_TEST_TIMEOUT)
{
	test_msix_config_view_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, msix_vectors, VFIO_TEST_TIMEOUT)
{
	test_msix_vectors_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, msix_dynamic, VFIO_TEST_TIMEOUT)
{
	test_msix_dynamic_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, msix_d3hot, VFIO_TEST_TIMEOUT)
{
	test_msix_d3hot_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, err_req, VFIO_TEST_TIMEOUT)
{
	test_err_req_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, bad_set_irqs, VFIO_TEST_TIMEOUT)
{
	test_bad_set_irqs_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, dma, VFIO_TEST_TIMEOUT)
{
	test_dma_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, stress, VFIO_TEST_TIMEOUT)
{
	test_stress_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, intx_reset_race, VFIO_TEST_TIMEOUT)
{
	intx_reset_race_settled(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, ioeventfd, VFIO_TEST_TIMEOUT)
{
	test_ioeventfd_settled(&self->t);
}

/* last: it unbinds and rebinds the device */
TEST_F_TIMEOUT(vfio_own, unbind_request, VFIO_TEST_TIMEOUT)
{
	test_unbind_request_settled(&self->t);
}

int main(int argc, char **argv)
{
	const char *bdf = vfio_test_init(argc, argv);

	if (bdf)
		probe_device(bdf);
	return test_harness_run(argc, argv);
}
