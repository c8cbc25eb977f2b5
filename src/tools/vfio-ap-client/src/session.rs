// SPDX-License-Identifier: GPL-2.0
//! One attached mdev: the backend it is attached with (the legacy type1
//! container or iommufd), its IRQ eventfds and the DMA mappings (guest
//! RAM), with what both backends share: IRQs, `map`/`unmap`, close and
//! unplug.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};

use crate::attach_iommufd;
use crate::attach_legacy;
use crate::cli::Target;
use crate::device;
use crate::dma::Mapping;
use crate::errno::Errno;
use crate::say;
use crate::step::Failed;
use crate::sys::{self, SysResult};

/// How to attach.
pub struct AttachOptions {
    /// The iommufd backend (cdev) instead of the legacy container.
    pub iommufd: bool,
    pub kvm: bool,
    pub iova: u64,
    pub size: u64,
    pub fail_nth: Option<u32>,
}

/// The backend the device is attached with.
enum Backend {
    Container(attach_legacy::Attachment),
    Iommufd(attach_iommufd::Attachment),
}

impl Backend {
    fn device(&self) -> BorrowedFd<'_> {
        match self {
            Backend::Container(a) => a.device(),
            Backend::Iommufd(a) => a.device(),
        }
    }

    fn map_dma(&self, vaddr: u64, iova: u64, size: u64) -> SysResult<()> {
        match self {
            Backend::Container(a) => a.map_dma(vaddr, iova, size),
            Backend::Iommufd(a) => a.map_dma(vaddr, iova, size),
        }
    }

    fn unmap_dma(&self, iova: u64, size: u64) -> SysResult<u64> {
        match self {
            Backend::Container(a) => a.unmap_dma(iova, size),
            Backend::Iommufd(a) => a.unmap_dma(iova, size),
        }
    }
}

/// The attached device. The field order is the drop order after a failed
/// step: the backend (its own order), the eventfds, then the buffers.
pub struct Session {
    backend: Backend,
    triggers: [Option<OwnedFd>; 2],
    mappings: Vec<Mapping>,
    /// The mapping of the open: what a bare `unmap` unmaps.
    first_mapping: (u64, u64),
}

impl Session {
    /// Attaches with the backend `options` asks for, up to the device fd
    /// and the RAM mapping; every step prints its line.
    pub fn attach(target: &Target, options: &AttachOptions) -> Result<Session, Failed> {
        let (backend, mapping) = if options.iommufd {
            let (attachment, mapping) = attach_iommufd::attach(target, options)?;
            (Backend::Iommufd(attachment), mapping)
        } else {
            let (attachment, mapping) = attach_legacy::attach(target, options)?;
            (Backend::Container(attachment), mapping)
        };
        Ok(Session {
            backend,
            triggers: [None, None],
            mappings: vec![mapping],
            first_mapping: (options.iova, options.size),
        })
    }

    pub fn device(&self) -> BorrowedFd<'_> {
        self.backend.device()
    }

    /// The eventfd of IRQ `index`, if one is registered.
    pub fn trigger(&self, index: usize) -> Option<BorrowedFd<'_>> {
        self.triggers.get(index)?.as_ref().map(AsFd::as_fd)
    }

    /// `irq INDEX on`: a new eventfd registered as trigger (replacing the
    /// old one); its number. `irq INDEX off`: fd -1, the eventfd closed.
    pub fn set_irq(&mut self, index: u32, on: bool) -> SysResult<Option<i32>> {
        let slot = usize::try_from(index).map_err(|_| Errno(libc::EINVAL))?;
        if slot >= self.triggers.len() {
            return Err(Errno(libc::EINVAL));
        }
        let new = if on { Some(sys::eventfd()?) } else { None };
        let fd = new.as_ref().map_or(-1, AsRawFd::as_raw_fd);
        device::set_trigger(self.backend.device(), index, fd)?;
        if let Some(trigger) = self.triggers.get_mut(slot) {
            *trigger = new;
        }
        Ok(on.then_some(fd))
    }

    /// `map IOVA SIZE`; the number of pages.
    pub fn map(&mut self, iova: u64, size: u64) -> SysResult<usize> {
        let backend = &self.backend;
        let (mapping, pages) = Mapping::new(iova, size, |vaddr, iova, size| {
            backend.map_dma(vaddr, iova, size)
        })?;
        self.mappings.push(mapping);
        Ok(pages)
    }

    /// `unmap [IOVA SIZE]` (default: the open's mapping): the range and the
    /// bytes the backend unmapped. Buffers inside that range are released.
    pub fn unmap(&mut self, range: Option<(u64, u64)>) -> SysResult<(u64, u64, u64)> {
        let (iova, size) = range.unwrap_or(self.first_mapping);
        let unmapped = self.backend.unmap_dma(iova, size)?;
        self.mappings.retain(|m| !m.within(iova, size));
        Ok((iova, size, unmapped))
    }

    /// What QEMU's exit leaves to the kernel (no IRQ is deregistered), in
    /// the backend's order, then `closed`.
    pub fn close(self) {
        let Session {
            backend,
            triggers,
            mappings,
            ..
        } = self;
        match backend {
            Backend::Container(a) => a.close(),
            Backend::Iommufd(a) => a.close(),
        }
        drop(triggers);
        drop(mappings);
        say!("closed");
    }

    /// QEMU's unplug (`vfio_ap_unrealize`): both IRQs deregistered (fd -1),
    /// then the backend's detach (`vfio_detach_device`), then `closed`.
    pub fn unplug(mut self) {
        for index in 0..2u32 {
            match self.set_irq(index, false) {
                Ok(_) => say!("unplug: irq {index} off: ok"),
                Err(err) => say!("unplug: irq {index} off: failed: {err}"),
            }
        }
        let Session {
            backend,
            triggers,
            mappings,
            ..
        } = self;
        drop(triggers);
        match backend {
            Backend::Container(a) => a.unplug(&mappings),
            Backend::Iommufd(a) => a.unplug(&mappings),
        }
        drop(mappings);
        say!("closed");
    }
}
