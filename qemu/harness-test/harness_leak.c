// SPDX-License-Identifier: GPL-2.0
/*
 * Leaks allocations when loaded (and unloads cleanly): kmemleak must report
 * them and the harness must charge them to the test that loaded this. Sixteen
 * separate objects, because kmemleak misses an object while a stale copy of
 * its pointer survives somewhere (a dead task's stack, a register save area);
 * the harness test asks for at least one.
 */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>

#define HARNESS_LEAKS 16

static int __init harness_leak_init(void)
{
	int i;

	for (i = 0; i < HARNESS_LEAKS; i++) {
		char *p = kmalloc(96, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		/* Something to recognise in the report; then forget it. */
		strscpy(p, "harness_leak: leaked on purpose", 96);
		OPTIMIZER_HIDE_VAR(p);
	}
	pr_info("harness_leak: leaked %d objects\n", HARNESS_LEAKS);
	return 0;
}

static void __exit harness_leak_exit(void)
{
}

module_init(harness_leak_init);
module_exit(harness_leak_exit);
MODULE_DESCRIPTION("vfio-ap-rs harness test: memory leaks");
MODULE_LICENSE("GPL");
