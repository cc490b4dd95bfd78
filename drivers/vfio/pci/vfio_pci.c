// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci: hands any PCI function to VFIO userspace through vfio_pci_core.
 *
 * Bind a device by writing "vfio-pci" to its driver_override and its
 * address to /sys/bus/pci/drivers_probe, or list its ids in ids=.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>

static char ids[1024] __initdata;
module_param_string(ids, ids, sizeof(ids), 0);
MODULE_PARM_DESC(ids, "Devices to bind at load: comma-separated vendor:device[:subvendor[:subdevice[:class[:class_mask]]]], in hex");

/**
 * struct vfio_pci_device - a function bound to vfio-pci
 * @core: the core's device, all there is to it
 */
struct vfio_pci_device {
	struct vfio_pci_core_device core;
};

static const struct vfio_device_ops vfio_pci_ops = {
	.name = "vfio-pci",
	VFIO_PCI_CORE_DEVICE_OPS,
};

static bool disable_vga;
module_param(disable_vga, bool, 0444);
MODULE_PARM_DESC(disable_vga, "Do not offer the legacy VGA region of VGA devices (default: offer it where the kernel has CONFIG_VFIO_PCI_VGA)");

static bool nointxmask;
module_param(nointxmask, bool, 0644);
MODULE_PARM_DESC(nointxmask, "Give each INTx line its own interrupt, masked at the interrupt controller, instead of sharing it with the device's INTx-disable bit (for devices whose bit does not work); applies to devices bound afterwards");

static bool disable_idle_d3;
module_param(disable_idle_d3, bool, 0644);
MODULE_PARM_DESC(disable_idle_d3, "Keep devices nobody has open in D0 instead of letting them sleep in D3hot (for devices that misbehave in D3hot, or to avoid the wake-up latency); applies to devices bound afterwards");

static bool enable_sriov;
module_param(enable_sriov, bool, 0644);
MODULE_PARM_DESC(enable_sriov, "Let the administrator create VFs (sysfs sriov_numvfs) on PFs bound to vfio-pci; VF users then need the VF token set by the PF's user. VFs of a PF whose userspace driver does not support them may not work");

static bool disable_denylist;
module_param(disable_denylist, bool, 0444);
MODULE_PARM_DESC(disable_denylist, "Bind devices with known errata that untrusted users could exploit to harm the host's stability or security (the denylist), with a warning");

/*
 * Devices whose errata let a VFIO user harm the host: Intel QuickAssist
 * and the first Sapphire Rapids DSA and IAX functions.
 */
static const struct pci_device_id vfio_pci_denylist[] = {
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C3XXX) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C3XXX_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C62X) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_C62X_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_DH895XCC) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_QAT_DH895XCC_VF) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_DSA_SPR0) },
	{ PCI_VDEVICE(INTEL, PCI_DEVICE_ID_INTEL_IAX_SPR0) },
	{}
};

/*
 * Testing only: no test machine has a device of the denylist, so
 * test_denylist= names vendor:device ids to refuse as if they were on it.
 * It can only make the driver refuse more devices.
 */
#define VFIO_PCI_TEST_DENYLIST_MAX	4
static char test_denylist[64] __initdata;
module_param_string(test_denylist, test_denylist, sizeof(test_denylist), 0);
MODULE_PARM_DESC(test_denylist, "Testing only: also treat these devices as on the denylist, comma-separated vendor:device in hex (at most 4), to exercise the denylist without such a device");

static struct pci_device_id vfio_pci_test_denylist[VFIO_PCI_TEST_DENYLIST_MAX + 1];

static void __init vfio_pci_parse_test_denylist(void)
{
	char *rest = test_denylist, *entry;
	unsigned int n = 0, v, d;

	while ((entry = strsep(&rest, ","))) {
		if (!*entry)
			continue;
		if (n == VFIO_PCI_TEST_DENYLIST_MAX ||
		    sscanf(entry, "%x:%x", &v, &d) != 2) {
			pr_warn("test_denylist: ignoring \"%s\"\n", entry);
			continue;
		}
		vfio_pci_test_denylist[n++] = (struct pci_device_id) {
			PCI_DEVICE(v, d)
		};
		pr_info("test_denylist: %04x:%04x refused as if denylisted\n",
			v, d);
	}
}

/* Return: -EINVAL when @pdev must not be bound, else 0. */
static int vfio_pci_check_denylist(struct pci_dev *pdev)
{
	if (!pci_match_id(vfio_pci_denylist, pdev) &&
	    !pci_match_id(vfio_pci_test_denylist, pdev))
		return 0;
	pci_warn(pdev, "%04x:%04x has errata that make it unsafe for VFIO users: %s\n",
		 pdev->vendor, pdev->device,
		 disable_denylist ? "bound anyway (disable_denylist=1)" :
				    "not bound (disable_denylist=1 would)");
	return disable_denylist ? 0 : -EINVAL;
}

static int vfio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	const struct vfio_pci_settings settings = {
		.disable_vga = disable_vga,
		.nointxmask = nointxmask,
		.disable_idle_d3 = disable_idle_d3,
	};
	struct vfio_pci_device *vpdev;
	int ret;

	ret = vfio_pci_check_denylist(pdev);
	if (ret)
		return ret;

	vpdev = vfio_pci_core_probe(pdev, struct vfio_pci_device,
				    &vfio_pci_ops, &settings);
	return PTR_ERR_OR_ZERO(vpdev);
}

/* sysfs sriov_numvfs of a PF bound to us, under the PF's device lock */
static int vfio_pci_sriov_configure(struct pci_dev *pdev, int nr_virtfn)
{
	if (!enable_sriov) {
		pci_info(pdev, "vfio-pci: SR-IOV is off (enable_sriov=0)\n");
		return -ENOENT;
	}
	return vfio_pci_core_sriov_configure(pci_get_drvdata(pdev), nr_virtfn);
}

/* Matches nothing by itself: only driver_override, ids= and new_id bind. */
static const struct pci_device_id vfio_pci_override_only[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{}
};
MODULE_DEVICE_TABLE(pci, vfio_pci_override_only);

static struct pci_driver vfio_pci_driver = {
	.name = "vfio-pci",
	.driver.pm = pm_ptr(&vfio_pci_core_pm_ops),
	.driver_managed_dma = true,
	.id_table = vfio_pci_override_only,
	.probe = vfio_pci_probe,
	.remove = vfio_pci_core_remove,
	.err_handler = &vfio_pci_core_err_handlers,
	.sriov_configure = vfio_pci_sriov_configure,
};

/* One ids= entry: at least vendor and device, the rest default to "any". */
static int __init vfio_pci_add_id(const char *entry)
{
	u32 v = 0, d = 0, sv = PCI_ANY_ID, sd = PCI_ANY_ID, cls = 0, mask = 0;
	int n, ret;

	n = sscanf(entry, "%x:%x:%x:%x:%x:%x", &v, &d, &sv, &sd, &cls, &mask);
	if (n < 2) {
		pr_warn("ids: cannot parse \"%s\"\n", entry);
		return -EINVAL;
	}
	ret = pci_add_dynid(&vfio_pci_driver, v, d, sv, sd, cls, mask, 0);
	if (ret) {
		pr_warn("ids: cannot add \"%s\" (%d)\n", entry, ret);
		return ret;
	}
	pr_info("ids: bound to %04x:%04x (sub %04x:%04x, class %06x/%06x)\n",
		v, d, sv, sd, cls, mask);
	return 0;
}

static void __init vfio_pci_add_ids(void)
{
	char *rest = ids, *entry;

	while ((entry = strsep(&rest, ",")))
		if (*entry)
			vfio_pci_add_id(entry);
}

static int __init vfio_pci_init(void)
{
	int ret;

	vfio_pci_parse_test_denylist();
	ret = pci_register_driver(&vfio_pci_driver);
	if (ret)
		return ret;
	if (disable_denylist)
		pr_warn("denylist disabled: devices with known errata bind too\n");
	vfio_pci_add_ids();
	return 0;
}
module_init(vfio_pci_init);

static void __exit vfio_pci_exit(void)
{
	pci_unregister_driver(&vfio_pci_driver);
}
module_exit(vfio_pci_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VFIO driver for any PCI function, on vfio_pci_core");
