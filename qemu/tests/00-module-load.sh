#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The testbed vfio_ap.ko loads (pulling in the simulated machine), runs its
# KUnit suites, unloads cleanly, and does so again; nothing leaks.
. /lib/vfio-ap/lib.sh
set -e

kmemleak_baseline
expect_eq "$(modinfo -F license vfio_ap)" "GPL" "modinfo license"

for round in 1 2; do
	modprobe vfio_ap || fail "modprobe vfio_ap (round $round)"
	module_loaded vfio_ap || fail "vfio_ap not in /sys/module (round $round)"
	module_loaded vfio_ap_sim || fail "modprobe did not load the simulator (round $round)"
	dmesg | grep -q 'vfio_ap: loaded' || fail "no 'loaded' message"
	rmmod vfio_ap || fail "rmmod vfio_ap (round $round)"
	module_loaded vfio_ap && fail "vfio_ap still loaded after rmmod"
	rmmod vfio_ap_sim
	pass "load and unload, round $round"
done

# The KUnit suites ran at load and passed (a failure would also fail the run
# through the kernel log).
dmesg | grep -qE '# vfio_ap_matrix: pass:[1-9][0-9]* fail:0' ||
	fail "KUnit suite vfio_ap_matrix did not report a pass"
pass "KUnit suite vfio_ap_matrix passed"

kmemleak_check
