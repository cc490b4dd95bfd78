// SPDX-License-Identifier: GPL-2.0
/*
 * The helpers of vfio_pci_irq_test: eventfds, VFIO_DEVICE_SET_IRQS calls
 * and the checks of their results, config space and BAR0 access, and
 * loopback of a device's vectors (SET_IRQS TRIGGER with DATA_NONE or
 * DATA_BOOL, which signals their eventfds from the kernel).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_pci_irq.h"

/* ---- eventfds ---- */

int efd_open(struct test_ctx *t)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	check(t, fd >= 0, "eventfd: %s", strerror(errno));
	return fd;
}

void fd_close(int *fd)
{
	if (*fd >= 0) {
		quiet_settle_fd(*fd);
		close(*fd);
	}
	*fd = -1;
}

void efd_drain(int fd)
{
	__u64 v;

	if (fd >= 0 && read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		perror("eventfd read");
}

bool efd_kick(int fd)
{
	__u64 one = 1;

	return write(fd, &one, sizeof(one)) == sizeof(one);
}

/* ---- quiet checks and their controls ---- */

/*
 * A quiet check alone proves nothing: the eventfd watched may be the
 * wrong one, or the wait too short for the event to arrive. So each quiet
 * check needs a positive control on the same eventfd in the same test: a
 * signal that arrived, when it should, within the window the check waits.
 * The control may come first (the signal before a mask, say) or after
 * (the UNMASK that delivers what the mask held back). A later control
 * slower than the window fails the check it controls; a quiet check with
 * no control at all fails when its eventfd is closed or its test ends.
 *
 * The window is QUIET_MS, or four times the slowest signal of the
 * eventfd in the test when that is longer (a slow machine widens it), up
 * to FIRE_MS.
 */
#define CLAIMS_MAX	16
#define FIRES_MAX	64

struct quiet_claim {
	struct test_ctx *t;
	int fd;
	int line;
	long window_us;
	char what[64];
};

/* the quiet checks waiting for their control */
static struct quiet_claim claims[CLAIMS_MAX];
static int nr_claims;

/* the eventfds signalled in this test, each with its slowest signal */
static struct {
	int fd;
	long us;
} fires[FIRES_MAX];
static int nr_fires;

/* this test's quiet checks, the slowest control and the longest window */
static int nr_quiet;
static long ctl_max_us, window_max_ms;

long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

/* The quiet window beside a control that took @ctl_us (-1: none yet). */
long quiet_window_ms(long ctl_us)
{
	long ms = 4 * ctl_us / 1000;

	if (ms < QUIET_MS)
		ms = QUIET_MS;
	return ms > FIRE_MS ? FIRE_MS : ms;
}

static void claim_drop(int i)
{
	claims[i] = claims[--nr_claims];
}

/* The slowest signal of @fd in this test, in us, or -1. */
static long fire_us(int fd)
{
	int i;

	for (i = 0; i < nr_fires; i++)
		if (fires[i].fd == fd)
			return fires[i].us;
	return -1;
}

/* @fd was signalled @us after the wait began: a control, maybe. */
static void fire_note(struct test_ctx *t, int fd, long us)
{
	int i;

	for (i = 0; i < nr_fires && fires[i].fd != fd; i++)
		;
	if (i == nr_fires && nr_fires < FIRES_MAX) {
		fires[nr_fires].fd = fd;
		fires[nr_fires++].us = us;
	} else if (i < nr_fires && us > fires[i].us) {
		fires[i].us = us;
	}
	for (i = nr_claims - 1; i >= 0; i--) {
		if (claims[i].fd != fd)
			continue;
		if (us > ctl_max_us)
			ctl_max_us = us;
		check(t, us <= claims[i].window_us,
		      "line %d: %s: quiet for %ld ms, but its control came only after %ld ms: that window could not have seen it",
		      claims[i].line, claims[i].what,
		      claims[i].window_us / 1000, us / 1000);
		claim_drop(i);
	}
}

static void claim_fail(struct test_ctx *t, int i)
{
	check(t, false,
	      "line %d: %s: the eventfd stayed quiet, and nothing in the test showed it could be signalled (no positive control)",
	      claims[i].line, claims[i].what);
	claim_drop(i);
}

void quiet_settle_fd(int fd)
{
	int i;

	for (i = nr_claims - 1; i >= 0; i--)
		if (claims[i].fd == fd)
			claim_fail(claims[i].t, i);
	for (i = 0; i < nr_fires; i++)
		if (fires[i].fd == fd)
			fires[i] = fires[--nr_fires];
}

void quiet_settle(struct test_ctx *t)
{
	while (nr_claims)
		claim_fail(t, nr_claims - 1);
	nr_fires = 0;
	if (nr_quiet)
		vfio_diag("%s: %d quiet checks, windows up to %ld ms, slowest control %ld us",
			  t->name, nr_quiet, window_max_ms, ctl_max_us);
	nr_quiet = 0;
	ctl_max_us = 0;
	window_max_ms = 0;
}

/*
 * Wait up to @ms for @fd: what it counted, 0 if nothing, -errno. A
 * signal counts as a control for the quiet checks of @fd.
 */
long efd_wait(struct test_ctx *t, int fd, int ms)
{
	long start = now_us(), n = vfio_efd_wait(fd, ms);

	if (n > 0)
		fire_note(t, fd, now_us() - start);
	return n;
}

/*
 * @fd must be signalled within FIRE_MS; @what says after which step and
 * @line where. Use expect_fire().
 */
bool expect_fire_at(struct test_ctx *t, int fd, const char *what, int line)
{
	long n = efd_wait(t, fd, FIRE_MS);

	return check(t, n > 0, "line %d: %s: eventfd %s", line, what,
		     n == 0 ? "not signalled within 5 s" : strerror(-n));
}

/*
 * @fd must stay quiet for the window, and have a control (see above).
 * Use expect_quiet().
 */
bool expect_quiet_at(struct test_ctx *t, int fd, const char *what, int line)
{
	long seen = fire_us(fd), window = quiet_window_ms(seen);
	long n = vfio_efd_wait(fd, window);

	if (n > 0 && intx_exclusive) {
		/*
		 * Signalling masked the line at the controller: undo that
		 * (it was unmasked, or nothing could have come), so the test
		 * goes on in the state it expects. A line still asserted
		 * signals again, and fails the check.
		 */
		irq_none(t->d, INTX, UNMASK, 0, 1);
		n = vfio_efd_wait(fd, window);
		if (!n)
			vfio_diag("%s: line %d: %s: one spurious signal (nointxmask)",
				  t->name, line, what);
	}
	nr_quiet++;
	if (window > window_max_ms)
		window_max_ms = window;
	if (check(t, n == 0, "line %d: %s: eventfd %s", line, what,
		  n > 0 ? "signalled, expected nothing" : strerror(-n)))
		return true;
	if (seen >= 0 && seen <= window * 1000) {
		if (seen > ctl_max_us)
			ctl_max_us = seen;
		return false;
	}
	if (check(t, nr_claims < CLAIMS_MAX,
		  "line %d: %s: too many quiet checks without control", line,
		  what))
		return true;
	claims[nr_claims] = (struct quiet_claim){
		.t = t, .fd = fd, .line = line, .window_us = window * 1000,
	};
	snprintf(claims[nr_claims].what, sizeof(claims[0].what), "%s", what);
	nr_claims++;
	return false;
}

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
void irq_arg_init(struct irq_arg *a, __u32 index, __u32 flags,
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
int irq_ioctl(struct vfio_dev *d, struct irq_arg *a)
{
	return ioctl(d->device_fd, VFIO_DEVICE_SET_IRQS, a);
}

static int irq_call(struct vfio_dev *d, struct irq_arg *a)
{
	return irq_ioctl(d, a) ? -errno : 0;
}

/* @action with @count eventfds @fds from vector @start: 0 or -errno */
int irq_set_fds(struct vfio_dev *d, __u32 index, __u32 action,
		__u32 start, __u32 count, const int *fds)
{
	struct irq_arg a;
	__u32 i;

	irq_arg_init(&a, index, action | DATA_EVENTFD, start, count);
	for (i = 0; i < count && i < IRQ_SET_MAX; i++)
		a.fds[i] = fds[i];
	return irq_call(d, &a);
}

int irq_set_fd(struct vfio_dev *d, __u32 index, __u32 action, int fd)
{
	return irq_set_fds(d, index, action, 0, 1, &fd);
}

/* @action without data (DATA_NONE) on @count vectors from @start */
int irq_none(struct vfio_dev *d, __u32 index, __u32 action,
	     __u32 start, __u32 count)
{
	struct irq_arg a;

	irq_arg_init(&a, index, action | DATA_NONE, start, count);
	return irq_call(d, &a);
}

/* @action with one DATA_BOOL per vector from @start */
int irq_bools(struct vfio_dev *d, __u32 index, __u32 action,
	      __u32 start, __u32 count, const __u8 *vals)
{
	struct irq_arg a;

	irq_arg_init(&a, index, action | DATA_BOOL, start, count);
	memcpy(a.bools, vals, count);
	return irq_call(d, &a);
}

int irq_bool(struct vfio_dev *d, __u32 index, __u32 action, __u8 val)
{
	return irq_bools(d, index, action, 0, 1, &val);
}

/* TRIGGER, DATA_NONE, count 0: turn the index off */
int irq_disable(struct vfio_dev *d, __u32 index)
{
	return irq_none(d, index, TRIGGER, 0, 0);
}

/* ---- config space and BAR0 ---- */

int cmd_update(struct test_ctx *t, __u16 set, __u16 clear)
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

bool cmd_has(struct test_ctx *t, __u16 bit)
{
	__u32 cmd = 0;

	check_ok(t, vfio_cfg_read(t->d, PCI_COMMAND, 2, &cmd),
		 "command register read");
	return cmd & bit;
}

/* The device's own config word at @off (sysfs: the physical device). */
__u16 phys_cfg16(struct test_ctx *t, unsigned int off)
{
	__u8 b[2] = { 0, 0 };

	check(t, sysfs_read(t->bdf, "config", b, 2, off) == 2,
	      "sysfs config read at 0x%x", off);
	return b[0] | b[1] << 8;
}

int bar0_write(struct test_ctx *t, __u64 off, __u32 val)
{
	int ret = vfio_bar_write32(t->d, 0, off, val);

	check_ok(t, ret, "BAR0 write of 0x%x at 0x%llx", val,
		 (unsigned long long)off);
	return ret;
}

__u32 bar0_read(struct test_ctx *t, __u64 off)
{
	__u32 val = 0;

	check_ok(t, vfio_bar_read32(t->d, 0, off, &val),
		 "BAR0 read at 0x%llx", (unsigned long long)off);
	return val;
}

/* ---- state and results ---- */

/*
 * Start from a known state: every index off (the calls fail harmlessly
 * when it already is), INTx-disable clear, nothing pending on the device.
 */
void irq_fresh(struct test_ctx *t)
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

/* The count of @index in GET_IRQ_INFO, 0 when the call fails. */
int irq_count_of(struct vfio_dev *d, __u32 index)
{
	struct vfio_irq_info ii;

	return vfio_irq_info(d, index, &ii) ? 0 : (int)ii.count;
}

int irq_count(struct test_ctx *t, __u32 index, __u32 *flags)
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
bool set_ok_at(struct test_ctx *t, int ret, const char *what, int line)
{
	return check_ok(t, ret, "line %d: SET_IRQS %s", line, what);
}

/* A helper result @ret (0 or -errno) must be -@want. Use set_fails(). */
bool set_fails_at(struct test_ctx *t, int ret, int want,
		  const char *what, int line)
{
	return check_errno(t, ret ? -1 : 0, -ret, want, "line %d: %s", line,
			   what);
}

/* ---- loopback (any device) ---- */

const char *index_name(__u32 index)
{
	static const char *const names[] = {
		"INTx", "MSI", "MSI-X", "ERR", "REQ",
	};

	return index < ARRAY_SIZE(names) ? names[index] : "unknown index";
}

void fds_open(struct test_ctx *t, int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fds[i] = efd_open(t);
}

void fds_close(int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		fd_close(&fds[i]);
}

/* The vectors other than @vec whose eventfds were signalled, as a mask. */
unsigned int msix_others(const int *fds, int n, int vec)
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
	got = efd_wait(t, fds[vec], FIRE_MS);
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
	vfio_diag("%s: %s vector %d, %s loopback: counted %ld, other vectors 0x%x; once more",
		  t->name, index_name(index), vec, how, got, others);
	got = loop_round(t, index, fds, n, vec, as_bool, &others);
	check(t, got < 0 || (got == 1 && !others),
	      "%s vector %d, %s loopback: its eventfd counted %ld (expected 1), other vectors signalled: 0x%x",
	      index_name(index), vec, how, got, others);
}

/* Loopback of vector @vec with DATA_NONE, then with DATA_BOOL. */
void loop_vector(struct test_ctx *t, __u32 index, const int *fds,
		 int n, int vec)
{
	loop_once(t, index, fds, n, vec, false);
	loop_once(t, index, fds, n, vec, true);
}

/* The vectors of @index a test enables: all of them, up to IRQ_SET_MAX. */
int vec_count(struct test_ctx *t, __u32 index)
{
	int n = irq_count(t, index, NULL);

	return n > IRQ_SET_MAX ? IRQ_SET_MAX : n;
}

/* Where the capability of @index, MSI or MSI-X, is in config space. */
int vec_cap(struct test_ctx *t, __u32 index)
{
	int pos = vfio_cfg_find_cap(t->d, index == MSI ? PCI_CAP_ID_MSI :
						      PCI_CAP_ID_MSIX);

	check(t, pos > 0, "GET_IRQ_INFO reports %s, config space has no %s capability (%d)",
	      index_name(index), index_name(index), pos);
	return pos;
}

/* Is @index (MSI or MSI-X) on in the device itself? */
bool dev_vec_on(struct test_ctx *t, __u32 index, int pos)
{
	/* PCI_MSI_FLAGS and PCI_MSIX_FLAGS are both at 2 */
	__u16 flags = phys_cfg16(t, pos + PCI_MSI_FLAGS);

	return flags & (index == MSI ? PCI_MSI_FLAGS_ENABLE :
				       PCI_MSIX_FLAGS_ENABLE);
}

/* Bus master on, and vectors 0 to @n - 1 of @index on with @fds. */
bool vec_on(struct test_ctx *t, __u32 index, const int *fds, int n)
{
	if (cmd_update(t, PCI_COMMAND_MASTER, 0))
		return false;
	return !check_ok(t, irq_set_fds(t->d, index, TRIGGER, 0, n, fds),
			 "SET_IRQS %s enable with %d eventfds",
			 index_name(index), n);
}

/* ---- INTx and MSI ---- */

/* Turn INTx on with trigger @fd, recording a failure. */
bool intx_on(struct test_ctx *t, int fd)
{
	return !set_ok(t, irq_set_fd(t->d, INTX, TRIGGER, fd),
		       "INTx TRIGGER eventfd");
}

/* INTx, one line, maskable and automasked; NORESIZE is not reported. */
void intx_info_check(struct test_ctx *t)
{
	__u32 flags = 0;

	check(t, irq_count(t, INTX, &flags) == 1, "INTx count is not 1");
	check(t, flags == (VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			   VFIO_IRQ_INFO_AUTOMASKED),
	      "INTx flags 0x%x, expected EVENTFD|MASKABLE|AUTOMASKED", flags);
}

/*
 * From a known state, INTx on with a new eventfd as its trigger: the
 * eventfd, or -1 when it could not be made or INTx not be turned on.
 */
int intx_fresh_on(struct test_ctx *t)
{
	int efd;

	irq_fresh(t);
	efd = efd_open(t);
	if (efd >= 0 && !intx_on(t, efd))
		fd_close(&efd);
	return efd;
}

/*
 * From a known state, INTx on with new eventfds: *@efd its trigger, *@ufd
 * its unmask eventfd, one at a time (a second one is EBUSY). False when a
 * step failed; the eventfds made are left to close.
 */
bool intx_fresh_unmask_on(struct test_ctx *t, int *efd, int *ufd)
{
	irq_fresh(t);
	*efd = efd_open(t);
	*ufd = efd_open(t);
	if (*efd < 0 || *ufd < 0 || !intx_on(t, *efd))
		return false;
	if (set_ok(t, irq_set_fd(t->d, INTX, UNMASK, *ufd),
		   "INTx UNMASK eventfd"))
		return false;
	set_fails(t, irq_set_fd(t->d, INTX, UNMASK, *efd), EBUSY,
		  "second INTx UNMASK eventfd");
	return true;
}

/*
 * INTx just turned on leaves the virtual INTx-disable bit clear; set, it
 * reads back as written.
 */
void intx_disable_set(struct test_ctx *t)
{
	check(t, !cmd_has(t, PCI_COMMAND_INTX_DISABLE),
	      "INTx-disable set after enabling INTx");
	cmd_update(t, PCI_COMMAND_INTX_DISABLE, 0);
	check(t, cmd_has(t, PCI_COMMAND_INTX_DISABLE),
	      "INTx-disable does not read back as written");
}

/*
 * With INTx automasked, the mask must sit where the mode says: in the
 * function's own INTx-disable bit normally, at the interrupt controller
 * with nointxmask (the function's bit left alone).
 */
void intx_masked_where(struct test_ctx *t)
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
 * (With nointxmask the bit is never set.) Returns how long the bit took
 * to clear, in us. Use intx_unmasked().
 */
long intx_unmasked_at(struct test_ctx *t, int efd, int ms,
		      const char *what, int line)
{
	long start = now_us(), waited;

	while ((phys_cfg16(t, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE) &&
	       now_us() - start < ms * 1000L)
		usleep(1000);
	waited = now_us() - start;
	if (!(phys_cfg16(t, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE))
		return waited;
	check(t, vfio_efd_wait(efd, 0) > 0,
	      "line %d: %s: the function's INTx-disable bit is still set and nothing was signalled",
	      line, what);
	return waited;
}

/* Turn MSI on with one vector signalling @fd; bus master is needed. */
bool msi_on(struct test_ctx *t, int fd)
{
	if (cmd_update(t, PCI_COMMAND_MASTER, 0))
		return false;
	return !set_ok(t, irq_set_fds(t->d, MSI, TRIGGER, 0, 1, &fd),
		       "MSI enable, one vector");
}
