// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_pci_core: the VFIO device model of a PCI function, as a library that
 * thin PCI drivers register their devices to.
 */

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "vfio_pci_private.h"

/**
 * vfio_pci_core_init_dev() - &vfio_device_ops.init of a core device
 * @core_vdev: the device embedded in a &struct vfio_pci_core_device, whose
 *	&vfio_device.dev is a PCI device
 *
 * Called by vfio_alloc_device(); a driver that needs its own init calls
 * this first.
 *
 * Context: process; may sleep.
 * Return: 0.
 */
int vfio_pci_core_init_dev(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	vdev->pdev = to_pci_dev(core_vdev->dev);
	init_rwsem(&vdev->memory_lock);
	mutex_init(&vdev->igate);
	mutex_init(&vdev->ioeventfds_lock);
	INIT_LIST_HEAD(&vdev->ioeventfds);
	spin_lock_init(&vdev->irqlock);
	mutex_init(&vdev->cfg_lock);
	mutex_init(&vdev->bar_lock);
	mutex_init(&vdev->pm_lock);
	/* no interrupt type until an open enables one */
	vdev->irq_type = VFIO_PCI_IRQ_NONE;
	/* whatever drove it before may have left state behind */
	vdev->needs_reset = true;
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_init_dev);

/**
 * vfio_pci_core_release_dev() - &vfio_device_ops.release of a core device
 * @core_vdev: the device, after its last reference is gone
 *
 * Undoes vfio_pci_core_init_dev(). The VFIO core frees the memory.
 *
 * Context: process, the last reference dropped; may sleep.
 */
void vfio_pci_core_release_dev(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	mutex_destroy(&vdev->pm_lock);
	mutex_destroy(&vdev->bar_lock);
	mutex_destroy(&vdev->cfg_lock);
	mutex_destroy(&vdev->ioeventfds_lock);
	mutex_destroy(&vdev->igate);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_release_dev);

/**
 * vfio_pci_core_register_device() - offer a device to VFIO userspace
 * @vdev: a device allocated with vfio_alloc_device() and initialized by
 *	vfio_pci_core_init_dev()
 *
 * Makes the device reachable through its VFIO group and, with
 * CONFIG_VFIO_DEVICE_CDEV, through /dev/vfio/devices/vfioX, in the device
 * set of its slot or bus (see "device sets" in vfio_pci_reset.c). Bridges
 * are refused: their config space routes other devices' traffic. The
 * device sleeps while nobody has it open (see "runtime power management"
 * in vfio_pci_power.c); a PF can get VFs (see "SR-IOV and the VF token"
 * in vfio_pci_sriov.c). A PF whose VFs are already enabled is refused:
 * they were made by its previous driver and may be in use by the host,
 * and the VF token could not cover them.
 *
 * Context: the driver's probe, under the PCI device's lock; may sleep.
 * Return: 0, -EBUSY for a PF with VFs, or another -errno; on error nothing
 * was registered and the caller still owns its reference to @vdev.
 */
int vfio_pci_core_register_device(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	if (pdev->hdr_type != PCI_HEADER_TYPE_NORMAL) {
		pci_info(pdev, "vfio: header type %u is not a normal function\n",
			 pdev->hdr_type);
		return -EINVAL;
	}
	if (pci_num_vf(pdev)) {
		pci_warn(pdev, "vfio: %d VFs already enabled: disable them first\n",
			 pci_num_vf(pdev));
		return -EBUSY;
	}
	ret = vfio_pci_devset_assign(vdev);
	if (ret)
		return ret;
	ret = vfio_pci_sriov_register(vdev);
	if (ret)
		return ret;
	vfio_pci_pm_register(vdev);
	ret = vfio_register_group_dev(&vdev->vdev);
	if (ret)
		goto err_pm_unregister;
	return 0;

err_pm_unregister:
	vfio_pci_pm_unregister(vdev);
	vfio_pci_sriov_unregister(vdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_register_device);

/**
 * vfio_pci_core_unregister_device() - withdraw a device from userspace
 * @vdev: a device registered with vfio_pci_core_register_device()
 *
 * Called under the PCI device's lock, as &pci_driver.remove is. A PF
 * first removes the VFs the core enabled, each after its user closed it.
 * Then waits until userspace has closed every file of the device. The
 * caller then drops its reference with vfio_put_device().
 *
 * Context: the driver's remove, under the PCI device's lock; sleeps until
 * the device is closed.
 */
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *vdev)
{
	if (vdev->vf_token)
		vfio_pci_core_sriov_configure(vdev, 0);
	vfio_unregister_group_dev(&vdev->vdev);
	vfio_pci_pm_unregister(vdev);
	vfio_pci_sriov_unregister(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_unregister_device);

/**
 * _vfio_pci_core_probe() - allocate, set up and register a core device
 * @pdev: the PCI device being probed
 * @size: size of the driver's device structure, whose first member is a
 *	&struct vfio_pci_core_device
 * @ops: the driver's VFIO callbacks; @ops->init must call
 *	vfio_pci_core_init_dev()
 * @settings: the driver's choices for this device, copied
 *
 * Drivers call it through vfio_pci_core_probe(), which checks the layout
 * of their structure at build time. The device becomes the PCI device's
 * driver data; the driver's remove calls vfio_pci_core_remove().
 *
 * Context: the driver's probe, under the PCI device's lock; may sleep.
 * Return: the new device, or an ERR_PTR(); on error nothing is left to undo.
 */
struct vfio_pci_core_device *
_vfio_pci_core_probe(struct pci_dev *pdev, size_t size,
		     const struct vfio_device_ops *ops,
		     const struct vfio_pci_settings *settings)
{
	struct vfio_pci_core_device *vdev;
	struct vfio_device *core_vdev;
	int ret;

	if (size < sizeof(*vdev))
		return ERR_PTR(-EINVAL);
	core_vdev = _vfio_alloc_device(size, &pdev->dev, ops);
	if (IS_ERR(core_vdev))
		return ERR_CAST(core_vdev);
	vdev = to_vfio_pci_core(core_vdev);
	vdev->settings = *settings;
	pci_set_drvdata(pdev, vdev);

	ret = vfio_pci_core_register_device(vdev);
	if (ret)
		goto err_put_device;
	return vdev;

err_put_device:
	pci_set_drvdata(pdev, NULL);
	vfio_put_device(core_vdev);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(_vfio_pci_core_probe);

/**
 * vfio_pci_core_remove() - undo vfio_pci_core_probe()
 * @pdev: a PCI device probed with vfio_pci_core_probe()
 *
 * For a driver's &pci_driver.remove. Waits until userspace has closed the
 * device, then drops the driver's reference.
 *
 * Context: the driver's remove, under the PCI device's lock; sleeps until
 * the device is closed.
 */
void vfio_pci_core_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = pci_get_drvdata(pdev);

	vfio_pci_core_unregister_device(vdev);
	pci_set_drvdata(pdev, NULL);
	vfio_put_device(&vdev->vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_remove);

/*
 * The config state the close puts back, taken as the device opens, and the
 * config space userspace will see; on failure neither is kept.
 */
static int vfio_pci_config_state_open(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	pci_save_state(pdev);
	vdev->saved_state = pci_store_saved_state(pdev);
	if (!vdev->saved_state)
		pci_dbg(pdev, "vfio: no config state saved for the close\n");
	ret = vfio_pci_config_open(vdev);
	if (ret) {
		kfree(vdev->saved_state);
		vdev->saved_state = NULL;
	}
	return ret;
}

/**
 * vfio_pci_core_enable() - the device side of an open
 * @vdev: the device, being opened by its driver's
 *	&vfio_device_ops.open_device
 *
 * Wakes the device for as long as it is open, enables it, resets it
 * unless it is known to be clean, turns bus master off (the user always
 * starts with DMA off and enables it itself, whatever the previous driver
 * or user left, reset or not), remembers its config state for the close,
 * and builds the config space that userspace will see.
 *
 * For a driver with work of its own to do once the device is enabled:
 * when that work succeeds the driver calls vfio_pci_core_finish_enable(),
 * when it fails vfio_pci_core_disable(). Other drivers use
 * vfio_pci_core_open_device(), which is both steps.
 *
 * Context: the VFIO core, under the device set's lock; may sleep.
 * Return: 0, or -errno with the device left as it was.
 */
int vfio_pci_core_enable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	ret = vfio_pci_pm_open(vdev);
	if (ret)
		return ret;
	ret = pci_enable_device(pdev);
	if (ret)
		goto err_pm_release;
	/* the PCI core lists the reset methods it found, best first */
	vdev->reset_works = pdev->reset_methods[0];
	ret = vfio_pci_reset_on_open(vdev);
	if (ret)
		goto err_disable;
	pci_clear_master(pdev);
	ret = vfio_pci_config_state_open(vdev);
	if (ret)
		goto err_disable;
	vfio_pci_decode_refresh(vdev);
	vfio_pci_msix_locate(vdev);
	vfio_pci_mmap_open(vdev);
	vfio_pci_irqs_open(vdev);
	return 0;

err_disable:
	pci_disable_device(pdev);
err_pm_release:
	vfio_pci_pm_release(vdev);
	return ret;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_enable);

/**
 * vfio_pci_core_finish_enable() - complete an open begun by the driver
 * @vdev: a device vfio_pci_core_enable() enabled
 *
 * Counts the open as a user of the VF token of its PF. The device is open
 * from here on; its close is vfio_pci_core_close_device().
 *
 * Context: the VFIO core, under the device set's lock.
 */
void vfio_pci_core_finish_enable(struct vfio_pci_core_device *vdev)
{
	vfio_pci_vf_token_use(vdev, true);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_finish_enable);

/**
 * vfio_pci_core_disable() - undo vfio_pci_core_enable()
 * @vdev: a device vfio_pci_core_enable() enabled, whose open is failing
 *	(or, from vfio_pci_core_close_device(), closing)
 *
 * Wakes the device (from runtime suspend, and to D0 with its state from
 * a D3hot userspace chose) and stops its DMA before anything is torn
 * down, so that freeing its interrupts reaches a function that decodes;
 * removes the driver's regions; resets it (or, when it has no reset of its
 * own, its slot or bus once the whole device set is closed) and puts back
 * the config state it had when opened; then lets it sleep.
 *
 * Context: the VFIO core, under the device set's lock; may sleep.
 */
void vfio_pci_core_disable(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	vfio_pci_regions_close(vdev);
	vfio_pci_pm_close(vdev);
	vfio_pci_decode_wake(vdev);
	pci_clear_master(pdev);
	vfio_pci_ioeventfds_close(vdev);
	vfio_pci_irqs_close(vdev);
	vfio_pci_bars_unmap(vdev);
	vfio_pci_mmap_close(vdev);
	vfio_pci_config_close(vdev);
	pci_disable_device(pdev);
	vfio_pci_reset_on_close(vdev);
	if (!pci_load_and_free_saved_state(pdev, &vdev->saved_state))
		pci_restore_state(pdev);
	vfio_pci_pm_release(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_disable);

/**
 * vfio_pci_core_open_device() - &vfio_device_ops.open_device
 * @core_vdev: the device, opened for the first time since its last close
 *
 * vfio_pci_core_enable() then vfio_pci_core_finish_enable().
 *
 * Context: the VFIO core, under the device set's lock; may sleep.
 * Return: 0, or -errno with the device left as it was.
 */
int vfio_pci_core_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;
	vfio_pci_core_finish_enable(vdev);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_open_device);

/**
 * vfio_pci_core_close_device() - &vfio_device_ops.close_device
 * @core_vdev: the device, closed by its last user
 *
 * Undoes vfio_pci_core_finish_enable(), then vfio_pci_core_disable().
 *
 * Context: the VFIO core, under the device set's lock; may sleep.
 */
void vfio_pci_core_close_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	vfio_pci_vf_token_use(vdev, false);
	vfio_pci_core_disable(vdev);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_close_device);

/**
 * vfio_pci_core_ioctl() - &vfio_device_ops.ioctl
 * @core_vdev: an open device
 * @cmd: the ioctl number
 * @arg: its user pointer
 *
 * Context: process, the caller's; may sleep.
 * Return: the ioctl's result, -ENOTTY for an ioctl the core does not know.
 */
long vfio_pci_core_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			 unsigned long arg)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfio_pci_ioctl_get_info(vdev, uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfio_pci_ioctl_get_region_info(vdev, uarg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfio_pci_ioctl_get_irq_info(vdev, uarg);
	case VFIO_DEVICE_SET_IRQS:
		return vfio_pci_ioctl_set_irqs(vdev, uarg);
	case VFIO_DEVICE_RESET:
		return vfio_pci_ioctl_reset(vdev);
	case VFIO_DEVICE_GET_PCI_HOT_RESET_INFO:
		return vfio_pci_ioctl_hot_reset_info(vdev, uarg);
	case VFIO_DEVICE_PCI_HOT_RESET:
		return vfio_pci_ioctl_hot_reset(vdev, uarg);
	case VFIO_DEVICE_IOEVENTFD:
		return vfio_pci_ioctl_ioeventfd(vdev, uarg);
	default:
		return -ENOTTY;
	}
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioctl);

/**
 * vfio_pci_core_ioctl_feature() - &vfio_device_ops.device_feature
 * @core_vdev: an open device, kept awake by the VFIO core for the ioctl
 * @flags: the feature index and its GET, SET and PROBE flags
 * @arg: the feature's data
 * @argsz: bytes of @arg
 *
 * The low power features and, on a PF, the VF token.
 *
 * Context: process, the caller's; may sleep.
 * Return: 0, or -errno: -ENOTTY for a feature the device does not have.
 */
int vfio_pci_core_ioctl_feature(struct vfio_device *core_vdev, u32 flags,
				void __user *arg, size_t argsz)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);

	if ((flags & VFIO_DEVICE_FEATURE_MASK) ==
	    VFIO_DEVICE_FEATURE_PCI_VF_TOKEN)
		return vfio_pci_vf_token_feature(vdev, flags, arg, argsz);
	/* the power features, or -ENOTTY for an index it does not know */
	return vfio_pci_pm_feature(vdev, flags, arg, argsz);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_ioctl_feature);

static ssize_t region_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			 size_t count, loff_t *ppos, bool write)
{
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	loff_t pos = *ppos & VFIO_PCI_OFFSET_MASK;
	ssize_t ret;

	switch (index) {
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		ret = vfio_pci_bar_rw(vdev, index, buf, count, pos, write);
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
		ret = write ? -EINVAL : vfio_pci_rom_read(vdev, buf, count, pos);
		break;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		ret = vfio_pci_config_rw(vdev, buf, count, pos, write);
		break;
	case VFIO_PCI_VGA_REGION_INDEX:
		ret = vfio_pci_vga_rw(vdev, buf, count, pos, write);
		break;
	default:
		ret = vfio_pci_region_rw(vdev, index, buf, count, pos, write);
		break;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

/* Each access keeps the device awake: it may have been asked to sleep. */
static ssize_t core_rw(struct vfio_pci_core_device *vdev, char __user *buf,
		       size_t count, loff_t *ppos, bool write)
{
	ssize_t ret;

	ret = vfio_pci_pm_get(vdev);
	if (ret)
		return ret;
	ret = region_rw(vdev, buf, count, ppos, write);
	vfio_pci_pm_put(vdev);
	return ret;
}

/**
 * vfio_pci_core_read() - &vfio_device_ops.read
 * @core_vdev: an open device
 * @buf: user buffer
 * @count: bytes wanted
 * @ppos: region offset, as given by VFIO_DEVICE_GET_REGION_INFO, plus the
 *	position in the region; advanced by what was read
 *
 * Context: process, the caller's; may sleep.
 * Return: bytes read, or -errno when nothing was read.
 */
ssize_t vfio_pci_core_read(struct vfio_device *core_vdev, char __user *buf,
			   size_t count, loff_t *ppos)
{
	return core_rw(to_vfio_pci_core(core_vdev), buf, count, ppos, false);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_read);

/**
 * vfio_pci_core_write() - &vfio_device_ops.write
 * @core_vdev: an open device
 * @buf: user buffer
 * @count: bytes to write
 * @ppos: region offset plus position, advanced by what was written
 *
 * Context: process, the caller's; may sleep.
 * Return: bytes written, or -errno when nothing was written.
 */
ssize_t vfio_pci_core_write(struct vfio_device *core_vdev,
			    const char __user *buf, size_t count, loff_t *ppos)
{
	return core_rw(to_vfio_pci_core(core_vdev), (char __user *)buf, count,
		       ppos, true);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_write);

#ifndef VFIO_DEVICE_BIND_FLAG_TOKEN
/*
 * Built against a VFIO core whose cdev bind takes no token: say once what
 * that leaves out, for the admin who installed it (DKMS).
 */
static int __init vfio_pci_core_init(void)
{
	pr_info("vfio-pci-core: this kernel's VFIO core takes no token on the cdev bind (VFIO_DEVICE_BIND_FLAG_TOKEN): the VF token is checked on the group path only\n");
	return 0;
}
module_init(vfio_pci_core_init);

static void __exit vfio_pci_core_exit(void)
{
}
module_exit(vfio_pci_core_exit);
#endif

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO PCI core: the device model of a PCI function as a library");
