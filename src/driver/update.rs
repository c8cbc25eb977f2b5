// SPDX-License-Identifier: GPL-2.0

//! Carrying out the matrix core's decisions: committing an mdev's shadow
//! APCB to its guest and resetting queues.
//!
//! Every event goes through [`update`], in this order:
//! 1. with `guests` held (by the caller), the mdev's guest lock and `mdevs`
//!    are taken and the core decides; the shadow is committed to the guest;
//! 2. the guest lock and `mdevs` are released, and the queues the event
//!    asked to reset are reset as one batch (every ZAPQ first, then the set
//!    is polled together, under one bound), holding `guests` only;
//! 3. the guest lock and `mdevs` are taken again to record which queues may
//!    be passed to guests now, and to release the interrupt resources
//!    (pinned NIB, GISC) of queues whose reset completed; where passability
//!    changes the shadow, it is committed again.
//!
//! While a queue is being reset, its guest's PQAP(AQIC) answers "reset in
//! progress" (`Mdevs::resetting`), so no interruption can be enabled on a
//! queue whose reset will release the resources of its interruptions.
//!
//! Why waiting with `guests` alone is safe (`Documentation/locking.md`):
//! every writer of assignments, bindings, the host configuration and
//! attachments holds `guests`, so nothing can plug the queues being reset
//! back into a guest before step 3; they were committed out of every guest
//! in step 1 (or the guest is gone). Readers of an mdev's files need only
//! `mdevs`, which nobody holds while waiting.

use kernel::prelude::*;
use kernel::time::{delay::fsleep, Delta};

use super::state::{DriverState, Guests, Mdevs};
use crate::hw::{self, Kvm, KvmLock};
use crate::matrix::filter::{set_usable, QueueRows, ResetPlan};
use crate::matrix::ids::Apqn;
use crate::matrix::mdev::{Env, Update};
use crate::matrix::reset::{self, Outcome, QueueReset, ResetMachine};

/// Carries out an event of mdev `id` (or of no mdev, `None`): `decide` runs
/// with the mdev's guest lock (if it has a guest) and `mdevs` held, changes
/// the state and says what to do; the shadow is committed, then the planned
/// resets run (see the module's documentation). `leaving` is a queue being
/// unbound: it is reset, but can no longer become usable.
///
/// The caller holds `guests` (and may hold `ap_attr_mutex`, which `decide`
/// may release once it has recorded the change).
pub(crate) fn update<E>(
    state: &DriverState,
    guests: &mut Guests,
    id: Option<u64>,
    leaving: Option<Apqn>,
    decide: impl FnOnce(&mut Mdevs) -> Result<Update, E>,
) -> Result<(), E> {
    let plan = {
        let guest = id.and_then(|id| guests.guest_of(id)).map(Kvm::lock);
        let mut mdevs = state.mdevs.lock();
        let update = decide(&mut mdevs)?;
        if let (true, Some(id)) = (update.commit, id) {
            commit(&mdevs, id, guest.as_ref());
        }
        update.reset
    };
    if !plan.is_empty() {
        reset_and_settle(state, guests, id, &plan, leaving);
    }
    Ok(())
}

/// Commits mdev `id`'s shadow APCB to its guest, if it has one, and tells
/// userspace the guest's AP configuration changed (the config-change
/// eventfd, `signal_guest_ap_cfg_changed`).
pub(crate) fn commit(mdevs: &Mdevs, id: u64, guest: Option<&KvmLock<'_>>) {
    if let (Some(guest), Some(entry)) = (guest, mdevs.get(id)) {
        guest.set_masks(entry.matrix.shadow());
        if let Some(trigger) = &entry.cfg_chg_trigger {
            trigger.signal();
        }
    }
}

/// Resets the bound queues of `plan` as one batch, holding only `guests`,
/// then records which of them may be passed to guests: a queue whose
/// passability changed is an event of mdev `id`, which may commit again
/// (it never asks for more resets). The interrupt resources of the queues
/// whose reset completed are released. Returns whether any reset failed
/// (7.3: a final response code other than 00), for `VFIO_DEVICE_RESET`.
pub(crate) fn reset_and_settle(
    state: &DriverState,
    guests: &mut Guests,
    id: Option<u64>,
    plan: &ResetPlan,
    leaving: Option<Apqn>,
) -> bool {
    {
        let mut mdevs = state.mdevs.lock();
        for apqn in plan.queues().filter(|q| guests.is_bound(*q)) {
            set_usable(&mut mdevs.resetting, apqn, true);
        }
    }
    let failed = reset_batch(state, guests, plan);
    let guests = &*guests;
    let guest = id.and_then(|id| guests.guest_of(id)).map(Kvm::lock);
    let mut mdevs = state.mdevs.lock();
    let mut changed = false;
    for apqn in plan.queues() {
        if !guests.is_bound(apqn) {
            continue;
        }
        set_usable(&mut mdevs.resetting, apqn, false);
        if guests.reset_irq_off[..].is_usable(apqn) {
            // The reset turned the interruptions off: their resources go.
            let irq = state.take_irq(|q| q.apqn == apqn);
            drop(irq);
        }
        if Some(apqn) == leaving {
            continue;
        }
        let passable = guests.reset_passable[..].is_usable(apqn);
        if set_usable(&mut mdevs.usable, apqn, passable) {
            if let Some(id) = id {
                changed |= passability_changed(&mut mdevs, id, apqn, passable);
            }
        }
    }
    if let (true, Some(id)) = (changed, id) {
        commit(&mdevs, id, guest.as_ref());
    }
    failed
}

/// The queue `apqn` of mdev `id` became passable or not; returns whether
/// the shadow changed.
fn passability_changed(mdevs: &mut Mdevs, id: u64, apqn: Apqn, passable: bool) -> bool {
    let host = mdevs.host.matrix;
    let Some(split) = mdevs.split(id) else {
        return false;
    };
    let env = Env {
        host: &host,
        queues: split.usable,
    };
    let update = if passable {
        split.this.matrix.queue_usable(apqn, &env)
    } else {
        split.this.matrix.queue_unusable(apqn, &env)
    };
    update.commit
}

/// The machine's instructions, for the core's batch reset.
struct Machine;

impl ResetMachine for Machine {
    fn zapq(&mut self, apqn: Apqn) -> u8 {
        hw::zapq(apqn)
    }

    fn tapq(&mut self, apqn: Apqn) -> u8 {
        hw::tapq(apqn)
    }

    fn wait(&mut self) {
        fsleep(Delta::from_millis(i64::from(reset::POLL_INTERVAL_MS)));
    }
}

/// Resets the bound queues of `plan` (ZAPQ each, then poll them together)
/// and records in `guests` which may be passed to guests and which have
/// their interruptions off; returns whether any failed.
fn reset_batch(state: &DriverState, guests: &mut Guests, plan: &ResetPlan) -> bool {
    let Guests {
        bound,
        reset_slots,
        reset_passable,
        reset_irq_off,
        ..
    } = guests;
    let bound = &bound[..];
    let queues = plan.queues().filter(|apqn| bound.is_usable(*apqn));
    let rounds = state.reset_rounds;
    let mut failed = false;
    reset::reset_batch(queues, &mut reset_slots[..], rounds, &mut Machine, |r| {
        report(r, rounds);
        failed |= r.failed();
        set_usable(reset_passable, r.apqn(), r.passable());
        let off = matches!(r.outcome(), Some(Outcome::Completed | Outcome::Gone));
        set_usable(reset_irq_off, r.apqn(), off);
    });
    failed
}

/// Logs a reset that did not end well, naming the queue and its codes.
fn report(r: &QueueReset, rounds: u32) {
    let (apid, apqi) = (r.apqn().apid().get(), r.apqn().apqi().get());
    match r.outcome() {
        Some(Outcome::Completed | Outcome::Gone) | None => {}
        Some(Outcome::InvalidZapq(rc)) => {
            pr_warn!("PQAP/ZAPQ for {apid:02x}.{apqi:04x} failed with invalid rc={rc}\n");
        }
        Some(Outcome::InvalidTapq(rc)) => {
            pr_warn!("failed to verify reset of queue {apid:02x}.{apqi:04x}: TAPQ rc={rc}\n");
        }
        Some(Outcome::TimedOut) => {
            let ms = rounds.saturating_mul(reset::POLL_INTERVAL_MS);
            let (zapqs, tapqs) = r.counts();
            let zapq_rc = r.zapq_rc();
            match r.tapq_rc() {
                Some(tapq_rc) => pr_warn!(
                    "reset of queue {apid:02x}.{apqi:04x} did not finish in {ms} ms \
                     (last ZAPQ rc={zapq_rc:#04x}, TAPQ rc={tapq_rc:#04x}; \
                     {zapqs} ZAPQs, {tapqs} TAPQs): not passed to guests until it is reset again\n"
                ),
                None => pr_warn!(
                    "reset of queue {apid:02x}.{apqi:04x} did not finish in {ms} ms \
                     (last ZAPQ rc={zapq_rc:#04x}, no TAPQ; {zapqs} ZAPQs): \
                     not passed to guests until it is reset again\n"
                ),
            }
        }
    }
}
