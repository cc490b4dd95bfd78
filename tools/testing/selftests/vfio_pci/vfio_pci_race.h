/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_pci_race_soak: what its parts share. vfio_pci_race_soak.c runs the
 * processes, threads and watchdog and prints the summary;
 * vfio_pci_race_actions.c has the device under the soak: what it offers
 * (race_probe()), the actions on it, and bringing it back (race_restore()).
 */
#ifndef VFIO_PCI_SELFTEST_RACE_H
#define VFIO_PCI_SELFTEST_RACE_H

#include <pthread.h>
#include <stdbool.h>

#include "vfio_util.h"

#define MAX_ACTIONS	16	/* room in the counters */

/* what an action needs of the device */
enum need {
	NEED_PM = 0x01,		/* a PM capability */
	NEED_RESET = 0x02,	/* VFIO_DEVICE_FLAGS_RESET */
	NEED_HOT = 0x04,	/* GET_PCI_HOT_RESET_INFO answers */
	NEED_MMAP = 0x08,	/* a BAR that maps */
	NEED_INTX = 0x10,	/* an INTx line */
	NEED_LP = 0x20,		/* the low power features */
	NEED_BAR0 = 0x40,	/* a BAR0 to read */
};

struct worker {
	int proc, id;
	__u64 rng;
	/* for the watchdog: the action running (-1: none) and since when */
	int cur;
	long since;
	unsigned long sigbus;
	pthread_t th;
};

struct action {
	const char *name;
	int (*fn)(void);
	unsigned int needs;
};

/* the device under the soak, opened by main() */
extern struct vfio_dev dev;
/* the actions, each returning 0 or a negative errno */
extern const struct action actions[];
extern const size_t nr_actions;

/* The device offers what action @a needs. */
bool usable(const struct action *a);
/* @err from action @act is one no race explains. */
bool race_bad_errno(int act, int err);
/* Find what the device offers; once, before the soak. */
void race_probe(void);
/* Bring the device back; the number of steps that failed. */
int race_restore(void);

/* of the runner: a random number below @n from the thread's sequence */
__u32 rnd(__u32 n);
/* the calling thread's worker */
extern __thread struct worker *self;

#endif /* VFIO_PCI_SELFTEST_RACE_H */
