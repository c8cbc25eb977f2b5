// SPDX-License-Identifier: GPL-2.0

//! Resetting queues (PQAP/ZAPQ) and waiting for the resets to finish, as a
//! state machine the caller drives with the real or simulated instructions.
//!
//! One queue follows Linux 7.3's `vfio_ap_mdev_reset_queue()` and
//! `apq_reset_check()`: ZAPQ; if it was accepted, poll TAPQ every 20 ms;
//! re-issue ZAPQ while ZAPQ itself said "in progress", "busy" or "state
//! change in progress", or when TAPQ reports a failed secret association;
//! stop once TAPQ settles.
//!
//! The queues of one event are reset as a batch ([`reset_batch`]): every ZAPQ
//! first, then all unfinished queues are polled together each interval, as
//! 7.3 queues one reset work per queue and then flushes them all. Two
//! deliberate differences:
//! - 7.3 polls for ever (upstream defect 3). Here the batch has one bound, a
//!   number of poll rounds: each queue gets at most that many TAPQs and one
//!   ZAPQ more, on every path of the state machine (TAPQ busy, ZAPQ busy
//!   while TAPQ is fine, TAPQ reporting failed associations). A queue that
//!   has not settled by then times out, with its last codes for the log, and
//!   is not passable.
//! - The state of a queue's reset is a plain value; no work item exists.

#![forbid(unsafe_code)]

use super::ids::Apqn;

/// AP response codes (`AP_RESPONSE_*` of `asm/ap.h`).
pub mod rc {
    /// Normal completion.
    pub const NORMAL: u8 = 0x00;
    /// The queue is not available (not in the configuration).
    pub const Q_NOT_AVAIL: u8 = 0x01;
    /// A reset is in progress.
    pub const RESET_IN_PROGRESS: u8 = 0x02;
    /// The adapter is deconfigured.
    pub const DECONFIGURED: u8 = 0x03;
    /// The adapter is checkstopped.
    pub const CHECKSTOPPED: u8 = 0x04;
    /// Busy.
    pub const BUSY: u8 = 0x05;
    /// Invalid address (AQIC).
    pub const INVALID_ADDRESS: u8 = 0x06;
    /// Otherwise changed (AQIC).
    pub const OTHERWISE_CHANGED: u8 = 0x07;
    /// A state change is in progress.
    pub const STATE_CHANGE_IN_PROGRESS: u8 = 0x0a;
    /// Secret association failed: not unique.
    pub const ASSOC_SECRET_NOT_UNIQUE: u8 = 0x35;
    /// Secret association failed.
    pub const ASSOC_FAILED: u8 = 0x36;
}

/// `_queue_passable()`: whether a queue whose last ZAPQ ended with `zapq_rc`
/// may be given to a guest.
pub const fn passable(zapq_rc: u8) -> bool {
    matches!(zapq_rc, rc::NORMAL | rc::DECONFIGURED | rc::CHECKSTOPPED)
}

/// Interval between two TAPQ polls, in milliseconds (`AP_RESET_INTERVAL`).
pub const POLL_INTERVAL_MS: u32 = 20;

/// The default bound of a batch, in milliseconds: far beyond the reset time
/// of any real adapter, short enough that a queue that never settles cannot
/// stall the host for long.
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;

/// The poll rounds a batch may take within `timeout_ms`.
pub const fn rounds_for(timeout_ms: u32) -> u32 {
    timeout_ms / POLL_INTERVAL_MS
}

/// What the caller does next for one queue.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    /// Wait [`POLL_INTERVAL_MS`], then issue TAPQ and call
    /// [`QueueReset::tapq`].
    Poll,
    /// Issue ZAPQ again and call [`QueueReset::zapq`].
    Rezap,
    /// Done.
    Done(Outcome),
}

/// How a reset ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
    /// The reset completed (or the queue is deconfigured or checkstopped);
    /// the queue's interrupt resources, if any, are freed.
    Completed,
    /// The queue is gone (response code 01): free its interrupt resources.
    Gone,
    /// ZAPQ ended with a code the architecture does not allow here; the C
    /// driver WARNs.
    InvalidZapq(u8),
    /// TAPQ ended with a code the architecture does not allow here; the C
    /// driver WARNs.
    InvalidTapq(u8),
    /// The queue had not settled when the batch's bound was reached.
    TimedOut,
}

/// One queue's reset: which queue, the codes it gave, and what comes next.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct QueueReset {
    apqn: Apqn,
    /// Response code of the last ZAPQ (`q->reset_status`).
    zapq_rc: u8,
    /// Response code of the last TAPQ, if any was issued.
    tapq_rc: Option<u8>,
    zapqs: u16,
    tapqs: u16,
    step: Step,
}

impl QueueReset {
    /// A slot for a batch, holding no reset.
    pub const IDLE: Self = Self {
        apqn: Apqn::from_raw(0),
        zapq_rc: rc::NORMAL,
        tapq_rc: None,
        zapqs: 0,
        tapqs: 0,
        step: Step::Done(Outcome::Completed),
    };

    /// Starts the reset of `apqn`, whose first ZAPQ ended with `zapq_rc`.
    pub fn start(apqn: Apqn, zapq_rc: u8) -> Self {
        let mut reset = Self { apqn, ..Self::IDLE };
        reset.zapq(zapq_rc);
        reset
    }

    /// The queue.
    pub fn apqn(&self) -> Apqn {
        self.apqn
    }

    /// The response code of the last ZAPQ, which decides passability.
    pub fn zapq_rc(&self) -> u8 {
        self.zapq_rc
    }

    /// The response code of the last TAPQ, if one was issued.
    pub fn tapq_rc(&self) -> Option<u8> {
        self.tapq_rc
    }

    /// ZAPQs and TAPQs issued so far.
    pub fn counts(&self) -> (u16, u16) {
        (self.zapqs, self.tapqs)
    }

    /// What comes next.
    pub fn step(&self) -> Step {
        self.step
    }

    /// The outcome, once the reset is done.
    pub fn outcome(&self) -> Option<Outcome> {
        match self.step {
            Step::Done(outcome) => Some(outcome),
            Step::Poll | Step::Rezap => None,
        }
    }

    /// A ZAPQ (first or repeated) ended with `zapq_rc`.
    pub fn zapq(&mut self, zapq_rc: u8) -> Step {
        let first = self.zapqs == 0;
        self.zapqs = self.zapqs.saturating_add(1);
        self.zapq_rc = zapq_rc;
        self.step = if !first {
            // `apq_reset_check()` goes on polling whatever the repeat said.
            Step::Poll
        } else {
            match zapq_rc {
                rc::NORMAL | rc::RESET_IN_PROGRESS | rc::BUSY | rc::STATE_CHANGE_IN_PROGRESS => {
                    Step::Poll
                }
                rc::DECONFIGURED | rc::CHECKSTOPPED => Step::Done(Outcome::Completed),
                rc::Q_NOT_AVAIL => Step::Done(Outcome::Gone),
                other => Step::Done(Outcome::InvalidZapq(other)),
            }
        };
        self.step
    }

    /// A TAPQ poll ended with `tapq_rc`.
    pub fn tapq(&mut self, tapq_rc: u8) -> Step {
        self.tapqs = self.tapqs.saturating_add(1);
        self.tapq_rc = Some(tapq_rc);
        self.step = match tapq_rc {
            rc::NORMAL | rc::DECONFIGURED | rc::CHECKSTOPPED => {
                if matches!(
                    self.zapq_rc,
                    rc::RESET_IN_PROGRESS | rc::BUSY | rc::STATE_CHANGE_IN_PROGRESS
                ) {
                    Step::Rezap
                } else {
                    Step::Done(Outcome::Completed)
                }
            }
            rc::RESET_IN_PROGRESS | rc::BUSY => Step::Poll,
            rc::ASSOC_SECRET_NOT_UNIQUE | rc::ASSOC_FAILED => Step::Rezap,
            rc::Q_NOT_AVAIL => Step::Done(Outcome::Gone),
            other => Step::Done(Outcome::InvalidTapq(other)),
        };
        self.step
    }

    /// The bound was reached before the reset finished.
    fn time_out(&mut self) {
        if self.outcome().is_none() {
            self.step = Step::Done(Outcome::TimedOut);
        }
    }

    /// Whether the queue may be passed to a guest after this reset.
    pub fn passable(&self) -> bool {
        match self.outcome() {
            Some(Outcome::TimedOut) | None => false,
            Some(_) => passable(self.zapq_rc),
        }
    }

    /// Whether the reset counts as failed for `VFIO_DEVICE_RESET` (7.3:
    /// `-EIO` when the final ZAPQ code is not 00).
    pub fn failed(&self) -> bool {
        self.outcome() != Some(Outcome::Completed) || self.zapq_rc != rc::NORMAL
    }
}

/// The instructions a batch needs, and the wait between two polls.
pub trait ResetMachine {
    /// PQAP(ZAPQ) of `apqn` without the F bit: its response code.
    fn zapq(&mut self, apqn: Apqn) -> u8;
    /// PQAP(TAPQ) of `apqn`: its response code.
    fn tapq(&mut self, apqn: Apqn) -> u8;
    /// Waits [`POLL_INTERVAL_MS`].
    fn wait(&mut self);
}

/// Resets `queues` as a batch: ZAPQ each of them, then, for at most
/// `rounds` rounds, wait one interval and take the next step (TAPQ, and a
/// ZAPQ where the state machine asks for one) of every queue not yet done.
/// Queues still unfinished after the last round time out. `done` is called
/// once per queue, with its finished reset.
///
/// `slots` holds the state of the queues in flight: one per queue makes the
/// whole batch share one bound. With fewer slots than queues the queues are
/// reset in several batches of `slots.len()` (with no slot at all, one queue
/// at a time), each under the same bound; no queue is ever skipped.
pub fn reset_batch<M: ResetMachine>(
    queues: impl IntoIterator<Item = Apqn>,
    slots: &mut [QueueReset],
    rounds: u32,
    machine: &mut M,
    mut done: impl FnMut(&QueueReset),
) {
    let mut single = [QueueReset::IDLE];
    let slots = if slots.is_empty() {
        &mut single[..]
    } else {
        slots
    };
    let mut queues = queues.into_iter().peekable();
    while queues.peek().is_some() {
        let mut used = 0usize;
        for slot in slots.iter_mut() {
            let Some(apqn) = queues.next() else { break };
            *slot = QueueReset::start(apqn, machine.zapq(apqn));
            used = used.saturating_add(1);
        }
        let batch = slots.get_mut(..used).unwrap_or_default();
        run_rounds(batch, rounds, machine);
        for reset in batch.iter() {
            done(reset);
        }
    }
}

/// Polls the started resets of `batch` until all are done or `rounds`
/// rounds have passed; the unfinished ones time out.
fn run_rounds<M: ResetMachine>(batch: &mut [QueueReset], rounds: u32, machine: &mut M) {
    for _ in 0..rounds {
        if batch.iter().all(|r| r.outcome().is_some()) {
            return;
        }
        machine.wait();
        for reset in batch.iter_mut() {
            if reset.step() != Step::Poll {
                continue;
            }
            if reset.tapq(machine.tapq(reset.apqn)) == Step::Rezap {
                reset.zapq(machine.zapq(reset.apqn));
            }
        }
    }
    for reset in batch.iter_mut() {
        reset.time_out();
    }
}

#[cfg(test)]
#[allow(
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::unwrap_used
)]
mod tests {
    use super::*;
    use crate::ids::{Apid, Apqi};
    use std::collections::BTreeMap;
    use std::vec::Vec;

    fn apqn(apid: u8, apqi: u8) -> Apqn {
        Apqn::new(Apid::new(apid), Apqi::new(apqi))
    }

    /// A machine answering from per-queue scripts; a script's last answer
    /// repeats for ever. Records every instruction in order.
    #[derive(Default)]
    struct Scripted {
        zapq: BTreeMap<Apqn, Vec<u8>>,
        tapq: BTreeMap<Apqn, Vec<u8>>,
        trace: Vec<(char, Apqn)>,
        waits: u32,
    }

    fn answer(script: Option<&Vec<u8>>, nth: usize) -> u8 {
        match script {
            Some(s) if !s.is_empty() => s[nth.min(s.len() - 1)],
            _ => rc::NORMAL,
        }
    }

    impl Scripted {
        fn count(&self, kind: char, apqn: Apqn) -> usize {
            self.trace.iter().filter(|t| **t == (kind, apqn)).count()
        }
    }

    impl ResetMachine for Scripted {
        fn zapq(&mut self, apqn: Apqn) -> u8 {
            let n = self.count('z', apqn);
            self.trace.push(('z', apqn));
            answer(self.zapq.get(&apqn), n)
        }
        fn tapq(&mut self, apqn: Apqn) -> u8 {
            let n = self.count('t', apqn);
            self.trace.push(('t', apqn));
            answer(self.tapq.get(&apqn), n)
        }
        fn wait(&mut self) {
            self.waits += 1;
        }
    }

    /// One queue, scripted; returns (outcome, last ZAPQ rc, ZAPQs, TAPQs).
    fn run(zapqs: &[u8], tapqs: &[u8], rounds: u32) -> (Outcome, u8, usize, usize) {
        let q = apqn(4, 4);
        let mut m = Scripted::default();
        m.zapq.insert(q, zapqs.to_vec());
        m.tapq.insert(q, tapqs.to_vec());
        let mut result = None;
        reset_batch([q], &mut [QueueReset::IDLE], rounds, &mut m, |r| {
            result = Some((r.outcome().unwrap(), r.zapq_rc()));
        });
        let (outcome, zapq_rc) = result.unwrap();
        (outcome, zapq_rc, m.count('z', q), m.count('t', q))
    }

    const R: u32 = rounds_for(DEFAULT_TIMEOUT_MS);

    #[test]
    fn normal_reset_polls_once() {
        assert_eq!(run(&[0], &[0], R), (Outcome::Completed, 0, 1, 1));
    }

    #[test]
    fn busy_tapq_keeps_polling() {
        assert_eq!(run(&[0], &[2, 2, 5, 0], R), (Outcome::Completed, 0, 1, 4));
    }

    #[test]
    fn zapq_in_progress_is_repeated_until_final() {
        // ZAPQ says 02; TAPQ settles; ZAPQ again (now 00); TAPQ settles.
        assert_eq!(run(&[2, 0], &[0, 0], R), (Outcome::Completed, 0, 2, 2));
        assert_eq!(
            run(&[5, 0x0a, 0], &[0, 0, 0], R),
            (Outcome::Completed, 0, 3, 3)
        );
    }

    #[test]
    fn association_failures_reset_again() {
        assert_eq!(run(&[0, 0], &[0x35, 0], R), (Outcome::Completed, 0, 2, 2));
    }

    #[test]
    fn final_zapq_codes_end_at_once() {
        assert_eq!(run(&[3], &[], R), (Outcome::Completed, 3, 1, 0));
        assert_eq!(run(&[4], &[], R), (Outcome::Completed, 4, 1, 0));
        assert_eq!(run(&[1], &[], R), (Outcome::Gone, 1, 1, 0));
        assert_eq!(
            run(&[0x20], &[], R),
            (Outcome::InvalidZapq(0x20), 0x20, 1, 0)
        );
    }

    #[test]
    fn tapq_gone_or_invalid() {
        assert_eq!(run(&[0], &[1], R), (Outcome::Gone, 0, 1, 1));
        assert_eq!(run(&[0], &[0x21], R), (Outcome::InvalidTapq(0x21), 0, 1, 1));
    }

    /// The three paths on which 7.3 loops for ever each end at the bound:
    /// TAPQ always busy; ZAPQ always busy (or in a state change) while TAPQ
    /// says all is well; TAPQ always reporting a failed association.
    #[test]
    fn every_endless_path_times_out_at_the_bound() {
        for (zapqs, tapqs) in [
            (&[0u8][..], &[2u8][..]),
            (&[0], &[5]),
            (&[5], &[0]),
            (&[2], &[0]),
            (&[0x0a], &[0]),
            (&[0], &[0x35]),
            (&[0], &[0x36]),
            (&[5], &[0x36]),
        ] {
            let (outcome, zapq_rc, zaps, polls) = run(zapqs, tapqs, 7);
            assert_eq!(outcome, Outcome::TimedOut, "{zapqs:?} {tapqs:?}");
            assert_eq!(polls, 7, "{zapqs:?} {tapqs:?}");
            assert!(zaps <= 8, "{zapqs:?} {tapqs:?}: {zaps} ZAPQs");
            let mut r = QueueReset::start(apqn(0, 0), zapq_rc);
            r.time_out();
            assert!(!r.passable());
        }
    }

    /// Every pair of constant answers (all 256 x 256 response codes) ends
    /// within the bound, with at most `rounds` TAPQs and `rounds + 1` ZAPQs.
    #[test]
    fn every_constant_answer_terminates_within_the_bound() {
        let rounds = 5;
        for z in 0..=255u8 {
            for t in 0..=255u8 {
                let (_, _, zaps, polls) = run(&[z], &[t], rounds);
                assert!(polls <= rounds as usize, "ZAPQ {z:#x} TAPQ {t:#x}");
                assert!(zaps <= rounds as usize + 1, "ZAPQ {z:#x} TAPQ {t:#x}");
            }
        }
    }

    #[test]
    fn zero_rounds_time_out_what_needs_a_poll() {
        assert_eq!(run(&[0], &[0], 0), (Outcome::TimedOut, 0, 1, 0));
        assert_eq!(run(&[3], &[0], 0), (Outcome::Completed, 3, 1, 0));
    }

    #[test]
    fn a_batch_issues_every_zapq_first_and_polls_together() {
        let qs: Vec<Apqn> = (0..64).map(|d| apqn(4, d)).collect();
        let mut m = Scripted::default();
        for q in &qs {
            m.tapq.insert(*q, std::vec![2, 2, 2, 0]);
        }
        let mut slots = std::vec![QueueReset::IDLE; qs.len()];
        let mut done = Vec::new();
        reset_batch(qs.iter().copied(), &mut slots, R, &mut m, |r| {
            done.push((r.apqn(), r.outcome()))
        });
        assert!(m.trace[..64].iter().all(|(k, _)| *k == 'z'));
        assert!(m.trace[64..].iter().all(|(k, _)| *k == 't'));
        assert_eq!(m.waits, 4, "one wait per round, not per queue");
        assert_eq!(done.len(), 64);
        assert!(done.iter().all(|(_, o)| *o == Some(Outcome::Completed)));
        for q in &qs {
            assert_eq!(m.count('t', *q), 4);
        }
    }

    #[test]
    fn fewer_slots_than_queues_reset_every_queue_in_turns() {
        let qs: Vec<Apqn> = (0..10).map(|d| apqn(1, d)).collect();
        for nslots in [0usize, 1, 3, 10, 12] {
            let mut m = Scripted::default();
            m.tapq.insert(qs[2], std::vec![0x35, 0]);
            let mut slots = std::vec![QueueReset::IDLE; nslots];
            let mut done = Vec::new();
            reset_batch(qs.iter().copied(), &mut slots, R, &mut m, |r| {
                done.push(r.apqn())
            });
            assert_eq!(done, qs, "{nslots} slots");
            assert_eq!(m.count('z', qs[2]), 2, "{nslots} slots");
        }
    }

    proptest::proptest! {
        /// Any scripted answers (each queue's last answer repeating for
        /// ever), any number of queues and slots, any bound: every queue is
        /// reset exactly once, in order, with at most `rounds` TAPQs and
        /// `rounds + 1` ZAPQs, and no more than `rounds` waits per batch.
        #[test]
        fn every_scripted_sequence_terminates_within_the_bound(
            scripts in proptest::collection::vec(
                (proptest::collection::vec(proptest::prelude::any::<u8>(), 0..6),
                 proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12)),
                1..6),
            nslots in 0usize..8,
            rounds in 0u32..25,
        ) {
            let qs: Vec<Apqn> = (0..scripts.len()).map(|i| apqn(9, i as u8)).collect();
            let mut m = Scripted::default();
            for (q, (z, t)) in qs.iter().zip(&scripts) {
                m.zapq.insert(*q, z.clone());
                m.tapq.insert(*q, t.clone());
            }
            let mut slots = std::vec![QueueReset::IDLE; nslots];
            let mut done = Vec::new();
            reset_batch(qs.iter().copied(), &mut slots, rounds, &mut m, |r| {
                done.push((r.apqn(), r.outcome().is_some()))
            });
            let expected: Vec<(Apqn, bool)> = qs.iter().map(|q| (*q, true)).collect();
            proptest::prop_assert_eq!(done, expected);
            for q in &qs {
                proptest::prop_assert!(m.count('t', *q) <= rounds as usize);
                proptest::prop_assert!(m.count('z', *q) <= rounds as usize + 1);
            }
            let batches = qs.len().div_ceil(nslots.max(1)) as u32;
            proptest::prop_assert!(m.waits <= rounds * batches);
        }
    }

    #[test]
    fn passability_and_failure_follow_the_last_zapq() {
        for (code, ok) in [
            (0, true),
            (3, true),
            (4, true),
            (1, false),
            (2, false),
            (5, false),
        ] {
            assert_eq!(passable(code), ok, "rc {code:#x}");
        }
        let done = |z: u8| {
            let mut r = QueueReset::start(apqn(0, 0), z);
            if r.step() == Step::Poll {
                r.tapq(0);
            }
            r
        };
        assert!(!done(0).failed());
        assert!(done(3).failed() && done(3).passable());
        assert!(done(1).failed() && !done(1).passable());
    }
}
