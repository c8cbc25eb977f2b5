// SPDX-License-Identifier: GPL-2.0
//! `open UUID`: QEMU 10.0 realizing `-device vfio-ap` (`vfio_ap_realize`)
//! with either backend, the machine reset that follows, then serving events
//! and commands.

use crate::cli::{OpenOptions, Target};
use crate::device;
use crate::say;
use crate::serve;
use crate::session::{AttachOptions, Session};
use crate::uapi::{VFIO_AP_CFG_CHG_IRQ_INDEX, VFIO_AP_REQ_IRQ_INDEX, VFIO_DEVICE_FLAGS_AP};

/// The exit status.
pub fn run(target: &Target, options: &OpenOptions) -> i32 {
    let attach = AttachOptions {
        iommufd: target.iommufd,
        kvm: options.kvm,
        iova: options.iova,
        size: options.size,
        fail_nth: options.fail_nth,
    };
    let Ok(mut session) = Session::attach(target, &attach) else {
        return 1;
    };

    // vfio_get_device(): VFIO_DEVICE_GET_INFO, argsz = sizeof(info).
    let info = match device::info(session.device()) {
        Ok(info) => info,
        Err(err) => {
            say!("open: device_info: failed: {err}");
            return 1;
        }
    };
    if info.flags & VFIO_DEVICE_FLAGS_AP == 0 {
        say!(
            "open: device_info: failed: not an AP device ({})",
            device::describe_info(&info)
        );
        return 1;
    }
    say!("open: device_info: ok {}", device::describe_info(&info));

    // vfio_ap_register_irq_notifier(), request first; QEMU only warns.
    for index in [VFIO_AP_REQ_IRQ_INDEX, VFIO_AP_CFG_CHG_IRQ_INDEX] {
        if info.num_irqs < index + 1 {
            say!(
                "open: irq {index}: warning: not available (num_irqs={})",
                info.num_irqs
            );
            continue;
        }
        match device::irq_info(session.device(), index) {
            Ok(irq) if irq.count >= 1 => {
                say!(
                    "open: irq_info {index}: ok count={} flags={:#x}",
                    irq.count,
                    irq.flags
                );
            }
            Ok(irq) => {
                say!("open: irq_info {index}: warning: count={}", irq.count);
                continue;
            }
            Err(err) => {
                say!("open: irq_info {index}: warning: {err}");
                continue;
            }
        }
        match session.set_irq(index, true) {
            Ok(fd) => say!("open: set_irqs {index}: ok eventfd={}", fd.unwrap_or(-1)),
            Err(err) => say!("open: set_irqs {index}: warning: {err}"),
        }
    }

    // vfio_ap_reset() at the machine reset after realize; QEMU only logs.
    match device::reset(session.device()) {
        Ok(()) => say!("open: reset: ok"),
        Err(err) => say!("open: reset: failed: {err}"),
    }
    say!("open: ready");
    serve::serve(session, options)
}
