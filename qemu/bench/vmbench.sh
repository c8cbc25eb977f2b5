#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# In-VM benchmark of the driver's real cost per event (make vmbench; not
# part of make check). For each machine size (adapters x domains), the same
# operations run twice in this boot: with the simulator's dummy driver
# bound to every queue (the driver core and the simulator alone: the
# baseline), then with vfio_ap, an mdev that has every queue assigned and a
# guest attached. Every size does the same number of operations (unbind and
# bind of the first 256 queues, adapter-major; unassign and assign of the
# first 16 adapters; 8 adapters leaving and rejoining the host), so what
# changes with the size is only the machine the operations run on. Each
# line is one measurement:
#   BENCH size=<n> driver=<dummy|vfio_ap> op=<op> count=<ops> cs=<total centiseconds>
# scripts/vmbench-table.sh turns them into the table of
# Documentation/benchmarks.md.
. /lib/vfio-ap/lib.sh
set -e

# Sizes from the kernel command line (make vmbench VMBENCH_SIZES=16,64,256).
SIZES=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^vmbench.sizes=//p' | tr ',' ' ')
SIZES=${SIZES:-16 64}
SIM=/sys/kernel/debug/vfio_ap_sim
T=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
U=b0b0b0b0-0000-4000-8000-0000000000b0
M=/sys/devices/vfio_ap/matrix/$U

report() { # report SIZE DRIVER OP COUNT START
	echo "BENCH size=$1 driver=$2 op=$3 count=$4 cs=$(($(uptime_cs) - $5))"
}

# ones N: an MSB-0 hex mask with the first N bits set (N a multiple of 4).
ones() {
	local n=$1 out=0x i=0
	while [ $i -lt 64 ]; do
		if [ $((i * 4)) -lt "$n" ]; then out=${out}f; else out=${out}0; fi
		i=$((i + 1))
	done
	echo $out
}

queues() { # queues SIZE: the first 256 APQN names of the machine
	local a d n=0
	a=0
	while [ $a -lt "$1" ]; do
		d=0
		while [ $d -lt "$1" ]; do
			[ $n -lt 256 ] || return 0
			printf '%02x.%04x\n' $a $d
			n=$((n + 1))
			d=$((d + 1))
		done
		a=$((a + 1))
	done
}

# guest_has SIZE: whether the guest's CRYCB has all SIZE adapters and
# domains (guest_matrix is cut at 4095 bytes, like the C driver's).
guest_has() {
	local masks
	masks=$(cat $SIM/guests/vm/masks)
	[ "$(mask_ids "$(echo "$masks" | cut -d, -f1)" | wc -w)" = "$1" ] &&
		[ "$(mask_ids "$(echo "$masks" | cut -d, -f2)" | wc -w)" = "$1" ]
}

run_ops() { # run_ops SIZE DRIVER DRVDIR
	local size=$1 drv=$2 dir=$3 q t n a
	n=$(echo "$QUEUES" | wc -l)
	t=$(uptime_cs)
	for q in $QUEUES; do echo $q >$dir/unbind; done
	report $size $drv unbind $n $t
	t=$(uptime_cs)
	for q in $QUEUES; do echo $q >$dir/bind; done
	report $size $drv bind $n $t
	# Host configuration changes: each adapter leaves and comes back.
	t=$(uptime_cs)
	a=0
	while [ $a -lt 8 ]; do
		echo -$a >$SIM/adapters
		echo +$a >$SIM/adapters
		a=$((a + 1))
	done
	report $size $drv config_change 16 $t
}

for size in $SIZES; do
	ids=$(seq -s, 0 $((size - 1)))
	QUEUES=$(queues $size)

	# Baseline: the driver core and the simulator with a driver that does
	# nothing.
	modprobe vfio_ap_sim adapters=$ids domains=$ids
	insmod /opt/vfio-ap/sim-test/sim_dummy_drv.ko
	run_ops $size dummy /sys/bus/ap/drivers/sim_dummy
	rmmod sim_dummy_drv
	rmmod vfio_ap_sim

	# vfio_ap: every queue assigned to one mdev, a guest attached.
	modprobe vfio_ap_sim adapters=$ids domains=$ids
	modprobe vfio_ap
	echo $U >$T/create
	echo "$(ones $size),$(ones $size),0x0" >$M/ap_config
	echo vm >$SIM/guests/new
	echo $U >$SIM/guests/vm/attach
	guest_has $size || fail "the guest did not get all $((size * size)) queues"
	run_ops $size vfio_ap /sys/bus/ap/drivers/vfio_ap
	guest_has $size || fail "the guest did not get every queue back"
	t=$(uptime_cs)
	a=0
	while [ $a -lt 16 ]; do
		echo $a >$M/unassign_adapter
		a=$((a + 1))
	done
	report $size vfio_ap unassign 16 $t
	t=$(uptime_cs)
	a=0
	while [ $a -lt 16 ]; do
		echo $a >$M/assign_adapter
		a=$((a + 1))
	done
	report $size vfio_ap assign 16 $t
	guest_has $size || fail "the guest did not get all queues back"
	# Control domains: the same events without the AP bus's reservation
	# check, which assign_adapter runs over the whole matrix.
	t=$(uptime_cs)
	a=0
	while [ $a -lt 16 ]; do
		echo $a >$M/assign_control_domain
		a=$((a + 1))
	done
	report $size vfio_ap assign_control_domain 16 $t
	t=$(uptime_cs)
	a=0
	while [ $a -lt 16 ]; do
		echo $a >$M/unassign_control_domain
		a=$((a + 1))
	done
	report $size vfio_ap unassign_control_domain 16 $t
	echo $U >$SIM/guests/vm/detach
	echo vm >$SIM/guests/destroy
	echo 1 >$M/remove
	rmmod vfio_ap
	rmmod vfio_ap_sim
done
echo "vmbench: done"
