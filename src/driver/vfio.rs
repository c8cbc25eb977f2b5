// SPDX-License-Identifier: GPL-2.0

//! The vfio device an mdev is: open and close (a guest starts and stops
//! using it), the device ioctls, `dma_unmap` and `request`
//! (`vfio_ap_matrix_dev_ops` of Linux 7.3).

use kernel::prelude::*;
use kernel::uaccess::{UserPtr, UserSlice};

use super::aqic;
use super::errno;
use super::state::DriverState;
use super::update::reset_and_settle;
use crate::hw::{Kvm, Vcpu};
use crate::matrix::vfio_ioctl::{
    self, IrqIndex, Trigger, DEVICE_INFO_MINSZ, IRQ_INFO_MINSZ, IRQ_SET_MINSZ,
};
use crate::sys::vfio::EventFd;

impl DriverState {
    /// `open_device`: the VM VFIO associated with the device becomes the
    /// mdev's guest. `-EINVAL` without a VM; a VM without a crypto control
    /// block gets nothing, and the open succeeds (as 7.3).
    pub(crate) fn open_device(&self, id: u64, kvm: Option<Kvm>) -> Result {
        let kvm = kvm.ok_or(EINVAL)?;
        if !kvm.has_crycb() {
            return Ok(());
        }
        self.attach_kvm(id, kvm)
    }

    /// `close_device`: the guest goes (the VM loses the hook and every AP
    /// resource, the mdev's queues are reset).
    pub(crate) fn close_device(&self, id: u64) {
        let mut guests = self.guests.lock();
        self.detach_guest_of(&mut guests, id);
    }

    /// The device ioctls VFIO passes on.
    pub(crate) fn device_ioctl(&self, id: u64, cmd: u32, arg: UserPtr) -> Result {
        match cmd {
            vfio_ioctl::VFIO_DEVICE_GET_INFO => {
                let mut info = [0u8; DEVICE_INFO_MINSZ];
                UserSlice::new(arg, DEVICE_INFO_MINSZ)
                    .reader()
                    .read_slice(&mut info)?;
                vfio_ioctl::get_device_info(&mut info).map_err(errno)?;
                UserSlice::new(arg, DEVICE_INFO_MINSZ)
                    .writer()
                    .write_slice(&info)
            }
            vfio_ioctl::VFIO_DEVICE_GET_IRQ_INFO => {
                let mut info = [0u8; IRQ_INFO_MINSZ];
                UserSlice::new(arg, IRQ_INFO_MINSZ)
                    .reader()
                    .read_slice(&mut info)?;
                vfio_ioctl::get_irq_info(&mut info).map_err(errno)?;
                UserSlice::new(arg, IRQ_INFO_MINSZ)
                    .writer()
                    .write_slice(&info)
            }
            vfio_ioctl::VFIO_DEVICE_SET_IRQS => self.set_irqs(id, arg),
            vfio_ioctl::VFIO_DEVICE_RESET => self.reset_device(id),
            _ => Err(EOPNOTSUPP),
        }
    }

    /// `VFIO_DEVICE_SET_IRQS`: sets (or with fd -1 clears) the eventfd of
    /// the request or the configuration-change interrupt.
    fn set_irqs(&self, id: u64, arg: UserPtr) -> Result {
        let mut hdr = [0u8; IRQ_SET_MINSZ];
        UserSlice::new(arg, IRQ_SET_MINSZ)
            .reader()
            .read_slice(&mut hdr)?;
        let index = vfio_ioctl::check_set_irqs(&hdr).map_err(errno)?;
        let mut fd = [0u8; 4];
        UserSlice::new(arg.wrapping_byte_add(IRQ_SET_MINSZ), fd.len())
            .reader()
            .read_slice(&mut fd)?;
        let trigger = match vfio_ioctl::trigger_for_fd(i32::from_ne_bytes(fd)).map_err(errno)? {
            Trigger::Clear => None,
            Trigger::Set(fd) => Some(EventFd::from_fd(fd)?),
        };
        let mut mdevs = self.mdevs.lock();
        let entry = mdevs.list.iter_mut().find(|e| e.id == id).ok_or(ENODEV)?;
        // The previous eventfd, if any, is released here.
        match index {
            IrqIndex::Request => entry.req_trigger = trigger,
            IrqIndex::ConfigChange => entry.cfg_chg_trigger = trigger,
        }
        Ok(())
    }

    /// `VFIO_DEVICE_RESET`: resets every queue assigned to the mdev and
    /// bound to vfio_ap, as one batch; `-EIO` if any reset failed (its
    /// final response code is not 00). The guest's APCB is not touched;
    /// its AQIC on a queue being reset answers "reset in progress".
    fn reset_device(&self, id: u64) -> Result {
        let mut guests = self.guests.lock();
        let plan = {
            let mdevs = self.mdevs.lock();
            mdevs
                .get(id)
                .map(|e| e.matrix.guest_detached())
                .ok_or(ENODEV)?
        };
        if reset_and_settle(self, &mut guests, Some(id), &plan, None) {
            Err(EIO)
        } else {
            Ok(())
        }
    }

    /// `dma_unmap`: the interruptions whose NIB lies in the unmapped range
    /// are disabled, which unpins it.
    pub(crate) fn device_dma_unmap(&self, id: u64, iova: u64, length: u64) {
        aqic::disable_in_range(self, id, iova, length);
    }

    /// `request`: the mdev is being removed while open. Everything is
    /// unplugged from the guest at once (the shadow stays) and userspace is
    /// asked, through the request eventfd, to release the device.
    pub(crate) fn device_request(&self, id: u64, count: u32) {
        let guests = self.guests.lock();
        let kvm_lock = guests.guest_of(id).map(Kvm::lock);
        let mdevs = self.mdevs.lock();
        let Some(entry) = mdevs.get(id) else {
            return;
        };
        if let Some(kvm_lock) = &kvm_lock {
            kvm_lock.clear_masks();
            if let Some(trigger) = &entry.cfg_chg_trigger {
                trigger.signal();
            }
        }
        match &entry.req_trigger {
            Some(trigger) => {
                if count % 10 == 0 {
                    dev_notice!(
                        &*entry.dev,
                        "Relaying device request to user (#{})\n",
                        count
                    );
                }
                trigger.signal();
            }
            None if count == 0 => {
                dev_notice!(
                    &*entry.dev,
                    "No device request registered, blocked until released by user\n"
                );
            }
            None => {}
        }
    }

    /// KVM's PQAP hook for mdev `id` (the VM's hook rwsem is held for
    /// reading).
    pub(crate) fn device_pqap(&self, id: u64, vcpu: &mut Vcpu<'_>) -> Result {
        aqic::handle_pqap(self, id, vcpu)
    }
}
