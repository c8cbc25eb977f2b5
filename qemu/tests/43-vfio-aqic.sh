#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# A guest's PQAP(AQIC) through the driver's PQAP hook, driven on the
# simulated VM's vCPU: enabling pins the NIB (the real vfio_pin_pages, in
# the client's DMA mapping) and registers the guest ISC; disabling, closing
# the device, unplugging the queue (unbind, unassign, host removal) and
# unmapping the NIB's memory each turn the interruption off and release both.
# The unplug order is a checked property: the CRYCB update first, then the
# reset that turns the interruption off, then the unpin. And three upstream
# defects: a refused enable releases its new pin and GISC (defect 2); AQIC
# is served only for queues in the guest's shadow (defect 4); the eventfds
# of an mdev removed without deregistering them are released (defect 8).
. /lib/vfio-ap/lib.sh
set -e

kmemleak_baseline
modprobe vfio_ap_sim adapters=4,5 domains=4,5
modprobe vfio_ap
SIM=/sys/kernel/debug/vfio_ap_sim
VM=$SIM/guests/vm
DRV=/sys/bus/ap/drivers/vfio_ap
U=43434343-0000-4000-8000-000000000043
echo $U >/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
M=/sys/devices/vfio_ap/matrix/$U
echo 0x0c,0x0c,0x00 >$M/ap_config
echo vm >$SIM/guests/new
# The client maps its buffer at 0x100000 (64 KiB): guest RAM, for the
# driver's vfio_pin_pages; KVM's memslots cover it.
echo "0x100000 0x10000" >$VM/memslots
client_start vm $U --iommufd
client_ready vm || { client_out vm; fail "the client could not open the mdev"; }

# pqap APQN IR ISC NIB: the vCPU's PQAP(AQIC); prints "<cc> <rc>".
pqap() {
	local gr0=$((0x03000000 | 0x$1)) gr1=$(($2 << 47 | $3))
	echo "$gr0 $gr1 $4" >$VM/pqap
	sed -n 's/^ret=0 cc=\([0-9]\) gr1=0x\([0-9a-f]*\)$/\1 \2/p' $VM/pqap |
		{ read -r cc gr1; echo "$cc $(( (0x$gr1 >> 16) & 0xff ))"; }
}
enable() { pqap "$1" 1 3 "${2:-0x100040}"; }
disable() { pqap "$1" 0 0 0; }
resources() { echo "pins=$(cat $VM/pins) $(cut -d' ' -f1 $VM/gisc)"; }
none="pins=0 refs=0,0,0,0,0,0,0,0"
one="pins=1 refs=0,0,0,1,0,0,0,0"

# --- enable, disable ----------------------------------------------------
expect_eq "$(enable 0404)" "0 0" "AQIC enable of 04.0004: cc 0, rc 00"
expect_eq "$(resources)" "$one" "the NIB is pinned and ISC 3 registered"
expect_eq "$(cut -d' ' -f1,3 $SIM/queue_irq)" "04.0004 isc=5" \
	"the adapter got the host ISC the GIB assigned"
gisa=$(cat $VM/gisa)
grep -q "aqic 04.0004 rc=0x00 ir=1" $SIM/trace || fail "no AQIC in the trace"
expect_eq "$(disable 0404)" "0 0" "AQIC disable of 04.0004"
expect_eq "$(resources)" "$none" "disable released the pin and the ISC"
expect_eq "$(cat $SIM/queue_irq)" "" "the interruption is off"

# Enabling twice replaces the first registration.
enable 0404 >/dev/null
expect_eq "$(enable 0404 0x100080)" "0 0" "a second enable"
expect_eq "$(resources)" "$one" "the first registration was released"
disable 0404 >/dev/null

# --- what the hook refuses -------------------------------------------------
expect_eq "$(enable 0404 0)" "3 6" "NIB 0: invalid address"
expect_eq "$(enable 0404 0x200000)" "3 6" "NIB outside every memslot: invalid address"
echo "0x200000 0x1000" >$VM/memslots
expect_eq "$(enable 0404 0x200000)" "3 6" "NIB in a memslot but not mapped for VFIO: the pin fails"
echo fail=5 >$VM/gisc
expect_eq "$(enable 0404)" "3 6" "GISC registration fails: invalid address"
echo fail=0 >$VM/gisc
expect_eq "$(resources)" "$none" "every refused enable released what it took"
echo 0 >$VM/aiv
write_fails "Operation not supported" $VM/pqap "$((0x03000404)) $((1 << 47 | 3)) 0x100040"
echo 1 >$VM/aiv
pass "without AIV the AQIC goes to userspace (EOPNOTSUPP)"

# Defect 2: the host AQIC refuses (rc 06): 7.3 keeps the new pin and GISC.
echo "04.0004 aqic_rc=0x06 aqic_times=1" >$SIM/queue_script
expect_eq "$(enable 0404)" "3 6" "the adapter refuses the enable"
expect_eq "$(resources)" "$none" "defect 2: the refused enable released its pin and ISC"
# rc 07 (otherwise changed): the old registration stays, the new one goes.
enable 0404 >/dev/null
echo "04.0004 aqic_rc=0x07 aqic_times=1" >$SIM/queue_script
expect_eq "$(enable 0404 0x100080)" "3 7" "the adapter answers otherwise changed"
expect_eq "$(resources)" "$one" "rc 07 keeps the old registration only"
disable 0404 >/dev/null

# Defect 4: a queue assigned and bound, but filtered out of the guest.
echo 05.0005 >$DRV/unbind
expect_eq "$(cat $M/guest_matrix | tr '\n' ' ')" "04.0004 04.0005 " "adapter 5 is filtered"
expect_eq "$(enable 0504)" "3 1" "defect 4: AQIC for 05.0004, not in the guest: rc 01"
expect_eq "$(resources)" "$none" "nothing pinned for a queue the guest does not have"
echo 05.0005 >$DRV/bind

# --- unplugging turns the interruption off, in order ----------------------
# trace_order EVENT...: the events appear in the trace in this order.
trace_order() {
	local prev=0 ev line
	for ev in "$@"; do
		line=$(grep -n -- "$ev" $SIM/trace | head -n 1 | cut -d: -f1)
		[ -n "$line" ] || { cat $SIM/trace; fail "no '$ev' in the trace"; }
		[ "$line" -gt "$prev" ] || { cat $SIM/trace; fail "'$ev' came too early"; }
		prev=$line
	done
}
# The trace shows apm word 0 as a number: adapter n is bit 63 - n.
only_5=0x400000000000000
only_4=0x800000000000000

enable 0404 >/dev/null
echo clear >$SIM/trace
echo 04.0004 >$DRV/unbind
expect_eq "$(resources)" "$none" "unbinding 04.0004 released its interruption"
trace_order "crycb - arg=$only_5" "zapq 04.0004" "unpin - arg=0x100040" "gisc- - arg=0x3"
pass "unbind: the guest lost adapter 4, then the reset turned it off, then the unpin"
echo 04.0004 >$DRV/bind

enable 0504 >/dev/null
echo clear >$SIM/trace
echo 5 >$M/unassign_adapter
expect_eq "$(resources)" "$none" "unassigning adapter 5 released its interruption"
trace_order "crycb - arg=$only_4" "zapq 05.0004" "unpin - arg=0x100040"
pass "unassign: CRYCB, reset, unpin"
echo 5 >$M/assign_adapter

enable 0505 >/dev/null
echo clear >$SIM/trace
echo -5 >$SIM/adapters
expect_eq "$(resources)" "$none" "adapter 5 leaving the host released its interruption"
trace_order "crycb - arg=$only_4" "unpin - arg=0x100040"
grep -q "zapq 05.0005" $SIM/trace && fail "a queue that left the host was reset"
pass "host removal: CRYCB, then unpin (no reset: the queue is gone)"
echo +5 >$SIM/adapters

enable 0404 >/dev/null
expect_prefix "$(client_cmd vm unmap)" "unmap: ok" "the client unmaps its DMA buffer"
expect_eq "$(resources)" "$none" "dma_unmap disabled the interruption and unpinned"
expect_eq "$(cat $SIM/queue_irq)" "" "no interruption left on"
expect_prefix "$(client_cmd vm 'map 0x100000 0x10000')" "map: ok" "mapped again"

enable 0404 >/dev/null
enable 0505 >/dev/null
client_stop vm
expect_eq "$(resources)" "$none" "close released every interruption"
expect_eq "$(cat $SIM/queue_irq)" "" "close turned every interruption off"
echo "$((0x03000404)) $((1 << 47 | 3)) 0x100040" >$VM/pqap
grep -q "^ret=0 cc=3 gr1=0x00010000" $VM/pqap ||
	{ cat $VM/pqap; fail "without a hook KVM answers rc 01 (high half of GR1), cc 3"; }
pass "after close there is no hook: KVM answers rc 01, cc 3"

# --- defect 8: eventfds registered, device closed, mdev removed -----------
# 7.3 keeps the eventfd contexts after close and frees the mdev without
# releasing them: a leak kmemleak reports once the client has exited.
client_start vm $U --iommufd
client_ready vm || fail "reopen failed"
client_stop vm
echo 1 >$M/remove
echo vm >$SIM/guests/destroy
rmmod vfio_ap
rmmod vfio_ap_sim
kmemleak_check
