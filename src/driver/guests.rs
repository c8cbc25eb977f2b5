// SPDX-License-Identifier: GPL-2.0

//! Guests attaching to and detaching from mdevs (`vfio_ap_mdev_set_kvm` and
//! `vfio_ap_mdev_unset_kvm`): VFIO's open and close of the mdev, and in the
//! testbed also the simulated world's attach and detach shortcut.
//!
//! Rule: nothing a guest can see changes before every fallible step is done.
//! An attach reserves and takes its place in the attachment list first; only
//! then does the VM get the PQAP hook and the mdev's shadow APCB.

use kernel::prelude::*;

use super::aqic;
use super::state::{Attachment, DriverState, Guests};
use super::update::{commit, update};
use crate::hw::{GuestEvents, Kvm};
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

    /// Attaches the VM `kvm` to mdev `id`: the VM gets the mdev's PQAP hook
    /// and its shadow APCB at once (it is always current, so nothing is
    /// re-filtered). `-EPERM` if the VM already has a vfio-ap device (its
    /// PQAP hook is set), `-EBUSY` if the mdev already has a guest.
    pub(crate) fn attach_kvm(&self, id: u64, kvm: Kvm) -> Result {
        let mut guests = self.guests.lock();
        if guests.guest_of(id).is_some() {
            return Err(EBUSY);
        }
        let vdev = {
            let mdevs = self.mdevs.lock();
            mdevs.get(id).map(|e| e.vdev.clone()).ok_or(ENODEV)?
        };
        // Every fallible step first: the attachment is recorded before the
        // guest sees anything, so it is never left with queues the driver
        // does not know it has.
        guests.attached.reserve(1, GFP_KERNEL)?;
        let vm = kvm.clone_ref();
        guests
            .attached
            .push_within_capacity(Attachment {
                mdev: id,
                guest: kvm,
            })
            .map_err(|_| ENOMEM)?;
        let result = {
            let kvm_lock = vm.lock();
            let hook = kvm_lock.hook();
            if hook.is_set() {
                Err(EPERM)
            } else {
                hook.install(&vdev);
                let mut mdevs = self.mdevs.lock();
                if let Some(entry) = mdevs.list.iter_mut().find(|e| e.id == id) {
                    entry.guest = Some(vm.clone_ref());
                }
                commit(&mdevs, id, Some(&kvm_lock));
                Ok(())
            }
        };
        if result.is_err() {
            // Ours is the last entry: nothing was given to the guest.
            drop(guests.attached.pop());
        }
        result
    }

    /// Takes the guest of `attachment` away from its mdev: the PQAP hook is
    /// removed and the guest loses every AP resource, then the mdev's bound
    /// queues are reset (which turns their interruptions off and releases
    /// their resources). The attachment is already out of the list, so
    /// nothing commits to this guest again. The shadow stays, ready for the
    /// next guest; the eventfds go (7.3 keeps them: upstream defect 8).
    fn unplug(&self, guests: &mut Guests, attachment: Attachment) {
        let id = attachment.mdev;
        {
            let kvm_lock = attachment.guest.lock();
            kvm_lock.hook().remove();
            kvm_lock.clear_masks();
            let mut mdevs = self.mdevs.lock();
            if let Some(entry) = mdevs.list.iter_mut().find(|e| e.id == id) {
                entry.guest = None;
                entry.req_trigger = None;
                entry.cfg_chg_trigger = None;
            }
        }
        let _ = update(self, guests, Some(id), None, |mdevs| {
            Ok::<_, ()>(match mdevs.get(id) {
                Some(entry) => Update {
                    commit: false,
                    reset: entry.matrix.guest_detached(),
                },
                None => Update::NONE,
            })
        });
        // Interruptions whose reset did not complete are turned off now:
        // the guest is gone, nothing may write its pages any more.
        aqic::disable_all_of(self, id);
        // `attachment` and its VM reference (`kvm_put_kvm`) go last, at the
        // end of this function.
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
    /// The simulated world attaches the VM `kvm` to the mdev with UUID
    /// `uuid`, as VFIO's open does.
    fn attach(&self, uuid: [u8; 16], kvm: Kvm) -> Result {
        let id = {
            let guests = self.guests.lock();
            self.mdev_with_uuid(&guests, &uuid).ok_or(ENODEV)?
        };
        self.attach_kvm(id, kvm)
    }

    /// Detaches the VM `kvm` from the mdev with UUID `uuid`.
    fn detach(&self, uuid: [u8; 16], kvm: &Kvm) {
        let mut guests = self.guests.lock();
        let Some(id) = self.mdev_with_uuid(&guests, &uuid) else {
            return;
        };
        let Some(index) = guests
            .attached
            .iter()
            .position(|a| a.mdev == id && a.guest.same(kvm))
        else {
            return;
        };
        if let Ok(attachment) = guests.attached.remove(index) {
            self.unplug(&mut guests, attachment);
        }
    }
}
