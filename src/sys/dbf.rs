// SPDX-License-Identifier: GPL-2.0

//! The s390 debug feature area `vfio_ap`.

use kernel::ffi::c_int;
use kernel::prelude::*;

extern "C" {
    fn vfio_ap_glue_dbf_register() -> c_int;
    fn vfio_ap_glue_dbf_unregister();
}

/// The registered area; dropping it unregisters it.
pub(crate) struct DebugArea {
    _private: (),
}

impl DebugArea {
    /// Registers the area (`-ENOENT` if the debug feature refuses).
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: the shim registers a module-global area once; `drop` is
        // the only unregistration.
        kernel::error::to_result(unsafe { vfio_ap_glue_dbf_register() })?;
        Ok(Self { _private: () })
    }
}

impl Drop for DebugArea {
    fn drop(&mut self) {
        // SAFETY: registered in `register`, unregistered once, here.
        unsafe { vfio_ap_glue_dbf_unregister() };
    }
}
