// SPDX-License-Identifier: GPL-2.0

//! The matrix device `/sys/devices/vfio_ap/matrix`, parent of every mdev.

use kernel::ffi::c_void;
use kernel::prelude::*;

use super::glue;

/// The registered root device `vfio_ap`, bus `matrix`, device `matrix` and
/// driver `vfio_ap`; dropping it unregisters them all.
pub(crate) struct MatrixDevice {
    dev: *mut c_void,
}

// SAFETY: the pointer is only handed back to the C shims, which may be called
// from any thread; the device it names lives until `drop`.
unsafe impl Send for MatrixDevice {}
// SAFETY: `&MatrixDevice` gives access to nothing but the raw pointer's value.
unsafe impl Sync for MatrixDevice {}

impl MatrixDevice {
    /// Registers the device tree; on failure nothing stays registered.
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: the shim takes no arguments and unwinds itself on failure.
        let dev = unsafe { glue::vfio_ap_glue_matrix_register() };
        let dev = kernel::error::from_err_ptr(dev)?;
        Ok(Self { dev })
    }

    /// The `struct device` of the matrix device, for the mdev parent.
    pub(crate) fn as_raw(&self) -> *mut c_void {
        self.dev
    }
}

impl Drop for MatrixDevice {
    fn drop(&mut self) {
        // SAFETY: `self.dev` came from a successful register and is
        // unregistered exactly once, here.
        unsafe { glue::vfio_ap_glue_matrix_unregister(self.dev) };
    }
}
