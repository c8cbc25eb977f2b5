// SPDX-License-Identifier: GPL-2.0
//! The steps of an attach: each prints `open: <step>: ok ...` or
//! `open: <step>: failed: ...`; a failed one ends the attach with [`Failed`].

use std::fs::OpenOptions;
use std::os::fd::OwnedFd;

use crate::errno::Errno;
use crate::say;
use crate::sys::SysResult;

/// A step failed; its `failed:` line has been printed.
#[derive(Debug)]
pub struct Failed;

/// The value, or `open: <step>: failed: <ERRNONAME> (<errno>)`.
pub fn check<T>(step: &str, result: SysResult<T>) -> Result<T, Failed> {
    result.map_err(|err| {
        say!("open: {step}: failed: {err}");
        Failed
    })
}

/// `open: <step>: failed: <why>` for a check that did not hold.
pub fn refuse(step: &str, why: &str) -> Failed {
    say!("open: {step}: failed: {why}");
    Failed
}

/// Opens `path` read/write (QEMU's `O_RDWR`).
pub fn open_rw(path: &str) -> SysResult<OwnedFd> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Errno::of(&e))?;
    Ok(file.into())
}
