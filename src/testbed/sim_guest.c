// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap_sim: guests, the stand-ins for KVM VMs. A guest has a reference
 * count (kvm_get_kvm/kvm_put_kvm), a mutex in the role of kvm->lock (with
 * lockdep name "kvm->lock", so lockdep checks the driver's lock order), the
 * CRYCB masks as kvm_arch_crypto_set_masks/clear_masks leave them, and a
 * history of every such call.
 *
 * Guests are created and destroyed through debugfs (guests/new,
 * guests/destroy) and attached to an mdev UUID through guests/<name>/attach,
 * which calls the driver's attach hook as QEMU's opening of the vfio device
 * would; detach, destroying an attached guest, and the driver clearing its
 * hooks call the detach hook.
 *
 * sim_world_lock protects the guest list, the attachments and the hooks; it
 * is never held while a hook runs. An attachment is ATTACHING while its
 * attach hook runs and DETACHING while its detach hook runs; whoever waits
 * for it to settle sleeps on sim_world_wq.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uuid.h>
#include <linux/wait.h>

#include "sim_internal.h"

#define SIM_GUEST_NAME_MAX 31
#define SIM_HISTORY_MAX 4096
#define SIM_MASK_LONGS BITS_TO_LONGS(AP_DEVICES)

/* One set_masks or clear_masks call. */
struct sim_hist {
	struct list_head node;
	bool set;
	unsigned long apm[SIM_MASK_LONGS];
	unsigned long aqm[SIM_MASK_LONGS];
	unsigned long adm[SIM_MASK_LONGS];
};

struct vfio_ap_sim_guest {
	struct kref kref;
	struct mutex lock;		/* kvm->lock */
	struct list_head node;		/* in sim_guests, under sim_world_lock */
	struct dentry *dir;
	bool dying;			/* being destroyed; under sim_world_lock */
	int crycb_format;		/* 2 with APXA, else 1 */
	char name[SIM_GUEST_NAME_MAX + 1];
	/* Under lock: the CRYCB masks and their history. */
	unsigned long apm[SIM_MASK_LONGS];
	unsigned long aqm[SIM_MASK_LONGS];
	unsigned long adm[SIM_MASK_LONGS];
	struct list_head history;
	unsigned int history_len;
	unsigned long history_lost;
};

enum sim_att_state {
	SIM_ATTACHING,
	SIM_ATTACHED,
	SIM_DETACHING,
};

/* A guest attached to an mdev: QEMU has the vfio device open. */
struct sim_attachment {
	struct list_head node;		/* in sim_attachments */
	guid_t uuid;
	struct vfio_ap_sim_guest *guest;	/* holds a reference */
	enum sim_att_state state;
};

static DEFINE_MUTEX(sim_world_lock);
static LIST_HEAD(sim_guests);
static LIST_HEAD(sim_attachments);
static const struct vfio_ap_sim_hooks *sim_hooks;
static bool sim_hooks_closing;
static atomic_t sim_world_gen = ATOMIC_INIT(0);	/* bumped when one settles */
static DECLARE_WAIT_QUEUE_HEAD(sim_world_wq);
static struct dentry *sim_guests_dir;
static struct lock_class_key sim_kvm_lock_key;

/* --- the guest object (the driver's interface) --------------------------- */

static void sim_guest_release(struct kref *kref)
{
	struct vfio_ap_sim_guest *g =
		container_of(kref, struct vfio_ap_sim_guest, kref);
	struct sim_hist *h, *tmp;

	list_for_each_entry_safe(h, tmp, &g->history, node)
		kfree(h);
	mutex_destroy(&g->lock);
	kfree(g);
}

void vfio_ap_sim_guest_get(struct vfio_ap_sim_guest *guest)
{
	kref_get(&guest->kref);
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_guest_get);

void vfio_ap_sim_guest_put(struct vfio_ap_sim_guest *guest)
{
	kref_put(&guest->kref, sim_guest_release);
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_guest_put);

void vfio_ap_sim_guest_lock(struct vfio_ap_sim_guest *guest)
{
	mutex_lock(&guest->lock);
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_guest_lock);

void vfio_ap_sim_guest_unlock(struct vfio_ap_sim_guest *guest)
{
	mutex_unlock(&guest->lock);
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_guest_unlock);

static void sim_history_add(struct vfio_ap_sim_guest *g, bool set)
{
	struct sim_hist *h;

	h = kmalloc_obj(*h);
	if (!h) {
		g->history_lost++;
		return;
	}
	h->set = set;
	memcpy(h->apm, g->apm, sizeof(h->apm));
	memcpy(h->aqm, g->aqm, sizeof(h->aqm));
	memcpy(h->adm, g->adm, sizeof(h->adm));
	list_add_tail(&h->node, &g->history);
	if (++g->history_len > SIM_HISTORY_MAX) {
		h = list_first_entry(&g->history, struct sim_hist, node);
		list_del(&h->node);
		kfree(h);
		g->history_len--;
		g->history_lost++;
	}
}

/*
 * kvm_arch_crypto_set_masks(): format 2 (APXA) takes 256 bits of each mask;
 * formats 0/1 (APCB0) take IDs 0-63 of apm and 0-15 of aqm and adm.
 */
void vfio_ap_sim_guest_set_masks(struct vfio_ap_sim_guest *guest,
				 const unsigned long *apm,
				 const unsigned long *aqm,
				 const unsigned long *adm)
{
	might_sleep();
	lockdep_assert_held(&guest->lock);
	memset(guest->apm, 0, sizeof(guest->apm));
	memset(guest->aqm, 0, sizeof(guest->aqm));
	memset(guest->adm, 0, sizeof(guest->adm));
	if (guest->crycb_format == 2) {
		memcpy(guest->apm, apm, 32);
		memcpy(guest->aqm, aqm, 32);
		memcpy(guest->adm, adm, 32);
	} else {
		memcpy(guest->apm, apm, 8);
		memcpy(guest->aqm, aqm, 2);
		memcpy(guest->adm, adm, 2);
	}
	sim_history_add(guest, true);
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_guest_set_masks);

void vfio_ap_sim_guest_clear_masks(struct vfio_ap_sim_guest *guest)
{
	might_sleep();
	lockdep_assert_held(&guest->lock);
	memset(guest->apm, 0, sizeof(guest->apm));
	memset(guest->aqm, 0, sizeof(guest->aqm));
	memset(guest->adm, 0, sizeof(guest->adm));
	sim_history_add(guest, false);
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_guest_clear_masks);

static struct vfio_ap_sim_guest *sim_guest_alloc(const char *name)
{
	struct vfio_ap_sim_guest *g;

	g = kzalloc_obj(*g);
	if (!g)
		return NULL;
	kref_init(&g->kref);
	__mutex_init(&g->lock, "kvm->lock", &sim_kvm_lock_key);
	INIT_LIST_HEAD(&g->history);
	INIT_LIST_HEAD(&g->node);
	g->crycb_format = sim_apxa ? 2 : 1;
	strscpy(g->name, name, sizeof(g->name));
	return g;
}

/* --- attach and detach ------------------------------------------------------ */

static struct sim_attachment *sim_find_attachment(const guid_t *uuid)
{
	struct sim_attachment *a;

	lockdep_assert_held(&sim_world_lock);
	list_for_each_entry(a, &sim_attachments, node)
		if (guid_equal(&a->uuid, uuid))
			return a;
	return NULL;
}

static void sim_settled(void)
{
	atomic_inc(&sim_world_gen);
	wake_up_all(&sim_world_wq);
}

static int sim_attach(struct vfio_ap_sim_guest *g, const guid_t *uuid)
{
	const struct vfio_ap_sim_hooks *hooks;
	struct sim_attachment *a;
	int rc = 0;

	a = kzalloc_obj(*a);
	if (!a)
		return -ENOMEM;
	a->uuid = *uuid;
	a->guest = g;
	a->state = SIM_ATTACHING;

	mutex_lock(&sim_world_lock);
	if (!sim_hooks || sim_hooks_closing)
		rc = -ENODEV;		/* no driver to open the device */
	else if (g->dying)
		rc = -ENOENT;
	else if (sim_find_attachment(uuid))
		rc = -EBUSY;		/* the vfio device is open already */
	if (rc) {
		mutex_unlock(&sim_world_lock);
		kfree(a);
		return rc;
	}
	hooks = sim_hooks;
	vfio_ap_sim_guest_get(g);
	list_add_tail(&a->node, &sim_attachments);
	mutex_unlock(&sim_world_lock);

	rc = hooks->attach(hooks->ctx, &a->uuid, g);
	if (WARN(rc > 0, "attach hook returned %d\n", rc))
		rc = -EIO;

	mutex_lock(&sim_world_lock);
	if (rc)
		list_del(&a->node);
	else
		a->state = SIM_ATTACHED;
	sim_settled();
	mutex_unlock(&sim_world_lock);
	if (rc) {
		vfio_ap_sim_guest_put(g);
		kfree(a);
	}
	return rc;
}

/*
 * Calls the detach hook for @a (ATTACHED) and frees it. Called and returns
 * with sim_world_lock held; drops it around the hook.
 */
static void sim_detach_locked(struct sim_attachment *a)
{
	const struct vfio_ap_sim_hooks *hooks = sim_hooks;

	lockdep_assert_held(&sim_world_lock);
	a->state = SIM_DETACHING;
	mutex_unlock(&sim_world_lock);
	hooks->detach(hooks->ctx, &a->uuid, a->guest);
	mutex_lock(&sim_world_lock);
	list_del(&a->node);
	sim_settled();
	vfio_ap_sim_guest_put(a->guest);
	kfree(a);
}

static int sim_detach(struct vfio_ap_sim_guest *g, const guid_t *uuid)
{
	struct sim_attachment *a;
	int rc = 0;

	mutex_lock(&sim_world_lock);
	a = sim_find_attachment(uuid);
	if (!a || a->guest != g)
		rc = -ENOENT;
	else if (a->state != SIM_ATTACHED)
		rc = -EBUSY;
	else
		sim_detach_locked(a);
	mutex_unlock(&sim_world_lock);
	return rc;
}

/* Detaches every attachment of @g (all if NULL), waiting for busy ones. */
static void sim_detach_all(struct vfio_ap_sim_guest *g)
{
	struct sim_attachment *a, *found;
	bool busy;
	int gen;

	mutex_lock(&sim_world_lock);
	for (;;) {
		found = NULL;
		busy = false;
		list_for_each_entry(a, &sim_attachments, node) {
			if (g && a->guest != g)
				continue;
			if (a->state == SIM_ATTACHED) {
				found = a;
				break;
			}
			busy = true;
		}
		if (found) {
			sim_detach_locked(found);
			continue;
		}
		if (!busy)
			break;
		gen = atomic_read(&sim_world_gen);
		mutex_unlock(&sim_world_lock);
		wait_event(sim_world_wq, atomic_read(&sim_world_gen) != gen);
		mutex_lock(&sim_world_lock);
	}
	mutex_unlock(&sim_world_lock);
}

int vfio_ap_sim_set_hooks(const struct vfio_ap_sim_hooks *hooks)
{
	int rc = 0;

	if (hooks) {
		if (!hooks->attach || !hooks->detach)
			return -EINVAL;
		rc = READ_ONCE(sim_fail_set_hooks);
		if (rc > 0)
			return -rc;
		rc = 0;
		mutex_lock(&sim_world_lock);
		if (sim_hooks)
			rc = -EBUSY;
		else
			sim_hooks = hooks;
		mutex_unlock(&sim_world_lock);
		return rc;
	}

	mutex_lock(&sim_world_lock);
	if (!sim_hooks || sim_hooks_closing) {
		mutex_unlock(&sim_world_lock);
		return 0;
	}
	sim_hooks_closing = true;	/* no new attachments */
	mutex_unlock(&sim_world_lock);

	sim_detach_all(NULL);

	mutex_lock(&sim_world_lock);
	sim_hooks = NULL;
	sim_hooks_closing = false;
	mutex_unlock(&sim_world_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_set_hooks);

/* --- debugfs: guests/<name>/... --------------------------------------------- */

static ssize_t sim_uuid_write(struct file *file, const char __user *ubuf,
			      size_t count, bool attach)
{
	struct vfio_ap_sim_guest *g = file->private_data;
	char *buf, *s;
	guid_t uuid;
	int rc;

	buf = sim_copy_write(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	s = strim(buf);
	/* guid_parse() does not mind trailing characters; we do. */
	if (strlen(s) != UUID_STRING_LEN || guid_parse(s, &uuid))
		rc = -EINVAL;
	else if (attach)
		rc = sim_attach(g, &uuid);
	else
		rc = sim_detach(g, &uuid);
	kfree(buf);
	return rc ? rc : count;
}

static ssize_t attach_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	return sim_uuid_write(file, ubuf, count, true);
}

static ssize_t detach_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	return sim_uuid_write(file, ubuf, count, false);
}

static const struct file_operations attach_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = attach_write,
	.llseek = noop_llseek,
};

static const struct file_operations detach_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = detach_write,
	.llseek = noop_llseek,
};

static void sim_seq_masks(struct seq_file *m, const unsigned long *apm,
			  const unsigned long *aqm, const unsigned long *adm)
{
	seq_printf(m, "0x%016lx%016lx%016lx%016lx,0x%016lx%016lx%016lx%016lx,0x%016lx%016lx%016lx%016lx\n",
		   apm[0], apm[1], apm[2], apm[3], aqm[0], aqm[1], aqm[2],
		   aqm[3], adm[0], adm[1], adm[2], adm[3]);
}

static int masks_show(struct seq_file *m, void *unused)
{
	struct vfio_ap_sim_guest *g = m->private;

	if (mutex_lock_interruptible(&g->lock))
		return -EINTR;
	sim_seq_masks(m, g->apm, g->aqm, g->adm);
	mutex_unlock(&g->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(masks);

static int history_show(struct seq_file *m, void *unused)
{
	struct vfio_ap_sim_guest *g = m->private;
	struct sim_hist *h;

	if (mutex_lock_interruptible(&g->lock))
		return -EINTR;
	if (g->history_lost)
		seq_printf(m, "# %lu older entries lost\n", g->history_lost);
	list_for_each_entry(h, &g->history, node) {
		if (h->set) {
			seq_puts(m, "set ");
			sim_seq_masks(m, h->apm, h->aqm, h->adm);
		} else {
			seq_puts(m, "clear\n");
		}
	}
	mutex_unlock(&g->lock);
	return 0;
}

/* Any write empties the history. */
static ssize_t history_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct vfio_ap_sim_guest *g =
		((struct seq_file *)file->private_data)->private;
	struct sim_hist *h, *tmp;

	if (mutex_lock_interruptible(&g->lock))
		return -EINTR;
	list_for_each_entry_safe(h, tmp, &g->history, node) {
		list_del(&h->node);
		kfree(h);
	}
	g->history_len = 0;
	g->history_lost = 0;
	mutex_unlock(&g->lock);
	return count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(history);

static int mdevs_show(struct seq_file *m, void *unused)
{
	struct vfio_ap_sim_guest *g = m->private;
	struct sim_attachment *a;

	mutex_lock(&sim_world_lock);
	list_for_each_entry(a, &sim_attachments, node)
		if (a->guest == g && a->state == SIM_ATTACHED)
			seq_printf(m, "%pUl\n", &a->uuid);
	mutex_unlock(&sim_world_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mdevs);

static int refs_show(struct seq_file *m, void *unused)
{
	struct vfio_ap_sim_guest *g = m->private;

	seq_printf(m, "%u\n", kref_read(&g->kref));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(refs);

static int crycb_format_show(struct seq_file *m, void *unused)
{
	struct vfio_ap_sim_guest *g = m->private;

	seq_printf(m, "%d\n", g->crycb_format);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(crycb_format);

/* --- debugfs: guests/new, guests/destroy, hooks ------------------------------ */

static bool sim_valid_name(const char *name)
{
	size_t len = strlen(name), i;

	if (!len || len > SIM_GUEST_NAME_MAX || !strcmp(name, "new") ||
	    !strcmp(name, "destroy") || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_-.", name[i]))
			return false;
	return true;
}

static struct vfio_ap_sim_guest *sim_find_guest(const char *name)
{
	struct vfio_ap_sim_guest *g;

	lockdep_assert_held(&sim_world_lock);
	list_for_each_entry(g, &sim_guests, node)
		if (!strcmp(g->name, name))
			return g;
	return NULL;
}

static int sim_guest_create(const char *name)
{
	struct vfio_ap_sim_guest *g;
	struct dentry *dir;
	int rc = 0;

	if (!sim_valid_name(name))
		return -EINVAL;
	g = sim_guest_alloc(name);
	if (!g)
		return -ENOMEM;

	mutex_lock(&sim_world_lock);
	if (sim_find_guest(name)) {
		rc = -EEXIST;
		goto out;
	}
	dir = debugfs_create_dir(name, sim_guests_dir);
	if (IS_ERR(dir)) {
		rc = PTR_ERR(dir);
		goto out;
	}
	g->dir = dir;
	debugfs_create_file("attach", 0200, dir, g, &attach_fops);
	debugfs_create_file("detach", 0200, dir, g, &detach_fops);
	debugfs_create_file("mdevs", 0444, dir, g, &mdevs_fops);
	debugfs_create_file("masks", 0444, dir, g, &masks_fops);
	debugfs_create_file("history", 0644, dir, g, &history_fops);
	debugfs_create_file("refs", 0444, dir, g, &refs_fops);
	debugfs_create_file("crycb_format", 0444, dir, g, &crycb_format_fops);
	list_add_tail(&g->node, &sim_guests);
	g = NULL;
out:
	mutex_unlock(&sim_world_lock);
	if (g)
		vfio_ap_sim_guest_put(g);
	return rc;
}

/*
 * Destroys a guest: its files go first (debugfs waits for their handlers,
 * so no attach can start or be running), then every attachment is
 * detached, then the simulator drops its reference. The driver may keep
 * the object alive with its own references.
 */
static int sim_guest_destroy(const char *name)
{
	struct vfio_ap_sim_guest *g;

	mutex_lock(&sim_world_lock);
	g = sim_find_guest(name);
	if (!g || g->dying) {
		mutex_unlock(&sim_world_lock);
		return -ENOENT;
	}
	g->dying = true;
	mutex_unlock(&sim_world_lock);

	debugfs_remove(g->dir);
	sim_detach_all(g);

	mutex_lock(&sim_world_lock);
	list_del(&g->node);
	mutex_unlock(&sim_world_lock);
	vfio_ap_sim_guest_put(g);
	return 0;
}

static ssize_t sim_name_write(const char __user *ubuf, size_t count,
			      int (*fn)(const char *name))
{
	char *buf;
	int rc;

	buf = sim_copy_write(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	rc = fn(strim(buf));
	kfree(buf);
	return rc ? rc : count;
}

static ssize_t new_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	return sim_name_write(ubuf, count, sim_guest_create);
}

static ssize_t destroy_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	return sim_name_write(ubuf, count, sim_guest_destroy);
}

static const struct file_operations new_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = new_write,
	.llseek = noop_llseek,
};

static const struct file_operations destroy_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = destroy_write,
	.llseek = noop_llseek,
};

static int hooks_show(struct seq_file *m, void *unused)
{
	bool set;

	mutex_lock(&sim_world_lock);
	set = sim_hooks && !sim_hooks_closing;
	mutex_unlock(&sim_world_lock);
	seq_printf(m, "%s\n", set ? "registered" : "none");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hooks);

void sim_guests_debugfs_init(struct dentry *root)
{
	debugfs_create_file("hooks", 0444, root, NULL, &hooks_fops);
	sim_guests_dir = debugfs_create_dir("guests", root);
	debugfs_create_file("new", 0200, sim_guests_dir, NULL, &new_fops);
	debugfs_create_file("destroy", 0200, sim_guests_dir, NULL,
			    &destroy_fops);
}

/*
 * At unload, after the debugfs tree is gone. The modules using ours are
 * gone too, so they have cleared their hooks and dropped their references;
 * complain loudly if not.
 */
void sim_guests_exit(void)
{
	struct sim_attachment *a, *atmp;
	struct vfio_ap_sim_guest *g, *gtmp;
	unsigned int refs;

	mutex_lock(&sim_world_lock);
	WARN(sim_hooks, "hooks still registered at unload\n");
	sim_hooks = NULL;
	list_for_each_entry_safe(a, atmp, &sim_attachments, node) {
		list_del(&a->node);
		vfio_ap_sim_guest_put(a->guest);
		kfree(a);
	}
	list_for_each_entry_safe(g, gtmp, &sim_guests, node) {
		list_del(&g->node);
		refs = kref_read(&g->kref);
		WARN(refs != 1, "guest %s: %u references leaked\n", g->name,
		     refs - 1);
		vfio_ap_sim_guest_put(g);
	}
	mutex_unlock(&sim_world_lock);
}
