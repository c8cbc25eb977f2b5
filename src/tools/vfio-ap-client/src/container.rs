// SPDX-License-Identifier: GPL-2.0
//! The legacy VFIO container (`/dev/vfio/vfio`) and group (`/dev/vfio/N`)
//! ioctls, with QEMU's argument sizes (hw/vfio/container.c).

use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use crate::errno::Errno;
use crate::sys::{self, SysResult};
use crate::uapi::*;

pub fn api_version(container: BorrowedFd<'_>) -> SysResult<i32> {
    sys::ioctl_value(container, VFIO_GET_API_VERSION, 0)
}

/// `VFIO_CHECK_EXTENSION`: non-zero if the container supports `extension`.
pub fn check_extension(container: BorrowedFd<'_>, extension: u32) -> SysResult<i32> {
    sys::ioctl_value(container, VFIO_CHECK_EXTENSION, extension.into())
}

/// The richest IOMMU type the container offers, in QEMU's order of
/// preference (`vfio_get_iommu_type`): type1v2, then type1.
pub fn choose_iommu(container: BorrowedFd<'_>) -> SysResult<Option<u32>> {
    for kind in [VFIO_TYPE1V2_IOMMU, VFIO_TYPE1_IOMMU] {
        if check_extension(container, kind)? != 0 {
            return Ok(Some(kind));
        }
    }
    Ok(None)
}

pub fn iommu_name(kind: u32) -> &'static str {
    match kind {
        VFIO_TYPE1V2_IOMMU => "TYPE1v2",
        VFIO_TYPE1_IOMMU => "TYPE1",
        _ => "?",
    }
}

/// `VFIO_GROUP_GET_STATUS` with `argsz = sizeof(struct vfio_group_status)`:
/// the flags.
pub fn group_status(group: BorrowedFd<'_>) -> SysResult<u32> {
    let mut status = VfioGroupStatus {
        argsz: argsz_of::<VfioGroupStatus>(),
        flags: 0,
    };
    sys::ioctl_mut(group, VFIO_GROUP_GET_STATUS, &mut status)?;
    Ok(status.flags)
}

/// `VFIO_GROUP_SET_CONTAINER` or `VFIO_GROUP_UNSET_CONTAINER`, both with a
/// pointer to the container's fd as QEMU passes it.
pub fn group_container(
    group: BorrowedFd<'_>,
    container: BorrowedFd<'_>,
    set: bool,
) -> SysResult<()> {
    let request = if set {
        VFIO_GROUP_SET_CONTAINER
    } else {
        VFIO_GROUP_UNSET_CONTAINER
    };
    let fd: i32 = container.as_raw_fd();
    // SAFETY: the kernel reads one s32 (UNSET ignores the argument).
    unsafe { sys::ioctl(group, request, core::ptr::from_ref(&fd) as u64) }?;
    Ok(())
}

pub fn set_iommu(container: BorrowedFd<'_>, kind: u32) -> SysResult<()> {
    sys::ioctl_value(container, VFIO_SET_IOMMU, kind.into())?;
    Ok(())
}

/// `struct vfio_iommu_type1_info` with room for the capability chain type1
/// appends (IOVA ranges, migration, DMA available).
#[repr(C, align(8))]
#[derive(Clone, Copy)]
struct IommuInfoBuffer {
    info: VfioIommuType1Info,
    caps: [u8; 1000],
}

impl Argsz for IommuInfoBuffer {
    fn argsz(&self) -> u32 {
        self.info.argsz
    }
}

/// What `VFIO_IOMMU_GET_INFO` reported: the final argsz, flags, page sizes.
#[derive(Clone, Copy, Debug)]
pub struct IommuInfo {
    pub argsz: u32,
    pub flags: u32,
    pub iova_pgsizes: u64,
}

/// `VFIO_IOMMU_GET_INFO` as `vfio_get_iommu_info`: first with
/// `argsz = sizeof(struct vfio_iommu_type1_info)`, again with the argsz the
/// kernel asks for while it asks for more.
pub fn iommu_info(container: BorrowedFd<'_>) -> SysResult<IommuInfo> {
    let mut buffer = IommuInfoBuffer {
        info: VfioIommuType1Info::default(),
        caps: [0; 1000],
    };
    let mut argsz = argsz_of::<VfioIommuType1Info>();
    loop {
        buffer.info.argsz = argsz;
        sys::ioctl_mut(container, VFIO_IOMMU_GET_INFO, &mut buffer)?;
        if buffer.info.argsz <= argsz {
            break;
        }
        argsz = buffer.info.argsz;
        if argsz > argsz_of::<IommuInfoBuffer>() {
            return Err(Errno(libc::E2BIG));
        }
    }
    Ok(IommuInfo {
        argsz,
        flags: buffer.info.flags,
        iova_pgsizes: buffer.info.iova_pgsizes,
    })
}

/// `VFIO_IOMMU_MAP_DMA`, readable and writable (QEMU's RAM mapping).
pub fn map_dma(container: BorrowedFd<'_>, vaddr: u64, iova: u64, size: u64) -> SysResult<()> {
    let mut map = VfioIommuType1DmaMap {
        argsz: argsz_of::<VfioIommuType1DmaMap>(),
        flags: VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
        vaddr,
        iova,
        size,
    };
    sys::ioctl_mut(container, VFIO_IOMMU_MAP_DMA, &mut map)?;
    Ok(())
}

/// `VFIO_IOMMU_UNMAP_DMA`: the number of bytes type1 reports unmapped.
pub fn unmap_dma(container: BorrowedFd<'_>, iova: u64, size: u64) -> SysResult<u64> {
    let mut unmap = VfioIommuType1DmaUnmap {
        argsz: argsz_of::<VfioIommuType1DmaUnmap>(),
        flags: 0,
        iova,
        size,
    };
    sys::ioctl_mut(container, VFIO_IOMMU_UNMAP_DMA, &mut unmap)?;
    Ok(unmap.size)
}

/// `VFIO_GROUP_GET_DEVICE_FD(name)`: the device's fd.
pub fn get_device_fd(group: impl AsFd, name: &CString) -> SysResult<OwnedFd> {
    // SAFETY: the kernel reads the NUL-terminated string `name`.
    let fd = unsafe {
        sys::ioctl(
            group.as_fd(),
            VFIO_GROUP_GET_DEVICE_FD,
            name.as_ptr() as u64,
        )
    }?;
    // SAFETY: the ioctl returned a new fd that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
