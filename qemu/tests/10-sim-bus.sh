#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The simulated AP bus of vfio_ap_sim.ko, with the dummy driver
# sim_dummy_drv.ko on it: the device layout, apmask/aqmask (syntax, the
# in_use veto with -EBUSY, re-binding after a change), probe refusing
# reserved queues, bind/unbind through sysfs, and unloading with devices
# bound. Documentation/testbed.md describes the simulator.
. /lib/vfio-ap/lib.sh
set -e

AP=/sys/bus/ap
DUMMY=/opt/vfio-ap/sim-test/sim_dummy_drv.ko
DPARAM=/sys/module/sim_dummy_drv/parameters
Z16=0000000000000000
ZEROS=0x$Z16$Z16$Z16$Z16
ONES=0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff

# The driver a queue is bound to, or "none".
driver_of() {
	if [ -e "$AP/devices/$1/driver" ]; then
		basename "$(readlink "$AP/devices/$1/driver")"
	else
		echo none
	fi
}

kmemleak_baseline

# --- default parameters: an empty machine ------------------------------------
modprobe vfio_ap_sim
[ -d $AP ] || fail "no /sys/bus/ap"
[ -d /sys/devices/ap ] || fail "no /sys/devices/ap"
expect_eq "$(ls $AP/devices | wc -l)" 0 "no AP devices by default"
expect_eq "$(cat $AP/apmask)" $ZEROS "apmask defaults to 0x0"
expect_eq "$(cat $AP/aqmask)" $ZEROS "aqmask defaults to 0x0"
expect_eq "$(cat $AP/ap_adapter_mask)" "0x$Z16$Z16$Z16$Z16" "QCI adapter mask empty"
expect_eq "$(cat $AP/ap_max_adapter_id)/$(cat $AP/ap_max_domain_id)" 255/255 \
	"max IDs from QCI with APXA"
rmmod vfio_ap_sim
[ ! -e $AP ] || fail "/sys/bus/ap stayed after unload"
[ ! -e /sys/devices/ap ] || fail "/sys/devices/ap stayed after unload"
pass "default load and unload"

# --- layout --------------------------------------------------------------------
modprobe vfio_ap_sim adapters=4,5 domains=4,0x47 control_domains=4,0x47,0x54 \
	aqmask=+0-255 apmask=+5
expect_eq "$(ls $AP/devices | tr '\n' ' ')" \
	"04.0004 04.0047 05.0004 05.0047 card04 card05 " \
	"configured adapters x usage domains on the bus"
for q in 04.0004 04.0047 05.0004 05.0047; do
	[ -d "/sys/devices/ap/card${q%%.*}/$q" ] || fail "no /sys/devices/ap/card${q%%.*}/$q"
	[ "$(readlink -f $AP/devices/$q)" = "/sys/devices/ap/card${q%%.*}/$q" ] ||
		fail "$AP/devices/$q does not link to the device"
done
pass "queue devices under their cards"
[ ! -e $AP/devices/04.0054 ] || fail "a control-only domain got a queue"
expect_eq "$(cat /sys/devices/ap/card04/hwtype)" 13 "card type CEX7"
expect_eq "$(cat $AP/devices/05.0047/config)/$(cat $AP/devices/05.0047/chkstop)" \
	1/0 "queue config/chkstop"
expect_eq "$(cat $AP/ap_adapter_mask)" "0x0c000000$Z16$Z16${Z16}00000000" \
	"ap_adapter_mask"
expect_eq "$(cat $AP/apmask)" "0x04${Z16#00}$Z16$Z16$Z16" "apmask=+5 parameter"
expect_eq "$(cat $AP/aqmask)" $ONES "aqmask=+0-255 parameter"

# --- probe: reserved queues are refused --------------------------------------
mark
insmod $DUMMY
for q in 04.0004 04.0047; do
	expect_eq "$(driver_of $q)" sim_dummy "$q bound to the dummy"
done
for q in 05.0004 05.0047; do
	expect_eq "$(driver_of $q)" none "$q reserved (apmask), left unbound"
done
expect_eq "$(since | grep probe | sort | tr '\n' ' ')" \
	"sim_dummy: probe 04.0004 type=13 sim_dummy: probe 04.0047 type=13 " \
	"only the free queues were probed"

# --- apmask/aqmask syntax and re-binding ------------------------------------
write $AP/apmask -5
expect_eq "$(cat $AP/apmask)" $ZEROS "apmask -5"
expect_eq "$(driver_of 05.0004)$(driver_of 05.0047)" sim_dummysim_dummy \
	"released queues probed"
write $AP/apmask 0xf
expect_eq "$(cat $AP/apmask)" "0xf${Z16#0}$Z16$Z16$Z16" "absolute apmask 0xf"
write $AP/apmask +4-5,-0-2
expect_eq "$(cat $AP/apmask)" "0x1c${Z16#00}$Z16$Z16$Z16" "relative list +4-5,-0-2"
for q in 04.0004 04.0047 05.0004 05.0047; do
	expect_eq "$(driver_of $q)" none "$q unbound after it was reserved"
done
write $AP/apmask 0x0
for q in 04.0004 04.0047 05.0004 05.0047; do
	expect_eq "$(driver_of $q)" sim_dummy "$q bound again after release"
done
for bad in +256 0xzz +5-4 bogus; do
	write_fails "Invalid argument" $AP/apmask "$bad"
	write_fails "Invalid argument" $AP/aqmask "$bad"
done
expect_eq "$(cat $AP/apmask)/$(cat $AP/aqmask)" "$ZEROS/$ONES" \
	"bad writes changed nothing"

# --- in_use veto ------------------------------------------------------------------
write $DPARAM/busy_apqn 0x0404
mark
write_fails "Device or resource busy" $AP/apmask +4
expect_eq "$(since)" "sim_dummy: in_use apm=4 aqm=0-255 rc=-98" \
	"apmask: in_use(new apm, all aqm)"
expect_eq "$(cat $AP/apmask)" $ZEROS "vetoed apmask unchanged"
expect_eq "$(driver_of 04.0004)" sim_dummy "vetoed queue stays bound"
# Domain reservations need all adapters in apmask, as on the real bus.
write $DPARAM/busy_apqn -1
write $AP/aqmask 0x0
write $AP/apmask $ONES
write $DPARAM/busy_apqn 0x0404
mark
write_fails "Device or resource busy" $AP/aqmask +4
expect_eq "$(since)" "sim_dummy: in_use apm=0-255 aqm=4 rc=-98" \
	"aqmask: in_use(all apm, new aqm)"
expect_eq "$(cat $AP/aqmask)" $ZEROS "vetoed aqmask unchanged"
mark
write $AP/aqmask +0x47
expect_eq "$(since | head -n 1)" "sim_dummy: in_use apm=0-255 aqm=71 rc=0" \
	"in_use asked about domain 0x47 only"
expect_eq "$(since | grep remove | sort | tr '\n' ' ')" \
	"sim_dummy: remove 04.0047 sim_dummy: remove 05.0047 " \
	"newly reserved queues unbound"
mark
write $AP/aqmask -0x47
expect_eq "$(since | grep -c in_use)" 0 "releasing asks nobody"
expect_eq "$(driver_of 04.0047)$(driver_of 05.0047)" sim_dummysim_dummy \
	"released queues bound again"
write $DPARAM/busy_apqn -1

# --- bind and unbind through sysfs -------------------------------------------
mark
write $AP/drivers/sim_dummy/unbind 04.0004
expect_eq "$(driver_of 04.0004)" none "unbind"
expect_eq "$(since)" "sim_dummy: remove 04.0004" "unbind called remove"
mark
write $AP/drivers/sim_dummy/bind 04.0004
expect_eq "$(driver_of 04.0004)" sim_dummy "bind"
expect_eq "$(since)" "sim_dummy: probe 04.0004 type=13" "bind called probe"
write $AP/apmask 0x0
write $AP/aqmask +0-255
write $AP/apmask +5
expect_eq "$(driver_of 05.0004)" none "05.0004 reserved"
write_fails "No such device" $AP/drivers/sim_dummy/bind 05.0004
expect_eq "$(driver_of 05.0004)" none "reserved queue refused to bind"

# --- unload with bound devices ------------------------------------------------
mark
rmmod sim_dummy_drv
expect_eq "$(since | grep -c remove)" 2 "unloading the driver removed its queues"
expect_eq "$(driver_of 04.0004)" none "no driver after rmmod"
rmmod vfio_ap_sim
module_loaded vfio_ap_sim && fail "vfio_ap_sim still loaded"
[ ! -e $AP ] || fail "/sys/bus/ap stayed after unload"
expect_eq "$(cat /sys/bus/ap/apmask 2>/dev/null || echo gone)" gone "bus gone"
pass "unload with devices present"

kmemleak_check
