// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_race_soak [-t SECONDS] [-p PROCS] [-T THREADS] [-m group|cdev]
 *		      [-s SEED] BDF
 *
 * A race soak of one vfio-pci device. The device is opened once (group +
 * container or cdev + iommufd path); PROCS - 1 forked children share its
 * fd with the parent, and each process runs THREADS threads that, until
 * SECONDS have passed, call random actions from the table below (seeded:
 * the same seed gives each thread the same sequence of actions): COMMAND
 * and PMCSR writes, SET_IRQS (enable, trigger, INTx mask/unmask, disable)
 * of every IRQ index the device has, VFIO_DEVICE_RESET, the hot reset,
 * mapping every page of a BAR, low-power entry and exit, and reads of
 * config space and BAR0. A host injecting AER errors meanwhile adds the
 * driver's error handler to the mix.
 *
 * Each call may succeed or fail with an errno that fits a race (EINVAL,
 * EIO, EBUSY, EAGAIN...): both are counted per action. An errno no race
 * explains (EFAULT, ENOMEM, EBADF, ENOTTY, EMFILE, ENFILE) is a failure,
 * and so is an action a process cannot finish: a thread in one action
 * for HANG_S seconds makes its process print where each thread is and
 * exit 2. SIGBUS on a BAR access (memory decode off, D3hot, low power,
 * a reset) is expected and counted, and so is the hot reset's ENOTTY
 * where a hot reset on its own before the soak gave it too (QEMU's root
 * ports, see probe_hot_reset()). Each process must end with the fds
 * and device mappings it started with. The parent then brings the device
 * back (low power exit, D0, IRQs off, memory decode on, a reset) and
 * checks that config space shows sysfs's vendor and device IDs.
 *
 * Output: '# ' lines, a summary table of action, runs, ok, SIGBUS, errnos.
 * Exit status: 0 when nothing failed, 1 when something did, 2 when a
 * process hung (the others may have failed too).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vfio_pci_race.h"

#define MAX_PROCS	16
#define MAX_THREADS	16
#define HANG_S		60
#define MAX_REPORTS	20	/* failures printed; all are counted */
#define NR_ERRNO	192	/* errno slots per action; the last one is "more" */

struct options {
	enum vfio_open_mode mode;
	int procs, secs;
	__u64 seed;
};

struct act_stats {
	unsigned long runs, ok, sigbus;
	unsigned long err[NR_ERRNO];
};

/* counters every process adds to, in a shared mapping */
struct shared {
	struct act_stats st[MAX_ACTIONS];
	unsigned long failures;
};

static struct shared *sh;
static long deadline;
static struct worker workers[MAX_THREADS];
__thread struct worker *self;	/* the thread's own */
static int nr_threads = 3;
static pid_t children[MAX_PROCS];
static int nr_children;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* splitmix64: small, and the same sequence for the same seed */
__u32 rnd(__u32 n)
{
	__u64 z = (self->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return n ? (__u32)((z ^ (z >> 31)) % n) : 0;
}

/* ---- running the actions ---- */

static void count(struct worker *w, int act, int ret)
{
	struct act_stats *st = &sh->st[act];
	int err = -ret;

	__atomic_fetch_add(&st->runs, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&st->sigbus, w->sigbus, __ATOMIC_RELAXED);
	w->sigbus = 0;
	if (!ret) {
		__atomic_fetch_add(&st->ok, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&st->err[err < NR_ERRNO ? err : NR_ERRNO - 1], 1,
			   __ATOMIC_RELAXED);
	if (!race_bad_errno(act, err))
		return;
	if (__atomic_fetch_add(&sh->failures, 1, __ATOMIC_RELAXED) <
	    MAX_REPORTS)
		printf("# FAIL process %d thread %d: %s: %s (errno %d)\n",
		       w->proc, w->id, actions[act].name, strerror(err), err);
}

static void *worker_fn(void *arg)
{
	int usable_acts[nr_actions], n = 0, act;
	struct worker *w = arg;
	size_t i;

	self = w;
	for (i = 0; i < nr_actions; i++)
		if (usable(&actions[i]))
			usable_acts[n++] = i;
	while (now_ms() < deadline) {
		act = usable_acts[rnd(n)];
		__atomic_store_n(&w->since, now_ms(), __ATOMIC_RELAXED);
		__atomic_store_n(&w->cur, act, __ATOMIC_RELEASE);
		count(w, act, actions[act].fn());
		__atomic_store_n(&w->cur, -1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* How long thread @i has been in its action, -1 when in none. */
static long busy_ms(int i)
{
	if (__atomic_load_n(&workers[i].cur, __ATOMIC_ACQUIRE) < 0)
		return -1;
	return now_ms() - __atomic_load_n(&workers[i].since, __ATOMIC_RELAXED);
}

/* The watchdog: print where each thread of this process is, exit 2. */
static void *watchdog_fn(void *arg)
{
	int i, cur;

	for (;;) {
		sleep(1);
		for (i = 0; i < nr_threads && busy_ms(i) < HANG_S * 1000L; i++)
			;
		if (i < nr_threads)
			break;
	}
	for (i = 0; i < nr_threads; i++) {
		cur = __atomic_load_n(&workers[i].cur, __ATOMIC_ACQUIRE);
		printf("# HANG process %d (pid %d) thread %d: %s for %ld ms\n",
		       workers[i].proc, getpid(), i,
		       cur < 0 ? "between actions" : actions[cur].name,
		       busy_ms(i));
	}
	/* the children (of the parent) go too, releasing the device */
	for (i = 0; i < nr_children; i++)
		kill(children[i], SIGKILL);
	for (i = 0; i < 100 && waitpid(-1, NULL, WNOHANG) >= 0; i++)
		usleep(100000);
	fflush(stdout);
	_exit(2);
	return arg;
}

/* fds open, or mappings of the device, in this process */
static int count_fds(void)
{
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += !!strstr(line, "vfio");
	if (f)
		fclose(f);
	return n;
}

/* Run the threads of process @proc; 0, or 1 when it leaked. */
static int run_proc(int proc, __u64 seed)
{
	int i, fds = count_fds(), maps = count_maps(), ret = 0;
	pthread_t wd;

	for (i = 0; i < nr_threads; i++) {
		workers[i] = (struct worker){ .proc = proc, .id = i, .cur = -1,
			.rng = seed * 1000003ULL + proc * MAX_THREADS + i };
		if (pthread_create(&workers[i].th, NULL, worker_fn,
				   &workers[i])) {
			printf("# process %d: pthread_create failed\n", proc);
			exit(1);
		}
	}
	if (pthread_create(&wd, NULL, watchdog_fn, NULL)) {
		printf("# process %d: no watchdog thread\n", proc);
		exit(1);
	}
	for (i = 0; i < nr_threads; i++)
		pthread_join(workers[i].th, NULL);
	if (count_fds() != fds || count_maps() != maps) {
		printf("# FAIL process %d: %d fds and %d device mappings, %d and %d before\n",
		       proc, count_fds(), count_maps(), fds, maps);
		ret = 1;
	}
	return ret;
}

static void summary(long ms)
{
	unsigned long total = 0;
	const struct act_stats *st;
	size_t i;
	int e;

	printf("# %-12s %9s %9s %7s  errnos\n", "action", "runs", "ok",
	       "sigbus");
	for (i = 0; i < nr_actions; i++) {
		st = &sh->st[i];
		total += st->runs;
		if (!usable(&actions[i])) {
			printf("# %-12s not run: the device lacks it\n",
			       actions[i].name);
			continue;
		}
		printf("# %-12s %9lu %9lu %7lu ", actions[i].name, st->runs,
		       st->ok, st->sigbus);
		for (e = 1; e < NR_ERRNO; e++)
			if (st->err[e])
				printf(" %s:%lu", e == NR_ERRNO - 1 ? "other" :
				       strerrorname_np(e), st->err[e]);
		printf("\n");
	}
	printf("# %lu actions in %ld.%03ld s: %lu/s\n", total, ms / 1000,
	       ms % 1000, ms ? total * 1000 / ms : 0);
}

/* Wait for the children: 2 when one hung, 1 when one failed otherwise. */
static int reap(void)
{
	int i, status = 0, rc, worst = 0;

	for (i = 0; i < nr_children; i++) {
		rc = 1;
		if (waitpid(children[i], &status, 0) > 0 && WIFEXITED(status))
			rc = WEXITSTATUS(status);
		if (rc)
			printf("# process %d: wait status 0x%x\n", i + 1, status);
		worst = rc == 2 || worst == 2 ? 2 : (rc || worst);
	}
	return worst;
}

static void bad_usage(const char *argv0)
{
	fprintf(stderr, "%s [-t SECONDS] [-p PROCS] [-T THREADS] %s\n", argv0,
		"[-m group|cdev] [-s SEED] BDF");
	exit(1);
}

static void parse_args(int argc, char **argv, struct options *o)
{
	int opt;

	while ((opt = getopt(argc, argv, "t:p:T:m:s:")) != -1) {
		if (opt == 't')
			o->secs = atoi(optarg);
		else if (opt == 'p')
			o->procs = atoi(optarg);
		else if (opt == 'T')
			nr_threads = atoi(optarg);
		else if (opt == 'm' && !strcmp(optarg, "cdev"))
			o->mode = VFIO_MODE_CDEV;
		else if (opt == 's')
			o->seed = strtoull(optarg, NULL, 0);
		else if (opt != 'm' || strcmp(optarg, "group"))
			bad_usage(argv[0]);
	}
	if (optind != argc - 1 || o->secs < 1 || o->procs < 1 ||
	    o->procs > MAX_PROCS || nr_threads < 1 || nr_threads > MAX_THREADS)
		bad_usage(argv[0]);
}

/* Fork the children; each runs its threads and exits. */
static void start_children(const struct options *o)
{
	pid_t pid;
	int i;

	for (i = 1; i < o->procs; i++) {
		pid = fork();
		if (pid < 0) {
			printf("# fork: %s\n", strerror(errno));
			return;
		}
		if (!pid) {
			nr_children = 0;
			exit(run_proc(i, o->seed));
		}
		children[nr_children++] = pid;
	}
}

int main(int argc, char **argv)
{
	struct options o = { VFIO_MODE_GROUP, 3, 60, time(NULL) };
	int rc, proc_rc;
	long start;

	parse_args(argc, argv, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (vfio_dev_open(&dev, argv[optind], o.mode)) {
		printf("# open %s (%s): %s\n", argv[optind],
		       vfio_mode_name(o.mode), dev.err);
		return 1;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	vfio_catch_sigbus();
	race_probe();
	printf("# %s (%s): %d processes x %d threads, %d s, seed %llu\n",
	       dev.bdf, vfio_mode_name(o.mode), o.procs, nr_threads, o.secs,
	       (unsigned long long)o.seed);
	start = now_ms();
	deadline = start + o.secs * 1000L;
	start_children(&o);
	proc_rc = run_proc(0, o.seed);
	rc = reap();
	if (rc != 2 && (proc_rc || nr_children != o.procs - 1))
		rc = 1;
	summary(now_ms() - start);
	if (race_restore() && !rc)
		rc = 1;
	if (sh->failures && !rc)
		rc = 1;
	printf("# %lu failures; %s\n", sh->failures,
	       rc == 2 ? "a process hung" : rc ? "FAIL" : "PASS");
	vfio_dev_close(&dev);
	return rc;
}
