// SPDX-License-Identifier: GPL-2.0

//! Checks an assignment must pass: ID range, sharing between mdevs, and
//! reservation for the host's default drivers (`vfio_ap_mdev_validate_masks`,
//! `vfio_ap_mdev_verify_no_sharing`, `vfio_ap_mdev_resource_in_use`).

#![forbid(unsafe_code)]

use super::ap_matrix::Matrix;
use super::errno::{Error, Result};
use super::filter::QueueRect;
use super::ids::Apqn;
use super::mask::{ApidMask, ApqiMask, Mask, MaskId};

/// The ID numbered `raw` if it is at most `max`; `-ENODEV` otherwise (the
/// check against an mdev's frozen maxima).
pub fn id_in_range<I: MaskId>(raw: u64, max: I) -> Result<I> {
    match u8::try_from(raw) {
        Ok(n) if n <= max.number() => Ok(I::from_number(n)),
        _ => Err(Error::NoDev),
    }
}

/// The queues two matrices share: their common adapters with their common
/// domains.
pub fn shared_queues(a: &Matrix, b: &Matrix) -> QueueRect {
    QueueRect::new(a.apm.and(b.apm), a.aqm.and(b.aqm))
}

/// `vfio_ap_mdev_verify_no_sharing()`: `-EADDRINUSE` if the queues of `apm` x
/// `aqm` meet those of any of `others`. As the C driver, the check stops at
/// the first of `others` that shares a queue, and reports each queue it
/// shares to `conflict` with its index, so the caller can log them.
pub fn verify_no_sharing<'a>(
    apm: &ApidMask,
    aqm: &ApqiMask,
    others: impl IntoIterator<Item = &'a Matrix>,
    mut conflict: impl FnMut(Apqn, usize),
) -> Result {
    let candidate = Matrix {
        apm: *apm,
        aqm: *aqm,
        adm: Mask::EMPTY,
    };
    for (index, other) in others.into_iter().enumerate() {
        let shared = shared_queues(&candidate, other);
        if shared.is_empty() {
            continue;
        }
        for apqn in shared.queues() {
            conflict(apqn, index);
        }
        return Err(Error::AddrInUse);
    }
    Ok(())
}

/// `vfio_ap_mdev_validate_masks()`: first `-EADDRNOTAVAIL` if any queue of
/// the candidate matrix is reserved for the host's default drivers (the AP
/// bus decides: `reserved` is `ap_apqn_in_matrix_owned_by_def_drv`), then
/// `-EADDRINUSE` if another mdev has one of its queues.
pub fn validate_masks<'a>(
    candidate: &Matrix,
    reserved: impl FnOnce(&ApidMask, &ApqiMask) -> bool,
    others: impl IntoIterator<Item = &'a Matrix>,
    conflict: impl FnMut(Apqn, usize),
) -> Result {
    if reserved(&candidate.apm, &candidate.aqm) {
        return Err(Error::AddrNotAvail);
    }
    verify_no_sharing(&candidate.apm, &candidate.aqm, others, conflict)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Apid, Apqi};
    use std::vec::Vec;

    fn m(apm: &[u8], aqm: &[u8]) -> Matrix {
        Matrix {
            apm: apm.iter().map(|n| Apid::new(*n)).collect(),
            aqm: aqm.iter().map(|n| Apqi::new(*n)).collect(),
            adm: Mask::EMPTY,
        }
    }

    #[test]
    fn range_is_checked_against_the_frozen_maximum() {
        assert_eq!(id_in_range(63, Apid::new(63)), Ok(Apid::new(63)));
        assert_eq!(id_in_range(64, Apid::new(63)), Err(Error::NoDev));
        assert_eq!(id_in_range(256, Apid::new(255)), Err(Error::NoDev));
        assert_eq!(id_in_range(u64::MAX, Apqi::new(15)), Err(Error::NoDev));
        assert_eq!(id_in_range(0, Apqi::new(0)), Ok(Apqi::new(0)));
    }

    #[test]
    fn sharing_reports_the_first_conflicting_mdev_only() {
        let mine = m(&[4, 5], &[1, 2]);
        let others = [m(&[7], &[1]), m(&[5, 4], &[2, 1, 3]), m(&[4], &[1, 9])];
        let mut seen = Vec::new();
        let r = verify_no_sharing(&mine.apm, &mine.aqm, &others, |q, i| {
            seen.push((q.raw(), i))
        });
        assert_eq!(r, Err(Error::AddrInUse));
        // Every queue the first conflicting mdev shares, none of the next.
        assert_eq!(seen, [(0x0401, 1), (0x0402, 1), (0x0501, 1), (0x0502, 1)]);
        let r = verify_no_sharing(&mine.apm, &mine.aqm, &others[..1], |_, _| {});
        assert_eq!(r, Ok(()));
    }

    #[test]
    fn adapters_without_domains_share_nothing() {
        let mine = m(&[4], &[]);
        let others = [m(&[4], &[1])];
        assert_eq!(
            verify_no_sharing(&mine.apm, &mine.aqm, &others, |_, _| {}),
            Ok(())
        );
    }

    #[test]
    fn reservation_is_checked_before_sharing() {
        let mine = m(&[4], &[1]);
        let others = [m(&[4], &[1])];
        assert_eq!(
            validate_masks(&mine, |_, _| true, &others, |_, _| {}),
            Err(Error::AddrNotAvail)
        );
        assert_eq!(
            validate_masks(&mine, |_, _| false, &others, |_, _| {}),
            Err(Error::AddrInUse)
        );
        assert_eq!(validate_masks(&mine, |_, _| false, &[], |_, _| {}), Ok(()));
    }
}
