// SPDX-License-Identifier: GPL-2.0

//! Thin, safe abstractions over the C interfaces vfio_ap needs and the
//! 7.3 `kernel` crate lacks: the matrix device, the mdev parent, sysfs pages,
//! the AP bus's attribute mutex. All of the crate's `unsafe` that is not in
//! `src/hw/` lives here, each block with the reason it holds.

pub(crate) mod ap_bus;
pub(crate) mod ap_driver;
pub(crate) mod dbf;
pub(crate) mod matrix_dev;
pub(crate) mod mdev;
pub(crate) mod sysfs;
pub(crate) mod vfio;

/// The C shims of `src/c/` (prototypes in `src/c/glue.h`).
mod glue {
    use kernel::ffi::{c_int, c_void};

    use super::mdev::MdevOps;

    // `struct device` pointers travel as `void *`: Rust never looks inside.
    extern "C" {
        pub(super) fn vfio_ap_glue_matrix_register() -> *mut c_void;
        pub(super) fn vfio_ap_glue_matrix_unregister(matrix: *mut c_void);
        pub(super) fn vfio_ap_glue_mdev_register(
            matrix: *mut c_void,
            ops: *const MdevOps,
            ctx: *const c_void,
        ) -> c_int;
        pub(super) fn vfio_ap_glue_mdev_unregister();
    }
}
