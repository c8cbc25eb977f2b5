// SPDX-License-Identifier: GPL-2.0

//! vfio_ap's AP bus driver (the static `struct ap_driver` of
//! `src/c/ap_drv.c`): its registration, and the callbacks a driver
//! implements ([`QueueDriver`]), reached through a table of C-callable
//! trampolines handed to the C side at registration.

use core::marker::PhantomData;

use kernel::ffi::{c_char, c_int, c_ulong, c_void};
use kernel::prelude::*;
use kernel::sync::{Arc, ArcBorrow};

use super::sysfs::Page;
use crate::hw;
use crate::matrix::ap_matrix::{HostConfig, QCI_INFO_SIZE};
use crate::matrix::format::SysfsBuf;
use crate::matrix::ids::Apqn;
use crate::matrix::mask::{ApidMask, ApqiMask, Mask, MaskId, MASK_WORDS};

/// What the AP bus asks of its driver. Every method runs in process
/// context; the bus's locks held during each are those of
/// `Documentation/locking.md`.
pub(crate) trait QueueDriver: Send + Sync + 'static {
    /// A queue of a supported type is bound to the driver (`probe`).
    fn probe(&self, apqn: Apqn) -> Result;
    /// A bound queue is being unbound (`remove`); cannot fail.
    fn remove(&self, apqn: Apqn);
    /// The text of a bound queue's `status` file.
    fn status_show(&self, apqn: Apqn, out: &mut SysfsBuf<'_>);
    /// Whether the bus may reserve `apm` x `aqm` for its default drivers
    /// (`in_use`), with `ap_attr_mutex` held.
    fn in_use(&self, apm: &ApidMask, aqm: &ApqiMask) -> Result;
    /// The host's AP configuration changed from `old` to `new`, at the start
    /// of a bus scan (`on_config_changed`); cannot fail.
    fn config_changed(&self, new: &HostConfig, old: &HostConfig);
    /// The scan after a configuration change is complete
    /// (`on_scan_complete`); cannot fail.
    fn scan_complete(&self);
}

/// `struct vfio_ap_rs_queue_ops` of `src/c/glue.h`.
#[repr(C)]
struct QueueOps {
    probe: extern "C" fn(*const c_void, u16) -> c_int,
    remove: extern "C" fn(*const c_void, u16),
    status_show: extern "C" fn(*const c_void, u16, *mut c_char) -> isize,
    in_use: extern "C" fn(*const c_void, *const c_ulong, *const c_ulong) -> c_int,
    config_changed: extern "C" fn(*const c_void, *const c_void, *const c_void),
    scan_complete: extern "C" fn(*const c_void),
}

extern "C" {
    fn vfio_ap_glue_ap_driver(ops: *const QueueOps, ctx: *const c_void) -> *mut c_void;
    fn vfio_ap_glue_ap_driver_clear();
}

/// The registered AP bus driver; dropping it unbinds every queue (each
/// through [`QueueDriver::remove`]), unregisters it, and only then releases
/// the driver's context.
pub(crate) struct ApDriver<T: QueueDriver> {
    drv: *mut c_void,
    ctx: *const T,
    _owns: PhantomData<Arc<T>>,
}

// SAFETY: the pointers name a static C object and an `Arc` that the value
// owns; both may be used from any thread.
unsafe impl<T: QueueDriver> Send for ApDriver<T> {}
// SAFETY: `&ApDriver` exposes nothing but the pointers' values.
unsafe impl<T: QueueDriver> Sync for ApDriver<T> {}

impl<T: QueueDriver> ApDriver<T> {
    const OPS: QueueOps = QueueOps {
        probe: Self::probe,
        remove: Self::remove,
        status_show: Self::status_show,
        in_use: Self::in_use,
        config_changed: Self::config_changed,
        scan_complete: Self::scan_complete,
    };

    /// Registers the driver with the AP bus (real or simulated), which
    /// probes every queue it may have at once; `ctx` receives the callbacks.
    pub(crate) fn register(ctx: Arc<T>) -> Result<Self> {
        let ops = Self::OPS;
        let ctx = Arc::into_raw(ctx);
        // SAFETY: the shim copies the table and keeps `ctx`, which stays
        // valid (we own its reference) until `drop`; it returns the address
        // of a static `struct ap_driver`.
        let drv = unsafe { vfio_ap_glue_ap_driver(&ops, ctx.cast()) };
        let this = Self {
            drv,
            ctx,
            _owns: PhantomData,
        };
        // SAFETY: the driver is static and registered once, until `drop`.
        match kernel::error::to_result(unsafe { hw::register_driver(drv) }) {
            Ok(()) => Ok(this),
            Err(e) => {
                // Never registered: no callback runs; `drop` must not
                // unregister, so release by hand.
                let this = core::mem::ManuallyDrop::new(this);
                this.release_ctx();
                Err(e)
            }
        }
    }

    /// Forgets the callback table and drops the context's reference; no
    /// callback may run any more.
    fn release_ctx(&self) {
        // SAFETY: called once, after the last callback, with the pointer
        // from `Arc::into_raw` in `register`.
        unsafe {
            vfio_ap_glue_ap_driver_clear();
            drop(Arc::from_raw(self.ctx));
        }
    }

    /// The driver behind a callback's context pointer.
    ///
    /// # Safety
    ///
    /// `ctx` must be the pointer given to the shim in `register`, used
    /// while the driver is registered.
    unsafe fn ctx<'a>(ctx: *const c_void) -> ArcBorrow<'a, T> {
        // SAFETY: `register` made it with `Arc::into_raw`; the reference
        // lives until after unregistration, so through every callback.
        unsafe { ArcBorrow::from_raw(ctx.cast::<T>()) }
    }

    extern "C" fn probe(ctx: *const c_void, qid: u16) -> c_int {
        // SAFETY: a callback of the registered driver.
        let this = unsafe { Self::ctx(ctx) };
        match this.probe(Apqn::from_raw(qid)) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    extern "C" fn remove(ctx: *const c_void, qid: u16) {
        // SAFETY: a callback of the registered driver.
        unsafe { Self::ctx(ctx) }.remove(Apqn::from_raw(qid));
    }

    extern "C" fn status_show(ctx: *const c_void, qid: u16, buf: *mut c_char) -> isize {
        // SAFETY: a callback of the registered driver.
        let this = unsafe { Self::ctx(ctx) };
        // SAFETY: sysfs hands show a page-sized, writable buffer.
        let mut page = unsafe { Page::from_raw(buf) };
        this.status_show(Apqn::from_raw(qid), page.writer());
        page.len() as isize
    }

    extern "C" fn in_use(ctx: *const c_void, apm: *const c_ulong, aqm: *const c_ulong) -> c_int {
        // SAFETY: a callback of the registered driver.
        let this = unsafe { Self::ctx(ctx) };
        // SAFETY: the AP bus passes two 256-bit bitmaps.
        let (apm, aqm) = unsafe { (mask_from(apm), mask_from(aqm)) };
        match this.in_use(&apm, &aqm) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    extern "C" fn config_changed(ctx: *const c_void, new: *const c_void, old: *const c_void) {
        // SAFETY: a callback of the registered driver.
        let this = unsafe { Self::ctx(ctx) };
        // SAFETY: the AP bus passes two valid QCI infos (the C side checked
        // that they are not NULL).
        let (new, old) = unsafe { (host_config(new), host_config(old)) };
        this.config_changed(&new, &old);
    }

    extern "C" fn scan_complete(ctx: *const c_void) {
        // SAFETY: a callback of the registered driver.
        unsafe { Self::ctx(ctx) }.scan_complete();
    }
}

impl<T: QueueDriver> Drop for ApDriver<T> {
    fn drop(&mut self) {
        // SAFETY: registered in `register`, unregistered once, here; the bus
        // runs no callback of ours once this returns.
        unsafe { hw::unregister_driver(self.drv) };
        self.release_ctx();
    }
}

/// Reads a C bitmap of 256 bits (`unsigned long[4]`, s390 layout).
///
/// # Safety
///
/// `bits` must point to 4 readable unsigned longs.
unsafe fn mask_from<I: MaskId>(bits: *const c_ulong) -> Mask<I> {
    // SAFETY: guaranteed by the caller; `c_ulong` is `u64` on s390x.
    let words = unsafe { core::ptr::read(bits.cast::<[u64; MASK_WORDS]>()) };
    Mask::from_words(words)
}

/// Reads a `struct ap_config_info`.
///
/// # Safety
///
/// `info` must point to a readable `struct ap_config_info` (128 bytes).
unsafe fn host_config(info: *const c_void) -> HostConfig {
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { core::ptr::read(info.cast::<[u8; QCI_INFO_SIZE]>()) };
    HostConfig::from_qci(&bytes)
}
