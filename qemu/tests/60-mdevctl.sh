#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mdevctl 1.4.0, Debian trixie's binary unchanged, against our module as
# Debian ships it (no callout): types, define/start from JSON with hex,
# decimal and octal attributes, list and --dumpjson, modify, stop, undefine,
# start with a generated UUID; configurations the C driver refuses (sharing,
# apmask, beyond the maxima, not a number, no such attribute) fail with its
# errno and leave no device behind; the auto-start of mdevctl's udev rule.
# Each mdevctl run takes about a second under TCG: the quick form runs each
# operation once, the long form (make stress) also every variant of each.
# vmtest: long
. /lib/vfio-ap/lib.sh
. /lib/vfio-ap/clients.sh
set -e

clients_reset
# aqmask all ones, as on a real host: apmask alone reserves adapters.
modprobe vfio_ap_sim adapters=4,5,6 domains=4,0x47,0xab control_domains=4,0x47,0xab,0x54 \
	aqmask=0x$(printf 'f%.0s' $(seq 64))
modprobe vfio_ap
MDEVS=/sys/bus/mdev/devices
CFG=/etc/mdevctl.d/matrix

long_form && expect_eq "$(mdevctl --version)" "mdevctl 1.4.0" "mdevctl version"

# types: the C driver's type (name, device_api; max_instances 65536).
types_text() {
	printf 'matrix\n  vfio_ap-passthrough\n    Available instances: %s\n    Device API: vfio-ap\n    Name: VFIO AP Passthrough Device\n' "$1"
}
expect_eq "$(mdevctl types)" "$(types_text 65536)" "mdevctl types"
long_form && expect_eq "$(mdevctl types --dumpjson | json_flat)" \
	'[{"matrix": [{"vfio_ap-passthrough": {"available_instances": 65536,"device_api": "vfio-ap","name": "VFIO AP Passthrough Device"}}]}]' \
	"mdevctl types --dumpjson"

U1=6c3b1a00-0000-4000-8000-000000000001
U2=6c3b1a00-0000-4000-8000-000000000002
U3=6c3b1a00-0000-4000-8000-000000000003

# define: only the JSON config is written; attrs in hex, decimal, octal.
mdev_json manual '{"assign_adapter": "4"}' '{"assign_adapter": "0x5"}' \
	'{"assign_domain": "0x47"}' '{"assign_domain": "171"}' \
	'{"assign_control_domain": "0124"}' >/tmp/u1.json
mdevctl define -u $U1 -p matrix --jsonfile /tmp/u1.json
[ -f $CFG/$U1 ] || fail "define wrote no $CFG/$U1"
[ ! -e $MDEVS/$U1 ] || fail "define started the device"
pass "define writes the config only"
expect_eq "$(json_flat <$CFG/$U1)" "$(json_flat </tmp/u1.json)" "the config holds the JSON given"
long_form && expect_eq "$(mdevctl list --defined)" "$U1 matrix vfio_ap-passthrough manual" "list --defined"
long_form && expect_eq "$(mdevctl list)" "" "list: nothing active"

# start: create, then each attribute in order, as the JSON says.
mdevctl start -u $U1
expect_eq "$(lines $MDEVS/$U1/matrix)" "04.0047 04.00ab 05.0047 05.00ab" "matrix after start"
expect_eq "$(lines $MDEVS/$U1/control_domains)" "0054" "control domains after start"
expect_eq "$(lines $MDEVS/$U1/guest_matrix)" "04.0047 04.00ab 05.0047 05.00ab" "guest_matrix after start"
expect_eq "$(readlink $MDEVS/$U1/mdev_type | sed 's,.*/,,')" "vfio_ap-passthrough" "mdev_type link"
expect_eq "$(mdevctl list)" "$U1 matrix vfio_ap-passthrough manual (defined)" "list"
if long_form; then
	expect_eq "$(mdevctl list --defined)" "$U1 matrix vfio_ap-passthrough manual (active)" "list --defined"
	expect_eq "$(mdevctl types)" "$(types_text 65535)" "types: one instance fewer"
fi
# Without a callout mdevctl cannot read a running device's attributes.
expect_eq "$(mdevctl list --dumpjson | json_flat)" \
	"[{\"matrix\": [{\"$U1\": {\"mdev_type\": \"vfio_ap-passthrough\",\"start\": \"manual\",\"attrs\": []}}]}]" \
	"list --dumpjson"
expect_eq "$(mdevctl list --defined --dumpjson | json_flat)" \
	"[{\"matrix\": [{\"$U1\": $(json_flat </tmp/u1.json)}]}]" "list --defined --dumpjson"
long_form && expect_eq "$(mdevctl list --defined -v | sed -n 's/^ *//; 3p; 7p' | joined)" \
	"@{0}: {\"assign_adapter\":\"4\"} @{4}: {\"assign_control_domain\":\"0124\"}" "list --defined -v"

# modify changes the config, not the running device, until a restart.
mdevctl modify -u $U1 --addattr assign_domain --value 4
if long_form; then
	mdevctl modify -u $U1 --delattr --index 0
	mdevctl modify -u $U1 --auto
	expect_eq "$(mdevctl list --defined)" "$U1 matrix vfio_ap-passthrough auto (active)" "modify --auto"
	after="05.0004 05.0047 05.00ab"
else
	after="04.0004 04.0047 04.00ab 05.0004 05.0047 05.00ab"
fi
expect_eq "$(lines $MDEVS/$U1/matrix)" "04.0047 04.00ab 05.0047 05.00ab" "modify leaves the running device"
mdevctl stop -u $U1
[ ! -e $MDEVS/$U1 ] || fail "stop left $U1"
pass "stop removes the device"
long_form && expect_eq "$(mdevctl list)" "" "list after stop"
mdevctl start -u $U1
expect_eq "$(lines $MDEVS/$U1/matrix)" "$after" "matrix after modify and restart"

# Configurations the driver refuses: mdevctl reports the driver's errno and
# removes the device it created (the C driver's errnos, as in 21-mdev-abi).
start_refused() { # WHAT ERRTEXT ATTRS...
	local what=$1 err=$2 out
	shift 2
	mdev_json manual "$@" >/tmp/u2.json
	if out=$(mdevctl start -u $U2 -p matrix --jsonfile /tmp/u2.json 2>&1); then
		fail "$what: mdevctl start succeeded"
	fi
	case "$out" in
	*"$err"*) ;;
	*) fail "$what: mdevctl said '$out', expected '$err'" ;;
	esac
	[ ! -e $MDEVS/$U2 ] || fail "$what: $U2 is left behind"
	[ ! -e /sys/devices/vfio_ap/matrix/$U2 ] || fail "$what: the matrix device keeps $U2"
	pass "$what: refused ($err), no device left"
}
start_refused "a queue of another mdev" "Address already in use" \
	'{"assign_domain": "0xab"}' '{"assign_adapter": "5"}'
echo +6 >/sys/bus/ap/apmask
start_refused "an adapter reserved by apmask" "Cannot assign requested address" \
	'{"assign_domain": "4"}' '{"assign_adapter": "6"}'
echo -6 >/sys/bus/ap/apmask
if long_form; then
	start_refused "a domain beyond the maximum" "No such device" '{"assign_domain": "256"}'
	start_refused "not a number" "Invalid argument" '{"assign_adapter": "five"}'
	start_refused "an octal 8" "Invalid argument" '{"assign_adapter": "08"}'
	start_refused "no such attribute" "Invalid attribute 'assign_queue'" '{"assign_queue": "4"}'
	expect_eq "$(mdevctl types)" "$(types_text 65535)" "refused starts return their instance"

	# start without a UUID: mdevctl makes one and prints it.
	gen=$(mdevctl start -p matrix -t vfio_ap-passthrough)
	[ -e "$MDEVS/$gen" ] || fail "no device for the generated UUID '$gen'"
	expect_eq "$(mdevctl list | grep -c "^$gen matrix vfio_ap-passthrough manual$")" 1 \
		"list shows the generated one"
	mdevctl stop -u "$gen"
fi
expect_eq "$(lines $MDEVS/$U1/matrix)" "$after" "refused starts leave $U1 alone"

mdevctl stop -u $U1
if long_form; then
	# U1 is auto now: it goes, and U3 is the manual config below.
	mdevctl undefine -u $U1
	[ ! -e $CFG/$U1 ] || fail "undefine left $CFG/$U1"
	expect_eq "$(mdevctl list --defined)" "" "undefine"
	MANUAL=$U3
	mdev_json manual '{"assign_adapter": "6"}' '{"assign_domain": "4"}' >/tmp/manual.json
	mdevctl define -u $U3 -p matrix --jsonfile /tmp/manual.json
else
	MANUAL=$U1
fi

# Auto-start: mdevctl's udev rule runs "mdevctl start-parent-mdevs matrix"
# on the parent's MDEV_STATE=registered uevent. The guest kernel has no
# networking, so no netlink uevents and no udev: the rule's command, as
# shipped, is run here as udev would run it after loading the driver.
mdev_json auto '{"assign_adapter": "4"}' '{"assign_domain": "4"}' \
	'{"assign_control_domain": "4"}' >/tmp/auto.json
mdevctl define -u $U2 -p matrix --jsonfile /tmp/auto.json
rmmod vfio_ap
modprobe vfio_ap
rule=$(sed -n 's/^ACTION=="change", ENV{MDEV_STATE}=="registered", TEST=="\/etc\/mdevctl.d\/$kernel", RUN+="\(.*\)"$/\1/p' \
	/usr/lib/udev/rules.d/60-mdevctl.rules)
[ -n "$rule" ] || fail "no MDEV_STATE=registered rule in 60-mdevctl.rules"
rule=$(echo "$rule" | sed 's/%k/matrix/g')
[ -d /etc/mdevctl.d/matrix ] || fail "the rule's TEST (/etc/mdevctl.d/matrix) does not hold"
# Debian's packaging bug: the rule calls /usr/sbin/mdevctl, the package
# installs /usr/bin/mdevctl, so as shipped nothing starts.
[ ! -e /usr/sbin/mdevctl ] || fail "/usr/sbin/mdevctl exists in the image"
eval "$rule" 2>/dev/null || true
expect_eq "$(mdevctl list)" "" "as shipped, the rule starts nothing (Debian's /usr/sbin/mdevctl)"
ln -s /usr/bin/mdevctl /usr/sbin/mdevctl
eval "$rule" 2>/dev/null || true
rm /usr/sbin/mdevctl
expect_eq "$(mdevctl list)" "$U2 matrix vfio_ap-passthrough auto (defined)" \
	"with /usr/sbin/mdevctl the rule starts the auto device only"
expect_eq "$(lines $MDEVS/$U2/matrix) / $(lines $MDEVS/$U2/control_domains)" "04.0004 / 0004" \
	"the auto-started device's configuration"
mdevctl stop -u $U2
mdevctl undefine -u $U2
mdevctl undefine -u $MANUAL
[ ! -e $CFG/$U2 ] && [ ! -e $CFG/$MANUAL ] || fail "undefine left a config in $CFG"
expect_eq "$(mdevctl list --defined)" "" "undefine: no config left"

clients_reset
rmmod vfio_ap
rmmod vfio_ap_sim
clients_figures
