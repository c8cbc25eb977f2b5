// SPDX-License-Identifier: GPL-2.0

//! The AP bus driver: queues bound and unbound, their `status`, the
//! apmask/aqmask veto, and host configuration changes.

use kernel::prelude::*;

use super::guests;
use super::state::{DriverState, Guests};
use super::update::{carry_out, reset_queue};
use crate::hw::GuestLock;
use crate::matrix::ap_matrix::{HostConfig, Matrix};
use crate::matrix::filter::{set_usable, supported_adapters, QueueRect};
use crate::matrix::format::{self, QueueStatus, SysfsBuf};
use crate::matrix::ids::Apqn;
use crate::matrix::mask::{ApidMask, ApqiMask};
use crate::matrix::mdev::{unowned_queue_unbound, Env};
use crate::matrix::validate::shared_queues;
use crate::sys::global::driver;

/// The owner of `apqn` (`get_update_locks_by_apqn`): `guests` must be held,
/// which keeps every assignment as it is.
fn owner(state: &DriverState, apqn: Apqn) -> Option<u64> {
    state.mdevs.lock().owner_of(apqn)
}

/// Takes the guest lock of mdev `id`, if it has a guest.
fn lock_guest(guests: &Guests, id: Option<u64>) -> Option<GuestLock<'_>> {
    id.and_then(|id| guests.guest_of(id)).map(|g| g.lock())
}

/// A queue has been bound to vfio_ap (`vfio_ap_mdev_probe_queue`): if an mdev
/// has it, its adapter may join the guest.
pub(crate) fn probe(apqn: Apqn) -> Result {
    let state = driver().ok_or(ENODEV)?;
    let guests = state.guests.lock();
    let owner = owner(&state, apqn);
    let guest = lock_guest(&guests, owner);
    let mut mdevs = state.mdevs.lock();
    mdevs.set_bound(apqn, true);
    // A new queue device has not been reset: it counts as passable.
    set_usable(&mut mdevs.usable, apqn, true);
    let Some(id) = owner else { return Ok(()) };
    let host = mdevs.host.matrix;
    let Some(split) = mdevs.split(id) else {
        return Ok(());
    };
    let update = split.this.matrix.queue_usable(
        apqn,
        &Env {
            host: &host,
            queues: split.usable,
        },
    );
    carry_out(&mut mdevs, id, guest.as_ref(), update, None);
    Ok(())
}

/// A queue is being unbound from vfio_ap (`vfio_ap_mdev_remove_queue`): if
/// the guest has it, its whole adapter is unplugged and reset; otherwise the
/// queue itself is reset while the host still has it.
pub(crate) fn remove(apqn: Apqn) {
    let Some(state) = driver() else { return };
    let guests = state.guests.lock();
    let owner = owner(&state, apqn);
    let guest = lock_guest(&guests, owner);
    let mut mdevs = state.mdevs.lock();
    set_usable(&mut mdevs.usable, apqn, false);
    let host = mdevs.host.matrix;
    match owner.and_then(|id| mdevs.split(id).map(|split| (id, split))) {
        Some((id, split)) => {
            let env = Env {
                host: &host,
                queues: split.usable,
            };
            let update = split.this.matrix.queue_unbound(apqn, &env);
            // Still bound while it is reset: C resets it while it is linked.
            carry_out(&mut mdevs, id, guest.as_ref(), update, Some(apqn));
        }
        None => {
            if !unowned_queue_unbound(apqn, &host).is_empty() {
                reset_queue(apqn);
            }
        }
    }
    mdevs.set_bound(apqn, false);
}

/// The text of a bound queue's `status` file.
pub(crate) fn status_show(apqn: Apqn, out: &mut SysfsBuf<'_>) {
    let Some(state) = driver() else { return };
    let guests = state.guests.lock();
    let mdevs = state.mdevs.lock();
    let status = match mdevs
        .list
        .iter()
        .find(|e| e.matrix.assigned().has_queue(apqn))
    {
        Some(e) => e.matrix.queue_status(apqn, guests.guest_of(e.id).is_some()),
        None => QueueStatus::Unassigned,
    };
    format::status_show(out, status);
}

/// The AP bus asks whether it may reserve `apm` x `aqm` for the host's
/// default drivers (`vfio_ap_mdev_resource_in_use`); `ap_attr_mutex` is
/// held. Each queue an mdev has is logged; the bus turns the error into
/// `-EBUSY`.
pub(crate) fn in_use(apm: ApidMask, aqm: ApqiMask) -> Result {
    let state = driver().ok_or(ENODEV)?;
    let _guests = state.guests.lock();
    let mdevs = state.mdevs.lock();
    let wanted = Matrix {
        apm,
        aqm,
        adm: ApqiMask::EMPTY,
    };
    let mut busy = false;
    for entry in mdevs.list.iter() {
        let shared: QueueRect = shared_queues(entry.matrix.assigned(), &wanted);
        for apqn in shared.queues() {
            pr_warn!(
                "{}: Can not reserve queue {:02x}.{:04x} for host driver: in use by mdev\n",
                super::mdev::Uuid(&entry.uuid),
                apqn.apid().get(),
                apqn.apqi().get()
            );
            busy = true;
        }
    }
    if busy {
        Err(EADDRINUSE)
    } else {
        Ok(())
    }
}

/// The ids of every mdev; `guests` must be held.
fn mdev_ids(state: &DriverState) -> Result<KVec<u64>> {
    let mdevs = state.mdevs.lock();
    let mut ids = KVec::with_capacity(mdevs.list.len(), GFP_KERNEL)?;
    for e in mdevs.list.iter() {
        ids.push(e.id, GFP_KERNEL)?;
    }
    Ok(ids)
}

/// The host's AP configuration changed from `old` to `new`, at the start of
/// an AP bus scan (`vfio_ap_on_cfg_changed`): guests lose what left at once;
/// what joined waits for [`scan_complete`].
pub(crate) fn config_changed(new: &HostConfig, old: &HostConfig) {
    let Some(state) = driver() else { return };
    let guests = state.guests.lock();
    let removed = old.matrix.and_not(&new.matrix);
    let mut added = new.matrix.and_not(&old.matrix);
    // Out of memory leaves the mdevs unfiltered until the next event; the
    // host configuration itself is always updated.
    let ids = mdev_ids(&state).unwrap_or_default();
    // Adapters of types vfio_ap does not support never become pending (with
    // no mdev, nobody waits for anything: no TAPQ is needed).
    if !ids.is_empty() {
        added.apm = supported_adapters(&added.apm, &added.aqm, crate::hw::tapq_type);
    }
    for id in ids.iter().copied() {
        let guest = lock_guest(&guests, Some(id));
        let mut mdevs = state.mdevs.lock();
        let Some(split) = mdevs.split(id) else {
            continue;
        };
        let env = Env {
            host: &new.matrix,
            queues: split.usable,
        };
        let update = split
            .this
            .matrix
            .host_config_changed(&removed, &added, &env);
        carry_out(&mut mdevs, id, guest.as_ref(), update, None);
    }
    state.mdevs.lock().host = *new;
}

/// The AP bus scan after a configuration change is complete
/// (`vfio_ap_on_scan_complete`): the queues of the added IDs are probed, so
/// the guests get what passes the filter now.
pub(crate) fn scan_complete() {
    let Some(state) = driver() else { return };
    let guests = state.guests.lock();
    let ids = mdev_ids(&state).unwrap_or_default();
    for id in ids.iter().copied() {
        let guest = lock_guest(&guests, Some(id));
        let mut mdevs = state.mdevs.lock();
        let host = mdevs.host.matrix;
        let Some(split) = mdevs.split(id) else {
            continue;
        };
        let env = Env {
            host: &host,
            queues: split.usable,
        };
        let update = split.this.matrix.scan_complete(&env);
        carry_out(&mut mdevs, id, guest.as_ref(), update, None);
    }
}

/// Detaches the guest of mdev `id`, if any (which resets the mdev's
/// queues); returns whether there was one. `guests` is held.
pub(crate) fn detach_guest_of(state: &DriverState, guests: &mut Guests, id: u64) -> bool {
    let Some(index) = guests.attached.iter().position(|a| a.mdev == id) else {
        return false;
    };
    match guests.attached.remove(index) {
        Ok(attachment) => {
            guests::unplug(state, attachment);
            true
        }
        Err(_) => false,
    }
}
