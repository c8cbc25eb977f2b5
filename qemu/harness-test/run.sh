#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the test VM harness itself: every kind of failure that the harness
# must catch is injected, and its verdict is checked, test by test. A harness
# that passes a broken run would hide every later bug.
#
# Five boots prove it all (the first two at the same time):
#   - run-guest.sh, a guest that hangs: killed at --timeout, status 124;
#   - qemu/run-tests.sh --keep-going, one boot with a test per kind of
#     failure, clean tests between them: each verdict is charged to the test
#     that caused it and to no other (failing script status, module init
#     failing, failed KUnit test, kmemleak leak, lockdep report, WARNING, a
#     test hanging past its own time limit, BUG);
#   - qemu/run-tests.sh as `make vmtest` runs it, on a kernel command line
#     from a test header (vfio_ap_sim.ap_instructions=0): the real load test
#     must fail there, be named, and the test after it still runs (and
#     passes) in a fresh boot;
#   - run-guest.sh, a failing script: its status is passed through.
# Scripts are given by relative paths with a space in them, from another
# directory.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vfio-ap harness.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

# check NAME OK: one verdict; the output in $work/NAME.out on failure.
check() {
	if [ "$2" -eq 1 ]; then
		echo "ok: $1"
		passed=$((passed + 1))
	else
		echo "FAILED: $1; harness output:"
		sed 's/^/    | /' "$work/$3"
		failed=$((failed + 1))
	fi
}

# guest NAME EXPECTED_STATUS EXPECTED_TEXT SCRIPT_TEXT [run-guest options...]:
# one run-guest.sh boot; prints "status" when done into $work/NAME.status.
guest() {
	local name=$1 body=$4
	shift 4
	printf '#!/bin/sh\n%s\n' "$body" >"$work/$name script.sh"
	(cd "$work" && "$repo/qemu/run-guest.sh" --quiet "$@" "./$name script.sh") \
		>"$work/$name.out" 2>&1
	echo $? >"$work/$name.status"
}
guest_verdict() {
	local name=$1 want=$2 text=$3 status ok=1
	status=$(cat "$work/$name.status")
	[ "$status" -eq "$want" ] || ok=0
	grep -qE "$text" "$work/$name.out" || ok=0
	check "run-guest: $name (status $status, wanted $want, /$text/)" $ok "$name.out"
}

# A test script for run-tests.sh in directory DIR (relative to $work).
tst() {
	local dir=$1 name=$2
	mkdir -p "$work/$dir"
	printf '#!/bin/sh\n' >"$work/$dir/$name.sh"
	cat >>"$work/$dir/$name.sh"
}

# verdict OUT NAME REGEX: the verdict line of test NAME matches REGEX.
verdict() {
	local line
	line=$(grep -E "^vmtest: (ok  |FAIL) $2[: ]" "$work/$1" | head -n1)
	[[ "$line" =~ $3 ]]
}

# --- a hung guest, in the background --------------------------------------
guest timeout 124 'did not finish' 'sleep 600' --timeout 40 &
hung=$!

# --- one boot, every kind of failure, each charged to its own test --------
G="kinds of failure"
tst "$G" 01-clean <<'EOF'
modprobe vfio_ap && rmmod vfio_ap && rmmod vfio_ap_sim
EOF
tst "$G" 02-script-fails <<'EOF'
echo about to fail; exit 3
EOF
tst "$G" 03-module-init-fails <<'EOF'
set -e; insmod /opt/vfio-ap/harness/harness_nodev.ko; echo unreachable
EOF
tst "$G" 04-kunit-fails <<'EOF'
insmod /opt/vfio-ap/harness/harness_kunit_fail.ko; exit 0
EOF
tst "$G" 05-leaks <<'EOF'
insmod /opt/vfio-ap/harness/harness_leak.ko; exit 0
EOF
tst "$G" 06-clean-leaves-modules <<'EOF'
# Leaves vfio_ap loaded: the runner unloads it.
modprobe vfio_ap && dmesg | grep -q 'vfio_ap: loaded'
EOF
tst "$G" 07-lockdep <<'EOF'
insmod /opt/vfio-ap/harness/harness_lockdep.ko; exit 0
EOF
tst "$G" 08-warning <<'EOF'
insmod /opt/vfio-ap/harness/harness_warn.ko; exit 0
EOF
tst "$G" 09-hangs <<'EOF'
# vmtest: timeout=10
sleep 600
EOF
tst "$G" 10-clean-sees-own-dmesg <<'EOF'
# The log holds only this test's messages: none of the failures above.
! dmesg | grep -qE 'harness_|WARNING|BUG'
EOF
tst "$G" 11-bug <<'EOF'
insmod /opt/vfio-ap/harness/harness_bug.ko; exit 0
EOF
(cd "$work" && "$repo/qemu/run-tests.sh" --jobs 1 --keep-going --logs "$work/logs-kinds" \
	"./$G"/*.sh) >"$work/kinds.out" 2>&1
o=kinds.out
verdict $o 01-clean '^vmtest: ok' ; check "01-clean passes" $((! $?)) $o
verdict $o 02-script-fails 'exited with status 3'; check "02-script-fails: status 3" $((! $?)) $o
verdict $o 03-module-init-fails 'exited with status [1-9]'; check "03-module-init-fails" $((! $?)) $o
verdict $o 04-kunit-fails 'kernel reported problems' &&
	grep -qE 'not ok .*harness_kunit_fails' "$work/logs-kinds/04-kunit-fails.log"
check "04-kunit-fails: failed KUnit test" $((! $?)) $o
verdict $o 05-leaks 'kmemleak: [0-9]+ object'; check "05-leaks: kmemleak, charged to it" $((! $?)) $o
verdict $o 06-clean-leaves-modules '^vmtest: ok'; check "06-clean-leaves-modules passes" $((! $?)) $o
verdict $o 07-lockdep 'kernel reported problems' &&
	grep -q 'possible circular locking dependency' "$work/logs-kinds/07-lockdep.log"
check "07-lockdep: lockdep report" $((! $?)) $o
verdict $o 08-warning 'kernel reported problems' &&
	grep -qE 'WARNING: .*harness_warn' "$work/logs-kinds/08-warning.log"
check "08-warning: WARNING" $((! $?)) $o
verdict $o 09-hangs 'timed out after 10s'; check "09-hangs: its own time limit" $((! $?)) $o
verdict $o 10-clean-sees-own-dmesg '^vmtest: ok'; check "10-clean-sees-own-dmesg passes" $((! $?)) $o
verdict $o 11-bug 'kernel reported problems' &&
	grep -qE 'kernel BUG|Oops' "$work/logs-kinds/11-bug.log"
check "11-bug: BUG" $((! $?)) $o
grep -q '^vmtest: 3 passed, 8 failed, 1 boot(s)' "$work/$o"
check "kinds of failure: one boot, no other verdict" $((! $?)) $o

# --- as make vmtest: a failing test in the middle of a group --------------
A="own command line"
tst "$A" 1-before <<'EOF'
# vmtest: append=vfio_ap_sim.ap_instructions=0
modprobe vfio_ap_sim && dmesg | grep -q 'AP instructions unavailable'
EOF
# The real load test fails when vfio_ap cannot load: here the simulated
# machine has no AP instructions.
{
	echo '# vmtest: append=vfio_ap_sim.ap_instructions=0'
	cat "$repo/qemu/tests/00-module-load.sh"
} | tst "$A" 2-module-load
tst "$A" 3-after <<'EOF'
# vmtest: append=vfio_ap_sim.ap_instructions=0
modprobe vfio_ap_sim && dmesg | grep -q 'AP instructions unavailable'
EOF
(cd "$work" && "$repo/qemu/run-tests.sh" --jobs 1 --logs "$work/logs-own" "./$A"/*.sh) \
	>"$work/own.out" 2>&1
status=$?
o=own.out
[ $status -eq 1 ]; check "make vmtest style run fails (status $status)" $((! $?)) $o
verdict $o 1-before '^vmtest: ok'; check "1-before passes" $((! $?)) $o
verdict $o 2-module-load 'exited with status 1' &&
	grep -q 'FAIL: modprobe vfio_ap' "$work/logs-own/2-module-load.log"
check "2-module-load fails, named, with its console" $((! $?)) $o
verdict $o 3-after '^vmtest: ok'; check "3-after still runs and passes" $((! $?)) $o
grep -q '^vmtest: 2 passed, 1 failed, 2 boot(s)' "$work/$o"
check "own command line: a fresh boot after the failure" $((! $?)) $o

# --- run-guest.sh passes a failing script's status through -----------------
guest script-fails 3 'exited with status 3' 'echo about to fail; exit 3'
guest_verdict script-fails 3 'exited with status 3'

wait $hung
guest_verdict timeout 124 'did not finish'

echo "harness-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
