// SPDX-License-Identifier: GPL-2.0
//! The commands `open` serves on stdin, one per line.

use crate::cli::parse_u64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// `reset`: VFIO_DEVICE_RESET.
    Reset,
    /// `info`: VFIO_DEVICE_GET_INFO.
    Info,
    /// `unmap [IOVA SIZE]`: VFIO_IOMMU_UNMAP_DMA (default: the open's buffer).
    Unmap(Option<(u64, u64)>),
    /// `map IOVA SIZE`: a new anonymous buffer mapped there.
    Map(u64, u64),
    /// `irq INDEX on|off`: a new eventfd as trigger, or fd -1.
    Irq(u32, bool),
    /// `close`: what QEMU's exit does.
    Close,
}

/// One line; `Ok(None)` for a blank one.
pub fn parse(line: &str) -> Result<Option<Request>, String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let request = match words.as_slice() {
        [] => return Ok(None),
        ["reset"] => Request::Reset,
        ["info"] => Request::Info,
        ["close"] => Request::Close,
        ["unmap"] => Request::Unmap(None),
        ["unmap", iova, size] => {
            Request::Unmap(Some((parse_u64(iova, "IOVA")?, parse_u64(size, "SIZE")?)))
        }
        ["map", iova, size] => Request::Map(parse_u64(iova, "IOVA")?, parse_u64(size, "SIZE")?),
        ["irq", index, state @ ("on" | "off")] => {
            let index = match *index {
                "0" => 0,
                "1" => 1,
                _ => return Err(format!("irq: index must be 0 or 1, not '{index}'")),
            };
            Request::Irq(index, *state == "on")
        }
        _ => return Err(format!("unknown command '{}'", line.trim())),
    };
    Ok(Some(request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command() {
        assert_eq!(parse("reset"), Ok(Some(Request::Reset)));
        assert_eq!(parse("  info \n"), Ok(Some(Request::Info)));
        assert_eq!(parse("close"), Ok(Some(Request::Close)));
        assert_eq!(parse("unmap"), Ok(Some(Request::Unmap(None))));
        assert_eq!(
            parse("unmap 0x100000 4096"),
            Ok(Some(Request::Unmap(Some((0x100000, 4096)))))
        );
        assert_eq!(
            parse("map 0x200000 0x2000"),
            Ok(Some(Request::Map(0x200000, 0x2000)))
        );
        assert_eq!(parse("irq 0 off"), Ok(Some(Request::Irq(0, false))));
        assert_eq!(parse("irq 1 on"), Ok(Some(Request::Irq(1, true))));
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("   "), Ok(None));
    }

    #[test]
    fn bad_commands() {
        for line in [
            "resets",
            "reset now",
            "map 0x1000",
            "map x 1",
            "unmap 1",
            "irq 2 on",
            "irq 0",
            "irq 0 up",
            "closed",
        ] {
            assert!(parse(line).is_err(), "{line}");
        }
    }
}
