#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: every stage in turn, one summary line each with its duration;
# a stage's output goes to build/check/<stage>.log and is shown only when it
# fails. Stops at the first stage that fails (the later ones need it).
#
#   scripts/check.sh [STAGE...]     default: all stages, in this order
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
MAKE=${MAKE:-make}
logs=$REPO/build/check
mkdir -p "$logs"

stages=("$@")
[ ${#stages[@]} -gt 0 ] ||
	stages=(deps hosttest lint build symbols vmtest harness-test)

# The make targets of each stage.
targets() {
	case "$1" in
	build) echo module testbed sim-test-modules harness-modules client guest-clients ;;
	*) echo "$1" ;;
	esac
}

start_all=$SECONDS
for stage in "${stages[@]}"; do
	start=$SECONDS
	# shellcheck disable=SC2046 # a list of targets
	"$MAKE" --no-print-directory -C "$REPO" $(targets "$stage") >"$logs/$stage.log" 2>&1
	status=$?
	secs=$((SECONDS - start))
	# vmtest and harness-test end with a count worth seeing.
	detail=
	case "$stage" in
	vmtest|harness-test)
		detail=$(grep -E '^(vmtest|harness-test): [0-9]+ passed' "$logs/$stage.log" | tail -n1)
		;;
	esac
	if [ $status -eq 0 ]; then
		echo "check: $stage ok ${secs}s${detail:+ ($detail)}"
	else
		echo "check: $stage FAILED ${secs}s${detail:+ ($detail)}; its output ($logs/$stage.log):"
		sed "s/^/  | /" "$logs/$stage.log"
		echo "check: FAILED at $stage after $((SECONDS - start_all))s"
		exit 1
	fi
done
echo "check: all passed in $((SECONDS - start_all))s"
