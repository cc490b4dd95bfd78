// SPDX-License-Identifier: GPL-2.0-only
/*
 * Power: runtime PM of bound devices and the low power features that let
 * userspace put an open device to sleep.
 */

#include <linux/eventfd.h>
#include <linux/pm_runtime.h>

#include "vfio_pci_private.h"

/**
 * DOC: runtime power management
 *
 * A bound device that nobody has open sleeps in D3hot: registration
 * allows runtime PM and drops the usage count the PCI core took for the
 * probe, so the PM core suspends the device as soon as it is idle. The
 * &vfio_pci_settings.disable_idle_d3 choice keeps that count instead, for
 * devices that misbehave in D3hot or to save the wake-up latency; an open
 * then borrows it rather than taking its own, so that a user's explicit
 * request to sleep is still honoured.
 *
 * Every way in holds a usage count while it runs: open_device() takes one
 * for as long as the device is open; the VFIO core takes one around each
 * ioctl, because the binding driver has PM ops (see
 * vfio_pci_core_runtime_suspend()); a read or
 * write of a region takes one around the access; a slot or bus reset
 * takes one on every member of the set. A device therefore only suspends
 * when it is closed, or when its user asked for it with
 * VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, which gives up the open's count.
 *
 * While that request stands (&vfio_pci_core_device.pm_engaged) the BAR
 * mappings are zapped and the accesses that cannot
 * wake the device are refused: a fault of a mapping gets SIGBUS, an
 * ioeventfd's write is dropped (vfio_pci_decode_read_lock_awake()). A read
 * or write through the device fd wakes it for its duration, as an ioctl
 * does, so no access reaches the device in D3hot. The request ends with
 * VFIO_DEVICE_FEATURE_LOW_POWER_EXIT or the close; with
 * _ENTRY_WITH_WAKEUP it also ends when the device wakes up by itself
 * (PME, or any access that resumes it), and the wake-up eventfd tells
 * userspace so. INTx is masked while the device sleeps, because the
 * handler of a shared line would read the status of a device in D3hot.
 *
 * The request begins under memory_lock, held for write, so that no access
 * is under way as it does; it may end without it, since it only ends on a
 * device that is awake. The runtime resume callback ends it under
 * &vfio_pci_core_device.pm_lock alone: the PCI core resumes devices with
 * pci_bus_sem held (the AER core, before it calls the error handlers),
 * and a slot or bus reset takes pci_bus_sem inside memory_lock. The
 * runtime suspend callback takes memory_lock, so no path calls a
 * synchronous runtime suspend with memory_lock held.
 */

/**
 * vfio_pci_pm_register() - let a newly bound device sleep while idle
 * @vdev: a device being registered; the PCI core holds a usage count for
 *	the probe
 *
 * Undone by vfio_pci_pm_unregister().
 */
void vfio_pci_pm_register(struct vfio_pci_core_device *vdev)
{
	struct device *dev = &vdev->pdev->dev;
	const struct dev_pm_ops *pm = dev->driver ? dev->driver->pm : NULL;

	/*
	 * Only the core's runtime callbacks keep the decode state of a
	 * sleeping device: the devices of a driver without them (its
	 * &pci_driver has no vfio_pci_core_pm_ops) stay awake.
	 */
	if (!pm || pm->runtime_suspend != vfio_pci_core_runtime_suspend) {
		pci_dbg(vdev->pdev, "vfio: no core runtime PM callbacks, kept in D0\n");
		vdev->settings.disable_idle_d3 = true;
	}
	/*
	 * The PCI core only moves a device of unknown power state (as it is
	 * after boot or after its last driver) to D0; the runtime suspend
	 * needs a known state to leave.
	 */
	pci_set_power_state(vdev->pdev, PCI_D0);
	pm_runtime_allow(dev);
	if (!vdev->settings.disable_idle_d3)
		pm_runtime_put(dev);
}

/**
 * vfio_pci_pm_unregister() - undo vfio_pci_pm_register()
 * @vdev: a device being unregistered, or whose registration failed
 *
 * Leaves the device awake, as the PCI core expects of a departing driver.
 */
void vfio_pci_pm_unregister(struct vfio_pci_core_device *vdev)
{
	struct device *dev = &vdev->pdev->dev;

	if (!vdev->settings.disable_idle_d3)
		pm_runtime_get_noresume(dev);
	pm_runtime_forbid(dev);
}

/**
 * vfio_pci_pm_get() - keep the device awake for one access
 * @vdev: the device
 *
 * Return: 0, or -EIO when the device could not be resumed.
 */
int vfio_pci_pm_get(struct vfio_pci_core_device *vdev)
{
	int ret;

	ret = pm_runtime_resume_and_get(&vdev->pdev->dev);
	if (ret) {
		pci_info_ratelimited(vdev->pdev,
				     "vfio: runtime resume failed (%d)\n", ret);
		return -EIO;
	}
	return 0;
}

/**
 * vfio_pci_pm_put() - end what vfio_pci_pm_get() began
 * @vdev: the device
 */
void vfio_pci_pm_put(struct vfio_pci_core_device *vdev)
{
	pm_runtime_put(&vdev->pdev->dev);
}

/**
 * vfio_pci_pm_open() - keep an opening device awake while it is open
 * @vdev: the device
 *
 * With disable_idle_d3 the count registration kept stands for the open's,
 * so that a request to sleep still lets the device sleep. Undone by
 * vfio_pci_pm_release().
 *
 * Return: 0, or -EIO when the device could not be resumed.
 */
int vfio_pci_pm_open(struct vfio_pci_core_device *vdev)
{
	if (vdev->settings.disable_idle_d3)
		return 0;
	return vfio_pci_pm_get(vdev);
}

/**
 * vfio_pci_pm_release() - let a device that closed sleep
 * @vdev: the device
 */
void vfio_pci_pm_release(struct vfio_pci_core_device *vdev)
{
	if (!vdev->settings.disable_idle_d3)
		vfio_pci_pm_put(vdev);
}

/* Nobody is to hear of a wake-up any more; pm_lock held. */
static void wake_drop_locked(struct vfio_pci_core_device *vdev)
{
	lockdep_assert_held(&vdev->pm_lock);
	if (vdev->pm_wake) {
		eventfd_ctx_put(vdev->pm_wake);
		vdev->pm_wake = NULL;
	}
}

/*
 * Give back the open's usage count userspace lent; pm_lock held, the
 * device awake.
 */
static void low_power_end_locked(struct vfio_pci_core_device *vdev)
{
	lockdep_assert_held(&vdev->pm_lock);
	if (!vdev->pm_engaged)
		return;
	WRITE_ONCE(vdev->pm_engaged, false);
	pm_runtime_get_noresume(&vdev->pdev->dev);
	wake_drop_locked(vdev);
}

static void low_power_end(struct vfio_pci_core_device *vdev)
{
	mutex_lock(&vdev->pm_lock);
	low_power_end_locked(vdev);
	mutex_unlock(&vdev->pm_lock);
}

/**
 * vfio_pci_pm_close() - wake a closing device for good
 * @vdev: the device, closing: its open's usage count is still held
 *
 * Resumes the device, which may have been asleep, and ends a standing low
 * power request, so that the close can reset and restore it. The user
 * leaving is not told of that wake-up.
 */
void vfio_pci_pm_close(struct vfio_pci_core_device *vdev)
{
	struct device *dev = &vdev->pdev->dev;

	mutex_lock(&vdev->pm_lock);
	wake_drop_locked(vdev);
	mutex_unlock(&vdev->pm_lock);
	/* awake before the request ends, and until the open's count is back */
	pm_runtime_get_sync(dev);
	low_power_end(vdev);
	pm_runtime_put(dev);
}

static int low_power_begin(struct vfio_pci_core_device *vdev,
			   struct eventfd_ctx *wake)
{
	int ret = -EINVAL;

	vfio_pci_decode_lock(vdev, true);
	mutex_lock(&vdev->pm_lock);
	if (!vdev->pm_engaged) {
		WRITE_ONCE(vdev->pm_engaged, true);
		vdev->pm_wake = wake;
		/* the VFIO core's put at the end of this ioctl lets it suspend */
		pm_runtime_put_noidle(&vdev->pdev->dev);
		ret = 0;
	}
	mutex_unlock(&vdev->pm_lock);
	vfio_pci_decode_unlock(vdev);
	return ret;
}

/* Bytes of data a low power feature takes: only the wake-up has any. */
static size_t low_power_data_size(u32 index)
{
	if (index != VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP)
		return 0;
	return sizeof(struct vfio_device_low_power_entry_with_wakeup);
}

/* The wake-up eventfd @arg names, referenced, or an ERR_PTR(). */
static struct eventfd_ctx *wake_eventfd_get(void __user *arg)
{
	struct vfio_device_low_power_entry_with_wakeup data;

	if (copy_from_user(&data, arg, sizeof(data)))
		return ERR_PTR(-EFAULT);
	if (data.wakeup_eventfd < 0)
		return ERR_PTR(-EINVAL);
	return eventfd_ctx_fdget(data.wakeup_eventfd);
}

/*
 * The VFIO core woke the device for this ioctl; a wake-up eventfd may
 * already have ended the request, then there is nothing left to do.
 */
static int low_power_exit(struct vfio_pci_core_device *vdev)
{
	low_power_end(vdev);
	return 0;
}

/**
 * vfio_pci_pm_feature() - the low power features of VFIO_DEVICE_FEATURE
 * @vdev: an open device, kept awake by the VFIO core during the ioctl
 * @flags: the feature's flags, its index one of the LOW_POWER ones
 * @arg: the feature's data
 * @argsz: bytes of @arg
 *
 * All three can only be set: ENTRY and ENTRY_WITH_WAKEUP (whose data
 * names the wake-up eventfd) begin a request to sleep, EXIT ends it.
 *
 * Return: 0, or -errno; -EINVAL when a low power request already stands.
 */
int vfio_pci_pm_feature(struct vfio_pci_core_device *vdev, u32 flags,
			void __user *arg, size_t argsz)
{
	u32 index = flags & VFIO_DEVICE_FEATURE_MASK;
	struct eventfd_ctx *wake = NULL;
	int ret;

	if (index != VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY &&
	    index != VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP &&
	    index != VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)
		return -ENOTTY;
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET,
				 low_power_data_size(index));
	if (ret != 1)
		return ret;
	if (index == VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)
		return low_power_exit(vdev);
	if (low_power_data_size(index)) {
		wake = wake_eventfd_get(arg);
		if (IS_ERR(wake))
			return PTR_ERR(wake);
	}
	ret = low_power_begin(vdev, wake);
	if (ret && wake)
		eventfd_ctx_put(wake);
	return ret;
}

/**
 * vfio_pci_pm_get_set() - wake every member of a device set for a reset
 * @set: the set, whose lock the caller holds
 *
 * Return: 0 with every member awake, to be released with
 * vfio_pci_pm_put_set(); or -EIO with none held.
 */
int vfio_pci_pm_get_set(struct vfio_device_set *set)
{
	struct vfio_pci_core_device *cur, *undo;
	int ret;

	lockdep_assert_held(&set->lock);
	list_for_each_entry(cur, &set->device_list, vdev.dev_set_list) {
		ret = vfio_pci_pm_get(cur);
		if (ret)
			goto err_put_woken;
	}
	return 0;

err_put_woken:
	list_for_each_entry(undo, &set->device_list, vdev.dev_set_list) {
		if (undo == cur)
			break;
		vfio_pci_pm_put(undo);
	}
	return ret;
}

/**
 * vfio_pci_pm_put_set() - undo vfio_pci_pm_get_set()
 * @set: the set, whose lock the caller holds
 */
void vfio_pci_pm_put_set(struct vfio_device_set *set)
{
	struct vfio_pci_core_device *cur;

	list_for_each_entry(cur, &set->device_list, vdev.dev_set_list)
		vfio_pci_pm_put(cur);
}

/**
 * vfio_pci_core_runtime_suspend() - &dev_pm_ops.runtime_suspend of the core
 * @dev: the PCI device of a registered core device, about to sleep
 *
 * One of &vfio_pci_core_pm_ops, for a driver that writes its own.
 *
 * Userspace may have put the device in D3hot through its PM capability:
 * it comes back to D0 with the state it had, so that the PCI core saves
 * that state and restores it on resume. INTx is masked while it sleeps.
 *
 * Context: the PM core's runtime suspend; may sleep.
 * Return: 0.
 */
int vfio_pci_core_runtime_suspend(struct device *dev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);

	if (READ_ONCE(vdev->pm_engaged))
		vfio_pci_decode_wake(vdev);
	vdev->pm_intx_masked = vfio_pci_intx_pm_mask(vdev);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_runtime_suspend);

/**
 * vfio_pci_core_runtime_resume() - &dev_pm_ops.runtime_resume of the core
 * @dev: the PCI device of a registered core device, awake again
 *
 * A wake-up its user asked to hear of ends the request to sleep and
 * signals the user's eventfd; INTx masked for the sleep is unmasked.
 *
 * Context: may be called with pci_bus_sem held (the AER core resumes the
 * devices below a port before it reports an error to them); takes no
 * lock a reset holds around pci_bus_sem.
 * Return: 0.
 */
int vfio_pci_core_runtime_resume(struct device *dev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(dev);

	mutex_lock(&vdev->pm_lock);
	if (vdev->pm_wake) {
		eventfd_signal(vdev->pm_wake);
		low_power_end_locked(vdev);
	}
	mutex_unlock(&vdev->pm_lock);
	if (vdev->pm_intx_masked) {
		vdev->pm_intx_masked = false;
		vfio_pci_intx_pm_unmask(vdev);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_runtime_resume);

/*
 * vfio_pci_core_pm_ops - &pci_driver.driver.pm of the core
 *
 * vfio_pci_core_runtime_suspend() and vfio_pci_core_runtime_resume().
 * Drivers of the core point their &pci_driver.driver.pm here (through
 * pm_ptr()): having PM ops tells the VFIO core to keep the device awake
 * around each ioctl.
 */
const struct dev_pm_ops vfio_pci_core_pm_ops = {
	RUNTIME_PM_OPS(vfio_pci_core_runtime_suspend,
		       vfio_pci_core_runtime_resume, NULL)
};
EXPORT_SYMBOL_GPL(vfio_pci_core_pm_ops);
