// SPDX-License-Identifier: GPL-2.0

//! What vfio_ap uses of the AP bus in both flavours: the bus's attribute
//! mutex (`ap_attr_mutex`, which protects apmask/aqmask) and its verdict on
//! whether queues are reserved for the host's default drivers.

use kernel::bindings;
use kernel::ffi::{c_int, c_ulong};
use kernel::types::NotThreadSafe;

use crate::matrix::mask::{ApidMask, ApqiMask};

extern "C" {
    static mut ap_attr_mutex: bindings::mutex;
    fn ap_apqn_in_matrix_owned_by_def_drv(apm: *mut c_ulong, aqm: *mut c_ulong) -> c_int;
}

/// `ap_attr_mutex` held; released on drop. First in vfio_ap's lock order.
///
/// Not `Send`, like the `kernel` crate's lock guards: a mutex must be
/// released by the task that took it.
pub(crate) struct ApAttrGuard {
    _not_send: NotThreadSafe,
}

crate::assert_not_send!(ApAttrGuard);

impl ApAttrGuard {
    /// Takes `ap_attr_mutex`.
    pub(crate) fn lock() -> Self {
        // SAFETY: `ap_attr_mutex` is a static, initialised mutex of the AP
        // bus (exported data, present whether or not the bus registered);
        // taking its address creates no reference.
        unsafe { bindings::mutex_lock(&raw mut ap_attr_mutex) };
        Self {
            _not_send: NotThreadSafe,
        }
    }

    /// Whether any queue of `apm` x `aqm` is reserved for the default drivers
    /// (by apmask/aqmask, or a driver_override on a default driver).
    pub(crate) fn reserved(&self, apm: &ApidMask, aqm: &ApqiMask) -> bool {
        let mut apm_words = apm.words();
        let mut aqm_words = aqm.words();
        // SAFETY: both arrays are the 4 unsigned longs of a 256-bit bitmap in
        // s390's native layout, which `Mask::words` is; the function only
        // reads them, and `self` proves `ap_attr_mutex` is held, as it needs.
        let rc = unsafe {
            ap_apqn_in_matrix_owned_by_def_drv(
                apm_words.as_mut_ptr().cast::<c_ulong>(),
                aqm_words.as_mut_ptr().cast::<c_ulong>(),
            )
        };
        // A negative errno counts as reserved, as the C driver counts it.
        rc != 0
    }
}

impl Drop for ApAttrGuard {
    fn drop(&mut self) {
        // SAFETY: this guard took the mutex in `lock` and releases it once.
        unsafe { bindings::mutex_unlock(&raw mut ap_attr_mutex) };
    }
}
