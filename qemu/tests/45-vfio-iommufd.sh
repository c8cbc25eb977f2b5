#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The mdev through its VFIO cdev and an IOAS, as QEMU's iommufd backend opens
# it (the driver's vfio_iommufd_emulated_* ops), with the guest-side client's
# --iommufd mode. Checks: the steps in QEMU's order; the
# bind refused without a KVM (EINVAL) and a failed association fatal; every
# allocation of VFIO_DEVICE_BIND_IOMMUFD failing in turn, with and without
# a KVM; the whole life of an open (the guest's CRYCB, reset, a PQAP(AQIC)
# pinning the NIB, the client's unmap making the driver's dma_unmap unpin
# it, map, close); the errors cases answering as through the group; and a
# request (mdev removal) unplugging the device with a NIB pinned. The
# harness fails the run on any lockdep report or leak.
. /lib/vfio-ap/lib.sh
set -e

D=/sys/kernel/debug/vfio_ap_sim
VM=$D/guests/vm
U=0fd00fd0-1111-4222-8333-444444444444
M=/sys/bus/mdev/devices/$U
OUT=/tmp/client.out

[ -c /dev/iommu ] || fail "no /dev/iommu: the test kernel lacks CONFIG_IOMMUFD"

failslab_setup
kmemleak_baseline
modprobe vfio_ap_sim adapters=4 domains=4,5
modprobe vfio_ap
echo $U >/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
write $M/assign_adapter 4
write $M/assign_domain 4
cdev=$(ls $M/vfio-dev)
[ -c /dev/vfio/devices/"$cdev" ] || fail "no /dev/vfio/devices/$cdev"
pass "devtmpfs made /dev/iommu and /dev/vfio/devices/$cdev"
write $D/guests/new vm

# expect_line PATTERN WHAT: a line of $OUT matches the extended regex.
expect_line() {
	grep -Eq "$1" $OUT || { cat $OUT; fail "$2: no line matching '$1'"; }
	pass "$2"
}
# steps: the open steps $OUT went through, in order.
steps() {
	sed -n 's/^open: \([a-z_0-9 -]*\): .*/\1/p' $OUT | tr '\n' ',' | sed 's/,$//'
}
# pqap_enable: the vCPU's PQAP(AQIC) for 04.0004, ISC 3, NIB 0x100040.
pqap_enable() {
	write $VM/pqap "$((0x03000404)) $((1 << 47 | 3)) 0x100040"
	grep -q '^ret=0 cc=0 ' $VM/pqap || { cat $VM/pqap; fail "AQIC enable refused"; }
}

# --- without a KVM: the bind (open_device) refuses ----------------------------
rc=0
vfio-ap-client --iommufd --no-kvm open $U >$OUT || rc=$?
expect_eq $rc 1 "open --iommufd --no-kvm exits 1"
expect_eq "$(steps)" "cdev,iommufd,kvm_add,bind_iommufd" "steps up to the bind"
expect_line "^open: cdev: ok /dev/vfio/devices/$cdev fd=[0-9]+$" "the cdev"
expect_line '^open: iommufd: ok fd=[0-9]+$' "/dev/iommu"
expect_line '^open: kvm_add: skipped \(--no-kvm\)$' "no association"
expect_eq "$(tail -n 1 $OUT)" "open: bind_iommufd: failed: EINVAL (22)" "open_device without KVM"

# --- a failed association is fatal here (not with the legacy container) -------
rc=0
vfio-ap-client --iommufd --vm nosuch open $U >$OUT || rc=$?
expect_eq $rc 1 "open --iommufd with no such VM exits 1"
expect_eq "$(tail -n 1 $OUT)" "open: kvm_add: failed: ENOENT (2)" "the failed association ends the open"

# --- every allocation of the bind fails in turn ------------------------------
# fail_nth_loop KVM?: runs the open with --fail-nth 1, 2, ... until nothing
# is left to fail; each result must be one of the allowed ones.
fail_nth_loop() {
	local kvm="$1" opt n=1 left result
	[ "$kvm" = kvm ] && opt= || opt=--no-kvm
	while :; do
		rc=0
		vfio-ap-client --iommufd $opt --fail-nth $n open $U </dev/null >$OUT || rc=$?
		left=$(sed -n 's/^open: fail-nth left=//p' $OUT)
		[ -n "$left" ] || { cat $OUT; fail "fail-nth $n ($kvm): no fail-nth line"; }
		result="$rc $(sed -n 's/^open: bind_iommufd: //p' $OUT)"
		[ "$left" -eq 0 ] || break
		echo "fail-nth $n ($kvm): exit $result"
		case "$kvm $result" in
		"kvm 1 failed: ENOMEM (12)" | "kvm 0 ok devid="*) ;;
		"nokvm 1 failed: ENOMEM (12)" | "nokvm 1 failed: EINVAL (22)") ;;
		*) cat $OUT; fail "fail-nth $n ($kvm): exit $result" ;;
		esac
		masks=$(cat $VM/masks)
		expect_eq "$(mask_ids "${masks%%,*}")" "" "fail-nth $n ($kvm): the guest is empty after"
		n=$((n + 1))
		[ $n -lt 100 ] || fail "fail-nth ($kvm): more than 100 allocations?"
	done
	case "$kvm $result" in
	"kvm 0 ok devid="* | "nokvm 1 failed: EINVAL (22)") ;;
	*) cat $OUT; fail "fail-nth $n ($kvm): nothing left to fail, yet exit $result" ;;
	esac
	pass "fail-nth ($kvm): $((n - 1)) allocation(s) of the bind failed in turn"
}
fail_nth_loop nokvm
fail_nth_loop kvm
expect_eq "$(cat $VM/vfio_group)" 0 "no association left behind"

# --- the whole life ------------------------------------------------------------
IN=/tmp/client.in
ST=/tmp/client.status
rm -f $IN && mkfifo $IN
# wait_line PATTERN WHAT: wait up to 30 s for a line of $OUT.
wait_line() {
	i=0
	until grep -Eq "$1" $OUT; do
		i=$((i + 1))
		[ $i -lt 300 ] || { cat $OUT; fail "$2: no line matching '$1' in 30 s"; }
		sleep 0.1
	done
	pass "$2"
}
# ask CMD PATTERN: send a command, wait for its answer.
ask() {
	echo "$1" >&3
	wait_line "$2" "$1 -> $2"
}

write $VM/memslots "0x100000 0x10000"
vfio-ap-client --iommufd --status $ST open $U <$IN >$OUT 2>&1 &
pid=$!
exec 3>$IN
wait_line '^open: (ready|.*failed)' "open ends"
cat $OUT
expect_line '^open: ready$' "open: ready"
expect_eq "$(steps)" "cdev,iommufd,kvm_add,bind_iommufd,ioas_alloc,attach_pt,iova_ranges,map_dma,device_info,irq_info 0,set_irqs 0,irq_info 1,set_irqs 1,reset" \
	"the steps in QEMU's order"
devfd=$(sed -n 's/^open: cdev: ok .* fd=//p' $OUT)
expect_line "^open: kvm_add: ok fd=$devfd$" "the association is made with the device fd"
expect_line '^open: bind_iommufd: ok devid=[0-9]+$' "bound"
expect_line '^open: ioas_alloc: ok id=[0-9]+$' "an IOAS"
expect_line '^open: attach_pt: ok$' "attached to it"
expect_line '^open: iova_ranges: ok ranges=0x0-0xffffffffffffffff alignment=0x1000$' "its IOVA ranges"
expect_line '^open: map_dma: ok iova=0x100000 size=0x10000 pages=16$' "guest RAM mapped"
expect_line '^open: device_info: ok flags=0x21 num_regions=0 num_irqs=2$' "GET_INFO"
expect_line '^open: reset: ok$' "reset at open"
expect_eq "$(cat $ST)" "cfg_chg=0 req=0 open=1" "status file"
expect_eq "$(cat $VM/vfio_group)" 1 "one file associated"
expect_eq "$(cat $VM/hook)" set "open installed the PQAP hook"
masks=$(cat $VM/masks)
expect_eq "$(mask_ids "${masks%%,*}")" 4 "the guest got adapter 4"
masks=${masks#*,}
expect_eq "$(mask_ids "${masks%%,*}")" 4 "and domain 4"

ask info '^info: ok flags=0x21 num_regions=0 num_irqs=2$'
ask reset '^reset: ok$'

pqap_enable
expect_eq "$(cat $VM/pins)" 1 "AQIC pinned the NIB in the IOAS mapping"
expect_eq "$(cut -d' ' -f1 $D/queue_irq)" "04.0004" "the interruption is on"
ask "unmap 0x100000 0x1000" '^unmap: ok iova=0x100000 size=0x1000 unmapped=0x0$'
expect_eq "$(cat $VM/pins)" 1 "iommufd refuses to cut a mapping: nothing unpinned"
ask "unmap 0x300000 0x1000" '^unmap: ok iova=0x300000 size=0x1000 unmapped=0x0$'
ask unmap '^unmap: ok iova=0x100000 size=0x10000 unmapped=0x10000$'
expect_eq "$(cat $VM/pins)" 0 "IOMMU_IOAS_UNMAP: the driver's dma_unmap unpinned the NIB"
expect_eq "$(cat $D/queue_irq)" "" "and turned the interruption off"
ask "map 0x100000 0x10000" '^map: ok iova=0x100000 size=0x10000 pages=16$'
pqap_enable
expect_eq "$(cat $VM/pins)" 1 "pinned again in the new mapping"
write $M/assign_domain 5
wait_line '^event cfg_chg total=1$' "assigning a domain signals the config change"
ask close '^closed$'
rc=0
wait $pid || rc=$?
exec 3>&-
expect_eq $rc 0 "close exits 0"
expect_eq "$(cat $ST)" "cfg_chg=1 req=0 open=0" "status after close"
expect_eq "$(cat $VM/pins)" 0 "close unpinned"
expect_eq "$(cat $VM/hook)" none "close removed the PQAP hook"
expect_eq "$(cat $VM/vfio_group)" 0 "the association is gone"
expect_eq "$(cat $VM/refs)" 1 "the driver and VFIO dropped their VM references"
masks=$(cat $VM/masks)
expect_eq "$(mask_ids "${masks%%,*}")" "" "the guest lost its adapters"
write $M/unassign_domain 5

# --- errors: the same answers as through the group ---------------------------
vfio-ap-client errors $U >$OUT
grep -vE '^(open: |closed$)' $OUT >/tmp/errors.legacy
vfio-ap-client --iommufd errors $U >$OUT
expect_line '^open: attach_pt: ok$' "errors --iommufd attaches through the cdev"
expect_eq "$(tail -n 1 $OUT)" closed "errors --iommufd closes"
grep -vE '^(open: |closed$)' $OUT >/tmp/errors.iommufd
expect_eq "$(wc -l </tmp/errors.iommufd)" 47 "every errors case ran"
if ! diff /tmp/errors.legacy /tmp/errors.iommufd; then
	fail "errors: the cdev answers differ from the group's"
fi
pass "errors: every case answers as through the group"

# --- a request unplugs the device, a NIB pinned ---------------------------------
vfio-ap-client --iommufd open $U <$IN >$OUT 2>&1 &
pid=$!
exec 3>$IN
wait_line '^open: ready$' "open again"
pqap_enable
expect_eq "$(cat $VM/pins)" 1 "a NIB pinned before the request"
echo 1 >$M/remove &
rpid=$!
wait_line '^event req total=1$' "removal relays a request"
wait_line '^closed$' "the client unplugs"
grep '^unplug: ' $OUT >/tmp/unplug.got
cat >/tmp/unplug.want <<'EOF'
unplug: irq 0 off: ok
unplug: irq 1 off: ok
unplug: detach_pt: ok
unplug: unmap: ok iova=0x100000 size=0x10000 unmapped=0x10000
unplug: ioas_destroy: ok
unplug: kvm_del: ok
unplug: iommufd: closed
unplug: device: closed
EOF
if ! diff /tmp/unplug.want /tmp/unplug.got; then
	fail "unplug: not QEMU's iommufd_cdev_detach order"
fi
pass "unplug: QEMU's iommufd_cdev_detach order"
rc=0
wait $pid || rc=$?
exec 3>&-
expect_eq $rc 0 "unplug exits 0"
wait $rpid || fail "removing the mdev failed"
[ ! -e $M ] || fail "the mdev is still there"
pass "the mdev is gone"
expect_eq "$(cat $VM/pins)" 0 "nothing pinned after the unplug"
expect_eq "$(cat $VM/vfio_group)" 0 "no association after the unplug"

write $D/guests/destroy vm
rmmod vfio_ap
rmmod vfio_ap_sim
kmemleak_check
