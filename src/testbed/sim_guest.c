// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap_sim: guests, simulated KVM VMs. Each is a real struct kvm, zeroed
 * and with just what vfio_ap and the VFIO core touch set up: the reference
 * count (users_count; the driver and VFIO take kvm_get_kvm references), a
 * kvm->lock (lockdep name "kvm->lock"), the crypto control block with its
 * descriptor, and the PQAP hook with its rwsem. Around it the simulator
 * plays KVM's crypto interfaces (kvm_arch_crypto_set_masks/clear_masks, GISC
 * registration, memslots, the GISA), keeps a history of CRYCB updates, and
 * owns one vCPU that intercepts PQAP(AQIC) the way KVM's handle_pqap() does.
 *
 * A VFIO group or device file is linked to a guest through
 * guests/<name>/vfio_group, as KVM's kvm-vfio device does it
 * (vfio_file_set_kvm), so VFIO sets vdev->kvm and the driver's open_device
 * runs its production path. Guests can also be attached to an mdev UUID
 * through guests/<name>/attach, which calls the driver's attach hook
 * directly (the older shortcut).
 *
 * The simulator holds one reference to each guest until it destroys it, and
 * never drops the last one while others hold theirs (that would call
 * kvm_destroy_vm() on a VM KVM never made): a guest destroyed while still
 * referenced waits on a zombie list and is freed once only the simulator's
 * reference is left.
 *
 * sim_world_lock protects the guest list, the attachments, the hooks and
 * each guest's VFIO files; it is never held while a hook runs. An attachment
 * is ATTACHING while its attach hook runs and DETACHING while its detach
 * hook runs; whoever waits for it to settle sleeps on sim_world_wq.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm_host.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uuid.h>
#include <linux/vfio.h>
#include <linux/wait.h>

#include "sim_internal.h"

#define SIM_GUEST_NAME_MAX 31
#define SIM_HISTORY_MAX 4096
#define SIM_MASK_LONGS BITS_TO_LONGS(AP_DEVICES)
#define SIM_MAX_MEMSLOTS 8
#define SIM_NR_ISCS 8
/* The host ISC the simulated GIB hands out for every guest ISC. */
#define SIM_HOST_ISC 5

/* One set_masks or clear_masks call. */
struct sim_hist {
	struct list_head node;
	bool set;
	unsigned long apm[SIM_MASK_LONGS];
	unsigned long aqm[SIM_MASK_LONGS];
	unsigned long adm[SIM_MASK_LONGS];
};

/* A VFIO group or device file linked to a guest (kvm-vfio's FILE_ADD). */
struct sim_vfio_file {
	struct list_head node;
	struct file *file;		/* a reference */
};

struct sim_memslot {
	u64 gpa;
	u64 size;
};

struct sim_guest {
	struct kvm kvm;			/* users_count, lock, arch.crypto */
	struct kvm_s390_crypto_cb crycb;
	/* The vCPU that intercepts PQAP, with its run area and SIE block. */
	struct kvm_vcpu *vcpu;
	struct kvm_run *run;
	struct kvm_s390_sie_block *sie;
	struct list_head node;		/* in sim_guests or sim_zombies */
	struct dentry *dir;
	bool dying;			/* being destroyed; under sim_world_lock */
	int crycb_format;		/* 2 with APXA, else 1 */
	char name[SIM_GUEST_NAME_MAX + 1];
	struct list_head files;		/* sim_vfio_file; under sim_world_lock */
	/* Under kvm.lock: the CRYCB masks and their history. */
	unsigned long apm[SIM_MASK_LONGS];
	unsigned long aqm[SIM_MASK_LONGS];
	unsigned long adm[SIM_MASK_LONGS];
	struct list_head history;
	unsigned int history_len;
	unsigned long history_lost;
	/* Under state_lock: memslots, GISC registrations, the last PQAP. */
	spinlock_t state_lock;
	struct sim_memslot slots[SIM_MAX_MEMSLOTS];
	unsigned int nr_slots;
	unsigned int gisc_refs[SIM_NR_ISCS];
	int gisc_fail;			/* positive errno: registrations fail */
	int pqap_ret;
	u8 pqap_cc;
	u64 pqap_gr1;
	atomic_t pins;			/* NIB pages the driver holds pinned */
	struct mutex pqap_lock;		/* one PQAP at a time on the vCPU */
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
	struct sim_guest *guest;	/* holds a reference */
	enum sim_att_state state;
};

static DEFINE_MUTEX(sim_world_lock);
static LIST_HEAD(sim_guests);
static LIST_HEAD(sim_zombies);
static LIST_HEAD(sim_attachments);
static const struct vfio_ap_sim_hooks *sim_hooks;
static bool sim_hooks_closing;
static atomic_t sim_world_gen = ATOMIC_INIT(0);	/* bumped when one settles */
static DECLARE_WAIT_QUEUE_HEAD(sim_world_wq);
static struct dentry *sim_guests_dir;
static struct lock_class_key sim_kvm_lock_key;

/* --- the guest object -------------------------------------------------------- */

static struct sim_guest *to_guest(struct kvm *kvm)
{
	return container_of(kvm, struct sim_guest, kvm);
}

static void sim_guest_free(struct sim_guest *g)
{
	struct sim_hist *h, *tmp;

	list_for_each_entry_safe(h, tmp, &g->history, node)
		kfree(h);
	mutex_destroy(&g->kvm.lock);
	mutex_destroy(&g->pqap_lock);
	kfree(g->sie);
	kfree(g->run);
	kfree(g->vcpu);
	kfree(g);
}

/* A reference of the simulator's own (kvm_get_kvm). */
static void sim_guest_ref(struct sim_guest *g)
{
	kvm_get_kvm(&g->kvm);
}

/*
 * Drops a reference the simulator took with sim_guest_ref(): never the
 * last one, which only sim_guest_destroy()/sim_reap_zombies() release.
 */
static void sim_guest_unref(struct sim_guest *g)
{
	WARN_ON(refcount_dec_and_test(&g->kvm.users_count));
}

static void sim_history_add(struct sim_guest *g, bool set)
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
 * kvm_arch_crypto_set_masks(): format 2 (APXA) takes 256 bits of each mask
 * into APCB1; formats 0/1 take IDs 0-63 of apm and 0-15 of aqm and adm into
 * APCB0.
 */
void vfio_ap_sim_crypto_set_masks(struct kvm *kvm, const unsigned long *apm,
				  const unsigned long *aqm,
				  const unsigned long *adm)
{
	struct sim_guest *g = to_guest(kvm);

	might_sleep();
	lockdep_assert_held(&kvm->lock);
	memset(g->apm, 0, sizeof(g->apm));
	memset(g->aqm, 0, sizeof(g->aqm));
	memset(g->adm, 0, sizeof(g->adm));
	memset(&g->crycb.apcb0, 0, sizeof(g->crycb.apcb0));
	memset(&g->crycb.apcb1, 0, sizeof(g->crycb.apcb1));
	if (g->crycb_format == 2) {
		memcpy(g->apm, apm, 32);
		memcpy(g->aqm, aqm, 32);
		memcpy(g->adm, adm, 32);
		memcpy(g->crycb.apcb1.apm, apm, 32);
		memcpy(g->crycb.apcb1.aqm, aqm, 32);
		memcpy(g->crycb.apcb1.adm, adm, 32);
	} else {
		memcpy(g->apm, apm, 8);
		memcpy(g->aqm, aqm, 2);
		memcpy(g->adm, adm, 2);
		memcpy(g->crycb.apcb0.apm, apm, 8);
		memcpy(g->crycb.apcb0.aqm, aqm, 2);
		memcpy(g->crycb.apcb0.adm, adm, 2);
	}
	sim_history_add(g, true);
	sim_machine_trace_event(SIM_EV_CRYCB, g->apm[0]);
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_crypto_set_masks);

void vfio_ap_sim_crypto_clear_masks(struct kvm *kvm)
{
	struct sim_guest *g = to_guest(kvm);

	might_sleep();
	lockdep_assert_held(&kvm->lock);
	memset(g->apm, 0, sizeof(g->apm));
	memset(g->aqm, 0, sizeof(g->aqm));
	memset(g->adm, 0, sizeof(g->adm));
	memset(&g->crycb.apcb0, 0, sizeof(g->crycb.apcb0));
	memset(&g->crycb.apcb1, 0, sizeof(g->crycb.apcb1));
	sim_history_add(g, false);
	sim_machine_trace_event(SIM_EV_CRYCB, 0);
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_crypto_clear_masks);

int vfio_ap_sim_gisc_register(struct kvm *kvm, u32 gisc)
{
	struct sim_guest *g = to_guest(kvm);
	int rc = SIM_HOST_ISC;

	if (gisc >= SIM_NR_ISCS)
		return -ERANGE;
	spin_lock(&g->state_lock);
	if (g->gisc_fail > 0)
		rc = -g->gisc_fail;
	else
		g->gisc_refs[gisc]++;
	spin_unlock(&g->state_lock);
	if (rc >= 0)
		sim_machine_trace_event(SIM_EV_GISC_REG, gisc);
	return rc;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_gisc_register);

int vfio_ap_sim_gisc_unregister(struct kvm *kvm, u32 gisc)
{
	struct sim_guest *g = to_guest(kvm);
	int rc = 0;

	if (gisc >= SIM_NR_ISCS)
		return -ERANGE;
	spin_lock(&g->state_lock);
	if (!g->gisc_refs[gisc])
		rc = -EINVAL;
	else
		g->gisc_refs[gisc]--;
	spin_unlock(&g->state_lock);
	if (!rc)
		sim_machine_trace_event(SIM_EV_GISC_UNREG, gisc);
	return rc;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_gisc_unregister);

bool vfio_ap_sim_gpa_in_memslot(struct kvm *kvm, u64 gpa)
{
	struct sim_guest *g = to_guest(kvm);
	bool found = false;
	unsigned int i;

	spin_lock(&g->state_lock);
	for (i = 0; i < g->nr_slots; i++)
		if (gpa >= g->slots[i].gpa &&
		    gpa - g->slots[i].gpa < g->slots[i].size)
			found = true;
	spin_unlock(&g->state_lock);
	return found;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_gpa_in_memslot);

/* A stable made-up GISA origin >> 4 (27 bits) per guest. */
static u32 sim_gisa(struct sim_guest *g)
{
	return (virt_to_phys(g) >> 4) & 0x07ffffff;
}

u32 vfio_ap_sim_gisa(struct kvm *kvm)
{
	return sim_gisa(to_guest(kvm));
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_gisa);

void vfio_ap_sim_note_pin(struct kvm *kvm, u64 iova, bool pinned)
{
	struct sim_guest *g = to_guest(kvm);

	if (pinned)
		atomic_inc(&g->pins);
	else
		WARN_ON(atomic_dec_return(&g->pins) < 0);
	sim_machine_trace_event(pinned ? SIM_EV_PIN : SIM_EV_UNPIN, iova);
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_note_pin);

static struct lock_class_key sim_pqap_key;

/* The CRYCB descriptor, as kvm_s390_set_crycb_format() makes it. */
static u32 sim_crycbd(struct sim_guest *g)
{
	return (u32)virt_to_phys(&g->crycb) |
	       (sim_apxa ? CRYCB_FORMAT2 : CRYCB_FORMAT1);
}

static struct sim_guest *sim_guest_alloc(const char *name)
{
	struct sim_guest *g;

	g = kzalloc_obj(*g);
	if (!g)
		return NULL;
	g->vcpu = kzalloc_obj(*g->vcpu);
	g->run = kzalloc_obj(*g->run);
	g->sie = kzalloc_obj(*g->sie);
	INIT_LIST_HEAD(&g->history);
	INIT_LIST_HEAD(&g->node);
	INIT_LIST_HEAD(&g->files);
	__mutex_init(&g->kvm.lock, "kvm->lock", &sim_kvm_lock_key);
	__mutex_init(&g->pqap_lock, "vcpu->mutex", &sim_pqap_key);
	if (!g->vcpu || !g->run || !g->sie) {
		sim_guest_free(g);
		return NULL;
	}
	refcount_set(&g->kvm.users_count, 1);
	init_rwsem(&g->kvm.arch.crypto.pqap_hook_rwsem);
	g->crycb_format = sim_apxa ? 2 : 1;
	g->kvm.arch.crypto.crycb = &g->crycb;
	g->kvm.arch.crypto.crycbd = sim_crycbd(g);
	g->vcpu->kvm = &g->kvm;
	g->vcpu->run = g->run;
	g->vcpu->arch.sie_block = g->sie;
	g->sie->eca = ECA_AIV | ECA_APIE;
	spin_lock_init(&g->state_lock);
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

static int sim_attach(struct sim_guest *g, const guid_t *uuid)
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
	sim_guest_ref(g);
	list_add_tail(&a->node, &sim_attachments);
	mutex_unlock(&sim_world_lock);

	rc = hooks->attach(hooks->ctx, &a->uuid, &g->kvm);
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
		sim_guest_unref(g);
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
	hooks->detach(hooks->ctx, &a->uuid, &a->guest->kvm);
	mutex_lock(&sim_world_lock);
	list_del(&a->node);
	sim_settled();
	sim_guest_unref(a->guest);
	kfree(a);
}

static int sim_detach(struct sim_guest *g, const guid_t *uuid)
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
static void sim_detach_all(struct sim_guest *g)
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
	struct sim_guest *g = file->private_data;
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
	struct sim_guest *g = m->private;

	if (mutex_lock_interruptible(&g->kvm.lock))
		return -EINTR;
	sim_seq_masks(m, g->apm, g->aqm, g->adm);
	mutex_unlock(&g->kvm.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(masks);

static int history_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;
	struct sim_hist *h;

	if (mutex_lock_interruptible(&g->kvm.lock))
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
	mutex_unlock(&g->kvm.lock);
	return 0;
}

/* Any write empties the history. */
static ssize_t history_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct sim_guest *g =
		((struct seq_file *)file->private_data)->private;
	struct sim_hist *h, *tmp;

	if (mutex_lock_interruptible(&g->kvm.lock))
		return -EINTR;
	list_for_each_entry_safe(h, tmp, &g->history, node) {
		list_del(&h->node);
		kfree(h);
	}
	g->history_len = 0;
	g->history_lost = 0;
	mutex_unlock(&g->kvm.lock);
	return count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(history);

static int mdevs_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;
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
	struct sim_guest *g = m->private;

	seq_printf(m, "%u\n", refcount_read(&g->kvm.users_count));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(refs);

static int crycb_format_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;

	seq_printf(m, "%d\n", g->crycb_format);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(crycb_format);

/* --- debugfs: the VM's KVM side ----------------------------------------------- */

/* Links (add) or unlinks (del) a VFIO file of the writer's, by fd number. */
static int sim_vfio_file_cmd(struct sim_guest *g, char *cmd)
{
	char *op = strsep(&cmd, " \t");
	struct sim_vfio_file *e, *found = NULL;
	struct file *file;
	int fd, rc = 0;

	if (!op || !cmd || kstrtoint(strim(cmd), 10, &fd) || fd < 0)
		return -EINVAL;
	file = fget(fd);
	if (!file)
		return -EBADF;
	mutex_lock(&sim_world_lock);
	list_for_each_entry(e, &g->files, node)
		if (e->file == file)
			found = e;
	if (!strcmp(op, "add")) {
		if (found) {
			rc = -EEXIST;
		} else if (!vfio_file_is_valid(file)) {
			rc = -EINVAL;
		} else {
			e = kzalloc_obj(*e);
			if (!e) {
				rc = -ENOMEM;
			} else {
				e->file = get_file(file);
				vfio_file_set_kvm(file, &g->kvm);
				list_add_tail(&e->node, &g->files);
			}
		}
	} else if (!strcmp(op, "del")) {
		if (!found) {
			rc = -ENOENT;
		} else {
			vfio_file_set_kvm(found->file, NULL);
			list_del(&found->node);
			fput(found->file);
			kfree(found);
		}
	} else {
		rc = -EINVAL;
	}
	mutex_unlock(&sim_world_lock);
	fput(file);
	return rc;
}

/* Unlinks every VFIO file of @g, as destroying a VM does. */
static void sim_vfio_files_drop(struct sim_guest *g)
{
	struct sim_vfio_file *e, *tmp;

	lockdep_assert_held(&sim_world_lock);
	list_for_each_entry_safe(e, tmp, &g->files, node) {
		vfio_file_set_kvm(e->file, NULL);
		list_del(&e->node);
		fput(e->file);
		kfree(e);
	}
}

static int vfio_group_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;
	struct sim_vfio_file *e;
	unsigned int n = 0;

	mutex_lock(&sim_world_lock);
	list_for_each_entry(e, &g->files, node)
		n++;
	mutex_unlock(&sim_world_lock);
	seq_printf(m, "%u\n", n);
	return 0;
}

static ssize_t vfio_group_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct sim_guest *g =
		((struct seq_file *)file->private_data)->private;
	char *buf;
	int rc;

	buf = sim_copy_write(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	rc = sim_vfio_file_cmd(g, strim(buf));
	kfree(buf);
	return rc ? rc : count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(vfio_group);

/*
 * One intercepted PQAP on the guest's vCPU, as KVM's handle_pqap() handles
 * it: only AQIC (function code 3) is intercepted; bits 41-47 of GR0 must be
 * 0; the hook runs with the vCPU's mutex and the hook rwsem (read) held and
 * the condition code is 3 when GR1 then holds a non-zero response code;
 * without a hook the guest gets response code 01 and condition code 3.
 */
static int sim_pqap(struct sim_guest *g, u64 gr0, u64 gr1, u64 gr2)
{
	struct ap_queue_status status = { .response_code = 0x01 };
	struct kvm *kvm = &g->kvm;
	crypto_hook hook;
	int ret = 0;
	u8 cc;

	if (((gr0 >> 24) & 0xff) != 0x03 || (gr0 & 0x007f0000UL))
		return -EINVAL;
	mutex_lock(&g->pqap_lock);
	g->run->s.regs.gprs[0] = gr0;
	g->run->s.regs.gprs[1] = gr1;
	g->run->s.regs.gprs[2] = gr2;
	down_read(&kvm->arch.crypto.pqap_hook_rwsem);
	if (kvm->arch.crypto.pqap_hook) {
		hook = *kvm->arch.crypto.pqap_hook;
		ret = hook(g->vcpu);
		cc = (g->run->s.regs.gprs[1] & 0x00ff0000) ? 3 : 0;
	} else {
		memcpy(&g->run->s.regs.gprs[1], &status, sizeof(status));
		cc = 3;
	}
	up_read(&kvm->arch.crypto.pqap_hook_rwsem);
	spin_lock(&g->state_lock);
	g->pqap_ret = ret;
	g->pqap_cc = ret ? 0 : cc;
	g->pqap_gr1 = g->run->s.regs.gprs[1];
	spin_unlock(&g->state_lock);
	mutex_unlock(&g->pqap_lock);
	return ret;
}

static int pqap_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;

	spin_lock(&g->state_lock);
	seq_printf(m, "ret=%d cc=%u gr1=0x%016llx\n", g->pqap_ret, g->pqap_cc,
		   g->pqap_gr1);
	spin_unlock(&g->state_lock);
	return 0;
}

/* "<gr0> <gr1> <gr2>" (C notation); the hook's error fails the write. */
static ssize_t pqap_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	struct sim_guest *g =
		((struct seq_file *)file->private_data)->private;
	char *buf, *s, *tok[3];
	u64 gr[3];
	int i, rc = 0;

	buf = sim_copy_write(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	s = strim(buf);
	for (i = 0; i < 3; i++) {
		do {
			tok[i] = strsep(&s, " \t");
		} while (tok[i] && !*tok[i]);
		if (!tok[i] || kstrtou64(tok[i], 0, &gr[i]))
			rc = -EINVAL;
	}
	if (!rc && s && *strim(s))
		rc = -EINVAL;
	if (!rc)
		rc = sim_pqap(g, gr[0], gr[1], gr[2]);
	kfree(buf);
	return rc ? rc : count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(pqap);

static int memslots_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;
	struct sim_memslot slots[SIM_MAX_MEMSLOTS];
	unsigned int i, n;

	spin_lock(&g->state_lock);
	n = g->nr_slots;
	memcpy(slots, g->slots, sizeof(slots));
	spin_unlock(&g->state_lock);
	for (i = 0; i < n; i++)
		seq_printf(m, "0x%llx 0x%llx\n", slots[i].gpa, slots[i].size);
	return 0;
}

/* "<gpa> <size>" adds a memslot; "clear" removes them all. */
static ssize_t memslots_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct sim_guest *g =
		((struct seq_file *)file->private_data)->private;
	char *buf, *s, *a, *b;
	u64 gpa, size;
	int rc = 0;

	buf = sim_copy_write(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	s = strim(buf);
	if (!strcmp(s, "clear")) {
		spin_lock(&g->state_lock);
		g->nr_slots = 0;
		spin_unlock(&g->state_lock);
		goto out;
	}
	a = strsep(&s, " \t");
	b = s ? strim(s) : NULL;
	if (!a || !b || kstrtou64(a, 0, &gpa) || kstrtou64(b, 0, &size) ||
	    !size || gpa + size < gpa) {
		rc = -EINVAL;
		goto out;
	}
	spin_lock(&g->state_lock);
	if (g->nr_slots == SIM_MAX_MEMSLOTS) {
		rc = -ENOSPC;
	} else {
		g->slots[g->nr_slots].gpa = gpa;
		g->slots[g->nr_slots].size = size;
		g->nr_slots++;
	}
	spin_unlock(&g->state_lock);
out:
	kfree(buf);
	return rc ? rc : count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(memslots);

/* "refs=<isc0> ... <isc7> host_isc=5 fail=0" */
static int gisc_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;
	unsigned int refs[SIM_NR_ISCS], i;
	int fail;

	spin_lock(&g->state_lock);
	memcpy(refs, g->gisc_refs, sizeof(refs));
	fail = g->gisc_fail;
	spin_unlock(&g->state_lock);
	seq_puts(m, "refs=");
	for (i = 0; i < SIM_NR_ISCS; i++)
		seq_printf(m, "%s%u", i ? "," : "", refs[i]);
	seq_printf(m, " host_isc=%d fail=%d\n", SIM_HOST_ISC, fail);
	return 0;
}

/* "fail=<errno>": registrations fail with it while positive. */
static ssize_t gisc_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	struct sim_guest *g =
		((struct seq_file *)file->private_data)->private;
	char *buf, *s;
	int fail, rc = 0;

	buf = sim_copy_write(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	s = strim(buf);
	if (strncmp(s, "fail=", 5) || kstrtoint(s + 5, 0, &fail) || fail < 0) {
		rc = -EINVAL;
	} else {
		spin_lock(&g->state_lock);
		g->gisc_fail = fail;
		spin_unlock(&g->state_lock);
	}
	kfree(buf);
	return rc ? rc : count;
}
DEFINE_SHOW_STORE_ATTRIBUTE(gisc);

static int pins_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;

	seq_printf(m, "%d\n", atomic_read(&g->pins));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pins);

static int gisa_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;

	seq_printf(m, "0x%07x\n", sim_gisa(g));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(gisa);

static int hook_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;
	bool set;

	down_read(&g->kvm.arch.crypto.pqap_hook_rwsem);
	set = g->kvm.arch.crypto.pqap_hook != NULL;
	up_read(&g->kvm.arch.crypto.pqap_hook_rwsem);
	seq_printf(m, "%s\n", set ? "set" : "none");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hook);

/* The AIV facility for the vCPU (ECA_AIV): 1 or 0. */
static int aiv_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;

	seq_printf(m, "%d\n", !!(READ_ONCE(g->sie->eca) & ECA_AIV));
	return 0;
}

/* A boolean write to one of @file's guest's settings: @set applies it. */
static ssize_t sim_bool_write(struct file *file, const char __user *ubuf,
			      size_t count, void (*set)(struct sim_guest *, bool))
{
	struct sim_guest *g =
		((struct seq_file *)file->private_data)->private;
	bool on;
	int rc;

	rc = kstrtobool_from_user(ubuf, count, &on);
	if (rc)
		return rc;
	set(g, on);
	return count;
}

static void sim_set_aiv(struct sim_guest *g, bool on)
{
	mutex_lock(&g->pqap_lock);
	g->sie->eca = on ? (g->sie->eca | ECA_AIV) : (g->sie->eca & ~ECA_AIV);
	mutex_unlock(&g->pqap_lock);
}

static ssize_t aiv_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	return sim_bool_write(file, ubuf, count, sim_set_aiv);
}
DEFINE_SHOW_STORE_ATTRIBUTE(aiv);

/*
 * Whether the VM has a crypto control block (crycbd != 0): 1 or 0. Without
 * one, 7.3 opens the device but attaches nothing.
 */
static int crypto_show(struct seq_file *m, void *unused)
{
	struct sim_guest *g = m->private;

	seq_printf(m, "%d\n", READ_ONCE(g->kvm.arch.crypto.crycbd) != 0);
	return 0;
}

static void sim_set_crypto(struct sim_guest *g, bool on)
{
	mutex_lock(&g->kvm.lock);
	g->kvm.arch.crypto.crycbd = on ? sim_crycbd(g) : 0;
	mutex_unlock(&g->kvm.lock);
}

static ssize_t crypto_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	return sim_bool_write(file, ubuf, count, sim_set_crypto);
}
DEFINE_SHOW_STORE_ATTRIBUTE(crypto);

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

static struct sim_guest *sim_find_guest(const char *name)
{
	struct sim_guest *g;

	lockdep_assert_held(&sim_world_lock);
	list_for_each_entry(g, &sim_guests, node)
		if (!strcmp(g->name, name))
			return g;
	return NULL;
}

/*
 * Frees the zombies only the simulator still references. Called with
 * sim_world_lock held.
 */
static void sim_reap_zombies(void)
{
	struct sim_guest *g, *tmp;

	lockdep_assert_held(&sim_world_lock);
	list_for_each_entry_safe(g, tmp, &sim_zombies, node) {
		if (refcount_read(&g->kvm.users_count) != 1)
			continue;
		list_del(&g->node);
		sim_guest_free(g);
	}
}

static int sim_guest_create(const char *name)
{
	struct sim_guest *g;
	struct dentry *dir;
	int rc = 0;

	if (!sim_valid_name(name))
		return -EINVAL;
	g = sim_guest_alloc(name);
	if (!g)
		return -ENOMEM;

	mutex_lock(&sim_world_lock);
	sim_reap_zombies();
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
	debugfs_create_file("vfio_group", 0644, dir, g, &vfio_group_fops);
	debugfs_create_file("pqap", 0644, dir, g, &pqap_fops);
	debugfs_create_file("memslots", 0644, dir, g, &memslots_fops);
	debugfs_create_file("gisc", 0644, dir, g, &gisc_fops);
	debugfs_create_file("pins", 0444, dir, g, &pins_fops);
	debugfs_create_file("gisa", 0444, dir, g, &gisa_fops);
	debugfs_create_file("hook", 0444, dir, g, &hook_fops);
	debugfs_create_file("aiv", 0644, dir, g, &aiv_fops);
	debugfs_create_file("crypto", 0644, dir, g, &crypto_fops);
	list_add_tail(&g->node, &sim_guests);
	g = NULL;
out:
	mutex_unlock(&sim_world_lock);
	if (g)
		sim_guest_free(g);
	return rc;
}

/*
 * Destroys a guest: its files go first (debugfs waits for their handlers,
 * so no attach can start or be running), then every attachment is
 * detached and every VFIO file unlinked; the guest is freed once only the
 * simulator references it (a VFIO device still open holds a reference
 * until it is closed).
 */
static int sim_guest_destroy(const char *name)
{
	struct sim_guest *g;

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
	sim_vfio_files_drop(g);
	list_move_tail(&g->node, &sim_zombies);
	sim_reap_zombies();
	mutex_unlock(&sim_world_lock);
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
	struct sim_guest *g, *gtmp;
	unsigned int refs;

	mutex_lock(&sim_world_lock);
	WARN(sim_hooks, "hooks still registered at unload\n");
	sim_hooks = NULL;
	list_for_each_entry_safe(a, atmp, &sim_attachments, node) {
		list_del(&a->node);
		sim_guest_unref(a->guest);
		kfree(a);
	}
	list_for_each_entry_safe(g, gtmp, &sim_guests, node) {
		sim_vfio_files_drop(g);
		list_move_tail(&g->node, &sim_zombies);
	}
	sim_reap_zombies();
	/* What is left is referenced by someone else: leak it, loudly. */
	list_for_each_entry_safe(g, gtmp, &sim_zombies, node) {
		refs = refcount_read(&g->kvm.users_count);
		WARN(1, "guest %s: %u references leaked\n", g->name, refs - 1);
		list_del(&g->node);
	}
	mutex_unlock(&sim_world_lock);
}
