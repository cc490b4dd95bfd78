// SPDX-License-Identifier: GPL-2.0-only
/*
 * edu_vfio_pci: a sample variant driver of vfio_pci_core, for QEMU's edu
 * device (docs/specs/edu.rst in QEMU). Built against
 * include/linux/vfio_pci_core.h alone, it shows what a vendor driver adds
 * on top of the core: callbacks it overrides while calling the core's, a
 * region of its own with its own capability, and live migration through
 * the VFIO core's migration uAPI.
 */

#include <linux/anon_inodes.h>
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>
#include <linux/vmalloc.h>

#include "edu_vfio_pci.h"

/**
 * DOC: edu_vfio_pci
 *
 * The driver binds edu (1234:11e8) through driver_override, as vfio-pci
 * does; its alias tells a management tool that it knows edu better than
 * vfio-pci.
 *
 * While the device is open it offers a read-only region of its own, a
 * snapshot of edu's registers (see edu_vfio_pci.h), read again from the
 * card on each read and mapping, inside the core's decode lock.
 *
 * Migration follows the VFIO v2 state machine with STOP_COPY: RUNNING,
 * STOP, STOP_COPY (the saving file gives the stream) and RESUMING (the
 * resuming file takes it; leaving RESUMING checks and loads it). edu's
 * architectural state is its registers; the factorial register holds n!
 * and takes n, so it is loaded with the n whose factorial it held. The
 * DMA command is saved but not loaded: edu takes a command only as the
 * start of a DMA, and none is in flight once the state is saved. A reset
 * of the device, whichever way it comes, ends any migration: the device
 * is RUNNING again and the files reach their end.
 *
 * edu keeps no record of the memory its DMA engine writes, so the driver
 * sets no &vfio_device.log_ops: a VMM tracks the pages through the IOMMU
 * (iommufd's dirty tracking) or takes the DMA buffer as always dirty. A
 * device with a tracker of its own adds its log_ops beside mig_ops in
 * the same init callback.
 *
 * Locking: &edu_vfio_pci_device.state_mutex serializes the migration
 * state and its files, and is taken outside the core's decode lock. A
 * reset calls &pci_error_handlers.reset_done inside the decode lock, so
 * it never waits for state_mutex: it leaves a note under reset_lock (a
 * spinlock) that whoever holds state_mutex acts on before releasing it.
 */

/* n! overflows edu's 32 bits to 0 from here on */
#define EDU_FACT_ZERO_N		34
/* how long a factorial or a DMA may take to finish */
#define EDU_IDLE_TIMEOUT_US	100000

/**
 * struct edu_vfio_pci_file - a migration data file
 * @filp: the file, referenced by the device while it is the state's
 * @lock: protects the members below; no user copy is made under it (a
 *	user buffer may map the card's BAR, whose fault takes the decode
 *	lock that a reset holds when it drops the file)
 * @data: the stream being read or written
 * @len: bytes of @data that hold the stream
 * @pos: where the next read or write of the stream starts
 * @overflow: the user wrote past the stream's size
 * @disabled: the state moved on: reads and writes fail with -ENODEV
 *
 * It refers to no device, so it may outlive it.
 */
struct edu_vfio_pci_file {
	struct file *filp;
	struct mutex lock;		/* protects the members below */
	struct edu_vfio_pci_mig data;
	size_t len;
	size_t pos;
	bool overflow;
	bool disabled;
};

/**
 * struct edu_vfio_pci_device - an edu bound to the driver
 * @core: the core's device
 * @state_mutex: serializes @mig_state, @saving and @resuming
 * @mig_state: the migration state
 * @saving: the file of STOP_COPY, or NULL
 * @resuming: the file of RESUMING, or NULL
 * @reset_lock: protects @reset_done
 * @reset_done: a reset came while @state_mutex was held
 * @snapshot: the snapshot region's page while the device is open
 */
struct edu_vfio_pci_device {
	struct vfio_pci_core_device core;
	struct mutex state_mutex;	/* protects the migration state */
	enum vfio_device_mig_state mig_state;
	struct edu_vfio_pci_file *saving;
	struct edu_vfio_pci_file *resuming;
	spinlock_t reset_lock;		/* protects reset_done */
	bool reset_done;
	void *snapshot;
};

static struct edu_vfio_pci_device *to_edu(struct vfio_device *vdev)
{
	return container_of(vdev, struct edu_vfio_pci_device, core.vdev);
}

/*
 * BAR0, inside the core's decode lock: 0 with the lock held, or -errno
 * (-EIO when the card does not decode memory). Ends with edu_bar_end().
 */
static int edu_bar_begin(struct edu_vfio_pci_device *edev,
			 void __iomem **io)
{
	*io = vfio_pci_core_bar_iomap(&edev->core, 0);
	if (IS_ERR(*io))
		return PTR_ERR(*io);
	return vfio_pci_core_decode_read_lock(&edev->core);
}

static void edu_bar_end(struct edu_vfio_pci_device *edev)
{
	vfio_pci_core_decode_read_unlock(&edev->core);
}

/* Wait until no factorial is computed and no DMA runs: 0 or -ETIMEDOUT. */
static int edu_wait_idle(void __iomem *io)
{
	unsigned int waited;

	for (waited = 0; waited < EDU_IDLE_TIMEOUT_US; waited += 100) {
		if (!(ioread32(io + EDU_REG_STATUS) & EDU_REG_STATUS_COMPUTING) &&
		    !(readq(io + EDU_REG_DMA_CMD) & EDU_REG_DMA_START))
			return 0;
		usleep_range(100, 200);
	}
	return -ETIMEDOUT;
}

/* the snapshot region */

static int edu_snapshot_fill(struct edu_vfio_pci_device *edev)
{
	u8 *snap = edev->snapshot;
	void __iomem *io;
	unsigned int off;
	int ret;

	ret = edu_bar_begin(edev, &io);
	if (ret)
		return ret;
	for (off = 0; off < EDU_REG_DMA_SRC; off += 4)
		*(u32 *)(snap + off) = ioread32(io + off);
	for (off = EDU_REG_DMA_SRC; off < EDU_REG_END; off += 8)
		*(u64 *)(snap + off) = readq(io + off);
	edu_bar_end(edev);
	return 0;
}

static ssize_t edu_snapshot_rw(struct vfio_pci_core_device *vdev,
			       struct vfio_pci_region *region,
			       char __user *buf, size_t count, loff_t pos,
			       bool write)
{
	struct edu_vfio_pci_device *edev = region->data;
	int ret;

	ret = edu_snapshot_fill(edev);
	if (ret)
		return ret;
	if (copy_to_user(buf, edev->snapshot + pos, count))
		return -EFAULT;
	return count;
}

static int edu_snapshot_mmap(struct vfio_pci_core_device *vdev,
			     struct vfio_pci_region *region,
			     struct vm_area_struct *vma)
{
	struct edu_vfio_pci_device *edev = region->data;
	int ret;

	if (vma->vm_flags & VM_WRITE)
		return -EINVAL;
	vm_flags_clear(vma, VM_MAYWRITE);
	ret = edu_snapshot_fill(edev);
	if (ret)
		return ret;
	return remap_vmalloc_range(vma, edev->snapshot,
				   vfio_pci_core_vma_pgoff(vma));
}

static int edu_snapshot_caps(struct vfio_pci_core_device *vdev,
			     struct vfio_pci_region *region,
			     struct vfio_info_cap *caps)
{
	struct edu_vfio_pci_cap_snapshot cap = {
		.header.id = EDU_VFIO_PCI_CAP_SNAPSHOT,
		.header.version = 1,
		.regs_size = EDU_REG_END,
	};

	return vfio_info_add_capability(caps, &cap.header, sizeof(cap));
}

static void edu_snapshot_release(struct vfio_pci_core_device *vdev,
				 struct vfio_pci_region *region)
{
	struct edu_vfio_pci_device *edev = region->data;

	vfree(edev->snapshot);
	edev->snapshot = NULL;
}

static const struct vfio_pci_region_ops edu_snapshot_ops = {
	.rw = edu_snapshot_rw,
	.mmap = edu_snapshot_mmap,
	.add_caps = edu_snapshot_caps,
	.release = edu_snapshot_release,
};

static int edu_snapshot_add(struct edu_vfio_pci_device *edev)
{
	struct vfio_pci_region region = {
		.type = EDU_VFIO_PCI_REGION_TYPE,
		.subtype = EDU_VFIO_PCI_REGION_SNAPSHOT,
		.size = EDU_VFIO_PCI_SNAPSHOT_SIZE,
		.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_MMAP,
		.ops = &edu_snapshot_ops,
		.data = edev,
	};
	int ret;

	edev->snapshot = vmalloc_user(EDU_VFIO_PCI_SNAPSHOT_SIZE);
	if (!edev->snapshot)
		return -ENOMEM;
	ret = vfio_pci_core_add_region(&edev->core, &region);
	if (ret < 0) {
		vfree(edev->snapshot);
		edev->snapshot = NULL;
		return ret;
	}
	return 0;
}

/* migration data files */

/* Reads take the stream in order, from the file's own position. */
static ssize_t edu_file_read(struct file *filp, char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct edu_vfio_pci_file *mf = filp->private_data;
	struct edu_vfio_pci_mig data;
	size_t pos;

	mutex_lock(&mf->lock);
	if (mf->disabled) {
		mutex_unlock(&mf->lock);
		return -ENODEV;
	}
	data = mf->data;
	pos = mf->pos;
	count = min_t(size_t, count, mf->len - pos);
	mf->pos += count;
	mutex_unlock(&mf->lock);
	if (copy_to_user(buf, (u8 *)&data + pos, count))
		return -EFAULT;
	return count;
}

/* More than a stream holds: refused, and the load will refuse it too. */
static ssize_t edu_file_overflow(struct edu_vfio_pci_file *mf)
{
	ssize_t ret = -EFBIG;

	mutex_lock(&mf->lock);
	if (mf->disabled)
		ret = -ENODEV;
	else
		mf->overflow = true;
	mutex_unlock(&mf->lock);
	return ret;
}

/* Writes append to the stream. */
static ssize_t edu_file_write(struct file *filp, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct edu_vfio_pci_file *mf = filp->private_data;
	u8 chunk[sizeof(struct edu_vfio_pci_mig)];
	ssize_t ret = count;

	if (!count)
		return 0;
	if (count > sizeof(chunk))
		return edu_file_overflow(mf);
	if (copy_from_user(chunk, buf, count))
		return -EFAULT;
	mutex_lock(&mf->lock);
	if (mf->disabled) {
		ret = -ENODEV;
	} else if (mf->pos + count > sizeof(chunk)) {
		mf->overflow = true;
		ret = -EFBIG;
	} else {
		memcpy((u8 *)&mf->data + mf->pos, chunk, count);
		mf->pos += count;
		mf->len = mf->pos;
	}
	mutex_unlock(&mf->lock);
	return ret;
}

static int edu_file_release(struct inode *inode, struct file *filp)
{
	struct edu_vfio_pci_file *mf = filp->private_data;

	mutex_destroy(&mf->lock);
	kfree(mf);
	return 0;
}

static const struct file_operations edu_saving_fops = {
	.owner = THIS_MODULE,
	.read = edu_file_read,
	.release = edu_file_release,
};

static const struct file_operations edu_resuming_fops = {
	.owner = THIS_MODULE,
	.write = edu_file_write,
	.release = edu_file_release,
};

static struct edu_vfio_pci_file *edu_file_new(const struct file_operations *fops,
					      int flags)
{
	struct edu_vfio_pci_file *mf;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL_ACCOUNT);
	if (!mf)
		return ERR_PTR(-ENOMEM);
	mutex_init(&mf->lock);
	mf->filp = anon_inode_getfile("edu_vfio_pci_mig", fops, mf, flags);
	if (IS_ERR(mf->filp)) {
		struct file *filp = mf->filp;

		mutex_destroy(&mf->lock);
		kfree(mf);
		return ERR_CAST(filp);
	}
	stream_open(mf->filp->f_inode, mf->filp);
	return mf;
}

/* The state moved on: the file reaches its end, the device lets it go. */
static void edu_file_drop(struct edu_vfio_pci_file **mfp)
{
	struct edu_vfio_pci_file *mf = *mfp;

	if (!mf)
		return;
	mutex_lock(&mf->lock);
	WRITE_ONCE(mf->disabled, true);
	mutex_unlock(&mf->lock);
	fput(mf->filp);
	*mfp = NULL;
}

static void edu_files_drop(struct edu_vfio_pci_device *edev)
{
	edu_file_drop(&edev->saving);
	edu_file_drop(&edev->resuming);
}

/* saving and loading edu's state */

static u32 edu_mig_crc(const struct edu_vfio_pci_mig *m)
{
	return crc32_le(~0, (const u8 *)m,
			offsetof(struct edu_vfio_pci_mig, crc));
}

static int edu_save(struct edu_vfio_pci_device *edev,
		    struct edu_vfio_pci_mig *m)
{
	void __iomem *io;
	int ret;

	ret = edu_bar_begin(edev, &io);
	if (ret)
		return ret;
	ret = edu_wait_idle(io);
	if (!ret) {
		m->id = cpu_to_le32(ioread32(io + EDU_REG_ID));
		m->liveness = cpu_to_le32(ioread32(io + EDU_REG_LIVENESS));
		m->fact = cpu_to_le32(ioread32(io + EDU_REG_FACT));
		m->status = cpu_to_le32(ioread32(io + EDU_REG_STATUS));
		m->irq_status = cpu_to_le32(ioread32(io + EDU_REG_IRQ_STATUS));
		m->dma_src = cpu_to_le64(readq(io + EDU_REG_DMA_SRC));
		m->dma_dst = cpu_to_le64(readq(io + EDU_REG_DMA_DST));
		m->dma_count = cpu_to_le64(readq(io + EDU_REG_DMA_COUNT));
		m->dma_cmd = cpu_to_le64(readq(io + EDU_REG_DMA_CMD));
	}
	edu_bar_end(edev);
	if (ret)
		return ret;
	m->magic = cpu_to_le32(EDU_VFIO_PCI_MIG_MAGIC);
	m->version = cpu_to_le32(EDU_VFIO_PCI_MIG_VERSION);
	m->size = cpu_to_le32(sizeof(*m));
	m->crc = cpu_to_le32(edu_mig_crc(m));
	return 0;
}

/* The n whose factorial, in edu's 32 bits, is @fact; -EINVAL for none. */
static int edu_fact_input(u32 fact)
{
	u32 f = 1;
	int n;

	for (n = 0; n <= EDU_FACT_ZERO_N; n++) {
		if (n)
			f *= n;
		if (f == fact)
			return n;
	}
	return -EINVAL;
}

/* A stream this card can take: 0 or -EINVAL. */
static int edu_stream_check(const struct edu_vfio_pci_file *mf, u32 id)
{
	const struct edu_vfio_pci_mig *m = &mf->data;

	if (mf->overflow || mf->len != sizeof(*m) ||
	    le32_to_cpu(m->magic) != EDU_VFIO_PCI_MIG_MAGIC ||
	    le32_to_cpu(m->version) != EDU_VFIO_PCI_MIG_VERSION ||
	    le32_to_cpu(m->size) != sizeof(*m) ||
	    le32_to_cpu(m->crc) != edu_mig_crc(m) ||
	    le32_to_cpu(m->id) != id ||
	    edu_fact_input(le32_to_cpu(m->fact)) < 0)
		return -EINVAL;
	return 0;
}

/*
 * Write @m into the card, which must be idle. Its DMA command is not
 * loaded: edu takes a command only with the start bit, as a DMA to run,
 * and no DMA is in flight when the state is saved (STOP_COPY waits).
 */
static void edu_load_regs(void __iomem *io, const struct edu_vfio_pci_mig *m)
{
	iowrite32(0, io + EDU_REG_STATUS);
	iowrite32(edu_fact_input(le32_to_cpu(m->fact)), io + EDU_REG_FACT);
	iowrite32(~le32_to_cpu(m->liveness), io + EDU_REG_LIVENESS);
	writeq(le64_to_cpu(m->dma_src), io + EDU_REG_DMA_SRC);
	writeq(le64_to_cpu(m->dma_dst), io + EDU_REG_DMA_DST);
	writeq(le64_to_cpu(m->dma_count), io + EDU_REG_DMA_COUNT);
}

static void edu_load_irqs(void __iomem *io, const struct edu_vfio_pci_mig *m)
{
	u32 pending = le32_to_cpu(m->irq_status);

	iowrite32(le32_to_cpu(m->status) & EDU_REG_STATUS_IRQFACT,
		  io + EDU_REG_STATUS);
	iowrite32(~0U, io + EDU_REG_IRQ_ACK);
	if (pending)
		iowrite32(pending, io + EDU_REG_IRQ_RAISE);
}

static int edu_load(struct edu_vfio_pci_device *edev,
		    struct edu_vfio_pci_file *mf)
{
	struct edu_vfio_pci_file copy;
	void __iomem *io;
	int ret;

	mutex_lock(&mf->lock);
	copy.data = mf->data;
	copy.len = mf->len;
	copy.overflow = mf->overflow;
	mutex_unlock(&mf->lock);

	ret = edu_bar_begin(edev, &io);
	if (ret)
		return ret;
	ret = edu_stream_check(&copy, ioread32(io + EDU_REG_ID));
	if (!ret)
		ret = edu_wait_idle(io);
	if (!ret) {
		edu_load_regs(io, &copy.data);
		/* the factorial computes again before it may interrupt */
		ret = edu_wait_idle(io);
	}
	if (!ret)
		edu_load_irqs(io, &copy.data);
	edu_bar_end(edev);
	return ret;
}

/* the state machine */

static struct file *edu_enter_stop_copy(struct edu_vfio_pci_device *edev)
{
	struct edu_vfio_pci_file *mf;
	int ret;

	mf = edu_file_new(&edu_saving_fops, O_RDONLY);
	if (IS_ERR(mf))
		return ERR_CAST(mf);
	ret = edu_save(edev, &mf->data);
	if (ret) {
		fput(mf->filp);
		return ERR_PTR(ret);
	}
	mf->len = sizeof(mf->data);
	get_file(mf->filp);
	edev->saving = mf;
	return mf->filp;
}

static struct file *edu_enter_resuming(struct edu_vfio_pci_device *edev)
{
	struct edu_vfio_pci_file *mf;

	mf = edu_file_new(&edu_resuming_fops, O_WRONLY);
	if (IS_ERR(mf))
		return ERR_CAST(mf);
	get_file(mf->filp);
	edev->resuming = mf;
	return mf->filp;
}

/* One arc of the state machine: a file for the new state, NULL, or error. */
static struct file *edu_step(struct edu_vfio_pci_device *edev,
			     enum vfio_device_mig_state next)
{
	enum vfio_device_mig_state cur = edev->mig_state;
	int ret;

	if (cur == VFIO_DEVICE_STATE_STOP &&
	    next == VFIO_DEVICE_STATE_STOP_COPY)
		return edu_enter_stop_copy(edev);
	if (cur == VFIO_DEVICE_STATE_STOP &&
	    next == VFIO_DEVICE_STATE_RESUMING)
		return edu_enter_resuming(edev);
	if (cur == VFIO_DEVICE_STATE_RESUMING &&
	    next == VFIO_DEVICE_STATE_STOP) {
		ret = edu_load(edev, edev->resuming);
		if (ret)
			return ERR_PTR(ret);
		edu_file_drop(&edev->resuming);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP_COPY &&
	    next == VFIO_DEVICE_STATE_STOP) {
		edu_file_drop(&edev->saving);
		return NULL;
	}
	if ((cur == VFIO_DEVICE_STATE_RUNNING &&
	     next == VFIO_DEVICE_STATE_STOP) ||
	    (cur == VFIO_DEVICE_STATE_STOP &&
	     next == VFIO_DEVICE_STATE_RUNNING))
		return NULL;
	/* vfio_mig_get_next_state() offers no other arc */
	return ERR_PTR(-EINVAL);
}

/* Release state_mutex, having carried out a reset that came meanwhile. */
static void edu_state_unlock(struct edu_vfio_pci_device *edev)
{
	for (;;) {
		spin_lock(&edev->reset_lock);
		if (!edev->reset_done)
			break;
		edev->reset_done = false;
		spin_unlock(&edev->reset_lock);
		edu_files_drop(edev);
		edev->mig_state = VFIO_DEVICE_STATE_RUNNING;
	}
	mutex_unlock(&edev->state_mutex);
	spin_unlock(&edev->reset_lock);
}

static struct file *edu_set_state(struct vfio_device *vdev,
				  enum vfio_device_mig_state new_state)
{
	struct edu_vfio_pci_device *edev = to_edu(vdev);
	enum vfio_device_mig_state next;
	struct file *res = NULL;
	int ret;

	mutex_lock(&edev->state_mutex);
	while (edev->mig_state != new_state) {
		ret = vfio_mig_get_next_state(vdev, edev->mig_state, new_state,
					      &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = edu_step(edev, next);
		if (IS_ERR(res))
			break;
		edev->mig_state = next;
		/* a file is handed out only by the arc that ends the path */
		if (WARN_ON(res && next != new_state)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	edu_state_unlock(edev);
	return res;
}

static int edu_get_state(struct vfio_device *vdev,
			 enum vfio_device_mig_state *state)
{
	struct edu_vfio_pci_device *edev = to_edu(vdev);

	mutex_lock(&edev->state_mutex);
	*state = edev->mig_state;
	edu_state_unlock(edev);
	return 0;
}

static int edu_get_data_size(struct vfio_device *vdev, unsigned long *len)
{
	*len = sizeof(struct edu_vfio_pci_mig);
	return 0;
}

static const struct vfio_migration_ops edu_mig_ops = {
	.migration_set_state = edu_set_state,
	.migration_get_state = edu_get_state,
	.migration_get_data_size = edu_get_data_size,
};

/* any reset of the card: back to RUNNING, without waiting for the state */
static void edu_reset_done(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = pci_get_drvdata(pdev);
	struct edu_vfio_pci_device *edev;

	if (!vdev)
		return;
	edev = to_edu(&vdev->vdev);
	spin_lock(&edev->reset_lock);
	edev->reset_done = true;
	if (!mutex_trylock(&edev->state_mutex)) {
		/* its holder carries the reset out as it lets go */
		spin_unlock(&edev->reset_lock);
		return;
	}
	spin_unlock(&edev->reset_lock);
	edu_state_unlock(edev);
}

/* the VFIO device */

static int edu_init_dev(struct vfio_device *vdev)
{
	struct edu_vfio_pci_device *edev = to_edu(vdev);

	mutex_init(&edev->state_mutex);
	spin_lock_init(&edev->reset_lock);
	edev->mig_state = VFIO_DEVICE_STATE_RUNNING;
	vdev->migration_flags = VFIO_MIGRATION_STOP_COPY;
	vdev->mig_ops = &edu_mig_ops;
	return vfio_pci_core_init_dev(vdev);
}

static void edu_release_dev(struct vfio_device *vdev)
{
	struct edu_vfio_pci_device *edev = to_edu(vdev);

	mutex_destroy(&edev->state_mutex);
	vfio_pci_core_release_dev(vdev);
}

/*
 * The core enables the device, the snapshot region is added, and only then
 * is the open complete: a failure in between leaves nothing behind.
 */
static int edu_open_device(struct vfio_device *vdev)
{
	struct edu_vfio_pci_device *edev = to_edu(vdev);
	int ret;

	ret = vfio_pci_core_enable(&edev->core);
	if (ret)
		return ret;
	ret = edu_snapshot_add(edev);
	if (ret)
		goto err_disable;
	edev->mig_state = VFIO_DEVICE_STATE_RUNNING;
	vfio_pci_core_finish_enable(&edev->core);
	return 0;

err_disable:
	vfio_pci_core_disable(&edev->core);
	return ret;
}

/* Migration files reach their end before the core closes the device. */
static void edu_close_device(struct vfio_device *vdev)
{
	struct edu_vfio_pci_device *edev = to_edu(vdev);

	mutex_lock(&edev->state_mutex);
	edu_files_drop(edev);
	edev->mig_state = VFIO_DEVICE_STATE_RUNNING;
	edu_state_unlock(edev);
	vfio_pci_core_close_device(vdev);
}

static const struct vfio_device_ops edu_vfio_pci_ops = {
	.name = "edu-vfio-pci",
	.init = edu_init_dev,
	.release = edu_release_dev,
	.open_device = edu_open_device,
	.close_device = edu_close_device,
	.ioctl = vfio_pci_core_ioctl,
	.read = vfio_pci_core_read,
	.write = vfio_pci_core_write,
	.mmap = vfio_pci_core_mmap,
	.request = vfio_pci_core_request,
	.match = vfio_pci_core_match,
	VFIO_PCI_CORE_TOKEN_OP
	.device_feature = vfio_pci_core_ioctl_feature,
	.bind_iommufd = vfio_iommufd_physical_bind,
	.unbind_iommufd = vfio_iommufd_physical_unbind,
	.attach_ioas = vfio_iommufd_physical_attach_ioas,
	.detach_ioas = vfio_iommufd_physical_detach_ioas,
};

/* the PCI driver */

/*
 * The settings of each device id the driver knows, in its id table: edu
 * is kept awake while nobody has it open (no runtime suspend: its
 * registers are the whole of its state, and an open never waits for a
 * wake-up).
 */
static const struct vfio_pci_settings edu_settings = {
	.disable_idle_d3 = true,
};

static int edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	const struct vfio_pci_settings *settings = &edu_settings;
	struct edu_vfio_pci_device *edev;

	/* an id added through new_id carries no settings of its own */
	if (id->driver_data)
		settings = (const void *)id->driver_data;

	edev = vfio_pci_core_probe(pdev, struct edu_vfio_pci_device,
				   &edu_vfio_pci_ops, settings);
	return PTR_ERR_OR_ZERO(edev);
}

static const struct pci_error_handlers edu_err_handlers = {
	.error_detected = vfio_pci_core_aer_err_detected,
	.reset_done = edu_reset_done,
};

static const struct pci_device_id edu_vfio_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x1234, 0x11e8),
	  .driver_data = (kernel_ulong_t)&edu_settings },
	{}
};
MODULE_DEVICE_TABLE(pci, edu_vfio_pci_table);

static struct pci_driver edu_vfio_pci_driver = {
	.name = KBUILD_MODNAME,
	.id_table = edu_vfio_pci_table,
	.probe = edu_probe,
	.remove = vfio_pci_core_remove,
	.err_handler = &edu_err_handlers,
	.driver.pm = pm_ptr(&vfio_pci_core_pm_ops),
	.driver_managed_dma = true,
};
module_pci_driver(edu_vfio_pci_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sample VFIO variant driver for QEMU's edu device: a region of its own and live migration");
