// SPDX-License-Identifier: GPL-2.0
//! Errno values as the client prints them: the symbolic name and the number.

use core::fmt;

/// An errno a system call returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub i32);

/// The kernel's `ENOTSUPP` (not in the uapi, but drivers leak it).
const ENOTSUPP: i32 = 524;

const NAMES: &[(i32, &str)] = &[
    (libc::EPERM, "EPERM"),
    (libc::ENOENT, "ENOENT"),
    (libc::ESRCH, "ESRCH"),
    (libc::EINTR, "EINTR"),
    (libc::EIO, "EIO"),
    (libc::ENXIO, "ENXIO"),
    (libc::E2BIG, "E2BIG"),
    (libc::EBADF, "EBADF"),
    (libc::EAGAIN, "EAGAIN"),
    (libc::ENOMEM, "ENOMEM"),
    (libc::EACCES, "EACCES"),
    (libc::EFAULT, "EFAULT"),
    (libc::EBUSY, "EBUSY"),
    (libc::EEXIST, "EEXIST"),
    (libc::EXDEV, "EXDEV"),
    (libc::ENODEV, "ENODEV"),
    (libc::ENOTDIR, "ENOTDIR"),
    (libc::EISDIR, "EISDIR"),
    (libc::EINVAL, "EINVAL"),
    (libc::ENFILE, "ENFILE"),
    (libc::EMFILE, "EMFILE"),
    (libc::ENOTTY, "ENOTTY"),
    (libc::EFBIG, "EFBIG"),
    (libc::ENOSPC, "ENOSPC"),
    (libc::ESPIPE, "ESPIPE"),
    (libc::EROFS, "EROFS"),
    (libc::EPIPE, "EPIPE"),
    (libc::ERANGE, "ERANGE"),
    (libc::EDEADLK, "EDEADLK"),
    (libc::ENAMETOOLONG, "ENAMETOOLONG"),
    (libc::ENOSYS, "ENOSYS"),
    (libc::ELOOP, "ELOOP"),
    (libc::ENODATA, "ENODATA"),
    (libc::EOVERFLOW, "EOVERFLOW"),
    (libc::EUSERS, "EUSERS"),
    (libc::EOPNOTSUPP, "EOPNOTSUPP"),
    (libc::EADDRINUSE, "EADDRINUSE"),
    (libc::EADDRNOTAVAIL, "EADDRNOTAVAIL"),
    (libc::ETIMEDOUT, "ETIMEDOUT"),
    (libc::EALREADY, "EALREADY"),
    (libc::EINPROGRESS, "EINPROGRESS"),
    (libc::ECANCELED, "ECANCELED"),
    (ENOTSUPP, "ENOTSUPP"),
];

impl Errno {
    /// The calling thread's `errno`.
    pub fn last() -> Self {
        Errno(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }

    /// The errno inside an `std::io::Error` (0 if it has none).
    pub fn of(err: &std::io::Error) -> Self {
        Errno(err.raw_os_error().unwrap_or(0))
    }

    /// `EINVAL`, or `E<n>` for a number without a known name.
    pub fn name(self) -> String {
        match NAMES.iter().find(|(n, _)| *n == self.0) {
            Some((_, name)) => (*name).to_string(),
            None => format!("E{}", self.0),
        }
    }
}

/// `EINVAL (22)`.
impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        assert_eq!(Errno(22).to_string(), "EINVAL (22)");
        assert_eq!(Errno(14).name(), "EFAULT");
        assert_eq!(Errno(95).name(), "EOPNOTSUPP");
        assert_eq!(Errno(25).name(), "ENOTTY");
        assert_eq!(Errno(5).to_string(), "EIO (5)");
        assert_eq!(Errno(524).name(), "ENOTSUPP");
        assert_eq!(Errno(4095).to_string(), "E4095 (4095)");
    }

    #[test]
    fn every_number_has_one_name() {
        for (i, (n, _)) in NAMES.iter().enumerate() {
            assert!(NAMES.iter().skip(i + 1).all(|(m, _)| m != n), "{n}");
        }
    }
}
