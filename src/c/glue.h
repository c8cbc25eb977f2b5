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

/* --- Implemented in C, called by Rust ----------------------------------- */

/* Production AP-instruction shims (src/c/ap_hw.c). */
bool vfio_ap_hw_instructions_available(void);
struct ap_config_info;
int vfio_ap_hw_qci(struct ap_config_info *info);
u8 vfio_ap_hw_tapq(u16 qid);
u8 vfio_ap_hw_zapq(u16 qid);
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
 * The mdev driver "vfio_ap_mdev" and the mdev parent with the type
 * "passthrough" on the matrix device (src/c/mdev.c).
 */
int vfio_ap_glue_mdev_register(struct device *matrix);
void vfio_ap_glue_mdev_unregister(void);

/* vfio_ap's struct ap_driver (src/c/ap_drv.c), registered through src/hw. */
struct ap_driver *vfio_ap_glue_ap_driver(void);

/* --- Implemented in Rust, called by C ----------------------------------- */

/* The text of the matrix device's "features" file; returns its length. */
ssize_t vfio_ap_rs_features_show(char *buf);

/*
 * A new mdev @dev with UUID @uuid: returns the Rust state to keep with the
 * vfio device, or an ERR_PTR. vfio_ap_rs_mdev_destroy() takes it back once
 * the vfio device is unregistered.
 */
void *vfio_ap_rs_mdev_create(struct device *dev, const guid_t *uuid);
void vfio_ap_rs_mdev_destroy(void *mdev);

/*
 * The mdev's own sysfs files, by attribute name: show fills one page and
 * returns its length; store returns @count or a negative errno.
 */
ssize_t vfio_ap_rs_mdev_show(void *mdev, const char *attr, char *buf);
ssize_t vfio_ap_rs_mdev_store(void *mdev, const char *attr, const char *buf,
			      size_t count);

/* The AP bus driver's callbacks, by queue number (APQN). */
int vfio_ap_rs_queue_probe(u16 qid);
void vfio_ap_rs_queue_remove(u16 qid);
ssize_t vfio_ap_rs_queue_status_show(u16 qid, char *buf);
int vfio_ap_rs_in_use(const unsigned long *apm, const unsigned long *aqm);
void vfio_ap_rs_config_changed(const struct ap_config_info *new_info,
			       const struct ap_config_info *old_info);
void vfio_ap_rs_scan_complete(const struct ap_config_info *new_info,
			      const struct ap_config_info *old_info);

#endif /* VFIO_AP_GLUE_H */
