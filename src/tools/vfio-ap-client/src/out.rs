// SPDX-License-Identifier: GPL-2.0
//! Output: one line at a time, flushed at once (scripts read it through a
//! pipe or a file while the client runs).

use std::io::Write;

/// Prints one line and flushes. A closed stdout is ignored: the client
/// still has to close the device properly.
pub fn line(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{text}");
    let _ = stdout.flush();
}

/// `say!("open: {}: ok", step)`: `format!` and [`line`].
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::out::line(&format!($($arg)*))
    };
}
