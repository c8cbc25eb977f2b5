// SPDX-License-Identifier: GPL-2.0

//! The driver's shared state and its locks.
//!
//! Lock order (Documentation/locking.md), outermost first:
//! `ap_attr_mutex` (AP bus) -> `guests` -> a guest's `kvm->lock` -> the
//! guest's pqap hook rwsem -> `mdevs`.
//!
//! - `guests` is held by everyone who changes an mdev's matrix, adds or
//!   removes an mdev, binds or unbinds a queue, resets queues, or uses a
//!   guest to plug or unplug; holding it is the right to use an mdev's guest,
//!   and it is the only lock held while queue resets are waited for.
//! - `mdevs` protects every mdev's matrix state, its guest's VM pointer and
//!   eventfds, the host configuration and the usable-queue rows; it is never
//!   held across a reset wait. The PQAP hook takes it (after KVM's hook
//!   rwsem), so nothing that holds it may wait for the hook rwsem.
//! - `irqs` (innermost) protects the queues' interrupt resources; nothing is
//!   taken and no page pinned or unpinned under it.

use core::sync::atomic::AtomicU64;

use kernel::device::Device;
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::aref::ARef;
use kernel::sync::Mutex;

use crate::hw::{GiscRegistration, Kvm, NibPin};
use crate::matrix::ap_matrix::HostConfig;
use crate::matrix::filter::{set_usable, QueueRows};
use crate::matrix::ids::{Apqn, AP_DEVICES};
use crate::matrix::mask::ApqiMask;
use crate::matrix::mdev::MdevMatrix;
use crate::matrix::reset::QueueReset;
use crate::sys::vfio::{EventFd, VfioDevice};

/// A guest attached to an mdev.
pub(crate) struct Attachment {
    /// The mdev's id.
    pub(crate) mdev: u64,
    /// The guest's VM (a reference, as `kvm_get_kvm` takes one).
    pub(crate) guest: Kvm,
}

/// What `guests` protects.
pub(crate) struct Guests {
    /// Which mdev has which guest.
    pub(crate) attached: KVec<Attachment>,
    /// Bound queues: per adapter, the domains whose queue is bound to
    /// vfio_ap. Written by probe and remove, read by resets.
    pub(crate) bound: KVec<ApqiMask>,
    /// One reset slot per bound queue, reserved when the queue binds, so a
    /// batch of resets never allocates (it runs where failing is not an
    /// option: unbind, mdev removal, guest detach).
    pub(crate) reset_slots: KVec<QueueReset>,
    /// Outcome of the last reset batch: per adapter, the domains whose
    /// queue may be passed to a guest afterwards.
    pub(crate) reset_passable: KVec<ApqiMask>,
    /// Outcome of the last reset batch: the queues whose reset completed,
    /// so that their interruptions are off and their interrupt resources
    /// may be released.
    pub(crate) reset_irq_off: KVec<ApqiMask>,
}

impl Guests {
    /// The guest of mdev `id`, if one is attached.
    pub(crate) fn guest_of(&self, id: u64) -> Option<&Kvm> {
        self.attached
            .iter()
            .find(|a| a.mdev == id)
            .map(|a| &a.guest)
    }

    /// Whether `apqn` is bound to vfio_ap.
    pub(crate) fn is_bound(&self, apqn: Apqn) -> bool {
        self.bound[..].is_usable(apqn)
    }

    /// How many queues are bound.
    pub(crate) fn bound_count(&self) -> usize {
        self.reset_slots.len()
    }

    /// Records that `apqn` is bound, with its reset slot; fails (and
    /// changes nothing) if the slot cannot be allocated.
    pub(crate) fn bind(&mut self, apqn: Apqn) -> Result {
        if self.is_bound(apqn) {
            return Ok(());
        }
        self.reset_slots.push(QueueReset::IDLE, GFP_KERNEL)?;
        set_usable(&mut self.bound, apqn, true);
        Ok(())
    }

    /// Records that `apqn` is no longer bound and gives its slot back.
    pub(crate) fn unbind(&mut self, apqn: Apqn) {
        if set_usable(&mut self.bound, apqn, false) {
            self.reset_slots.pop();
        }
    }
}

/// One mdev's entry in the shared state.
pub(crate) struct MdevEntry {
    /// The mdev's id (see [`super::mdev::Mdev`]).
    pub(crate) id: u64,
    /// Its UUID.
    pub(crate) uuid: [u8; 16],
    /// Its device, for messages (`vfio_ap_mdev <uuid>: ...`).
    pub(crate) dev: ARef<Device>,
    /// Its vfio device, for pinning guest pages and the PQAP hook.
    pub(crate) vdev: VfioDevice,
    /// Its assignment, shadow APCB and pending host additions.
    pub(crate) matrix: MdevMatrix,
    /// The VM of its guest while one is attached (7.3's
    /// `matrix_mdev->kvm`): what the PQAP hook, which cannot take
    /// `guests`, uses.
    pub(crate) guest: Option<Kvm>,
    /// The eventfd of the request interrupt (`req_trigger`).
    pub(crate) req_trigger: Option<EventFd>,
    /// The eventfd of the configuration-change interrupt
    /// (`cfg_chg_trigger`), signalled on every CRYCB update while a guest
    /// is attached.
    pub(crate) cfg_chg_trigger: Option<EventFd>,
}

/// A queue's interruptions, enabled by its guest's PQAP(AQIC): the pinned
/// notification indicator byte and the GISC registration, released (on
/// drop) only once the queue's interruptions are known to be off.
pub(crate) struct QueueIrq {
    /// The queue.
    pub(crate) apqn: Apqn,
    /// The mdev whose guest enabled them.
    pub(crate) mdev: u64,
    /// The pinned NIB page.
    pub(crate) nib: NibPin,
    /// The guest ISC, registered (unregistered on drop).
    pub(crate) _gisc: GiscRegistration,
}

/// What `mdevs` protects.
pub(crate) struct Mdevs {
    /// The host's AP configuration as last reported by QCI.
    pub(crate) host: HostConfig,
    /// Usable queues: per adapter, the domains whose queue is bound to
    /// vfio_ap and passable.
    pub(crate) usable: KVec<ApqiMask>,
    /// Every mdev, oldest first.
    pub(crate) list: KVec<MdevEntry>,
    /// Queues being reset while `mdevs` is released: their guest's AQIC
    /// answers "reset in progress" until the reset is over.
    pub(crate) resetting: KVec<ApqiMask>,
}

/// What `irqs` protects: the queues with interruptions enabled. Room for
/// one per bound queue is reserved when it binds, so the PQAP hook never
/// allocates. Innermost lock: nothing is taken, and no page is pinned or
/// unpinned, while it is held (`dma_unmap` takes it under VFIO's type1
/// `device_list_lock`, which pinning nests inside).
pub(crate) struct Irqs {
    pub(crate) list: KVec<QueueIrq>,
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
}

/// One mdev's entry, mutable, beside everything else, readable.
pub(crate) struct Split<'a> {
    pub(crate) host: &'a HostConfig,
    pub(crate) usable: &'a [ApqiMask],
    pub(crate) this: &'a mut MdevEntry,
    pub(crate) before: &'a [MdevEntry],
    pub(crate) after: &'a [MdevEntry],
}

/// The other mdevs of a [`Split`] in 7.3's list order, newest first (it adds
/// mdevs at the head of its list), for checks that stop at the first
/// conflict.
pub(crate) type NewestFirst<'a> = core::iter::Chain<
    core::iter::Rev<core::slice::Iter<'a, MdevEntry>>,
    core::iter::Rev<core::slice::Iter<'a, MdevEntry>>,
>;

impl<'a> Split<'a> {
    /// The other mdevs, newest first.
    pub(crate) fn others_newest_first(&self) -> NewestFirst<'a> {
        Iterator::chain(self.after.iter().rev(), self.before.iter().rev())
    }
}

/// The driver's shared state: the context of every callback.
#[pin_data]
pub(crate) struct DriverState {
    /// The id of the next mdev (ids are never reused).
    pub(crate) next_mdev_id: AtomicU64,
    /// The bound of one batch of queue resets, in poll rounds.
    pub(crate) reset_rounds: u32,
    #[pin]
    pub(crate) guests: Mutex<Guests>,
    #[pin]
    pub(crate) mdevs: Mutex<Mdevs>,
    #[pin]
    pub(crate) irqs: Mutex<Irqs>,
}

impl DriverState {
    /// Makes room for the interruptions of `bound` bound queues.
    pub(crate) fn reserve_irqs(&self, bound: usize) -> Result {
        let mut irqs = self.irqs.lock();
        let more = bound.saturating_sub(irqs.list.len());
        irqs.list.reserve(more, GFP_KERNEL)?;
        Ok(())
    }

    /// Takes out the interruption record of the first queue `pick` chooses.
    /// It is returned with the lock released: dropping it unpins a page,
    /// which must not happen under `irqs`.
    pub(crate) fn take_irq(&self, pick: impl Fn(&QueueIrq) -> bool) -> Option<QueueIrq> {
        let mut irqs = self.irqs.lock();
        let index = irqs.list.iter().position(pick)?;
        irqs.list.remove(index).ok()
    }

    /// Records the interruptions of a queue; gives the record back if
    /// there is no room (which reservation at bind rules out).
    pub(crate) fn put_irq(&self, irq: QueueIrq) -> core::result::Result<(), QueueIrq> {
        self.irqs
            .lock()
            .list
            .push_within_capacity(irq)
            .map_err(|kernel::alloc::kvec::PushError(irq)| irq)
    }
}

impl DriverState {
    /// The state for a host configuration `host`, with resets bounded to
    /// `reset_rounds` poll rounds.
    pub(crate) fn new(host: HostConfig, reset_rounds: u32) -> Result<impl PinInit<Self, Error>> {
        let rows = || KVec::from_elem(ApqiMask::EMPTY, AP_DEVICES, GFP_KERNEL);
        let (usable, bound, reset_passable) = (rows()?, rows()?, rows()?);
        let (reset_irq_off, resetting) = (rows()?, rows()?);
        Ok(try_pin_init!(Self {
            next_mdev_id: AtomicU64::new(1),
            reset_rounds,
            guests <- new_mutex!(
                Guests {
                    attached: KVec::new(),
                    bound,
                    reset_slots: KVec::new(),
                    reset_passable,
                    reset_irq_off,
                },
                "vfio_ap_guests_lock"
            ),
            mdevs <- new_mutex!(
                Mdevs {
                    host,
                    usable,
                    list: KVec::new(),
                    resetting,
                },
                "vfio_ap_mdevs_lock"
            ),
            irqs <- new_mutex!(Irqs { list: KVec::new() }, "vfio_ap_irqs_lock"),
        }? Error))
    }
}
