#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The figures of a `make stress` run: every "figure: ..." line the tests
# printed, per test, from their logs.
#
#   scripts/stress-figures.sh LOGDIR TEST...
set -uo pipefail
logs=$1
shift
echo "stress: figures"
for t in "$@"; do
	name=$(basename "$t" .sh)
	log=$logs/$name.log
	if [ ! -f "$log" ]; then
		echo "  $name: no log (not run)"
		continue
	fi
	lines=$(grep -a '^figure: ' "$log" | sed 's/^figure: //')
	if [ -z "$lines" ]; then
		echo "  $name: no figures"
	else
		printf '%s\n' "$lines" | sed "s/^/  $name: /"
	fi
done
