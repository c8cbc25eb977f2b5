// SPDX-License-Identifier: GPL-2.0

//! PQAP(AQIC), the guest's request to enable or disable the interruptions of
//! a queue, which KVM hands to vfio_ap (Linux 7.3 `handle_pqap`,
//! `vfio_ap_irq_enable`, `vfio_ap_irq_disable`): the register layouts, and
//! each decision of the enable and disable paths, as values.

#![forbid(unsafe_code)]

use super::ids::Apqn;
use super::reset::rc;

/// The guest's PQAP(AQIC) registers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct AqicRequest {
    /// The queue (GR0 bits 48-63).
    pub apqn: Apqn,
    /// Enable (IR, GR1 bit 16) or disable.
    pub enable: bool,
    /// The guest's interruption subclass (GR1 bits 61-63).
    pub isc: u8,
    /// The guest address of the notification indicator byte (GR2).
    pub nib: u64,
}

impl AqicRequest {
    /// Decodes the registers as `handle_pqap` does.
    pub fn from_gprs(gr0: u64, gr1: u64, gr2: u64) -> Self {
        Self {
            apqn: Apqn::from_raw(gr0 as u16),
            enable: (gr1 >> (63 - 16)) & 1 == 1,
            isc: (gr1 & 7) as u8,
            nib: gr2,
        }
    }
}

/// `struct ap_queue_status`: the 32-bit status of an AP instruction, most
/// significant bit first.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct QueueStatus(pub u32);

impl QueueStatus {
    /// A status with only `response_code` set, as the driver makes up when
    /// it answers without issuing an instruction.
    pub const fn with_rc(response_code: u8) -> Self {
        Self((response_code as u32) << 16)
    }

    /// The response code (bits 8-15).
    pub const fn response_code(self) -> u8 {
        (self.0 >> 16) as u8
    }

    /// Whether interruptions are enabled (bit 7).
    pub const fn irq_enabled(self) -> bool {
        self.0 & (1 << 24) != 0
    }

    /// The guest's GR1 after the hook: 7.3 copies the 4-byte status into
    /// the high half of GR1 and shifts it down by 32, so GR1 is the status.
    /// KVM then sets condition code 3 if the response code is not 0.
    pub const fn gr1(self) -> u64 {
        self.0 as u64
    }
}

/// `union ap_qirq_ctrl`, GR1 of the host's PQAP(AQIC).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct QirqCtrl {
    /// Enable (IR).
    pub ir: bool,
    /// The guest's ISC (3 bits).
    pub gisc: u8,
    /// The GISA origin, shifted right by 4 (27 bits).
    pub gisa: u32,
    /// The host ISC the GIB assigned (3 bits).
    pub isc: u8,
}

impl QirqCtrl {
    /// The 64-bit register value: IR at bit 16, the guest ISC at bits 21-23,
    /// the GISA at bits 33-59, the ISC at bits 61-63 (zone and format 0).
    pub fn value(self) -> u64 {
        (u64::from(self.ir) << (63 - 16))
            | (u64::from(self.gisc & 7) << (63 - 23))
            | (u64::from(self.gisa & 0x07ff_ffff) << (63 - 59))
            | u64::from(self.isc & 7)
    }
}

/// What becomes of the interrupt registrations after the host's AQIC of an
/// enable request answered `response_code`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EnableOutcome {
    /// 00: the new registration (pinned NIB, GISC) replaces the old one,
    /// which is released.
    Replace,
    /// 07 (otherwise changed): the new registration is released; the old
    /// one stays.
    KeepOld,
    /// Anything else: the new registration is released (7.3 leaks it:
    /// upstream defect 2) and the queue's interruptions are disabled, which
    /// releases the old one.
    Disable,
}

/// The enable path's decision on the host AQIC's response code.
pub const fn enable_outcome(response_code: u8) -> EnableOutcome {
    match response_code {
        rc::NORMAL => EnableOutcome::Replace,
        rc::OTHERWISE_CHANGED => EnableOutcome::KeepOld,
        _ => EnableOutcome::Disable,
    }
}

/// Tries of the disable path's AQIC (`vfio_ap_irq_disable`: the first and
/// five more).
pub const DISABLE_TRIES: u32 = 6;
/// TAPQs waiting for the interruption to be off (`vfio_ap_wait_for_irqclear`).
pub const IRQCLEAR_TRIES: u32 = 5;
/// The wait between two tries, in milliseconds.
pub const RETRY_INTERVAL_MS: u32 = 20;

/// The disable path's next step after an AQIC (disable) answered
/// `response_code`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DisableStep {
    /// 00 or 07: wait for TAPQ to show the interruption off.
    WaitIrqClear,
    /// 02 or 05: wait and try the AQIC again.
    Retry,
    /// Anything else: the queue is not operational; give up (7.3 WARNs).
    GiveUp,
}

/// The disable path's decision on one AQIC answer.
pub const fn disable_step(response_code: u8) -> DisableStep {
    match response_code {
        rc::NORMAL | rc::OTHERWISE_CHANGED => DisableStep::WaitIrqClear,
        rc::RESET_IN_PROGRESS | rc::BUSY => DisableStep::Retry,
        _ => DisableStep::GiveUp,
    }
}

/// The wait for the interruption to be off, on one TAPQ answer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IrqClearStep {
    /// Off: done.
    Cleared,
    /// Still on or busy: wait and look again.
    Again,
    /// The queue answered a code that ends the wait (7.3 WARNs).
    GiveUp,
}

/// The wait for the interruption to be off, on one TAPQ `status`.
pub const fn irqclear_step(status: QueueStatus) -> IrqClearStep {
    match status.response_code() {
        rc::NORMAL | rc::RESET_IN_PROGRESS if !status.irq_enabled() => IrqClearStep::Cleared,
        rc::NORMAL | rc::RESET_IN_PROGRESS | rc::BUSY => IrqClearStep::Again,
        _ => IrqClearStep::GiveUp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Apid, Apqi};

    #[test]
    fn registers_decode_as_handle_pqap() {
        let r = AqicRequest::from_gprs(0x0300_0000 | 0x0504, 1 << 47 | 0x3, 0x1000_0040);
        assert_eq!(r.apqn, Apqn::new(Apid::new(5), Apqi::new(4)));
        assert!(r.enable);
        assert_eq!(r.isc, 3);
        assert_eq!(r.nib, 0x1000_0040);
        let off = AqicRequest::from_gprs(0x0504, 0x7, 0);
        assert!(!off.enable);
        assert_eq!(off.isc, 7);
    }

    #[test]
    fn qirq_ctrl_layout() {
        let c = QirqCtrl {
            ir: true,
            gisc: 3,
            gisa: 0x07ff_ffff,
            isc: 5,
        };
        // ir: bit 16; gisc: bits 21-23; gisa: bits 33-59; isc: bits 61-63.
        assert_eq!(
            c.value(),
            (1u64 << 47) | (3u64 << 40) | (0x07ff_ffffu64 << 4) | 5
        );
        assert_eq!(QirqCtrl::default().value(), 0);
    }

    #[test]
    fn status_fields_and_gr1() {
        let s = QueueStatus(0x8107_0000);
        assert_eq!(s.response_code(), 0x07);
        assert!(s.irq_enabled());
        assert_eq!(s.gr1(), 0x8107_0000);
        assert_eq!(QueueStatus::with_rc(1).gr1() & 0x00ff_0000, 0x0001_0000);
    }

    #[test]
    fn decisions() {
        assert_eq!(enable_outcome(0), EnableOutcome::Replace);
        assert_eq!(enable_outcome(7), EnableOutcome::KeepOld);
        for code in [1u8, 2, 3, 4, 5, 6, 0x0a, 0xff] {
            assert_eq!(enable_outcome(code), EnableOutcome::Disable, "{code}");
        }
        assert_eq!(disable_step(0), DisableStep::WaitIrqClear);
        assert_eq!(disable_step(7), DisableStep::WaitIrqClear);
        assert_eq!(disable_step(2), DisableStep::Retry);
        assert_eq!(disable_step(5), DisableStep::Retry);
        assert_eq!(disable_step(1), DisableStep::GiveUp);
        assert_eq!(disable_step(6), DisableStep::GiveUp);
        assert_eq!(irqclear_step(QueueStatus(0)), IrqClearStep::Cleared);
        assert_eq!(irqclear_step(QueueStatus(1 << 24)), IrqClearStep::Again);
        assert_eq!(irqclear_step(QueueStatus::with_rc(5)), IrqClearStep::Again);
        assert_eq!(
            irqclear_step(QueueStatus::with_rc(2)),
            IrqClearStep::Cleared
        );
        assert_eq!(irqclear_step(QueueStatus::with_rc(3)), IrqClearStep::GiveUp);
    }
}
