// SPDX-License-Identifier: GPL-2.0

//! KUnit suites: the matrix core's checks, run inside the kernel on s390x
//! (big-endian) when the module is loaded.

#[kernel::macros::kunit_tests(vfio_ap_matrix)]
mod tests {
    use crate::matrix::ids::{Apid, Apqi, Apqn};

    #[test]
    fn apqn_packs_like_ap_mkqid() {
        let apqn = Apqn::new(Apid::new(0x05), Apqi::new(0xab));
        assert_eq!(apqn.raw(), 0x05ab);
        assert_eq!(apqn.apid(), Apid::new(5));
        assert_eq!(apqn.apqi(), Apqi::new(0xab));
    }

    #[test]
    fn ids_above_255_do_not_exist() {
        assert_eq!(Apid::from_u64(256), None);
        assert_eq!(Apqi::from_u64(255), Some(Apqi::new(255)));
    }
}
