// SPDX-License-Identifier: GPL-2.0
//! The `--status FILE`: one line `cfg_chg=N req=M open=1|0`, replaced
//! atomically (written to `FILE.tmp`, then renamed over `FILE`).

use std::path::{Path, PathBuf};

/// What the client has seen so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    /// Sum of the config-change eventfd's counter reads.
    pub cfg_chg: u64,
    /// Sum of the request eventfd's counter reads.
    pub req: u64,
    /// The device fd is open.
    pub open: bool,
}

pub fn render(c: &Counters) -> String {
    format!(
        "cfg_chg={} req={} open={}\n",
        c.cfg_chg,
        c.req,
        u8::from(c.open)
    )
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".tmp");
    PathBuf::from(name)
}

/// Writes the line; a failure is reported, not fatal.
pub fn write(path: Option<&Path>, c: &Counters) {
    let Some(path) = path else { return };
    let temp = temp_path(path);
    let result = std::fs::write(&temp, render(c)).and_then(|()| std::fs::rename(&temp, path));
    if let Err(err) = result {
        crate::say!(
            "status: failed: {} {}",
            crate::errno::Errno::of(&err),
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_format() {
        let c = Counters {
            cfg_chg: 3,
            req: 1,
            open: true,
        };
        assert_eq!(render(&c), "cfg_chg=3 req=1 open=1\n");
        assert_eq!(render(&Counters::default()), "cfg_chg=0 req=0 open=0\n");
    }

    #[test]
    fn replaced_atomically() {
        let dir = std::env::temp_dir().join(format!("vfio-ap-client-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("status");
        write(Some(&file), &Counters::default());
        write(
            Some(&file),
            &Counters {
                cfg_chg: 1,
                req: 0,
                open: true,
            },
        );
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            "cfg_chg=1 req=0 open=1\n"
        );
        assert!(!temp_path(&file).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
