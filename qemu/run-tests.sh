#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run guest test scripts, each in a fresh test VM, and summarise.
#   qemu/run-tests.sh [run-guest options --] SCRIPT...
# Logs of every run are kept in build/vmtest/<name>.log.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
opts=()
if [[ " $* " == *" -- "* ]]; then
	while [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
fi
logs=$repo/build/vmtest
mkdir -p "$logs"
passed=0 failed=0 failures=()
for t in "$@"; do
	name=$(basename "$t" .sh)
	if "$repo/qemu/run-guest.sh" --quiet --log "$logs/$name.log" "${opts[@]}" "$t"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$name")
	fi
	grep -E '^(PASS|FAIL):' "$logs/$name.log" | tr -d '\r' | sed "s/^/  $name: /"
done
[ $failed -eq 0 ] || echo "vmtest: failed: ${failures[*]}"
echo "vmtest: $passed passed, $failed failed"
[ $failed -eq 0 ]
