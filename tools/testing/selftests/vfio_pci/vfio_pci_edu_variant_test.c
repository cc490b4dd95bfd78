// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_edu_variant_test: the sample variant driver,
 * samples/vfio-pci/edu_vfio_pci.c, on QEMU's edu at $VFIO_PCI_DEV bound
 * to it: its snapshot region and capability, and live migration of edu's
 * state to the edu at $VFIO_PCI_PEER (bound to it too), over the group
 * and the cdev paths. Without a peer the migration tests are skipped.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "edu_vfio_pci.h"
#include "vfio_fixture.h"

#define SNAP_INDEX	VFIO_PCI_NUM_REGIONS
#define SNAP_REGS	EDU_REG_END
#define INFO_BUF	512

static const char *peer;	/* the second edu, or NULL */

static int bar_read(struct vfio_dev *d, __u64 off, void *val, size_t len)
{
	ssize_t n = vfio_region_pread(d, VFIO_PCI_BAR0_REGION_INDEX, val, len,
				      off);

	return n == (ssize_t)len ? 0 : n < 0 ? (int)n : -EIO;
}

static int bar_write(struct vfio_dev *d, __u64 off, const void *val,
		     size_t len)
{
	ssize_t n = vfio_region_pwrite(d, VFIO_PCI_BAR0_REGION_INDEX, val,
				       len, off);

	return n == (ssize_t)len ? 0 : n < 0 ? (int)n : -EIO;
}

static __u32 rd32(struct vfio_dev *d, __u64 off)
{
	__u32 v = 0xdeadbeef;

	bar_read(d, off, &v, 4);
	return v;
}

static void wr32(struct vfio_dev *d, __u64 off, __u32 v)
{
	bar_write(d, off, &v, 4);
}

/*
 * The fd moves at most 4 bytes at a time: edu takes the low half of a
 * DMA register at its offset and ignores the high half's, so values stay
 * under 4 GiB.
 */
static void wr64(struct vfio_dev *d, __u64 off, __u64 v)
{
	bar_write(d, off, &v, 8);
}

/* the bound driver must be the sample, else every test is skipped */
static bool edu_ready(struct test_ctx *t)
{
	char drv[64] = "";

	sysfs_driver(t->bdf, drv, sizeof(drv));
	if (strcmp(drv, "edu_vfio_pci"))
		t->skip = "not bound to edu_vfio_pci (the sample variant driver)";
	return !t->skip;
}

/* the snapshot region */

static void test_region_info(struct test_ctx *t)
{
	union {
		struct vfio_region_info info;
		__u8 buf[INFO_BUF];
	} u;
	struct vfio_device_info dinfo;
	struct vfio_info_cap_header *hdr;
	struct vfio_region_info_cap_type *type = NULL;
	struct edu_vfio_pci_cap_snapshot *snap = NULL;
	__u32 off;
	int ret;

	if (!edu_ready(t) || check_ok(t, vfio_device_info(t->d, &dinfo),
				      "GET_INFO"))
		return;
	check(t, dinfo.num_regions == VFIO_PCI_NUM_REGIONS + 1,
	      "%u regions, %u expected", dinfo.num_regions,
	      VFIO_PCI_NUM_REGIONS + 1);
	memset(&u, 0, sizeof(u));
	u.info.argsz = sizeof(u);
	u.info.index = SNAP_INDEX;
	if (check(t, !ioctl(t->d->device_fd, VFIO_DEVICE_GET_REGION_INFO,
			    &u.info), "GET_REGION_INFO(%u): %s", SNAP_INDEX,
		  strerror(errno)))
		return;
	check(t, u.info.size == EDU_VFIO_PCI_SNAPSHOT_SIZE,
	      "size %llu", (unsigned long long)u.info.size);
	check(t, u.info.flags == (VFIO_REGION_INFO_FLAG_READ |
				  VFIO_REGION_INFO_FLAG_MMAP |
				  VFIO_REGION_INFO_FLAG_CAPS),
	      "flags 0x%x", u.info.flags);
	for (off = u.info.cap_offset; off && off + sizeof(*hdr) <= sizeof(u);
	     off = hdr->next) {
		hdr = (void *)(u.buf + off);
		if (hdr->id == VFIO_REGION_INFO_CAP_TYPE && !type)
			type = (void *)hdr;
		else if (hdr->id == EDU_VFIO_PCI_CAP_SNAPSHOT)
			check(t, type, "the snapshot capability before the type");
		if (hdr->id == EDU_VFIO_PCI_CAP_SNAPSHOT)
			snap = (void *)hdr;
	}
	if (!check(t, type, "no type capability"))
		check(t, type->type == EDU_VFIO_PCI_REGION_TYPE &&
		      type->subtype == EDU_VFIO_PCI_REGION_SNAPSHOT,
		      "type 0x%x subtype %u", type->type, type->subtype);
	if (!check(t, snap, "no snapshot capability"))
		check(t, snap->regs_size == EDU_REG_END, "regs_size 0x%x",
		      snap->regs_size);
	memset(&u, 0, sizeof(u));
	u.info.argsz = sizeof(u);
	u.info.index = SNAP_INDEX + 1;
	ret = ioctl(t->d->device_fd, VFIO_DEVICE_GET_REGION_INFO, &u.info);
	check_errno(t, ret, errno, EINVAL,
		    "GET_REGION_INFO past the last region");
}

static void test_region_read(struct test_ctx *t)
{
	__u32 snap[EDU_REG_END / 4], v;
	__u8 byte;
	ssize_t n;

	if (!edu_ready(t))
		return;
	wr32(t->d, EDU_REG_LIVENESS, 0x5a5a0f0f);
	n = vfio_region_pread(t->d, SNAP_INDEX, snap, sizeof(snap), 0);
	if (check(t, n == sizeof(snap), "read of the snapshot: %zd", n))
		return;
	check(t, snap[EDU_REG_ID / 4] == rd32(t->d, EDU_REG_ID),
	      "id 0x%x, BAR0 says 0x%x", snap[0], rd32(t->d, EDU_REG_ID));
	check(t, snap[EDU_REG_LIVENESS / 4] == ~0x5a5a0f0fu,
	      "liveness 0x%x", snap[EDU_REG_LIVENESS / 4]);
	n = vfio_region_pread(t->d, SNAP_INDEX, &byte, 1,
			      EDU_VFIO_PCI_SNAPSHOT_SIZE);
	check(t, n == 0, "read at the end: %zd", n);
	v = 0;
	n = vfio_region_pwrite(t->d, SNAP_INDEX, &v, 4, 0);
	check(t, n == -EINVAL, "write of the read-only region: %zd", n);
}

static void test_region_mmap(struct test_ctx *t)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct vfio_region_info ri;
	__u32 *map;
	__u64 off;
	void *w;

	if (!edu_ready(t) ||
	    check_ok(t, vfio_region_info(t->d, SNAP_INDEX, &ri),
		     "GET_REGION_INFO"))
		return;
	off = ri.offset;
	w = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED,
		 t->d->device_fd, off);
	check(t, w == MAP_FAILED, "a writable mapping was allowed");
	if (w != MAP_FAILED)
		munmap(w, pg);
	wr32(t->d, EDU_REG_LIVENESS, 0x01020304);
	map = mmap(NULL, pg, PROT_READ, MAP_SHARED, t->d->device_fd, off);
	if (check(t, map != MAP_FAILED, "mmap: %s", strerror(errno)))
		return;
	check(t, map[EDU_REG_LIVENESS / 4] == ~0x01020304u,
	      "liveness through the mapping 0x%x", map[EDU_REG_LIVENESS / 4]);
	check(t, map[EDU_REG_ID / 4] == rd32(t->d, EDU_REG_ID), "id 0x%x",
	      map[EDU_REG_ID / 4]);
	munmap((void *)map, pg);
	w = mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, t->d->device_fd, off);
	check(t, w == MAP_FAILED && errno == EINVAL,
	      "mmap past the region's end: %s",
	      w == MAP_FAILED ? strerror(errno) : "allowed");
	if (w != MAP_FAILED)
		munmap(w, 2 * pg);
}

/* migration */

static int mig_set(struct vfio_dev *d, __u32 state, int *data_fd)
{
	struct {
		struct vfio_device_feature hdr;
		struct vfio_device_feature_mig_state st;
	} a = {
		.hdr.argsz = sizeof(a),
		.hdr.flags = VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
		.st.device_state = state,
		.st.data_fd = -1,
	};

	if (ioctl(d->device_fd, VFIO_DEVICE_FEATURE, &a))
		return -errno;
	if (data_fd)
		*data_fd = a.st.data_fd;
	else if (a.st.data_fd >= 0)
		close(a.st.data_fd);
	return 0;
}

static int mig_get(struct vfio_dev *d, __u32 *state)
{
	struct {
		struct vfio_device_feature hdr;
		struct vfio_device_feature_mig_state st;
	} a = {
		.hdr.argsz = sizeof(a),
		.hdr.flags = VFIO_DEVICE_FEATURE_GET |
			     VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
	};

	if (ioctl(d->device_fd, VFIO_DEVICE_FEATURE, &a))
		return -errno;
	*state = a.st.device_state;
	return 0;
}

static bool mig_ready(struct test_ctx *t)
{
	if (!edu_ready(t))
		return false;
	if (!peer)
		t->skip = "no second edu given";
	return !t->skip;
}

/* state A: edu at @d set up as the test migrates it */
static void edu_dirty(struct vfio_dev *d)
{
	wr32(d, EDU_REG_IRQ_ACK, ~0u);
	wr32(d, EDU_REG_LIVENESS, 0x600dcafe);
	wr32(d, EDU_REG_FACT, 10);
	usleep(10000);
	wr32(d, EDU_REG_STATUS, EDU_REG_STATUS_IRQFACT);
	wr64(d, EDU_REG_DMA_SRC, 0x40000);
	wr64(d, EDU_REG_DMA_DST, 0x41000);
	wr64(d, EDU_REG_DMA_COUNT, 0x800);
	wr32(d, EDU_REG_IRQ_RAISE, 0x5);
}

/* the stream of the edu at @d: 0, the bytes in @m */
static int edu_save(struct test_ctx *t, struct vfio_dev *d,
		    struct edu_vfio_pci_mig *m)
{
	ssize_t n;
	int fd = -1;

	if (check_ok(t, mig_set(d, VFIO_DEVICE_STATE_STOP_COPY, &fd),
		     "RUNNING -> STOP_COPY"))
		return -1;
	n = read(fd, m, sizeof(*m) + 8);
	check(t, n == sizeof(*m), "read %zd bytes of the stream", n);
	check(t, read(fd, m, 1) == 0, "the stream does not end");
	close(fd);
	check_ok(t, mig_set(d, VFIO_DEVICE_STATE_RUNNING, NULL),
		 "STOP_COPY -> RUNNING");
	return n == sizeof(*m) ? 0 : -1;
}

/* RESUMING, @len bytes of @buf written; the error of leaving for RUNNING */
static int edu_load(struct test_ctx *t, struct vfio_dev *d, const void *buf,
		    size_t len, int *write_err)
{
	ssize_t n;
	int fd = -1, ret;

	*write_err = 0;
	ret = mig_set(d, VFIO_DEVICE_STATE_RESUMING, &fd);
	if (check_ok(t, ret, "RUNNING -> RESUMING"))
		return ret;
	n = write(fd, buf, len);
	if (n < 0)
		*write_err = errno;
	ret = mig_set(d, VFIO_DEVICE_STATE_RUNNING, NULL);
	close(fd);
	return ret;
}

static int open_peer(struct test_ctx *t, struct vfio_dev *p)
{
	return check_ok(t, vfio_dev_open(p, peer, t->d->mode),
			"open the second edu %s: %s", peer, p->err) ? -1 : 0;
}

static int intx_eventfd(struct vfio_dev *d)
{
	struct {
		struct vfio_irq_set set;
		__s32 fd;
	} a = {
		.set.argsz = sizeof(a),
		.set.flags = VFIO_IRQ_SET_DATA_EVENTFD |
			     VFIO_IRQ_SET_ACTION_TRIGGER,
		.set.index = VFIO_PCI_INTX_IRQ_INDEX,
		.set.count = 1,
	};

	a.fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (a.fd < 0 || ioctl(d->device_fd, VFIO_DEVICE_SET_IRQS, &a)) {
		if (a.fd >= 0)
			close(a.fd);
		return -1;
	}
	return a.fd;
}

/* The registers of the edu at @d, as its snapshot region reads them. */
static int snapshot(struct test_ctx *t, struct vfio_dev *d, __u8 *snap)
{
	ssize_t n = vfio_region_pread(d, SNAP_INDEX, snap, SNAP_REGS, 0);

	return check(t, n == SNAP_REGS, "registers of %s: %zd", d->bdf, n) ?
	       -1 : 0;
}

static __u32 snap32(const __u8 *snap, unsigned int off)
{
	__u32 v;

	memcpy(&v, snap + off, sizeof(v));
	return v;
}

static __u64 snap64(const __u8 *snap, unsigned int off)
{
	__u64 v;

	memcpy(&v, snap + off, sizeof(v));
	return v;
}

/* each migrated register of @b as @a had it, and as edu_dirty() set it */
static void compare_regs(struct test_ctx *t, const __u8 *a, const __u8 *b)
{
	static const unsigned int regs32[] = {
		EDU_REG_ID, EDU_REG_LIVENESS, EDU_REG_FACT, EDU_REG_STATUS, EDU_REG_IRQ_STATUS,
	};
	/* not the DMA command: edu takes one only to start a DMA */
	static const unsigned int regs64[] = {
		EDU_REG_DMA_SRC, EDU_REG_DMA_DST, EDU_REG_DMA_COUNT,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs32); i++)
		check(t, snap32(a, regs32[i]) == snap32(b, regs32[i]),
		      "register 0x%02x: 0x%x, migrated from 0x%x", regs32[i],
		      snap32(b, regs32[i]), snap32(a, regs32[i]));
	for (i = 0; i < ARRAY_SIZE(regs64); i++)
		check(t, snap64(a, regs64[i]) == snap64(b, regs64[i]),
		      "register 0x%02x: 0x%llx, migrated from 0x%llx",
		      regs64[i], (unsigned long long)snap64(b, regs64[i]),
		      (unsigned long long)snap64(a, regs64[i]));
	check(t, snap32(b, EDU_REG_LIVENESS) == ~0x600dcafeu &&
	      snap32(b, EDU_REG_FACT) == 3628800 &&
	      (snap32(b, EDU_REG_STATUS) & EDU_REG_STATUS_IRQFACT) &&
	      snap32(b, EDU_REG_IRQ_STATUS) == 0x5 &&
	      snap64(b, EDU_REG_DMA_SRC) == 0x40000 &&
	      snap64(b, EDU_REG_DMA_DST) == 0x41000 &&
	      snap64(b, EDU_REG_DMA_COUNT) == 0x800,
	      "the state set is not the state migrated");
}

static void test_migrate(struct test_ctx *t)
{
	__u8 snap_a[SNAP_REGS], snap_b[SNAP_REGS];
	struct edu_vfio_pci_mig m;
	struct vfio_dev p;
	struct pollfd pfd;
	int efd, werr;

	if (!mig_ready(t) || open_peer(t, &p))
		return;
	edu_dirty(t->d);
	if (snapshot(t, t->d, snap_a) || edu_save(t, t->d, &m))
		goto out;
	check(t, m.magic == EDU_VFIO_PCI_MIG_MAGIC && m.size == sizeof(m),
	      "stream header 0x%x, size %u", m.magic, m.size);
	wr32(&p, EDU_REG_IRQ_ACK, ~0u);
	efd = intx_eventfd(&p);
	if (check(t, efd >= 0, "INTx eventfd on the second edu"))
		goto out;
	check_ok(t, edu_load(t, &p, &m, sizeof(m), &werr),
		 "RESUMING -> RUNNING with the stream");
	if (!snapshot(t, &p, snap_b))
		compare_regs(t, snap_a, snap_b);
	pfd = (struct pollfd){ .fd = efd, .events = POLLIN };
	check(t, poll(&pfd, 1, 2000) == 1,
	      "the pending interrupt was not delivered");
	close(efd);
out:
	wr32(t->d, EDU_REG_IRQ_ACK, ~0u);
	vfio_dev_close(&p);
}

/* the device usable after a refused stream: reset, RUNNING, registers */
static void check_usable(struct test_ctx *t, struct vfio_dev *d,
			 const char *what)
{
	__u32 state = ~0u;

	check(t, !ioctl(d->device_fd, VFIO_DEVICE_RESET), "%s: reset: %s",
	      what, strerror(errno));
	check(t, !mig_get(d, &state) && state == VFIO_DEVICE_STATE_RUNNING,
	      "%s: state %u after the reset", what, state);
	wr32(d, EDU_REG_LIVENESS, 0x12345678);
	check(t, rd32(d, EDU_REG_LIVENESS) == ~0x12345678u, "%s: liveness 0x%x",
	      what, rd32(d, EDU_REG_LIVENESS));
}

static void test_bad_streams(struct test_ctx *t)
{
	struct edu_vfio_pci_mig m, bad;
	__u8 big[sizeof(m) + 1];
	struct vfio_dev p;
	int werr;

	if (!mig_ready(t) || open_peer(t, &p))
		return;
	if (edu_save(t, t->d, &m))
		goto out;
	check(t, edu_load(t, &p, &m, sizeof(m) / 2, &werr) == -EINVAL,
	      "a truncated stream was taken");
	check_usable(t, &p, "truncated");
	memset(big, 0, sizeof(big));
	memcpy(big, &m, sizeof(m));
	check(t, edu_load(t, &p, big, sizeof(big), &werr) == -EINVAL &&
	      werr == EFBIG, "an oversized stream was taken (write: %s)",
	      strerror(werr));
	check_usable(t, &p, "oversized");
	bad = m;
	bad.liveness ^= 0x100;
	check(t, edu_load(t, &p, &bad, sizeof(bad), &werr) == -EINVAL,
	      "a corrupted stream was taken");
	check_usable(t, &p, "corrupted");
	bad = m;
	bad.magic = 0;
	check(t, edu_load(t, &p, &bad, sizeof(bad), &werr) == -EINVAL,
	      "a stream with a bad magic was taken");
	check_usable(t, &p, "bad magic");
out:
	vfio_dev_close(&p);
}

static void test_invalid_arcs(struct test_ctx *t)
{
	static const __u32 bad[] = {
		VFIO_DEVICE_STATE_ERROR, VFIO_DEVICE_STATE_PRE_COPY,
		VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_PRE_COPY_P2P,
		99,
	};
	struct {
		struct vfio_device_feature hdr;
		struct vfio_device_feature_migration mig;
	} f = {
		.hdr.argsz = sizeof(f),
		.hdr.flags = VFIO_DEVICE_FEATURE_GET |
			     VFIO_DEVICE_FEATURE_MIGRATION,
	};
	__u32 state = ~0u;
	unsigned int i;

	if (!edu_ready(t))
		return;
	if (!check(t, !ioctl(t->d->device_fd, VFIO_DEVICE_FEATURE, &f),
		   "GET MIGRATION: %s", strerror(errno)))
		check(t, f.mig.flags == VFIO_MIGRATION_STOP_COPY,
		      "migration flags 0x%llx",
		      (unsigned long long)f.mig.flags);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		check(t, mig_set(t->d, bad[i], NULL) == -EINVAL,
		      "RUNNING -> %u was not refused with EINVAL", bad[i]);
	check(t, !mig_get(t->d, &state) && state == VFIO_DEVICE_STATE_RUNNING,
	      "state %u after the refused arcs", state);
	/* leaving RESUMING with nothing written is refused too */
	check(t, mig_set(t->d, VFIO_DEVICE_STATE_RESUMING, NULL) == 0,
	      "RUNNING -> RESUMING");
	check(t, mig_set(t->d, VFIO_DEVICE_STATE_STOP, NULL) == -EINVAL,
	      "an empty stream was taken");
	check_usable(t, t->d, "empty");
}

static void test_reset_while_migrating(struct test_ctx *t)
{
	__u32 state = ~0u;
	ssize_t n;
	char c;
	int fd = -1;

	if (!edu_ready(t))
		return;
	if (check_ok(t, mig_set(t->d, VFIO_DEVICE_STATE_STOP_COPY, &fd),
		     "RUNNING -> STOP_COPY"))
		return;
	check(t, !ioctl(t->d->device_fd, VFIO_DEVICE_RESET), "reset: %s",
	      strerror(errno));
	check(t, !mig_get(t->d, &state) && state == VFIO_DEVICE_STATE_RUNNING,
	      "state %u after a reset in STOP_COPY", state);
	n = read(fd, &c, 1);
	check_errno(t, n, errno, ENODEV, "the saving file after the reset");
	close(fd);
}

TEST_F_TIMEOUT(vfio_dev, edu_region_info, VFIO_TEST_TIMEOUT)
{
	test_region_info(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, edu_region_read, VFIO_TEST_TIMEOUT)
{
	test_region_read(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, edu_region_mmap, VFIO_TEST_TIMEOUT)
{
	test_region_mmap(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, edu_invalid_arcs, VFIO_TEST_TIMEOUT)
{
	test_invalid_arcs(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, edu_reset_while_migrating, VFIO_TEST_TIMEOUT)
{
	test_reset_while_migrating(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, edu_migrate, VFIO_TEST_TIMEOUT)
{
	test_migrate(&self->t);
}

TEST_F_TIMEOUT(vfio_dev, edu_bad_streams, VFIO_TEST_TIMEOUT)
{
	test_bad_streams(&self->t);
}

int main(int argc, char **argv)
{
	vfio_test_init(argc, argv);
	peer = vfio_test_peer();
	return test_harness_run(argc, argv);
}
