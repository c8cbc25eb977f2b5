// SPDX-License-Identifier: GPL-2.0

//! The real AP machine, reached through the C shims of `src/c/ap_hw.c`.

mod ffi {
    extern "C" {
        pub(super) fn vfio_ap_hw_instructions_available() -> bool;
    }
}

/// Whether this machine has the AP instructions (PQAP, NQAP, DQAP).
pub(crate) fn instructions_available() -> bool {
    // SAFETY: the shim takes no arguments and only executes PQAP(TAPQ) for
    // queue 00.0000, whose program check, if any, an exception-table fixup
    // turns into `false`; it may be called from any sleepable context.
    unsafe { ffi::vfio_ap_hw_instructions_available() }
}
