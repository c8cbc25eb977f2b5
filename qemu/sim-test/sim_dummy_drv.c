// SPDX-License-Identifier: GPL-2.0
/*
 * sim_dummy_drv: a dummy AP driver on the simulated AP bus of vfio_ap_sim.ko,
 * to test the simulator without vfio_ap. It binds the queues of CEX4..CEX8
 * adapters and logs every callback on one greppable line, "sim_dummy: ...":
 *
 *   probe XX.YYYY type=T            remove XX.YYYY
 *   in_use apm=<ids> aqm=<ids> rc=R
 *   on_config_changed apm=.. aqm=.. adm=.. old_apm=.. old_aqm=.. old_adm=..
 *   on_scan_complete (the same)
 *   zapq XX.YYYY rc=0xRR            tapq XX.YYYY rc=0xRR at=T
 *   reset XX.YYYY zapqs=N busy_polls=M rc=0xRR
 *   attach <uuid> rc=R              detach <uuid>
 *
 * <ids> are ranges such as "0-255" or "4,5", "none" when empty. Parameters
 * (in /sys/module/sim_dummy_drv/parameters/ where writable):
 *
 *   busy_apqn=N         in_use answers -EADDRINUSE for APQN N (e.g. 0x0404)
 *   zapq_on_probe=1     ZAPQ each queue in probe
 *   zapq, tapq, reset   write "XX.YYYY": issue a ZAPQ, a TAPQ with the T bit,
 *                       or ZAPQ (retried while busy) and TAPQ until the reset
 *                       is no longer in progress
 *   hooks=1             register attach/detach hooks at load; attach sets the
 *                       guest's masks to guest_apm/guest_aqm/guest_adm
 *                       (apmask syntax), -EPERM if the guest is attached
 *                       already; detach clears them
 *   attach_errno=N      attach fails with -N, doing nothing
 */
#define pr_fmt(fmt) "sim_dummy: " fmt

#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/kvm_host.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uuid.h>

#include "ap_bus.h"
#include "sim.h"

static int busy_apqn = -1;
module_param(busy_apqn, int, 0644);
MODULE_PARM_DESC(busy_apqn, "APQN that in_use reports in use (-1: none)");

static bool zapq_on_probe;
module_param(zapq_on_probe, bool, 0644);
MODULE_PARM_DESC(zapq_on_probe, "ZAPQ each queue in probe");

static bool hooks;
module_param(hooks, bool, 0444);
MODULE_PARM_DESC(hooks, "Register guest attach/detach hooks");

static int attach_errno;
module_param(attach_errno, int, 0644);
MODULE_PARM_DESC(attach_errno, "Make attach fail with -attach_errno");

static char *guest_apm = "0x0";
module_param(guest_apm, charp, 0444);
MODULE_PARM_DESC(guest_apm, "apm set on attach (apmask syntax)");

static char *guest_aqm = "0x0";
module_param(guest_aqm, charp, 0444);
MODULE_PARM_DESC(guest_aqm, "aqm set on attach (apmask syntax)");

static char *guest_adm = "0x0";
module_param(guest_adm, charp, 0444);
MODULE_PARM_DESC(guest_adm, "adm set on attach (apmask syntax)");

static DECLARE_BITMAP(attach_apm, AP_DEVICES);
static DECLARE_BITMAP(attach_aqm, AP_DOMAINS);
static DECLARE_BITMAP(attach_adm, AP_DOMAINS);

/* Attached guests; dummy_lock plays vfio_ap's guests_lock. */
struct dummy_att {
	struct list_head node;
	guid_t uuid;
	struct kvm *guest;
};

static DEFINE_MUTEX(dummy_lock);
static LIST_HEAD(dummy_atts);
static bool hooks_registered;

/* "4,5", "0-255" or "none" for an MSB-0 bitmap of 256 bits. */
static void dummy_fmt_ids(char *buf, size_t size, const unsigned long *bm)
{
	unsigned int id = 0, end;
	size_t len = 0;

	buf[0] = '\0';
	while (id < AP_DEVICES) {
		if (!test_bit_inv(id, bm)) {
			id++;
			continue;
		}
		end = id;
		while (end + 1 < AP_DEVICES && test_bit_inv(end + 1, bm))
			end++;
		if (end == id)
			len += scnprintf(buf + len, size - len, "%s%u",
					 len ? "," : "", id);
		else
			len += scnprintf(buf + len, size - len, "%s%u-%u",
					 len ? "," : "", id, end);
		id = end + 1;
	}
	if (!len)
		strscpy(buf, "none", size);
}

#define IDS_LEN 1024

static void dummy_log_config(const char *what, struct ap_config_info *cur,
			     struct ap_config_info *old)
{
	static const char *const names[] = { "apm", "aqm", "adm" };
	unsigned int *masks[] = { cur->apm, cur->aqm, cur->adm,
				  old->apm, old->aqm, old->adm };
	char *buf, *ids;
	size_t len = 0;
	int i;

	buf = kmalloc(IDS_LEN * 2, GFP_KERNEL);
	if (!buf)
		return;
	ids = buf + IDS_LEN;
	for (i = 0; i < 6; i++) {
		dummy_fmt_ids(ids, IDS_LEN, (unsigned long *)masks[i]);
		len += scnprintf(buf + len, IDS_LEN - len, "%s%s%s=%s",
				 i ? " " : "", i < 3 ? "" : "old_",
				 names[i % 3], ids);
	}
	pr_info("%s %s\n", what, buf);
	kfree(buf);
}

static u8 rc_of(u32 status)
{
	struct ap_queue_status st = { .value = status };

	return st.response_code;
}

static int dummy_probe(struct ap_device *apdev)
{
	struct ap_queue *aq = to_ap_queue(&apdev->device);

	pr_info("probe %02x.%04x type=%d\n", AP_QID_CARD(aq->qid),
		AP_QID_QUEUE(aq->qid), apdev->device_type);
	if (zapq_on_probe)
		pr_info("zapq %02x.%04x rc=0x%02x\n", AP_QID_CARD(aq->qid),
			AP_QID_QUEUE(aq->qid), rc_of(vfio_ap_sim_zapq(aq->qid)));
	return 0;
}

static void dummy_remove(struct ap_device *apdev)
{
	struct ap_queue *aq = to_ap_queue(&apdev->device);

	pr_info("remove %02x.%04x\n", AP_QID_CARD(aq->qid),
		AP_QID_QUEUE(aq->qid));
}

static int dummy_in_use(unsigned long *apm, unsigned long *aqm)
{
	char *a, *q;
	int rc = 0;

	lockdep_assert_held(&ap_attr_mutex);
	if (busy_apqn >= 0 && test_bit_inv(AP_QID_CARD(busy_apqn), apm) &&
	    test_bit_inv(AP_QID_QUEUE(busy_apqn), aqm))
		rc = -EADDRINUSE;
	a = kmalloc(IDS_LEN * 2, GFP_KERNEL);
	if (a) {
		q = a + IDS_LEN;
		dummy_fmt_ids(a, IDS_LEN, apm);
		dummy_fmt_ids(q, IDS_LEN, aqm);
		pr_info("in_use apm=%s aqm=%s rc=%d\n", a, q, rc);
		kfree(a);
	}
	return rc;
}

static void dummy_on_config_changed(struct ap_config_info *cur,
				    struct ap_config_info *old)
{
	dummy_log_config("on_config_changed", cur, old);
}

static void dummy_on_scan_complete(struct ap_config_info *cur,
				   struct ap_config_info *old)
{
	dummy_log_config("on_scan_complete", cur, old);
}

static struct ap_device_id dummy_ids[] = {
	{ .dev_type = AP_DEVICE_TYPE_CEX4,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX5,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX6,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX7,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ .dev_type = AP_DEVICE_TYPE_CEX8,
	  .match_flags = AP_DEVICE_ID_MATCH_QUEUE_TYPE },
	{ /* end of list */ },
};

static struct ap_driver dummy_drv = {
	.probe = dummy_probe,
	.remove = dummy_remove,
	.in_use = dummy_in_use,
	.on_config_changed = dummy_on_config_changed,
	.on_scan_complete = dummy_on_scan_complete,
	.ids = dummy_ids,
};

/* --- instructions on demand ------------------------------------------------- */

static int dummy_parse_apqn(const char *val, u16 *qid)
{
	unsigned int apid, apqi;
	char buf[16], *dot;

	strscpy(buf, val, sizeof(buf));
	dot = strchr(strim(buf), '.');
	if (!dot)
		return -EINVAL;
	*dot++ = '\0';
	if (kstrtouint(strim(buf), 16, &apid) || kstrtouint(dot, 16, &apqi) ||
	    apid > 255 || apqi > 255)
		return -EINVAL;
	*qid = AP_MKQID(apid, apqi);
	return 0;
}

static int zapq_set(const char *val, const struct kernel_param *kp)
{
	u16 qid;

	if (dummy_parse_apqn(val, &qid))
		return -EINVAL;
	pr_info("zapq %02x.%04x rc=0x%02x\n", AP_QID_CARD(qid),
		AP_QID_QUEUE(qid), rc_of(vfio_ap_sim_zapq(qid)));
	return 0;
}

static int tapq_set(const char *val, const struct kernel_param *kp)
{
	struct ap_tapq_hwinfo hw;
	u64 info;
	u32 status;
	u16 qid;

	if (dummy_parse_apqn(val, &qid))
		return -EINVAL;
	status = vfio_ap_sim_tapq(qid, true, &info);
	hw.value = info;
	pr_info("tapq %02x.%04x rc=0x%02x at=%u\n", AP_QID_CARD(qid),
		AP_QID_QUEUE(qid), rc_of(status), hw.at);
	return 0;
}

/* As vfio_ap resets: ZAPQ until not busy, then TAPQ until not 02. */
static int reset_set(const char *val, const struct kernel_param *kp)
{
	unsigned int zapqs = 0, polls = 0;
	u8 rc;
	u16 qid;

	if (dummy_parse_apqn(val, &qid))
		return -EINVAL;
	do {
		rc = rc_of(vfio_ap_sim_zapq(qid));
		zapqs++;
	} while (rc == AP_RESPONSE_BUSY && zapqs < 100);
	if (rc == AP_RESPONSE_NORMAL || rc == AP_RESPONSE_RESET_IN_PROGRESS) {
		while (polls < 1000) {
			rc = rc_of(vfio_ap_sim_tapq(qid, false, NULL));
			if (rc != AP_RESPONSE_RESET_IN_PROGRESS)
				break;
			polls++;
			usleep_range(100, 200);
		}
	}
	pr_info("reset %02x.%04x zapqs=%u busy_polls=%u rc=0x%02x\n",
		AP_QID_CARD(qid), AP_QID_QUEUE(qid), zapqs, polls, rc);
	return 0;
}

static const struct kernel_param_ops zapq_ops = { .set = zapq_set };
static const struct kernel_param_ops tapq_ops = { .set = tapq_set };
static const struct kernel_param_ops reset_ops = { .set = reset_set };
module_param_cb(zapq, &zapq_ops, NULL, 0200);
MODULE_PARM_DESC(zapq, "Write XX.YYYY: issue a ZAPQ");
module_param_cb(tapq, &tapq_ops, NULL, 0200);
MODULE_PARM_DESC(tapq, "Write XX.YYYY: issue a TAPQ with the T bit");
module_param_cb(reset, &reset_ops, NULL, 0200);
MODULE_PARM_DESC(reset, "Write XX.YYYY: reset the queue, vfio_ap style");

/* --- guest hooks ----------------------------------------------------------------- */

static int dummy_attach(void *ctx, const guid_t *uuid,
			struct kvm *guest)
{
	struct dummy_att *a;
	int rc = 0;

	if (attach_errno) {
		rc = -abs(attach_errno);
		pr_info("attach %pUl rc=%d\n", uuid, rc);
		return rc;
	}
	mutex_lock(&dummy_lock);
	list_for_each_entry(a, &dummy_atts, node) {
		if (a->guest == guest) {
			rc = -EPERM;	/* as vfio_ap: one mdev per guest */
			goto out;
		}
	}
	a = kzalloc_obj(*a);
	if (!a) {
		rc = -ENOMEM;
		goto out;
	}
	a->uuid = *uuid;
	a->guest = guest;
	kvm_get_kvm(guest);
	mutex_lock(&guest->lock);
	vfio_ap_sim_crypto_set_masks(guest, attach_apm, attach_aqm, attach_adm);
	mutex_unlock(&guest->lock);
	list_add_tail(&a->node, &dummy_atts);
out:
	mutex_unlock(&dummy_lock);
	pr_info("attach %pUl rc=%d\n", uuid, rc);
	return rc;
}

static void dummy_detach(void *ctx, const guid_t *uuid,
			 struct kvm *guest)
{
	struct dummy_att *a, *found = NULL;

	mutex_lock(&dummy_lock);
	list_for_each_entry(a, &dummy_atts, node) {
		if (guid_equal(&a->uuid, uuid) && a->guest == guest) {
			found = a;
			break;
		}
	}
	if (found) {
		list_del(&found->node);
		mutex_lock(&guest->lock);
		vfio_ap_sim_crypto_clear_masks(guest);
		mutex_unlock(&guest->lock);
		kvm_put_kvm(guest);
		kfree(found);
	}
	mutex_unlock(&dummy_lock);
	pr_info("detach %pUl%s\n", uuid, found ? "" : " (unknown)");
}

static const struct vfio_ap_sim_hooks dummy_hooks = {
	.attach = dummy_attach,
	.detach = dummy_detach,
};

static int __init dummy_init(void)
{
	static DEFINE_MUTEX(parse_lock);
	int rc;

	if (ap_parse_mask_str(guest_apm, attach_apm, AP_DEVICES, &parse_lock) ||
	    ap_parse_mask_str(guest_aqm, attach_aqm, AP_DOMAINS, &parse_lock) ||
	    ap_parse_mask_str(guest_adm, attach_adm, AP_DOMAINS, &parse_lock))
		return -EINVAL;
	rc = vfio_ap_sim_driver_register(&dummy_drv, THIS_MODULE, "sim_dummy");
	if (rc)
		return rc;
	if (hooks) {
		rc = vfio_ap_sim_set_hooks(&dummy_hooks);
		if (rc) {
			vfio_ap_sim_driver_unregister(&dummy_drv);
			return rc;
		}
		hooks_registered = true;
	}
	pr_info("loaded\n");
	return 0;
}

static void __exit dummy_exit(void)
{
	if (hooks_registered)
		vfio_ap_sim_set_hooks(NULL);
	vfio_ap_sim_driver_unregister(&dummy_drv);
	pr_info("unloaded\n");
}

module_init(dummy_init);
module_exit(dummy_exit);
MODULE_DESCRIPTION("Dummy AP driver on vfio_ap_sim's simulated bus");
MODULE_LICENSE("GPL");
