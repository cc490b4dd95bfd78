// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_mmap_test: mappings read from a forked child, and threads
 * mapping and reading while memory decode is toggled under them.
 */
#include "vfio_pci_mmap.h"

/* In a forked child: read (and write the scratch) through @p. */
static int child_access(__u8 *p, __u32 expect, bool write)
{
	__u32 v;

	if (!vfio_load32(p, &v))
		return CHILD_READ_FAULT;
	if (v != expect)
		return CHILD_MISMATCH;
	if (write && !vfio_store32(p, SCRATCH_B))
		return CHILD_WRITE_FAULT;
	return CHILD_OK;
}

static void check_child(struct test_ctx *t, pid_t pid)
{
	static const char * const what[] = {
		[CHILD_READ_FAULT] = "its read raised SIGBUS",
		[CHILD_MISMATCH] = "it read another value than the parent",
		[CHILD_WRITE_FAULT] = "its write raised SIGBUS",
	};
	int status, code;

	if (check(t, waitpid(pid, &status, 0) == pid, "waitpid: %s",
		  strerror(errno)))
		return;
	if (check(t, WIFEXITED(status),
		  "the child did not exit normally (status 0x%x%s)", status,
		  WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS ?
		  ", killed by SIGBUS" : ""))
		return;
	code = WEXITSTATUS(status);
	check(t, code == CHILD_OK,
	      "the child reading its inherited mapping failed: %s",
	      code > 0 && (size_t)code < ARRAY_SIZE(what) ? what[code] :
	      "unknown status");
}

/*
 * A forked child inherits the mapping and reads the parent's value
 * through it; a write it makes to the scratch dword is the parent's too.
 */
void test_fork(struct test_ctx *t)
{
	struct spot s;
	struct map m;
	pid_t pid;

	if (!pick_spot(t, &s) || !map_bar(t, s.bar, &s.ri, &m))
		return;
	check_spot(t, &s, &m, "before fork");
	pid = fork();
	if (pid == 0)
		_exit(child_access(m.addr + s.off, s.expect, !!s.scratch));
	if (!check(t, pid > 0, "fork: %s", strerror(errno))) {
		check_child(t, pid);
		if (s.scratch)
			s.expect = s.scratch->inverts ? ~SCRATCH_B : SCRATCH_B;
		check_spot(t, &s, &m, "after the child exited");
	}
	unmap_bar(t, s.bar, &m);
}

/* the stress test: mapping threads against memory enable toggling */

struct stress {
	struct vfio_dev *d;
	const struct spot *s;
	struct timespec end;
};

struct worker {
	const struct stress *st;
	pthread_t tid;
	unsigned long loops, faults, eio, map_errors, bad;
	__u32 bad_value;
	int err;
};

struct toggler {
	const struct stress *st;
	pthread_t tid;
	__u32 cmd;
	unsigned long toggles, errors;
	int err;
};

static bool time_left(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < end->tv_sec ||
	       (now.tv_sec == end->tv_sec && now.tv_nsec < end->tv_nsec);
}

static void deadline(struct timespec *ts, clockid_t clock, long ms)
{
	clock_gettime(clock, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* A read gave @v: it must be the spot's value. */
static void worker_value(struct worker *w, __u32 v)
{
	if (v == w->st->s->expect)
		return;
	w->bad++;
	w->bad_value = v;
}

static void worker_error(struct worker *w, int err)
{
	w->map_errors++;
	w->err = err;
}

/* One round: map, read through the mapping and the fd, unmap. */
static void worker_round(struct worker *w)
{
	const struct spot *s = w->st->s;
	size_t len = page_round(s->ri.size);
	__u8 *p;
	__u32 v;
	int ret;

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, w->st->d->device_fd,
		 (off_t)s->ri.offset);
	if (p == MAP_FAILED) {
		worker_error(w, errno);
		return;
	}
	if (vfio_load32(p + s->off, &v))
		worker_value(w, v);
	else
		w->faults++;
	ret = vfio_bar_read32(w->st->d, s->bar, s->off, &v);
	if (!ret)
		worker_value(w, v);
	else if (ret == -EIO)
		w->eio++;
	else
		worker_error(w, -ret);
	if (munmap(p, len))
		worker_error(w, errno);
	w->loops++;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	while (time_left(&w->st->end))
		worker_round(w);
	return NULL;
}

static void toggle_write(struct toggler *tg, __u32 cmd)
{
	int ret = vfio_cfg_write(tg->st->d, PCI_COMMAND, 2, cmd);

	if (ret) {
		tg->errors++;
		tg->err = -ret;
	}
}

static void *toggler_main(void *arg)
{
	struct toggler *tg = arg;

	while (time_left(&tg->st->end)) {
		toggle_write(tg, tg->cmd & ~PCI_COMMAND_MEMORY);
		usleep(STRESS_OFF_US);
		toggle_write(tg, tg->cmd | PCI_COMMAND_MEMORY);
		usleep(STRESS_ON_US);
		tg->toggles++;
	}
	return NULL;
}

/* Join @tid by @limit (CLOCK_REALTIME); false if it still runs: a hang. */
static bool join_by(struct test_ctx *t, pthread_t tid,
		    const struct timespec *limit, const char *who)
{
	int ret = pthread_timedjoin_np(tid, NULL, limit);

	return !check(t, ret == 0,
		      "%s still running %d s after the end of the test: hung (%s)",
		      who, STRESS_GRACE_S, strerror(ret));
}

static void check_worker(struct test_ctx *t, const struct worker *w, int i)
{
	vfio_diag("%s: thread %d: %lu rounds, %lu SIGBUS, %lu EIO", t->name,
		  i, w->loops, w->faults, w->eio);
	check(t, w->loops > 0, "thread %d never completed a round", i);
	check(t, !w->map_errors,
	      "thread %d: %lu mmap, munmap or read errors, the last %s", i,
	      w->map_errors, strerror(w->err));
	check(t, !w->bad,
	      "thread %d: %lu reads of another value than 0x%08x, the last 0x%08x",
	      i, w->bad, w->st->s->expect, w->bad_value);
}

static void run_stress(struct test_ctx *t, struct stress *st, __u32 cmd)
{
	struct worker w[STRESS_THREADS];
	struct toggler tg = { .st = st, .cmd = cmd };
	bool started[STRESS_THREADS] = { false }, tg_started;
	struct timespec limit;
	int i;

	memset(w, 0, sizeof(w));
	deadline(&st->end, CLOCK_MONOTONIC, STRESS_MS);
	for (i = 0; i < STRESS_THREADS; i++) {
		w[i].st = st;
		started[i] = !check(t, !pthread_create(&w[i].tid, NULL,
						       worker_main, &w[i]),
				    "starting thread %d", i);
	}
	tg_started = !check(t, !pthread_create(&tg.tid, NULL, toggler_main,
					       &tg),
			    "starting the toggling thread");

	deadline(&limit, CLOCK_REALTIME, STRESS_MS + STRESS_GRACE_S * 1000);
	for (i = 0; i < STRESS_THREADS; i++)
		if (started[i] && join_by(t, w[i].tid, &limit, "a thread"))
			check_worker(t, &w[i], i);
	if (tg_started && join_by(t, tg.tid, &limit, "the toggling thread")) {
		vfio_diag("%s: %lu memory disable/enable cycles", t->name,
			  tg.toggles);
		check(t, tg.toggles > 0 && !tg.errors,
		      "toggling: %lu cycles, %lu command writes failed (the last: %s)",
		      tg.toggles, tg.errors, strerror(tg.err));
	}
}

void test_stress(struct test_ctx *t)
{
	struct stress st = { .d = t->d };
	struct spot s;
	struct map m;
	__u32 cmd;

	if (!cmd_read(t, &cmd) || !cmd_write(t, cmd | PCI_COMMAND_MEMORY))
		return;
	if (!pick_spot(t, &s))
		goto restore;
	st.s = &s;
	run_stress(t, &st, cmd);
	if (cmd_write(t, cmd | PCI_COMMAND_MEMORY) &&
	    map_bar(t, s.bar, &s.ri, &m)) {
		check_spot(t, &s, &m, "after the stress");
		unmap_bar(t, s.bar, &m);
	}
restore:
	cmd_write(t, cmd);
}

