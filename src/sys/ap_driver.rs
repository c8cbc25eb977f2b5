// SPDX-License-Identifier: GPL-2.0

//! vfio_ap's AP bus driver (the static `struct ap_driver` of
//! `src/c/ap_drv.c`): its registration, and the entry points of its
//! callbacks.

use kernel::ffi::{c_char, c_int, c_ulong, c_void};
use kernel::prelude::*;

use super::sysfs::Page;
use crate::driver::queues;
use crate::hw;
use crate::matrix::ap_matrix::{HostConfig, QCI_INFO_SIZE};
use crate::matrix::ids::Apqn;
use crate::matrix::mask::{Mask, MaskId, MASK_WORDS};

extern "C" {
    fn vfio_ap_glue_ap_driver() -> *mut c_void;
}

/// The registered AP bus driver; dropping it unbinds every queue (each
/// through [`vfio_ap_rs_queue_remove`]) and unregisters it.
pub(crate) struct ApDriver {
    drv: *mut c_void,
}

// SAFETY: the pointer names a static C object, usable from any thread.
unsafe impl Send for ApDriver {}
// SAFETY: `&ApDriver` exposes nothing but the pointer's value.
unsafe impl Sync for ApDriver {}

impl ApDriver {
    /// Registers the driver with the AP bus (real or simulated), which
    /// probes every queue it may have at once.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: returns the address of a static `struct ap_driver`.
        let drv = unsafe { vfio_ap_glue_ap_driver() };
        // SAFETY: the driver is static and registered once, until `drop`.
        kernel::error::to_result(unsafe { hw::register_driver(drv) })?;
        Ok(Self { drv })
    }
}

impl Drop for ApDriver {
    fn drop(&mut self) {
        // SAFETY: registered in `register`, unregistered once, here.
        unsafe { hw::unregister_driver(self.drv) };
    }
}

#[no_mangle]
extern "C" fn vfio_ap_rs_queue_probe(qid: u16) -> c_int {
    match queues::probe(Apqn::from_raw(qid)) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

#[no_mangle]
extern "C" fn vfio_ap_rs_queue_remove(qid: u16) {
    queues::remove(Apqn::from_raw(qid));
}

#[no_mangle]
extern "C" fn vfio_ap_rs_queue_status_show(qid: u16, buf: *mut c_char) -> isize {
    // SAFETY: sysfs hands show a page-sized, writable buffer.
    let mut page = unsafe { Page::from_raw(buf) };
    queues::status_show(Apqn::from_raw(qid), page.writer());
    page.len() as isize
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

#[no_mangle]
extern "C" fn vfio_ap_rs_in_use(apm: *const c_ulong, aqm: *const c_ulong) -> c_int {
    // SAFETY: the AP bus passes two 256-bit bitmaps.
    let (apm, aqm) = unsafe { (mask_from(apm), mask_from(aqm)) };
    match queues::in_use(apm, aqm) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
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

#[no_mangle]
extern "C" fn vfio_ap_rs_config_changed(new: *const c_void, old: *const c_void) {
    // SAFETY: the AP bus passes two valid QCI infos (the C side checked
    // they are not NULL).
    let (new, old) = unsafe { (host_config(new), host_config(old)) };
    queues::config_changed(&new, &old);
}

#[no_mangle]
extern "C" fn vfio_ap_rs_scan_complete(_new: *const c_void, _old: *const c_void) {
    queues::scan_complete();
}
