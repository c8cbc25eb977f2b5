// SPDX-License-Identifier: GPL-2.0
//! `errors UUID`: the device ioctls with every bad argument Linux 7.3's
//! `vfio_ap_mdev_ioctl` (and the vfio core in front of it) must reject, and
//! the good ones next to them. One line per case: `<case>: ok [fields]` or
//! `<case>: <ERRNONAME>`.

use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

use crate::cli::{self, Target};
use crate::device;
use crate::errno::Errno;
use crate::memory::AnonMap;
use crate::say;
use crate::session::{AttachOptions, Session};
use crate::sys::{self, SysResult};
use crate::uapi::*;

/// Bytes the driver must not write (beyond `minsz` of GET_INFO).
const SENTINEL: u32 = 0x5a5a_5a5a;

/// Where a SET_IRQS header sits at the end of the first page.
const IRQ_SET_HDR: usize = core::mem::size_of::<VfioIrqSet>();

/// Offsets in the read-only page.
const RO_DEVICE_INFO: usize = 0;
const RO_IRQ_INFO: usize = 64;

/// What the cases work with. `pages` is three pages: read/write with a
/// SET_IRQS header in its last 20 bytes, inaccessible, read-only with a
/// GET_INFO and a GET_IRQ_INFO argument.
pub struct Probe<'a> {
    device: BorrowedFd<'a>,
    pages: AnonMap,
    page: usize,
    eventfds: [OwnedFd; 2],
    devnull: OwnedFd,
}

impl<'a> Probe<'a> {
    pub fn new(device: BorrowedFd<'a>) -> SysResult<Self> {
        let page = sys::page_size();
        let mut pages = AnonMap::new(3 * page)?;
        let header = VfioIrqSet {
            argsz: argsz_of::<VfioIrqSet>(),
            flags: VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
            index: VFIO_AP_REQ_IRQ_INDEX,
            start: 0,
            count: 0,
        };
        pages.write(page - IRQ_SET_HDR, &header)?;
        let info = VfioDeviceInfo {
            argsz: argsz_of::<VfioDeviceInfo>(),
            ..VfioDeviceInfo::default()
        };
        pages.write(2 * page + RO_DEVICE_INFO, &info)?;
        let irq = VfioIrqInfo {
            argsz: argsz_of::<VfioIrqInfo>(),
            ..VfioIrqInfo::default()
        };
        pages.write(2 * page + RO_IRQ_INFO, &irq)?;
        pages.protect(page, page, libc::PROT_NONE)?;
        pages.protect(2 * page, page, libc::PROT_READ)?;
        let devnull = std::fs::File::open("/dev/null").map_err(|e| Errno::of(&e))?;
        Ok(Probe {
            device,
            pages,
            page,
            eventfds: [sys::eventfd()?, sys::eventfd()?],
            devnull: devnull.into(),
        })
    }

    fn inaccessible(&self) -> u64 {
        self.pages.addr() + self.page as u64
    }

    fn read_only(&self, offset: usize) -> u64 {
        self.pages.addr() + (2 * self.page + offset) as u64
    }

    fn header_before_hole(&self) -> u64 {
        self.pages.addr() + (self.page - IRQ_SET_HDR) as u64
    }

    fn eventfd(&self, index: usize) -> i32 {
        self.eventfds.get(index).map_or(-1, AsRawFd::as_raw_fd)
    }

    /// An ioctl with a raw address.
    fn at(&self, request: u32, addr: u64) -> SysResult<String> {
        // SAFETY: `addr` is inside `pages`, whose layout the requests
        // below expect (kernel writes go to read/write memory only), or
        // inaccessible, or 0.
        unsafe { sys::ioctl(self.device, request, addr) }?;
        Ok(String::new())
    }

    fn get_info(&self, argsz: u32) -> SysResult<String> {
        let mut info = VfioDeviceInfo {
            argsz,
            cap_offset: SENTINEL,
            pad: SENTINEL,
            ..VfioDeviceInfo::default()
        };
        sys::ioctl_mut(self.device, VFIO_DEVICE_GET_INFO, &mut info)?;
        let tail = if info.cap_offset == SENTINEL && info.pad == SENTINEL {
            "untouched"
        } else {
            "written"
        };
        Ok(format!(
            "argsz={} {} tail={tail}",
            info.argsz,
            device::describe_info(&info)
        ))
    }

    fn irq_info(&self, argsz: u32, index: u32) -> SysResult<String> {
        let mut info = VfioIrqInfo {
            argsz,
            index,
            ..VfioIrqInfo::default()
        };
        sys::ioctl_mut(self.device, VFIO_DEVICE_GET_IRQ_INFO, &mut info)?;
        Ok(format!("count={} flags={:#x}", info.count, info.flags))
    }

    /// SET_IRQS with QEMU's argument for IRQ 0 and the first eventfd,
    /// changed by `edit`.
    fn set_irqs(&self, edit: impl FnOnce(&mut VfioIrqSetFds)) -> SysResult<String> {
        let mut set = device::irq_signaling(VFIO_AP_REQ_IRQ_INDEX, self.eventfd(0));
        edit(&mut set);
        device::set_irqs(self.device, &mut set)?;
        Ok(String::new())
    }

    fn plain(&self, request: u32) -> SysResult<String> {
        sys::ioctl_value(self.device, request, 0)?;
        Ok(String::new())
    }
}

type Case = (&'static str, fn(&Probe<'_>) -> SysResult<String>);

/// Every case, in the order they run. The names are stable: guest tests
/// compare against them.
pub const CASES: &[Case] = &[
    // VFIO_DEVICE_GET_INFO: minsz = offsetofend(num_irqs) = 16.
    ("get_info_argsz_0", |p| p.get_info(0)),
    ("get_info_argsz_15", |p| {
        p.get_info(VFIO_DEVICE_INFO_MINSZ - 1)
    }),
    ("get_info_argsz_16", |p| p.get_info(VFIO_DEVICE_INFO_MINSZ)),
    ("get_info_argsz_24", |p| p.get_info(24)),
    ("get_info_unmapped", |p| {
        p.at(VFIO_DEVICE_GET_INFO, p.inaccessible())
    }),
    ("get_info_null", |p| p.at(VFIO_DEVICE_GET_INFO, 0)),
    ("get_info_readonly", |p| {
        p.at(VFIO_DEVICE_GET_INFO, p.read_only(RO_DEVICE_INFO))
    }),
    // VFIO_DEVICE_GET_IRQ_INFO: minsz = offsetofend(count) = 16.
    ("irq_info_argsz_0", |p| p.irq_info(0, 0)),
    ("irq_info_argsz_15", |p| p.irq_info(15, 0)),
    ("irq_info_index_0", |p| {
        p.irq_info(16, VFIO_AP_REQ_IRQ_INDEX)
    }),
    ("irq_info_index_1", |p| {
        p.irq_info(16, VFIO_AP_CFG_CHG_IRQ_INDEX)
    }),
    ("irq_info_index_2", |p| p.irq_info(16, 2)),
    ("irq_info_index_max", |p| p.irq_info(16, u32::MAX)),
    ("irq_info_unmapped", |p| {
        p.at(VFIO_DEVICE_GET_IRQ_INFO, p.inaccessible())
    }),
    ("irq_info_readonly", |p| {
        p.at(VFIO_DEVICE_GET_IRQ_INFO, p.read_only(RO_IRQ_INFO))
    }),
    // VFIO_DEVICE_SET_IRQS: vfio_set_irqs_validate_and_prepare(hdr, 1, 2),
    // ACTION_TRIGGER required, DATA_EVENTFD only, fd -1 / >= 0 only.
    ("set_irqs_argsz_0", |p| p.set_irqs(|s| s.hdr.argsz = 0)),
    ("set_irqs_argsz_19", |p| p.set_irqs(|s| s.hdr.argsz = 19)),
    ("set_irqs_argsz_20", |p| p.set_irqs(|s| s.hdr.argsz = 20)),
    ("set_irqs_index_2", |p| p.set_irqs(|s| s.hdr.index = 2)),
    ("set_irqs_index_max", |p| {
        p.set_irqs(|s| s.hdr.index = u32::MAX)
    }),
    ("set_irqs_unknown_flag", |p| {
        p.set_irqs(|s| s.hdr.flags |= 1 << 6)
    }),
    ("set_irqs_start_1", |p| p.set_irqs(|s| s.hdr.start = 1)),
    ("set_irqs_count_2", |p| {
        p.set_irqs(|s| {
            s.hdr.argsz = 28;
            s.hdr.count = 2;
        })
    }),
    ("set_irqs_count_max", |p| {
        p.set_irqs(|s| s.hdr.count = u32::MAX)
    }),
    ("set_irqs_data_none", |p| {
        p.set_irqs(|s| {
            s.hdr.argsz = 20;
            s.hdr.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
        })
    }),
    ("set_irqs_data_bool", |p| {
        p.set_irqs(|s| {
            s.hdr.argsz = 21;
            s.hdr.flags = VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER;
            s.fds[0] = 1;
        })
    }),
    ("set_irqs_data_two_types", |p| {
        p.set_irqs(|s| s.hdr.flags |= VFIO_IRQ_SET_DATA_BOOL)
    }),
    ("set_irqs_action_none", |p| {
        p.set_irqs(|s| s.hdr.flags = VFIO_IRQ_SET_DATA_EVENTFD)
    }),
    ("set_irqs_action_mask", |p| {
        p.set_irqs(|s| s.hdr.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK)
    }),
    ("set_irqs_action_unmask", |p| {
        p.set_irqs(|s| s.hdr.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK)
    }),
    ("set_irqs_fd_minus_2", |p| p.set_irqs(|s| s.fds[0] = -2)),
    ("set_irqs_fd_devnull", |p| {
        let fd = p.devnull.as_raw_fd();
        p.set_irqs(|s| s.fds[0] = fd)
    }),
    ("set_irqs_fd_not_open", |p| {
        p.set_irqs(|s| s.fds[0] = i32::MAX)
    }),
    ("set_irqs_unmapped", |p| {
        p.at(VFIO_DEVICE_SET_IRQS, p.inaccessible())
    }),
    ("set_irqs_fd_unreadable", |p| {
        p.at(VFIO_DEVICE_SET_IRQS, p.header_before_hole())
    }),
    ("set_irqs_eventfd_0", |p| p.set_irqs(|_| ())),
    ("set_irqs_eventfd_1", |p| {
        let fd = p.eventfd(1);
        p.set_irqs(|s| {
            s.hdr.index = VFIO_AP_CFG_CHG_IRQ_INDEX;
            s.fds[0] = fd;
        })
    }),
    ("set_irqs_eventfd_0_again", |p| {
        let fd = p.eventfd(1);
        p.set_irqs(|s| s.fds[0] = fd)
    }),
    ("set_irqs_count_0", |p| p.set_irqs(|s| s.hdr.count = 0)),
    ("set_irqs_clear_0", |p| p.set_irqs(|s| s.fds[0] = -1)),
    ("set_irqs_clear_1", |p| {
        p.set_irqs(|s| {
            s.hdr.index = VFIO_AP_CFG_CHG_IRQ_INDEX;
            s.fds[0] = -1;
        })
    }),
    ("set_irqs_clear_0_again", |p| p.set_irqs(|s| s.fds[0] = -1)),
    // The rest of the switch, and what the vfio core answers itself.
    ("device_reset", |p| p.plain(VFIO_DEVICE_RESET)),
    ("region_info", |p| {
        let mut info = VfioRegionInfo {
            argsz: argsz_of::<VfioRegionInfo>(),
            ..VfioRegionInfo::default()
        };
        sys::ioctl_mut(p.device, VFIO_DEVICE_GET_REGION_INFO, &mut info)?;
        Ok(String::new())
    }),
    ("feature_migration", |p| {
        let mut feature = VfioDeviceFeatureMigration {
            argsz: argsz_of::<VfioDeviceFeatureMigration>(),
            flags: VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION,
            migration_flags: 0,
        };
        sys::ioctl_mut(p.device, VFIO_DEVICE_FEATURE, &mut feature)?;
        Ok(format!("migration_flags={:#x}", feature.migration_flags))
    }),
    ("unknown_ioctl", |p| p.plain(VFIO_UNDEFINED_IOCTL)),
    ("group_ioctl_on_device", |p| p.plain(VFIO_GET_API_VERSION)),
];

/// `<case>: ok [fields]` or `<case>: ERRNONAME`.
pub fn result_line(name: &str, result: &SysResult<String>) -> String {
    match result {
        Ok(fields) if fields.is_empty() => format!("{name}: ok"),
        Ok(fields) => format!("{name}: ok {fields}"),
        Err(err) => format!("{name}: {}", err.name()),
    }
}

/// The exit status.
pub fn run(target: &Target) -> i32 {
    let attach = AttachOptions {
        iommufd: target.iommufd,
        kvm: true,
        iova: cli::DEFAULT_IOVA,
        size: cli::DEFAULT_SIZE,
        fail_nth: None,
    };
    let Ok(session) = Session::attach(target, &attach) else {
        return 1;
    };
    let status = match Probe::new(session.device()) {
        Ok(probe) => {
            for (name, case) in CASES {
                say!("{}", result_line(name, &case(&probe)));
            }
            0
        }
        Err(err) => {
            say!("errors: setup failed: {err}");
            1
        }
    };
    session.close();
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_documented() {
        let readme = include_str!("../README.md");
        for (i, (name, _)) in CASES.iter().enumerate() {
            assert!(
                CASES.iter().skip(i + 1).all(|(other, _)| other != name),
                "{name}"
            );
            assert!(readme.contains(&format!("`{name}`")), "README lacks {name}");
        }
    }

    #[test]
    fn lines() {
        assert_eq!(result_line("x", &Ok(String::new())), "x: ok");
        assert_eq!(result_line("x", &Ok("count=1".into())), "x: ok count=1");
        assert_eq!(result_line("x", &Err(Errno(22))), "x: EINVAL");
    }
}
