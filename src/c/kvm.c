// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of struct kvm and struct kvm_vcpu vfio_ap touches, whose layout
 * depends on the kernel configuration: the VM's reference count, kvm->lock,
 * the crypto control block descriptor and the PQAP hook with its rwsem, and
 * the registers of a vCPU that intercepted PQAP. Compiled into both
 * flavours: the testbed's simulated VMs are real struct kvm objects.
 * Nothing is decided here.
 */
#include <linux/kvm_host.h>
#include <linux/vfio.h>

#include "glue.h"

void vfio_ap_kvm_get(struct kvm *kvm)
{
	kvm_get_kvm(kvm);
}

void vfio_ap_kvm_put(struct kvm *kvm)
{
	kvm_put_kvm(kvm);
}

void vfio_ap_kvm_lock(struct kvm *kvm)
{
	mutex_lock(&kvm->lock);
}

void vfio_ap_kvm_unlock(struct kvm *kvm)
{
	mutex_unlock(&kvm->lock);
}

bool vfio_ap_kvm_has_crycb(struct kvm *kvm)
{
	return kvm->arch.crypto.crycbd != 0;
}

void vfio_ap_kvm_hook_lock(struct kvm *kvm)
{
	down_write(&kvm->arch.crypto.pqap_hook_rwsem);
}

void vfio_ap_kvm_hook_unlock(struct kvm *kvm)
{
	up_write(&kvm->arch.crypto.pqap_hook_rwsem);
}

bool vfio_ap_kvm_hook_is_set(struct kvm *kvm)
{
	lockdep_assert_held(&kvm->arch.crypto.pqap_hook_rwsem);
	return kvm->arch.crypto.pqap_hook != NULL;
}

void vfio_ap_kvm_hook_set(struct kvm *kvm, struct vfio_device *vdev)
{
	lockdep_assert_held_write(&kvm->arch.crypto.pqap_hook_rwsem);
	kvm->arch.crypto.pqap_hook = vfio_ap_glue_pqap_hook(vdev);
}

void vfio_ap_kvm_hook_clear(struct kvm *kvm)
{
	lockdep_assert_held_write(&kvm->arch.crypto.pqap_hook_rwsem);
	kvm->arch.crypto.pqap_hook = NULL;
}

struct kvm *vfio_ap_vcpu_kvm(struct kvm_vcpu *vcpu)
{
	return vcpu->kvm;
}

u64 vfio_ap_vcpu_gpr(struct kvm_vcpu *vcpu, unsigned int n)
{
	return n < 16 ? vcpu->run->s.regs.gprs[n] : 0;
}

void vfio_ap_vcpu_set_gpr(struct kvm_vcpu *vcpu, unsigned int n, u64 value)
{
	if (n < 16)
		vcpu->run->s.regs.gprs[n] = value;
}

bool vfio_ap_vcpu_has_aiv(struct kvm_vcpu *vcpu)
{
	return vcpu->arch.sie_block->eca & ECA_AIV;
}
