// SPDX-License-Identifier: GPL-2.0
//! The legacy backend: the mdev's IOMMU group in a type1 container, set up
//! in QEMU 10.0's order (`vfio_legacy_attach_device`) and torn down the two
//! ways QEMU does: on exit, and on unplug (`vfio_legacy_detach_device`).

use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;

use crate::cli::Target;
use crate::container::{self, iommu_name};
use crate::dma::Mapping;
use crate::errno::Errno;
use crate::fail_nth;
use crate::kvm_link::{self, KvmLink};
use crate::say;
use crate::session::AttachOptions;
use crate::step::{check, open_rw, refuse, Failed};
use crate::sys::SysResult;
use crate::uapi::{VFIO_API_VERSION, VFIO_GROUP_FLAGS_VIABLE};

/// The device attached through its group. The field order is the drop
/// order after a failed step: device fd, `del` of the association, group,
/// container.
pub struct Attachment {
    device: OwnedFd,
    kvm: Option<KvmLink>,
    group: OwnedFd,
    container: OwnedFd,
}

/// The group number at the end of an `iommu_group` link
/// (`../../../kernel/iommu_groups/3` → 3).
pub fn group_number(link: &Path) -> Option<u32> {
    link.file_name()?.to_str()?.parse().ok()
}

/// QEMU's `vfio_legacy_attach_device`: group, container, IOMMU, KVM
/// association, the RAM mapping, then the device fd.
pub fn attach(target: &Target, options: &AttachOptions) -> Result<(Attachment, Mapping), Failed> {
    let link_path = Path::new("/sys/bus/mdev/devices")
        .join(&target.uuid)
        .join("iommu_group");
    let link = check(
        "iommu_group",
        std::fs::read_link(&link_path).map_err(|e| Errno::of(&e)),
    )?;
    let group_id =
        group_number(&link).ok_or_else(|| refuse("iommu_group", "not an IOMMU group link"))?;
    say!("open: iommu_group: ok group={group_id}");

    let group_path = format!("/dev/vfio/{group_id}");
    let group = check("group", open_rw(&group_path))?;
    say!("open: group: ok {group_path} fd={}", group.as_raw_fd());
    let flags = check("group_status", container::group_status(group.as_fd()))?;
    if flags & VFIO_GROUP_FLAGS_VIABLE == 0 {
        return Err(refuse(
            "group_status",
            &format!("not viable (flags={flags:#x})"),
        ));
    }
    say!("open: group_status: ok flags={flags:#x}");

    let container = check("container", open_rw("/dev/vfio/vfio"))?;
    say!(
        "open: container: ok /dev/vfio/vfio fd={}",
        container.as_raw_fd()
    );
    let version = check("api_version", container::api_version(container.as_fd()))?;
    if version != VFIO_API_VERSION {
        return Err(refuse(
            "api_version",
            &format!("version {version}, expected {VFIO_API_VERSION}"),
        ));
    }
    say!("open: api_version: ok version={version}");
    let kind = check(
        "check_extension",
        container::choose_iommu(container.as_fd()),
    )?
    .ok_or_else(|| refuse("check_extension", "no type1 IOMMU"))?;
    say!("open: check_extension: ok iommu={}", iommu_name(kind));
    check(
        "set_container",
        container::group_container(group.as_fd(), container.as_fd(), true),
    )?;
    say!("open: set_container: ok");
    check("set_iommu", container::set_iommu(container.as_fd(), kind))?;
    say!("open: set_iommu: ok iommu={}", iommu_name(kind));
    let info = check("iommu_info", container::iommu_info(container.as_fd()))?;
    say!(
        "open: iommu_info: ok flags={:#x} pgsizes={:#x} argsz={}",
        info.flags,
        info.iova_pgsizes,
        info.argsz
    );

    // QEMU only reports a failed KVM association and goes on.
    let kvm = if options.kvm {
        let file = kvm_link::vfio_group_file(&target.sim, &target.vm);
        match KvmLink::add(file, group.as_raw_fd()) {
            Ok(link) => {
                say!("open: kvm_add: ok fd={}", group.as_raw_fd());
                Some(link)
            }
            Err(err) => {
                say!("open: kvm_add: failed: {err}");
                None
            }
        }
    } else {
        say!("open: kvm_add: skipped (--no-kvm)");
        None
    };

    let (mapping, pages) = check(
        "map_dma",
        Mapping::new(options.iova, options.size, |vaddr, iova, size| {
            container::map_dma(container.as_fd(), vaddr, iova, size)
        }),
    )?;
    say!(
        "open: map_dma: ok iova={:#x} size={:#x} pages={pages}",
        options.iova,
        options.size
    );

    let name = CString::new(target.uuid.as_str())
        .map_err(|_| refuse("get_device_fd", "name contains NUL"))?;
    let device = check(
        "get_device_fd",
        fail_nth::around(options.fail_nth, || {
            container::get_device_fd(group.as_fd(), &name)
        })?,
    )?;
    say!("open: get_device_fd: ok fd={}", device.as_raw_fd());

    let attachment = Attachment {
        device,
        kvm,
        group,
        container,
    };
    Ok((attachment, mapping))
}

impl Attachment {
    pub fn device(&self) -> BorrowedFd<'_> {
        self.device.as_fd()
    }

    /// `VFIO_IOMMU_MAP_DMA`, readable and writable.
    pub fn map_dma(&self, vaddr: u64, iova: u64, size: u64) -> SysResult<()> {
        container::map_dma(self.container.as_fd(), vaddr, iova, size)
    }

    /// `VFIO_IOMMU_UNMAP_DMA`: the bytes type1 unmapped.
    pub fn unmap_dma(&self, iova: u64, size: u64) -> SysResult<u64> {
        container::unmap_dma(self.container.as_fd(), iova, size)
    }

    /// What QEMU's exit leaves to the kernel, in the order it happens
    /// there: the device fd closes, the association is deleted, the group
    /// and the container close.
    pub fn close(self) {
        let Attachment {
            device,
            kvm,
            group,
            container,
        } = self;
        drop(device);
        if let Some(link) = kvm {
            if let Err(err) = link.remove() {
                say!("close: kvm_del: failed: {err}");
            }
        }
        drop(group);
        drop(container);
    }

    /// QEMU's unplug after the IRQs: the device fd closed, then
    /// `vfio_put_group`: the association deleted, the RAM unmapped, the
    /// group taken out of the container, the container and the group
    /// closed.
    pub fn unplug(self, mappings: &[Mapping]) {
        let Attachment {
            device,
            kvm,
            group,
            container,
        } = self;
        drop(device);
        say!("unplug: device: closed");
        if let Some(link) = kvm {
            match link.remove() {
                Ok(()) => say!("unplug: kvm_del: ok"),
                Err(err) => say!("unplug: kvm_del: failed: {err}"),
            }
        }
        for m in mappings {
            match container::unmap_dma(container.as_fd(), m.iova, m.size) {
                Ok(n) => say!(
                    "unplug: unmap: ok iova={:#x} size={:#x} unmapped={n:#x}",
                    m.iova,
                    m.size
                ),
                Err(err) => say!("unplug: unmap: failed: {err}"),
            }
        }
        match container::group_container(group.as_fd(), container.as_fd(), false) {
            Ok(()) => say!("unplug: unset_container: ok"),
            Err(err) => say!("unplug: unset_container: failed: {err}"),
        }
        drop(container);
        drop(group);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_numbers() {
        assert_eq!(
            group_number(Path::new("../../../kernel/iommu_groups/3")),
            Some(3)
        );
        assert_eq!(group_number(Path::new("0")), Some(0));
        assert_eq!(group_number(Path::new("../iommu_groups/x")), None);
        assert_eq!(group_number(Path::new("/")), None);
    }
}
