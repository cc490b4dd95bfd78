// SPDX-License-Identifier: GPL-2.0
/*
 * Programs: random numbers, generation, mutation, and the text form the
 * corpus and the crash logs keep them in, one operation a line:
 *
 *	NAME THREAD A0 A1 A2 A3 A4 A5 DATA
 *
 * numbers in hex, DATA the operation's bytes in hex or "-"; a blank line
 * ends a program, '#' starts a comment line.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static __thread uint64_t rng = 0x9e3779b97f4a7c15ull;

void fuzz_seed(uint64_t seed)
{
	rng = seed ? seed : 1;
}

uint64_t fuzz_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

uint64_t fuzz_edgy(uint64_t hint)
{
	static const uint64_t wild[] = {
		0, 1, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x7fff, 0xffff,
		0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
		0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
		0xffffffffffull, 0x10000000000ull,
	};

	switch (fuzz_below(8)) {
	case 0:
		return hint;
	case 1:
		return hint - 1;
	case 2:
		return hint + 1;
	case 3:
		return hint - 4 + fuzz_below(9);
	case 4:
		return hint / 2;
	case 5:
		return wild[fuzz_below(ARRAY_SIZE(wild))];
	case 6:
		return hint + wild[fuzz_below(ARRAY_SIZE(wild))];
	default:
		return fuzz_rand() >> fuzz_below(64);
	}
}

void fuzz_prog_gen(struct fuzz_dev *dev, struct fuzz_prog *p, int max)
{
	int i;

	p->n = 1 + (int)fuzz_below(max < FUZZ_MAX_OPS ? max : FUZZ_MAX_OPS);
	for (i = 0; i < p->n; i++)
		fuzz_op_gen(dev, &p->ops[i]);
}

static void insert_op(struct fuzz_prog *p, int at, const struct fuzz_op *op)
{
	if (p->n >= FUZZ_MAX_OPS)
		return;
	memmove(&p->ops[at + 1], &p->ops[at],
		(p->n - at) * sizeof(p->ops[0]));
	p->ops[at] = *op;
	p->n++;
}

static void remove_op(struct fuzz_prog *p, int at)
{
	if (p->n <= 1)
		return;
	memmove(&p->ops[at], &p->ops[at + 1],
		(p->n - at - 1) * sizeof(p->ops[0]));
	p->n--;
}

/* one argument of one operation changed a little or a lot */
static void mutate_arg(struct fuzz_dev *dev, struct fuzz_op *op)
{
	struct fuzz_op fresh;
	int a = (int)fuzz_below(FUZZ_NARGS);

	switch (fuzz_below(6)) {
	case 0:
		op->a[a] ^= 1ull << fuzz_below(64);
		break;
	case 1:
		op->a[a] += fuzz_below(9) - 4;
		break;
	case 2:
		op->a[a] = fuzz_edgy(op->a[a]);
		break;
	case 3:
		op->data[fuzz_below(FUZZ_DATA)] = fuzz_rand();
		break;
	case 4:
		op->thread = fuzz_below(FUZZ_THREADS);
		break;
	default:
		/* the same kind generated again: one argument taken */
		fresh = *op;
		fuzz_ops[op->kind].gen(dev, &fresh);
		op->a[a] = fresh.a[a];
	}
}

void fuzz_prog_mutate(struct fuzz_dev *dev, struct fuzz_prog *p,
		      const struct fuzz_prog *other)
{
	int rounds = 1 + (int)fuzz_below(4), at;
	struct fuzz_op op;

	while (rounds--) {
		at = (int)fuzz_below(p->n);
		switch (fuzz_below(7)) {
		case 0:
			fuzz_op_gen(dev, &op);
			insert_op(p, (int)fuzz_below(p->n + 1), &op);
			break;
		case 1:
			remove_op(p, at);
			break;
		case 2:
			insert_op(p, at, &p->ops[at]);
			break;
		case 3:
			if (other && other->n)
				insert_op(p, at, &other->ops[fuzz_below(other->n)]);
			break;
		default:
			mutate_arg(dev, &p->ops[at]);
		}
	}
}

int fuzz_prog_write(FILE *f, const struct fuzz_prog *p)
{
	int i, j, k;

	for (i = 0; i < p->n; i++) {
		const struct fuzz_op *op = &p->ops[i];

		if (op->kind >= fuzz_nr_ops)
			continue;
		fprintf(f, "%s %u", fuzz_ops[op->kind].name, op->thread);
		for (j = 0; j < FUZZ_NARGS; j++)
			fprintf(f, " 0x%llx", (unsigned long long)op->a[j]);
		if (!op->len)
			fputs(" -", f);
		else
			fputc(' ', f);
		for (k = 0; k < op->len; k++)
			fprintf(f, "%02x", op->data[k]);
		fputc('\n', f);
	}
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

static int hexval(int c)
{
	if (isdigit(c))
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_op(char *line, struct fuzz_op *op)
{
	char *tok, *save = NULL;
	int kind, i;
	size_t k;

	memset(op, 0, sizeof(*op));
	tok = strtok_r(line, " \t\n", &save);
	kind = tok ? fuzz_op_by_name(tok) : -1;
	if (kind < 0)
		return -1;
	op->kind = kind;
	tok = strtok_r(NULL, " \t\n", &save);
	if (!tok)
		return -1;
	op->thread = strtoul(tok, NULL, 0) % FUZZ_THREADS;
	for (i = 0; i < FUZZ_NARGS; i++) {
		tok = strtok_r(NULL, " \t\n", &save);
		if (!tok)
			return -1;
		op->a[i] = strtoull(tok, NULL, 0);
	}
	tok = strtok_r(NULL, " \t\n", &save);
	if (!tok || !strcmp(tok, "-"))
		return 0;
	for (k = 0; tok[2 * k] && tok[2 * k + 1] && k < FUZZ_DATA; k++) {
		int hi = hexval(tok[2 * k]), lo = hexval(tok[2 * k + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		op->data[k] = hi << 4 | lo;
	}
	op->len = k;
	return 0;
}

int fuzz_prog_read(FILE *f, struct fuzz_prog *p)
{
	char line[512];

	p->n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (line[0] == '\n') {
			if (p->n)
				return 1;
			continue;
		}
		if (p->n == FUZZ_MAX_OPS || parse_op(line, &p->ops[p->n]))
			return -1;
		p->n++;
	}
	return p->n ? 1 : 0;
}
