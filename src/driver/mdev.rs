// SPDX-License-Identifier: GPL-2.0

//! Mdevs: creation and removal, and what each of their sysfs files does.

use core::fmt::Write;
use core::sync::atomic::Ordering;

use kernel::prelude::*;
use kernel::sync::Arc;

use super::errno;
use super::queues;
use super::state::{MdevEntry, Split};
use super::update::carry_out;
use crate::matrix::ap_matrix::Matrix;
use crate::matrix::errno::{Error as CoreError, Result as CoreResult};
use crate::matrix::format;
use crate::matrix::ids::Apqn;
use crate::matrix::mdev::{Env, Update};
use crate::matrix::parse;
use crate::matrix::validate;
use crate::sys::ap_bus::ApAttrGuard;
use crate::sys::global::driver;
use crate::sys::sysfs::Page;

/// An mdev as the C side holds it: an id into the shared state.
pub(crate) struct Mdev {
    id: u64,
}

/// The mdev's own sysfs files.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum MdevAttr {
    AssignAdapter,
    UnassignAdapter,
    AssignDomain,
    UnassignDomain,
    AssignControlDomain,
    UnassignControlDomain,
    ControlDomains,
    Matrix,
    GuestMatrix,
    ApConfig,
}

impl MdevAttr {
    /// The attribute named `name` in `src/c/mdev.c`.
    pub(crate) fn from_name(name: &[u8]) -> Option<Self> {
        Some(match name {
            b"assign_adapter" => Self::AssignAdapter,
            b"unassign_adapter" => Self::UnassignAdapter,
            b"assign_domain" => Self::AssignDomain,
            b"unassign_domain" => Self::UnassignDomain,
            b"assign_control_domain" => Self::AssignControlDomain,
            b"unassign_control_domain" => Self::UnassignControlDomain,
            b"control_domains" => Self::ControlDomains,
            b"matrix" => Self::Matrix,
            b"guest_matrix" => Self::GuestMatrix,
            b"ap_config" => Self::ApConfig,
            _ => return None,
        })
    }
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

/// A new mdev with UUID `uuid`: nothing assigned, maxima frozen from the
/// host's current configuration.
pub(crate) fn create(uuid: [u8; 16]) -> Result<Arc<Mdev>> {
    let state = driver().ok_or(ENODEV)?;
    let id = state.next_mdev_id.fetch_add(1, Ordering::Relaxed);
    let mdev = Arc::new(Mdev { id }, GFP_KERNEL)?;
    let _guests = state.guests.lock();
    let mut mdevs = state.mdevs.lock();
    let matrix = crate::matrix::mdev::MdevMatrix::new(&mdevs.host);
    mdevs.list.push(
        MdevEntry {
            id: mdev.id,
            uuid,
            matrix,
        },
        GFP_KERNEL,
    )?;
    Ok(mdev)
}

/// The mdev is gone from vfio (`vfio_ap_mdev_remove`): a guest still
/// attached is detached, the mdev's bound queues are reset, and its state
/// is dropped, so no queue can point at it any more.
pub(crate) fn destroy(mdev: Arc<Mdev>) {
    let Some(state) = driver() else { return };
    let mut guests = state.guests.lock();
    // Detaching resets the queues already.
    let detached = queues::detach_guest_of(&state, &mut guests, mdev.id);
    let mut mdevs = state.mdevs.lock();
    if let Some(entry) = mdevs.get(mdev.id).filter(|_| !detached) {
        let reset = entry.matrix.guest_detached();
        carry_out(
            &mut mdevs,
            mdev.id,
            None,
            Update {
                commit: false,
                reset,
            },
            None,
        );
    }
    mdevs.list.retain(|e| e.id != mdev.id);
}

/// Fills the page of a show callback.
pub(crate) fn show(mdev: &Mdev, attr: MdevAttr, page: &mut Page<'_>) {
    let Some(state) = driver() else { return };
    let mdevs = state.mdevs.lock();
    let Some(entry) = mdevs.get(mdev.id) else {
        return;
    };
    let max = entry.matrix.maxima();
    let out = page.writer();
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
            // Unlike the C driver, read under the lock: a concurrent store
            // can never show half of an old and half of a new matrix.
            let m = entry.matrix.assigned();
            format::ap_config_show(out, &m.apm, &m.aqm, &m.adm);
        }
        _ => {}
    }
}

/// Handles a write to one of the mdev's files.
pub(crate) fn store(mdev: &Mdev, attr: MdevAttr, input: &[u8]) -> Result {
    let state = driver().ok_or(ENODEV)?;
    // Assignments that add queues are checked against apmask/aqmask, so they
    // hold the AP bus's attribute mutex, first in the lock order.
    let attr_guard = match attr {
        MdevAttr::AssignAdapter | MdevAttr::AssignDomain | MdevAttr::ApConfig => {
            Some(ApAttrGuard::lock())
        }
        _ => None,
    };
    let guests = state.guests.lock();
    let guest = guests.guest_of(mdev.id).map(|g| g.lock());
    let mut mdevs = state.mdevs.lock();
    let mut split = mdevs.split(mdev.id).ok_or(ENODEV)?;
    let update = apply_store(&mut split, attr, input, attr_guard.as_ref()).map_err(errno)?;
    carry_out(&mut mdevs, mdev.id, guest.as_ref(), update, None);
    Ok(())
}

/// The core's decision for a store; changes `split.this` on success only.
fn apply_store(
    split: &mut Split<'_>,
    attr: MdevAttr,
    input: &[u8],
    attr_guard: Option<&ApAttrGuard>,
) -> CoreResult<Update> {
    let host = split.host.matrix;
    // The other mdevs are read while this one changes: disjoint borrows.
    let (before, after) = (split.before, split.after);
    let others = move || Iterator::chain(before.iter(), after.iter());
    let this_uuid = split.this.uuid;
    let validate = |candidate: &Matrix| -> CoreResult {
        validate::validate_masks(
            candidate,
            |apm, aqm| attr_guard.is_some_and(|g| g.reserved(apm, aqm)),
            others().map(|e| e.matrix.assigned()),
            |apqn, index| {
                if let Some(other) = others().nth(index) {
                    warn_shared(&this_uuid, apqn, &other.uuid);
                }
            },
        )
    };
    let env = Env {
        host: &host,
        queues: split.usable,
    };
    let matrix = &mut split.this.matrix;
    match attr {
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
    }
}

/// The C driver's message for each queue another mdev already has.
fn warn_shared(this: &[u8; 16], apqn: Apqn, other: &[u8; 16]) {
    pr_warn!(
        "{}: Userspace may not assign queue {:02x}.{:04x} to mdev: already assigned to {}\n",
        Uuid(this),
        apqn.apid().get(),
        apqn.apqi().get(),
        Uuid(other)
    );
}
