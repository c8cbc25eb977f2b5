#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The resets of one event are a batch: every ZAPQ is issued first, then the
# queues are polled together, so an adapter with 64 slow queues costs one
# wait, not 64 (7.3 does the same; we used to reset one queue after another,
# holding every lock). Checked on the simulator's instruction trace: all 64
# ZAPQs come before the first TAPQ, and each queue is polled exactly as often
# as its reset needs.
. /lib/vfio-ap/lib.sh
set -e

domains=$(seq -s, 0 63)
modprobe vfio_ap_sim adapters=4,5 domains=$domains control_domains=0
modprobe vfio_ap
SIM=/sys/kernel/debug/vfio_ap_sim
T=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
A=27272727-0000-4000-8000-00000000000a
B=27272727-0000-4000-8000-00000000000b
echo $A >$T/create
echo $B >$T/create
MA=/sys/devices/vfio_ap/matrix/$A
MB=/sys/devices/vfio_ap/matrix/$B
zeros=000000000000000000000000000000000000000000000000
echo 0x08,0xffffffffffffffff$zeros,0x80 >$MA/ap_config
echo 5 >$MB/assign_adapter
echo 0 >$MB/assign_domain
echo vm >$SIM/guests/new
echo $A >$SIM/guests/vm/attach
expect_eq "$(cat $MA/guest_matrix | wc -l)" "64" "the guest has 64 queues"

for d in $(seq 0 63); do
	printf '04.%04x reset_polls=9\n' "$d" >$SIM/queue_script
done
echo clear >$SIM/queue_stats
echo clear >$SIM/trace
start=$(uptime_cs)
echo 4 >$MA/unassign_adapter
echo "unassigning 64 queues with 9 busy polls each took $(($(uptime_cs) - start))0 ms (not a check; for the record)"
expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/vm/masks)")" "" "the guest lost adapter 4"

# The trace: 64 ZAPQs of distinct queues, then TAPQs only.
trace=$(cat $SIM/trace)
first_tapq=$(echo "$trace" | grep -n ' tapq ' | head -n 1 | cut -d: -f1)
zapqs_before=$(echo "$trace" | head -n $((first_tapq - 1)) | grep -c ' zapq 04\.')
expect_eq "$zapqs_before" "64" "every ZAPQ of the batch comes before the first TAPQ"
expect_eq "$(echo "$trace" | head -n 64 | awk '{print $3}' | sort -u | wc -l)" "64" \
	"the 64 ZAPQs are of 64 distinct queues"
expect_eq "$(echo "$trace" | grep -c ' zapq ')" "64" "one ZAPQ per queue"
# 9 busy answers, then the one that completes: 10 TAPQs per queue.
bad=$(grep '^04\.' $SIM/queue_stats | grep -v 'zapq=1 tapq=10$' || true)
[ -z "$bad" ] || fail "queues polled more or less than their reset needed: $bad"
pass "each queue was polled 10 times"

# Readers of another mdev never wait for a batch: with 200 busy polls per
# queue (about 4 s), the other mdev's files answer while the unassign runs.
echo 4 >$MA/assign_adapter
expect_eq "$(cat $MA/guest_matrix | wc -l)" "64" "adapter 4 is back in the guest"
for d in $(seq 0 63); do
	printf '04.%04x reset_polls=200\n' "$d" >$SIM/queue_script
done
echo 4 >$MA/unassign_adapter &
writer=$!
sleep 1
kill -0 $writer 2>/dev/null || fail "the unassign ended before its resets could"
expect_eq "$(cat $MB/matrix)" "05.0000" "another mdev's matrix reads during the batch"
kill -0 $writer 2>/dev/null || fail "reading another mdev waited for the batch"
pass "reading another mdev does not wait for a reset batch"
wait $writer || fail "the unassign failed"
for d in $(seq 0 63); do
	printf '04.%04x clear\n' "$d" >$SIM/queue_script
done

echo $A >$SIM/guests/vm/detach
echo 1 >$MA/remove
echo 1 >$MB/remove
rmmod vfio_ap
rmmod vfio_ap_sim
