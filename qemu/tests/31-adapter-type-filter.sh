#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Adapters that join the host configuration are asked for their type (TAPQ
# with the T bit) before any mdev may get them: types older than CEX4 and
# adapters whose type cannot be told are never passed to a guest. Upstream
# defect 6: 7.3's vfio_ap_filter_apid_by_qtype() goes on asking every other
# queue of an adapter it has already dropped (a `continue` meant as
# `break`); one answer decides, so a dropped adapter costs one TAPQ here.
. /lib/vfio-ap/lib.sh
set -e

SIM=/sys/kernel/debug/vfio_ap_sim
modprobe vfio_ap_sim adapters=4 domains=4 control_domains=4
modprobe vfio_ap
U=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
echo $U >/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
M=/sys/devices/vfio_ap/matrix/$U
# Adapters 4, 6, 7 and 8 with domains 4-7 (MSB-0 masks: 0x0b8 = 4, 6, 7, 8;
# 0x0f = 4-7).
echo 0x0b8,0x0f,0x08 >$M/ap_config
echo vm >$SIM/guests/new
echo $U >$SIM/guests/vm/attach
expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/vm/masks)")" "4" "the guest starts with adapter 4"

# Adapters 6-8 and domains 5-7 join in one configuration change. As in
# 7.3, the new adapters are asked on the new domains. Adapter 6 is a CEX3
# (raw type 9: no card on the bus either); adapter 7 a CEX7; adapter 8
# answers its first TAPQ with rc 0x08 (the type is not filled in).
echo "6 9" >$SIM/adapter_type
echo "08.0005 tapq_rc=0x08 tapq_times=1" >$SIM/queue_script
echo clear >$SIM/queue_stats
echo "adapters=+6-8 domains=+5-7" >$SIM/config

tapqs() {
	# The TAPQs of all queues of adapter $1 since the counters were cleared.
	awk -v a="$1." 'index($1, a) == 1 { for (i = 2; i <= NF; i++)
		if ($i ~ /^tapq=/) { sub(/tapq=/, "", $i); n += $i } } END { print n + 0 }' $SIM/queue_stats
}
expect_eq "$(tapqs 06)" 1 "the CEX3 adapter: one TAPQ decides (7.3 asks all 3 new queues)"
expect_eq "$(tapqs 08)" 1 "the adapter of unknown type: one TAPQ decides (7.3: 3)"
expect_eq "$(tapqs 07)" 3 "the CEX7 adapter: every new queue is asked"
expect_eq "$(tapqs 04)" 0 "adapter 4 was there before: not asked"
# The type only decides whether the new adapters start a re-filter (7.3's
# vfio_ap_mdev_hot_plug_cfg); the filter then passes every assigned adapter
# whose queues are all bound, as 7.3 does: 8's queues exist and are bound
# (the odd answer was a moment's), the CEX3 has no queue devices at all.
expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/vm/masks)")" "4 7 8" \
	"the guest gets the adapters whose queues are bound"
expect_eq "$(cut -c1-2 $M/guest_matrix | sort -u | tr '\n' ' ')" "04 07 08 " "guest_matrix agrees"
expect_eq "$(mask_ids "$(cut -d, -f2 $SIM/guests/vm/masks)")" "4 5 6 7" "with the new domains"

echo $U >$SIM/guests/vm/detach
echo 1 >$M/remove
rmmod vfio_ap
rmmod vfio_ap_sim
