// SPDX-License-Identifier: GPL-2.0
/*
 * The mdev side of vfio_ap: the mdev driver "vfio_ap_mdev", the parent with
 * its one type "passthrough" on the matrix device, the vfio device every mdev
 * is with its device ops, the PQAP hook KVM calls, and the mdev's sysfs
 * files. All of it is static tables, the container struct
 * vfio_alloc_device() needs, and one-line wrappers of inline functions;
 * what the files and ops do is decided in Rust, reached through the table of
 * trampolines src/sys/mdev.rs hands over at registration.
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/eventfd.h>
#include <linux/iommu.h>
#include <linux/kvm_host.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/vfio.h>

#include "glue.h"

/* 256 adapters x 256 domains, the most queues there can be to pass through. */
#define VFIO_AP_MAX_INSTANCES (256 * 256)

/* Set while the parent is registered. */
static struct vfio_ap_rs_mdev_ops mdev_ops;
static const void *mdev_ctx;

/*
 * A vfio device as vfio_alloc_device() wants it, with the Rust mdev state and
 * the PQAP hook: KVM keeps a pointer to the hook field while a guest uses the
 * device and calls through it; the hook finds the device from that pointer.
 */
struct vfio_ap_glue_mdev {
	struct vfio_device vdev;
	void *rust;
	crypto_hook pqap_hook;
};

static struct vfio_ap_glue_mdev *to_glue(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_ap_glue_mdev, vdev);
}

static void *mdev_state(struct device *dev)
{
	struct vfio_ap_glue_mdev *m = dev_get_drvdata(dev);

	return m->rust;
}

static ssize_t mdev_attr_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return mdev_ops.show(mdev_ctx, mdev_state(dev), attr->attr.name, buf);
}

static ssize_t mdev_attr_store(struct device *dev,
			       struct device_attribute *attr, const char *buf,
			       size_t count)
{
	return mdev_ops.store(mdev_ctx, mdev_state(dev), attr->attr.name, buf,
			      count);
}

#define VFIO_AP_ATTR_WO(_name) \
	struct device_attribute dev_attr_##_name = \
		__ATTR(_name, 0200, NULL, mdev_attr_store)
#define VFIO_AP_ATTR_RO(_name) \
	struct device_attribute dev_attr_##_name = \
		__ATTR(_name, 0444, mdev_attr_show, NULL)

static VFIO_AP_ATTR_WO(assign_adapter);
static VFIO_AP_ATTR_WO(unassign_adapter);
static VFIO_AP_ATTR_WO(assign_domain);
static VFIO_AP_ATTR_WO(unassign_domain);
static VFIO_AP_ATTR_WO(assign_control_domain);
static VFIO_AP_ATTR_WO(unassign_control_domain);
static VFIO_AP_ATTR_RO(control_domains);
static VFIO_AP_ATTR_RO(matrix);
static VFIO_AP_ATTR_RO(guest_matrix);
static struct device_attribute dev_attr_ap_config =
	__ATTR(ap_config, 0644, mdev_attr_show, mdev_attr_store);

static struct attribute *vfio_ap_mdev_attrs[] = {
	&dev_attr_assign_adapter.attr,
	&dev_attr_unassign_adapter.attr,
	&dev_attr_assign_domain.attr,
	&dev_attr_unassign_domain.attr,
	&dev_attr_assign_control_domain.attr,
	&dev_attr_unassign_control_domain.attr,
	&dev_attr_ap_config.attr,
	&dev_attr_control_domains.attr,
	&dev_attr_matrix.attr,
	&dev_attr_guest_matrix.attr,
	NULL,
};

static const struct attribute_group vfio_ap_mdev_attr_group = {
	.attrs = vfio_ap_mdev_attrs,
};

static const struct attribute_group *vfio_ap_mdev_attr_groups[] = {
	&vfio_ap_mdev_attr_group,
	NULL,
};

static int vfio_ap_glue_open_device(struct vfio_device *vdev)
{
	return mdev_ops.open(mdev_ctx, to_glue(vdev)->rust, vdev->kvm);
}

static void vfio_ap_glue_close_device(struct vfio_device *vdev)
{
	mdev_ops.close(mdev_ctx, to_glue(vdev)->rust);
}

static long vfio_ap_glue_ioctl(struct vfio_device *vdev, unsigned int cmd,
			       unsigned long arg)
{
	return mdev_ops.ioctl(mdev_ctx, to_glue(vdev)->rust, cmd, arg);
}

static void vfio_ap_glue_dma_unmap(struct vfio_device *vdev, u64 iova,
				   u64 length)
{
	mdev_ops.dma_unmap(mdev_ctx, to_glue(vdev)->rust, iova, length);
}

static void vfio_ap_glue_request(struct vfio_device *vdev, unsigned int count)
{
	mdev_ops.request(mdev_ctx, to_glue(vdev)->rust, count);
}

/*
 * KVM's PQAP intercept calls this with the pqap hook rwsem held for reading;
 * the hook is installed only while the device is open, so the device lives.
 */
static int vfio_ap_glue_pqap(struct kvm_vcpu *vcpu)
{
	struct vfio_ap_glue_mdev *m;

	m = container_of(vcpu->kvm->arch.crypto.pqap_hook,
			 struct vfio_ap_glue_mdev, pqap_hook);
	return mdev_ops.pqap(mdev_ctx, m->rust, vcpu);
}

void *vfio_ap_glue_pqap_hook(struct vfio_device *vdev)
{
	return &to_glue(vdev)->pqap_hook;
}

int vfio_ap_glue_pin_page(struct vfio_device *vdev, u64 iova, u64 *phys)
{
	struct page *page;
	int ret;

	ret = vfio_pin_pages(vdev, iova, 1, IOMMU_READ | IOMMU_WRITE, &page);
	if (ret < 0)
		return ret;
	if (ret != 1)
		return -EINVAL;
	*phys = page_to_phys(page) | (iova & ~PAGE_MASK);
	return 0;
}

void vfio_ap_glue_unpin_page(struct vfio_device *vdev, u64 iova)
{
	vfio_unpin_pages(vdev, iova, 1);
}

struct eventfd_ctx *vfio_ap_glue_eventfd_get(int fd)
{
	return eventfd_ctx_fdget(fd);
}

void vfio_ap_glue_eventfd_signal(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx);
}

void vfio_ap_glue_eventfd_put(struct eventfd_ctx *ctx)
{
	eventfd_ctx_put(ctx);
}

static const struct vfio_device_ops vfio_ap_glue_dev_ops = {
	.open_device = vfio_ap_glue_open_device,
	.close_device = vfio_ap_glue_close_device,
	.ioctl = vfio_ap_glue_ioctl,
	.dma_unmap = vfio_ap_glue_dma_unmap,
	.request = vfio_ap_glue_request,
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

static int vfio_ap_glue_mdev_probe(struct mdev_device *mdev)
{
	struct vfio_ap_glue_mdev *m;
	int ret;

	m = vfio_alloc_device(vfio_ap_glue_mdev, vdev, &mdev->dev,
			      &vfio_ap_glue_dev_ops);
	if (IS_ERR(m))
		return PTR_ERR(m);

	m->pqap_hook = vfio_ap_glue_pqap;
	m->rust = mdev_ops.create(mdev_ctx, &mdev->dev, &m->vdev, &mdev->uuid);
	if (IS_ERR(m->rust)) {
		ret = PTR_ERR(m->rust);
		goto err_put;
	}
	dev_set_drvdata(&mdev->dev, m);

	ret = vfio_register_emulated_iommu_dev(&m->vdev);
	if (ret)
		goto err_destroy;
	return 0;

err_destroy:
	dev_set_drvdata(&mdev->dev, NULL);
	mdev_ops.destroy(mdev_ctx, m->rust);
err_put:
	vfio_put_device(&m->vdev);
	return ret;
}

static void vfio_ap_glue_mdev_remove(struct mdev_device *mdev)
{
	struct vfio_ap_glue_mdev *m = dev_get_drvdata(&mdev->dev);

	/* Blocks until userspace has closed the device. */
	vfio_unregister_group_dev(&m->vdev);
	dev_set_drvdata(&mdev->dev, NULL);
	mdev_ops.destroy(mdev_ctx, m->rust);
	vfio_put_device(&m->vdev);
}

static struct mdev_driver vfio_ap_matrix_driver = {
	.device_api = VFIO_DEVICE_API_AP_STRING,
	.max_instances = VFIO_AP_MAX_INSTANCES,
	.driver = {
		.name = "vfio_ap_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = vfio_ap_mdev_attr_groups,
	},
	.probe = vfio_ap_glue_mdev_probe,
	.remove = vfio_ap_glue_mdev_remove,
};

static struct mdev_type vfio_ap_passthrough_type = {
	.sysfs_name = "passthrough",
	.pretty_name = "VFIO AP Passthrough Device",
};

static struct mdev_type *vfio_ap_mdev_types[] = {
	&vfio_ap_passthrough_type,
};

static struct mdev_parent vfio_ap_mdev_parent;

int vfio_ap_glue_mdev_register(struct device *matrix,
			       const struct vfio_ap_rs_mdev_ops *ops,
			       const void *ctx)
{
	int ret;

	mdev_ops = *ops;
	mdev_ctx = ctx;
	ret = mdev_register_driver(&vfio_ap_matrix_driver);
	if (ret)
		goto err_clear;

	ret = mdev_register_parent(&vfio_ap_mdev_parent, matrix,
				   &vfio_ap_matrix_driver, vfio_ap_mdev_types,
				   ARRAY_SIZE(vfio_ap_mdev_types));
	if (ret)
		goto err_driver;
	return 0;

err_driver:
	mdev_unregister_driver(&vfio_ap_matrix_driver);
err_clear:
	memset(&mdev_ops, 0, sizeof(mdev_ops));
	mdev_ctx = NULL;
	return ret;
}

void vfio_ap_glue_mdev_unregister(void)
{
	/* Removes every mdev first, through vfio_ap_glue_mdev_remove(). */
	mdev_unregister_parent(&vfio_ap_mdev_parent);
	mdev_unregister_driver(&vfio_ap_matrix_driver);
	memset(&mdev_ops, 0, sizeof(mdev_ops));
	mdev_ctx = NULL;
}
