// SPDX-License-Identifier: GPL-2.0

//! Guests attaching to and detaching from mdevs (`vfio_ap_mdev_set_kvm` and
//! `vfio_ap_mdev_unset_kvm`).
//!
//! In the testbed the simulated world calls [`GuestEvents::attach`] and
//! [`GuestEvents::detach`]; in production VFIO's open and close of the mdev
//! will (the VFIO/KVM half of the driver).
//!
//! Rule: nothing a guest can see changes before every fallible step is done.
//! An attach reserves its place in the attachment list first; only then does
//! the guest get the mdev's shadow APCB.

use kernel::prelude::*;

use super::state::{Attachment, DriverState, Guests};
use super::update::{commit, update};
use crate::hw::{Guest, GuestEvents};
use crate::matrix::mdev::Update;

impl DriverState {
    /// The id of the mdev with UUID `uuid`.
    fn mdev_with_uuid(&self, _guests: &Guests, uuid: &[u8; 16]) -> Option<u64> {
        self.mdevs
            .lock()
            .list
            .iter()
            .find(|e| e.uuid == *uuid)
            .map(|e| e.id)
    }

    /// Takes the guest of `attachment` away from its mdev: the guest loses
    /// every AP resource, then the mdev's bound queues are reset. The
    /// attachment is already out of the list, so nothing commits to this
    /// guest again. The shadow stays, ready for the next guest.
    fn unplug(&self, guests: &mut Guests, attachment: Attachment) {
        {
            let lock = attachment.guest.lock();
            lock.clear_masks();
        }
        let id = attachment.mdev;
        let _ = update(self, guests, Some(id), None, |mdevs| {
            Ok::<_, ()>(match mdevs.get(id) {
                Some(entry) => Update {
                    commit: false,
                    reset: entry.matrix.guest_detached(),
                },
                None => Update::NONE,
            })
        });
        // `attachment` and its guest reference (`kvm_put_kvm`) go last,
        // after the resets, at the end of this function.
    }

    /// Detaches the guest of mdev `id`, if any (which resets the mdev's
    /// queues); returns whether there was one.
    pub(crate) fn detach_guest_of(&self, guests: &mut Guests, id: u64) -> bool {
        let Some(index) = guests.attached.iter().position(|a| a.mdev == id) else {
            return false;
        };
        match guests.attached.remove(index) {
            Ok(attachment) => {
                self.unplug(guests, attachment);
                true
            }
            Err(_) => false,
        }
    }
}

impl GuestEvents for DriverState {
    /// Attaches `guest` to the mdev with UUID `uuid`: the guest gets the
    /// mdev's shadow APCB at once (it is always current, so nothing is
    /// re-filtered). `-EPERM` if the guest already has an mdev, as a VM can
    /// have only one vfio-ap device; `-EBUSY` if the mdev already has a
    /// guest.
    fn attach(&self, uuid: [u8; 16], guest: Guest) -> Result {
        let mut guests = self.guests.lock();
        if guests.attached.iter().any(|a| a.guest.same(&guest)) {
            return Err(EPERM);
        }
        let id = self.mdev_with_uuid(&guests, &uuid).ok_or(ENODEV)?;
        if guests.guest_of(id).is_some() {
            return Err(EBUSY);
        }
        // Every fallible step first: the attachment is recorded before the
        // guest sees anything, so the guest is never left with queues that
        // the driver does not know it has.
        guests.attached.reserve(1, GFP_KERNEL)?;
        guests
            .attached
            .push_within_capacity(Attachment { mdev: id, guest })
            .map_err(|_| ENOMEM)?;
        if let Some(guest) = guests.guest_of(id) {
            let lock = guest.lock();
            let mdevs = self.mdevs.lock();
            commit(&mdevs, id, Some(&lock));
        }
        Ok(())
    }

    /// Detaches `guest` from the mdev with UUID `uuid`.
    fn detach(&self, uuid: [u8; 16], guest: &Guest) {
        let mut guests = self.guests.lock();
        let Some(id) = self.mdev_with_uuid(&guests, &uuid) else {
            return;
        };
        let Some(index) = guests
            .attached
            .iter()
            .position(|a| a.mdev == id && a.guest.same(guest))
        else {
            return;
        };
        if let Ok(attachment) = guests.attached.remove(index) {
            self.unplug(&mut guests, attachment);
        }
    }
}
