// SPDX-License-Identifier: GPL-2.0

//! An AP matrix (adapters, usage domains, control domains), the per-mdev
//! maximum IDs, and the host's AP configuration as QCI reports it.

#![forbid(unsafe_code)]

use super::ids::{Apid, Apqi, Apqn};
use super::mask::{ApidMask, ApqiMask, MASK_BYTES};

/// Adapters, usage domains and control domains: an mdev's assigned matrix,
/// its shadow APCB, or a change to either (`struct ap_matrix` without the
/// maxima, which [`Maxima`] carries).
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub struct Matrix {
    /// Adapters (APM).
    pub apm: ApidMask,
    /// Usage domains (AQM).
    pub aqm: ApqiMask,
    /// Control domains (ADM).
    pub adm: ApqiMask,
}

impl Matrix {
    /// No adapters, no domains.
    pub const EMPTY: Self = Self {
        apm: ApidMask::EMPTY,
        aqm: ApqiMask::EMPTY,
        adm: ApqiMask::EMPTY,
    };

    /// Whether the queue `apqn` is in the matrix (its adapter and its domain).
    pub fn has_queue(&self, apqn: Apqn) -> bool {
        self.apm.contains(apqn.apid()) && self.aqm.contains(apqn.apqi())
    }

    /// Whether the matrix has any queue: an adapter and a domain.
    pub fn has_queues(&self) -> bool {
        !self.apm.is_empty() && !self.aqm.is_empty()
    }

    /// Whether all three masks are empty.
    pub fn is_empty(&self) -> bool {
        self.apm.is_empty() && self.aqm.is_empty() && self.adm.is_empty()
    }

    /// The IDs in both matrices, mask by mask.
    pub fn and(&self, other: &Self) -> Self {
        Self {
            apm: self.apm.and(other.apm),
            aqm: self.aqm.and(other.aqm),
            adm: self.adm.and(other.adm),
        }
    }

    /// The IDs of this matrix that `other` lacks, mask by mask.
    pub fn and_not(&self, other: &Self) -> Self {
        Self {
            apm: self.apm.and_not(other.apm),
            aqm: self.aqm.and_not(other.aqm),
            adm: self.adm.and_not(other.adm),
        }
    }

    /// The queues of the matrix, adapter-major, ascending.
    pub fn queues(&self) -> impl Iterator<Item = Apqn> + '_ {
        let aqm = self.aqm;
        self.apm
            .iter()
            .flat_map(move |apid| aqm.iter().map(move |apqi| Apqn::new(apid, apqi)))
    }
}

/// The largest IDs an mdev accepts, frozen when it is created
/// (`vfio_ap_matrix_init`): `-ENODEV` beyond them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Maxima {
    /// Largest adapter ID.
    pub apid: Apid,
    /// Largest usage-domain ID.
    pub apqi: Apqi,
    /// Largest control-domain ID.
    pub adm: Apqi,
}

impl Maxima {
    /// The maxima without the AP extended addressing facility (APXA).
    pub const WITHOUT_APXA: Self = Self {
        apid: Apid::new(63),
        apqi: Apqi::new(15),
        adm: Apqi::new(15),
    };

    /// Whether every ID of `matrix` is within these maxima
    /// (`ap_matrix_overflow_check` inverted).
    pub fn contain(&self, matrix: &Matrix) -> bool {
        matrix.apm.is_subset_of(&ApidMask::up_to(self.apid))
            && matrix.aqm.is_subset_of(&ApqiMask::up_to(self.apqi))
            && matrix.adm.is_subset_of(&ApqiMask::up_to(self.adm))
    }
}

/// Size of QCI's `struct ap_config_info`.
pub const QCI_INFO_SIZE: usize = 128;

/// The host's AP configuration: what QCI reports (`struct ap_config_info`),
/// or all zeros when the machine has no QCI.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub struct HostConfig {
    /// Configured adapters, usage and control domains.
    pub matrix: Matrix,
    /// The AP extended addressing facility (N bit): IDs beyond 63/15.
    pub apxa: bool,
    /// Largest adapter ID the machine supports (`na`).
    pub na: u8,
    /// Largest domain ID the machine supports (`nd`).
    pub nd: u8,
}

impl HostConfig {
    /// Parses QCI's 128-byte `struct ap_config_info`, as it lies in memory
    /// on s390 (big-endian): flags at 0 (bit 1, MSB-0, is APXA), `na` at 4,
    /// `nd` at 5, then the APM at 16, the AQM at 48 and the ADM at 80, each
    /// 32 bytes with ID 0 in the most significant bit.
    pub fn from_qci(info: &[u8; QCI_INFO_SIZE]) -> Self {
        let mask_at = |offset: usize| {
            let mut bytes = [0u8; MASK_BYTES];
            if let Some(src) = offset
                .checked_add(MASK_BYTES)
                .and_then(|end| info.get(offset..end))
            {
                bytes.copy_from_slice(src);
            }
            bytes
        };
        let flags = info.first().copied().unwrap_or(0);
        Self {
            matrix: Matrix {
                apm: ApidMask::from_be_bytes(&mask_at(16)),
                aqm: ApqiMask::from_be_bytes(&mask_at(48)),
                adm: ApqiMask::from_be_bytes(&mask_at(80)),
            },
            apxa: flags & 0x40 != 0,
            na: info.get(4).copied().unwrap_or(0),
            nd: info.get(5).copied().unwrap_or(0),
        }
    }

    /// The inverse of [`HostConfig::from_qci`], for simulated machines.
    pub fn to_qci(self) -> [u8; QCI_INFO_SIZE] {
        let mut info = [0u8; QCI_INFO_SIZE];
        let fields: [(usize, &[u8]); 5] = [
            (0, &[if self.apxa { 0x40 } else { 0 }]),
            (4, &[self.na, self.nd]),
            (16, &self.matrix.apm.to_be_bytes()),
            (48, &self.matrix.aqm.to_be_bytes()),
            (80, &self.matrix.adm.to_be_bytes()),
        ];
        for (offset, bytes) in fields {
            if let Some(dst) = offset
                .checked_add(bytes.len())
                .and_then(|end| info.get_mut(offset..end))
            {
                dst.copy_from_slice(bytes);
            }
        }
        info
    }

    /// The maxima an mdev created now gets: `apxa ? na : 63` for adapters,
    /// `apxa ? nd : 15` for usage and control domains.
    pub fn maxima(&self) -> Maxima {
        if self.apxa {
            Maxima {
                apid: Apid::new(self.na),
                apqi: Apqi::new(self.nd),
                adm: Apqi::new(self.nd),
            }
        } else {
            Maxima::WITHOUT_APXA
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn apqn(apid: u8, apqi: u8) -> Apqn {
        Apqn::new(Apid::new(apid), Apqi::new(apqi))
    }

    #[test]
    fn qci_layout() {
        let mut info = [0u8; QCI_INFO_SIZE];
        info[0] = 0x40; // APXA
        info[4] = 0xfe;
        info[5] = 0x54;
        info[16] = 0x0c; // adapters 4 and 5
        info[48 + 31] = 0x01; // domain 255
        info[80] = 0x80; // control domain 0
        let host = HostConfig::from_qci(&info);
        assert!(host.apxa);
        assert_eq!((host.na, host.nd), (0xfe, 0x54));
        assert_eq!(
            host.matrix.apm.iter().map(|a| a.get()).collect::<Vec<_>>(),
            [4, 5]
        );
        assert!(host.matrix.aqm.contains(Apqi::new(255)));
        assert_eq!(host.matrix.aqm.count(), 1);
        assert!(host.matrix.adm.contains(Apqi::new(0)));
        assert_eq!(host.to_qci(), info);
    }

    #[test]
    fn maxima_follow_apxa() {
        let mut host = HostConfig {
            na: 200,
            nd: 84,
            ..HostConfig::default()
        };
        assert_eq!(host.maxima(), Maxima::WITHOUT_APXA);
        host.apxa = true;
        assert_eq!(host.maxima().apid, Apid::new(200));
        assert_eq!(host.maxima().apqi, Apqi::new(84));
        assert_eq!(host.maxima().adm, Apqi::new(84));
    }

    #[test]
    fn maxima_contain() {
        let max = Maxima::WITHOUT_APXA;
        let mut m = Matrix::EMPTY;
        m.apm.insert(Apid::new(63));
        m.aqm.insert(Apqi::new(15));
        m.adm.insert(Apqi::new(15));
        assert!(max.contain(&m));
        m.adm.insert(Apqi::new(16));
        assert!(!max.contain(&m));
    }

    #[test]
    fn queues_are_adapter_major() {
        let mut m = Matrix::EMPTY;
        m.apm.insert(Apid::new(6));
        m.apm.insert(Apid::new(5));
        m.aqm.insert(Apqi::new(0xab));
        m.aqm.insert(Apqi::new(4));
        let q: Vec<Apqn> = m.queues().collect();
        assert_eq!(q, [apqn(5, 4), apqn(5, 0xab), apqn(6, 4), apqn(6, 0xab)]);
        assert!(m.has_queue(apqn(6, 4)));
        assert!(!m.has_queue(apqn(4, 4)));
    }
}
