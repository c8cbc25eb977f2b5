// SPDX-License-Identifier: GPL-2.0
//! The KVM association of the VFIO group (legacy backend) or device
//! (iommufd backend) file, standing in for QEMU's `KVM_DEV_VFIO_FILE_ADD`/
//! `_DEL` on the kvm-vfio device: the simulator's `guests/<vm>/vfio_group`
//! file takes `add <fd>` / `del <fd>` and resolves the fd in the writer's
//! file table, so this process must write it while the fd is open.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::errno::Errno;
use crate::sys::SysResult;

/// `<sim>/guests/<vm>/vfio_group`.
pub fn vfio_group_file(sim: &Path, vm: &str) -> PathBuf {
    sim.join("guests").join(vm).join("vfio_group")
}

/// What is written, in one `write`: `add 4\n`.
pub fn request_text(add: bool, fd: i32) -> String {
    format!("{} {}\n", if add { "add" } else { "del" }, fd)
}

/// Writes `add <fd>` (or `del <fd>`) to `file`.
pub fn write_request(file: &Path, add: bool, fd: i32) -> SysResult<()> {
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .open(file)
        .map_err(|e| Errno::of(&e))?;
    let text = request_text(add, fd);
    let written = out.write(text.as_bytes()).map_err(|e| Errno::of(&e))?;
    if written != text.len() {
        return Err(Errno(libc::EIO));
    }
    Ok(())
}

/// An association made by `add`; `del` is written on [`KvmLink::remove`],
/// or on drop (a failed open) before the associated fd closes.
pub struct KvmLink {
    file: PathBuf,
    fd: i32,
    removed: bool,
}

impl KvmLink {
    pub fn add(file: PathBuf, fd: i32) -> SysResult<Self> {
        write_request(&file, true, fd)?;
        Ok(KvmLink {
            file,
            fd,
            removed: false,
        })
    }

    pub fn remove(mut self) -> SysResult<()> {
        self.removed = true;
        write_request(&self.file, false, self.fd)
    }
}

impl Drop for KvmLink {
    fn drop(&mut self) {
        if !self.removed {
            if let Err(err) = write_request(&self.file, false, self.fd) {
                crate::say!("close: kvm_del: failed: {err}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_requests() {
        assert_eq!(
            vfio_group_file(Path::new("/sys/kernel/debug/vfio_ap_sim"), "vm"),
            PathBuf::from("/sys/kernel/debug/vfio_ap_sim/guests/vm/vfio_group")
        );
        assert_eq!(request_text(true, 4), "add 4\n");
        assert_eq!(request_text(false, 12), "del 12\n");
    }
}
