// SPDX-License-Identifier: GPL-2.0

//! The real AP machine, AP bus and KVM, reached through the C shims of
//! `src/c/ap_hw.c` and `src/c/kvm_hw.c`.

use kernel::ffi::{c_int, c_void};
use kernel::prelude::*;

use super::kvm::{Kvm, Vcpu};
use super::{GuestEvents, QciBuffer};
use crate::matrix::ap_matrix::{HostConfig, Matrix, QCI_INFO_SIZE};
use crate::matrix::ids::Apqn;

mod ffi {
    use kernel::ffi::{c_int, c_ulong, c_void};

    extern "C" {
        pub(super) fn vfio_ap_hw_tapq_status(qid: u16) -> u32;
        pub(super) fn vfio_ap_hw_aqic(qid: u16, ctrl: u64, nib: u64) -> u32;
        pub(super) fn vfio_ap_hw_crypto_set_masks(
            kvm: *mut c_void,
            apm: *mut c_ulong,
            aqm: *mut c_ulong,
            adm: *mut c_ulong,
        );
        pub(super) fn vfio_ap_hw_crypto_clear_masks(kvm: *mut c_void);
        pub(super) fn vfio_ap_hw_gisc_register(kvm: *mut c_void, gisc: u32) -> c_int;
        pub(super) fn vfio_ap_hw_gisc_unregister(kvm: *mut c_void, gisc: u32) -> c_int;
        pub(super) fn vfio_ap_hw_gpa_in_memslot(kvm: *mut c_void, gpa: u64) -> bool;
        pub(super) fn vfio_ap_hw_gisa(kvm: *mut c_void) -> u32;
        pub(super) fn vfio_ap_hw_pv_protected(vcpu: *mut c_void) -> bool;
        pub(super) fn vfio_ap_hw_uv_pin_shared(paddr: u64) -> c_int;
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

/// PQAP(TAPQ) of `apqn`: the whole `struct ap_queue_status`.
pub(crate) fn tapq_status(apqn: Apqn) -> u32 {
    // SAFETY: TAPQ takes only a queue number and changes no memory.
    unsafe { ffi::vfio_ap_hw_tapq_status(apqn.raw()) }
}

/// PQAP(AQIC) of `apqn` with GR1 `ctrl` (`union ap_qirq_ctrl`) and the
/// notification indicator byte at host physical address `nib`: the status.
pub(crate) fn aqic(apqn: Apqn, ctrl: u64, nib: u64) -> u32 {
    // SAFETY: AQIC only makes the adapter write `nib` later, a page the
    // caller keeps pinned until the interruption is off again (`NibPin`).
    unsafe { ffi::vfio_ap_hw_aqic(apqn.raw(), ctrl, nib) }
}

/// `kvm_arch_crypto_set_masks`; `kvm->lock` is held.
pub(super) fn crypto_set_masks(kvm: &Kvm, shadow: &Matrix) {
    let (mut apm, mut aqm, mut adm) = (shadow.apm.words(), shadow.aqm.words(), shadow.adm.words());
    // SAFETY: the VM is alive and locked (the caller holds a `KvmLock`);
    // the masks are three arrays of 4 unsigned longs in native layout,
    // which KVM only reads.
    unsafe {
        ffi::vfio_ap_hw_crypto_set_masks(
            kvm.as_ptr(),
            apm.as_mut_ptr().cast(),
            aqm.as_mut_ptr().cast(),
            adm.as_mut_ptr().cast(),
        )
    };
}

/// `kvm_arch_crypto_clear_masks`; `kvm->lock` is held.
pub(super) fn crypto_clear_masks(kvm: &Kvm) {
    // SAFETY: the VM is alive and locked (the caller holds a `KvmLock`).
    unsafe { ffi::vfio_ap_hw_crypto_clear_masks(kvm.as_ptr()) };
}

/// `kvm_s390_gisc_register`: the host ISC for the guest ISC `gisc`.
pub(super) fn gisc_register(kvm: &Kvm, gisc: u8) -> Result<u8> {
    // SAFETY: the VM is alive (a reference is held).
    let rc = unsafe { ffi::vfio_ap_hw_gisc_register(kvm.as_ptr(), u32::from(gisc)) };
    kernel::error::to_result(rc)?;
    u8::try_from(rc).map_err(|_| EINVAL)
}

/// `kvm_s390_gisc_unregister`.
pub(super) fn gisc_unregister(kvm: &Kvm, gisc: u8) -> Result {
    // SAFETY: the VM is alive (a reference is held).
    kernel::error::to_result(unsafe {
        ffi::vfio_ap_hw_gisc_unregister(kvm.as_ptr(), u32::from(gisc))
    })
}

/// `kvm_s390_is_gpa_in_memslot`.
pub(crate) fn gpa_in_memslot(kvm: &Kvm, gpa: u64) -> bool {
    // SAFETY: the VM is alive (a reference is held).
    unsafe { ffi::vfio_ap_hw_gpa_in_memslot(kvm.as_ptr(), gpa) }
}

/// The VM's GISA origin, shifted right by 4 (the `gisa` of the AQIC
/// control).
pub(crate) fn gisa(kvm: &Kvm) -> u32 {
    // SAFETY: the VM is alive (a reference is held).
    unsafe { ffi::vfio_ap_hw_gisa(kvm.as_ptr()) }
}

/// Nothing to count on a real machine.
pub(super) fn note_pin(_kvm: &Kvm, _iova: u64, _pinned: bool) {}

/// Whether the NIB page at host physical `phys`, pinned by VFIO, may be
/// used for the guest of `vcpu`: for a protected (Secure Execution) guest
/// it must be shared storage, which the Ultravisor's shared pin confirms.
pub(crate) fn nib_shared(vcpu: &Vcpu<'_>, phys: u64) -> bool {
    // SAFETY: the vCPU is alive during the hook call that passed it.
    if !unsafe { ffi::vfio_ap_hw_pv_protected(vcpu.as_ptr()) } {
        return true;
    }
    // SAFETY: `phys` is a page the caller holds pinned.
    unsafe { ffi::vfio_ap_hw_uv_pin_shared(phys & !0xfff) == 0 }
}

/// Guests attach through VFIO in production; nothing to register here.
pub(crate) struct GuestHooks<T: GuestEvents>(core::marker::PhantomData<T>);

impl<T: GuestEvents> GuestHooks<T> {
    /// Nothing to register.
    pub(crate) fn register(_ctx: kernel::sync::Arc<T>) -> kernel::error::Result<Self> {
        Ok(Self(core::marker::PhantomData))
    }
}
