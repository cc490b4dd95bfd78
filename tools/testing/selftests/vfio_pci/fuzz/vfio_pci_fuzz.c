// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_fuzz: coverage-guided fuzzing of one VFIO PCI device's fd.
 *
 *   vfio_pci_fuzz [-t SECONDS] [-m group|cdev|both] [-s SEED] [-S N]
 *                 [-c CORPUS_DIR] [-w] [-o LOG_DIR] BDF
 *   vfio_pci_fuzz -r FILE|DIR [-r ...] [-v] [-m group|cdev] BDF
 *   vfio_pci_fuzz -c CORPUS_DIR -M FILE BDF
 *
 * Fuzzing runs sessions of N programs (-S, 100 by default) on the device,
 * opened afresh at each session's start, alternating the open path with
 * -m both. Every program is appended to LOG_DIR/session.log before it
 * runs, so that when the kernel dies the log holds the session that
 * killed it; -r replays such a file, or every *.prog file of a folder,
 * as one session, with -v printing each operation's result. -M replays the
 * corpus and writes to FILE only the programs that reached an edge none
 * before them did, in the order met: the corpus minimized, for the tree.
 * Programs that reach new edges of the VFIO PCI modules join the corpus,
 * written to CORPUS_DIR with -w. A line of figures every 10 seconds and at
 * the end: programs, operations, edges, corpus size.
 *
 * Exit status: 0 when the run ended by its time (or the replay ran), 1 on
 * a setup failure, 2 when a program stopped making progress for 60 s.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define CORPUS_MAX	4096
#define STALL_SECS	60
#define REPORT_SECS	10

static const char *const modules[] = {
	"vfio_pci_core", "vfio_pci", "mlx5_vfio_pci", "edu_vfio_pci", NULL,
};

struct options {
	long secs;
	int modes;		/* bit 0 group, bit 1 cdev */
	uint64_t seed;
	int session;
	const char *corpus_dir;
	bool write_corpus;
	const char *log_dir;
	const char *replay[4];
	int nr_replay;
	const char *minimized;
	bool verbose;
	const char *bdf;
};

/* the program the threads run now, and their meeting points */
static struct {
	struct fuzz_dev *dev;
	const struct fuzz_prog *prog;
	pthread_barrier_t start, done;
	bool quit;
	uint8_t map[FUZZ_THREADS][FUZZ_MAP_SIZE];
	struct fuzz_kcov kcov[FUZZ_THREADS];
	bool verbose;
} run;

/* figures */
static struct {
	unsigned long progs, ops, sessions, reopen_fail;
	unsigned long op_ok[64], op_runs[64], op_us[64];
	unsigned long progress;	/* read by the watchdog thread */
} stat;

static uint8_t seen[FUZZ_MAP_SIZE];
static struct fuzz_prog *corpus;
static int corpus_n;
static FILE *session_log;

static long now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* thread @id's operations of the current program, in their order */
static void run_ops(int id)
{
	const struct fuzz_prog *p = run.prog;
	long t0;
	int i, ret;

	fuzz_kcov_start(&run.kcov[id]);
	for (i = 0; i < p->n; i++) {
		const struct fuzz_op *op = &p->ops[i];

		if (op->thread != id)
			continue;
		t0 = now_us();
		ret = fuzz_op_exec(run.dev, op);
		__atomic_add_fetch(&stat.op_us[op->kind], now_us() - t0,
				   __ATOMIC_RELAXED);
		if (run.verbose)
			printf("# %d: %s on thread %d: %s\n", i,
			       fuzz_ops[op->kind].name, id,
			       ret ? strerror(-ret) : "ok");
		__atomic_add_fetch(&stat.op_runs[op->kind], 1, __ATOMIC_RELAXED);
		if (!ret)
			__atomic_add_fetch(&stat.op_ok[op->kind], 1,
					   __ATOMIC_RELAXED);
		__atomic_add_fetch(&stat.progress, 1, __ATOMIC_RELAXED);
	}
	fuzz_kcov_collect(&run.kcov[id], run.map[id]);
}

static void *worker(void *arg)
{
	int id = (int)(long)arg;

	fuzz_seed(0x5eed + id);
	fuzz_kcov_open(&run.kcov[id]);
	for (;;) {
		pthread_barrier_wait(&run.start);
		if (run.quit)
			break;
		run_ops(id);
		pthread_barrier_wait(&run.done);
	}
	fuzz_kcov_close(&run.kcov[id]);
	return NULL;
}

/* AFL's buckets of hit counts */
static uint8_t bucket(uint8_t n)
{
	if (n <= 3)
		return n ? 1 << (n - 1) : 0;
	if (n <= 7)
		return 8;
	if (n <= 15)
		return 16;
	if (n <= 31)
		return 32;
	return n <= 127 ? 64 : 128;
}

/*
 * Merge the threads' maps into seen[]: the number of new edge buckets (a
 * new hit count), and in *@edges, when not NULL, of edges never hit.
 */
static unsigned int merge_maps_edges(unsigned int *edges)
{
	unsigned int i, t, fresh = 0;

	for (t = 0; t < FUZZ_THREADS; t++) {
		for (i = 0; i < FUZZ_MAP_SIZE; i++) {
			uint8_t b = bucket(run.map[t][i]);

			if (!(b & ~seen[i]))
				continue;
			if (edges && !seen[i])
				(*edges)++;
			seen[i] |= b;
			fresh++;
		}
		memset(run.map[t], 0, FUZZ_MAP_SIZE);
	}
	return fresh;
}

static unsigned int merge_maps(void)
{
	return merge_maps_edges(NULL);
}

static unsigned int edges(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < FUZZ_MAP_SIZE; i++)
		n += !!seen[i];
	return n;
}

static void run_prog(struct fuzz_dev *dev, const struct fuzz_prog *p)
{
	if (session_log) {
		fuzz_prog_write(session_log, p);
		fflush(session_log);
	}
	run.dev = dev;
	run.prog = p;
	pthread_barrier_wait(&run.start);
	run_ops(0);
	pthread_barrier_wait(&run.done);
	stat.progs++;
	stat.ops += p->n;
}

static void corpus_save(const struct options *o, const struct fuzz_prog *p)
{
	char path[512];
	FILE *f;

	if (!o->write_corpus || !o->corpus_dir)
		return;
	snprintf(path, sizeof(path), "%s/%06lu-%04d.prog", o->corpus_dir,
		 stat.progs, corpus_n);
	f = fopen(path, "w");
	if (!f)
		return;
	fuzz_prog_write(f, p);
	fclose(f);
}

static void corpus_add(const struct options *o, const struct fuzz_prog *p)
{
	if (corpus_n < CORPUS_MAX)
		corpus[corpus_n++] = *p;
	else
		corpus[fuzz_below(CORPUS_MAX)] = *p;
	corpus_save(o, p);
}

/*
 * Run every program of @path, a file or a folder of *.prog files; with
 * @keep, those that reach new edges join the corpus. Returns the number
 * run, or -1 when a file is not one of programs.
 */
static int run_file(struct fuzz_dev *dev, const char *path, bool keep)
{
	struct fuzz_prog p;
	int n = 0, r;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while ((r = fuzz_prog_read(f, &p)) == 1) {
		unsigned int fresh = 0;

		run_prog(dev, &p);
		n++;
		/* kept for an edge never hit, not for a new hit count */
		merge_maps_edges(&fresh);
		if (fresh && keep && corpus_n < CORPUS_MAX)
			corpus[corpus_n++] = p;
	}
	fclose(f);
	if (r < 0)
		fprintf(stderr, "%s: a line after program %d is not one\n",
			path, n);
	return r < 0 ? -1 : n;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_prog(const struct dirent *de)
{
	size_t len = strlen(de->d_name);

	return len > 5 && !strcmp(de->d_name + len - 5, ".prog");
}

static int run_path(struct fuzz_dev *dev, const char *path, bool keep)
{
	struct dirent **names;
	char file[512];
	int n, i, ran = 0, r;

	n = scandir(path, &names, is_prog, by_name);
	if (n < 0)
		return errno == ENOTDIR ? run_file(dev, path, keep) : -1;
	for (i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		r = run_file(dev, file, keep);
		if (r < 0)
			ran = -1;
		else if (ran >= 0)
			ran += r;
		free(names[i]);
	}
	free(names);
	return ran;
}

static void report(const char *when, long t0)
{
	printf("# fuzz %s: %lds, %lu programs, %lu operations, ", when,
	       now_s() - t0, stat.progs, stat.ops);
	printf("%lu sessions (%lu not opened), %u edges, corpus %d\n",
	       stat.sessions, stat.reopen_fail, edges(), corpus_n);
	fflush(stdout);
}

static void report_ops(void)
{
	unsigned int i;

	for (i = 0; i < fuzz_nr_ops; i++)
		printf("# op %-15s %9lu run, %9lu succeeded, %7lu us each\n",
		       fuzz_ops[i].name, stat.op_runs[i], stat.op_ok[i],
		       stat.op_runs[i] ? stat.op_us[i] / stat.op_runs[i] : 0);
}

/* the device opened afresh for a session, its log started again */
static int session_start(const struct options *o, struct fuzz_dev *dev)
{
	enum vfio_open_mode mode = VFIO_MODE_GROUP;
	char path[512];
	int ret;

	if (o->modes == 2 || (o->modes == 3 && (stat.sessions & 1)))
		mode = VFIO_MODE_CDEV;
	pthread_rwlock_wrlock(&dev->dev_lock);
	ret = fuzz_dev_reopen(dev, mode);
	pthread_rwlock_unlock(&dev->dev_lock);
	if (ret) {
		stat.reopen_fail++;
		return ret;
	}
	stat.sessions++;
	if (!o->log_dir)
		return 0;
	if (session_log)
		fclose(session_log);
	snprintf(path, sizeof(path), "%s/session.log", o->log_dir);
	session_log = fopen(path, "w");
	if (session_log)
		fprintf(session_log, "# session %lu, %s path\n", stat.sessions,
			vfio_mode_name(mode));
	return 0;
}

static void next_prog(struct fuzz_dev *dev, struct fuzz_prog *p)
{
	if (!corpus_n || fuzz_one_in(10)) {
		fuzz_prog_gen(dev, p, 12);
		return;
	}
	*p = corpus[fuzz_below(corpus_n)];
	fuzz_prog_mutate(dev, p, &corpus[fuzz_below(corpus_n)]);
}

static void *watchdog(void *arg)
{
	unsigned long last = ~0ul;
	long since = now_s();

	for (;;) {
		sleep(5);
		if (__atomic_load_n(&stat.progress, __ATOMIC_RELAXED) != last) {
			last = __atomic_load_n(&stat.progress, __ATOMIC_RELAXED);
			since = now_s();
			continue;
		}
		if (now_s() - since < STALL_SECS)
			continue;
		printf("# fuzz: no progress for %d s in this program:\n",
		       STALL_SECS);
		if (run.prog)
			fuzz_prog_write(stdout, run.prog);
		fflush(stdout);
		_exit(2);
	}
	return NULL;
}

static int fuzz(const struct options *o, struct fuzz_dev *dev)
{
	struct fuzz_prog p;
	long t0 = now_s(), last = t0;
	int in_session = 0;

	corpus = calloc(CORPUS_MAX, sizeof(*corpus));
	if (!corpus)
		return 1;
	if (session_start(o, dev))
		return 1;
	if (o->corpus_dir)
		run_path(dev, o->corpus_dir, true);
	report("corpus replayed", t0);
	while (now_s() - t0 < o->secs) {
		if (++in_session > o->session) {
			in_session = 0;
			session_start(o, dev);
		}
		next_prog(dev, &p);
		run_prog(dev, &p);
		if (merge_maps())
			corpus_add(o, &p);
		if (now_s() - last >= REPORT_SECS) {
			last = now_s();
			report("at", t0);
		}
	}
	report("done", t0);
	report_ops();
	return 0;
}

static int replay(const struct options *o, struct fuzz_dev *dev)
{
	int i, n, total = 0;

	for (i = 0; i < o->nr_replay; i++) {
		n = run_path(dev, o->replay[i], false);
		if (n < 0) {
			fprintf(stderr, "%s: cannot be replayed\n", o->replay[i]);
			return 1;
		}
		total += n;
	}
	printf("# replayed %d program(s), %lu operations, %u edges\n", total,
	       stat.ops, (merge_maps(), edges()));
	return 0;
}

/* the corpus replayed, what reached new edges written to one file */
static int minimize(const struct options *o, struct fuzz_dev *dev)
{
	FILE *f;
	int i, n;

	corpus = calloc(CORPUS_MAX, sizeof(*corpus));
	if (!corpus)
		return 1;
	n = run_path(dev, o->corpus_dir, true);
	f = fopen(o->minimized, "w");
	if (n < 0 || !f) {
		fprintf(stderr, "%s to %s failed\n", o->corpus_dir, o->minimized);
		return 1;
	}
	fprintf(f, "# %d of %d programs, %u edges on %s\n\n", corpus_n, n,
		edges(), o->bdf);
	for (i = 0; i < corpus_n; i++)
		fuzz_prog_write(f, &corpus[i]);
	fclose(f);
	printf("# minimized: %d of %d programs kept, %u edges\n", corpus_n, n,
	       edges());
	return 0;
}

static int parse_modes(const char *s)
{
	if (!strcmp(s, "group"))
		return 1;
	if (!strcmp(s, "cdev"))
		return 2;
	return !strcmp(s, "both") ? 3 : 0;
}

static int print_usage(const char *argv0)
{
	fprintf(stderr,
		"Usage: %s [-t SECONDS] [-m group|cdev|both] [-s SEED] [-S N] [-c DIR] [-w] [-o DIR] BDF\n"
		"       %s -r FILE|DIR [-r ...] [-v] [-m group|cdev] BDF\n"
		"       %s -c CORPUS_DIR -M FILE BDF\n", argv0, argv0, argv0);
	return 1;
}

static int parse(int argc, char **argv, struct options *o)
{
	int c;

	*o = (struct options){ .secs = 60, .modes = 3, .seed = 1,
			       .session = 100 };
	while ((c = getopt(argc, argv, "t:m:s:S:c:wo:r:vM:")) != -1) {
		switch (c) {
		case 't':
			o->secs = strtol(optarg, NULL, 0);
			break;
		case 'm':
			o->modes = parse_modes(optarg);
			break;
		case 's':
			o->seed = strtoull(optarg, NULL, 0);
			break;
		case 'S':
			o->session = (int)strtol(optarg, NULL, 0);
			break;
		case 'c':
			o->corpus_dir = optarg;
			break;
		case 'w':
			o->write_corpus = true;
			break;
		case 'o':
			o->log_dir = optarg;
			break;
		case 'r':
			if (o->nr_replay == ARRAY_SIZE(o->replay))
				return -1;
			o->replay[o->nr_replay++] = optarg;
			break;
		case 'M':
			o->minimized = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc - 1 || !o->modes || o->session < 1 ||
	    (o->minimized && !o->corpus_dir))
		return -1;
	o->bdf = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	static struct fuzz_dev dev;
	pthread_t threads[FUZZ_THREADS], wd;
	struct options o;
	long i;
	int ret;

	if (parse(argc, argv, &o))
		return print_usage(argv[0]);
	fuzz_seed(o.seed);
	run.verbose = o.verbose;
	signal(SIGPIPE, SIG_IGN);
	vfio_catch_sigbus();
	if (!fuzz_kcov_available())
		printf("# fuzz: no KCOV (/sys/kernel/debug/kcov): blind, no coverage\n");
	else if (fuzz_text_ranges(modules) < 0)
		printf("# fuzz: no VFIO PCI module text in /proc/kallsyms: no coverage\n");
	ret = fuzz_dev_init(&dev, o.bdf, o.modes == 2 ? VFIO_MODE_CDEV :
						       VFIO_MODE_GROUP);
	if (ret) {
		fprintf(stderr, "%s: open failed: %s (%s)\n", o.bdf,
			dev.d.err, strerror(-ret));
		return 1;
	}
	printf("# fuzz %s: %u regions, %u irq indexes, caps pm 0x%x msi 0x%x msix 0x%x exp 0x%x\n",
	       o.bdf, dev.num_regions, dev.num_irqs, dev.cap_pm, dev.cap_msi,
	       dev.cap_msix, dev.cap_exp);
	pthread_barrier_init(&run.start, NULL, FUZZ_THREADS);
	pthread_barrier_init(&run.done, NULL, FUZZ_THREADS);
	fuzz_kcov_open(&run.kcov[0]);
	for (i = 1; i < FUZZ_THREADS; i++)
		pthread_create(&threads[i], NULL, worker, (void *)i);
	pthread_create(&wd, NULL, watchdog, NULL);
	if (o.minimized)
		ret = minimize(&o, &dev);
	else if (o.nr_replay)
		ret = replay(&o, &dev);
	else
		ret = fuzz(&o, &dev);
	run.quit = true;
	pthread_barrier_wait(&run.start);
	for (i = 1; i < FUZZ_THREADS; i++)
		pthread_join(threads[i], NULL);
	fuzz_kcov_close(&run.kcov[0]);
	fuzz_dev_fini(&dev);
	if (session_log)
		fclose(session_log);
	return ret;
}
