#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The sysfs ABI of the matrix device, the mdev type and an mdev: every file's
# format and every errno of the Linux 7.3 C driver.
. /lib/vfio-ap/lib.sh
set -e

# No APXA: the maxima are 63 (adapters) and 15 (domains), frozen per mdev.
# aqmask is all ones, as on a real host, so apmask alone reserves adapters.
modprobe vfio_ap_sim apxa=0 adapters=4,5,6 domains=4,0xb,0xc control_domains=4,0xb \
	aqmask=0x$(printf 'f%.0s' $(seq 64))
modprobe vfio_ap
MATRIX=/sys/devices/vfio_ap/matrix
T=$MATRIX/mdev_supported_types/vfio_ap-passthrough

expect_eq "$(cat $MATRIX/features)" "guest_matrix hotplug ap_config" "features"
expect_eq "$(readlink $MATRIX/driver | sed 's,.*/,,')" "vfio_ap" "matrix driver"
expect_eq "$(cat $T/name)" "VFIO AP Passthrough Device" "type name"
expect_eq "$(cat $T/device_api)" "vfio-ap" "type device_api"
expect_eq "$(cat $T/available_instances)" "65536" "available_instances"
[ -e $T/description ] && fail "the type has no description file"
[ -e /sys/class/mdev_bus/matrix ] || fail "no /sys/class/mdev_bus/matrix link"

A=0a1b2c3d-0000-4000-8000-00000000000a
B=0a1b2c3d-0000-4000-8000-00000000000b
echo $A >$T/create
echo $B >$T/create
expect_eq "$(cat $T/available_instances)" "65534" "available_instances after two creates"
expect_write_err $T/create $A "File exists" "duplicate UUID"
expect_write_err $T/create not-a-uuid "Invalid argument" "malformed UUID"
MA=$MATRIX/$A
MB=$MATRIX/$B

# Empty shapes.
expect_eq "$(cat $MA/matrix)" "" "empty matrix"
expect_eq "$(cat $MA/control_domains)" "" "no control domains"
expect_eq "$(cat $MA/ap_config)" \
	"0x0000000000000000000000000000000000000000000000000000000000000000,0x0000000000000000000000000000000000000000000000000000000000000000,0x0000000000000000000000000000000000000000000000000000000000000000" \
	"empty ap_config"

# kstrtoul(buf, 0): decimal, 0x hex, leading-0 octal, +, one newline.
expect_write_ok $MA/assign_adapter 5 "decimal adapter"
expect_write_ok $MA/assign_adapter 06 "octal adapter"
expect_eq "$(cat $MA/matrix | tr '\n' ' ')" "05. 06. " "adapters-only shape"
expect_write_ok $MA/assign_domain 0xb "hex domain"
expect_write_ok $MA/assign_domain +014 "octal domain with +"
expect_eq "$(cat $MA/matrix | tr '\n' ' ')" "05.000b 05.000c 06.000b 06.000c " "full shape"
expect_write_ok $MA/assign_control_domain 0xb "control domain"
expect_eq "$(cat $MA/control_domains)" "000b" "control_domains"
expect_write_ok $MA/assign_adapter 5 "assigning twice is a no-op"

for bad in "" " 5" "5 " "-5" "0x" "08" "5x" "five"; do
	expect_write_err $MA/assign_adapter "$bad" "Invalid argument" "assign_adapter '$bad'"
done
expect_write_err $MA/assign_adapter 18446744073709551616 \
	"Numerical result out of range" "assign_adapter overflow"

# -ENODEV beyond the frozen maxima (63/15 without APXA).
expect_write_err $MA/assign_adapter 64 "No such device" "adapter 64"
expect_write_err $MA/assign_domain 16 "No such device" "domain 16"
expect_write_err $MA/assign_control_domain 16 "No such device" "control domain 16"
expect_write_err $MA/unassign_adapter 64 "No such device" "unassign adapter 64"
expect_write_ok $MA/unassign_adapter 63 "unassigning what is not assigned is a no-op"

# -EADDRINUSE: another mdev has queue 05.000b; -EADDRNOTAVAIL: apmask.
echo 0xb >$MB/assign_domain
expect_write_err $MB/assign_adapter 5 "Address already in use" "sharing between mdevs"
expect_eq "$(cat $MB/matrix)" ".000b" "a failed assignment changes nothing"
dmesg | grep -q "Userspace may not assign queue 05.000b to mdev: already assigned to $A" ||
	fail "no log line for the shared queue"
pass "the shared queue is logged"
echo +4 >/sys/bus/ap/apmask
expect_write_err $MB/assign_adapter 4 "Cannot assign requested address" "adapter reserved by apmask"
echo -4 >/sys/bus/ap/apmask
expect_write_ok $MB/assign_adapter 4 "adapter released by apmask"
# -EBUSY: apmask may not take a queue an mdev has.
expect_write_err /sys/bus/ap/apmask +5 "Device or resource busy" "apmask vs assigned adapter"
expect_eq "$(mask_ids "$(cat /sys/bus/ap/apmask)")" "" "apmask unchanged"

# ap_config: read format, atomic write, check order, no partial change.
expect_eq "$(cat $MA/ap_config)" \
	"0x0600000000000000000000000000000000000000000000000000000000000000,0x0018000000000000000000000000000000000000000000000000000000000000,0x0010000000000000000000000000000000000000000000000000000000000000" \
	"ap_config read"
expect_write_err $MA/ap_config "0x06" "Invalid argument" "ap_config with one mask"
expect_write_err $MA/ap_config "0x06,0x18,0xzz" "Invalid argument" "ap_config bad mask"
# Sharing is checked before the range: queue 04.000b belongs to B.
expect_write_err $MA/ap_config "0x08,0x0010,0x0000000000000001" "Address already in use" \
	"ap_config sharing before range"
expect_write_err $MA/ap_config "0x06,0x18,0x0000000000000001" "No such device" \
	"ap_config control domain 63 beyond 15"
expect_eq "$(cat $MA/matrix | tr '\n' ' ')" "05.000b 05.000c 06.000b 06.000c " \
	"failed ap_config writes change nothing"
expect_write_ok $MA/ap_config "0x04,0x08,0x08" "ap_config write"
expect_eq "$(cat $MA/matrix)" "05.0004" "matrix after ap_config"
expect_eq "$(cat $MA/control_domains)" "0004" "control domains after ap_config"

# Queue status.
expect_eq "$(cat /sys/bus/ap/devices/05.0004/status)" "assigned" "status assigned"
expect_eq "$(cat /sys/bus/ap/devices/06.0004/status)" "unassigned" "status unassigned"
echo g >/sys/kernel/debug/vfio_ap_sim/guests/new
echo $A >/sys/kernel/debug/vfio_ap_sim/guests/g/attach
expect_eq "$(cat /sys/bus/ap/devices/05.0004/status)" "in use" "status in use"
expect_write_err /sys/kernel/debug/vfio_ap_sim/guests/g/attach $B "Operation not permitted" \
	"a second mdev for the same guest"
echo $A >/sys/kernel/debug/vfio_ap_sim/guests/g/detach

echo 1 >$MA/remove
echo 1 >$MB/remove
expect_eq "$(cat $T/available_instances)" "65536" "available_instances after removes"
rmmod vfio_ap
rmmod vfio_ap_sim
