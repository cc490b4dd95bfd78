// SPDX-License-Identifier: GPL-2.0
/*
 * The stress tests of vfio_pci_irq_test: threads race SET_IRQS calls,
 * config space writes and device resets for a few seconds. On edu, which
 * keeps raising interrupts meanwhile, around INTx and MSI; on any other
 * device around its MSI-X or MSI vectors, by loopback. And on edu,
 * resets racing INTx going on and off (intx_reset_race).
 */
#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_pci_irq.h"

#define STRESS_SECONDS		5
#define STRESS_WATCHDOG		120

struct stress {
	struct vfio_dev *d;
	atomic_bool stop;
	atomic_int bad;
	atomic_long ops;
	atomic_long signals;
	/* intx_reset_race: INTx enabled, resets done, BAR reads answered */
	atomic_long intx_on, resets, reads;
	bool can_reset;
	/* how long stress_run() lets the threads race, STRESS_SECONDS if 0 */
	unsigned int seconds;
	/* the pause between two resets of stress_reset(), 50 ms if 0 */
	unsigned int reset_us;
	/* COMMAND as the stress found it, bus master on */
	__u32 cmd;
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

/*
 * INTx-disable toggled through config space, the other bits as the stress
 * found them. No read-modify-write: a read while a reset is under way may
 * see the function disabled (the base tree's driver reads memory and I/O
 * enable from the function), and writing that back would turn memory off
 * for the rest of the run.
 */
static void *stress_cmd(void *arg)
{
	struct stress *s = arg;
	unsigned int i = 0;
	int ret;

	while (!atomic_load(&s->stop)) {
		ret = vfio_cfg_write(s->d, PCI_COMMAND, 2,
				     s->cmd ^ (i++ & 1 ? PCI_COMMAND_INTX_DISABLE : 0));
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

/*
 * VFIO_DEVICE_RESET: 0, or EAGAIN when the device lock is busy; every
 * reset_us microseconds (50 ms if 0)
 */
static void *stress_reset(void *arg)
{
	struct stress *s = arg;

	while (s->can_reset && !atomic_load(&s->stop)) {
		if (!ioctl(s->d->device_fd, VFIO_DEVICE_RESET))
			atomic_fetch_add(&s->resets, 1);
		else if (errno != EAGAIN)
			stress_bad(s, "VFIO_DEVICE_RESET", errno);
		usleep(s->reset_us ?: 50 * 1000);
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

/* May the stress reset the device? Only if it says it can be reset. */
static void stress_can_reset(struct test_ctx *t, struct stress *s)
{
	struct vfio_device_info info;

	if (!check_ok(t, vfio_device_info(t->d, &info), "GET_INFO"))
		s->can_reset = info.flags & VFIO_DEVICE_FLAGS_RESET;
}

/* Run the @nfns threads @fns on @s for STRESS_SECONDS. */
static void stress_run(struct test_ctx *t, struct stress *s,
		       void *(*const *fns)(void *), size_t nfns)
{
	pthread_t th[8];
	size_t i, n = 0;

	assert(nfns <= ARRAY_SIZE(th));
	if (check_ok(t, vfio_cfg_read(s->d, PCI_COMMAND, 2, &s->cmd),
		     "reading COMMAND before the stress"))
		return;
	s->cmd |= PCI_COMMAND_MASTER;
	signal(SIGALRM, stress_watchdog);
	alarm(STRESS_WATCHDOG);
	for (i = 0; i < nfns; i++) {
		if (check(t, !pthread_create(&th[n], NULL, fns[i], s),
			  "pthread_create"))
			break;
		n++;
	}
	sleep(s->seconds ?: STRESS_SECONDS);
	atomic_store(&s->stop, true);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
}

/*
 * After the stress the function itself must still decode memory when
 * the user's COMMAND says so: COMMAND as the function has it, read
 * through sysfs. The base tree's driver enables and disables MSI without
 * holding off resets, and the PCI core's INTx-disable read-modify-write
 * around MSI can then write back the command register a reset had
 * cleared; on it (VFIO_BASE_TREE set) that is reported, not failed.
 * COMMAND is then written as the stress found it, which turns decode
 * back on for the checks that follow.
 */
static void stress_check_decode(struct test_ctx *t, struct stress *s)
{
	bool base = getenv("VFIO_BASE_TREE");
	__u16 hw;

	if (!(s->cmd & PCI_COMMAND_MEMORY))
		return;
	if (sysfs_read(t->d->bdf, "config", &hw, sizeof(hw),
		       PCI_COMMAND) != sizeof(hw)) {
		check(t, false, "reading COMMAND through sysfs");
		return;
	}
	hw = le16toh(hw);
	if (!(hw & PCI_COMMAND_MEMORY) && base)
		vfio_diag("%s: base tree's race: memory decode lost (COMMAND 0x%04x)",
			  t->name, hw);
	else
		check(t, hw & PCI_COMMAND_MEMORY,
		      "the function lost memory decode: COMMAND 0x%04x", hw);
	check_ok(t, vfio_cfg_write(s->d, PCI_COMMAND, 2, s->cmd),
		 "writing COMMAND back after the stress");
}

/*
 * After stress_run(): what it did, @signals naming what the eventfds
 * counted, no unexpected result, memory decode intact. Closes the fds
 * stress_open_fds() opened.
 */
static void stress_done(struct test_ctx *t, struct stress *s,
			const char *signals)
{
	vfio_diag("%s: %ld SET_IRQS calls, %ld %s", t->name,
		  atomic_load(&s->ops), atomic_load(&s->signals), signals);
	check(t, !atomic_load(&s->bad), "%d unexpected results, first: %s",
	      atomic_load(&s->bad), s->first);
	stress_check_decode(t, s);
	stress_close_fds(s);
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
void stress_any(struct test_ctx *t)
{
	void *(*fns[5])(void *) = { stress_vec, stress_cmd, stress_kick,
				    stress_reset };
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
	stress_can_reset(t, &s);
	vfio_diag("%s: %s with %d vector(s)%s%s", t->name,
		  index_name(s.main), s.n, intx ? ", INTx" : "",
		  s.can_reset ? ", resets" : ", no VFIO_DEVICE_FLAGS_RESET");
	fds_open(t, s.vfds, s.n);
	if (stress_open_fds(t, &s) && !cmd_update(t, PCI_COMMAND_MASTER, 0))
		stress_run(t, &s, fns, nfns);
	stress_done(t, &s, "signals");

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
void edu_stress(struct test_ctx *t)
{
	void *(*const fns[])(void *) = {
		stress_intx, stress_msi, stress_cmd, stress_kick,
		stress_reset, stress_raise,
	};
	struct stress s = { .d = t->d };
	int efd;

	irq_fresh(t);
	stress_can_reset(t, &s);
	if (!s.can_reset)
		vfio_diag("%s: no VFIO_DEVICE_FLAGS_RESET, no resets", t->name);
	if (stress_open_fds(t, &s))
		stress_run(t, &s, fns, ARRAY_SIZE(fns));
	stress_done(t, &s, "interrupts signalled");

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

/* INTx on and off: the INTx-disable bit read and written back each time */
static void *race_intx(void *arg)
{
	struct stress *s = arg;
	int ret;

	while (!atomic_load(&s->stop)) {
		ret = irq_set_fd(s->d, INTX, TRIGGER, s->trig[0]);
		stress_irq(s, ret, "INTx on");
		if (ret)
			continue;
		atomic_fetch_add(&s->intx_on, 1);
		stress_irq(s, irq_disable(s->d, INTX), "INTx off");
	}
	return NULL;
}

/* BAR 0 read through the fd: the user never turned decode off */
static void *race_read(void *arg)
{
	struct stress *s = arg;
	__u32 v;
	int ret;

	while (!atomic_load(&s->stop)) {
		ret = vfio_bar_read32(s->d, 0, 0, &v);
		if (ret)
			stress_bad(s, "BAR 0 read", -ret);
		else
			atomic_fetch_add(&s->reads, 1);
		usleep(50);
	}
	return NULL;
}

/*
 * Resets race INTx going on and off, each of which reads the
 * command register and writes it back with INTx-disable changed. A reset
 * saves the register, clears it and restores it: a value read before the
 * restore and written after it would leave the function not decoding
 * memory although the user never turned decode off. Pass: every BAR read
 * meanwhile answers, and the function decodes memory afterwards.
 */
void intx_reset_race(struct test_ctx *t)
{
	void *(*const fns[])(void *) = { race_intx, stress_reset, race_read };
	struct stress s = { .d = t->d, .seconds = 2, .reset_us = 1000 };

	if (dev_kind != DEV_EDU) {
		t->skip = "tried on edu, whose INTx and reset the other tests use too";
		return;
	}
	stress_can_reset(t, &s);
	if (!s.can_reset) {
		t->skip = "no VFIO_DEVICE_FLAGS_RESET";
		return;
	}
	irq_fresh(t);
	if (stress_open_fds(t, &s) &&
	    !cmd_update(t, PCI_COMMAND_MEMORY, 0))
		stress_run(t, &s, fns, ARRAY_SIZE(fns));
	vfio_diag("%s: INTx enabled %ld times, %ld resets, %ld BAR reads",
		  t->name, atomic_load(&s.intx_on), atomic_load(&s.resets),
		  atomic_load(&s.reads));
	check(t, atomic_load(&s.intx_on) && atomic_load(&s.resets),
	      "no race: INTx enabled %ld times, %ld resets",
	      atomic_load(&s.intx_on), atomic_load(&s.resets));
	stress_done(t, &s, "signals");
	irq_fresh(t);
}
