// SPDX-License-Identifier: GPL-2.0

//! KVM VMs and vCPUs as vfio_ap sees them: a referenced `struct kvm`, its
//! `kvm->lock`, its PQAP hook, and the registers of a vCPU that intercepted
//! PQAP(AQIC); and the per-queue interrupt resources a guest's AQIC takes:
//! a pinned notification indicator byte and a GISC registration.
//!
//! The same code in both flavours: the testbed's simulated VMs are real
//! `struct kvm` objects. What differs, the guest's CRYCB, GISC registration,
//! memslots, the GISA and the AQIC instruction, is the backend's
//! (`machine.rs` or `sim.rs`).

use core::marker::PhantomData;
use core::ptr::NonNull;

use kernel::ffi::c_void;
use kernel::prelude::*;
use kernel::types::NotThreadSafe;

use super::backend;
use crate::matrix::ap_matrix::Matrix;
use crate::sys::vfio::VfioDevice;

mod ffi {
    use kernel::ffi::{c_uint, c_void};

    extern "C" {
        pub(super) fn vfio_ap_kvm_get(kvm: *mut c_void);
        pub(super) fn vfio_ap_kvm_put(kvm: *mut c_void);
        pub(super) fn vfio_ap_kvm_lock(kvm: *mut c_void);
        pub(super) fn vfio_ap_kvm_unlock(kvm: *mut c_void);
        pub(super) fn vfio_ap_kvm_has_crycb(kvm: *mut c_void) -> bool;
        pub(super) fn vfio_ap_kvm_hook_lock(kvm: *mut c_void);
        pub(super) fn vfio_ap_kvm_hook_unlock(kvm: *mut c_void);
        pub(super) fn vfio_ap_kvm_hook_is_set(kvm: *mut c_void) -> bool;
        pub(super) fn vfio_ap_kvm_hook_set(kvm: *mut c_void, vdev: *mut c_void);
        pub(super) fn vfio_ap_kvm_hook_clear(kvm: *mut c_void);
        pub(super) fn vfio_ap_vcpu_gpr(vcpu: *mut c_void, n: c_uint) -> u64;
        pub(super) fn vfio_ap_vcpu_set_gpr(vcpu: *mut c_void, n: c_uint, value: u64);
        pub(super) fn vfio_ap_vcpu_has_aiv(vcpu: *mut c_void) -> bool;
    }
}

/// A KVM VM (`struct kvm`), referenced as `kvm_get_kvm` does; dropping it
/// is `kvm_put_kvm`.
pub(crate) struct Kvm {
    ptr: NonNull<c_void>,
}

// SAFETY: a reference to a `struct kvm` may be used and dropped from any
// thread; shared use goes through the VM's own locks.
unsafe impl Send for Kvm {}
// SAFETY: see `Send`.
unsafe impl Sync for Kvm {}

impl Kvm {
    /// Takes a reference to the VM `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a live `struct kvm` (its caller holds a reference for
    /// the duration of the call).
    pub(crate) unsafe fn get(ptr: NonNull<c_void>) -> Self {
        // SAFETY: guaranteed by the caller.
        unsafe { ffi::vfio_ap_kvm_get(ptr.as_ptr()) };
        Self { ptr }
    }

    /// Another reference to the same VM.
    pub(crate) fn clone_ref(&self) -> Self {
        // SAFETY: `self` holds a reference, so the VM is alive.
        unsafe { Self::get(self.ptr) }
    }

    /// Whether `self` and `other` are the same VM.
    pub(crate) fn same(&self, other: &Kvm) -> bool {
        self.ptr == other.ptr
    }

    /// Whether the VM has a crypto control block (`crycbd != 0`): a VM
    /// without one gets no AP resources (7.3 then opens the device but
    /// attaches nothing).
    pub(crate) fn has_crycb(&self) -> bool {
        // SAFETY: the VM is alive; the descriptor is set when it is made.
        unsafe { ffi::vfio_ap_kvm_has_crycb(self.ptr.as_ptr()) }
    }

    /// Takes `kvm->lock`.
    pub(crate) fn lock(&self) -> KvmLock<'_> {
        // SAFETY: the VM is alive; the guard releases the mutex.
        unsafe { ffi::vfio_ap_kvm_lock(self.ptr.as_ptr()) };
        KvmLock {
            kvm: self,
            _not_send: NotThreadSafe,
        }
    }

    /// The raw `struct kvm`, for the backend.
    pub(super) fn as_ptr(&self) -> *mut c_void {
        self.ptr.as_ptr()
    }
}

impl Drop for Kvm {
    fn drop(&mut self) {
        // SAFETY: drops the reference taken in `get`.
        unsafe { ffi::vfio_ap_kvm_put(self.ptr.as_ptr()) };
    }
}

/// `kvm->lock`, held; what changes the guest's CRYCB needs. Not `Send`:
/// the task that took the lock releases it.
pub(crate) struct KvmLock<'a> {
    kvm: &'a Kvm,
    _not_send: NotThreadSafe,
}

crate::assert_not_send!(KvmLock<'static>);

impl KvmLock<'_> {
    /// `kvm_arch_crypto_set_masks`: the guest's APCB becomes `shadow`.
    pub(crate) fn set_masks(&self, shadow: &Matrix) {
        backend::crypto_set_masks(self.kvm, shadow);
    }

    /// `kvm_arch_crypto_clear_masks`: the guest loses every AP resource.
    pub(crate) fn clear_masks(&self) {
        backend::crypto_clear_masks(self.kvm);
    }

    /// Takes the PQAP hook rwsem for writing (it nests inside `kvm->lock`
    /// in the documented lock order).
    pub(crate) fn hook(&self) -> HookLock<'_> {
        // SAFETY: the VM is alive; the guard releases the rwsem.
        unsafe { ffi::vfio_ap_kvm_hook_lock(self.kvm.as_ptr()) };
        HookLock {
            kvm: self.kvm,
            _not_send: NotThreadSafe,
        }
    }
}

impl Drop for KvmLock<'_> {
    fn drop(&mut self) {
        // SAFETY: this guard took the mutex in `Kvm::lock`.
        unsafe { ffi::vfio_ap_kvm_unlock(self.kvm.as_ptr()) };
    }
}

/// The VM's PQAP hook rwsem, held for writing.
pub(crate) struct HookLock<'a> {
    kvm: &'a Kvm,
    _not_send: NotThreadSafe,
}

crate::assert_not_send!(HookLock<'static>);

impl HookLock<'_> {
    /// Whether a PQAP hook is installed (another vfio-ap device serves the
    /// VM).
    pub(crate) fn is_set(&self) -> bool {
        // SAFETY: the VM is alive and the rwsem is held.
        unsafe { ffi::vfio_ap_kvm_hook_is_set(self.kvm.as_ptr()) }
    }

    /// Installs the hook of the mdev `vdev`: KVM calls it for the guest's
    /// PQAP(AQIC) until [`HookLock::remove`].
    pub(crate) fn install(&self, vdev: &VfioDevice) {
        // SAFETY: the VM is alive and the rwsem is held for writing; the
        // mdev's hook field lives as long as its vfio device, which is open
        // until the hook is removed (close removes it first).
        unsafe { ffi::vfio_ap_kvm_hook_set(self.kvm.as_ptr(), vdev.as_ptr()) };
    }

    /// Removes the hook: no call of it starts or is running once the
    /// rwsem is released (KVM calls it holding the rwsem for reading).
    pub(crate) fn remove(&self) {
        // SAFETY: the VM is alive and the rwsem is held for writing.
        unsafe { ffi::vfio_ap_kvm_hook_clear(self.kvm.as_ptr()) };
    }
}

impl Drop for HookLock<'_> {
    fn drop(&mut self) {
        // SAFETY: this guard took the rwsem in `KvmLock::hook`.
        unsafe { ffi::vfio_ap_kvm_hook_unlock(self.kvm.as_ptr()) };
    }
}

/// A vCPU that intercepted PQAP(AQIC), borrowed for the hook call.
pub(crate) struct Vcpu<'a> {
    ptr: NonNull<c_void>,
    _call: PhantomData<&'a mut ()>,
}

impl Vcpu<'_> {
    /// Borrows the vCPU KVM passes to the PQAP hook.
    ///
    /// # Safety
    ///
    /// `ptr` must be the live `struct kvm_vcpu` of a hook call, used only
    /// during that call (KVM holds the vCPU's mutex and the hook rwsem).
    pub(crate) unsafe fn from_raw(ptr: NonNull<c_void>) -> Self {
        Self {
            ptr,
            _call: PhantomData,
        }
    }

    /// General register `n` (0-15) of the guest.
    pub(crate) fn gpr(&self, n: u32) -> u64 {
        // SAFETY: the vCPU is alive during the call; the shim checks `n`.
        unsafe { ffi::vfio_ap_vcpu_gpr(self.ptr.as_ptr(), n) }
    }

    /// Sets general register `n` of the guest.
    pub(crate) fn set_gpr(&mut self, n: u32, value: u64) {
        // SAFETY: as in `gpr`; KVM reads the registers back after the call.
        unsafe { ffi::vfio_ap_vcpu_set_gpr(self.ptr.as_ptr(), n, value) };
    }

    /// Whether the guest has the adapter-interruption virtualization
    /// facility (ECA_AIV); without it AQIC is left to userspace.
    pub(crate) fn has_aiv(&self) -> bool {
        // SAFETY: the vCPU and its SIE block are alive during the call.
        unsafe { ffi::vfio_ap_vcpu_has_aiv(self.ptr.as_ptr()) }
    }

    /// The raw `struct kvm_vcpu`, for the backend (the production one asks
    /// KVM whether the guest is protected).
    #[cfg_attr(CONFIG_VFIO_AP_TESTBED, allow(dead_code))]
    pub(super) fn as_ptr(&self) -> *mut c_void {
        self.ptr.as_ptr()
    }
}

/// A guest ISC registered with the GIB (`kvm_s390_gisc_register`) for a
/// queue's interruptions; unregistered on drop.
pub(crate) struct GiscRegistration {
    kvm: Kvm,
    gisc: u8,
}

impl GiscRegistration {
    /// Registers the guest ISC `gisc` of `kvm`; returns the registration
    /// and the host ISC the GIB assigned.
    pub(crate) fn register(kvm: &Kvm, gisc: u8) -> Result<(Self, u8)> {
        let host_isc = backend::gisc_register(kvm, gisc)?;
        Ok((
            Self {
                kvm: kvm.clone_ref(),
                gisc,
            },
            host_isc,
        ))
    }
}

impl Drop for GiscRegistration {
    fn drop(&mut self) {
        if let Err(e) = backend::gisc_unregister(&self.kvm, self.gisc) {
            pr_warn!(
                "kvm_s390_gisc_unregister of ISC {} failed: {e:?}\n",
                self.gisc
            );
        }
    }
}

/// The page of a guest's notification indicator byte, pinned through VFIO
/// (`vfio_pin_pages`) while a queue's interruptions may write it; unpinned
/// on drop.
pub(crate) struct NibPin {
    vdev: VfioDevice,
    kvm: Kvm,
    iova: u64,
    phys: u64,
}

impl NibPin {
    /// Pins the page of `iova` (a guest address, which is the IOVA the
    /// guest's RAM is mapped at) of mdev `vdev` serving `kvm`.
    pub(crate) fn pin(vdev: &VfioDevice, kvm: &Kvm, iova: u64) -> Result<Self> {
        let phys = vdev.pin_page(iova)?;
        backend::note_pin(kvm, iova, true);
        Ok(Self {
            vdev: vdev.clone(),
            kvm: kvm.clone_ref(),
            iova,
            phys,
        })
    }

    /// The host physical address of the byte.
    pub(crate) fn phys(&self) -> u64 {
        self.phys
    }

    /// The guest address (IOVA) of the byte.
    pub(crate) fn iova(&self) -> u64 {
        self.iova
    }
}

impl Drop for NibPin {
    fn drop(&mut self) {
        self.vdev.unpin_page(self.iova);
        backend::note_pin(&self.kvm, self.iova, false);
    }
}
