// SPDX-License-Identifier: GPL-2.0
/* Fails to load with -ENODEV, like a driver that finds no hardware. */
#include <linux/module.h>

static int __init harness_nodev_init(void)
{
	return -ENODEV;
}

module_init(harness_nodev_init);
MODULE_DESCRIPTION("vfio-ap-rs harness test: init fails");
MODULE_LICENSE("GPL");
