// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_ap_sim: the machine. The host AP configuration (what QCI returns),
 * the adapter types, and per-APQN queue state: counters and the scripted
 * behaviour of the simulated PQAP instructions TAPQ and ZAPQ.
 *
 * Everything here is under sim_lock, a spinlock taken with interrupts off:
 * the instructions may be issued from any context, as the real ones can.
 * The configuration is only written under sim_scan_mutex (sim_bus.c) too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "sim_internal.h"

/* Persistent scripted states of a queue. */
enum sim_qstate {
	SIM_Q_NORMAL,
	SIM_Q_DECONFIGURED,	/* every PQAP: rc 03 */
	SIM_Q_CHECKSTOPPED,	/* every PQAP: rc 04 */
};

static const char *const sim_qstate_names[] = {
	[SIM_Q_NORMAL] = "normal",
	[SIM_Q_DECONFIGURED] = "deconfigured",
	[SIM_Q_CHECKSTOPPED] = "checkstopped",
};

/* One APQN: 40 bytes, 64K of them (2.5 MiB), indexed by the qid. */
struct sim_queue {
	u64 nib;		/* the NIB of enabled interruptions */
	u32 zapq;		/* ZAPQs issued */
	u32 tapq;		/* TAPQs issued */
	u32 aqic;		/* AQICs issued */
	u16 aqic_times;		/* AQICs left that return aqic_rc; 0: all */
	u8 aqic_rc;		/* scripted AQIC response code; 0: none */
	u8 irq_on;		/* interruptions enabled (AQIC IR=1 succeeded) */
	u8 irq_isc;		/* the host ISC they were enabled with */
	u16 zapq_times;		/* ZAPQs left that return zapq_rc; 0: all */
	u16 tapq_times;		/* TAPQs left that return tapq_rc; 0: all */
	u16 reset_polls;	/* TAPQs reporting 02 after each ZAPQ */
	u16 pending;		/* TAPQs still reporting 02 */
	u8 zapq_rc;		/* scripted ZAPQ response code; 0: none */
	u8 tapq_rc;		/* scripted TAPQ response code; 0: none */
	u8 state;		/* enum sim_qstate */
};

/*
 * The instruction trace: the last SIM_TRACE_LEN TAPQs and ZAPQs in the order
 * they were issued, so tests can check orderings (every ZAPQ of a batch
 * before its first TAPQ) that counters cannot show.
 */
#define SIM_TRACE_LEN 8192

struct sim_trace_entry {
	u64 seq;
	u64 arg;		/* AQIC: GR1; CRYCB: apm word 0; pin: IOVA */
	u16 qid;
	u8 insn;		/* enum sim_insn */
	u8 rc;
};

static const char *const sim_insn_names[] = {
	[SIM_INSN_TAPQ] = "tapq",
	[SIM_INSN_ZAPQ] = "zapq",
	[SIM_INSN_AQIC] = "aqic",
	[SIM_EV_CRYCB] = "crycb",
	[SIM_EV_PIN] = "pin",
	[SIM_EV_UNPIN] = "unpin",
	[SIM_EV_GISC_REG] = "gisc+",
	[SIM_EV_GISC_UNREG] = "gisc-",
};

#define SIM_NR_QUEUES (AP_DEVICES * AP_DOMAINS)
#define SIM_TYPE_DEFAULT (-1)

static DEFINE_SPINLOCK(sim_lock);
static struct sim_config sim_cfg;
static struct sim_queue *sim_queues;
static struct sim_trace_entry *sim_trace;
static u64 sim_trace_next;	/* sequence number of the next entry */
static unsigned int sim_default_type;
static s16 sim_types[AP_DEVICES];	/* SIM_TYPE_DEFAULT or a raw type */

int sim_machine_init(const struct sim_config *cfg, unsigned int default_type)
{
	unsigned int i;

	sim_queues = vzalloc(array_size(SIM_NR_QUEUES, sizeof(*sim_queues)));
	if (!sim_queues)
		return -ENOMEM;
	sim_trace = vzalloc(array_size(SIM_TRACE_LEN, sizeof(*sim_trace)));
	if (!sim_trace) {
		vfree(sim_queues);
		sim_queues = NULL;
		return -ENOMEM;
	}
	sim_trace_next = 0;
	sim_cfg = *cfg;
	sim_default_type = default_type;
	for (i = 0; i < AP_DEVICES; i++)
		sim_types[i] = SIM_TYPE_DEFAULT;
	return 0;
}

void sim_machine_exit(void)
{
	vfree(sim_trace);
	sim_trace = NULL;
	vfree(sim_queues);
	sim_queues = NULL;
}

/* Records an instruction or event in the trace; sim_lock held. */
static void __sim_trace(enum sim_insn insn, u16 qid, unsigned int rc, u64 arg)
{
	struct sim_trace_entry *e = &sim_trace[sim_trace_next % SIM_TRACE_LEN];

	e->seq = sim_trace_next++;
	e->qid = qid;
	e->insn = insn;
	e->rc = rc;
	e->arg = arg;
}

/* Records an event of the simulated VMs (not an instruction). */
void sim_machine_trace_event(enum sim_insn event, u64 arg)
{
	unsigned long flags;

	spin_lock_irqsave(&sim_lock, flags);
	__sim_trace(event, 0, 0, arg);
	spin_unlock_irqrestore(&sim_lock, flags);
}

/* Snapshot of the current host configuration. */
void sim_machine_config(struct sim_config *cfg)
{
	unsigned long flags;

	spin_lock_irqsave(&sim_lock, flags);
	*cfg = sim_cfg;
	spin_unlock_irqrestore(&sim_lock, flags);
}

static bool sim_configured(u16 qid)
{
	return test_bit_inv(AP_QID_CARD(qid), sim_cfg.apm) &&
	       test_bit_inv(AP_QID_QUEUE(qid), sim_cfg.aqm);
}

/*
 * Installs a new host configuration (caller holds sim_scan_mutex). A queue
 * that leaves the configuration loses a reset in progress and its enabled
 * interruptions, as a deconfigured and reconfigured queue would.
 */
void sim_machine_set_config(const struct sim_config *cfg)
{
	unsigned long flags;
	unsigned int qid;

	lockdep_assert_held(&sim_scan_mutex);
	spin_lock_irqsave(&sim_lock, flags);
	sim_cfg = *cfg;
	for (qid = 0; qid < SIM_NR_QUEUES; qid++) {
		if (sim_configured(qid))
			continue;
		sim_queues[qid].pending = 0;
		sim_queues[qid].irq_on = 0;
		sim_queues[qid].nib = 0;
	}
	spin_unlock_irqrestore(&sim_lock, flags);
}

/* struct ap_config_info as QCI stores it (big-endian, MSB-0 masks). */
void sim_machine_fill_qci(const struct sim_config *cfg,
			  struct ap_config_info *info)
{
	memset(info, 0, sizeof(*info));
	/* A current machine: S, C and R bits; N as configured. */
	info->apsc = 1;
	info->apxa = sim_apxa;
	info->qact = 1;
	info->rc8a = 1;
	info->na = sim_na;
	info->nd = sim_nd;
	/* s390 is big-endian: the unsigned long view is the bit string. */
	BUILD_BUG_ON(sizeof(info->apm) != sizeof(cfg->apm));
	memcpy(info->apm, cfg->apm, sizeof(info->apm));
	memcpy(info->aqm, cfg->aqm, sizeof(info->aqm));
	memcpy(info->adm, cfg->adm, sizeof(info->adm));
}

bool vfio_ap_sim_qci_installed(void)
{
	return sim_has_qci;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_qci_installed);

int vfio_ap_sim_qci(struct ap_config_info *info)
{
	struct ap_config_info tmp;
	struct sim_config cfg;
	int fail = READ_ONCE(sim_fail_qci);

	if (!sim_has_qci)
		return -EOPNOTSUPP;
	if (fail > 0)
		return -fail;
	sim_machine_config(&cfg);
	sim_machine_fill_qci(&cfg, &tmp);
	*info = tmp;
	return 0;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_qci);

static unsigned int __sim_type(unsigned int apid)
{
	return sim_types[apid] == SIM_TYPE_DEFAULT ? sim_default_type :
						      sim_types[apid];
}

/* The raw adapter type TAPQ reports for adapter @apid. */
unsigned int sim_machine_adapter_type(unsigned int apid)
{
	unsigned long flags;
	unsigned int type;

	spin_lock_irqsave(&sim_lock, flags);
	type = __sim_type(apid);
	spin_unlock_irqrestore(&sim_lock, flags);
	return type;
}

static u64 __sim_hwinfo(unsigned int apid)
{
	struct ap_tapq_hwinfo hw = { .value = 0 };

	hw.cca = 1;		/* a CCA coprocessor */
	hw.apxa = sim_apxa;
	hw.at = __sim_type(apid);
	hw.nd = sim_nd;
	hw.qd = 7;		/* queue depth 8 */
	return hw.value;
}

/* TAPQ's GR2 (struct ap_tapq_hwinfo) for adapter @apid. */
u64 sim_machine_hwinfo(unsigned int apid)
{
	unsigned long flags;
	u64 hw;

	spin_lock_irqsave(&sim_lock, flags);
	hw = __sim_hwinfo(apid);
	spin_unlock_irqrestore(&sim_lock, flags);
	return hw;
}

/* Response code of any PQAP on @qid before scripting: 00, 01, 03 or 04. */
static unsigned int __sim_base_rc(u16 qid)
{
	if (!sim_configured(qid))
		return AP_RESPONSE_Q_NOT_AVAIL;
	switch (sim_queues[qid].state) {
	case SIM_Q_DECONFIGURED:
		return AP_RESPONSE_DECONFIGURED;
	case SIM_Q_CHECKSTOPPED:
		return AP_RESPONSE_CHECKSTOPPED;
	default:
		return AP_RESPONSE_NORMAL;
	}
}

/* For the queue devices' config/chkstop attributes; not counted. */
int sim_machine_queue_rc(u16 qid)
{
	unsigned long flags;
	unsigned int rc;

	spin_lock_irqsave(&sim_lock, flags);
	rc = __sim_base_rc(qid);
	spin_unlock_irqrestore(&sim_lock, flags);
	return rc;
}

u32 vfio_ap_sim_tapq(u16 qid, bool t_bit, u64 *hwinfo)
{
	struct ap_queue_status status = { .value = 0 };
	struct sim_queue *q;
	unsigned long flags;
	unsigned int rc;
	u64 hw = 0;

	spin_lock_irqsave(&sim_lock, flags);
	q = &sim_queues[qid];
	q->tapq++;
	rc = __sim_base_rc(qid);
	if (rc == AP_RESPONSE_NORMAL && q->pending) {
		q->pending--;
		rc = AP_RESPONSE_RESET_IN_PROGRESS;
	} else if (rc == AP_RESPONSE_NORMAL && q->tapq_rc) {
		rc = q->tapq_rc;
		if (q->tapq_times && !--q->tapq_times)
			q->tapq_rc = 0;
	}
	__sim_trace(SIM_INSN_TAPQ, qid, rc, 0);
	/* The real bus expects GR2 for rc 00, 02, 03, 04 and 05. */
	if (t_bit && rc != AP_RESPONSE_Q_NOT_AVAIL)
		hw = __sim_hwinfo(AP_QID_CARD(qid));
	spin_unlock_irqrestore(&sim_lock, flags);

	status.response_code = rc;
	status.queue_empty = rc == AP_RESPONSE_NORMAL;
	status.irq_enabled = q->irq_on && (rc == AP_RESPONSE_NORMAL ||
					    rc == AP_RESPONSE_RESET_IN_PROGRESS);
	if (hwinfo)
		*hwinfo = hw;
	return status.value;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_tapq);

u32 vfio_ap_sim_zapq(u16 qid)
{
	struct ap_queue_status status = { .value = 0 };
	struct sim_queue *q;
	unsigned long flags;
	unsigned int rc;

	spin_lock_irqsave(&sim_lock, flags);
	q = &sim_queues[qid];
	q->zapq++;
	rc = __sim_base_rc(qid);
	if (rc == AP_RESPONSE_NORMAL && q->zapq_rc) {
		rc = q->zapq_rc;
		if (q->zapq_times && !--q->zapq_times)
			q->zapq_rc = 0;
	}
	/*
	 * A reset was started (or is going on): TAPQ reports it a while, and
	 * the reset disables the queue's interruptions.
	 */
	if (rc == AP_RESPONSE_NORMAL || rc == AP_RESPONSE_RESET_IN_PROGRESS) {
		q->pending = q->reset_polls;
		q->irq_on = 0;
	}
	__sim_trace(SIM_INSN_ZAPQ, qid, rc, 0);
	spin_unlock_irqrestore(&sim_lock, flags);

	status.response_code = rc;
	status.queue_empty = rc == AP_RESPONSE_NORMAL;
	return status.value;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_zapq);

u32 vfio_ap_sim_aqic(u16 qid, u64 ctrl, u64 nib)
{
	union ap_qirq_ctrl qirq = { .value = ctrl };
	struct ap_queue_status status = { .value = 0 };
	struct sim_queue *q;
	unsigned long flags;
	unsigned int rc;

	spin_lock_irqsave(&sim_lock, flags);
	q = &sim_queues[qid];
	q->aqic++;
	rc = __sim_base_rc(qid);
	if (rc == AP_RESPONSE_NORMAL && q->pending)
		rc = AP_RESPONSE_RESET_IN_PROGRESS;
	else if (rc == AP_RESPONSE_NORMAL && q->aqic_rc) {
		rc = q->aqic_rc;
		if (q->aqic_times && !--q->aqic_times)
			q->aqic_rc = 0;
	}
	if (rc == AP_RESPONSE_NORMAL) {
		q->irq_on = qirq.ir;
		q->nib = qirq.ir ? nib : 0;
		q->irq_isc = qirq.ir ? qirq.isc : 0;
	}
	__sim_trace(SIM_INSN_AQIC, qid, rc, ctrl);
	status.response_code = rc;
	status.irq_enabled = q->irq_on;
	spin_unlock_irqrestore(&sim_lock, flags);
	return status.value;
}
EXPORT_SYMBOL_GPL(vfio_ap_sim_aqic);

/* --- debugfs commands ------------------------------------------------------ */

/* Next whitespace-separated token of *@s, or NULL. */
static char *sim_token(char **s)
{
	char *tok;

	do {
		tok = strsep(s, " \t\n");
	} while (tok && !*tok);
	return tok;
}

/*
 * adapter_type: "<type>" sets the default raw type; "<apid> <type>" the type
 * of one adapter; "<apid> default" returns it to the default. The caller
 * holds sim_scan_mutex and rescans afterwards.
 */
int sim_machine_types_cmd(char *cmd)
{
	char *a = sim_token(&cmd), *b = sim_token(&cmd);
	unsigned int apid, type;
	unsigned long flags;

	lockdep_assert_held(&sim_scan_mutex);
	if (!a || sim_token(&cmd))
		return -EINVAL;
	if (!b) {
		if (kstrtouint(a, 0, &type) || type > 255)
			return -EINVAL;
		spin_lock_irqsave(&sim_lock, flags);
		sim_default_type = type;
		spin_unlock_irqrestore(&sim_lock, flags);
		return 0;
	}
	if (kstrtouint(a, 0, &apid) || apid > sim_na)
		return -EINVAL;
	if (!strcmp(b, "default"))
		type = SIM_TYPE_DEFAULT;
	else if (kstrtouint(b, 0, &type) || type > 255)
		return -EINVAL;
	spin_lock_irqsave(&sim_lock, flags);
	sim_types[apid] = type;
	spin_unlock_irqrestore(&sim_lock, flags);
	return 0;
}

void sim_machine_show_types(struct seq_file *m)
{
	unsigned long flags;
	unsigned int apid;
	int type;

	spin_lock_irqsave(&sim_lock, flags);
	type = sim_default_type;
	spin_unlock_irqrestore(&sim_lock, flags);
	seq_printf(m, "default %d\n", type);
	for (apid = 0; apid < AP_DEVICES; apid++) {
		spin_lock_irqsave(&sim_lock, flags);
		type = sim_types[apid];
		spin_unlock_irqrestore(&sim_lock, flags);
		if (type != SIM_TYPE_DEFAULT)
			seq_printf(m, "%u %d\n", apid, type);
	}
}

/* "XX.YYYY" as the queue devices are named (hex), into a qid. */
static int sim_parse_apqn(const char *s, u16 *qid)
{
	unsigned int apid, apqi;
	char card[3], dom[5];

	if (strlen(s) != 7 || s[2] != '.')
		return -EINVAL;
	memcpy(card, s, 2);
	card[2] = '\0';
	memcpy(dom, s + 3, 4);
	dom[4] = '\0';
	if (kstrtouint(card, 16, &apid) || kstrtouint(dom, 16, &apqi) ||
	    apid >= AP_DEVICES || apqi >= AP_DOMAINS)
		return -EINVAL;
	*qid = AP_MKQID(apid, apqi);
	return 0;
}

static int sim_parse_u16(const char *s, u16 *val, unsigned int max)
{
	unsigned int v;

	if (kstrtouint(s, 0, &v) || v > max)
		return -EINVAL;
	*val = v;
	return 0;
}

/*
 * queue_script: "<XX.YYYY> <setting>..." with the settings
 *   clear                 forget all scripting of the queue (first)
 *   state=normal|deconfigured|checkstopped
 *   zapq_rc=<rc>          ZAPQ answers <rc> (0: normally)
 *   zapq_times=<n>        ... for the next <n> ZAPQs only (0: every one)
 *   tapq_rc=<rc>          TAPQ answers <rc> (0: normally) once no reset is
 *                         pending
 *   tapq_times=<n>        ... for the next <n> TAPQs only (0: every one)
 *   aqic_rc=<rc>          AQIC answers <rc> (0: normally)
 *   aqic_times=<n>        ... for the next <n> AQICs only (0: every one)
 *   reset_polls=<n>       after each ZAPQ, <n> TAPQs report rc 02
 * All settings are checked before any is applied.
 */
int sim_machine_script_cmd(char *cmd)
{
	bool clear = false, set_state = false, set_rc = false;
	bool set_times = false, set_polls = false;
	bool set_trc = false, set_ttimes = false;
	bool set_arc = false, set_atimes = false;
	u16 qid, state = 0, rc = 0, times = 0, polls = 0, trc = 0, ttimes = 0;
	u16 arc = 0, atimes = 0;
	char *tok, *val;
	struct sim_queue *q;
	unsigned long flags;
	unsigned int i;

	tok = sim_token(&cmd);
	if (!tok || sim_parse_apqn(tok, &qid))
		return -EINVAL;
	tok = sim_token(&cmd);
	if (!tok)
		return -EINVAL;
	for (; tok; tok = sim_token(&cmd)) {
		if (!strcmp(tok, "clear")) {
			clear = true;
			continue;
		}
		val = strchr(tok, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(tok, "state")) {
			for (i = 0; i < ARRAY_SIZE(sim_qstate_names); i++)
				if (!strcmp(val, sim_qstate_names[i]))
					break;
			if (i == ARRAY_SIZE(sim_qstate_names))
				return -EINVAL;
			state = i;
			set_state = true;
		} else if (!strcmp(tok, "zapq_rc")) {
			if (sim_parse_u16(val, &rc, 0xff))
				return -EINVAL;
			set_rc = true;
		} else if (!strcmp(tok, "zapq_times")) {
			if (sim_parse_u16(val, &times, U16_MAX))
				return -EINVAL;
			set_times = true;
		} else if (!strcmp(tok, "tapq_rc")) {
			if (sim_parse_u16(val, &trc, 0xff))
				return -EINVAL;
			set_trc = true;
		} else if (!strcmp(tok, "tapq_times")) {
			if (sim_parse_u16(val, &ttimes, U16_MAX))
				return -EINVAL;
			set_ttimes = true;
		} else if (!strcmp(tok, "aqic_rc")) {
			if (sim_parse_u16(val, &arc, 0xff))
				return -EINVAL;
			set_arc = true;
		} else if (!strcmp(tok, "aqic_times")) {
			if (sim_parse_u16(val, &atimes, U16_MAX))
				return -EINVAL;
			set_atimes = true;
		} else if (!strcmp(tok, "reset_polls")) {
			if (sim_parse_u16(val, &polls, U16_MAX))
				return -EINVAL;
			set_polls = true;
		} else {
			return -EINVAL;
		}
	}

	spin_lock_irqsave(&sim_lock, flags);
	q = &sim_queues[qid];
	if (clear) {
		q->state = SIM_Q_NORMAL;
		q->zapq_rc = 0;
		q->zapq_times = 0;
		q->tapq_rc = 0;
		q->tapq_times = 0;
		q->aqic_rc = 0;
		q->aqic_times = 0;
		q->reset_polls = 0;
		q->pending = 0;
	}
	if (set_state)
		q->state = state;
	if (set_rc)
		q->zapq_rc = rc;
	if (set_times)
		q->zapq_times = times;
	if (set_polls)
		q->reset_polls = polls;
	if (set_trc)
		q->tapq_rc = trc;
	if (set_ttimes)
		q->tapq_times = ttimes;
	if (set_arc)
		q->aqic_rc = arc;
	if (set_atimes)
		q->aqic_times = atimes;
	spin_unlock_irqrestore(&sim_lock, flags);
	return 0;
}

/*
 * The listings take sim_lock once per adapter, not per queue: 64K lock
 * round trips under TCG with lockdep take a second. seq_printf() does not
 * sleep; on overflow seq_file simply calls us again.
 */
void sim_machine_show_script(struct seq_file *m)
{
	unsigned int apid, apqi, qid;
	const struct sim_queue *q;
	unsigned long flags;

	for (apid = 0; apid < AP_DEVICES; apid++) {
		spin_lock_irqsave(&sim_lock, flags);
		for (apqi = 0; apqi < AP_DOMAINS; apqi++) {
			qid = AP_MKQID(apid, apqi);
			q = &sim_queues[qid];
			if (q->state == SIM_Q_NORMAL && !q->zapq_rc &&
			    !q->tapq_rc && !q->aqic_rc && !q->reset_polls &&
			    !q->pending)
				continue;
			seq_printf(m, "%02x.%04x state=%s zapq_rc=0x%02x zapq_times=%u tapq_rc=0x%02x tapq_times=%u aqic_rc=0x%02x aqic_times=%u reset_polls=%u pending_polls=%u\n",
				   apid, apqi, sim_qstate_names[q->state],
				   q->zapq_rc, q->zapq_times, q->tapq_rc,
				   q->tapq_times, q->aqic_rc, q->aqic_times,
				   q->reset_polls, q->pending);
		}
		spin_unlock_irqrestore(&sim_lock, flags);
	}
}

/* Every configured APQN, and every other one with a non-zero counter. */
void sim_machine_show_stats(struct seq_file *m)
{
	unsigned int apid, apqi, qid;
	const struct sim_queue *q;
	unsigned long flags;

	for (apid = 0; apid < AP_DEVICES; apid++) {
		spin_lock_irqsave(&sim_lock, flags);
		for (apqi = 0; apqi < AP_DOMAINS; apqi++) {
			qid = AP_MKQID(apid, apqi);
			q = &sim_queues[qid];
			if (!q->zapq && !q->tapq && !sim_configured(qid))
				continue;
			seq_printf(m, "%02x.%04x zapq=%u tapq=%u\n", apid, apqi,
				   q->zapq, q->tapq);
		}
		spin_unlock_irqrestore(&sim_lock, flags);
	}
}

void sim_machine_clear_stats(void)
{
	unsigned long flags;
	unsigned int qid;

	spin_lock_irqsave(&sim_lock, flags);
	for (qid = 0; qid < SIM_NR_QUEUES; qid++) {
		sim_queues[qid].zapq = 0;
		sim_queues[qid].tapq = 0;
	}
	spin_unlock_irqrestore(&sim_lock, flags);
}

/*
 * The instruction trace, oldest first: "<seq> <tapq|zapq> XX.YYYY rc=0xNN".
 * Entries are copied out under sim_lock in small chunks, so a long listing
 * never holds it for long; entries overwritten while it is read are skipped.
 */
void sim_machine_show_trace(struct seq_file *m)
{
	struct sim_trace_entry chunk[32];
	unsigned long flags;
	u64 seq, end;
	unsigned int i, n;

	spin_lock_irqsave(&sim_lock, flags);
	end = sim_trace_next;
	seq = end > SIM_TRACE_LEN ? end - SIM_TRACE_LEN : 0;
	spin_unlock_irqrestore(&sim_lock, flags);
	while (seq < end) {
		spin_lock_irqsave(&sim_lock, flags);
		if (sim_trace_next > seq + SIM_TRACE_LEN)
			seq = sim_trace_next - SIM_TRACE_LEN;
		for (n = 0; n < ARRAY_SIZE(chunk) && seq + n < end; n++)
			chunk[n] = sim_trace[(seq + n) % SIM_TRACE_LEN];
		spin_unlock_irqrestore(&sim_lock, flags);
		for (i = 0; i < n; i++) {
			const struct sim_trace_entry *e = &chunk[i];

			if (e->insn >= SIM_EV_CRYCB)
				seq_printf(m, "%llu %s - arg=0x%llx\n", e->seq,
					   sim_insn_names[e->insn], e->arg);
			else if (e->insn == SIM_INSN_AQIC)
				seq_printf(m, "%llu %s %02x.%04x rc=0x%02x ir=%llu\n",
					   e->seq, sim_insn_names[e->insn],
					   AP_QID_CARD(e->qid),
					   AP_QID_QUEUE(e->qid), e->rc,
					   (e->arg >> 47) & 1);
			else
				seq_printf(m, "%llu %s %02x.%04x rc=0x%02x\n",
					   e->seq, sim_insn_names[e->insn],
					   AP_QID_CARD(e->qid),
					   AP_QID_QUEUE(e->qid), e->rc);
		}
		seq += n;
	}
}

void sim_machine_clear_trace(void)
{
	unsigned long flags;

	spin_lock_irqsave(&sim_lock, flags);
	sim_trace_next = 0;
	spin_unlock_irqrestore(&sim_lock, flags);
}

/* Queues with interruptions enabled: "XX.YYYY nib=0x... isc=N". */
void sim_machine_show_irqs(struct seq_file *m)
{
	unsigned int apid, apqi, qid;
	const struct sim_queue *q;
	unsigned long flags;

	for (apid = 0; apid < AP_DEVICES; apid++) {
		spin_lock_irqsave(&sim_lock, flags);
		for (apqi = 0; apqi < AP_DOMAINS; apqi++) {
			qid = AP_MKQID(apid, apqi);
			q = &sim_queues[qid];
			if (!q->irq_on)
				continue;
			seq_printf(m, "%02x.%04x nib=0x%llx isc=%u\n", apid,
				   apqi, q->nib, q->irq_isc);
		}
		spin_unlock_irqrestore(&sim_lock, flags);
	}
}
