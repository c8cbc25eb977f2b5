// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM side of AP pass-through on a real machine (production flavour
 * only): the guest's CRYCB masks, GISC registration for adapter
 * interruptions, the memslot check of a notification indicator byte, the
 * GISA origin, and the Ultravisor's shared-page pin for protected guests.
 * In the testbed the simulated VM answers these (src/hw/sim.rs). Nothing is
 * decided here.
 */
#include <linux/kvm_host.h>
#include <asm/kvm_host.h>
#include <asm/uv.h>

#include "glue.h"

void vfio_ap_hw_crypto_set_masks(struct kvm *kvm, unsigned long *apm,
				 unsigned long *aqm, unsigned long *adm)
{
	kvm_arch_crypto_set_masks(kvm, apm, aqm, adm);
}

void vfio_ap_hw_crypto_clear_masks(struct kvm *kvm)
{
	kvm_arch_crypto_clear_masks(kvm);
}

int vfio_ap_hw_gisc_register(struct kvm *kvm, u32 gisc)
{
	return kvm_s390_gisc_register(kvm, gisc);
}

int vfio_ap_hw_gisc_unregister(struct kvm *kvm, u32 gisc)
{
	return kvm_s390_gisc_unregister(kvm, gisc);
}

bool vfio_ap_hw_gpa_in_memslot(struct kvm *kvm, u64 gpa)
{
	return kvm_s390_is_gpa_in_memslot(kvm, gpa);
}

u32 vfio_ap_hw_gisa(struct kvm *kvm)
{
	return virt_to_phys(kvm->arch.gisa_int.origin) >> 4;
}

bool vfio_ap_hw_pv_protected(struct kvm_vcpu *vcpu)
{
	return kvm_s390_pv_cpu_is_protected(vcpu);
}

int vfio_ap_hw_uv_pin_shared(u64 paddr)
{
	return uv_pin_shared(paddr);
}
