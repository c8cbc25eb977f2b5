// SPDX-License-Identifier: GPL-2.0

//! The parsers' table tests as data, shared by the host tests (`cargo test`)
//! and the KUnit suite that runs inside the s390x guest kernel, so the same
//! cases are checked on both byte orders and in the real kernel.

#![forbid(unsafe_code)]

use super::ap_matrix::Matrix;
use super::errno::Error;
use super::filter::{filter_matrix, set_usable};
use super::format::{matrix_show, SysfsBuf, PAGE_SIZE};
use super::ids::{Apid, Apqi, Apqn, AP_DEVICES};
use super::mask::{ApidMask, ApqiMask};
use super::parse::{hex2bitmap, kstrtoul, parse_ap_config};

/// A case that failed: the table and the input.
#[derive(Debug, PartialEq, Eq)]
pub struct Failure {
    /// The table's name.
    pub table: &'static str,
    /// The input that gave the wrong answer.
    pub input: &'static [u8],
}

/// Inputs `kstrtoul` accepts, with their values.
pub const KSTRTOUL_OK: &[(&[u8], u64)] = &[
    (b"0", 0),
    (b"0\n", 0),
    (b"00", 0),
    (b"+0", 0),
    (b"7", 7),
    (b"10", 10),
    (b"+5", 5),
    (b"255\n", 255),
    (b"256", 256),
    // A leading 0 means octal.
    (b"010", 8),
    (b"0777", 511),
    (b"0x10", 16),
    (b"0X10", 16),
    (b"0x1f", 31),
    (b"0x1F\n", 31),
    (b"+0x1f\n", 31),
    // Leading zeros never overflow.
    (b"0x0000000000000000000000001", 1),
    (b"00000000000000000000000000000000001", 1),
    (b"18446744073709551615", u64::MAX),
    (b"18446744073709551615\n", u64::MAX),
    (b"0xffffffffffffffff", u64::MAX),
    (b"0XFFFFFFFFFFFFFFFF", u64::MAX),
    (b"01777777777777777777777", u64::MAX),
    // The C string ends at the first NUL.
    (b"5\0junk", 5),
    (b"5\n\0junk", 5),
];

/// Inputs `kstrtoul` rejects with `-EINVAL`.
pub const KSTRTOUL_INVAL: &[&[u8]] = &[
    b"", b"\n", b"\0", b"\x005", b"+", b"+\n", b"++1", b"-1", b"-0", b"+-1", b" 1", b"1 ", b"\t1",
    b"1\n\n", b"1\n ", b"1\r\n", b"\n1",
    // "0x" without a hex digit is an octal 0 followed by junk.
    b"0x", b"0X", b"0x\n", b"0xg", b"0x 1", b"0x+1", b"0x0x1", b"x1", b"08", b"09", b"0b1", b"1e3",
    b"a", b"1a", b"0x1g", b"1,2", b"1.0", b"\xff",
];

/// Inputs `kstrtoul` rejects with `-ERANGE`.
pub const KSTRTOUL_RANGE: &[&[u8]] = &[
    b"18446744073709551616",
    b"18446744073709551616\n",
    b"+18446744073709551616",
    b"99999999999999999999",
    b"0x10000000000000000",
    b"02000000000000000000000",
    // Overflow is reported before the junk after the digits.
    b"18446744073709551616junk",
    b"0x1ffffffffffffffffg",
];

/// Inputs `ap_hex2bitmap` accepts, with the IDs they set.
pub const HEX2BITMAP_OK: &[(&[u8], &[u8])] = &[
    // No digits at all is the empty mask.
    (b"", &[]),
    (b"\n", &[]),
    (b"0x", &[]),
    (b"x", &[]),
    (b"0x\n", &[]),
    (b"x\n", &[]),
    (b"0", &[]),
    (b"00", &[]),
    // The first digit holds IDs 0-3, MSB first; the rest is padding.
    (b"8", &[0]),
    (b"x8", &[0]),
    (b"0x8", &[0]),
    (b"0x8\n", &[0]),
    (b"1", &[3]),
    (b"0x1", &[3]),
    (b"0xa5", &[0, 2, 5, 7]),
    (b"0xA5", &[0, 2, 5, 7]),
    (b"06", &[5, 6]),
    (b"0001", &[15]),
    (b"0x00000000000000008", &[64]),
    (b"0x8\0junk", &[0]),
];

/// Inputs `ap_hex2bitmap` rejects.
pub const HEX2BITMAP_INVAL: &[&[u8]] = &[
    // "0X" is no prefix: the 0 is a digit and the X is junk.
    b"0X1", b"0X", b"0xx", b"0xx1", b"xx", b"x0x1", b"00x1", b"8\n\n", b"\n8", b"8 ", b" 8", b"+8",
    b"-8", b"g", b"0xg", b"8,", b"0x8\r\n",
];

/// `ap_config` writes that parse, with the IDs of the three masks.
pub const AP_CONFIG_OK: &[(&[u8], [&[u8]; 3])] = &[
    (b"8,8,8", [&[0], &[0], &[0]]),
    (b"8,4,2\n", [&[0], &[1], &[2]]),
    (b"8\n4\n2", [&[0], &[1], &[2]]),
    (b"x8,0x4,02", [&[0], &[1], &[6]]),
    // Empty tokens are empty masks.
    (b",,", [NONE, NONE, NONE]),
    (b"\n\n", [NONE, NONE, NONE]),
    (b"8,,8", [&[0], NONE, &[0]]),
    // `echo 8,4 > ap_config`: the newline ends an empty third token.
    (b"8,4\n", [&[0], &[1], NONE]),
    // Whatever follows the third token is ignored.
    (b"8,8,8,junk", [&[0], &[0], &[0]]),
    (b"8,8,8\njunk", [&[0], &[0], &[0]]),
    (b"8,8,8,0X", [&[0], &[0], &[0]]),
    (b"8,8,8\0,", [&[0], &[0], &[0]]),
];

/// `ap_config` writes rejected with `-EINVAL`.
pub const AP_CONFIG_INVAL: &[&[u8]] = &[
    b"", b"\n", b",", b"8,8", b"8\n8", b"8,8\0,8", b"0X8,8,8", b"8,8,g", b"8 ,8,8", b"8,8,8 ",
    b" 8,8,8", b"+8,8,8", b"8;8;8",
];

/// One `matrix`/`guest_matrix` case: adapters, domains, `apm_max`,
/// `aqm_max` and the text.
pub type MatrixShowCase = (&'static [u8], &'static [u8], u8, u8, &'static [u8]);

/// `matrix`/`guest_matrix` texts.
pub const MATRIX_SHOW: &[MatrixShowCase] = &[
    (
        &[5, 6],
        &[4, 0xab],
        255,
        255,
        b"05.0004\n05.00ab\n06.0004\n06.00ab\n",
    ),
    // Adapters only, domains only, neither.
    (&[5, 6], NONE, 255, 255, b"05.\n06.\n"),
    (&[0, 255], NONE, 255, 255, b"00.\nff.\n"),
    (NONE, &[4, 0xab], 255, 255, b".0004\n.00ab\n"),
    (NONE, &[0, 255], 255, 255, b".0000\n.00ff\n"),
    (NONE, NONE, 255, 255, b""),
    // The loop bound is `*_max + 1`, so `*_max` itself is shown.
    (
        &[1, 15, 16, 200],
        &[3, 4, 5],
        15,
        4,
        b"01.0003\n01.0004\n0f.0003\n0f.0004\n",
    ),
    (&[0], &[0], 0, 0, b"00.0000\n"),
    // IDs above the maxima do not choose the shape either.
    (&[16], &[2], 15, 15, b".0002\n"),
    (&[2], &[16], 15, 15, b"02.\n"),
    (&[16], &[16], 15, 15, b""),
];

const NONE: &[u8] = &[];

fn ids(list: &[u8]) -> ApidMask {
    list.iter().map(|n| Apid::new(*n)).collect()
}

fn check<T>(
    table: &'static str,
    cases: &'static [T],
    input: fn(&T) -> &'static [u8],
    mut ok: impl FnMut(&T) -> bool,
) -> Result<(), Failure> {
    match cases.iter().find(|case| !ok(case)) {
        Some(case) => Err(Failure {
            table,
            input: input(case),
        }),
        None => Ok(()),
    }
}

/// Checks every `kstrtoul` table.
pub fn check_kstrtoul() -> Result<(), Failure> {
    check(
        "KSTRTOUL_OK",
        KSTRTOUL_OK,
        |c| c.0,
        |c| kstrtoul(c.0) == Ok(c.1),
    )?;
    check(
        "KSTRTOUL_INVAL",
        KSTRTOUL_INVAL,
        |c| c,
        |c| kstrtoul(c) == Err(Error::Inval),
    )?;
    check(
        "KSTRTOUL_RANGE",
        KSTRTOUL_RANGE,
        |c| c,
        |c| kstrtoul(c) == Err(Error::Range),
    )
}

/// Checks every `ap_hex2bitmap` table.
pub fn check_hex2bitmap() -> Result<(), Failure> {
    check(
        "HEX2BITMAP_OK",
        HEX2BITMAP_OK,
        |c| c.0,
        |c| hex2bitmap(c.0) == Ok(ids(c.1)),
    )?;
    check(
        "HEX2BITMAP_INVAL",
        HEX2BITMAP_INVAL,
        |c| c,
        |c| hex2bitmap::<Apid>(c) == Err(Error::Inval),
    )
}

/// Checks every `ap_config` table.
pub fn check_ap_config() -> Result<(), Failure> {
    check(
        "AP_CONFIG_OK",
        AP_CONFIG_OK,
        |c| c.0,
        |c| {
            let [apm, aqm, adm] = c.1;
            match parse_ap_config(c.0) {
                Ok((a, q, d)) => {
                    a == ids(apm) && q.words() == ids(aqm).words() && d.words() == ids(adm).words()
                }
                Err(_) => false,
            }
        },
    )?;
    check(
        "AP_CONFIG_INVAL",
        AP_CONFIG_INVAL,
        |c| c,
        |c| parse_ap_config(c) == Err(Error::Inval),
    )
}

fn domains(list: &[u8]) -> ApqiMask {
    list.iter().map(|n| Apqi::new(*n)).collect()
}

/// Checks the `matrix` table, and the cut of a full 256 x 256 matrix at
/// 4095 bytes (511 lines and 7 bytes of the next, as `sysfs_emit_at` cuts).
///
/// `page` is the sysfs page to write to ([`PAGE_SIZE`] bytes; the caller
/// provides it, as 4 KiB are too much for a kernel stack).
pub fn check_matrix_show(page: &mut [u8]) -> Result<(), Failure> {
    if page.len() < PAGE_SIZE {
        return Err(Failure {
            table: "MATRIX_SHOW (page too short)",
            input: b"",
        });
    }
    check(
        "MATRIX_SHOW",
        MATRIX_SHOW,
        |c| c.4,
        |c| {
            let mut out = SysfsBuf::new(page);
            matrix_show(
                &mut out,
                &ids(c.0),
                &domains(c.1),
                Apid::new(c.2),
                Apqi::new(c.3),
            );
            out.as_bytes() == c.4
        },
    )?;
    let mut out = SysfsBuf::new(page);
    matrix_show(
        &mut out,
        &ApidMask::FULL,
        &ApqiMask::FULL,
        Apid::new(255),
        Apqi::new(255),
    );
    let text = out.as_bytes();
    let cut_right = text.len() == 4095
        && text.starts_with(b"00.0000\n00.0001\n")
        && text.ends_with(b"\n01.00fe\n01.00ff")
        && text.iter().filter(|b| **b == b'\n').count() == 511;
    if cut_right {
        Ok(())
    } else {
        Err(Failure {
            table: "MATRIX_SHOW full 256 x 256",
            input: b"",
        })
    }
}

/// One filter case: assigned adapters and domains, host adapters and
/// domains, the usable queues, the guest's adapters before, and the
/// expected adapters, domains and newly withheld adapters.
pub struct FilterCase {
    /// What the case shows.
    pub name: &'static [u8],
    /// Assigned adapters and domains.
    pub assigned: (&'static [u8], &'static [u8]),
    /// The host configuration's adapters and domains.
    pub host: (&'static [u8], &'static [u8]),
    /// Usable queues (adapter, domain).
    pub usable: &'static [(u8, u8)],
    /// The guest's adapters before.
    pub previous: &'static [u8],
    /// Expected adapters, domains and withheld adapters.
    pub expected: (&'static [u8], &'static [u8], &'static [u8]),
}

/// Linux 7.3's filter (`vfio_ap_mdev_filter_matrix`).
pub const FILTER: &[FilterCase] = &[
    FilterCase {
        name: b"the host configuration limits adapters and domains",
        assigned: (&[4, 5, 6], &[1, 2]),
        host: (&[4, 5], &[1]),
        usable: &[(4, 1), (5, 1)],
        previous: NONE,
        expected: (&[4, 5], &[1], NONE),
    },
    FilterCase {
        name: b"an unusable queue withholds its adapter, never the domain",
        assigned: (&[4, 5], &[1, 2]),
        host: (&[4, 5], &[1, 2]),
        usable: &[(4, 1), (4, 2), (5, 1)],
        previous: &[4, 5],
        expected: (&[4], &[1, 2], &[5]),
    },
    FilterCase {
        name: b"withheld counts only adapters the guest had",
        assigned: (&[4, 5], &[1, 2]),
        host: (&[4, 5], &[1, 2]),
        usable: &[(4, 1), (4, 2), (5, 1)],
        previous: &[4],
        expected: (&[4], &[1, 2], NONE),
    },
    FilterCase {
        name: b"no domains: no adapter is withheld (no cross-clearing)",
        assigned: (&[4], NONE),
        host: (&[4], &[1]),
        usable: &[],
        previous: NONE,
        expected: (&[4], NONE, NONE),
    },
    FilterCase {
        name: b"IDs beyond 63 and 15 (APXA)",
        assigned: (&[64, 255], &[16, 200]),
        host: (&[64, 255], &[16, 200]),
        usable: &[(64, 16), (64, 200), (255, 16)],
        previous: &[64, 255],
        expected: (&[64], &[16, 200], &[255]),
    },
];

/// Checks the filter table; `rows` is scratch space for the usable-queue
/// rows (one per adapter, [`AP_DEVICES`] of them: 8 KiB, too big for a
/// kernel stack, so the caller provides it).
pub fn check_filter(rows: &mut [ApqiMask]) -> Result<(), Failure> {
    if rows.len() < AP_DEVICES {
        return Err(Failure {
            table: "FILTER (rows too short)",
            input: b"",
        });
    }
    check(
        "FILTER",
        FILTER,
        |c| c.name,
        |c| {
            for row in rows.iter_mut() {
                *row = ApqiMask::EMPTY;
            }
            for (apid, apqi) in c.usable {
                set_usable(rows, Apqn::new(Apid::new(*apid), Apqi::new(*apqi)), true);
            }
            let matrix = |(apm, aqm): (&[u8], &[u8])| Matrix {
                apm: ids(apm),
                aqm: domains(aqm),
                adm: ApqiMask::EMPTY,
            };
            let got = filter_matrix(
                &matrix(c.assigned),
                &matrix(c.host),
                &*rows,
                &ids(c.previous),
            );
            got.apm == ids(c.expected.0)
                && got.aqm == domains(c.expected.1)
                && got.withheld == ids(c.expected.2)
        },
    )
}
