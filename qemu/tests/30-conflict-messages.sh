#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The messages of sharing and in-use conflicts are those of Linux 7.3, on the
# mdev device (dev_warn: "vfio_ap_mdev <uuid>: ..."), so admins and journald
# filter them by device. Like 7.3, the check stops at the first conflicting
# mdev in 7.3's list order (newest first) and logs each shared queue of it.
. /lib/vfio-ap/lib.sh
set -e

modprobe vfio_ap_sim adapters=4 domains=4,5,6 \
	aqmask=0x$(printf 'f%.0s' $(seq 64))
modprobe vfio_ap
T=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
A=30303030-0000-4000-8000-00000000000a
B=30303030-0000-4000-8000-00000000000b
C=30303030-0000-4000-8000-00000000000c
for u in $A $B $C; do echo $u >$T/create; done
MA=/sys/devices/vfio_ap/matrix/$A
MB=/sys/devices/vfio_ap/matrix/$B
MC=/sys/devices/vfio_ap/matrix/$C
# B has 04.0004 and 04.0005, C (newer) has 04.0006.
echo 0x08,0x0c,0x00 >$MB/ap_config
echo 0x08,0x02,0x00 >$MC/ap_config

# A asks for all three: C is met first (newest), and only its queue is named.
dmesg -c >/dev/null
write_fails "Address already in use" $MA/ap_config 0x08,0x0e,0x00
msgs=$(dmesg | grep 'Userspace may not assign' | sed 's/^\[[^]]*\] *//')
expect_eq "$msgs" \
	"vfio_ap_mdev $A: Userspace may not assign queue 04.0006 to mdev: already assigned to $C" \
	"sharing: one line per queue of the first conflicting mdev, on the mdev device"

# A asks for B's two queues only: both are named.
dmesg -c >/dev/null
write_fails "Address already in use" $MA/ap_config 0x08,0x0c,0x00
expect_eq "$(dmesg | grep -c "vfio_ap_mdev $A: Userspace may not assign queue 04.000[45] to mdev: already assigned to $B")" \
	"2" "sharing: each shared queue of that mdev is named"

# Reserving adapter 4 for the host: C is met first; its queue is named on C.
dmesg -c >/dev/null
write_fails "Device or resource busy" /sys/bus/ap/apmask +4
msgs=$(dmesg | grep 'Can not reserve' | sed 's/^\[[^]]*\] *//')
expect_eq "$msgs" \
	"vfio_ap_mdev $C: Can not reserve queue 04.0006 for host driver: in use by mdev" \
	"in use: the first conflicting mdev's queues, on that mdev's device"

for u in $MA $MB $MC; do echo 1 >$u/remove; done
rmmod vfio_ap
rmmod vfio_ap_sim
