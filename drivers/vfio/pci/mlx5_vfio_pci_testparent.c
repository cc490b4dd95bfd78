// SPDX-License-Identifier: GPL-2.0-only
/*
 * A stand-in for mlx5_core's side of include/linux/mlx5/vfio_pci.h, to
 * test mlx5_vfio_pci where there is no mlx5 hardware. Bound to an SR-IOV
 * PF with driver_override, it creates the VFs written to the PF's
 * sriov_numvfs and a mlx5_core.vfio_pci.<id> auxiliary device for each,
 * and removes those devices before the VFs when SR-IOV is disabled or
 * the PF unbound. For tests only: it pretends to be mlx5_core.
 */

#include <linux/mlx5/vfio_pci.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

/**
 * struct testparent - a PF we drive
 * @adevs: the auxiliary device of each VF, by VF index; NULL where
 *	adding it failed
 * @num_vfs: number of VFs enabled, and of entries in @adevs
 *
 * Changed only under the PF's device lock (probe, remove and
 * sriov_configure all hold it).
 */
struct testparent {
	struct mlx5_vfio_pci_adev **adevs;
	int num_vfs;
};

/* Last added first, each returning once mlx5_vfio_pci let go of its VF. */
static void testparent_del_adevs(struct testparent *tp)
{
	while (tp->num_vfs)
		mlx5_vfio_pci_adev_del(tp->adevs[--tp->num_vfs]);
	kfree(tp->adevs);
	tp->adevs = NULL;
}

static void testparent_add_adev(struct testparent *tp, struct pci_dev *vf)
{
	struct mlx5_vfio_pci_adev *madev;
	int index = pci_iov_vf_id(vf);

	if (index < 0 || index >= tp->num_vfs || tp->adevs[index])
		return;
	madev = mlx5_vfio_pci_adev_add(vf);
	if (IS_ERR(madev)) {
		pci_warn(vf, "no %s device: %pe\n", MLX5_VFIO_PCI_ADEV_MATCH,
			 madev);
		return;
	}
	tp->adevs[index] = madev;
}

/* Like mlx5_core, a VF without its device only loses the VFIO route. */
static int testparent_add_adevs(struct pci_dev *pf, struct testparent *tp,
				int num_vfs)
{
	struct pci_dev *vf = NULL;

	tp->adevs = kcalloc(num_vfs, sizeof(*tp->adevs), GFP_KERNEL);
	if (!tp->adevs)
		return -ENOMEM;
	tp->num_vfs = num_vfs;
	while ((vf = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, vf)))
		if (vf->is_virtfn && pci_physfn(vf) == pf)
			testparent_add_adev(tp, vf);
	return 0;
}

static int testparent_sriov_configure(struct pci_dev *pf, int num_vfs)
{
	struct testparent *tp = pci_get_drvdata(pf);
	int ret;

	if (!num_vfs) {
		testparent_del_adevs(tp);
		pci_disable_sriov(pf);
		return 0;
	}
	ret = pci_enable_sriov(pf, num_vfs);
	if (ret)
		return ret;
	ret = testparent_add_adevs(pf, tp, num_vfs);
	if (ret)
		goto err_disable_sriov;
	return num_vfs;

err_disable_sriov:
	pci_disable_sriov(pf);
	return ret;
}

static int testparent_probe(struct pci_dev *pf, const struct pci_device_id *id)
{
	struct testparent *tp;
	int ret;

	if (!pci_sriov_get_totalvfs(pf)) {
		pci_info(pf, "no SR-IOV capability: nothing to stand in for\n");
		return -ENODEV;
	}
	tp = kzalloc(sizeof(*tp), GFP_KERNEL);
	if (!tp)
		return -ENOMEM;
	ret = pci_enable_device(pf);
	if (ret)
		goto err_free;
	pci_set_drvdata(pf, tp);
	return 0;

err_free:
	kfree(tp);
	return ret;
}

static void testparent_remove(struct pci_dev *pf)
{
	struct testparent *tp = pci_get_drvdata(pf);

	if (tp->num_vfs)
		testparent_sriov_configure(pf, 0);
	pci_disable_device(pf);
	kfree(tp);
}

/* No id table: it binds only what driver_override names it for. */
static struct pci_driver testparent_driver = {
	.name = KBUILD_MODNAME,
	.probe = testparent_probe,
	.remove = testparent_remove,
	.sriov_configure = testparent_sriov_configure,
};
module_pci_driver(testparent_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Test-only stand-in for mlx5_core's mlx5_core.vfio_pci auxiliary devices");
