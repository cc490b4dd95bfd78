// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs readers and writers of the vfio_pci selftests: a function's
 * files under /sys/bus/pci/devices, its links, its driver; see
 * vfio_util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vfio_util.h"

#define SYSFS_PCI	"/sys/bus/pci/devices"

int sysfs_link_name(const char *bdf, const char *file, char *name, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/%s", bdf, file);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	if ((size_t)snprintf(name, len, "%s", base) >= len)
		return -ENAMETOOLONG;
	return 0;
}

int sysfs_group_id(const char *bdf, int *id)
{
	char name[32], *end;
	long v;
	int ret;

	ret = sysfs_link_name(bdf, "iommu_group", name, sizeof(name));
	if (ret)
		return ret;
	errno = 0;
	v = strtol(name, &end, 10);
	if (errno || end == name || *end || v < 0 || v > INT_MAX)
		return -EINVAL;
	*id = (int)v;
	return 0;
}

static void sysfs_path(char *path, size_t len, const char *bdf,
		       const char *file)
{
	snprintf(path, len, SYSFS_PCI "/%s/%s", bdf, file);
}

bool sysfs_device_exists(const char *bdf)
{
	char path[PATH_MAX];
	struct stat st;

	sysfs_path(path, sizeof(path), bdf, "config");
	return stat(path, &st) == 0;
}

ssize_t sysfs_read(const char *bdf, const char *file, void *buf, size_t len,
		   off_t off)
{
	char path[PATH_MAX];
	size_t done = 0;
	ssize_t n;
	int fd, err;

	sysfs_path(path, sizeof(path), bdf, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* binary attributes (config, rom) answer a page at a time */
	do {
		n = pread(fd, (char *)buf + done, len - done, off + done);
		if (n > 0)
			done += n;
	} while (n > 0 && done < len);
	err = errno;
	close(fd);
	return n < 0 && !done ? -err : (ssize_t)done;
}

int sysfs_read_ulong(const char *bdf, const char *file, unsigned long *val)
{
	char buf[64], *end;
	ssize_t n;

	n = sysfs_read(bdf, file, buf, sizeof(buf) - 1, 0);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	errno = 0;
	*val = strtoul(buf, &end, 0);
	if (errno || end == buf || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

int sysfs_file_size(const char *bdf, const char *file, off_t *size)
{
	char path[PATH_MAX];
	struct stat st;

	sysfs_path(path, sizeof(path), bdf, file);
	if (stat(path, &st))
		return -errno;
	*size = st.st_size;
	return 0;
}

int sysfs_write_path(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return (size_t)n == len ? 0 : -EIO;
}

int sysfs_write(const char *bdf, const char *file, const char *val)
{
	char path[PATH_MAX];

	sysfs_path(path, sizeof(path), bdf, file);
	return sysfs_write_path(path, val);
}

int sysfs_bind(const char *bdf, const char *driver)
{
	int ret = 0;

	if (sysfs_exists(bdf, "driver"))
		ret = sysfs_write(bdf, "driver/unbind", bdf);
	if (!ret)
		ret = sysfs_write(bdf, "driver_override", driver);
	if (!ret)
		ret = sysfs_write_path("/sys/bus/pci/drivers_probe", bdf);
	return ret;
}

int sysfs_driver(const char *bdf, char *name, size_t len)
{
	return sysfs_link_name(bdf, "driver", name, len);
}

bool sysfs_exists(const char *bdf, const char *file)
{
	char path[PATH_MAX];

	sysfs_path(path, sizeof(path), bdf, file);
	return access(path, F_OK) == 0;
}

int sysfs_resource(const char *bdf, int index, __u64 *start, __u64 *end,
		   __u64 *flags)
{
	char path[PATH_MAX], line[256];
	unsigned long long s, e, f;
	int i, ret = -ENOENT;
	FILE *fp;

	sysfs_path(path, sizeof(path), bdf, "resource");
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	for (i = 0; fgets(line, sizeof(line), fp); i++) {
		if (i != index)
			continue;
		if (sscanf(line, "%llx %llx %llx", &s, &e, &f) != 3) {
			ret = -EINVAL;
			break;
		}
		*start = s;
		*end = e;
		*flags = f;
		ret = 0;
		break;
	}
	fclose(fp);
	return ret;
}

int sysfs_resource_size(const char *bdf, int index, __u64 *size)
{
	__u64 start, end, flags;
	int ret;

	ret = sysfs_resource(bdf, index, &start, &end, &flags);
	if (ret)
		return ret;
	if (!start && !end) {
		*size = 0;
		return 0;
	}
	if (end < start)
		return -EINVAL;
	*size = end - start + 1;
	return 0;
}
