// SPDX-License-Identifier: GPL-2.0

//! The mdev parent with the `vfio_ap-passthrough` type, and the entry points
//! through which the C tables of `src/c/mdev.c` reach the driver.

use kernel::ffi::{c_char, c_void};
use kernel::prelude::*;
use kernel::str::CStrExt;
use kernel::sync::{Arc, ArcBorrow};

use super::glue;
use super::matrix_dev::MatrixDevice;
use super::sysfs::{Page, StoreInput};
use crate::driver::mdev::{self as mdev_logic, Mdev, MdevAttr};

/// The registered mdev driver and parent; dropping it removes every mdev
/// (each through [`vfio_ap_rs_mdev_destroy`]) and unregisters both.
pub(crate) struct MdevParent {
    _private: (),
}

impl MdevParent {
    /// Registers the mdev driver and the parent on `matrix`, which must
    /// outlive the returned value.
    pub(crate) fn register(matrix: &MatrixDevice) -> Result<Self> {
        // SAFETY: `matrix` is a registered device; the shim unwinds itself on
        // failure.
        kernel::error::to_result(unsafe { glue::vfio_ap_glue_mdev_register(matrix.as_raw()) })?;
        Ok(Self { _private: () })
    }
}

impl Drop for MdevParent {
    fn drop(&mut self) {
        // SAFETY: registered in `register`, unregistered once, here.
        unsafe { glue::vfio_ap_glue_mdev_unregister() };
    }
}

/// Reads a UUID (`guid_t`, 16 bytes) as its canonical bytes.
fn uuid_bytes(uuid: *const c_void) -> [u8; 16] {
    // SAFETY: the mdev core passes the mdev's own `guid_t`, 16 readable bytes
    // that live as long as the mdev.
    unsafe { core::ptr::read_unaligned(uuid.cast::<[u8; 16]>()) }
}

/// A new mdev: the driver state that the C container keeps for it.
#[no_mangle]
extern "C" fn vfio_ap_rs_mdev_create(_dev: *mut c_void, uuid: *const c_void) -> *mut c_void {
    match mdev_logic::create(uuid_bytes(uuid)) {
        Ok(mdev) => Arc::into_raw(mdev).cast_mut().cast(),
        Err(e) => e.to_ptr(),
    }
}

/// The mdev is gone from vfio; its state is dropped.
#[no_mangle]
extern "C" fn vfio_ap_rs_mdev_destroy(mdev: *mut c_void) {
    // SAFETY: `mdev` was returned by `vfio_ap_rs_mdev_create` and C hands it
    // back exactly once, after the last sysfs access has ended.
    let mdev = unsafe { Arc::from_raw(mdev.cast::<Mdev>()) };
    mdev_logic::destroy(mdev);
}

/// Borrows the state of a live mdev.
///
/// # Safety
///
/// `mdev` must come from `vfio_ap_rs_mdev_create` and not yet be destroyed.
unsafe fn borrow<'a>(mdev: *mut c_void) -> ArcBorrow<'a, Mdev> {
    // SAFETY: the caller guarantees the `Arc` is alive for `'a`.
    unsafe { ArcBorrow::from_raw(mdev.cast::<Mdev>()) }
}

/// Turns a sysfs attribute name into the attribute.
fn attr_of(name: *const c_char) -> Option<MdevAttr> {
    // SAFETY: attribute names are static NUL-terminated strings of
    // `src/c/mdev.c`.
    let name = unsafe { CStr::from_char_ptr(name) };
    MdevAttr::from_name(name.to_bytes())
}

#[no_mangle]
extern "C" fn vfio_ap_rs_mdev_show(
    mdev: *mut c_void,
    attr: *const c_char,
    buf: *mut c_char,
) -> isize {
    let Some(attr) = attr_of(attr) else {
        return EINVAL.to_errno() as isize;
    };
    // SAFETY: C calls show only on a live mdev's sysfs files.
    let mdev = unsafe { borrow(mdev) };
    // SAFETY: sysfs hands show a page-sized, writable buffer.
    let mut page = unsafe { Page::from_raw(buf) };
    mdev_logic::show(&mdev, attr, &mut page);
    page.len() as isize
}

#[no_mangle]
extern "C" fn vfio_ap_rs_mdev_store(
    mdev: *mut c_void,
    attr: *const c_char,
    buf: *const c_char,
    count: usize,
) -> isize {
    let Some(attr) = attr_of(attr) else {
        return EINVAL.to_errno() as isize;
    };
    // SAFETY: C calls store only on a live mdev's sysfs files.
    let mdev = unsafe { borrow(mdev) };
    // SAFETY: sysfs hands store `count` readable bytes.
    let input = unsafe { StoreInput::from_raw(buf, count) };
    match mdev_logic::store(&mdev, attr, input.bytes()) {
        Ok(()) => count as isize,
        Err(e) => e.to_errno() as isize,
    }
}
