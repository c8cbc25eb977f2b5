#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# VFIO_DEVICE_RESET, as QEMU issues it at every guest reset: every queue
# assigned to the mdev and bound is reset as one batch; -EIO when a queue's
# reset ends in error (7.3: a final response code other than 00, which
# includes a deconfigured queue); a queue that never settles gives up at the
# bound with a message naming it; and while a queue is being reset, the
# guest's AQIC on it answers "reset in progress" (02) instead of enabling
# interruptions the reset's end would tear down.
. /lib/vfio-ap/lib.sh
set -e

modprobe vfio_ap_sim adapters=4 domains=4,5
modprobe vfio_ap reset_timeout_ms=2000
SIM=/sys/kernel/debug/vfio_ap_sim
VM=$SIM/guests/vm
U=44444444-0000-4000-8000-000000000044
echo $U >/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
M=/sys/devices/vfio_ap/matrix/$U
echo 0x08,0x0c,0x00 >$M/ap_config
echo vm >$SIM/guests/new
echo "0x100000 0x10000" >$VM/memslots
client_start vm $U
client_ready vm || { client_out vm; fail "open failed"; }

echo clear >$SIM/queue_stats
expect_eq "$(client_cmd vm reset)" "reset: ok" "VFIO_DEVICE_RESET"
expect_eq "$(grep '^04' $SIM/queue_stats | tr '\n' ' ')" \
	"04.0004 zapq=1 tapq=1 04.0005 zapq=1 tapq=1 " "both queues were reset once"

echo "04.0005 state=deconfigured" >$SIM/queue_script
expect_eq "$(client_cmd vm reset)" "reset: failed: EIO (5)" \
	"a queue that answers 03 (deconfigured): EIO, as 7.3"
echo "04.0005 clear" >$SIM/queue_script
expect_eq "$(client_cmd vm reset)" "reset: ok" "back to normal"

# A queue that never settles: the reset gives up at the bound (2 s).
echo "04.0004 zapq_rc=0x05" >$SIM/queue_script
dmesg -c >/dev/null
expect_eq "$(client_cmd vm reset)" "reset: failed: EIO (5)" "a reset that never settles: EIO"
dmesg | grep -q "reset of queue 04.0004 did not finish in 2000 ms" ||
	{ dmesg | tail; fail "no message naming 04.0004"; }
pass "the bound held and the log names the queue"
echo "04.0004 clear" >$SIM/queue_script
# It is not passable now: the guest lost adapter 4 until it resets fine.
expect_eq "$(cat $M/guest_matrix | tr '\n' ' ')" ".0004 .0005 " "adapter 4 is withheld after the failed reset"
expect_eq "$(client_cmd vm reset)" "reset: ok" "a good reset"
expect_eq "$(cat $M/guest_matrix | tr '\n' ' ')" "04.0004 04.0005 " "adapter 4 is back"

# AQIC while the queue is being reset: 02.
echo "04.0004 reset_polls=100" >$SIM/queue_script
fd=$(cat "$(client_dir vm)/fd")
before=$(wc -l <"$(client_dir vm)/out")
eval "echo reset >&$fd"
sleep 1
echo "$((0x03000404)) $((1 << 47 | 3)) 0x100040" >$VM/pqap
rc=$(sed -n 's/^ret=0 cc=\([0-9]\) gr1=0x\([0-9a-f]*\)$/\2/p' $VM/pqap)
wait_until 30 client_answered "$(client_dir vm)" "$before" reset
expect_eq "$(( (0x$rc >> 16) & 0xff ))" "2" "AQIC during the reset: reset in progress"
expect_eq "$(cat $VM/pins)" "0" "nothing pinned for it"
echo "04.0004 clear" >$SIM/queue_script

client_stop vm
echo vm >$SIM/guests/destroy
echo 1 >$M/remove
rmmod vfio_ap
rmmod vfio_ap_sim
