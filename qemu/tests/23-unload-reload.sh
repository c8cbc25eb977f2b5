#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unloading vfio_ap with mdevs (assigned, one attached to a guest) and bound
# queues present, then loading it again: everything unwinds, nothing leaks
# (kmemleak), no warning, and the reloaded driver works.
. /lib/vfio-ap/lib.sh
set -e

kmemleak_baseline
T=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
for round in 1 2; do
	modprobe vfio_ap_sim adapters=1,2,3 domains=1,2 control_domains=1
	modprobe vfio_ap
	for i in 1 2 3; do
		U=00000000-0000-4000-8000-00000000000$i
		echo $U >$T/create
		echo $i >/sys/devices/vfio_ap/matrix/$U/assign_adapter
		echo 1 >/sys/devices/vfio_ap/matrix/$U/assign_domain
	done
	echo vm >/sys/kernel/debug/vfio_ap_sim/guests/new
	echo 00000000-0000-4000-8000-000000000001 >/sys/kernel/debug/vfio_ap_sim/guests/vm/attach
	expect_eq "$(cat /sys/bus/ap/devices/01.0001/status)" "in use" "round $round: in use"
	rmmod vfio_ap
	module_loaded vfio_ap && fail "vfio_ap still loaded"
	[ -e /sys/devices/vfio_ap ] && fail "/sys/devices/vfio_ap left behind"
	[ -e /sys/bus/matrix ] && fail "bus matrix left behind"
	rmmod vfio_ap_sim
	pass "round $round: unloaded with 3 mdevs and a guest"
done
kmemleak_check
