// SPDX-License-Identifier: GPL-2.0
//! Anonymous memory mappings: the buffers mapped for DMA (standing in for
//! guest RAM) and the pages with holes the `errors` cases hand the kernel.

use crate::errno::Errno;
use crate::sys::SysResult;

/// An anonymous private read/write mapping, unmapped on drop.
pub struct AnonMap {
    addr: *mut libc::c_void,
    len: usize,
}

impl AnonMap {
    /// `mmap(NULL, len, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS)`.
    pub fn new(len: usize) -> SysResult<Self> {
        // SAFETY: a fresh anonymous mapping aliases nothing.
        let addr = unsafe {
            libc::mmap(
                core::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if addr == libc::MAP_FAILED {
            return Err(Errno::last());
        }
        Ok(AnonMap { addr, len })
    }

    /// The start address, as the kernel sees it.
    pub fn addr(&self) -> u64 {
        self.addr as u64
    }

    /// Writes one byte in every page, so every page is populated (as guest
    /// RAM that QEMU has touched); returns the number of pages.
    pub fn touch_pages(&mut self, page_size: usize) -> usize {
        let mut pages = 0;
        let mut offset = 0;
        while offset < self.len {
            // SAFETY: `offset < len`, inside our read/write mapping.
            unsafe { self.addr.cast::<u8>().add(offset).write_volatile(0xa5) };
            pages += 1;
            offset += page_size;
        }
        pages
    }

    /// Copies `value` to `offset`, which must leave room for it and be
    /// aligned for `T` (refused with `EINVAL` otherwise).
    pub fn write<T: Copy>(&mut self, offset: usize, value: &T) -> SysResult<()> {
        let size = core::mem::size_of::<T>();
        let fits = offset.checked_add(size).is_some_and(|end| end <= self.len);
        if !fits || !offset.is_multiple_of(core::mem::align_of::<T>()) {
            return Err(Errno(libc::EINVAL));
        }
        // SAFETY: checked above: inside the mapping and aligned; the page is
        // still writable (callers write before `protect`).
        unsafe { self.addr.cast::<u8>().add(offset).cast::<T>().write(*value) };
        Ok(())
    }

    /// `mprotect` of `len` bytes at page-aligned `offset`.
    pub fn protect(&mut self, offset: usize, len: usize, prot: libc::c_int) -> SysResult<()> {
        if offset.checked_add(len).is_none_or(|end| end > self.len) {
            return Err(Errno(libc::EINVAL));
        }
        // SAFETY: the range is inside our own mapping; nothing in this
        // process holds a reference into it.
        let ret = unsafe { libc::mprotect(self.addr.cast::<u8>().add(offset).cast(), len, prot) };
        if ret < 0 {
            return Err(Errno::last());
        }
        Ok(())
    }
}

impl Drop for AnonMap {
    fn drop(&mut self) {
        // SAFETY: our own mapping, unmapped once.
        unsafe { libc::munmap(self.addr, self.len) };
    }
}
