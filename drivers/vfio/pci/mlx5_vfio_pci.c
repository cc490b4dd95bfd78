// SPDX-License-Identifier: GPL-2.0-only
/*
 * mlx5_vfio_pci: hands mlx5 VFs to VFIO userspace through vfio_pci_core,
 * for as long as mlx5_core vouches for them with a mlx5_core.vfio_pci
 * auxiliary device.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/auxiliary_bus.h>
#include <linux/list.h>
#include <linux/mlx5/vfio_pci.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

/**
 * DOC: mlx5_vfio_pci
 *
 * Two drivers in one module. The auxiliary driver binds to each
 * ``mlx5_core.vfio_pci.<id>`` device (see include/linux/mlx5/vfio_pci.h)
 * and records its VF as a &struct mlx5_vfio_pci_link; the administrator
 * finds there which driver a VF wants. The PCI driver binds VFs, through
 * driver_override like vfio-pci, and registers them to vfio_pci_core only
 * while their link exists: a VF bound before its auxiliary device exists
 * defers its probe, and binds by itself once the auxiliary device is
 * bound (the driver core retries deferred probes after each bind), so the
 * order in which mlx5_core and this module load does not matter.
 *
 * Removing an auxiliary device unbinds its VF from the PCI driver, which
 * asks the VF's user for it (VFIO's request) and waits for the close
 * before the auxiliary device goes: mlx5_core never takes a VF away
 * from under its user.
 *
 * Everything else is vfio_pci_core's, with its default settings: the
 * vfio-pci module parameters are vfio-pci's alone.
 */

/**
 * DOC: where mlx5 live migration plugs in
 *
 * Migration of a VF's state and tracking of the pages it dirties are
 * mlx5_core's to carry out (its firmware saves and loads a VF's state on
 * the PF's command interface) and this driver's to offer, through the
 * extension points of include/linux/vfio_pci_core.h that
 * samples/vfio-pci/edu_vfio_pci.c uses on a device this project's rig
 * has:
 *
 * - &struct mlx5_vfio_pci_device gains the migration state, its lock and
 *   its data files; its &vfio_device_ops.init calls
 *   vfio_pci_core_init_dev() and sets &vfio_device.migration_flags
 *   (%VFIO_MIGRATION_STOP_COPY, with %VFIO_MIGRATION_P2P and
 *   %VFIO_MIGRATION_PRE_COPY as the firmware allows) and
 *   &vfio_device.mig_ops, and &vfio_device.log_ops for the device's own
 *   dirty page tracker;
 * - its open_device and close_device wrap the core's, starting in RUNNING
 *   and ending any transfer before the core closes the device;
 * - its own &pci_error_handlers keep the core's error_detected and add a
 *   reset_done that returns the device to RUNNING without waiting for the
 *   migration lock (the core resets inside its decode lock);
 * - mlx5_core's side is reached through the VF's &struct
 *   mlx5_vfio_pci_link, whose auxiliary device names the PF: the header
 *   include/linux/mlx5/vfio_pci.h gains the commands to query, save and
 *   load a VF's state, and the link keeps mlx5_core from going while a
 *   transfer runs.
 *
 * Nothing of it changes the core: the sample is the working proof.
 */

/**
 * struct mlx5_vfio_pci_link - a bound mlx5_core.vfio_pci auxiliary device
 * @node: in mlx5_vfio_pci_links
 * @vf: the VF it stands for, referenced
 * @bound: @vf is bound to the PCI driver through this link (set by its
 *	probe, cleared by its remove)
 *
 * @node and @bound are protected by mlx5_vfio_pci_links_lock.
 */
struct mlx5_vfio_pci_link {
	struct list_head node;
	struct pci_dev *vf;
	bool bound;
};

/*
 * The links of all bound auxiliary devices. A leaf lock, taken under a
 * VF's device lock by the PCI driver's probe and remove; the auxiliary
 * driver drops it before it unbinds a VF.
 *
 * Device locks of the driver core, outermost first, where this driver
 * takes them: a PF's (mlx5_core's sriov_configure adds and removes the
 * auxiliary devices under it); a mlx5_core.vfio_pci auxiliary device's
 * (its removal unbinds the VF); the VF's.
 */
static LIST_HEAD(mlx5_vfio_pci_links);
static DEFINE_MUTEX(mlx5_vfio_pci_links_lock);

/**
 * struct mlx5_vfio_pci_device - a VF registered to vfio_pci_core
 * @core: the core's device; must be first
 * @link: the link that let it register, alive until the VF is unbound
 */
struct mlx5_vfio_pci_device {
	struct vfio_pci_core_device core;
	struct mlx5_vfio_pci_link *link;
};

/* Claim @vf's link for its probe; NULL when it has none. */
static struct mlx5_vfio_pci_link *link_claim(struct pci_dev *vf)
{
	struct mlx5_vfio_pci_link *link, *found = NULL;

	mutex_lock(&mlx5_vfio_pci_links_lock);
	list_for_each_entry(link, &mlx5_vfio_pci_links, node) {
		if (link->vf == vf) {
			link->bound = true;
			found = link;
			break;
		}
	}
	mutex_unlock(&mlx5_vfio_pci_links_lock);
	return found;
}

static void link_release(struct mlx5_vfio_pci_link *link)
{
	mutex_lock(&mlx5_vfio_pci_links_lock);
	link->bound = false;
	mutex_unlock(&mlx5_vfio_pci_links_lock);
}

static const struct vfio_device_ops mlx5_vfio_pci_ops = {
	.name = "mlx5-vfio-pci",
	VFIO_PCI_CORE_DEVICE_OPS,
};

static int mlx5_vfio_pci_probe(struct pci_dev *pdev,
			       const struct pci_device_id *id)
{
	const struct vfio_pci_settings settings = {};
	struct mlx5_vfio_pci_device *mvdev;
	struct mlx5_vfio_pci_link *link;

	if (!pdev->is_virtfn) {
		pci_info(pdev, "not a VF: mlx5_vfio_pci drives VFs only\n");
		return -EINVAL;
	}
	link = link_claim(pdev);
	if (!link) {
		pci_info(pdev, "waiting for %s.%u (its PF's driver adds it): probe deferred\n",
			 MLX5_VFIO_PCI_ADEV_MATCH, pci_dev_id(pdev));
		return -EPROBE_DEFER;
	}

	mvdev = vfio_pci_core_probe(pdev, struct mlx5_vfio_pci_device,
				    &mlx5_vfio_pci_ops, &settings);
	if (IS_ERR(mvdev)) {
		link_release(link);
		return PTR_ERR(mvdev);
	}
	mvdev->link = link;
	return 0;
}

static void mlx5_vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = pci_get_drvdata(pdev);
	struct mlx5_vfio_pci_link *link =
		container_of(vdev, struct mlx5_vfio_pci_device, core)->link;

	vfio_pci_core_remove(pdev);
	link_release(link);
}

static int mlx5_vfio_pci_aux_probe(struct auxiliary_device *adev,
				   const struct auxiliary_device_id *id)
{
	struct mlx5_vfio_pci_adev *madev = to_mlx5_vfio_pci_adev(adev);
	struct mlx5_vfio_pci_link *link;

	link = kzalloc(sizeof(*link), GFP_KERNEL);
	if (!link)
		return -ENOMEM;
	link->vf = mlx5_vfio_pci_adev_get_vf(madev);
	if (!link->vf) {
		dev_info(&adev->dev, "PF %s has no VF of id %u\n",
			 pci_name(madev->pf), adev->id);
		kfree(link);
		return -ENODEV;
	}
	auxiliary_set_drvdata(adev, link);

	mutex_lock(&mlx5_vfio_pci_links_lock);
	list_add_tail(&link->node, &mlx5_vfio_pci_links);
	mutex_unlock(&mlx5_vfio_pci_links_lock);
	dev_dbg(&adev->dev, "VF %s (VF %d of %s)\n", pci_name(link->vf),
		madev->vf_index, pci_name(madev->pf));
	return 0;
}

/*
 * The VF's user is asked for it and the VF unbound before the auxiliary
 * device goes. Once the link is off the list no probe can claim it; one
 * that claimed it already holds the VF's device lock, which
 * device_release_driver() waits for. A VF that is not bound through the
 * link is left alone. The check and the unbind are not one step (the
 * driver core exports no unbind for a held device lock): a VF unbound
 * from us and bound to another driver right in between, which takes a
 * driver_override change too, would lose that driver.
 */
static void mlx5_vfio_pci_aux_remove(struct auxiliary_device *adev)
{
	struct mlx5_vfio_pci_link *link = auxiliary_get_drvdata(adev);
	bool bound;

	mutex_lock(&mlx5_vfio_pci_links_lock);
	list_del(&link->node);
	bound = link->bound;
	mutex_unlock(&mlx5_vfio_pci_links_lock);

	if (bound) {
		pci_info(link->vf, "%s is going: unbinding the VF\n",
			 dev_name(&adev->dev));
		device_release_driver(&link->vf->dev);
	}
	pci_dev_put(link->vf);
	kfree(link);
}

/*
 * The VFs mlx5_core drives, as override-only entries: found by modinfo
 * and modules.alias, bound only when driver_override names this driver.
 */
static const struct pci_device_id mlx5_vfio_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_MELLANOX, 0x1012) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_MELLANOX, 0x1014) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_MELLANOX, 0x1016) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_MELLANOX, 0x1018) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_MELLANOX, 0x101a) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_MELLANOX, 0x101c) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_MELLANOX, 0x101e) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_MELLANOX, 0xa2d3) },
	{}
};
MODULE_DEVICE_TABLE(pci, mlx5_vfio_pci_table);

static struct pci_driver mlx5_vfio_pci_driver = {
	.name = KBUILD_MODNAME,
	.driver.pm = pm_ptr(&vfio_pci_core_pm_ops),
	.driver_managed_dma = true,
	.id_table = mlx5_vfio_pci_table,
	.probe = mlx5_vfio_pci_probe,
	.remove = mlx5_vfio_pci_remove,
	.err_handler = &vfio_pci_core_err_handlers,
};

static const struct auxiliary_device_id mlx5_vfio_pci_aux_table[] = {
	{ .name = MLX5_VFIO_PCI_ADEV_MATCH },
	{}
};
MODULE_DEVICE_TABLE(auxiliary, mlx5_vfio_pci_aux_table);

static struct auxiliary_driver mlx5_vfio_pci_aux_driver = {
	.id_table = mlx5_vfio_pci_aux_table,
	.probe = mlx5_vfio_pci_aux_probe,
	.remove = mlx5_vfio_pci_aux_remove,
};

/*
 * The links are there before the PCI driver, so VFs waiting with
 * driver_override bind at load without a deferral; the VFs are unbound
 * (each after its user closed it) before the links go.
 */
static int __init mlx5_vfio_pci_init(void)
{
	int ret;

	ret = auxiliary_driver_register(&mlx5_vfio_pci_aux_driver);
	if (ret)
		return ret;
	ret = pci_register_driver(&mlx5_vfio_pci_driver);
	if (ret)
		goto err_unregister_aux;
	return 0;

err_unregister_aux:
	auxiliary_driver_unregister(&mlx5_vfio_pci_aux_driver);
	return ret;
}
module_init(mlx5_vfio_pci_init);

static void __exit mlx5_vfio_pci_exit(void)
{
	pci_unregister_driver(&mlx5_vfio_pci_driver);
	auxiliary_driver_unregister(&mlx5_vfio_pci_aux_driver);
}
module_exit(mlx5_vfio_pci_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO driver for mlx5 VFs, on vfio_pci_core and mlx5_core's auxiliary devices");
