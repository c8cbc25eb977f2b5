// SPDX-License-Identifier: GPL-2.0

//! Formatters for the sysfs files that vfio_ap shows: `matrix`,
//! `guest_matrix`, `control_domains`, `ap_config`, the queue `status` and the
//! matrix device's `features`.
//!
//! The text is byte for byte what the C driver prints, including its
//! truncation: every C show function writes into one page with repeated
//! `sysfs_emit_at()` calls, which [`SysfsBuf`] reproduces.

#![forbid(unsafe_code)]

use core::fmt::{self, Write};

use super::ids::{Apid, Apqi};
use super::mask::{ApidMask, ApqiMask, MASK_WORDS};

/// Size of the buffer sysfs hands to a show function.
pub const PAGE_SIZE: usize = 4096;

/// The text of the matrix device's `features` file (`vfio_ap_drv.c`).
///
/// `vfio-ap.rst` documents `dyn` instead of `hotplug`; userspace sees what the
/// code prints, so this is the code's string.
pub const FEATURES: &str = "guest_matrix hotplug ap_config\n";

/// A sysfs page being filled by a show function, emulating `sysfs_emit_at()`.
///
/// `sysfs_emit_at(buf, at, ...)` is `vscnprintf(buf + at, PAGE_SIZE - at,
/// ...)`, which keeps one byte for the NUL and returns what it stored. So the
/// text stops silently at `PAGE_SIZE - 1` = 4095 bytes, possibly in the middle
/// of a line, and every later call adds 0 to the C code's `nchars`. Writes
/// here behave the same: whatever does not fit is dropped, and nothing fails.
///
/// A slice shorter than 4095 bytes gets the start of the same text, cut at the
/// slice's end. The NUL that C stores after the text is not written: sysfs
/// only ever copies the returned length.
pub struct SysfsBuf<'a> {
    buf: &'a mut [u8],
    /// Bytes written so far: the C show function's `nchars`.
    len: usize,
    /// Most bytes the text may have.
    limit: usize,
}

impl<'a> SysfsBuf<'a> {
    /// An empty text that will be written to the start of `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        let limit = buf.len().min(PAGE_SIZE.saturating_sub(1));
        Self { buf, len: 0, limit }
    }

    /// Bytes written so far: the value the show function returns.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether no further byte fits, so any later write is dropped.
    pub fn is_full(&self) -> bool {
        self.len >= self.limit
    }

    /// The text written so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// Appends as much of `bytes` as fits; returns how many bytes that was.
    pub fn push_bytes(&mut self, bytes: &[u8]) -> usize {
        let Some(free) = self.buf.get_mut(self.len..self.limit) else {
            return 0;
        };
        let stored = free.len().min(bytes.len());
        for (dst, src) in free.iter_mut().zip(bytes) {
            *dst = *src;
        }
        // `stored` is at most `limit - len`, so this cannot saturate.
        self.len = self.len.saturating_add(stored);
        stored
    }

    /// One `sysfs_emit_at(buf, len, ...)`: appends the formatted text, cut to
    /// what fits, and returns the number of bytes stored.
    pub fn emit(&mut self, args: fmt::Arguments<'_>) -> usize {
        let before = self.len;
        // `write_str` below never fails and integers always format, so there
        // is no error to report; truncation is silent, as in C.
        let _: fmt::Result = self.write_fmt(args);
        self.len.saturating_sub(before)
    }
}

impl Write for SysfsBuf<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_bytes(s.as_bytes());
        Ok(())
    }
}

/// `vfio_ap_mdev_matrix_show()`: the text of `matrix` (for the assigned
/// matrix) and of `guest_matrix` (for the shadow APCB).
///
/// Only IDs up to `apm_max` and `aqm_max` count, because C walks the masks
/// with `for_each_set_bit_inv(.., *_max + 1)`; they also decide the shape:
/// - adapters and domains: `%02lx.%04lx\n` per APQN, adapter-major;
/// - adapters only: `%02lx.\n` per adapter;
/// - domains only: `.%04lx\n` per domain;
/// - neither: no text.
pub fn matrix_show(
    out: &mut SysfsBuf<'_>,
    apm: &ApidMask,
    aqm: &ApqiMask,
    apm_max: Apid,
    aqm_max: Apqi,
) {
    let apm = apm.and(ApidMask::up_to(apm_max));
    let aqm = aqm.and(ApqiMask::up_to(aqm_max));

    match (apm.is_empty(), aqm.is_empty()) {
        (false, false) => {
            for apid in &apm {
                for apqi in &aqm {
                    // C goes on with calls that add nothing; stopping early
                    // gives the same text and spares up to 65536 formats.
                    if out.is_full() {
                        return;
                    }
                    out.emit(format_args!("{:02x}.{:04x}\n", apid.get(), apqi.get()));
                }
            }
        }
        (false, true) => {
            for apid in &apm {
                out.emit(format_args!("{:02x}.\n", apid.get()));
            }
        }
        (true, false) => {
            for apqi in &aqm {
                out.emit(format_args!(".{:04x}\n", apqi.get()));
            }
        }
        (true, true) => {}
    }
}

/// `control_domains_show()`: one `%04lx\n` line per control domain up to
/// `adm_max`, ascending; no text if there is none.
pub fn control_domains_show(out: &mut SysfsBuf<'_>, adm: &ApqiMask, adm_max: Apqi) {
    for domain in &adm.and(ApqiMask::up_to(adm_max)) {
        out.emit(format_args!("{:04x}\n", domain.get()));
    }
}

/// `write_ap_bitmap()`: one mask as `0x` and its four native words in
/// `%016lx`, then `separator`.
fn write_ap_bitmap(out: &mut SysfsBuf<'_>, words: [u64; MASK_WORDS], separator: char) {
    let [w0, w1, w2, w3] = words;
    out.emit(format_args!(
        "0x{w0:016x}{w1:016x}{w2:016x}{w3:016x}{separator}"
    ));
}

/// `ap_config_show()`: the APM, AQM and ADM as 64 hex digits each, ID 0 first
/// (MSB-0), separated by `,` and ended by `\n`; always 201 bytes.
///
/// All IDs are shown, including any above the `*_max` limits, and C prints
/// the assigned matrix, not the shadow APCB.
pub fn ap_config_show(out: &mut SysfsBuf<'_>, apm: &ApidMask, aqm: &ApqiMask, adm: &ApqiMask) {
    write_ap_bitmap(out, apm.words(), ',');
    write_ap_bitmap(out, aqm.words(), ',');
    write_ap_bitmap(out, adm.words(), '\n');
}

/// What the `status` file of an AP queue bound to vfio_ap reports.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QueueStatus {
    /// No mdev has the queue in its matrix.
    Unassigned,
    /// An mdev has the queue, but it is not passed through to a guest.
    Assigned,
    /// The mdev has a KVM and the queue is in its shadow APCB.
    InUse,
}

impl QueueStatus {
    /// The exact text of the `status` file, newline included.
    pub const fn text(self) -> &'static str {
        match self {
            QueueStatus::Unassigned => "unassigned\n",
            QueueStatus::Assigned => "assigned\n",
            QueueStatus::InUse => "in use\n",
        }
    }
}

/// `status_show()` of a queue device.
pub fn status_show(out: &mut SysfsBuf<'_>, status: QueueStatus) {
    out.push_bytes(status.text().as_bytes());
}

/// `features_show()` of the matrix device.
pub fn features_show(out: &mut SysfsBuf<'_>) {
    out.push_bytes(FEATURES.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;
    use std::vec;

    /// The `ap_config` text length: `AP_CONFIG_STRLEN` in the C driver.
    const AP_CONFIG_LEN: usize = 201;

    fn apm(ids: &[u8]) -> ApidMask {
        ids.iter().map(|n| Apid::new(*n)).collect()
    }

    fn aqm(ids: &[u8]) -> ApqiMask {
        ids.iter().map(|n| Apqi::new(*n)).collect()
    }

    /// Runs a show function on a fresh page and returns its text.
    fn show(f: impl FnOnce(&mut SysfsBuf<'_>)) -> String {
        let mut page = vec![0u8; PAGE_SIZE];
        let mut out = SysfsBuf::new(&mut page);
        f(&mut out);
        assert_eq!(out.as_bytes().len(), out.len());
        String::from_utf8_lossy(out.as_bytes()).into_owned()
    }

    /// The text C would print into an endless buffer, for comparisons.
    fn matrix_untruncated(apids: &ApidMask, apqis: &ApqiMask) -> String {
        let mut s = String::new();
        for a in apids {
            for q in apqis {
                s.push_str(&std::format!("{:02x}.{:04x}\n", a.get(), q.get()));
            }
        }
        s
    }

    #[test]
    fn matrix_tables() {
        let mut page = std::vec![0u8; PAGE_SIZE];
        assert_eq!(super::super::cases::check_matrix_show(&mut page), Ok(()));
    }

    #[test]
    fn empty_matrix_prints_nothing() {
        let mut page = [0xeeu8; 8];
        let mut out = SysfsBuf::new(&mut page);
        matrix_show(
            &mut out,
            &ApidMask::EMPTY,
            &ApqiMask::EMPTY,
            Apid::new(255),
            Apqi::new(255),
        );
        assert!(out.is_empty());
        assert_eq!(page, [0xee; 8]);
    }

    #[test]
    fn full_matrix_is_cut_at_4095_bytes_mid_line() {
        let out = show(|out| {
            matrix_show(
                out,
                &ApidMask::FULL,
                &ApqiMask::FULL,
                Apid::new(255),
                Apqi::new(255),
            )
        });
        // Lines are 8 bytes: 511 whole lines, then 7 bytes of line 512
        // (adapter 1, domain 0xff) without its newline.
        assert_eq!(out.len(), 4095);
        assert_eq!(&out[..16], "00.0000\n00.0001\n");
        assert_eq!(&out[4080..4088], "01.00fe\n");
        assert!(out.ends_with("\n01.00ff"));
        assert_eq!(out.matches('\n').count(), 511);
        let full = matrix_untruncated(&ApidMask::FULL, &ApqiMask::FULL);
        assert_eq!(full.len(), 256 * 256 * 8);
        assert_eq!(out, full[..4095]);
    }

    #[test]
    fn truncation_matches_the_untruncated_text_for_other_shapes() {
        // A cut that falls at other places within a line.
        for (apids, apqis) in [
            (apm(&[0, 1, 2, 3, 4, 5, 6, 7]), ApqiMask::FULL),
            (ApidMask::up_to(Apid::new(40)), aqm(&[1, 2, 3, 4, 5, 6, 7])),
            (ApidMask::FULL, aqm(&[9, 77])),
        ] {
            let full = matrix_untruncated(&apids, &apqis);
            let out = show(|out| matrix_show(out, &apids, &apqis, Apid::new(255), Apqi::new(255)));
            let expected = &full[..full.len().min(4095)];
            assert_eq!(out, expected);
        }
    }

    #[test]
    fn writes_after_a_full_page_add_nothing() {
        let mut page = vec![0u8; PAGE_SIZE];
        let mut out = SysfsBuf::new(&mut page);
        let filler = [b'x'; 4090];
        assert_eq!(out.push_bytes(&filler), 4090);
        // Like sysfs_emit_at(): 5 of 8 bytes fit, then every call returns 0.
        assert_eq!(out.emit(format_args!("{:02x}.{:04x}\n", 1, 2)), 5);
        assert!(out.is_full());
        assert_eq!(out.emit(format_args!("{:02x}.\n", 3)), 0);
        assert_eq!(out.push_bytes(b"y"), 0);
        assert_eq!(out.len(), 4095);
        assert_eq!(out.as_bytes().get(4090..), Some(b"01.00".as_slice()));
        // The NUL slot is left alone.
        assert_eq!(page.get(4095), Some(&0));
    }

    #[test]
    fn a_slice_longer_than_a_page_still_stops_at_4095() {
        let mut big = vec![0u8; 2 * PAGE_SIZE];
        let mut out = SysfsBuf::new(&mut big);
        assert_eq!(out.push_bytes(&[b'z'; 5000]), 4095);
        assert_eq!(out.len(), 4095);
        assert!(big.iter().skip(4095).all(|b| *b == 0));
    }

    #[test]
    fn a_short_slice_gets_the_start_of_the_text() {
        let mut backing = [0xeeu8; 32];
        let (short, rest) = backing.split_at_mut(10);
        let mut out = SysfsBuf::new(short);
        matrix_show(
            &mut out,
            &apm(&[5, 6]),
            &aqm(&[4, 0xab]),
            Apid::new(255),
            Apqi::new(255),
        );
        assert_eq!(out.len(), 10);
        assert!(out.is_full());
        assert_eq!(out.as_bytes(), b"05.0004\n05");
        assert!(rest.iter().all(|b| *b == 0xee));

        let mut none: [u8; 0] = [];
        let mut out = SysfsBuf::new(&mut none);
        ap_config_show(&mut out, &ApidMask::FULL, &ApqiMask::FULL, &ApqiMask::FULL);
        features_show(&mut out);
        assert_eq!(out.len(), 0);
        assert_eq!(out.as_bytes(), b"");
    }

    #[test]
    fn control_domains_one_line_each_up_to_the_maximum() {
        let show_cdoms =
            |ids: &[u8], max: u8| show(|out| control_domains_show(out, &aqm(ids), Apqi::new(max)));
        assert_eq!(show_cdoms(&[4, 0xab], 255), "0004\n00ab\n");
        assert_eq!(show_cdoms(&[0, 15, 16], 15), "0000\n000f\n");
        assert_eq!(show_cdoms(&[16], 15), "");
        assert_eq!(show_cdoms(&[], 255), "");
        let all = show(|out| control_domains_show(out, &ApqiMask::FULL, Apqi::new(255)));
        assert_eq!(all.len(), 256 * 5);
        assert!(all.ends_with("00fe\n00ff\n"));
    }

    #[test]
    fn ap_config_example_from_the_reference() {
        // Adapters 5,6; domains 4,0xab; control domain 4. Domain 0xab is in
        // word 2 (IDs 128..191) at MSB-0 offset 43: hex digit 42, value 1.
        let out = show(|out| ap_config_show(out, &apm(&[5, 6]), &aqm(&[4, 0xab]), &aqm(&[4])));
        let zeros16 = "0000000000000000";
        let expected = std::format!(
            "0x0600000000000000{z}{z}{z},0x0800000000000000{z}0000000000100000{z},0x0800000000000000{z}{z}{z}\n",
            z = zeros16
        );
        assert_eq!(out, expected);
        assert_eq!(
            out,
            "0x0600000000000000000000000000000000000000000000000000000000000000,\
             0x0800000000000000000000000000000000000000001000000000000000000000,\
             0x0800000000000000000000000000000000000000000000000000000000000000\n"
        );
        assert_eq!(out.len(), AP_CONFIG_LEN);
    }

    #[test]
    fn ap_config_is_always_201_bytes() {
        let empty =
            show(|out| ap_config_show(out, &ApidMask::EMPTY, &ApqiMask::EMPTY, &ApqiMask::EMPTY));
        assert_eq!(empty.len(), AP_CONFIG_LEN);
        assert_eq!(
            empty,
            std::format!("0x{z},0x{z},0x{z}\n", z = "0".repeat(64))
        );
        let full =
            show(|out| ap_config_show(out, &ApidMask::FULL, &ApqiMask::FULL, &ApqiMask::FULL));
        assert_eq!(full.len(), AP_CONFIG_LEN);
        assert_eq!(
            full,
            std::format!("0x{f},0x{f},0x{f}\n", f = "f".repeat(64))
        );
    }

    #[test]
    fn ap_config_shows_every_id_and_last_bits_last() {
        // No `*_max` bound here: ID 255 is the last hex digit's low bit.
        let out = show(|out| ap_config_show(out, &apm(&[0, 255]), &aqm(&[64]), &aqm(&[191])));
        let apm_hex = std::format!("0x8{}1", "0".repeat(62));
        let aqm_hex = std::format!("0x{}8{}", "0".repeat(16), "0".repeat(47));
        let adm_hex = std::format!("0x{}1{}", "0".repeat(47), "0".repeat(16));
        assert_eq!(out, std::format!("{apm_hex},{aqm_hex},{adm_hex}\n"));
    }

    #[test]
    fn queue_status_texts() {
        assert_eq!(QueueStatus::Unassigned.text(), "unassigned\n");
        assert_eq!(QueueStatus::Assigned.text(), "assigned\n");
        assert_eq!(QueueStatus::InUse.text(), "in use\n");
        for status in [
            QueueStatus::Unassigned,
            QueueStatus::Assigned,
            QueueStatus::InUse,
        ] {
            assert_eq!(show(|out| status_show(out, status)), status.text());
        }
    }

    #[test]
    fn features_text() {
        assert_eq!(FEATURES, "guest_matrix hotplug ap_config\n");
        assert_eq!(show(features_show), FEATURES);
    }

    #[test]
    fn formatting_through_core_fmt_write() {
        let mut page = [0u8; 16];
        let mut out = SysfsBuf::new(&mut page);
        assert!(write!(out, "{}-{:x}", 12, 255u8).is_ok());
        assert_eq!(out.as_bytes(), b"12-ff");
        // Truncation is not an error.
        assert!(out.write_str("0123456789abcdef").is_ok());
        assert_eq!(out.len(), 16);
        assert_eq!(out.as_bytes(), b"12-ff0123456789a");
    }
}
