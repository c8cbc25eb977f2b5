#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The production vfio_ap.ko must call the real KVM, VFIO and AP bus
# functions (they can only run on IBM Z, so here we prove they are linked),
# and nothing of the simulator; the testbed module must get the machine and
# KVM's crypto side from the simulator, and VFIO for real.
#
#   scripts/check-symbols.sh PROD_KO TESTBED_KO
set -euo pipefail
prod=$1 testbed=$2
nm=${NM:-s390x-linux-gnu-nm}
command -v "$nm" >/dev/null || nm=nm

undefined() { "$nm" -u "$1" | awk '{print $2}' | sort -u; }

fail=0
check() { # check KO WHAT want|never SYMBOL...
	local ko=$1 what=$2 mode=$3 syms
	shift 3
	syms=$(undefined "$ko")
	for s in "$@"; do
		if grep -qx "$s" <<<"$syms"; then
			[ "$mode" = want ] || { echo "symbols: $what imports $s, which it must not"; fail=1; }
		else
			[ "$mode" = never ] || { echo "symbols: $what does not import $s"; fail=1; }
		fi
	done
}

kvm_real=(kvm_arch_crypto_set_masks kvm_arch_crypto_clear_masks kvm_s390_gisc_register
	kvm_s390_gisc_unregister kvm_s390_is_gpa_in_memslot kvm_s390_pv_cpu_is_protected
	uv_pin_shared)
ap_real=(ap_driver_register ap_driver_unregister)
common=(kvm_get_kvm kvm_put_kvm vfio_pin_pages vfio_unpin_pages eventfd_ctx_fdget
	eventfd_signal_mask eventfd_ctx_put _vfio_alloc_device vfio_register_emulated_iommu_dev
	vfio_unregister_group_dev mdev_register_parent mdev_register_driver ap_attr_mutex
	ap_apqn_in_matrix_owned_by_def_drv)

check "$prod" "production vfio_ap.ko" want "${kvm_real[@]}" "${ap_real[@]}" "${common[@]}"
check "$testbed" "testbed vfio_ap.ko" want "${common[@]}" vfio_ap_sim_aqic \
	vfio_ap_sim_crypto_set_masks vfio_ap_sim_gisc_register
check "$testbed" "testbed vfio_ap.ko" never "${kvm_real[@]}" "${ap_real[@]}"
if undefined "$prod" | grep -q '^vfio_ap_sim_'; then
	echo "symbols: production vfio_ap.ko imports simulator symbols:"
	undefined "$prod" | grep '^vfio_ap_sim_' | sed 's/^/    /'
	fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "symbols: production vfio_ap.ko calls KVM, VFIO and the AP bus for real:"
undefined "$prod" | grep -E '^(kvm_|vfio_|eventfd_|ap_|mdev_|uv_)' | tr '\n' ' ' | fold -s -w 76 | sed 's/^/    /'
echo
