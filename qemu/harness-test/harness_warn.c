// SPDX-License-Identifier: GPL-2.0
/* Prints a kernel WARNING when loaded. */
#include <linux/module.h>

static int __init harness_warn_init(void)
{
	WARN(1, "harness_warn: deliberate warning\n");
	return 0;
}

static void __exit harness_warn_exit(void)
{
}

module_init(harness_warn_init);
module_exit(harness_warn_exit);
MODULE_DESCRIPTION("vfio-ap-rs harness test: WARN on load");
MODULE_LICENSE("GPL");
