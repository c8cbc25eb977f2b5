// SPDX-License-Identifier: GPL-2.0

//! Instruction-count benchmark of the matrix core against the reference
//! model of the C driver. Run it under callgrind (`make bench`,
//! `scripts/bench.sh`): each measured operation is a function of its own,
//! never inlined, whose inclusive instruction count callgrind reports; the
//! iteration counts are printed so the script can divide.
//!
//! Measured on a fully assigned matrix whose queues are all bound:
//! - the full filter of a 256 x 256 matrix, core and reference;
//! - one queue unbind and one bind on 16 x 16 and 256 x 256 matrices, core
//!   (incremental: one adapter row) and reference (7.3: a bind re-filters
//!   the whole matrix, an unbind clears the adapter).

#![allow(missing_docs, clippy::unwrap_used, clippy::indexing_slicing)]
#![allow(clippy::arithmetic_side_effects, clippy::panic)]

#[allow(dead_code, unreachable_pub)]
#[path = "../tests/reference/mod.rs"]
mod reference;

use std::hint::black_box;

use vfio_ap_matrix::ap_matrix::{HostConfig, Matrix};
use vfio_ap_matrix::filter::{filter_matrix, set_usable, FilteredMatrix, QueueTable};
use vfio_ap_matrix::ids::{Apid, Apqi, Apqn, AP_DEVICES};
use vfio_ap_matrix::mask::{ApidMask, ApqiMask};
use vfio_ap_matrix::mdev::{Env, MdevMatrix, Update};

use reference::{QTable, RefQueue};

/// A square matrix of adapters and domains 0 to `max`, all in the host
/// configuration, with every queue bound and passable.
struct Setup {
    matrix: Matrix,
    table: Box<QueueTable>,
    qtable: QTable,
    mdev: MdevMatrix,
    ref_shadow: Matrix,
}

fn setup(max: u8) -> Setup {
    let matrix = Matrix {
        apm: ApidMask::up_to(Apid::new(max)),
        aqm: ApqiMask::up_to(Apqi::new(max)),
        adm: ApqiMask::EMPTY,
    };
    let mut table = Box::new([ApqiMask::EMPTY; AP_DEVICES]);
    for apqn in matrix.queues() {
        set_usable(&mut table[..], apqn, true);
    }
    let qtable = QTable::from_queues(matrix.queues().map(|apqn| RefQueue { apqn, rc: 0 }));
    let host = HostConfig {
        matrix,
        apxa: true,
        na: 255,
        nd: 255,
    };
    let mut mdev = MdevMatrix::new(&host);
    let env = Env {
        host: &matrix,
        queues: &table[..],
    };
    let update = mdev.set_ap_config(&matrix, &env, |_| Ok(())).unwrap();
    assert!(update.commit);
    assert_eq!(*mdev.shadow(), matrix);
    Setup {
        matrix,
        table,
        qtable,
        mdev,
        ref_shadow: matrix,
    }
}

#[inline(never)]
fn bench_core_full_filter(s: &Setup) -> FilteredMatrix {
    filter_matrix(
        black_box(&s.matrix),
        black_box(&s.matrix),
        black_box(&s.table[..]),
        black_box(&s.matrix.apm),
    )
}

#[inline(never)]
fn bench_ref_full_filter(s: &Setup) -> (ApidMask, ApqiMask, ApidMask) {
    reference::filter_matrix(
        black_box(&s.matrix),
        black_box(&s.matrix),
        black_box(&s.qtable),
        black_box(&s.matrix.apm),
    )
}

#[inline(never)]
fn bench_core_unbind(s: &mut Setup, apqn: Apqn) -> Update {
    set_usable(&mut s.table[..], apqn, false);
    let env = Env {
        host: &s.matrix,
        queues: &s.table[..],
    };
    s.mdev.queue_unbound(black_box(apqn), &env)
}

#[inline(never)]
fn bench_core_bind(s: &mut Setup, apqn: Apqn) -> Update {
    set_usable(&mut s.table[..], apqn, true);
    let env = Env {
        host: &s.matrix,
        queues: &s.table[..],
    };
    s.mdev.queue_usable(black_box(apqn), &env)
}

/// `vfio_ap_mdev_remove_queue()`: unplug the adapter if the guest has the
/// queue, then unlink it.
#[inline(never)]
fn bench_ref_unbind(s: &mut Setup, apqn: Apqn) -> bool {
    let in_shadow = s.ref_shadow.has_queue(black_box(apqn));
    if in_shadow {
        s.ref_shadow.apm.remove(apqn.apid());
    }
    s.qtable.unlink(apqn);
    in_shadow
}

/// `vfio_ap_mdev_probe_queue()`: link the queue, then filter the whole
/// matrix.
#[inline(never)]
fn bench_ref_bind(s: &mut Setup, apqn: Apqn) -> bool {
    s.qtable.link(RefQueue {
        apqn: black_box(apqn),
        rc: 0,
    });
    let (apm, aqm, _) =
        reference::filter_matrix(&s.matrix, &s.matrix, &s.qtable, &s.ref_shadow.apm);
    let changed = apm != s.ref_shadow.apm || aqm != s.ref_shadow.aqm;
    s.ref_shadow.apm = apm;
    s.ref_shadow.aqm = aqm;
    changed
}

const CORE_FILTERS: u32 = 2000;
const REF_FILTERS: u32 = 3;
const CORE_PLUGS: u32 = 2000;
const REF_PLUGS_16: u32 = 200;
const REF_PLUGS_256: u32 = 3;

fn plug_cycle(max: u8, core_rounds: u32, ref_rounds: u32) {
    let mut s = setup(max);
    // A queue in the middle of the matrix.
    let apqn = Apqn::new(Apid::new(max / 2), Apqi::new(max / 2));
    for _ in 0..core_rounds {
        let out = bench_core_unbind(&mut s, apqn);
        assert!(out.commit);
        let inp = bench_core_bind(&mut s, apqn);
        assert!(inp.commit);
    }
    for _ in 0..ref_rounds {
        assert!(bench_ref_unbind(&mut s, apqn));
        assert!(bench_ref_bind(&mut s, apqn));
    }
    assert_eq!(*s.mdev.shadow(), s.matrix);
    assert_eq!(s.ref_shadow.apm, s.matrix.apm);
    let size = u16::from(max) + 1;
    println!("size {size} core_plugs {core_rounds} ref_plugs {ref_rounds}");
}

/// One callgrind run per argument: `filter`, `plug16` or `plug256`; each
/// measures the core and the reference in the same run.
fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("filter") => {
            let s = setup(255);
            for _ in 0..CORE_FILTERS {
                assert_eq!(bench_core_full_filter(&s).apm, s.matrix.apm);
            }
            for _ in 0..REF_FILTERS {
                assert_eq!(bench_ref_full_filter(&s).0, s.matrix.apm);
            }
            println!("size 256 core_filters {CORE_FILTERS} ref_filters {REF_FILTERS}");
        }
        Some("plug16") => plug_cycle(15, CORE_PLUGS, REF_PLUGS_16),
        Some("plug256") => plug_cycle(255, CORE_PLUGS, REF_PLUGS_256),
        _ => {
            eprintln!("usage: bench filter|plug16|plug256 (run under callgrind: scripts/bench.sh)");
            std::process::exit(2);
        }
    }
}
