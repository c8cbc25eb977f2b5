// SPDX-License-Identifier: GPL-2.0

//! The simulated AP machine of the testbed (`vfio_ap_sim.ko`).

mod ffi {
    extern "C" {
        pub(super) fn vfio_ap_sim_instructions_available() -> bool;
    }
}

/// Whether the simulated machine has the AP instructions.
pub(crate) fn instructions_available() -> bool {
    // SAFETY: the simulator function takes no arguments and reads a module
    // parameter of the simulator, which modpost makes us depend on, so it is
    // loaded while we run.
    unsafe { ffi::vfio_ap_sim_instructions_available() }
}
