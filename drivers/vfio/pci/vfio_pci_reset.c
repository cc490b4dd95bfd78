// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resets: the function's own (VFIO_DEVICE_RESET), the hot reset of the
 * slot or bus a function sits on (VFIO_DEVICE_PCI_HOT_RESET and its INFO
 * query), and the reset a device set still needs when its last member
 * closes.
 */

#include <linux/file.h>
#include <linux/iommu.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/vfio.h>

#include "vfio_pci_private.h"

/**
 * DOC: device sets
 *
 * A slot or bus reset resets every function below that slot or bus. The
 * functions one hot reset touches are its "affected" functions; the
 * library puts a device in the VFIO device set of its slot when the slot
 * can be reset, else of its bus when the bus can be, so that devices a
 * hot reset touches together share a set. A device with neither is a set
 * of its own and has no hot reset.
 *
 * The VFIO core holds &vfio_device_set.lock around open_device() and
 * close_device() of every member, so while the lock is held no member is
 * opened or closed. Only this library assigns sets keyed by a slot or a
 * bus, so every member of such a set is a &struct vfio_pci_core_device.
 *
 * A hot reset runs only when every affected function is a member of the
 * set (bound to a driver of this library; a function with another driver
 * or none could be in use by the host) and the caller owns every member.
 * Ownership is shown with the group files of all the members on the group
 * path, or, for a device opened through its cdev, by every member being
 * bound to the caller's iommufd or sharing an IOMMU group with a device
 * that is.
 *
 * A device is reset before a user gets it and after the user is done: a
 * user must find neither the state its driver before left nor the state
 * of an earlier user. &vfio_pci_core_device.needs_reset tracks whether
 * the device may hold such state: set at probe and at open, cleared by a
 * successful reset. The reset at close is the one that counts: it clears
 * the flag, and the next open then skips a reset that cannot be needed
 * (nobody but the kernel touched the device in between), halving the
 * cost of an open and close. The first open after probe, and any open
 * after a close whose reset failed, resets the function. When a member
 * closes without a function reset (&vfio_pci_core_device.reset_pending)
 * and the last open member of the set closes, the slot or bus is reset
 * then.
 */

/**
 * DOC: a PF with VFs
 *
 * Resetting a PF resets its SR-IOV capability too: VF Enable clears and
 * every VF disappears, whatever its driver or user was doing with it. The
 * PCI core enables the VFs again when it restores the PF's state, as new
 * functions that know nothing of their drivers' state, and only if the
 * device really cleared VF Enable: QEMU 7.2's nvme drops its VFs but keeps
 * the bit, so they never come back and every later access to them times
 * out. A slot or bus reset does the same to a PF on it.
 *
 * The resets this library does of its own accord, on open and close, are
 * therefore skipped while the function is a PF with VFs enabled, or the
 * set holds one; the device keeps needing a reset, which it gets at the
 * first open or close after its VFs are gone. A PF that needs one when
 * its VFs are about to be enabled gets it then (vfio_pci_reset_before_vfs()),
 * so that its first user does not find an earlier driver's state. A reset
 * the PF's user asks for (VFIO_DEVICE_RESET, an FLR through config space,
 * a hot reset) still runs: the VF token makes the VFs' users trust the
 * PF's user with that.
 */

/**
 * vfio_pci_devset_assign() - put a device in the set of its reset domain
 * @vdev: a device about to be registered
 *
 * Return: 0, or -errno from vfio_assign_device_set().
 */
int vfio_pci_devset_assign(struct vfio_pci_core_device *vdev)
{
	struct pci_dev *pdev = vdev->pdev;

	if (!pci_probe_reset_slot(pdev->slot))
		return vfio_assign_device_set(&vdev->vdev, pdev->slot);
	if (!pci_probe_reset_bus(pdev->bus))
		return vfio_assign_device_set(&vdev->vdev, pdev->bus);
	return 0;
}

struct affected_walk {
	struct pci_bus *bus;	/* the bus walked */
	struct pci_slot *slot;	/* only functions in this slot, or NULL */
	int (*fn)(struct pci_dev *pdev, void *data);
	void *data;
	int ret;		/* first non-zero return of @fn */
};

/* Is @pdev in the slot walked, or below a bridge that is? */
static bool in_walked_slot(struct pci_dev *pdev, struct affected_walk *w)
{
	while (pdev->bus != w->bus) {
		pdev = pdev->bus->self;
		if (!pdev)
			return false;
	}
	return pdev->slot == w->slot;
}

static int affected_one(struct pci_dev *pdev, void *data)
{
	struct affected_walk *w = data;

	if (w->slot && !in_walked_slot(pdev, w))
		return 0;
	w->ret = w->fn(pdev, w->data);
	return w->ret;
}

/*
 * Call @fn on every function a hot reset of @pdev would reset, until it
 * returns non-zero. Return: that value, 0, or -ENODEV when @pdev can have
 * no hot reset.
 */
static int walk_affected(struct pci_dev *pdev,
			 int (*fn)(struct pci_dev *pdev, void *data),
			 void *data)
{
	struct affected_walk w = { .fn = fn, .data = data };

	if (!pci_probe_reset_slot(pdev->slot)) {
		w.slot = pdev->slot;
		w.bus = pdev->slot->bus;
	} else if (!pci_probe_reset_bus(pdev->bus)) {
		w.bus = pdev->bus;
	} else {
		return -ENODEV;
	}
	pci_walk_bus(w.bus, affected_one, &w);
	return w.ret;
}

static int count_one(struct pci_dev *pdev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

/* The functions a hot reset of @pdev resets, as a count; -ENODEV if none. */
static int count_affected(struct pci_dev *pdev)
{
	unsigned int n = 0;
	int ret;

	ret = walk_affected(pdev, count_one, &n);
	return ret ? ret : n;
}

/* ---- VFIO_DEVICE_GET_PCI_HOT_RESET_INFO ---- */

struct info_fill {
	struct vfio_pci_core_device *vdev;	/* the caller's device */
	struct iommufd_ctx *ictx;	/* cdev: the caller's iommufd */
	bool cdev;			/* report devids, not group ids */
	struct vfio_pci_dependent_device *devs;
	unsigned int n, max;
	u32 flags;			/* VFIO_PCI_HOT_RESET_FLAG_* */
};

/* The devid under @ictx of the member for @pdev, or the uAPI's markers. */
static u32 member_devid(struct vfio_device_set *set, struct pci_dev *pdev,
			struct iommufd_ctx *ictx)
{
	struct vfio_device *cur;
	int id;

	cur = vfio_find_device_in_devset(set, &pdev->dev);
	if (!cur || !ictx)
		return VFIO_PCI_DEVID_NOT_OWNED;
	id = vfio_iommufd_get_dev_id(cur, ictx);
	if (id > 0)
		return id;
	return id == -ENOENT ? VFIO_PCI_DEVID_OWNED : VFIO_PCI_DEVID_NOT_OWNED;
}

static int fill_one(struct pci_dev *pdev, void *data)
{
	struct info_fill *f = data;
	struct vfio_pci_dependent_device *d;
	struct iommu_group *group;

	if (f->n == f->max)
		return -EAGAIN;	/* a function appeared since the count */
	d = &f->devs[f->n++];
	d->segment = pci_domain_nr(pdev->bus);
	d->bus = pdev->bus->number;
	d->devfn = pdev->devfn;
	if (f->cdev) {
		d->devid = member_devid(f->vdev->vdev.dev_set, pdev, f->ictx);
		if (d->devid == VFIO_PCI_DEVID_NOT_OWNED)
			f->flags &= ~VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
		return 0;
	}
	group = iommu_group_get(&pdev->dev);
	if (!group)
		return -EPERM;	/* no group fd can ever prove ownership */
	d->group_id = iommu_group_id(group);
	iommu_group_put(group);
	return 0;
}

/* Fill @f->devs; the set lock keeps members from opening meanwhile. */
static int info_fill(struct info_fill *f)
{
	struct vfio_device_set *set = f->vdev->vdev.dev_set;
	int ret;

	mutex_lock(&set->lock);
	f->cdev = vfio_device_cdev_opened(&f->vdev->vdev);
	if (f->cdev) {
		f->ictx = vfio_iommufd_device_ictx(&f->vdev->vdev);
		f->flags = VFIO_PCI_HOT_RESET_FLAG_DEV_ID |
			   VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	}
	ret = walk_affected(f->vdev->pdev, fill_one, f);
	mutex_unlock(&set->lock);
	return ret;
}

/**
 * vfio_pci_ioctl_hot_reset_info() - VFIO_DEVICE_GET_PCI_HOT_RESET_INFO
 * @vdev: an open device
 * @arg: the user's &struct vfio_pci_hot_reset_info
 *
 * Return: 0; -ENOSPC with the count filled in when @arg has too little
 * room; -ENODEV when the device has no hot reset; -EINVAL, -EFAULT,
 * -ENOMEM, or -EPERM when an affected function has no IOMMU group.
 */
long vfio_pci_ioctl_hot_reset_info(struct vfio_pci_core_device *vdev,
				   void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_pci_hot_reset_info, count);
	struct vfio_pci_hot_reset_info __user *uinfo = arg;
	struct vfio_pci_hot_reset_info hdr;
	struct info_fill f = { .vdev = vdev };
	int n, ret;

	if (copy_from_user(&hdr, uinfo, minsz))
		return -EFAULT;
	if (hdr.argsz < minsz)
		return -EINVAL;
	n = count_affected(vdev->pdev);
	if (n < 0)
		return n;
	if (hdr.argsz < minsz + n * sizeof(*f.devs)) {
		hdr.flags = 0;
		hdr.count = n;
		return copy_to_user(uinfo, &hdr, minsz) ? -EFAULT : -ENOSPC;
	}
	f.devs = kcalloc(n, sizeof(*f.devs), GFP_KERNEL);
	if (!f.devs)
		return -ENOMEM;
	f.max = n;
	ret = info_fill(&f);
	if (ret)
		goto out_free;
	hdr.flags = f.flags;
	hdr.count = f.n;
	if (copy_to_user(uinfo, &hdr, minsz) ||
	    copy_to_user(uinfo->devices, f.devs, f.n * sizeof(*f.devs)))
		ret = -EFAULT;
out_free:
	kfree(f.devs);
	return ret;
}

/* ---- the reset of a whole set ---- */

static int member_of(struct pci_dev *pdev, void *data)
{
	struct vfio_device_set *set = data;

	return vfio_find_device_in_devset(set, &pdev->dev) ? 0 : -EBUSY;
}

/* Every function a hot reset of @vdev touches belongs to its set. */
static bool set_covers_affected(struct vfio_pci_core_device *vdev)
{
	return !walk_affected(vdev->pdev, member_of, vdev->vdev.dev_set);
}

static int pf_with_vfs(struct pci_dev *pdev, void *data)
{
	return pdev->is_physfn && pci_num_vf(pdev) ? -EBUSY : 0;
}

/* Would a hot reset of @vdev take the VFs of a PF with it? */
static bool set_has_vfs(struct vfio_pci_core_device *vdev)
{
	return walk_affected(vdev->pdev, pf_with_vfs, NULL) == -EBUSY;
}

/*
 * Reset the slot or bus under the set lock, with every member awake (in
 * D0 with its state, also one userspace put in D3hot), its BAR mappings
 * zapped and its memory_lock held so that no access reaches a function
 * while it is in reset.
 */
static int set_reset_locked(struct vfio_pci_core_device *vdev)
{
	struct vfio_device_set *set = vdev->vdev.dev_set;
	struct vfio_pci_core_device *cur;
	int ret;

	lockdep_assert_held(&set->lock);
	ret = vfio_pci_pm_get_set(set);
	if (ret)
		return ret;
	list_for_each_entry(cur, &set->device_list, vdev.dev_set_list) {
		vfio_pci_decode_lock_in_set(cur);
		vfio_pci_config_wake(cur);
	}
	ret = pci_reset_bus(vdev->pdev);
	list_for_each_entry(cur, &set->device_list, vdev.dev_set_list) {
		if (!ret) {
			cur->needs_reset = false;
			cur->reset_pending = false;
		}
		vfio_pci_decode_unlock(cur);
	}
	vfio_pci_pm_put_set(set);
	return ret;
}

/* ---- VFIO_DEVICE_PCI_HOT_RESET ---- */

struct reset_proof {
	struct file **groups;	/* group path: the caller's group files */
	unsigned int n;
	struct iommufd_ctx *ictx;	/* cdev path: the caller's iommufd */
};

static bool member_owned(struct vfio_device *cur, struct reset_proof *p)
{
	unsigned int i;
	int id;

	if (!p->groups) {
		id = vfio_iommufd_get_dev_id(cur, p->ictx);
		return id > 0 || id == -ENOENT;
	}
	for (i = 0; i < p->n; i++)
		if (vfio_file_has_dev(p->groups[i], cur))
			return true;
	return false;
}

static int set_hot_reset(struct vfio_pci_core_device *vdev,
			 struct reset_proof *p)
{
	struct vfio_device_set *set = vdev->vdev.dev_set;
	struct vfio_device *cur;
	int ret = -EINVAL;

	mutex_lock(&set->lock);
	if (!set_covers_affected(vdev))
		goto out_unlock;
	list_for_each_entry(cur, &set->device_list, dev_set_list)
		if (!member_owned(cur, p))
			goto out_unlock;
	ret = set_reset_locked(vdev);
out_unlock:
	mutex_unlock(&set->lock);
	return ret;
}

static void put_groups(struct file **groups, unsigned int n)
{
	while (n--)
		fput(groups[n]);
	kfree(groups);
}

/*
 * Take a reference on the @n group files of the user's array @ufds.
 * Return: the files, or an ERR_PTR: -EBADF for a closed fd, -EINVAL for
 * a file that is not a VFIO group.
 */
static struct file **get_groups(s32 __user *ufds, unsigned int n)
{
	struct file **groups;
	unsigned int i;
	s32 *fds;
	int ret = 0;

	fds = memdup_array_user(ufds, n, sizeof(*fds));
	if (IS_ERR(fds))
		return ERR_CAST(fds);
	groups = kcalloc(n, sizeof(*groups), GFP_KERNEL);
	if (!groups) {
		kfree(fds);
		return ERR_PTR(-ENOMEM);
	}
	for (i = 0; i < n; i++) {
		groups[i] = fget(fds[i]);
		if (!groups[i]) {
			ret = -EBADF;
			break;
		}
		if (!vfio_file_is_group(groups[i])) {
			fput(groups[i]);
			ret = -EINVAL;
			break;
		}
	}
	kfree(fds);
	if (ret) {
		/* the @i files before the one that failed are held */
		put_groups(groups, i);
		return ERR_PTR(ret);
	}
	return groups;
}

/**
 * vfio_pci_ioctl_hot_reset() - VFIO_DEVICE_PCI_HOT_RESET
 * @vdev: an open device
 * @arg: the user's &struct vfio_pci_hot_reset
 *
 * On the group path the array holds group fds covering every member of
 * the set; a device opened through its cdev passes an empty array and
 * its iommufd is the proof.
 *
 * Return: 0; -ENODEV when the device has no hot reset; -EINVAL for a bad
 * argument, a fd that is not a VFIO group, an affected function outside
 * the set or a member the caller does not own; -EBADF for a closed fd;
 * -EFAULT, -ENOMEM; or the PCI core's error (-EAGAIN when a function is
 * locked, as during its probe or removal).
 */
long vfio_pci_ioctl_hot_reset(struct vfio_pci_core_device *vdev,
			      void __user *arg)
{
	size_t minsz = offsetofend(struct vfio_pci_hot_reset, count);
	struct vfio_pci_hot_reset __user *ureset = arg;
	struct reset_proof proof = {};
	struct vfio_pci_hot_reset hdr;
	int n, ret;

	if (copy_from_user(&hdr, ureset, minsz))
		return -EFAULT;
	if (hdr.argsz < minsz || hdr.flags)
		return -EINVAL;
	/* the cdev path proves nothing with fds, the group path must */
	if (!hdr.count != vfio_device_cdev_opened(&vdev->vdev))
		return -EINVAL;
	n = count_affected(vdev->pdev);
	if (n < 0)
		return n;
	if (!hdr.count) {
		proof.ictx = vfio_iommufd_device_ictx(&vdev->vdev);
		return set_hot_reset(vdev, &proof);
	}
	if (hdr.count > n ||
	    hdr.argsz < minsz + hdr.count * sizeof(*ureset->group_fds))
		return -EINVAL;
	proof.groups = get_groups(ureset->group_fds, hdr.count);
	if (IS_ERR(proof.groups))
		return PTR_ERR(proof.groups);
	proof.n = hdr.count;
	ret = set_hot_reset(vdev, &proof);
	put_groups(proof.groups, proof.n);
	return ret;
}

/* ---- VFIO_DEVICE_RESET and the resets on open and close ---- */

/**
 * vfio_pci_ioctl_reset() - VFIO_DEVICE_RESET
 * @vdev: an open device
 *
 * Resets the function alone, with its BAR mappings zapped first; the PCI
 * core saves and restores its config state around the reset. A function
 * userspace put in D3hot first returns to D0 with the state it had there
 * (vfio_pci_config_wake()), which the reset then keeps.
 *
 * Return: 0, -EINVAL when the device has no function reset, or the PCI
 * core's error.
 */
long vfio_pci_ioctl_reset(struct vfio_pci_core_device *vdev)
{
	int ret;

	if (!vdev->reset_works)
		return -EINVAL;
	vfio_pci_decode_lock(vdev, true);
	vfio_pci_config_wake(vdev);
	ret = pci_try_reset_function(vdev->pdev);
	vfio_pci_decode_unlock(vdev);
	return ret;
}

/*
 * The function reset of open and close, none of a PF with VFs: checked
 * under the device lock, which enabling and disabling VFs hold.
 * Return: 0, -EBUSY for a PF with VFs, -EAGAIN when the function is
 * locked, or the PCI core's error.
 */
static int reset_own_function(struct pci_dev *pdev)
{
	int ret;

	if (!pci_dev_trylock(pdev))
		return -EAGAIN;
	ret = pci_num_vf(pdev) ? -EBUSY : pci_reset_function_locked(pdev);
	pci_dev_unlock(pdev);
	return ret;
}

/**
 * vfio_pci_reset_on_open() - give a user a device no one else left state in
 * @vdev: a device in open_device(), set lock held by the VFIO core
 *
 * Resets the function when it may hold state of an earlier user or driver;
 * a device without a function reset is used as it is, and
 * so is a PF with VFs (see "a PF with VFs"). A function whose reset fails
 * (a dead device waits out a long time-out) does not offer it to this
 * user, nor get it at close.
 *
 * Return: 0, or -EAGAIN when the function is locked (a reset or probe
 * elsewhere): the open fails rather than hand over a device not reset.
 */
int vfio_pci_reset_on_open(struct vfio_pci_core_device *vdev)
{
	int ret;

	lockdep_assert_held(&vdev->vdev.dev_set->lock);
	if (vdev->needs_reset) {
		ret = reset_own_function(vdev->pdev);
		if (ret == -EAGAIN)
			return ret;
		if (ret == -EBUSY) {
			pci_dbg(vdev->pdev, "vfio: PF with VFs, not reset for this user\n");
		} else if (ret && ret != -ENOTTY) {
			/* a reset that fails now would fail the user too, slowly */
			pci_info(vdev->pdev, "vfio: function reset failed (%d), not offered\n",
				 ret);
			vdev->reset_works = false;
		}
	}
	/* the user's from here on */
	vdev->needs_reset = true;
	return 0;
}

/* Did any member of @set close without a reset? */
static bool set_reset_pending(struct vfio_device_set *set)
{
	struct vfio_pci_core_device *cur;

	list_for_each_entry(cur, &set->device_list, vdev.dev_set_list)
		if (cur->reset_pending)
			return true;
	return false;
}

/**
 * vfio_pci_reset_on_close() - reset a closing device, or its set
 * @vdev: a device in close_device(), set lock held by the VFIO core
 *
 * Tries the function's own reset, when it is offered. When it has none
 * or it fails, the device is marked as needing a reset, and the slot or
 * bus is reset as soon as no member of the set is open any more: when
 * this is the last open member, now. Neither touches a PF with VFs (see
 * "a PF with VFs").
 */
void vfio_pci_reset_on_close(struct vfio_pci_core_device *vdev)
{
	struct vfio_device_set *set = vdev->vdev.dev_set;
	int ret;

	lockdep_assert_held(&set->lock);
	ret = vdev->reset_works ? reset_own_function(vdev->pdev) : -ENOTTY;
	vdev->needs_reset = ret != 0;
	vdev->reset_pending = ret != 0;
	/* the closing device itself still counts as open here */
	if (vfio_device_set_open_count(set) > 1 || !set_reset_pending(set))
		return;
	if (!set_covers_affected(vdev) || set_has_vfs(vdev))
		return;
	ret = set_reset_locked(vdev);
	if (ret)
		pci_dbg(vdev->pdev, "vfio: set reset on last close failed (%d)\n",
			ret);
}

/**
 * vfio_pci_reset_before_vfs() - the reset a PF needs, before it gets VFs
 * @vdev: a PF about to enable VFs, awake, its device lock held
 *
 * Once its VFs exist the PF is not reset on open or close (see "a PF with
 * VFs"). A PF nobody has open that may still hold an earlier driver's or
 * user's state is reset now, while that harms no VF.
 */
void vfio_pci_reset_before_vfs(struct vfio_pci_core_device *vdev)
{
	struct vfio_device_set *set = vdev->vdev.dev_set;
	int ret;

	device_lock_assert(&vdev->pdev->dev);
	mutex_lock(&set->lock);
	if (vdev->needs_reset && !vdev->vdev.open_count) {
		ret = pci_reset_function_locked(vdev->pdev);
		if (!ret) {
			vdev->needs_reset = false;
			vdev->reset_pending = false;
		} else if (ret != -ENOTTY) {
			pci_dbg(vdev->pdev, "vfio: reset before enabling VFs failed (%d)\n",
				ret);
		}
	}
	mutex_unlock(&set->lock);
}
