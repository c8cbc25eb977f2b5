#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The main job's guest script: vfio_ap at work in the test VM, on the
# simulated AP machine (QEMU's TCG has no AP hardware and no KVM): an
# administrator creates an mdev, assigns adapters and domains, a guest
# starts the way QEMU starts one (the VFIO client opens the mdev for a
# simulated KVM VM), and queues are hot unplugged and plugged as they leave
# and rejoin vfio_ap, each change reaching the guest as a config-change
# event.
. /lib/vfio-ap/lib.sh
set -e

step() { echo; echo "=== $* ==="; }
show() { echo "\$ $*"; sh -c "$*"; }

step "the production vfio_ap.ko refuses this machine: no AP instructions"
modprobe mdev
if err=$(insmod /opt/vfio-ap/prod/vfio_ap.ko 2>&1); then
	fail "the production module loaded without AP instructions"
fi
echo "$err"
case "$err" in
*"No such device"*) echo "(-ENODEV, as the C driver)" ;;
*) fail "unexpected error: $err" ;;
esac

step "a simulated host: adapters 04 and 05, domains 0004, 0047, 0054"
show modprobe vfio_ap_sim adapters=4,5 domains=4,0x47,0x54 control_domains=4
show modprobe vfio_ap
show ls /sys/bus/ap/devices /sys/bus/ap/drivers/vfio_ap
show cat /sys/devices/vfio_ap/matrix/features
T=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
show "cat $T/name $T/device_api $T/available_instances"

step "create an mdev and assign adapters, domains and a control domain"
U=e1a3b9c2-6d4f-4a8e-9b7c-2f1d0e3c4b5a
M=/sys/devices/vfio_ap/matrix/$U
show "echo $U > $T/create"
show "echo 4 > $M/assign_adapter; echo 5 > $M/assign_adapter"
show "echo 4 > $M/assign_domain; echo 0x47 > $M/assign_domain; echo 0x54 > $M/assign_domain"
show "echo 4 > $M/assign_control_domain"
show cat $M/matrix
show cat $M/ap_config
echo "(adapter 256 is beyond the maximum ID: -ENODEV)"
show "echo 256 > $M/assign_adapter" || true
show cat /sys/bus/ap/devices/04.0004/status

step "start a guest as QEMU does: open the mdev through VFIO for a KVM VM"
SIM=/sys/kernel/debug/vfio_ap_sim
show "echo vm1 > $SIM/guests/new"
echo "\$ vfio-ap-client --vm vm1 open $U &    (QEMU's -device vfio-ap)"
client_start vm1 $U
client_out vm1
client_ready vm1 || fail "the VFIO client could not open the mdev"
echo "the guest gets the filtered matrix (guest_matrix) in its CRYCB:"
show cat $M/guest_matrix
show cat $SIM/guests/vm1/masks
show cat /sys/bus/ap/devices/04.0004/status
events() { echo "config-change events seen by the guest: $(client_status vm1 cfg_chg)"; }

step "hot unplug: unbinding queue 04.0047 takes adapter 04 from the guest"
show "echo 04.0047 > /sys/bus/ap/drivers/vfio_ap/unbind"
show cat $M/guest_matrix
show "grep '^04' $SIM/queue_stats"
wait_until 10 test "$(client_status vm1 cfg_chg)" = 1
events

step "hot plug: binding it again gives adapter 04 back"
show "echo 04.0047 > /sys/bus/ap/drivers/vfio_ap/bind"
show cat $M/guest_matrix
wait_until 10 test "$(client_status vm1 cfg_chg)" = 2
events

step "the host loses adapter 05, then gets it back"
show "echo -5 > $SIM/adapters"
show cat $M/guest_matrix
show "echo +5 > $SIM/adapters"
show cat $M/guest_matrix
wait_until 10 test "$(client_status vm1 cfg_chg)" = 4
events
echo "every CRYCB the guest got:"
show cat $SIM/guests/vm1/history

step "the guest enables interruptions on 04.0004 (PQAP(AQIC), intercepted by KVM)"
show "echo '0x100000 0x10000' > $SIM/guests/vm1/memslots"
show "echo '0x03000404 0x800000000003 0x100040' > $SIM/guests/vm1/pqap"
show cat $SIM/guests/vm1/pqap
echo "the NIB page is pinned, the guest ISC registered, the adapter's interruptions on:"
show "cat $SIM/guests/vm1/pins $SIM/guests/vm1/gisc $SIM/queue_irq"

step "stop the guest (QEMU closes the device): CRYCB cleared, queues reset, NIB unpinned"
echo "\$ echo close >&client"
client_stop vm1
client_out vm1 | tail -n 1
show "cat $SIM/guests/vm1/pins $SIM/queue_irq"
show "tail -n 1 $SIM/guests/vm1/history"

step "remove the mdev, unload"
show "echo 1 > $M/remove"
show rmmod vfio_ap
show rmmod vfio_ap_sim
echo
echo "demo: done"
