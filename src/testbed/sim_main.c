// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap_sim: the simulated AP machine for the vfio_ap testbed.
 *
 * QEMU's TCG has no AP instructions, so the real AP bus never registers in
 * the test VM. This module stands in for the machine, the way netdevsim
 * stands in for a NIC: the testbed flavour of vfio_ap.ko calls it where the
 * production flavour executes AP instructions, registers its ap_driver on the
 * simulated bus "ap", and gets simulated guests instead of KVM VMs.
 *
 * This file: module parameters, init/exit and the ID list syntax.
 * Documentation/testbed.md describes the whole control interface.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sim_internal.h"

static bool ap_instructions = true;
module_param(ap_instructions, bool, 0444);
MODULE_PARM_DESC(ap_instructions,
		 "Whether the simulated machine has AP instructions (default: yes)");

static char *param_adapters = "";
module_param_named(adapters, param_adapters, charp, 0444);
MODULE_PARM_DESC(adapters,
		 "Configured adapters (APIDs), e.g. \"4,5\" (default: none)");

static char *param_domains = "";
module_param_named(domains, param_domains, charp, 0444);
MODULE_PARM_DESC(domains,
		 "Configured usage domains (APQIs), e.g. \"4,0x47\" (default: none)");

static char *param_control_domains = "";
module_param_named(control_domains, param_control_domains, charp, 0444);
MODULE_PARM_DESC(control_domains,
		 "Configured control domains, e.g. \"4,0x47,0x54\" (default: none)");

static bool param_apxa = true;
module_param_named(apxa, param_apxa, bool, 0444);
MODULE_PARM_DESC(apxa, "AP extended addressing installed (default: yes)");

static int param_max_adapter = -1;
module_param_named(max_adapter, param_max_adapter, int, 0444);
MODULE_PARM_DESC(max_adapter,
		 "Highest APID, QCI's na (default: 255 with apxa, else 63)");

static int param_max_domain = -1;
module_param_named(max_domain, param_max_domain, int, 0444);
MODULE_PARM_DESC(max_domain,
		 "Highest domain, QCI's nd (default: 255 with apxa, else 15)");

static bool param_qci = true;
module_param_named(qci, param_qci, bool, 0444);
MODULE_PARM_DESC(qci,
		 "QCI (facility 12) installed; without it no config-change callbacks (default: yes)");

static uint param_adapter_type = AP_DEVICE_TYPE_CEX7;
module_param_named(adapter_type, param_adapter_type, uint, 0444);
MODULE_PARM_DESC(adapter_type,
		 "Raw type of every adapter as TAPQ reports it (default: 13, CEX7)");

static char *param_apmask = "0x0";
module_param_named(apmask, param_apmask, charp, 0444);
MODULE_PARM_DESC(apmask,
		 "Initial /sys/bus/ap/apmask (default 0x0: all adapters free for vfio_ap; the real bus uses all-ones)");

static char *param_aqmask = "0x0";
module_param_named(aqmask, param_aqmask, charp, 0444);
MODULE_PARM_DESC(aqmask,
		 "Initial /sys/bus/ap/aqmask (default 0x0: all domains free for vfio_ap; the real bus uses all-ones)");

/*
 * Failure injection for the driver's error paths: while set to a positive
 * errno, vfio_ap_sim_driver_register() or the registration of hooks fails
 * with it (the driver must then unwind all it did before).
 */
int sim_fail_driver_register;
module_param_named(fail_driver_register, sim_fail_driver_register, int, 0644);
MODULE_PARM_DESC(fail_driver_register,
		 "errno that AP driver registrations fail with (0: none)");

int sim_fail_set_hooks;
module_param_named(fail_set_hooks, sim_fail_set_hooks, int, 0644);
MODULE_PARM_DESC(fail_set_hooks,
		 "errno that registering guest hooks fails with (0: none)");

/*
 * While set to a positive errno, QCI fails with it although the machine has
 * QCI (the real wrapper fails with -EOPNOTSUPP when PQAP(QCI) is refused).
 */
int sim_fail_qci;
module_param_named(fail_qci, sim_fail_qci, int, 0644);
MODULE_PARM_DESC(fail_qci, "errno that QCI fails with (0: none)");

bool sim_has_qci;
bool sim_apxa;
unsigned int sim_na;
unsigned int sim_nd;

/* Only serialises ap_parse_mask_str() on our private copies. */
static DEFINE_MUTEX(sim_parse_mutex);

/* The real bus's masks as they were before we loaded; restored at unload. */
static unsigned long saved_apm[BITS_TO_LONGS(AP_DEVICES)];
static unsigned long saved_aqm[BITS_TO_LONGS(AP_DOMAINS)];

bool vfio_ap_sim_instructions_available(void)
{
	return ap_instructions;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_instructions_available);

/**
 * sim_parse_id_list() - parse a list of IDs such as "4,0x47,84".
 * @s: the list; IDs in C notation (decimal, 0x hex, 0 octal), comma
 *     separated; blank means the empty set.
 * @bitmap: receives the set (MSB-0, 256 bits).
 * @max: the highest valid ID.
 *
 * Return: 0, -EINVAL on a malformed list or an ID above @max, or -ENOMEM.
 */
int sim_parse_id_list(const char *s, unsigned long *bitmap, unsigned int max)
{
	char *copy, *p, *tok;
	unsigned int id;
	int rc = 0;

	bitmap_zero(bitmap, AP_DEVICES);
	copy = kstrdup(s, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	p = strim(copy);
	if (!*p)
		goto out;
	while ((tok = strsep(&p, ",")) != NULL) {
		tok = strim(tok);
		if (kstrtouint(tok, 0, &id) || id > max) {
			rc = -EINVAL;
			break;
		}
		set_bit_inv(id, bitmap);
	}
out:
	kfree(copy);
	return rc;
}

/**
 * sim_parse_set() - change a set of IDs as a debugfs write says.
 * @s: "=<list>" (absolute, sim_parse_id_list() syntax; "=" alone is the empty
 *     set), "0x<hex>" (absolute MSB-0 mask) or "+n", "-n", "+n-m", ... comma
 *     separated (relative); the last two are ap_parse_mask_str()'s syntax,
 *     the one of /sys/bus/ap/apmask.
 * @bitmap: the current set (MSB-0, 256 bits); changed only on success.
 * @max: the highest valid ID.
 *
 * Return: 0, -EINVAL (nothing changed) or -ENOMEM.
 */
int sim_parse_set(const char *s, unsigned long *bitmap, unsigned int max)
{
	DECLARE_BITMAP(tmp, AP_DEVICES);
	int rc;

	if (*s == '=') {
		rc = sim_parse_id_list(s + 1, tmp, max);
	} else if (*s == '+' || *s == '-' || (s[0] == '0' && s[1] == 'x')) {
		bitmap_copy(tmp, bitmap, AP_DEVICES);
		rc = ap_parse_mask_str(s, tmp, AP_DEVICES, &sim_parse_mutex);
		if (rc == -ERESTARTSYS)
			return rc;
		if (rc)
			rc = -EINVAL;
		else if (max + 1 < AP_DEVICES &&
			 find_next_bit_inv(tmp, AP_DEVICES, max + 1) < AP_DEVICES)
			rc = -EINVAL;
	} else {
		rc = -EINVAL;
	}
	if (!rc)
		bitmap_copy(bitmap, tmp, AP_DEVICES);
	return rc;
}

/* Prints the set bits of an MSB-0 bitmap as "4,5,71\n" (decimal). */
void sim_seq_ids(struct seq_file *m, const unsigned long *bitmap,
		 unsigned int bits)
{
	const char *sep = "";
	unsigned long id;

	for_each_set_bit_inv(id, bitmap, bits) {
		seq_printf(m, "%s%lu", sep, id);
		sep = ",";
	}
	seq_putc(m, '\n');
}

static int __init sim_parse_params(struct sim_config *cfg)
{
	unsigned int dflt_na = param_apxa ? 255 : 63;
	unsigned int dflt_nd = param_apxa ? 255 : 15;

	if (param_max_adapter < -1 || param_max_adapter > (int)dflt_na) {
		pr_err("max_adapter=%d out of range 0..%u\n", param_max_adapter,
		       dflt_na);
		return -EINVAL;
	}
	if (param_max_domain < -1 || param_max_domain > (int)dflt_nd) {
		pr_err("max_domain=%d out of range 0..%u\n", param_max_domain,
		       dflt_nd);
		return -EINVAL;
	}
	if (param_adapter_type > 255) {
		pr_err("adapter_type=%u out of range 0..255\n",
		       param_adapter_type);
		return -EINVAL;
	}
	sim_apxa = param_apxa;
	sim_has_qci = param_qci;
	sim_na = param_max_adapter < 0 ? dflt_na : param_max_adapter;
	sim_nd = param_max_domain < 0 ? dflt_nd : param_max_domain;

	if (sim_parse_id_list(param_adapters, cfg->apm, sim_na)) {
		pr_err("adapters=\"%s\": not a list of IDs 0..%u\n",
		       param_adapters, sim_na);
		return -EINVAL;
	}
	if (sim_parse_id_list(param_domains, cfg->aqm, sim_nd)) {
		pr_err("domains=\"%s\": not a list of IDs 0..%u\n",
		       param_domains, sim_nd);
		return -EINVAL;
	}
	if (sim_parse_id_list(param_control_domains, cfg->adm, sim_nd)) {
		pr_err("control_domains=\"%s\": not a list of IDs 0..%u\n",
		       param_control_domains, sim_nd);
		return -EINVAL;
	}
	return 0;
}

/* Sets the real bus's ap_perms from our apmask/aqmask parameters. */
static int __init sim_perms_init(void)
{
	DECLARE_BITMAP(apm, AP_DEVICES);
	DECLARE_BITMAP(aqm, AP_DOMAINS);

	/* Relative strings apply to the empty set, as in ap_perms_init(). */
	bitmap_zero(apm, AP_DEVICES);
	bitmap_zero(aqm, AP_DOMAINS);
	if (ap_parse_mask_str(param_apmask, apm, AP_DEVICES, &sim_parse_mutex)) {
		pr_err("apmask=\"%s\" is not a valid mask\n", param_apmask);
		return -EINVAL;
	}
	if (ap_parse_mask_str(param_aqmask, aqm, AP_DOMAINS, &sim_parse_mutex)) {
		pr_err("aqmask=\"%s\" is not a valid mask\n", param_aqmask);
		return -EINVAL;
	}
	mutex_lock(&ap_attr_mutex);
	bitmap_copy(saved_apm, ap_perms.apm, AP_DEVICES);
	bitmap_copy(saved_aqm, ap_perms.aqm, AP_DOMAINS);
	bitmap_copy(ap_perms.apm, apm, AP_DEVICES);
	bitmap_copy(ap_perms.aqm, aqm, AP_DOMAINS);
	mutex_unlock(&ap_attr_mutex);
	return 0;
}

static void sim_perms_restore(void)
{
	mutex_lock(&ap_attr_mutex);
	bitmap_copy(ap_perms.apm, saved_apm, AP_DEVICES);
	bitmap_copy(ap_perms.aqm, saved_aqm, AP_DOMAINS);
	mutex_unlock(&ap_attr_mutex);
}

static int __init vfio_ap_sim_init(void)
{
	struct sim_config cfg;
	int rc;

	rc = sim_parse_params(&cfg);
	if (rc)
		return rc;
	rc = sim_machine_init(&cfg, param_adapter_type);
	if (rc)
		return rc;
	rc = sim_perms_init();
	if (rc)
		goto out_machine;
	rc = sim_bus_init();
	if (rc)
		goto out_perms;
	sim_debugfs_init();

	pr_info("simulated AP machine ready (AP instructions %s, QCI %s, apxa %d, na %u, nd %u)\n",
		ap_instructions ? "available" : "unavailable",
		sim_has_qci ? "available" : "unavailable", sim_apxa, sim_na,
		sim_nd);
	return 0;

out_perms:
	sim_perms_restore();
out_machine:
	sim_machine_exit();
	return rc;
}

static void __exit vfio_ap_sim_exit(void)
{
	/* No control file runs after this: debugfs drains its handlers. */
	sim_debugfs_exit();
	sim_guests_exit();
	sim_bus_exit();
	sim_perms_restore();
	sim_machine_exit();
	pr_info("unloaded\n");
}

module_init(vfio_ap_sim_init);
module_exit(vfio_ap_sim_exit);
MODULE_DESCRIPTION("Simulated AP machine for the vfio_ap testbed");
MODULE_LICENSE("GPL");
