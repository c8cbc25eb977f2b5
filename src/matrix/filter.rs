// SPDX-License-Identifier: GPL-2.0

//! The shadow APCB filter: which of an mdev's assigned adapters, domains and
//! control domains a guest may really have.
//!
//! This is Linux 7.3's `vfio_ap_mdev_filter_matrix()` and
//! `vfio_ap_mdev_filter_cdoms()`:
//! - adapters and usage domains are kept only where the host configuration
//!   has them;
//! - an adapter is withheld when any of its queues in the kept domains is not
//!   usable (bound to vfio_ap and passable), because the architecture cannot
//!   take a single queue away from a guest; domains are never withheld for
//!   that reason;
//! - control domains are kept where the host configuration has them.
//!
//! Usable queues are kept as one row of domains per adapter, so deciding
//! about an adapter is a subset test of four words, not a lookup per queue.

#![forbid(unsafe_code)]

use super::ap_matrix::Matrix;
use super::ids::{Apid, Apqn, AP_DEVICES};
use super::mask::{ApidMask, ApqiMask};

/// Which queues are usable: bound to vfio_ap, and passable (the last reset
/// ended with response code 00, 03 or 04; `_queue_passable()`).
pub trait QueueRows {
    /// The domains of `apid` whose queues are usable.
    fn usable_domains(&self, apid: Apid) -> ApqiMask;

    /// Whether the queue `apqn` is usable.
    fn is_usable(&self, apqn: Apqn) -> bool {
        self.usable_domains(apqn.apid()).contains(apqn.apqi())
    }
}

/// One row per adapter, indexed by APID; rows past the end are empty.
impl QueueRows for [ApqiMask] {
    fn usable_domains(&self, apid: Apid) -> ApqiMask {
        self.get(apid.index()).copied().unwrap_or_default()
    }
}

/// The usable-queue rows of every adapter, owned.
///
/// Large (8 KiB): the kernel allocates its rows on the heap and uses the
/// slice implementation of [`QueueRows`] and [`set_usable`] directly.
pub type QueueTable = [ApqiMask; AP_DEVICES];

/// Marks the queue `apqn` usable or not in `rows`; returns whether that
/// changed anything.
pub fn set_usable(rows: &mut [ApqiMask], apqn: Apqn, usable: bool) -> bool {
    match rows.get_mut(apqn.apid().index()) {
        Some(row) if usable => row.insert(apqn.apqi()),
        Some(row) => row.remove(apqn.apqi()),
        None => false,
    }
}

/// The adapters and usage domains a guest may have.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FilteredMatrix {
    /// The adapters the guest gets.
    pub apm: ApidMask,
    /// The usage domains the guest gets.
    pub aqm: ApqiMask,
    /// Adapters that were in `previous_apm` and are now withheld because of
    /// an unusable queue (`apm_filtered`): their queues must be reset, so they
    /// come back clean if they are plugged in again.
    pub withheld: ApidMask,
}

/// Whether adapter `apid`, assigned and in the host configuration, passes:
/// every queue it has in the guest's usage domains `aqm` is usable.
pub fn adapter_passes<Q: QueueRows + ?Sized>(apid: Apid, aqm: &ApqiMask, queues: &Q) -> bool {
    aqm.is_subset_of(&queues.usable_domains(apid))
}

/// `vfio_ap_mdev_filter_matrix()`: the adapters and usage domains of
/// `assigned` a guest may have, given the host configuration `host` and the
/// usable `queues`; `previous_apm` is the guest's adapters before, to tell
/// which adapters are newly withheld.
pub fn filter_matrix<Q: QueueRows + ?Sized>(
    assigned: &Matrix,
    host: &Matrix,
    queues: &Q,
    previous_apm: &ApidMask,
) -> FilteredMatrix {
    let aqm = assigned.aqm.and(host.aqm);
    let mut apm = assigned.apm.and(host.apm);
    let mut withheld = ApidMask::EMPTY;
    for apid in apm {
        if !adapter_passes(apid, &aqm, queues) {
            apm.remove(apid);
            if previous_apm.contains(apid) {
                withheld.insert(apid);
            }
        }
    }
    FilteredMatrix { apm, aqm, withheld }
}

/// `vfio_ap_mdev_filter_cdoms()`: the control domains a guest may have.
pub fn filter_cdoms(assigned: &Matrix, host: &Matrix) -> ApqiMask {
    assigned.adm.and(host.adm)
}

/// The smallest adapter type vfio_ap supports (`AP_DEVICE_TYPE_CEX4`).
pub const MIN_ADAPTER_TYPE: u8 = 10;

/// `vfio_ap_filter_apid_by_qtype()`: the adapters of `apm` that vfio_ap
/// supports, judged by TAPQ with the T bit on each of their queues in `aqm`.
/// `tapq` returns a queue's response code and adapter type. An adapter is
/// dropped if a queue reports a type older than CEX4, or a response code
/// for which the architecture does not fill in the type. (The C driver goes
/// on asking the other queues of a dropped adapter, upstream quirk 6; one
/// answer suffices.)
pub fn supported_adapters(
    apm: &ApidMask,
    aqm: &ApqiMask,
    mut tapq: impl FnMut(Apqn) -> (u8, u8),
) -> ApidMask {
    use super::reset::rc;
    let mut supported = *apm;
    for apid in apm {
        for apqi in aqm {
            let (code, adapter_type) = tapq(Apqn::new(apid, apqi));
            let known = matches!(
                code,
                rc::NORMAL | rc::RESET_IN_PROGRESS | rc::DECONFIGURED | rc::CHECKSTOPPED | rc::BUSY
            );
            if !known || adapter_type < MIN_ADAPTER_TYPE {
                supported.remove(apid);
                break;
            }
        }
    }
    supported
}

/// A rectangle of queues: every adapter of `apm` with every domain of `aqm`.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub struct QueueRect {
    /// The adapters.
    pub apm: ApidMask,
    /// The domains.
    pub aqm: ApqiMask,
}

impl QueueRect {
    /// The rectangle of `apm` and `aqm`.
    pub fn new(apm: ApidMask, aqm: ApqiMask) -> Self {
        Self { apm, aqm }
    }

    /// The rectangle of one queue.
    pub fn queue(apqn: Apqn) -> Self {
        Self::new(
            ApidMask::EMPTY.with(apqn.apid()),
            ApqiMask::EMPTY.with(apqn.apqi()),
        )
    }

    /// Whether the rectangle has no queue.
    pub fn is_empty(&self) -> bool {
        self.apm.is_empty() || self.aqm.is_empty()
    }

    /// Whether `apqn` is in the rectangle.
    pub fn contains(&self, apqn: Apqn) -> bool {
        self.apm.contains(apqn.apid()) && self.aqm.contains(apqn.apqi())
    }

    /// The queues, adapter-major, ascending.
    pub fn queues(&self) -> impl Iterator<Item = Apqn> {
        let aqm = self.aqm;
        self.apm
            .iter()
            .flat_map(move |apid| aqm.iter().map(move |apqi| Apqn::new(apid, apqi)))
    }
}

/// Most rectangles a reset plan has: an `ap_config` write resets the
/// guest's queues on removed adapters, those on removed domains, and those of
/// newly withheld adapters.
pub const RESET_RECTS: usize = 3;

/// The queues an event asks to reset (ZAPQ), as up to [`RESET_RECTS`]
/// rectangles, exactly: a plan is made whole from the rectangles of one
/// event and never widened, since a queue outside them may be another
/// guest's. The caller resets those of them that are bound to vfio_ap; the
/// others have no queue device to reset.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub struct ResetPlan {
    rects: [QueueRect; RESET_RECTS],
}

impl ResetPlan {
    /// Nothing to reset.
    pub const NONE: Self = Self {
        rects: [QueueRect {
            apm: ApidMask::EMPTY,
            aqm: ApqiMask::EMPTY,
        }; RESET_RECTS],
    };

    /// The plan of exactly these rectangles (empty ones are ignored).
    pub const fn new(rects: [QueueRect; RESET_RECTS]) -> Self {
        Self { rects }
    }

    /// A plan of one rectangle.
    pub fn of(rect: QueueRect) -> Self {
        Self::new([rect, QueueRect::default(), QueueRect::default()])
    }

    /// Whether there is nothing to reset.
    pub fn is_empty(&self) -> bool {
        self.rects.iter().all(QueueRect::is_empty)
    }

    /// Whether the plan resets `apqn`.
    pub fn contains(&self, apqn: Apqn) -> bool {
        self.rects.iter().any(|r| r.contains(apqn))
    }

    /// The queues to reset, each once, rectangle by rectangle (a queue in
    /// two rectangles is listed with the first).
    pub fn queues(&self) -> impl Iterator<Item = Apqn> + '_ {
        self.rects
            .iter()
            .enumerate()
            .flat_map(move |(index, rect)| {
                let earlier = self.rects.get(..index).unwrap_or_default();
                rect.queues()
                    .filter(move |apqn| !earlier.iter().any(|r| r.contains(*apqn)))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Apqi;
    use std::boxed::Box;
    use std::vec::Vec;

    fn apqn(apid: u8, apqi: u8) -> Apqn {
        Apqn::new(Apid::new(apid), Apqi::new(apqi))
    }

    fn apm(ids: &[u8]) -> ApidMask {
        ids.iter().map(|n| Apid::new(*n)).collect()
    }

    fn aqm(ids: &[u8]) -> ApqiMask {
        ids.iter().map(|n| Apqi::new(*n)).collect()
    }

    fn table(usable: &[(u8, u8)]) -> Box<QueueTable> {
        let mut t = Box::new([ApqiMask::EMPTY; AP_DEVICES]);
        for (a, d) in usable {
            set_usable(&mut t[..], apqn(*a, *d), true);
        }
        t
    }

    #[test]
    fn filter_tables() {
        let mut rows = std::vec![ApqiMask::EMPTY; AP_DEVICES];
        assert_eq!(crate::cases::check_filter(&mut rows), Ok(()));
    }

    #[test]
    fn adapters_of_unknown_or_old_types_are_not_supported() {
        let tapq = |q: Apqn| match q.apid().get() {
            4 => (0x00, 13),                                          // CEX7
            5 => (0x00, 9),                                           // older than CEX4
            6 => (0x01, 0),                                           // not available: unknown type
            7 => (0x03, 11),                                          // deconfigured, type known
            _ => (if q.apqi().get() == 2 { 0x08 } else { 0x00 }, 12), // one bad answer
        };
        let got = supported_adapters(&apm(&[4, 5, 6, 7, 8]), &aqm(&[1, 2]), tapq);
        assert_eq!(got, apm(&[4, 7]));
        // Without domains no queue is asked and every adapter stays.
        assert_eq!(
            supported_adapters(&apm(&[5]), &ApqiMask::EMPTY, tapq),
            apm(&[5])
        );
    }

    #[test]
    fn reset_plans_list_each_queue_once() {
        assert!(ResetPlan::NONE.is_empty());
        let plan = ResetPlan::new([
            QueueRect::new(apm(&[4]), aqm(&[1, 2])),
            QueueRect::new(apm(&[5]), ApqiMask::EMPTY),
            QueueRect::queue(apqn(6, 9)),
        ]);
        let q: Vec<Apqn> = plan.queues().collect();
        assert_eq!(q, [apqn(4, 1), apqn(4, 2), apqn(6, 9)]);
        assert!(plan.contains(apqn(6, 9)));
        assert!(!plan.contains(apqn(5, 1)));
        // Overlapping rectangles still list each queue once.
        let overlap = ResetPlan::new([
            QueueRect::new(apm(&[4, 5]), aqm(&[1])),
            QueueRect::new(apm(&[5]), aqm(&[1, 2])),
            QueueRect::new(apm(&[4, 5]), aqm(&[1, 2])),
        ]);
        let q: Vec<Apqn> = overlap.queues().collect();
        assert_eq!(q, [apqn(4, 1), apqn(5, 1), apqn(5, 2), apqn(4, 2)]);
    }

    #[test]
    fn a_plan_is_exactly_its_rectangles() {
        // The old plan widened to the union's bounding rectangle when full:
        // 0.0 and 1.1 made 0.1 and 1.0 part of it, though another guest may
        // own them. Exactness by construction: no queue outside the given
        // rectangles.
        let plan = ResetPlan::new([
            QueueRect::queue(apqn(0, 0)),
            QueueRect::queue(apqn(1, 1)),
            QueueRect::queue(apqn(2, 2)),
        ]);
        for a in 0..3u8 {
            for d in 0..3u8 {
                assert_eq!(plan.contains(apqn(a, d)), a == d, "{a}.{d}");
            }
        }
        assert_eq!(plan.queues().count(), 3);
    }

    #[test]
    fn set_usable_reports_changes() {
        let mut t = table(&[]);
        assert!(set_usable(&mut t[..], apqn(3, 4), true));
        assert!(!set_usable(&mut t[..], apqn(3, 4), true));
        assert!(t[..].is_usable(apqn(3, 4)));
        assert!(set_usable(&mut t[..], apqn(3, 4), false));
        assert!(!t[..].is_usable(apqn(3, 4)));
        // A short table has no rows to set or read beyond its end.
        let mut short = [ApqiMask::EMPTY; 2];
        assert!(!set_usable(&mut short, apqn(9, 1), true));
        assert!(short[..].usable_domains(Apid::new(9)).is_empty());
    }
}
