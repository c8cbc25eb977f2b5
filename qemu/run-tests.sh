#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run guest test scripts in the test VM, in as few boots as is sound, and give
# every test its own verdict.
#
#   qemu/run-tests.sh [options] SCRIPT...
#
# Tests that need nothing special share one boot (in the order given); the
# guest runner (qemu/guest/runner.sh) runs them one after another, resets the
# machine between them and marks each in the kernel log. Every test fails on
# its own: its script's status, the kernel problems in its own slice of the
# kernel log (WARNING, BUG, Oops, lockdep, failed KUnit, list or slab damage,
# ...), a state the runner cannot reset, or kmemleak objects allocated while
# it ran (one scan at the end of each boot covers every test in it). After a
# test that failed, hung, tainted the kernel or turned lockdep off, the rest
# of its group runs in a fresh boot.
#
# A test's header comment may ask for (Documentation/testing.md):
#   # vmtest: boot=own          a boot of its own
#   # vmtest: append=ARGS       extra kernel command line (tests with the same
#                               ARGS share a boot)
#   # vmtest: timeout=SEC       its time limit (default 300)
#   # vmtest: timeout_long=SEC  its time limit with --long (default: timeout)
#   # vmtest: long              it has a long form (run by `make stress`)
#
# Options:
#   --logs DIR        where the logs go (default build/vmtest): NAME.log per
#                     test (its slice of the console), boot-N.log per boot
#   --keep-going      go on in the same boot after a failing test as long as
#                     the machine can be reset (for the harness's own tests)
#   --quiet           no per-test progress lines, only failures and the summary
#   --long            the long forms: the tests see VMTEST_MODE=long (else
#                     quick) and get their timeout_long (`make stress`)
#   --jobs N          run the tests in N VMs at once (default: $VMTEST_JOBS,
#                     else 2 on a machine with 2 or more CPUs): a guest spends
#                     most of its time in one TCG thread, so two VMs on two
#                     cores take about half the time of one. Tests are dealt
#                     out longest first, by the durations of the last run
#                     (build/vmtest/durations)
#
# Exit status: 0 if every test passed, 1 otherwise, 125 for a harness error.
set -uo pipefail
LOG_TAG=run-tests
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
# shellcheck source=qemu/vm-lib.sh
. "$REPO_ROOT/qemu/vm-lib.sh"

logs=$REPO_ROOT/build/vmtest
keep_going=0
quiet=
mode=quick
jobs=${VMTEST_JOBS:-}
part=
tests=()
while [ $# -gt 0 ]; do
	case "$1" in
	--logs) logs=$2; shift 2 ;;
	--keep-going) keep_going=1; shift ;;
	--quiet) quiet=1; shift ;;
	--long) mode=long; shift ;;
	--jobs) jobs=$2; shift 2 ;;
	--part) part=$2; shift 2 ;;	# internal: one of the parallel runs
	-h|--help) awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	-*) echo "run-tests: unknown option $1 (see --help)" >&2; exit 125 ;;
	*) tests+=("$1"); shift ;;
	esac
done
[ ${#tests[@]} -gt 0 ] || { echo "usage: qemu/run-tests.sh [options] SCRIPT... (see --help)" >&2; exit 125; }
if [ -z "$jobs" ]; then
	jobs=1
	[ "$(nproc 2>/dev/null || echo 1)" -lt 2 ] || jobs=2
fi
[ "$jobs" -ge 1 ] 2>/dev/null || { echo "run-tests: bad --jobs $jobs" >&2; exit 125; }
[ "$jobs" -le "${#tests[@]}" ] || jobs=${#tests[@]}
vm_setup || exit 125
# VMTEST_TESTBED: another build of the testbed modules (scripts/defect-proof.sh).
base=$(vm_base "${VMTEST_TESTBED:-$REPO_ROOT/build/testbed}") || exit 125

mkdir -p "$logs"
[ -n "$part" ] || rm -f "$logs"/*.log
work=$(mktemp -d "${TMPDIR:-/tmp}/vfio-ap-tests.XXXXXX")
trap 'rm -rf "$work"' EXIT

# merge_durations FILE...: this run's "NAME SECONDS" lines replace those of
# the same tests in $logs/durations; the other tests keep theirs.
merge_durations() {
	local f=$logs/durations
	cat "$@" 2>/dev/null | awk 'FNR == NR { new[$1] = $2; next } !($1 in new) { print }
		END { for (t in new) print t, new[t] }' - "$f" 2>/dev/null | sort >"$f.new" ||
		cat "$@" 2>/dev/null | sort >"$f.new"
	mv "$f.new" "$f"
	rm -f "$@"
}

# --- several VMs at once: deal the tests out, run a part each, add up -----
if [ "$jobs" -gt 1 ]; then
	durations=$logs/durations
	declare -A load share
	for k in $(seq 1 "$jobs"); do load[$k]=0; share[$k]=; done
	# Longest first (unknown tests count 30 s), each to the least loaded part.
	while read -r secs t; do
		best=1
		for k in $(seq 2 "$jobs"); do
			[ "${load[$k]}" -lt "${load[$best]}" ] && best=$k
		done
		load[$best]=$((load[$best] + secs))
		share[$best]+="$t"$'\n'
	done < <(for t in "${tests[@]}"; do
		secs=$( [ -f "$durations" ] && awk -v n="$(basename "$t" .sh)" '$1 == n { print $2 }' "$durations")
		echo "${secs:-30} $t"
	done | sort -k1,1nr)
	start_all=$SECONDS
	opts=()
	[ "$keep_going" -eq 0 ] || opts+=(--keep-going)
	[ -z "$quiet" ] || opts+=(--quiet)
	[ "$mode" = quick ] || opts+=(--long)
	for k in $(seq 1 "$jobs"); do
		mapfile -t list < <(printf '%s' "${share[$k]}" | sort)
		"$0" --jobs 1 --part "$k" --logs "$logs" "${opts[@]}" "${list[@]}" \
			>"$work/part-$k.out" 2>&1 &
	done
	status=0
	wait || status=1
	for k in $(seq 1 "$jobs"); do
		grep -v '^vmtest: [0-9]* passed' "$work/part-$k.out" | sed "s/^vmtest: boot /vmtest: VM $k boot /"
		grep -q '^vmtest: [0-9]* passed, 0 failed' "$work/part-$k.out" || status=1
	done
	awk '/^vmtest: [0-9]+ passed/ { p += $2; f += $4; b += $6 }
		END { printf "%d %d %d\n", p, f, b }' "$work"/part-*.out | {
		read -r p f b
		echo "vmtest: $p passed, $f failed, $b boot(s) in $jobs VMs at once, $((SECONDS - start_all))s"
	}
	merge_durations "$logs"/durations.part-*
	exit $status
fi

# header SCRIPT KEY: the value of "# vmtest: KEY=VALUE" in the script's
# leading comment block.
header() {
	awk -v key="$2" '
		!/^#/ { exit }
		$0 ~ "^# vmtest: " key "=" { sub("^# vmtest: " key "=", ""); print; exit }' "$1"
}

# --- plan: one group per kernel command line; boot=own tests alone --------
declare -A group_of limit_of append_of
groups=()
names=()
for t in "${tests[@]}"; do
	if [ ! -f "$t" ] || [ ! -r "$t" ]; then
		echo "run-tests: cannot read $t" >&2
		exit 125
	fi
	name=$(basename "$t" .sh)
	[ -z "${limit_of[$name]:-}" ] || { echo "run-tests: two tests named $name" >&2; exit 125; }
	names+=("$name")
	limit=$(header "$t" timeout)
	if [ "$mode" = long ]; then
		limit=$(header "$t" timeout_long || true)
		[ -n "$limit" ] || limit=$(header "$t" timeout)
	fi
	limit_of[$name]=${limit:-300}
	append=$(header "$t" append)
	append_of[$name]=${append:+ $append}
	if [ "$(header "$t" boot)" = own ]; then
		g="own:$name"
	else
		g="append:$append"
	fi
	if [ -z "${group_of[$g]+set}" ]; then
		groups+=("$g")
		group_of[$g]=
	fi
	group_of[$g]+="$t"$'\n'
done

passed=0 failed=0 boots=0 failures=()
start_all=$SECONDS

# report NAME VERDICT SECONDS [DETAIL FILE]: one test's result.
report() {
	local name=$1 verdict=$2 secs=$3 detail=${4:-}
	if [ "$verdict" = ok ]; then
		passed=$((passed + 1))
		[ -n "$quiet" ] || echo "vmtest: ok   $name (${secs}s)"
	else
		failed=$((failed + 1))
		failures+=("$name")
		echo "vmtest: FAIL $name: $verdict (${secs}s)"
		if [ -n "$detail" ] && [ -s "$detail" ]; then
			echo "vmtest: --- console of $name (build log: $logs/$name.log) ---"
			sed 's/^/    | /' "$detail"
			echo "vmtest: --- end of $name ---"
		fi
	fi
}

# Marker value: "marker FILE WORD I" prints the rest of the line of marker
# "WORD I ...".
marker() {
	awk -v w="$2" -v i="$3" '$1 == w && $2 == i { $1 = ""; $2 = ""; sub(/^  /, ""); print; exit }' "$1"
}

# run_boot LIST...: one boot for these tests; sets "rest" to the tests that
# still need a boot (after a stop).
run_boot() {
	local list=("$@") boot_dir overlay log i t name limits=()
	local n=${#list[@]}
	boots=$((boots + 1))
	boot_dir=$work/boot-$boots
	mkdir -p "$boot_dir/ov/etc/vmtest" "$boot_dir/ov/test"
	for t in "${list[@]}"; do
		name=$(basename "$t" .sh)
		limits+=("${limit_of[$name]}")
		echo "${limit_of[$name]} /lib/vfio-ap/tests/$(basename "$t")" >>"$boot_dir/ov/etc/vmtest/tests"
		install -D -m 0755 "$t" "$boot_dir/ov/lib/vfio-ap/tests/$(basename "$t")"
	done
	printf 'LEAK_SCAN=1\nKEEP_GOING=%s\nVMTEST_MODE=%s\n' "$keep_going" "$mode" >"$boot_dir/ov/etc/vmtest/conf"
	overlay=$boot_dir/overlay.cpio.gz
	vm_overlay "$boot_dir/ov" "$overlay"
	log=$logs/boot-${part:+$part-}$boots.log
	local total=180 l
	for l in "${limits[@]}"; do total=$((total + l + 30)); done
	name=$(basename "${list[0]}" .sh)
	vm_boot "$base" "$overlay" "$log" "${append_of[$name]}" 180 30 "$total" 0 "${limits[@]}"
	vm_parse "$log" "$boot_dir/parsed"
	local p=$boot_dir/parsed m=$boot_dir/parsed/markers
	local ran=0 problems verdict status reset leaks secs t0 t1
	local group_problem=
	[ -n "$quiet" ] || echo "vmtest: boot $boots: ${n} test(s), ${vm_elapsed}s${vm_killed:+, killed: $vm_killed}"

	if ! grep -q '^start ' "$m"; then
		group_problem="the guest never started its tests (${vm_killed:-crashed at boot})"
	elif [ -n "$(vm_problems "$p/boot")" ]; then
		group_problem="the kernel reported problems while booting: $(vm_problems "$p/boot" | head -n3 | tr '\n' ' ')"
	fi
	if [ -n "$group_problem" ]; then
		for t in "${list[@]}"; do
			report "$(basename "$t" .sh)" "not run: boot $boots: $group_problem" 0 "$p/boot"
		done
		rest=()
		return
	fi

	for i in $(seq 1 "$n"); do
		t=${list[i - 1]}
		name=$(basename "$t" .sh)
		grep -q "^begin $i " "$m" || break
		ran=$i
		cp "$p/test.$i" "$logs/$name.log"
		t0=$(grep -aE "$VM_TS vmtest: begin $i " "$p/test.$i" | head -n1 | sed -E 's/^[^[]*\[ *([0-9.]+)\].*/\1/')
		t1=$(grep -aE "$VM_TS" "$p/test.$i" | tail -n1 | sed -E 's/^[^[]*\[ *([0-9.]+)\].*/\1/')
		secs=$(awk -v a="${t0:-0}" -v b="${t1:-0}" 'BEGIN { printf "%.0f", b - a }')
		status=$(marker "$m" end "$i")
		reset=$(marker "$m" reset "$i")
		leaks=$(marker "$m" leaks "$i" | cut -d' ' -f1)
		problems=$(vm_problems "$p/test.$i" | grep -av "$VM_TS vmtest: " || true)
		verdict=ok
		if [ -z "$status" ]; then
			verdict="did not finish: ${vm_killed:-the VM ended (crash or hang)}"
		else
			status=${status#status=}
			status=${status%% *}
			if [ "$status" = 124 ] && grep -q "did not finish within" "$p/test.$i"; then
				verdict="timed out after ${limit_of[$name]}s (killed)"
			elif [ "$status" != 0 ]; then
				verdict="the script exited with status $status"
			elif [ -n "$problems" ]; then
				verdict="the script passed but the kernel reported problems"
			elif [ -n "$reset" ] && [ "$reset" != ok ]; then
				verdict="the machine could not be reset after it: ${reset#FAILED: }"
			fi
		fi
		if [ -n "$leaks" ]; then
			{
				echo "--- kmemleak, at the end of boot $boots ---"
				grep -a "^vmtest: leaked in $name: " "$p/leak" | sed 's/^vmtest: leaked in [^:]*: //'
			} >>"$logs/$name.log"
			[ "$verdict" != ok ] || verdict="kmemleak: $leaks object(s) allocated during the test leaked"
		fi
		if [ -n "$problems" ]; then
			{ echo "--- kernel problems ---"; printf '%s\n' "$problems"; } >>"$logs/$name.log"
		fi
		report "$name" "$verdict" "$secs" "$logs/$name.log"
		echo "$name $secs" >>"$logs/durations.part-${part:-1}"
		grep -q "^stop $i " "$m" && break
	done

	# The leak scan: anything it says beyond the charged leaks fails the group.
	if [ -f "$p/leak" ] || [ "$ran" -gt 0 ]; then
		local lp charged
		charged=$(grep -c '^leaks ' "$m")
		lp=$( [ ! -f "$p/leak" ] || vm_problems "$p/leak" | grep -av "$VM_TS vmtest: " |
			{ if [ "$charged" -gt 0 ]; then grep -av 'new suspected memory leak'; else cat; fi; } || true)
		if ! grep -q '^leak-scan done' "$m"; then
			group_problem="the kmemleak scan did not finish: $(marker "$m" leak-scan FAILED: || true)${vm_killed}"
		elif grep -q '^leaks 0 ' "$m"; then
			group_problem="kmemleak: $(marker "$m" leaks 0) leaked object(s) allocated outside any test"
		elif [ -n "$lp" ]; then
			group_problem="the kernel reported problems during the kmemleak scan: $lp"
		fi
		if [ -n "$group_problem" ]; then
			local which=()
			for i in $(seq 1 "$ran"); do which+=("$(basename "${list[i - 1]}" .sh)"); done
			[ -f "$p/leak" ] && cp "$p/leak" "$logs/boot-$boots-leak-scan.log"
			report "boot-$boots(${which[*]})" "$group_problem" 0 "$p/leak"
		fi
	fi

	rest=()
	if [ "$ran" -lt "$n" ]; then
		if [ "$ran" -eq 0 ]; then
			for t in "${list[@]}"; do
				report "$(basename "$t" .sh)" "not run: boot $boots ended before it" 0
			done
			return
		fi
		rest=("${list[@]:$ran}")
	fi
}

for g in "${groups[@]}"; do
	mapfile -t pending < <(printf '%s' "${group_of[$g]}")
	while [ ${#pending[@]} -gt 0 ]; do
		run_boot "${pending[@]}"
		pending=("${rest[@]}")
	done
done

[ $failed -eq 0 ] || echo "vmtest: failed: ${failures[*]}"
echo "vmtest: $passed passed, $failed failed, $boots boot(s), $((SECONDS - start_all))s"
[ -n "$part" ] || merge_durations "$logs/durations.part-1"
[ $failed -eq 0 ]
