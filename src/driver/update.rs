// SPDX-License-Identifier: GPL-2.0

//! Carrying out the matrix core's decisions: committing an mdev's shadow
//! APCB to its guest and resetting queues.

use kernel::prelude::*;

use super::state::Mdevs;
use crate::hw::{self, GuestLock};
use crate::matrix::filter::set_usable;
use crate::matrix::ids::Apqn;
use crate::matrix::mdev::{Env, Update};
use crate::matrix::reset::{self, Outcome, QueueReset, Step};

/// Carries out `update` of mdev `id`: commit the shadow to the guest (if one
/// is attached: `guest` is its lock, held), then reset the planned queues
/// that are bound. A reset that changes a queue's passability is itself an
/// event for the mdev, which may commit again (but never asks for resets).
/// `leaving` is a queue being unbound: it is reset, but can no longer become
/// usable.
///
/// Called with `guests`, the guest's lock and `mdevs` held, in that order.
pub(crate) fn carry_out(
    mdevs: &mut Mdevs,
    id: u64,
    guest: Option<&GuestLock<'_>>,
    update: Update,
    leaving: Option<Apqn>,
) {
    if update.commit {
        commit(mdevs, id, guest);
    }
    for apqn in update.reset.queues() {
        if !mdevs.is_bound(apqn) {
            continue;
        }
        let passable = reset_queue(apqn);
        if Some(apqn) != leaving && set_usable(&mut mdevs.usable, apqn, passable) {
            passability_changed(mdevs, id, guest, apqn, passable);
        }
    }
}

/// Commits mdev `id`'s shadow APCB to its guest, if it has one.
pub(crate) fn commit(mdevs: &Mdevs, id: u64, guest: Option<&GuestLock<'_>>) {
    if let (Some(guest), Some(entry)) = (guest, mdevs.get(id)) {
        guest.set_masks(entry.matrix.shadow());
    }
}

fn passability_changed(
    mdevs: &mut Mdevs,
    id: u64,
    guest: Option<&GuestLock<'_>>,
    apqn: Apqn,
    passable: bool,
) {
    let host = mdevs.host.matrix;
    let Some(split) = mdevs.split(id) else { return };
    let env = Env {
        host: &host,
        queues: split.usable,
    };
    let update = if passable {
        split.this.matrix.queue_usable(apqn, &env)
    } else {
        split.this.matrix.queue_unusable(apqn, &env)
    };
    if update.commit {
        commit(mdevs, id, guest);
    }
}

/// Resets `apqn` (ZAPQ, then TAPQ until it settles) and returns whether it
/// may be passed to a guest afterwards.
pub(crate) fn reset_queue(apqn: Apqn) -> bool {
    let (mut state, mut step) = QueueReset::start(hw::zapq(apqn));
    let mut waited_ms: u32 = 0;
    let outcome = loop {
        step = match step {
            Step::Poll => {
                kernel::time::delay::fsleep(kernel::time::Delta::from_millis(i64::from(
                    reset::POLL_INTERVAL_MS,
                )));
                waited_ms = waited_ms.saturating_add(reset::POLL_INTERVAL_MS);
                state.tapq(hw::tapq(apqn))
            }
            Step::Rezap => state.zapq(hw::zapq(apqn)),
            Step::Done(outcome) => break outcome,
        };
    };
    let (apid, apqi) = (apqn.apid().get(), apqn.apqi().get());
    match outcome {
        Outcome::Completed | Outcome::Gone => {}
        Outcome::InvalidZapq(rc) => {
            pr_warn!("PQAP/ZAPQ for {apid:02x}.{apqi:04x} failed with invalid rc={rc}\n");
        }
        Outcome::InvalidTapq(rc) => {
            pr_warn!("failed to verify reset of queue {apid:02x}.{apqi:04x}: TAPQ rc={rc}\n");
        }
        Outcome::TimedOut => {
            pr_warn!("reset of queue {apid:02x}.{apqi:04x} did not finish in {waited_ms} ms\n");
        }
    }
    state.passable(outcome)
}
