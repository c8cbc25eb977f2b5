// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix device: /sys/devices/vfio_ap/matrix on bus "matrix", bound to a
 * driver named "vfio_ap". The binding matters beyond looks: the mdev core
 * names the type directory after the parent's driver, and mdevctl and libvirt
 * expect "vfio_ap-passthrough".
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "glue.h"

#define VFIO_AP_ROOT_NAME "vfio_ap"
#define VFIO_AP_MATRIX_NAME "matrix"

static ssize_t features_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return vfio_ap_rs_features_show(buf);
}
static DEVICE_ATTR_RO(features);

static struct attribute *matrix_dev_attrs[] = {
	&dev_attr_features.attr,
	NULL,
};
ATTRIBUTE_GROUPS(matrix_dev);

static const struct bus_type matrix_bus = {
	.name = "matrix",
};

static struct device_driver matrix_driver = {
	.name = "vfio_ap",
	.bus = &matrix_bus,
	.suppress_bind_attrs = true,
	.dev_groups = matrix_dev_groups,
};

static void matrix_dev_release(struct device *dev)
{
	kfree(dev);
}

struct device *vfio_ap_glue_matrix_register(void)
{
	struct device *root, *matrix;
	int ret;

	root = root_device_register(VFIO_AP_ROOT_NAME);
	if (IS_ERR(root))
		return root;

	ret = bus_register(&matrix_bus);
	if (ret)
		goto err_root;

	matrix = kzalloc(sizeof(*matrix), GFP_KERNEL);
	if (!matrix) {
		ret = -ENOMEM;
		goto err_bus;
	}
	device_initialize(matrix);
	matrix->parent = root;
	matrix->bus = &matrix_bus;
	matrix->release = matrix_dev_release;
	ret = dev_set_name(matrix, VFIO_AP_MATRIX_NAME);
	if (ret)
		goto err_put;
	ret = device_add(matrix);
	if (ret)
		goto err_put;

	ret = driver_register(&matrix_driver);
	if (ret)
		goto err_del;
	return matrix;

err_del:
	device_del(matrix);
err_put:
	put_device(matrix);
err_bus:
	bus_unregister(&matrix_bus);
err_root:
	root_device_unregister(root);
	return ERR_PTR(ret);
}

void vfio_ap_glue_matrix_unregister(struct device *matrix)
{
	struct device *root = matrix->parent;

	driver_unregister(&matrix_driver);
	device_unregister(matrix);
	bus_unregister(&matrix_bus);
	root_device_unregister(root);
}
