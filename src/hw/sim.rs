// SPDX-License-Identifier: GPL-2.0

//! The simulated AP machine and AP bus of the testbed (`vfio_ap_sim.ko`).

use kernel::ffi::{c_int, c_void};

use super::QciBuffer;
use crate::matrix::ap_matrix::{HostConfig, QCI_INFO_SIZE};
use crate::matrix::ids::Apqn;

mod ffi {
    use kernel::ffi::{c_char, c_int, c_void};

    extern "C" {
        pub(super) fn vfio_ap_sim_instructions_available() -> bool;
        pub(super) fn vfio_ap_sim_qci(info: *mut u8) -> c_int;
        pub(super) fn vfio_ap_sim_tapq(qid: u16, t_bit: bool, hwinfo: *mut u64) -> u32;
        pub(super) fn vfio_ap_sim_zapq(qid: u16) -> u32;
        pub(super) fn vfio_ap_sim_driver_register(
            drv: *mut c_void,
            owner: *mut c_void,
            name: *const c_char,
        ) -> c_int;
        pub(super) fn vfio_ap_sim_driver_unregister(drv: *mut c_void);
    }
}

/// The response code in a 32-bit `struct ap_queue_status` (bits 8-15,
/// counted from the most significant bit).
fn response_code(status: u32) -> u8 {
    status.to_be_bytes()[1]
}

/// Whether the simulated machine has the AP instructions.
pub(crate) fn instructions_available() -> bool {
    // SAFETY: the simulator function takes no arguments and reads a module
    // parameter of the simulator, which modpost makes us depend on, so it is
    // loaded while we run.
    unsafe { ffi::vfio_ap_sim_instructions_available() }
}

/// The simulated host AP configuration, or `None` without QCI.
pub(crate) fn qci() -> Option<HostConfig> {
    let mut info = QciBuffer([0; QCI_INFO_SIZE]);
    // SAFETY: `info` is a writable, 8-byte aligned buffer of the size of
    // `struct ap_config_info`, all the simulator writes.
    let rc: c_int = unsafe { ffi::vfio_ap_sim_qci(info.0.as_mut_ptr()) };
    (rc == 0).then(|| HostConfig::from_qci(&info.0))
}

/// Simulated TAPQ of `apqn`: its response code.
pub(crate) fn tapq(apqn: Apqn) -> u8 {
    // SAFETY: no hardware information is asked for (null), so the simulator
    // writes no memory of ours.
    response_code(unsafe { ffi::vfio_ap_sim_tapq(apqn.raw(), false, core::ptr::null_mut()) })
}

/// Simulated TAPQ of `apqn` with the T bit: its response code and its
/// adapter's type (`struct ap_tapq_hwinfo`'s `at`, bits 32-39 from the MSB).
pub(crate) fn tapq_type(apqn: Apqn) -> (u8, u8) {
    let mut hwinfo = 0u64;
    // SAFETY: the simulator writes the 8-byte hardware information to
    // `hwinfo`, a local.
    let status = unsafe { ffi::vfio_ap_sim_tapq(apqn.raw(), true, &mut hwinfo) };
    (response_code(status), hwinfo.to_be_bytes()[4])
}

/// Simulated ZAPQ of `apqn`: its response code.
pub(crate) fn zapq(apqn: Apqn) -> u8 {
    // SAFETY: takes only a queue number.
    response_code(unsafe { ffi::vfio_ap_sim_zapq(apqn.raw()) })
}

/// Registers `drv` (a `struct ap_driver`) with the simulated AP bus.
///
/// # Safety
///
/// `drv` must point to a `struct ap_driver` that stays valid and is not
/// registered until [`unregister_driver`].
pub(crate) unsafe fn register_driver(drv: *mut c_void) -> c_int {
    // SAFETY: guaranteed by the caller; `THIS_MODULE` and the name are
    // static.
    unsafe {
        ffi::vfio_ap_sim_driver_register(
            drv,
            <crate::VfioAp as kernel::ModuleMetadata>::THIS_MODULE
                .as_ptr()
                .cast(),
            kernel::str::CStrExt::as_char_ptr(c"vfio_ap"),
        )
    }
}

/// Unregisters a driver registered with [`register_driver`].
///
/// # Safety
///
/// `drv` must be registered.
pub(crate) unsafe fn unregister_driver(drv: *mut c_void) {
    // SAFETY: guaranteed by the caller.
    unsafe { ffi::vfio_ap_sim_driver_unregister(drv) }
}

mod guest_ffi {
    use kernel::ffi::{c_int, c_ulong, c_void};

    /// `struct vfio_ap_sim_hooks`.
    #[repr(C)]
    pub(super) struct SimHooks {
        pub(super) attach: unsafe extern "C" fn(uuid: *const c_void, guest: *mut c_void) -> c_int,
        pub(super) detach: unsafe extern "C" fn(uuid: *const c_void, guest: *mut c_void),
    }

    extern "C" {
        pub(super) fn vfio_ap_sim_guest_get(guest: *mut c_void);
        pub(super) fn vfio_ap_sim_guest_put(guest: *mut c_void);
        pub(super) fn vfio_ap_sim_guest_lock(guest: *mut c_void);
        pub(super) fn vfio_ap_sim_guest_unlock(guest: *mut c_void);
        pub(super) fn vfio_ap_sim_guest_set_masks(
            guest: *mut c_void,
            apm: *const c_ulong,
            aqm: *const c_ulong,
            adm: *const c_ulong,
        );
        pub(super) fn vfio_ap_sim_guest_clear_masks(guest: *mut c_void);
        pub(super) fn vfio_ap_sim_set_hooks(hooks: *const SimHooks) -> c_int;
    }
}

/// A simulated guest (the testbed's stand-in for a KVM VM), referenced.
pub(crate) struct Guest {
    ptr: core::ptr::NonNull<c_void>,
}

// SAFETY: the simulator's guest functions may be called from any thread;
// the reference keeps the guest alive.
unsafe impl Send for Guest {}
// SAFETY: see `Send`; shared use goes through the guest's own lock.
unsafe impl Sync for Guest {}

impl Guest {
    /// Takes a reference to the simulator's guest `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` must be a live `struct vfio_ap_sim_guest`.
    unsafe fn get(ptr: core::ptr::NonNull<c_void>) -> Self {
        // SAFETY: guaranteed by the caller.
        unsafe { guest_ffi::vfio_ap_sim_guest_get(ptr.as_ptr()) };
        Self { ptr }
    }

    /// Whether `self` and `other` are the same guest.
    pub(crate) fn same(&self, other: &Guest) -> bool {
        self.ptr == other.ptr
    }

    /// Takes the guest's lock (`kvm->lock`).
    pub(crate) fn lock(&self) -> GuestLock<'_> {
        // SAFETY: `self` holds a reference, so the guest is alive.
        unsafe { guest_ffi::vfio_ap_sim_guest_lock(self.ptr.as_ptr()) };
        GuestLock { guest: self }
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        // SAFETY: drops the reference taken in `get`.
        unsafe { guest_ffi::vfio_ap_sim_guest_put(self.ptr.as_ptr()) };
    }
}

/// A simulated guest's lock, held; what changes its CRYCB needs.
pub(crate) struct GuestLock<'a> {
    guest: &'a Guest,
}

impl GuestLock<'_> {
    /// `kvm_arch_crypto_set_masks`: the guest's APCB becomes `shadow`.
    pub(crate) fn set_masks(&self, shadow: &crate::matrix::ap_matrix::Matrix) {
        let (apm, aqm, adm) = (shadow.apm.words(), shadow.aqm.words(), shadow.adm.words());
        // SAFETY: the guest is alive and locked (as the simulator asserts);
        // the masks are three arrays of 4 unsigned longs in native layout,
        // only read during the call.
        unsafe {
            guest_ffi::vfio_ap_sim_guest_set_masks(
                self.guest.ptr.as_ptr(),
                apm.as_ptr().cast(),
                aqm.as_ptr().cast(),
                adm.as_ptr().cast(),
            )
        };
    }

    /// `kvm_arch_crypto_clear_masks`: the guest loses every AP resource.
    pub(crate) fn clear_masks(&self) {
        // SAFETY: the guest is alive and locked.
        unsafe { guest_ffi::vfio_ap_sim_guest_clear_masks(self.guest.ptr.as_ptr()) };
    }
}

impl Drop for GuestLock<'_> {
    fn drop(&mut self) {
        // SAFETY: this guard took the lock in `Guest::lock`.
        unsafe { guest_ffi::vfio_ap_sim_guest_unlock(self.guest.ptr.as_ptr()) };
    }
}

/// Reads a UUID (`guid_t`) as its 16 bytes.
fn uuid_bytes(uuid: *const c_void) -> [u8; 16] {
    // SAFETY: the simulator passes a valid `guid_t`, 16 readable bytes.
    unsafe { core::ptr::read_unaligned(uuid.cast::<[u8; 16]>()) }
}

extern "C" fn sim_attach(uuid: *const c_void, guest: *mut c_void) -> c_int {
    let Some(ptr) = core::ptr::NonNull::new(guest) else {
        return kernel::error::code::EINVAL.to_errno();
    };
    // SAFETY: the simulator passes a live guest for the duration of the call.
    let guest = unsafe { Guest::get(ptr) };
    match crate::driver::guests::attach(uuid_bytes(uuid), guest) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

extern "C" fn sim_detach(uuid: *const c_void, guest: *mut c_void) {
    let Some(ptr) = core::ptr::NonNull::new(guest) else {
        return;
    };
    // SAFETY: the simulator passes a live guest for the duration of the call.
    let guest = unsafe { Guest::get(ptr) };
    crate::driver::guests::detach(uuid_bytes(uuid), &guest);
}

static HOOKS: guest_ffi::SimHooks = guest_ffi::SimHooks {
    attach: sim_attach,
    detach: sim_detach,
};

/// The simulated world's attach and detach hooks (what QEMU's opening and
/// closing of the vfio device are in production), registered while it lives.
pub(crate) struct GuestHooks {
    _private: (),
}

impl GuestHooks {
    /// Registers the hooks; must happen after the driver state is published.
    pub(crate) fn register() -> kernel::error::Result<Self> {
        // SAFETY: `HOOKS` is static; the simulator calls it only until it is
        // cleared in `drop`.
        kernel::error::to_result(unsafe { guest_ffi::vfio_ap_sim_set_hooks(&HOOKS) })?;
        Ok(Self { _private: () })
    }
}

impl Drop for GuestHooks {
    fn drop(&mut self) {
        // SAFETY: clearing the hooks makes the simulator detach every guest
        // through them and call them no more.
        unsafe { guest_ffi::vfio_ap_sim_set_hooks(core::ptr::null()) };
    }
}
