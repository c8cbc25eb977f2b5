// SPDX-License-Identifier: GPL-2.0
//! The iommufd backend (`-object iommufd` with `-device vfio-ap,iommufd=`):
//! the mdev's cdev bound to `/dev/iommu` and attached to an IOAS, set up in
//! QEMU 10.0's order (`iommufd_cdev_attach`) and torn down the two ways
//! QEMU does: on exit, and on unplug (`iommufd_cdev_detach`).

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;

use crate::cdev;
use crate::cli::Target;
use crate::dma::Mapping;
use crate::fail_nth;
use crate::iommufd;
use crate::kvm_link::{self, KvmLink};
use crate::say;
use crate::session::AttachOptions;
use crate::step::{check, open_rw, Failed};
use crate::sys::SysResult;

/// The device bound to the iommufd. The field order is the drop order
/// after a failed step, QEMU's error path: the `del` of the association
/// (made with the device fd, so while it is still open), the device fd
/// (unbind, close_device), then the iommufd, which frees the IOAS.
pub struct Attachment {
    kvm: Option<KvmLink>,
    device: OwnedFd,
    iommufd: OwnedFd,
    ioas: u32,
}

/// QEMU's `iommufd_cdev_attach` for an mdev: the cdev (`iommufd_cdev_getfd`),
/// `/dev/iommu` (`iommufd_backend_connect`, at its first user), the KVM
/// association of the device fd, the bind (open_device runs here), a new
/// IOAS for the container, the attach to it, its IOVA ranges, then the
/// memory listener's RAM mapping.
pub fn attach(target: &Target, options: &AttachOptions) -> Result<(Attachment, Mapping), Failed> {
    let sysfs = Path::new("/sys/bus/mdev/devices").join(&target.uuid);
    let name = check("cdev", cdev::find(&sysfs))?;
    let device = check("cdev", cdev::open(&name))?;
    say!("open: cdev: ok {} fd={}", name.path(), device.as_raw_fd());

    let iommufd = check("iommufd", open_rw("/dev/iommu"))?;
    say!("open: iommufd: ok fd={}", iommufd.as_raw_fd());

    // Unlike the legacy backend, QEMU fails the attach if the association
    // fails (iommufd_cdev_connect_and_bind).
    let kvm = if options.kvm {
        let file = kvm_link::vfio_group_file(&target.sim, &target.vm);
        let link = check("kvm_add", KvmLink::add(file, device.as_raw_fd()))?;
        say!("open: kvm_add: ok fd={}", device.as_raw_fd());
        Some(link)
    } else {
        say!("open: kvm_add: skipped (--no-kvm)");
        None
    };

    let devid = check(
        "bind_iommufd",
        fail_nth::around(options.fail_nth, || {
            cdev::bind(device.as_fd(), iommufd.as_raw_fd())
        })?,
    )?;
    say!("open: bind_iommufd: ok devid={devid}");

    let ioas = check("ioas_alloc", iommufd::ioas_alloc(iommufd.as_fd()))?;
    say!("open: ioas_alloc: ok id={ioas}");
    check("attach_pt", cdev::attach_pt(device.as_fd(), ioas))?;
    say!("open: attach_pt: ok");
    // QEMU falls back to the full 64-bit range and warns.
    match iommufd::iova_ranges(iommufd.as_fd(), ioas) {
        Ok(ranges) => say!("open: iova_ranges: ok {}", ranges.describe()),
        Err(err) => say!("open: iova_ranges: warning: {err}"),
    }

    let (mapping, pages) = check(
        "map_dma",
        Mapping::new(options.iova, options.size, |vaddr, iova, size| {
            iommufd::ioas_map(iommufd.as_fd(), ioas, vaddr, iova, size)
        }),
    )?;
    say!(
        "open: map_dma: ok iova={:#x} size={:#x} pages={pages}",
        options.iova,
        options.size
    );

    let attachment = Attachment {
        kvm,
        device,
        iommufd,
        ioas,
    };
    Ok((attachment, mapping))
}

impl Attachment {
    pub fn device(&self) -> BorrowedFd<'_> {
        self.device.as_fd()
    }

    /// `IOMMU_IOAS_MAP`, fixed IOVA, readable and writable.
    pub fn map_dma(&self, vaddr: u64, iova: u64, size: u64) -> SysResult<()> {
        iommufd::ioas_map(self.iommufd.as_fd(), self.ioas, vaddr, iova, size)
    }

    /// `IOMMU_IOAS_UNMAP`: the bytes unmapped (0 for nothing there).
    pub fn unmap_dma(&self, iova: u64, size: u64) -> SysResult<u64> {
        iommufd::ioas_unmap(self.iommufd.as_fd(), self.ioas, iova, size)
    }

    /// What QEMU's exit leaves to the kernel, in the order it happens
    /// there: KVM drops the device file it holds (the association is
    /// deleted), which releases the device (unbind, close_device), then
    /// the iommufd and the IOAS with it.
    pub fn close(self) {
        let Attachment {
            kvm,
            device,
            iommufd,
            ..
        } = self;
        if let Some(link) = kvm {
            if let Err(err) = link.remove() {
                say!("close: kvm_del: failed: {err}");
            }
        }
        drop(device);
        drop(iommufd);
    }

    /// QEMU's unplug after the IRQs (`iommufd_cdev_detach`): the device
    /// detached from the IOAS, the memory listener's unmaps, the IOAS
    /// destroyed, then `iommufd_cdev_unbind_and_disconnect`: the
    /// association deleted, the iommufd closed (its last user); the device
    /// fd last.
    pub fn unplug(self, mappings: &[Mapping]) {
        let Attachment {
            kvm,
            device,
            iommufd,
            ioas,
        } = self;
        match cdev::detach_pt(device.as_fd()) {
            Ok(()) => say!("unplug: detach_pt: ok"),
            Err(err) => say!("unplug: detach_pt: failed: {err}"),
        }
        for m in mappings {
            match iommufd::ioas_unmap(iommufd.as_fd(), ioas, m.iova, m.size) {
                Ok(n) => say!(
                    "unplug: unmap: ok iova={:#x} size={:#x} unmapped={n:#x}",
                    m.iova,
                    m.size
                ),
                Err(err) => say!("unplug: unmap: failed: {err}"),
            }
        }
        match iommufd::destroy(iommufd.as_fd(), ioas) {
            Ok(()) => say!("unplug: ioas_destroy: ok"),
            Err(err) => say!("unplug: ioas_destroy: failed: {err}"),
        }
        if let Some(link) = kvm {
            match link.remove() {
                Ok(()) => say!("unplug: kvm_del: ok"),
                Err(err) => say!("unplug: kvm_del: failed: {err}"),
            }
        }
        drop(iommufd);
        say!("unplug: iommufd: closed");
        drop(device);
        say!("unplug: device: closed");
    }
}
