#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# ap-check, s390-tools 2.35.0's mdevctl callout for vfio-ap (built from
# source: Debian does not ship it), installed where s390-tools installs it
# and run by mdevctl 1.4.0 for define, start, list (get-attributes) and
# modify --live (our ap_config), with valid configurations and with ones
# it must refuse before mdevctl touches sysfs.
# vmtest: long
. /lib/vfio-ap/lib.sh
. /lib/vfio-ap/clients.sh
set -e

clients_reset
cp /opt/vfio-ap/clients/ap-check $MDEVCTL_CALLOUTS/ap-check
ALL=0x$(printf 'f%.0s' $(seq 64))
modprobe vfio_ap_sim adapters=4,5,6 domains=4,0x47,0xab control_domains=4,0x47,0xab \
	aqmask=$ALL
modprobe vfio_ap
MDEVS=/sys/bus/mdev/devices
CFG=/etc/mdevctl.d/matrix
U1=8e5d3c00-0000-4000-8000-000000000001
U2=8e5d3c00-0000-4000-8000-000000000002
U3=8e5d3c00-0000-4000-8000-000000000003

# refused WHAT TEXT CMD...: an mdevctl command the callout must refuse,
# with TEXT from ap-check in mdevctl's error output.
refused() {
	local what=$1 text=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		fail "$what: '$*' succeeded"
	fi
	case "$out" in
	*"$text"*) pass "$what: refused ($text)" ;;
	*) fail "$what: '$*' said '$out', expected '$text'" ;;
	esac
}

# define: ap-check compares auto configs with every other auto config.
mdev_json auto '{"assign_adapter": "4"}' '{"assign_adapter": "5"}' \
	'{"assign_domain": "0x47"}' '{"assign_control_domain": "0x47"}' >/tmp/u1.json
mdevctl define -u $U1 -p matrix --jsonfile /tmp/u1.json
mdev_json auto '{"assign_adapter": "5"}' '{"assign_domain": "71"}' >/tmp/u2.json
refused "define: an auto config sharing 5.71" "APQN 5.71 is defined for autostart by $U1" \
	mdevctl define -u $U2 -p matrix --jsonfile /tmp/u2.json
[ ! -e $CFG/$U2 ] || fail "the refused define wrote $CFG/$U2"

# start: ap-check compares with every active mdev's sysfs matrix, and the
# bus masks; mdevctl writes nothing when it refuses.
mdevctl start -u $U1
expect_eq "$(lines $MDEVS/$U1/matrix)" "04.0047 05.0047" "start through the callout"
# list: ap-check reads our matrix and control_domains (hex) and gives
# mdevctl the attributes in decimal.
expect_eq "$(mdevctl list --dumpjson | json_flat)" \
	"[{\"matrix\": [{\"$U1\": {\"mdev_type\": \"vfio_ap-passthrough\",\"start\": \"auto\",\"attrs\": [{\"assign_adapter\": \"4\"},{\"assign_adapter\": \"5\"},{\"assign_domain\": \"71\"},{\"assign_control_domain\": \"71\"}]}}]}]" \
	"list --dumpjson: attributes from ap-check's get-attributes"
mdev_json manual '{"assign_adapter": "4"}' '{"assign_domain": "0x47"}' >/tmp/u3.json
refused "start: a queue of an active mdev" "APQN 4.71 already in use by $U1" \
	mdevctl start -u $U3 -p matrix --jsonfile /tmp/u3.json
[ ! -e $MDEVS/$U3 ] || fail "the refused start created $U3"
pass "the refused start created nothing"

# modify --live: ap-check writes the whole new configuration into our
# ap_config at once; the stored config is left as it was.
mdev_json auto '{"assign_adapter": "5"}' '{"assign_adapter": "6"}' \
	'{"assign_domain": "0x47"}' '{"assign_domain": "0xab"}' \
	'{"assign_control_domain": "4"}' >/tmp/live.json
mdevctl modify -u $U1 --live --jsonfile /tmp/live.json
expect_eq "$(lines $MDEVS/$U1/matrix) / $(lines $MDEVS/$U1/control_domains)" \
	"05.0047 05.00ab 06.0047 06.00ab / 0004" "modify --live through ap_config"
expect_eq "$(cat $MDEVS/$U1/ap_config)" \
	"0x0600000000000000000000000000000000000000000000000000000000000000,0x0000000000000000010000000000000000000000001000000000000000000000,0x0800000000000000000000000000000000000000000000000000000000000000" \
	"ap_config after modify --live"
expect_eq "$(json_flat <$CFG/$U1)" "$(json_flat </tmp/u1.json)" "modify --live keeps the stored config"

if long_form; then
	# start: control domains without usage domains; a queue apmask keeps.
	mdev_json manual '{"assign_adapter": "6"}' '{"assign_control_domain": "4"}' >/tmp/u3.json
	refused "start: control domains only" "At least one usage domain must be specified" \
		mdevctl start -u $U3 -p matrix --jsonfile /tmp/u3.json
	echo +4 >/sys/bus/ap/apmask
	mdev_json manual '{"assign_adapter": "4"}' '{"assign_domain": "4"}' >/tmp/u3.json
	refused "start: a queue reserved by apmask" \
		"AQPN 4.4 is not allowed for vfio_ap-passthrough use by the active ap bus mask settings" \
		mdevctl start -u $U3 -p matrix --jsonfile /tmp/u3.json
	echo -4 >/sys/bus/ap/apmask
	[ ! -e $MDEVS/$U3 ] || fail "a refused start created $U3"
	# A manual config is not compared with the auto ones.
	mdev_json manual '{"assign_adapter": "5"}' '{"assign_domain": "71"}' >/tmp/u2.json
	mdevctl define -u $U2 -p matrix --jsonfile /tmp/u2.json
	pass "define: a manual config sharing with an auto one"
	refused "start: the manual config against the running device" \
		"APQN 5.71 already in use by $U1" mdevctl start -u $U2
	mdevctl undefine -u $U2
	# modify --live into a queue of another active mdev.
	mdev_json manual '{"assign_adapter": "4"}' '{"assign_domain": "4"}' >/tmp/u3.json
	mdevctl start -u $U3 -p matrix --jsonfile /tmp/u3.json
	mdev_json auto '{"assign_adapter": "4"}' '{"assign_domain": "4"}' >/tmp/live2.json
	refused "modify --live: a queue of another mdev" "APQN 4.4 already in use by $U3" \
		mdevctl modify -u $U1 --live --jsonfile /tmp/live2.json
	expect_eq "$(lines $MDEVS/$U1/matrix)" "05.0047 05.00ab 06.0047 06.00ab" \
		"a refused modify --live changes nothing"
	mdevctl stop -u $U3
	# modify (not live) of an auto config: compared with the other auto ones.
	mdev_json manual '{"assign_adapter": "4"}' '{"assign_domain": "0x47"}' >/tmp/u3.json
	mdevctl define -u $U3 -p matrix --jsonfile /tmp/u3.json
	refused "modify: an auto config sharing with another" \
		"APQN 4.71 is defined for autostart by $U1" mdevctl modify -u $U3 --auto
	mdevctl undefine -u $U3
fi

mdevctl stop -u $U1
[ ! -e $MDEVS/$U1 ] || fail "stop left $U1"
mdevctl undefine -u $U1
[ ! -e /run/lock/s390apconfig.lock ] || fail "ap-check left its lock"
pass "stop and undefine through the callout; the lock is released"

clients_reset
rmmod vfio_ap
rmmod vfio_ap_sim
clients_figures
