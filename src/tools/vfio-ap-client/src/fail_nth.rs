// SPDX-License-Identifier: GPL-2.0
//! Fault injection of one system call with `/proc/thread-self/fail-nth`
//! (Documentation/fault-injection): the Nth fault-injection point of this
//! thread fails. The file is opened before the count is set, so only the
//! allocations of the system call under test count.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;

use crate::errno::Errno;
use crate::say;
use crate::step::{check, Failed};
use crate::sys::SysResult;

const PATH: &str = "/proc/thread-self/fail-nth";

pub struct FailNth {
    file: File,
}

impl FailNth {
    pub fn open() -> SysResult<Self> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(PATH)
            .map_err(|e| Errno::of(&e))?;
        Ok(FailNth { file })
    }

    /// Makes the `n`th fault-injection point from now on fail (0: none).
    pub fn arm(&mut self, n: u32) -> SysResult<()> {
        self.file
            .write_all(format!("{n}\n").as_bytes())
            .map_err(|e| Errno::of(&e))
    }

    /// The points left before the failure: 0 once it was injected.
    pub fn left(&self) -> SysResult<u32> {
        let mut buf = [0u8; 16];
        let n = self.file.read_at(&mut buf, 0).map_err(|e| Errno::of(&e))?;
        parse_count(buf.get(..n).unwrap_or_default()).ok_or(Errno(libc::EINVAL))
    }
}

/// Runs `call` (one system call) with its `n`th fault-injection point
/// failing, then prints `open: fail-nth left=N`; without `n`, just runs it.
/// The file is opened before (its own allocations do not count).
pub fn around<T>(
    n: Option<u32>,
    call: impl FnOnce() -> SysResult<T>,
) -> Result<SysResult<T>, Failed> {
    let Some(n) = n else {
        return Ok(call());
    };
    let mut injector = check("fail-nth", FailNth::open())?;
    check("fail-nth", injector.arm(n))?;
    let result = call();
    let left = injector.left();
    let _ = injector.arm(0);
    match left {
        Ok(left) => say!("open: fail-nth left={left}"),
        Err(err) => say!("open: fail-nth left=? ({err})"),
    }
    Ok(result)
}

/// `"3\n"` → 3.
pub fn parse_count(text: &[u8]) -> Option<u32> {
    std::str::from_utf8(text).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count(b"0\n"), Some(0));
        assert_eq!(parse_count(b"17\n"), Some(17));
        assert_eq!(parse_count(b""), None);
        assert_eq!(parse_count(b"x\n"), None);
    }
}
