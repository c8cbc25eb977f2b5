// SPDX-License-Identifier: GPL-2.0

//! The AP machine under the driver.
//!
//! The production module executes AP instructions through the C shims of
//! `src/c/ap_hw.c`; the testbed module asks the simulated machine of
//! `vfio_ap_sim.ko` instead. Exactly one of the two is compiled in, so the
//! production module carries no simulator code path. Everything above this
//! module is the same in both.

#[cfg(not(CONFIG_VFIO_AP_TESTBED))]
#[path = "machine.rs"]
mod backend;

#[cfg(CONFIG_VFIO_AP_TESTBED)]
#[path = "sim.rs"]
mod backend;

pub(crate) use backend::{
    instructions_available, qci, register_driver, tapq, tapq_type, unregister_driver, zapq, Guest,
    GuestHooks, GuestLock,
};

/// What guests tell the driver: a guest starts using an mdev (QEMU opening
/// the vfio device) or stops (closing it). The testbed's simulated world
/// delivers these through [`GuestHooks`]; in production VFIO's open and
/// close will (the VFIO/KVM half of the driver).
#[cfg_attr(not(CONFIG_VFIO_AP_TESTBED), allow(dead_code))]
pub(crate) trait GuestEvents: Send + Sync + 'static {
    /// `guest` wants the mdev with UUID `uuid` (a `guid_t`).
    fn attach(&self, uuid: [u8; 16], guest: Guest) -> kernel::error::Result;
    /// `guest` is done with the mdev `uuid`.
    fn detach(&self, uuid: [u8; 16], guest: &Guest);
}

/// A buffer for QCI's `struct ap_config_info`, which is `__aligned(8)`.
#[repr(C, align(8))]
struct QciBuffer([u8; crate::matrix::ap_matrix::QCI_INFO_SIZE]);
