// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap_sim: the simulated AP machine for the vfio_ap testbed.
 *
 * QEMU's TCG has no AP instructions, so the real AP bus never registers in
 * the test VM. This module stands in for the machine, the way netdevsim
 * stands in for a NIC: the testbed flavour of vfio_ap.ko calls it where the
 * production flavour executes AP instructions.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "sim.h"

static bool ap_instructions = true;
module_param(ap_instructions, bool, 0444);
MODULE_PARM_DESC(ap_instructions,
		 "Whether the simulated machine has AP instructions (default: yes)");

bool vfio_ap_sim_instructions_available(void)
{
	return ap_instructions;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_instructions_available);

static int __init vfio_ap_sim_init(void)
{
	pr_info("vfio_ap_sim: simulated AP machine ready (AP instructions %s)\n",
		ap_instructions ? "available" : "unavailable");
	return 0;
}

static void __exit vfio_ap_sim_exit(void)
{
	pr_info("vfio_ap_sim: unloaded\n");
}

module_init(vfio_ap_sim_init);
module_exit(vfio_ap_sim_exit);
MODULE_DESCRIPTION("Simulated AP machine for the vfio_ap testbed");
MODULE_LICENSE("GPL");
