// SPDX-License-Identifier: GPL-2.0

//! The real AP machine and AP bus, reached through the C shims of
//! `src/c/ap_hw.c`.

use kernel::ffi::{c_int, c_void};

use super::{GuestEvents, QciBuffer};
use crate::matrix::ap_matrix::{HostConfig, QCI_INFO_SIZE};
use crate::matrix::ids::Apqn;

mod ffi {
    use kernel::ffi::{c_int, c_void};

    extern "C" {
        pub(super) fn vfio_ap_hw_instructions_available() -> bool;
        pub(super) fn vfio_ap_hw_qci_installed() -> bool;
        pub(super) fn vfio_ap_hw_qci(info: *mut u8) -> c_int;
        pub(super) fn vfio_ap_hw_tapq(qid: u16) -> u8;
        pub(super) fn vfio_ap_hw_zapq(qid: u16) -> u8;
        pub(super) fn vfio_ap_hw_tapq_type(qid: u16, adapter_type: *mut u8) -> u8;
        pub(super) fn vfio_ap_hw_driver_register(drv: *mut c_void) -> c_int;
        pub(super) fn vfio_ap_hw_driver_unregister(drv: *mut c_void);
    }
}

/// Whether this machine has the AP instructions (PQAP, NQAP, DQAP).
pub(crate) fn instructions_available() -> bool {
    // SAFETY: the shim takes no arguments and only executes PQAP(TAPQ) for
    // queue 00.0000, whose program check, if any, an exception-table fixup
    // turns into `false`; it may be called from any sleepable context.
    unsafe { ffi::vfio_ap_hw_instructions_available() }
}

/// The host's AP configuration from PQAP(QCI): `None` if the machine has no
/// QCI (facility 12), the error of QCI if it fails.
pub(crate) fn qci() -> kernel::error::Result<Option<HostConfig>> {
    // SAFETY: tests a facility bit; no arguments, any context.
    if !unsafe { ffi::vfio_ap_hw_qci_installed() } {
        return Ok(None);
    }
    let mut info = QciBuffer([0; QCI_INFO_SIZE]);
    // SAFETY: `info` is a writable, 8-byte aligned buffer of the size of
    // `struct ap_config_info`, which is all QCI writes.
    let rc: c_int = unsafe { ffi::vfio_ap_hw_qci(info.0.as_mut_ptr()) };
    kernel::error::to_result(rc)?;
    Ok(Some(HostConfig::from_qci(&info.0)))
}

/// PQAP(TAPQ) of `apqn`: its response code.
pub(crate) fn tapq(apqn: Apqn) -> u8 {
    // SAFETY: TAPQ takes only a queue number and changes no memory.
    unsafe { ffi::vfio_ap_hw_tapq(apqn.raw()) }
}

/// PQAP(TAPQ) of `apqn` with the T bit: its response code and its
/// adapter's type.
pub(crate) fn tapq_type(apqn: Apqn) -> (u8, u8) {
    let mut adapter_type = 0u8;
    // SAFETY: the shim writes one byte to `adapter_type`, a local.
    let code = unsafe { ffi::vfio_ap_hw_tapq_type(apqn.raw(), &mut adapter_type) };
    (code, adapter_type)
}

/// PQAP(ZAPQ) of `apqn`, without the F bit: its response code.
pub(crate) fn zapq(apqn: Apqn) -> u8 {
    // SAFETY: ZAPQ takes only a queue number and changes no memory.
    unsafe { ffi::vfio_ap_hw_zapq(apqn.raw()) }
}

/// Registers `drv` (a `struct ap_driver`) with the AP bus.
///
/// # Safety
///
/// `drv` must point to a `struct ap_driver` that stays valid and is not
/// registered until [`unregister_driver`].
pub(crate) unsafe fn register_driver(drv: *mut c_void) -> c_int {
    // SAFETY: guaranteed by the caller.
    unsafe { ffi::vfio_ap_hw_driver_register(drv) }
}

/// Unregisters a driver registered with [`register_driver`].
///
/// # Safety
///
/// `drv` must be registered.
pub(crate) unsafe fn unregister_driver(drv: *mut c_void) {
    // SAFETY: guaranteed by the caller.
    unsafe { ffi::vfio_ap_hw_driver_unregister(drv) }
}

/// A KVM guest. The production module attaches guests when QEMU opens the
/// vfio device, which arrives with the VFIO/KVM half of the driver; until
/// then no guest can exist, which the uninhabited type says.
pub(crate) enum Guest {}

impl Guest {
    /// Whether `self` and `other` are the same guest.
    #[allow(dead_code)]
    pub(crate) fn same(&self, _other: &Guest) -> bool {
        match *self {}
    }

    /// Takes `kvm->lock`.
    pub(crate) fn lock(&self) -> GuestLock<'_> {
        match *self {}
    }
}

/// `kvm->lock`, held. Not `Send`: the task that took the lock releases it.
pub(crate) struct GuestLock<'a> {
    guest: &'a Guest,
    _not_send: kernel::types::NotThreadSafe,
}

crate::assert_not_send!(GuestLock<'static>);

impl GuestLock<'_> {
    /// `kvm_arch_crypto_set_masks`.
    pub(crate) fn set_masks(&self, _shadow: &crate::matrix::ap_matrix::Matrix) {
        match *self.guest {}
    }

    /// `kvm_arch_crypto_clear_masks`.
    pub(crate) fn clear_masks(&self) {
        match *self.guest {}
    }
}

/// Guests attach through VFIO in production; nothing to register here.
pub(crate) struct GuestHooks<T: GuestEvents>(core::marker::PhantomData<T>);

impl<T: GuestEvents> GuestHooks<T> {
    /// Nothing to register.
    pub(crate) fn register(_ctx: kernel::sync::Arc<T>) -> kernel::error::Result<Self> {
        Ok(Self(core::marker::PhantomData))
    }
}
