// SPDX-License-Identifier: GPL-2.0
//! Guest RAM: anonymous buffers mapped for DMA at an IOVA, by whichever
//! backend (type1 container or iommufd IOAS) the device is attached with.

use crate::errno::Errno;
use crate::memory::AnonMap;
use crate::sys::{self, SysResult};

/// A buffer mapped for DMA; the buffer is unmapped from this process on
/// drop (after the backend's fds are closed, see `Session`).
pub struct Mapping {
    pub iova: u64,
    pub size: u64,
    _buffer: AnonMap,
}

impl Mapping {
    /// A new anonymous buffer of `size` bytes, every page touched (as guest
    /// RAM QEMU has used), handed to `map` as (vaddr, iova, size); the
    /// mapping and its number of pages.
    pub fn new(
        iova: u64,
        size: u64,
        map: impl FnOnce(u64, u64, u64) -> SysResult<()>,
    ) -> SysResult<(Mapping, usize)> {
        let len = usize::try_from(size).map_err(|_| Errno(libc::EINVAL))?;
        let mut buffer = AnonMap::new(len)?;
        let pages = buffer.touch_pages(sys::page_size());
        map(buffer.addr(), iova, size)?;
        let mapping = Mapping {
            iova,
            size,
            _buffer: buffer,
        };
        Ok((mapping, pages))
    }

    /// Whether the mapping lies inside `[iova, iova + size)`.
    pub fn within(&self, iova: u64, size: u64) -> bool {
        self.iova >= iova && self.iova.saturating_add(self.size) <= iova.saturating_add(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_a_range() {
        let (m, pages) = Mapping::new(0x10_0000, 0x2000, |_, _, _| Ok(())).unwrap();
        assert_eq!(pages, 0x2000 / sys::page_size().min(0x2000));
        assert!(m.within(0x10_0000, 0x2000));
        assert!(m.within(0, u64::MAX));
        assert!(!m.within(0x10_0000, 0x1000));
        assert!(!m.within(0x10_1000, 0x2000));
        let failed = Mapping::new(0, 0x1000, |_, _, _| Err(Errno(libc::EBUSY)));
        assert_eq!(failed.err(), Some(Errno(libc::EBUSY)));
    }
}
