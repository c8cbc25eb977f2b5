// SPDX-License-Identifier: GPL-2.0
//! One attached mdev: group, container, KVM association, DMA mappings and
//! the device fd, set up in QEMU 10.0's order (`vfio_legacy_attach_device`)
//! and torn down the two ways QEMU does: on exit, and on unplug.

use std::ffi::CString;
use std::fs::OpenOptions;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;

use crate::cli::Target;
use crate::container::{self, iommu_name};
use crate::device;
use crate::errno::Errno;
use crate::fail_nth::FailNth;
use crate::kvm_link::{self, KvmLink};
use crate::memory::AnonMap;
use crate::say;
use crate::sys::{self, SysResult};
use crate::uapi::{VFIO_API_VERSION, VFIO_GROUP_FLAGS_VIABLE};

/// A step failed; its `failed:` line has been printed.
#[derive(Debug)]
pub struct Failed;

/// How to attach.
pub struct AttachOptions {
    pub kvm: bool,
    pub iova: u64,
    pub size: u64,
    pub fail_nth: Option<u32>,
}

/// An anonymous buffer mapped for DMA in the container (guest RAM).
pub struct Mapping {
    pub iova: u64,
    pub size: u64,
    _buffer: AnonMap,
}

/// The attached device. The field order is the drop order after a failed
/// step: device fd, eventfds, `del` of the association, group, container,
/// then the buffers.
pub struct Session {
    device: OwnedFd,
    triggers: [Option<OwnedFd>; 2],
    kvm: Option<KvmLink>,
    group: OwnedFd,
    container: OwnedFd,
    mappings: Vec<Mapping>,
    /// The mapping of the open: what a bare `unmap` unmaps.
    first_mapping: (u64, u64),
}

fn check<T>(step: &str, result: SysResult<T>) -> Result<T, Failed> {
    result.map_err(|err| {
        say!("open: {step}: failed: {err}");
        Failed
    })
}

fn refuse(step: &str, why: &str) -> Failed {
    say!("open: {step}: failed: {why}");
    Failed
}

fn open_rw(path: &str) -> SysResult<OwnedFd> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Errno::of(&e))?;
    Ok(file.into())
}

/// The group number at the end of an `iommu_group` link
/// (`../../../kernel/iommu_groups/3` → 3).
pub fn group_number(link: &Path) -> Option<u32> {
    link.file_name()?.to_str()?.parse().ok()
}

/// Maps a new touched anonymous buffer of `size` bytes at `iova`.
fn new_mapping(container: BorrowedFd<'_>, iova: u64, size: u64) -> SysResult<(Mapping, usize)> {
    let len = usize::try_from(size).map_err(|_| Errno(libc::EINVAL))?;
    let mut buffer = AnonMap::new(len)?;
    let pages = buffer.touch_pages(sys::page_size());
    container::map_dma(container, buffer.addr(), iova, size)?;
    let mapping = Mapping {
        iova,
        size,
        _buffer: buffer,
    };
    Ok((mapping, pages))
}

/// `VFIO_GROUP_GET_DEVICE_FD`, with the `--fail-nth` injection around it.
fn get_device_fd(
    group: BorrowedFd<'_>,
    name: &CString,
    fail_nth: Option<u32>,
) -> Result<SysResult<OwnedFd>, Failed> {
    let Some(n) = fail_nth else {
        return Ok(container::get_device_fd(group, name));
    };
    let mut injector = check("fail-nth", FailNth::open())?;
    check("fail-nth", injector.arm(n))?;
    let result = container::get_device_fd(group, name);
    let left = injector.left();
    let _ = injector.arm(0);
    match left {
        Ok(left) => say!("open: fail-nth left={left}"),
        Err(err) => say!("open: fail-nth left=? ({err})"),
    }
    Ok(result)
}

impl Session {
    /// QEMU's `vfio_legacy_attach_device`: group, container, IOMMU, KVM
    /// association, the RAM mapping, then the device fd.
    pub fn attach(target: &Target, options: &AttachOptions) -> Result<Session, Failed> {
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
            new_mapping(container.as_fd(), options.iova, options.size),
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
            get_device_fd(group.as_fd(), &name, options.fail_nth)?,
        )?;
        say!("open: get_device_fd: ok fd={}", device.as_raw_fd());

        Ok(Session {
            device,
            triggers: [None, None],
            kvm,
            group,
            container,
            mappings: vec![mapping],
            first_mapping: (options.iova, options.size),
        })
    }

    pub fn device(&self) -> BorrowedFd<'_> {
        self.device.as_fd()
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
        device::set_trigger(self.device.as_fd(), index, fd)?;
        if let Some(trigger) = self.triggers.get_mut(slot) {
            *trigger = new;
        }
        Ok(on.then_some(fd))
    }

    /// `map IOVA SIZE`; the number of pages.
    pub fn map(&mut self, iova: u64, size: u64) -> SysResult<usize> {
        let (mapping, pages) = new_mapping(self.container.as_fd(), iova, size)?;
        self.mappings.push(mapping);
        Ok(pages)
    }

    /// `unmap [IOVA SIZE]` (default: the open's mapping): the range and the
    /// bytes type1 unmapped. Buffers of exactly that range are released.
    pub fn unmap(&mut self, range: Option<(u64, u64)>) -> SysResult<(u64, u64, u64)> {
        let (iova, size) = range.unwrap_or(self.first_mapping);
        let unmapped = container::unmap_dma(self.container.as_fd(), iova, size)?;
        self.mappings.retain(|m| {
            !(m.iova >= iova && m.iova.saturating_add(m.size) <= iova.saturating_add(size))
        });
        Ok((iova, size, unmapped))
    }

    /// What QEMU's exit leaves to the kernel, in the order it happens
    /// there: the device fd closes, the association is deleted, the group
    /// and the container close. No IRQ is deregistered.
    pub fn close(self) {
        let Session {
            device,
            triggers,
            kvm,
            group,
            container,
            mappings,
            ..
        } = self;
        drop(device);
        if let Some(link) = kvm {
            if let Err(err) = link.remove() {
                say!("close: kvm_del: failed: {err}");
            }
        }
        drop(group);
        drop(container);
        drop(triggers);
        drop(mappings);
        say!("closed");
    }

    /// QEMU's unplug (`vfio_ap_unrealize`): both IRQs deregistered (fd -1),
    /// the device fd closed, then `vfio_put_group`: the association
    /// deleted, the RAM unmapped, the group taken out of the container, the
    /// container and the group closed.
    pub fn unplug(mut self) {
        for index in 0..2u32 {
            match self.set_irq(index, false) {
                Ok(_) => say!("unplug: irq {index} off: ok"),
                Err(err) => say!("unplug: irq {index} off: failed: {err}"),
            }
        }
        let Session {
            device,
            triggers,
            kvm,
            group,
            container,
            mappings,
            ..
        } = self;
        drop(triggers);
        drop(device);
        say!("unplug: device: closed");
        if let Some(link) = kvm {
            match link.remove() {
                Ok(()) => say!("unplug: kvm_del: ok"),
                Err(err) => say!("unplug: kvm_del: failed: {err}"),
            }
        }
        for m in &mappings {
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
        drop(mappings);
        say!("closed");
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
