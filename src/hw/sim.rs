// SPDX-License-Identifier: GPL-2.0

//! The simulated AP machine, AP bus and KVM of the testbed
//! (`vfio_ap_sim.ko`).

use kernel::ffi::{c_int, c_void};
use kernel::prelude::*;
use kernel::sync::{Arc, ArcBorrow};

use super::kvm::{Kvm, Vcpu};
use super::{GuestEvents, QciBuffer};
use crate::matrix::ap_matrix::{HostConfig, Matrix, QCI_INFO_SIZE};
use crate::matrix::ids::Apqn;

mod ffi {
    use kernel::ffi::{c_char, c_int, c_void};

    extern "C" {
        pub(super) fn vfio_ap_sim_instructions_available() -> bool;
        pub(super) fn vfio_ap_sim_qci_installed() -> bool;
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

/// The simulated host AP configuration: `None` if the machine has no QCI
/// (facility 12), the error of QCI if it fails.
pub(crate) fn qci() -> kernel::error::Result<Option<HostConfig>> {
    // SAFETY: reads a module parameter of the simulator, loaded while we run.
    if !unsafe { ffi::vfio_ap_sim_qci_installed() } {
        return Ok(None);
    }
    let mut info = QciBuffer([0; QCI_INFO_SIZE]);
    // SAFETY: `info` is a writable, 8-byte aligned buffer of the size of
    // `struct ap_config_info`, all the simulator writes.
    let rc: c_int = unsafe { ffi::vfio_ap_sim_qci(info.0.as_mut_ptr()) };
    kernel::error::to_result(rc)?;
    Ok(Some(HostConfig::from_qci(&info.0)))
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

/// Simulated TAPQ of `apqn`: the whole `struct ap_queue_status`.
pub(crate) fn tapq_status(apqn: Apqn) -> u32 {
    // SAFETY: no hardware information is asked for (null).
    unsafe { ffi::vfio_ap_sim_tapq(apqn.raw(), false, core::ptr::null_mut()) }
}

/// Simulated PQAP(AQIC) of `apqn` with GR1 `ctrl` and NIB `nib`: the status.
pub(crate) fn aqic(apqn: Apqn, ctrl: u64, nib: u64) -> u32 {
    // SAFETY: the simulator only records the values.
    unsafe { guest_ffi::vfio_ap_sim_aqic(apqn.raw(), ctrl, nib) }
}

mod guest_ffi {
    use kernel::ffi::{c_int, c_ulong, c_void};

    /// `struct vfio_ap_sim_hooks`.
    #[repr(C)]
    pub(super) struct SimHooks {
        pub(super) attach:
            extern "C" fn(ctx: *mut c_void, uuid: *const c_void, kvm: *mut c_void) -> c_int,
        pub(super) detach: extern "C" fn(ctx: *mut c_void, uuid: *const c_void, kvm: *mut c_void),
        pub(super) ctx: *mut c_void,
    }

    extern "C" {
        pub(super) fn vfio_ap_sim_crypto_set_masks(
            kvm: *mut c_void,
            apm: *const c_ulong,
            aqm: *const c_ulong,
            adm: *const c_ulong,
        );
        pub(super) fn vfio_ap_sim_crypto_clear_masks(kvm: *mut c_void);
        pub(super) fn vfio_ap_sim_gisc_register(kvm: *mut c_void, gisc: u32) -> c_int;
        pub(super) fn vfio_ap_sim_gisc_unregister(kvm: *mut c_void, gisc: u32) -> c_int;
        pub(super) fn vfio_ap_sim_gpa_in_memslot(kvm: *mut c_void, gpa: u64) -> bool;
        pub(super) fn vfio_ap_sim_gisa(kvm: *mut c_void) -> u32;
        pub(super) fn vfio_ap_sim_note_pin(kvm: *mut c_void, iova: u64, pinned: bool);
        pub(super) fn vfio_ap_sim_aqic(qid: u16, ctrl: u64, nib: u64) -> u32;
        pub(super) fn vfio_ap_sim_set_hooks(hooks: *const SimHooks) -> c_int;
    }
}

/// `kvm_arch_crypto_set_masks` on a simulated VM; `kvm->lock` is held.
pub(super) fn crypto_set_masks(kvm: &Kvm, shadow: &Matrix) {
    let (apm, aqm, adm) = (shadow.apm.words(), shadow.aqm.words(), shadow.adm.words());
    // SAFETY: the VM is alive and locked (the caller holds a `KvmLock`, as
    // the simulator asserts); the masks are three arrays of 4 unsigned
    // longs in native layout, only read during the call.
    unsafe {
        guest_ffi::vfio_ap_sim_crypto_set_masks(
            kvm.as_ptr(),
            apm.as_ptr().cast(),
            aqm.as_ptr().cast(),
            adm.as_ptr().cast(),
        )
    };
}

/// `kvm_arch_crypto_clear_masks` on a simulated VM; `kvm->lock` is held.
pub(super) fn crypto_clear_masks(kvm: &Kvm) {
    // SAFETY: the VM is alive and locked.
    unsafe { guest_ffi::vfio_ap_sim_crypto_clear_masks(kvm.as_ptr()) };
}

/// Simulated `kvm_s390_gisc_register`: the host ISC.
pub(super) fn gisc_register(kvm: &Kvm, gisc: u8) -> Result<u8> {
    // SAFETY: the VM is alive (a reference is held).
    let rc = unsafe { guest_ffi::vfio_ap_sim_gisc_register(kvm.as_ptr(), u32::from(gisc)) };
    kernel::error::to_result(rc)?;
    u8::try_from(rc).map_err(|_| EINVAL)
}

/// Simulated `kvm_s390_gisc_unregister`.
pub(super) fn gisc_unregister(kvm: &Kvm, gisc: u8) -> Result {
    // SAFETY: the VM is alive (a reference is held).
    kernel::error::to_result(unsafe {
        guest_ffi::vfio_ap_sim_gisc_unregister(kvm.as_ptr(), u32::from(gisc))
    })
}

/// Simulated `kvm_s390_is_gpa_in_memslot`.
pub(crate) fn gpa_in_memslot(kvm: &Kvm, gpa: u64) -> bool {
    // SAFETY: the VM is alive (a reference is held).
    unsafe { guest_ffi::vfio_ap_sim_gpa_in_memslot(kvm.as_ptr(), gpa) }
}

/// The simulated VM's GISA origin >> 4.
pub(crate) fn gisa(kvm: &Kvm) -> u32 {
    // SAFETY: the VM is alive (a reference is held).
    unsafe { guest_ffi::vfio_ap_sim_gisa(kvm.as_ptr()) }
}

/// Tells the simulator a NIB page was pinned or unpinned (its `pins`
/// counter and trace).
pub(super) fn note_pin(kvm: &Kvm, iova: u64, pinned: bool) {
    // SAFETY: the VM is alive (a reference is held).
    unsafe { guest_ffi::vfio_ap_sim_note_pin(kvm.as_ptr(), iova, pinned) };
}

/// Simulated VMs are never protected (Secure Execution): every pinned page
/// is shared.
pub(crate) fn nib_shared(_vcpu: &Vcpu<'_>, _phys: u64) -> bool {
    true
}

/// Reads a UUID (`guid_t`) as its 16 bytes.
///
/// # Safety
///
/// `uuid` must point to 16 readable bytes.
unsafe fn uuid_bytes(uuid: *const c_void) -> [u8; 16] {
    // SAFETY: guaranteed by the caller.
    unsafe { core::ptr::read_unaligned(uuid.cast::<[u8; 16]>()) }
}

/// The simulated world's attach and detach hooks (what QEMU's opening and
/// closing of the vfio device are in production), registered while it lives;
/// `T` receives them.
pub(crate) struct GuestHooks<T: GuestEvents> {
    hooks: KBox<guest_ffi::SimHooks>,
    _owns: core::marker::PhantomData<Arc<T>>,
}

// SAFETY: the value owns the hooks table and a reference to the `Arc` in
// it, both usable from any thread.
unsafe impl<T: GuestEvents> Send for GuestHooks<T> {}
// SAFETY: `&GuestHooks` exposes nothing.
unsafe impl<T: GuestEvents> Sync for GuestHooks<T> {}

impl<T: GuestEvents> GuestHooks<T> {
    /// Registers the hooks, delivering them to `ctx`.
    pub(crate) fn register(ctx: Arc<T>) -> kernel::error::Result<Self> {
        let mut hooks = KBox::new(
            guest_ffi::SimHooks {
                attach: Self::attach,
                detach: Self::detach,
                ctx: core::ptr::null_mut(),
            },
            GFP_KERNEL,
        )?;
        hooks.ctx = Arc::into_raw(ctx).cast_mut().cast();
        // SAFETY: the table lives in the returned value, which clears the
        // hooks before dropping it.
        let rc = unsafe { guest_ffi::vfio_ap_sim_set_hooks(&*hooks) };
        if let Err(e) = kernel::error::to_result(rc) {
            // SAFETY: not registered: no hook can use the context.
            drop(unsafe { Arc::from_raw(hooks.ctx.cast::<T>()) });
            return Err(e);
        }
        Ok(Self {
            hooks,
            _owns: core::marker::PhantomData,
        })
    }

    /// # Safety
    ///
    /// `ctx` must be the context of registered hooks, in a hook call.
    unsafe fn ctx<'a>(ctx: *mut c_void) -> ArcBorrow<'a, T> {
        // SAFETY: made by `Arc::into_raw` in `register`, released only after
        // the hooks are cleared and no call is in flight.
        unsafe { ArcBorrow::from_raw(ctx.cast::<T>()) }
    }

    extern "C" fn attach(ctx: *mut c_void, uuid: *const c_void, kvm: *mut c_void) -> c_int {
        let Some(ptr) = core::ptr::NonNull::new(kvm) else {
            return kernel::error::code::EINVAL.to_errno();
        };
        // SAFETY: a hook call: the context is live, the UUID is a `guid_t`,
        // and the simulator passes a live VM for the call.
        let (this, uuid, kvm) = unsafe { (Self::ctx(ctx), uuid_bytes(uuid), Kvm::get(ptr)) };
        match this.attach(uuid, kvm) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    extern "C" fn detach(ctx: *mut c_void, uuid: *const c_void, kvm: *mut c_void) {
        let Some(ptr) = core::ptr::NonNull::new(kvm) else {
            return;
        };
        // SAFETY: as in `attach`.
        let (this, uuid, kvm) = unsafe { (Self::ctx(ctx), uuid_bytes(uuid), Kvm::get(ptr)) };
        this.detach(uuid, &kvm);
    }
}

impl<T: GuestEvents> Drop for GuestHooks<T> {
    fn drop(&mut self) {
        // SAFETY: clearing the hooks makes the simulator detach every guest
        // through them, wait for calls in flight, and call them no more; the
        // context's reference can go after that.
        unsafe {
            guest_ffi::vfio_ap_sim_set_hooks(core::ptr::null());
            drop(Arc::from_raw(self.hooks.ctx.cast::<T>()));
        }
    }
}
