// SPDX-License-Identifier: GPL-2.0

//! The one driver state that C callbacks (sysfs, mdev, AP bus) reach.

use core::sync::atomic::{AtomicPtr, Ordering};

use kernel::sync::{Arc, ArcBorrow};

use crate::driver::state::DriverState;

static STATE: AtomicPtr<DriverState> = AtomicPtr::new(core::ptr::null_mut());

/// Owns the published driver state: while it lives, [`driver`] returns it.
pub(crate) struct Published {
    _private: (),
}

impl Published {
    /// Publishes `state` for the callbacks. Must happen before any
    /// registration through which a callback can come.
    pub(crate) fn new(state: Arc<DriverState>) -> Self {
        STATE.store(Arc::into_raw(state).cast_mut(), Ordering::Release);
        Self { _private: () }
    }
}

impl Drop for Published {
    /// Must run after every registration is gone, so that no callback is
    /// running or can start.
    fn drop(&mut self) {
        let ptr = STATE.swap(core::ptr::null_mut(), Ordering::AcqRel);
        if !ptr.is_null() {
            // SAFETY: `ptr` came from `Arc::into_raw` in `new`, and no
            // callback can hold a borrow any more (see above).
            drop(unsafe { Arc::from_raw(ptr) });
        }
    }
}

/// The driver state, for a callback: a reference of its own, so nothing a
/// callback holds can outlive the state.
///
/// Returns `None` only outside the module's registered lifetime, which no
/// callback sees: the registrations are made after the state is published
/// and torn down before it is withdrawn.
pub(crate) fn driver() -> Option<Arc<DriverState>> {
    let ptr = STATE.load(Ordering::Acquire);
    if ptr.is_null() {
        return None;
    }
    // SAFETY: a published pointer came from `Arc::into_raw` and the `Arc` it
    // stands for lives until `Published` is dropped, which happens only after
    // every callback that could read it has ended; the borrow lasts only
    // while it is turned into a reference of our own.
    let borrow: ArcBorrow<'_, DriverState> = unsafe { ArcBorrow::from_raw(ptr) };
    Some(borrow.into())
}
