/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private declarations shared by the parts of vfio_ap_sim.ko:
 *
 *   sim_main.c     module parameters, init/exit, ID list parsing
 *   sim_machine.c  the machine: host configuration (QCI), per-queue state and
 *                  scripting, the simulated TAPQ/ZAPQ/QCI instructions
 *   sim_bus.c      the AP bus "ap": card/queue devices, scans, apmask/aqmask
 *   sim_guest.c    guests (KVM stand-ins), attach/detach hooks
 *   sim_debugfs.c  the control interface under /sys/kernel/debug/vfio_ap_sim
 *
 * Locks, outermost first (see Documentation/testbed.md):
 *
 *   sim_scan_mutex   serialises configuration changes and scans; held while
 *                    devices are added/removed (driver probe/remove) and
 *                    while on_config_changed/on_scan_complete run.
 *   ap_attr_mutex    (the real AP bus's) apmask/aqmask; held around in_use.
 *   sim_world_lock   guests, attachments, hooks; never held across a hook.
 *   kvm->lock        each guest's mutex, taken by the driver.
 *   sim_lock         (spinlock, irqsave) machine state read by instructions;
 *                    innermost, never held across any callback.
 */
#ifndef VFIO_AP_SIM_INTERNAL_H
#define VFIO_AP_SIM_INTERNAL_H

#include <linux/bitmap.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "ap_bus.h"
#include "sim.h"

struct dentry;
struct seq_file;

/* The host AP configuration as QCI reports it; MSB-0 bitmaps (set_bit_inv). */
struct sim_config {
	DECLARE_BITMAP(apm, AP_DEVICES);
	DECLARE_BITMAP(aqm, AP_DOMAINS);
	DECLARE_BITMAP(adm, AP_DOMAINS);
};

/* --- sim_main.c: machine constants, fixed at load ------------------------ */

extern bool sim_has_qci;
extern bool sim_apxa;
extern unsigned int sim_na;	/* highest APID */
extern unsigned int sim_nd;	/* highest APQI */

int sim_parse_id_list(const char *s, unsigned long *bitmap, unsigned int max);
int sim_parse_set(const char *s, unsigned long *bitmap, unsigned int max);
void sim_seq_ids(struct seq_file *m, const unsigned long *bitmap,
		 unsigned int bits);

/* --- sim_machine.c -------------------------------------------------------- */

int sim_machine_init(const struct sim_config *cfg, unsigned int default_type);
void sim_machine_exit(void);
void sim_machine_config(struct sim_config *cfg);
void sim_machine_set_config(const struct sim_config *cfg);
void sim_machine_fill_qci(const struct sim_config *cfg,
			  struct ap_config_info *info);
unsigned int sim_machine_adapter_type(unsigned int apid);
u64 sim_machine_hwinfo(unsigned int apid);
int sim_machine_queue_rc(u16 qid);
int sim_machine_types_cmd(char *cmd);
void sim_machine_show_types(struct seq_file *m);
int sim_machine_script_cmd(char *cmd);
void sim_machine_show_script(struct seq_file *m);
void sim_machine_show_stats(struct seq_file *m);
void sim_machine_clear_stats(void);
void sim_machine_show_trace(struct seq_file *m);
void sim_machine_clear_trace(void);
void sim_machine_show_irqs(struct seq_file *m);

/* What the trace records: instructions, then events of the simulated VMs. */
enum sim_insn {
	SIM_INSN_TAPQ,
	SIM_INSN_ZAPQ,
	SIM_INSN_AQIC,
	SIM_EV_CRYCB,		/* a CRYCB update; arg: apm word 0 (0 on clear) */
	SIM_EV_PIN,		/* a NIB page pinned; arg: its IOVA */
	SIM_EV_UNPIN,		/* ... unpinned */
	SIM_EV_GISC_REG,	/* a GISC registered; arg: the guest ISC */
	SIM_EV_GISC_UNREG,	/* ... unregistered */
};

void sim_machine_trace_event(enum sim_insn event, u64 arg);

/* --- sim_bus.c ------------------------------------------------------------ */

extern struct mutex sim_scan_mutex;

int sim_bus_init(void);
void sim_bus_exit(void);
void sim_bus_rescan(void);
void sim_config_commit(const struct sim_config *cfg);

/* --- sim_guest.c ---------------------------------------------------------- */

void sim_guests_debugfs_init(struct dentry *root);
void sim_guests_exit(void);

/* --- sim_debugfs.c -------------------------------------------------------- */

void sim_debugfs_init(void);
void sim_debugfs_exit(void);
char *sim_copy_write(const char __user *ubuf, size_t count);

/* Failure injection (sim_main.c): positive errnos, 0 for none. */
extern int sim_fail_driver_register;
extern int sim_fail_set_hooks;
extern int sim_fail_qci;

#endif /* VFIO_AP_SIM_INTERNAL_H */
