// SPDX-License-Identifier: GPL-2.0

//! vfio_ap: pass-through of s390 AP (crypto adapter) queues to KVM guests
//! through VFIO mediated devices, in Rust.
//!
//! Layout (Documentation/design.md):
//! - [`matrix`]: the pure matrix core, shared with the host test crate;
//! - [`driver`]: the driver's logic in safe Rust, on top of the core;
//! - [`sys`]: thin safe abstractions over the C interfaces;
//! - [`hw`]: the AP machine under the driver, real or simulated;
//! - `src/c/`: C shims for what Rust cannot express.

use kernel::prelude::*;
use kernel::sync::Arc;

// The core is written ahead of the driver code that uses all of it, and its
// items are `pub` for the host crate's tests.
#[allow(dead_code, unreachable_pub)]
mod matrix;

mod driver;
mod hw;
mod sys;

#[cfg(CONFIG_KUNIT = "y")]
mod kunit;

use driver::state::DriverState;
use sys::ap_driver::ApDriver;
use sys::dbf::DebugArea;
use sys::global::Published;
use sys::matrix_dev::MatrixDevice;
use sys::mdev::MdevParent;

module! {
    type: VfioAp,
    name: "vfio_ap",
    authors: ["vfio-ap-rs developers"],
    description: "VFIO AP crypto pass-through for KVM guests on s390 (Rust)",
    license: "GPL",
}

/// The loaded module: its registrations, dropped in field order on unload
/// (guests and mdevs first, then the queues, the published state last), the
/// reverse of the order they are made in.
pub(crate) struct VfioAp {
    _guest_hooks: hw::GuestHooks,
    _mdev_parent: MdevParent,
    _ap_driver: ApDriver,
    _matrix: MatrixDevice,
    _state: Published,
    _dbf: DebugArea,
}

impl kernel::Module for VfioAp {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let dbf = DebugArea::register()?;
        if !hw::instructions_available() {
            pr_err!("the machine has no AP instructions\n");
            return Err(ENODEV);
        }
        // Without QCI the host configuration is empty, as in the C driver:
        // nothing is ever passed through.
        let host = hw::qci().unwrap_or_default();
        let state = Arc::pin_init(DriverState::new(host)?, GFP_KERNEL)?;
        let state = Published::new(state);
        let matrix = MatrixDevice::register()?;
        let ap_driver = ApDriver::register()?;
        let mdev_parent = MdevParent::register(&matrix)?;
        let guest_hooks = hw::GuestHooks::register()?;
        pr_info!("loaded\n");
        Ok(VfioAp {
            _guest_hooks: guest_hooks,
            _mdev_parent: mdev_parent,
            _ap_driver: ap_driver,
            _matrix: matrix,
            _state: state,
            _dbf: dbf,
        })
    }
}

impl Drop for VfioAp {
    fn drop(&mut self) {
        pr_info!("unloading\n");
    }
}

/// The text of the matrix device's `features` file.
#[no_mangle]
extern "C" fn vfio_ap_rs_features_show(buf: *mut kernel::ffi::c_char) -> isize {
    // SAFETY: sysfs hands show a page-sized, writable buffer.
    let mut page = unsafe { sys::sysfs::Page::from_raw(buf) };
    matrix::format::features_show(page.writer());
    page.len() as isize
}
