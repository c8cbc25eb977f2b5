// SPDX-License-Identifier: GPL-2.0

//! The matrix core (`MdevMatrix` and the filter) against a literal reference
//! model of Linux 7.3's vfio_ap (`tests/reference/mod.rs`).
//!
//! - `seed_example_*`: the worked example of the v11 hot plug patch.
//! - Table tests, one or more per event.
//! - `model_random_sequences`: random event sequences on 2-3 mdevs sharing
//!   one host configuration and one set of bound queues, driven through the
//!   core and the reference; after every step the shadows, commit flags,
//!   reset sets and errors must be identical and the invariants must hold.
//!
//! Environment:
//! - `VFIO_AP_MODEL_CASES=N`: number of random sequences (default 10,000).
//!   Long mode, for release builds:
//!   `VFIO_AP_MODEL_CASES=1000000 cargo test --release --test model`.
//! - `VFIO_AP_MODEL_SEED=N`: a fixed seed instead of a random one.
//!
//! A failure prints the shrunk sequence of events that shows it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::arithmetic_side_effects,
    missing_docs
)]

#[allow(dead_code, unreachable_pub)]
mod reference;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use reference::{rc_passable, Outcome, QTable, RefMdev, RefQueue, RefWorld};
use vfio_ap_matrix::ap_matrix::{HostConfig, Matrix};
use vfio_ap_matrix::errno::Error;
use vfio_ap_matrix::filter::{set_usable, QueueTable};
use vfio_ap_matrix::format::{matrix_show, SysfsBuf, PAGE_SIZE};
use vfio_ap_matrix::ids::{Apid, Apqi, Apqn, AP_DEVICES};
use vfio_ap_matrix::mask::{ApidMask, ApqiMask, Mask, MaskId};
use vfio_ap_matrix::mdev::{unowned_queue_unbound, Env, MdevMatrix, Update};
use vfio_ap_matrix::validate::validate_masks;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn q(apid: u8, apqi: u8) -> Apqn {
    Apqn::new(Apid::new(apid), Apqi::new(apqi))
}

fn apm(ids: &[u8]) -> ApidMask {
    ids.iter().map(|n| Apid::new(*n)).collect()
}

fn aqm(ids: &[u8]) -> ApqiMask {
    ids.iter().map(|n| Apqi::new(*n)).collect()
}

fn matrix(apids: &[u8], apqis: &[u8], cdoms: &[u8]) -> Matrix {
    Matrix {
        apm: apm(apids),
        aqm: aqm(apqis),
        adm: aqm(cdoms),
    }
}

fn queues(list: &[(u8, u8)]) -> BTreeSet<Apqn> {
    list.iter().map(|(a, d)| q(*a, *d)).collect()
}

fn ids<I: MaskId>(mask: &Mask<I>) -> String {
    let v: Vec<String> = mask.iter().map(|i| format!("{:02x}", i.number())).collect();
    format!("{{{}}}", v.join(","))
}

fn show_matrix(m: &Matrix) -> String {
    format!("apm{} aqm{} adm{}", ids(&m.apm), ids(&m.aqm), ids(&m.adm))
}

fn show_apqn(apqn: Apqn) -> String {
    format!("{:02x}.{:04x}", apqn.apid().get(), apqn.apqi().get())
}

fn show_set(set: &BTreeSet<Apqn>) -> String {
    let v: Vec<String> = set.iter().map(|q| show_apqn(*q)).collect();
    format!("[{}]", v.join(" "))
}

/// `guest_matrix` (or `matrix`) text of a shadow with the given maxima.
fn guest_matrix_text(shadow: &Matrix, apm_max: u64, aqm_max: u64) -> String {
    let mut page = vec![0u8; PAGE_SIZE];
    let mut out = SysfsBuf::new(&mut page);
    matrix_show(
        &mut out,
        &shadow.apm,
        &shadow.aqm,
        Apid::new(u8::try_from(apm_max).unwrap()),
        Apqi::new(u8::try_from(aqm_max).unwrap()),
    );
    String::from_utf8(out.as_bytes().to_vec()).unwrap()
}

fn core_guest_matrix(md: &MdevMatrix) -> String {
    let max = md.maxima();
    guest_matrix_text(
        md.shadow(),
        u64::from(max.apid.get()),
        u64::from(max.apqi.get()),
    )
}

fn ref_guest_matrix(md: &RefMdev) -> String {
    guest_matrix_text(&md.shadow, md.apm_max, md.aqm_max)
}

/// APQNs reserved for the default drivers (apmask/aqmask).
#[derive(Clone, Default, Debug)]
struct Reserved(BTreeSet<Apqn>);

impl Reserved {
    fn hits(&self, apm: &ApidMask, aqm: &ApqiMask) -> bool {
        self.0
            .iter()
            .any(|q| apm.contains(q.apid()) && aqm.contains(q.apqi()))
    }
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Adapter,
    Domain,
    Control,
}

/// One event, as the driver sees it.
#[derive(Clone, Debug)]
enum Ev {
    Assign(Kind, usize, u64),
    Unassign(Kind, usize, u64),
    ApConfig(usize, Matrix),
    Bind(Apqn),
    Unbind(Apqn),
    SetRc(Apqn, u8),
    /// First phase of a host configuration change: the new configuration.
    ConfigChanged(Matrix),
    ScanComplete,
    Detach(usize),
}

impl fmt::Display for Ev {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = |k: &Kind| match k {
            Kind::Adapter => "adapter",
            Kind::Domain => "domain",
            Kind::Control => "control_domain",
        };
        match self {
            Ev::Assign(k, m, raw) => write!(f, "mdev{m}: assign_{} {raw:#x}", kind(k)),
            Ev::Unassign(k, m, raw) => write!(f, "mdev{m}: unassign_{} {raw:#x}", kind(k)),
            Ev::ApConfig(m, new) => write!(f, "mdev{m}: ap_config {}", show_matrix(new)),
            Ev::Bind(apqn) => write!(f, "bind {}", show_apqn(*apqn)),
            Ev::Unbind(apqn) => write!(f, "unbind {}", show_apqn(*apqn)),
            Ev::SetRc(apqn, rc) => write!(f, "reset rc {rc:#04x} on {}", show_apqn(*apqn)),
            Ev::ConfigChanged(new) => write!(f, "host config -> {}", show_matrix(new)),
            Ev::ScanComplete => write!(f, "scan complete"),
            Ev::Detach(m) => write!(f, "mdev{m}: guest detached"),
        }
    }
}

fn show_outcome(o: &Outcome) -> String {
    let resets: Vec<String> = o.resets.iter().map(show_set).collect();
    format!(
        "result {:?}, commit {:?}, resets {}",
        o.result,
        o.commit,
        resets.join(" ")
    )
}

// ---------------------------------------------------------------------------
// The core, driven as the kernel glue would
// ---------------------------------------------------------------------------

struct CoreWorld {
    /// The host configuration as the driver knows it.
    host: Matrix,
    /// Usable queues (bound and passable), one row per adapter.
    table: Box<QueueTable>,
    /// Bound queues and their last reset response code.
    rc: BTreeMap<Apqn, u8>,
    mdevs: Vec<MdevMatrix>,
}

impl CoreWorld {
    fn new(cfg: &HostConfig, n: usize) -> Self {
        Self {
            host: cfg.matrix,
            table: Box::new([ApqiMask::EMPTY; AP_DEVICES]),
            rc: BTreeMap::new(),
            mdevs: (0..n).map(|_| MdevMatrix::new(cfg)).collect(),
        }
    }

    /// The mdev that has `apqn` assigned.
    fn owner(&self, apqn: Apqn) -> Option<usize> {
        self.mdevs
            .iter()
            .position(|md| md.assigned().has_queue(apqn))
    }

    /// The queues linked to mdev `m`: assigned to it and bound.
    fn linked(&self, m: usize) -> BTreeSet<Apqn> {
        self.rc
            .keys()
            .copied()
            .filter(|q| self.mdevs[m].assigned().has_queue(*q))
            .collect()
    }

    fn apply(&mut self, ev: &Ev, reserved: &Reserved) -> Result<Outcome, String> {
        let n = self.mdevs.len();
        let linked_before: Vec<BTreeSet<Apqn>> = (0..n).map(|m| self.linked(m)).collect();
        let shadows_before: Vec<Matrix> = self.mdevs.iter().map(|md| *md.shadow()).collect();
        let mut out = Outcome::new(n);
        let mut updates: Vec<(usize, Update)> = Vec::new();
        let mut unowned_plan = None;

        let others = |m: usize, mdevs: &[MdevMatrix]| -> Vec<Matrix> {
            (0..n)
                .filter(|i| *i != m)
                .map(|i| *mdevs[i].assigned())
                .collect()
        };

        match ev {
            Ev::Assign(kind, m, raw) => {
                let m = *m;
                let others = others(m, &self.mdevs);
                let env = Env {
                    host: &self.host,
                    queues: &self.table[..],
                };
                let validate = |c: &Matrix| {
                    validate_masks(c, |apm, aqm| reserved.hits(apm, aqm), &others, |_, _| {})
                };
                let r = match kind {
                    Kind::Adapter => self.mdevs[m].assign_adapter(*raw, &env, validate),
                    Kind::Domain => self.mdevs[m].assign_domain(*raw, &env, validate),
                    Kind::Control => self.mdevs[m].assign_control_domain(*raw, &env),
                };
                match r {
                    Ok(u) => updates.push((m, u)),
                    Err(e) => out.result = Err(e),
                }
            }
            Ev::Unassign(kind, m, raw) => {
                let m = *m;
                let env = Env {
                    host: &self.host,
                    queues: &self.table[..],
                };
                let r = match kind {
                    Kind::Adapter => self.mdevs[m].unassign_adapter(*raw, &env),
                    Kind::Domain => self.mdevs[m].unassign_domain(*raw, &env),
                    Kind::Control => self.mdevs[m].unassign_control_domain(*raw, &env),
                };
                match r {
                    Ok(u) => updates.push((m, u)),
                    Err(e) => out.result = Err(e),
                }
            }
            Ev::ApConfig(m, new) => {
                let m = *m;
                let others = others(m, &self.mdevs);
                let env = Env {
                    host: &self.host,
                    queues: &self.table[..],
                };
                let validate = |c: &Matrix| {
                    validate_masks(c, |apm, aqm| reserved.hits(apm, aqm), &others, |_, _| {})
                };
                match self.mdevs[m].set_ap_config(new, &env, validate) {
                    Ok(u) => updates.push((m, u)),
                    Err(e) => out.result = Err(e),
                }
            }
            Ev::Bind(apqn) => {
                if self.rc.insert(*apqn, 0).is_some() {
                    return Err(format!("{} bound twice", show_apqn(*apqn)));
                }
                set_usable(&mut self.table[..], *apqn, true);
                if let Some(m) = self.owner(*apqn) {
                    let env = Env {
                        host: &self.host,
                        queues: &self.table[..],
                    };
                    updates.push((m, self.mdevs[m].queue_usable(*apqn, &env)));
                }
            }
            Ev::Unbind(apqn) => {
                if self.rc.remove(apqn).is_none() {
                    return Err(format!("{} was not bound", show_apqn(*apqn)));
                }
                set_usable(&mut self.table[..], *apqn, false);
                let env = Env {
                    host: &self.host,
                    queues: &self.table[..],
                };
                match self.owner(*apqn) {
                    Some(m) => updates.push((m, self.mdevs[m].queue_unbound(*apqn, &env))),
                    None => unowned_plan = Some(unowned_queue_unbound(*apqn, &self.host)),
                }
            }
            Ev::SetRc(apqn, rc) => {
                let old = self.rc.insert(*apqn, *rc).expect("rc of a bound queue");
                let (was, now) = (rc_passable(old), rc_passable(*rc));
                if was != now {
                    set_usable(&mut self.table[..], *apqn, now);
                    if let Some(m) = self.owner(*apqn) {
                        let env = Env {
                            host: &self.host,
                            queues: &self.table[..],
                        };
                        let u = if now {
                            self.mdevs[m].queue_usable(*apqn, &env)
                        } else {
                            self.mdevs[m].queue_unusable(*apqn, &env)
                        };
                        updates.push((m, u));
                    }
                }
            }
            Ev::ConfigChanged(new) => {
                let removed = self.host.and_not(new);
                let added = new.and_not(&self.host);
                self.host = *new;
                let env = Env {
                    host: &self.host,
                    queues: &self.table[..],
                };
                for (m, md) in self.mdevs.iter_mut().enumerate() {
                    updates.push((m, md.host_config_changed(&removed, &added, &env)));
                }
            }
            Ev::ScanComplete => {
                let env = Env {
                    host: &self.host,
                    queues: &self.table[..],
                };
                for (m, md) in self.mdevs.iter_mut().enumerate() {
                    updates.push((m, md.scan_complete(&env)));
                }
            }
            Ev::Detach(m) => {
                let plan = self.mdevs[*m].guest_detached();
                updates.push((
                    *m,
                    Update {
                        commit: false,
                        reset: plan,
                    },
                ));
            }
        }

        let linked_after: Vec<BTreeSet<Apqn>> = (0..n).map(|m| self.linked(m)).collect();
        for (m, u) in updates {
            let changed = *self.mdevs[m].shadow() != shadows_before[m];
            if u.commit != changed {
                return Err(format!(
                    "core mdev{m}: commit flag {} but the shadow {} ({} -> {})",
                    u.commit,
                    if changed { "changed" } else { "did not change" },
                    show_matrix(&shadows_before[m]),
                    show_matrix(self.mdevs[m].shadow())
                ));
            }
            out.commit[m] = u.commit;
            let listed: Vec<Apqn> = u.reset.queues().collect();
            let distinct: BTreeSet<Apqn> = listed.iter().copied().collect();
            if distinct.len() != listed.len() {
                return Err(format!(
                    "core mdev{m}: reset plan {:?} lists a queue twice",
                    u.reset
                ));
            }
            out.resets[m] = distinct
                .into_iter()
                .filter(|q| linked_before[m].contains(q) || linked_after[m].contains(q))
                .collect();
        }
        for (m, md) in self.mdevs.iter().enumerate() {
            if out.commit[m] != (*md.shadow() != shadows_before[m]) {
                return Err(format!("core mdev{m}: shadow changed without an update"));
            }
        }
        if let Some(plan) = unowned_plan {
            out.resets[n] = plan.queues().collect();
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------
// Both worlds in lock step, with the invariants
// ---------------------------------------------------------------------------

struct Sim {
    core: CoreWorld,
    rf: RefWorld,
    reserved: Reserved,
    /// A host configuration change is between its two phases.
    window: bool,
    trace: Vec<String>,
}

impl Sim {
    fn new(cfg: &HostConfig, n: usize, bound: &[Apqn]) -> Self {
        let mut core = CoreWorld::new(cfg, n);
        let mut rf = RefWorld::new(cfg.matrix, cfg.apxa, cfg.na, cfg.nd, n);
        for apqn in bound {
            core.rc.insert(*apqn, 0);
            set_usable(&mut core.table[..], *apqn, true);
            rf.bound.insert(*apqn, 0);
        }
        let mut trace = vec![format!(
            "host {} apxa {} na {:#x} nd {:#x}, {n} mdevs",
            show_matrix(&cfg.matrix),
            cfg.apxa,
            cfg.na,
            cfg.nd
        )];
        let b: BTreeSet<Apqn> = bound.iter().copied().collect();
        trace.push(format!("bound {}", show_set(&b)));
        Self {
            core,
            rf,
            reserved: Reserved::default(),
            window: false,
            trace,
        }
    }

    fn fail(&self, msg: String) -> String {
        format!("{msg}\nsequence:\n  {}", self.trace.join("\n  "))
    }

    fn reserve(&mut self, apqn: Apqn, on: bool) {
        if on {
            self.reserved.0.insert(apqn);
        } else {
            self.reserved.0.remove(&apqn);
        }
        let verb = if on { "reserve" } else { "unreserve" };
        self.trace.push(format!("{verb} {}", show_apqn(apqn)));
    }

    fn try_step(&mut self, ev: &Ev) -> Result<Outcome, String> {
        let core_out = self.core.apply(ev, &self.reserved);
        let reserved = self.reserved.clone();
        let hits = move |a: &ApidMask, d: &ApqiMask| reserved.hits(a, d);
        let ref_out = match ev {
            Ev::Assign(Kind::Adapter, m, raw) => self.rf.assign_adapter(*m, *raw, &hits),
            Ev::Assign(Kind::Domain, m, raw) => self.rf.assign_domain(*m, *raw, &hits),
            Ev::Assign(Kind::Control, m, raw) => self.rf.assign_control_domain(*m, *raw),
            Ev::Unassign(Kind::Adapter, m, raw) => self.rf.unassign_adapter(*m, *raw),
            Ev::Unassign(Kind::Domain, m, raw) => self.rf.unassign_domain(*m, *raw),
            Ev::Unassign(Kind::Control, m, raw) => self.rf.unassign_control_domain(*m, *raw),
            Ev::ApConfig(m, new) => self.rf.ap_config(*m, new, &hits),
            Ev::Bind(apqn) => self.rf.bind(*apqn),
            Ev::Unbind(apqn) => self.rf.unbind(*apqn),
            Ev::SetRc(apqn, rc) => self.rf.set_rc(*apqn, *rc),
            Ev::ConfigChanged(new) => self.rf.config_changed(new),
            Ev::ScanComplete => self.rf.scan_complete(),
            Ev::Detach(m) => self.rf.guest_detached(*m),
        };
        match ev {
            Ev::ConfigChanged(_) => self.window = true,
            Ev::ScanComplete => self.window = false,
            _ => {}
        }
        self.trace.push(ev.to_string());
        let core_out = core_out.map_err(|e| self.fail(e))?;
        if core_out != ref_out {
            return Err(self.fail(format!(
                "outcomes differ\n  core:      {}\n  reference: {}",
                show_outcome(&core_out),
                show_outcome(&ref_out)
            )));
        }
        self.check().map_err(|e| self.fail(e))?;
        Ok(core_out)
    }

    fn step(&mut self, ev: Ev) -> Outcome {
        match self.try_step(&ev) {
            Ok(out) => out,
            Err(e) => panic!("{e}"),
        }
    }

    fn check(&self) -> Result<(), String> {
        let (core, rf) = (&self.core, &self.rf);
        if core.host != rf.host || core.rc != rf.bound {
            return Err("host configuration or bound queues differ".into());
        }
        let mut want = [ApqiMask::EMPTY; AP_DEVICES];
        for (apqn, rc) in &core.rc {
            if rc_passable(*rc) {
                want[apqn.apid().index()].insert(apqn.apqi());
            }
        }
        if want != *core.table {
            return Err("harness: usable rows out of step with the bound queues".into());
        }
        rf.check_links()?;
        for (m, (md, rm)) in core.mdevs.iter().zip(&rf.mdevs).enumerate() {
            if *md.assigned() != rm.assigned {
                return Err(format!(
                    "mdev{m}: assigned differ: core {} reference {}",
                    show_matrix(md.assigned()),
                    show_matrix(&rm.assigned)
                ));
            }
            if *md.shadow() != rm.shadow {
                return Err(format!(
                    "mdev{m}: shadows differ\n  core:      {}\n  reference: {}",
                    show_matrix(md.shadow()),
                    show_matrix(&rm.shadow)
                ));
            }
            if md.has_pending_additions() != rm.has_pending_additions() {
                return Err(format!("mdev{m}: pending additions differ"));
            }
            let shadow = md.shadow();
            // The guest only ever gets queues that are its own, configured,
            // bound and passable.
            for apqn in shadow.queues() {
                if !md.assigned().has_queue(apqn) {
                    return Err(format!("mdev{m}: guest has unassigned {}", show_apqn(apqn)));
                }
                if !core.host.has_queue(apqn) {
                    return Err(format!(
                        "mdev{m}: guest has unconfigured {}",
                        show_apqn(apqn)
                    ));
                }
                match core.rc.get(&apqn) {
                    None => return Err(format!("mdev{m}: guest has unbound {}", show_apqn(apqn))),
                    Some(rc) if !rc_passable(*rc) => {
                        return Err(format!("mdev{m}: guest has unpassable {}", show_apqn(apqn)))
                    }
                    Some(_) => {}
                }
            }
            if !shadow
                .adm
                .is_subset_of(&md.assigned().adm.and(core.host.adm))
            {
                return Err(format!("mdev{m}: guest has a foreign control domain"));
            }
            // Outside a host configuration change, the shadow is the filter
            // from scratch.
            if !self.window {
                let qt = QTable::from_queues(
                    core.rc
                        .iter()
                        .filter(|(apqn, _)| md.assigned().has_queue(**apqn))
                        .map(|(apqn, rc)| RefQueue {
                            apqn: *apqn,
                            rc: *rc,
                        }),
                );
                let (apm, aqm, _) =
                    reference::filter_matrix(md.assigned(), &core.host, &qt, &ApidMask::EMPTY);
                let want = Matrix {
                    apm,
                    aqm,
                    adm: reference::filter_cdoms(md.assigned(), &core.host),
                };
                if *shadow != want {
                    return Err(format!(
                        "mdev{m}: shadow {} is not the filter from scratch {}",
                        show_matrix(shadow),
                        show_matrix(&want)
                    ));
                }
            }
        }
        // No queue is assigned to two mdevs.
        for a in 0..core.mdevs.len() {
            for b in a + 1..core.mdevs.len() {
                let (x, y) = (core.mdevs[a].assigned(), core.mdevs[b].assigned());
                if x.apm.intersects(&y.apm) && x.aqm.intersects(&y.aqm) {
                    return Err(format!("mdev{a} and mdev{b} share queues"));
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// The seed's worked example
// ---------------------------------------------------------------------------

/// Host with APXA, adapters 04 and 05, domains 0004, 0047 and 0054.
fn seed_host() -> HostConfig {
    HostConfig {
        matrix: matrix(&[0x04, 0x05], &[0x04, 0x47, 0x54], &[]),
        apxa: true,
        na: 0xff,
        nd: 0x54,
    }
}

fn seed_bound() -> Vec<Apqn> {
    // The seed's "05.0005" is a typo for 05.0004.
    vec![
        q(0x04, 0x04),
        q(0x04, 0x47),
        q(0x04, 0x54),
        q(0x05, 0x04),
        q(0x05, 0x47),
    ]
}

fn assert_guest(sim: &Sim, text: &str) {
    assert_eq!(core_guest_matrix(&sim.core.mdevs[0]), text, "core");
    assert_eq!(ref_guest_matrix(&sim.rf.mdevs[0]), text, "reference");
}

#[test]
fn seed_example() {
    let mut sim = Sim::new(&seed_host(), 1, &seed_bound());

    // Adapters and domains assigned to the mdev: 04, 05 x 0004, 0047, 0054.
    sim.step(Ev::Assign(Kind::Adapter, 0, 0x04));
    assert_guest(&sim, "04.\n");
    sim.step(Ev::Assign(Kind::Adapter, 0, 0x05));
    assert_guest(&sim, "04.\n05.\n");
    sim.step(Ev::Assign(Kind::Domain, 0, 0x04));
    assert_guest(&sim, "04.0004\n05.0004\n");
    sim.step(Ev::Assign(Kind::Domain, 0, 0x47));
    assert_guest(&sim, "04.0004\n04.0047\n05.0004\n05.0047\n");
    let out = sim.step(Ev::Assign(Kind::Domain, 0, 0x54));
    // "Adapter 05 is filtered because queue 05.0054 is not bound." It was
    // plugged in, so its queues are reset.
    assert_guest(&sim, "04.0004\n04.0047\n04.0054\n");
    assert!(out.commit[0]);
    assert_eq!(out.resets[0], queues(&[(0x05, 0x04), (0x05, 0x47)]));
    let shown = {
        let md = &sim.core.mdevs[0];
        let max = md.maxima();
        guest_matrix_text(
            md.assigned(),
            u64::from(max.apid.get()),
            u64::from(max.apqi.get()),
        )
    };
    assert_eq!(
        shown,
        "04.0004\n04.0047\n04.0054\n05.0004\n05.0047\n05.0054\n"
    );

    // The KVM guest starts with that matrix: attaching changes nothing.

    // "KVM guest matrix after queue 05.0054 is bound to the vfio_ap driver".
    let out = sim.step(Ev::Bind(q(0x05, 0x54)));
    assert!(out.commit[0]);
    assert!(out.resets[0].is_empty());
    assert_guest(
        &sim,
        "04.0004\n04.0047\n04.0054\n05.0004\n05.0047\n05.0054\n",
    );

    // "KVM guest matrix after queue 04.0004 is unbound": adapter 04 goes, and
    // its queues the guest had are reset, the unbound one included.
    let out = sim.step(Ev::Unbind(q(0x04, 0x04)));
    assert!(out.commit[0]);
    assert_eq!(
        out.resets[0],
        queues(&[(0x04, 0x04), (0x04, 0x47), (0x04, 0x54)])
    );
    assert_guest(&sim, "05.0004\n05.0047\n05.0054\n");

    // Binding it again brings adapter 04 back.
    let out = sim.step(Ev::Bind(q(0x04, 0x04)));
    assert!(out.commit[0]);
    assert_guest(
        &sim,
        "04.0004\n04.0047\n04.0054\n05.0004\n05.0047\n05.0054\n",
    );
}

#[test]
fn seed_example_bound_first_or_assigned_first_agree() {
    // Assign everything first, then bind the queues one by one: the guest
    // gets each adapter when its last queue is bound.
    let mut sim = Sim::new(&seed_host(), 1, &[]);
    sim.step(Ev::ApConfig(
        0,
        matrix(&[0x04, 0x05], &[0x04, 0x47, 0x54], &[]),
    ));
    // 7.3 never clears the domains for want of adapters.
    assert_guest(&sim, ".0004\n.0047\n.0054\n");
    let mut seen = Vec::new();
    for apqn in seed_bound() {
        sim.step(Ev::Bind(apqn));
        seen.push(core_guest_matrix(&sim.core.mdevs[0]));
    }
    assert_eq!(
        seen,
        [
            ".0004\n.0047\n.0054\n",
            ".0004\n.0047\n.0054\n",
            "04.0004\n04.0047\n04.0054\n",
            "04.0004\n04.0047\n04.0054\n",
            "04.0004\n04.0047\n04.0054\n",
        ]
    );
    sim.step(Ev::Bind(q(0x05, 0x54)));
    assert_guest(
        &sim,
        "04.0004\n04.0047\n04.0054\n05.0004\n05.0047\n05.0054\n",
    );
}

// ---------------------------------------------------------------------------
// Table tests
// ---------------------------------------------------------------------------

fn host_without_apxa(m: Matrix) -> HostConfig {
    HostConfig {
        matrix: m,
        apxa: false,
        na: 0,
        nd: 0,
    }
}

/// Host adapters 1-3, domains 1-3, control domains 1-3, every queue bound.
fn small_sim(n: usize) -> Sim {
    let host = host_without_apxa(matrix(&[1, 2, 3], &[1, 2, 3], &[1, 2, 3]));
    let bound: Vec<Apqn> = (1..=3)
        .flat_map(|a| (1..=3).map(move |d| q(a, d)))
        .collect();
    Sim::new(&host, n, &bound)
}

#[test]
fn ids_beyond_the_frozen_maxima_are_enodev() {
    // Without APXA: 63 / 15 / 15.
    let mut sim = Sim::new(&host_without_apxa(Matrix::EMPTY), 1, &[]);
    for (kind, max) in [(Kind::Adapter, 63), (Kind::Domain, 15), (Kind::Control, 15)] {
        for raw in [max + 1, 255, 256, u64::MAX] {
            let out = sim.step(Ev::Assign(kind, 0, raw));
            assert_eq!(out.result, Err(Error::NoDev), "{kind:?} {raw}");
            let out = sim.step(Ev::Unassign(kind, 0, raw));
            assert_eq!(out.result, Err(Error::NoDev), "{kind:?} {raw}");
        }
        assert_eq!(sim.step(Ev::Assign(kind, 0, max)).result, Ok(()));
        assert_eq!(sim.step(Ev::Assign(kind, 0, 0)).result, Ok(()));
    }
    assert_eq!(
        *sim.core.mdevs[0].assigned(),
        matrix(&[0, 63], &[0, 15], &[0, 15])
    );

    // With APXA the maxima are na / nd / nd, frozen at creation.
    let cfg = HostConfig {
        matrix: Matrix::EMPTY,
        apxa: true,
        na: 200,
        nd: 0x54,
    };
    let mut sim = Sim::new(&cfg, 1, &[]);
    assert_eq!(sim.step(Ev::Assign(Kind::Adapter, 0, 200)).result, Ok(()));
    assert_eq!(
        sim.step(Ev::Assign(Kind::Adapter, 0, 201)).result,
        Err(Error::NoDev)
    );
    assert_eq!(sim.step(Ev::Assign(Kind::Domain, 0, 0x54)).result, Ok(()));
    assert_eq!(
        sim.step(Ev::Assign(Kind::Domain, 0, 0x55)).result,
        Err(Error::NoDev)
    );
    assert_eq!(
        sim.step(Ev::Assign(Kind::Control, 0, 0x55)).result,
        Err(Error::NoDev)
    );
    // A host change does not move them.
    sim.step(Ev::ConfigChanged(matrix(&[1], &[1], &[])));
    sim.step(Ev::ScanComplete);
    assert_eq!(
        sim.step(Ev::Assign(Kind::Adapter, 0, 201)).result,
        Err(Error::NoDev)
    );

    let cfg = HostConfig {
        matrix: Matrix::EMPTY,
        apxa: true,
        na: 255,
        nd: 255,
    };
    let mut sim = Sim::new(&cfg, 1, &[]);
    assert_eq!(sim.step(Ev::Assign(Kind::Domain, 0, 255)).result, Ok(()));
    assert_eq!(
        sim.step(Ev::Assign(Kind::Domain, 0, 256)).result,
        Err(Error::NoDev)
    );
}

#[test]
fn assigning_what_is_assigned_is_a_no_op_without_validation() {
    let mut sim = small_sim(1);
    sim.step(Ev::Assign(Kind::Adapter, 0, 1));
    sim.step(Ev::Assign(Kind::Domain, 0, 1));
    let before = *sim.core.mdevs[0].shadow();
    // 01.0001 becomes reserved: assigning it again still succeeds...
    sim.reserve(q(1, 1), true);
    let out = sim.step(Ev::Assign(Kind::Adapter, 0, 1));
    assert_eq!(out, Outcome::new(1));
    let out = sim.step(Ev::Assign(Kind::Domain, 0, 1));
    assert_eq!(out, Outcome::new(1));
    // ...but any new assignment validates the whole matrix.
    let out = sim.step(Ev::Assign(Kind::Adapter, 0, 2));
    assert_eq!(out.result, Err(Error::AddrNotAvail));
    assert_eq!(*sim.core.mdevs[0].shadow(), before);
    // Unassigning what is not assigned does nothing.
    for kind in [Kind::Adapter, Kind::Domain, Kind::Control] {
        assert_eq!(sim.step(Ev::Unassign(kind, 0, 3)), Outcome::new(1));
    }
    sim.step(Ev::Assign(Kind::Control, 0, 2));
    assert_eq!(sim.step(Ev::Assign(Kind::Control, 0, 2)), Outcome::new(1));
}

#[test]
fn validation_failure_leaves_the_mdev_unchanged() {
    let mut sim = small_sim(2);
    sim.step(Ev::ApConfig(0, matrix(&[1], &[1], &[])));
    sim.step(Ev::Assign(Kind::Adapter, 1, 1));
    let snapshot = (*sim.core.mdevs[1].assigned(), *sim.core.mdevs[1].shadow());

    // 01.0001 belongs to mdev0.
    let out = sim.step(Ev::Assign(Kind::Domain, 1, 1));
    assert_eq!(out.result, Err(Error::AddrInUse));
    assert_eq!(
        (*sim.core.mdevs[1].assigned(), *sim.core.mdevs[1].shadow()),
        snapshot
    );

    // Reservation is checked before sharing.
    sim.reserve(q(1, 1), true);
    let out = sim.step(Ev::Assign(Kind::Domain, 1, 1));
    assert_eq!(out.result, Err(Error::AddrNotAvail));
    sim.reserve(q(1, 1), false);

    // An adapter without domains shares nothing.
    sim.step(Ev::Assign(Kind::Domain, 1, 2));
    assert_eq!(
        *sim.core.mdevs[1].shadow(),
        matrix(&[1], &[2], &[]),
        "mdev1 has 01.0002"
    );

    // Control domains are neither shared nor reserved.
    sim.step(Ev::Assign(Kind::Control, 0, 3));
    let out = sim.step(Ev::Assign(Kind::Control, 1, 3));
    assert_eq!(out.result, Ok(()));
    assert!(out.commit[1]);
}

#[test]
fn ap_config_is_all_or_nothing_and_validates_before_the_range() {
    let mut sim = small_sim(2);
    sim.step(Ev::ApConfig(0, matrix(&[1], &[1], &[1])));
    sim.step(Ev::ApConfig(1, matrix(&[2], &[2], &[])));
    let snapshot = (*sim.core.mdevs[1].assigned(), *sim.core.mdevs[1].shadow());

    // Shares 01.0001 and has adapter 64 beyond the maximum: sharing wins.
    let bad = matrix(&[1, 2, 64], &[1, 2], &[]);
    assert_eq!(sim.step(Ev::ApConfig(1, bad)).result, Err(Error::AddrInUse));
    // Reserved and beyond: reservation wins.
    sim.reserve(q(2, 2), true);
    let bad = matrix(&[2], &[2, 16], &[]);
    assert_eq!(
        sim.step(Ev::ApConfig(1, bad)).result,
        Err(Error::AddrNotAvail)
    );
    sim.reserve(q(2, 2), false);
    // Only beyond the maximum (a control domain): -ENODEV.
    let bad = matrix(&[2, 3], &[2, 3], &[16]);
    assert_eq!(sim.step(Ev::ApConfig(1, bad)).result, Err(Error::NoDev));
    assert_eq!(
        (*sim.core.mdevs[1].assigned(), *sim.core.mdevs[1].shadow()),
        snapshot
    );

    // The same matrix again is accepted and changes nothing.
    let out = sim.step(Ev::ApConfig(1, matrix(&[2], &[2], &[])));
    assert_eq!(out, Outcome::new(2));
}

#[test]
fn ap_config_resets_what_the_guest_loses() {
    let mut sim = small_sim(1);
    sim.step(Ev::Unbind(q(3, 3)));
    sim.step(Ev::ApConfig(0, matrix(&[1, 2], &[1, 2], &[1])));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1, 2], &[1, 2], &[1]));

    // Adapter 2 and domain 2 go; adapter 3 and domain 3 come, but 03.0003
    // is unbound, so adapter 3 is withheld (it was not plugged in: no reset).
    let out = sim.step(Ev::ApConfig(0, matrix(&[1, 3], &[1, 3], &[1, 2])));
    assert!(out.commit[0]);
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1, 3], &[1, 2]));
    // Removed adapter 2: 02.0001, 02.0002; then removed domain 2 on the
    // adapters left: 01.0002.
    assert_eq!(out.resets[0], queues(&[(2, 1), (2, 2), (1, 2)]));

    // Now take 01.0003 away, then ask for domain 3 again with adapter 1:
    // adapter 1, plugged in, is withheld and its queues reset.
    sim.step(Ev::ApConfig(0, matrix(&[1], &[1], &[])));
    sim.step(Ev::Unbind(q(1, 3)));
    let out = sim.step(Ev::ApConfig(0, matrix(&[1], &[1, 3], &[])));
    assert!(out.commit[0]);
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[], &[1, 3], &[]));
    assert_eq!(out.resets[0], queues(&[(1, 1)]));
}

#[test]
fn unassigning_resets_only_what_the_guest_had() {
    let mut sim = small_sim(1);
    sim.step(Ev::Unbind(q(2, 3)));
    sim.step(Ev::ApConfig(0, matrix(&[1, 2], &[1, 2, 3], &[])));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1, 2, 3], &[]));

    // Adapter 2 was withheld: unassigning it resets nothing.
    let out = sim.step(Ev::Unassign(Kind::Adapter, 0, 2));
    assert!(!out.commit[0]);
    assert!(out.resets[0].is_empty());

    // Adapter 1 was plugged in: its queues are reset.
    let out = sim.step(Ev::Unassign(Kind::Adapter, 0, 1));
    assert!(out.commit[0]);
    assert_eq!(out.resets[0], queues(&[(1, 1), (1, 2), (1, 3)]));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[], &[1, 2, 3], &[]));

    // Domains: the guest's queues in the domain are reset.
    sim.step(Ev::Assign(Kind::Adapter, 0, 3));
    let out = sim.step(Ev::Unassign(Kind::Domain, 0, 1));
    assert!(out.commit[0]);
    assert_eq!(out.resets[0], queues(&[(3, 1)]));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[3], &[2, 3], &[]));

    // Control domains reset nothing.
    sim.step(Ev::Assign(Kind::Control, 0, 1));
    let out = sim.step(Ev::Unassign(Kind::Control, 0, 1));
    assert!(out.commit[0]);
    assert!(out.resets[0].is_empty());
}

#[test]
fn unassigning_a_domain_plugs_adapters_it_withheld() {
    // The deliberate difference from C: 7.3's unassign_domain only clears
    // the domain, so adapter 2, withheld because of 02.0002, stays out until
    // some later event re-filters. The core re-filters and plugs it at once.
    let mut sim = small_sim(1);
    sim.step(Ev::Unbind(q(2, 2)));
    sim.step(Ev::ApConfig(0, matrix(&[1, 2], &[1, 2], &[])));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1, 2], &[]));

    let out = sim.step(Ev::Unassign(Kind::Domain, 0, 2));
    assert!(out.commit[0]);
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1, 2], &[1], &[]));
    assert_eq!(out.resets[0], queues(&[(1, 2)]));
    assert_guest(&sim, "01.0001\n02.0001\n");
}

#[test]
fn control_domains_follow_the_host_only() {
    let mut sim = small_sim(1);
    let out = sim.step(Ev::Assign(Kind::Control, 0, 1));
    assert!(out.commit[0]);
    assert_eq!(sim.core.mdevs[0].shadow().adm, aqm(&[1]));
    // Not in the host configuration: assigned, but not given.
    let out = sim.step(Ev::Assign(Kind::Control, 0, 7));
    assert!(!out.commit[0]);
    assert_eq!(sim.core.mdevs[0].assigned().adm, aqm(&[1, 7]));
    // The host adds it: it comes at the end of the scan.
    let mut host = sim.core.host;
    host.adm.insert(Apqi::new(7));
    let out = sim.step(Ev::ConfigChanged(host));
    assert!(!out.commit[0]);
    assert!(sim.core.mdevs[0].has_pending_additions());
    let out = sim.step(Ev::ScanComplete);
    assert!(out.commit[0]);
    assert_eq!(sim.core.mdevs[0].shadow().adm, aqm(&[1, 7]));
    // The host removes it: gone at once.
    host.adm.remove(Apqi::new(7));
    let out = sim.step(Ev::ConfigChanged(host));
    assert!(out.commit[0]);
    assert_eq!(sim.core.mdevs[0].shadow().adm, aqm(&[1]));
    sim.step(Ev::ScanComplete);
}

#[test]
fn queue_unbind_cases() {
    let mut sim = small_sim(2);
    sim.step(Ev::ApConfig(0, matrix(&[1, 2], &[1, 2], &[])));

    // In the guest: its adapter goes, with resets of the adapter's queues.
    let out = sim.step(Ev::Unbind(q(2, 1)));
    assert!(out.commit[0]);
    assert_eq!(out.resets[0], queues(&[(2, 1), (2, 2)]));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1, 2], &[]));

    // Assigned, not in the guest, in the host: just that queue is reset.
    let out = sim.step(Ev::Unbind(q(2, 2)));
    assert!(!out.commit[0]);
    assert_eq!(out.resets[0], queues(&[(2, 2)]));

    // Assigned to no mdev: reset if in the host configuration.
    let out = sim.step(Ev::Unbind(q(3, 3)));
    assert_eq!(out.resets[2], queues(&[(3, 3)]));
    assert!(out.resets[0].is_empty() && out.resets[1].is_empty());

    // Rebinding restores the adapter once all its queues are back.
    let out = sim.step(Ev::Bind(q(2, 1)));
    assert!(!out.commit[0]);
    let out = sim.step(Ev::Bind(q(2, 2)));
    assert!(out.commit[0]);
    assert!(out.resets[0].is_empty());
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1, 2], &[1, 2], &[]));

    // A queue of another mdev does not disturb this one.
    sim.step(Ev::ApConfig(1, matrix(&[3], &[1, 2], &[])));
    let out = sim.step(Ev::Unbind(q(3, 1)));
    assert!(!out.commit[0] && out.commit[1]);
    assert_eq!(out.resets[1], queues(&[(3, 1), (3, 2)]));
}

#[test]
fn passability_follows_the_last_reset() {
    let mut sim = small_sim(1);
    sim.step(Ev::ApConfig(0, matrix(&[1, 2], &[1, 2], &[])));
    // 00 -> 01 (APQN not valid): the adapter goes, nothing is reset.
    let out = sim.step(Ev::SetRc(q(1, 2), reference::AP_RESPONSE_Q_NOT_AVAIL));
    assert!(out.commit[0]);
    assert!(out.resets[0].is_empty());
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[2], &[1, 2], &[]));
    // Busy is still not passable.
    let out = sim.step(Ev::SetRc(q(1, 2), reference::AP_RESPONSE_BUSY));
    assert!(!out.commit[0]);
    // Deconfigured and checkstopped are passable.
    let out = sim.step(Ev::SetRc(q(1, 2), reference::AP_RESPONSE_DECONFIGURED));
    assert!(out.commit[0]);
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1, 2], &[1, 2], &[]));
    let out = sim.step(Ev::SetRc(q(1, 2), reference::AP_RESPONSE_CHECKSTOPPED));
    assert!(!out.commit[0]);
    // An unpassable queue outside the guest's domains changes nothing.
    let out = sim.step(Ev::SetRc(q(1, 3), reference::AP_RESPONSE_RESET_IN_PROGRESS));
    assert!(!out.commit[0]);
    // Rebinding makes a queue passable again (a fresh probe has rc 0).
    sim.step(Ev::SetRc(
        q(2, 2),
        reference::AP_RESPONSE_STATE_CHANGE_IN_PROGRESS,
    ));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1, 2], &[]));
    sim.step(Ev::Unbind(q(2, 2)));
    let out = sim.step(Ev::Bind(q(2, 2)));
    assert!(out.commit[0]);
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1, 2], &[1, 2], &[]));
}

#[test]
fn host_removal_unplugs_at_once_without_resets() {
    let mut sim = small_sim(1);
    sim.step(Ev::ApConfig(0, matrix(&[1, 2], &[1, 2], &[1])));
    // Adapter 2 and control domain 1 leave the host.
    let out = sim.step(Ev::ConfigChanged(matrix(&[1, 3], &[1, 2, 3], &[2, 3])));
    assert!(out.commit[0]);
    assert!(out.resets.iter().all(BTreeSet::is_empty));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1, 2], &[]));
    // The AP bus then removes their queue devices: nothing to reset, the
    // queues are not in the configuration.
    for d in 1..=3 {
        let out = sim.step(Ev::Unbind(q(2, d)));
        assert!(!out.commit[0]);
        assert!(out.resets.iter().all(BTreeSet::is_empty));
    }
    let out = sim.step(Ev::ScanComplete);
    assert_eq!(out, Outcome::new(1));
}

#[test]
fn host_removal_of_a_domain_plugs_adapters_it_withheld() {
    // As for unassign_domain: C only clears the domain; the core re-filters.
    let mut sim = small_sim(1);
    sim.step(Ev::Unbind(q(2, 2)));
    sim.step(Ev::ApConfig(0, matrix(&[1, 2], &[1, 2], &[])));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1, 2], &[]));
    let out = sim.step(Ev::ConfigChanged(matrix(&[1, 2, 3], &[1, 3], &[1, 2, 3])));
    assert!(out.commit[0]);
    assert!(out.resets[0].is_empty());
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1, 2], &[1], &[]));
    for a in [1, 3] {
        sim.step(Ev::Unbind(q(a, 2)));
    }
    sim.step(Ev::ScanComplete);
}

#[test]
fn host_addition_waits_for_the_end_of_the_scan() {
    let mut sim = small_sim(1);
    sim.step(Ev::ApConfig(0, matrix(&[1, 4], &[1, 4], &[])));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1], &[]));

    // Adapter 4 and domain 4 join the host.
    let out = sim.step(Ev::ConfigChanged(matrix(
        &[1, 2, 3, 4],
        &[1, 2, 3, 4],
        &[1, 2, 3],
    )));
    assert_eq!(out, Outcome::new(1));
    assert!(sim.core.mdevs[0].has_pending_additions());

    // The AP bus probes the new queues: nothing is filtered in yet.
    for apqn in [q(1, 4), q(4, 1), q(4, 4)] {
        let out = sim.step(Ev::Bind(apqn));
        assert!(!out.commit[0], "deferred");
        assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1], &[]));
    }
    // Also a queue that was there before.
    sim.step(Ev::Unbind(q(1, 1)));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[], &[1], &[]));
    let out = sim.step(Ev::Bind(q(1, 1)));
    assert!(!out.commit[0], "deferred");

    let out = sim.step(Ev::ScanComplete);
    assert!(out.commit[0]);
    assert!(out.resets[0].is_empty());
    assert!(!sim.core.mdevs[0].has_pending_additions());
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1, 4], &[1, 4], &[]));
}

#[test]
fn host_addition_withholds_adapters_whose_new_queues_are_missing() {
    let mut sim = small_sim(1);
    sim.step(Ev::ApConfig(0, matrix(&[1, 2], &[1, 4], &[])));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1, 2], &[1], &[]));
    // Domain 4 joins; only 01.0004 is bound to vfio_ap.
    sim.step(Ev::ConfigChanged(matrix(
        &[1, 2, 3],
        &[1, 2, 3, 4],
        &[1, 2, 3],
    )));
    sim.step(Ev::Bind(q(1, 4)));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1, 2], &[1], &[]));
    let out = sim.step(Ev::ScanComplete);
    assert!(out.commit[0]);
    // Adapter 2 was plugged in and is withheld: its queues are reset.
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1, 4], &[]));
    assert_eq!(out.resets[0], queues(&[(2, 1)]));
}

#[test]
fn a_host_change_for_another_mdev_leaves_probe_filtering_alone() {
    let mut sim = small_sim(2);
    sim.step(Ev::ApConfig(0, matrix(&[1], &[1, 4], &[])));
    sim.step(Ev::ApConfig(1, matrix(&[2], &[1, 2], &[])));
    sim.step(Ev::Unbind(q(2, 2)));
    // Domain 4 (mdev0's) joins; mdev1 has no pending additions.
    sim.step(Ev::ConfigChanged(matrix(
        &[1, 2, 3],
        &[1, 2, 3, 4],
        &[1, 2, 3],
    )));
    assert!(sim.core.mdevs[0].has_pending_additions());
    assert!(!sim.core.mdevs[1].has_pending_additions());
    let out = sim.step(Ev::Bind(q(2, 2)));
    assert!(out.commit[1]);
    let out = sim.step(Ev::Bind(q(1, 4)));
    assert!(!out.commit[0]);
    let out = sim.step(Ev::ScanComplete);
    assert!(out.commit[0] && !out.commit[1]);
}

#[test]
fn guest_detach_resets_every_linked_queue() {
    let mut sim = small_sim(2);
    sim.step(Ev::Unbind(q(2, 2)));
    sim.step(Ev::ApConfig(0, matrix(&[1, 2, 4], &[1, 2], &[1])));
    sim.step(Ev::ApConfig(1, matrix(&[3], &[3], &[])));
    let shadow = *sim.core.mdevs[0].shadow();
    let out = sim.step(Ev::Detach(0));
    // Assigned and bound, in the guest or not; 02.0002 is unbound and
    // adapter 4 has no queues.
    assert_eq!(out.resets[0], queues(&[(1, 1), (1, 2), (2, 1)]));
    assert!(out.resets[1].is_empty());
    assert!(!out.commit[0]);
    assert_eq!(*sim.core.mdevs[0].shadow(), shadow, "the shadow stays");
}

/// A host change that both removes an ID the mdev has and adds a domain it
/// has must not pull the new domain into the guest before the AP bus has
/// probed its queues (that would unplug every adapter until the scan
/// completes): in 7.3, `on_cfg_remove` only clears the removed IDs and the
/// added ones wait for `on_scan_complete`.
#[test]
fn host_change_removing_and_adding_keeps_the_additions_pending() {
    let mut sim = small_sim(1);
    sim.step(Ev::ApConfig(0, matrix(&[1, 3], &[1, 4], &[])));
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1, 3], &[1], &[]));
    // Adapter 3 leaves the host and domain 4 joins it, in one change.
    let out = sim.step(Ev::ConfigChanged(matrix(
        &[1, 2],
        &[1, 2, 3, 4],
        &[1, 2, 3],
    )));
    assert!(out.commit[0]);
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1], &[]));
    for d in 1..=3 {
        sim.step(Ev::Unbind(q(3, d)));
    }
    sim.step(Ev::Bind(q(1, 4)));
    let out = sim.step(Ev::ScanComplete);
    assert!(out.commit[0]);
    assert_eq!(*sim.core.mdevs[0].shadow(), matrix(&[1], &[1, 4], &[]));
}

#[test]
fn reference_qtable_is_a_hash_table_by_apqn() {
    // Every APQN lands in one of 256 buckets and is found again.
    let all: Vec<RefQueue> = (0..=u16::MAX)
        .step_by(7)
        .map(|raw| RefQueue {
            apqn: Apqn::from_raw(raw),
            rc: (raw % 6) as u8,
        })
        .collect();
    let t = QTable::from_queues(all.iter().copied());
    let used: BTreeSet<usize> = all
        .iter()
        .map(|q| reference::qtable_bucket(q.apqn))
        .collect();
    assert_eq!(used.len(), 256);
    for q in &all {
        assert_eq!(t.get(q.apqn), Some(q));
    }
    assert_eq!(t.get(Apqn::from_raw(1)), None);
    let mut t = t;
    assert!(t.unlink(Apqn::from_raw(7)).is_some());
    assert!(t.unlink(Apqn::from_raw(7)).is_none());
    assert_eq!(t.get(Apqn::from_raw(7)), None);
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

/// How an event names an ID.
#[derive(Clone, Copy, Debug)]
enum IdSel {
    /// 0..=6: the common universe, so collisions are frequent.
    Small(u8),
    /// The mdev's maximum.
    Max,
    /// One above the maximum (may be 256).
    AboveMax,
    Raw(u64),
}

#[derive(Clone, Debug)]
enum Op {
    Assign(Kind, usize, IdSel),
    Unassign(Kind, usize, IdSel),
    /// Bit sets over the universe; `beyond` adds an ID above the maximum.
    ApConfig(usize, u8, u8, u8, bool),
    Bind(usize),
    Unbind(usize),
    SetRc(usize, u8),
    /// Bits of the universe to flip; `add` picks additions or removals when
    /// a change may not mix them; `targeted` keeps to IDs some mdev has.
    /// During a change: the AP bus probes a queue.
    HostChange(u8, u8, u8, bool, bool),
    /// Progress of the AP bus scan: remove a device of a removed ID, or
    /// complete the scan.
    Scan(usize),
    Guest(usize),
    Reserve(usize),
}

/// Machines: APXA or not, `na`, `nd`.
const MACHINES: [(bool, u8, u8); 5] = [
    (false, 0, 0),
    (true, 5, 5),
    (true, 6, 0x54),
    (true, 0xff, 0xff),
    (true, 200, 6),
];

const RCS: [u8; 7] = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0a];

#[derive(Clone, Debug)]
struct Case {
    machine: usize,
    mdevs: usize,
    host: (u8, u8, u8),
    bound: u64,
    reserved: u64,
    ops: Vec<Op>,
}

fn id_sel() -> impl Strategy<Value = IdSel> {
    prop_oneof![
        20 => (0u8..7).prop_map(IdSel::Small),
        1 => Just(IdSel::Max),
        1 => Just(IdSel::AboveMax),
        1 => prop::sample::select(vec![255u64, 256, u64::MAX]).prop_map(IdSel::Raw),
    ]
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        3 => Just(Kind::Adapter),
        3 => Just(Kind::Domain),
        1 => Just(Kind::Control),
    ]
}

fn sparse() -> impl Strategy<Value = u8> {
    prop::bits::u8::sampled(0..4, 0..7)
}

fn op() -> impl Strategy<Value = Op> {
    let m = 0usize..3;
    prop_oneof![
        10 => (kind(), m.clone(), id_sel()).prop_map(|(k, m, id)| Op::Assign(k, m, id)),
        4 => (kind(), m.clone(), id_sel()).prop_map(|(k, m, id)| Op::Unassign(k, m, id)),
        2 => (m.clone(), sparse(), sparse(), sparse(), prop::bool::weighted(0.15))
            .prop_map(|(m, a, d, c, b)| Op::ApConfig(m, a, d, c, b)),
        6 => any::<usize>().prop_map(Op::Bind),
        4 => any::<usize>().prop_map(Op::Unbind),
        3 => (any::<usize>(), prop::sample::select(RCS.to_vec()))
            .prop_map(|(i, rc)| Op::SetRc(i, rc)),
        3 => (
            prop::bits::u8::sampled(0..3, 0..7),
            prop::bits::u8::sampled(0..3, 0..7),
            prop::bits::u8::sampled(0..2, 0..7),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(a, d, c, add, t)| Op::HostChange(a, d, c, add, t)),
        2 => any::<usize>().prop_map(Op::Scan),
        1 => m.prop_map(Op::Guest),
        1 => any::<usize>().prop_map(Op::Reserve),
    ]
}

fn case(max_ops: usize) -> impl Strategy<Value = Case> {
    (
        0..MACHINES.len(),
        2usize..=3,
        (any::<u8>(), any::<u8>(), any::<u8>()),
        any::<u64>(),
        prop::bits::u64::sampled(0..3, 0..49),
        prop::collection::vec(op(), 10..=max_ops),
    )
        .prop_map(|(machine, mdevs, host, bound, reserved, ops)| Case {
            machine,
            mdevs,
            host,
            bound,
            reserved,
            ops,
        })
}

/// The IDs a case draws from.
struct Universe {
    apid_max: u64,
    apqi_max: u64,
    /// Adapters and domains the host may have: 0..=5 and the maximum.
    adapters: Vec<u8>,
    domains: Vec<u8>,
}

impl Universe {
    fn new(apxa: bool, na: u8, nd: u8) -> Self {
        let (apid_max, apqi_max, _) = reference::matrix_maxima(apxa, na, nd);
        let pick = |max: u64| -> Vec<u8> {
            let mut v: Vec<u8> = (0..=5u8).filter(|i| u64::from(*i) <= max).collect();
            let top = u8::try_from(max).unwrap();
            if !v.contains(&top) {
                v.push(top);
            }
            v
        };
        Self {
            apid_max,
            apqi_max,
            adapters: pick(apid_max),
            domains: pick(apqi_max),
        }
    }

    fn apm(&self, bits: u8) -> ApidMask {
        self.adapters
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, a)| Apid::new(*a))
            .collect()
    }

    fn aqm(&self, bits: u8) -> ApqiMask {
        self.domains
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, d)| Apqi::new(*d))
            .collect()
    }

    fn matrix(&self, (a, d, c): (u8, u8, u8)) -> Matrix {
        Matrix {
            apm: self.apm(a),
            aqm: self.aqm(d),
            adm: self.aqm(c),
        }
    }

    /// The universe's queue number `i` (0..49).
    fn queue(&self, i: usize) -> Option<Apqn> {
        let (a, d) = (i / 7, i % 7);
        Some(q(*self.adapters.get(a)?, *self.domains.get(d)?))
    }

    fn id(&self, sel: IdSel, kind: Kind) -> u64 {
        let max = match kind {
            Kind::Adapter => self.apid_max,
            Kind::Domain | Kind::Control => self.apqi_max,
        };
        match sel {
            IdSel::Small(n) => u64::from(n),
            IdSel::Max => max,
            IdSel::AboveMax => max + 1,
            IdSel::Raw(v) => v,
        }
    }
}

fn pick<T: Copy>(v: &[T], i: usize) -> Option<T> {
    if v.is_empty() {
        None
    } else {
        Some(v[i % v.len()])
    }
}

/// During a host change, the AP bus removes the devices of removed IDs,
/// then completes the scan.
fn scan_progress(leftovers: &[Apqn], i: usize) -> Ev {
    pick(leftovers, i).map_or(Ev::ScanComplete, Ev::Unbind)
}

/// The host's queues not bound to vfio_ap; with `deferred`, only those whose
/// mdev defers probe filtering.
fn free_queues(sim: &Sim, deferred: bool) -> Vec<Apqn> {
    sim.core
        .host
        .queues()
        .filter(|apqn| !sim.core.rc.contains_key(apqn))
        .filter(|apqn| {
            !deferred
                || sim
                    .core
                    .owner(*apqn)
                    .is_some_and(|m| sim.core.mdevs[m].has_pending_additions())
        })
        .collect()
}

/// Runs one case; `mixed` lets a host change remove and add at once.
fn run_case(case: &Case, mixed: bool) -> Result<(), String> {
    let (apxa, na, nd) = MACHINES[case.machine];
    let u = Universe::new(apxa, na, nd);
    let host = u.matrix(case.host);
    let cfg = HostConfig {
        matrix: host,
        apxa,
        na,
        nd,
    };
    let bound: Vec<Apqn> = (0..49)
        .filter(|i| case.bound & (1 << i) != 0)
        .filter_map(|i| u.queue(i))
        .filter(|apqn| host.has_queue(*apqn))
        .collect();
    let n = case.mdevs;
    let mut sim = Sim::new(&cfg, n, &bound);
    for i in 0..49 {
        if case.reserved & (1 << i) != 0 {
            if let Some(apqn) = u.queue(i) {
                sim.reserve(apqn, true);
            }
        }
    }
    let mut attached = vec![false; n];

    for op in &case.ops {
        let bound: Vec<Apqn> = sim.core.rc.keys().copied().collect();
        let leftovers: Vec<Apqn> = bound
            .iter()
            .copied()
            .filter(|apqn| !sim.core.host.has_queue(*apqn))
            .collect();
        let ev = match *op {
            Op::Assign(k, m, id) => Some(Ev::Assign(k, m % n, u.id(id, k))),
            Op::Unassign(k, m, id) => Some(Ev::Unassign(k, m % n, u.id(id, k))),
            Op::ApConfig(m, a, d, c, beyond) => {
                let mut new = u.matrix((a, d, c));
                if beyond {
                    if let Ok(id) = u8::try_from(u.apid_max + 1) {
                        new.apm.insert(Apid::new(id));
                    } else if let Ok(id) = u8::try_from(u.apqi_max + 1) {
                        new.adm.insert(Apqi::new(id));
                    }
                }
                Some(Ev::ApConfig(m % n, new))
            }
            Op::Bind(i) => {
                // During a host change, mostly queues whose mdev defers them.
                let mut free = Vec::new();
                if sim.window && i % 4 != 0 {
                    free = free_queues(&sim, true);
                }
                if free.is_empty() {
                    free = free_queues(&sim, false);
                }
                pick(&free, i / 4).map(Ev::Bind)
            }
            Op::Unbind(i) => pick(&bound, i).map(Ev::Unbind),
            Op::SetRc(i, rc) => pick(&bound, i).map(|apqn| Ev::SetRc(apqn, rc)),
            Op::HostChange(a, d, c, add, targeted) => {
                if sim.window {
                    // The AP bus probes a queue, preferably one whose mdev
                    // defers it.
                    let mut free = free_queues(&sim, targeted);
                    if free.is_empty() {
                        free = free_queues(&sim, false);
                    }
                    pick(&free, usize::from(a)).map(Ev::Bind)
                } else {
                    let cur = sim.core.host;
                    let restrict = |m: Matrix| {
                        if mixed {
                            m
                        } else if add {
                            m.and_not(&cur)
                        } else {
                            m.and(&cur)
                        }
                    };
                    let random = u.matrix((a, d, c));
                    let mut flip = restrict(random);
                    if targeted {
                        // IDs some mdev has, those of the random ones if any.
                        let mut mine = Matrix::EMPTY;
                        for md in &sim.core.mdevs {
                            mine = Matrix {
                                apm: mine.apm.or(md.assigned().apm),
                                aqm: mine.aqm.or(md.assigned().aqm),
                                adm: mine.adm.or(md.assigned().adm),
                            };
                        }
                        let mine = restrict(mine.and(&u.matrix((0x7f, 0x7f, 0x7f))));
                        let both = mine.and(&random);
                        flip = if both.is_empty() { mine } else { both };
                    }
                    let new = Matrix {
                        apm: cur.apm.and_not(flip.apm).or(flip.apm.and_not(cur.apm)),
                        aqm: cur.aqm.and_not(flip.aqm).or(flip.aqm.and_not(cur.aqm)),
                        adm: cur.adm.and_not(flip.adm).or(flip.adm.and_not(cur.adm)),
                    };
                    (new != cur).then_some(Ev::ConfigChanged(new))
                }
            }
            Op::Scan(i) => Some(if sim.window {
                scan_progress(&leftovers, i)
            } else {
                Ev::ScanComplete
            }),
            Op::Guest(m) => {
                let m = m % n;
                attached[m] = !attached[m];
                (!attached[m]).then_some(Ev::Detach(m))
            }
            Op::Reserve(i) => {
                if let Some(apqn) = u.queue(i % 49) {
                    let on = !sim.reserved.0.contains(&apqn);
                    sim.reserve(apqn, on);
                }
                None
            }
        };
        if let Some(ev) = ev {
            sim.try_step(&ev)?;
        }
    }
    // Finish a pending host change as the AP bus would.
    if sim.window {
        let leftovers: Vec<Apqn> = sim
            .core
            .rc
            .keys()
            .copied()
            .filter(|apqn| !sim.core.host.has_queue(*apqn))
            .collect();
        for apqn in leftovers {
            sim.try_step(&Ev::Unbind(apqn))?;
        }
        sim.try_step(&Ev::ScanComplete)?;
    }
    Ok(())
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.replace('_', "");
    Some(
        v.parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not a number")),
    )
}

fn run_property(default_cases: u32, mixed: bool) {
    let cases = env_u64("VFIO_AP_MODEL_CASES").map_or(default_cases, |c| {
        u32::try_from(c).expect("VFIO_AP_MODEL_CASES fits u32")
    });
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 20_000,
        ..Config::default()
    };
    let mut runner = match env_u64("VFIO_AP_MODEL_SEED") {
        Some(seed) => {
            let mut bytes = [0u8; 32];
            bytes[..8].copy_from_slice(&seed.to_le_bytes());
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
        }
        None => TestRunner::new(config),
    };
    let result = runner.run(&case(80), |c| {
        run_case(&c, mixed).map_err(TestCaseError::fail)
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Random sequences; each host change either removes or adds IDs.
#[test]
fn model_random_sequences() {
    run_property(10_000, false);
}

/// Random sequences whose host changes may remove and add IDs at once.
#[test]
fn model_random_sequences_mixed_host_changes() {
    run_property(5_000, true);
}
