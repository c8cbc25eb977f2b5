// SPDX-License-Identifier: GPL-2.0

//! The machine under the driver: AP instructions, the AP bus, and KVM.
//!
//! The production module executes AP instructions and calls KVM through the
//! C shims of `src/c/ap_hw.c` and `src/c/kvm_hw.c`; the testbed module asks
//! the simulated machine of `vfio_ap_sim.ko` instead. Exactly one of the two
//! backends is compiled in, so the production module carries no simulator
//! code path. `kvm.rs` (VMs, vCPUs, interrupt resources) is common to both:
//! the simulated VMs are real `struct kvm` objects. Everything above this
//! module is the same in both.

pub(crate) mod kvm;

#[cfg(not(CONFIG_VFIO_AP_TESTBED))]
#[path = "machine.rs"]
mod backend;

#[cfg(CONFIG_VFIO_AP_TESTBED)]
#[path = "sim.rs"]
mod backend;

pub(crate) use backend::{
    aqic, gisa, gpa_in_memslot, instructions_available, nib_shared, qci, register_driver, tapq,
    tapq_status, tapq_type, unregister_driver, zapq, GuestHooks,
};
pub(crate) use kvm::{GiscRegistration, Kvm, KvmLock, NibPin, Vcpu};

/// What guests tell the driver: a guest starts using an mdev (QEMU opening
/// the vfio device) or stops (closing it). The testbed's simulated world
/// delivers these through [`GuestHooks`]; in production VFIO's open and
/// close will (the VFIO/KVM half of the driver).
#[cfg_attr(not(CONFIG_VFIO_AP_TESTBED), allow(dead_code))]
pub(crate) trait GuestEvents: Send + Sync + 'static {
    /// The VM `kvm` wants the mdev with UUID `uuid` (a `guid_t`).
    fn attach(&self, uuid: [u8; 16], kvm: Kvm) -> kernel::error::Result;
    /// The VM `kvm` is done with the mdev `uuid`.
    fn detach(&self, uuid: [u8; 16], kvm: &Kvm);
}

/// A buffer for QCI's `struct ap_config_info`, which is `__aligned(8)`.
#[repr(C, align(8))]
struct QciBuffer([u8; crate::matrix::ap_matrix::QCI_INFO_SIZE]);
