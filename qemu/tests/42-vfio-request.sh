#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Removing an mdev while a guest holds it open: VFIO blocks the removal and
# calls the driver's request every 10 s. The driver unplugs everything from
# the guest at once, signals the config-change eventfd, and relays the
# request to userspace through the request eventfd (QEMU then unplugs the
# device and closes it); the removal completes when the device is closed.
# Without a request eventfd the driver says the removal is blocked.
. /lib/vfio-ap/lib.sh
set -e

modprobe vfio_ap_sim adapters=4 domains=4,5
modprobe vfio_ap
SIM=/sys/kernel/debug/vfio_ap_sim
T=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
U=42424242-0000-4000-8000-000000000042
echo $U >$T/create
M=/sys/devices/vfio_ap/matrix/$U
echo 0x08,0x0c,0x00 >$M/ap_config
echo vm >$SIM/guests/new

# --- the client answers the request by closing, as QEMU does -------------
client_start vm $U
client_ready vm || { client_out vm; fail "open failed"; }
expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/vm/masks)")" "4" "the guest has adapter 4"
dmesg -c >/dev/null
echo 1 >$M/remove &
remover=$!
client_reap vm
grep -q "^event req total=1" "$(client_dir vm)/out" ||
	{ client_out vm; fail "no request event"; }
pass "the request eventfd fired and the client closed the device"
wait_until 30 client_gone $remover
wait $remover || fail "the removal failed"
[ -e $M ] && fail "the mdev is still there"
pass "the removal completed once the device was closed"
dmesg | grep -q "vfio_ap_mdev $U: Relaying device request to user (#0)" ||
	{ dmesg | tail; fail "no 'Relaying device request' notice"; }
pass "the driver noted the relayed request"
expect_eq "$(tail -n 2 $SIM/guests/vm/history | head -n 1)" "clear" \
	"the request cleared the guest's CRYCB before the close"

# --- a client that keeps the device open ---------------------------------
echo $U >$T/create
echo 0x08,0x0c,0x00 >$M/ap_config
client_start vm $U --keep-open-on-request
client_ready vm || fail "reopen failed"
echo 1 >$M/remove &
remover=$!
wait_until 30 test "$(client_status vm req)" = 1
pass "the request event reached the client"
expect_eq "$(mask_ids "$(cut -d, -f1 $SIM/guests/vm/masks)")" "" \
	"the guest lost every adapter at the request"
wait_until 10 test "$(client_status vm cfg_chg)" -ge 1
pass "the config-change eventfd fired with it"
kill -0 $remover 2>/dev/null || fail "the removal finished while the device was open"
client_stop vm
wait_until 30 client_gone $remover
[ -e $M ] && fail "the mdev is still there after close"
pass "the removal completed when the client closed the device"

# --- no request eventfd: the driver says the removal is blocked ----------
echo $U >$T/create
client_start vm $U --keep-open-on-request
client_ready vm || fail "reopen failed"
expect_eq "$(client_cmd vm 'irq 0 off')" "irq 0 off: ok" "the request eventfd is deregistered"
dmesg -c >/dev/null
echo 1 >$M/remove &
remover=$!
wait_until 30 sh -c "dmesg | grep -q 'vfio_ap_mdev $U: No device request registered, blocked until released by user'"
pass "no request eventfd: the driver says the removal waits for the user"
client_stop vm
wait_until 30 client_gone $remover

echo vm >$SIM/guests/destroy
rmmod vfio_ap
rmmod vfio_ap_sim
