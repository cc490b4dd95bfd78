// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's migration operations: the VFIO core's v2 migration uAPI as
 * a variant driver offers it. mig_state moves the state machine
 * (VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE), mostly to a state that exists,
 * and reads the state, the data size and the migration flags; mig_data
 * reads, writes and closes the data fd a move returned. A stream read in
 * STOP_COPY is kept and written back in RESUMING, whole, cut or with one
 * byte changed, so that the driver's checks of a stream are reached and
 * not only its refusal of noise. The data fd outlives a close and open of
 * the device: a hostile user keeps it too. On a device without migration
 * every call fails at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuzz.h"

#define MIG_BUF		8192

static const uint32_t mig_states[] = {
	VFIO_DEVICE_STATE_STOP, VFIO_DEVICE_STATE_RUNNING,
	VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_RESUMING,
	VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_PRE_COPY,
	VFIO_DEVICE_STATE_PRE_COPY_P2P, VFIO_DEVICE_STATE_ERROR,
};

/* what a mig_state operation asks (a[0]) */
enum { MIG_SET, MIG_GET, MIG_SIZE, MIG_FLAGS, MIG_PROBE, MIG_ASKS };

/* what a mig_data operation does with the data fd (a[0]) */
enum { DATA_READ, DATA_WRITE_KEPT, DATA_WRITE_CUT, DATA_WRITE_FLIPPED,
	DATA_WRITE_NOISE, DATA_PREAD, DATA_CLOSE, DATA_DOES };

static __thread uint8_t mbuf[MIG_BUF];

void fuzz_mig_gen_state(struct fuzz_dev *dev, struct fuzz_op *op)
{
	op->a[0] = fuzz_below(2) ? MIG_SET : fuzz_below(MIG_ASKS);
	op->a[1] = fuzz_below(16) ? mig_states[fuzz_below(8)] :
				    fuzz_edgy(VFIO_DEVICE_STATE_PRE_COPY_P2P);
	op->a[2] = fuzz_rand();
}

/* Keep @fd as the data fd, closing the one it replaces. */
static void data_fd_keep(struct fuzz_dev *dev, int fd)
{
	pthread_mutex_lock(&dev->mig_lock);
	if (dev->mig_fd >= 0)
		close(dev->mig_fd);
	dev->mig_fd = fd;
	dev->mig_gen++;
	pthread_mutex_unlock(&dev->mig_lock);
}

int fuzz_mig_exec_state(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	struct vfio_device_feature *f = (void *)mbuf;
	struct vfio_device_feature_mig_state *st = (void *)f->data;
	static const uint32_t asks[] = {
		[MIG_SET] = VFIO_DEVICE_FEATURE_SET |
			    VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
		[MIG_GET] = VFIO_DEVICE_FEATURE_GET |
			    VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
		[MIG_SIZE] = VFIO_DEVICE_FEATURE_GET |
			     VFIO_DEVICE_FEATURE_MIG_DATA_SIZE,
		[MIG_FLAGS] = VFIO_DEVICE_FEATURE_GET |
			      VFIO_DEVICE_FEATURE_MIGRATION,
		[MIG_PROBE] = VFIO_DEVICE_FEATURE_PROBE |
			      VFIO_DEVICE_FEATURE_SET |
			      VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
	};
	uint64_t ask = op->a[0] % MIG_ASKS;
	long ret;

	memset(mbuf, 0, 64);
	f->argsz = fuzz_argsz(op->a[2], sizeof(*f) + sizeof(*st));
	f->flags = asks[ask];
	st->device_state = (uint32_t)op->a[1];
	st->data_fd = -1;
	ret = ioctl(dev->d.device_fd, VFIO_DEVICE_FEATURE, f);
	if (ret < 0)
		return -errno;
	if (ask == MIG_SET && st->data_fd >= 0)
		data_fd_keep(dev, st->data_fd);
	return 0;
}

void fuzz_mig_gen_data(struct fuzz_dev *dev, struct fuzz_op *op)
{
	unsigned int i;

	op->a[0] = fuzz_below(DATA_DOES);
	op->a[1] = fuzz_below(4) ? fuzz_below(512) : fuzz_below(MIG_BUF + 1);
	op->a[2] = fuzz_rand();
	op->a[3] = fuzz_rand();
	op->len = FUZZ_DATA;
	for (i = 0; i < FUZZ_DATA; i++)
		op->data[i] = fuzz_rand();
}

/* Append what a read returned to the stream kept; mig_lock held. */
static void stream_keep(struct fuzz_dev *dev, const uint8_t *p, size_t n)
{
	if (n > sizeof(dev->mig_stream) - dev->mig_len)
		n = sizeof(dev->mig_stream) - dev->mig_len;
	memcpy(dev->mig_stream + dev->mig_len, p, n);
	dev->mig_len += n;
}

/*
 * The bytes a write sends, in mbuf, which holds the kept stream: all of
 * it, cut short, with one byte changed, or noise.
 */
static size_t data_to_write(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	size_t len = dev->mig_len, i;

	switch (op->a[0]) {
	case DATA_WRITE_KEPT:
		return len;
	case DATA_WRITE_CUT:
		return len ? op->a[2] % len : 0;
	case DATA_WRITE_FLIPPED:
		if (len)
			mbuf[op->a[2] % len] ^= (uint8_t)op->a[3] | 1;
		return len;
	default:
		for (i = 0; i < op->a[1]; i++)
			mbuf[i] = op->data[i % FUZZ_DATA];
		return op->a[1];
	}
}

int fuzz_mig_exec_data(struct fuzz_dev *dev, const struct fuzz_op *op)
{
	int fd, ret = 0;
	ssize_t n = 0;

	pthread_mutex_lock(&dev->mig_lock);
	fd = dev->mig_fd;
	if (fd < 0) {
		ret = -EBADF;
		goto out;
	}
	switch (op->a[0]) {
	case DATA_READ:
		/* a stream read from another fd starts afresh */
		if (dev->mig_stream_gen != dev->mig_gen)
			dev->mig_len = 0;
		dev->mig_stream_gen = dev->mig_gen;
		n = read(fd, mbuf, op->a[1]);
		if (n > 0)
			stream_keep(dev, mbuf, n);
		break;
	case DATA_PREAD:
		n = pread(fd, mbuf, op->a[1], (off_t)(op->a[2] & 0xffff));
		break;
	case DATA_CLOSE:
		close(fd);
		dev->mig_fd = -1;
		break;
	default:
		memcpy(mbuf, dev->mig_stream, dev->mig_len);
		n = write(fd, mbuf, data_to_write(dev, op));
	}
	if (n < 0)
		ret = -errno;
out:
	pthread_mutex_unlock(&dev->mig_lock);
	return ret;
}
