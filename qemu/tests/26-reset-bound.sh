#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Queue resets are bounded on every path of the reset state machine (7.3
# waits forever: upstream defect 3). A queue whose ZAPQ keeps answering
# "busy" while TAPQ says all is well, or whose TAPQ keeps reporting a failed
# secret association, used to make the resetting write loop for ever under
# every driver lock. Now the write ends once the bound (reset_timeout_ms) is
# reached, the log names the queue and its last codes, the queue counts as not
# passable, and nobody waits on the reset who does not need to: reading
# another mdev's files does not block while it runs.
# vmtest: timeout=120
. /lib/vfio-ap/lib.sh
set -e

modprobe vfio_ap_sim adapters=4,5 domains=4,5 control_domains=4
modprobe vfio_ap reset_timeout_ms=3000
SIM=/sys/kernel/debug/vfio_ap_sim
T=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
A=26262626-0000-4000-8000-00000000000a
B=26262626-0000-4000-8000-00000000000b
echo $A >$T/create
echo $B >$T/create
MA=/sys/devices/vfio_ap/matrix/$A
MB=/sys/devices/vfio_ap/matrix/$B
echo 0x08,0x0c,0x08 >$MA/ap_config
echo 0x04,0x0c,0x08 >$MB/ap_config
echo vm >$SIM/guests/new
echo $A >$SIM/guests/vm/attach
guest_apm() { mask_ids "$(cut -d, -f1 $SIM/guests/vm/masks)"; }
expect_eq "$(guest_apm)" "4" "the guest has adapter 4"

# wait_done PID WHAT: the background write PID must end within 60 s (the
# bound is 3 s; the margin is for TCG), and succeed.
wait_done() {
	local i=0
	while kill -0 "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 60 ]; then
			grep -E '^04\.|^05\.' $SIM/queue_stats
			fail "$2 did not finish within 60 s: the reset is not bounded"
		fi
		sleep 1
	done
	wait "$1" || fail "$2 failed"
	pass "$2 finished"
}

# --- ZAPQ answers "busy" (05) for ever while TAPQ answers 00 --------------
echo "04.0004 zapq_rc=0x05" >$SIM/queue_script
echo clear >$SIM/queue_stats
dmesg -c >/dev/null
echo 4 >$MA/unassign_adapter &
writer=$!
sleep 1
# The reset is in progress; another mdev's files answer at once.
kill -0 $writer 2>/dev/null || fail "the unassign ended before the reset bound"
expect_eq "$(cat $MB/matrix | tr '\n' ' ')" "05.0004 05.0005 " \
	"another mdev's matrix reads while a reset waits"
expect_eq "$(cat $MB/guest_matrix | tr '\n' ' ')" "05.0004 05.0005 " \
	"another mdev's guest_matrix reads while a reset waits"
kill -0 $writer 2>/dev/null || fail "the reads waited for the reset to end"
pass "readers of other mdevs are not blocked by a reset"
wait_done $writer "unassign with a queue whose ZAPQ is always busy"
dmesg | grep -q "reset of queue 04.0004 did not finish .*ZAPQ rc=0x05" ||
	{ dmesg | tail -n 20; fail "no message naming 04.0004 and its ZAPQ code"; }
pass "the log names the queue that gave up"
expect_eq "$(guest_apm)" "" "the guest lost adapter 4"
zapqs=$(sed -n 's/^04.0004 zapq=\([0-9]*\).*/\1/p' $SIM/queue_stats)
[ "$zapqs" -le 200 ] || fail "04.0004 got $zapqs ZAPQs within a 3 s bound"
pass "04.0004 got $zapqs ZAPQs, bounded"
echo "04.0004 clear" >$SIM/queue_script

# A queue whose reset gave up is not passable: assigning it back withholds
# its adapter, until the queue is reset anew (re-bound).
echo 4 >$MA/assign_adapter
expect_eq "$(cat $MA/guest_matrix | tr '\n' ' ')" ".0004 .0005 " "adapter 4 is withheld after a failed reset"
echo 04.0004 >/sys/bus/ap/drivers/vfio_ap/unbind
echo 04.0004 >/sys/bus/ap/drivers/vfio_ap/bind
expect_eq "$(guest_apm)" "4" "re-bound, 04.0004 passes again"

# --- TAPQ reports a failed secret association (0x35) for ever -------------
echo "04.0005 tapq_rc=0x35" >$SIM/queue_script
dmesg -c >/dev/null
echo $A >$SIM/guests/vm/detach &
writer=$!
wait_done $writer "detach with a queue whose TAPQ always says 0x35"
dmesg | grep -q "reset of queue 04.0005 did not finish .*TAPQ rc=0x35" ||
	{ dmesg | tail -n 20; fail "no message naming 04.0005 and its TAPQ code"; }
pass "the log names 04.0005 and TAPQ rc 0x35"
expect_eq "$(cat $SIM/guests/vm/history | tail -n 1)" "clear" "the guest was cleared"
echo "04.0005 clear" >$SIM/queue_script

# --- ZAPQ answers "state change in progress" (0A) for ever ----------------
echo "05.0005 zapq_rc=0x0a" >$SIM/queue_script
dmesg -c >/dev/null
echo 5 >$MB/unassign_adapter &
writer=$!
wait_done $writer "unassign with a queue whose ZAPQ always says 0A"
dmesg | grep -q "reset of queue 05.0005 did not finish .*ZAPQ rc=0x0a" ||
	{ dmesg | tail -n 20; fail "no message naming 05.0005"; }
pass "the log names 05.0005 and ZAPQ rc 0x0a"
echo "05.0005 clear" >$SIM/queue_script

echo 1 >$MA/remove
echo 1 >$MB/remove
echo vm >$SIM/guests/destroy
rmmod vfio_ap
rmmod vfio_ap_sim
