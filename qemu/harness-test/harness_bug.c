// SPDX-License-Identifier: GPL-2.0
/* Hits BUG() when loaded: the kernel prints an Oops and kills insmod. */
#include <linux/module.h>

static int __init harness_bug_init(void)
{
	BUG();
	return 0;
}

module_init(harness_bug_init);
MODULE_DESCRIPTION("vfio-ap-rs harness test: BUG on load");
MODULE_LICENSE("GPL");
