#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# vfio_ap_sim's guests (KVM stand-ins) through debugfs: create/destroy,
# attach/detach calling the driver's hooks (here the dummy driver's, which
# set and clear the guest's CRYCB masks), errno pass-through, reference
# counts, masks and history, the CRYCB format without APXA, lockdep's
# "kvm->lock", the driver unloading or the guest being destroyed while
# attached, and unloading the simulator with guests present.
. /lib/vfio-ap/lib.sh
set -e

D=/sys/kernel/debug/vfio_ap_sim
G=$D/guests
DUMMY=/opt/vfio-ap/sim-test/sim_dummy_drv.ko
DPARAM=/sys/module/sim_dummy_drv/parameters
U1=11111111-2222-3333-4444-555555555555
U2=aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
Z16=0000000000000000
Z=0x$Z16$Z16$Z16$Z16
NOMASKS=$Z,$Z,$Z

kmemleak_baseline

modprobe vfio_ap_sim adapters=4,5 domains=4,5 control_domains=4,5
expect_eq "$(cat $D/hooks)" none "no hooks without a driver"

# --- guests without a driver --------------------------------------------------
write $G/new g1
for f in attach detach mdevs masks history refs crycb_format; do
	[ -e $G/g1/$f ] || fail "guests/g1/$f missing"
done
expect_eq "$(cat $G/g1/masks)" $NOMASKS "a new guest has empty masks"
expect_eq "$(cat $G/g1/history)" "" "and no history"
expect_eq "$(cat $G/g1/refs)" 1 "one reference: the simulator's"
expect_eq "$(cat $G/g1/crycb_format)" 2 "CRYCB format 2 with APXA"
write_fails "No such device" $G/g1/attach $U1
write_fails "File exists" $G/new g1
for bad in new destroy "a/b" "" "$(printf '%040d' 0)" "a b"; do
	write_fails "Invalid argument" $G/new "$bad"
done
write_fails "No such file or directory" $G/destroy nosuch

# --- attach and detach through the dummy driver's hooks -----------------------
insmod $DUMMY hooks=1 guest_apm=+4-5 guest_aqm=+4 guest_adm=+4,+0x47
expect_eq "$(cat $D/hooks)" registered "the dummy registered hooks"
write $G/new g2
mark
write $G/g1/attach $U1
expect_eq "$(since)" "sim_dummy: attach $U1 rc=0" "attach hook called"
expect_eq "$(cat $G/g1/masks)" "0x0c${Z16#00}$Z16$Z16$Z16,0x08${Z16#00}$Z16$Z16$Z16,0x08${Z16#00}01${Z16#00}$Z16$Z16" \
	"the hook set the masks"
expect_eq "$(cat $G/g1/history)" "set $(cat $G/g1/masks)" "history: one set"
expect_eq "$(cat $G/g1/mdevs)" $U1 "mdevs lists the attachment"
expect_eq "$(cat $G/g1/refs)" 3 "references: simulator, attachment, driver"
grep -q 'kvm->lock' /proc/lockdep || fail "lockdep does not know kvm->lock"
pass "lockdep tracks the guest lock as kvm->lock"

write_fails "Device or resource busy" $G/g2/attach $U1
mark
write_fails "Operation not permitted" $G/g1/attach $U2
expect_eq "$(since)" "sim_dummy: attach $U2 rc=-1" "hook's -EPERM passed through"
expect_eq "$(cat $G/g1/mdevs)" $U1 "failed attach not listed"
expect_eq "$(cat $G/g1/refs)" 3 "failed attach dropped its reference"
write $DPARAM/attach_errno 5
write_fails "Input/output error" $G/g2/attach $U2
write $DPARAM/attach_errno 0
expect_eq "$(cat $G/g2/refs)" 1 "g2 unchanged by the failed attach"
for bad in nonsense 11111111-2222-3333-4444 "$U1 x"; do
	write_fails "Invalid argument" $G/g1/attach "$bad"
	write_fails "Invalid argument" $G/g1/detach "$bad"
done
write_fails "No such file or directory" $G/g1/detach $U2
write_fails "No such file or directory" $G/g2/detach $U1

mark
write $G/g1/detach $U1
expect_eq "$(since)" "sim_dummy: detach $U1" "detach hook called"
expect_eq "$(cat $G/g1/masks)" $NOMASKS "the hook cleared the masks"
expect_eq "$(tail -n 1 $G/g1/history)" clear "history: then a clear"
expect_eq "$(wc -l <$G/g1/history)" 2 "history has both calls"
expect_eq "$(cat $G/g1/mdevs)" "" "no attachment left"
expect_eq "$(cat $G/g1/refs)" 1 "every reference returned"
write $G/g1/history clear
expect_eq "$(cat $G/g1/history)" "" "history cleared"

# --- destroying an attached guest detaches it first --------------------------
write $G/g1/attach $U1
mark
write $G/destroy g1
expect_eq "$(since)" "sim_dummy: detach $U1" "destroy detached the guest"
[ ! -e $G/g1 ] || fail "guests/g1 stayed"
write $G/new g1
expect_eq "$(cat $G/g1/refs)" 1 "a name can be reused"
write $G/g1/attach $U1
pass "the UUID is free again"

# --- the driver going away detaches everything -------------------------------
write $G/g2/attach $U2
mark
rmmod sim_dummy_drv
expect_eq "$(since | grep detach | sort | tr '\n' ' ')" \
	"sim_dummy: detach $U1 sim_dummy: detach $U2 " \
	"clearing the hooks detached both guests"
expect_eq "$(cat $G/g1/mdevs)$(cat $G/g2/mdevs)" "" "no attachments left"
expect_eq "$(cat $G/g2/refs)" 1 "g2's references returned"
expect_eq "$(cat $D/hooks)" none "hooks cleared"
write_fails "No such device" $G/g2/attach $U2

# --- unloading with guests present -------------------------------------------
rmmod vfio_ap_sim
module_loaded vfio_ap_sim && fail "vfio_ap_sim still loaded"
pass "unload with guests present"

# --- without APXA: CRYCB format 1 keeps IDs 0-63 of apm, 0-15 of aqm/adm ---
modprobe vfio_ap_sim apxa=0 adapters=4 domains=4 control_domains=4
insmod $DUMMY hooks=1 guest_apm=+4,+70 guest_aqm=+4,+20 guest_adm=+15,+16
write $G/new g3
expect_eq "$(cat $G/g3/crycb_format)" 1 "CRYCB format 1 without APXA"
write $G/g3/attach $U1
expect_eq "$(cat $G/g3/masks)" "0x08${Z16#00}$Z16$Z16$Z16,0x08${Z16#00}$Z16$Z16$Z16,0x0001${Z16#0000}$Z16$Z16$Z16" \
	"format 1 truncates the masks"
rmmod sim_dummy_drv
write $G/destroy g3
rmmod vfio_ap_sim

kmemleak_check
