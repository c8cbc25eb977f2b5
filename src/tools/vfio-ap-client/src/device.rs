// SPDX-License-Identifier: GPL-2.0
//! The VFIO device ioctls vfio_ap implements, with QEMU's argument sizes
//! (hw/vfio/ap.c, hw/vfio/helpers.c).

use std::os::fd::BorrowedFd;

use crate::sys::{self, SysResult};
use crate::uapi::*;

/// `VFIO_DEVICE_GET_INFO` with the given `argsz`; the structure as the
/// kernel left it. QEMU passes `sizeof(struct vfio_device_info)`.
pub fn info_with_argsz(device: BorrowedFd<'_>, argsz: u32) -> SysResult<VfioDeviceInfo> {
    let mut info = VfioDeviceInfo {
        argsz,
        ..VfioDeviceInfo::default()
    };
    sys::ioctl_mut(device, VFIO_DEVICE_GET_INFO, &mut info)?;
    Ok(info)
}

pub fn info(device: BorrowedFd<'_>) -> SysResult<VfioDeviceInfo> {
    info_with_argsz(device, argsz_of::<VfioDeviceInfo>())
}

/// `info: flags=0x21 num_regions=0 num_irqs=2` style fields.
pub fn describe_info(info: &VfioDeviceInfo) -> String {
    format!(
        "flags={:#x} num_regions={} num_irqs={}",
        info.flags, info.num_regions, info.num_irqs
    )
}

/// `VFIO_DEVICE_GET_IRQ_INFO` for `index`, `argsz = sizeof(struct
/// vfio_irq_info)` as QEMU.
pub fn irq_info(device: BorrowedFd<'_>, index: u32) -> SysResult<VfioIrqInfo> {
    let mut info = VfioIrqInfo {
        argsz: argsz_of::<VfioIrqInfo>(),
        index,
        ..VfioIrqInfo::default()
    };
    sys::ioctl_mut(device, VFIO_DEVICE_GET_IRQ_INFO, &mut info)?;
    Ok(info)
}

/// QEMU's `vfio_set_irq_signaling(index, 0, ACTION_TRIGGER, fd)`: one
/// eventfd (or -1 to clear) in a `struct vfio_irq_set` of 20 + 4 bytes.
pub fn irq_signaling(index: u32, fd: i32) -> VfioIrqSetFds {
    VfioIrqSetFds {
        hdr: VfioIrqSet {
            argsz: argsz_of::<VfioIrqSet>() + 4,
            flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
            index,
            start: 0,
            count: 1,
        },
        fds: [fd, -1],
    }
}

/// `VFIO_DEVICE_SET_IRQS` with `set` as it is.
pub fn set_irqs(device: BorrowedFd<'_>, set: &mut VfioIrqSetFds) -> SysResult<()> {
    sys::ioctl_mut(device, VFIO_DEVICE_SET_IRQS, set)?;
    Ok(())
}

/// Registers eventfd `fd` as the trigger of IRQ `index`, or clears it (-1).
pub fn set_trigger(device: BorrowedFd<'_>, index: u32, fd: i32) -> SysResult<()> {
    set_irqs(device, &mut irq_signaling(index, fd))
}

pub fn reset(device: BorrowedFd<'_>) -> SysResult<()> {
    sys::ioctl_value(device, VFIO_DEVICE_RESET, 0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_irq_signaling_argument() {
        let set = irq_signaling(1, 7);
        assert_eq!(set.hdr.argsz, 24);
        assert_eq!(set.hdr.flags, 0x24);
        assert_eq!((set.hdr.index, set.hdr.start, set.hdr.count), (1, 0, 1));
        assert_eq!(set.fds[0], 7);
    }

    #[test]
    fn info_fields() {
        let info = VfioDeviceInfo {
            argsz: 24,
            flags: 0x21,
            num_regions: 0,
            num_irqs: 2,
            ..VfioDeviceInfo::default()
        };
        assert_eq!(describe_info(&info), "flags=0x21 num_regions=0 num_irqs=2");
    }
}
