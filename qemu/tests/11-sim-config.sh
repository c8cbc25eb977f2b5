#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run-time changes of vfio_ap_sim's host AP configuration through debugfs:
# each runs a bus scan in the writer's context, on_config_changed(new, old)
# -> removals -> additions -> on_scan_complete(new, old), as the real bus
# does when QCI changes (and no callbacks without QCI); bad input is refused
# with nothing changed; adapter types; and the scripted TAPQ/ZAPQ
# instructions, seen through the dummy driver and queue_stats.
. /lib/vfio-ap/lib.sh
set -e

AP=/sys/bus/ap
D=/sys/kernel/debug/vfio_ap_sim
DUMMY=/opt/vfio-ap/sim-test/sim_dummy_drv.ko
DPARAM=/sys/module/sim_dummy_drv/parameters

# expect_log WHAT LINE...: the dummy logged exactly these lines since mark
expect_log() {
	local what=$1
	shift
	expect_eq "$(since)" "$(printf '%s\n' "$@")" "$what"
}
# The QCI masks as the dummy logs them (new, then old).
cfg() {
	echo "apm=$1 aqm=$2 adm=$3 old_apm=$4 old_aqm=$5 old_adm=$6"
}

kmemleak_baseline

# --- configuration changes -------------------------------------------------
modprobe vfio_ap_sim adapters=4 domains=4 control_domains=4
insmod $DUMMY
expect_eq "$(head -n 1 $D/config)" "qci=1 apxa=1 na=255 nd=255" "config header"
expect_eq "$(cat $D/adapters)/$(cat $D/domains)/$(cat $D/control_domains)" \
	4/4/4 "initial configuration"

mark
write $D/adapters +5
expect_log "adapter added: callbacks around the probe" \
	"sim_dummy: on_config_changed $(cfg 4-5 4 4 4 4 4)" \
	"sim_dummy: probe 05.0004 type=13" \
	"sim_dummy: on_scan_complete $(cfg 4-5 4 4 4 4 4)"
[ -d /sys/devices/ap/card05/05.0004 ] || fail "no 05.0004 device"
expect_eq "$(cat $D/adapters)" 4,5 "adapters read back"

mark
write $D/adapters -4
expect_log "adapter removed: callbacks around the remove" \
	"sim_dummy: on_config_changed $(cfg 5 4 4 4-5 4 4)" \
	"sim_dummy: remove 04.0004" \
	"sim_dummy: on_scan_complete $(cfg 5 4 4 4-5 4 4)"
[ ! -e /sys/devices/ap/card04 ] || fail "card04 stayed"

mark
write $D/config "domains=+7,-4 control_domains==4,7"
expect_log "one atomic change of two fields: removals before additions" \
	"sim_dummy: on_config_changed $(cfg 5 7 4,7 5 4 4)" \
	"sim_dummy: remove 05.0004" \
	"sim_dummy: probe 05.0007 type=13" \
	"sim_dummy: on_scan_complete $(cfg 5 7 4,7 5 4 4)"

mark
write $D/control_domains +9
expect_log "control domain only: callbacks, no device change" \
	"sim_dummy: on_config_changed $(cfg 5 7 4,7,9 5 7 4,7)" \
	"sim_dummy: on_scan_complete $(cfg 5 7 4,7,9 5 7 4,7)"

mark
write $D/adapters =4,5,6
write $D/domains 0x0880
expect_eq "$(cat $D/adapters)/$(cat $D/domains)" 4,5,6/4,8 "absolute list and mask"
expect_eq "$(ls $AP/devices | tr '\n' ' ')" \
	"04.0004 04.0008 05.0004 05.0008 06.0004 06.0008 card04 card05 card06 " \
	"devices follow the absolute sets"
expect_eq "$(since | grep -c on_config_changed)" 2 "one scan per write"

mark
write $D/adapters +5
write $D/config "adapters=+4"
expect_eq "$(since)" "" "a write that changes nothing scans nothing"

mark
for bad in +256 =256 =4,x =4,,5 4,5 bogus 0xzz +5-4 ""; do
	write_fails "Invalid argument" $D/adapters "$bad"
done
write_fails "Invalid argument" $D/config "adapters=+7 bogus=+1"
write_fails "Invalid argument" $D/config "adapters=+7 domains=+300"
write_fails "Invalid argument" $D/config "adapters"
expect_eq "$(cat $D/adapters)/$(cat $D/domains)" 4,5,6/4,8 "bad writes changed nothing"
expect_eq "$(since)" "" "bad writes scanned nothing"

# --- adapter types --------------------------------------------------------------
write $D/adapter_type "7 9"
mark
write $D/adapters +7
[ ! -e /sys/devices/ap/card07 ] || fail "a type 9 adapter got a card device"
expect_eq "$(since | grep -c on_config_changed)" 1 "QCI still shows adapter 7"
write $DPARAM/tapq 07.0004
expect_eq "$(since | tail -n 1)" "sim_dummy: tapq 07.0004 rc=0x00 at=9" "TAPQ reports type 9"
mark
write $D/adapter_type "7 default"
expect_log "type change rescans without QCI callbacks" \
	"sim_dummy: probe 07.0004 type=13" "sim_dummy: probe 07.0008 type=13"
write $D/adapter_type "7 15"
expect_eq "$(cat /sys/devices/ap/card07/hwtype)/$(cat /sys/devices/ap/card07/raw_hwtype)" \
	14/15 "newer types run as CEX8"
expect_eq "$(cat $D/adapter_type)" "$(printf 'default 13\n7 15')" "adapter_type read"
for bad in "7 256" "256 9" "x" "7 9 9" "7 dflt"; do
	write_fails "Invalid argument" $D/adapter_type "$bad"
done
write $D/adapters -7

# --- limits: na/nd and the bus's scan range ------------------------------------
rmmod sim_dummy_drv
rmmod vfio_ap_sim
modprobe vfio_ap_sim max_adapter=10 max_domain=20 adapters=10 domains=20
expect_eq "$(head -n 1 $D/config)" "qci=1 apxa=1 na=10 nd=20" "na/nd parameters"
expect_eq "$(cat $AP/ap_max_adapter_id)/$(cat $AP/ap_max_domain_id)" 10/20 "bus max IDs"
write_fails "Invalid argument" $D/adapters +11
write_fails "Invalid argument" $D/domains +21
write_fails "Invalid argument" $D/control_domains =21
rmmod vfio_ap_sim
expect_fail_with "Invalid argument" "adapters above max_adapter" \
	modprobe vfio_ap_sim max_adapter=10 adapters=11
expect_fail_with "Invalid argument" "apxa=0 limits IDs to 63" \
	modprobe vfio_ap_sim apxa=0 max_adapter=64
expect_fail_with "Invalid argument" "bad list" modprobe vfio_ap_sim domains=4,x
module_loaded vfio_ap_sim && fail "vfio_ap_sim loaded with bad parameters"

# --- without QCI -----------------------------------------------------------------
modprobe vfio_ap_sim qci=0 adapters=4 domains=4
insmod $DUMMY
expect_eq "$(head -n 1 $D/config)" "qci=0 apxa=1 na=255 nd=255" "config without QCI"
expect_eq "$(cat $AP/ap_adapter_mask)" "not supported" "no QCI masks on the bus"
expect_eq "$(cat $AP/ap_max_adapter_id)" 63 "without QCI the bus scans APIDs 0-63"
mark
write $D/adapters +5,+70
expect_log "without QCI: devices change, no callbacks" "sim_dummy: probe 05.0004 type=13"
[ ! -e /sys/devices/ap/card46 ] || fail "adapter 70 scanned without QCI"
rmmod sim_dummy_drv
rmmod vfio_ap_sim

# --- instructions and their scripting ----------------------------------------
modprobe vfio_ap_sim adapters=4,5 domains=4 control_domains=4
insmod $DUMMY zapq_on_probe=1
expect_eq "$(cat $D/queue_stats)" \
	"$(printf '04.0004 zapq=1 tapq=0\n05.0004 zapq=1 tapq=0')" \
	"every probe's ZAPQ counted"
write $DPARAM/zapq_on_probe 0
write $D/queue_stats clear
write_fails "Invalid argument" $D/queue_stats bogus
expect_eq "$(cat $D/queue_stats)" \
	"$(printf '04.0004 zapq=0 tapq=0\n05.0004 zapq=0 tapq=0')" "stats cleared"

mark
write $DPARAM/zapq 05.0004
write $DPARAM/tapq 05.0004
write $DPARAM/tapq 07.0007
write $DPARAM/zapq 07.0007
expect_log "plain instructions" \
	"sim_dummy: zapq 05.0004 rc=0x00" \
	"sim_dummy: tapq 05.0004 rc=0x00 at=13" \
	"sim_dummy: tapq 07.0007 rc=0x01 at=0" \
	"sim_dummy: zapq 07.0007 rc=0x01"
expect_eq "$(cat $D/queue_stats)" \
	"$(printf '04.0004 zapq=0 tapq=0\n05.0004 zapq=1 tapq=1\n07.0007 zapq=1 tapq=1')" \
	"stats count unconfigured queues too"

write $D/queue_stats clear
write $D/queue_script "05.0004 zapq_rc=0x05 zapq_times=2"
expect_eq "$(cat $D/queue_script)" \
	"05.0004 state=normal zapq_rc=0x05 zapq_times=2 tapq_rc=0x00 tapq_times=0 aqic_rc=0x00 aqic_times=0 reset_polls=0 pending_polls=0" \
	"queue_script read"
mark
write $DPARAM/reset 05.0004
expect_eq "$(since)" "sim_dummy: reset 05.0004 zapqs=3 busy_polls=0 rc=0x00" \
	"ZAPQ busy twice, then done"
expect_eq "$(cat $D/queue_script)" "" "zapq_times used up"

write $D/queue_script "05.0004 reset_polls=3"
mark
write $DPARAM/reset 05.0004
write $DPARAM/reset 05.0004
expect_log "TAPQ reports a reset in progress 3 times after each ZAPQ" \
	"sim_dummy: reset 05.0004 zapqs=1 busy_polls=3 rc=0x00" \
	"sim_dummy: reset 05.0004 zapqs=1 busy_polls=3 rc=0x00"
expect_eq "$(grep 05.0004 $D/queue_stats)" "05.0004 zapq=5 tapq=9" "stats of the resets"

write $D/queue_script "05.0004 clear zapq_rc=2 zapq_times=1 reset_polls=1"
mark
write $DPARAM/reset 05.0004
write $DPARAM/zapq 05.0004
expect_log "scripted rc 02 from ZAPQ" \
	"sim_dummy: reset 05.0004 zapqs=1 busy_polls=1 rc=0x00" \
	"sim_dummy: zapq 05.0004 rc=0x00"

write $D/queue_script "05.0004 clear state=deconfigured"
mark
write $DPARAM/tapq 05.0004
write $DPARAM/zapq 05.0004
expect_log "deconfigured: rc 03" \
	"sim_dummy: tapq 05.0004 rc=0x03 at=13" "sim_dummy: zapq 05.0004 rc=0x03"
expect_eq "$(cat $AP/devices/05.0004/config)" 0 "queue config attribute"
write $D/queue_script "05.0004 state=checkstopped"
mark
write $DPARAM/tapq 05.0004
write $DPARAM/zapq 05.0004
expect_log "checkstopped: rc 04" \
	"sim_dummy: tapq 05.0004 rc=0x04 at=13" "sim_dummy: zapq 05.0004 rc=0x04"
expect_eq "$(cat $AP/devices/05.0004/chkstop)" 1 "queue chkstop attribute"

write $D/queue_script "05.0004 state=normal zapq_rc=5"
for bad in "05.0004" "5.4 state=normal" "05.0004 state=weird" \
	"05.0004 zapq_rc=256" "05.0004 foo=1" "05.0004 zapq_rc=3 bogus" \
	"05.0004 reset_polls=-1" "100.0004 clear" "05.0004 05.0004"; do
	write_fails "Invalid argument" $D/queue_script "$bad"
done
expect_eq "$(cat $D/queue_script)" \
	"05.0004 state=normal zapq_rc=0x05 zapq_times=0 tapq_rc=0x00 tapq_times=0 aqic_rc=0x00 aqic_times=0 reset_polls=0 pending_polls=0" \
	"bad scripts changed nothing"
write $D/queue_script "05.0004 clear"
expect_eq "$(cat $D/queue_script)" "" "clear"

# TAPQ scripting: a code once no reset is pending, for a number of TAPQs.
write $D/queue_script "05.0004 tapq_rc=0x35 tapq_times=2"
mark
write $DPARAM/tapq 05.0004
write $DPARAM/tapq 05.0004
write $DPARAM/tapq 05.0004
expect_log "TAPQ answers 0x35 twice, then normally" \
	"sim_dummy: tapq 05.0004 rc=0x35 at=13" "sim_dummy: tapq 05.0004 rc=0x35 at=13" \
	"sim_dummy: tapq 05.0004 rc=0x00 at=13"
for bad in "05.0004 tapq_rc=256" "05.0004 tapq_times=65536" "05.0004 aqic_rc=x"; do
	write_fails "Invalid argument" $D/queue_script "$bad"
done
expect_eq "$(cat $D/queue_script)" "" "tapq_times used up"

# The instruction trace lists TAPQs and ZAPQs in issue order.
write $D/trace clear
write $DPARAM/zapq 05.0004
write $DPARAM/tapq 05.0004
expect_eq "$(cut -d' ' -f2- $D/trace | tr '\n' ';')" \
	"zapq 05.0004 rc=0x00;tapq 05.0004 rc=0x00;" "trace in issue order"
write_fails "Invalid argument" $D/trace bogus
write $D/trace clear
expect_eq "$(cat $D/trace)" "" "trace cleared"

# A queue leaving the configuration ends its reset.
write $D/queue_script "04.0004 reset_polls=5"
write $DPARAM/zapq 04.0004
write $D/adapters -4
write $D/adapters +4
mark
write $DPARAM/tapq 04.0004
expect_eq "$(since | grep tapq)" "sim_dummy: tapq 04.0004 rc=0x00 at=13" \
	"reset forgotten when the queue left the configuration"

rmmod sim_dummy_drv
rmmod vfio_ap_sim
kmemleak_check
