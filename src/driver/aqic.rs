// SPDX-License-Identifier: GPL-2.0

//! A guest's PQAP(AQIC): enabling and disabling the interruptions of its
//! queues (`handle_pqap`, `vfio_ap_irq_enable`, `vfio_ap_irq_disable`), and
//! the rules for releasing their resources.
//!
//! Resources: enabling pins the guest's notification indicator byte (NIB)
//! and registers the guest ISC with the GIB; both are released only once
//! the queue's interruptions are known to be off (a disabling AQIC, a
//! completed reset, or the queue leaving the host configuration), because
//! the adapter writes the NIB for as long as they are on.
//!
//! Differences from 7.3, on purpose:
//! - AQIC is served only for queues in the guest's shadow APCB; 7.3 looks
//!   the queue up in the assignment, so it serves queues that are assigned
//!   and bound but filtered out of the guest (upstream defect 4).
//! - An enable that the host AQIC refuses releases the new NIB pin and GISC
//!   registration; 7.3 leaks them (upstream defect 2).
//! - A queue being reset answers "reset in progress" (02); 7.3 holds
//!   `mdevs_lock` across the reset, so the guest's vCPU waits instead.
//!
//! Locks: KVM calls the hook with the vCPU's mutex and the VM's hook rwsem
//! (read) held; the hook takes `mdevs`, as 7.3 does, and pins the NIB under
//! it. The records live under `irqs`, innermost; no page is pinned or
//! unpinned under `irqs`, because `dma_unmap` comes with VFIO's type1
//! `device_list_lock` held, which nests inside the lock pinning takes: 7.3
//! takes `mdevs_lock` there, a lock inversion lockdep reports (pinning under
//! `mdevs_lock` -> type1 `iommu->lock` -> `device_list_lock` ->
//! `mdevs_lock`).

use kernel::prelude::*;
use kernel::time::{delay::fsleep, Delta};

use super::state::{DriverState, Mdevs, QueueIrq};
use crate::hw::{self, GiscRegistration, NibPin, Vcpu};
use crate::matrix::aqic::{
    disable_step, enable_outcome, irqclear_step, AqicRequest, DisableStep, EnableOutcome,
    IrqClearStep, QirqCtrl, QueueStatus, DISABLE_TRIES, IRQCLEAR_TRIES, RETRY_INTERVAL_MS,
};
use crate::matrix::filter::QueueRows;
use crate::matrix::ids::Apqn;
use crate::matrix::reset::rc;

/// The PQAP hook for mdev `id`: decodes the guest's AQIC, serves it, and
/// puts the status into the guest's GR1. `-EOPNOTSUPP` (left to userspace)
/// without the adapter-interruption virtualization facility, as 7.3.
pub(crate) fn handle_pqap(state: &DriverState, id: u64, vcpu: &mut Vcpu<'_>) -> Result {
    let request = AqicRequest::from_gprs(vcpu.gpr(0), vcpu.gpr(1), vcpu.gpr(2));
    if !vcpu.has_aiv() {
        return Err(EOPNOTSUPP);
    }
    let status = serve(state, &state.mdevs.lock(), id, vcpu, &request);
    vcpu.set_gpr(1, status.gr1());
    Ok(())
}

/// The status of the guest's AQIC `request` on mdev `id`; `mdevs` is held.
fn serve(
    state: &DriverState,
    mdevs: &Mdevs,
    id: u64,
    vcpu: &Vcpu<'_>,
    request: &AqicRequest,
) -> QueueStatus {
    let apqn = request.apqn;
    let Some(entry) = mdevs.get(id) else {
        return QueueStatus::with_rc(rc::Q_NOT_AVAIL);
    };
    // The guest has the queue only if its shadow does (upstream defect 4).
    if entry.guest.is_none() || !entry.matrix.shadow().has_queue(apqn) {
        return QueueStatus::with_rc(rc::Q_NOT_AVAIL);
    }
    if mdevs.resetting[..].is_usable(apqn) {
        return QueueStatus::with_rc(rc::RESET_IN_PROGRESS);
    }
    if request.enable {
        enable(state, mdevs, id, vcpu, request)
    } else {
        disable(state, apqn)
    }
}

/// `vfio_ap_irq_enable`: pins the NIB, registers the guest ISC, and asks
/// the adapter to enable interruptions with them. Any failure before the
/// AQIC is "invalid address" (06), as 7.3.
fn enable(
    state: &DriverState,
    mdevs: &Mdevs,
    id: u64,
    vcpu: &Vcpu<'_>,
    request: &AqicRequest,
) -> QueueStatus {
    let apqn = request.apqn;
    let invalid = QueueStatus::with_rc(rc::INVALID_ADDRESS);
    let Some((kvm, vdev)) = mdevs.get(id).and_then(|e| {
        e.guest
            .as_ref()
            .map(|kvm| (kvm.clone_ref(), e.vdev.clone()))
    }) else {
        return QueueStatus::with_rc(rc::Q_NOT_AVAIL);
    };
    if request.nib == 0 || !hw::gpa_in_memslot(&kvm, request.nib) {
        return invalid;
    }
    let Ok(nib) = NibPin::pin(&vdev, &kvm, request.nib) else {
        return invalid;
    };
    if !hw::nib_shared(vcpu, nib.phys()) {
        return invalid;
    }
    let Ok((gisc, host_isc)) = GiscRegistration::register(&kvm, request.isc) else {
        return invalid;
    };
    let ctrl = QirqCtrl {
        ir: true,
        gisc: request.isc,
        gisa: hw::gisa(&kvm),
        isc: host_isc,
    };
    let status = QueueStatus(hw::aqic(apqn, ctrl.value(), nib.phys()));
    match enable_outcome(status.response_code()) {
        EnableOutcome::Replace => {
            // The adapter uses the new NIB now: the old resources go.
            let old = state.take_irq(|q| q.apqn == apqn);
            drop(old);
            let irq = QueueIrq {
                apqn,
                mdev: id,
                nib,
                _gisc: gisc,
            };
            if let Err(irq) = state.put_irq(irq) {
                // Cannot happen (room is reserved per bound queue); never
                // release a NIB the adapter may write: turn it off first.
                pr_warn!("no room to record the interruptions of {}\n", ApqnFmt(apqn));
                let _ = aqic_off(apqn);
                drop(irq);
            }
        }
        EnableOutcome::KeepOld => {
            // `nib` and `gisc` are released here, as the adapter kept its
            // old setting.
        }
        EnableOutcome::Disable => {
            pr_warn!(
                "vfio_ap_irq_enable: apqn {:04x}: response: {:02x}\n",
                apqn.raw(),
                status.response_code()
            );
            // The new resources go here (7.3 leaks them), the old ones with
            // the disable.
            drop((nib, gisc));
            let _ = disable(state, apqn);
        }
    }
    status
}

/// `vfio_ap_irq_disable`: asks the adapter to disable the queue's
/// interruptions (retrying while it is busy), waits for TAPQ to show them
/// off, then releases their resources. Returns the last AQIC status.
pub(crate) fn disable(state: &DriverState, apqn: Apqn) -> QueueStatus {
    let status = aqic_off(apqn);
    let irq = state.take_irq(|q| q.apqn == apqn);
    drop(irq);
    status
}

/// Disables the interruptions of every queue of mdev `id` whose record
/// `pick` chooses, releasing their resources. Each record is taken out
/// before its queue's interruption is turned off, so two callers never
/// release the same one.
fn disable_each(state: &DriverState, pick: impl Fn(&QueueIrq) -> bool) {
    while let Some(irq) = state.take_irq(&pick) {
        let _ = aqic_off(irq.apqn);
        drop(irq);
    }
}

/// Disables the interruptions of every queue the guest of mdev `id` has
/// them on (the guest is gone, or its mdev).
pub(crate) fn disable_all_of(state: &DriverState, id: u64) {
    disable_each(state, |q| q.mdev == id);
}

/// Disables the interruptions of the queues of mdev `id` whose NIB lies in
/// `[iova, iova + length)`: userspace is unmapping that memory
/// (`dma_unmap`). Called under VFIO's type1 `device_list_lock`, so it takes
/// no lock but `irqs`, and unpins without it.
pub(crate) fn disable_in_range(state: &DriverState, id: u64, iova: u64, length: u64) {
    let end = iova.saturating_add(length);
    disable_each(state, |q| {
        q.mdev == id && (iova..end).contains(&q.nib.iova())
    });
}

/// The AQIC (disable) and the wait for the interruption to be off, bounded
/// as 7.3's; gives up with a message naming the queue.
fn aqic_off(apqn: Apqn) -> QueueStatus {
    let mut status = QueueStatus::default();
    for _ in 0..DISABLE_TRIES {
        status = QueueStatus(hw::aqic(apqn, 0, 0));
        match disable_step(status.response_code()) {
            DisableStep::WaitIrqClear => {
                wait_irq_clear(apqn);
                return status;
            }
            DisableStep::Retry => sleep_retry(),
            DisableStep::GiveUp => {
                pr_warn!(
                    "disabling the interruptions of {} failed: AQIC rc={:#04x}\n",
                    ApqnFmt(apqn),
                    status.response_code()
                );
                return status;
            }
        }
    }
    pr_warn!(
        "disabling the interruptions of {}: AQIC still busy (rc={:#04x})\n",
        ApqnFmt(apqn),
        status.response_code()
    );
    status
}

/// `vfio_ap_wait_for_irqclear`.
fn wait_irq_clear(apqn: Apqn) {
    let mut status = QueueStatus::default();
    for _ in 0..IRQCLEAR_TRIES {
        status = QueueStatus(hw::tapq_status(apqn));
        match irqclear_step(status) {
            IrqClearStep::Cleared => return,
            IrqClearStep::Again => sleep_retry(),
            IrqClearStep::GiveUp => break,
        }
    }
    pr_warn!(
        "the interruptions of {} did not turn off: TAPQ rc={:#04x}\n",
        ApqnFmt(apqn),
        status.response_code()
    );
}

fn sleep_retry() {
    fsleep(Delta::from_millis(i64::from(RETRY_INTERVAL_MS)));
}

/// A queue number as the queue devices are named: `04.0047`.
struct ApqnFmt(Apqn);

impl kernel::fmt::Display for ApqnFmt {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:02x}.{:04x}", self.0.apid().get(), self.0.apqi().get())
    }
}
