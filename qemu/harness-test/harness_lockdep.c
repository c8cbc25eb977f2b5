// SPDX-License-Identifier: GPL-2.0
/*
 * Takes two mutexes in both orders, one after the other, so lockdep reports a
 * possible circular locking dependency (no real deadlock: one thread).
 */
#include <linux/module.h>
#include <linux/mutex.h>

static DEFINE_MUTEX(harness_lock_a);
static DEFINE_MUTEX(harness_lock_b);

static int __init harness_lockdep_init(void)
{
	mutex_lock(&harness_lock_a);
	mutex_lock(&harness_lock_b);
	mutex_unlock(&harness_lock_b);
	mutex_unlock(&harness_lock_a);

	mutex_lock(&harness_lock_b);
	mutex_lock(&harness_lock_a);
	mutex_unlock(&harness_lock_a);
	mutex_unlock(&harness_lock_b);
	return 0;
}

static void __exit harness_lockdep_exit(void)
{
}

module_init(harness_lockdep_init);
module_exit(harness_lockdep_exit);
MODULE_DESCRIPTION("vfio-ap-rs harness test: lock order inversion");
MODULE_LICENSE("GPL");
