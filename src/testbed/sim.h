/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interface of vfio_ap_sim.ko, the simulated AP machine that the testbed
 * flavour of vfio_ap.ko runs on. Never part of the production module.
 *
 * The simulator stands in for what QEMU's TCG lacks: the AP instructions,
 * the AP bus (which never registers without them) and KVM guests. It uses
 * the real AP bus's types (struct ap_driver, ap_device, ap_queue, ap_card,
 * ap_config_info from ap_bus.h and asm/ap.h) and the real, exported
 * ap_attr_mutex and ap_perms, so vfio_ap's code above the backend is the
 * same in both flavours. Each function mirrors a production counterpart,
 * named in its comment.
 */
#ifndef VFIO_AP_SIM_H
#define VFIO_AP_SIM_H

#include <linux/types.h>
#include <linux/uuid.h>

struct ap_driver;
struct ap_config_info;
struct ap_queue;
struct kvm;
struct module;

/* --- The machine -------------------------------------------------------- */

/* ap_instructions_available() */
bool vfio_ap_sim_instructions_available(void);

/* test_facility(12): whether the simulated machine has QCI. */
bool vfio_ap_sim_qci_installed(void);

/*
 * ap_qci(): fills @info with the simulated host AP configuration.
 * Returns 0, or -EOPNOTSUPP when the simulated machine has no QCI (facility
 * 12), as the real instruction wrapper does, or the errno the parameter
 * fail_qci asks for.
 */
int vfio_ap_sim_qci(struct ap_config_info *info);

/*
 * ap_tapq(): TAPQ for queue @qid; with @t_bit the adapter's type etc. is
 * stored in *@hwinfo (struct ap_tapq_hwinfo's value; may be NULL).
 * Returns the 32-bit struct ap_queue_status value (response code in bits
 * 8-15 counted from the MSB, i.e. (value >> 16) & 0xff).
 */
u32 vfio_ap_sim_tapq(u16 qid, bool t_bit, u64 *hwinfo);

/* ap_zapq(qid, 0): reset and zeroize queue @qid. Returns the status. */
u32 vfio_ap_sim_zapq(u16 qid);

/* --- The AP bus --------------------------------------------------------- */

/* ap_driver_register() / ap_driver_unregister() on the simulated bus "ap". */
int vfio_ap_sim_driver_register(struct ap_driver *drv, struct module *owner,
				const char *name);
void vfio_ap_sim_driver_unregister(struct ap_driver *drv);

/*
 * ap_get_qdev(): the queue device @qid if it is bound to a driver (or being
 * probed), with a reference the caller drops with put_device(); else NULL.
 * Any context. (The real ap_get_qdev() only knows the real bus's queues.)
 */
struct ap_queue *vfio_ap_sim_get_qdev(u16 qid);

/* --- Guests: simulated KVM VMs (real struct kvm objects) ------------------- */

/*
 * The driver takes and drops references with kvm_get_kvm()/kvm_put_kvm()
 * and locks kvm->lock itself; the simulator holds a reference of its own as
 * long as the guest exists, so the last put is never the driver's. These
 * stand in for KVM's crypto interfaces, on a guest's struct kvm:
 */

/* kvm_arch_crypto_set_masks(): kvm->lock held, may sleep. */
void vfio_ap_sim_crypto_set_masks(struct kvm *kvm, const unsigned long *apm,
				  const unsigned long *aqm,
				  const unsigned long *adm);
/* kvm_arch_crypto_clear_masks(): kvm->lock held, may sleep. */
void vfio_ap_sim_crypto_clear_masks(struct kvm *kvm);
/* kvm_s390_gisc_register(): the host ISC, -ERANGE for @gisc > 7, or the
 * errno the guest's gisc file asks for. */
int vfio_ap_sim_gisc_register(struct kvm *kvm, u32 gisc);
/* kvm_s390_gisc_unregister(): 0, or -EINVAL if @gisc is not registered. */
int vfio_ap_sim_gisc_unregister(struct kvm *kvm, u32 gisc);
/* kvm_s390_is_gpa_in_memslot(), against the guest's memslots file. */
bool vfio_ap_sim_gpa_in_memslot(struct kvm *kvm, u64 gpa);
/* virt_to_phys(kvm->arch.gisa_int.origin) >> 4: a made-up, stable value. */
u32 vfio_ap_sim_gisa(struct kvm *kvm);
/* The driver pinned (or unpinned) a NIB page at @iova for a queue of @kvm:
 * counted in the guest's pins file and traced. */
void vfio_ap_sim_note_pin(struct kvm *kvm, u64 iova, bool pinned);

/* ap_aqic(): PQAP(AQIC) for @qid with GR1 @ctrl (union ap_qirq_ctrl) and
 * NIB @nib; returns the status. ZAPQ disables what it enabled. */
u32 vfio_ap_sim_aqic(u16 qid, u64 ctrl, u64 nib);

/*
 * Attach and detach are driven by the simulated world, as QEMU drives them by
 * opening and closing the vfio device: the driver registers these hooks at
 * load and clears them (NULL) before it unloads. @attach returns 0 or a
 * negative errno (-EPERM if the guest already has an mdev, -ENODEV if there
 * is no mdev @uuid); both are called in process context with no simulator
 * lock held, and get @ctx as their first argument. The simulator keeps the
 * pointer to the hooks: they must stay valid until cleared.
 */
struct vfio_ap_sim_hooks {
	int (*attach)(void *ctx, const guid_t *uuid, struct kvm *kvm);
	void (*detach)(void *ctx, const guid_t *uuid, struct kvm *kvm);
	void *ctx;
};

/*
 * Registers @hooks (both must be set): -EBUSY if hooks are registered already.
 * vfio_ap_sim_set_hooks(NULL) first detaches every attached guest (calling
 * @detach for each, as QEMU closing its vfio devices would) and waits for
 * hook calls in flight, so call it at the start of the driver's exit, holding
 * none of the locks the hooks take.
 */
int vfio_ap_sim_set_hooks(const struct vfio_ap_sim_hooks *hooks);

#endif /* VFIO_AP_SIM_H */
