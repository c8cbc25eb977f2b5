// SPDX-License-Identifier: GPL-2.0
//! The parts of `include/uapi/linux/vfio.h` (Linux 7.3) this client uses,
//! written by hand: ioctl numbers, flags and the `#[repr(C)]` structures.

use core::mem::size_of;

/// `_IO(type, nr)`: no direction, no size (asm-generic layout, also s390).
pub const fn io(kind: u8, nr: u8) -> u32 {
    ((kind as u32) << 8) | nr as u32
}

/// `VFIO_TYPE`, also `IOMMUFD_TYPE`.
pub const VFIO_TYPE: u8 = b';';
const VFIO_BASE: u8 = 100;

/// `_IO(VFIO_TYPE, VFIO_BASE + n)`: every VFIO ioctl.
pub const fn vfio_io(n: u8) -> u32 {
    io(VFIO_TYPE, VFIO_BASE + n)
}

pub const VFIO_API_VERSION: i32 = 0;
pub const VFIO_TYPE1_IOMMU: u32 = 1;
pub const VFIO_TYPE1V2_IOMMU: u32 = 3;

pub const VFIO_GET_API_VERSION: u32 = vfio_io(0);
pub const VFIO_CHECK_EXTENSION: u32 = vfio_io(1);
pub const VFIO_SET_IOMMU: u32 = vfio_io(2);
pub const VFIO_GROUP_GET_STATUS: u32 = vfio_io(3);
pub const VFIO_GROUP_SET_CONTAINER: u32 = vfio_io(4);
pub const VFIO_GROUP_UNSET_CONTAINER: u32 = vfio_io(5);
pub const VFIO_GROUP_GET_DEVICE_FD: u32 = vfio_io(6);
pub const VFIO_DEVICE_GET_INFO: u32 = vfio_io(7);
pub const VFIO_DEVICE_GET_REGION_INFO: u32 = vfio_io(8);
pub const VFIO_DEVICE_GET_IRQ_INFO: u32 = vfio_io(9);
pub const VFIO_DEVICE_SET_IRQS: u32 = vfio_io(10);
pub const VFIO_DEVICE_RESET: u32 = vfio_io(11);
pub const VFIO_IOMMU_GET_INFO: u32 = vfio_io(12);
pub const VFIO_IOMMU_MAP_DMA: u32 = vfio_io(13);
pub const VFIO_IOMMU_UNMAP_DMA: u32 = vfio_io(14);
pub const VFIO_DEVICE_FEATURE: u32 = vfio_io(17);
pub const VFIO_DEVICE_BIND_IOMMUFD: u32 = vfio_io(18);
pub const VFIO_DEVICE_ATTACH_IOMMUFD_PT: u32 = vfio_io(19);
pub const VFIO_DEVICE_DETACH_IOMMUFD_PT: u32 = vfio_io(20);
/// No VFIO ioctl has this number (the highest in 7.3 is `VFIO_BASE + 22`).
pub const VFIO_UNDEFINED_IOCTL: u32 = vfio_io(99);

pub const VFIO_GROUP_FLAGS_VIABLE: u32 = 1 << 0;

pub const VFIO_DEVICE_FLAGS_AP: u32 = 1 << 5;

/// `enum { VFIO_AP_REQ_IRQ_INDEX, VFIO_AP_CFG_CHG_IRQ_INDEX, VFIO_AP_NUM_IRQS }`.
pub const VFIO_AP_REQ_IRQ_INDEX: u32 = 0;
pub const VFIO_AP_CFG_CHG_IRQ_INDEX: u32 = 1;

pub const VFIO_IRQ_SET_DATA_NONE: u32 = 1 << 0;
pub const VFIO_IRQ_SET_DATA_BOOL: u32 = 1 << 1;
pub const VFIO_IRQ_SET_DATA_EVENTFD: u32 = 1 << 2;
pub const VFIO_IRQ_SET_ACTION_MASK: u32 = 1 << 3;
pub const VFIO_IRQ_SET_ACTION_UNMASK: u32 = 1 << 4;
pub const VFIO_IRQ_SET_ACTION_TRIGGER: u32 = 1 << 5;

pub const VFIO_DMA_MAP_FLAG_READ: u32 = 1 << 0;
pub const VFIO_DMA_MAP_FLAG_WRITE: u32 = 1 << 1;

pub const VFIO_DEVICE_FEATURE_GET: u32 = 1 << 16;
pub const VFIO_DEVICE_FEATURE_MIGRATION: u32 = 1;

/// `struct vfio_group_status`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VfioGroupStatus {
    pub argsz: u32,
    pub flags: u32,
}

/// `struct vfio_device_info` (no capability chain follows for AP).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VfioDeviceInfo {
    pub argsz: u32,
    pub flags: u32,
    pub num_regions: u32,
    pub num_irqs: u32,
    pub cap_offset: u32,
    pub pad: u32,
}

/// `offsetofend(struct vfio_device_info, num_irqs)`: what drivers copy.
pub const VFIO_DEVICE_INFO_MINSZ: u32 = 16;

/// `struct vfio_irq_info`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VfioIrqInfo {
    pub argsz: u32,
    pub flags: u32,
    pub index: u32,
    pub count: u32,
}

/// `struct vfio_irq_set` without its flexible `data[]`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VfioIrqSet {
    pub argsz: u32,
    pub flags: u32,
    pub index: u32,
    pub start: u32,
    pub count: u32,
}

/// A `struct vfio_irq_set` followed by room for two s32 eventfds in `data`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VfioIrqSetFds {
    pub hdr: VfioIrqSet,
    pub fds: [i32; 2],
}

/// `struct vfio_region_info`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VfioRegionInfo {
    pub argsz: u32,
    pub flags: u32,
    pub index: u32,
    pub cap_offset: u32,
    pub size: u64,
    pub offset: u64,
}

/// `struct vfio_iommu_type1_info` (capabilities follow when `argsz` grows).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VfioIommuType1Info {
    pub argsz: u32,
    pub flags: u32,
    pub iova_pgsizes: u64,
    pub cap_offset: u32,
    pub pad: u32,
}

/// `struct vfio_iommu_type1_dma_map`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VfioIommuType1DmaMap {
    pub argsz: u32,
    pub flags: u32,
    pub vaddr: u64,
    pub iova: u64,
    pub size: u64,
}

/// `struct vfio_iommu_type1_dma_unmap` without its flexible `data[]`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VfioIommuType1DmaUnmap {
    pub argsz: u32,
    pub flags: u32,
    pub iova: u64,
    pub size: u64,
}

/// `struct vfio_device_feature` with room for `struct
/// vfio_device_feature_migration` (one u64) in `data`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VfioDeviceFeatureMigration {
    pub argsz: u32,
    pub flags: u32,
    pub migration_flags: u64,
}

/// `struct vfio_device_bind_iommufd` as in 7.3 (`token_uuid_ptr` is read
/// only with `VFIO_DEVICE_BIND_FLAG_TOKEN`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VfioDeviceBindIommufd {
    pub argsz: u32,
    pub flags: u32,
    pub iommufd: i32,
    pub out_devid: u32,
    pub token_uuid_ptr: u64,
}

/// `struct vfio_device_attach_iommufd_pt` as in 7.3 (`pasid` is read only
/// with `VFIO_DEVICE_ATTACH_PASID`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VfioDeviceAttachIommufdPt {
    pub argsz: u32,
    pub flags: u32,
    pub pt_id: u32,
    pub pasid: u32,
}

/// `struct vfio_device_detach_iommufd_pt` as in 7.3 (`pasid` is read only
/// with `VFIO_DEVICE_DETACH_PASID`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct VfioDeviceDetachIommufdPt {
    pub argsz: u32,
    pub flags: u32,
    pub pasid: u32,
}

/// A uAPI argument that carries its own size in `argsz` (`size` in
/// iommufd's structures).
pub trait Argsz {
    fn argsz(&self) -> u32;
}

macro_rules! impl_argsz {
    ($($t:ty),*) => {
        $(impl Argsz for $t {
            fn argsz(&self) -> u32 {
                self.argsz
            }
        })*
    };
}

impl_argsz!(
    VfioGroupStatus,
    VfioDeviceInfo,
    VfioIrqInfo,
    VfioIrqSet,
    VfioRegionInfo,
    VfioIommuType1Info,
    VfioIommuType1DmaMap,
    VfioIommuType1DmaUnmap,
    VfioDeviceFeatureMigration,
    VfioDeviceBindIommufd,
    VfioDeviceAttachIommufdPt,
    VfioDeviceDetachIommufdPt
);

impl Argsz for VfioIrqSetFds {
    fn argsz(&self) -> u32 {
        self.hdr.argsz
    }
}

/// `sizeof` as the u32 an `argsz` field holds.
pub const fn argsz_of<T>() -> u32 {
    size_of::<T>() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_sizes_match_the_uapi() {
        assert_eq!(size_of::<VfioGroupStatus>(), 8);
        assert_eq!(size_of::<VfioDeviceInfo>(), 24);
        assert_eq!(size_of::<VfioIrqInfo>(), 16);
        assert_eq!(size_of::<VfioIrqSet>(), 20);
        assert_eq!(size_of::<VfioIrqSetFds>(), 28);
        assert_eq!(size_of::<VfioRegionInfo>(), 32);
        assert_eq!(size_of::<VfioIommuType1Info>(), 24);
        assert_eq!(size_of::<VfioIommuType1DmaMap>(), 32);
        assert_eq!(size_of::<VfioIommuType1DmaUnmap>(), 24);
        assert_eq!(size_of::<VfioDeviceFeatureMigration>(), 16);
        assert_eq!(size_of::<VfioDeviceBindIommufd>(), 24);
        assert_eq!(size_of::<VfioDeviceAttachIommufdPt>(), 16);
        assert_eq!(size_of::<VfioDeviceDetachIommufdPt>(), 12);
        assert_eq!(core::mem::offset_of!(VfioDeviceBindIommufd, out_devid), 12);
        assert_eq!(
            core::mem::offset_of!(VfioDeviceBindIommufd, token_uuid_ptr),
            16
        );
        assert_eq!(core::mem::offset_of!(VfioDeviceAttachIommufdPt, pt_id), 8);
        assert_eq!(core::mem::offset_of!(VfioIrqSetFds, fds), 20);
        assert_eq!(
            core::mem::offset_of!(VfioDeviceInfo, cap_offset) as u32,
            VFIO_DEVICE_INFO_MINSZ
        );
    }

    #[test]
    fn ioctl_numbers_match_the_uapi() {
        assert_eq!(VFIO_GET_API_VERSION, 0x3b64);
        assert_eq!(VFIO_GROUP_GET_DEVICE_FD, 0x3b6a);
        assert_eq!(VFIO_DEVICE_GET_INFO, 0x3b6b);
        assert_eq!(VFIO_DEVICE_SET_IRQS, 0x3b6e);
        assert_eq!(VFIO_DEVICE_RESET, 0x3b6f);
        assert_eq!(VFIO_IOMMU_MAP_DMA, 0x3b71);
        assert_eq!(VFIO_IOMMU_UNMAP_DMA, 0x3b72);
        assert_eq!(VFIO_DEVICE_FEATURE, 0x3b75);
        assert_eq!(VFIO_DEVICE_BIND_IOMMUFD, 0x3b76);
        assert_eq!(VFIO_DEVICE_ATTACH_IOMMUFD_PT, 0x3b77);
        assert_eq!(VFIO_DEVICE_DETACH_IOMMUFD_PT, 0x3b78);
    }
}
