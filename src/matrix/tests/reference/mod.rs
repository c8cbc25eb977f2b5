// SPDX-License-Identifier: GPL-2.0

//! A reference model of Linux 7.3's vfio_ap matrix logic, written literally
//! after `drivers/s390/crypto/vfio_ap_ops.c` and independently of the core's
//! implementation: only the core's value types (IDs, masks, `Matrix`,
//! `Error`) are used, never its filter or `MdevMatrix`.
//!
//! What is modelled, per mdev:
//! - the assigned matrix (`matrix_mdev->matrix`) and the frozen maxima;
//! - the shadow APCB (`matrix_mdev->shadow_apcb`);
//! - the `qtable` of linked queues (assigned to the mdev and bound to
//!   vfio_ap), a 256-bucket hash table keyed by APQN as `DECLARE_HASHTABLE(
//!   queues, 8)` is, each queue with its last reset response code;
//! - the pending host additions `apm_add`, `aqm_add`, `adm_add`.
//!
//! Globally: the host configuration as the driver knows it
//! (`matrix_dev->info`) and the queues bound to vfio_ap with their response
//! codes.
//!
//! The shadow is the spec's: Linux 7.3's filter ([`filter_matrix`], written
//! as C writes it, and [`filter_cdoms`]) applied FROM SCRATCH to the current
//! state after every event on an mdev, with one exception that 7.3 also
//! makes: while the mdev's `apm_add` or `aqm_add` is non-empty (between a
//! host configuration change that adds IDs and the end of the AP bus scan),
//! a queue event (bind, unbind, passability change) does not filter; it
//! only takes the queue's adapter out of the shadow when the queue is in it
//! and no longer usable, as `vfio_ap_mdev_remove_queue()` does. So a newly
//! usable queue is not filtered in before `on_scan_complete`. Queue events
//! filter adapters and domains only, as probe does: control domains change
//! with assignments and host changes.
//!
//! The host configuration a filter sees is what `matrix_dev->info` holds
//! when C runs the handler: `on_config_changed` handles removals while
//! `info` is still the previous configuration, so the re-filter that
//! replaces its bit clearing sees the previous configuration less the
//! removed IDs (the additions are not there yet).
//!
//! The queues reset by each event are the C handlers' (only linked queues:
//! `collect_queues_to_reset()`, the unlink lists of the hot unplug
//! functions, the qtable at close), plus, for a queue unbind, the queue
//! itself when C resets it.
//!
//! Shared by `tests/model.rs` and benchmarks, which include it as
//! `#[allow(dead_code, unreachable_pub)] #[path = "../tests/reference/mod.rs"]
//! mod reference;`; [`filter_matrix`] can be used on its own.

#![allow(
    missing_docs,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::collections::{BTreeMap, BTreeSet};

use vfio_ap_matrix::ap_matrix::Matrix;
use vfio_ap_matrix::errno::Error;
use vfio_ap_matrix::ids::{Apid, Apqi, Apqn};
use vfio_ap_matrix::mask::{ApidMask, ApqiMask};

/// `AP_RESPONSE_NORMAL`.
pub const AP_RESPONSE_NORMAL: u8 = 0x00;
/// `AP_RESPONSE_Q_NOT_AVAIL`.
pub const AP_RESPONSE_Q_NOT_AVAIL: u8 = 0x01;
/// `AP_RESPONSE_RESET_IN_PROGRESS`.
pub const AP_RESPONSE_RESET_IN_PROGRESS: u8 = 0x02;
/// `AP_RESPONSE_DECONFIGURED`.
pub const AP_RESPONSE_DECONFIGURED: u8 = 0x03;
/// `AP_RESPONSE_CHECKSTOPPED`.
pub const AP_RESPONSE_CHECKSTOPPED: u8 = 0x04;
/// `AP_RESPONSE_BUSY`.
pub const AP_RESPONSE_BUSY: u8 = 0x05;
/// `AP_RESPONSE_STATE_CHANGE_IN_PROGRESS`.
pub const AP_RESPONSE_STATE_CHANGE_IN_PROGRESS: u8 = 0x0a;

/// A `struct vfio_ap_queue`: the APQN and its last reset response code
/// (`reset_status.response_code`, 0 after probe).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RefQueue {
    pub apqn: Apqn,
    pub rc: u8,
}

/// `_queue_passable()`.
pub fn queue_passable(q: Option<&RefQueue>) -> bool {
    match q {
        None => false,
        Some(q) => matches!(
            q.rc,
            AP_RESPONSE_NORMAL | AP_RESPONSE_DECONFIGURED | AP_RESPONSE_CHECKSTOPPED
        ),
    }
}

/// Whether a response code makes a queue passable.
pub fn rc_passable(rc: u8) -> bool {
    queue_passable(Some(&RefQueue {
        apqn: Apqn::from_raw(0),
        rc,
    }))
}

/// `HASH_BITS(qtable.queues)`: `DECLARE_HASHTABLE(queues, 8)`.
pub const QTABLE_BITS: u32 = 8;
/// `GOLDEN_RATIO_32` of `<linux/hash.h>`.
pub const GOLDEN_RATIO_32: u32 = 0x61C8_8647;

/// `hash_min(apqn, 8)`: the APQN is an `int`, so `hash_32()`.
pub fn qtable_bucket(apqn: Apqn) -> usize {
    (u32::from(apqn.raw()).wrapping_mul(GOLDEN_RATIO_32) >> (32 - QTABLE_BITS)) as usize
}

/// `struct ap_queue_table`: the queues linked to an mdev.
#[derive(Clone, Debug)]
pub struct QTable {
    buckets: Vec<Vec<RefQueue>>,
}

impl Default for QTable {
    fn default() -> Self {
        Self::new()
    }
}

impl QTable {
    /// `hash_init()`.
    pub fn new() -> Self {
        Self {
            buckets: vec![Vec::new(); 1 << QTABLE_BITS],
        }
    }

    /// A table holding `queues` (for benchmarks).
    pub fn from_queues(queues: impl IntoIterator<Item = RefQueue>) -> Self {
        let mut t = Self::new();
        for q in queues {
            t.link(q);
        }
        t
    }

    /// `vfio_ap_mdev_get_queue()`: `hash_for_each_possible` on the APQN.
    pub fn get(&self, apqn: Apqn) -> Option<&RefQueue> {
        self.buckets[qtable_bucket(apqn)]
            .iter()
            .find(|q| q.apqn == apqn)
    }

    fn get_mut(&mut self, apqn: Apqn) -> Option<&mut RefQueue> {
        self.buckets[qtable_bucket(apqn)]
            .iter_mut()
            .find(|q| q.apqn == apqn)
    }

    /// `vfio_ap_mdev_link_queue()`: nothing if already linked, else
    /// `hash_add()` (`hlist_add_head`).
    pub fn link(&mut self, q: RefQueue) {
        if self.get(q.apqn).is_some() {
            return;
        }
        self.buckets[qtable_bucket(q.apqn)].insert(0, q);
    }

    /// `hash_del()` of the queue, if linked; returns it.
    pub fn unlink(&mut self, apqn: Apqn) -> Option<RefQueue> {
        let bucket = &mut self.buckets[qtable_bucket(apqn)];
        let pos = bucket.iter().position(|q| q.apqn == apqn)?;
        Some(bucket.remove(pos))
    }

    /// Records a new reset response code for a linked queue.
    pub fn set_rc(&mut self, apqn: Apqn, rc: u8) {
        if let Some(q) = self.get_mut(apqn) {
            q.rc = rc;
        }
    }

    /// `hash_for_each()`: every linked queue.
    pub fn queues(&self) -> impl Iterator<Item = &RefQueue> + '_ {
        self.buckets.iter().flatten()
    }

    /// The linked APQNs.
    pub fn apqns(&self) -> BTreeSet<Apqn> {
        self.queues().map(|q| q.apqn).collect()
    }
}

/// `vfio_ap_mdev_filter_matrix()` as C writes it, on an mdev whose assigned
/// matrix is `assigned`, with the host configuration `host` (`info`), the
/// linked queues `qtable` and the previous shadow adapters `prev_apm`.
/// Returns the new shadow APM and AQM and `apm_filtered`.
pub fn filter_matrix(
    assigned: &Matrix,
    host: &Matrix,
    qtable: &QTable,
    prev_apm: &ApidMask,
) -> (ApidMask, ApqiMask, ApidMask) {
    let mut apm_filtered = ApidMask::EMPTY;
    // bitmap_and(shadow.apm, matrix.apm, info.apm), and the same for aqm.
    let mut apm = assigned.apm.and(host.apm);
    let aqm = assigned.aqm.and(host.aqm);

    // for_each_set_bit_inv(apid, shadow.apm): the iterator works on a copy
    // of the words, as C's walk tolerates clearing the current bit.
    for apid in apm.iter() {
        for apqi in aqm.iter() {
            let apqn = Apqn::new(apid, apqi);
            if !queue_passable(qtable.get(apqn)) {
                apm.remove(apid);
                if prev_apm.contains(apid) {
                    apm_filtered.insert(apid);
                }
                break;
            }
        }
    }
    (apm, aqm, apm_filtered)
}

/// `vfio_ap_mdev_filter_cdoms()`: the new shadow ADM.
pub fn filter_cdoms(assigned: &Matrix, host: &Matrix) -> ApqiMask {
    assigned.adm.and(host.adm)
}

/// `vfio_ap_matrix_init()`: the maxima (`apm_max`, `aqm_max`, `adm_max`).
pub fn matrix_maxima(apxa: bool, na: u8, nd: u8) -> (u64, u64, u64) {
    if apxa {
        (u64::from(na), u64::from(nd), u64::from(nd))
    } else {
        (63, 15, 15)
    }
}

/// A `struct ap_matrix_mdev`, as far as the matrix goes.
#[derive(Clone, Debug)]
pub struct RefMdev {
    pub apm_max: u64,
    pub aqm_max: u64,
    pub adm_max: u64,
    pub assigned: Matrix,
    pub shadow: Matrix,
    pub qtable: QTable,
    pub apm_add: ApidMask,
    pub aqm_add: ApqiMask,
    pub adm_add: ApqiMask,
}

impl RefMdev {
    /// `vfio_ap_mdev_init_dev()`.
    pub fn new(apxa: bool, na: u8, nd: u8) -> Self {
        let (apm_max, aqm_max, adm_max) = matrix_maxima(apxa, na, nd);
        Self {
            apm_max,
            aqm_max,
            adm_max,
            assigned: Matrix::EMPTY,
            shadow: Matrix::EMPTY,
            qtable: QTable::new(),
            apm_add: ApidMask::EMPTY,
            aqm_add: ApqiMask::EMPTY,
            adm_add: ApqiMask::EMPTY,
        }
    }

    /// Whether probe filtering is deferred: `apm_add` or `aqm_add` non-empty.
    pub fn probe_deferred(&self) -> bool {
        !self.apm_add.is_empty() || !self.aqm_add.is_empty()
    }

    /// Whether any host addition waits for the end of the scan.
    pub fn has_pending_additions(&self) -> bool {
        self.probe_deferred() || !self.adm_add.is_empty()
    }

    /// The full filter from scratch against `host`; returns `apm_filtered`.
    fn refilter(&mut self, host: &Matrix) -> ApidMask {
        let (apm, aqm, apm_filtered) =
            filter_matrix(&self.assigned, host, &self.qtable, &self.shadow.apm);
        self.shadow.apm = apm;
        self.shadow.aqm = aqm;
        self.shadow.adm = filter_cdoms(&self.assigned, host);
        apm_filtered
    }

    /// `vfio_ap_mdev_filter_matrix()` alone, from scratch against `host`, as
    /// probe does: the control domains are left alone (they only differ
    /// from the filter while a control domain addition is pending).
    fn refilter_queues(&mut self, host: &Matrix) -> ApidMask {
        let (apm, aqm, apm_filtered) =
            filter_matrix(&self.assigned, host, &self.qtable, &self.shadow.apm);
        self.shadow.apm = apm;
        self.shadow.aqm = aqm;
        apm_filtered
    }

    /// `collect_queues_to_reset()`: the linked queues `apid` x `shadow.aqm`.
    fn collect_queues_to_reset(&self, apid: Apid, qlist: &mut BTreeSet<Apqn>) {
        for apqi in self.shadow.aqm.iter() {
            if let Some(q) = self.qtable.get(Apqn::new(apid, apqi)) {
                qlist.insert(q.apqn);
            }
        }
    }

    /// `reset_queues_for_apids()`.
    fn reset_queues_for_apids(&self, apids: &ApidMask, qlist: &mut BTreeSet<Apqn>) {
        for apid in apids.iter() {
            self.collect_queues_to_reset(apid, qlist);
        }
    }

    /// `vfio_ap_mdev_hot_unplug_adapters()` without the final shadow
    /// update: unlinks the queues of `apids` (with `matrix.aqm`), lists those
    /// that were in the shadow for reset, and clears `apids` from
    /// `shadow.apm`.
    fn hot_unplug_adapters(&mut self, apids: &ApidMask, qlist: &mut BTreeSet<Apqn>) {
        for apid in apids.iter() {
            // vfio_ap_mdev_unlink_adapter()
            for apqi in self.assigned.aqm.iter() {
                let q = self.qtable.unlink(Apqn::new(apid, apqi));
                if let Some(q) = q {
                    if self.shadow.apm.contains(apid) && self.shadow.aqm.contains(apqi) {
                        qlist.insert(q.apqn);
                    }
                }
            }
            self.shadow.apm.remove(apid);
        }
    }

    /// `vfio_ap_mdev_hot_unplug_domains()`, likewise.
    fn hot_unplug_domains(&mut self, apqis: &ApqiMask, qlist: &mut BTreeSet<Apqn>) {
        for apqi in apqis.iter() {
            // vfio_ap_mdev_unlink_domain()
            for apid in self.assigned.apm.iter() {
                let q = self.qtable.unlink(Apqn::new(apid, apqi));
                if let Some(q) = q {
                    if self.shadow.apm.contains(apid) && self.shadow.aqm.contains(apqi) {
                        qlist.insert(q.apqn);
                    }
                }
            }
            self.shadow.aqm.remove(apqi);
        }
    }
}

/// What an event did: the error it returned, whether each mdev's shadow
/// changed (commit), and the queues reset for each mdev; `resets[n]`, one
/// past the mdevs, holds a queue reset while linked to no mdev (an
/// unassigned queue being unbound).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Outcome {
    pub result: Result<(), Error>,
    pub commit: Vec<bool>,
    pub resets: Vec<BTreeSet<Apqn>>,
}

impl Outcome {
    /// Nothing happened, for `n` mdevs.
    pub fn new(n: usize) -> Self {
        Self {
            result: Ok(()),
            commit: vec![false; n],
            resets: vec![BTreeSet::new(); n + 1],
        }
    }
}

/// Whether any queue of `apm` x `aqm` is reserved for the default drivers
/// (`ap_apqn_in_matrix_owned_by_def_drv()`).
pub type Reserved<'a> = &'a dyn Fn(&ApidMask, &ApqiMask) -> bool;

/// The driver: host configuration, bound queues, mdevs.
#[derive(Clone, Debug)]
pub struct RefWorld {
    /// `matrix_dev->info`.
    pub host: Matrix,
    /// The queues bound to vfio_ap, with their last reset response code.
    pub bound: BTreeMap<Apqn, u8>,
    /// `matrix_dev->mdev_list`.
    pub mdevs: Vec<RefMdev>,
}

impl RefWorld {
    /// `n` new mdevs, created with the host's QCI `apxa`, `na`, `nd`.
    pub fn new(host: Matrix, apxa: bool, na: u8, nd: u8, n: usize) -> Self {
        Self {
            host,
            bound: BTreeMap::new(),
            mdevs: (0..n).map(|_| RefMdev::new(apxa, na, nd)).collect(),
        }
    }

    fn outcome(&self) -> Outcome {
        Outcome::new(self.mdevs.len())
    }

    /// Records in `out` whether mdev `m`'s shadow differs from `before`.
    fn note_commit(&self, m: usize, before: &Matrix, out: &mut Outcome) {
        if self.mdevs[m].shadow != *before {
            out.commit[m] = true;
        }
    }

    /// `get_update_locks_by_apqn()`: the first mdev whose matrix has the
    /// APQN.
    pub fn owner(&self, apqn: Apqn) -> Option<usize> {
        self.mdevs.iter().position(|md| {
            md.assigned.apm.contains(apqn.apid()) && md.assigned.aqm.contains(apqn.apqi())
        })
    }

    /// `q->matrix_mdev`: the mdev the queue is linked to (with quirk 1 of the
    /// reference fixed, the mdev whose qtable holds it).
    pub fn linked_mdev(&self, apqn: Apqn) -> Option<usize> {
        self.mdevs
            .iter()
            .position(|md| md.qtable.get(apqn).is_some())
    }

    /// `vfio_ap_find_queue()`: the queue device if bound to vfio_ap.
    fn find_queue(&self, apqn: Apqn) -> Option<RefQueue> {
        self.bound.get(&apqn).map(|rc| RefQueue { apqn, rc: *rc })
    }

    /// `vfio_ap_mdev_link_apqn()`.
    fn link_apqn(&mut self, m: usize, apqn: Apqn) {
        if let Some(q) = self.find_queue(apqn) {
            self.mdevs[m].qtable.link(q);
        }
    }

    /// `vfio_ap_mdev_link_adapter()`.
    fn link_adapter(&mut self, m: usize, apid: Apid) {
        for apqi in self.mdevs[m].assigned.aqm.iter() {
            self.link_apqn(m, Apqn::new(apid, apqi));
        }
    }

    /// `vfio_ap_mdev_link_domain()`.
    fn link_domain(&mut self, m: usize, apqi: Apqi) {
        for apid in self.mdevs[m].assigned.apm.iter() {
            self.link_apqn(m, Apqn::new(apid, apqi));
        }
    }

    /// `vfio_ap_mdev_validate_masks()` on mdev `m`'s current matrix.
    fn validate_masks(&self, m: usize, reserved: Reserved<'_>) -> Result<(), Error> {
        let me = &self.mdevs[m].assigned;
        if reserved(&me.apm, &me.aqm) {
            return Err(Error::AddrNotAvail);
        }
        // vfio_ap_mdev_verify_no_sharing()
        for (i, other) in self.mdevs.iter().enumerate() {
            if i == m {
                continue;
            }
            if me.apm.intersects(&other.assigned.apm) && me.aqm.intersects(&other.assigned.aqm) {
                return Err(Error::AddrInUse);
            }
        }
        Ok(())
    }

    /// Re-filters mdev `m` from scratch and resets the adapters newly
    /// withheld, as the assign stores, probe and scan completion do.
    fn filter_and_reset(&mut self, m: usize, out: &mut Outcome) {
        let host = self.host;
        let apm_filtered = self.mdevs[m].refilter(&host);
        let md = &self.mdevs[m];
        md.reset_queues_for_apids(&apm_filtered, &mut out.resets[m]);
    }

    /// `assign_adapter_store()`.
    pub fn assign_adapter(&mut self, m: usize, raw: u64, reserved: Reserved<'_>) -> Outcome {
        let mut out = self.outcome();
        if raw > self.mdevs[m].apm_max {
            out.result = Err(Error::NoDev);
            return out;
        }
        let apid = Apid::new(raw as u8);
        if self.mdevs[m].assigned.apm.contains(apid) {
            return out;
        }
        self.mdevs[m].assigned.apm.insert(apid);
        if let Err(e) = self.validate_masks(m, reserved) {
            self.mdevs[m].assigned.apm.remove(apid);
            out.result = Err(e);
            return out;
        }
        let before = self.mdevs[m].shadow;
        self.link_adapter(m, apid);
        self.filter_and_reset(m, &mut out);
        self.note_commit(m, &before, &mut out);
        out
    }

    /// `assign_domain_store()`.
    pub fn assign_domain(&mut self, m: usize, raw: u64, reserved: Reserved<'_>) -> Outcome {
        let mut out = self.outcome();
        if raw > self.mdevs[m].aqm_max {
            out.result = Err(Error::NoDev);
            return out;
        }
        let apqi = Apqi::new(raw as u8);
        if self.mdevs[m].assigned.aqm.contains(apqi) {
            return out;
        }
        self.mdevs[m].assigned.aqm.insert(apqi);
        if let Err(e) = self.validate_masks(m, reserved) {
            self.mdevs[m].assigned.aqm.remove(apqi);
            out.result = Err(e);
            return out;
        }
        let before = self.mdevs[m].shadow;
        self.link_domain(m, apqi);
        self.filter_and_reset(m, &mut out);
        self.note_commit(m, &before, &mut out);
        out
    }

    /// `unassign_adapter_store()`: C unplugs the adapter (clears it from
    /// the shadow); the spec then re-filters from scratch, which can only
    /// give the guest more.
    pub fn unassign_adapter(&mut self, m: usize, raw: u64) -> Outcome {
        let mut out = self.outcome();
        if raw > self.mdevs[m].apm_max {
            out.result = Err(Error::NoDev);
            return out;
        }
        let apid = Apid::new(raw as u8);
        if !self.mdevs[m].assigned.apm.contains(apid) {
            return out;
        }
        let before = self.mdevs[m].shadow;
        self.mdevs[m].assigned.apm.remove(apid);
        let apids = ApidMask::EMPTY.with(apid);
        self.mdevs[m].hot_unplug_adapters(&apids, &mut out.resets[m]);
        self.filter_and_reset(m, &mut out);
        self.note_commit(m, &before, &mut out);
        out
    }

    /// `unassign_domain_store()`, with the spec's re-filter.
    pub fn unassign_domain(&mut self, m: usize, raw: u64) -> Outcome {
        let mut out = self.outcome();
        if raw > self.mdevs[m].aqm_max {
            out.result = Err(Error::NoDev);
            return out;
        }
        let apqi = Apqi::new(raw as u8);
        if !self.mdevs[m].assigned.aqm.contains(apqi) {
            return out;
        }
        let before = self.mdevs[m].shadow;
        self.mdevs[m].assigned.aqm.remove(apqi);
        let apqis = ApqiMask::EMPTY.with(apqi);
        self.mdevs[m].hot_unplug_domains(&apqis, &mut out.resets[m]);
        self.filter_and_reset(m, &mut out);
        self.note_commit(m, &before, &mut out);
        out
    }

    /// `assign_control_domain_store()`: no sharing or reservation check.
    pub fn assign_control_domain(&mut self, m: usize, raw: u64) -> Outcome {
        let mut out = self.outcome();
        if raw > self.mdevs[m].adm_max {
            out.result = Err(Error::NoDev);
            return out;
        }
        let id = Apqi::new(raw as u8);
        if self.mdevs[m].assigned.adm.contains(id) {
            return out;
        }
        let before = self.mdevs[m].shadow;
        self.mdevs[m].assigned.adm.insert(id);
        self.filter_and_reset(m, &mut out);
        self.note_commit(m, &before, &mut out);
        out
    }

    /// `unassign_control_domain_store()`.
    pub fn unassign_control_domain(&mut self, m: usize, raw: u64) -> Outcome {
        let mut out = self.outcome();
        if raw > self.mdevs[m].adm_max {
            out.result = Err(Error::NoDev);
            return out;
        }
        let id = Apqi::new(raw as u8);
        if !self.mdevs[m].assigned.adm.contains(id) {
            return out;
        }
        let before = self.mdevs[m].shadow;
        self.mdevs[m].assigned.adm.remove(id);
        self.filter_and_reset(m, &mut out);
        self.note_commit(m, &before, &mut out);
        out
    }

    /// `ap_config_store()` after parsing: validate, overflow check, unplug
    /// the removed adapters then domains, link the added ones, filter.
    pub fn ap_config(&mut self, m: usize, new: &Matrix, reserved: Reserved<'_>) -> Outcome {
        let mut out = self.outcome();
        let old = self.mdevs[m].assigned;
        let removed_apm = old.apm.and_not(new.apm);
        let removed_aqm = old.aqm.and_not(new.aqm);
        let added_apm = new.apm.and_not(old.apm);
        let added_aqm = new.aqm.and_not(old.aqm);

        self.mdevs[m].assigned = *new;
        if let Err(e) = self.validate_masks(m, reserved) {
            self.mdevs[m].assigned = old;
            out.result = Err(e);
            return out;
        }
        // ap_matrix_overflow_check()
        let md = &self.mdevs[m];
        let overflow = new.apm.iter().any(|id| u64::from(id.get()) > md.apm_max)
            || new.aqm.iter().any(|id| u64::from(id.get()) > md.aqm_max)
            || new.adm.iter().any(|id| u64::from(id.get()) > md.adm_max);
        if overflow {
            self.mdevs[m].assigned = old;
            out.result = Err(Error::NoDev);
            return out;
        }

        let before = self.mdevs[m].shadow;
        self.mdevs[m].assigned = old;
        self.mdevs[m].hot_unplug_adapters(&removed_apm, &mut out.resets[m]);
        self.mdevs[m].hot_unplug_domains(&removed_aqm, &mut out.resets[m]);
        self.mdevs[m].assigned = *new;
        for apid in added_apm.iter() {
            self.link_adapter(m, apid);
        }
        for apqi in added_aqm.iter() {
            self.link_domain(m, apqi);
        }
        self.filter_and_reset(m, &mut out);
        self.note_commit(m, &before, &mut out);
        out
    }

    /// A queue event while probe filtering is deferred: the queue's adapter
    /// leaves the shadow if the queue is in it and no longer usable (this is
    /// `vfio_ap_mdev_remove_queue()`'s unplug); nothing joins.
    fn deferred_queue_event(&mut self, m: usize, apqn: Apqn) {
        let md = &mut self.mdevs[m];
        let in_shadow = md.shadow.apm.contains(apqn.apid()) && md.shadow.aqm.contains(apqn.apqi());
        if in_shadow && !queue_passable(md.qtable.get(apqn)) {
            md.shadow.apm.remove(apqn.apid());
        }
    }

    /// `vfio_ap_mdev_probe_queue()`: the queue `apqn` is bound to vfio_ap.
    pub fn bind(&mut self, apqn: Apqn) -> Outcome {
        let mut out = self.outcome();
        let q = RefQueue {
            apqn,
            rc: AP_RESPONSE_NORMAL,
        };
        self.bound.insert(apqn, q.rc);
        if let Some(m) = self.owner(apqn) {
            let before = self.mdevs[m].shadow;
            self.mdevs[m].qtable.link(q);
            if !self.mdevs[m].probe_deferred() {
                let host = self.host;
                let apm_filtered = self.mdevs[m].refilter_queues(&host);
                let md = &self.mdevs[m];
                md.reset_queues_for_apids(&apm_filtered, &mut out.resets[m]);
            }
            self.note_commit(m, &before, &mut out);
        }
        out
    }

    /// `vfio_ap_mdev_remove_queue()`: the queue `apqn` is unbound.
    pub fn unbind(&mut self, apqn: Apqn) -> Outcome {
        let mut out = self.outcome();
        let bucket = self.linked_mdev(apqn).unwrap_or(self.mdevs.len());
        let (apid, apqi) = (apqn.apid(), apqn.apqi());
        let linked = self.linked_mdev(apqn);
        let in_shadow = linked.is_some_and(|m| {
            let s = &self.mdevs[m].shadow;
            s.apm.contains(apid) && s.aqm.contains(apqi)
        });
        if let (true, Some(m)) = (in_shadow, linked) {
            // clear_bit_inv(apid, shadow.apm); reset_queues_for_apid(apid),
            // with the queue still linked.
            let mut shadow_after = self.mdevs[m].shadow;
            shadow_after.apm.remove(apid);
            for apqi in shadow_after.aqm.iter() {
                if let Some(q) = self.mdevs[m].qtable.get(Apqn::new(apid, apqi)) {
                    out.resets[m].insert(q.apqn);
                }
            }
        } else if self.host.apm.contains(apid) && self.host.aqm.contains(apqi) {
            out.resets[bucket].insert(apqn);
        }

        self.bound.remove(&apqn);
        if let Some(m) = linked {
            let before = self.mdevs[m].shadow;
            self.mdevs[m].qtable.unlink(apqn);
            if self.mdevs[m].probe_deferred() {
                self.deferred_queue_event(m, apqn);
            } else {
                // apm_filtered is the unplugged adapter, reset above.
                let host = self.host;
                let _ = self.mdevs[m].refilter_queues(&host);
            }
            self.note_commit(m, &before, &mut out);
        }
        out
    }

    /// The bound queue `apqn`'s last reset ended with `rc`. C has no handler
    /// for this (the next filter sees it); the spec filters at once. Nothing
    /// is reset: the queue was just reset.
    pub fn set_rc(&mut self, apqn: Apqn, rc: u8) -> Outcome {
        let mut out = self.outcome();
        self.bound.insert(apqn, rc);
        if let Some(m) = self.linked_mdev(apqn) {
            let before = self.mdevs[m].shadow;
            self.mdevs[m].qtable.set_rc(apqn, rc);
            if self.mdevs[m].probe_deferred() {
                self.deferred_queue_event(m, apqn);
            } else {
                let host = self.host;
                let _ = self.mdevs[m].refilter_queues(&host);
            }
            self.note_commit(m, &before, &mut out);
        }
        out
    }

    /// `vfio_ap_on_cfg_changed()`: the host configuration becomes `cur`.
    pub fn config_changed(&mut self, cur: &Matrix) -> Outcome {
        let mut out = self.outcome();
        let prev = self.host;

        // vfio_ap_mdev_on_cfg_remove(): for each mdev whose matrix has a
        // removed ID. C clears the removed IDs from the shadow; the spec
        // re-filters, against `info` as it is now (the previous
        // configuration) less the removed IDs. No queue is reset.
        let removed = prev.and_not(cur);
        let view = prev.and(cur);
        for m in 0..self.mdevs.len() {
            let hit = self.mdevs[m].assigned.and(&removed);
            if hit.is_empty() {
                continue;
            }
            let before = self.mdevs[m].shadow;
            let apm_filtered = self.mdevs[m].refilter(&view);
            assert!(
                apm_filtered.is_empty(),
                "a removal cannot withhold an adapter"
            );
            self.note_commit(m, &before, &mut out);
        }

        // vfio_ap_mdev_on_cfg_add() (every adapter is a CEX4 or newer, so
        // vfio_ap_filter_apid_by_qtype() keeps them all).
        let added = cur.and_not(&prev);
        if !added.is_empty() {
            for md in &mut self.mdevs {
                md.apm_add = md.assigned.apm.and(added.apm);
                md.aqm_add = md.assigned.aqm.and(added.aqm);
                md.adm_add = md.assigned.adm.and(added.adm);
            }
        }

        self.host = *cur;
        out
    }

    /// `vfio_ap_on_scan_complete()`: each mdev with pending additions is
    /// filtered (from scratch, per the spec) and its withheld adapters reset.
    pub fn scan_complete(&mut self) -> Outcome {
        let mut out = self.outcome();
        for m in 0..self.mdevs.len() {
            if !self.mdevs[m].has_pending_additions() {
                continue;
            }
            let before = self.mdevs[m].shadow;
            self.filter_and_reset(m, &mut out);
            self.note_commit(m, &before, &mut out);
            let md = &mut self.mdevs[m];
            md.apm_add = ApidMask::EMPTY;
            md.aqm_add = ApqiMask::EMPTY;
            md.adm_add = ApqiMask::EMPTY;
        }
        out
    }

    /// `vfio_ap_mdev_unset_kvm()`: every linked queue is reset; the shadow
    /// stays.
    pub fn guest_detached(&mut self, m: usize) -> Outcome {
        let mut out = self.outcome();
        out.resets[m] = self.mdevs[m].qtable.apqns();
        out
    }

    /// Checks the model's own bookkeeping: each qtable holds exactly the
    /// bound queues its mdev has assigned, with their response codes.
    pub fn check_links(&self) -> Result<(), String> {
        for (m, md) in self.mdevs.iter().enumerate() {
            let want: BTreeSet<Apqn> = self
                .bound
                .keys()
                .copied()
                .filter(|q| md.assigned.has_queue(*q))
                .collect();
            if md.qtable.apqns() != want {
                return Err(format!(
                    "reference mdev {m}: qtable {:?} != assigned and bound {:?}",
                    md.qtable.apqns(),
                    want
                ));
            }
            for q in md.qtable.queues() {
                if self.bound.get(&q.apqn) != Some(&q.rc) {
                    return Err(format!("reference mdev {m}: stale rc for {:?}", q.apqn));
                }
            }
        }
        Ok(())
    }
}
