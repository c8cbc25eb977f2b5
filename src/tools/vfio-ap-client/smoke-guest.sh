#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of vfio-ap-client in the test VM (not a qemu/tests/ test):
#
#   make testbed client
#   qemu/run-guest.sh --file build/client/vfio-ap-client:/usr/bin/vfio-ap-client \
#       src/tools/vfio-ap-client/smoke-guest.sh
#
# Always: the container/group/DMA steps succeed and open_device refuses
# without a KVM (EINVAL); every allocation of VFIO_GROUP_GET_DEVICE_FD fails
# in turn (fail-nth) and leaves the mdev removable and nothing leaked.
# Once the simulator has guests/<vm>/vfio_group (the KVM association), also
# the whole life: open, commands, a config-change event, close, the errors
# cases against Linux 7.3's answers, and a request (mdev removal) unplugging.
. /lib/vfio-ap/lib.sh
set -e

D=/sys/kernel/debug/vfio_ap_sim
U=11111111-2222-3333-4444-555555555555
M=/sys/bus/mdev/devices/$U
OUT=/tmp/client.out

failslab_setup
kmemleak_baseline
modprobe vfio_ap_sim adapters=4,5 domains=4,5 control_domains=4
modprobe vfio_ap
echo $U >/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
write $M/assign_adapter 4
write $M/assign_domain 4
[ -c /dev/vfio/vfio ] || fail "no /dev/vfio/vfio"
[ -c /dev/vfio/"$(basename "$(readlink $M/iommu_group)")" ] || fail "no /dev/vfio/<group>"
pass "devtmpfs made /dev/vfio/vfio and the group node"

# expect_line PATTERN WHAT: a line of $OUT matches the extended regex.
expect_line() {
	grep -Eq "$1" $OUT || { cat $OUT; fail "$2: no line matching '$1'"; }
	pass "$2"
}

# --- without a KVM: everything up to open_device, which refuses -------------
rc=0
vfio-ap-client --no-kvm open $U >$OUT || rc=$?
expect_eq $rc 1 "open --no-kvm exits 1"
for step in iommu_group group group_status container api_version check_extension \
	set_container set_iommu iommu_info map_dma; do
	expect_line "^open: $step: ok" "step $step"
done
expect_line '^open: kvm_add: skipped \(--no-kvm\)$' "no association"
expect_line '^open: get_device_fd: failed: EINVAL \(22\)$' "open_device without KVM"
expect_eq "$(tail -n 1 $OUT)" "open: get_device_fd: failed: EINVAL (22)" "nothing after the failure"

# --- every allocation of VFIO_GROUP_GET_DEVICE_FD fails in turn ---------------
n=1
while :; do
	rc=0
	vfio-ap-client --no-kvm --fail-nth $n open $U >$OUT || rc=$?
	left=$(sed -n 's/^open: fail-nth left=//p' $OUT)
	result=$(sed -n 's/^open: get_device_fd: //p' $OUT)
	[ -n "$left" ] || { cat $OUT; fail "fail-nth $n: no fail-nth line"; }
	[ "$left" -eq 0 ] || break
	echo "fail-nth $n: get_device_fd $result"
	case "$result" in
	"failed: ENOMEM (12)" | "failed: EINVAL (22)") ;;
	*) cat $OUT; fail "fail-nth $n: get_device_fd $result" ;;
	esac
	[ $rc -eq 1 ] || fail "fail-nth $n: exit $rc"
	n=$((n + 1))
	[ $n -lt 100 ] || fail "fail-nth: more than 100 allocations?"
done
expect_eq "$result" "failed: EINVAL (22)" "fail-nth $n: nothing left to fail, EINVAL"
pass "fail-nth: $((n - 1)) allocation(s) of GET_DEVICE_FD failed in turn"

# --- with the KVM association (once the simulator offers it) -----------------
write $D/guests/new vm
if [ ! -e $D/guests/vm/vfio_group ]; then
	rc=0
	vfio-ap-client open $U >$OUT || rc=$?
	expect_eq $rc 1 "open without the simulator's vfio_group exits 1"
	expect_line '^open: kvm_add: failed: ENOENT \(2\)$' "association impossible: reported, not fatal (QEMU)"
	expect_line '^open: get_device_fd: failed: EINVAL \(22\)$' "then open_device refuses"
	echo "SKIP: $D/guests/vm/vfio_group does not exist yet: open, serve and errors not run"
else
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

	vfio-ap-client --status $ST open $U <$IN >$OUT 2>&1 &
	pid=$!
	exec 3>$IN
	wait_line '^open: (ready|.*failed)' "open ends"
	expect_line '^open: ready$' "open: ready"
	expect_line '^open: kvm_add: ok fd=' "associated"
	expect_line '^open: device_info: ok flags=0x21 num_regions=0 num_irqs=2$' "GET_INFO"
	expect_line '^open: irq_info 0: ok count=1 flags=0x1$' "IRQ 0 info"
	expect_line '^open: irq_info 1: ok count=1 flags=0x1$' "IRQ 1 info"
	expect_line '^open: set_irqs 0: ok eventfd=' "IRQ 0 eventfd"
	expect_line '^open: set_irqs 1: ok eventfd=' "IRQ 1 eventfd"
	expect_line '^open: reset: ok$' "reset at open"
	expect_eq "$(cat $ST)" "cfg_chg=0 req=0 open=1" "status file"
	masks=$(cat $D/guests/vm/masks)
	expect_eq "$(mask_ids ${masks%%,*})" 4 "the guest got adapter 4"
	masks=${masks#*,}
	expect_eq "$(mask_ids ${masks%%,*})" 4 "and domain 4"

	ask info '^info: ok flags=0x21 num_regions=0 num_irqs=2$'
	ask reset '^reset: ok$'
	write $M/assign_domain 5
	wait_line '^event cfg_chg total=1$' "assigning a domain signals the config change"
	ask "irq 1 off" '^irq 1 off: ok$'
	write $M/unassign_domain 5
	ask "irq 1 on" '^irq 1 on: ok eventfd='
	write $M/assign_domain 5
	wait_line '^event cfg_chg total=2$' "the new eventfd is signalled"
	ask unmap '^unmap: ok iova=0x100000 size=0x10000 unmapped=0x10000$'
	ask "map 0x100000 0x10000" '^map: ok iova=0x100000 size=0x10000 pages=16$'
	ask bogus "^error: unknown command 'bogus'$"
	ask close '^closed$'
	rc=0
	wait $pid || rc=$?
	exec 3>&-
	expect_eq $rc 0 "close exits 0"
	expect_eq "$(cat $ST)" "cfg_chg=2 req=0 open=0" "status after close"
	masks=$(cat $D/guests/vm/masks)
	expect_eq "$(mask_ids ${masks%%,*})" "" "the guest lost its adapters"

	# errors: every case, against Linux 7.3's answers.
	vfio-ap-client errors $U >$OUT
	grep -vE '^(open: |closed$)' $OUT >/tmp/errors.got
	cat >/tmp/errors.want <<'EOF'
get_info_argsz_0: EINVAL
get_info_argsz_15: EINVAL
get_info_argsz_16: ok argsz=16 flags=0x21 num_regions=0 num_irqs=2 tail=untouched
get_info_argsz_24: ok argsz=24 flags=0x21 num_regions=0 num_irqs=2 tail=untouched
get_info_unmapped: EFAULT
get_info_null: EFAULT
get_info_readonly: EFAULT
irq_info_argsz_0: EINVAL
irq_info_argsz_15: EINVAL
irq_info_index_0: ok count=1 flags=0x1
irq_info_index_1: ok count=1 flags=0x1
irq_info_index_2: EINVAL
irq_info_index_max: EINVAL
irq_info_unmapped: EFAULT
irq_info_readonly: EFAULT
set_irqs_argsz_0: EINVAL
set_irqs_argsz_19: EINVAL
set_irqs_argsz_20: EINVAL
set_irqs_index_2: EINVAL
set_irqs_index_max: EINVAL
set_irqs_unknown_flag: EINVAL
set_irqs_start_1: EINVAL
set_irqs_count_2: EINVAL
set_irqs_count_max: EINVAL
set_irqs_data_none: EINVAL
set_irqs_data_bool: EINVAL
set_irqs_data_two_types: EINVAL
set_irqs_action_none: EINVAL
set_irqs_action_mask: EINVAL
set_irqs_action_unmask: EINVAL
set_irqs_fd_minus_2: EINVAL
set_irqs_fd_devnull: EINVAL
set_irqs_fd_not_open: EBADF
set_irqs_unmapped: EFAULT
set_irqs_fd_unreadable: EFAULT
set_irqs_eventfd_0: ok
set_irqs_eventfd_1: ok
set_irqs_eventfd_0_again: ok
set_irqs_count_0: ok
set_irqs_clear_0: ok
set_irqs_clear_1: ok
set_irqs_clear_0_again: ok
device_reset: ok
region_info: EINVAL
feature_migration: ENOTTY
unknown_ioctl: EOPNOTSUPP
group_ioctl_on_device: EOPNOTSUPP
EOF
	if ! diff /tmp/errors.want /tmp/errors.got; then
		fail "errors: not Linux 7.3's answers"
	fi
	pass "errors: every case as Linux 7.3"
	expect_eq "$(tail -n 1 $OUT)" closed "errors closes"

	# Every allocation of GET_DEVICE_FD with a KVM fails in turn: the open
	# fails with ENOMEM or gets by; either way the guest ends up empty.
	n=1
	while :; do
		rc=0
		vfio-ap-client --fail-nth $n open $U </dev/null >$OUT || rc=$?
		left=$(sed -n 's/^open: fail-nth left=//p' $OUT)
		[ -n "$left" ] || { cat $OUT; fail "fail-nth $n with KVM: no fail-nth line"; }
		[ "$left" -eq 0 ] || break
		result="$rc $(sed -n 's/^open: get_device_fd: //p' $OUT)"
		echo "fail-nth $n with KVM: exit $result"
		case "$result" in
		"1 failed: ENOMEM (12)" | "0 ok fd="*) ;;
		*) cat $OUT; fail "fail-nth $n with KVM: exit $result" ;;
		esac
		masks=$(cat $D/guests/vm/masks)
		expect_eq "$(mask_ids ${masks%%,*})" "" "fail-nth $n with KVM: the guest is empty after"
		n=$((n + 1))
		[ $n -lt 100 ] || fail "fail-nth with KVM: more than 100 allocations?"
	done
	pass "fail-nth with KVM: $((n - 1)) allocation(s) failed in turn"

	# A request: removing the mdev while open unplugs it (QEMU's qdev_unplug).
	vfio-ap-client open $U <$IN >$OUT 2>&1 &
	pid=$!
	exec 3>$IN
	wait_line '^open: ready$' "open again"
	echo 1 >$M/remove &
	rpid=$!
	wait_line '^event req total=1$' "removal relays a request"
	wait_line '^closed$' "the client unplugs"
	expect_line '^unplug: irq 0 off: ok$' "unplug clears IRQ 0"
	expect_line '^unplug: irq 1 off: ok$' "unplug clears IRQ 1"
	expect_line '^unplug: kvm_del: ok$' "unplug deletes the association"
	expect_line '^unplug: unset_container: ok$' "unplug leaves the container"
	rc=0
	wait $pid || rc=$?
	exec 3>&-
	expect_eq $rc 0 "unplug exits 0"
	wait $rpid || fail "removing the mdev failed"
	[ ! -e $M ] || fail "the mdev is still there"
	pass "the mdev is gone"
	echo $U >/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
fi

write $D/guests/destroy vm
write $M/remove 1
rmmod vfio_ap
rmmod vfio_ap_sim
kmemleak_check
