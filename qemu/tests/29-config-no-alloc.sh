#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host configuration callbacks cannot fail, so they must not allocate: every
# slab allocation on the path of a configuration change is made to fail in
# turn (fail-nth). Whatever the simulator's own allocations do to the write,
# a change that happened reaches every mdev: a control domain that left the
# host leaves the guest's ADM, and an adapter that came back and whose
# queues are bound is plugged into the guest (its pending state is cleared).
# The driver used to collect the mdev ids into an allocated vector and, when
# that failed, skipped every mdev.
. /lib/vfio-ap/lib.sh
set -e

modprobe vfio_ap_sim adapters=4,5 domains=4 control_domains=4,0xb
modprobe vfio_ap
failslab_setup
SIM=/sys/kernel/debug/vfio_ap_sim
DRV=/sys/bus/ap/drivers/vfio_ap
T=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
U=29292929-0000-4000-8000-000000000029
echo $U >$T/create
M=/sys/devices/vfio_ap/matrix/$U
echo 0x0c,0x08,0x0810 >$M/ap_config
echo vm >$SIM/guests/new
echo $U >$SIM/guests/vm/attach
guest() { mask_ids "$(cut -d, -f$1 $SIM/guests/vm/masks)"; }
expect_eq "$(guest 1) / $(guest 3)" "4 5 / 4 11" "the guest at start"

# --- a control domain leaves the host -------------------------------------
n=1 injected=0
while :; do
	set -- $(with_fail_nth $n "echo -0xb >$SIM/control_domains")
	rc=$1 left=$2
	if [ "$rc" -eq 0 ]; then
		expect_eq "$(guest 3)" "4" \
			"control domain 11 left the host (allocation $n failing): the guest lost it"
		[ "$left" -eq 0 ] || break
		injected=$((injected + 1))
		echo +0xb >$SIM/control_domains
		expect_eq "$(guest 3)" "4 11" "control domain 11 is back"
	else
		expect_eq "$(guest 3)" "4 11" "a failed removal (allocation $n) changes nothing"
	fi
	[ "$n" -lt 200 ] || fail "still injecting after 200 allocations"
	n=$((n + 1))
done
pass "control domain removal: $((n - 1)) allocation sites tried, $injected changes despite a failure"

# --- an adapter comes back -----------------------------------------------
n=1 injected=0
while :; do
	echo -5 >$SIM/adapters
	expect_eq "$(guest 1)" "4" "adapter 5 left the host"
	set -- $(with_fail_nth $n "echo +5 >$SIM/adapters")
	rc=$1 left=$2
	if [ "$rc" -ne 0 ]; then
		grep -q '^4,5$' $SIM/adapters && fail "a failed addition changed the configuration"
	elif [ -e $DRV/05.0004 ]; then
		# The queue is bound: the guest must get the adapter, so the
		# pending addition was cleared at the end of the scan.
		expect_eq "$(guest 1)" "4 5" \
			"adapter 5 is back and bound (allocation $n failing): the guest has it"
	elif [ -e /sys/bus/ap/devices/05.0004 ]; then
		# The bus could not bind the queue (an allocation of the probe
		# failed): the adapter is withheld, and binding it plugs it.
		expect_eq "$(guest 1)" "4" "adapter 5 back but its queue unbound: withheld"
		echo 05.0004 >$DRV/bind
		expect_eq "$(guest 1)" "4 5" "adapter 5 bound by hand: the guest has it"
	else
		# The simulated bus could not create the queue device (its own
		# allocation failed): there is nothing to pass through.
		expect_eq "$(guest 1)" "4" "adapter 5 back without a queue device: withheld"
	fi
	if [ "$rc" -eq 0 ] && [ "$left" -ne 0 ]; then
		break
	fi
	[ "$rc" -eq 0 ] && injected=$((injected + 1))
	[ "$n" -lt 300 ] || fail "still injecting after 300 allocations"
	n=$((n + 1))
done
pass "adapter addition: $((n - 1)) allocation sites tried, $injected additions despite a failure"

echo $U >$SIM/guests/vm/detach
echo 1 >$M/remove
rmmod vfio_ap
rmmod vfio_ap_sim
