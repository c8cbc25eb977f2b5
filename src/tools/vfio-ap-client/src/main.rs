// SPDX-License-Identifier: GPL-2.0
//! vfio-ap-client: the guest-side VFIO client of vfio-ap-rs. It plays QEMU
//! 10.0's `hw/vfio/ap.c` with the legacy type1 container or the iommufd
//! backend against a vfio_ap mdev, through the real VFIO uAPI, so the
//! driver's VFIO/KVM half runs as under QEMU. See README.md and `--help`.

mod attach_iommufd;
mod attach_legacy;
mod cdev;
mod cli;
mod command;
mod container;
mod device;
mod dma;
mod errno;
mod error_cases;
mod fail_nth;
mod iommufd;
mod kvm_link;
mod memory;
mod open;
mod out;
mod serve;
mod session;
mod status;
mod step;
mod sys;
mod uapi;
mod uapi_iommufd;

use cli::Command;

fn main() {
    let status = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            0
        }
        Ok(Command::Open(target, options)) => open::run(&target, &options),
        Ok(Command::Errors(target)) => error_cases::run(&target),
        Err(why) => {
            eprintln!("vfio-ap-client: {why}\n\n{}", cli::USAGE);
            2
        }
    };
    std::process::exit(status);
}
