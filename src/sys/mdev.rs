// SPDX-License-Identifier: GPL-2.0

//! The mdev parent with the `vfio_ap-passthrough` type: its registration,
//! and what a driver implements for it ([`MdevDriver`]): the life of each
//! mdev, its sysfs files, its vfio device ops (open, close, ioctl,
//! dma_unmap, request) and KVM's PQAP hook. The C tables of `src/c/mdev.c`
//! reach the driver through a table of trampolines handed over at
//! registration.

use core::marker::PhantomData;
use core::ptr::NonNull;

use kernel::device::Device;
use kernel::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void};
use kernel::prelude::*;
use kernel::str::CStrExt;
use kernel::sync::aref::ARef;
use kernel::sync::{Arc, ArcBorrow};
use kernel::uaccess::UserPtr;

use super::glue;
use super::matrix_dev::MatrixDevice;
use super::sysfs::{Page, StoreInput};
use super::vfio::VfioDevice;
use crate::hw::{Kvm, Vcpu};
use crate::matrix::format::SysfsBuf;

/// The mdev's own sysfs files (the attribute table of `src/c/mdev.c`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum MdevAttr {
    AssignAdapter,
    UnassignAdapter,
    AssignDomain,
    UnassignDomain,
    AssignControlDomain,
    UnassignControlDomain,
    ControlDomains,
    Matrix,
    GuestMatrix,
    ApConfig,
}

impl MdevAttr {
    /// The attribute named `name` in `src/c/mdev.c`.
    fn from_name(name: &[u8]) -> Option<Self> {
        Some(match name {
            b"assign_adapter" => Self::AssignAdapter,
            b"unassign_adapter" => Self::UnassignAdapter,
            b"assign_domain" => Self::AssignDomain,
            b"unassign_domain" => Self::UnassignDomain,
            b"assign_control_domain" => Self::AssignControlDomain,
            b"unassign_control_domain" => Self::UnassignControlDomain,
            b"control_domains" => Self::ControlDomains,
            b"matrix" => Self::Matrix,
            b"guest_matrix" => Self::GuestMatrix,
            b"ap_config" => Self::ApConfig,
            _ => return None,
        })
    }
}

/// What the mdev core asks of the driver of the mdev type.
pub(crate) trait MdevDriver: Send + Sync + 'static {
    /// The driver's state of one mdev.
    type Mdev: Send + Sync;

    /// A new mdev, whose device is `dev`, vfio device `vdev` and UUID
    /// `uuid` (a `guid_t`).
    fn create(
        &self,
        dev: ARef<Device>,
        vdev: VfioDevice,
        uuid: [u8; 16],
    ) -> Result<Arc<Self::Mdev>>;
    /// The mdev is gone from VFIO (closed and unregistered); cannot fail.
    /// Every value holding its [`VfioDevice`] must be dropped by now.
    fn destroy(&self, mdev: Arc<Self::Mdev>);
    /// Fills the page of a read of `attr`.
    fn show(&self, mdev: &Self::Mdev, attr: MdevAttr, out: &mut SysfsBuf<'_>);
    /// A write of `input` to `attr`.
    fn store(&self, mdev: &Self::Mdev, attr: MdevAttr, input: &[u8]) -> Result;
    /// VFIO opens the device (`open_device`), for the VM `kvm` VFIO has
    /// associated with it, if any.
    fn open(&self, mdev: &Self::Mdev, kvm: Option<Kvm>) -> Result;
    /// The last user closed the device (`close_device`); cannot fail.
    fn close(&self, mdev: &Self::Mdev);
    /// A device ioctl VFIO does not handle itself; `arg` is the user's.
    fn ioctl(&self, mdev: &Self::Mdev, cmd: u32, arg: UserPtr) -> Result;
    /// Userspace unmapped `[iova, iova + length)` from the device's
    /// container: nothing of it may stay pinned (`dma_unmap`).
    fn dma_unmap(&self, mdev: &Self::Mdev, iova: u64, length: u64);
    /// The mdev is being removed while open; called every 10 s with
    /// `count` 0, 1, ... until the user closes it (`request`).
    fn request(&self, mdev: &Self::Mdev, count: u32);
    /// KVM intercepted PQAP(AQIC) on `vcpu` of the VM the mdev serves (the
    /// PQAP hook, called with the hook rwsem held for reading). An error
    /// leaves the instruction to userspace.
    fn pqap(&self, mdev: &Self::Mdev, vcpu: &mut Vcpu<'_>) -> Result;
}

/// `struct vfio_ap_rs_mdev_ops` of `src/c/glue.h`.
#[repr(C)]
pub(super) struct MdevOps {
    create: extern "C" fn(*const c_void, *mut c_void, *mut c_void, *const c_void) -> *mut c_void,
    destroy: extern "C" fn(*const c_void, *mut c_void),
    show: extern "C" fn(*const c_void, *mut c_void, *const c_char, *mut c_char) -> isize,
    store: extern "C" fn(*const c_void, *mut c_void, *const c_char, *const c_char, usize) -> isize,
    open: extern "C" fn(*const c_void, *mut c_void, *mut c_void) -> c_int,
    close: extern "C" fn(*const c_void, *mut c_void),
    ioctl: extern "C" fn(*const c_void, *mut c_void, c_uint, c_ulong) -> c_long,
    dma_unmap: extern "C" fn(*const c_void, *mut c_void, u64, u64),
    request: extern "C" fn(*const c_void, *mut c_void, c_uint),
    pqap: extern "C" fn(*const c_void, *mut c_void, *mut c_void) -> c_int,
}

/// The registered mdev driver and parent; dropping it removes every mdev
/// (each through [`MdevDriver::destroy`]), unregisters both, and only then
/// releases the driver's context.
pub(crate) struct MdevParent<T: MdevDriver> {
    ctx: *const T,
    _owns: PhantomData<Arc<T>>,
}

// SAFETY: the value owns a reference to the `Arc` behind `ctx`, usable from
// any thread.
unsafe impl<T: MdevDriver> Send for MdevParent<T> {}
// SAFETY: `&MdevParent` exposes nothing.
unsafe impl<T: MdevDriver> Sync for MdevParent<T> {}

impl<T: MdevDriver> MdevParent<T> {
    const OPS: MdevOps = MdevOps {
        create: Self::create,
        destroy: Self::destroy,
        show: Self::show,
        store: Self::store,
        open: Self::open,
        close: Self::close,
        ioctl: Self::ioctl,
        dma_unmap: Self::dma_unmap,
        request: Self::request,
        pqap: Self::pqap,
    };

    /// Registers the mdev driver and the parent on `matrix`, which must
    /// outlive the returned value; `ctx` receives the callbacks.
    pub(crate) fn register(matrix: &MatrixDevice, ctx: Arc<T>) -> Result<Self> {
        let ops = Self::OPS;
        let ctx = Arc::into_raw(ctx);
        // SAFETY: `matrix` is a registered device; the shim copies the table,
        // keeps `ctx` (valid until `drop` releases it, after unregistering),
        // and unwinds itself on failure.
        let rc = unsafe { glue::vfio_ap_glue_mdev_register(matrix.as_raw(), &ops, ctx.cast()) };
        if let Err(e) = kernel::error::to_result(rc) {
            // SAFETY: nothing was registered: no callback can use `ctx`.
            drop(unsafe { Arc::from_raw(ctx) });
            return Err(e);
        }
        Ok(Self {
            ctx,
            _owns: PhantomData,
        })
    }

    /// # Safety
    ///
    /// `ctx` must be the context given at registration, in a callback.
    unsafe fn ctx<'a>(ctx: *const c_void) -> ArcBorrow<'a, T> {
        // SAFETY: made by `Arc::into_raw` in `register`; its reference lives
        // until after unregistration, so through every callback.
        unsafe { ArcBorrow::from_raw(ctx.cast::<T>()) }
    }

    /// # Safety
    ///
    /// `mdev` must come from `create` and not yet be destroyed.
    unsafe fn mdev<'a>(mdev: *mut c_void) -> ArcBorrow<'a, T::Mdev> {
        // SAFETY: guaranteed by the caller: the `Arc` made by `create` lives
        // until `destroy`.
        unsafe { ArcBorrow::from_raw(mdev.cast::<T::Mdev>()) }
    }

    extern "C" fn create(
        ctx: *const c_void,
        dev: *mut c_void,
        vdev: *mut c_void,
        uuid: *const c_void,
    ) -> *mut c_void {
        let Some(vdev) = NonNull::new(vdev) else {
            return EINVAL.to_ptr();
        };
        // SAFETY: a callback of the registered parent.
        let this = unsafe { Self::ctx(ctx) };
        // SAFETY: the mdev core passes the mdev's `struct device`, alive for
        // the call; `get_device` takes a reference of its own.
        let dev = unsafe { Device::get_device(dev.cast()) };
        // SAFETY: the C side passes the mdev's vfio device, allocated before
        // this call and put only after `destroy`.
        let vdev = unsafe { VfioDevice::from_raw(vdev) };
        // SAFETY: the mdev core passes the mdev's own `guid_t`, 16 readable
        // bytes.
        let uuid = unsafe { core::ptr::read_unaligned(uuid.cast::<[u8; 16]>()) };
        match this.create(dev, vdev, uuid) {
            Ok(mdev) => Arc::into_raw(mdev).cast_mut().cast(),
            Err(e) => e.to_ptr(),
        }
    }

    extern "C" fn destroy(ctx: *const c_void, mdev: *mut c_void) {
        // SAFETY: a callback of the registered parent.
        let this = unsafe { Self::ctx(ctx) };
        // SAFETY: `mdev` came from `create`, and C hands it back exactly
        // once, after the last sysfs access has ended.
        let mdev = unsafe { Arc::from_raw(mdev.cast::<T::Mdev>()) };
        this.destroy(mdev);
    }

    extern "C" fn show(
        ctx: *const c_void,
        mdev: *mut c_void,
        attr: *const c_char,
        buf: *mut c_char,
    ) -> isize {
        let Some(attr) = attr_of(attr) else {
            return EINVAL.to_errno() as isize;
        };
        // SAFETY: C calls show only on a live mdev's files, while the parent
        // is registered.
        let (this, mdev) = unsafe { (Self::ctx(ctx), Self::mdev(mdev)) };
        // SAFETY: sysfs hands show a page-sized, writable buffer.
        let mut page = unsafe { Page::from_raw(buf) };
        this.show(&mdev, attr, page.writer());
        page.len() as isize
    }

    extern "C" fn store(
        ctx: *const c_void,
        mdev: *mut c_void,
        attr: *const c_char,
        buf: *const c_char,
        count: usize,
    ) -> isize {
        let Some(attr) = attr_of(attr) else {
            return EINVAL.to_errno() as isize;
        };
        // SAFETY: C calls store only on a live mdev's files, while the
        // parent is registered.
        let (this, mdev) = unsafe { (Self::ctx(ctx), Self::mdev(mdev)) };
        // SAFETY: sysfs hands store `count` readable bytes.
        let input = unsafe { StoreInput::from_raw(buf, count) };
        match this.store(&mdev, attr, input.bytes()) {
            Ok(()) => count as isize,
            Err(e) => e.to_errno() as isize,
        }
    }

    extern "C" fn open(ctx: *const c_void, mdev: *mut c_void, kvm: *mut c_void) -> c_int {
        // SAFETY: VFIO calls open_device on a registered, live mdev.
        let (this, mdev) = unsafe { (Self::ctx(ctx), Self::mdev(mdev)) };
        // SAFETY: `vdev->kvm`, if set, holds a reference VFIO took
        // (`vfio_device_get_kvm_safe`) until after close; `get` takes one of
        // our own.
        let kvm = NonNull::new(kvm).map(|kvm| unsafe { Kvm::get(kvm) });
        match this.open(&mdev, kvm) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    extern "C" fn close(ctx: *const c_void, mdev: *mut c_void) {
        // SAFETY: VFIO calls close_device on a live mdev it opened.
        let (this, mdev) = unsafe { (Self::ctx(ctx), Self::mdev(mdev)) };
        this.close(&mdev);
    }

    extern "C" fn ioctl(
        ctx: *const c_void,
        mdev: *mut c_void,
        cmd: c_uint,
        arg: c_ulong,
    ) -> c_long {
        // SAFETY: VFIO calls ioctl on an open, live mdev.
        let (this, mdev) = unsafe { (Self::ctx(ctx), Self::mdev(mdev)) };
        match this.ioctl(&mdev, cmd, UserPtr::from_addr(arg)) {
            Ok(()) => 0,
            Err(e) => e.to_errno() as c_long,
        }
    }

    extern "C" fn dma_unmap(ctx: *const c_void, mdev: *mut c_void, iova: u64, length: u64) {
        // SAFETY: VFIO calls dma_unmap on an open, live mdev.
        let (this, mdev) = unsafe { (Self::ctx(ctx), Self::mdev(mdev)) };
        this.dma_unmap(&mdev, iova, length);
    }

    extern "C" fn request(ctx: *const c_void, mdev: *mut c_void, count: c_uint) {
        // SAFETY: VFIO calls request on a live mdev it is unregistering.
        let (this, mdev) = unsafe { (Self::ctx(ctx), Self::mdev(mdev)) };
        this.request(&mdev, count);
    }

    extern "C" fn pqap(ctx: *const c_void, mdev: *mut c_void, vcpu: *mut c_void) -> c_int {
        let Some(vcpu) = NonNull::new(vcpu) else {
            return EINVAL.to_errno();
        };
        // SAFETY: KVM calls the hook only while it is installed, which is
        // while the device is open, so the mdev lives.
        let (this, mdev) = unsafe { (Self::ctx(ctx), Self::mdev(mdev)) };
        // SAFETY: KVM passes the intercepting vCPU, alive for the call.
        let mut vcpu = unsafe { Vcpu::from_raw(vcpu) };
        match this.pqap(&mdev, &mut vcpu) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }
}

impl<T: MdevDriver> Drop for MdevParent<T> {
    fn drop(&mut self) {
        // SAFETY: registered in `register`, unregistered once, here; no
        // callback runs once it returns, so the context can go.
        unsafe {
            glue::vfio_ap_glue_mdev_unregister();
            drop(Arc::from_raw(self.ctx));
        }
    }
}

/// Turns a sysfs attribute name into the attribute.
fn attr_of(name: *const c_char) -> Option<MdevAttr> {
    // SAFETY: attribute names are static NUL-terminated strings of
    // `src/c/mdev.c`.
    let name = unsafe { CStr::from_char_ptr(name) };
    MdevAttr::from_name(name.to_bytes())
}
