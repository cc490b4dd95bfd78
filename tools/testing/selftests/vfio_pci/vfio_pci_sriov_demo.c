// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_sriov_demo PF VF: the VF token, shown. The PF is bound to
 * vfio-pci and VF is one of the VFs created on it. As the PF's user, set
 * a VF token; as a VF user, try to open the VF without it, with a wrong
 * one, then with the right one, and read its IDs and its status register,
 * which the VF itself answers.
 *
 * Exits 0 when the token was required and sufficient, 1 otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "vfio_util.h"

#define TOKEN		"5e8c6a3e-8f0b-4c59-9a3d-2f1e7c4b9d10"
#define TOKEN_BYTES	{ 0x5e, 0x8c, 0x6a, 0x3e, 0x8f, 0x0b, 0x4c, 0x59, \
			  0x9a, 0x3d, 0x2f, 0x1e, 0x7c, 0x4b, 0x9d, 0x10 }
#define WRONG		"00000000-0000-4000-8000-000000000000"

static int set_token(int fd)
{
	struct {
		struct vfio_device_feature hdr;
		__u8 uuid[16];
	} f = {
		.hdr.argsz = sizeof(f),
		.hdr.flags = VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_PCI_VF_TOKEN,
		.uuid = TOKEN_BYTES,
	};

	return ioctl(fd, VFIO_DEVICE_FEATURE, &f) ? -errno : 0;
}

static int cfg_read16(int fd, unsigned int off, __u16 *val)
{
	struct vfio_region_info ri = {
		.argsz = sizeof(ri),
		.index = VFIO_PCI_CONFIG_REGION_INDEX,
	};

	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
		return -errno;
	if (pread(fd, val, 2, ri.offset + off) != 2)
		return -EIO;
	return 0;
}

/* Ask for @name on the VF's group; true when that went as @want says. */
static bool try_open(struct vfio_dev *g, const char *name, int want,
		     int *fd)
{
	int ret = vfio_group_get_device_fd(g, name);

	if (ret >= 0) {
		printf("  \"%s\": opened (fd %d)\n", name, ret);
		*fd = ret;
		return want == 0;
	}
	printf("  \"%s\": refused, %s\n", name, strerror(-ret));
	return ret == want;
}

static int demo(const char *pf_bdf, const char *vf_bdf)
{
	struct vfio_dev pf, vfg, *g = &vfg;
	int pf_group, vf_group, pf_fd, vf_fd = -1, bad = 0;
	char name[128];
	__u16 vendor, device, status;
	int ret;

	if (sysfs_group_id(pf_bdf, &pf_group) ||
	    sysfs_group_id(vf_bdf, &vf_group) ||
	    vfio_group_attach(&pf, pf_bdf)) {
		printf("FAIL: cannot reach the groups of %s and %s\n", pf_bdf,
		       vf_bdf);
		return 1;
	}
	pf_fd = vfio_group_get_device_fd(&pf, pf_bdf);
	if (pf_fd < 0) {
		printf("FAIL: open PF %s: %s\n", pf_bdf, strerror(-pf_fd));
		vfio_dev_close(&pf);
		return 1;
	}
	printf("PF user: opened %s, sets VF token %s\n", pf_bdf, TOKEN);
	ret = set_token(pf_fd);
	if (ret) {
		printf("FAIL: VFIO_DEVICE_FEATURE_PCI_VF_TOKEN: %s\n",
		       strerror(-ret));
		bad++;
	}
	if (vf_group == pf_group) {
		g = &pf;
	} else if (vfio_group_attach(&vfg, vf_bdf)) {
		printf("FAIL: group of VF %s: %s\n", vf_bdf, vfg.err);
		close(pf_fd);
		vfio_dev_close(&pf);
		return 1;
	}
	printf("VF user: opens %s through group %d\n", vf_bdf, vf_group);
	bad += !try_open(g, vf_bdf, -EACCES, &vf_fd);
	snprintf(name, sizeof(name), "%s vf_token=%s", vf_bdf, WRONG);
	bad += !try_open(g, name, -EACCES, &vf_fd);
	snprintf(name, sizeof(name), "%s vf_token=%s", vf_bdf, TOKEN);
	bad += !try_open(g, name, 0, &vf_fd);
	if (vf_fd >= 0) {
		if (cfg_read16(vf_fd, PCI_VENDOR_ID, &vendor) ||
		    cfg_read16(vf_fd, PCI_DEVICE_ID, &device) ||
		    cfg_read16(vf_fd, PCI_STATUS, &status)) {
			printf("FAIL: VF config read\n");
			bad++;
		} else {
			printf("  VF config space: vendor %04x device %04x status %04x\n",
			       vendor, device, status);
			/* the IDs are emulated, the status is the VF's own */
			if ((status | PCI_STATUS_CAP_LIST) == 0xffff) {
				printf("FAIL: the VF does not answer: its status reads all ones\n");
				bad++;
			}
		}
		close(vf_fd);
	}
	close(pf_fd);
	if (g == &vfg)
		vfio_dev_close(&vfg);
	vfio_dev_close(&pf);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: %s PF_BDF VF_BDF\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = demo(argv[1], argv[2]);
	printf("RESULT: %s\n", ret ? "FAIL" : "PASS (the VF token is required)");
	return ret;
}
