#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Host AP configuration changes at run time: an adapter leaves the host and
# comes back (on_config_changed, then on_scan_complete); the guest loses and
# regains it. The same for a domain, where we re-filter and 7.3 does not.
. /lib/vfio-ap/lib.sh
set -e

modprobe vfio_ap_sim adapters=4,5 domains=4,5 control_domains=4
modprobe vfio_ap
SIM=/sys/kernel/debug/vfio_ap_sim
U=5d0c6e2a-7b1f-4c3d-8e9a-0b1c2d3e4f50
echo $U >/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
M=/sys/devices/vfio_ap/matrix/$U
echo 0x0c,0x0c,0x08 >$M/ap_config
echo vm >$SIM/guests/new
echo $U >$SIM/guests/vm/attach

guest_apm() { mask_ids "$(cut -d, -f1 $SIM/guests/vm/masks)"; }
guest_aqm() { mask_ids "$(cut -d, -f2 $SIM/guests/vm/masks)"; }
expect_eq "$(guest_apm)" "4 5" "guest adapters at start"

echo -5 >$SIM/adapters
[ -e /sys/bus/ap/devices/05.0004 ] && fail "queue 05.0004 still exists"
expect_eq "$(guest_apm)" "4" "adapter 5 left the host: the guest lost it"
expect_eq "$(cat $M/matrix | tr '\n' ' ')" "04.0004 04.0005 05.0004 05.0005 " \
	"the assignment stays"
expect_eq "$(cat $M/guest_matrix | tr '\n' ' ')" "04.0004 04.0005 " "guest_matrix without 5"

echo +5 >$SIM/adapters
[ -e /sys/bus/ap/drivers/vfio_ap/05.0004 ] || fail "queue 05.0004 was not bound again"
expect_eq "$(guest_apm)" "4 5" "adapter 5 is back in the host: the guest regained it"

echo -4 >$SIM/domains
expect_eq "$(guest_aqm)" "5" "domain 4 left the host: the guest lost it"
echo +4 >$SIM/domains
expect_eq "$(guest_aqm)" "4 5" "domain 4 is back"

# An adapter withheld only because of one domain's unbound queue comes back
# when that domain leaves the host: we re-filter (7.3 keeps it out).
echo 05.0005 >/sys/bus/ap/drivers/vfio_ap/unbind
expect_eq "$(guest_apm)" "4" "unbinding 05.0005 unplugs adapter 5"
echo -5 >$SIM/domains
expect_eq "$(guest_apm)" "4 5" "with domain 5 gone, adapter 5 passes again"
expect_eq "$(guest_aqm)" "4" "and the guest has domain 4 only"

# Control domains follow the host configuration too.
expect_eq "$(mask_ids "$(cut -d, -f3 $SIM/guests/vm/masks)")" "4" "control domain 4"
echo -4 >$SIM/control_domains
expect_eq "$(mask_ids "$(cut -d, -f3 $SIM/guests/vm/masks)")" "" "control domain 4 left"

echo $U >$SIM/guests/vm/detach
echo 1 >$M/remove
rmmod vfio_ap
rmmod vfio_ap_sim
