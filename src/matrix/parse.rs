// SPDX-License-Identifier: GPL-2.0

//! Parsers for the sysfs input of vfio_ap and of the AP bus.
//!
//! Each function mirrors one C function of Linux 7.3 and accepts and rejects
//! exactly the same inputs with the same errno. The input is the `count` bytes
//! userspace wrote; sysfs hands the C code a NUL-terminated copy, so a NUL byte
//! ends the input here as it does there. The C number parsers also stop after
//! `INT_MAX` characters; sysfs input is at most a page, so that limit is not
//! modelled.

#![forbid(unsafe_code)]

use super::errno::{Error, Result};
use super::ids::{Apid, Apqi, AP_DEVICES, AP_DOMAINS};
use super::mask::{ApidMask, ApqiMask, Mask, MaskId, MASK_BYTES};

/// Hex digits of a 256-bit mask (`ap_hex2bitmap(str, bitmap, 256)`).
const MASK_HEX_DIGITS: usize = MASK_BYTES * 2;

/// `AP_CONFIG_STRLEN` (vfio_ap_ops.c): three masks of `AP_*_STRLEN`
/// (`bits / 4 + 3`) characters each, i.e. 201 bytes.
const AP_CONFIG_STRLEN: usize = (AP_DEVICES / 4 + 3) + 2 * (AP_DOMAINS / 4 + 3);

/// The string the C code sees: the bytes before the first NUL.
fn c_str(input: &[u8]) -> &[u8] {
    input.split(|&c| c == 0).next().unwrap_or(input)
}

/// `_parse_integer_fixup_radix(s, &base)` with `base == 0`: the radix, and `s`
/// without a `0x` prefix. `0x` counts as a prefix only if a hex digit follows;
/// otherwise the leading `0` makes the number octal.
fn fixup_radix(s: &[u8]) -> (u32, &[u8]) {
    match s {
        [b'0', b'x' | b'X', digits @ ..] if digits.first().is_some_and(u8::is_ascii_hexdigit) => {
            (16, digits)
        }
        [b'0', ..] => (8, s),
        _ => (10, s),
    }
}

/// The value of digit `c` in `radix` (at most 16), as `_parse_integer_limit()`
/// computes it.
fn digit_value(c: u8, radix: u32) -> Option<u32> {
    char::from(c).to_digit(radix)
}

/// The result of `_parse_integer()`: the leading digits of a string.
struct Digits<'a> {
    /// Their value, or `None` if it does not fit (`KSTRTOX_OVERFLOW`).
    value: Option<u64>,
    /// Whether there was at least one digit (a non-zero count).
    any: bool,
    /// The text after the digits.
    rest: &'a [u8],
}

/// `_parse_integer_limit(s, radix, &res, INT_MAX, 0)`.
fn parse_integer(s: &[u8], radix: u32) -> Digits<'_> {
    let count = s
        .iter()
        .take_while(|&&c| digit_value(c, radix).is_some())
        .count();
    let (digits, rest) = s.split_at_checked(count).unwrap_or((s, &[]));
    let value = digits.iter().try_fold(0u64, |acc, &c| {
        acc.checked_mul(u64::from(radix))?
            .checked_add(u64::from(digit_value(c, radix)?))
    });
    Digits {
        value,
        any: !digits.is_empty(),
        rest,
    }
}

/// `kstrtoul(buf, 0, &val)`, which is `kstrtoull()` on 64-bit.
///
/// An optional `+`, then a number whose base is auto-detected (`0x`/`0X` and a
/// hex digit: hex; a leading `0`: octal; else decimal), then at most one `\n`.
///
/// # Errors
///
/// [`Error::Range`] if the number does not fit in 64 bits, even if junk
/// follows it; [`Error::Inval`] for anything else that is not such a number.
pub fn kstrtoul(input: &[u8]) -> Result<u64> {
    let s = c_str(input);
    let s = s.strip_prefix(b"+").unwrap_or(s);
    let (radix, s) = fixup_radix(s);
    let digits = parse_integer(s, radix);
    // The C code tests for overflow before it looks at what follows.
    let value = digits.value.ok_or(Error::Range)?;
    if !digits.any {
        return Err(Error::Inval);
    }
    let rest = digits.rest;
    let rest = rest.strip_prefix(b"\n").unwrap_or(rest);
    if rest.is_empty() {
        Ok(value)
    } else {
        Err(Error::Inval)
    }
}

/// `simple_strtoul(s, &end, 0)`: the number at the start of `s` (`u64::MAX`
/// if it overflows, as `_parse_integer()` saturates) and the text after it.
/// `None` if `s` does not start with a number (`end == s` in C): a `0x`
/// prefix is only skipped if a digit follows, so `end == s` means no digit.
fn simple_strtoul(s: &[u8]) -> Option<(u64, &[u8])> {
    let (radix, s) = fixup_radix(s);
    let digits = parse_integer(s, radix);
    digits
        .any
        .then_some((digits.value.unwrap_or(u64::MAX), digits.rest))
}

/// The ID number `n` of a 256-bit mask; `n >= bits` is `-EINVAL` in
/// `modify_bitmap()`.
fn bit_number(n: u64) -> Result<u8> {
    u8::try_from(n).map_err(|_| Error::Inval)
}

/// `hex_to_bin(c)` of a character `isxdigit()` accepted.
fn hex_value(c: u8) -> u8 {
    digit_value(c, 16)
        .and_then(|d| u8::try_from(d).ok())
        .unwrap_or(0)
}

/// `ap_hex2bitmap(token, bitmap, 256)` on a cleared bitmap.
///
/// An optional `0x` or `x` prefix (not `0X`: its `0` is taken as a digit and
/// the `X` is junk), then up to 64 hex digits, the first one holding IDs 0-3
/// (MSB first), then at most one `\n`. Missing digits are zeros, so an empty
/// string is the empty mask.
///
/// # Errors
///
/// [`Error::Inval`] for more than 64 digits or any other character.
pub fn hex2bitmap<I: MaskId>(token: &[u8]) -> Result<Mask<I>> {
    let s = c_str(token);
    let s = s
        .strip_prefix(b"0x")
        .or_else(|| s.strip_prefix(b"x"))
        .unwrap_or(s);
    let count = s
        .iter()
        .take(MASK_HEX_DIGITS)
        .take_while(|c| c.is_ascii_hexdigit())
        .count();
    let (digits, rest) = s.split_at_checked(count).unwrap_or((s, &[]));
    let rest = rest.strip_prefix(b"\n").unwrap_or(rest);
    if !rest.is_empty() {
        return Err(Error::Inval);
    }
    let mut image = [0u8; MASK_BYTES];
    for (byte, pair) in image.iter_mut().zip(digits.chunks(2)) {
        let high = pair.first().map_or(0, |&c| hex_value(c));
        let low = pair.get(1).map_or(0, |&c| hex_value(c));
        *byte = (high << 4) | low;
    }
    Ok(Mask::from_be_bytes(&image))
}

/// The parsing half of `ap_config_store()` and its `parse_bitmap()`: the
/// `apm,aqm,adm` masks an mdev's `ap_config` write asks for.
///
/// The C code keeps the first 201 bytes (`kstrndup(buf, AP_CONFIG_STRLEN)`),
/// takes three tokens with `strsep(&rest, ",\n")` and parses each with
/// [`hex2bitmap`]. Text after the third token is ignored; an empty token is
/// an empty mask.
///
/// # Errors
///
/// [`Error::Inval`] if there are fewer than three tokens or one of them is not
/// a mask.
pub fn parse_ap_config(input: &[u8]) -> Result<(ApidMask, ApqiMask, ApqiMask)> {
    let buf = c_str(input);
    // A valid token has at most 66 bytes ("0x" and 64 digits), so this cut
    // only ever shortens a token that is too long anyway, or ignored text.
    let buf = buf.get(..AP_CONFIG_STRLEN).unwrap_or(buf);
    // Successive strsep() calls: the last call finds no separator and returns
    // the rest of the string; one more call returns NULL, which `split` ends.
    let mut tokens = buf.split(|&c| c == b',' || c == b'\n');
    let mut next_mask = || tokens.next().ok_or(Error::Inval);
    let apm = hex2bitmap::<Apid>(next_mask()?)?;
    let aqm = hex2bitmap::<Apqi>(next_mask()?)?;
    let adm = hex2bitmap::<Apqi>(next_mask()?)?;
    Ok((apm, aqm, adm))
}

/// `modify_bitmap(str, bitmap, 256)`: applies the terms of `s` to `mask`.
///
/// Each term is `+` (set) or `-` (clear), a number and optionally `-` and a
/// second number, which `simple_strtoul(.., 0)` parse. Terms need no
/// separator: any run of `,` and `\n` after a term is skipped.
fn modify_bitmap<I: MaskId>(mut s: &[u8], mut mask: Mask<I>) -> Result<Mask<I>> {
    while let Some((&sign, after_sign)) = s.split_first() {
        let set = match sign {
            b'+' => true,
            b'-' => false,
            _ => return Err(Error::Inval),
        };
        let (first, rest) = simple_strtoul(after_sign).ok_or(Error::Inval)?;
        let first = bit_number(first)?;
        let (last, rest) = match rest.strip_prefix(b"-") {
            Some(after_dash) => {
                let (last, rest) = simple_strtoul(after_dash).ok_or(Error::Inval)?;
                let last = bit_number(last)?;
                if first > last {
                    return Err(Error::Inval);
                }
                (last, rest)
            }
            None => (first, rest),
        };
        for n in first..=last {
            if set {
                mask.insert(I::from_number(n));
            } else {
                mask.remove(I::from_number(n));
            }
        }
        s = rest;
        while let [b',' | b'\n', after_separator @ ..] = s {
            s = after_separator;
        }
    }
    Ok(mask)
}

/// `ap_parse_bitmap_str(input, current, 256, new)`: the new AP bus `apmask` or
/// `aqmask` after a write of `input`.
///
/// Input starting with `+` or `-` is a list of changes to `current`, such as
/// `+0-15,+32,-0xff` (see `modify_bitmap()` in ap_bus.c). Anything else is an
/// absolute mask for [`hex2bitmap`]: `0x8000` or `x8000` or `8000`, and also
/// the empty string or a lone `\n`, which clear the mask.
///
/// # Errors
///
/// [`Error::Inval`] for any syntax error and for an ID above 255; `current` is
/// then left as it was.
pub fn parse_ap_mask<I: MaskId>(input: &[u8], current: Mask<I>) -> Result<Mask<I>> {
    let s = c_str(input);
    match s.first() {
        Some(b'+' | b'-') => modify_bitmap(s, current),
        _ => hex2bitmap(s),
    }
}

#[cfg(test)]
mod tests {
    use super::super::cases;
    use super::*;
    use std::string::String;
    use std::vec::Vec;

    fn apids(ids: &[u8]) -> ApidMask {
        ids.iter().map(|&n| Apid::new(n)).collect()
    }

    fn apqis(ids: &[u8]) -> ApqiMask {
        ids.iter().map(|&n| Apqi::new(n)).collect()
    }

    fn apids_in(ids: impl Iterator<Item = u8>) -> ApidMask {
        ids.map(Apid::new).collect()
    }

    /// The `ap_config` read format of three masks (201 bytes).
    fn show(apm: &ApidMask, aqm: &ApqiMask, adm: &ApqiMask) -> String {
        let hex =
            |w: [u64; 4]| std::format!("0x{:016x}{:016x}{:016x}{:016x}", w[0], w[1], w[2], w[3]);
        std::format!(
            "{},{},{}\n",
            hex(apm.words()),
            hex(aqm.words()),
            hex(adm.words())
        )
    }

    #[test]
    fn kstrtoul_tables() {
        assert_eq!(cases::check_kstrtoul(), Ok(()));
    }

    #[test]
    fn hex2bitmap_accepts() {
        assert_eq!(cases::check_hex2bitmap(), Ok(()));

        let last = [
            "0".repeat(63) + "1",
            "0".repeat(63) + "1\n",
            std::format!("0x{}1", "0".repeat(63)),
            std::format!("x{}1", "0".repeat(63)),
        ];
        for input in &last {
            assert_eq!(hex2bitmap(input.as_bytes()), Ok(apids(&[255])), "{input:?}");
        }
        let full = [
            "f".repeat(64),
            "F".repeat(64) + "\n",
            std::format!("0x{}", "f".repeat(64)),
        ];
        for input in &full {
            assert_eq!(
                hex2bitmap(input.as_bytes()),
                Ok(ApqiMask::FULL),
                "{input:?}"
            );
        }
    }

    #[test]
    fn hex2bitmap_rejects() {
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        // More than 64 digits.
        inputs.push("0".repeat(65).into_bytes());
        inputs.push("f".repeat(65).into_bytes());
        inputs.push(std::format!("0x{}", "0".repeat(65)).into_bytes());
        // A full mask with "0X" is junk, not a prefix.
        inputs.push(std::format!("0X{}", "f".repeat(64)).into_bytes());
        inputs.push(std::format!("0x{}\n\n", "f".repeat(64)).into_bytes());
        for input in &inputs {
            let parsed: Result<ApidMask> = hex2bitmap(input);
            assert_eq!(parsed, Err(Error::Inval), "{:?}", input.escape_ascii());
        }
    }

    #[test]
    fn ap_config_strlen_is_201() {
        assert_eq!(AP_CONFIG_STRLEN, 201);
        let full = show(&ApidMask::FULL, &ApqiMask::FULL, &ApqiMask::FULL);
        assert_eq!(full.len(), AP_CONFIG_STRLEN);
    }

    #[test]
    fn parse_ap_config_tables() {
        assert_eq!(cases::check_ap_config(), Ok(()));
    }

    #[test]
    fn parse_ap_config_reads_what_ap_config_shows() {
        // The example of the upstream reference: adapters 5 and 6, domains 4
        // and 0xab, control domain 4.
        let example = [
            "0x",
            "06",
            &"0".repeat(62),
            ",0x",
            "08",
            &"0".repeat(40),
            "1",
            &"0".repeat(21),
            ",0x",
            "08",
            &"0".repeat(62),
            "\n",
        ]
        .concat();
        assert_eq!(example.len(), AP_CONFIG_STRLEN);
        let expected = (apids(&[5, 6]), apqis(&[4, 0xab]), apqis(&[4]));
        assert_eq!(parse_ap_config(example.as_bytes()), Ok(expected));
        assert_eq!(show(&expected.0, &expected.1, &expected.2), example);

        let masks = (apids(&[0, 63, 64, 255]), ApqiMask::FULL, ApqiMask::EMPTY);
        let shown = show(&masks.0, &masks.1, &masks.2);
        assert_eq!(parse_ap_config(shown.as_bytes()), Ok(masks));
        // Only the first 201 bytes count; here the rest is ignored anyway.
        let longer = shown + "garbage";
        assert_eq!(parse_ap_config(longer.as_bytes()), Ok(masks));
    }

    #[test]
    fn parse_ap_config_rejects() {
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        inputs.push(std::format!("8,{},8", "0".repeat(65)).into_bytes());
        // The 66-byte third token and one more digit end at byte 201 exactly.
        let long = std::format!("0x{0},0x{0},0x{0}0", "f".repeat(64));
        assert_eq!(long.len(), AP_CONFIG_STRLEN);
        inputs.push(long.into_bytes());
        for input in &inputs {
            assert_eq!(
                parse_ap_config(input),
                Err(Error::Inval),
                "{:?}",
                input.escape_ascii()
            );
        }
    }

    #[test]
    fn parse_ap_mask_absolute_replaces_the_mask() {
        let current = apids(&[1, 2, 200]);
        let cases: &[(&[u8], &[u8])] = &[
            (b"0x8", &[0]),
            (b"8000", &[0]),
            (b"x4", &[1]),
            (b"0xc0\n", &[0, 1]),
            // `echo > apmask` clears the mask.
            (b"", &[]),
            (b"\n", &[]),
            (b"0\0+1", &[]),
        ];
        for &(input, ids) in cases {
            assert_eq!(
                parse_ap_mask(input, current),
                Ok(apids(ids)),
                "{:?}",
                input.escape_ascii()
            );
        }
        let full = std::format!("0x{}\n", "f".repeat(64));
        assert_eq!(parse_ap_mask(full.as_bytes(), current), Ok(ApidMask::FULL));
        for input in [&b" +1"[..], b"0X8", b",+1", b"1-2"] {
            assert_eq!(parse_ap_mask(input, current), Err(Error::Inval));
        }
    }

    #[test]
    fn parse_ap_mask_relative_modifies_the_mask() {
        let current = apids(&[1, 2, 200]);
        let cases: &[(&[u8], ApidMask)] = &[
            (b"+0", apids(&[0, 1, 2, 200])),
            (b"-1", apids(&[2, 200])),
            (b"-200\n", apids(&[1, 2])),
            (b"+0x1f", apids(&[1, 2, 31, 200])),
            (b"+0X10", apids(&[1, 2, 16, 200])),
            // A leading 0 means octal.
            (b"+010", apids(&[1, 2, 8, 200])),
            (b"+0377", apids(&[1, 2, 200, 255])),
            (b"+255", apids(&[1, 2, 200, 255])),
            (b"+3-3", apids(&[1, 2, 3, 200])),
            (b"+0x10-0x12", apids(&[1, 2, 16, 17, 18, 200])),
            (b"-0-255", ApidMask::EMPTY),
            (b"+0-255", ApidMask::FULL),
            // The last operation on an ID wins.
            (b"+0-255,-128", apids_in((0..=255).filter(|&n| n != 128))),
            (b"+1,+2,+3,+4,-5,-7-10", apids(&[1, 2, 3, 4, 200])),
            (b"+0-15,+32,-128,-0xFF", apids_in((0..=15).chain([32, 200]))),
            // Terms need no separator, so "-6" here is a term of its own.
            (b"+4+5", apids(&[1, 2, 4, 5, 200])),
            (b"+5-7-6", apids(&[1, 2, 5, 7, 200])),
            // Any run of commas and newlines separates terms.
            (b"+4,,\n,+5\n\n", apids(&[1, 2, 4, 5, 200])),
            (b"+4,", apids(&[1, 2, 4, 200])),
            (b"+4\0,+300", apids(&[1, 2, 4, 200])),
        ];
        for (input, expected) in cases {
            assert_eq!(
                parse_ap_mask(input, current),
                Ok(*expected),
                "{:?}",
                input.escape_ascii()
            );
        }
        let domains = apqis(&[7]);
        assert_eq!(parse_ap_mask(b"+8-9,-7", domains), Ok(apqis(&[8, 9])));
    }

    #[test]
    fn parse_ap_mask_relative_rejects() {
        let inputs: &[&[u8]] = &[
            b"+",
            b"-",
            b"+\n",
            b"+,",
            b"+-1",
            b"+ 1",
            b"+1 ",
            b"+1;+2",
            b"+1,2",
            b"+1,x",
            b"+1,,-",
            b"+1-",
            b"+1--2",
            b"+5-3",
            b"+256",
            b"+0-256",
            b"+0x100",
            // An example in the comment above modify_bitmap(): 0x128 is 296.
            b"-0-255,+1-16,+0x128",
            // "+0" then junk: 8 is no octal digit, "0x" needs a hex digit.
            b"+08",
            b"+0x",
            b"+0-0x",
            // "0x" alone is 0, below the start of the range.
            b"+1-0x",
            // simple_strtoul() saturates on overflow.
            b"+99999999999999999999999",
            b"+0-18446744073709551616",
        ];
        let current = apids(&[1, 2, 200]);
        for &input in inputs {
            assert_eq!(
                parse_ap_mask(input, current),
                Err(Error::Inval),
                "{:?}",
                input.escape_ascii()
            );
        }
    }
}
