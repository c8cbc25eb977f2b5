#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The main job's guest script: show vfio_ap at work in the test VM.
. /lib/vfio-ap/lib.sh
set -e

step() { echo; echo "=== $* ==="; }

step "kernel"
uname -a

step "modinfo vfio_ap"
modinfo vfio_ap

step "modprobe vfio_ap (on the simulated AP machine, vfio_ap_sim)"
modprobe vfio_ap
lsmod
dmesg | grep -E 'vfio_ap|KTAP|# Subtest|ok [0-9]' | tail -n 20

step "production vfio_ap.ko on this AP-less TCG machine"
if insmod /opt/vfio-ap/prod/vfio_ap.ko 2>&1; then
	echo "unexpected: loaded"
	exit 1
fi
echo "(refused as expected: the real machine has no AP instructions here)"

step "rmmod vfio_ap"
rmmod vfio_ap
rmmod vfio_ap_sim
dmesg | tail -n 3
echo
echo "demo: done"
