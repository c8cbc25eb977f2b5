#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Upstream defect 1 (reference section 11): in 7.3, unassigning an adapter
# clears the queue -> mdev back-pointer only of queues that were in the
# guest's shadow. Assigned but filtered queues keep pointing at the mdev;
# after the mdev is removed, unbinding such a queue uses freed memory. Here
# queues never point at mdevs (the owner is looked up in the assignments), so
# the same sequence must run clean under slub_debug poisoning, kmemleak and
# lockdep.
. /lib/vfio-ap/lib.sh
set -e

kmemleak_baseline
modprobe vfio_ap_sim adapters=4,5 domains=1,2
modprobe vfio_ap
DRV=/sys/bus/ap/drivers/vfio_ap
U=24242424-0000-4000-8000-000000000024
echo $U >/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
M=/sys/devices/vfio_ap/matrix/$U
echo 0x0c,0x60,0x00 >$M/ap_config
# Adapter 5 is filtered: one of its queues is unbound.
echo 05.0002 >$DRV/unbind
expect_eq "$(cat $M/guest_matrix | tr '\n' ' ')" "04.0001 04.0002 " "adapter 5 filtered"
# Unassign it while filtered (7.3 leaves 05.0001 pointing at the mdev) ...
echo 5 >$M/unassign_adapter
# ... remove the mdev ...
echo 1 >$M/remove
# ... and unbind the queue that pointed at it: the 7.3 use-after-free.
echo 05.0001 >$DRV/unbind
expect_eq "$(cat /sys/bus/ap/devices/04.0001/status)" "unassigned" "no stale owner"
echo 05.0001 >$DRV/bind
expect_eq "$(cat /sys/bus/ap/devices/05.0001/status)" "unassigned" "rebound queue has no owner"
rmmod vfio_ap
rmmod vfio_ap_sim
kmemleak_check
