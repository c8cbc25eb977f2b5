// SPDX-License-Identifier: GPL-2.0

//! AP identifiers: adapter numbers (APID), usage-domain numbers (APQI) and the
//! queue numbers (APQN) made of one of each.
//!
//! The architecture allows up to 256 adapters and 256 domains, so each ID is a
//! byte; an APQN is `AP_MKQID(apid, apqi) = apid << 8 | apqi`.

#![forbid(unsafe_code)]

/// Number of adapter IDs (`AP_DEVICES`).
pub const AP_DEVICES: usize = 256;
/// Number of domain IDs (`AP_DOMAINS`).
pub const AP_DOMAINS: usize = 256;

/// An adapter (card) number, 0..=255.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Apid(u8);

/// A usage-domain (queue index) number, 0..=255. Control domains use the same
/// number space.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Apqi(u8);

/// An AP queue number: an adapter and a domain (`AP_MKQID`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Apqn(u16);

macro_rules! byte_id {
    ($ty:ident) => {
        impl $ty {
            /// The ID with number `n`.
            pub const fn new(n: u8) -> Self {
                Self(n)
            }

            /// The ID with number `n`, if `n` is below 256.
            pub fn from_u64(n: u64) -> Option<Self> {
                u8::try_from(n).ok().map(Self)
            }

            /// The ID's number.
            pub const fn get(self) -> u8 {
                self.0
            }

            /// The ID's number as an index into a 256-entry table.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

byte_id!(Apid);
byte_id!(Apqi);

impl Apqn {
    /// `AP_MKQID(apid, apqi)`.
    pub const fn new(apid: Apid, apqi: Apqi) -> Self {
        Self(((apid.0 as u16) << 8) | apqi.0 as u16)
    }

    /// The queue number as the AP bus and the instructions carry it.
    pub const fn from_raw(qid: u16) -> Self {
        Self(qid)
    }

    /// The raw 16-bit queue number.
    pub const fn raw(self) -> u16 {
        self.0
    }

    /// `AP_QID_CARD`: the adapter.
    pub const fn apid(self) -> Apid {
        Apid((self.0 >> 8) as u8)
    }

    /// `AP_QID_QUEUE`: the domain.
    pub const fn apqi(self) -> Apqi {
        Apqi(self.0 as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apqn_packs_like_ap_mkqid() {
        let apqn = Apqn::new(Apid::new(0x05), Apqi::new(0xab));
        assert_eq!(apqn.raw(), 0x05ab);
        assert_eq!(apqn.apid(), Apid::new(5));
        assert_eq!(apqn.apqi(), Apqi::new(0xab));
        assert_eq!(Apqn::from_raw(0xff00).apid().get(), 0xff);
        assert_eq!(Apqn::from_raw(0xff00).apqi().get(), 0);
    }

    #[test]
    fn ids_above_255_do_not_exist() {
        assert_eq!(Apid::from_u64(255), Some(Apid::new(255)));
        assert_eq!(Apid::from_u64(256), None);
        assert_eq!(Apqi::from_u64(u64::MAX), None);
    }
}
