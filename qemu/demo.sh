#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The main job's guest script: show vfio_ap at work in the test VM.
. /lib/vfio-ap/lib.sh
set -e

step() { echo; echo "=== $* ==="; }

step "kernel"
uname -a

step "production vfio_ap.ko on this TCG machine, which has no AP instructions"
if err=$(insmod /opt/vfio-ap/prod/vfio_ap.ko 2>&1); then
	fail "the production module loaded without AP instructions"
fi
echo "$err"
case "$err" in
*"No such device"*) echo "(refused with -ENODEV, as the C driver does)" ;;
*) fail "unexpected error: $err" ;;
esac

step "modinfo vfio_ap (testbed flavour)"
modinfo vfio_ap

step "modprobe vfio_ap, on the simulated AP machine vfio_ap_sim"
modprobe vfio_ap
lsmod
dmesg | grep -E 'vfio_ap|Subtest: vfio_ap|vfio_ap_matrix' | tail -n 12

step "rmmod vfio_ap"
rmmod vfio_ap
rmmod vfio_ap_sim
dmesg | tail -n 2
echo
echo "demo: done"
