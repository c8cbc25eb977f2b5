// SPDX-License-Identifier: GPL-2.0

//! Guests attaching to and detaching from mdevs (`vfio_ap_mdev_set_kvm` and
//! `vfio_ap_mdev_unset_kvm`).
//!
//! In the testbed the simulated world calls [`attach`] and [`detach`]; in
//! production VFIO's open and close of the mdev will (the VFIO/KVM half of
//! the driver), so until then the production build does not call them.

use kernel::prelude::*;

use super::state::Attachment;
use super::update::{carry_out, commit};
use crate::hw::Guest;
use crate::matrix::mdev::Update;
use crate::sys::global::driver;

/// Attaches `guest` to the mdev with UUID `uuid`: the guest gets the mdev's
/// shadow APCB at once (it is always current, so nothing is re-filtered).
/// `-EPERM` if the guest already has an mdev, as a VM can have only one
/// vfio-ap device; `-EBUSY` if the mdev already has a guest.
#[cfg_attr(not(CONFIG_VFIO_AP_TESTBED), allow(dead_code))]
pub(crate) fn attach(uuid: [u8; 16], guest: Guest) -> Result {
    let state = driver().ok_or(ENODEV)?;
    let mut guests = state.guests.lock();
    if guests.attached.iter().any(|a| a.guest.same(&guest)) {
        return Err(EPERM);
    }
    let id = {
        let mdevs = state.mdevs.lock();
        mdevs.list.iter().find(|e| e.uuid == uuid).map(|e| e.id)
    }
    .ok_or(ENODEV)?;
    if guests.guest_of(id).is_some() {
        return Err(EBUSY);
    }
    {
        let lock = guest.lock();
        let mdevs = state.mdevs.lock();
        commit(&mdevs, id, Some(&lock));
    }
    guests
        .attached
        .push(Attachment { mdev: id, guest }, GFP_KERNEL)?;
    Ok(())
}

/// Detaches `guest` from the mdev with UUID `uuid`: the guest loses every AP
/// resource and the mdev's bound queues are reset. The shadow stays, ready
/// for the next guest.
#[cfg_attr(not(CONFIG_VFIO_AP_TESTBED), allow(dead_code))]
pub(crate) fn detach(uuid: [u8; 16], guest: &Guest) {
    let Some(state) = driver() else { return };
    let mut guests = state.guests.lock();
    let id = {
        let mdevs = state.mdevs.lock();
        mdevs.list.iter().find(|e| e.uuid == uuid).map(|e| e.id)
    };
    let Some(index) = guests
        .attached
        .iter()
        .position(|a| Some(a.mdev) == id && a.guest.same(guest))
    else {
        return;
    };
    if let Ok(attachment) = guests.attached.remove(index) {
        unplug(&state, attachment);
    }
}

/// Takes the guest of `attachment` away from its mdev. Called with `guests`
/// held; the attachment is already out of the list.
pub(crate) fn unplug(state: &super::state::DriverState, attachment: Attachment) {
    let lock = attachment.guest.lock();
    lock.clear_masks();
    let mut mdevs = state.mdevs.lock();
    let reset = match mdevs.get(attachment.mdev) {
        Some(entry) => entry.matrix.guest_detached(),
        None => return,
    };
    carry_out(
        &mut mdevs,
        attachment.mdev,
        None,
        Update {
            commit: false,
            reset,
        },
        None,
    );
}
