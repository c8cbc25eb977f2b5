#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Attaching a guest is all or nothing. Every allocation on the attach path
# is made to fail in turn (fail-nth): after each failed attach the guest's
# CRYCB must be empty and the mdev free, so a later unassign reaches every
# guest that has the adapter and a second guest cannot get the same queues.
# The driver used to set the CRYCB masks before recording the attachment: an
# allocation failure there left the guest with untracked queues.
. /lib/vfio-ap/lib.sh
set -e

modprobe vfio_ap_sim adapters=4 domains=4,5 control_domains=4
failslab_setup
SIM=/sys/kernel/debug/vfio_ap_sim
T=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
U=28282828-0000-4000-8000-000000000028
M=/sys/devices/vfio_ap/matrix/$U
echo g1 >$SIM/guests/new
echo g2 >$SIM/guests/new
empty=0x0000000000000000000000000000000000000000000000000000000000000000
none="$empty,$empty,$empty"

# Each try starts from a freshly loaded driver: an allocation made by one
# successful attach (the attachment list's) is not made again by the next.
setup() {
	modprobe vfio_ap
	echo $U >$T/create
	echo 0x08,0x0c,0x08 >$M/ap_config
}
teardown() {
	echo 1 >$M/remove
	rmmod vfio_ap
}

# An attach either fails and leaves nothing, or succeeds completely (some
# allocations are allowed to fail: kmemleak falls back to its pool).
n=1 failed=0
while :; do
	setup
	set -- $(with_fail_nth $n "echo $U >$SIM/guests/g1/attach")
	rc=$1 left=$2
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1))
		expect_eq "$(cat $SIM/guests/g1/masks)" "$none" \
			"attach failing at allocation $n leaves the guest's CRYCB empty"
		expect_eq "$(cat /sys/bus/ap/devices/04.0004/status)" "assigned" \
			"attach failing at allocation $n leaves the queue unused"
	else
		expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/g1/masks)")" "4" \
			"attach succeeding with allocation $n failing: the guest has adapter 4"
		expect_eq "$(cat /sys/bus/ap/devices/04.0004/status)" "in use" \
			"attach succeeding with allocation $n failing: 04.0004 is in use"
		# No failure was injected: every allocation of the path was tried.
		[ "$left" -eq 0 ] || break
		echo $U >$SIM/guests/g1/detach
	fi
	teardown
	[ "$n" -lt 60 ] || fail "attach still meets injected failures after 60"
	n=$((n + 1))
done
[ "$failed" -gt 0 ] || fail "no allocation of the attach path failed: the test proves nothing"
pass "attach failed cleanly at $failed of its $((n - 1)) allocations, then succeeded"

expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/g1/masks)")" "4" "the attached guest has adapter 4"
expect_eq "$(cat /sys/bus/ap/devices/04.0004/status)" "in use" "04.0004 is in use"
write_fails "Device or resource busy" $SIM/guests/g2/attach $U
expect_eq "$(cat $SIM/guests/g2/masks)" "$none" "a second guest gets nothing"
echo 4 >$M/unassign_adapter
expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/g1/masks)")" "" "unassign reaches the guest"

echo $U >$SIM/guests/g1/detach
echo 1 >$M/remove
rmmod vfio_ap
rmmod vfio_ap_sim
