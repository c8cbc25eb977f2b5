// SPDX-License-Identifier: GPL-2.0

//! The VFIO device ioctls of an AP mdev (Linux 7.3 `vfio_ap_mdev_ioctl`):
//! every argument check and every reply, as values. The caller copies the
//! fixed-size headers in and the replies out (`-EFAULT` on a fault) and
//! carries out what [`check_set_irqs`] and [`trigger_for_fd`] decide.

#![forbid(unsafe_code)]

use super::errno::{Error, Result};

// VFIO ioctls are `_IO(VFIO_TYPE, VFIO_BASE + n)` with VFIO_TYPE ';' (0x3b)
// and VFIO_BASE 100: (0x3b << 8) | (100 + n).

/// `VFIO_DEVICE_GET_INFO` (n = 7).
pub const VFIO_DEVICE_GET_INFO: u32 = 0x3b6b;
/// `VFIO_DEVICE_GET_IRQ_INFO` (n = 9).
pub const VFIO_DEVICE_GET_IRQ_INFO: u32 = 0x3b6d;
/// `VFIO_DEVICE_SET_IRQS` (n = 10).
pub const VFIO_DEVICE_SET_IRQS: u32 = 0x3b6e;
/// `VFIO_DEVICE_RESET` (n = 11).
pub const VFIO_DEVICE_RESET: u32 = 0x3b6f;

/// `VFIO_DEVICE_FLAGS_RESET`: the device supports reset.
pub const VFIO_DEVICE_FLAGS_RESET: u32 = 1 << 0;
/// `VFIO_DEVICE_FLAGS_AP`: a vfio-ap device.
pub const VFIO_DEVICE_FLAGS_AP: u32 = 1 << 5;
/// `VFIO_IRQ_INFO_EVENTFD`.
pub const VFIO_IRQ_INFO_EVENTFD: u32 = 1 << 0;

/// `VFIO_IRQ_SET_DATA_NONE`.
pub const DATA_NONE: u32 = 1 << 0;
/// `VFIO_IRQ_SET_DATA_BOOL`.
pub const DATA_BOOL: u32 = 1 << 1;
/// `VFIO_IRQ_SET_DATA_EVENTFD`.
pub const DATA_EVENTFD: u32 = 1 << 2;
/// `VFIO_IRQ_SET_ACTION_MASK`.
pub const ACTION_MASK: u32 = 1 << 3;
/// `VFIO_IRQ_SET_ACTION_UNMASK`.
pub const ACTION_UNMASK: u32 = 1 << 4;
/// `VFIO_IRQ_SET_ACTION_TRIGGER`.
pub const ACTION_TRIGGER: u32 = 1 << 5;
const DATA_TYPE_MASK: u32 = DATA_NONE | DATA_BOOL | DATA_EVENTFD;
const ACTION_TYPE_MASK: u32 = ACTION_MASK | ACTION_UNMASK | ACTION_TRIGGER;

/// The interrupts of a vfio-ap device (`VFIO_AP_NUM_IRQS`).
pub const NUM_IRQS: u32 = 2;

/// Bytes of `struct vfio_device_info` read and written: up to `num_irqs`
/// (`offsetofend`); capabilities are never reported.
pub const DEVICE_INFO_MINSZ: usize = 16;
/// Bytes of `struct vfio_irq_info` read and written (up to `count`).
pub const IRQ_INFO_MINSZ: usize = 16;
/// Bytes of the `struct vfio_irq_set` header (up to `count`); the data, an
/// `s32` eventfd, follows at this offset.
pub const IRQ_SET_MINSZ: usize = 20;

/// Reads the native-endian `u32` at `offset` of `bytes` (0 beyond the end).
fn word(bytes: &[u8], offset: usize) -> u32 {
    let mut w = [0u8; 4];
    if let Some(b) = offset.checked_add(4).and_then(|end| bytes.get(offset..end)) {
        w.copy_from_slice(b);
    }
    u32::from_ne_bytes(w)
}

/// Writes `value` native-endian at `offset` of `bytes` (nothing beyond the
/// end).
fn put_word(bytes: &mut [u8], offset: usize, value: u32) {
    if let Some(b) = offset
        .checked_add(4)
        .and_then(|end| bytes.get_mut(offset..end))
    {
        b.copy_from_slice(&value.to_ne_bytes());
    }
}

/// `VFIO_DEVICE_GET_INFO`: `info` is the `struct vfio_device_info` prefix
/// copied from the user (argsz, flags, num_regions, num_irqs); on success it
/// is rewritten with the reply, to be copied back as it is.
pub fn get_device_info(info: &mut [u8; DEVICE_INFO_MINSZ]) -> Result {
    let argsz = word(info, 0);
    if usize::try_from(argsz).is_ok_and(|a| a < DEVICE_INFO_MINSZ) {
        return Err(Error::Inval);
    }
    put_word(info, 4, VFIO_DEVICE_FLAGS_AP | VFIO_DEVICE_FLAGS_RESET);
    put_word(info, 8, 0);
    put_word(info, 12, NUM_IRQS);
    Ok(())
}

/// The two interrupts of a vfio-ap device.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IrqIndex {
    /// `VFIO_AP_REQ_IRQ_INDEX`: the host asks the user to release the
    /// device (mdev removal while open).
    Request,
    /// `VFIO_AP_CFG_CHG_IRQ_INDEX`: the guest's AP configuration changed.
    ConfigChange,
}

impl IrqIndex {
    fn from_index(index: u32) -> Result<Self> {
        match index {
            0 => Ok(Self::Request),
            1 => Ok(Self::ConfigChange),
            _ => Err(Error::Inval),
        }
    }
}

/// `VFIO_DEVICE_GET_IRQ_INFO`: `info` is the `struct vfio_irq_info` prefix
/// copied from the user (argsz, flags, index, count); on success it is
/// rewritten with the reply: one eventfd-capable interrupt at either index.
pub fn get_irq_info(info: &mut [u8; IRQ_INFO_MINSZ]) -> Result {
    let argsz = word(info, 0);
    if usize::try_from(argsz).is_ok_and(|a| a < IRQ_INFO_MINSZ) {
        return Err(Error::Inval);
    }
    IrqIndex::from_index(word(info, 8))?;
    put_word(info, 4, VFIO_IRQ_INFO_EVENTFD);
    put_word(info, 12, 1);
    Ok(())
}

/// `VFIO_DEVICE_SET_IRQS`: the checks of `vfio_ap_irq_set_init()` (which are
/// `vfio_set_irqs_validate_and_prepare(hdr, 1, VFIO_AP_NUM_IRQS)` and a
/// required `ACTION_TRIGGER`) and of `vfio_ap_set_irqs()` (eventfd data only)
/// on the header `hdr` copied from the user. On success the caller reads the
/// `s32` at offset [`IRQ_SET_MINSZ`] of the argument (even when `count` is
/// 0, as 7.3 does; `-EFAULT` if it cannot) and applies [`trigger_for_fd`] to
/// the returned interrupt.
pub fn check_set_irqs(hdr: &[u8; IRQ_SET_MINSZ]) -> Result<IrqIndex> {
    let (argsz, flags, index, start, count) = (
        word(hdr, 0),
        word(hdr, 4),
        word(hdr, 8),
        word(hdr, 12),
        word(hdr, 16),
    );
    let argsz = u64::from(argsz);
    let minsz = IRQ_SET_MINSZ as u64;
    if argsz < minsz
        || index >= NUM_IRQS
        || count >= u32::MAX.saturating_sub(start)
        || flags & !(DATA_TYPE_MASK | ACTION_TYPE_MASK) != 0
    {
        return Err(Error::Inval);
    }
    // One interrupt per index; `start + count` cannot overflow here.
    if start >= 1 || u64::from(start).saturating_add(u64::from(count)) > 1 {
        return Err(Error::Inval);
    }
    let size: u64 = match flags & DATA_TYPE_MASK {
        DATA_NONE => 0,
        DATA_BOOL => 1,
        DATA_EVENTFD => 4,
        _ => return Err(Error::Inval),
    };
    if size != 0 && argsz.saturating_sub(minsz) < u64::from(count).saturating_mul(size) {
        return Err(Error::Inval);
    }
    if flags & ACTION_TRIGGER == 0 {
        return Err(Error::Inval);
    }
    if flags & DATA_TYPE_MASK != DATA_EVENTFD {
        return Err(Error::Inval);
    }
    IrqIndex::from_index(index)
}

/// What a `SET_IRQS` eventfd number asks for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Trigger {
    /// -1: release the interrupt's eventfd.
    Clear,
    /// An eventfd to signal from now on (replacing any previous one); the
    /// caller resolves it, and its errors are the ioctl's.
    Set(i32),
}

/// `fd` from a `SET_IRQS`: -1 clears, non-negative sets, anything else is
/// `-EINVAL`.
pub fn trigger_for_fd(fd: i32) -> Result<Trigger> {
    match fd {
        -1 => Ok(Trigger::Clear),
        fd if fd >= 0 => Ok(Trigger::Set(fd)),
        _ => Err(Error::Inval),
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn words<const N: usize>(w: &[u32]) -> [u8; N] {
        let mut b = [0u8; N];
        for (i, v) in w.iter().enumerate() {
            put_word(&mut b, i * 4, *v);
        }
        b
    }

    #[test]
    fn ioctl_numbers_are_the_uapi_ones() {
        let io = |n: u32| (u32::from(b';') << 8) | (100 + n);
        assert_eq!(VFIO_DEVICE_GET_INFO, io(7));
        assert_eq!(VFIO_DEVICE_GET_IRQ_INFO, io(9));
        assert_eq!(VFIO_DEVICE_SET_IRQS, io(10));
        assert_eq!(VFIO_DEVICE_RESET, io(11));
    }

    #[test]
    fn device_info() {
        let mut info = words::<16>(&[15, 0, 0, 0]);
        assert_eq!(get_device_info(&mut info), Err(Error::Inval));
        for argsz in [16, 24, u32::MAX] {
            let mut info = words::<16>(&[argsz, 7, 7, 7]);
            assert_eq!(get_device_info(&mut info), Ok(()));
            assert_eq!(info, words::<16>(&[argsz, 0x21, 0, 2]));
        }
    }

    #[test]
    fn irq_info() {
        let mut info = words::<16>(&[15, 0, 0, 0]);
        assert_eq!(get_irq_info(&mut info), Err(Error::Inval));
        let mut info = words::<16>(&[16, 0, 2, 0]);
        assert_eq!(get_irq_info(&mut info), Err(Error::Inval));
        for index in [0, 1] {
            let mut info = words::<16>(&[16, 9, index, 9]);
            assert_eq!(get_irq_info(&mut info), Ok(()));
            assert_eq!(info, words::<16>(&[16, 1, index, 1]));
        }
    }

    fn set(argsz: u32, flags: u32, index: u32, start: u32, count: u32) -> Result<IrqIndex> {
        check_set_irqs(&words::<20>(&[argsz, flags, index, start, count]))
    }

    #[test]
    fn set_irqs_checks_in_7_3_order() {
        let ok = DATA_EVENTFD | ACTION_TRIGGER;
        assert_eq!(set(24, ok, 0, 0, 1), Ok(IrqIndex::Request));
        assert_eq!(set(24, ok, 1, 0, 1), Ok(IrqIndex::ConfigChange));
        // count 0 passes; the fd is read anyway.
        assert_eq!(set(20, ok, 1, 0, 0), Ok(IrqIndex::ConfigChange));
        for (argsz, flags, index, start, count, what) in [
            (19, ok, 0, 0, 1, "argsz below the header"),
            (23, ok, 0, 0, 1, "no room for the fd"),
            (24, ok, 2, 0, 1, "index 2"),
            (24, ok | 1 << 6, 0, 0, 1, "unknown flag"),
            (24, ok, 0, 1, 0, "start 1"),
            (24, ok, 0, 0, 2, "count 2"),
            (24, ok, 0, u32::MAX, 1, "start + count overflows"),
            (24, ok, 0, 0, u32::MAX, "count at U32_MAX"),
            (24, DATA_NONE | ACTION_TRIGGER, 0, 0, 1, "no data"),
            (24, DATA_BOOL | ACTION_TRIGGER, 0, 0, 1, "bool data"),
            (
                24,
                DATA_EVENTFD | DATA_BOOL | ACTION_TRIGGER,
                0,
                0,
                1,
                "two data types",
            ),
            (24, ACTION_TRIGGER, 0, 0, 1, "no data type"),
            (24, DATA_EVENTFD | ACTION_MASK, 0, 0, 1, "mask, not trigger"),
            (24, DATA_EVENTFD, 0, 0, 1, "no action"),
        ] {
            assert_eq!(
                set(argsz, flags, index, start, count),
                Err(Error::Inval),
                "{what}"
            );
        }
        // A trigger with mask too is accepted (7.3 only asks for trigger).
        assert_eq!(set(24, ok | ACTION_MASK, 0, 0, 1), Ok(IrqIndex::Request));
    }

    #[test]
    fn fds() {
        assert_eq!(trigger_for_fd(-1), Ok(Trigger::Clear));
        assert_eq!(trigger_for_fd(0), Ok(Trigger::Set(0)));
        assert_eq!(trigger_for_fd(-2), Err(Error::Inval));
        assert_eq!(trigger_for_fd(i32::MIN), Err(Error::Inval));
    }
}
