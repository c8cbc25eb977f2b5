#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The VFIO device uAPI of an mdev, through the guest-side VFIO client: every
# bad argument of Linux 7.3's vfio_ap_mdev_ioctl gets 7.3's errno; open
# without a KVM is -EINVAL; a second vfio-ap device for one VM is -EPERM; a
# VM without a crypto control block opens but gets nothing; and every
# allocation of the open failing in turn leaves the VM and the mdev as they
# were.
. /lib/vfio-ap/lib.sh
set -e

modprobe vfio_ap_sim adapters=4,5 domains=4
modprobe vfio_ap
failslab_setup
SIM=/sys/kernel/debug/vfio_ap_sim
T=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
A=41414141-0000-4000-8000-00000000000a
B=41414141-0000-4000-8000-00000000000b
echo $A >$T/create
echo $B >$T/create
MA=/sys/devices/vfio_ap/matrix/$A
MB=/sys/devices/vfio_ap/matrix/$B
echo 0x08,0x08,0x00 >$MA/ap_config
echo 0x04,0x08,0x00 >$MB/ap_config
echo vm >$SIM/guests/new
echo vm2 >$SIM/guests/new
empty=0x0000000000000000000000000000000000000000000000000000000000000000
none="$empty,$empty,$empty"

# --- every bad argument, and the good ones -------------------------------
out=$(vfio-ap-client --vm vm errors $A) || { echo "$out"; fail "the errors run failed"; }
got=$(echo "$out" | grep -vE '^(open: |closed)' | sed 's/: ok .*/: ok/')
want="get_info_argsz_0: EINVAL
get_info_argsz_15: EINVAL
get_info_argsz_16: ok
get_info_argsz_24: ok
get_info_unmapped: EFAULT
get_info_null: EFAULT
get_info_readonly: EFAULT
irq_info_argsz_0: EINVAL
irq_info_argsz_15: EINVAL
irq_info_index_0: ok
irq_info_index_1: ok
irq_info_index_2: EINVAL
irq_info_index_max: EINVAL
irq_info_unmapped: EFAULT
irq_info_readonly: EFAULT
set_irqs_argsz_0: EINVAL
set_irqs_argsz_19: EINVAL
set_irqs_argsz_20: EINVAL
set_irqs_index_2: EINVAL
set_irqs_index_max: EINVAL
set_irqs_unknown_flag: EINVAL
set_irqs_start_1: EINVAL
set_irqs_count_2: EINVAL
set_irqs_count_max: EINVAL
set_irqs_data_none: EINVAL
set_irqs_data_bool: EINVAL
set_irqs_data_two_types: EINVAL
set_irqs_action_none: EINVAL
set_irqs_action_mask: EINVAL
set_irqs_action_unmask: EINVAL
set_irqs_fd_minus_2: EINVAL
set_irqs_fd_devnull: EINVAL
set_irqs_fd_not_open: EBADF
set_irqs_unmapped: EFAULT
set_irqs_fd_unreadable: EFAULT
set_irqs_eventfd_0: ok
set_irqs_eventfd_1: ok
set_irqs_eventfd_0_again: ok
set_irqs_count_0: ok
set_irqs_clear_0: ok
set_irqs_clear_1: ok
set_irqs_clear_0_again: ok
device_reset: ok
region_info: EINVAL
feature_migration: ENOTTY
unknown_ioctl: EOPNOTSUPP
group_ioctl_on_device: EOPNOTSUPP"
if [ "$got" != "$want" ]; then
	echo "$out"
	echo "$got" >/tmp/got
	echo "$want" >/tmp/want
	diff /tmp/want /tmp/got || true
	fail "ioctl answers differ from 7.3's"
fi
pass "47 ioctl cases answer as 7.3"
# The same through the cdev and an IOAS (QEMU's iommufd backend).
got_iommufd=$(vfio-ap-client --vm vm --iommufd errors $A | grep -vE '^(open: |closed)' | sed 's/: ok .*/: ok/')
[ "$got_iommufd" = "$want" ] || { echo "$got_iommufd"; fail "ioctl answers through the cdev differ"; }
pass "the same 47 answers through the cdev (iommufd)"
echo "$out" | grep -q '^get_info_argsz_24: ok argsz=24 flags=0x21 num_regions=0 num_irqs=2 tail=untouched' ||
	fail "GET_INFO must write only its first 16 bytes"
pass "GET_INFO: AP|RESET, no regions, 2 IRQs, nothing written past num_irqs"
echo "$out" | grep -q '^irq_info_index_1: ok count=1 flags=0x1' || fail "GET_IRQ_INFO index 1"
pass "GET_IRQ_INFO: one eventfd IRQ per index"

# --- open without a KVM, without a CRYCB -----------------------------------
out=$(vfio-ap-client --vm vm --no-kvm open $A </dev/null 2>&1 || true)
echo "$out" | grep -q '^open: get_device_fd: failed: EINVAL (22)' ||
	{ echo "$out"; fail "open without a KVM must fail with EINVAL"; }
pass "open without a KVM: EINVAL"
echo 0 >$SIM/guests/vm/crypto
client_start vm $A
client_ready vm || { client_out vm; fail "a VM without a CRYCB must still open"; }
expect_eq "$(cat $SIM/guests/vm/hook)" "none" "no CRYCB: no hook installed"
expect_eq "$(cat $SIM/guests/vm/masks)" "$none" "no CRYCB: nothing attached"
expect_eq "$(cat /sys/bus/ap/devices/04.0004/status)" "assigned" "no CRYCB: the queue is not in use"
client_stop vm
echo 1 >$SIM/guests/vm/crypto

# --- one vfio-ap device per VM ----------------------------------------------
client_start vm $A
client_ready vm || { client_out vm; fail "open failed"; }
expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/vm/masks)")" "4" "the VM has adapter 4"
out=$(vfio-ap-client --vm vm open $B </dev/null 2>&1 || true)
echo "$out" | grep -q '^open: get_device_fd: failed: EPERM (1)' ||
	{ echo "$out"; fail "a second vfio-ap device for the VM must fail with EPERM"; }
pass "a second device for the same VM: EPERM"
expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/vm/masks)")" "4" "the VM kept only mdev A's adapter"
expect_eq "$(cat /sys/bus/ap/devices/05.0004/status)" "assigned" "mdev B's queue is not in use"
client_start vm2 $B
client_ready vm2 || { client_out vm2; fail "another VM opens mdev B"; }
expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/vm2/masks)")" "5" "another VM gets mdev B"
client_stop vm2
client_stop vm

# --- the open is all or nothing ----------------------------------------------
n=1 failed=0
while :; do
	out=$(vfio-ap-client --vm vm --fail-nth $n open $A </dev/null 2>&1 || true)
	left=$(echo "$out" | sed -n 's/^open: fail-nth left=//p')
	if echo "$out" | grep -q '^open: get_device_fd: failed'; then
		failed=$((failed + 1))
		expect_eq "$(cat $SIM/guests/vm/masks)" "$none" \
			"open failing at allocation $n: the VM got nothing"
		expect_eq "$(cat $SIM/guests/vm/hook)" "none" \
			"open failing at allocation $n: no hook left behind"
	elif echo "$out" | grep -q '^open: ready'; then
		echo "$out" | grep -q '^closed' || fail "the client did not close"
		[ "$left" = 0 ] || break
	else
		echo "$out"
		fail "open with allocation $n failing: neither failed nor ready"
	fi
	expect_eq "$(cat /sys/bus/ap/devices/04.0004/status)" "assigned" \
		"after the open at allocation $n the queue is not in use"
	expect_eq "$(cat $SIM/guests/vm/refs)" "1" "no VM reference left (allocation $n)"
	[ "$n" -lt 80 ] || fail "open still meets injected failures after 80"
	n=$((n + 1))
done
[ "$failed" -gt 0 ] || fail "no allocation of the open failed: the test proves nothing"
pass "open failed cleanly at $failed of its $((n - 1)) allocations"

echo vm >$SIM/guests/destroy
echo vm2 >$SIM/guests/destroy
echo 1 >$MA/remove
echo 1 >$MB/remove
rmmod vfio_ap
rmmod vfio_ap_sim
