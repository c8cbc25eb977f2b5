#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the test VM harness itself: every kind of failure that
# qemu/run-guest.sh must catch is injected once, and the harness's verdict is
# checked. A harness that passes a broken run would hide every later bug.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
guest=$repo/qemu/run-guest.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/vfio-ap harness.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0

# case NAME EXPECTED_STATUS EXPECTED_TEXT SCRIPT_TEXT [run-guest options...]
# EXPECTED_STATUS is a number or "nonzero"; EXPECTED_TEXT must appear in the
# harness output (empty: no check).
case_() {
	local name=$1 want=$2 text=$3 body=$4
	shift 4
	local script="$work/$name script.sh" out="$work/$name.out" status
	printf '#!/bin/sh\n%s\n' "$body" >"$script"
	local start=$SECONDS
	# Run from another directory with a relative path that has a space in it:
	# the harness must accept any script path.
	(cd "$work" && "$guest" --quiet "$@" "./$name script.sh") >"$out" 2>&1
	status=$?
	local ok=1
	if [ "$want" = nonzero ]; then
		[ "$status" -ne 0 ] || ok=0
	else
		[ "$status" -eq "$want" ] || ok=0
	fi
	if [ -n "$text" ] && ! grep -qE "$text" "$out"; then
		ok=0
	fi
	if [ $ok -eq 1 ]; then
		echo "ok: $name (status $status, $((SECONDS - start))s)"
		passed=$((passed + 1))
	else
		echo "FAILED: $name: status $status (wanted $want), text /$text/ expected; output:"
		sed 's/^/    | /' "$out"
		failed=$((failed + 1))
	fi
}

case_ clean-run 0 'kernel stayed clean' \
	'modprobe vfio_ap && rmmod vfio_ap && rmmod vfio_ap_sim'
case_ script-fails 3 'exited with status 3' 'echo about to fail; exit 3'
case_ kernel-warning 100 'WARNING: .*harness_warn' \
	'insmod /opt/vfio-ap/harness/harness_warn.ko; exit 0'
case_ lockdep-report 100 'possible circular locking dependency' \
	'insmod /opt/vfio-ap/harness/harness_lockdep.ko; exit 0'
case_ kunit-failure 100 'not ok .*harness_kunit_fails' \
	'insmod /opt/vfio-ap/harness/harness_kunit_fail.ko; exit 0'
case_ kernel-bug 100 'kernel BUG|Oops' \
	'insmod /opt/vfio-ap/harness/harness_bug.ko; exit 0'
case_ module-load-fails nonzero 'exited with status' \
	'set -e; insmod /opt/vfio-ap/harness/harness_nodev.ko; echo unreachable'
# The real load test must fail when vfio_ap cannot load: here the simulated
# machine is told to have no AP instructions.
case_ vfio_ap-load-fails 1 'exited with status 1' \
	"$(cat "$repo/qemu/tests/00-module-load.sh")" --append vfio_ap_sim.ap_instructions=0
case_ timeout 124 'did not finish' 'sleep 600' --timeout 45

echo "harness-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
