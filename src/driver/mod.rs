// SPDX-License-Identifier: GPL-2.0

//! The driver's logic, in safe Rust: the shared state and its locks, and
//! what each mdev file and event does, by way of the matrix core.

pub(crate) mod aqic;
pub(crate) mod guests;
pub(crate) mod mdev;
pub(crate) mod queues;
pub(crate) mod state;
pub(crate) mod update;
pub(crate) mod vfio;

use kernel::prelude::*;

/// The kernel errno of a matrix-core error.
pub(crate) fn errno(e: crate::matrix::errno::Error) -> Error {
    Error::from_errno(-e.errno())
}
