// SPDX-License-Identifier: GPL-2.0

//! vfio_ap: pass-through of s390 AP (crypto adapter) queues to KVM guests
//! through VFIO mediated devices, in Rust.
//!
//! Layout (Documentation/design.md):
//! - [`matrix`]: the pure matrix core, shared with the host test crate;
//! - [`hw`]: the AP machine under the driver, real or simulated;
//! - `src/c/`: C shims for what Rust cannot express.

use kernel::prelude::*;

// The core is written ahead of the driver code that uses all of it, and its
// items are `pub` for the host crate's tests.
#[allow(dead_code, unreachable_pub)]
mod matrix;

mod hw;

#[cfg(CONFIG_KUNIT = "y")]
mod kunit;

module! {
    type: VfioAp,
    name: "vfio_ap",
    authors: ["vfio-ap-rs developers"],
    description: "VFIO AP crypto pass-through for KVM guests on s390 (Rust)",
    license: "GPL",
}

struct VfioAp;

impl kernel::Module for VfioAp {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        if !hw::instructions_available() {
            pr_err!("the machine has no AP instructions\n");
            return Err(ENODEV);
        }
        pr_info!("loaded\n");
        Ok(VfioAp)
    }
}

impl Drop for VfioAp {
    fn drop(&mut self) {
        pr_info!("unloaded\n");
    }
}
