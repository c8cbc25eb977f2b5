// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap_sim: the simulated AP bus "ap", laid out as the real one
 * (drivers/s390/crypto/ap_bus.c): /sys/bus/ap, the root device
 * /sys/devices/ap, card devices cardXX under it and queue devices XX.YYYY
 * under their card, with the real struct ap_card/ap_queue/ap_driver, the
 * real matching and probe rules, and apmask/aqmask working on the real,
 * exported ap_perms under the real ap_attr_mutex.
 *
 * Differences from the real bus: no default drivers (zcrypt) exist, so
 * queues reserved for them stay unbound; no driver_override; the bus neither
 * resets a queue when it is created nor after its driver's remove (the real
 * one does a ZAPQ there, which would show in queue_stats); scans happen only
 * when the configuration is changed through debugfs, synchronously.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "sim_internal.h"

/* Serialises configuration changes and scans, like ap_scan_bus_mutex. */
DEFINE_MUTEX(sim_scan_mutex);

/* A card device and the queue devices registered under it. */
struct sim_card {
	struct ap_card ac;
	struct ap_queue *queues[AP_DOMAINS];	/* under sim_scan_mutex */
};

static struct device *sim_root;
static struct sim_card *sim_cards[AP_DEVICES];	/* under sim_scan_mutex */

/* What on_config_changed/on_scan_complete get; under sim_scan_mutex. */
static struct ap_config_info sim_qci_new, sim_qci_old;

/* Queues bound to a driver (or being probed), as the real ap_queues. */
static DEFINE_HASHTABLE(sim_qdevs, 8);
static DEFINE_SPINLOCK(sim_qdevs_lock);

static const struct bus_type sim_bus_type;
static const struct device_type sim_card_type;
static const struct device_type sim_queue_type;

static bool sim_is_queue_dev(const struct device *dev)
{
	return dev->type == &sim_queue_type;
}

static bool sim_is_card_dev(const struct device *dev)
{
	return dev->type == &sim_card_type;
}

/* The IDs the bus scans: QCI's na/nd with APXA, else 63 and 15. */
static unsigned int sim_bus_max_apid(void)
{
	return sim_has_qci && sim_apxa ? sim_na : 63;
}

static unsigned int sim_bus_max_apqi(void)
{
	return sim_has_qci && sim_apxa ? sim_nd : 15;
}

/* --- devices ---------------------------------------------------------------- */

static ssize_t hwtype_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%d\n", to_ap_card(dev)->ap_dev.device_type);
}
static DEVICE_ATTR_RO(hwtype);

static ssize_t raw_hwtype_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_ap_card(dev)->hwinfo.at);
}
static DEVICE_ATTR_RO(raw_hwtype);

/*
 * The rest of the real card's attributes (ap_card.c), same formats, for the
 * tools that read them (lszcrypt). No requests ever run here: the counters
 * are 0. config is read-only: configuring a card is an SCLP call.
 */
static ssize_t depth_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%d\n", to_ap_card(dev)->hwinfo.qd + 1);
}
static DEVICE_ATTR_RO(depth);

static ssize_t card_ap_functions_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%08X\n", to_ap_card(dev)->hwinfo.fac);
}
static struct device_attribute dev_attr_card_ap_functions =
	__ATTR(ap_functions, 0444, card_ap_functions_show, NULL);

static ssize_t card_request_count_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (u64)atomic64_read(&to_ap_card(dev)->total_request_count));
}
static struct device_attribute dev_attr_card_request_count =
	__ATTR(request_count, 0444, card_request_count_show, NULL);

/* requestq_count, pendingq_count: nothing is ever queued here. */
static ssize_t sim_zero_count_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", 0);
}
static struct device_attribute dev_attr_requestq_count =
	__ATTR(requestq_count, 0444, sim_zero_count_show, NULL);
static struct device_attribute dev_attr_pendingq_count =
	__ATTR(pendingq_count, 0444, sim_zero_count_show, NULL);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "ap:t%02X\n", to_ap_dev(dev)->device_type);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t card_config_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_ap_card(dev)->config ? 1 : 0);
}
static struct device_attribute dev_attr_card_config =
	__ATTR(config, 0444, card_config_show, NULL);

static ssize_t card_chkstop_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", to_ap_card(dev)->chkstop ? 1 : 0);
}
static struct device_attribute dev_attr_card_chkstop =
	__ATTR(chkstop, 0444, card_chkstop_show, NULL);

static ssize_t max_msg_size_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_ap_card(dev)->maxmsgsize);
}
static DEVICE_ATTR_RO(max_msg_size);

static struct attribute *sim_card_attrs[] = {
	&dev_attr_hwtype.attr,
	&dev_attr_raw_hwtype.attr,
	&dev_attr_depth.attr,
	&dev_attr_card_ap_functions.attr,
	&dev_attr_card_request_count.attr,
	&dev_attr_requestq_count.attr,
	&dev_attr_pendingq_count.attr,
	&dev_attr_modalias.attr,
	&dev_attr_card_config.attr,
	&dev_attr_card_chkstop.attr,
	&dev_attr_max_msg_size.attr,
	NULL
};
ATTRIBUTE_GROUPS(sim_card);

static const struct device_type sim_card_type = {
	.name = "ap_card",
	.groups = sim_card_groups,
};

/* Queue config/chkstop: what a TAPQ would say now (not counted). */
static ssize_t config_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	int rc = sim_machine_queue_rc(to_ap_queue(dev)->qid);

	return sysfs_emit(buf, "%d\n", rc != AP_RESPONSE_DECONFIGURED &&
				       rc != AP_RESPONSE_Q_NOT_AVAIL);
}
static DEVICE_ATTR_RO(config);

static ssize_t chkstop_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	int rc = sim_machine_queue_rc(to_ap_queue(dev)->qid);

	return sysfs_emit(buf, "%d\n", rc == AP_RESPONSE_CHECKSTOPPED);
}
static DEVICE_ATTR_RO(chkstop);

/* As the real queue's (ap_queue.c): "-" before the queue is initiated. */
static ssize_t request_count_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct ap_queue *aq = to_ap_queue(dev);

	if (aq->dev_state <= AP_DEV_STATE_UNINITIATED)
		return sysfs_emit(buf, "-\n");
	return sysfs_emit(buf, "%llu\n", aq->total_request_count);
}
static DEVICE_ATTR_RO(request_count);

/* The real one issues a TAPQ; this is what it would say (not counted). */
static ssize_t queue_ap_functions_show(struct device *dev,
				       struct device_attribute *attr, char *buf)
{
	u16 qid = to_ap_queue(dev)->qid;
	struct ap_tapq_hwinfo hw;

	if (sim_machine_queue_rc(qid) > AP_RESPONSE_BUSY)
		return -EIO;
	hw.value = sim_machine_hwinfo(AP_QID_CARD(qid));
	return sysfs_emit(buf, "0x%08X\n", hw.fac);
}
static struct device_attribute dev_attr_queue_ap_functions =
	__ATTR(ap_functions, 0444, queue_ap_functions_show, NULL);

static struct attribute *sim_queue_attrs[] = {
	&dev_attr_config.attr,
	&dev_attr_chkstop.attr,
	&dev_attr_request_count.attr,
	&dev_attr_requestq_count.attr,
	&dev_attr_pendingq_count.attr,
	&dev_attr_queue_ap_functions.attr,
	NULL
};
ATTRIBUTE_GROUPS(sim_queue);

static const struct device_type sim_queue_type = {
	.name = "ap_queue",
	.groups = sim_queue_groups,
};

static void sim_card_release(struct device *dev)
{
	kfree(container_of(to_ap_card(dev), struct sim_card, ac));
}

static void sim_queue_release(struct device *dev)
{
	struct ap_queue *aq = to_ap_queue(dev);
	unsigned long flags;

	spin_lock_irqsave(&sim_qdevs_lock, flags);
	hash_del(&aq->hnode);
	spin_unlock_irqrestore(&sim_qdevs_lock, flags);
	kfree(aq);
}

/* The device type of a card of raw type @raw, 0 for none (too old). */
static int sim_compat_type(unsigned int raw)
{
	if (raw < AP_DEVICE_TYPE_CEX4)
		return 0;
	return min_t(unsigned int, raw, AP_DEVICE_TYPE_CEX8);
}

static struct sim_card *sim_card_add(unsigned int apid, int comp_type)
{
	struct sim_card *sc;
	struct device *dev;

	sc = kzalloc_obj(*sc);
	if (!sc)
		return NULL;
	sc->ac.ap_dev.device_type = comp_type;
	sc->ac.hwinfo.value = sim_machine_hwinfo(apid) & TAPQ_CARD_HWINFO_MASK;
	sc->ac.maxmsgsize = AP_DEFAULT_MAX_MSG_SIZE;
	sc->ac.id = apid;
	sc->ac.config = true;
	dev = &sc->ac.ap_dev.device;
	dev->bus = &sim_bus_type;
	dev->parent = sim_root;
	dev->type = &sim_card_type;
	dev->release = sim_card_release;
	dev_set_name(dev, "card%02x", apid);
	if (device_register(dev)) {
		pr_err("card%02x: device_register failed\n", apid);
		put_device(dev);
		return NULL;
	}
	return sc;
}

static struct ap_queue *sim_queue_add(struct sim_card *sc, unsigned int apqi)
{
	struct ap_queue *aq;
	struct device *dev;

	aq = kzalloc_obj(*aq);
	if (!aq)
		return NULL;
	aq->card = &sc->ac;
	aq->qid = AP_MKQID(sc->ac.id, apqi);
	aq->ap_dev.device_type = sc->ac.ap_dev.device_type;
	INIT_HLIST_NODE(&aq->hnode);
	spin_lock_init(&aq->lock);
	INIT_LIST_HEAD(&aq->pendingq);
	INIT_LIST_HEAD(&aq->requestq);
	aq->dev_state = AP_DEV_STATE_OPERATING;
	aq->sm_state = AP_SM_STATE_IDLE;
	aq->assoc_idx = ASSOC_IDX_INVALID;
	aq->config = true;
	dev = &aq->ap_dev.device;
	dev->bus = &sim_bus_type;
	dev->parent = &sc->ac.ap_dev.device;
	dev->type = &sim_queue_type;
	dev->release = sim_queue_release;
	dev_set_name(dev, "%02x.%04x", sc->ac.id, apqi);
	/* Probes the queue with every matching driver. */
	if (device_register(dev)) {
		pr_err("%02x.%04x: device_register failed\n", sc->ac.id, apqi);
		put_device(dev);
		return NULL;
	}
	return aq;
}

/* Unregisters a card's queue devices, then the card. */
static void sim_card_del(unsigned int apid)
{
	struct sim_card *sc = sim_cards[apid];
	unsigned int apqi;

	for (apqi = 0; apqi < AP_DOMAINS; apqi++) {
		if (!sc->queues[apqi])
			continue;
		device_unregister(&sc->queues[apqi]->ap_dev.device);
		sc->queues[apqi] = NULL;
	}
	sim_cards[apid] = NULL;
	device_unregister(&sc->ac.ap_dev.device);
}

/*
 * Whether adapter @apid has a card device in configuration @cfg: configured,
 * in the scanned range, with at least one usage domain (the real bus needs
 * one APQN to learn the type) and of a type the bus supports. Returns the
 * card's device type or 0, and its raw type in *@raw.
 */
static int sim_card_wanted(const struct sim_config *cfg, unsigned int apid,
			   unsigned int *raw)
{
	unsigned int max_apqi = sim_bus_max_apqi();

	*raw = sim_machine_adapter_type(apid);
	if (apid > sim_bus_max_apid() || !test_bit_inv(apid, cfg->apm) ||
	    find_first_bit_inv(cfg->aqm, max_apqi + 1) > max_apqi)
		return 0;
	return sim_compat_type(*raw);
}

/*
 * Brings the devices in line with the current configuration and adapter
 * types: first every card and queue device that must go is unregistered
 * (the driver's remove runs), then the new ones are registered (probe).
 */
void sim_bus_rescan(void)
{
	unsigned int apid, apqi, raw, max_apqi = sim_bus_max_apqi();
	struct sim_config cfg;
	struct sim_card *sc;
	int comp;

	lockdep_assert_held(&sim_scan_mutex);
	sim_machine_config(&cfg);

	for (apid = 0; apid < AP_DEVICES; apid++) {
		sc = sim_cards[apid];
		if (!sc)
			continue;
		comp = sim_card_wanted(&cfg, apid, &raw);
		if (!comp || comp != sc->ac.ap_dev.device_type ||
		    raw != sc->ac.hwinfo.at) {
			sim_card_del(apid);
			continue;
		}
		for (apqi = 0; apqi < AP_DOMAINS; apqi++) {
			if (!sc->queues[apqi] ||
			    (apqi <= max_apqi && test_bit_inv(apqi, cfg.aqm)))
				continue;
			device_unregister(&sc->queues[apqi]->ap_dev.device);
			sc->queues[apqi] = NULL;
		}
	}

	for (apid = 0; apid < AP_DEVICES; apid++) {
		comp = sim_card_wanted(&cfg, apid, &raw);
		if (!comp)
			continue;
		if (!sim_cards[apid])
			sim_cards[apid] = sim_card_add(apid, comp);
		sc = sim_cards[apid];
		if (!sc)
			continue;
		for_each_set_bit_inv(apqi, cfg.aqm, max_apqi + 1)
			if (!sc->queues[apqi])
				sc->queues[apqi] = sim_queue_add(sc, apqi);
	}
}

static int sim_notify_drv(struct device_driver *drv, void *data)
{
	struct ap_driver *ap_drv = to_ap_drv(drv);
	bool complete = *(bool *)data;

	if (!try_module_get(drv->owner))
		return 0;
	if (complete && ap_drv->on_scan_complete)
		ap_drv->on_scan_complete(&sim_qci_new, &sim_qci_old);
	else if (!complete && ap_drv->on_config_changed)
		ap_drv->on_config_changed(&sim_qci_new, &sim_qci_old);
	module_put(drv->owner);
	return 0;
}

static void sim_notify(bool complete)
{
	bus_for_each_drv(&sim_bus_type, NULL, &complete, sim_notify_drv);
}

/**
 * sim_config_commit() - change the host configuration and scan the bus.
 * @cfg: the new configuration (IDs checked against na/nd by the caller).
 *
 * As ap_scan_bus() when QCI changed: with QCI, every driver's
 * on_config_changed(new, old) first, then the devices that went away are
 * removed and the new ones added, then on_scan_complete(new, old). Without
 * QCI only the devices change. Nothing happens if nothing changed.
 * The caller holds sim_scan_mutex.
 */
void sim_config_commit(const struct sim_config *cfg)
{
	struct sim_config old;

	lockdep_assert_held(&sim_scan_mutex);
	sim_machine_config(&old);
	if (!memcmp(&old, cfg, sizeof(old)))
		return;
	sim_machine_fill_qci(&old, &sim_qci_old);
	sim_machine_fill_qci(cfg, &sim_qci_new);
	sim_machine_set_config(cfg);
	if (sim_has_qci)
		sim_notify(false);
	sim_bus_rescan();
	if (sim_has_qci)
		sim_notify(true);
}

/* --- matching, probe, remove ------------------------------------------------ */

static int sim_bus_match(struct device *dev, const struct device_driver *drv)
{
	const struct ap_driver *ap_drv = to_ap_drv(drv);
	const struct ap_device_id *id;

	if (!ap_drv->ids)
		return 0;
	for (id = ap_drv->ids; id->match_flags; id++) {
		if (sim_is_card_dev(dev) &&
		    id->match_flags & AP_DEVICE_ID_MATCH_CARD_TYPE &&
		    id->dev_type == to_ap_dev(dev)->device_type)
			return 1;
		if (sim_is_queue_dev(dev) &&
		    id->match_flags & AP_DEVICE_ID_MATCH_QUEUE_TYPE &&
		    id->dev_type == to_ap_dev(dev)->device_type)
			return 1;
	}
	return 0;
}

/* Whether @qid is reserved for the default drivers (ap_attr_mutex held). */
static bool sim_reserved(ap_qid_t qid)
{
	lockdep_assert_held(&ap_attr_mutex);
	return test_bit_inv(AP_QID_CARD(qid), ap_perms.apm) &&
	       test_bit_inv(AP_QID_QUEUE(qid), ap_perms.aqm);
}

/* ap_device_probe(): reserved queues only go to default drivers. */
static int sim_bus_probe(struct device *dev)
{
	struct ap_driver *ap_drv = to_ap_drv(dev->driver);
	struct ap_queue *aq = NULL;
	bool devres, drvres;
	unsigned long flags;
	int rc = -ENODEV;

	if (!get_device(dev))
		return rc;
	if (sim_is_queue_dev(dev)) {
		aq = to_ap_queue(dev);
		mutex_lock(&ap_attr_mutex);
		devres = sim_reserved(aq->qid);
		mutex_unlock(&ap_attr_mutex);
		drvres = ap_drv->flags & AP_DRIVER_FLAG_DEFAULT;
		if (devres != drvres)
			goto out;
		spin_lock_irqsave(&sim_qdevs_lock, flags);
		hash_add(sim_qdevs, &aq->hnode, aq->qid);
		spin_unlock_irqrestore(&sim_qdevs_lock, flags);
	}

	rc = ap_drv->probe ? ap_drv->probe(to_ap_dev(dev)) : -ENODEV;

	if (rc && aq) {
		spin_lock_irqsave(&sim_qdevs_lock, flags);
		hash_del(&aq->hnode);
		spin_unlock_irqrestore(&sim_qdevs_lock, flags);
	}
out:
	if (rc)
		put_device(dev);
	return rc;
}

static void sim_bus_remove(struct device *dev)
{
	struct ap_driver *ap_drv = to_ap_drv(dev->driver);
	unsigned long flags;

	if (ap_drv->remove)
		ap_drv->remove(to_ap_dev(dev));
	if (sim_is_queue_dev(dev)) {
		spin_lock_irqsave(&sim_qdevs_lock, flags);
		hash_del(&to_ap_queue(dev)->hnode);
		spin_unlock_irqrestore(&sim_qdevs_lock, flags);
	}
	put_device(dev);
}

struct ap_queue *vfio_ap_sim_get_qdev(u16 qid)
{
	struct ap_queue *aq, *found = NULL;
	unsigned long flags;

	spin_lock_irqsave(&sim_qdevs_lock, flags);
	hash_for_each_possible(sim_qdevs, aq, hnode, qid) {
		if (aq->qid == qid) {
			get_device(&aq->ap_dev.device);
			found = aq;
			break;
		}
	}
	spin_unlock_irqrestore(&sim_qdevs_lock, flags);
	return found;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_get_qdev);

int vfio_ap_sim_driver_register(struct ap_driver *drv, struct module *owner,
				const char *name)
{
	int fail = READ_ONCE(sim_fail_driver_register);

	if (fail > 0)
		return -fail;
	drv->driver.bus = &sim_bus_type;
	drv->driver.owner = owner;
	drv->driver.name = name;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_driver_register);

void vfio_ap_sim_driver_unregister(struct ap_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_driver_unregister);

/* --- apmask and aqmask --------------------------------------------------- */

/*
 * ap_bus_revise_bindings(): a queue bound to a non-default driver that is
 * now reserved is unbound; an unbound queue that is not reserved is probed.
 */
static int sim_revise_one(struct device *dev, void *unused)
{
	struct device_driver *drv;
	bool reserved, drvres;

	if (!sim_is_queue_dev(dev))
		return 0;
	mutex_lock(&ap_attr_mutex);
	reserved = sim_reserved(to_ap_queue(dev)->qid);
	mutex_unlock(&ap_attr_mutex);
	device_lock(dev);
	drv = dev->driver;
	drvres = drv && to_ap_drv(drv)->flags & AP_DRIVER_FLAG_DEFAULT;
	device_unlock(dev);
	if (drv ? reserved != drvres : !reserved) {
		if (device_reprobe(dev))
			dev_dbg(dev, "reprobe failed\n");
	}
	return 0;
}

static void sim_revise_bindings(void)
{
	bus_for_each_dev(&sim_bus_type, NULL, NULL, sim_revise_one);
}

struct sim_verify {
	const unsigned long *apm;
	const unsigned long *aqm;
};

/* __verify_card_reservations() / __verify_queue_reservations() */
static int sim_verify_drv(struct device_driver *drv, void *data)
{
	struct ap_driver *ap_drv = to_ap_drv(drv);
	const struct sim_verify *v = data;
	DECLARE_BITMAP(apm, AP_DEVICES);
	DECLARE_BITMAP(aqm, AP_DOMAINS);
	int rc = 0;

	if (!try_module_get(drv->owner))
		return 0;
	if (ap_drv->in_use) {
		if (v->apm)
			bitmap_copy(apm, v->apm, AP_DEVICES);
		else
			bitmap_fill(apm, AP_DEVICES);
		if (v->aqm)
			bitmap_copy(aqm, v->aqm, AP_DOMAINS);
		else
			bitmap_fill(aqm, AP_DOMAINS);
		if (ap_drv->in_use(apm, aqm))
			rc = -EBUSY;
	}
	module_put(drv->owner);
	return rc;
}

/*
 * apmask_store()/aqmask_store() with @mask = ap_perms.apm or .aqm: parse
 * (relative to the current mask, or absolute), ask every driver's in_use
 * about the newly reserved bits, commit, then revise the bindings.
 */
static ssize_t sim_mask_store(const char *buf, size_t count,
			      unsigned long *mask, bool is_apm)
{
	DECLARE_BITMAP(newmask, AP_DEVICES);
	DECLARE_BITMAP(reserved, AP_DEVICES);
	/* Only serialises the parser on our copy; ap_attr_mutex is held. */
	static DEFINE_MUTEX(parse_lock);
	struct sim_verify v = {};
	bool changes = false;
	int rc;

	BUILD_BUG_ON(AP_DEVICES != AP_DOMAINS);
	if (mutex_lock_interruptible(&ap_attr_mutex))
		return -ERESTARTSYS;
	bitmap_copy(newmask, mask, AP_DEVICES);
	rc = ap_parse_mask_str(buf, newmask, AP_DEVICES, &parse_lock);
	if (rc)
		goto done;
	changes = !bitmap_equal(newmask, mask, AP_DEVICES);
	if (!changes)
		goto done;
	if (bitmap_andnot(reserved, newmask, mask, AP_DEVICES)) {
		if (is_apm)
			v.apm = reserved;
		else
			v.aqm = reserved;
		rc = bus_for_each_drv(&sim_bus_type, NULL, &v, sim_verify_drv);
		if (rc)
			goto done;
	}
	bitmap_copy(mask, newmask, AP_DEVICES);
done:
	mutex_unlock(&ap_attr_mutex);
	if (rc)
		return rc;
	if (changes)
		sim_revise_bindings();
	return count;
}

static ssize_t sim_mask_show(char *buf, const unsigned long *mask)
{
	int rc;

	if (mutex_lock_interruptible(&ap_attr_mutex))
		return -ERESTARTSYS;
	rc = sysfs_emit(buf, "0x%016lx%016lx%016lx%016lx\n",
			mask[0], mask[1], mask[2], mask[3]);
	mutex_unlock(&ap_attr_mutex);
	return rc;
}

static ssize_t apmask_show(const struct bus_type *bus, char *buf)
{
	return sim_mask_show(buf, ap_perms.apm);
}

static ssize_t apmask_store(const struct bus_type *bus, const char *buf,
			    size_t count)
{
	return sim_mask_store(buf, count, ap_perms.apm, true);
}
static BUS_ATTR_RW(apmask);

static ssize_t aqmask_show(const struct bus_type *bus, char *buf)
{
	return sim_mask_show(buf, ap_perms.aqm);
}

static ssize_t aqmask_store(const struct bus_type *bus, const char *buf,
			    size_t count)
{
	return sim_mask_store(buf, count, ap_perms.aqm, false);
}
static BUS_ATTR_RW(aqmask);

/* The read-only QCI views of the real bus, same formats. */
static ssize_t sim_qci_mask_show(char *buf, int which)
{
	struct ap_config_info info;
	struct sim_config cfg;
	const unsigned int *m;

	if (!sim_has_qci)
		return sysfs_emit(buf, "not supported\n");
	sim_machine_config(&cfg);
	sim_machine_fill_qci(&cfg, &info);
	m = which == 0 ? info.apm : which == 1 ? info.aqm : info.adm;
	return sysfs_emit(buf, "0x%08x%08x%08x%08x%08x%08x%08x%08x\n",
			  m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7]);
}

static ssize_t ap_adapter_mask_show(const struct bus_type *bus, char *buf)
{
	return sim_qci_mask_show(buf, 0);
}
static BUS_ATTR_RO(ap_adapter_mask);

static ssize_t ap_usage_domain_mask_show(const struct bus_type *bus, char *buf)
{
	return sim_qci_mask_show(buf, 1);
}
static BUS_ATTR_RO(ap_usage_domain_mask);

static ssize_t ap_control_domain_mask_show(const struct bus_type *bus,
					   char *buf)
{
	return sim_qci_mask_show(buf, 2);
}
static BUS_ATTR_RO(ap_control_domain_mask);

static ssize_t ap_max_adapter_id_show(const struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%u\n", sim_bus_max_apid());
}
static BUS_ATTR_RO(ap_max_adapter_id);

static ssize_t ap_max_domain_id_show(const struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%u\n", sim_bus_max_apqi());
}
static BUS_ATTR_RO(ap_max_domain_id);

/*
 * The real bus's default domain (ap_select_domain()): the lowest configured
 * usage domain in aqmask with a configured adapter in apmask whose queue
 * answers TAPQ normally; -1 for none. The real bus keeps its choice while
 * the domain stays; this one is worked out on each read (uncounted TAPQs).
 */
static ssize_t ap_domain_show(const struct bus_type *bus, char *buf)
{
	unsigned int apid, apqi;
	struct sim_config cfg;
	int domain = -1;

	sim_machine_config(&cfg);
	if (mutex_lock_interruptible(&ap_attr_mutex))
		return -ERESTARTSYS;
	for (apqi = 0; apqi <= sim_bus_max_apqi() && domain < 0; apqi++) {
		if (!test_bit_inv(apqi, cfg.aqm) || !test_bit_inv(apqi, ap_perms.aqm))
			continue;
		for (apid = 0; apid <= sim_bus_max_apid(); apid++) {
			if (test_bit_inv(apid, cfg.apm) &&
			    test_bit_inv(apid, ap_perms.apm) &&
			    sim_machine_queue_rc(AP_MKQID(apid, apqi)) ==
				    AP_RESPONSE_NORMAL) {
				domain = apqi;
				break;
			}
		}
	}
	mutex_unlock(&ap_attr_mutex);
	return sysfs_emit(buf, "%d\n", domain);
}
static BUS_ATTR_RO(ap_domain);

/*
 * The real bus's tunables, read-only here at their defaults: no AP
 * interrupts, no poll thread, the 30 s rescan timer (AP_CONFIG_TIME) and
 * the poll timeout of 250000 ns.
 */
static ssize_t ap_interrupts_show(const struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%d\n", 0);
}
static BUS_ATTR_RO(ap_interrupts);

static ssize_t config_time_show(const struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%d\n", AP_CONFIG_TIME);
}
static BUS_ATTR_RO(config_time);

static ssize_t poll_thread_show(const struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%d\n", 0);
}
static BUS_ATTR_RO(poll_thread);

static ssize_t poll_timeout_show(const struct bus_type *bus, char *buf)
{
	return sysfs_emit(buf, "%lu\n", 250000UL);
}
static BUS_ATTR_RO(poll_timeout);

/* The QCI facilities, as the real bus lists them ("-" without QCI). */
static ssize_t features_show(const struct bus_type *bus, char *buf)
{
	struct ap_config_info info;
	struct sim_config cfg;
	int n = 0;

	if (!sim_has_qci)
		return sysfs_emit(buf, "-\n");
	sim_machine_config(&cfg);
	sim_machine_fill_qci(&cfg, &info);
	if (info.apsc)
		n += sysfs_emit_at(buf, n, "APSC ");
	if (info.apxa)
		n += sysfs_emit_at(buf, n, "APXA ");
	if (info.qact)
		n += sysfs_emit_at(buf, n, "QACT ");
	if (info.rc8a)
		n += sysfs_emit_at(buf, n, "RC8A ");
	if (info.apsb)
		n += sysfs_emit_at(buf, n, "APSB ");
	sysfs_emit_at(buf, n == 0 ? 0 : n - 1, "\n");
	return n;
}
static BUS_ATTR_RO(features);

static struct attribute *sim_bus_attrs[] = {
	&bus_attr_ap_domain.attr,
	&bus_attr_ap_interrupts.attr,
	&bus_attr_config_time.attr,
	&bus_attr_poll_thread.attr,
	&bus_attr_poll_timeout.attr,
	&bus_attr_features.attr,
	&bus_attr_apmask.attr,
	&bus_attr_aqmask.attr,
	&bus_attr_ap_adapter_mask.attr,
	&bus_attr_ap_usage_domain_mask.attr,
	&bus_attr_ap_control_domain_mask.attr,
	&bus_attr_ap_max_adapter_id.attr,
	&bus_attr_ap_max_domain_id.attr,
	NULL,
};
ATTRIBUTE_GROUPS(sim_bus);

static const struct bus_type sim_bus_type = {
	.name = "ap",
	.bus_groups = sim_bus_groups,
	.match = sim_bus_match,
	.probe = sim_bus_probe,
	.remove = sim_bus_remove,
};

/* --- init/exit ---------------------------------------------------------------- */

int sim_bus_init(void)
{
	int rc;

	rc = bus_register(&sim_bus_type);
	if (rc) {
		pr_err("cannot register bus \"ap\": %d\n", rc);
		return rc;
	}
	sim_root = root_device_register("ap");
	if (IS_ERR(sim_root)) {
		rc = PTR_ERR(sim_root);
		pr_err("cannot register root device \"ap\": %d\n", rc);
		bus_unregister(&sim_bus_type);
		return rc;
	}
	/* The initial scan: devices for the configured queues. */
	mutex_lock(&sim_scan_mutex);
	sim_bus_rescan();
	mutex_unlock(&sim_scan_mutex);
	return 0;
}

void sim_bus_exit(void)
{
	unsigned int apid;

	mutex_lock(&sim_scan_mutex);
	for (apid = 0; apid < AP_DEVICES; apid++)
		if (sim_cards[apid])
			sim_card_del(apid);
	mutex_unlock(&sim_scan_mutex);
	root_device_unregister(sim_root);
	bus_unregister(&sim_bus_type);
}
