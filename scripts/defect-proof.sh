#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Shows that the regression tests of the upstream defects can fail: each
# qemu/defects/N-*.patch puts 7.3's behaviour back into a copy of the
# sources; the testbed modules are built from that copy and the test the
# patch names ("Test: NAME", its first line) must FAIL with them. Then the
# same test must pass with the real build. Documentation/upstream-defects.md.
#
#   scripts/defect-proof.sh [--check] [N...]   default: every patch
#
# --check only verifies that every patch still applies (make lint).
# Exit status: 0 if every broken build was caught, 1 otherwise.
set -uo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
MAKE=${MAKE:-make}
check_only=0
if [ "${1:-}" = --check ]; then
	check_only=1
	shift
fi
patches=()
if [ $# -eq 0 ]; then
	patches=("$REPO"/qemu/defects/*.patch)
else
	for n in "$@"; do
		p=$(ls "$REPO"/qemu/defects/"$n"-*.patch 2>/dev/null | head -n1)
		[ -n "$p" ] || { echo "defect-proof: no patch qemu/defects/$n-*.patch" >&2; exit 2; }
		patches+=("$p")
	done
fi

status=0
for p in "${patches[@]}"; do
	if ! git -C "$REPO" apply --check "$p" 2>/dev/null; then
		echo "defect-proof: $(basename "$p") no longer applies: refresh it against the sources" >&2
		status=1
	fi
done
[ $check_only -eq 0 ] || { [ $status -ne 0 ] || echo "defect-proof: ${#patches[@]} patches apply"; exit $status; }
[ $status -eq 0 ] || exit 1

# The real build, for the passing half.
"$MAKE" --no-print-directory -C "$REPO" module testbed sim-test-modules client >"$REPO/build/defect-proof-build.log" 2>&1 ||
	{ cat "$REPO/build/defect-proof-build.log"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/vfio-ap-defect.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=$REPO/build/defects
mkdir -p "$out"
caught=0
declare -A real_of
for p in "${patches[@]}"; do
	name=$(basename "$p" .patch)
	test_name=$(sed -n '1s/^Test: //p' "$p")
	script=$REPO/qemu/tests/$test_name.sh
	[ -f "$script" ] || { echo "defect-proof: $name names no test ($test_name)"; status=1; continue; }
	src=$work/$name
	mkdir -p "$src"
	git -C "$REPO" ls-files -z Makefile Kbuild src scripts | (cd "$REPO" && xargs -0 tar -cf -) | tar -xf - -C "$src"
	(cd "$src" && patch -s -p1 <"$p") || { echo "defect-proof: $name: patch failed"; status=1; continue; }
	if ! "$MAKE" -s -C "$src" testbed >"$out/$name.build.log" 2>&1; then
		echo "defect-proof: $name: the broken build does not build ($out/$name.build.log)"
		status=1
		continue
	fi
	VM_TIMEOUT=${VM_TIMEOUT:-} VMTEST_TESTBED=$src/build/testbed "$REPO"/qemu/run-tests.sh --quiet --jobs 1 \
		--logs "$out/$name" "$script" >"$out/$name.log" 2>&1
	broken=$?
	# The real build's run, once per test.
	if [ -z "${real_of[$test_name]:-}" ]; then
		"$REPO"/qemu/run-tests.sh --quiet --jobs 1 --logs "$out/$test_name.real" "$script" \
			>"$out/$test_name.real.log" 2>&1
		real_of[$test_name]=$?
	fi
	real=${real_of[$test_name]}
	why=$(grep -m1 '^vmtest: FAIL' "$out/$name.log" | sed 's/^vmtest: FAIL [^:]*: //')
	first=$(grep -a -m1 '^FAIL: ' "$out/$name/$test_name.log" 2>/dev/null)
	[ -z "$first" ] || why="$why; $first"
	if [ $broken -eq 1 ] && [ $real -eq 0 ]; then
		caught=$((caught + 1))
		echo "defect-proof: $name: caught by $test_name ($why); passes with the real build"
	elif [ $broken -eq 0 ]; then
		echo "defect-proof: $name: NOT caught: $test_name passed with the broken build"
		status=1
	else
		echo "defect-proof: $name: inconclusive: broken run status $broken, real run status $real ($out/$name.log, $out/$test_name.real.log)"
		status=1
	fi
done
echo "defect-proof: $caught of ${#patches[@]} broken builds caught"
exit $status
