// SPDX-License-Identifier: GPL-2.0

//! What vfio_ap uses of VFIO beyond its device ops: an mdev's vfio device
//! for pinning guest pages (`vfio_pin_pages`), and eventfds for the
//! device's interrupts.

use core::ptr::NonNull;

use kernel::ffi::{c_int, c_void};
use kernel::prelude::*;

extern "C" {
    fn vfio_ap_glue_pin_page(vdev: *mut c_void, iova: u64, phys: *mut u64) -> c_int;
    fn vfio_ap_glue_unpin_page(vdev: *mut c_void, iova: u64);
    fn vfio_ap_glue_eventfd_get(fd: c_int) -> *mut c_void;
    fn vfio_ap_glue_eventfd_signal(ctx: *mut c_void);
    fn vfio_ap_glue_eventfd_put(ctx: *mut c_void);
}

/// An mdev's `struct vfio_device`.
///
/// Valid from the mdev's creation until its destruction returns (the
/// driver's [`super::mdev::MdevDriver::destroy`]); the driver drops every
/// value that holds one (its pinned pages) before then.
#[derive(Clone)]
pub(crate) struct VfioDevice {
    ptr: NonNull<c_void>,
}

// SAFETY: a vfio device may be used from any thread; VFIO locks internally.
unsafe impl Send for VfioDevice {}
// SAFETY: see `Send`.
unsafe impl Sync for VfioDevice {}

impl VfioDevice {
    /// Wraps the vfio device of a new mdev.
    ///
    /// # Safety
    ///
    /// `ptr` must be the mdev's registered-to-be vfio device, which lives
    /// until the mdev is destroyed; see the type's invariant.
    pub(super) unsafe fn from_raw(ptr: NonNull<c_void>) -> Self {
        Self { ptr }
    }

    /// The raw `struct vfio_device`, for the PQAP hook.
    pub(crate) fn as_ptr(&self) -> *mut c_void {
        self.ptr.as_ptr()
    }

    /// Pins the page of `iova` for reading and writing (`vfio_pin_pages`):
    /// the host physical address of `iova`. Fails unless userspace mapped
    /// `iova` in the device's container.
    pub(crate) fn pin_page(&self, iova: u64) -> Result<u64> {
        let mut phys = 0u64;
        // SAFETY: the device is alive (the type's invariant); the shim
        // writes `phys`, a local.
        let rc = unsafe { vfio_ap_glue_pin_page(self.ptr.as_ptr(), iova, &mut phys) };
        kernel::error::to_result(rc)?;
        Ok(phys)
    }

    /// Unpins the page of `iova`, pinned by [`VfioDevice::pin_page`].
    pub(crate) fn unpin_page(&self, iova: u64) {
        // SAFETY: the device is alive; the page was pinned through it.
        unsafe { vfio_ap_glue_unpin_page(self.ptr.as_ptr(), iova) };
    }
}

/// An eventfd context (`eventfd_ctx_fdget`), released on drop.
pub(crate) struct EventFd {
    ctx: NonNull<c_void>,
}

// SAFETY: an eventfd context may be signalled and released from any thread.
unsafe impl Send for EventFd {}
// SAFETY: see `Send`.
unsafe impl Sync for EventFd {}

impl EventFd {
    /// The eventfd behind the calling process's file descriptor `fd`; the
    /// errors of `eventfd_ctx_fdget` (`-EBADF`, `-EINVAL` for a file that
    /// is not an eventfd).
    pub(crate) fn from_fd(fd: i32) -> Result<Self> {
        // SAFETY: takes a number; returns a referenced context or an
        // ERR_PTR.
        let ctx = unsafe { vfio_ap_glue_eventfd_get(fd) };
        let ctx = kernel::error::from_err_ptr(ctx)?;
        NonNull::new(ctx).map(|ctx| Self { ctx }).ok_or(EINVAL)
    }

    /// Signals the eventfd (`eventfd_signal`).
    pub(crate) fn signal(&self) {
        // SAFETY: the context is referenced.
        unsafe { vfio_ap_glue_eventfd_signal(self.ctx.as_ptr()) };
    }
}

impl Drop for EventFd {
    fn drop(&mut self) {
        // SAFETY: drops the reference taken in `from_fd`.
        unsafe { vfio_ap_glue_eventfd_put(self.ctx.as_ptr()) };
    }
}
