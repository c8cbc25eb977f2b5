#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The hot plug seed's worked example again, with the guest started the way
# QEMU starts it: the guest-side VFIO client opens the mdev through a type1
# container, the simulated VM is linked to the group as KVM's kvm-vfio device
# links it, and the driver's open_device attaches the VM. After each bind or
# unbind the guest's CRYCB follows, and the config-change eventfd fires once.
. /lib/vfio-ap/lib.sh
set -e

modprobe vfio_ap_sim adapters=4,5 domains=4,0x47,0x54 control_domains=0x47
modprobe vfio_ap
SIM=/sys/kernel/debug/vfio_ap_sim
DRV=/sys/bus/ap/drivers/vfio_ap
echo 05.0054 >$DRV/unbind
U=7e3d9b41-2a5c-4f0e-9d8b-1c2a3b4c5d6e
echo $U >/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
M=/sys/devices/vfio_ap/matrix/$U
for a in 4 5; do echo $a >$M/assign_adapter; done
for d in 4 0x47 0x54; do echo $d >$M/assign_domain; done

echo vm >$SIM/guests/new
client_start vm $U
client_ready vm || { client_out vm; fail "the client could not open the mdev"; }
pass "the client opened the mdev through VFIO"
expect_eq "$(cat $SIM/guests/vm/hook)" "set" "open installed the PQAP hook"
expect_eq "$(cat /sys/bus/ap/devices/04.0004/status)" "in use" "04.0004 is in use"

check() {
	local want_matrix=$1 want_apm=$2 want_events=$3 what=$4
	expect_eq "$(cat $M/guest_matrix | tr '\n' ' ')" "$want_matrix" "$what: guest_matrix"
	expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/vm/masks)")" "$want_apm" "$what: guest APM"
	expect_eq "$(mask_ids "$(cut -d, -f2 $SIM/guests/vm/masks)")" "4 71 84" "$what: guest AQM"
	wait_until 10 test "$(client_status vm cfg_chg)" = "$want_events"
	pass "$what: config-change events: $want_events"
}

check "04.0004 04.0047 04.0054 " "4" 0 "guest at startup"
echo 05.0054 >$DRV/bind
check "04.0004 04.0047 04.0054 05.0004 05.0047 05.0054 " "4 5" 1 "after binding 05.0054"
echo 04.0004 >$DRV/unbind
check "05.0004 05.0047 05.0054 " "5" 2 "after unbinding 04.0004"
echo 04.0004 >$DRV/bind
check "04.0004 04.0047 04.0054 05.0004 05.0047 05.0054 " "4 5" 3 "after binding 04.0004 again"

# A change that does not touch the guest's CRYCB signals nothing.
echo 0x47 >$M/assign_control_domain
wait_until 10 test "$(client_status vm cfg_chg)" = 4
pass "assigning a control domain changes the CRYCB: one event"
echo 7 >$M/assign_adapter
sleep 1
expect_eq "$(client_status vm cfg_chg)" "4" "assigning an unconfigured adapter: no event"

client_stop vm
expect_eq "$(cat $SIM/guests/vm/history | tail -n 1)" "clear" "close clears the CRYCB"
expect_eq "$(cat $SIM/guests/vm/hook)" "none" "close removed the PQAP hook"
expect_eq "$(cat /sys/bus/ap/devices/04.0004/status)" "assigned" "04.0004 is no longer in use"
expect_eq "$(cat $SIM/guests/vm/refs)" "1" "the driver and VFIO dropped their VM references"
echo vm >$SIM/guests/destroy
echo 1 >$M/remove
rmmod vfio_ap
rmmod vfio_ap_sim
