// SPDX-License-Identifier: GPL-2.0

//! The driver's shared state and its locks.
//!
//! Lock order (Documentation/locking.md), outermost first:
//! `ap_attr_mutex` (AP bus) -> `guests` -> a guest's `kvm->lock` -> the
//! guest's pqap hook rwsem -> `mdevs`.
//!
//! - `guests` is held by everyone who changes an mdev's matrix, adds or
//!   removes an mdev, or uses a guest to plug or unplug; holding it is the
//!   right to use an mdev's guest.
//! - `mdevs` protects every mdev's matrix state, the host configuration and
//!   the usable-queue rows.

use core::sync::atomic::AtomicU64;

use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::Mutex;

use crate::hw::Guest;
use crate::matrix::ap_matrix::HostConfig;
use crate::matrix::filter::set_usable;
use crate::matrix::ids::{Apqn, AP_DEVICES};
use crate::matrix::mask::ApqiMask;
use crate::matrix::mdev::MdevMatrix;

/// A guest attached to an mdev.
pub(crate) struct Attachment {
    /// The mdev's id.
    pub(crate) mdev: u64,
    /// The guest (a reference, as `kvm_get_kvm` takes one).
    pub(crate) guest: Guest,
}

/// What `guests` protects.
pub(crate) struct Guests {
    /// Which mdev has which guest.
    pub(crate) attached: KVec<Attachment>,
}

impl Guests {
    /// The guest of mdev `id`, if one is attached.
    pub(crate) fn guest_of(&self, id: u64) -> Option<&Guest> {
        self.attached
            .iter()
            .find(|a| a.mdev == id)
            .map(|a| &a.guest)
    }
}

/// One mdev's entry in the shared state.
pub(crate) struct MdevEntry {
    /// The mdev's id (see [`super::mdev::Mdev`]).
    pub(crate) id: u64,
    /// Its UUID, for messages.
    pub(crate) uuid: [u8; 16],
    /// Its assignment, shadow APCB and pending host additions.
    pub(crate) matrix: MdevMatrix,
}

/// What `mdevs` protects.
pub(crate) struct Mdevs {
    /// The host's AP configuration as last reported by QCI.
    pub(crate) host: HostConfig,
    /// Usable queues: per adapter, the domains whose queue is bound to
    /// vfio_ap and passable.
    pub(crate) usable: KVec<ApqiMask>,
    /// Bound queues: per adapter, the domains whose queue is bound to
    /// vfio_ap.
    pub(crate) bound: KVec<ApqiMask>,
    /// Every mdev.
    pub(crate) list: KVec<MdevEntry>,
}

impl Mdevs {
    /// The entry of mdev `id`, its index, and the others, split so that one
    /// can be changed while the others are read.
    pub(crate) fn split(&mut self, id: u64) -> Option<Split<'_>> {
        let index = self.list.iter().position(|e| e.id == id)?;
        let (before, rest) = self.list.split_at_mut(index);
        let (this, after) = rest.split_first_mut()?;
        Some(Split {
            host: &self.host,
            usable: &self.usable,
            this,
            before,
            after,
        })
    }

    /// The entry of mdev `id`.
    pub(crate) fn get(&self, id: u64) -> Option<&MdevEntry> {
        self.list.iter().find(|e| e.id == id)
    }

    /// The mdev that has `apqn` assigned (at most one: no sharing).
    pub(crate) fn owner_of(&self, apqn: Apqn) -> Option<u64> {
        self.list
            .iter()
            .find(|e| e.matrix.assigned().has_queue(apqn))
            .map(|e| e.id)
    }

    /// Whether `apqn` is bound to vfio_ap.
    pub(crate) fn is_bound(&self, apqn: Apqn) -> bool {
        use crate::matrix::filter::QueueRows;
        self.bound[..].is_usable(apqn)
    }

    /// Records whether `apqn` is bound (and so, after a probe, usable).
    pub(crate) fn set_bound(&mut self, apqn: Apqn, bound: bool) {
        set_usable(&mut self.bound, apqn, bound);
    }
}

/// One mdev's entry, mutable, beside everything else, readable.
pub(crate) struct Split<'a> {
    pub(crate) host: &'a HostConfig,
    pub(crate) usable: &'a [ApqiMask],
    pub(crate) this: &'a mut MdevEntry,
    pub(crate) before: &'a [MdevEntry],
    pub(crate) after: &'a [MdevEntry],
}

/// The driver's shared state.
#[pin_data]
pub(crate) struct DriverState {
    /// The id of the next mdev (ids are never reused).
    pub(crate) next_mdev_id: AtomicU64,
    #[pin]
    pub(crate) guests: Mutex<Guests>,
    #[pin]
    pub(crate) mdevs: Mutex<Mdevs>,
}

impl DriverState {
    /// The state for a host configuration `host`.
    pub(crate) fn new(host: HostConfig) -> Result<impl PinInit<Self, Error>> {
        let usable = KVec::from_elem(ApqiMask::EMPTY, AP_DEVICES, GFP_KERNEL)?;
        let bound = KVec::from_elem(ApqiMask::EMPTY, AP_DEVICES, GFP_KERNEL)?;
        Ok(try_pin_init!(Self {
            next_mdev_id: AtomicU64::new(1),
            guests <- new_mutex!(
                Guests {
                    attached: KVec::new(),
                },
                "vfio_ap_guests_lock"
            ),
            mdevs <- new_mutex!(
                Mdevs {
                    host,
                    usable,
                    bound,
                    list: KVec::new(),
                },
                "vfio_ap_mdevs_lock"
            ),
        }? Error))
    }
}
