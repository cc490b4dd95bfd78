/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_pci_fuzz: a coverage-guided fuzzer of the VFIO PCI device uAPI.
 *
 * A program is a short list of operations on one open device (ioctls with
 * their arguments, region reads and writes, mappings and their faults,
 * eventfds, closing and opening again), each tagged with the thread that
 * runs it. The executor runs a program's threads side by side on the same
 * device; KCOV, filtered to the text of the VFIO PCI modules, says which
 * edges of the driver it took, and a program that took a new one joins the
 * corpus the next programs are mutated from.
 */
#ifndef VFIO_PCI_FUZZ_H
#define VFIO_PCI_FUZZ_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../qemu_devices.h"
#include "../vfio_util.h"

#ifndef BIT
#define BIT(n)			(1ul << (n))
#endif
/* spelled as the kernel does, split as vfio_util.h's __printf is */
#ifndef __aligned
#define __aligned(n)		__attribute__((		\
					aligned(n)))
#endif

#define FUZZ_MAX_OPS		24	/* operations in a program */
#define FUZZ_NARGS		6	/* numeric arguments of an operation */
#define FUZZ_DATA		32	/* bytes of data of an operation */
#define FUZZ_THREADS		3	/* threads a program may use */
#define FUZZ_EFDS		6	/* eventfds of the pool */
#define FUZZ_MAPS		4	/* mapping slots */

/* bytes [start, end) of region @region of a device not to write */
struct fuzz_avoid {
	uint16_t vendor, device;
	uint32_t region;
	uint64_t start, end;
};

/* one operation: what it is, the thread that runs it, its arguments */
struct fuzz_op {
	uint8_t kind;
	uint8_t thread;
	uint8_t len;		/* bytes of data used */
	uint64_t a[FUZZ_NARGS];
	uint8_t data[FUZZ_DATA];
};

struct fuzz_prog {
	int n;
	struct fuzz_op ops[FUZZ_MAX_OPS];
};

/* a BAR mapping a program made; maps_lock guards the table */
struct fuzz_map {
	void *addr;
	size_t len;
	int prot;
	uint32_t region;
	uint64_t offset;	/* in the region */
};

/*
 * What the executor knows of the device, learned once at start, and the
 * resources programs share. dev_lock is taken for reading by every
 * operation and for writing by the ones that close and open the device;
 * maps_lock guards maps[] and mig_lock the migration data fd, each taken
 * inside dev_lock, never together.
 */
struct fuzz_dev {
	const char *bdf;
	enum vfio_open_mode mode;
	struct vfio_dev d;
	bool open;
	pthread_rwlock_t dev_lock;

	__u32 num_regions;
	__u32 num_irqs;
	__u64 region_size[16];
	__u32 region_flags[16];
	__u32 irq_count[8];
	/* offsets of capabilities in config space, 0 when absent */
	int cap_pm, cap_msi, cap_msix, cap_exp;

	/* BAR bytes not to write (fuzz_dev.c: the emulator's own bugs) */
	const struct fuzz_avoid *avoid;

	int efd[FUZZ_EFDS];
	struct fuzz_map maps[FUZZ_MAPS];
	pthread_mutex_t maps_lock;

	/*
	 * The migration data fd the last state change returned (-1 if
	 * none), kept across a close and open of the device; the stream
	 * read from the data fd numbered mig_stream_gen. mig_lock guards
	 * them, taken inside dev_lock.
	 */
	int mig_fd;
	unsigned int mig_gen, mig_stream_gen;
	size_t mig_len;
	uint8_t mig_stream[4096];
	pthread_mutex_t mig_lock;
};

/* random numbers: xorshift, one state per thread */
uint64_t fuzz_rand(void);
void fuzz_seed(uint64_t seed);
static inline uint64_t fuzz_below(uint64_t n)
{
	return n ? fuzz_rand() % n : 0;
}

/* one chance in @n */
static inline bool fuzz_one_in(uint64_t n)
{
	return !fuzz_below(n);
}

/* a value a boundary check may get wrong, near @hint */
uint64_t fuzz_edgy(uint64_t hint);

/* fuzz_ops.c: the operations */
struct fuzz_op_desc {
	const char *name;
	/* fill @op's arguments for @dev, structure-aware */
	void (*gen)(struct fuzz_dev *dev, struct fuzz_op *op);
	/* run it: the result (0 or a negative errno) only for statistics */
	int (*exec)(struct fuzz_dev *dev, const struct fuzz_op *op);
	/* takes dev_lock for writing: closes and opens the device */
	bool exclusive;
};

extern const struct fuzz_op_desc fuzz_ops[];
extern const unsigned int fuzz_nr_ops;
int fuzz_op_by_name(const char *name);
void fuzz_op_gen(struct fuzz_dev *dev, struct fuzz_op *op);
int fuzz_op_exec(struct fuzz_dev *dev, const struct fuzz_op *op);

/* the argsz of a call selected by @sel: mostly @natural (fuzz_ops.c) */
uint32_t fuzz_argsz(uint64_t sel, uint32_t natural);

/* fuzz_mig.c: the migration state machine and its data fd */
void fuzz_mig_gen_state(struct fuzz_dev *dev, struct fuzz_op *op);
int fuzz_mig_exec_state(struct fuzz_dev *dev, const struct fuzz_op *op);
void fuzz_mig_gen_data(struct fuzz_dev *dev, struct fuzz_op *op);
int fuzz_mig_exec_data(struct fuzz_dev *dev, const struct fuzz_op *op);

/* fuzz_dev.c: the device and the resources programs share */
int fuzz_dev_init(struct fuzz_dev *dev, const char *bdf,
		  enum vfio_open_mode mode);
int fuzz_dev_reopen(struct fuzz_dev *dev, enum vfio_open_mode mode);
void fuzz_dev_fini(struct fuzz_dev *dev);
void fuzz_dev_unmap_all(struct fuzz_dev *dev);
int fuzz_fd_pick(struct fuzz_dev *dev, uint64_t sel);
bool fuzz_avoided(const struct fuzz_dev *dev, uint32_t region, uint64_t off,
		  uint64_t len);
uint64_t fuzz_fd_sel(void);

/* fuzz_prog.c: programs as text, generation and mutation */
void fuzz_prog_gen(struct fuzz_dev *dev, struct fuzz_prog *p, int max);
void fuzz_prog_mutate(struct fuzz_dev *dev, struct fuzz_prog *p,
		      const struct fuzz_prog *other);
int fuzz_prog_write(FILE *f, const struct fuzz_prog *p);
/* read one program (ending at a blank line or EOF): 1, 0 at EOF, -1 */
int fuzz_prog_read(FILE *f, struct fuzz_prog *p);

/* fuzz_kcov.c: coverage of the VFIO PCI modules */
#define FUZZ_MAP_BITS		16
#define FUZZ_MAP_SIZE		BIT(FUZZ_MAP_BITS)

struct fuzz_kcov {
	int fd;
	unsigned long *area;
	unsigned long words;
};

int fuzz_text_ranges(const char *const *mods);
int fuzz_kcov_open(struct fuzz_kcov *k);
void fuzz_kcov_start(struct fuzz_kcov *k);
/* add the edges since fuzz_kcov_start() into @map; returns PCs kept */
unsigned long fuzz_kcov_collect(struct fuzz_kcov *k, uint8_t *map);
void fuzz_kcov_close(struct fuzz_kcov *k);
bool fuzz_kcov_available(void);

#endif /* VFIO_PCI_FUZZ_H */
