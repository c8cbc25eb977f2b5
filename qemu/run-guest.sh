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
# the helpers /lib/vfio-ap/lib.sh, and the script at /test/<name>.
#
# Exit status: the script's own status if it failed; 0 if it passed and the
# kernel stayed clean; 100 if the kernel reported a problem; 124 if the VM did
# not finish in time or died before the script ended; 125 for a harness error.
set -euo pipefail
LOG_TAG=run-guest
. "$(dirname "$0")/../scripts/lib.sh"

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
	-h|--help) sed -n '3,36p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run-guest: unknown option $1 (see --help)" >&2; exit 125 ;;
	*) script=$1; shift; [ $# -eq 0 ] || { echo "run-guest: one script only" >&2; exit 125; } ;;
	esac
done
[ -n "$script" ] || { echo "usage: qemu/run-guest.sh [options] SCRIPT (see --help)" >&2; exit 125; }
[ -f "$script" ] && [ -r "$script" ] || { echo "run-guest: cannot read script $script" >&2; exit 125; }
[ ${#module_dirs[@]} -gt 0 ] || module_dirs=("$REPO_ROOT/build/testbed")

if [ -z "$kdir" ]; then
	kdir=$("$REPO_ROOT/scripts/kernel.sh" kdir)
fi
kimage=$kdir/arch/s390/boot/bzImage
[ -f "$kdir/.vfio-ap-complete" ] || [ -f "$kimage" ] ||
	{ echo "run-guest: no kernel in $kdir; run 'make kernel' first" >&2; exit 125; }
busybox=$VFIO_AP_CACHE/guest/busybox
[ -x "$busybox" ] || { echo "run-guest: no s390x busybox; run scripts/setup-deps.sh" >&2; exit 125; }
krel=$(cat "$kdir/include/config/kernel.release")

work=$(mktemp -d "${TMPDIR:-/tmp}/vfio-ap-guest.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root

# --- initramfs ---------------------------------------------------------------
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,test,lib/vfio-ap,opt/vfio-ap}
install -m 0755 "$busybox" "$root/bin/busybox"
moddir=$root/lib/modules/$krel
mkdir -p "$root/lib/modules"
if [ -d "$kdir/modroot/lib/modules/$krel" ]; then
	cp -a "$kdir/modroot/lib/modules/$krel" "$moddir"
	rm -f "$moddir"/build "$moddir"/source
	# Ours replaces the in-tree driver; the two must never meet.
	find "$moddir/kernel" -name 'vfio_ap.ko*' -delete
fi
mkdir -p "$moddir/updates"
for d in "${module_dirs[@]}"; do
	[ -d "$d" ] || continue
	find "$d" -maxdepth 1 -name '*.ko' -exec cp {} "$moddir/updates/" \;
done
if [ -f "$REPO_ROOT/build/prod/vfio_ap.ko" ]; then
	mkdir -p "$root/opt/vfio-ap/prod"
	cp "$REPO_ROOT/build/prod/vfio_ap.ko" "$root/opt/vfio-ap/prod/"
fi
if compgen -G "$REPO_ROOT/build/harness/*.ko" >/dev/null; then
	mkdir -p "$root/opt/vfio-ap/harness"
	cp "$REPO_ROOT"/build/harness/*.ko "$root/opt/vfio-ap/harness/"
fi
if [ -x "$REPO_ROOT/build/client/vfio-ap-client" ]; then
	install -m 0755 "$REPO_ROOT/build/client/vfio-ap-client" "$root/usr/bin/vfio-ap-client"
fi
if compgen -G "$REPO_ROOT/build/sim-test/*.ko" >/dev/null; then
	mkdir -p "$root/opt/vfio-ap/sim-test"
	cp "$REPO_ROOT"/build/sim-test/*.ko "$root/opt/vfio-ap/sim-test/"
fi
for f in "${files[@]}"; do
	src=${f%%:*} dst=${f#*:}
	[ -e "$src" ] || { echo "run-guest: --file $src does not exist" >&2; exit 125; }
	mkdir -p "$root/$(dirname "$dst")"
	cp -a "$src" "$root/$dst"
done
depmod -b "$root" "$krel" 2>/dev/null || { echo "run-guest: depmod failed" >&2; exit 125; }
cp "$REPO_ROOT/qemu/guest/lib.sh" "$root/lib/vfio-ap/lib.sh"
name=$(basename "$script")
install -m 0755 "$script" "$root/test/$name"

cat >"$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
echo "run-guest: running /test/$name"
cd /test
sh "/test/$name"
echo "VFIO_AP_GUEST_EXIT=\$?"
poweroff -f
INIT
chmod 0755 "$root/init"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$work/initramfs.cpio.gz"

# --- boot ----------------------------------------------------------------------
log=$work/console.log
qemu_cmd=(qemu-system-s390x -M s390-ccw-virtio -cpu max -smp 2 -m 1024
	-nographic -no-reboot -kernel "$kimage" -initrd "$work/initramfs.cpio.gz"
	-append "console=ttysclp0 panic=-1 loglevel=7 slub_debug=FZPU$append")
start=$SECONDS
set +e
if [ -n "$quiet" ]; then
	timeout -k 10 "$timeout_s" "${qemu_cmd[@]}" </dev/null >"$log" 2>&1
else
	timeout -k 10 "$timeout_s" "${qemu_cmd[@]}" </dev/null 2>&1 | tee "$log"
fi
set -e
elapsed=$((SECONDS - start))
[ -z "$keep_log" ] || cp "$log" "$keep_log"

# --- verdict -------------------------------------------------------------------
# Kernel lines carry a printk timestamp; the script's own output does not,
# so the patterns below only ever match what the kernel said.
ts='\[ *[0-9]+\.[0-9]+\]'
problems=$(tr -d '\r' <"$log" | grep -E "$ts" | grep -E \
	-e 'WARNING:|BUG:|Oops|Kernel panic|kernel BUG|Unable to handle kernel' \
	-e 'possible (circular|recursive) locking|inconsistent lock state|possible irq lock inversion' \
	-e 'bad unlock balance|held lock freed|lock held when returning|DEBUG_LOCKS_WARN_ON' \
	-e 'turning off the locking correctness validator|lockdep is turned off|suspicious RCU usage' \
	-e 'list_(add|del) corruption|Redzone|Poison overwritten|Object already free' \
	-e 'new suspected memory leak|rust_panic|panicked at' \
	-e "$ts"'[[:space:]]+(#[[:space:]]+)?not ok ' || true)
exit_line=$(tr -d '\r' <"$log" | grep -aoE 'VFIO_AP_GUEST_EXIT=[0-9]+' | tail -n1 || true)

status=0
if [ -z "$exit_line" ]; then
	verdict="the guest did not finish the script (timeout after ${timeout_s}s, crash or hang)"
	status=124
else
	rc=${exit_line#VFIO_AP_GUEST_EXIT=}
	if [ "$rc" -ne 0 ]; then
		verdict="the script exited with status $rc"
		status=$rc
	elif [ -n "$problems" ]; then
		verdict="the script passed but the kernel reported problems"
		status=100
	else
		verdict="the script passed and the kernel stayed clean"
	fi
fi
[ "$status" -eq 0 ] || [ -z "$quiet" ] || cat "$log"
echo "run-guest: $name: $verdict (${elapsed}s)"
if [ -n "$problems" ]; then
	echo "run-guest: kernel problems:"
	printf '%s\n' "$problems" | sed 's/^/    /'
	[ "$status" -ne 0 ] || status=100
fi
exit "$status"
