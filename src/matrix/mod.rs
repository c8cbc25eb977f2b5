// SPDX-License-Identifier: GPL-2.0

//! The matrix core: everything vfio_ap decides about adapters, domains and
//! control domains, as pure functions over fixed-size values.
//!
//! These files use `core` only: no allocation, no panics, no `unsafe`. The
//! same files are compiled into the kernel module (`src/vfio_ap_main.rs`) and
//! into the host crate `src/matrix/Cargo.toml`, where `cargo test` checks them.

#![forbid(unsafe_code)]

pub mod ap_matrix;
pub mod aqic;
#[cfg(any(test, CONFIG_KUNIT))]
pub mod cases;
pub mod errno;
pub mod filter;
pub mod format;
pub mod ids;
pub mod mask;
pub mod mdev;
pub mod parse;
pub mod reset;
pub mod validate;
pub mod vfio_ioctl;
