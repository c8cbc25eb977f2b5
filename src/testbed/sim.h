/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interface of vfio_ap_sim.ko, the simulated AP machine that the testbed
 * flavour of vfio_ap.ko runs on. Never part of the production module.
 */
#ifndef VFIO_AP_SIM_H
#define VFIO_AP_SIM_H

#include <linux/types.h>

bool vfio_ap_sim_instructions_available(void);

#endif /* VFIO_AP_SIM_H */
