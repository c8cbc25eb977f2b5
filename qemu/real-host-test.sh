#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Manual test of vfio_ap.ko on a real IBM Z host: a KVM guest gets one AP
# queue through an mdev, and the queue is hot unplugged and plugged again
# while the guest runs. See Documentation/real-host-test.md.
#
#   qemu/real-host-test.sh [options] ADAPTER DOMAIN GUEST_DISK
#
#   ADAPTER, DOMAIN   the queue to pass through, in hex (e.g. 05 0004)
#   GUEST_DISK        a bootable s390x guest disk image (qcow2) with
#                     s390-tools (lszcrypt) installed
# Options:
#   --module KO       our vfio_ap.ko (default: build/prod/vfio_ap.ko)
#   --qemu BIN        qemu-system-s390x (default: from PATH)
#   --uuid UUID       the mdev's UUID (default: a fixed test UUID)
#   --yes             do not stop between the steps
#
# The script does the host side and stops at each step to say what the
# guest must show (run lszcrypt in the guest's console, which this terminal
# becomes once QEMU runs in the background; use the QEMU monitor socket
# /tmp/vfio-ap-test.monitor to quit). Run it as root. It undoes what it did
# on exit: guest stopped, mdev removed, the queue given back to the default
# drivers, our module unloaded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
module=$here/../build/prod/vfio_ap.ko
qemu=qemu-system-s390x
uuid=6a1f7e2c-0d3b-4c59-9e8f-7a6b5c4d3e2f
ask=1

while [ $# -gt 0 ]; do
	case "$1" in
	--module) module=$2; shift 2 ;;
	--qemu) qemu=$2; shift 2 ;;
	--uuid) uuid=$2; shift 2 ;;
	--yes) ask=; shift ;;
	-h|--help) sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -eq 3 ] || { echo "usage: $0 [options] ADAPTER DOMAIN GUEST_DISK" >&2; exit 2; }
adapter=$((16#$1)) domain=$((16#$2)) disk=$3
apqn=$(printf '%02x.%04x' "$adapter" "$domain")
[ "$(id -u)" -eq 0 ] || { echo "run this as root" >&2; exit 2; }
[ "$(uname -m)" = s390x ] || { echo "this is for a real s390x host" >&2; exit 2; }
[ -f "$module" ] || { echo "no module at $module: run 'make KDIR=...' first" >&2; exit 2; }
[ -f "$disk" ] || { echo "no guest disk $disk" >&2; exit 2; }
[ -e /sys/bus/ap ] || { echo "no AP bus: this host has no AP instructions" >&2; exit 2; }

matrix=/sys/devices/vfio_ap/matrix
mdev=$matrix/$uuid
monitor=/tmp/vfio-ap-test.monitor
qemu_pid=

step() {
	echo
	echo "=== $*"
}

check_guest() {
	echo "    in the guest: $*"
	if [ -n "$ask" ]; then
		read -r -p "    press Enter when checked (or Ctrl-C to stop) " _
	else
		sleep 15
	fi
}

cleanup() {
	set +e
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		echo quit | socat - "UNIX-CONNECT:$monitor" >/dev/null 2>&1 || kill "$qemu_pid"
		wait "$qemu_pid"
	fi
	[ -e "$mdev" ] && echo 1 >"$mdev/remove"
	echo "+$adapter" >/sys/bus/ap/apmask
	echo "+$domain" >/sys/bus/ap/aqmask
	grep -q '^vfio_ap ' /proc/modules && rmmod vfio_ap
}
trap cleanup EXIT

step "1. our vfio_ap.ko replaces the in-tree driver"
if grep -q '^vfio_ap ' /proc/modules; then
	rmmod vfio_ap
fi
modprobe vfio mdev 2>/dev/null || true
insmod "$module"
cat $matrix/features

step "2. queue $apqn leaves the default zcrypt drivers and binds to vfio_ap"
echo "-$adapter" >/sys/bus/ap/apmask
echo "-$domain" >/sys/bus/ap/aqmask
sleep 2
[ -e "/sys/bus/ap/drivers/vfio_ap/$apqn" ] ||
	{ echo "queue $apqn did not bind to vfio_ap (is it configured?)" >&2; exit 1; }
echo "    /sys/bus/ap/devices/$apqn/status: $(cat /sys/bus/ap/devices/"$apqn"/status)"

step "3. an mdev with adapter $1 and domain $2"
echo "$uuid" >$matrix/mdev_supported_types/vfio_ap-passthrough/create
echo "0x$1" >"$mdev/assign_adapter"
echo "0x$2" >"$mdev/assign_domain"
echo "    matrix: $(tr '\n' ' ' <"$mdev/matrix")"
echo "    guest_matrix: $(tr '\n' ' ' <"$mdev/guest_matrix")"

step "4. a KVM guest starts with the mdev"
"$qemu" -machine s390-ccw-virtio,accel=kvm -cpu host,ap=on,apqci=on,apft=on \
	-m 2048 -smp 2 -nographic -monitor "unix:$monitor,server,nowait" \
	-drive "file=$disk,if=virtio" \
	-device "vfio-ap,sysfsdev=$mdev" &
qemu_pid=$!
sleep 5
echo "    /sys/bus/ap/devices/$apqn/status: $(cat /sys/bus/ap/devices/"$apqn"/status) (want: in use)"
check_guest "'lszcrypt -V' lists card $1 and queue $apqn (online)"

step "5. hot unplug: the queue is unbound from vfio_ap on the host"
echo "$apqn" >/sys/bus/ap/drivers/vfio_ap/unbind
echo "    guest_matrix: $(tr '\n' ' ' <"$mdev/guest_matrix") (want: empty)"
check_guest "'lszcrypt -V' no longer lists card $1 (the guest's AP bus rescans on the config-change event)"

step "6. hot plug: the queue is bound again"
echo "$apqn" >/sys/bus/ap/drivers/vfio_ap/bind
echo "    guest_matrix: $(tr '\n' ' ' <"$mdev/guest_matrix") (want: $apqn)"
check_guest "'lszcrypt -V' lists card $1 and queue $apqn again"

step "7. unassign and assign the domain while the guest runs"
echo "0x$2" >"$mdev/unassign_domain"
check_guest "'lszcrypt -V' lists no queue $apqn"
echo "0x$2" >"$mdev/assign_domain"
check_guest "'lszcrypt -V' lists queue $apqn again"

step "8. the guest stops; the queue is reset and free again"
echo quit | socat - "UNIX-CONNECT:$monitor" >/dev/null 2>&1 || kill "$qemu_pid"
wait "$qemu_pid" || true
qemu_pid=
echo "    /sys/bus/ap/devices/$apqn/status: $(cat /sys/bus/ap/devices/"$apqn"/status) (want: assigned)"
if dmesg | tail -n 200 | grep -E 'vfio_ap.*(WARNING|did not finish|failed)'; then
	echo "    the kernel log above shows problems" >&2
	exit 1
fi
echo
echo "done: every host-side check passed; the guest-side ones are yours"
