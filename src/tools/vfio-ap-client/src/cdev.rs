// SPDX-License-Identifier: GPL-2.0
//! The VFIO device character device (`/dev/vfio/devices/vfioX`) and its
//! iommufd ioctls, with QEMU 10.0's arguments (hw/vfio/iommufd.c). QEMU
//! 10.0 was built with Linux 6.14's headers, which predate
//! `token_uuid_ptr` (6.17) and `pasid` (6.15): its `argsz` is the older,
//! smaller `sizeof`, and 7.3 still takes it.

use std::fs::OpenOptions;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

use crate::errno::Errno;
use crate::sys::{self, SysResult};
use crate::uapi::*;

/// QEMU 10.0's `sizeof(struct vfio_device_bind_iommufd)`: up to `out_devid`.
pub const BIND_ARGSZ: u32 = core::mem::offset_of!(VfioDeviceBindIommufd, token_uuid_ptr) as u32;
/// QEMU 10.0's `sizeof(struct vfio_device_attach_iommufd_pt)`: up to `pt_id`.
pub const ATTACH_ARGSZ: u32 = core::mem::offset_of!(VfioDeviceAttachIommufdPt, pasid) as u32;
/// QEMU 10.0's `sizeof(struct vfio_device_detach_iommufd_pt)`: up to `flags`.
pub const DETACH_ARGSZ: u32 = core::mem::offset_of!(VfioDeviceDetachIommufdPt, pasid) as u32;

/// The device's cdev as sysfs describes it: `vfio-dev/vfioX` and the
/// `major:minor` in its `dev` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CdevName {
    pub name: String,
    pub major: u32,
    pub minor: u32,
}

impl CdevName {
    /// `/dev/vfio/devices/vfioX`.
    pub fn path(&self) -> String {
        format!("/dev/vfio/devices/{}", self.name)
    }
}

/// `"241:0\n"` → (241, 0).
pub fn parse_dev(text: &str) -> Option<(u32, u32)> {
    let (major, minor) = text.trim().split_once(':')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// As `iommufd_cdev_getfd`: the first entry of `DEVICE/vfio-dev` whose
/// name starts with `vfio`, and its `dev`.
pub fn find(device: &Path) -> SysResult<CdevName> {
    let dir = device.join("vfio-dev");
    let entries = std::fs::read_dir(&dir).map_err(|e| Errno::of(&e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Errno::of(&e))?;
        let Some(name) = entry.file_name().to_str().map(String::from) else {
            continue;
        };
        if !name.starts_with("vfio") {
            continue;
        }
        let dev =
            std::fs::read_to_string(dir.join(&name).join("dev")).map_err(|e| Errno::of(&e))?;
        let (major, minor) = parse_dev(&dev).ok_or(Errno(libc::EINVAL))?;
        return Ok(CdevName { name, major, minor });
    }
    Err(Errno(libc::ENOENT))
}

/// Whether `rdev` is the device number `major:minor` (glibc's encoding).
pub fn rdev_is(rdev: u64, major: u32, minor: u32) -> bool {
    rdev == libc::makedev(major, minor)
}

/// Opens the cdev read/write as QEMU's `open_cdev`, which also checks that
/// the node is that character device (`ENODEV` otherwise).
pub fn open(cdev: &CdevName) -> SysResult<OwnedFd> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(cdev.path())
        .map_err(|e| Errno::of(&e))?;
    let meta = file.metadata().map_err(|e| Errno::of(&e))?;
    if !meta.file_type().is_char_device() || !rdev_is(meta.rdev(), cdev.major, cdev.minor) {
        return Err(Errno(libc::ENODEV));
    }
    Ok(file.into())
}

/// QEMU's `VFIO_DEVICE_BIND_IOMMUFD` argument (no token).
pub fn bind_argument(iommufd: i32) -> VfioDeviceBindIommufd {
    VfioDeviceBindIommufd {
        argsz: BIND_ARGSZ,
        flags: 0,
        iommufd,
        out_devid: 0,
        token_uuid_ptr: 0,
    }
}

/// `VFIO_DEVICE_BIND_IOMMUFD`: the device's open_device runs here; the
/// devid.
pub fn bind(device: BorrowedFd<'_>, iommufd: i32) -> SysResult<u32> {
    let mut bind = bind_argument(iommufd);
    sys::ioctl_mut(device, VFIO_DEVICE_BIND_IOMMUFD, &mut bind)?;
    Ok(bind.out_devid)
}

/// `VFIO_DEVICE_ATTACH_IOMMUFD_PT` to `pt_id` (an IOAS for an mdev, as
/// `iommufd_cdev_attach_ioas_hwpt`): the id the kernel reports attached.
pub fn attach_pt(device: BorrowedFd<'_>, pt_id: u32) -> SysResult<u32> {
    let mut attach = VfioDeviceAttachIommufdPt {
        argsz: ATTACH_ARGSZ,
        flags: 0,
        pt_id,
        pasid: 0,
    };
    sys::ioctl_mut(device, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &mut attach)?;
    Ok(attach.pt_id)
}

/// `VFIO_DEVICE_DETACH_IOMMUFD_PT` (`iommufd_cdev_detach_ioas_hwpt`).
pub fn detach_pt(device: BorrowedFd<'_>) -> SysResult<()> {
    let mut detach = VfioDeviceDetachIommufdPt {
        argsz: DETACH_ARGSZ,
        flags: 0,
        pasid: 0,
    };
    sys::ioctl_mut(device, VFIO_DEVICE_DETACH_IOMMUFD_PT, &mut detach)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_argument_sizes() {
        assert_eq!(BIND_ARGSZ, 16);
        assert_eq!(ATTACH_ARGSZ, 12);
        assert_eq!(DETACH_ARGSZ, 8);
        let bind = bind_argument(5);
        assert_eq!((bind.argsz, bind.flags, bind.iommufd), (16, 0, 5));
    }

    #[test]
    fn dev_numbers() {
        assert_eq!(parse_dev("241:0\n"), Some((241, 0)));
        assert_eq!(parse_dev("10:200"), Some((10, 200)));
        assert_eq!(parse_dev("241"), None);
        assert_eq!(parse_dev("a:0"), None);
        assert!(rdev_is(libc::makedev(241, 3), 241, 3));
        assert!(!rdev_is(libc::makedev(241, 3), 241, 4));
    }

    #[test]
    fn cdev_path() {
        let cdev = CdevName {
            name: "vfio0".into(),
            major: 241,
            minor: 0,
        };
        assert_eq!(cdev.path(), "/dev/vfio/devices/vfio0");
    }

    #[test]
    fn find_in_a_fake_sysfs() {
        let root = std::env::temp_dir().join(format!("vfio-ap-client-cdev-{}", std::process::id()));
        let dev = root.join("vfio-dev").join("vfio3");
        std::fs::create_dir_all(&dev).unwrap();
        std::fs::write(dev.join("dev"), "241:3\n").unwrap();
        let found = find(&root);
        let missing = find(&root.join("nothing"));
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(
            found,
            Ok(CdevName {
                name: "vfio3".into(),
                major: 241,
                minor: 3
            })
        );
        assert_eq!(missing, Err(Errno(libc::ENOENT)));
    }
}
