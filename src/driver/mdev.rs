// SPDX-License-Identifier: GPL-2.0

//! Mdevs: creation and removal, and what each of their sysfs files does.

use core::fmt::Write;
use core::sync::atomic::Ordering;

use kernel::device::Device;
use kernel::prelude::*;
use kernel::sync::aref::ARef;
use kernel::sync::Arc;
use kernel::uaccess::UserPtr;

use super::aqic;
use super::errno;
use super::state::{DriverState, MdevEntry, Split};
use super::update::update;
use crate::hw::{Kvm, Vcpu};
use crate::matrix::ap_matrix::Matrix;
use crate::matrix::errno::{Error as CoreError, Result as CoreResult};
use crate::matrix::format::{self, SysfsBuf};
use crate::matrix::mdev::{Env, Update};
use crate::matrix::parse;
use crate::matrix::validate;
use crate::sys::ap_bus::ApAttrGuard;
use crate::sys::mdev::{MdevAttr, MdevDriver};
use crate::sys::vfio::VfioDevice;

/// An mdev as the C side holds it: an id into the shared state.
pub(crate) struct Mdev {
    id: u64,
}

/// An mdev's UUID (a `guid_t`) in the text form of its device name
/// (`%pUl`: the first three fields are stored little-endian).
pub(crate) struct Uuid<'a>(pub(crate) &'a [u8; 16]);

impl kernel::fmt::Display for Uuid<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        const ORDER: [usize; 16] = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
        for (i, index) in ORDER.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_char('-')?;
            }
            write!(f, "{:02x}", self.0.get(*index).copied().unwrap_or(0))?;
        }
        Ok(())
    }
}

impl MdevDriver for DriverState {
    type Mdev = Mdev;

    /// A new mdev: nothing assigned, maxima frozen from the host's current
    /// configuration.
    fn create(&self, dev: ARef<Device>, vdev: VfioDevice, uuid: [u8; 16]) -> Result<Arc<Mdev>> {
        let id = self.next_mdev_id.fetch_add(1, Ordering::Relaxed);
        let mdev = Arc::new(Mdev { id }, GFP_KERNEL)?;
        let _guests = self.guests.lock();
        let mut mdevs = self.mdevs.lock();
        let matrix = crate::matrix::mdev::MdevMatrix::new(&mdevs.host);
        mdevs.list.push(
            MdevEntry {
                id,
                uuid,
                dev,
                vdev,
                matrix,
                guest: None,
                req_trigger: None,
                cfg_chg_trigger: None,
            },
            GFP_KERNEL,
        )?;
        Ok(mdev)
    }

    /// The mdev is gone from vfio (`vfio_ap_mdev_remove`): a guest still
    /// attached is detached, the mdev's bound queues are reset, and its
    /// state is dropped, so no queue can point at it any more. Nothing that
    /// holds its vfio device (a pinned NIB) survives this.
    fn destroy(&self, mdev: Arc<Mdev>) {
        let mut guests = self.guests.lock();
        // Detaching resets the queues already.
        if !self.detach_guest_of(&mut guests, mdev.id) {
            let _ = update(self, &mut guests, Some(mdev.id), None, |mdevs| {
                Ok::<_, ()>(match mdevs.get(mdev.id) {
                    Some(entry) => Update {
                        commit: false,
                        reset: entry.matrix.guest_detached(),
                    },
                    None => Update::NONE,
                })
            });
        }
        aqic::disable_all_of(self, mdev.id);
        self.mdevs.lock().list.retain(|e| e.id != mdev.id);
    }

    /// Fills the page of a show callback.
    fn show(&self, mdev: &Mdev, attr: MdevAttr, out: &mut SysfsBuf<'_>) {
        let mdevs = self.mdevs.lock();
        let Some(entry) = mdevs.get(mdev.id) else {
            return;
        };
        let max = entry.matrix.maxima();
        match attr {
            MdevAttr::Matrix => {
                let m = entry.matrix.assigned();
                format::matrix_show(out, &m.apm, &m.aqm, max.apid, max.apqi);
            }
            MdevAttr::GuestMatrix => {
                let m = entry.matrix.shadow();
                format::matrix_show(out, &m.apm, &m.aqm, max.apid, max.apqi);
            }
            MdevAttr::ControlDomains => {
                format::control_domains_show(out, &entry.matrix.assigned().adm, max.adm);
            }
            MdevAttr::ApConfig => {
                // Unlike the C driver, read under the lock: a concurrent
                // store can never show half of an old and half of a new
                // matrix.
                let m = entry.matrix.assigned();
                format::ap_config_show(out, &m.apm, &m.aqm, &m.adm);
            }
            _ => {}
        }
    }

    /// Handles a write to one of the mdev's files.
    fn store(&self, mdev: &Mdev, attr: MdevAttr, input: &[u8]) -> Result {
        // Assignments that add queues are checked against apmask/aqmask, so
        // they hold the AP bus's attribute mutex, first in the lock order,
        // until the new assignment is recorded: an apmask write after that
        // sees it (through `in_use`, which waits for `guests`).
        let mut attr_guard = match attr {
            MdevAttr::AssignAdapter | MdevAttr::AssignDomain | MdevAttr::ApConfig => {
                Some(ApAttrGuard::lock())
            }
            _ => None,
        };
        let mut guests = self.guests.lock();
        update(self, &mut guests, Some(mdev.id), None, |mdevs| {
            let mut split = mdevs.split(mdev.id).ok_or(ENODEV)?;
            let result = apply_store(&mut split, attr, input, attr_guard.as_ref());
            drop(attr_guard.take());
            result.map_err(errno)
        })
    }

    fn open(&self, mdev: &Mdev, kvm: Option<Kvm>) -> Result {
        self.open_device(mdev.id, kvm)
    }

    fn close(&self, mdev: &Mdev) {
        self.close_device(mdev.id);
    }

    fn ioctl(&self, mdev: &Mdev, cmd: u32, arg: UserPtr) -> Result {
        self.device_ioctl(mdev.id, cmd, arg)
    }

    fn dma_unmap(&self, mdev: &Mdev, iova: u64, length: u64) {
        self.device_dma_unmap(mdev.id, iova, length);
    }

    fn request(&self, mdev: &Mdev, count: u32) {
        self.device_request(mdev.id, count);
    }

    fn pqap(&self, mdev: &Mdev, vcpu: &mut Vcpu<'_>) -> Result {
        self.device_pqap(mdev.id, vcpu)
    }
}

/// The core's decision for a store; changes `split.this` on success only.
fn apply_store(
    split: &mut Split<'_>,
    attr: MdevAttr,
    input: &[u8],
    attr_guard: Option<&ApAttrGuard>,
) -> CoreResult<Update> {
    let host = split.host.matrix;
    let others = split.others_newest_first();
    let this = &*split.this;
    let validate = |candidate: &Matrix| -> CoreResult {
        validate::validate_masks(
            candidate,
            |apm, aqm| attr_guard.is_some_and(|g| g.reserved(apm, aqm)),
            others.clone().map(|e| e.matrix.assigned()),
            |apqn, index| {
                if let Some(other) = others.clone().nth(index) {
                    dev_warn!(
                        this.dev,
                        "Userspace may not assign queue {:02x}.{:04x} to mdev: already assigned to {}\n",
                        apqn.apid().get(),
                        apqn.apqi().get(),
                        Uuid(&other.uuid)
                    );
                }
            },
        )
    };
    let env = Env {
        host: &host,
        queues: split.usable,
    };
    let mut matrix = split.this.matrix;
    let update = match attr {
        MdevAttr::AssignAdapter => matrix.assign_adapter(parse::kstrtoul(input)?, &env, validate),
        MdevAttr::UnassignAdapter => matrix.unassign_adapter(parse::kstrtoul(input)?, &env),
        MdevAttr::AssignDomain => matrix.assign_domain(parse::kstrtoul(input)?, &env, validate),
        MdevAttr::UnassignDomain => matrix.unassign_domain(parse::kstrtoul(input)?, &env),
        MdevAttr::AssignControlDomain => {
            matrix.assign_control_domain(parse::kstrtoul(input)?, &env)
        }
        MdevAttr::UnassignControlDomain => {
            matrix.unassign_control_domain(parse::kstrtoul(input)?, &env)
        }
        MdevAttr::ApConfig => {
            let (apm, aqm, adm) = parse::parse_ap_config(input)?;
            matrix.set_ap_config(&Matrix { apm, aqm, adm }, &env, validate)
        }
        MdevAttr::ControlDomains | MdevAttr::Matrix | MdevAttr::GuestMatrix => {
            Err(CoreError::Inval)
        }
    }?;
    split.this.matrix = matrix;
    Ok(update)
}
