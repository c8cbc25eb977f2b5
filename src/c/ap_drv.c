// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap's AP bus driver: the static struct ap_driver with its id table,
 * and the "status" file it adds to every queue bound to it. Registration
 * goes through src/hw (the real AP bus or the simulated one); every callback
 * lands in Rust (vfio_ap_rs_*).
 */
#include <linux/device.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "ap_bus.h"
#include "glue.h"

/* Set before the driver registers, cleared after it unregistered. */
static struct vfio_ap_rs_queue_ops queue_ops;
static const void *queue_ctx;

static u16 queue_qid(struct ap_device *apdev)
{
	return to_ap_queue(&apdev->device)->qid;
}

static ssize_t status_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return queue_ops.status_show(queue_ctx, to_ap_queue(dev)->qid, buf);
}
static DEVICE_ATTR_RO(status);

static struct attribute *vfio_queue_attrs[] = {
	&dev_attr_status.attr,
	NULL,
};

static const struct attribute_group vfio_queue_attr_group = {
	.attrs = vfio_queue_attrs,
};

static int vfio_ap_glue_queue_probe(struct ap_device *apdev)
{
	int ret;

	ret = sysfs_create_group(&apdev->device.kobj, &vfio_queue_attr_group);
	if (ret)
		return ret;
	ret = queue_ops.probe(queue_ctx, queue_qid(apdev));
	if (ret)
		sysfs_remove_group(&apdev->device.kobj, &vfio_queue_attr_group);
	return ret;
}

static void vfio_ap_glue_queue_remove(struct ap_device *apdev)
{
	sysfs_remove_group(&apdev->device.kobj, &vfio_queue_attr_group);
	queue_ops.remove(queue_ctx, queue_qid(apdev));
}

static int vfio_ap_glue_in_use(unsigned long *apm, unsigned long *aqm)
{
	return queue_ops.in_use(queue_ctx, apm, aqm);
}

static void vfio_ap_glue_config_changed(struct ap_config_info *new_info,
					struct ap_config_info *old_info)
{
	if (new_info && old_info)
		queue_ops.config_changed(queue_ctx, new_info, old_info);
}

static void vfio_ap_glue_scan_complete(struct ap_config_info *new_info,
				       struct ap_config_info *old_info)
{
	if (new_info && old_info)
		queue_ops.scan_complete(queue_ctx);
}

/* Only type 10 adapters (CEX4) and later are supported. */
static struct ap_device_id vfio_ap_queue_ids[] = {
	{ .dev_type = AP_DEVICE_TYPE_CEX4,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX5,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX6,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX7,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX8,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ /* end of list */ },
};

static struct ap_driver vfio_ap_drv = {
	.probe = vfio_ap_glue_queue_probe,
	.remove = vfio_ap_glue_queue_remove,
	.in_use = vfio_ap_glue_in_use,
	.on_config_changed = vfio_ap_glue_config_changed,
	.on_scan_complete = vfio_ap_glue_scan_complete,
	.ids = vfio_ap_queue_ids,
};

struct ap_driver *vfio_ap_glue_ap_driver(const struct vfio_ap_rs_queue_ops *ops,
				       const void *ctx)
{
	queue_ops = *ops;
	queue_ctx = ctx;
	return &vfio_ap_drv;
}

void vfio_ap_glue_ap_driver_clear(void)
{
	memset(&queue_ops, 0, sizeof(queue_ops));
	queue_ctx = NULL;
}
