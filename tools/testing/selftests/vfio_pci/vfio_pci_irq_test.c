// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_irq_test BDF: KTAP tests of the vfio-pci interrupt uAPI
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
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_dma_util.h"
#include "vfio_test.h"

/* QEMU edu (docs/specs/edu.rst), BAR0, 32-bit registers */
#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_RAISE	0x60
#define EDU_REG_IRQ_ACK		0x64
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_DMA_START		0x1
#define EDU_DMA_TO_RAM		0x2
#define EDU_DMA_IRQ		0x4
#define EDU_DMA_IRQ_VALUE	0x100	/* status bit a finished DMA raises */
#define EDU_DMA_BUF		0x40000	/* device address of its buffer */
#define EDU_DMA_BUF_SIZE	4096
/*
 * QEMU 7.2's edu refuses (with a fatal hardware error) a transfer that
 * ends exactly at the end of its buffer: copy one byte less.
 */
#define EDU_DMA_XFER		(EDU_DMA_BUF_SIZE - 1)

/* QEMU e1000e (Intel 82574), BAR0 */
#define E1000E_VENDOR		0x8086
#define E1000E_DEVICE		0x10d3
#define E1000E_REG_ICR		0xc0	/* cause read, write 1 to clear */
#define E1000E_REG_ICS		0xc8	/* cause set */
#define E1000E_REG_IMS		0xd0	/* mask set (enable) */
#define E1000E_REG_IMC		0xd8	/* mask clear */
#define E1000E_REG_IVAR		0xe4	/* cause to MSI-X vector map */
#define E1000E_REG_PBACLR	0x5b68	/* MSI-X pending bits, 1 clears */
/*
 * IVAR has five 4-bit entries, RxQ0, RxQ1, TxQ0, TxQ1 and Other, from bit
 * 0 up: a vector number in bits 0-2 and a valid bit. Their causes are ICR
 * bits 20 to 24, in the same order.
 */
#define E1000E_IVAR_VALID	0x8
#define E1000E_NR_CAUSES	5
#define E1000E_CAUSE(n)		(1u << (20 + (n)))

/* how long an interrupt may take to arrive, and how long to wait for none */
#define FIRE_MS			5000
#define QUIET_MS		250
#define STRESS_SECONDS		5
#define STRESS_WATCHDOG		120

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

/* the DMA test's buffers: source page, then destination page */
#define DMA_IOVA		0x10000000ull
#define DMA_LEN			(2 * EDU_DMA_BUF_SIZE)

enum dev_kind { DEV_OTHER, DEV_EDU, DEV_E1000E };
static enum dev_kind dev_kind;

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

/* ---- device detection ---- */

/*
 * Set when vfio-pci runs with nointxmask: INTx then sits alone on its
 * line, masked at the interrupt controller, and every interrupt on the
 * line is signalled, since nothing tells the device's own from a
 * spurious one (the platform may retrigger a line as it moves it between
 * CPUs). VFIO users must tolerate spurious signals; in this mode a quiet
 * check allows one lone signal, and the same checks run strict without
 * nointxmask.
 */
static bool intx_exclusive;

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
		ktap_diag("VFIO_IRQ_GENERIC=1: no device-specific tests");
		dev_kind = DEV_OTHER;
	}
	ktap_diag("device %s: %04lx:%04lx%s, %s", bdf, vendor, device,
		  sysfs_exists(bdf, "physfn") ? " (SR-IOV VF)" : "",
		  dev_kind == DEV_EDU ? "QEMU edu" :
		  dev_kind == DEV_E1000E ? "QEMU e1000e" :
		  "checked by what it reports, interrupts by loopback");
	intx_exclusive = param_nointxmask();
	if (intx_exclusive)
		ktap_diag("vfio-pci has nointxmask: INTx exclusive, %s",
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
 * What a test of an interrupt type needs from a device that is not the
 * one it raises interrupts on: the type's count in GET_IRQ_INFO. Each
 * returns true when the device has it, else skips the test saying why.
 */
static int irq_count_of(struct vfio_dev *d, __u32 index)
{
	struct vfio_irq_info ii;

	return vfio_irq_info(d, index, &ii) ? 0 : (int)ii.count;
}

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

/* ---- eventfds ---- */

static int efd_open(struct test_ctx *t)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	check(t, fd >= 0, "eventfd: %s", strerror(errno));
	return fd;
}

static void fd_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void efd_drain(int fd)
{
	__u64 v;

	if (fd >= 0 && read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		perror("eventfd read");
}

static bool efd_kick(int fd)
{
	__u64 one = 1;

	return write(fd, &one, sizeof(one)) == sizeof(one);
}

/*
 * @fd must be signalled within FIRE_MS; @what says after which step and
 * @line where. Use expect_fire().
 */
static bool expect_fire_at(struct test_ctx *t, int fd, const char *what,
			   int line)
{
	long n = vfio_efd_wait(fd, FIRE_MS);

	return check(t, n > 0, "line %d: %s: eventfd %s", line, what,
		     n == 0 ? "not signalled within 5 s" : strerror(-n));
}

/* @fd must stay quiet for QUIET_MS. Use expect_quiet(). */
static bool expect_quiet_at(struct test_ctx *t, int fd, const char *what,
			    int line)
{
	long n = vfio_efd_wait(fd, QUIET_MS);

	if (n > 0 && intx_exclusive) {
		n = vfio_efd_wait(fd, QUIET_MS);
		if (!n)
			ktap_diag("%s: line %d: %s: one spurious signal (nointxmask)",
				  t->name, line, what);
	}
	return check(t, n == 0, "line %d: %s: eventfd %s", line, what,
		     n > 0 ? "signalled, expected nothing" : strerror(-n));
}

#define expect_fire(t, fd, what)	expect_fire_at(t, fd, what, __LINE__)
#define expect_quiet(t, fd, what)	expect_quiet_at(t, fd, what, __LINE__)

/* ---- VFIO_DEVICE_SET_IRQS ---- */

static size_t data_size(__u32 flags)
{
	if (flags & DATA_EVENTFD)
		return sizeof(__s32);
	if (flags & DATA_BOOL)
		return sizeof(__u8);
	return 0;
}

/* Fill @a for @count entries of the data type in @flags; data zeroed. */
static void irq_arg_init(struct irq_arg *a, __u32 index, __u32 flags,
			 __u32 start, __u32 count)
{
	memset(a, 0, sizeof(*a));
	a->hdr.argsz = sizeof(a->hdr);
	if (count <= IRQ_SET_MAX)
		a->hdr.argsz += count * data_size(flags);
	a->hdr.flags = flags;
	a->hdr.index = index;
	a->hdr.start = start;
	a->hdr.count = count;
}

/* The raw ioctl: its return value, errno set on failure. */
static int irq_ioctl(struct vfio_dev *d, struct irq_arg *a)
{
	return ioctl(d->device_fd, VFIO_DEVICE_SET_IRQS, a);
}

static int irq_call(struct vfio_dev *d, struct irq_arg *a)
{
	return irq_ioctl(d, a) ? -errno : 0;
}

/* @action with @count eventfds @fds from vector @start: 0 or -errno */
static int irq_set_fds(struct vfio_dev *d, __u32 index, __u32 action,
		       __u32 start, __u32 count, const int *fds)
{
	struct irq_arg a;
	__u32 i;

	irq_arg_init(&a, index, action | DATA_EVENTFD, start, count);
	for (i = 0; i < count && i < IRQ_SET_MAX; i++)
		a.fds[i] = fds[i];
	return irq_call(d, &a);
}

static int irq_set_fd(struct vfio_dev *d, __u32 index, __u32 action, int fd)
{
	return irq_set_fds(d, index, action, 0, 1, &fd);
}

/* @action without data (DATA_NONE) on @count vectors from @start */
static int irq_none(struct vfio_dev *d, __u32 index, __u32 action,
		    __u32 start, __u32 count)
{
	struct irq_arg a;

	irq_arg_init(&a, index, action | DATA_NONE, start, count);
	return irq_call(d, &a);
}

/* @action with one DATA_BOOL per vector from @start */
static int irq_bools(struct vfio_dev *d, __u32 index, __u32 action,
		     __u32 start, __u32 count, const __u8 *vals)
{
	struct irq_arg a;

	irq_arg_init(&a, index, action | DATA_BOOL, start, count);
	memcpy(a.bools, vals, count);
	return irq_call(d, &a);
}

static int irq_bool(struct vfio_dev *d, __u32 index, __u32 action, __u8 val)
{
	return irq_bools(d, index, action, 0, 1, &val);
}

/* TRIGGER, DATA_NONE, count 0: turn the index off */
static int irq_disable(struct vfio_dev *d, __u32 index)
{
	return irq_none(d, index, TRIGGER, 0, 0);
}

/* ---- config space ---- */

static int cmd_update(struct test_ctx *t, __u16 set, __u16 clear)
{
	__u32 cmd;
	int ret;

	ret = vfio_cfg_read(t->d, PCI_COMMAND, 2, &cmd);
	if (!ret)
		ret = vfio_cfg_write(t->d, PCI_COMMAND, 2,
				     (cmd & ~clear) | set);
	check_ok(t, ret, "command register update (set 0x%x clear 0x%x)",
		 set, clear);
	return ret;
}

static bool cmd_has(struct test_ctx *t, __u16 bit)
{
	__u32 cmd = 0;

	check_ok(t, vfio_cfg_read(t->d, PCI_COMMAND, 2, &cmd),
		 "command register read");
	return cmd & bit;
}

/* The device's own config word at @off (sysfs: the physical device). */
static __u16 phys_cfg16(struct test_ctx *t, unsigned int off)
{
	__u8 b[2] = { 0, 0 };

	check(t, sysfs_read(t->bdf, "config", b, 2, off) == 2,
	      "sysfs config read at 0x%x", off);
	return b[0] | b[1] << 8;
}

/* ---- devices ---- */

static int bar0_write(struct test_ctx *t, __u64 off, __u32 val)
{
	int ret = vfio_bar_write32(t->d, 0, off, val);

	check_ok(t, ret, "BAR0 write of 0x%x at 0x%llx", val,
		 (unsigned long long)off);
	return ret;
}

static __u32 bar0_read(struct test_ctx *t, __u64 off)
{
	__u32 val = 0;

	check_ok(t, vfio_bar_read32(t->d, 0, off, &val),
		 "BAR0 read at 0x%llx", (unsigned long long)off);
	return val;
}

static void edu_raise(struct test_ctx *t, __u32 val)
{
	bar0_write(t, EDU_REG_IRQ_RAISE, val);
}

static void edu_ack(struct test_ctx *t, __u32 val)
{
	bar0_write(t, EDU_REG_IRQ_ACK, val);
}

/* Map each e1000e cause to the vector of its number, all enabled. */
static void e1000e_setup(struct test_ctx *t)
{
	__u32 ivar = 0, causes = 0;
	int n;

	for (n = 0; n < E1000E_NR_CAUSES; n++) {
		ivar |= (E1000E_IVAR_VALID | n) << (4 * n);
		causes |= E1000E_CAUSE(n);
	}
	bar0_write(t, E1000E_REG_IMC, ~0u);
	bar0_write(t, E1000E_REG_ICR, ~0u);
	bar0_write(t, E1000E_REG_IVAR, ivar);
	bar0_write(t, E1000E_REG_IMS, causes);
}

/*
 * Make e1000e send MSI-X vector @vec. Every cause left in ICR is sent
 * again with a new one, so all are cleared first.
 */
static void e1000e_raise(struct test_ctx *t, int vec)
{
	bar0_write(t, E1000E_REG_ICR, ~0u);
	bar0_write(t, E1000E_REG_ICS, E1000E_CAUSE(vec));
}

/*
 * A vector raised while masked (no trigger, or never enabled) is left
 * pending in the device and sent when the kernel unmasks it next: clear
 * the pending bits (only possible while MSI-X is on).
 */
static void e1000e_clear_pending(struct test_ctx *t)
{
	bar0_write(t, E1000E_REG_PBACLR, (1u << E1000E_NR_CAUSES) - 1);
}

static void e1000e_quiesce(struct test_ctx *t)
{
	bar0_write(t, E1000E_REG_IMC, ~0u);
	bar0_write(t, E1000E_REG_ICR, ~0u);
	e1000e_clear_pending(t);
}

/*
 * Start from a known state: every index off (the calls fail harmlessly
 * when it already is), INTx-disable clear, nothing pending on the device.
 */
static void irq_fresh(struct test_ctx *t)
{
	if (dev_kind == DEV_E1000E) {
		e1000e_quiesce(t);
		irq_disable(t->d, ERR);
	}
	irq_disable(t->d, INTX);
	irq_disable(t->d, MSI);
	irq_disable(t->d, MSIX);
	irq_disable(t->d, REQ);
	cmd_update(t, 0, PCI_COMMAND_INTX_DISABLE);
	if (dev_kind == DEV_EDU)
		edu_ack(t, ~0u);
}

static int irq_count(struct test_ctx *t, __u32 index, __u32 *flags)
{
	struct vfio_irq_info ii;

	if (check_ok(t, vfio_irq_info(t->d, index, &ii),
		     "VFIO_DEVICE_GET_IRQ_INFO(%u)", index))
		return -1;
	if (flags)
		*flags = ii.flags;
	return (int)ii.count;
}

/* A SET_IRQS helper result @ret must be 0. Use set_ok(). */
static bool set_ok_at(struct test_ctx *t, int ret, const char *what,
		      int line)
{
	return check_ok(t, ret, "line %d: SET_IRQS %s", line, what);
}

/* A helper result @ret (0 or -errno) must be -@want. Use set_fails(). */
static bool set_fails_at(struct test_ctx *t, int ret, int want,
			 const char *what, int line)
{
	return check_errno(t, ret ? -1 : 0, -ret, want, "line %d: %s", line,
			   what);
}

#define set_ok(t, ret, what)		set_ok_at(t, ret, what, __LINE__)
#define set_fails(t, ret, want, what)	\
	set_fails_at(t, ret, want, what, __LINE__)

/* ---- loopback (any device) ---- */

static const char *index_name(__u32 index)
{
	static const char *const names[] = {
		"INTx", "MSI", "MSI-X", "ERR", "REQ",
	};

	return index < ARRAY_SIZE(names) ? names[index] : "unknown index";
}

static void fds_open(struct test_ctx *t, int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fds[i] = efd_open(t);
}

static void fds_close(int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fd_close(&fds[i]);
}

/* The vectors other than @vec whose eventfds were signalled, as a mask. */
static unsigned int msix_others(const int *fds, int n, int vec)
{
	unsigned int mask = 0;
	int i;

	for (i = 0; i < n; i++)
		if (i != vec && fds[i] >= 0 && vfio_efd_wait(fds[i], 0) > 0)
			mask |= 1u << i;
	return mask;
}

/*
 * One loopback of vector @vec of @index, whose @n vectors signal @fds:
 * DATA_NONE on @vec alone, or with @as_bool DATA_BOOL on all @n, true for
 * @vec only. Returns what @vec's eventfd counted (-1 when the call
 * failed) and sets *@others to the other vectors signalled.
 */
static long loop_round(struct test_ctx *t, __u32 index, const int *fds,
		       int n, int vec, bool as_bool, unsigned int *others)
{
	__u8 vals[IRQ_SET_MAX] = { 0 };
	long got;
	int ret;

	*others = 0;
	if (as_bool) {
		vals[vec] = 1;
		ret = irq_bools(t->d, index, TRIGGER, 0, n, vals);
	} else {
		ret = irq_none(t->d, index, TRIGGER, vec, 1);
	}
	if (check_ok(t, ret, "%s vector %d: loopback with %s",
		     index_name(index), vec,
		     as_bool ? "DATA_BOOL" : "DATA_NONE"))
		return -1;
	got = vfio_efd_wait(fds[vec], FIRE_MS);
	*others = msix_others(fds, n, vec);
	return got;
}

/*
 * Loopback of vector @vec, the DATA_BOOL way or the DATA_NONE way: it
 * must signal @vec's eventfd once and no other. As with real interrupts
 * (see msix_cycle()), one spurious signal is tolerated: a round that is
 * off is repeated, and the check fails only when the repeat is off too.
 */
static void loop_once(struct test_ctx *t, __u32 index, const int *fds,
		      int n, int vec, bool as_bool)
{
	const char *how = as_bool ? "DATA_BOOL" : "DATA_NONE";
	unsigned int others;
	long got;

	got = loop_round(t, index, fds, n, vec, as_bool, &others);
	if (got < 0 || (got == 1 && !others))
		return;
	ktap_diag("%s: %s vector %d, %s loopback: counted %ld, other vectors 0x%x; once more",
		  t->name, index_name(index), vec, how, got, others);
	got = loop_round(t, index, fds, n, vec, as_bool, &others);
	check(t, got < 0 || (got == 1 && !others),
	      "%s vector %d, %s loopback: its eventfd counted %ld (expected 1), other vectors signalled: 0x%x",
	      index_name(index), vec, how, got, others);
}

/* Loopback of vector @vec with DATA_NONE, then with DATA_BOOL. */
static void loop_vector(struct test_ctx *t, __u32 index, const int *fds,
			int n, int vec)
{
	loop_once(t, index, fds, n, vec, false);
	loop_once(t, index, fds, n, vec, true);
}

/* The vectors of @index a test enables: all of them, up to IRQ_SET_MAX. */
static int vec_count(struct test_ctx *t, __u32 index)
{
	int n = irq_count(t, index, NULL);

	return n > IRQ_SET_MAX ? IRQ_SET_MAX : n;
}

/* Where the capability of @index, MSI or MSI-X, is in config space. */
static int vec_cap(struct test_ctx *t, __u32 index)
{
	int pos = vfio_cfg_find_cap(t->d, index == MSI ? PCI_CAP_ID_MSI :
						      PCI_CAP_ID_MSIX);

	check(t, pos > 0, "GET_IRQ_INFO reports %s, config space has no %s capability (%d)",
	      index_name(index), index_name(index), pos);
	return pos;
}

/* Is @index (MSI or MSI-X) on in the device itself? */
static bool dev_vec_on(struct test_ctx *t, __u32 index, int pos)
{
	/* PCI_MSI_FLAGS and PCI_MSIX_FLAGS are both at 2 */
	__u16 flags = phys_cfg16(t, pos + PCI_MSI_FLAGS);

	return flags & (index == MSI ? PCI_MSI_FLAGS_ENABLE :
				       PCI_MSIX_FLAGS_ENABLE);
}

/* Bus master on, and vectors 0 to @n - 1 of @index on with @fds. */
static bool vec_on(struct test_ctx *t, __u32 index, const int *fds, int n)
{
	if (cmd_update(t, PCI_COMMAND_MASTER, 0))
		return false;
	return !check_ok(t, irq_set_fds(t->d, index, TRIGGER, 0, n, fds),
			 "SET_IRQS %s enable with %d eventfds",
			 index_name(index), n);
}

/*
 * One of INTx, MSI and MSI-X at a time: with @index on, enabling any
 * other the device has is EINVAL.
 */
static void others_refused(struct test_ctx *t, __u32 index, int fd)
{
	char what[64];
	__u32 other;

	for (other = INTX; other <= MSIX; other++) {
		if (other == index || irq_count_of(t->d, other) <= 0)
			continue;
		snprintf(what, sizeof(what), "%s enable while %s is on",
			 index_name(other), index_name(index));
		set_fails(t, irq_set_fd(t->d, other, TRIGGER, fd), EINVAL,
			  what);
	}
}

/*
 * MSI or MSI-X (@index) by loopback, for a device that has it but cannot
 * be made to interrupt: every vector on with an eventfd of its own (up to
 * IRQ_SET_MAX), each vector's loopback signalling its eventfd and no
 * other, the device's enable bit following SET_IRQS, one vector's
 * trigger removed (fd -1) and replaced while the others keep theirs, the
 * other types refused meanwhile, then off (count 0) and on again.
 */
static void vec_loopback(struct test_ctx *t, __u32 index)
{
	const char *name = index_name(index);
	int fds[IRQ_SET_MAX], nones[IRQ_SET_MAX], x = -1, none = -1;
	const __u8 zeros[IRQ_SET_MAX] = { 0 };
	int n, pos, i, last;
	unsigned int seen;
	long got;

	n = vec_count(t, index);
	pos = vec_cap(t, index);
	if (n <= 0 || pos <= 0)
		return;
	irq_fresh(t);
	check(t, !dev_vec_on(t, index, pos), "%s on in the device before SET_IRQS",
	      name);
	fds_open(t, fds, n);
	x = efd_open(t);
	if (t->fails || !vec_on(t, index, fds, n))
		goto out;
	check(t, dev_vec_on(t, index, pos),
	      "the device's %s enable is clear after SET_IRQS enabled %d vector(s)",
	      name, n);
	for (i = 0; i < n; i++)
		loop_vector(t, index, fds, n, i);

	/* all at once, each once; all false, none */
	set_ok(t, irq_none(t->d, index, TRIGGER, 0, n), "loopback of all");
	for (i = 0; i < n; i++) {
		got = vfio_efd_wait(fds[i], FIRE_MS);
		check(t, got >= 1, "vector %d of %d not signalled by a loopback of all: %ld",
		      i, n, got);
	}
	set_ok(t, irq_bools(t->d, index, TRIGGER, 0, n, zeros),
	       "loopback, DATA_BOOL all false");
	seen = msix_others(fds, n, -1);
	check(t, !seen, "DATA_BOOL all false signalled vectors 0x%x", seen);

	/* the last vector's trigger removed, then replaced */
	last = n - 1;
	set_ok(t, irq_set_fds(t->d, index, TRIGGER, last, 1, &none),
	       "last vector's trigger fd -1");
	set_ok(t, irq_none(t->d, index, TRIGGER, 0, n),
	       "loopback of all, the last without a trigger");
	for (i = 0; i < last; i++)
		expect_fire(t, fds[i], "loopback of a vector that kept its trigger");
	expect_quiet(t, fds[last], "loopback of the vector set to fd -1");
	check(t, dev_vec_on(t, index, pos),
	      "the device's %s enable went off with one vector's trigger", name);
	set_ok(t, irq_set_fds(t->d, index, TRIGGER, last, 1, &x),
	       "last vector's new trigger");
	set_ok(t, irq_none(t->d, index, TRIGGER, last, 1),
	       "loopback of the last vector");
	expect_fire(t, x, "loopback of the vector with its new trigger");
	expect_quiet(t, fds[last], "the vector's old trigger");
	set_ok(t, irq_set_fds(t->d, index, TRIGGER, last, 1, &fds[last]),
	       "last vector's first trigger again");

	others_refused(t, index, x);
	loop_vector(t, index, fds, n, 0);

	/* off, and on again */
	set_ok(t, irq_disable(t->d, index), "disable (DATA_NONE count 0)");
	check(t, !dev_vec_on(t, index, pos),
	      "the device's %s enable is set after SET_IRQS disabled it", name);
	set_fails(t, irq_disable(t->d, index), EINVAL, "disable while off");
	set_fails(t, irq_none(t->d, index, TRIGGER, 0, 1), EINVAL,
		  "loopback while off");
	seen = msix_others(fds, n, -1);
	check(t, !seen, "vectors 0x%x signalled after disable", seen);
	if (vec_on(t, index, fds, n)) {
		check(t, dev_vec_on(t, index, pos),
		      "the device's %s enable is clear after enabling again",
		      name);
		loop_vector(t, index, fds, n, last);
		set_ok(t, irq_disable(t->d, index), "disable again");
	}

	/* on with fd -1 for every vector (as QEMU does): no trigger yet */
	for (i = 0; i < n; i++)
		nones[i] = -1;
	if (vec_on(t, index, nones, n)) {
		check(t, dev_vec_on(t, index, pos),
		      "the device's %s enable is clear after enabling with fd -1 everywhere",
		      name);
		set_ok(t, irq_none(t->d, index, TRIGGER, 0, n),
		       "loopback of all, none with a trigger");
		seen = msix_others(fds, n, -1);
		check(t, !seen, "vectors 0x%x signalled without a trigger",
		      seen);
		set_ok(t, irq_set_fds(t->d, index, TRIGGER, 0, 1, fds),
		       "vector 0 given its trigger");
		loop_vector(t, index, fds, n, 0);
		set_ok(t, irq_disable(t->d, index), "disable at the end");
	}
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, n);
	fd_close(&x);
}

/* ---- INTx by loopback (any device with INTx) ---- */

/* Turn INTx on with trigger @fd, recording a failure. */
static bool intx_on(struct test_ctx *t, int fd)
{
	return !set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, fd),
		       "INTx TRIGGER eventfd");
}

/*
 * With INTx automasked, the mask must sit where the mode says: in the
 * function's own INTx-disable bit normally, at the interrupt controller
 * with nointxmask (the function's bit left alone).
 */
static void intx_masked_where(struct test_ctx *t)
{
	bool phys = phys_cfg16(t, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE;

	if (intx_exclusive)
		check(t, !phys,
		      "nointxmask: INTx masked through the function's INTx-disable bit");
	else
		check(t, phys,
		      "INTx automasked but the function's INTx-disable bit is clear");
}

/*
 * After an unmask the function's INTx-disable bit is clear, unless the
 * device still asserted INTx: then it was signalled on @efd and masked
 * again. The unmask eventfd acts asynchronously: wait up to @ms for it.
 * (With nointxmask the bit is never set.) Use intx_unmasked().
 */
static void intx_unmasked_at(struct test_ctx *t, int efd, int ms,
			     const char *what, int line)
{
	int waited = 0;

	while ((phys_cfg16(t, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE) &&
	       waited < ms) {
		usleep(10 * 1000);
		waited += 10;
	}
	if (!(phys_cfg16(t, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE))
		return;
	check(t, vfio_efd_wait(efd, 0) > 0,
	      "line %d: %s: the function's INTx-disable bit is still set and nothing was signalled",
	      line, what);
}

#define intx_unmasked(t, efd, ms, what)	\
	intx_unmasked_at(t, efd, ms, what, __LINE__)

/*
 * A device with INTx that cannot be made to raise it: the info, enable,
 * the line unmasked once on, loopback, disable and what is refused then,
 * and on again.
 */
static void intx_loopback_trigger(struct test_ctx *t)
{
	__u32 flags = 0;
	int efd;

	irq_fresh(t);
	check(t, irq_count(t, INTX, &flags) == 1, "INTx count is not 1");
	check(t, flags == (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			   VFIO_IRQ_INFO_AUTOMASKED),
	      "INTx flags 0x%x, expected EVENTFD|MASKABLE|AUTOMASKED", flags);
	efd = efd_open(t);
	if (efd < 0 || !intx_on(t, efd))
		goto out;
	intx_unmasked(t, efd, 0, "INTx enabled");
	loop_vector(t, INTX, &efd, 1, 0);
	set_ok(t, irq_disable(t->d, INTX), "INTx disable (DATA_NONE count 0)");
	set_fails(t, irq_none(t->d, INTX, UNMASK, 0, 1), EINVAL,
		  "INTx UNMASK while off");
	set_fails(t, irq_disable(t->d, INTX), EINVAL, "INTx disable while off");
	set_fails(t, irq_none(t->d, INTX, TRIGGER, 0, 1), EINVAL,
		  "INTx loopback while off");
	expect_quiet(t, efd, "INTx off");
	if (intx_on(t, efd)) {
		loop_vector(t, INTX, &efd, 1, 0);
		set_ok(t, irq_disable(t->d, INTX), "INTx disable again");
	}
out:
	irq_fresh(t);
	fd_close(&efd);
}

/*
 * Changing the trigger of enabled INTx, seen by loopback: the new eventfd
 * is signalled, the old one not; fd -1 keeps INTx on (UNMASK accepted)
 * with nothing signalled.
 */
static void intx_loopback_retrigger(struct test_ctx *t)
{
	int a, b = -1;

	irq_fresh(t);
	a = efd_open(t);
	b = efd_open(t);
	if (a < 0 || b < 0 || !intx_on(t, a))
		goto out;
	loop_vector(t, INTX, &a, 1, 0);
	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, b), "INTx trigger A -> B");
	loop_vector(t, INTX, &b, 1, 0);
	expect_quiet(t, a, "old trigger A after the swap");
	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, -1), "INTx trigger fd -1");
	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback, no fd");
	expect_quiet(t, b, "trigger B after fd -1");
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK, no fd");
	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, a), "INTx trigger -> A");
	loop_vector(t, INTX, &a, 1, 0);
	expect_quiet(t, b, "trigger B after the swap back to A");
out:
	irq_fresh(t);
	fd_close(&a);
	fd_close(&b);
}

/*
 * ACTION_MASK masks INTx in the function (or at the controller) and UNMASK
 * unmasks it; DATA_BOOL 0 does neither. Loopback signals a masked line
 * too. There is no mask eventfd: ENOTTY.
 */
static void intx_loopback_mask(struct test_ctx *t)
{
	int efd;

	irq_fresh(t);
	efd = efd_open(t);
	if (efd < 0 || !intx_on(t, efd))
		goto out;
	set_ok(t, irq_none(t->d, INTX, MASK, 0, 1), "INTx MASK");
	intx_masked_where(t);
	loop_vector(t, INTX, &efd, 1, 0);
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	intx_unmasked(t, efd, 0, "UNMASK");

	set_ok(t, irq_bool(t->d, INTX, MASK, 0), "INTx MASK bool 0");
	intx_unmasked(t, efd, 0, "MASK bool 0");
	set_ok(t, irq_bool(t->d, INTX, MASK, 1), "INTx MASK bool 1");
	intx_masked_where(t);
	set_ok(t, irq_bool(t->d, INTX, UNMASK, 0), "INTx UNMASK bool 0");
	intx_masked_where(t);
	set_ok(t, irq_bool(t->d, INTX, UNMASK, 1), "INTx UNMASK bool 1");
	intx_unmasked(t, efd, 0, "UNMASK bool 1");

	set_fails(t, irq_set_fd(t->d, INTX, MASK, efd), ENOTTY,
		  "INTx MASK eventfd");
out:
	irq_fresh(t);
	fd_close(&efd);
}

/*
 * The unmask eventfd: a write to it unmasks INTx in the kernel like
 * ACTION_UNMASK; one at a time (EBUSY); fd -1 removes it, and writes to
 * the old eventfd then unmask nothing.
 */
static void intx_loopback_unmask_eventfd(struct test_ctx *t)
{
	int efd, ufd = -1;

	irq_fresh(t);
	efd = efd_open(t);
	ufd = efd_open(t);
	if (efd < 0 || ufd < 0 || !intx_on(t, efd))
		goto out;
	if (set_ok(t, irq_set_fd(t->d, INTX, UNMASK, ufd),
		   "INTx UNMASK eventfd"))
		goto out;
	set_fails(t, irq_set_fd(t->d, INTX, UNMASK, efd), EBUSY,
		  "second INTx UNMASK eventfd");

	set_ok(t, irq_none(t->d, INTX, MASK, 0, 1), "INTx MASK");
	intx_masked_where(t);
	check(t, efd_kick(ufd), "write to the unmask eventfd");
	intx_unmasked(t, efd, FIRE_MS, "write to the unmask eventfd");

	set_ok(t, irq_set_fd(t->d, INTX, UNMASK, -1),
	       "INTx UNMASK eventfd fd -1");
	set_ok(t, irq_none(t->d, INTX, MASK, 0, 1), "INTx MASK");
	check(t, efd_kick(ufd), "write to the removed unmask eventfd");
	usleep(QUIET_MS * 1000);
	intx_masked_where(t);
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	loop_vector(t, INTX, &efd, 1, 0);
out:
	irq_fresh(t);
	fd_close(&efd);
	fd_close(&ufd);
}

/*
 * The virtual INTx-disable bit: it reads back as written, masks INTx in
 * the function while set (no loopback gets through either, nor does
 * UNMASK unmask), and clearing it unmasks; set before INTx is enabled,
 * INTx starts masked.
 */
static void intx_loopback_disable_bit(struct test_ctx *t)
{
	int efd;

	irq_fresh(t);
	efd = efd_open(t);
	if (efd < 0 || !intx_on(t, efd))
		goto out;
	check(t, !cmd_has(t, PCI_COMMAND_INTX_DISABLE),
	      "INTx-disable set after enabling INTx");
	cmd_update(t, PCI_COMMAND_INTX_DISABLE, 0);
	check(t, cmd_has(t, PCI_COMMAND_INTX_DISABLE),
	      "INTx-disable does not read back as written");
	intx_masked_where(t);
	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback");
	expect_quiet(t, efd, "loopback with INTx-disable set");
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	intx_masked_where(t);

	cmd_update(t, 0, PCI_COMMAND_INTX_DISABLE);
	intx_unmasked(t, efd, 0, "clearing INTx-disable");
	loop_vector(t, INTX, &efd, 1, 0);

	set_ok(t, irq_disable(t->d, INTX), "INTx disable");
	cmd_update(t, PCI_COMMAND_INTX_DISABLE, 0);
	if (!intx_on(t, efd))
		goto out;
	intx_masked_where(t);
	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback");
	expect_quiet(t, efd, "loopback, INTx enabled under INTx-disable");
	cmd_update(t, 0, PCI_COMMAND_INTX_DISABLE);
	intx_unmasked(t, efd, 0, "clearing INTx-disable after enabling");
	loop_vector(t, INTX, &efd, 1, 0);
out:
	irq_fresh(t);
	fd_close(&efd);
}

/* ---- GET_IRQ_INFO (any device) ---- */

/*
 * GET_IRQ_INFO against config space, for any device: INTx has one line
 * when the interrupt pin VFIO shows is set, and none on a VF; MSI has
 * the vectors its capability's multiple message field says, MSI-X its
 * table size. A type with a count of 0 refuses every SET_IRQS, whatever
 * the action; indexes past REQ and a short argsz are EINVAL.
 */
static void test_irq_info(struct test_ctx *t)
{
	static const __u32 actions[] = {
		TRIGGER | DATA_EVENTFD, TRIGGER | DATA_NONE, MASK | DATA_NONE,
		UNMASK | DATA_NONE, UNMASK | DATA_EVENTFD,
	};
	bool vf = sysfs_exists(t->bdf, "physfn");
	int n[MSIX + 1], pos, want, efd, ret;
	__u32 pin = 0, v = 0, index;
	struct vfio_irq_info ii;
	char what[96];
	size_t i;

	check_ok(t, vfio_cfg_read(t->d, PCI_INTERRUPT_PIN, 1, &pin),
		 "interrupt pin read");
	for (index = INTX; index <= MSIX; index++)
		n[index] = irq_count(t, index, NULL);
	ktap_diag("%s: INTx %d (pin %u%s), MSI %d, MSI-X %d", t->name,
		  n[INTX], pin, vf ? ", an SR-IOV VF" : "", n[MSI], n[MSIX]);
	check(t, n[INTX] == (pin ? 1 : 0), "INTx count %d with interrupt pin %u",
	      n[INTX], pin);
	check(t, !vf || (!n[INTX] && !pin),
	      "a VF with INTx: count %d, interrupt pin %u", n[INTX], pin);

	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSI);
	want = 0;
	if (pos > 0 && !check_ok(t, vfio_cfg_read(t->d, pos + PCI_MSI_FLAGS,
						  2, &v), "MSI flags read"))
		want = 1 << ((v & PCI_MSI_FLAGS_QMASK) >> 1);
	check(t, n[MSI] == want, "MSI count %d, the capability says %d",
	      n[MSI], want);
	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSIX);
	want = 0;
	if (pos > 0 && !check_ok(t, vfio_cfg_read(t->d, pos + PCI_MSIX_FLAGS,
						  2, &v), "MSI-X flags read"))
		want = (v & PCI_MSIX_FLAGS_QSIZE) + 1;
	check(t, n[MSIX] == want, "MSI-X count %d, the capability says %d",
	      n[MSIX], want);

	efd = efd_open(t);
	for (index = INTX; efd >= 0 && index <= MSIX; index++) {
		if (n[index])
			continue;
		for (i = 0; i < ARRAY_SIZE(actions); i++) {
			if (actions[i] & DATA_EVENTFD)
				ret = irq_set_fd(t->d, index, actions[i], efd);
			else
				ret = irq_none(t->d, index, actions[i], 0, 1);
			snprintf(what, sizeof(what),
				 "%s, count 0: SET_IRQS flags 0x%x",
				 index_name(index), actions[i]);
			set_fails(t, ret, EINVAL, what);
		}
	}
	fd_close(&efd);

	set_fails(t, vfio_irq_info(t->d, VFIO_PCI_NUM_IRQS, &ii), EINVAL,
		  "GET_IRQ_INFO of index VFIO_PCI_NUM_IRQS");
	memset(&ii, 0, sizeof(ii));
	ii.argsz = offsetof(struct vfio_irq_info, count);
	ii.index = MSIX;
	ret = ioctl(t->d->device_fd, VFIO_DEVICE_GET_IRQ_INFO, &ii);
	check_errno(t, ret, errno, EINVAL, "GET_IRQ_INFO with a short argsz");
}

/* ---- INTx (edu) ---- */

/*
 * INTx is level triggered and automasked: the first interrupt is
 * signalled and masks the line; UNMASK re-arms it, and when the device
 * still asserts the line at that moment the interrupt is signalled again
 * at once (and the line stays masked).
 */
static void test_intx_trigger(struct test_ctx *t)
{
	__u32 flags = 0;
	int efd;

	if (dev_kind != DEV_EDU) {
		if (need_intx(t))
			intx_loopback_trigger(t);
		return;
	}
	irq_fresh(t);
	/* one line, maskable and automasked; NORESIZE is not reported */
	check(t, irq_count(t, INTX, &flags) == 1, "INTx count is not 1");
	check(t, flags == (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			   VFIO_IRQ_INFO_AUTOMASKED),
	      "INTx flags 0x%x, expected EVENTFD|MASKABLE|AUTOMASKED", flags);
	efd = efd_open(t);
	if (efd < 0 || !intx_on(t, efd))
		goto out;

	edu_raise(t, 1);
	expect_fire(t, efd, "first raise");
	check(t, bar0_read(t, EDU_REG_IRQ_STATUS) == 1,
	      "edu interrupt status is not the raised value 1");
	/* automasked: a new interrupt does not get through */
	edu_ack(t, 1);
	edu_raise(t, 2);
	expect_quiet(t, efd, "raise while automasked");
	/* still asserted at UNMASK: signalled at once, line masked again */
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	expect_fire(t, efd, "UNMASK with the line asserted");
	edu_ack(t, 2);
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	expect_quiet(t, efd, "UNMASK with nothing pending");
	/* unmasked with nothing pending: the next interrupt gets through */
	edu_raise(t, 4);
	expect_fire(t, efd, "raise after UNMASK");
	edu_ack(t, 4);

	set_ok(t, irq_disable(t->d, INTX), "INTx disable (DATA_NONE count 0)");
	/* once off, INTx refuses UNMASK and a second disable */
	set_fails(t, irq_none(t->d, INTX, UNMASK, 0, 1), EINVAL,
		  "INTx UNMASK while off");
	set_fails(t, irq_disable(t->d, INTX), EINVAL, "INTx disable while off");
	edu_raise(t, 8);
	expect_quiet(t, efd, "raise after disable");
	edu_ack(t, 8);
out:
	irq_fresh(t);
	fd_close(&efd);
}

/* Raise @val, see it signalled on @fd, acknowledge it and UNMASK. */
static void intx_cycle(struct test_ctx *t, int fd, __u32 val,
		       const char *what)
{
	edu_raise(t, val);
	expect_fire(t, fd, what);
	edu_ack(t, val);
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
}

/*
 * Changing the trigger of enabled INTx: the new eventfd gets the
 * interrupts, the old one nothing; fd -1 keeps INTx on with no eventfd.
 */
static void test_intx_retrigger(struct test_ctx *t)
{
	int a = -1, b = -1;

	if (dev_kind != DEV_EDU) {
		if (need_intx(t))
			intx_loopback_retrigger(t);
		return;
	}
	irq_fresh(t);
	a = efd_open(t);
	b = efd_open(t);
	if (a < 0 || b < 0 || !intx_on(t, a))
		goto out;
	intx_cycle(t, a, 1, "raise with trigger A");

	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, b), "INTx trigger A -> B");
	intx_cycle(t, b, 2, "raise with trigger B");
	expect_quiet(t, a, "old trigger A after the swap");

	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, -1), "INTx trigger fd -1");
	edu_raise(t, 4);
	expect_quiet(t, b, "trigger B after fd -1");
	edu_ack(t, 4);
	/* still on: UNMASK is accepted, and a new trigger works */
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK, no fd");
	set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, a), "INTx trigger -> A");
	intx_cycle(t, a, 8, "raise with trigger A again");
out:
	irq_fresh(t);
	fd_close(&a);
	fd_close(&b);
}

/*
 * ACTION_MASK masks the line whether or not an interrupt came; an
 * interrupt raised meanwhile is signalled at UNMASK. DATA_BOOL 0 is a
 * no-op for MASK and UNMASK alike. There is no mask eventfd: ENOTTY.
 */
static void test_intx_mask(struct test_ctx *t)
{
	int efd;

	if (dev_kind != DEV_EDU) {
		if (need_intx(t))
			intx_loopback_mask(t);
		return;
	}
	irq_fresh(t);
	efd = efd_open(t);
	if (efd < 0 || !intx_on(t, efd))
		goto out;

	set_ok(t, irq_none(t->d, INTX, MASK, 0, 1), "INTx MASK");
	edu_raise(t, 1);
	expect_quiet(t, efd, "raise while masked");
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	expect_fire(t, efd, "UNMASK with an interrupt raised while masked");
	edu_ack(t, 1);
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");

	set_ok(t, irq_bool(t->d, INTX, MASK, 0), "INTx MASK bool 0");
	intx_cycle(t, efd, 2, "raise after MASK bool 0");

	set_ok(t, irq_bool(t->d, INTX, MASK, 1), "INTx MASK bool 1");
	edu_raise(t, 4);
	expect_quiet(t, efd, "raise after MASK bool 1");
	edu_ack(t, 4);
	/* nothing asserted any more: UNMASK signals nothing */
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	expect_quiet(t, efd, "UNMASK after the device dropped the line");
	intx_cycle(t, efd, 8, "raise after MASK bool 1 + UNMASK");

	/* automasked now, and UNMASK bool 0 leaves it so */
	edu_raise(t, 16);
	expect_fire(t, efd, "raise before UNMASK bool 0");
	intx_masked_where(t);
	edu_ack(t, 16);
	set_ok(t, irq_bool(t->d, INTX, UNMASK, 0), "INTx UNMASK bool 0");
	edu_raise(t, 32);
	expect_quiet(t, efd, "raise after UNMASK bool 0");
	set_ok(t, irq_bool(t->d, INTX, UNMASK, 1), "INTx UNMASK bool 1");
	expect_fire(t, efd, "UNMASK bool 1 with the line asserted");
	edu_ack(t, 32);

	set_fails(t, irq_set_fd(t->d, INTX, MASK, efd), ENOTTY,
		  "INTx MASK eventfd");
out:
	irq_fresh(t);
	fd_close(&efd);
}

/*
 * An unmask eventfd (UNMASK | DATA_EVENTFD): a write to it unmasks INTx
 * in the kernel, like ACTION_UNMASK, including the immediate signal of
 * an interrupt still asserted. fd -1 removes it.
 */
static void test_intx_unmask_eventfd(struct test_ctx *t)
{
	int efd, ufd = -1;

	if (dev_kind != DEV_EDU) {
		if (need_intx(t))
			intx_loopback_unmask_eventfd(t);
		return;
	}
	irq_fresh(t);
	efd = efd_open(t);
	ufd = efd_open(t);
	if (efd < 0 || ufd < 0 || !intx_on(t, efd))
		goto out;
	if (set_ok(t, irq_set_fd(t->d, INTX, UNMASK, ufd),
		   "INTx UNMASK eventfd"))
		goto out;
	/* one unmask eventfd at a time: a second one is EBUSY */
	set_fails(t, irq_set_fd(t->d, INTX, UNMASK, efd), EBUSY,
		  "second INTx UNMASK eventfd");

	edu_raise(t, 1);
	expect_fire(t, efd, "first raise");
	edu_ack(t, 1);
	check(t, efd_kick(ufd), "write to the unmask eventfd");
	edu_raise(t, 2);
	expect_fire(t, efd, "raise after the unmask eventfd");
	/* masked and still asserted: the unmask eventfd signals it */
	check(t, efd_kick(ufd), "write to the unmask eventfd");
	expect_fire(t, efd, "unmask eventfd with the line asserted");
	edu_ack(t, 2);
	check(t, efd_kick(ufd), "write to the unmask eventfd");

	set_ok(t, irq_set_fd(t->d, INTX, UNMASK, -1),
	       "INTx UNMASK eventfd fd -1");
	edu_raise(t, 4);
	expect_fire(t, efd, "raise before the removed unmask eventfd");
	edu_ack(t, 4);
	check(t, efd_kick(ufd), "write to the removed unmask eventfd");
	edu_raise(t, 8);
	expect_quiet(t, efd, "raise after a write to the removed eventfd");
	edu_ack(t, 8);
out:
	irq_fresh(t);
	fd_close(&efd);
	fd_close(&ufd);
}

/*
 * The INTx-disable bit of the command register is virtual: it reads back
 * as written, and while set no INTx reaches the user: not a device
 * interrupt, not ACTION_UNMASK, not even a loopback trigger. Clearing it
 * unmasks; an interrupt asserted meanwhile is signalled then, and the
 * line is left masked as after any interrupt.
 */
static void test_intx_disable_bit(struct test_ctx *t)
{
	int efd;

	if (dev_kind != DEV_EDU) {
		if (need_intx(t))
			intx_loopback_disable_bit(t);
		return;
	}
	irq_fresh(t);
	efd = efd_open(t);
	if (efd < 0 || !intx_on(t, efd))
		goto out;
	check(t, !cmd_has(t, PCI_COMMAND_INTX_DISABLE),
	      "INTx-disable set after enabling INTx");

	cmd_update(t, PCI_COMMAND_INTX_DISABLE, 0);
	check(t, cmd_has(t, PCI_COMMAND_INTX_DISABLE),
	      "INTx-disable does not read back as written");
	edu_raise(t, 1);
	expect_quiet(t, efd, "raise with INTx-disable set");
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	expect_quiet(t, efd, "UNMASK with INTx-disable set");
	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback");
	expect_quiet(t, efd, "loopback trigger with INTx-disable set");

	cmd_update(t, 0, PCI_COMMAND_INTX_DISABLE);
	expect_fire(t, efd, "clearing INTx-disable with the line asserted");
	edu_ack(t, 1);
	edu_raise(t, 2);
	expect_quiet(t, efd, "raise after that (masked by the delivery)");
	edu_ack(t, 2);
	set_ok(t, irq_none(t->d, INTX, UNMASK, 0, 1), "INTx UNMASK");
	intx_cycle(t, efd, 4, "raise after UNMASK");

	/* set before INTx is enabled: INTx starts masked */
	set_ok(t, irq_disable(t->d, INTX), "INTx disable");
	cmd_update(t, PCI_COMMAND_INTX_DISABLE, 0);
	if (!intx_on(t, efd))
		goto out;
	edu_raise(t, 8);
	expect_quiet(t, efd, "raise with INTx enabled under INTx-disable");
	cmd_update(t, 0, PCI_COMMAND_INTX_DISABLE);
	expect_fire(t, efd, "clearing INTx-disable after enabling");
	edu_ack(t, 8);
out:
	irq_fresh(t);
	fd_close(&efd);
}

/*
 * Loopback: TRIGGER with DATA_NONE, or DATA_BOOL true, signals the
 * trigger eventfd from the kernel, masked line or not; DATA_BOOL false
 * signals nothing. INTx off, loopback is refused with EINVAL.
 */
static void test_intx_loopback(struct test_ctx *t)
{
	int efd;

	if (!need_intx(t))
		return;
	irq_fresh(t);
	efd = efd_open(t);
	if (efd < 0 || !intx_on(t, efd))
		goto out;

	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback");
	expect_fire(t, efd, "loopback DATA_NONE");
	set_ok(t, irq_bool(t->d, INTX, TRIGGER, 1), "INTx loopback bool 1");
	expect_fire(t, efd, "loopback bool 1");
	set_ok(t, irq_bool(t->d, INTX, TRIGGER, 0), "INTx loopback bool 0");
	expect_quiet(t, efd, "loopback bool 0");

	set_ok(t, irq_none(t->d, INTX, MASK, 0, 1), "INTx MASK");
	set_ok(t, irq_none(t->d, INTX, TRIGGER, 0, 1), "INTx loopback");
	expect_fire(t, efd, "loopback while masked");

	set_ok(t, irq_disable(t->d, INTX), "INTx disable");
	set_fails(t, irq_none(t->d, INTX, TRIGGER, 0, 1), EINVAL,
		  "INTx loopback while off");
	set_fails(t, irq_bool(t->d, INTX, TRIGGER, 1), EINVAL,
		  "INTx loopback bool while off");
	expect_quiet(t, efd, "loopback while off");
out:
	irq_fresh(t);
	fd_close(&efd);
}

/* ---- MSI (edu) ---- */

/* Turn MSI on with one vector signalling @fd; bus master is needed. */
static bool msi_on(struct test_ctx *t, int fd)
{
	if (cmd_update(t, PCI_COMMAND_MASTER, 0))
		return false;
	return !set_ok(t, irq_set_fds(t->d, MSI, TRIGGER, 0, 1, &fd),
		       "MSI enable, one vector");
}

/* Raise @val on edu; @fd must see it and @other (if >= 0) must not. */
static void msi_cycle(struct test_ctx *t, int fd, int other, __u32 val,
		      const char *what)
{
	edu_raise(t, val);
	expect_fire(t, fd, what);
	edu_ack(t, val);
	if (other >= 0)
		expect_quiet(t, other, what);
}

/*
 * MSI is edge triggered and not maskable: every raise is signalled.
 * The trigger of the one vector can be changed and removed (fd -1) while
 * MSI stays on; loopback signals the current trigger.
 */
static void test_msi(struct test_ctx *t)
{
	int a = -1, b = -1;
	__u32 flags = 0;

	if (dev_kind != DEV_EDU) {
		if (need_msi(t))
			vec_loopback(t, MSI);
		return;
	}
	irq_fresh(t);
	/* edu has one vector; MSI is never resizable */
	check(t, irq_count(t, MSI, &flags) == 1, "MSI count is not 1");
	check(t, flags == (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE),
	      "MSI flags 0x%x, expected EVENTFD|NORESIZE", flags);
	a = efd_open(t);
	b = efd_open(t);
	if (a < 0 || b < 0 || !msi_on(t, a))
		goto out;

	msi_cycle(t, a, -1, 1, "first MSI");
	msi_cycle(t, a, -1, 2, "second MSI (no masking)");

	set_ok(t, irq_set_fds(t->d, MSI, TRIGGER, 0, 1, &b), "MSI A -> B");
	msi_cycle(t, b, a, 4, "MSI after the swap to B");

	/*
	 * Without a trigger the vector's interrupt is released, which zeroes
	 * the device's MSI message: edu is not raised here, its message
	 * would be a write to address 0 (an IOMMU fault). Loopback is
	 * accepted and signals nothing.
	 */
	set_ok(t, irq_set_fd(t->d, MSI, TRIGGER, -1), "MSI trigger fd -1");
	set_ok(t, irq_none(t->d, MSI, TRIGGER, 0, 1), "MSI loopback, no fd");
	expect_quiet(t, b, "loopback without trigger");

	set_ok(t, irq_set_fd(t->d, MSI, TRIGGER, a), "MSI trigger -> A");
	msi_cycle(t, a, b, 8, "MSI with A again");
	set_ok(t, irq_none(t->d, MSI, TRIGGER, 0, 1), "MSI loopback");
	expect_fire(t, a, "MSI loopback DATA_NONE");
	set_ok(t, irq_bool(t->d, MSI, TRIGGER, 0), "MSI loopback bool 0");
	expect_quiet(t, a, "MSI loopback bool 0");
	set_ok(t, irq_bool(t->d, MSI, TRIGGER, 1), "MSI loopback bool 1");
	expect_fire(t, a, "MSI loopback bool 1");

	set_ok(t, irq_disable(t->d, MSI), "MSI disable");
	set_fails(t, irq_disable(t->d, MSI), EINVAL, "MSI disable while off");
	set_fails(t, irq_none(t->d, MSI, TRIGGER, 0, 1), EINVAL,
		  "MSI loopback while off");
	edu_raise(t, 32);
	expect_quiet(t, a, "raise after MSI disable");
	edu_ack(t, 32);
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fd_close(&a);
	fd_close(&b);
}

/* MSI flags word through the config region (user view) and sysfs (device) */
static __u16 msi_flags(struct test_ctx *t, int pos)
{
	__u32 v = 0;

	check_ok(t, vfio_cfg_read(t->d, pos + PCI_MSI_FLAGS, 2, &v),
		 "MSI flags read");
	return v;
}

static void msi_flags_write(struct test_ctx *t, int pos, __u16 v)
{
	check_ok(t, vfio_cfg_write(t->d, pos + PCI_MSI_FLAGS, 2, v),
		 "MSI flags write");
}

/*
 * The user's view of the MSI flags: the enable bit is the user's own,
 * not the kernel's. SET_IRQS turns MSI on in the device but the view keeps
 * the bit clear until the user writes it; a write of it sticks only while
 * SET_IRQS has MSI on, and then stays as written when SET_IRQS turns MSI
 * off. The queue size written is clamped to the vectors enabled.
 */
static void test_msi_config_view(struct test_ctx *t)
{
	__u16 f, qsize_max = 7 << 4;
	int pos, efd;

	if (!need_msi(t))
		return;
	irq_fresh(t);
	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSI);
	if (check(t, pos > 0, "no MSI capability in config space (%d)", pos))
		return;
	efd = efd_open(t);
	if (efd < 0)
		return;

	f = msi_flags(t, pos);
	check(t, !(f & (PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE)) &&
	      1 << ((f & PCI_MSI_FLAGS_QMASK) >> 1) == irq_count(t, MSI, NULL),
	      "MSI flags 0x%04x before enabling: expected enable 0, QSIZE 0, QMASK of the vectors GET_IRQ_INFO reports",
	      f);
	if (!msi_on(t, efd))
		goto out;
	check(t, phys_cfg16(t, pos + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE,
	      "device's MSI enable is clear after SET_IRQS enabled MSI");
	f = msi_flags(t, pos);
	check(t, !(f & PCI_MSI_FLAGS_ENABLE),
	      "user view 0x%04x has MSI enable set by SET_IRQS alone", f);

	msi_flags_write(t, pos, f | PCI_MSI_FLAGS_ENABLE | qsize_max);
	f = msi_flags(t, pos);
	check(t, (f & PCI_MSI_FLAGS_ENABLE) && !(f & PCI_MSI_FLAGS_QSIZE),
	      "MSI flags 0x%04x after writing enable + QSIZE 7: expected enable 1, QSIZE 0",
	      f);
	if (dev_kind == DEV_EDU)
		msi_cycle(t, efd, -1, 1, "MSI after the user wrote enable");
	else
		loop_vector(t, MSI, &efd, 1, 0);

	set_ok(t, irq_disable(t->d, MSI), "MSI disable");
	check(t, !(phys_cfg16(t, pos + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE),
	      "device's MSI enable is set after SET_IRQS disabled MSI");
	f = msi_flags(t, pos);
	check(t, f & PCI_MSI_FLAGS_ENABLE,
	      "user view 0x%04x: enable no longer as the user wrote it", f);
	msi_flags_write(t, pos, f & ~PCI_MSI_FLAGS_ENABLE);
	msi_flags_write(t, pos, f | PCI_MSI_FLAGS_ENABLE);
	f = msi_flags(t, pos);
	check(t, !(f & PCI_MSI_FLAGS_ENABLE),
	      "MSI flags 0x%04x: the user set enable with MSI off", f);
	check(t, !(phys_cfg16(t, pos + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE),
	      "a user write turned the device's MSI on");
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fd_close(&efd);
}

/* ---- MSI-X (any device with MSI-X) ---- */

/* A dword of the device's own config space (sysfs). */
static __u32 phys_cfg32(struct test_ctx *t, unsigned int off)
{
	__u8 b[4] = { 0, 0, 0, 0 };

	check(t, sysfs_read(t->bdf, "config", b, 4, off) == 4,
	      "sysfs config read at 0x%x", off);
	return get_le(b, 4);
}

/*
 * GET_IRQ_INFO of MSI-X for any device: the count is the table size in
 * both the VFIO view and the device's capability; the flags are EVENTFD,
 * with NORESIZE unless the platform can add vectors to enabled MSI-X,
 * and never MASKABLE; the table and PBA are where the device has them,
 * and the table's BAR holds the whole table.
 */
static void msix_info_any(struct test_ctx *t)
{
	struct vfio_region_info ri;
	__u32 flags = 0, v = 0, table = 0, bir;
	int n, pos, size, dsize, i;
	__u64 end;

	n = irq_count(t, MSIX, &flags);
	pos = vec_cap(t, MSIX);
	if (n <= 0 || pos <= 0)
		return;
	check_ok(t, vfio_cfg_read(t->d, pos + PCI_MSIX_FLAGS, 2, &v),
		 "MSI-X flags read");
	size = (v & PCI_MSIX_FLAGS_QSIZE) + 1;
	dsize = (phys_cfg16(t, pos + PCI_MSIX_FLAGS) &
		 PCI_MSIX_FLAGS_QSIZE) + 1;
	check(t, n == size && n == dsize,
	      "MSI-X count %d, table size %d in the VFIO view, %d in the device",
	      n, size, dsize);
	ktap_diag("%s: MSI-X: %d vector(s), flags 0x%x (%s)", t->name, n,
		  flags, flags & VFIO_IRQ_INFO_NORESIZE ? "NORESIZE" :
		  "resizable");
	check(t, (flags & ~VFIO_IRQ_INFO_NORESIZE) == VFIO_IRQ_INFO_EVENTFD,
	      "MSI-X flags 0x%x, expected EVENTFD, with or without NORESIZE",
	      flags);
	for (i = 0; i < 2; i++) {
		unsigned int off = pos + (i ? PCI_MSIX_PBA : PCI_MSIX_TABLE);
		__u32 dev = phys_cfg32(t, off);

		if (check_ok(t, vfio_cfg_read(t->d, off, 4, &v),
			     "MSI-X capability read at 0x%x", off))
			return;
		check(t, v == dev, "MSI-X %s dword 0x%08x, the device has 0x%08x",
		      i ? "PBA" : "table", v, dev);
		if (!i)
			table = v;
	}
	bir = table & PCI_MSIX_TABLE_BIR;
	if (check(t, bir <= 5, "MSI-X table in BAR%u", bir) ||
	    check_ok(t, vfio_region_info(t->d, VFIO_PCI_BAR0_REGION_INDEX + bir,
					 &ri), "region info of BAR%u", bir))
		return;
	end = (table & PCI_MSIX_TABLE_OFFSET) + (__u64)n * PCI_MSIX_ENTRY_SIZE;
	check(t, ri.size >= end,
	      "BAR%u has 0x%llx bytes, the MSI-X table ends at 0x%llx", bir,
	      (unsigned long long)ri.size, (unsigned long long)end);
}

static __u16 msix_view(struct test_ctx *t, int pos)
{
	__u32 v = 0;

	check_ok(t, vfio_cfg_read(t->d, pos + PCI_MSIX_FLAGS, 2, &v),
		 "MSI-X message control read");
	return v;
}

static void msix_view_write(struct test_ctx *t, int pos, __u16 v)
{
	check_ok(t, vfio_cfg_write(t->d, pos + PCI_MSIX_FLAGS, 2, v),
		 "MSI-X message control write of 0x%04x", v);
}

/* The device's enable and function mask bits must be @want. */
static void msix_dev_bits(struct test_ctx *t, int pos, __u16 want,
			  const char *when)
{
	const __u16 bits = PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;
	__u16 dev = phys_cfg16(t, pos + PCI_MSIX_FLAGS);

	check(t, (dev & bits) == want,
	      "%s: the device's MSI-X message control is 0x%04x, expected enable %d, function mask %d",
	      when, dev, !!(want & PCI_MSIX_FLAGS_ENABLE),
	      !!(want & PCI_MSIX_FLAGS_MASKALL));
}

/* The enable and function mask bits of the user's view must be @want. */
static void msix_view_bits(struct test_ctx *t, int pos, __u16 want,
			   const char *when)
{
	const __u16 bits = PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;
	__u16 v = msix_view(t, pos);

	check(t, (v & bits) == want,
	      "%s: MSI-X message control reads 0x%04x, expected enable %d, function mask %d",
	      when, v, !!(want & PCI_MSIX_FLAGS_ENABLE),
	      !!(want & PCI_MSIX_FLAGS_MASKALL));
}

/*
 * The MSI-X message control through the VFIO config region. SET_IRQS
 * alone turns MSI-X on and off in the device, and no user write of the
 * register reaches the device. What the user reads comes in two models:
 * the base tree's vfio-pci passes the register through read-only, so its
 * enable bit is the device's and follows SET_IRQS, while a driver may
 * emulate enable and function mask as the user's own bits (as both do
 * for MSI). The view after SET_IRQS enabled MSI-X tells the model, and the
 * rest of the test holds the driver to it; the table size never changes.
 */
static void test_msix_config_view(struct test_ctx *t)
{
	const __u16 bits = PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL;
	const __u16 on = PCI_MSIX_FLAGS_ENABLE;
	__u16 f0, f;
	bool passed;
	int pos, efd;

	if (!need_msix(t, 1))
		return;
	irq_fresh(t);
	pos = vec_cap(t, MSIX);
	if (pos <= 0)
		return;
	efd = efd_open(t);
	if (efd < 0)
		return;
	f0 = msix_view(t, pos);
	check(t, !(f0 & bits),
	      "MSI-X message control 0x%04x before enabling: enable or function mask set",
	      f0);
	msix_dev_bits(t, pos, 0, "before enabling");
	if (!vec_on(t, MSIX, &efd, 1))
		goto out;
	msix_dev_bits(t, pos, on, "after SET_IRQS enabled MSI-X");
	f = msix_view(t, pos);
	passed = f & PCI_MSIX_FLAGS_ENABLE;
	ktap_diag("%s: MSI-X enable as the user reads it: %s", t->name,
		  passed ? "the device's (passed through)" :
		  "the user's own (emulated)");
	check(t, (f & ~bits) == (f0 & ~bits),
	      "MSI-X message control 0x%04x after enabling, 0x%04x before: more than enable changed",
	      f, f0);
	msix_view_bits(t, pos, passed ? on : 0, "after enabling");

	/* the user's writes: nothing reaches the device */
	msix_view_write(t, pos, f | bits);
	msix_dev_bits(t, pos, on, "after the user wrote enable + function mask");
	msix_view_bits(t, pos, passed ? on : bits,
		       "after the user wrote enable + function mask");
	loop_vector(t, MSIX, &efd, 1, 0);
	msix_view_write(t, pos, f & ~bits);
	msix_dev_bits(t, pos, on, "after the user cleared enable + function mask");
	msix_view_bits(t, pos, passed ? on : 0,
		       "after the user cleared enable + function mask");
	loop_vector(t, MSIX, &efd, 1, 0);

	set_ok(t, irq_disable(t->d, MSIX), "MSI-X disable");
	msix_dev_bits(t, pos, 0, "after SET_IRQS disabled MSI-X");
	msix_view_bits(t, pos, 0, "after SET_IRQS disabled MSI-X");
	msix_view_write(t, pos, f0 | on);
	msix_dev_bits(t, pos, 0, "after the user wrote enable with MSI-X off");
	msix_view_bits(t, pos, passed ? 0 : on,
		       "after the user wrote enable with MSI-X off");
	msix_view_write(t, pos, f0);
	msix_view_bits(t, pos, 0, "after the user wrote it back");
	check(t, msix_view(t, pos) == f0,
	      "MSI-X message control reads 0x%04x at the end, 0x%04x at the start",
	      msix_view(t, pos), f0);
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fd_close(&efd);
}

/*
 * Dynamic MSI-X by loopback: one vector enabled, then a trigger for the
 * next one. Without NORESIZE the kernel allocates it and it signals its
 * own eventfd, also after its trigger was removed and given again; with
 * NORESIZE it has no interrupt and the call is EINVAL. A loopback of a
 * vector without a trigger is accepted and signals nothing.
 */
static void msix_dynamic_any(struct test_ctx *t)
{
	int fds[2] = { -1, -1 }, none = -1, pos, ret;
	__u32 flags = 0;

	irq_fresh(t);
	irq_count(t, MSIX, &flags);
	pos = vec_cap(t, MSIX);
	fds_open(t, fds, 2);
	if (t->fails || pos <= 0 || !vec_on(t, MSIX, fds, 1))
		goto out;
	loop_vector(t, MSIX, fds, 1, 0);
	set_ok(t, irq_none(t->d, MSIX, TRIGGER, 1, 1),
	       "loopback of vector 1, not enabled");
	expect_quiet(t, fds[1], "loopback of vector 1, not enabled");

	ret = irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, &fds[1]);
	if (flags & VFIO_IRQ_INFO_NORESIZE) {
		set_fails(t, ret, EINVAL, "MSI-X vector 1 beyond the 1 enabled");
		goto out;
	}
	if (set_ok(t, ret, "MSI-X vector 1 beyond the 1 enabled"))
		goto out;
	check(t, dev_vec_on(t, MSIX, pos),
	      "the device's MSI-X is off after a vector was added");
	loop_vector(t, MSIX, fds, 2, 1);
	loop_vector(t, MSIX, fds, 2, 0);
	set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, &none),
	       "MSI-X vector 1 fd -1");
	set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, &fds[1]),
	       "MSI-X vector 1 given its trigger again");
	loop_vector(t, MSIX, fds, 2, 1);
	set_ok(t, irq_disable(t->d, MSIX), "MSI-X disable");
	check(t, !dev_vec_on(t, MSIX, pos),
	      "the device's MSI-X is on after SET_IRQS disabled it");
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, 2);
}

/* ---- MSI-X (e1000e) ---- */

/* count of MSI-X vectors the capability in sysfs config announces */
static int msix_cap_count(struct test_ctx *t)
{
	int pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSIX);

	if (check(t, pos > 0, "no MSI-X capability in config space"))
		return -1;
	return (phys_cfg16(t, pos + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_QSIZE) + 1;
}

/*
 * GET_IRQ_INFO of MSI-X: the table size, EVENTFD, and NORESIZE unless
 * the platform's MSI domain can add vectors to enabled MSI-X (x86 with
 * the vIOMMU's interrupt remapping can: no NORESIZE on this rig).
 */
static void test_msix_info(struct test_ctx *t)
{
	__u32 flags = 0;
	bool noresize;
	int n;

	if (dev_kind != DEV_E1000E) {
		if (need_msix(t, 1))
			msix_info_any(t);
		return;
	}
	n = irq_count(t, MSIX, &flags);
	check(t, n == msix_cap_count(t) && n == E1000E_NR_CAUSES,
	      "MSI-X count %d, capability says %d, e1000e has %d", n,
	      msix_cap_count(t), E1000E_NR_CAUSES);
	noresize = flags & VFIO_IRQ_INFO_NORESIZE;
	ktap_diag("%s: MSI-X flags 0x%x (%s)", t->name, flags,
		  noresize ? "NORESIZE" : "resizable");
	check(t, flags == VFIO_IRQ_INFO_EVENTFD,
	      "MSI-X flags 0x%x, expected EVENTFD alone (dynamic MSI-X)",
	      flags);
}

/*
 * Raise @vec: its eventfd must fire and no other. The guest kernel may
 * retrigger a vector on its own when it moves an interrupt between CPUs,
 * a spurious signal VFIO users must tolerate; a misrouted trigger, the bug
 * looked for, signals the wrong eventfd every time. So a vector seen
 * beside @vec fails only if a second raise signals it again.
 */
static void msix_cycle(struct test_ctx *t, const int *fds, int n, int vec)
{
	unsigned int first, again;
	char what[64];
	int i;

	snprintf(what, sizeof(what), "MSI-X vector %d", vec);
	e1000e_raise(t, vec);
	expect_fire(t, fds[vec], what);
	first = msix_others(fds, n, vec);
	if (!first)
		return;
	e1000e_raise(t, vec);
	expect_fire(t, fds[vec], what);
	again = msix_others(fds, n, vec);
	for (i = 0; i < n; i++) {
		if (!(first & (1u << i)) ||
		    check(t, !(again & (1u << i)),
			  "%s also signalled vector %d, twice", what, i))
			continue;
		ktap_diag("%s: %s: vector %d signalled once beside it, not again",
			  t->name, what, i);
	}
}

static bool msix_on(struct test_ctx *t, const int *fds, int n)
{
	if (cmd_update(t, PCI_COMMAND_MASTER, 0))
		return false;
	if (set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 0, n, fds),
		   "MSI-X enable"))
		return false;
	e1000e_setup(t);
	return true;
}

/*
 * All vectors on, each raised by e1000e on its own; then one vector's
 * trigger removed and replaced at run time, and loopback on a range.
 */
static void test_msix_vectors(struct test_ctx *t)
{
	int fds[E1000E_NR_CAUSES], x = -1, i;
	const __u8 vals[2] = { 0, 1 };

	if (dev_kind != DEV_E1000E) {
		if (need_msix(t, 1))
			vec_loopback(t, MSIX);
		return;
	}
	irq_fresh(t);
	fds_open(t, fds, E1000E_NR_CAUSES);
	x = efd_open(t);
	if (t->fails || !msix_on(t, fds, E1000E_NR_CAUSES))
		goto out;
	for (i = 0; i < E1000E_NR_CAUSES; i++)
		msix_cycle(t, fds, E1000E_NR_CAUSES, i);
	/* past the table, and MSI next to MSI-X: EINVAL */
	set_fails(t, irq_set_fds(t->d, MSIX, TRIGGER, 0, E1000E_NR_CAUSES + 1,
				 fds), EINVAL, "MSI-X count past the table");
	set_fails(t, irq_set_fd(t->d, MSI, TRIGGER, x), EINVAL,
		  "MSI enable while MSI-X is on");

	set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, (int[]){ -1 }),
	       "MSI-X vector 1 fd -1");
	e1000e_raise(t, 1);
	expect_quiet(t, fds[1], "vector 1 after its trigger was removed");
	e1000e_clear_pending(t);
	msix_cycle(t, fds, E1000E_NR_CAUSES, 0);
	set_ok(t, irq_set_fds(t->d, MSIX, TRIGGER, 1, 1, &x),
	       "MSI-X vector 1 new fd");
	e1000e_raise(t, 1);
	expect_fire(t, x, "vector 1 with its new trigger");
	expect_quiet(t, fds[1], "vector 1's old trigger");

	set_ok(t, irq_none(t->d, MSIX, TRIGGER, 2, 2), "MSI-X loopback 2-3");
	expect_fire(t, fds[2], "loopback vector 2");
	expect_fire(t, fds[3], "loopback vector 3");
	check(t, vfio_efd_wait(fds[4], 0) == 0, "loopback 2-3 signalled vector 4");
	set_ok(t, irq_bools(t->d, MSIX, TRIGGER, 0, 2, vals),
	       "MSI-X loopback bools {0, 1}");
	expect_fire(t, x, "loopback bool 1 on vector 1");
	expect_quiet(t, fds[0], "loopback bool 0 on vector 0");

	set_ok(t, irq_disable(t->d, MSIX), "MSI-X disable");
	set_fails(t, irq_disable(t->d, MSIX), EINVAL,
		  "MSI-X disable while off");
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, E1000E_NR_CAUSES);
	fd_close(&x);
}

/*
 * Enabling fewer vectors than the table has, then adding one beyond them:
 * with dynamic MSI-X (no NORESIZE) the kernel allocates it and it works;
 * with NORESIZE the vector has no interrupt and the call fails EINVAL.
 */
static void test_msix_dynamic(struct test_ctx *t)
{
	int fds[E1000E_NR_CAUSES] = { -1, -1, -1, -1, -1 };
	__u32 flags = 0;
	int ret;

	if (dev_kind != DEV_E1000E) {
		if (need_msix(t, 2))
			msix_dynamic_any(t);
		return;
	}
	irq_fresh(t);
	irq_count(t, MSIX, &flags);
	fds_open(t, fds, E1000E_NR_CAUSES);
	if (t->fails || !msix_on(t, fds, 2))
		goto out;
	msix_cycle(t, fds, 2, 1);

	ret = irq_set_fds(t->d, MSIX, TRIGGER, 3, 1, &fds[3]);
	if (flags & VFIO_IRQ_INFO_NORESIZE) {
		set_fails(t, ret, EINVAL, "MSI-X vector 3 beyond the 2 enabled");
		goto out;
	}
	if (set_ok(t, ret, "MSI-X vector 3 beyond the 2 enabled"))
		goto out;
	msix_cycle(t, fds, E1000E_NR_CAUSES, 3);
	msix_cycle(t, fds, E1000E_NR_CAUSES, 0);
	/* a vector never enabled gets no trigger: nothing is signalled */
	e1000e_raise(t, 2);
	expect_quiet(t, fds[2], "vector 2, never enabled");
out:
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, E1000E_NR_CAUSES);
}

/* ---- ERR and REQ ---- */

/*
 * The single-eventfd indexes: set, swap and clear the trigger; loopback
 * needs a trigger with DATA_NONE (EINVAL without) but not with DATA_BOOL;
 * DATA_NONE count 0 clears; fds below -1 and an eventfd count of 0 are
 * EINVAL; MASK and UNMASK do not exist (ENOTTY).
 */
static void single_index(struct test_ctx *t, __u32 index, const char *name)
{
	int a, b = -1;

	a = efd_open(t);
	b = efd_open(t);
	if (a < 0 || b < 0)
		goto out;
	set_fails(t, irq_none(t->d, index, TRIGGER, 0, 1), EINVAL, name);
	if (set_ok(t, irq_set_fd(t->d, index, TRIGGER, a), name))
		goto out;
	set_ok(t, irq_none(t->d, index, TRIGGER, 0, 1), name);
	expect_fire(t, a, name);
	set_ok(t, irq_bool(t->d, index, TRIGGER, 1), name);
	expect_fire(t, a, name);
	set_ok(t, irq_bool(t->d, index, TRIGGER, 0), name);
	expect_quiet(t, a, name);

	set_ok(t, irq_set_fd(t->d, index, TRIGGER, b), name);
	set_ok(t, irq_none(t->d, index, TRIGGER, 0, 1), name);
	expect_fire(t, b, name);
	expect_quiet(t, a, name);

	set_ok(t, irq_set_fd(t->d, index, TRIGGER, -1), name);
	set_fails(t, irq_none(t->d, index, TRIGGER, 0, 1), EINVAL, name);
	set_ok(t, irq_bool(t->d, index, TRIGGER, 1), name);
	expect_quiet(t, b, name);

	set_ok(t, irq_set_fd(t->d, index, TRIGGER, a), name);
	set_ok(t, irq_none(t->d, index, TRIGGER, 0, 0), name);
	set_fails(t, irq_none(t->d, index, TRIGGER, 0, 1), EINVAL, name);
	expect_quiet(t, a, name);

	set_fails(t, irq_set_fd(t->d, index, TRIGGER, -2), EINVAL, name);
	set_fails(t, irq_set_fds(t->d, index, TRIGGER, 0, 0, NULL), EINVAL,
		  name);
	set_fails(t, irq_bools(t->d, index, TRIGGER, 0, 0, NULL), EINVAL,
		  name);
	set_fails(t, irq_none(t->d, index, MASK, 0, 1), ENOTTY, name);
	set_fails(t, irq_none(t->d, index, UNMASK, 0, 1), ENOTTY, name);
out:
	irq_disable(t->d, index);
	fd_close(&a);
	fd_close(&b);
}

/* ERR exists on PCI Express devices only; REQ on every device. */
static void test_err_req(struct test_ctx *t)
{
	struct vfio_irq_info ii;
	bool pcie;
	__u32 flags = 0;
	int pos;

	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_EXP);
	if (check(t, pos >= 0, "config read failed"))
		return;
	pcie = pos > 0;
	if (pcie) {
		check(t, irq_count(t, ERR, &flags) == 1 &&
		      flags == (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE),
		      "ERR: count not 1 or flags 0x%x not EVENTFD|NORESIZE",
		      flags);
		single_index(t, ERR, "ERR");
	} else {
		/* a conventional PCI device: ERR refused outright */
		set_fails(t, vfio_irq_info(t->d, ERR, &ii), EINVAL,
			  "GET_IRQ_INFO(ERR) on PCI");
		set_fails(t, irq_set_fd(t->d, ERR, TRIGGER, -1), EINVAL,
			  "ERR trigger on PCI");
	}
	check(t, irq_count(t, REQ, &flags) == 1 &&
	      flags == (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE),
	      "REQ: count not 1 or flags 0x%x not EVENTFD|NORESIZE", flags);
	single_index(t, REQ, "REQ");
}

/*
 * REQ for real: a write to the driver's unbind file waits while the device
 * is open, and the driver asks for it back through the REQ eventfd.
 * Closing the device lets the unbind finish; the device is bound to the
 * same driver again and reopened for the tests that follow.
 */
struct unbind_job {
	const char *bdf;
	int ret;
	atomic_bool done;
};

static void *unbind_fn(void *arg)
{
	struct unbind_job *job = arg;

	job->ret = sysfs_write(job->bdf, "driver/unbind", job->bdf);
	atomic_store(&job->done, true);
	return NULL;
}

/* Bind @bdf to @driver again and reopen it the way it was open. */
static void unbind_rebind(struct test_ctx *t, const char *driver,
			  enum vfio_open_mode mode)
{
	char now[64];

	if (check_ok(t, sysfs_bind(t->bdf, driver), "bind to %s", driver))
		return;
	check(t, !sysfs_driver(t->bdf, now, sizeof(now)) &&
	      !strcmp(now, driver), "%s not bound to %s again", t->bdf,
	      driver);
	check_ok(t, vfio_dev_open(t->d, t->bdf, mode), "reopen %s", t->bdf);
}

static void test_unbind_request(struct test_ctx *t)
{
	struct unbind_job job = { .bdf = t->bdf };
	enum vfio_open_mode mode = t->d->mode;
	char driver[64];
	pthread_t thread;
	int fd;

	if (check_ok(t, sysfs_driver(t->bdf, driver, sizeof(driver)),
		     "driver of %s", t->bdf))
		return;
	irq_fresh(t);
	fd = efd_open(t);
	if (fd < 0)
		return;
	if (set_ok(t, irq_set_fd(t->d, REQ, TRIGGER, fd), "REQ trigger"))
		goto out;
	if (check(t, !pthread_create(&thread, NULL, unbind_fn, &job),
		  "pthread_create"))
		goto out;
	expect_fire(t, fd, "REQ while an unbind waits");
	check(t, !atomic_load(&job.done),
	      "unbind finished while the device was open");
	vfio_dev_close(t->d);
	pthread_join(thread, NULL);
	check_ok(t, job.ret, "unbind");
	check(t, !sysfs_exists(t->bdf, "driver"),
	      "still bound to a driver after the unbind");
	unbind_rebind(t, driver, mode);
out:
	close(fd);
}

/* ---- validation sweep ---- */

enum sweep_state { ST_OFF, ST_INTX, ST_MSI };
enum sweep_fd { FD_EVENTFD, FD_CLOSED, FD_NOT_EVENTFD };

struct bad_case {
	const char *what;
	enum sweep_state state;	/* what is on when the call is made */
	__u32 index, flags, start, count;
	int argsz_adj;		/* added to the argsz the data needs */
	enum sweep_fd fd;	/* what the data's fds are */
	int want;		/* upstream's errno */
};

#define TRIG_NONE	(TRIGGER | DATA_NONE)
#define TRIG_EFD	(TRIGGER | DATA_EVENTFD)

static const struct bad_case bad_cases[] = {
	/* the header, checked before the index's handler is looked up */
	{ "index VFIO_PCI_NUM_IRQS", ST_OFF, VFIO_PCI_NUM_IRQS, TRIG_NONE,
	  0, 1, 0, FD_EVENTFD, EINVAL },
	{ "index ~0", ST_OFF, ~0u, TRIG_NONE, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "start 1 + count U32_MAX overflows", ST_OFF, INTX, TRIG_NONE,
	  1, ~0u, 0, FD_EVENTFD, EINVAL },
	{ "count U32_MAX", ST_OFF, INTX, TRIG_NONE, 0, ~0u, 0, FD_EVENTFD,
	  EINVAL },
	{ "count 2 on INTx's one line", ST_OFF, INTX, TRIG_EFD, 0, 2, 0,
	  FD_EVENTFD, EINVAL },
	{ "start 1 on INTx's one line", ST_OFF, INTX, TRIG_EFD, 1, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "count 2 on edu's one MSI vector", ST_OFF, MSI, TRIG_EFD, 0, 2, 0,
	  FD_EVENTFD, EINVAL },
	{ "MSI-X on a device without MSI-X", ST_OFF, MSIX, TRIG_EFD, 0, 1,
	  0, FD_EVENTFD, EINVAL },
	{ "ERR on a conventional PCI device", ST_OFF, ERR, TRIG_EFD, 0, 1,
	  0, FD_EVENTFD, EINVAL },
	{ "unknown flag bit 6", ST_INTX, INTX, TRIG_NONE | (1u << 6), 0, 1,
	  0, FD_EVENTFD, EINVAL },
	{ "unknown flag bit 31", ST_INTX, INTX, TRIG_NONE | (1u << 31), 0, 1,
	  0, FD_EVENTFD, EINVAL },
	{ "no data type", ST_INTX, INTX, TRIGGER, 0, 1, 0, FD_EVENTFD,
	  EINVAL },
	{ "DATA_NONE | DATA_BOOL", ST_INTX, INTX,
	  TRIGGER | DATA_NONE | DATA_BOOL, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "DATA_BOOL | DATA_EVENTFD", ST_INTX, INTX,
	  TRIGGER | DATA_BOOL | DATA_EVENTFD, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the eventfd", ST_OFF, INTX, TRIG_EFD,
	  0, 1, -1, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the bool", ST_INTX, INTX,
	  TRIGGER | DATA_BOOL, 0, 1, -1, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the header", ST_INTX, INTX, TRIG_NONE,
	  0, 1, -1, FD_EVENTFD, EINVAL },
	{ "argsz 0", ST_INTX, INTX, TRIG_NONE, 0, 1,
	  -(int)sizeof(struct vfio_irq_set), FD_EVENTFD, EINVAL },
	/* actions: none, or two, has no handler */
	{ "no action", ST_INTX, INTX, DATA_NONE, 0, 1, 0, FD_EVENTFD,
	  ENOTTY },
	{ "TRIGGER | MASK", ST_INTX, INTX, TRIG_NONE | MASK, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "MASK | UNMASK", ST_INTX, INTX, MASK | UNMASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "INTx MASK eventfd", ST_INTX, INTX, MASK | DATA_EVENTFD, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "MSI MASK", ST_MSI, MSI, MASK | DATA_NONE, 0, 1, 0, FD_EVENTFD,
	  ENOTTY },
	{ "MSI UNMASK", ST_MSI, MSI, UNMASK | DATA_NONE, 0, 1, 0, FD_EVENTFD,
	  ENOTTY },
	{ "MSI MASK while off", ST_OFF, MSI, MASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "REQ UNMASK", ST_OFF, REQ, UNMASK | DATA_NONE, 0, 1, 0, FD_EVENTFD,
	  ENOTTY },
	/* fds */
	{ "INTx trigger: closed fd", ST_OFF, INTX, TRIG_EFD, 0, 1, 0,
	  FD_CLOSED, EBADF },
	{ "INTx trigger: /dev/null", ST_OFF, INTX, TRIG_EFD, 0, 1, 0,
	  FD_NOT_EVENTFD, EINVAL },
	{ "INTx trigger swap: closed fd", ST_INTX, INTX, TRIG_EFD, 0, 1, 0,
	  FD_CLOSED, EBADF },
	{ "INTx unmask eventfd: closed fd", ST_INTX, INTX,
	  UNMASK | DATA_EVENTFD, 0, 1, 0, FD_CLOSED, EBADF },
	{ "INTx unmask eventfd: /dev/null", ST_INTX, INTX,
	  UNMASK | DATA_EVENTFD, 0, 1, 0, FD_NOT_EVENTFD, EINVAL },
	{ "MSI enable: closed fd", ST_OFF, MSI, TRIG_EFD, 0, 1, 0, FD_CLOSED,
	  EBADF },
	{ "MSI enable: /dev/null", ST_OFF, MSI, TRIG_EFD, 0, 1, 0,
	  FD_NOT_EVENTFD, EINVAL },
	{ "MSI trigger: /dev/null", ST_MSI, MSI, TRIG_EFD, 0, 1, 0,
	  FD_NOT_EVENTFD, EINVAL },
	{ "REQ trigger: closed fd", ST_OFF, REQ, TRIG_EFD, 0, 1, 0,
	  FD_CLOSED, EBADF },
	{ "REQ trigger: /dev/null", ST_OFF, REQ, TRIG_EFD, 0, 1, 0,
	  FD_NOT_EVENTFD, EINVAL },
	/* state: one of INTx, MSI, MSI-X at a time */
	{ "MSI enable while INTx is on", ST_INTX, MSI, TRIG_EFD, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "INTx enable while MSI is on", ST_MSI, INTX, TRIG_EFD, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "INTx UNMASK while off", ST_OFF, INTX, UNMASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "INTx MASK while off", ST_OFF, INTX, MASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "INTx unmask eventfd while off", ST_OFF, INTX,
	  UNMASK | DATA_EVENTFD, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "MSI loopback while INTx is on", ST_INTX, MSI, TRIG_NONE, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
};

/* A file descriptor number for @kind, -1 if it could not be made. */
static int sweep_fd(struct test_ctx *t, enum sweep_fd kind)
{
	int fd;

	switch (kind) {
	case FD_CLOSED:
		fd = efd_open(t);
		fd_close(&(int){ fd });
		return fd;
	case FD_NOT_EVENTFD:
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		check(t, fd >= 0, "open /dev/null: %s", strerror(errno));
		return fd;
	default:
		return efd_open(t);
	}
}

/* Put the device in @state, with @efd as the trigger of what is on. */
static bool sweep_enter(struct test_ctx *t, enum sweep_state state, int efd)
{
	irq_fresh(t);
	if (state == ST_INTX)
		return intx_on(t, efd);
	if (state == ST_MSI)
		return msi_on(t, efd);
	return true;
}

/*
 * A new trigger for an MSI or MSI-X vector that has one releases the old
 * one first, so the vector is left with none when the new fd is refused.
 */
static bool sweep_drops(const struct bad_case *c)
{
	return c->state == ST_MSI && c->index == MSI &&
	       c->flags == TRIG_EFD;
}

/*
 * Nothing may be on after a call refused with everything off: the
 * device's MSI enable is clear, and MSI can be turned on, which it could
 * not with INTx or MSI-X on.
 */
static void sweep_all_off(struct test_ctx *t, const struct bad_case *c,
			  int efd)
{
	int pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSI);

	if (pos > 0)
		check(t, !(phys_cfg16(t, pos + PCI_MSI_FLAGS) &
			   PCI_MSI_FLAGS_ENABLE),
		      "%s: a refused call turned the device's MSI on",
		      c->what);
	check(t, !irq_set_fd(t->d, MSI, TRIGGER, efd),
	      "%s: MSI cannot be enabled after the refused call", c->what);
	irq_disable(t->d, MSI);
}

/*
 * After a refused call, the state must be as before: what was on still
 * signals @efd on loopback, and what was off is still off. Where upstream
 * drops the old trigger, what was on is still on with no trigger.
 */
static void sweep_state_kept(struct test_ctx *t, const struct bad_case *c,
			     int efd)
{
	__u32 on = c->state == ST_INTX ? INTX : MSI;

	if (c->state == ST_OFF) {
		sweep_all_off(t, c, efd);
		return;
	}
	efd_drain(efd);
	check(t, !irq_none(t->d, on, TRIGGER, 0, 1) &&
	      (vfio_efd_wait(efd, 0) > 0) != sweep_drops(c),
	      "%s: loopback %s after the refused call", c->what,
	      sweep_drops(c) ? "still signals the old trigger" : "no longer signals");
}

static void sweep_one(struct test_ctx *t, const struct bad_case *c)
{
	int efd, fd = -1, ret, err;
	struct irq_arg a;
	__u32 i;

	efd = efd_open(t);
	if (efd < 0 || !sweep_enter(t, c->state, efd))
		goto out;
	fd = sweep_fd(t, c->fd);
	irq_arg_init(&a, c->index, c->flags, c->start, c->count);
	a.hdr.argsz += c->argsz_adj;
	for (i = 0; i < IRQ_SET_MAX; i++) {
		a.fds[i] = fd;
		if (c->flags & DATA_BOOL)
			a.bools[i] = 1;
	}
	ret = irq_ioctl(t->d, &a);
	err = errno;
	check_errno(t, ret, err, c->want, "%s", c->what);
	sweep_state_kept(t, c, efd);
out:
	if (c->fd == FD_NOT_EVENTFD)
		fd_close(&fd);
	fd_close(&efd);
}

/* ---- validation sweep (any device) ---- */

/*
 * The same for any other device, around its main type: MSI-X, else MSI,
 * else INTx. Start and count may be relative to the index's count.
 */
#define AT_MAIN		0x100u		/* index: the main type */
#define AT_N		0xffff0000u	/* the index's count */
#define AT_N1		0xffff0001u	/* the index's count + 1 */
#define AT_V		0xffff0002u	/* the vectors the test enables */

enum any_when { ANY_ALL, ANY_VEC_MAIN, ANY_INTX_MAIN };

struct any_case {
	const char *what;
	enum any_when when;	/* for which main type */
	bool on;		/* the main type on when the call is made */
	__u32 index, flags, start, count;
	int argsz_adj;
	enum sweep_fd fd;
	int want;		/* upstream's errno */
};

static const struct any_case any_cases[] = {
	{ "index VFIO_PCI_NUM_IRQS", ANY_ALL, false, VFIO_PCI_NUM_IRQS,
	  TRIG_NONE, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "index ~0", ANY_ALL, false, ~0u, TRIG_NONE, 0, 1, 0, FD_EVENTFD,
	  EINVAL },
	{ "start 1 + count U32_MAX overflows", ANY_ALL, true, AT_MAIN,
	  TRIG_NONE, 1, ~0u, 0, FD_EVENTFD, EINVAL },
	{ "count U32_MAX", ANY_ALL, true, AT_MAIN, TRIG_NONE, 0, ~0u, 0,
	  FD_EVENTFD, EINVAL },
	{ "count one past the index's count", ANY_ALL, false, AT_MAIN,
	  TRIG_EFD, 0, AT_N1, 0, FD_EVENTFD, EINVAL },
	{ "count one past the index's count, on", ANY_ALL, true, AT_MAIN,
	  TRIG_EFD, 0, AT_N1, 0, FD_EVENTFD, EINVAL },
	{ "loopback count one past the index's count", ANY_ALL, true, AT_MAIN,
	  TRIG_NONE, 0, AT_N1, 0, FD_EVENTFD, EINVAL },
	{ "start at the index's count", ANY_ALL, false, AT_MAIN, TRIG_EFD,
	  AT_N, 1, 0, FD_EVENTFD, EINVAL },
	{ "start at the index's count, on", ANY_ALL, true, AT_MAIN, TRIG_EFD,
	  AT_N, 1, 0, FD_EVENTFD, EINVAL },
	{ "loopback from the index's count", ANY_ALL, true, AT_MAIN,
	  TRIG_NONE, AT_N, 1, 0, FD_EVENTFD, EINVAL },
	{ "unknown flag bit 6", ANY_ALL, true, AT_MAIN, TRIG_NONE | (1u << 6),
	  0, 1, 0, FD_EVENTFD, EINVAL },
	{ "unknown flag bit 31", ANY_ALL, true, AT_MAIN,
	  TRIG_NONE | (1u << 31), 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "unknown flag bit 6 on an eventfd", ANY_ALL, false, AT_MAIN,
	  TRIG_EFD | (1u << 6), 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "no data type", ANY_ALL, true, AT_MAIN, TRIGGER, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "DATA_NONE | DATA_BOOL", ANY_ALL, true, AT_MAIN,
	  TRIGGER | DATA_NONE | DATA_BOOL, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "DATA_BOOL | DATA_EVENTFD", ANY_ALL, true, AT_MAIN,
	  TRIGGER | DATA_BOOL | DATA_EVENTFD, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the eventfds", ANY_ALL, false, AT_MAIN,
	  TRIG_EFD, 0, AT_V, -1, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the bools", ANY_ALL, true, AT_MAIN,
	  TRIGGER | DATA_BOOL, 0, AT_V, -1, FD_EVENTFD, EINVAL },
	{ "argsz one byte short of the header", ANY_ALL, true, AT_MAIN,
	  TRIG_NONE, 0, 1, -1, FD_EVENTFD, EINVAL },
	{ "argsz 0", ANY_ALL, true, AT_MAIN, TRIG_NONE, 0, 1,
	  -(int)sizeof(struct vfio_irq_set), FD_EVENTFD, EINVAL },
	{ "no action", ANY_ALL, true, AT_MAIN, DATA_NONE, 0, 1, 0, FD_EVENTFD,
	  ENOTTY },
	{ "TRIGGER | MASK", ANY_ALL, true, AT_MAIN, TRIG_NONE | MASK, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "MASK | UNMASK", ANY_ALL, true, AT_MAIN, MASK | UNMASK | DATA_NONE,
	  0, 1, 0, FD_EVENTFD, ENOTTY },
	{ "enable with a closed fd", ANY_ALL, false, AT_MAIN, TRIG_EFD, 0, 1,
	  0, FD_CLOSED, EBADF },
	{ "enable with /dev/null", ANY_ALL, false, AT_MAIN, TRIG_EFD, 0, 1, 0,
	  FD_NOT_EVENTFD, EINVAL },
	{ "trigger swap to a closed fd", ANY_ALL, true, AT_MAIN, TRIG_EFD, 0,
	  1, 0, FD_CLOSED, EBADF },
	{ "trigger swap to /dev/null", ANY_ALL, true, AT_MAIN, TRIG_EFD, 0, 1,
	  0, FD_NOT_EVENTFD, EINVAL },
	{ "loopback while off", ANY_ALL, false, AT_MAIN, TRIG_NONE, 0, 1, 0,
	  FD_EVENTFD, EINVAL },
	{ "DATA_BOOL loopback while off", ANY_ALL, false, AT_MAIN,
	  TRIGGER | DATA_BOOL, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "disable while off", ANY_ALL, false, AT_MAIN, TRIG_NONE, 0, 0, 0,
	  FD_EVENTFD, EINVAL },
	{ "REQ count 2", ANY_ALL, true, REQ, TRIG_EFD, 0, 2, 0, FD_EVENTFD,
	  EINVAL },
	{ "REQ start 1", ANY_ALL, true, REQ, TRIG_EFD, 1, 1, 0, FD_EVENTFD,
	  EINVAL },
	/* MSI and MSI-X vectors are not maskable through VFIO: no handler */
	{ "MASK", ANY_VEC_MAIN, true, AT_MAIN, MASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "MASK of all vectors", ANY_VEC_MAIN, true, AT_MAIN,
	  MASK | DATA_NONE, 0, AT_V, 0, FD_EVENTFD, ENOTTY },
	{ "MASK with DATA_BOOL", ANY_VEC_MAIN, true, AT_MAIN,
	  MASK | DATA_BOOL, 0, 1, 0, FD_EVENTFD, ENOTTY },
	{ "MASK eventfd", ANY_VEC_MAIN, true, AT_MAIN, MASK | DATA_EVENTFD, 0,
	  1, 0, FD_EVENTFD, ENOTTY },
	{ "UNMASK", ANY_VEC_MAIN, true, AT_MAIN, UNMASK | DATA_NONE, 0, 1, 0,
	  FD_EVENTFD, ENOTTY },
	{ "UNMASK eventfd", ANY_VEC_MAIN, true, AT_MAIN,
	  UNMASK | DATA_EVENTFD, 0, 1, 0, FD_EVENTFD, ENOTTY },
	{ "MASK while off", ANY_VEC_MAIN, false, AT_MAIN, MASK | DATA_NONE,
	  0, 1, 0, FD_EVENTFD, ENOTTY },
	/* INTx masking exists, of an enabled line only */
	{ "MASK while off", ANY_INTX_MAIN, false, AT_MAIN, MASK | DATA_NONE,
	  0, 1, 0, FD_EVENTFD, EINVAL },
	{ "UNMASK while off", ANY_INTX_MAIN, false, AT_MAIN,
	  UNMASK | DATA_NONE, 0, 1, 0, FD_EVENTFD, EINVAL },
	{ "MASK eventfd", ANY_INTX_MAIN, true, AT_MAIN, MASK | DATA_EVENTFD,
	  0, 1, 0, FD_EVENTFD, ENOTTY },
};

/*
 * A new trigger for an MSI or MSI-X vector releases the old one first: a
 * refused new eventfd leaves the vector without a trigger (as upstream).
 */
static bool any_drops(const struct any_case *c, __u32 main)
{
	return c->on && c->index == AT_MAIN && main != INTX &&
	       c->flags == TRIG_EFD && c->fd != FD_EVENTFD;
}

static __u32 any_value(__u32 v, int count, int vecs)
{
	switch (v) {
	case AT_N:
		return count;
	case AT_N1:
		return count + 1;
	case AT_V:
		return vecs;
	default:
		return v;
	}
}

/*
 * Nothing may be on after a call refused with everything off: neither MSI
 * nor MSI-X on in the device, and the main type can be turned on, which
 * it could not with another type on.
 */
static void any_all_off(struct test_ctx *t, const char *what, __u32 main,
			const int *fds, int n)
{
	int pos;

	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSI);
	check(t, pos <= 0 || !dev_vec_on(t, MSI, pos),
	      "%s: MSI on in the device after the refused call", what);
	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSIX);
	check(t, pos <= 0 || !dev_vec_on(t, MSIX, pos),
	      "%s: MSI-X on in the device after the refused call", what);
	check(t, !irq_set_fds(t->d, main, TRIGGER, 0, n, fds),
	      "%s: %s cannot be enabled after the refused call", what,
	      index_name(main));
	irq_disable(t->d, main);
}

/*
 * With the main type on, a refused call must leave it on with every
 * vector's trigger, but for the one a refused new trigger dropped.
 */
static void any_all_kept(struct test_ctx *t, const char *what, __u32 main,
			 const int *fds, int n, int dropped)
{
	long got;
	int i;

	if (check_ok(t, irq_none(t->d, main, TRIGGER, 0, n),
		     "%s: loopback after the refused call", what))
		return;
	for (i = 0; i < n; i++) {
		got = vfio_efd_wait(fds[i], i == dropped ? 0 : FIRE_MS);
		check(t, (got > 0) == (i != dropped),
		      "%s: vector %d %s after the refused call", what, i,
		      i == dropped ? "still has the trigger a refused one should have replaced" :
		      "no longer signals on loopback");
	}
}

static void any_one(struct test_ctx *t, __u32 main, int count, int n,
		    const struct any_case *c)
{
	__u32 index = c->index == AT_MAIN ? main : c->index;
	int fds[IRQ_SET_MAX], fd = -1, ret, err, i, icount;
	struct irq_arg a;
	char what[128];

	snprintf(what, sizeof(what), "%s: %s",
		 index_name(c->index == AT_MAIN ? main : c->index), c->what);
	icount = index == main ? count : irq_count_of(t->d, index);
	irq_fresh(t);
	fds_open(t, fds, n);
	if (t->fails || (c->on && !vec_on(t, main, fds, n)))
		goto out;
	fd = sweep_fd(t, c->fd);
	irq_arg_init(&a, index, c->flags, any_value(c->start, icount, n),
		     any_value(c->count, icount, n));
	a.hdr.argsz += c->argsz_adj;
	for (i = 0; i < IRQ_SET_MAX; i++) {
		if (c->flags & DATA_BOOL)
			a.bools[i] = 1;
		else
			a.fds[i] = fd;
	}
	ret = irq_ioctl(t->d, &a);
	err = errno;
	check_errno(t, ret, err, c->want, "%s", what);
	if (c->on)
		any_all_kept(t, what, main, fds, n,
			     any_drops(c, main) ? (int)a.hdr.start : -1);
	else
		any_all_off(t, what, main, fds, n);
out:
	if (c->fd == FD_NOT_EVENTFD)
		fd_close(&fd);
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, n);
}

/*
 * The other types: one the device lacks refuses everything (EINVAL);
 * one it has cannot be enabled, nor looped back, while the main is on.
 */
static void any_others(struct test_ctx *t, __u32 main, int count, int n)
{
	struct any_case c = { .fd = FD_EVENTFD, .want = EINVAL };
	char what[96];
	__u32 index;

	for (index = INTX; index <= ERR; index++) {
		if (index == main)
			continue;
		c.index = index;
		c.what = what;
		c.start = 0;
		c.count = 1;
		if (irq_count_of(t->d, index) <= 0) {
			snprintf(what, sizeof(what), "%s, which has count 0",
				 "enable");
			c.on = false;
			c.flags = TRIG_EFD;
			any_one(t, main, count, n, &c);
			c.on = true;
			c.flags = TRIG_NONE;
			snprintf(what, sizeof(what), "%s, which has count 0",
				 "loopback");
			any_one(t, main, count, n, &c);
		} else if (index != ERR) {
			snprintf(what, sizeof(what), "enable while %s is on",
				 index_name(main));
			c.on = true;
			c.flags = TRIG_EFD;
			any_one(t, main, count, n, &c);
			snprintf(what, sizeof(what), "loopback while %s is on",
				 index_name(main));
			c.flags = TRIG_NONE;
			any_one(t, main, count, n, &c);
		}
	}
}

/*
 * Every malformed or out-of-place SET_IRQS on the main type of any device
 * gets upstream's errno and changes nothing; afterwards each vector of it
 * still signals its own eventfd.
 */
static void bad_set_irqs_any(struct test_ctx *t)
{
	__u32 main = MSIX;
	int count, n, i, ret;
	int fds[IRQ_SET_MAX];
	size_t k;

	while ((count = irq_count_of(t->d, main)) <= 0 && main > INTX)
		main--;
	if (count <= 0) {
		t->skip = "no INTx, MSI or MSI-X (GET_IRQ_INFO counts 0)";
		return;
	}
	n = vec_count(t, main);
	ktap_diag("%s: around %s, %d vector(s)", t->name, index_name(main), n);
	for (k = 0; k < ARRAY_SIZE(any_cases); k++) {
		enum any_when w = any_cases[k].when;

		if (w == ANY_ALL || (w == ANY_VEC_MAIN && main != INTX) ||
		    (w == ANY_INTX_MAIN && main == INTX))
			any_one(t, main, count, n, &any_cases[k]);
	}
	any_others(t, main, count, n);
	ret = ioctl(t->d->device_fd, VFIO_DEVICE_SET_IRQS, NULL);
	check_errno(t, ret, errno, EFAULT, "SET_IRQS with a NULL argument");

	memset(fds, -1, sizeof(fds));
	fds_open(t, fds, n);
	if (!t->fails && vec_on(t, main, fds, n)) {
		for (i = 0; i < n; i++)
			loop_vector(t, main, fds, n, i);
		set_ok(t, irq_disable(t->d, main), "disable after the sweep");
	}
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fds_close(fds, n);
}

/*
 * Every malformed or out-of-place SET_IRQS gets upstream's errno and
 * changes nothing; afterwards INTx and MSI still deliver interrupts.
 */
static void test_bad_set_irqs(struct test_ctx *t)
{
	int efd, ret;
	size_t i;

	if (dev_kind != DEV_EDU) {
		bad_set_irqs_any(t);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++)
		sweep_one(t, &bad_cases[i]);
	ret = ioctl(t->d->device_fd, VFIO_DEVICE_SET_IRQS, NULL);
	check_errno(t, ret, errno, EFAULT, "SET_IRQS with a NULL argument");

	irq_fresh(t);
	efd = efd_open(t);
	if (efd < 0)
		return;
	if (intx_on(t, efd))
		intx_cycle(t, efd, 1, "INTx after the sweep");
	irq_fresh(t);
	if (msi_on(t, efd))
		msi_cycle(t, efd, -1, 2, "MSI after the sweep");
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fd_close(&efd);
}

/* ---- DMA (edu) ---- */

/*
 * One transfer of edu's DMA engine between @src and @dst (device
 * addresses), with an interrupt at the end: the MSI must come, the status
 * must say DMA, and the engine must be idle again.
 */
static void edu_dma(struct test_ctx *t, __u32 src, __u32 dst, __u32 dir,
		    int efd, const char *what)
{
	__u32 status;

	bar0_write(t, EDU_REG_DMA_SRC, src);
	bar0_write(t, EDU_REG_DMA_DST, dst);
	bar0_write(t, EDU_REG_DMA_COUNT, EDU_DMA_XFER);
	bar0_write(t, EDU_REG_DMA_CMD, EDU_DMA_START | EDU_DMA_IRQ | dir);
	if (expect_fire(t, efd, what))
		return;
	status = bar0_read(t, EDU_REG_IRQ_STATUS);
	check(t, status & EDU_DMA_IRQ_VALUE,
	      "%s: interrupt status 0x%x lacks the DMA bit", what, status);
	edu_ack(t, status);
	check(t, !(bar0_read(t, EDU_REG_DMA_CMD) & EDU_DMA_START),
	      "%s: DMA engine still running after its interrupt", what);
}

static void dma_compare(struct test_ctx *t, const __u8 *want,
			const __u8 *got, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (want[i] != got[i])
			break;
	check(t, i == len, "DMA copy differs at byte %zu: 0x%02x, expected 0x%02x",
	      i, i < len ? got[i] : 0, i < len ? want[i] : 0);
}

/*
 * Map two pages at DMA_IOVA (type1 on the group path, the IOAS on the
 * cdev path), have edu copy the first page into its buffer and back into
 * the second page, each transfer ending with an MSI; compare the copy.
 */
static void test_dma(struct test_ctx *t)
{
	const __u32 half = EDU_DMA_BUF_SIZE;
	__u8 *buf;
	int efd = -1, ret;
	size_t i;

	if (!need_edu(t))
		return;
	irq_fresh(t);
	buf = vfio_dma_buf_alloc(DMA_LEN);
	if (check(t, buf, "allocating %d bytes", DMA_LEN))
		return;
	for (i = 0; i < half; i++)
		buf[i] = (__u8)(i * 7 + 3 + t->d->mode);
	ret = vfio_dma_map(t->d, buf, DMA_LEN, DMA_IOVA);
	if (check_ok(t, ret, "mapping %d bytes at IOVA 0x%llx", DMA_LEN,
		     DMA_IOVA))
		goto out;
	efd = efd_open(t);
	if (efd >= 0 && msi_on(t, efd)) {
		edu_dma(t, DMA_IOVA, EDU_DMA_BUF, 0, efd, "DMA RAM -> edu");
		edu_dma(t, EDU_DMA_BUF, DMA_IOVA + half, EDU_DMA_TO_RAM, efd,
			"DMA edu -> RAM");
		dma_compare(t, buf, buf + half, EDU_DMA_XFER);
		check(t, !buf[half + EDU_DMA_XFER],
		      "DMA wrote past the %d bytes asked", EDU_DMA_XFER);
	}
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	check_ok(t, vfio_dma_unmap(t->d, DMA_IOVA, DMA_LEN),
		 "unmapping IOVA 0x%llx", DMA_IOVA);
out:
	fd_close(&efd);
	vfio_dma_buf_free(buf, DMA_LEN);
}

/* ---- stress ---- */

struct stress {
	struct vfio_dev *d;
	atomic_bool stop;
	atomic_int bad;
	atomic_long ops;
	atomic_long signals;
	bool can_reset;
	int trig[2], unmask_fd, msi_fd;
	/* any device: its main type (MSI-X or MSI), n vectors */
	__u32 main;
	int n, vfds[IRQ_SET_MAX];
	char first[192];
};

static void stress_bad(struct stress *s, const char *what, int err)
{
	if (atomic_fetch_add(&s->bad, 1) == 0)
		snprintf(s->first, sizeof(s->first), "%s: %s (errno %d)",
			 what, strerror(err), err);
}

/* A racing SET_IRQS may find the other index on (EINVAL): nothing else. */
static void stress_irq(struct stress *s, int ret, const char *what)
{
	atomic_fetch_add(&s->ops, 1);
	if (ret && ret != -EINVAL)
		stress_bad(s, what, -ret);
}

static void *stress_intx(void *arg)
{
	struct stress *s = arg;
	unsigned int i = 0;
	int ret;

	while (!atomic_load(&s->stop)) {
		stress_irq(s, irq_set_fd(s->d, INTX, TRIGGER, s->trig[i & 1]),
			   "INTx trigger");
		/* EBUSY: the unmask eventfd is still registered */
		ret = irq_set_fd(s->d, INTX, UNMASK, s->unmask_fd);
		stress_irq(s, ret == -EBUSY ? 0 : ret, "INTx unmask eventfd");
		stress_irq(s, irq_none(s->d, INTX, UNMASK, 0, 1),
			   "INTx UNMASK");
		if (++i % 4 == 0)
			stress_irq(s, irq_disable(s->d, INTX), "INTx disable");
	}
	return NULL;
}

static void *stress_msi(void *arg)
{
	struct stress *s = arg;

	while (!atomic_load(&s->stop)) {
		stress_irq(s, irq_set_fds(s->d, MSI, TRIGGER, 0, 1, &s->msi_fd),
			   "MSI enable");
		usleep(1000);
		stress_irq(s, irq_disable(s->d, MSI), "MSI disable");
	}
	return NULL;
}

/* INTx-disable toggled through config space, bus master kept on */
static void *stress_cmd(void *arg)
{
	struct stress *s = arg;
	unsigned int i = 0;
	__u32 cmd;
	int ret;

	while (!atomic_load(&s->stop)) {
		ret = vfio_cfg_read(s->d, PCI_COMMAND, 2, &cmd);
		if (!ret) {
			cmd |= PCI_COMMAND_MASTER;
			cmd ^= (i++ & 1) ? 0 : PCI_COMMAND_INTX_DISABLE;
			ret = vfio_cfg_write(s->d, PCI_COMMAND, 2, cmd);
		}
		if (ret)
			stress_bad(s, "command register", -ret);
		usleep(500);
	}
	return NULL;
}

/* Count what @fd received since the last call. */
static void stress_drain(struct stress *s, int fd)
{
	__u64 v;

	if (read(fd, &v, sizeof(v)) == sizeof(v))
		atomic_fetch_add(&s->signals, (long)v);
}

/* the unmask eventfd written, and the triggers drained */
static void *stress_kick(void *arg)
{
	struct stress *s = arg;
	int i;

	while (!atomic_load(&s->stop)) {
		efd_kick(s->unmask_fd);
		stress_drain(s, s->trig[0]);
		stress_drain(s, s->trig[1]);
		stress_drain(s, s->msi_fd);
		for (i = 0; i < s->n; i++)
			stress_drain(s, s->vfds[i]);
		usleep(200);
	}
	return NULL;
}

/* VFIO_DEVICE_RESET: 0, or EAGAIN when the device lock is busy */
static void *stress_reset(void *arg)
{
	struct stress *s = arg;

	while (s->can_reset && !atomic_load(&s->stop)) {
		if (ioctl(s->d->device_fd, VFIO_DEVICE_RESET) &&
		    errno != EAGAIN)
			stress_bad(s, "VFIO_DEVICE_RESET", errno);
		usleep(50 * 1000);
	}
	return NULL;
}

static void *stress_raise(void *arg)
{
	struct stress *s = arg;
	int ret;

	while (!atomic_load(&s->stop)) {
		ret = vfio_bar_write32(s->d, 0, EDU_REG_IRQ_RAISE, 1);
		if (!ret)
			ret = vfio_bar_write32(s->d, 0, EDU_REG_IRQ_ACK, 1);
		if (ret)
			stress_bad(s, "edu raise/ack", -ret);
		usleep(100);
	}
	return NULL;
}

static void stress_watchdog(int sig)
{
	static const char msg[] = "Bail out! stress test hung\n";

	(void)sig;
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(2);
	_exit(1);
}

static bool stress_open_fds(struct test_ctx *t, struct stress *s)
{
	s->trig[0] = efd_open(t);
	s->trig[1] = efd_open(t);
	s->unmask_fd = efd_open(t);
	s->msi_fd = efd_open(t);
	return !t->fails;
}

static void stress_close_fds(struct stress *s)
{
	fd_close(&s->trig[0]);
	fd_close(&s->trig[1]);
	fd_close(&s->unmask_fd);
	fd_close(&s->msi_fd);
}

/* Run the @nfns threads @fns on @s for STRESS_SECONDS. */
static void stress_run(struct test_ctx *t, struct stress *s,
		       void *(*const *fns)(void *), size_t nfns)
{
	pthread_t th[8];
	size_t i, n = 0;

	assert(nfns <= ARRAY_SIZE(th));
	signal(SIGALRM, stress_watchdog);
	alarm(STRESS_WATCHDOG);
	for (i = 0; i < nfns; i++) {
		if (check(t, !pthread_create(&th[n], NULL, fns[i], s),
			  "pthread_create"))
			break;
		n++;
	}
	sleep(STRESS_SECONDS);
	atomic_store(&s->stop, true);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
}

/* Any device: its main type on, looped back, a trigger swapped, off. */
static void *stress_vec(void *arg)
{
	struct stress *s = arg;
	unsigned int i = 0;

	while (!atomic_load(&s->stop)) {
		stress_irq(s, irq_set_fds(s->d, s->main, TRIGGER, 0, s->n,
					  s->vfds), "vectors on");
		stress_irq(s, irq_none(s->d, s->main, TRIGGER, 0, s->n),
			   "loopback");
		stress_irq(s, irq_set_fds(s->d, s->main, TRIGGER, 0, 1,
					  &s->trig[i++ & 1]), "trigger swap");
		usleep(1000);
		stress_irq(s, irq_disable(s->d, s->main), "vectors off");
	}
	return NULL;
}

/*
 * The stress for any device with MSI-X or MSI: threads race its vectors
 * on and off, loopback and trigger swaps, INTx triggers and unmasking
 * where it has INTx, INTx-disable writes and device resets. Pass: no
 * unexpected errno, no hang, and afterwards every vector, and INTx, still
 * signal their own eventfds.
 */
static void stress_any(struct test_ctx *t)
{
	void *(*fns[5])(void *) = { stress_vec, stress_cmd, stress_kick,
				    stress_reset };
	struct vfio_device_info info;
	struct stress s = { .d = t->d, .main = MSIX };
	size_t nfns = 4;
	int efd = -1, i;
	bool intx;

	s.n = irq_count_of(t->d, MSIX);
	if (s.n <= 0) {
		s.main = MSI;
		s.n = irq_count_of(t->d, MSI);
	}
	if (s.n <= 0) {
		t->skip = "no MSI or MSI-X (GET_IRQ_INFO counts 0)";
		return;
	}
	s.n = vec_count(t, s.main);
	intx = irq_count_of(t->d, INTX) > 0;
	if (intx)
		fns[nfns++] = stress_intx;
	irq_fresh(t);
	if (!check_ok(t, vfio_device_info(t->d, &info), "GET_INFO"))
		s.can_reset = info.flags & VFIO_DEVICE_FLAGS_RESET;
	ktap_diag("%s: %s with %d vector(s)%s%s", t->name,
		  index_name(s.main), s.n, intx ? ", INTx" : "",
		  s.can_reset ? ", resets" : ", no VFIO_DEVICE_FLAGS_RESET");
	fds_open(t, s.vfds, s.n);
	if (stress_open_fds(t, &s) && !cmd_update(t, PCI_COMMAND_MASTER, 0))
		stress_run(t, &s, fns, nfns);
	ktap_diag("%s: %ld SET_IRQS calls, %ld signals", t->name,
		  atomic_load(&s.ops), atomic_load(&s.signals));
	check(t, !atomic_load(&s.bad), "%d unexpected results, first: %s",
	      atomic_load(&s.bad), s.first);
	stress_close_fds(&s);

	/* what the last loopbacks signalled after the last drain */
	irq_fresh(t);
	for (i = 0; i < s.n; i++)
		efd_drain(s.vfds[i]);
	if (vec_on(t, s.main, s.vfds, s.n)) {
		for (i = 0; i < s.n; i++)
			loop_vector(t, s.main, s.vfds, s.n, i);
		set_ok(t, irq_disable(t->d, s.main), "disable after the stress");
	}
	efd = efd_open(t);
	if (intx && efd >= 0 && intx_on(t, efd)) {
		loop_vector(t, INTX, &efd, 1, 0);
		set_ok(t, irq_disable(t->d, INTX), "INTx off after the stress");
	}
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fd_close(&efd);
	fds_close(s.vfds, s.n);
}

/*
 * Threads race INTx trigger swaps, unmask eventfd registration and
 * writes, MSI enable/disable, INTx-disable writes and device resets while
 * edu keeps raising interrupts. Pass: no unexpected errno, no hang, and
 * afterwards INTx and MSI each deliver a clean interrupt.
 */
static void test_stress(struct test_ctx *t)
{
	void *(*const fns[])(void *) = {
		stress_intx, stress_msi, stress_cmd, stress_kick,
		stress_reset, stress_raise,
	};
	struct vfio_device_info info;
	struct stress s = { .d = t->d };
	int efd;

	if (dev_kind != DEV_EDU) {
		stress_any(t);
		return;
	}
	irq_fresh(t);
	if (!check_ok(t, vfio_device_info(t->d, &info), "GET_INFO"))
		s.can_reset = info.flags & VFIO_DEVICE_FLAGS_RESET;
	if (!s.can_reset)
		ktap_diag("%s: no VFIO_DEVICE_FLAGS_RESET, no resets", t->name);
	if (stress_open_fds(t, &s))
		stress_run(t, &s, fns, ARRAY_SIZE(fns));
	ktap_diag("%s: %ld SET_IRQS calls, %ld interrupts signalled", t->name,
		  atomic_load(&s.ops), atomic_load(&s.signals));
	check(t, !atomic_load(&s.bad), "%d unexpected results, first: %s",
	      atomic_load(&s.bad), s.first);
	stress_close_fds(&s);

	irq_fresh(t);
	efd = efd_open(t);
	if (efd >= 0 && intx_on(t, efd))
		intx_cycle(t, efd, 1, "INTx after the stress");
	irq_fresh(t);
	if (efd >= 0 && msi_on(t, efd))
		msi_cycle(t, efd, -1, 2, "MSI after the stress");
	irq_fresh(t);
	cmd_update(t, 0, PCI_COMMAND_MASTER);
	fd_close(&efd);
}

/* ---- ioeventfds ---- */

#define EDU_REG_LIVENESS	0x04	/* reads back the inverse of a write */
#define IOEVENTFD_MAX		1000	/* per device, as upstream */

/* VFIO_DEVICE_IOEVENTFD on @bar at @off; 0 or -errno. */
static int ioeventfd(struct vfio_dev *d, int bar, __u64 off, __u32 size,
		     __u64 data, __s32 fd)
{
	struct vfio_device_ioeventfd arg = {
		.argsz = sizeof(arg),
		.flags = size,
		.offset = ((__u64)(VFIO_PCI_BAR0_REGION_INDEX + bar) << 40) + off,
		.data = data,
		.fd = fd,
	};

	return ioctl(d->device_fd, VFIO_DEVICE_IOEVENTFD, &arg) ? -errno : 0;
}

/* Signal @efd and check the liveness register took @data's write. */
static void ioeventfd_fires(struct test_ctx *t, int efd, __u32 data,
			    const char *when)
{
	__u32 got = 0;
	int i;

	check(t, efd_kick(efd), "signalling the ioeventfd %s", when);
	/* the write is made by the kernel, soon but not at once */
	for (i = 0; i < 100 && got != ~data; i++) {
		got = bar0_read(t, EDU_REG_LIVENESS);
		if (got != ~data)
			usleep(10000);
	}
	check(t, got == ~data,
	      "ioeventfd %s: liveness reads 0x%08x, expected 0x%08x", when,
	      got, ~data);
}

static void check_ioeventfd_errnos(struct test_ctx *t, int efd)
{
	static const struct {
		int bar;
		__u64 off;
		__u32 size;
		__s32 fd;	/* 0 for the test's eventfd */
		int want;
		const char *what;
	} bad[] = {
		{ 0, EDU_REG_LIVENESS, 4, -2, -EINVAL, "fd -2" },
		{ 0, EDU_REG_LIVENESS, 0, 0, -EINVAL, "no size" },
		{ 0, EDU_REG_LIVENESS, 3, 0, -EINVAL, "two sizes" },
		{ 0, EDU_REG_LIVENESS, 16, 0, -EINVAL, "unknown flag" },
		{ 0, (1 << 20) - 2, 4, 0, -EINVAL, "past the end of BAR0" },
		{ 7, 0, 4, 0, -EINVAL, "the config region" },
		{ 0, EDU_REG_LIVENESS, 4, 999, -EBADF, "a closed fd" },
		{ 0, 0x10, 4, -1, -ENODEV, "removing what is not there" },
	};
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = ioeventfd(t->d, bad[i].bar, bad[i].off, bad[i].size, 1,
				bad[i].fd ?: efd);
		check(t, ret == bad[i].want, "ioeventfd with %s: %d, expected %d",
		      bad[i].what, ret, bad[i].want);
	}
}

/* Fill the device's ioeventfds up to the limit: one more is ENOSPC. */
static void check_ioeventfd_limit(struct test_ctx *t, int efd)
{
	int i, ret = 0;

	for (i = 0; i < IOEVENTFD_MAX && !ret; i++)
		ret = ioeventfd(t->d, 0, 0x10, 4, i, efd);
	check(t, !ret, "ioeventfd %d of %d: %d", i, IOEVENTFD_MAX, ret);
	ret = ioeventfd(t->d, 0, 0x10, 4, IOEVENTFD_MAX, efd);
	check(t, ret == -ENOSPC, "ioeventfd past the limit: %d, expected %d",
	      ret, -ENOSPC);
	for (i = 0; i < IOEVENTFD_MAX; i++)
		ioeventfd(t->d, 0, 0x10, 4, i, -1);
}

/*
 * A BAR for ioeventfds on any device, from config space and region info:
 * the MSI-X table's, else the first BAR with a region. Sets *@bar, its
 * *@size, and the MSI-X table's *@table offset and *@tsize (0 when the
 * BAR has no table). False when the device has no BAR at all.
 */
static bool ioeventfd_bar(struct test_ctx *t, int *bar, __u64 *size,
			  __u64 *table, __u64 *tsize)
{
	struct vfio_region_info ri;
	int pos, i;
	__u32 v = 0, flags = 0;

	*table = 0;
	*tsize = 0;
	*bar = -1;
	pos = vfio_cfg_find_cap(t->d, PCI_CAP_ID_MSIX);
	if (pos > 0 &&
	    !vfio_cfg_read(t->d, pos + PCI_MSIX_TABLE, 4, &v) &&
	    !vfio_cfg_read(t->d, pos + PCI_MSIX_FLAGS, 2, &flags) &&
	    (v & PCI_MSIX_TABLE_BIR) <= 5) {
		*bar = v & PCI_MSIX_TABLE_BIR;
		*table = v & PCI_MSIX_TABLE_OFFSET;
		*tsize = ((flags & PCI_MSIX_FLAGS_QSIZE) + 1) *
			 PCI_MSIX_ENTRY_SIZE;
	}
	for (i = *bar < 0 ? 0 : *bar; i <= 5; i++) {
		if (vfio_region_info(t->d, VFIO_PCI_BAR0_REGION_INDEX + i, &ri) ||
		    ri.size < 8)
			continue;
		*bar = i;
		*size = ri.size;
		return true;
	}
	return false;
}

/*
 * Any other device: an ioeventfd over its MSI-X table is refused, one
 * beside it binds (once: the same again is EEXIST) and unbinds (once:
 * ENODEV after), and bad arguments get upstream's errnos. Nothing is
 * ever signalled, so nothing is written to the device.
 */
static void ioeventfd_any(struct test_ctx *t)
{
	__u64 size, table, tsize, off;
	int bar, efd, ret;

	if (!ioeventfd_bar(t, &bar, &size, &table, &tsize)) {
		t->skip = "no BAR for an ioeventfd";
		return;
	}
	ktap_diag("%s: BAR%d, 0x%llx bytes, MSI-X table at 0x%llx, 0x%llx bytes",
		  t->name, bar, (unsigned long long)size,
		  (unsigned long long)table, (unsigned long long)tsize);
	efd = efd_open(t);
	if (efd < 0)
		return;
	if (tsize) {
		ret = ioeventfd(t->d, bar, table, 4, 1, efd);
		check(t, ret == -EINVAL,
		      "ioeventfd at the start of the MSI-X table: %d, expected %d",
		      ret, -EINVAL);
		ret = ioeventfd(t->d, bar, table + tsize - 4, 4, 1, efd);
		check(t, ret == -EINVAL,
		      "ioeventfd on the last dword of the MSI-X table: %d, expected %d",
		      ret, -EINVAL);
		ret = ioeventfd(t->d, bar, table + tsize - 2, 4, 1, efd);
		check(t, ret == -EINVAL,
		      "ioeventfd across the end of the MSI-X table: %d, expected %d",
		      ret, -EINVAL);
	}
	/* beside the table: before it if there is room, else after it */
	off = !tsize ? 0 : table >= 8 ? table - 8 : table + tsize;
	if (check(t, off + 8 <= size, "no room for an ioeventfd in BAR%d", bar))
		goto out;
	check_ok(t, ioeventfd(t->d, bar, off, 4, 0x1234, efd),
		 "binding an ioeventfd at BAR%d+0x%llx", bar,
		 (unsigned long long)off);
	ret = ioeventfd(t->d, bar, off, 4, 0x1234, efd);
	check(t, ret == -EEXIST, "the same ioeventfd twice: %d", ret);
	check_ok(t, ioeventfd(t->d, bar, off, 4, 0x1234, -1),
		 "removing the ioeventfd");
	ret = ioeventfd(t->d, bar, off, 4, 0x1234, -1);
	check(t, ret == -ENODEV, "removing it again: %d", ret);

	{
		static const struct {
			__u32 size;
			__s32 fd;	/* 0 for the test's eventfd */
			int want;
			const char *what;
		} bad[] = {
			{ 4, -2, -EINVAL, "fd -2" },
			{ 0, 0, -EINVAL, "no size" },
			{ 3, 0, -EINVAL, "two sizes" },
			{ 16, 0, -EINVAL, "unknown flag" },
			{ 4, 999, -EBADF, "a closed fd" },
		};
		size_t i;

		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			ret = ioeventfd(t->d, bar, off, bad[i].size, 1,
					bad[i].fd ?: efd);
			check(t, ret == bad[i].want,
			      "ioeventfd with %s: %d, expected %d",
			      bad[i].what, ret, bad[i].want);
		}
	}
	ret = ioeventfd(t->d, bar, size - 2, 4, 1, efd);
	check(t, ret == -EINVAL, "ioeventfd past the end of BAR%d: %d", bar,
	      ret);
	ret = ioeventfd(t->d, VFIO_PCI_CONFIG_REGION_INDEX, 0, 4, 1, efd);
	check(t, ret == -EINVAL, "ioeventfd on the config region: %d", ret);
	ret = ioeventfd(t->d, bar, off + 4, 4, 1, -1);
	check(t, ret == -ENODEV, "removing an ioeventfd never bound: %d", ret);
out:
	fd_close(&efd);
}

/*
 * edu: a bound eventfd writes the liveness register; the same binding
 * twice is EEXIST, removal works once; every size binds; bad arguments
 * get upstream's errnos; the per-device limit is ENOSPC; while memory is
 * disabled a signal writes nothing. e1000e: the MSI-X table is refused.
 */
static void test_ioeventfd(struct test_ctx *t)
{
	static const __u32 sizes[] = { 1, 2, 4, 8 };
	int efd, ret;
	size_t i;

	if (dev_kind == DEV_E1000E) {
		/* its table is at the start of BAR3 */
		ret = ioeventfd(t->d, 3, 0, 4, 1, 0);
		check(t, ret == -EINVAL,
		      "ioeventfd over the MSI-X table: %d, expected %d", ret,
		      -EINVAL);
		return;
	}
	if (dev_kind != DEV_EDU) {
		ioeventfd_any(t);
		return;
	}
	efd = efd_open(t);
	if (efd < 0)
		return;
	check_ok(t, ioeventfd(t->d, 0, EDU_REG_LIVENESS, 4, 0x1234, efd),
		 "binding an ioeventfd to the liveness register");
	ioeventfd_fires(t, efd, 0x1234, "with memory enabled");
	ret = ioeventfd(t->d, 0, EDU_REG_LIVENESS, 4, 0x1234, efd);
	check(t, ret == -EEXIST, "the same ioeventfd twice: %d", ret);

	bar0_write(t, EDU_REG_LIVENESS, 0x5678);
	cmd_update(t, 0, PCI_COMMAND_MEMORY);
	check(t, efd_kick(efd), "signalling with memory disabled");
	usleep(QUIET_MS * 1000);
	cmd_update(t, PCI_COMMAND_MEMORY, 0);
	check(t, bar0_read(t, EDU_REG_LIVENESS) == ~0x5678u,
	      "a signal with memory disabled wrote the device");

	check_ok(t, ioeventfd(t->d, 0, EDU_REG_LIVENESS, 4, 0x1234, -1),
		 "removing the ioeventfd");
	ret = ioeventfd(t->d, 0, EDU_REG_LIVENESS, 4, 0x1234, -1);
	check(t, ret == -ENODEV, "removing it again: %d", ret);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ret = ioeventfd(t->d, 0, 0x10, sizes[i], 1, efd);
		if (!check_ok(t, ret, "a %u-byte ioeventfd", sizes[i]))
			ioeventfd(t->d, 0, 0x10, sizes[i], 1, -1);
	}
	check_ioeventfd_errnos(t, efd);
	check_ioeventfd_limit(t, efd);
	fd_close(&efd);
}

static const struct test tests[] = {
	{ "irq_info", test_irq_info },
	{ "intx_trigger", test_intx_trigger },
	{ "intx_retrigger", test_intx_retrigger },
	{ "intx_mask", test_intx_mask },
	{ "intx_unmask_eventfd", test_intx_unmask_eventfd },
	{ "intx_disable_bit", test_intx_disable_bit },
	{ "intx_loopback", test_intx_loopback },
	{ "msi", test_msi },
	{ "msi_config_view", test_msi_config_view },
	{ "msix_info", test_msix_info },
	{ "msix_config_view", test_msix_config_view },
	{ "msix_vectors", test_msix_vectors },
	{ "msix_dynamic", test_msix_dynamic },
	{ "err_req", test_err_req },
	{ "bad_set_irqs", test_bad_set_irqs },
	{ "dma", test_dma },
	{ "stress", test_stress },
	{ "ioeventfd", test_ioeventfd },
	/* last: it unbinds and rebinds the device */
	{ "unbind_request", test_unbind_request },
};

int main(int argc, char **argv)
{
	return vfio_test_main(argc, argv, tests, ARRAY_SIZE(tests),
			      probe_device);
}
