// SPDX-License-Identifier: GPL-2.0
//! The command line: `vfio-ap-client [options] open|errors UUID`.

use std::path::PathBuf;

pub const USAGE: &str = "\
usage: vfio-ap-client [--iommufd] [--vm NAME] [--sim DIR] [--iova ADDR] [--size BYTES]
                      [--status FILE] [--no-kvm] [--fail-nth N] [--keep-open-on-request] open UUID
       vfio-ap-client [--iommufd] [--vm NAME] [--sim DIR] errors UUID
       vfio-ap-client --help

Plays QEMU 10.0's hw/vfio/ap.c (-device vfio-ap,sysfsdev=/sys/bus/mdev/devices/UUID,
legacy type1 container; with --iommufd: -object iommufd,id=ID -device vfio-ap,...,iommufd=ID)
against a vfio_ap mdev, one output line per step.

open UUID   attach as QEMU does, then serve: reads commands from stdin, one per line
            (reset | info | unmap [IOVA SIZE] | map IOVA SIZE | irq 0|1 on|off | close),
            reports eventfd signals as 'event cfg_chg total=N' / 'event req total=N'.
            A request unplugs the device as QEMU does and exits 0. EOF on stdin = close.
errors UUID attach (up to the device fd), then try every bad argument
            vfio_ap must reject, one line '<case>: ok|ERRNONAME' each, then close.

options:
  --iommufd                 the iommufd backend: /dev/vfio/devices/vfioX bound to /dev/iommu
                            and attached to an IOAS, instead of the group in a type1 container
  --vm NAME                 simulated guest to associate with (default vm)
  --sim DIR                 vfio_ap_sim debugfs directory (default /sys/kernel/debug/vfio_ap_sim);
                            the association writes 'add FD' / 'del FD' to DIR/guests/NAME/vfio_group
  --iova ADDR               IOVA of the DMA buffer (default 0x100000)
  --size BYTES              size of the DMA buffer (default 65536)
  --status FILE             keep 'cfg_chg=N req=M open=1|0' in FILE (rewritten atomically)
  --no-kvm                  no KVM association (open_device must then fail with EINVAL)
  --fail-nth N              fail the Nth fault-injection point of the ioctl that opens the device
                            (VFIO_GROUP_GET_DEVICE_FD, with --iommufd VFIO_DEVICE_BIND_IOMMUFD;
                            /proc/thread-self/fail-nth), print 'open: fail-nth left=N'
  --keep-open-on-request    report device requests but stay open (a guest that ignores them)

exit status: 0 done, 1 a step failed, 2 bad usage.
";

pub const DEFAULT_VM: &str = "vm";
pub const DEFAULT_SIM: &str = "/sys/kernel/debug/vfio_ap_sim";
pub const DEFAULT_IOVA: u64 = 0x10_0000;
pub const DEFAULT_SIZE: u64 = 65536;

/// What both commands need: the mdev, the backend and the simulated guest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub uuid: String,
    /// The iommufd backend instead of the legacy container.
    pub iommufd: bool,
    pub vm: String,
    pub sim: PathBuf,
}

/// `open`'s own settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenOptions {
    pub iova: u64,
    pub size: u64,
    pub status: Option<PathBuf>,
    pub kvm: bool,
    pub fail_nth: Option<u32>,
    pub keep_open_on_request: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Open(Target, OpenOptions),
    Errors(Target),
    Help,
}

/// Parses the arguments after the program name.
pub fn parse<I: IntoIterator<Item = String>>(args: I) -> Result<Command, String> {
    let mut vm = DEFAULT_VM.to_string();
    let mut sim = PathBuf::from(DEFAULT_SIM);
    let mut iommufd = false;
    let mut open = OpenOptions {
        iova: DEFAULT_IOVA,
        size: DEFAULT_SIZE,
        status: None,
        kvm: true,
        fail_nth: None,
        keep_open_on_request: false,
    };
    let mut open_only: Option<String> = None;
    let mut positional = Vec::new();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if !arg.starts_with("--") || arg == "--" {
            positional.push(arg);
            continue;
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = || match inline.clone().or_else(|| args.next()) {
            Some(v) => Ok(v),
            None => Err(format!("option {name} needs a value")),
        };
        match name.as_str() {
            "--help" => return Ok(Command::Help),
            "--vm" => vm = value()?,
            "--sim" => sim = PathBuf::from(value()?),
            "--iova" => open.iova = parse_u64(&value()?, "--iova")?,
            "--size" => open.size = parse_u64(&value()?, "--size")?,
            "--status" => open.status = Some(PathBuf::from(value()?)),
            "--fail-nth" => {
                let n = parse_u64(&value()?, "--fail-nth")?;
                open.fail_nth = Some(
                    u32::try_from(n)
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or("--fail-nth must be 1..4294967295")?,
                );
            }
            "--iommufd" => iommufd = true,
            "--no-kvm" => open.kvm = false,
            "--keep-open-on-request" => open.keep_open_on_request = true,
            _ => return Err(format!("unknown option {name}")),
        }
        if inline.is_some()
            && matches!(
                name.as_str(),
                "--iommufd" | "--no-kvm" | "--keep-open-on-request"
            )
        {
            return Err(format!("option {name} takes no value"));
        }
        if open_only.is_none() && !matches!(name.as_str(), "--vm" | "--sim" | "--iommufd") {
            open_only = Some(name);
        }
    }
    if positional.iter().any(|a| a == "-h") {
        return Ok(Command::Help);
    }
    let [command, uuid] = positional.as_slice() else {
        return Err("expected a command (open or errors) and a UUID".to_string());
    };
    if uuid.is_empty() || uuid.contains('/') || uuid.starts_with('.') {
        return Err(format!("not an mdev name: '{uuid}'"));
    }
    if open.size == 0 {
        return Err("--size must not be 0".to_string());
    }
    let target = Target {
        uuid: uuid.clone(),
        iommufd,
        vm,
        sim,
    };
    match command.as_str() {
        "open" => Ok(Command::Open(target, open)),
        "errors" => match open_only {
            Some(option) => Err(format!("option {option} is for open only")),
            None => Ok(Command::Errors(target)),
        },
        other => Err(format!("unknown command '{other}' (open or errors)")),
    }
}

/// A number in decimal or with `0x` in hex.
pub fn parse_u64(text: &str, what: &str) -> Result<u64, String> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| format!("{what}: not a number: '{text}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    const U: &str = "11111111-2222-3333-4444-555555555555";

    #[test]
    fn open_defaults() {
        let Ok(Command::Open(target, open)) = parse(args(&format!("open {U}"))) else {
            panic!("not parsed");
        };
        assert_eq!(target.uuid, U);
        assert!(!target.iommufd);
        assert_eq!(target.vm, "vm");
        assert_eq!(target.sim, PathBuf::from("/sys/kernel/debug/vfio_ap_sim"));
        assert_eq!(open.iova, 0x100000);
        assert_eq!(open.size, 65536);
        assert!(open.kvm);
        assert_eq!(open.fail_nth, None);
        assert_eq!(open.status, None);
        assert!(!open.keep_open_on_request);
    }

    #[test]
    fn open_every_option() {
        let line = format!(
            "--vm g1 --sim /tmp/s --iova 0x200000 --size=8192 --status /tmp/st \
             --no-kvm --fail-nth 3 --keep-open-on-request --iommufd open {U}"
        );
        let Ok(Command::Open(target, open)) = parse(args(&line)) else {
            panic!("not parsed");
        };
        assert_eq!(target.vm, "g1");
        assert!(target.iommufd);
        assert_eq!(target.sim, PathBuf::from("/tmp/s"));
        assert_eq!(open.iova, 0x200000);
        assert_eq!(open.size, 8192);
        assert_eq!(open.status, Some(PathBuf::from("/tmp/st")));
        assert!(!open.kvm);
        assert_eq!(open.fail_nth, Some(3));
        assert!(open.keep_open_on_request);
    }

    #[test]
    fn errors_takes_vm_and_sim_only() {
        let parsed = parse(args(&format!("--vm g --sim /x errors {U}")));
        assert_eq!(
            parsed,
            Ok(Command::Errors(Target {
                uuid: U.to_string(),
                iommufd: false,
                vm: "g".to_string(),
                sim: PathBuf::from("/x"),
            }))
        );
        let Ok(Command::Errors(target)) = parse(args(&format!("--iommufd errors {U}"))) else {
            panic!("not parsed");
        };
        assert!(target.iommufd);
        assert!(parse(args(&format!("--no-kvm errors {U}"))).is_err());
        assert!(parse(args(&format!("--iova 0 errors {U}"))).is_err());
    }

    #[test]
    fn bad_usage() {
        for line in [
            "",
            "open",
            &format!("close {U}"),
            &format!("open {U} extra"),
            &format!("--vm open {U}"),
            &format!("--bogus open {U}"),
            &format!("--size 0 open {U}"),
            &format!("--size 12k open {U}"),
            &format!("--fail-nth 0 open {U}"),
            &format!("--fail-nth 0x100000000 open {U}"),
            &format!("--no-kvm=1 open {U}"),
            &format!("--iommufd=1 open {U}"),
            "open ../x",
            "open a/b",
        ] {
            assert!(parse(args(line)).is_err(), "{line}");
        }
    }

    #[test]
    fn help() {
        assert_eq!(parse(args("--help")), Ok(Command::Help));
        assert_eq!(parse(args("-h")), Ok(Command::Help));
        assert_eq!(parse(args(&format!("open {U} --help"))), Ok(Command::Help));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u64("0x100000", "x"), Ok(0x100000));
        assert_eq!(parse_u64("0XfF", "x"), Ok(255));
        assert_eq!(parse_u64("65536", "x"), Ok(65536));
        assert!(parse_u64("-1", "x").is_err());
        assert!(parse_u64("0x", "x").is_err());
    }
}
