/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prototypes of the C shims that the Rust crate of vfio_ap calls. They exist
 * only for what Rust cannot express: inline assembly with exception-table
 * fixups, macros and structures of config-dependent layout.
 */
#ifndef VFIO_AP_GLUE_H
#define VFIO_AP_GLUE_H

#include <linux/types.h>

/* Production AP-instruction shims (src/c/ap_hw.c). */
bool vfio_ap_hw_instructions_available(void);

#endif /* VFIO_AP_GLUE_H */
