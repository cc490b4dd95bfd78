// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the id rule of include/linux/mlx5/vfio_pci.h: the id of
 * a mlx5_core.vfio_pci device is its VF's PCI device id.
 */

#include <kunit/test.h>
#include <linux/mlx5/vfio_pci.h>

/* The example the series was proposed with: 2048 is 08:00.0. */
static void id_2048_is_08_00_0(struct kunit *test)
{
	u8 bus = 0xee, devfn = 0xee;

	KUNIT_EXPECT_EQ(test, mlx5_vfio_pci_adev_id(0x08, PCI_DEVFN(0, 0)), 2048);
	KUNIT_ASSERT_EQ(test, mlx5_vfio_pci_adev_bdf(2048, &bus, &devfn), 0);
	KUNIT_EXPECT_EQ(test, bus, 0x08);
	KUNIT_EXPECT_EQ(test, PCI_SLOT(devfn), 0);
	KUNIT_EXPECT_EQ(test, PCI_FUNC(devfn), 0);
}

/* Bus, slot and function each land in their own bits. */
static void id_fields(struct kunit *test)
{
	u8 bus, devfn;

	KUNIT_EXPECT_EQ(test, mlx5_vfio_pci_adev_id(0x01, PCI_DEVFN(0, 1)), 257);
	KUNIT_EXPECT_EQ(test, mlx5_vfio_pci_adev_id(0x00, PCI_DEVFN(3, 2)), 26);
	KUNIT_EXPECT_EQ(test, mlx5_vfio_pci_adev_id(0xff, PCI_DEVFN(31, 7)),
			MLX5_VFIO_PCI_ADEV_ID_MAX);
	KUNIT_ASSERT_EQ(test, mlx5_vfio_pci_adev_bdf(0x3a1d, &bus, &devfn), 0);
	KUNIT_EXPECT_EQ(test, bus, 0x3a);
	KUNIT_EXPECT_EQ(test, PCI_SLOT(devfn), 3);
	KUNIT_EXPECT_EQ(test, PCI_FUNC(devfn), 5);
}

/* Every BDF of a domain has its own id, and the id decodes back to it. */
static void id_round_trip(struct kunit *test)
{
	unsigned int bus, dfn;
	u8 b, d;

	for (bus = 0; bus < 256; bus++) {
		for (dfn = 0; dfn < 256; dfn++) {
			u32 id = mlx5_vfio_pci_adev_id(bus, dfn);

			KUNIT_ASSERT_EQ(test, id, bus * 256 + dfn);
			KUNIT_ASSERT_EQ(test, mlx5_vfio_pci_adev_bdf(id, &b, &d), 0);
			KUNIT_ASSERT_EQ(test, b, bus);
			KUNIT_ASSERT_EQ(test, d, dfn);
		}
	}
}

/* An id no BDF has is refused, and the outputs are left alone. */
static void id_too_large(struct kunit *test)
{
	u8 bus = 0x11, devfn = 0x22;

	KUNIT_EXPECT_EQ(test, mlx5_vfio_pci_adev_bdf(0x10000, &bus, &devfn),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mlx5_vfio_pci_adev_bdf(U32_MAX, &bus, &devfn),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, bus, 0x11);
	KUNIT_EXPECT_EQ(test, devfn, 0x22);
}

/* The name a driver matches and the device name the bus makes from it. */
static void adev_name(struct kunit *test)
{
	char name[64];

	KUNIT_EXPECT_STREQ(test, MLX5_VFIO_PCI_ADEV_MATCH, "mlx5_core.vfio_pci");
	snprintf(name, sizeof(name), "%s.%s.%u", MLX5_VFIO_PCI_ADEV_MODNAME,
		 MLX5_VFIO_PCI_ADEV_NAME, mlx5_vfio_pci_adev_id(8, 0));
	KUNIT_EXPECT_STREQ(test, name, "mlx5_core.vfio_pci.2048");
}

static struct kunit_case mlx5_vfio_pci_id_cases[] = {
	KUNIT_CASE(id_2048_is_08_00_0),
	KUNIT_CASE(id_fields),
	KUNIT_CASE(id_round_trip),
	KUNIT_CASE(id_too_large),
	KUNIT_CASE(adev_name),
	{}
};

static struct kunit_suite mlx5_vfio_pci_id_suite = {
	.name = "mlx5_vfio_pci_id",
	.test_cases = mlx5_vfio_pci_id_cases,
};

kunit_test_suite(mlx5_vfio_pci_id_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the mlx5_core.vfio_pci auxiliary device id rule");
