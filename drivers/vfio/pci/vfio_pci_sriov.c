// SPDX-License-Identifier: GPL-2.0-only
/*
 * SR-IOV: VFs created on a PF that userspace drives, and the VF token
 * their users share with the PF's user.
 */

#include <linux/device.h>
#include <linux/notifier.h>
#include <linux/slab.h>
#include <linux/uuid.h>

#include "vfio_pci_private.h"

/**
 * DOC: SR-IOV and the VF token
 *
 * A PF driven by a VFIO user is not a trusted kernel driver: its user can
 * reset the VFs, deny them service or see what passes through them. A VF
 * user must therefore opt in to that trust by presenting a VF token, a
 * UUID the PF's user chose, before it gets a VF whose PF is a device of
 * this core (vfio_pci_vf_token_check()). The PF's user sets the token
 * with VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, or by opening the PF with one
 * while none of its VFs is open; while VFs are open, opening the PF needs
 * the current token too, to prove it works with their users. Until then
 * the token is random, so no VF opens by chance. The group path gives the
 * token after the device's name ("BDF vf_token=<uuid>",
 * vfio_pci_core_match()), the cdev path with VFIO_DEVICE_BIND_FLAG_TOKEN
 * (vfio_pci_core_match_token_uuid()); either way it is checked before the
 * device is opened.
 *
 * VFs are created with vfio_pci_core_sriov_configure() (sysfs
 * sriov_numvfs). Each VF the PCI core adds for such a PF gets the PF's
 * driver as its driver_override, so it binds to a driver of this core
 * and not to a kernel driver that would trust the PF. A PF going away
 * first removes its VFs; each VF's removal asks its user for the device
 * (the request of vfio_pci_core_request()) and waits for the close, so
 * no VF disappears from under its user.
 */

/*
 * PFs whose VFs this core enabled, so that a VF being registered finds its
 * PF's device. A leaf lock: nothing else is taken while it is held.
 */
static LIST_HEAD(sriov_pfs);
static DEFINE_MUTEX(sriov_pfs_lock);

/**
 * struct vfio_pci_vf_token - the trust a PF's user shares with VF users
 * @lock: protects @uuid and @users; a leaf lock
 * @uuid: the token
 * @users: VFs of the PF open through VFIO
 */
struct vfio_pci_vf_token {
	struct mutex lock;	/* protects uuid, users */
	uuid_t uuid;
	unsigned int users;
};

static struct vfio_pci_core_device *find_pf(struct pci_dev *physfn)
{
	struct vfio_pci_core_device *cur, *pf = NULL;

	mutex_lock(&sriov_pfs_lock);
	list_for_each_entry(cur, &sriov_pfs, sriov_pfs_item) {
		if (cur->pdev == physfn) {
			pf = cur;
			break;
		}
	}
	mutex_unlock(&sriov_pfs_lock);
	return pf;
}

/*
 * A VF the PCI core adds for this PF binds to the PF's driver; one bound
 * to another driver is worth a warning, since it trusts a PF that is not
 * a kernel driver.
 */
static int sriov_bus_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct vfio_pci_core_device *vdev =
		container_of(nb, struct vfio_pci_core_device, sriov_nb);
	struct device_driver *drv = vdev->pdev->dev.driver;
	struct pci_dev *pdev = to_pci_dev(data);
	int ret;

	if (!pdev->is_virtfn || pci_physfn(pdev) != vdev->pdev)
		return NOTIFY_DONE;
	if (action == BUS_NOTIFY_ADD_DEVICE) {
		ret = device_set_driver_override(&pdev->dev, drv->name);
		if (ret)
			pci_warn(vdev->pdev, "vfio: VF %s keeps its driver choice (%d)\n",
				 pci_name(pdev), ret);
		else
			pci_info(vdev->pdev, "vfio: VF %s will bind to %s\n",
				 pci_name(pdev), drv->name);
	} else if (action == BUS_NOTIFY_BOUND_DRIVER &&
		   pdev->dev.driver && pdev->dev.driver != drv) {
		pci_warn(vdev->pdev, "vfio: VF %s bound to %s, which trusts this PF's VFIO user\n",
			 pci_name(pdev), pdev->dev.driver->name);
	}
	return NOTIFY_OK;
}

/* A PF's token: random until its user sets one, so no VF opens by chance */
static struct vfio_pci_vf_token *vf_token_alloc(void)
{
	struct vfio_pci_vf_token *vt = kzalloc(sizeof(*vt), GFP_KERNEL);

	if (vt) {
		mutex_init(&vt->lock);
		uuid_gen(&vt->uuid);
	}
	return vt;
}

static void vf_token_free(struct vfio_pci_vf_token *vt)
{
	mutex_destroy(&vt->lock);
	kfree(vt);
}

/**
 * vfio_pci_sriov_register() - SR-IOV state of a device being registered
 * @vdev: the device
 *
 * A PF gets its VF token and watches for its VFs; a VF created by this
 * core learns its PF's device, which outlives it (the PF removes its VFs
 * before it goes). Undone by vfio_pci_sriov_unregister().
 *
 * Return: 0, or -ENOMEM with nothing to undo.
 */
int vfio_pci_sriov_register(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	struct vfio_pci_vf_token *vt;
	int ret;

	INIT_LIST_HEAD(&vdev->sriov_pfs_item);
	if (pdev->is_virtfn)
		vdev->sriov_pf = find_pf(pci_physfn(pdev));
	if (!pdev->is_physfn)
		return 0;
	vt = vf_token_alloc();
	if (!vt)
		return -ENOMEM;
	vdev->sriov_nb.notifier_call = sriov_bus_notify;
	ret = bus_register_notifier(&pci_bus_type, &vdev->sriov_nb);
	if (ret) {
		vf_token_free(vt);
		return ret;
	}
	vdev->vf_token = vt;
	return 0;
}

/**
 * vfio_pci_sriov_unregister() - undo vfio_pci_sriov_register()
 * @vdev: the device, whose VFs are gone (vfio_pci_core_sriov_configure()
 *	with 0)
 */
void vfio_pci_sriov_unregister(struct vfio_pci_core_device *vdev)
{
	if (!vdev->vf_token)
		return;
	bus_unregister_notifier(&pci_bus_type, &vdev->sriov_nb);
	WARN_ON(vdev->vf_token->users);
	vf_token_free(vdev->vf_token);
	vdev->vf_token = NULL;
}

/*
 * While its VFs exist a PF stays in D0, where userspace may otherwise put
 * it through its PM capability: decided under memory_lock, which config
 * writes of the power state hold.
 */
static void vfio_pci_sriov_hold_d0(struct vfio_pci_core_device *vdev,
				   bool hold)
{
	vfio_pci_decode_lock(vdev, false);
	if (hold)
		vfio_pci_config_wake(vdev);
	vdev->sriov_hold_d0 = hold;
	vfio_pci_decode_unlock(vdev);
}

static int sriov_enable(struct vfio_pci_core_device *vdev, int nr_virtfn)
{
	struct pci_dev *pdev = vdev->pdev;
	int ret;

	mutex_lock(&sriov_pfs_lock);
	if (!list_empty(&vdev->sriov_pfs_item)) {
		mutex_unlock(&sriov_pfs_lock);
		return -EBUSY;
	}
	list_add_tail(&vdev->sriov_pfs_item, &sriov_pfs);
	mutex_unlock(&sriov_pfs_lock);

	/* VFs need their PF awake, in D0, for as long as they exist */
	ret = vfio_pci_pm_get(vdev);
	if (ret)
		goto err_unlist;
	vfio_pci_sriov_hold_d0(vdev, true);
	/* the last reset it can have until its VFs are gone */
	vfio_pci_reset_before_vfs(vdev);
	/*
	 * Not under memory_lock: the VFs probe meanwhile, and their
	 * registration takes a device set lock, which comes first.
	 */
	ret = pci_enable_sriov(pdev, nr_virtfn);
	if (ret)
		goto err_release_d0;
	return nr_virtfn;

err_release_d0:
	vfio_pci_sriov_hold_d0(vdev, false);
	vfio_pci_pm_put(vdev);
err_unlist:
	mutex_lock(&sriov_pfs_lock);
	list_del_init(&vdev->sriov_pfs_item);
	mutex_unlock(&sriov_pfs_lock);
	return ret;
}

/**
 * vfio_pci_core_sriov_configure() - &pci_driver.sriov_configure of the core
 * @vdev: a registered PF
 * @nr_virtfn: VFs wanted, or 0 to remove them
 *
 * For a driver that lets userspace create VFs; called under the PF's
 * device lock. Removing the VFs waits until each VF's user, asked for
 * it, has closed it.
 *
 * Context: process, under the PF's device lock; sleeps until the VFs'
 * users have closed them.
 * Return: @nr_virtfn, or 0 after removal, or -errno: -EBUSY when VFs
 * already exist.
 */
int vfio_pci_core_sriov_configure(struct vfio_pci_core_device *vdev,
				  int nr_virtfn)
{
	struct pci_dev *pdev = vdev->pdev;

	bool enabled;

	device_lock_assert(&pdev->dev);
	if (nr_virtfn)
		return sriov_enable(vdev, nr_virtfn);
	if (pci_num_vf(pdev))
		pci_disable_sriov(pdev);
	mutex_lock(&sriov_pfs_lock);
	enabled = !list_empty(&vdev->sriov_pfs_item);
	list_del_init(&vdev->sriov_pfs_item);
	mutex_unlock(&sriov_pfs_lock);
	/* the PF may leave D0 and sleep again once its VFs are gone */
	if (enabled) {
		vfio_pci_sriov_hold_d0(vdev, false);
		vfio_pci_pm_put(vdev);
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_sriov_configure);

/* The VF's PF is a device of this core: the token must be its own. */
static int vf_check(struct vfio_pci_core_device *vdev, const uuid_t *token)
{
	struct vfio_pci_vf_token *vt = vdev->sriov_pf->vf_token;
	bool match;

	if (!token) {
		pci_info_ratelimited(vdev->pdev,
				     "vfio: VF token required: the PF is driven by VFIO userspace\n");
		return -EACCES;
	}
	mutex_lock(&vt->lock);
	match = uuid_equal(token, &vt->uuid);
	mutex_unlock(&vt->lock);
	if (!match) {
		pci_info_ratelimited(vdev->pdev, "vfio: wrong VF token\n");
		return -EACCES;
	}
	return 0;
}

static void vf_token_set(struct vfio_pci_vf_token *vt, const uuid_t *token)
{
	lockdep_assert_held(&vt->lock);
	uuid_copy(&vt->uuid, token);
}

/* A PF with open VFs needs their token; otherwise a token sets it. */
static int pf_check(struct vfio_pci_core_device *vdev, const uuid_t *token)
{
	struct vfio_pci_vf_token *vt = vdev->vf_token;
	int ret = 0;

	mutex_lock(&vt->lock);
	if (!vt->users) {
		if (token)
			vf_token_set(vt, token);
	} else if (!token) {
		pci_info_ratelimited(vdev->pdev,
				     "vfio: VF token required: VFs of this PF are in use\n");
		ret = -EACCES;
	} else if (!uuid_equal(token, &vt->uuid)) {
		pci_info_ratelimited(vdev->pdev, "vfio: wrong VF token\n");
		ret = -EACCES;
	}
	mutex_unlock(&vt->lock);
	return ret;
}

/**
 * vfio_pci_vf_token_check() - may this user open the device?
 * @vdev: a registered device
 * @token: the VF token the user presented, or NULL
 *
 * Return: 0; -EACCES when a token is needed and missing or wrong; -EINVAL
 * when a token was given to a device that has no use for one (neither a
 * PF nor a VF of a PF of this core). Each refusal is logged.
 */
int vfio_pci_vf_token_check(struct vfio_pci_core_device *vdev,
			    const uuid_t *token)
{
	if (vdev->sriov_pf)
		return vf_check(vdev, token);
	if (vdev->vf_token)
		return pf_check(vdev, token);
	if (token) {
		pci_info_ratelimited(vdev->pdev,
				     vdev->pdev->is_virtfn ?
				     "vfio: VF token given, but the PF is not driven by VFIO\n" :
				     "vfio: VF token given to a device that is neither PF nor VF\n");
		return -EINVAL;
	}
	return 0;
}

/**
 * vfio_pci_vf_token_use() - count a VF among its PF's VF users, or not
 * @vdev: a device being opened (@open true) or closed (@open false)
 * @open: the direction
 *
 * Only a VF whose PF the core enabled counts; other devices are left.
 */
void vfio_pci_vf_token_use(struct vfio_pci_core_device *vdev, bool open)
{
	struct vfio_pci_vf_token *vt;

	if (!vdev->sriov_pf)
		return;
	vt = vdev->sriov_pf->vf_token;
	mutex_lock(&vt->lock);
	if (open)
		vt->users++;
	else if (!WARN_ON(!vt->users))
		vt->users--;
	mutex_unlock(&vt->lock);
}

/**
 * vfio_pci_vf_token_feature() - VFIO_DEVICE_FEATURE_PCI_VF_TOKEN
 * @vdev: an open device
 * @flags: the feature's flags
 * @arg: the new token, a UUID
 * @argsz: bytes of @arg
 *
 * Sets the token VF users must present. Only a PF has one.
 *
 * Return: 0 (a probe too), or -errno: -ENOTTY for a device that is not a
 * PF of this core.
 */
int vfio_pci_vf_token_feature(struct vfio_pci_core_device *vdev, u32 flags,
			      void __user *arg, size_t argsz)
{
	struct vfio_pci_vf_token *vt = vdev->vf_token;
	uuid_t token;
	int ret;

	if (!vt)
		return -ENOTTY;
	/* set only: a GET would hand the token to the PF's next user */
	ret = vfio_check_feature(flags, argsz, VFIO_DEVICE_FEATURE_SET,
				 sizeof(token));
	if (ret == 1) {
		if (copy_from_user(&token, arg, sizeof(token)))
			return -EFAULT;
		mutex_lock(&vt->lock);
		vf_token_set(vt, &token);
		mutex_unlock(&vt->lock);
		ret = 0;
	}
	return ret;
}

/**
 * vfio_pci_core_match_token_uuid() - &vfio_device_ops.match_token_uuid
 * @core_vdev: a device being bound through its cdev
 * @uuid: the token given with VFIO_DEVICE_BIND_FLAG_TOKEN, or NULL
 *
 * The cdev path's vfio_pci_core_match(): the same check of the VF token.
 *
 * Context: the VFIO core's cdev bind; may sleep.
 * Return: 0, or -errno as vfio_pci_vf_token_check().
 */
int vfio_pci_core_match_token_uuid(struct vfio_device *core_vdev,
				   const uuid_t *uuid)
{
	return vfio_pci_vf_token_check(to_vfio_pci_core(core_vdev), uuid);
}
EXPORT_SYMBOL_GPL(vfio_pci_core_match_token_uuid);

/*
 * "vf_token=" then a UUID; the rest of @opt, after the UUID, in @rest.
 * Return: 0, or -EINVAL for anything else.
 */
static int parse_token(const char *opt, uuid_t *token, const char **rest)
{
	static const char key[] = "vf_token=";

	if (strncmp(opt, key, sizeof(key) - 1))
		return -EINVAL;
	opt += sizeof(key) - 1;
	if (strnlen(opt, UUID_STRING_LEN) < UUID_STRING_LEN ||
	    uuid_parse(opt, token))
		return -EINVAL;
	*rest = opt + UUID_STRING_LEN;
	return 0;
}

/**
 * vfio_pci_core_match() - &vfio_device_ops.match: the group path's name
 * @core_vdev: a device of the group VFIO_GROUP_GET_DEVICE_FD searches
 * @buf: what userspace asked for: the device's PCI name, optionally
 *	followed by spaces and "vf_token=<uuid>"
 *
 * Context: the VFIO core's VFIO_GROUP_GET_DEVICE_FD; may sleep.
 * Return: 1 when @buf names this device and the token check passes, 0
 * when it names another device, -errno to stop the search: -EINVAL for a
 * malformed or unknown option, or the token check's error.
 */
int vfio_pci_core_match(struct vfio_device *core_vdev, char *buf)
{
	struct vfio_pci_core_device *vdev = to_vfio_pci_core(core_vdev);
	const char *name = pci_name(vdev->pdev), *p;
	size_t len = strlen(name);
	bool have_token = false;
	uuid_t token;
	int ret;

	if (strncmp(buf, name, len) || (buf[len] && buf[len] != ' '))
		return 0;
	for (p = buf + len; *p; ) {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (have_token)
			return -EINVAL;
		ret = parse_token(p, &token, &p);
		if (ret)
			return ret;
		have_token = true;
		if (*p && *p != ' ')
			return -EINVAL;
	}
	ret = vfio_pci_vf_token_check(vdev, have_token ? &token : NULL);
	return ret ? ret : 1;
}
EXPORT_SYMBOL_GPL(vfio_pci_core_match);
