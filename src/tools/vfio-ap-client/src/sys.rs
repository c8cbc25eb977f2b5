// SPDX-License-Identifier: GPL-2.0
//! Thin wrappers over the system calls std does not offer: ioctl, eventfd,
//! poll. Every `unsafe` of the client that is not about memory mappings is
//! here.

use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

use crate::errno::Errno;
use crate::uapi::Argsz;

pub type SysResult<T> = Result<T, Errno>;

/// `ioctl(fd, request, arg)`; the return value on success.
///
/// # Safety
///
/// If `request` takes a pointer, `arg` must be an address the kernel may
/// read and write as that request does (sized by the argument's own `argsz`
/// where it has one), or an address that is not accessible at all (the
/// kernel then fails with `EFAULT`).
pub unsafe fn ioctl(fd: BorrowedFd<'_>, request: u32, arg: u64) -> SysResult<i32> {
    // SAFETY: the caller vouches for `arg`; `fd` is open.
    let ret = unsafe {
        libc::ioctl(
            fd.as_raw_fd(),
            libc::Ioctl::from(request),
            arg as libc::c_ulong,
        )
    };
    if ret < 0 {
        Err(Errno::last())
    } else {
        Ok(ret)
    }
}

/// `ioctl` with an integer argument (or none: 0).
pub fn ioctl_value(fd: BorrowedFd<'_>, request: u32, value: u64) -> SysResult<i32> {
    // SAFETY: the value-taking requests this client uses (GET_API_VERSION,
    // CHECK_EXTENSION, SET_IOMMU, DEVICE_RESET) do not treat it as an address.
    unsafe { ioctl(fd, request, value) }
}

/// `ioctl` with a pointer to `arg`, a uAPI structure the kernel reads and
/// writes in place. Refused with `E2BIG` (without a system call) if `arg`'s
/// own `argsz` claims more than `size_of::<T>()` bytes.
pub fn ioctl_mut<T: Argsz>(fd: BorrowedFd<'_>, request: u32, arg: &mut T) -> SysResult<i32> {
    if arg.argsz() as usize > core::mem::size_of::<T>() {
        return Err(Errno(libc::E2BIG));
    }
    let addr = core::ptr::from_mut(arg) as u64;
    // SAFETY: `arg` is a live, exclusive `T` and its argsz, which bounds
    // what the kernel accesses, is within it.
    unsafe { ioctl(fd, request, addr) }
}

/// A new eventfd with `EFD_CLOEXEC | EFD_NONBLOCK` (QEMU's event notifier).
pub fn eventfd() -> SysResult<OwnedFd> {
    // SAFETY: plain system call without pointers.
    let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
    if fd < 0 {
        return Err(Errno::last());
    }
    // SAFETY: `fd` was just created and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Reads and clears an eventfd's counter; `Ok(0)` if it was zero.
pub fn eventfd_take(fd: BorrowedFd<'_>) -> SysResult<u64> {
    let mut value = 0u64;
    // SAFETY: reads at most 8 bytes into `value`.
    let n = unsafe {
        libc::read(
            fd.as_raw_fd(),
            core::ptr::from_mut(&mut value).cast(),
            core::mem::size_of::<u64>(),
        )
    };
    if n < 0 {
        let err = Errno::last();
        return if err.0 == libc::EAGAIN {
            Ok(0)
        } else {
            Err(err)
        };
    }
    Ok(value)
}

/// `read(fd, buf)`: the number of bytes read, 0 at end of file.
pub fn read(fd: RawFd, buf: &mut [u8]) -> SysResult<usize> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    usize::try_from(n).map_err(|_| Errno::last())
}

/// `poll(fds, timeout)` until one is ready; retried on `EINTR`.
pub fn poll(fds: &mut [libc::pollfd]) -> SysResult<()> {
    loop {
        // SAFETY: `fds` is a valid array of `fds.len()` pollfds.
        let ret = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, -1) };
        if ret >= 0 {
            return Ok(());
        }
        let err = Errno::last();
        if err.0 != libc::EINTR {
            return Err(err);
        }
    }
}

/// The system's page size.
pub fn page_size() -> usize {
    // SAFETY: sysconf has no memory-safety preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(size).unwrap_or(4096)
}
