/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The contract between mlx5_core and mlx5_vfio_pci: the auxiliary device
 * mlx5_core adds for each VF it created, through which the administrator
 * finds the VF's VFIO driver and that driver follows the VF's life.
 */

#ifndef MLX5_VFIO_PCI_H
#define MLX5_VFIO_PCI_H

#include <linux/auxiliary_bus.h>
#include <linux/errno.h>
#include <linux/pci.h>
#include <linux/slab.h>

/**
 * DOC: mlx5_core.vfio_pci auxiliary devices
 *
 * When mlx5_core enables SR-IOV on a PF it adds, after the PCI core has
 * added the VFs, one auxiliary device per VF named
 * ``mlx5_core.vfio_pci.<id>``, where ``<id>`` is the VF's PCI device id,
 * bus << 8 | devfn, in decimal: ``mlx5_core.vfio_pci.2048`` stands for
 * the VF at 08:00.0 of the PF's PCI domain. Ids are unique within one
 * domain only; a VF whose id is taken already by another domain's VF has
 * no auxiliary device (adding it fails with -EEXIST). The auxiliary
 * device's parent is the PF.
 *
 * Before it disables SR-IOV, and when it lets go of the PF, mlx5_core
 * removes these devices, last added first. mlx5_vfio_pci's auxiliary
 * driver binds to them: its VFs register to VFIO only while their
 * auxiliary device is bound, and removing the auxiliary device unbinds
 * the VF from mlx5_vfio_pci, which asks the VF's user to close it first.
 *
 * The parent creates them with mlx5_vfio_pci_adev_add() and removes them
 * with mlx5_vfio_pci_adev_del(), which is all it must undo.
 */

/* The auxiliary device's name, without its id, and the module named in it */
#define MLX5_VFIO_PCI_ADEV_MODNAME	"mlx5_core"
#define MLX5_VFIO_PCI_ADEV_NAME		"vfio_pci"
/* What an auxiliary driver's id table matches */
#define MLX5_VFIO_PCI_ADEV_MATCH \
	MLX5_VFIO_PCI_ADEV_MODNAME "." MLX5_VFIO_PCI_ADEV_NAME

/* Largest id: bus 255, device 31, function 7 */
#define MLX5_VFIO_PCI_ADEV_ID_MAX	0xffff

/**
 * struct mlx5_vfio_pci_adev - what mlx5_core hands mlx5_vfio_pci for a VF
 * @adev: the auxiliary device ``mlx5_core.vfio_pci.<id>``; its
 *	&auxiliary_device.id is the VF's id, its parent the PF's device
 * @pf: the PF, referenced for as long as this structure lives
 * @vf_index: the VF's index among the PF's VFs, from 0
 *
 * Allocated by mlx5_vfio_pci_adev_add() and freed when the last
 * reference to @adev is dropped.
 */
struct mlx5_vfio_pci_adev {
	struct auxiliary_device adev;
	struct pci_dev *pf;
	int vf_index;
};

/**
 * to_mlx5_vfio_pci_adev() - the structure around an auxiliary device
 * @adev: an auxiliary device a driver matched with %MLX5_VFIO_PCI_ADEV_MATCH
 *
 * Return: the &struct mlx5_vfio_pci_adev containing @adev.
 */
static inline struct mlx5_vfio_pci_adev *
to_mlx5_vfio_pci_adev(struct auxiliary_device *adev)
{
	return container_of(adev, struct mlx5_vfio_pci_adev, adev);
}

/**
 * mlx5_vfio_pci_adev_id() - the auxiliary device id of a VF
 * @bus: the VF's bus number
 * @devfn: the VF's device and function numbers, as PCI_DEVFN() makes them
 *
 * Return: bus << 8 | devfn, the VF's PCI device id (pci_dev_id()).
 */
static inline u32 mlx5_vfio_pci_adev_id(u8 bus, u8 devfn)
{
	return (u32)bus << 8 | devfn;
}

/**
 * mlx5_vfio_pci_adev_bdf() - decode an auxiliary device id
 * @id: the id of a ``mlx5_core.vfio_pci.<id>`` device
 * @bus: set to the VF's bus number
 * @devfn: set to the VF's device and function numbers
 *
 * Return: 0, or -EINVAL (and @bus, @devfn untouched) when @id is larger
 * than %MLX5_VFIO_PCI_ADEV_ID_MAX.
 */
static inline int mlx5_vfio_pci_adev_bdf(u32 id, u8 *bus, u8 *devfn)
{
	if (id > MLX5_VFIO_PCI_ADEV_ID_MAX)
		return -EINVAL;
	*bus = (id >> 8) & 0xff;
	*devfn = id & 0xff;
	return 0;
}

/**
 * mlx5_vfio_pci_adev_get_vf() - the VF an auxiliary device stands for
 * @madev: the VF's auxiliary device
 *
 * Return: the VF with a reference the caller drops with pci_dev_put(), or
 * NULL when the PF has no such VF (any more).
 */
static inline struct pci_dev *
mlx5_vfio_pci_adev_get_vf(const struct mlx5_vfio_pci_adev *madev)
{
	struct pci_dev *vf;
	u8 bus, devfn;

	if (mlx5_vfio_pci_adev_bdf(madev->adev.id, &bus, &devfn))
		return NULL;
	vf = pci_get_domain_bus_and_slot(pci_domain_nr(madev->pf->bus), bus,
					 devfn);
	if (vf && (!vf->is_virtfn || pci_physfn(vf) != madev->pf)) {
		pci_dev_put(vf);
		return NULL;
	}
	return vf;
}

static inline void mlx5_vfio_pci_adev_release(struct device *dev)
{
	struct mlx5_vfio_pci_adev *madev =
		to_mlx5_vfio_pci_adev(to_auxiliary_dev(dev));

	pci_dev_put(madev->pf);
	kfree(madev);
}

/**
 * mlx5_vfio_pci_adev_add() - add the auxiliary device of a VF
 * @vf: a VF the caller created on a PF it drives, holding its device lock
 *	(as in &pci_driver.sriov_configure)
 *
 * Adds ``mlx5_core.vfio_pci.<id>`` with the PF as parent, whatever module
 * calls it.
 *
 * Return: the new device, or an ERR_PTR() (-EINVAL when @vf is not a VF,
 * -EEXIST when its id is taken); on error nothing is left to undo.
 */
static inline struct mlx5_vfio_pci_adev *
mlx5_vfio_pci_adev_add(struct pci_dev *vf)
{
	struct mlx5_vfio_pci_adev *madev;
	int ret;

	if (!vf->is_virtfn)
		return ERR_PTR(-EINVAL);
	madev = kzalloc(sizeof(*madev), GFP_KERNEL);
	if (!madev)
		return ERR_PTR(-ENOMEM);
	madev->pf = pci_dev_get(pci_physfn(vf));
	madev->vf_index = pci_iov_vf_id(vf);
	madev->adev.name = MLX5_VFIO_PCI_ADEV_NAME;
	madev->adev.id = pci_dev_id(vf);
	madev->adev.dev.parent = &madev->pf->dev;
	madev->adev.dev.release = mlx5_vfio_pci_adev_release;

	ret = auxiliary_device_init(&madev->adev);
	if (ret)
		goto err_free;
	/* from here on the release callback frees madev */
	ret = __auxiliary_device_add(&madev->adev, MLX5_VFIO_PCI_ADEV_MODNAME);
	if (ret) {
		auxiliary_device_uninit(&madev->adev);
		return ERR_PTR(ret);
	}
	return madev;

err_free:
	pci_dev_put(madev->pf);
	kfree(madev);
	return ERR_PTR(ret);
}

/**
 * mlx5_vfio_pci_adev_del() - remove the auxiliary device of a VF
 * @madev: a device from mlx5_vfio_pci_adev_add(), or NULL (nothing done)
 *
 * Call it before the VF goes away. It returns once mlx5_vfio_pci has let
 * go of the VF, which waits for the VF's VFIO user to close it. @madev
 * must not be used afterwards.
 */
static inline void mlx5_vfio_pci_adev_del(struct mlx5_vfio_pci_adev *madev)
{
	if (!madev)
		return;
	auxiliary_device_delete(&madev->adev);
	auxiliary_device_uninit(&madev->adev);
}

#endif /* MLX5_VFIO_PCI_H */
