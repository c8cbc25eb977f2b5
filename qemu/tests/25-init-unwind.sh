#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Every error path of module init unwinds completely (the C driver leaks its
# debug area and matrix device on some). The simulator is told to refuse
# the AP driver registration, then the guest hooks (the last step of init),
# then QCI: each failed load must leave nothing of vfio_ap behind, and
# nothing leaks.
. /lib/vfio-ap/lib.sh
set -e

kmemleak_baseline
modprobe vfio_ap_sim adapters=1,2 domains=1,2
P=/sys/module/vfio_ap_sim/parameters

nothing_left() {
	module_loaded vfio_ap && fail "$1: vfio_ap loaded"
	[ -e /sys/devices/vfio_ap ] && fail "$1: /sys/devices/vfio_ap left behind"
	[ -e /sys/bus/matrix ] && fail "$1: bus matrix left behind"
	[ -e /sys/kernel/debug/s390dbf/vfio_ap ] && fail "$1: s390dbf area left behind"
	[ -e /sys/bus/ap/drivers/vfio_ap ] && fail "$1: AP driver left registered"
	[ -e /sys/class/mdev_bus/matrix ] && fail "$1: mdev parent left registered"
	expect_eq "$(cat /sys/kernel/debug/vfio_ap_sim/hooks)" "none" "$1: no hooks left"
}

echo 12 >$P/fail_driver_register
expect_fail_with "Cannot allocate memory" "AP driver registration fails" modprobe vfio_ap
nothing_left "after a failed AP driver registration"
echo 0 >$P/fail_driver_register

echo 16 >$P/fail_set_hooks
expect_fail_with "Device or resource busy" "the last init step fails" modprobe vfio_ap
nothing_left "after a failure in the last init step"
[ -e /sys/bus/ap/devices/01.0001/driver ] && fail "queue 01.0001 left bound"
echo 0 >$P/fail_set_hooks

# QCI is installed but fails: 7.3 refuses to load with QCI's error.
echo 5 >$P/fail_qci
expect_fail_with "Input/output error" "QCI fails at load" modprobe vfio_ap
nothing_left "after QCI failed"
echo 0 >$P/fail_qci

modprobe vfio_ap
[ -e /sys/bus/ap/drivers/vfio_ap/01.0001 ] || fail "the driver does not bind after the failures"
rmmod vfio_ap
nothing_left "after unload"
rmmod vfio_ap_sim

# Without QCI (facility 12) vfio_ap loads, as 7.3 does, with an empty host
# configuration and the maxima of a machine without APXA (63 and 15).
modprobe vfio_ap_sim qci=0 adapters=1 domains=1
modprobe vfio_ap
U=25252525-0000-4000-8000-000000000025
echo $U >/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
M=/sys/devices/vfio_ap/matrix/$U
expect_write_ok $M/assign_adapter 63 "without QCI, adapter 63 is in range"
expect_write_err $M/assign_adapter 64 "No such device" "without QCI, adapter 64 is not"
expect_write_err $M/assign_domain 16 "No such device" "without QCI, domain 16 is not"
echo 1 >$M/remove
rmmod vfio_ap
rmmod vfio_ap_sim
kmemleak_check
