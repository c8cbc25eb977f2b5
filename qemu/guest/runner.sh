#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# The guest side of the test VM: runs a list of test scripts one after
# another in this boot, each as its own `sh` process, and tells the host what
# happened through the kernel log (/dev/kmsg), so that every marker is in
# order with the kernel's own messages and carries a printk timestamp:
#
#   vmtest: start N                      N tests in the list
#   vmtest: begin I NAME                 test I starts (dmesg was cleared)
#   vmtest: end I status=RC NAME         its script ended (RC 124: timed out)
#   vmtest: reset I ok|FAILED: WHY       its modules unloaded, state checked
#   vmtest: stop I WHY                   the rest needs a fresh boot
#   vmtest: leak-scan                    the group's kmemleak scan begins
#   vmtest: leaks I COUNT NAME           COUNT leaked objects allocated in test I
#   vmtest: leaks 0 COUNT between tests  (allocated outside any test)
#   vmtest: leak-scan done|FAILED: WHY
#   vmtest: done
#
# Between tests: every module the test loaded is unloaded, the machine must
# be back to where it was (no vfio_ap or simulator devices, no extra module),
# the kernel log is cleared (a test's `dmesg` shows only its own messages).
# After a test that failed, hung, left a kernel problem in the log, tainted
# the kernel, turned lockdep off or could not be reset, this boot stops: the
# host runs the remaining tests in a fresh one. (KEEP_GOING=1, for the
# harness's own tests: stop only when the machine cannot be reset.)
#
# kmemleak: at the end of the boot (also after a stop) one scan covers every
# test that ran; each leaked object is charged to the test during which it
# was allocated (its allocation jiffies against each test's interval). Objects
# from the boot itself, before the first test, are not charged (as the old
# per-test `kmemleak_baseline`).
#
# Configuration, from the host's overlay: /etc/vmtest/tests (one test a line:
# "TIMEOUT PATH"), /etc/vmtest/conf (shell: LEAK_SCAN=0|1 KEEP_GOING=0|1
# VMTEST_MODE=quick|long).
# The tests see VMTEST_GROUP=1 (lib.sh's kmemleak_check then leaves the scan
# to this runner when LEAK_SCAN=1: VMTEST_LEAK_SCAN=1) and VMTEST_MODE:
# quick (make check) or long (make stress, the long forms).

LEAK_SCAN=0
KEEP_GOING=0
VMTEST_MODE=quick
# shellcheck disable=SC1091
[ -r /etc/vmtest/conf ] && . /etc/vmtest/conf
PROBLEMS=/lib/vfio-ap/problems.ere
KMEMLEAK=/sys/kernel/debug/kmemleak
STATE=/tmp/vmtest
mkdir -p $STATE

kmsg() {
	echo "vmtest: $*" >/dev/kmsg
}

# Forks are slow under TCG: the helpers below read files with the shell's
# own `read` and set variables instead of printing to a $(...).

# J := the current jiffies (what kmemleak records per object).
get_jiffies() {
	local k v
	J=
	while read -r k _ v; do
		if [ "$k" = jiffies ]; then
			J=$v
			return
		fi
	done </sys/kernel/debug/sched/debug
}

# EXTRA := the modules loaded now that were not at the start.
get_extra_modules() {
	local m
	EXTRA=
	while read -r m _; do
		case " $START_MODULES " in
		*" $m "*) ;;
		*) EXTRA="$EXTRA $m" ;;
		esac
	done </proc/modules
}

# Taint bits a test may add without harm: O (out-of-tree module, 4096),
# E (unsigned module, 8192), N (KUnit tests ran, 262144).
TAINT_OK=$((4096 | 8192 | 262144))

lockdep_on() {
	local k v
	[ -r /proc/lockdep_stats ] || return 0
	while read -r k v; do
		[ "$k" != debug_locks: ] || { [ "$v" = 1 ]; return; }
	done </proc/lockdep_stats
	return 0
}

# Unload every module that was not loaded at the start, in whatever order
# their dependencies allow.
unload_extra() {
	local m
	for _ in 1 2 3 4 5 6 7 8; do
		get_extra_modules
		[ -n "$EXTRA" ] || return 0
		for m in $EXTRA; do
			rmmod "$m" 2>/dev/null
		done
	done
}

# LEFT := what is left of a test that the next one must not see.
get_leftovers() {
	local p
	get_extra_modules
	LEFT=
	[ -z "$EXTRA" ] || LEFT="modules still loaded:$EXTRA;"
	for p in /sys/devices/vfio_ap /sys/bus/matrix /sys/bus/ap /sys/devices/ap \
		/sys/kernel/debug/vfio_ap_sim /sys/kernel/debug/s390dbf/vfio_ap; do
		[ ! -e $p ] || LEFT="$LEFT $p still exists;"
	done
}

# run_one I TIMEOUT PATH: runs the test, its reset; returns 0 to go on.
run_one() {
	local i=$1 limit=$2 path=$3 name rc pid watchdog why taint
	name=${path##*/}
	name=${name%.sh}
	kmsg "begin $i $name"
	get_jiffies
	echo "$i $J" >>$STATE/intervals.begin
	(cd "${path%/*}" && exec sh "$path") &
	pid=$!
	(
		sleep "$limit"
		: >$STATE/timed-out
		kill -KILL $pid 2>/dev/null
	) &
	watchdog=$!
	wait $pid
	rc=$?
	kill $watchdog 2>/dev/null
	wait $watchdog 2>/dev/null
	if [ -e $STATE/timed-out ]; then
		echo "vmtest: $name did not finish within ${limit}s: killed"
		rm -f $STATE/timed-out
		rc=124
	fi
	kmsg "end $i status=$rc $name"

	unload_extra
	get_leftovers
	get_jiffies
	echo "$i $J" >>$STATE/intervals.end
	if [ -n "$LEFT" ]; then
		kmsg "reset $i FAILED:$LEFT"
		kmsg "stop $i the machine could not be reset"
		return 1
	fi
	kmsg "reset $i ok"
	# The test's kernel log, and a clean one for the next test's `dmesg`.
	dmesg -c >$STATE/dmesg
	[ "$KEEP_GOING" != 1 ] || return 0

	why=
	read -r taint </proc/sys/kernel/tainted
	taint=$((taint & ~TAINT_START & ~TAINT_OK))
	if [ "$rc" -ne 0 ]; then
		why="the test failed (status $rc)"
	elif grep -qE -f $PROBLEMS $STATE/dmesg; then
		why="the kernel reported problems"
	elif [ "$taint" -ne 0 ]; then
		why="the kernel is tainted ($taint)"
	elif ! lockdep_on; then
		why="lockdep is off"
	fi
	[ -n "$why" ] || return 0
	kmsg "stop $i $why"
	return 1
}

# The kernel stacks of exited tasks wait in a per-CPU cache (two a CPU) with
# their old contents until a fork on that CPU takes (and clears) them: a
# pointer left there by, say, the insmod that allocated an object would hide
# its leak from kmemleak. Three children alive at once on every CPU take
# every cached stack.
flush_stack_caches() {
	local c pids=
	for c in $(seq 0 $(($(nproc) - 1))); do
		taskset -c "$c" sh -c 'sleep 1 & sleep 1 & sleep 1 & wait' &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086 # a list of pids
	wait $pids
}

# Charge every leaked object to the test it was allocated in.
leak_scan() {
	local last_end now wait_s
	kmsg "leak-scan"
	if [ ! -w $KMEMLEAK ]; then
		kmsg "leak-scan FAILED: kmemleak is not available"
		return
	fi
	# kmemleak reports an object that two scans in a row found unreferenced
	# and unchanged, once it is 5 s old. The first scan, at once, records
	# the new objects' checksums; two more come at least 6 s after the last
	# test ended (a stale copy of a pointer, e.g. on a just freed task stack,
	# can hide an object from one scan).
	last_end=$(cut -d' ' -f1 /proc/uptime)
	flush_stack_caches
	if ! echo scan >$KMEMLEAK; then
		kmsg "leak-scan FAILED: scan refused"
		return
	fi
	now=$(cut -d' ' -f1 /proc/uptime)
	wait_s=$(awk -v a="$last_end" -v b="$now" 'BEGIN { w = 6 - (b - a); print (w > 0) ? w : 0 }')
	sleep "$wait_s"
	if ! echo scan >$KMEMLEAK || ! echo scan >$KMEMLEAK; then
		kmsg "leak-scan FAILED: scan refused"
		return
	fi
	cat $KMEMLEAK >$STATE/leaks
	awk '
		FILENAME ~ /begin$/ { b[$1] = $2; n = ($1 > n) ? $1 : n; next }
		FILENAME ~ /end$/ { e[$1] = $2; next }
		FILENAME ~ /names$/ { nm[$1] = substr($0, length($1) + 2); next }
		/^unreferenced object/ { obj = $0; next }
		/^ *comm .*jiffies [0-9]+/ {
			j = $NF; who = 0
			if (j < b[1]) { boot++; next }
			for (i = 1; i <= n; i++)
				if ((i in e) && j >= b[i] && j <= e[i]) who = i
			count[who]++
			print "vmtest: leaked in " ((who) ? nm[who] : "no test (between tests)") ": " obj
			print
		}
		END {
			for (i = 0; i <= n; i++)
				if (count[i]) printf "LEAKS %d %d\n", i, count[i] > "/dev/stderr"
			if (boot) printf "vmtest: %d leak suspects from the boot itself (not charged)\n", boot
		}' $STATE/intervals.begin $STATE/intervals.end $STATE/names $STATE/leaks \
		2>$STATE/leak-counts
	# The full report (allocation backtraces) for whoever reads the log.
	[ ! -s $STATE/leaks ] || { echo "vmtest: kmemleak report:"; cat $STATE/leaks; }
	while read -r _ i count; do
		if [ "$i" -eq 0 ]; then
			kmsg "leaks 0 $count between tests"
		else
			kmsg "leaks $i $count $(sed -n "s/^$i //p" $STATE/names)"
		fi
	done <$STATE/leak-counts
	kmsg "leak-scan done"
}

START_MODULES=
get_extra_modules
START_MODULES=$EXTRA
read -r TAINT_START </proc/sys/kernel/tainted
dmesg -c >/dev/null
: >$STATE/intervals.begin
: >$STATE/intervals.end
: >$STATE/names
export VMTEST_GROUP=1 VMTEST_LEAK_SCAN=$LEAK_SCAN VMTEST_MODE

total=$(grep -c . /etc/vmtest/tests)
kmsg "start $total"
i=0
while read -r limit path; do
	i=$((i + 1))
	name=${path##*/}
	echo "$i ${name%.sh}" >>$STATE/names
	run_one $i "$limit" "$path" </dev/null || break
done </etc/vmtest/tests
[ "$LEAK_SCAN" != 1 ] || [ $i -eq 0 ] || leak_scan
kmsg "done"
