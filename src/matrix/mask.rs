// SPDX-License-Identifier: GPL-2.0

//! 256-bit masks of AP IDs in s390's MSB-0 ("inverted") bit numbering.
//!
//! ID `n` lives in word `n / 64` at bit `63 - n % 64`, exactly as the C
//! driver's `unsigned long[4]` bitmaps with `set_bit_inv()`. Because s390x is
//! big-endian, that bitmap's memory image is the architectural bit string (ID
//! 0 is the most significant bit of byte 0), which is the layout of QCI's
//! `ap_config_info` masks, of the CRYCB's APCBs and of `ap_config`'s hex
//! digits. The byte conversions here are explicit, so the same code is right
//! on the little-endian host that runs the unit tests.

#![forbid(unsafe_code)]

use core::marker::PhantomData;

use super::ids::{Apid, Apqi};

/// An ID that a [`Mask`] can hold: a number from 0 to 255.
pub trait MaskId: Copy {
    /// The ID with number `n`.
    fn from_number(n: u8) -> Self;
    /// The ID's number.
    fn number(self) -> u8;
}

impl MaskId for Apid {
    fn from_number(n: u8) -> Self {
        Apid::new(n)
    }
    fn number(self) -> u8 {
        self.get()
    }
}

impl MaskId for Apqi {
    fn from_number(n: u8) -> Self {
        Apqi::new(n)
    }
    fn number(self) -> u8 {
        self.get()
    }
}

/// Number of 64-bit words in a mask.
pub const MASK_WORDS: usize = 4;
/// Number of bytes in a mask's architectural image.
pub const MASK_BYTES: usize = 32;

/// A set of IDs of one kind, as 256 bits in MSB-0 order.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Mask<I> {
    words: [u64; MASK_WORDS],
    kind: PhantomData<I>,
}

/// A set of adapters (an APM).
pub type ApidMask = Mask<Apid>;
/// A set of usage or control domains (an AQM or ADM).
pub type ApqiMask = Mask<Apqi>;

/// Word index and bit of ID number `n`.
const fn locate(n: u8) -> (usize, u64) {
    // `^ 63` is `set_bit_inv`'s own mapping of an ID to a native bit.
    ((n >> 6) as usize, 1u64 << ((n & 63) ^ 63))
}

impl<I: MaskId> Mask<I> {
    /// The empty set.
    pub const EMPTY: Self = Self::from_words([0; MASK_WORDS]);
    /// All 256 IDs.
    pub const FULL: Self = Self::from_words([u64::MAX; MASK_WORDS]);

    /// A mask from the native words of the C bitmap (`unsigned long[4]`).
    pub const fn from_words(words: [u64; MASK_WORDS]) -> Self {
        Self {
            words,
            kind: PhantomData,
        }
    }

    /// The native words, as the C bitmap holds them.
    pub const fn words(&self) -> [u64; MASK_WORDS] {
        self.words
    }

    /// The IDs 0 to `max`, both included.
    pub fn up_to(max: I) -> Self {
        let (last_word, bit) = locate(max.number());
        let mut words = [0u64; MASK_WORDS];
        for (i, w) in words.iter_mut().enumerate() {
            *w = match i.cmp(&last_word) {
                core::cmp::Ordering::Less => u64::MAX,
                // `bit` is 1 << k; the IDs up to it are the bits from k up.
                core::cmp::Ordering::Equal => !(bit.wrapping_sub(1)),
                core::cmp::Ordering::Greater => 0,
            };
        }
        Self::from_words(words)
    }

    /// A mask from its architectural image: ID 0 is the MSB of byte 0.
    pub fn from_be_bytes(bytes: &[u8; MASK_BYTES]) -> Self {
        let mut words = [0u64; MASK_WORDS];
        for (w, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            *w = u64::from_be_bytes(b);
        }
        Self::from_words(words)
    }

    /// The architectural image: ID 0 is the MSB of byte 0.
    pub fn to_be_bytes(self) -> [u8; MASK_BYTES] {
        let mut bytes = [0u8; MASK_BYTES];
        for (chunk, w) in bytes.chunks_exact_mut(8).zip(self.words.iter()) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
        bytes
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: I) -> bool {
        let (w, bit) = locate(id.number());
        self.words.get(w).is_some_and(|word| word & bit != 0)
    }

    /// Adds `id`; returns whether it was not there before.
    pub fn insert(&mut self, id: I) -> bool {
        let (w, bit) = locate(id.number());
        match self.words.get_mut(w) {
            Some(word) => {
                let added = *word & bit == 0;
                *word |= bit;
                added
            }
            None => false,
        }
    }

    /// Removes `id`; returns whether it was there.
    pub fn remove(&mut self, id: I) -> bool {
        let (w, bit) = locate(id.number());
        match self.words.get_mut(w) {
            Some(word) => {
                let removed = *word & bit != 0;
                *word &= !bit;
                removed
            }
            None => false,
        }
    }

    /// This mask with `id` added.
    pub fn with(mut self, id: I) -> Self {
        self.insert(id);
        self
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// Number of IDs in the set.
    pub fn count(&self) -> u32 {
        self.words.iter().map(|w| w.count_ones()).sum()
    }

    fn zip_with(self, other: Self, f: impl Fn(u64, u64) -> u64) -> Self {
        let mut words = [0u64; MASK_WORDS];
        for ((out, a), b) in words.iter_mut().zip(self.words).zip(other.words) {
            *out = f(a, b);
        }
        Self::from_words(words)
    }

    /// The IDs in both sets.
    pub fn and(self, other: Self) -> Self {
        self.zip_with(other, |a, b| a & b)
    }

    /// The IDs in either set.
    pub fn or(self, other: Self) -> Self {
        self.zip_with(other, |a, b| a | b)
    }

    /// The IDs in this set but not in `other`.
    pub fn and_not(self, other: Self) -> Self {
        self.zip_with(other, |a, b| a & !b)
    }

    /// Whether the two sets share an ID.
    pub fn intersects(&self, other: &Self) -> bool {
        self.words
            .iter()
            .zip(other.words.iter())
            .any(|(a, b)| a & b != 0)
    }

    /// Whether every ID of this set is in `other`.
    pub fn is_subset_of(&self, other: &Self) -> bool {
        self.words
            .iter()
            .zip(other.words.iter())
            .all(|(a, b)| a & !b == 0)
    }

    /// The IDs in ascending order.
    pub fn iter(&self) -> Iter<I> {
        Iter {
            words: self.words,
            word: 0,
            kind: PhantomData,
        }
    }

    /// The lowest ID in the set.
    pub fn first(&self) -> Option<I> {
        self.iter().next()
    }
}

impl<I: MaskId> Default for Mask<I> {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl<I: MaskId> core::fmt::Debug for Mask<I> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_set().entries(self.iter().map(I::number)).finish()
    }
}

impl<I: MaskId> FromIterator<I> for Mask<I> {
    fn from_iter<T: IntoIterator<Item = I>>(iter: T) -> Self {
        let mut mask = Self::EMPTY;
        for id in iter {
            mask.insert(id);
        }
        mask
    }
}

impl<I: MaskId> IntoIterator for Mask<I> {
    type Item = I;
    type IntoIter = Iter<I>;
    fn into_iter(self) -> Iter<I> {
        self.iter()
    }
}

impl<I: MaskId> IntoIterator for &Mask<I> {
    type Item = I;
    type IntoIter = Iter<I>;
    fn into_iter(self) -> Iter<I> {
        self.iter()
    }
}

/// Ascending iterator over the IDs of a [`Mask`] (`for_each_set_bit_inv`).
#[derive(Clone)]
pub struct Iter<I> {
    /// The words still to visit; visited bits are cleared.
    words: [u64; MASK_WORDS],
    word: usize,
    kind: PhantomData<I>,
}

impl<I: MaskId> Iterator for Iter<I> {
    type Item = I;

    fn next(&mut self) -> Option<I> {
        loop {
            let word = self.words.get_mut(self.word)?;
            if *word == 0 {
                self.word = self.word.checked_add(1)?;
                continue;
            }
            let offset = word.leading_zeros();
            // Clear the bit just found: the MSB of what is left.
            *word &= u64::MAX.checked_shr(offset.checked_add(1)?).unwrap_or(0);
            let base = u32::try_from(self.word).ok()?.checked_mul(64)?;
            let n = u8::try_from(base.checked_add(offset)?).ok()?;
            return Some(I::from_number(n));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn apids(ids: &[u8]) -> ApidMask {
        ids.iter().map(|n| Apid::new(*n)).collect()
    }

    #[test]
    fn msb0_word_layout_matches_set_bit_inv() {
        // set_bit_inv(n) sets native bit n ^ 63 of the bitmap.
        let m = apids(&[0, 5, 63, 64, 255]);
        assert_eq!(m.words(), [(1 << 63) | (1 << 58) | 1, 1 << 63, 0, 1],);
    }

    #[test]
    fn byte_image_is_the_architectural_bit_string() {
        let m = apids(&[0, 5, 6, 255]);
        let b = m.to_be_bytes();
        assert_eq!(b[0], 0b1000_0110);
        assert_eq!(b[31], 0x01);
        assert!(b[1..31].iter().all(|x| *x == 0));
        assert_eq!(ApidMask::from_be_bytes(&b), m);
    }

    #[test]
    fn iteration_is_ascending_and_complete() {
        let ids = [0u8, 1, 63, 64, 127, 128, 200, 254, 255];
        let m = apids(&ids);
        let got: Vec<u8> = m.iter().map(|a| a.get()).collect();
        assert_eq!(got, ids);
        assert_eq!(ApidMask::FULL.iter().count(), 256);
        assert_eq!(ApidMask::EMPTY.iter().next(), None);
        assert_eq!(m.count(), 9);
        assert_eq!(m.first(), Some(Apid::new(0)));
    }

    #[test]
    fn up_to_includes_the_maximum() {
        assert_eq!(ApidMask::up_to(Apid::new(63)).words(), [u64::MAX, 0, 0, 0]);
        assert_eq!(ApidMask::up_to(Apid::new(0)).words(), [1 << 63, 0, 0, 0]);
        assert_eq!(
            ApqiMask::up_to(Apqi::new(15)).words(),
            [0xffff << 48, 0, 0, 0]
        );
        assert_eq!(ApidMask::up_to(Apid::new(255)), ApidMask::FULL);
        assert_eq!(ApidMask::up_to(Apid::new(64)).count(), 65);
    }

    #[test]
    fn set_operations() {
        let a = apids(&[1, 2, 3, 100]);
        let b = apids(&[3, 4, 100]);
        assert_eq!(a.and(b), apids(&[3, 100]));
        assert_eq!(a.or(b), apids(&[1, 2, 3, 4, 100]));
        assert_eq!(a.and_not(b), apids(&[1, 2]));
        assert!(a.intersects(&b));
        assert!(!apids(&[1]).intersects(&apids(&[2])));
        assert!(apids(&[3]).is_subset_of(&a));
        assert!(!b.is_subset_of(&a));
        assert!(ApidMask::EMPTY.is_subset_of(&ApidMask::EMPTY));
    }

    #[test]
    fn insert_and_remove_report_changes() {
        let mut m = ApidMask::EMPTY;
        assert!(m.insert(Apid::new(7)));
        assert!(!m.insert(Apid::new(7)));
        assert!(m.contains(Apid::new(7)));
        assert!(m.remove(Apid::new(7)));
        assert!(!m.remove(Apid::new(7)));
        assert!(m.is_empty());
    }

    #[test]
    fn debug_lists_numbers() {
        assert_eq!(std::format!("{:?}", apids(&[4, 5])), "{4, 5}");
    }
}
