#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the s390x test VM, run one shell script in it as root, print everything
# the guest prints, and exit with the script's status.
#
#   qemu/run-guest.sh [options] SCRIPT
#
# The run also fails when the guest kernel reports a problem, even if the
# script succeeded: WARNING, BUG, Oops, panic, a lockdep report, a kmemleak
# report or a failed KUnit test. It never runs longer than --timeout.
#
# Options:
#   --timeout SEC     wall-clock bound for the whole VM (default $VM_TIMEOUT or 300)
#   --append ARGS     extra kernel command line (e.g. module.param=value)
#   --modules DIR     .ko files installed in the guest's module tree, loadable
#                     with modprobe (default: build/testbed)
#   --file SRC:DST    copy a host file into the guest at DST (repeatable)
#   --log FILE        keep the console output in FILE too
#   --kdir DIR        kernel build directory (default: the cached kernel)
#   --quiet           print only the summary and, on failure, the console
#
# In the guest: busybox, the kernel's modules (without the in-tree vfio_ap),
# ours under /lib/modules/$(uname -r)/updates, the production vfio_ap.ko at
# /opt/vfio-ap/prod/vfio_ap.ko when it is built, the harness test modules at
# /opt/vfio-ap/harness/, the simulator's test driver at /opt/vfio-ap/sim-test/,
# the guest-side VFIO client at /usr/bin/vfio-ap-client when it is built,
# the helpers /lib/vfio-ap/lib.sh, and the script at /test/<name>. The guest
# runner (qemu/guest/runner.sh) runs it, then unloads what it left loaded:
# a machine that cannot be reset fails the run like a kernel problem.
#
# Exit status: the script's own status if it failed; 0 if it passed and the
# kernel stayed clean; 100 if the kernel reported a problem; 124 if the VM did
# not finish in time or died before the script ended; 125 for a harness error.
set -euo pipefail
LOG_TAG=run-guest
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/../scripts/lib.sh"
# shellcheck source=qemu/vm-lib.sh
. "$REPO_ROOT/qemu/vm-lib.sh"

timeout_s=${VM_TIMEOUT:-300}
append=
module_dirs=()
files=()
keep_log=
kdir=${KDIR:-}
quiet=
script=

while [ $# -gt 0 ]; do
	case "$1" in
	--timeout) timeout_s=$2; shift 2 ;;
	--append) append="$append $2"; shift 2 ;;
	--modules) module_dirs+=("$2"); shift 2 ;;
	--file) files+=("$2"); shift 2 ;;
	--log) keep_log=$2; shift 2 ;;
	--kdir) kdir=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	-h|--help) awk 'NR > 2 && !/^#/ { exit } NR > 2 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	-*) echo "run-guest: unknown option $1 (see --help)" >&2; exit 125 ;;
	*) script=$1; shift; [ $# -eq 0 ] || { echo "run-guest: one script only" >&2; exit 125; } ;;
	esac
done
[ -n "$script" ] || { echo "usage: qemu/run-guest.sh [options] SCRIPT (see --help)" >&2; exit 125; }
if [ ! -f "$script" ] || [ ! -r "$script" ]; then
	echo "run-guest: cannot read script $script" >&2
	exit 125
fi
[ ${#module_dirs[@]} -gt 0 ] || module_dirs=("$REPO_ROOT/build/testbed")

vm_setup || exit 125

work=$(mktemp -d "${TMPDIR:-/tmp}/vfio-ap-guest.XXXXXX")
trap 'rm -rf "$work"' EXIT
base=$(vm_base "${module_dirs[@]}") || exit 125

ov=$work/ov
name=$(basename "$script")
mkdir -p "$ov/etc/vmtest" "$ov/test"
install -m 0755 "$script" "$ov/test/$name"
for f in "${files[@]}"; do
	src=${f%%:*} dst=${f#*:}
	[ -e "$src" ] || { echo "run-guest: --file $src does not exist" >&2; exit 125; }
	mkdir -p "$ov/$(dirname "$dst")"
	cp -a "$src" "$ov/$dst"
done
# No time limit in the guest: --timeout bounds the whole VM.
echo "999999 /test/$name" >"$ov/etc/vmtest/tests"
printf 'LEAK_SCAN=0\nKEEP_GOING=0\n' >"$ov/etc/vmtest/conf"
vm_overlay "$ov" "$work/overlay.cpio.gz"

# --- boot ----------------------------------------------------------------------
log=$work/console.log
live=1
[ -z "$quiet" ] || live=0
vm_boot "$base" "$work/overlay.cpio.gz" "$log" "$append" \
	"$timeout_s" "$timeout_s" "$timeout_s" "$live" "$timeout_s"
[ -z "$keep_log" ] || cp "$log" "$keep_log"

# --- verdict -------------------------------------------------------------------
vm_parse "$log" "$work/parsed"
markers=$work/parsed/markers
problems=$(cat "$work/parsed/boot" "$work/parsed/test.1" 2>/dev/null | vm_problems /dev/stdin |
	grep -av "$VM_TS vmtest: " || true)
end=$(grep -m1 '^end 1 status=' "$markers" || true)
reset=$(grep -m1 '^reset 1 ' "$markers" | cut -d' ' -f3- || true)

status=0
if [ -z "$end" ]; then
	verdict="the guest did not finish the script (timeout after ${timeout_s}s, crash or hang)"
	status=124
else
	rc=${end#end 1 status=}
	rc=${rc%% *}
	if [ "$rc" -ne 0 ]; then
		verdict="the script exited with status $rc"
		status=$rc
	elif [ -n "$problems" ]; then
		verdict="the script passed but the kernel reported problems"
		status=100
	elif [ "$reset" != ok ]; then
		verdict="the script passed but the machine could not be reset after it: ${reset#FAILED: }"
		status=100
	else
		verdict="the script passed and the kernel stayed clean"
	fi
fi
[ "$status" -eq 0 ] || [ -z "$quiet" ] || cat "$log"
echo "run-guest: $name: $verdict (${vm_elapsed}s)"
if [ -n "$problems" ]; then
	echo "run-guest: kernel problems:"
	printf '%s\n' "$problems" | sed 's/^/    /'
	[ "$status" -ne 0 ] || status=100
fi
exit "$status"
