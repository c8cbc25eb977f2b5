// SPDX-License-Identifier: GPL-2.0

//! The AP bus driver: queues bound and unbound, their `status`, the
//! apmask/aqmask veto, and host configuration changes.
//!
//! Rule: `remove`, `config_changed` and `scan_complete` cannot fail, so they
//! allocate nothing. Holding `guests` keeps the mdev list as it is, so they
//! walk it by index; a queue's reset slot was reserved when it was bound.

use kernel::prelude::*;

use super::state::{DriverState, Guests};
use super::update::update;
use crate::matrix::ap_matrix::{HostConfig, Matrix};
use crate::matrix::filter::{set_usable, supported_adapters};
use crate::matrix::format::{self, QueueStatus, SysfsBuf};
use crate::matrix::ids::Apqn;
use crate::matrix::mask::{ApidMask, ApqiMask};
use crate::matrix::mdev::{unowned_queue_unbound, Env, Update};
use crate::matrix::validate::shared_queues;
use crate::sys::ap_driver::QueueDriver;

impl DriverState {
    /// The owner of `apqn` (`get_update_locks_by_apqn`): `guests` must be
    /// held, which keeps every assignment as it is.
    fn owner(&self, _guests: &Guests, apqn: Apqn) -> Option<u64> {
        self.mdevs.lock().owner_of(apqn)
    }

    /// The id of the mdev at `index` in the list; `guests` must be held,
    /// which keeps the list as it is.
    fn mdev_at(&self, _guests: &Guests, index: usize) -> Option<u64> {
        self.mdevs.lock().list.get(index).map(|e| e.id)
    }
}

impl QueueDriver for DriverState {
    /// A queue has been bound to vfio_ap (`vfio_ap_mdev_probe_queue`): if an
    /// mdev has it, its adapter may join the guest.
    fn probe(&self, apqn: Apqn) -> Result {
        let mut guests = self.guests.lock();
        // The only fallible steps come first: nothing has changed if they
        // fail. Room for the queue's interruptions, then its reset slot.
        if !guests.is_bound(apqn) {
            let bound = guests.bound_count().saturating_add(1);
            self.reserve_irqs(bound)?;
        }
        guests.bind(apqn)?;
        let owner = self.owner(&guests, apqn);
        let _ = update(self, &mut guests, owner, None, |mdevs| {
            // A new queue device has not been reset: it counts as passable.
            set_usable(&mut mdevs.usable, apqn, true);
            let host = mdevs.host.matrix;
            let Some(split) = owner.and_then(|id| mdevs.split(id)) else {
                return Ok::<_, ()>(Update::NONE);
            };
            Ok(split.this.matrix.queue_usable(
                apqn,
                &Env {
                    host: &host,
                    queues: split.usable,
                },
            ))
        });
        Ok(())
    }

    /// A queue is being unbound from vfio_ap (`vfio_ap_mdev_remove_queue`):
    /// if the guest has it, its whole adapter is unplugged and reset;
    /// otherwise the queue itself is reset while the host still has it.
    fn remove(&self, apqn: Apqn) {
        let mut guests = self.guests.lock();
        let owner = self.owner(&guests, apqn);
        let _ = update(self, &mut guests, owner, Some(apqn), |mdevs| {
            set_usable(&mut mdevs.usable, apqn, false);
            let host = mdevs.host.matrix;
            Ok::<_, ()>(match owner.and_then(|id| mdevs.split(id)) {
                Some(split) => split.this.matrix.queue_unbound(
                    apqn,
                    &Env {
                        host: &host,
                        queues: split.usable,
                    },
                ),
                None => Update {
                    commit: false,
                    reset: unowned_queue_unbound(apqn, &host),
                },
            })
        });
        // A queue that left the host configuration was not reset: it can
        // post no interruption any more, so their resources go now. (One
        // whose reset did not complete keeps them until the guest goes.)
        if !self.mdevs.lock().host.matrix.has_queue(apqn) {
            let irq = self.take_irq(|q| q.apqn == apqn);
            drop(irq);
        }
        // Still bound while it was reset: C resets it while it is linked.
        guests.unbind(apqn);
    }

    /// The text of a bound queue's `status` file.
    fn status_show(&self, apqn: Apqn, out: &mut SysfsBuf<'_>) {
        let guests = self.guests.lock();
        let mdevs = self.mdevs.lock();
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
    /// held. As 7.3, the first mdev (newest first) that has any of the
    /// queues is named, with each such queue, on its device; the bus turns
    /// the error into `-EBUSY`.
    fn in_use(&self, apm: &ApidMask, aqm: &ApqiMask) -> Result {
        let _guests = self.guests.lock();
        let mdevs = self.mdevs.lock();
        let wanted = Matrix {
            apm: *apm,
            aqm: *aqm,
            adm: ApqiMask::EMPTY,
        };
        for entry in mdevs.list.iter().rev() {
            let shared = shared_queues(entry.matrix.assigned(), &wanted);
            if shared.is_empty() {
                continue;
            }
            for apqn in shared.queues() {
                dev_warn!(
                    entry.dev,
                    "Can not reserve queue {:02x}.{:04x} for host driver: in use by mdev\n",
                    apqn.apid().get(),
                    apqn.apqi().get()
                );
            }
            return Err(EADDRINUSE);
        }
        Ok(())
    }

    /// The host's AP configuration changed from `old` to `new`, at the start
    /// of an AP bus scan (`vfio_ap_on_cfg_changed`): guests lose what left at
    /// once; what joined waits for [`QueueDriver::scan_complete`].
    fn config_changed(&self, new: &HostConfig, old: &HostConfig) {
        let mut guests = self.guests.lock();
        let removed = old.matrix.and_not(&new.matrix);
        let mut added = new.matrix.and_not(&old.matrix);
        // Adapters of types vfio_ap does not support never become pending
        // (with no mdev, nobody waits for anything: no TAPQ is needed).
        if self.mdev_at(&guests, 0).is_some() {
            added.apm = supported_adapters(&added.apm, &added.aqm, crate::hw::tapq_type);
        }
        let mut index = 0usize;
        while let Some(id) = self.mdev_at(&guests, index) {
            let _ = update(self, &mut guests, Some(id), None, |mdevs| {
                let Some(split) = mdevs.split(id) else {
                    return Ok::<_, ()>(Update::NONE);
                };
                let env = Env {
                    host: &new.matrix,
                    queues: split.usable,
                };
                Ok(split
                    .this
                    .matrix
                    .host_config_changed(&removed, &added, &env))
            });
            index = index.saturating_add(1);
        }
        self.mdevs.lock().host = *new;
    }

    /// The AP bus scan after a configuration change is complete
    /// (`vfio_ap_on_scan_complete`): the queues of the added IDs are probed,
    /// so the guests get what passes the filter now.
    fn scan_complete(&self) {
        let mut guests = self.guests.lock();
        let mut index = 0usize;
        while let Some(id) = self.mdev_at(&guests, index) {
            let _ = update(self, &mut guests, Some(id), None, |mdevs| {
                let host = mdevs.host.matrix;
                let Some(split) = mdevs.split(id) else {
                    return Ok::<_, ()>(Update::NONE);
                };
                let env = Env {
                    host: &host,
                    queues: split.usable,
                };
                Ok(split.this.matrix.scan_complete(&env))
            });
            index = index.saturating_add(1);
        }
    }
}
