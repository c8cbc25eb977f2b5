// SPDX-License-Identifier: GPL-2.0

//! KUnit suites: the matrix core's checks, run inside the kernel on s390x
//! (big-endian) when the module is loaded. They use the same core files as
//! the host tests, so byte-layout code is checked on the real byte order.

#[kernel::macros::kunit_tests(vfio_ap_matrix)]
mod tests {
    use crate::matrix::ap_matrix::{HostConfig, Matrix, QCI_INFO_SIZE};
    use crate::matrix::cases;
    use crate::matrix::errno::Error;
    use crate::matrix::filter::set_usable;
    use crate::matrix::format::{ap_config_show, matrix_show, SysfsBuf, PAGE_SIZE};
    use crate::matrix::ids::{Apid, Apqi, Apqn, AP_DEVICES};
    use crate::matrix::mask::{ApidMask, ApqiMask};
    use crate::matrix::mdev::{Env, MdevMatrix};
    use crate::matrix::parse::{hex2bitmap, kstrtoul, parse_ap_config};
    use kernel::prelude::*;

    fn apqn(apid: u8, apqi: u8) -> Apqn {
        Apqn::new(Apid::new(apid), Apqi::new(apqi))
    }

    #[test]
    fn apqn_packs_like_ap_mkqid() {
        let apqn = apqn(0x05, 0xab);
        assert_eq!(apqn.raw(), 0x05ab);
        assert_eq!(apqn.apid(), Apid::new(5));
        assert_eq!(apqn.apqi(), Apqi::new(0xab));
    }

    #[test]
    fn ids_above_255_do_not_exist() {
        assert_eq!(Apid::from_u64(256), None);
        assert_eq!(Apqi::from_u64(255), Some(Apqi::new(255)));
    }

    /// On s390x the native words of a mask are the architectural bit string
    /// in memory: what the C driver memcpy()s into the CRYCB.
    #[test]
    fn mask_words_in_memory_are_the_bit_string() {
        let mut m = ApidMask::EMPTY;
        for id in [0u8, 5, 6, 255] {
            m.insert(Apid::new(id));
        }
        let words = m.words();
        let mut native = [0u8; 32];
        for (chunk, w) in native.chunks_exact_mut(8).zip(words.iter()) {
            chunk.copy_from_slice(&w.to_ne_bytes());
        }
        assert_eq!(native, m.to_be_bytes());
        assert_eq!(native[0], 0b1000_0110);
        assert_eq!(native[31], 0x01);
    }

    #[test]
    fn qci_info_round_trips() {
        let mut info = [0u8; QCI_INFO_SIZE];
        info[0] = 0x40;
        info[4] = 0x3f;
        info[5] = 0x0f;
        info[16] = 0x0c;
        info[48 + 8] = 0x01;
        let host = HostConfig::from_qci(&info);
        assert!(host.apxa);
        assert!(host.matrix.apm.contains(Apid::new(4)));
        assert!(host.matrix.aqm.contains(Apqi::new(71)));
        assert_eq!(host.to_qci(), info);
    }

    /// The parsers' whole tables, the same data the host tests check.
    #[test]
    fn parser_tables() {
        assert_eq!(cases::check_kstrtoul(), Ok(()));
        assert_eq!(cases::check_hex2bitmap(), Ok(()));
        assert_eq!(cases::check_ap_config(), Ok(()));
    }

    /// The `matrix` formats, including the cut of a full matrix at 4095
    /// bytes.
    #[test]
    fn matrix_show_tables() -> Result {
        let mut page = KVec::from_elem(0u8, PAGE_SIZE, GFP_KERNEL)?;
        assert_eq!(cases::check_matrix_show(&mut page), Ok(()));
        Ok(())
    }

    #[test]
    fn kstrtoul_is_base_zero() {
        assert_eq!(kstrtoul(b"10\n"), Ok(10));
        assert_eq!(kstrtoul(b"010"), Ok(8));
        assert_eq!(kstrtoul(b"0x10"), Ok(16));
        assert_eq!(kstrtoul(b"+5"), Ok(5));
        assert_eq!(kstrtoul(b"0x"), Err(Error::Inval));
        assert_eq!(kstrtoul(b"08"), Err(Error::Inval));
        assert_eq!(kstrtoul(b"-1"), Err(Error::Inval));
        assert_eq!(kstrtoul(b"18446744073709551616"), Err(Error::Range));
    }

    #[test]
    fn ap_config_parses_and_shows_the_same_bits() {
        let (apm, aqm, adm) =
            parse_ap_config(b"0x0c,0x08000000000000000100,x08\n").unwrap_or_default();
        assert!(apm.contains(Apid::new(4)) && apm.contains(Apid::new(5)));
        assert!(aqm.contains(Apqi::new(4)) && aqm.contains(Apqi::new(71)));
        assert!(adm.contains(Apqi::new(4)));
        let mut page = [0u8; 256];
        let mut out = SysfsBuf::new(&mut page);
        ap_config_show(&mut out, &apm, &aqm, &adm);
        assert_eq!(out.len(), 201);
        assert_eq!(out.as_bytes().get(..4), Some(&b"0x0c"[..]));
        assert_eq!(hex2bitmap::<Apid>(b"0X1"), Err(Error::Inval));
    }

    /// Linux 7.3's filter, the shared table.
    #[test]
    fn filter_table() -> Result {
        let mut rows = KVec::from_elem(ApqiMask::EMPTY, AP_DEVICES, GFP_KERNEL)?;
        assert_eq!(cases::check_filter(&mut rows), Ok(()));
        Ok(())
    }

    /// The hot plug seed's example: adapter 05 is filtered while 05.0054 is
    /// unbound, comes in when it is bound, and 04 leaves with 04.0004.
    #[test]
    fn seed_example() -> Result {
        let host_matrix = Matrix {
            apm: ApidMask::EMPTY.with(Apid::new(4)).with(Apid::new(5)),
            aqm: ApqiMask::EMPTY
                .with(Apqi::new(4))
                .with(Apqi::new(0x47))
                .with(Apqi::new(0x54)),
            adm: ApqiMask::EMPTY,
        };
        let host = HostConfig {
            matrix: host_matrix,
            apxa: true,
            na: 255,
            nd: 255,
        };
        // 8 KiB: on the heap, not on the kernel stack.
        let mut rows = KVec::from_elem(ApqiMask::EMPTY, AP_DEVICES, GFP_KERNEL)?;
        for q in host_matrix.queues() {
            if q != apqn(5, 0x54) {
                set_usable(&mut rows, q, true);
            }
        }
        let mut mdev = MdevMatrix::new(&host);
        let env = Env {
            host: &host_matrix,
            queues: &rows[..],
        };
        assert!(mdev.set_ap_config(&host_matrix, &env, |_| Ok(())).is_ok());
        let mut page = [0u8; 128];
        let mut out = SysfsBuf::new(&mut page);
        let s = mdev.shadow();
        matrix_show(&mut out, &s.apm, &s.aqm, Apid::new(255), Apqi::new(255));
        assert_eq!(out.as_bytes(), b"04.0004\n04.0047\n04.0054\n");

        set_usable(&mut rows, apqn(5, 0x54), true);
        let env = Env {
            host: &host_matrix,
            queues: &rows[..],
        };
        assert!(mdev.queue_usable(apqn(5, 0x54), &env).commit);
        assert_eq!(mdev.shadow().apm.count(), 2);

        set_usable(&mut rows, apqn(4, 4), false);
        let env = Env {
            host: &host_matrix,
            queues: &rows[..],
        };
        let update = mdev.queue_unbound(apqn(4, 4), &env);
        assert!(update.commit);
        assert!(update.reset.contains(apqn(4, 0x47)));
        assert_eq!(mdev.shadow().apm, ApidMask::EMPTY.with(Apid::new(5)));
        Ok(())
    }
}
