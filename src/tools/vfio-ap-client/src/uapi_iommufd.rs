// SPDX-License-Identifier: GPL-2.0
//! The parts of `include/uapi/linux/iommufd.h` (Linux 7.3) this client
//! uses, written by hand: ioctl numbers, flags and the `#[repr(C)]`
//! structures. Every iommufd argument starts with its own `size`.

use crate::uapi::{io, Argsz, VFIO_TYPE};

/// `IOMMUFD_TYPE` is VFIO's `';'`; the commands start at 0x80.
const IOMMUFD_CMD_BASE: u8 = 0x80;

/// `_IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + n)`.
const fn iommufd_io(n: u8) -> u32 {
    io(VFIO_TYPE, IOMMUFD_CMD_BASE + n)
}

pub const IOMMU_DESTROY: u32 = iommufd_io(0);
pub const IOMMU_IOAS_ALLOC: u32 = iommufd_io(1);
pub const IOMMU_IOAS_IOVA_RANGES: u32 = iommufd_io(4);
pub const IOMMU_IOAS_MAP: u32 = iommufd_io(5);
pub const IOMMU_IOAS_UNMAP: u32 = iommufd_io(6);

/// `enum iommufd_ioas_map_flags`.
pub const IOMMU_IOAS_MAP_FIXED_IOVA: u32 = 1 << 0;
pub const IOMMU_IOAS_MAP_WRITEABLE: u32 = 1 << 1;
pub const IOMMU_IOAS_MAP_READABLE: u32 = 1 << 2;

/// `struct iommu_destroy`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct IommuDestroy {
    pub size: u32,
    pub id: u32,
}

/// `struct iommu_ioas_alloc`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct IommuIoasAlloc {
    pub size: u32,
    pub flags: u32,
    pub out_ioas_id: u32,
}

/// `struct iommu_iova_range`: an inclusive interval.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IommuIovaRange {
    pub start: u64,
    pub last: u64,
}

/// `struct iommu_ioas_iova_ranges` (`allowed_iovas` points to an array of
/// `num_iovas` [`IommuIovaRange`]s).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct IommuIoasIovaRanges {
    pub size: u32,
    pub ioas_id: u32,
    pub num_iovas: u32,
    pub reserved: u32,
    pub allowed_iovas: u64,
    pub out_iova_alignment: u64,
}

/// `struct iommu_ioas_map`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct IommuIoasMap {
    pub size: u32,
    pub flags: u32,
    pub ioas_id: u32,
    pub reserved: u32,
    pub user_va: u64,
    pub length: u64,
    pub iova: u64,
}

/// `struct iommu_ioas_unmap`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct IommuIoasUnmap {
    pub size: u32,
    pub ioas_id: u32,
    pub iova: u64,
    pub length: u64,
}

macro_rules! impl_size {
    ($($t:ty),*) => {
        $(impl Argsz for $t {
            fn argsz(&self) -> u32 {
                self.size
            }
        })*
    };
}

impl_size!(
    IommuDestroy,
    IommuIoasAlloc,
    IommuIoasIovaRanges,
    IommuIoasMap,
    IommuIoasUnmap
);

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn struct_sizes_match_the_uapi() {
        assert_eq!(size_of::<IommuDestroy>(), 8);
        assert_eq!(size_of::<IommuIoasAlloc>(), 12);
        assert_eq!(size_of::<IommuIovaRange>(), 16);
        assert_eq!(size_of::<IommuIoasIovaRanges>(), 32);
        assert_eq!(size_of::<IommuIoasMap>(), 40);
        assert_eq!(size_of::<IommuIoasUnmap>(), 24);
        assert_eq!(offset_of!(IommuIoasIovaRanges, allowed_iovas), 16);
        assert_eq!(offset_of!(IommuIoasIovaRanges, out_iova_alignment), 24);
        assert_eq!(offset_of!(IommuIoasMap, user_va), 16);
        assert_eq!(offset_of!(IommuIoasMap, length), 24);
        assert_eq!(offset_of!(IommuIoasMap, iova), 32);
        assert_eq!(offset_of!(IommuIoasUnmap, iova), 8);
    }

    #[test]
    fn ioctl_numbers_match_the_uapi() {
        assert_eq!(IOMMU_DESTROY, 0x3b80);
        assert_eq!(IOMMU_IOAS_ALLOC, 0x3b81);
        assert_eq!(IOMMU_IOAS_IOVA_RANGES, 0x3b84);
        assert_eq!(IOMMU_IOAS_MAP, 0x3b85);
        assert_eq!(IOMMU_IOAS_UNMAP, 0x3b86);
    }

    #[test]
    fn map_flags_match_the_uapi() {
        assert_eq!(
            IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE,
            0x7
        );
    }
}
