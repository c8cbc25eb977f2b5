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

/// Fails to compile if `$t` is `Send`: lock guards must stay with the task
/// that took the lock, as the `kernel` crate's guards do.
macro_rules! assert_not_send {
    ($t:ty) => {
        const _: fn() = || {
            trait AmbiguousIfSend<A> {
                fn some_item() {}
            }
            impl<T: ?Sized> AmbiguousIfSend<()> for T {}
            #[allow(dead_code)]
            struct IsSend;
            impl<T: ?Sized + Send> AmbiguousIfSend<IsSend> for T {}
            let _ = <$t as AmbiguousIfSend<_>>::some_item;
        };
    };
}
pub(crate) use assert_not_send;

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
use matrix::reset;
use sys::ap_driver::ApDriver;
use sys::dbf::DebugArea;
use sys::matrix_dev::MatrixDevice;
use sys::mdev::MdevParent;

module! {
    type: VfioAp,
    name: "vfio_ap",
    authors: ["vfio-ap-rs developers"],
    description: "VFIO AP crypto pass-through for KVM guests on s390 (Rust)",
    license: "GPL",
    params: {
        reset_timeout_ms: u32 {
            default: 10000,
            description: "How long the resets of one event may take before queues that have not settled are given up, in ms (default 10000)",
        },
    },
}

/// The loaded module: its registrations, dropped in field order on unload
/// (guests and mdevs first, then the queues, the matrix device), the reverse
/// of the order they are made in. Each registration holds a reference to
/// the driver state, its callbacks' context, and drops it only after it is
/// unregistered.
pub(crate) struct VfioAp {
    _guest_hooks: hw::GuestHooks<DriverState>,
    _mdev_parent: MdevParent<DriverState>,
    _ap_driver: ApDriver<DriverState>,
    _matrix: MatrixDevice,
    _dbf: DebugArea,
}

impl kernel::Module for VfioAp {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let dbf = DebugArea::register()?;
        if !hw::instructions_available() {
            pr_err!("the machine has no AP instructions\n");
            return Err(ENODEV);
        }
        // Without QCI (facility 12) the host configuration is empty, as in
        // the C driver: nothing is ever passed through. If QCI is there but
        // fails, the C driver does not load; neither do we.
        let host = match hw::qci() {
            Ok(host) => host.unwrap_or_default(),
            Err(e) => {
                pr_err!("QCI failed: {e:?}\n");
                return Err(e);
            }
        };
        let timeout_ms = module_parameters::reset_timeout_ms.value();
        let rounds = reset::rounds_for(timeout_ms);
        let state = Arc::pin_init(DriverState::new(host, rounds)?, GFP_KERNEL)?;
        let matrix = MatrixDevice::register()?;
        let ap_driver = ApDriver::register(state.clone())?;
        let mdev_parent = MdevParent::register(&matrix, state.clone())?;
        let guest_hooks = hw::GuestHooks::register(state)?;
        pr_info!("loaded\n");
        Ok(VfioAp {
            _guest_hooks: guest_hooks,
            _mdev_parent: mdev_parent,
            _ap_driver: ap_driver,
            _matrix: matrix,
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
