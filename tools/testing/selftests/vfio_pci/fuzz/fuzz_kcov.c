// SPDX-License-Identifier: GPL-2.0
/*
 * Coverage for the fuzzer: KCOV's trace of the PCs a thread ran in the
 * kernel, kept only inside the text of the VFIO PCI modules (found in
 * /proc/kallsyms) and folded into edges of a hit map, AFL style.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kcov.h>

#include "fuzz.h"

#define KCOV_PATH	"/sys/kernel/debug/kcov"
#define KCOV_WORDS	(256 * 1024)
#define MAX_RANGES	8
/* past a module's last symbol: that function's body */
#define TAIL_SLACK	0x1000

/* the text of each module kept, [start, end) */
static struct {
	unsigned long start, end;
} ranges[MAX_RANGES];
static int nr_ranges;

bool fuzz_kcov_available(void)
{
	return access(KCOV_PATH, R_OK | W_OK) == 0;
}

/* the module name in brackets ending a kallsyms line, or NULL */
static const char *kallsyms_module(char *line)
{
	char *open = strchr(line, '['), *close;

	if (!open)
		return NULL;
	close = strchr(open, ']');
	if (!close)
		return NULL;
	*close = 0;
	return open + 1;
}

/* one range per module of @mods (NULL-terminated) that is loaded */
int fuzz_text_ranges(const char *const *mods)
{
	char line[512], type;
	unsigned long addr;
	const char *mod;
	FILE *f;
	int i;

	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return -errno;
	nr_ranges = 0;
	for (i = 0; mods[i] && i < MAX_RANGES; i++) {
		ranges[i].start = ~0ul;
		ranges[i].end = 0;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c", &addr, &type) != 2 || !addr)
			continue;
		if (type != 't' && type != 'T')
			continue;
		mod = kallsyms_module(line);
		if (!mod)
			continue;
		for (i = 0; mods[i] && i < MAX_RANGES; i++) {
			if (strcmp(mod, mods[i]))
				continue;
			if (addr < ranges[i].start)
				ranges[i].start = addr;
			if (addr + TAIL_SLACK > ranges[i].end)
				ranges[i].end = addr + TAIL_SLACK;
		}
	}
	fclose(f);
	for (i = 0; mods[i] && i < MAX_RANGES; i++)
		if (ranges[i].end)
			ranges[nr_ranges++] = ranges[i];
	return nr_ranges ? nr_ranges : -ENOENT;
}

static bool in_ranges(unsigned long pc)
{
	int i;

	for (i = 0; i < nr_ranges; i++)
		if (pc >= ranges[i].start && pc < ranges[i].end)
			return true;
	return false;
}

int fuzz_kcov_open(struct fuzz_kcov *k)
{
	k->words = KCOV_WORDS;
	k->fd = open(KCOV_PATH, O_RDWR | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	if (ioctl(k->fd, KCOV_INIT_TRACE, k->words))
		goto err_close;
	k->area = mmap(NULL, k->words * sizeof(unsigned long),
		       PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, 0);
	if (k->area == MAP_FAILED)
		goto err_close;
	if (ioctl(k->fd, KCOV_ENABLE, KCOV_TRACE_PC))
		goto err_unmap;
	return 0;

err_unmap:
	munmap(k->area, k->words * sizeof(unsigned long));
err_close:
	close(k->fd);
	k->fd = -1;
	return -errno;
}

void fuzz_kcov_start(struct fuzz_kcov *k)
{
	if (k->fd >= 0)
		__atomic_store_n(&k->area[0], 0, __ATOMIC_RELAXED);
}

static uint32_t pc_hash(unsigned long pc)
{
	return (uint32_t)((pc * 0x9e3779b97f4a7c15ull) >> (64 - FUZZ_MAP_BITS));
}

unsigned long fuzz_kcov_collect(struct fuzz_kcov *k, uint8_t *map)
{
	unsigned long n, i, kept = 0;
	uint32_t prev = 0, cur;

	if (k->fd < 0)
		return 0;
	n = __atomic_load_n(&k->area[0], __ATOMIC_RELAXED);
	if (n > k->words - 1)
		n = k->words - 1;
	for (i = 0; i < n; i++) {
		unsigned long pc = k->area[i + 1];

		if (!in_ranges(pc))
			continue;
		cur = pc_hash(pc);
		if (map[cur ^ prev] < 255)
			map[cur ^ prev]++;
		prev = cur >> 1;
		kept++;
	}
	return kept;
}

void fuzz_kcov_close(struct fuzz_kcov *k)
{
	if (k->fd < 0)
		return;
	ioctl(k->fd, KCOV_DISABLE, 0);
	munmap(k->area, k->words * sizeof(unsigned long));
	close(k->fd);
	k->fd = -1;
}
