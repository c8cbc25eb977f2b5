// SPDX-License-Identifier: GPL-2.0

//! Resetting a queue (PQAP/ZAPQ) and waiting for the reset to finish, as a
//! state machine the caller drives with the real or simulated instructions.
//!
//! This is Linux 7.3's `vfio_ap_mdev_reset_queue()` and `apq_reset_check()`:
//! ZAPQ; if it was accepted, poll TAPQ every 20 ms; re-issue ZAPQ while ZAPQ
//! itself said "in progress", "busy" or "state change in progress", or when
//! TAPQ reports a failed secret association; stop once TAPQ settles. One
//! deliberate difference: the C driver polls forever (upstream defect 3);
//! here the wait is bounded, and a queue that never settles is reported as
//! timed out, which makes it not passable.

#![forbid(unsafe_code)]

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

/// Polls before a reset counts as timed out: 30 s, far beyond any real
/// adapter's reset time.
pub const MAX_POLLS: u32 = 1500;

/// What the caller does next.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Step {
    /// Sleep [`POLL_INTERVAL_MS`], then issue TAPQ and call
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
    /// TAPQ kept saying "busy" for [`MAX_POLLS`] polls.
    TimedOut,
}

/// One queue's reset in progress.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct QueueReset {
    /// Response code of the last ZAPQ (`q->reset_status`).
    zapq_rc: u8,
    polls: u32,
}

impl QueueReset {
    /// Starts a reset with the response code of the first ZAPQ.
    pub fn start(zapq_rc: u8) -> (Self, Step) {
        let mut reset = Self { zapq_rc, polls: 0 };
        let step = reset.zapq(zapq_rc);
        (reset, step)
    }

    /// The response code of the last ZAPQ, which decides passability.
    pub fn zapq_rc(&self) -> u8 {
        self.zapq_rc
    }

    /// A ZAPQ (first or repeated) ended with `zapq_rc`.
    pub fn zapq(&mut self, zapq_rc: u8) -> Step {
        let first = self.polls == 0;
        self.zapq_rc = zapq_rc;
        if !first {
            // `apq_reset_check()` goes on polling whatever the repeat said.
            return Step::Poll;
        }
        match zapq_rc {
            rc::NORMAL | rc::RESET_IN_PROGRESS | rc::BUSY | rc::STATE_CHANGE_IN_PROGRESS => {
                Step::Poll
            }
            rc::DECONFIGURED | rc::CHECKSTOPPED => Step::Done(Outcome::Completed),
            rc::Q_NOT_AVAIL => Step::Done(Outcome::Gone),
            other => Step::Done(Outcome::InvalidZapq(other)),
        }
    }

    /// A TAPQ poll ended with `tapq_rc`.
    pub fn tapq(&mut self, tapq_rc: u8) -> Step {
        self.polls = self.polls.saturating_add(1);
        match tapq_rc {
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
            rc::RESET_IN_PROGRESS | rc::BUSY => {
                if self.polls >= MAX_POLLS {
                    Step::Done(Outcome::TimedOut)
                } else {
                    Step::Poll
                }
            }
            rc::ASSOC_SECRET_NOT_UNIQUE | rc::ASSOC_FAILED => Step::Rezap,
            rc::Q_NOT_AVAIL => Step::Done(Outcome::Gone),
            other => Step::Done(Outcome::InvalidTapq(other)),
        }
    }

    /// Whether the queue may be passed to a guest after this reset.
    pub fn passable(&self, outcome: Outcome) -> bool {
        outcome != Outcome::TimedOut && passable(self.zapq_rc)
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
mod tests {
    use super::*;

    /// Drives a reset with scripted ZAPQ and TAPQ answers.
    fn run(zapqs: &[u8], tapqs: &[u8]) -> (Outcome, u8, usize, usize) {
        let mut z = zapqs.iter().copied();
        let mut t = tapqs.iter().copied();
        let (mut reset, mut step) = QueueReset::start(z.next().unwrap_or(rc::NORMAL));
        let (mut zaps, mut polls) = (1, 0);
        loop {
            step = match step {
                Step::Poll => {
                    polls += 1;
                    reset.tapq(t.next().unwrap_or(rc::NORMAL))
                }
                Step::Rezap => {
                    zaps += 1;
                    reset.zapq(z.next().unwrap_or(rc::NORMAL))
                }
                Step::Done(outcome) => return (outcome, reset.zapq_rc(), zaps, polls),
            };
        }
    }

    #[test]
    fn normal_reset_polls_once() {
        assert_eq!(run(&[0], &[0]), (Outcome::Completed, 0, 1, 1));
    }

    #[test]
    fn busy_tapq_keeps_polling() {
        assert_eq!(run(&[0], &[2, 2, 5, 0]), (Outcome::Completed, 0, 1, 4));
    }

    #[test]
    fn zapq_in_progress_is_repeated_until_final() {
        // ZAPQ says 02; TAPQ settles; ZAPQ again (now 00); TAPQ settles.
        assert_eq!(run(&[2, 0], &[0, 0]), (Outcome::Completed, 0, 2, 2));
        assert_eq!(
            run(&[5, 0x0a, 0], &[0, 0, 0]),
            (Outcome::Completed, 0, 3, 3)
        );
    }

    #[test]
    fn association_failures_reset_again() {
        assert_eq!(run(&[0, 0], &[0x35, 0]), (Outcome::Completed, 0, 2, 2));
    }

    #[test]
    fn final_zapq_codes_end_at_once() {
        assert_eq!(run(&[3], &[]), (Outcome::Completed, 3, 1, 0));
        assert_eq!(run(&[4], &[]), (Outcome::Completed, 4, 1, 0));
        assert_eq!(run(&[1], &[]), (Outcome::Gone, 1, 1, 0));
        assert_eq!(run(&[0x20], &[]), (Outcome::InvalidZapq(0x20), 0x20, 1, 0));
    }

    #[test]
    fn tapq_gone_or_invalid() {
        assert_eq!(run(&[0], &[1]), (Outcome::Gone, 0, 1, 1));
        assert_eq!(run(&[0], &[0x21]), (Outcome::InvalidTapq(0x21), 0, 1, 1));
    }

    #[test]
    fn a_reset_that_never_settles_times_out() {
        let busy = [2u8; MAX_POLLS as usize];
        let (outcome, zapq_rc, _, polls) = run(&[0], &busy);
        assert_eq!(outcome, Outcome::TimedOut);
        assert_eq!(polls, MAX_POLLS as usize);
        let (reset, _) = QueueReset::start(zapq_rc);
        assert!(!reset.passable(outcome));
    }

    #[test]
    fn passability_follows_the_last_zapq() {
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
    }
}
