// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts: INTx, MSI and MSI-X vectors, and the error and request
 * notifications, delivered to userspace through eventfds.
 */

#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "vfio_pci_private.h"

/**
 * DOC: interrupts
 *
 * VFIO_DEVICE_SET_IRQS gives each vector of one interrupt type (INTx, MSI
 * or MSI-X) an eventfd; the kernel's handler signals it. Only one type is
 * enabled at a time, &vfio_pci_core_device.irq_type says which. This file
 * holds what the types share (the vector contexts, the eventfds), MSI and
 * MSI-X, the error and request notifications and the ioctl itself; INTx
 * and its masking are in vfio_pci_intx.c.
 *
 * MSI and MSI-X vectors are allocated when the type is enabled; an eventfd
 * can then be set, changed or cleared on each one while the others keep
 * firing. Where the platform can add MSI-X vectors to an enabled table,
 * a trigger set on a vector past the enabled ones allocates it.
 *
 * The error (AER) and request notifications are single eventfds that the
 * PCI core's error recovery and the VFIO core's unregistration signal.
 *
 * The eventfds signalled from outside igate (INTx from its handler and
 * the unmask eventfd's wakeup, ERR from AER recovery, REQ from the VFIO
 * core's unregistration) are read under RCU and signalled there:
 * vfio_pci_trigger_replace() installs a new one and drops the old one
 * only after a grace period. So those paths take no lock of the device:
 * the AER error handler runs under pci_bus_sem, which a bus reset takes
 * while it holds memory_lock, itself taken under igate.
 */

/**
 * vfio_pci_irq_ctx_alloc() - allocate the vector contexts of a type
 * @vdev: a device whose type is being enabled; igate held
 * @n: how many vectors the type may use
 *
 * Return: 0 or -ENOMEM. vfio_pci_irq_ctx_free() undoes it.
 */
int vfio_pci_irq_ctx_alloc(struct vfio_pci_core_device *vdev, unsigned int n)
{
	vdev->irq_ctx = kcalloc(n, sizeof(*vdev->irq_ctx), GFP_KERNEL_ACCOUNT);
	if (!vdev->irq_ctx)
		return -ENOMEM;
	vdev->num_ctx = n;
	return 0;
}

/**
 * vfio_pci_irq_ctx_free() - free the vector contexts of a disabled type
 * @vdev: the device; igate held
 */
void vfio_pci_irq_ctx_free(struct vfio_pci_core_device *vdev)
{
	kfree(vdev->irq_ctx);
	vdev->irq_ctx = NULL;
	vdev->num_ctx = 0;
}

/**
 * vfio_pci_trigger_get() - take the eventfd a trigger names
 * @fd: an eventfd, or -1 for none
 *
 * Return: NULL for -1, the eventfd (a reference the caller drops), or an
 * ERR_PTR() for an fd that is not an eventfd.
 */
struct eventfd_ctx *vfio_pci_trigger_get(s32 fd)
{
	if (fd < 0)
		return NULL;
	return eventfd_ctx_fdget(fd);
}

static void trigger_put(struct eventfd_ctx **trigger)
{
	if (*trigger)
		eventfd_ctx_put(*trigger);
	*trigger = NULL;
}

/**
 * vfio_pci_trigger_signal() - signal the eventfd in a slot read under RCU
 * @slot: &vfio_pci_core_device.intx_trigger, .err_trigger or .req_trigger
 *
 * Context: any; takes no lock of the device.
 * Return: whether there was an eventfd to signal.
 */
bool vfio_pci_trigger_signal(struct eventfd_ctx **slot)
{
	struct eventfd_ctx *trigger;

	rcu_read_lock();
	trigger = READ_ONCE(*slot);
	if (trigger)
		eventfd_signal(trigger);
	rcu_read_unlock();
	return trigger;
}

/**
 * vfio_pci_trigger_replace() - install an eventfd in a slot read under RCU
 * @slot: the slot (see vfio_pci_trigger_signal())
 * @trigger: the new eventfd, whose reference the slot takes, or NULL
 *
 * The eventfd replaced is dropped after a grace period.
 *
 * Context: igate held; sleeps.
 */
void vfio_pci_trigger_replace(struct eventfd_ctx **slot,
			      struct eventfd_ctx *trigger)
{
	struct eventfd_ctx *old = *slot;

	WRITE_ONCE(*slot, trigger);
	if (!old)
		return;
	synchronize_rcu();
	eventfd_ctx_put(old);
}

/* ---- MSI and MSI-X ---- */

static irqreturn_t msi_handler(int irq, void *trigger)
{
	eventfd_signal(trigger);
	return IRQ_HANDLED;
}

static int msi_enable(struct vfio_pci_core_device *vdev, int type,
		      unsigned int nvec)
{
	bool msix = type == VFIO_PCI_MSIX_IRQ_INDEX;
	/* room for the vectors a growing MSI-X table may add */
	unsigned int n = msix ? vfio_pci_irq_count(vdev, type) : nvec;
	u16 cmd;
	int ret;

	ret = vfio_pci_irq_ctx_alloc(vdev, n);
	if (ret)
		return ret;
	/* MSI-X vectors live in BAR memory the kernel writes */
	cmd = vfio_pci_decode_lock_on(vdev);
	ret = pci_alloc_irq_vectors(vdev->pdev, nvec, nvec,
				    msix ? PCI_IRQ_MSIX : PCI_IRQ_MSI);
	vfio_pci_decode_unlock_restore(vdev, cmd);
	if (ret < 0) {
		vfio_pci_irq_ctx_free(vdev);
		return ret;
	}
	vdev->irq_type = type;
	vdev->msi_enabled = nvec;
	if (!msix)
		vdev->msi_qmax = order_base_2(nvec);
	return 0;
}

/**
 * vfio_pci_msi_limits() - what the MSI capability userspace sees may say
 * @vdev: an open device
 * @enabled: set when MSI is enabled through VFIO_DEVICE_SET_IRQS
 * @qmax: set to log2 of the vectors MSI was last enabled with
 *
 * Read without igate, as a config write may not take it; a write racing
 * with SET_IRQS sees the state before or after it.
 */
void vfio_pci_msi_limits(struct vfio_pci_core_device *vdev, bool *enabled,
			 u8 *qmax)
{
	*enabled = READ_ONCE(vdev->irq_type) == VFIO_PCI_MSI_IRQ_INDEX;
	*qmax = READ_ONCE(vdev->msi_qmax);
}

static void msi_vector_release(struct vfio_pci_irq_ctx *ctx)
{
	if (!ctx->trigger)
		return;
	free_irq(ctx->irq, ctx->trigger);
	trigger_put(&ctx->trigger);
	kfree(ctx->name);
	ctx->name = NULL;
}

/*
 * The Linux irq of @vector, allocating it when MSI-X can grow. A vector
 * grown before keeps its irq when its trigger is unset, until MSI-X is
 * disabled, and gets it back here. Memory decode held on by the caller
 * (vfio_pci_decode_lock_on()).
 */
static int msi_vector_irq(struct vfio_pci_core_device *vdev,
			  unsigned int vector)
{
	struct msi_map map;
	int irq;

	if (vector < vdev->msi_enabled)
		return pci_irq_vector(vdev->pdev, vector);
	if (!vfio_pci_irq_is(vdev, VFIO_PCI_MSIX_IRQ_INDEX) || !vdev->has_dyn_msix)
		return -EINVAL;
	irq = pci_irq_vector(vdev->pdev, vector);
	if (irq > 0)
		return irq;
	map = pci_msix_alloc_irq_at(vdev->pdev, vector, NULL);
	return map.index < 0 ? map.index : map.virq;
}

static int msi_set_vector(struct vfio_pci_core_device *vdev,
			  unsigned int vector, s32 fd)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->irq_ctx[vector];
	struct eventfd_ctx *trigger;
	int irq, ret;

	msi_vector_release(ctx);
	if (fd < 0)
		return 0;
	irq = msi_vector_irq(vdev, vector);
	if (irq < 0)
		return irq;
	trigger = vfio_pci_trigger_get(fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);
	ctx->name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-msi%s[%u](%s)",
			      vfio_pci_irq_is(vdev, VFIO_PCI_MSIX_IRQ_INDEX) ? "x" : "",
			      vector, pci_name(vdev->pdev));
	if (!ctx->name) {
		ret = -ENOMEM;
		goto err_put_trigger;
	}
	ret = request_irq(irq, msi_handler, 0, ctx->name, trigger);
	if (ret)
		goto err_free_name;
	ctx->irq = irq;
	ctx->trigger = trigger;
	return 0;

err_free_name:
	kfree(ctx->name);
	ctx->name = NULL;
err_put_trigger:
	eventfd_ctx_put(trigger);
	return ret;
}

/*
 * Set the triggers of @count vectors from @start; on failure the vectors
 * set by this call are released again. Requesting and freeing a vector
 * writes its MSI-X table entry, in BAR memory: done with memory decode on
 * and no user access to the BARs meanwhile, whatever the user left in
 * the command register.
 */
static int msi_set_block(struct vfio_pci_core_device *vdev,
			 unsigned int start, unsigned int count,
			 const s32 *fds)
{
	unsigned int i;
	int ret = 0;
	u16 cmd;

	if (start + count > vdev->num_ctx)
		return -EINVAL;
	cmd = vfio_pci_decode_lock_on(vdev);
	for (i = 0; i < count; i++) {
		ret = msi_set_vector(vdev, start + i, fds[i]);
		if (ret)
			break;
	}
	/* on failure, those this call set before the one that failed */
	while (ret && i--)
		msi_vector_release(&vdev->irq_ctx[start + i]);
	vfio_pci_decode_unlock_restore(vdev, cmd);
	return ret;
}

static void msi_disable(struct vfio_pci_core_device *vdev)
{
	unsigned int i;
	u16 cmd;

	cmd = vfio_pci_decode_lock_on(vdev);
	for (i = 0; i < vdev->num_ctx; i++)
		msi_vector_release(&vdev->irq_ctx[i]);
	pci_free_irq_vectors(vdev->pdev);
	/* MSI off turns INTx back on: keep a shared line quiet */
	if (vdev->pci_2_3)
		pci_intx(vdev->pdev, 0);
	vfio_pci_decode_unlock_restore(vdev, cmd);
	vdev->irq_type = VFIO_PCI_IRQ_NONE;
	vdev->msi_enabled = 0;
	vfio_pci_irq_ctx_free(vdev);
}

/* ---- SET_IRQS ---- */

/* Loopback: signal the triggers as if the vectors had fired. */
static void loopback(struct vfio_pci_core_device *vdev, unsigned int start,
		     unsigned int count, u32 flags, const u8 *bools)
{
	unsigned int i;

	for (i = start; i < start + count && i < vdev->num_ctx; i++) {
		if ((flags & VFIO_IRQ_SET_DATA_BOOL) && !bools[i - start])
			continue;
		if (vdev->irq_ctx[i].trigger)
			eventfd_signal(vdev->irq_ctx[i].trigger);
	}
}

static int msi_trigger(struct vfio_pci_core_device *vdev, int type,
		       unsigned int start, unsigned int count, u32 flags,
		       const void *data)
{
	bool on = vfio_pci_irq_is(vdev, type);
	int ret;

	if (on && !count && (flags & VFIO_IRQ_SET_DATA_NONE)) {
		msi_disable(vdev);
		return 0;
	}
	if (!on && !vfio_pci_irq_is(vdev, VFIO_PCI_IRQ_NONE))
		return -EINVAL;
	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD)) {
		if (!on)
			return -EINVAL;
		loopback(vdev, start, count, flags, data);
		return 0;
	}
	if (on)
		return msi_set_block(vdev, start, count, data);
	/* enabling wants at least one vector */
	if (!count)
		return -EINVAL;
	ret = msi_enable(vdev, type, start + count);
	if (ret)
		return ret;
	ret = msi_set_block(vdev, start, count, data);
	if (ret)
		msi_disable(vdev);
	return ret;
}

/*
 * ERR and REQ: one eventfd each. An eventfd sets it (fd -1 clears it),
 * DATA_NONE signals it or with a count of 0 clears it, a true bool signals
 * it; signalling or clearing what is not set is refused.
 */
static int single_trigger(struct eventfd_ctx **slot, unsigned int count,
			  u32 flags, const void *data)
{
	struct eventfd_ctx *trigger;
	s32 fd;

	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		if (!*slot)
			return -EINVAL;
		if (count)
			eventfd_signal(*slot);
		else
			vfio_pci_trigger_replace(slot, NULL);
		return 0;
	}
	if (!count)
		return -EINVAL;
	if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*(const u8 *)data && *slot)
			eventfd_signal(*slot);
		return 0;
	}
	fd = *(const s32 *)data;
	if (fd < -1)
		return -EINVAL;
	trigger = vfio_pci_trigger_get(fd);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);
	vfio_pci_trigger_replace(slot, trigger);
	return 0;
}

static int set_irqs(struct vfio_pci_core_device *vdev,
		    const struct vfio_irq_set *hdr, const void *data)
{
	u32 action = hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	u32 flags = hdr->flags;

	switch (hdr->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		return vfio_pci_set_intx(vdev, action, hdr->count, flags,
					 data);
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_MSIX_IRQ_INDEX:
		if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
			return -ENOTTY;	/* vectors are masked by the device */
		return msi_trigger(vdev, hdr->index, hdr->start, hdr->count,
				   flags, data);
	case VFIO_PCI_ERR_IRQ_INDEX:
		if (action != VFIO_IRQ_SET_ACTION_TRIGGER ||
		    !pci_is_pcie(vdev->pdev))
			return -ENOTTY;
		return single_trigger(&vdev->err_trigger, hdr->count, flags,
				      data);
	case VFIO_PCI_REQ_IRQ_INDEX:
		if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
			return -ENOTTY;
		return single_trigger(&vdev->req_trigger, hdr->count, flags,
				      data);
	default:
		return -ENOTTY;
	}
}

long vfio_pci_ioctl_set_irqs(struct vfio_pci_core_device *vdev,
			     void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	int max, ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	/*
	 * The VFIO core's check refuses a bad size, index, range or data
	 * type with -EINVAL; an action the index does not have is -ENOTTY.
	 */
	max = vfio_pci_irq_count(vdev, hdr.index);
	ret = vfio_set_irqs_validate_and_prepare(&hdr, max, VFIO_PCI_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	mutex_lock(&vdev->igate);
	ret = set_irqs(vdev, &hdr, data);
	mutex_unlock(&vdev->igate);
	kfree(data);
	return ret;
}

/**
 * vfio_pci_irqs_open() - prepare the interrupt state of an opening device
 * @vdev: the device
 */
void vfio_pci_irqs_open(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	vdev->irq_type = VFIO_PCI_IRQ_NONE;
	vdev->msi_qmax = 0;
	vdev->intx_user_disabled = false;
	vdev->pci_2_3 = !vdev->settings.nointxmask &&
			pci_intx_mask_supported(pdev);
	vdev->has_dyn_msix = pdev->msix_cap && pci_msix_can_alloc_dyn(pdev);
	/* until userspace takes it, a shared line must stay quiet */
	if (vdev->pci_2_3 && vfio_pci_has_intx(pdev))
		pci_intx(pdev, 0);
}

/**
 * vfio_pci_irqs_close() - release every interrupt of a closing device
 * @vdev: the device
 */
void vfio_pci_irqs_close(struct vfio_pci_core_device *vdev)
{
	mutex_lock(&vdev->igate);
	if (vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX))
		vfio_pci_intx_disable(vdev);
	else if (!vfio_pci_irq_is(vdev, VFIO_PCI_IRQ_NONE))
		msi_disable(vdev);
	vfio_pci_trigger_replace(&vdev->err_trigger, NULL);
	vfio_pci_trigger_replace(&vdev->req_trigger, NULL);
	mutex_unlock(&vdev->igate);
}

/**
 * vfio_pci_core_request() - &vfio_device_ops.request
 * @core_vdev: a device the VFIO core wants back from userspace
 * @count: how many times it asked already
 *
 * Signals the request eventfd; without one, says once in the log that the
 * removal waits for userspace to close the device. Takes no lock of the
 * device (see vfio_pci_trigger_signal()).
 *
 * Context: the VFIO core's unregistration, under the device lock of an
 * unbind or a removal; does not sleep.
 */
void vfio_pci_core_request(struct vfio_device *core_vdev, unsigned int count)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	if (vfio_pci_trigger_signal(&vdev->req_trigger)) {
		if (!(count % 10))
			pci_notice_ratelimited(vdev->pdev,
					       "vfio: asking userspace for the device (#%u)\n",
					       count);
	} else if (!count) {
		pci_warn(vdev->pdev,
			 "vfio: no request eventfd; removal waits until userspace closes the device\n");
	}
}
EXPORT_SYMBOL_GPL(vfio_pci_core_request);

/**
 * vfio_pci_core_aer_err_detected() - &pci_error_handlers.error_detected
 * @pdev: a device of a driver on the core
 * @state: the channel state the PCI core's error recovery found
 *
 * Tells userspace of an uncorrectable error through the ERR eventfd and
 * leaves recovery to it. Takes no lock of the device (see
 * vfio_pci_trigger_signal()).
 *
 * Context: the PCI core's error recovery, under the device lock and
 * pci_bus_sem; does not sleep.
 * Return: %PCI_ERS_RESULT_CAN_RECOVER.
 */
pci_ers_result_t vfio_pci_core_aer_err_detected(struct pci_dev *pdev,
						pci_channel_state_t state)
{
	struct vfio_pci_core_device *vdev = pci_get_drvdata(pdev);

	vfio_pci_trigger_signal(&vdev->err_trigger);
	return PCI_ERS_RESULT_CAN_RECOVER;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_aer_err_detected);

/*
 * vfio_pci_core_err_handlers - &pci_driver.err_handler of the core
 *
 * The error handlers of a core device: vfio_pci_core_aer_err_detected().
 * Drivers of the core point their &pci_driver.err_handler here.
 */
const struct pci_error_handlers vfio_pci_core_err_handlers = {
	.error_detected = vfio_pci_core_aer_err_detected,
};
EXPORT_SYMBOL_GPL(vfio_pci_core_err_handlers);
