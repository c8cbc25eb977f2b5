// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap_sim: the control interface, /sys/kernel/debug/vfio_ap_sim/.
 * Every file is meant for echo and cat (Documentation/testbed.md). A write
 * either succeeds completely or fails with an errno and changes nothing.
 *
 *   config            r/w  the host configuration; write several changes at
 *                          once: "adapters=<set> domains=<set> control_domains=<set>"
 *   adapters          r/w  configured APIDs ("4,5"); write a <set>
 *   domains           r/w  configured usage domains; write a <set>
 *   control_domains   r/w  configured control domains; write a <set>
 *   adapter_type      r/w  raw adapter types: "<type>" or "<apid> <type>|default"
 *   queue_script      r/w  "<XX.YYYY> <setting>..." per-queue scripting
 *   queue_stats       r/w  "XX.YYYY zapq=N tapq=N" lines; write "clear"
 *   trace             r/w  the last instructions and VM events in order;
 *                          write "clear"
 *   queue_irq         r    queues with interruptions enabled
 *   hooks             r    "registered" or "none"
 *   guests/           new, destroy, and <name>/ per guest (sim_guest.c)
 *
 * A <set> is "=4,0x47" (absolute list), "0x<hex>" (absolute MSB-0 mask) or
 * "+5", "-4", "+1-3,-2" (relative), see sim_parse_set(). Changes to the
 * configuration or the adapter types scan the bus in the writer's context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sim_internal.h"

#define SIM_WRITE_MAX 4096

static struct dentry *sim_debugfs_root;

/* A user write as a NUL-terminated kernel string (kfree it). */
char *sim_copy_write(const char __user *ubuf, size_t count)
{
	if (count > SIM_WRITE_MAX)
		return ERR_PTR(-EINVAL);
	return memdup_user_nul(ubuf, count);
}

enum sim_field {
	SIM_ADAPTERS,
	SIM_DOMAINS,
	SIM_CONTROL_DOMAINS,
	SIM_NR_FIELDS,
};

static const char *const sim_field_names[SIM_NR_FIELDS] = {
	[SIM_ADAPTERS] = "adapters",
	[SIM_DOMAINS] = "domains",
	[SIM_CONTROL_DOMAINS] = "control_domains",
};

static unsigned long *sim_field(struct sim_config *cfg, enum sim_field f)
{
	switch (f) {
	case SIM_ADAPTERS:
		return cfg->apm;
	case SIM_DOMAINS:
		return cfg->aqm;
	default:
		return cfg->adm;
	}
}

static unsigned int sim_field_max(enum sim_field f)
{
	return f == SIM_ADAPTERS ? sim_na : sim_nd;
}

/* Applies "<field>=<set>" tokens (whitespace-separated) to @cfg. */
static int sim_parse_config(char *s, struct sim_config *cfg)
{
	char *tok, *val;
	unsigned int f;
	int rc;

	while ((tok = strsep(&s, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		for (f = 0; f < SIM_NR_FIELDS; f++)
			if (!strcmp(tok, sim_field_names[f]))
				break;
		if (f == SIM_NR_FIELDS)
			return -EINVAL;
		rc = sim_parse_set(val, sim_field(cfg, f), sim_field_max(f));
		if (rc)
			return rc;
	}
	return 0;
}

/* Changes the configuration; @field is a sim_field or -1 for "config". */
static ssize_t sim_config_write(const char __user *ubuf, size_t count,
				int field)
{
	struct sim_config cfg;
	char *buf, *s;
	int rc;

	buf = sim_copy_write(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	s = strim(buf);
	if (mutex_lock_interruptible(&sim_scan_mutex)) {
		kfree(buf);
		return -ERESTARTSYS;
	}
	sim_machine_config(&cfg);
	if (field < 0)
		rc = sim_parse_config(s, &cfg);
	else
		rc = sim_parse_set(s, sim_field(&cfg, field),
				   sim_field_max(field));
	if (!rc)
		sim_config_commit(&cfg);
	mutex_unlock(&sim_scan_mutex);
	kfree(buf);
	return rc ? rc : count;
}

static void sim_seq_mask(struct seq_file *m, const char *name,
			 const unsigned long *mask)
{
	seq_printf(m, "%s=0x%016lx%016lx%016lx%016lx\n", name, mask[0],
		   mask[1], mask[2], mask[3]);
}

static int config_show(struct seq_file *m, void *unused)
{
	struct sim_config cfg;
	unsigned int f;

	sim_machine_config(&cfg);
	seq_printf(m, "qci=%d apxa=%d na=%u nd=%u\n", sim_has_qci, sim_apxa,
		   sim_na, sim_nd);
	for (f = 0; f < SIM_NR_FIELDS; f++) {
		seq_printf(m, "%s=", sim_field_names[f]);
		sim_seq_ids(m, sim_field(&cfg, f), AP_DEVICES);
	}
	sim_seq_mask(m, "apm", cfg.apm);
	sim_seq_mask(m, "aqm", cfg.aqm);
	sim_seq_mask(m, "adm", cfg.adm);
	return 0;
}

static ssize_t config_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	return sim_config_write(ubuf, count, -1);
}
DEFINE_SHOW_STORE_ATTRIBUTE(config);

/* adapters, domains, control_domains: m->private is the sim_field. */
static int ids_show(struct seq_file *m, void *unused)
{
	struct sim_config cfg;

	sim_machine_config(&cfg);
	sim_seq_ids(m, sim_field(&cfg, (uintptr_t)m->private), AP_DEVICES);
	return 0;
}

static ssize_t ids_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;

	return sim_config_write(ubuf, count, (uintptr_t)m->private);
}
DEFINE_SHOW_STORE_ATTRIBUTE(ids);

static int adapter_type_show(struct seq_file *m, void *unused)
{
	sim_machine_show_types(m);
	return 0;
}

static ssize_t adapter_type_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	char *buf;
	int rc;

	buf = sim_copy_write(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (mutex_lock_interruptible(&sim_scan_mutex)) {
		kfree(buf);
		return -ERESTARTSYS;
	}
	rc = sim_machine_types_cmd(buf);
	/* A card whose type changed is replaced, as on the real bus. */
	if (!rc)
		sim_bus_rescan();
	mutex_unlock(&sim_scan_mutex);
	kfree(buf);
	return rc ? rc : count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(adapter_type);

static int queue_script_show(struct seq_file *m, void *unused)
{
	sim_machine_show_script(m);
	return 0;
}

static ssize_t queue_script_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	char *buf;
	int rc;

	buf = sim_copy_write(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	rc = sim_machine_script_cmd(buf);
	kfree(buf);
	return rc ? rc : count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(queue_script);

static int queue_stats_show(struct seq_file *m, void *unused)
{
	sim_machine_show_stats(m);
	return 0;
}

/* A write that must be "clear": then @clear runs; anything else is -EINVAL. */
static ssize_t sim_clear_write(const char __user *ubuf, size_t count,
			       void (*clear)(void))
{
	char *buf;
	int rc = 0;

	buf = sim_copy_write(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (strcmp(strim(buf), "clear"))
		rc = -EINVAL;
	else
		clear();
	kfree(buf);
	return rc ? rc : count;
}

static ssize_t queue_stats_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	return sim_clear_write(ubuf, count, sim_machine_clear_stats);
}
DEFINE_SHOW_STORE_ATTRIBUTE(queue_stats);

static int trace_show(struct seq_file *m, void *unused)
{
	sim_machine_show_trace(m);
	return 0;
}

static ssize_t trace_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	return sim_clear_write(ubuf, count, sim_machine_clear_trace);
}
DEFINE_SHOW_STORE_ATTRIBUTE(trace);

static int queue_irq_show(struct seq_file *m, void *unused)
{
	sim_machine_show_irqs(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(queue_irq);

void sim_debugfs_init(void)
{
	struct dentry *root = debugfs_create_dir(KBUILD_MODNAME, NULL);
	unsigned long f;

	sim_debugfs_root = root;
	debugfs_create_file("config", 0644, root, NULL, &config_fops);
	for (f = 0; f < SIM_NR_FIELDS; f++)
		debugfs_create_file(sim_field_names[f], 0644, root, (void *)f,
				    &ids_fops);
	debugfs_create_file("adapter_type", 0644, root, NULL,
			    &adapter_type_fops);
	debugfs_create_file("queue_script", 0644, root, NULL,
			    &queue_script_fops);
	debugfs_create_file("queue_stats", 0644, root, NULL,
			    &queue_stats_fops);
	debugfs_create_file("trace", 0644, root, NULL, &trace_fops);
	debugfs_create_file("queue_irq", 0444, root, NULL, &queue_irq_fops);
	sim_guests_debugfs_init(root);
}

void sim_debugfs_exit(void)
{
	debugfs_remove(sim_debugfs_root);
	sim_debugfs_root = NULL;
}
