// SPDX-License-Identifier: GPL-2.0

//! Host build of the vfio_ap matrix core, for `cargo test` and benchmarks.
//! The module is the very file the kernel module compiles (`mod.rs`).

#![no_std]

#[cfg(test)]
extern crate std;

#[path = "mod.rs"]
mod vfio_ap_matrix;

pub use vfio_ap_matrix::*;
