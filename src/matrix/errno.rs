// SPDX-License-Identifier: GPL-2.0

//! The errors vfio_ap reports to userspace, one variant per errno of the C
//! driver (upstream reference, section 8).

#![forbid(unsafe_code)]

/// An error of the matrix core, mapping 1:1 to a Linux errno.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Error {
    /// `-EPERM`: the guest already has an AP pass-through device.
    Perm,
    /// `-ENOENT`: a kernel facility is missing (s390dbf registration).
    NoEnt,
    /// `-EIO`: a queue did not reset.
    Io,
    /// `-EAGAIN`: try again.
    Again,
    /// `-ENOMEM`: out of memory.
    NoMem,
    /// `-EFAULT`: bad user address.
    Fault,
    /// `-EBUSY`: a resource is in use (apmask/aqmask vs. an mdev).
    Busy,
    /// `-EEXIST`: already exists.
    Exist,
    /// `-ENODEV`: an ID above the mdev's maximum, or no AP instructions.
    NoDev,
    /// `-EINVAL`: malformed input.
    Inval,
    /// `-ERANGE`: a number does not fit.
    Range,
    /// `-EOPNOTSUPP`: unsupported operation.
    OpNotSupp,
    /// `-EADDRINUSE`: an APQN is already assigned to another mdev.
    AddrInUse,
    /// `-EADDRNOTAVAIL`: an APQN is reserved for the host's default drivers.
    AddrNotAvail,
}

impl Error {
    /// The positive errno value (Linux generic numbering, as on s390).
    pub const fn errno(self) -> i32 {
        match self {
            Error::Perm => 1,
            Error::NoEnt => 2,
            Error::Io => 5,
            Error::Again => 11,
            Error::NoMem => 12,
            Error::Fault => 14,
            Error::Busy => 16,
            Error::Exist => 17,
            Error::NoDev => 19,
            Error::Inval => 22,
            Error::Range => 34,
            Error::OpNotSupp => 95,
            Error::AddrInUse => 98,
            Error::AddrNotAvail => 99,
        }
    }

    /// The errno's symbolic name, for messages.
    pub const fn name(self) -> &'static str {
        match self {
            Error::Perm => "EPERM",
            Error::NoEnt => "ENOENT",
            Error::Io => "EIO",
            Error::Again => "EAGAIN",
            Error::NoMem => "ENOMEM",
            Error::Fault => "EFAULT",
            Error::Busy => "EBUSY",
            Error::Exist => "EEXIST",
            Error::NoDev => "ENODEV",
            Error::Inval => "EINVAL",
            Error::Range => "ERANGE",
            Error::OpNotSupp => "EOPNOTSUPP",
            Error::AddrInUse => "EADDRINUSE",
            Error::AddrNotAvail => "EADDRNOTAVAIL",
        }
    }
}

/// Result of the matrix core.
pub type Result<T = ()> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errnos_are_linux_generic_numbers() {
        assert_eq!(Error::NoDev.errno(), 19);
        assert_eq!(Error::Inval.errno(), 22);
        assert_eq!(Error::Range.errno(), 34);
        assert_eq!(Error::AddrInUse.errno(), 98);
        assert_eq!(Error::AddrNotAvail.errno(), 99);
        assert_eq!(Error::Busy.errno(), 16);
        assert_eq!(Error::AddrInUse.name(), "EADDRINUSE");
    }
}
