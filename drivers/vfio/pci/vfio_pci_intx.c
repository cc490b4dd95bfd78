// SPDX-License-Identifier: GPL-2.0-only
/*
 * INTx: the function's one level-triggered line, masked as it fires and
 * unmasked by userspace, and the virtual INTx-disable bit.
 */

#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/slab.h>

#include "vfio_pci_private.h"

/**
 * DOC: INTx
 *
 * INTx is level triggered and may be shared, so the handler masks it at
 * the device (the INTx-disable bit of PCI 2.3) before signalling, and
 * userspace unmasks it with ACTION_UNMASK once it has serviced the device,
 * directly or through an unmask eventfd the kernel listens to. A device
 * whose INTx-disable bit does not work, or any device under vfio_pci's
 * nointxmask, gets its line to itself and is masked at the interrupt
 * controller instead. The INTx-disable bit userspace sees in the command
 * register is virtual and masks the line the same way.
 *
 * &vfio_pci_core_device.intx_masked says whether the line is masked,
 * under irqlock; every mask and unmask goes through intx_mask_locked()
 * and intx_unmask_locked(), so the line's disable depth and the flag
 * never part ways.
 */

static bool intx_on(struct vfio_pci_core_device *vdev)
{
	return vfio_pci_irq_is(vdev, VFIO_PCI_INTX_IRQ_INDEX);
}

/* Tell userspace the line fired; any context, no lock. */
static void intx_signal(struct vfio_pci_core_device *vdev)
{
	vfio_pci_trigger_signal(&vdev->intx_trigger);
}

static irqreturn_t intx_handler(int irq, void *data)
{
	struct vfio_pci_core_device *vdev = data;
	irqreturn_t ret = IRQ_NONE;
	unsigned long flags;

	spin_lock_irqsave(&vdev->irqlock, flags);
	if (!vdev->pci_2_3) {
		/* an exclusive line: ours, masked at the controller */
		if (!vdev->intx_masked) {
			disable_irq_nosync(irq);
			vdev->intx_masked = true;
		}
		ret = IRQ_HANDLED;
	} else if (!vdev->intx_masked && pci_check_and_mask_intx(vdev->pdev)) {
		vdev->intx_masked = true;
		ret = IRQ_HANDLED;
	}
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	if (ret == IRQ_HANDLED)
		intx_signal(vdev);
	return ret;
}

/* Mask the line; irqlock held. */
static void intx_mask_locked(struct vfio_pci_core_device *vdev)
{
	lockdep_assert_held(&vdev->irqlock);
	if (!intx_on(vdev) || vdev->intx_masked)
		return;
	if (vdev->pci_2_3)
		pci_intx(vdev->pdev, 0);
	else
		disable_irq_nosync(vdev->pdev->irq);
	vdev->intx_masked = true;
}

/*
 * Unmask the line; irqlock held. Returns true when the device still
 * asserts it: the line stays masked and userspace must be told again.
 */
static bool intx_unmask_locked(struct vfio_pci_core_device *vdev)
{
	lockdep_assert_held(&vdev->irqlock);
	if (!intx_on(vdev) || !vdev->intx_masked ||
	    vdev->intx_user_disabled)
		return false;
	if (vdev->pci_2_3) {
		if (!pci_check_and_unmask_intx(vdev->pdev))
			return true;
	} else {
		enable_irq(vdev->pdev->irq);
	}
	vdev->intx_masked = false;
	return false;
}

/*
 * irqlock for a change of the INTx-disable bit made outside a config
 * write, which holds memory_lock already: pci_intx() reads the command
 * register and writes it back, and a reset between the two (which saves,
 * clears and restores the register) would have memory decode turned off
 * behind the decode lock's back. memory_lock is held for read around it.
 */
static unsigned long intx_bit_lock(struct vfio_pci_core_device *vdev)
	__acquires(&vdev->irqlock)
{
	unsigned long flags;

	vfio_pci_decode_hold(vdev);
	spin_lock_irqsave(&vdev->irqlock, flags);
	return flags;
}

static void intx_bit_unlock(struct vfio_pci_core_device *vdev,
			    unsigned long flags)
	__releases(&vdev->irqlock)
{
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	vfio_pci_core_decode_read_unlock(vdev);
}

static void intx_mask(struct vfio_pci_core_device *vdev)
{
	unsigned long flags = intx_bit_lock(vdev);

	intx_mask_locked(vdev);
	intx_bit_unlock(vdev, flags);
}

/**
 * vfio_pci_intx_pm_mask() - mask INTx while the device sleeps
 * @vdev: the device, about to be runtime suspended
 *
 * Return: true when this masked the line, which vfio_pci_intx_pm_unmask()
 * then unmasks on resume; false when INTx is off or was masked already.
 */
bool vfio_pci_intx_pm_mask(struct vfio_pci_core_device *vdev)
{
	unsigned long flags;
	bool masked = false;

	spin_lock_irqsave(&vdev->irqlock, flags);
	if (intx_on(vdev) && !vdev->intx_masked) {
		intx_mask_locked(vdev);
		masked = true;
	}
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	return masked;
}

/* virqfd handler: runs when the unmask eventfd is written. */
static int intx_unmask_handler(void *opaque, void *unused)
{
	struct vfio_pci_core_device *vdev = opaque;
	unsigned long flags;
	bool pending;

	spin_lock_irqsave(&vdev->irqlock, flags);
	pending = intx_unmask_locked(vdev);
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	return pending;
}

/*
 * virqfd thread: the line was still asserted at unmask. It cannot signal
 * from the handler, which runs inside the unmask eventfd's own wakeup.
 */
static void intx_resend(void *opaque, void *unused)
{
	intx_signal(opaque);
}

/* Unmask, and tell userspace again at once if the line is still high. */
static void intx_unmask(struct vfio_pci_core_device *vdev)
{
	unsigned long flags;
	bool pending;

	spin_lock_irqsave(&vdev->irqlock, flags);
	pending = intx_unmask_locked(vdev);
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	if (pending)
		intx_signal(vdev);
}

/**
 * vfio_pci_intx_pm_unmask() - undo vfio_pci_intx_pm_mask() on resume
 * @vdev: the device, resumed
 *
 * An interrupt the device raised meanwhile is signalled now.
 */
void vfio_pci_intx_pm_unmask(struct vfio_pci_core_device *vdev)
{
	intx_unmask(vdev);
}

/**
 * vfio_pci_intx_user_disable() - follow the virtual INTx-disable bit
 * @vdev: an open device
 * @disable: the bit as userspace wrote it
 *
 * Setting the bit masks the line as ACTION_MASK would; clearing it lets
 * ACTION_UNMASK unmask it again, and unmasks it now. Only a change of the
 * bit acts: writing it as it was leaves a line masked by its interrupt,
 * which waits for the user's unmask, masked.
 */
void vfio_pci_intx_user_disable(struct vfio_pci_core_device *vdev,
				bool disable)
{
	unsigned long flags;
	bool pending = false;

	spin_lock_irqsave(&vdev->irqlock, flags);
	if (vdev->intx_user_disabled != disable) {
		vdev->intx_user_disabled = disable;
		if (disable)
			intx_mask_locked(vdev);
		else
			pending = intx_unmask_locked(vdev);
	}
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	if (pending)
		intx_signal(vdev);
}

static int intx_enable(struct vfio_pci_core_device *vdev,
		       struct eventfd_ctx *trigger)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_irq_ctx *ctx;
	unsigned long flags;
	int ret;

	if (!vfio_pci_has_intx(pdev))
		return -ENODEV;
	ret = vfio_pci_irq_ctx_alloc(vdev, 1);
	if (ret)
		return ret;
	ctx = &vdev->irq_ctx[0];
	ctx->name = kasprintf(GFP_KERNEL_ACCOUNT, "vfio-intx(%s)",
			      pci_name(pdev));
	if (!ctx->name) {
		ret = -ENOMEM;
		goto err_free_ctx;
	}
	WRITE_ONCE(vdev->intx_trigger, trigger);

	/*
	 * The line is masked until it is ours: by the INTx-disable bit, or,
	 * on an exclusive line, by requesting it disabled. Only then does
	 * irq_type say INTx, so a mask or unmask racing with this (a config
	 * write, the unmask eventfd) finds the line in the state
	 * intx_masked describes and never enables it twice.
	 */
	flags = intx_bit_lock(vdev);
	vdev->intx_masked = true;
	if (vdev->pci_2_3)
		pci_intx(pdev, 0);
	intx_bit_unlock(vdev, flags);

	ret = request_irq(pdev->irq, intx_handler,
			  vdev->pci_2_3 ? IRQF_SHARED : IRQF_NO_AUTOEN,
			  ctx->name, vdev);
	if (ret)
		goto err_free_name;
	ctx->irq = pdev->irq;

	flags = intx_bit_lock(vdev);
	vdev->irq_type = VFIO_PCI_INTX_IRQ_INDEX;
	vdev->intx_masked = vdev->intx_user_disabled;
	if (!vdev->intx_masked) {
		if (vdev->pci_2_3)
			pci_intx(pdev, 1);
		else
			enable_irq(pdev->irq);
	}
	intx_bit_unlock(vdev, flags);
	return 0;

err_free_name:
	spin_lock_irqsave(&vdev->irqlock, flags);
	vdev->intx_masked = false;
	spin_unlock_irqrestore(&vdev->irqlock, flags);
	kfree(ctx->name);
	/* still the caller's, who drops it: wait for any reader to finish */
	WRITE_ONCE(vdev->intx_trigger, NULL);
	synchronize_rcu();
err_free_ctx:
	vfio_pci_irq_ctx_free(vdev);
	return ret;
}

/**
 * vfio_pci_intx_disable() - free the INTx line userspace enabled
 * @vdev: a device with INTx enabled; igate held
 *
 * The unmask eventfd goes first, then the line, then the trigger.
 */
void vfio_pci_intx_disable(struct vfio_pci_core_device *vdev)
{
	struct vfio_pci_irq_ctx *ctx = &vdev->irq_ctx[0];
	unsigned long flags;

	vfio_virqfd_disable(&ctx->unmask);
	/*
	 * No longer INTx before the line is freed: a racing mask or unmask
	 * leaves it alone from here on. Nobody listens any more, so a
	 * shared line is kept quiet with the INTx-disable bit.
	 */
	flags = intx_bit_lock(vdev);
	vdev->irq_type = VFIO_PCI_IRQ_NONE;
	vdev->intx_masked = false;
	if (vdev->pci_2_3)
		pci_intx(vdev->pdev, 0);
	intx_bit_unlock(vdev, flags);
	free_irq(ctx->irq, vdev);
	vfio_pci_trigger_replace(&vdev->intx_trigger, NULL);
	kfree(ctx->name);
	vfio_pci_irq_ctx_free(vdev);
}

static int intx_trigger(struct vfio_pci_core_device *vdev, unsigned int count,
			u32 flags, const void *data)
{
	struct eventfd_ctx *trigger;
	int ret;

	if (intx_on(vdev) && !count &&
	    (flags & VFIO_IRQ_SET_DATA_NONE)) {
		vfio_pci_intx_disable(vdev);
		return 0;
	}
	/* past the disable, a count of 0 brings no data to act on */
	if (!count || (!intx_on(vdev) &&
		       !vfio_pci_irq_is(vdev, VFIO_PCI_IRQ_NONE)))
		return -EINVAL;
	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD)) {
		/* loopback, of an enabled line only, not while disabled */
		if (!intx_on(vdev))
			return -EINVAL;
		if (vfio_pci_irq_action_wanted(flags, data) &&
		    !READ_ONCE(vdev->intx_user_disabled))
			intx_signal(vdev);
		return 0;
	}
	trigger = vfio_pci_trigger_get(*(const s32 *)data);
	if (IS_ERR(trigger))
		return PTR_ERR(trigger);
	if (intx_on(vdev)) {
		vfio_pci_trigger_replace(&vdev->intx_trigger, trigger);
		return 0;
	}
	/* an fd of -1 enables the line with nobody to tell yet */
	ret = intx_enable(vdev, trigger);
	if (ret && trigger)
		eventfd_ctx_put(trigger);
	return ret;
}

static int intx_mask_action(struct vfio_pci_core_device *vdev,
			    unsigned int count, u32 flags, const void *data)
{
	if (!intx_on(vdev) || !count)
		return -EINVAL;
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return -ENOTTY;	/* a mask has no eventfd form */
	if (vfio_pci_irq_action_wanted(flags, data))
		intx_mask(vdev);
	return 0;
}

static int intx_unmask_action(struct vfio_pci_core_device *vdev,
			      unsigned int count, u32 flags, const void *data)
{
	struct vfio_pci_irq_ctx *ctx;
	s32 fd;

	if (!intx_on(vdev) || !count)
		return -EINVAL;
	ctx = &vdev->irq_ctx[0];
	if (!(flags & VFIO_IRQ_SET_DATA_EVENTFD)) {
		if (vfio_pci_irq_action_wanted(flags, data))
			intx_unmask(vdev);
		return 0;
	}
	fd = *(const s32 *)data;
	if (fd < 0) {
		vfio_virqfd_disable(&ctx->unmask);
		return 0;
	}
	return vfio_virqfd_enable(vdev, intx_unmask_handler, intx_resend,
				  NULL, &ctx->unmask, fd);
}

/**
 * vfio_pci_set_intx() - VFIO_DEVICE_SET_IRQS on the INTx index
 * @vdev: an open device; igate held
 * @action: VFIO_IRQ_SET_ACTION_MASK, _UNMASK or _TRIGGER
 * @count: 0 or 1, checked against the index by the VFIO core
 * @flags: the call's VFIO_IRQ_SET_DATA_* type
 * @data: @count items of that type
 *
 * Return: 0, -ENOTTY for an action INTx does not have, -EINVAL for one
 * the line's state does not allow, or the error of enabling it.
 */
int vfio_pci_set_intx(struct vfio_pci_core_device *vdev, u32 action,
		      unsigned int count, u32 flags, const void *data)
{
	lockdep_assert_held(&vdev->igate);
	switch (action) {
	case VFIO_IRQ_SET_ACTION_MASK:
		return intx_mask_action(vdev, count, flags, data);
	case VFIO_IRQ_SET_ACTION_UNMASK:
		return intx_unmask_action(vdev, count, flags, data);
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		return intx_trigger(vdev, count, flags, data);
	default:
		return -ENOTTY;
	}
}
