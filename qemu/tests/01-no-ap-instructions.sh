#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Without AP instructions vfio_ap must refuse to load with -ENODEV, as the C
# driver does: checked for real with the production module (QEMU's TCG has no
# PQAP, so the C shim's exception-table fixup is exercised) and with the
# testbed module on a simulated machine that lacks them.
. /lib/vfio-ap/lib.sh
set -e

# The production module links against mdev.ko, which modprobe would load.
modprobe mdev
expect_fail_with "No such device" "production vfio_ap.ko under TCG" \
	insmod /opt/vfio-ap/prod/vfio_ap.ko
module_loaded vfio_ap && fail "production vfio_ap stayed loaded"
# The debug area registered before the check is gone again (7.3 leaks it).
[ -e /sys/kernel/debug/s390dbf/vfio_ap ] && fail "s390dbf area vfio_ap left behind"

modprobe vfio_ap_sim ap_instructions=0
expect_fail_with "No such device" "testbed vfio_ap.ko without AP instructions" \
	modprobe vfio_ap
module_loaded vfio_ap && fail "testbed vfio_ap stayed loaded"
rmmod vfio_ap_sim
pass "no AP instructions, no driver"
