/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of vfio_pci_irq_test share:
 *
 *   vfio_pci_irq_test.c       main, the test table, device detection and
 *                             which check runs on which device
 *   vfio_pci_irq_util.c       eventfds, SET_IRQS calls, config space,
 *                             loopback: the helpers all of them use
 *   vfio_pci_irq_generic.c    the checks for any device
 *   vfio_pci_irq_devices.c    the tests of edu and e1000e
 *   vfio_pci_irq_sweep.c      bad_set_irqs, the validation sweep
 *   vfio_pci_irq_stress.c     stress
 *   vfio_pci_irq_ioeventfd.c  ioeventfd
 */
#ifndef VFIO_PCI_SELFTEST_IRQ_H
#define VFIO_PCI_SELFTEST_IRQ_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "qemu_devices.h"
#include "vfio_test.h"

/*
 * how long an interrupt may take to arrive, and the shortest wait for
 * none (quiet_window_ms() widens it on a slow machine)
 */
#define FIRE_MS			5000
#define QUIET_MS		250

#define INTX			VFIO_PCI_INTX_IRQ_INDEX
#define MSI			VFIO_PCI_MSI_IRQ_INDEX
#define MSIX			VFIO_PCI_MSIX_IRQ_INDEX
#define ERR			VFIO_PCI_ERR_IRQ_INDEX
#define REQ			VFIO_PCI_REQ_IRQ_INDEX

#define TRIGGER			VFIO_IRQ_SET_ACTION_TRIGGER
#define MASK			VFIO_IRQ_SET_ACTION_MASK
#define UNMASK			VFIO_IRQ_SET_ACTION_UNMASK
#define DATA_NONE		VFIO_IRQ_SET_DATA_NONE
#define DATA_BOOL		VFIO_IRQ_SET_DATA_BOOL
#define DATA_EVENTFD		VFIO_IRQ_SET_DATA_EVENTFD

/* data entries of one SET_IRQS call, and the vectors a test enables */
#define IRQ_SET_MAX		32

/* the device under test, set by the probe before the first test */
enum dev_kind { DEV_OTHER, DEV_EDU, DEV_E1000E };
extern enum dev_kind dev_kind;
/* vfio-pci has nointxmask: see vfio_pci_irq_test.c */
extern bool intx_exclusive;

/* VFIO_DEVICE_SET_IRQS argument with room for a few data entries */
struct irq_arg {
	struct vfio_irq_set hdr;
	union {
		__s32 fds[IRQ_SET_MAX];
		__u8 bools[IRQ_SET_MAX];
	};
};

static_assert(offsetof(struct irq_arg, fds) == sizeof(struct vfio_irq_set),
	      "SET_IRQS data must follow the header");

/* vfio_pci_irq_util.c: eventfds */
int efd_open(struct test_ctx *t);
void fd_close(int *fd);
void efd_drain(int fd);
bool efd_kick(int fd);
long efd_wait(struct test_ctx *t, int fd, int ms);
bool expect_fire_at(struct test_ctx *t, int fd, const char *what, int line);
bool expect_quiet_at(struct test_ctx *t, int fd, const char *what, int line);
#define expect_fire(t, fd, what)	expect_fire_at(t, fd, what, __LINE__)
#define expect_quiet(t, fd, what)	expect_quiet_at(t, fd, what, __LINE__)
/* quiet checks need a positive control: see vfio_pci_irq_util.c */
long now_us(void);
long quiet_window_ms(long ctl_us);
void quiet_settle_fd(int fd);
void quiet_settle(struct test_ctx *t);
void fds_open(struct test_ctx *t, int *fds, int n);
void fds_close(int *fds, int n);

/* vfio_pci_irq_util.c: VFIO_DEVICE_SET_IRQS, 0 or -errno but irq_ioctl() */
void irq_arg_init(struct irq_arg *a, __u32 index, __u32 flags, __u32 start,
		  __u32 count);
int irq_ioctl(struct vfio_dev *d, struct irq_arg *a);
int irq_set_fds(struct vfio_dev *d, __u32 index, __u32 action, __u32 start,
		__u32 count, const int *fds);
int irq_set_fd(struct vfio_dev *d, __u32 index, __u32 action, int fd);
int irq_none(struct vfio_dev *d, __u32 index, __u32 action, __u32 start,
	     __u32 count);
int irq_bools(struct vfio_dev *d, __u32 index, __u32 action, __u32 start,
	      __u32 count, const __u8 *vals);
int irq_bool(struct vfio_dev *d, __u32 index, __u32 action, __u8 val);
int irq_disable(struct vfio_dev *d, __u32 index);
bool set_ok_at(struct test_ctx *t, int ret, const char *what, int line);
bool set_fails_at(struct test_ctx *t, int ret, int want, const char *what,
		  int line);
#define set_ok(t, ret, what)		set_ok_at(t, ret, what, __LINE__)
#define set_fails(t, ret, want, what)	\
	set_fails_at(t, ret, want, what, __LINE__)

/* vfio_pci_irq_util.c: GET_IRQ_INFO, config space and BAR0 */
int irq_count_of(struct vfio_dev *d, __u32 index);
int irq_count(struct test_ctx *t, __u32 index, __u32 *flags);
const char *index_name(__u32 index);
int cmd_update(struct test_ctx *t, __u16 set, __u16 clear);
bool cmd_has(struct test_ctx *t, __u16 bit);
__u16 phys_cfg16(struct test_ctx *t, unsigned int off);
int bar0_write(struct test_ctx *t, __u64 off, __u32 val);
__u32 bar0_read(struct test_ctx *t, __u64 off);
void irq_fresh(struct test_ctx *t);

/* vfio_pci_irq_util.c: vectors, loopback, INTx and MSI on */
int vec_count(struct test_ctx *t, __u32 index);
int vec_cap(struct test_ctx *t, __u32 index);
bool dev_vec_on(struct test_ctx *t, __u32 index, int pos);
bool vec_on(struct test_ctx *t, __u32 index, const int *fds, int n);
unsigned int msix_others(const int *fds, int n, int vec);
void loop_vector(struct test_ctx *t, __u32 index, const int *fds, int n,
		 int vec);
bool intx_on(struct test_ctx *t, int fd);
void intx_info_check(struct test_ctx *t);
int intx_fresh_on(struct test_ctx *t);
bool intx_fresh_unmask_on(struct test_ctx *t, int *efd, int *ufd);
void intx_masked_where(struct test_ctx *t);
void intx_disable_set(struct test_ctx *t);
long intx_unmasked_at(struct test_ctx *t, int efd, int ms, const char *what,
		      int line);
#define intx_unmasked(t, efd, ms, what)	\
	intx_unmasked_at(t, efd, ms, what, __LINE__)
bool msi_on(struct test_ctx *t, int fd);

/* vfio_pci_irq_generic.c: tests for any device */
void test_irq_info(struct test_ctx *t);
void test_err_req(struct test_ctx *t);
void test_unbind_request(struct test_ctx *t);
/* ... and checks for a device that has what they need */
void intx_loopback_trigger(struct test_ctx *t);
void intx_loopback_retrigger(struct test_ctx *t);
void intx_loopback_mask(struct test_ctx *t);
void intx_loopback_unmask_eventfd(struct test_ctx *t);
void intx_loopback_disable_bit(struct test_ctx *t);
void intx_loopback(struct test_ctx *t);
void vec_loopback(struct test_ctx *t, __u32 index);
void msi_config_view(struct test_ctx *t);
void msix_info_any(struct test_ctx *t);
void msix_config_view(struct test_ctx *t);
void msix_dynamic_any(struct test_ctx *t);
void msix_d3hot_any(struct test_ctx *t);

/* vfio_pci_irq_devices.c: edu and e1000e */
void edu_ack(struct test_ctx *t, __u32 val);
void e1000e_quiesce(struct test_ctx *t);
void intx_cycle(struct test_ctx *t, int fd, __u32 val, const char *what);
void msi_cycle(struct test_ctx *t, int fd, int other, __u32 val,
	       const char *what);
void edu_intx_trigger(struct test_ctx *t);
void edu_intx_retrigger(struct test_ctx *t);
void edu_intx_mask(struct test_ctx *t);
void edu_intx_unmask_eventfd(struct test_ctx *t);
void edu_intx_disable_bit(struct test_ctx *t);
void edu_msi(struct test_ctx *t);
void e1000e_msix_info(struct test_ctx *t);
void e1000e_msix_vectors(struct test_ctx *t);
void e1000e_msix_dynamic(struct test_ctx *t);
void edu_dma_copy(struct test_ctx *t);

/* vfio_pci_irq_sweep.c, vfio_pci_irq_stress.c, vfio_pci_irq_ioeventfd.c */
void edu_bad_set_irqs(struct test_ctx *t);
void bad_set_irqs_any(struct test_ctx *t);
void edu_stress(struct test_ctx *t);
void stress_any(struct test_ctx *t);
void intx_reset_race(struct test_ctx *t);
void edu_ioeventfd(struct test_ctx *t);
void e1000e_ioeventfd(struct test_ctx *t);
void ioeventfd_any(struct test_ctx *t);

#endif /* VFIO_PCI_SELFTEST_IRQ_H */
