// SPDX-License-Identifier: GPL-2.0
//! The iommufd (`/dev/iommu`) ioctls, with QEMU 10.0's arguments
//! (backends/iommufd.c, hw/vfio/iommufd.c): every `size` is the
//! structure's `sizeof`, unchanged since Linux 6.2.

use std::os::fd::BorrowedFd;

use crate::errno::Errno;
use crate::sys::{self, SysResult};
use crate::uapi::argsz_of;
use crate::uapi_iommufd::*;

/// `IOMMU_IOAS_ALLOC` (`iommufd_backend_alloc_ioas`): the new IOAS's id.
pub fn ioas_alloc(iommufd: BorrowedFd<'_>) -> SysResult<u32> {
    let mut alloc = IommuIoasAlloc {
        size: argsz_of::<IommuIoasAlloc>(),
        flags: 0,
        out_ioas_id: 0,
    };
    sys::ioctl_mut(iommufd, IOMMU_IOAS_ALLOC, &mut alloc)?;
    Ok(alloc.out_ioas_id)
}

/// `IOMMU_DESTROY` of an object (`iommufd_backend_free_id`).
pub fn destroy(iommufd: BorrowedFd<'_>, id: u32) -> SysResult<()> {
    let mut destroy = IommuDestroy {
        size: argsz_of::<IommuDestroy>(),
        id,
    };
    sys::ioctl_mut(iommufd, IOMMU_DESTROY, &mut destroy)?;
    Ok(())
}

/// The IOVA ranges an IOAS allows and the alignment it requires.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IovaRanges {
    pub ranges: Vec<IommuIovaRange>,
    pub alignment: u64,
}

impl IovaRanges {
    /// `ranges=0x0-0xffffffffffffffff alignment=0x1000` (`ranges=none`
    /// without any).
    pub fn describe(&self) -> String {
        let ranges: Vec<String> = self
            .ranges
            .iter()
            .map(|r| format!("{:#x}-{:#x}", r.start, r.last))
            .collect();
        let ranges = if ranges.is_empty() {
            "none".to_string()
        } else {
            ranges.join(",")
        };
        format!("ranges={ranges} alignment={:#x}", self.alignment)
    }
}

/// `IOMMU_IOAS_IOVA_RANGES` as `iommufd_cdev_get_info_iova_range`: first
/// without room for a range (the kernel answers `EMSGSIZE` and the count),
/// then again with room for as many as it counted.
pub fn iova_ranges(iommufd: BorrowedFd<'_>, ioas_id: u32) -> SysResult<IovaRanges> {
    let mut info = IommuIoasIovaRanges {
        size: argsz_of::<IommuIoasIovaRanges>(),
        ioas_id,
        ..IommuIoasIovaRanges::default()
    };
    match sys::ioctl_mut(iommufd, IOMMU_IOAS_IOVA_RANGES, &mut info) {
        Ok(_) => {}
        Err(err) if err.0 == libc::EMSGSIZE => {}
        Err(err) => return Err(err),
    }
    let count = usize::try_from(info.num_iovas).map_err(|_| Errno(libc::EOVERFLOW))?;
    let mut ranges = vec![IommuIovaRange::default(); count];
    info.allowed_iovas = ranges.as_mut_ptr() as u64;
    let addr = core::ptr::from_mut(&mut info) as u64;
    // SAFETY: `info` is a live, exclusive header of its own `size`; the
    // kernel writes at most `info.num_iovas` ranges to `allowed_iovas`,
    // which points to a vector of exactly that many.
    unsafe { sys::ioctl(iommufd, IOMMU_IOAS_IOVA_RANGES, addr) }?;
    ranges.truncate(usize::try_from(info.num_iovas).unwrap_or(count));
    Ok(IovaRanges {
        ranges,
        alignment: info.out_iova_alignment,
    })
}

/// QEMU's `IOMMU_IOAS_MAP` of guest RAM (`iommufd_backend_map_dma`):
/// FIXED_IOVA, READABLE, and WRITEABLE as RAM is not read-only.
pub fn map_argument(ioas_id: u32, vaddr: u64, iova: u64, size: u64) -> IommuIoasMap {
    IommuIoasMap {
        size: argsz_of::<IommuIoasMap>(),
        flags: IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE,
        ioas_id,
        reserved: 0,
        user_va: vaddr,
        length: size,
        iova,
    }
}

/// `IOMMU_IOAS_MAP` of `size` bytes at `vaddr` to `iova`.
pub fn ioas_map(
    iommufd: BorrowedFd<'_>,
    ioas_id: u32,
    vaddr: u64,
    iova: u64,
    size: u64,
) -> SysResult<()> {
    let mut map = map_argument(ioas_id, vaddr, iova, size);
    sys::ioctl_mut(iommufd, IOMMU_IOAS_MAP, &mut map)?;
    Ok(())
}

/// `IOMMU_IOAS_UNMAP` (`iommufd_backend_unmap_dma`): the bytes unmapped.
/// As QEMU, `ENOENT` (nothing mapped there) counts as success: 0 bytes,
/// what type1 reports for the same.
pub fn ioas_unmap(iommufd: BorrowedFd<'_>, ioas_id: u32, iova: u64, size: u64) -> SysResult<u64> {
    let mut unmap = IommuIoasUnmap {
        size: argsz_of::<IommuIoasUnmap>(),
        ioas_id,
        iova,
        length: size,
    };
    match sys::ioctl_mut(iommufd, IOMMU_IOAS_UNMAP, &mut unmap) {
        Ok(_) => Ok(unmap.length),
        Err(err) if err.0 == libc::ENOENT => Ok(0),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qemu_map_argument() {
        let map = map_argument(2, 0x7fff_0000, 0x10_0000, 0x1_0000);
        assert_eq!(map.size, 40);
        assert_eq!(map.flags, 0x7);
        assert_eq!(map.ioas_id, 2);
        assert_eq!(map.reserved, 0);
        assert_eq!(
            (map.user_va, map.iova, map.length),
            (0x7fff_0000, 0x10_0000, 0x1_0000)
        );
    }

    #[test]
    fn range_lines() {
        let full = IovaRanges {
            ranges: vec![IommuIovaRange {
                start: 0,
                last: u64::MAX,
            }],
            alignment: 4096,
        };
        assert_eq!(
            full.describe(),
            "ranges=0x0-0xffffffffffffffff alignment=0x1000"
        );
        let two = IovaRanges {
            ranges: vec![
                IommuIovaRange {
                    start: 0,
                    last: 0xfff,
                },
                IommuIovaRange {
                    start: 0x2000,
                    last: 0x2fff,
                },
            ],
            alignment: 1,
        };
        assert_eq!(
            two.describe(),
            "ranges=0x0-0xfff,0x2000-0x2fff alignment=0x1"
        );
        assert_eq!(
            IovaRanges::default().describe(),
            "ranges=none alignment=0x0"
        );
    }
}
