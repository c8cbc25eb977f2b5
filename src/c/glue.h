/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the C shims and the Rust crate of vfio_ap.
 *
 * C keeps what Rust cannot express: inline assembly with exception-table
 * fixups, static driver-model tables (bus, drivers, sysfs attribute groups,
 * the mdev driver and the vfio device ops), and the container struct that
 * vfio_alloc_device() needs. Everything those tables call lands in a
 * vfio_ap_rs_* function in Rust, which makes every decision.
 */
#ifndef VFIO_AP_GLUE_H
#define VFIO_AP_GLUE_H

#include <linux/types.h>
#include <linux/uuid.h>

struct device;
struct kvm;
struct kvm_vcpu;
struct vfio_device;

/* --- Implemented in C, called by Rust ----------------------------------- */

/* Production AP-instruction shims (src/c/ap_hw.c). */
bool vfio_ap_hw_instructions_available(void);
/* Whether the machine has QCI (facility 12); then QCI into @info. */
bool vfio_ap_hw_qci_installed(void);
struct ap_config_info;
int vfio_ap_hw_qci(struct ap_config_info *info);
u8 vfio_ap_hw_tapq(u16 qid);
u8 vfio_ap_hw_zapq(u16 qid);
/* TAPQ's whole struct ap_queue_status; AQIC with GR1 @ctrl and NIB @nib. */
u32 vfio_ap_hw_tapq_status(u16 qid);
u32 vfio_ap_hw_aqic(u16 qid, u64 ctrl, u64 nib);
/* TAPQ with the T bit: the response code, and the adapter type in *type. */
u8 vfio_ap_hw_tapq_type(u16 qid, u8 *type);
struct ap_driver;
int vfio_ap_hw_driver_register(struct ap_driver *drv);
void vfio_ap_hw_driver_unregister(struct ap_driver *drv);

/* The s390dbf area "vfio_ap" (src/c/dbf.c): 0 or -ENOENT. */
int vfio_ap_glue_dbf_register(void);
void vfio_ap_glue_dbf_unregister(void);

/*
 * The root device "vfio_ap", bus "matrix", device "matrix" and its driver
 * "vfio_ap" (src/c/matrix_dev.c). Returns the matrix device or an ERR_PTR;
 * unregister undoes all of it.
 */
struct device *vfio_ap_glue_matrix_register(void);
void vfio_ap_glue_matrix_unregister(struct device *matrix);

/*
 * What the mdev side asks of the driver, implemented in Rust
 * (src/sys/mdev.rs), called with the context pointer given at registration:
 * create returns the driver's state of a new mdev @dev with UUID @uuid (or
 * an ERR_PTR), which destroy takes back once the vfio device is
 * unregistered; show fills one page and returns its length, store returns
 * @count or a negative errno (by attribute name).
 */
struct vfio_ap_rs_mdev_ops {
	void *(*create)(const void *ctx, struct device *dev,
			struct vfio_device *vdev, const guid_t *uuid);
	void (*destroy)(const void *ctx, void *mdev);
	ssize_t (*show)(const void *ctx, void *mdev, const char *attr,
			char *buf);
	ssize_t (*store)(const void *ctx, void *mdev, const char *attr,
			 const char *buf, size_t count);
	/* The vfio_device_ops of the mdev, and KVM's PQAP hook. */
	int (*open)(const void *ctx, void *mdev, struct kvm *kvm);
	void (*close)(const void *ctx, void *mdev);
	long (*ioctl)(const void *ctx, void *mdev, unsigned int cmd,
		      unsigned long arg);
	void (*dma_unmap)(const void *ctx, void *mdev, u64 iova, u64 length);
	void (*request)(const void *ctx, void *mdev, unsigned int count);
	int (*pqap)(const void *ctx, void *mdev, struct kvm_vcpu *vcpu);
};

/*
 * The address of the mdev's PQAP hook field (a crypto_hook), for
 * kvm->arch.crypto.pqap_hook (src/c/mdev.c).
 */
void *vfio_ap_glue_pqap_hook(struct vfio_device *vdev);

/*
 * vfio_pin_pages() of the page holding @iova for reading and writing: the
 * host physical address of @iova in *@phys, 0 or a negative errno.
 */
int vfio_ap_glue_pin_page(struct vfio_device *vdev, u64 iova, u64 *phys);
void vfio_ap_glue_unpin_page(struct vfio_device *vdev, u64 iova);

/* eventfd_ctx_fdget() (an ERR_PTR on failure), eventfd_signal(), _put(). */
struct eventfd_ctx;
struct eventfd_ctx *vfio_ap_glue_eventfd_get(int fd);
void vfio_ap_glue_eventfd_signal(struct eventfd_ctx *ctx);
void vfio_ap_glue_eventfd_put(struct eventfd_ctx *ctx);

/*
 * struct kvm and struct kvm_vcpu (src/c/kvm.c), in both flavours: the VM's
 * reference, kvm->lock, whether it has a CRYCB, the PQAP hook (install and
 * remove with its rwsem held for writing), and a vCPU's registers.
 */
void vfio_ap_kvm_get(struct kvm *kvm);
void vfio_ap_kvm_put(struct kvm *kvm);
void vfio_ap_kvm_lock(struct kvm *kvm);
void vfio_ap_kvm_unlock(struct kvm *kvm);
bool vfio_ap_kvm_has_crycb(struct kvm *kvm);
void vfio_ap_kvm_hook_lock(struct kvm *kvm);
void vfio_ap_kvm_hook_unlock(struct kvm *kvm);
bool vfio_ap_kvm_hook_is_set(struct kvm *kvm);
void vfio_ap_kvm_hook_set(struct kvm *kvm, struct vfio_device *vdev);
void vfio_ap_kvm_hook_clear(struct kvm *kvm);
struct kvm *vfio_ap_vcpu_kvm(struct kvm_vcpu *vcpu);
u64 vfio_ap_vcpu_gpr(struct kvm_vcpu *vcpu, unsigned int n);
void vfio_ap_vcpu_set_gpr(struct kvm_vcpu *vcpu, unsigned int n, u64 value);
bool vfio_ap_vcpu_has_aiv(struct kvm_vcpu *vcpu);

/*
 * The KVM crypto interfaces of a real machine (src/c/kvm_hw.c, production
 * flavour only; the testbed's simulated VMs answer instead).
 */
void vfio_ap_hw_crypto_set_masks(struct kvm *kvm, unsigned long *apm,
				 unsigned long *aqm, unsigned long *adm);
void vfio_ap_hw_crypto_clear_masks(struct kvm *kvm);
int vfio_ap_hw_gisc_register(struct kvm *kvm, u32 gisc);
int vfio_ap_hw_gisc_unregister(struct kvm *kvm, u32 gisc);
bool vfio_ap_hw_gpa_in_memslot(struct kvm *kvm, u64 gpa);
u32 vfio_ap_hw_gisa(struct kvm *kvm);
bool vfio_ap_hw_pv_protected(struct kvm_vcpu *vcpu);
int vfio_ap_hw_uv_pin_shared(u64 paddr);

/*
 * The mdev driver "vfio_ap_mdev" and the mdev parent with the type
 * "passthrough" on the matrix device (src/c/mdev.c); copies @ops and keeps
 * @ctx until unregistered.
 */
int vfio_ap_glue_mdev_register(struct device *matrix,
			       const struct vfio_ap_rs_mdev_ops *ops,
			       const void *ctx);
void vfio_ap_glue_mdev_unregister(void);

/*
 * The AP bus driver's callbacks, implemented in Rust (src/sys/ap_driver.rs)
 * and called with the context pointer given at registration; queues by
 * number (APQN).
 */
struct vfio_ap_rs_queue_ops {
	int (*probe)(const void *ctx, u16 qid);
	void (*remove)(const void *ctx, u16 qid);
	ssize_t (*status_show)(const void *ctx, u16 qid, char *buf);
	int (*in_use)(const void *ctx, const unsigned long *apm,
		      const unsigned long *aqm);
	void (*config_changed)(const void *ctx,
			       const struct ap_config_info *new_info,
			       const struct ap_config_info *old_info);
	void (*scan_complete)(const void *ctx);
};

/*
 * vfio_ap's struct ap_driver (src/c/ap_drv.c), to register through src/hw:
 * copies @ops and keeps @ctx for the callbacks. Clear them again once the
 * driver is unregistered.
 */
struct ap_driver *vfio_ap_glue_ap_driver(const struct vfio_ap_rs_queue_ops *ops,
					 const void *ctx);
void vfio_ap_glue_ap_driver_clear(void);

/* --- Implemented in Rust, called by C ----------------------------------- */

/* The text of the matrix device's "features" file; returns its length. */
ssize_t vfio_ap_rs_features_show(char *buf);



#endif /* VFIO_AP_GLUE_H */
