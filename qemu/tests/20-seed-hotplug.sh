#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The hot plug/unplug seed's worked example (v11 08/14), verbatim: queues are
# plugged into and out of a running guest by adapter as they are bound to and
# unbound from vfio_ap. After each step, guest_matrix and the simulated
# guest's CRYCB masks must equal the seed's tables. (The seed's bound queue
# 05.0005 is a typo for 05.0004: binding 05.0054 makes all assigned queues
# bound.)
. /lib/vfio-ap/lib.sh
set -e

modprobe vfio_ap_sim adapters=4,5 domains=4,0x47,0x54
modprobe vfio_ap
SIM=/sys/kernel/debug/vfio_ap_sim
DRV=/sys/bus/ap/drivers/vfio_ap

# Queue devices bound to the vfio_ap device driver: all but 05.0054.
echo 05.0054 >$DRV/unbind
for q in 04.0004 04.0047 04.0054 05.0004 05.0047; do
	[ -e $DRV/$q ] || fail "$q is not bound"
done
[ -e $DRV/05.0054 ] && fail "05.0054 is still bound"

# Adapters 04, 05 and domains 0004, 0047, 0054 assigned to the matrix mdev.
U=7e3d9b41-2a5c-4f0e-9d8b-1c2a3b4c5d6e
echo $U >/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
M=/sys/devices/vfio_ap/matrix/$U
for a in 4 5; do echo $a >$M/assign_adapter; done
for d in 4 0x47 0x54; do echo $d >$M/assign_domain; done
expect_eq "$(cat $M/matrix | tr '\n' ' ')" \
	"04.0004 04.0047 04.0054 05.0004 05.0047 05.0054 " "assigned matrix"

# Start the guest.
echo seed >$SIM/guests/new
echo $U >$SIM/guests/seed/attach

# guest_matrix and the guest's APCB: adapters APM, domains AQM.
check() {
	local want_matrix=$1 want_apm=$2 want_aqm=$3 what=$4 masks
	expect_eq "$(cat $M/guest_matrix | tr '\n' ' ')" "$want_matrix" "$what: guest_matrix"
	masks=$(cat $SIM/guests/seed/masks)
	expect_eq "$(mask_ids "$(echo "$masks" | cut -d, -f1)")" "$want_apm" "$what: guest APM"
	expect_eq "$(mask_ids "$(echo "$masks" | cut -d, -f2)")" "$want_aqm" "$what: guest AQM"
}

# "Adapter 05 is filtered because queue 05.0054 is not bound."
check "04.0004 04.0047 04.0054 " "4" "4 71 84" "guest at startup"

# "KVM guest matrix after queue 05.0054 is bound to the vfio_ap driver"
echo 05.0054 >$DRV/bind
check "04.0004 04.0047 04.0054 05.0004 05.0047 05.0054 " "4 5" "4 71 84" \
	"after binding 05.0054"

# "Adapter 04 is filtered because 04.0004 is no longer bound."
echo 04.0004 >$DRV/unbind
check "05.0004 05.0047 05.0054 " "5" "4 71 84" "after unbinding 04.0004"

# Unplugging adapter 04 reset every queue of it the guest had.
for q in 04.0004 04.0047 04.0054; do
	grep -q "^$q zapq=[1-9]" $SIM/queue_stats || fail "$q was not reset on unplug"
done
pass "adapter 04's queues were reset on unplug"

# And back: binding 04.0004 again plugs adapter 04 in.
echo 04.0004 >$DRV/bind
check "04.0004 04.0047 04.0054 05.0004 05.0047 05.0054 " "4 5" "4 71 84" \
	"after binding 04.0004 again"

echo $U >$SIM/guests/seed/detach
expect_eq "$(cat $SIM/guests/seed/history | tail -n 1)" "clear" "detach clears the CRYCB"
echo 1 >$M/remove
rmmod vfio_ap
rmmod vfio_ap_sim
