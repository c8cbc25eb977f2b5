// SPDX-License-Identifier: GPL-2.0

//! sysfs buffers as Rust slices.

use kernel::ffi::c_char;

use crate::matrix::format::{SysfsBuf, PAGE_SIZE};

/// The page a sysfs show callback fills.
pub(crate) struct Page<'a> {
    buf: SysfsBuf<'a>,
}

impl<'a> Page<'a> {
    /// Wraps the buffer sysfs passed to a show callback.
    ///
    /// # Safety
    ///
    /// `buf` must be the page-sized, writable buffer of a show callback, used
    /// only through the returned value while it lives.
    pub(crate) unsafe fn from_raw(buf: *mut c_char) -> Self {
        // SAFETY: the caller guarantees PAGE_SIZE writable bytes, exclusively.
        let bytes = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), PAGE_SIZE) };
        Self {
            buf: SysfsBuf::new(bytes),
        }
    }

    /// The emulated `sysfs_emit_at` writer.
    pub(crate) fn writer(&mut self) -> &mut SysfsBuf<'a> {
        &mut self.buf
    }

    /// Bytes written: what the show callback returns.
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }
}

/// The bytes userspace wrote to a sysfs file.
pub(crate) struct StoreInput<'a> {
    bytes: &'a [u8],
}

impl StoreInput<'_> {
    /// Wraps the buffer sysfs passed to a store callback.
    ///
    /// # Safety
    ///
    /// `buf` must point to `count` readable bytes that stay valid and
    /// unchanged while the returned value lives.
    pub(crate) unsafe fn from_raw(buf: *const c_char, count: usize) -> Self {
        // SAFETY: guaranteed by the caller.
        let bytes = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };
        Self { bytes }
    }

    /// The bytes written.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.bytes
    }
}
