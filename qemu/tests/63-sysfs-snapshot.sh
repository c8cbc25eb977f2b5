#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The sysfs tree our module makes, after a fixed sequence of writes: every
# path, its mode or link target, and the contents of every file the driver
# shows, against the layout of the Linux 7.3 C driver (section 1 of the
# upstream reference), written out below; then the same tree once the mdevs
# are gone. Any drift (a file more or less, a mode, a link, a format) fails.
. /lib/vfio-ap/lib.sh
. /lib/vfio-ap/clients.sh
set -e

modprobe vfio_ap_sim adapters=4,5 domains=4,0xab control_domains=4,0xab,0x54
modprobe vfio_ap
A=5e6f7a00-0000-4000-8000-00000000000a
B=5e6f7a00-0000-4000-8000-00000000000b
M=/sys/devices/vfio_ap/matrix
D=/sys/kernel/debug/vfio_ap_sim

# The sequence: two mdevs; A by the assign files (decimal, hex, octal), B
# by ap_config (adapter 6, which the host does not have, domain 0xab,
# control domain 4); a guest takes A.
echo $A >$M/mdev_supported_types/vfio_ap-passthrough/create
echo $B >$M/mdev_supported_types/vfio_ap-passthrough/create
echo 4 >$M/$A/assign_adapter
echo 0x5 >$M/$A/assign_adapter
echo 4 >$M/$A/assign_domain
echo 0124 >$M/$A/assign_control_domain
echo 0xab >$M/$A/assign_control_domain
echo "0x02,0x000000000000000000000000000000000000000000100000,0x08" >$M/$B/ap_config
echo g >$D/guests/new
echo $A >$D/guests/g/attach

# snapshot: one line per path ("MODE PATH" or "MODE 'PATH' -> 'TARGET'",
# sorted), then "PATH = LINE|LINE..." for every readable file but the VFIO
# cdev's own (its numbers are the VFIO core's). power/ directories are the
# driver core's, the same for any driver, and left out. Group and cdev
# numbers depend on what ran before: N.
snapshot() {
	local f l v
	find /sys/devices/vfio_ap /sys/bus/matrix /sys/bus/mdev /sys/bus/ap/drivers/vfio_ap \
		/sys/class/mdev_bus /sys/module/vfio_ap/drivers /sys/bus/ap/devices/*/status \
		! -path '*/power/*' ! -name power | sort >/tmp/snap.paths
	xargs stat -c '%A %N' </tmp/snap.paths | tee /tmp/snap.modes
	# Files with read permission (root may open the others too).
	while read -r mode f; do
		case "$mode:$f" in -r*:*/vfio-dev/*) continue ;; -r*) ;; *) continue ;; esac
		v=
		while IFS= read -r l || [ -n "$l" ]; do
			v="$v${v:+|}$l"
		done <"$f"
		echo "$f = $v"
	done </tmp/snap.modes
}
normalized() {
	sed 's,iommu_groups/[0-9]*,iommu_groups/N,; s,vfio-dev/vfio[0-9]*,vfio-dev/vfioN,g'
}

# The C driver's tree (reference section 1), for the state above.
# $1: "mdevs" for the state above, "none" once both mdevs are removed.
expected() {
	local with=$1 u
	# 1.0: the root device "vfio_ap" (root_device_register: owned by the
	# module, hence its "module" link), the matrix device on the bus
	# "matrix" bound to the driver "vfio_ap", with the mdev parent's type
	# directory (1.2) and the matrix device's "features" (1.1).
	cat <<-EOF
	drwxr-xr-x /sys/devices/vfio_ap
	-rw-r--r-- /sys/devices/vfio_ap/uevent
	lrwxrwxrwx '/sys/devices/vfio_ap/module' -> '../../module/vfio_ap'
	drwxr-xr-x /sys/devices/vfio_ap/matrix
	-rw-r--r-- /sys/devices/vfio_ap/matrix/uevent
	lrwxrwxrwx '/sys/devices/vfio_ap/matrix/driver' -> '../../../bus/matrix/drivers/vfio_ap'
	lrwxrwxrwx '/sys/devices/vfio_ap/matrix/subsystem' -> '../../../bus/matrix'
	-r--r--r-- /sys/devices/vfio_ap/matrix/features
	drwxr-xr-x /sys/devices/vfio_ap/matrix/mdev_supported_types
	drwxr-xr-x /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
	-r--r--r-- /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/available_instances
	--w------- /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/create
	-r--r--r-- /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/device_api
	drwxr-xr-x /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/devices
	-r--r--r-- /sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/name
	EOF
	# 1.3: each mdev, with the mdev core's remove, mdev_type, driver and
	# iommu_group (and the VFIO cdev) and the driver's eleven files.
	if [ "$with" = mdevs ]; then
		for u in $A $B; do
			cat <<-EOF
			lrwxrwxrwx '/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/devices/$u' -> '../../../$u'
			drwxr-xr-x /sys/devices/vfio_ap/matrix/$u
			-rw-r--r-- /sys/devices/vfio_ap/matrix/$u/uevent
			lrwxrwxrwx '/sys/devices/vfio_ap/matrix/$u/driver' -> '../../../../bus/mdev/drivers/vfio_ap_mdev'
			lrwxrwxrwx '/sys/devices/vfio_ap/matrix/$u/subsystem' -> '../../../../bus/mdev'
			lrwxrwxrwx '/sys/devices/vfio_ap/matrix/$u/mdev_type' -> '../mdev_supported_types/vfio_ap-passthrough'
			lrwxrwxrwx '/sys/devices/vfio_ap/matrix/$u/iommu_group' -> '../../../../kernel/iommu_groups/N'
			--w------- /sys/devices/vfio_ap/matrix/$u/remove
			--w------- /sys/devices/vfio_ap/matrix/$u/assign_adapter
			--w------- /sys/devices/vfio_ap/matrix/$u/unassign_adapter
			--w------- /sys/devices/vfio_ap/matrix/$u/assign_domain
			--w------- /sys/devices/vfio_ap/matrix/$u/unassign_domain
			--w------- /sys/devices/vfio_ap/matrix/$u/assign_control_domain
			--w------- /sys/devices/vfio_ap/matrix/$u/unassign_control_domain
			-r--r--r-- /sys/devices/vfio_ap/matrix/$u/control_domains
			-r--r--r-- /sys/devices/vfio_ap/matrix/$u/matrix
			-r--r--r-- /sys/devices/vfio_ap/matrix/$u/guest_matrix
			-rw-r--r-- /sys/devices/vfio_ap/matrix/$u/ap_config
			drwxr-xr-x /sys/devices/vfio_ap/matrix/$u/vfio-dev
			drwxr-xr-x /sys/devices/vfio_ap/matrix/$u/vfio-dev/vfioN
			-rw-r--r-- /sys/devices/vfio_ap/matrix/$u/vfio-dev/vfioN/uevent
			-r--r--r-- /sys/devices/vfio_ap/matrix/$u/vfio-dev/vfioN/dev
			lrwxrwxrwx '/sys/devices/vfio_ap/matrix/$u/vfio-dev/vfioN/device' -> '../../../$u'
			lrwxrwxrwx '/sys/devices/vfio_ap/matrix/$u/vfio-dev/vfioN/subsystem' -> '../../../../../../class/vfio-dev'
			lrwxrwxrwx '/sys/bus/mdev/devices/$u' -> '../../../devices/vfio_ap/matrix/$u'
			lrwxrwxrwx '/sys/bus/mdev/drivers/vfio_ap_mdev/$u' -> '../../../../devices/vfio_ap/matrix/$u'
			EOF
		done
	fi
	# The bus "matrix" and its driver "vfio_ap" (suppress_bind_attrs: no
	# bind/unbind; no owner: no module link); the mdev driver
	# "vfio_ap_mdev" and the AP driver "vfio_ap" (both owned by the
	# module), bound to every queue (apmask/aqmask are 0 here); the mdev
	# core's class link; the module's driver links.
	cat <<-EOF
	drwxr-xr-x /sys/bus/matrix
	--w------- /sys/bus/matrix/uevent
	-rw-r--r-- /sys/bus/matrix/drivers_autoprobe
	--w------- /sys/bus/matrix/drivers_probe
	drwxr-xr-x /sys/bus/matrix/devices
	lrwxrwxrwx '/sys/bus/matrix/devices/matrix' -> '../../../devices/vfio_ap/matrix'
	drwxr-xr-x /sys/bus/matrix/drivers
	drwxr-xr-x /sys/bus/matrix/drivers/vfio_ap
	--w------- /sys/bus/matrix/drivers/vfio_ap/uevent
	lrwxrwxrwx '/sys/bus/matrix/drivers/vfio_ap/matrix' -> '../../../../devices/vfio_ap/matrix'
	drwxr-xr-x /sys/bus/mdev
	--w------- /sys/bus/mdev/uevent
	-rw-r--r-- /sys/bus/mdev/drivers_autoprobe
	--w------- /sys/bus/mdev/drivers_probe
	drwxr-xr-x /sys/bus/mdev/devices
	drwxr-xr-x /sys/bus/mdev/drivers
	drwxr-xr-x /sys/bus/mdev/drivers/vfio_ap_mdev
	--w------- /sys/bus/mdev/drivers/vfio_ap_mdev/uevent
	--w------- /sys/bus/mdev/drivers/vfio_ap_mdev/bind
	--w------- /sys/bus/mdev/drivers/vfio_ap_mdev/unbind
	lrwxrwxrwx '/sys/bus/mdev/drivers/vfio_ap_mdev/module' -> '../../../../module/vfio_ap'
	drwxr-xr-x /sys/bus/ap/drivers/vfio_ap
	--w------- /sys/bus/ap/drivers/vfio_ap/uevent
	--w------- /sys/bus/ap/drivers/vfio_ap/bind
	--w------- /sys/bus/ap/drivers/vfio_ap/unbind
	lrwxrwxrwx '/sys/bus/ap/drivers/vfio_ap/module' -> '../../../../module/vfio_ap'
	lrwxrwxrwx '/sys/bus/ap/drivers/vfio_ap/04.0004' -> '../../../../devices/ap/card04/04.0004'
	lrwxrwxrwx '/sys/bus/ap/drivers/vfio_ap/04.00ab' -> '../../../../devices/ap/card04/04.00ab'
	lrwxrwxrwx '/sys/bus/ap/drivers/vfio_ap/05.0004' -> '../../../../devices/ap/card05/05.0004'
	lrwxrwxrwx '/sys/bus/ap/drivers/vfio_ap/05.00ab' -> '../../../../devices/ap/card05/05.00ab'
	drwxr-xr-x /sys/class/mdev_bus
	lrwxrwxrwx '/sys/class/mdev_bus/matrix' -> '../../devices/vfio_ap/matrix'
	drwxr-xr-x /sys/module/vfio_ap/drivers
	lrwxrwxrwx '/sys/module/vfio_ap/drivers/ap:vfio_ap' -> '../../../bus/ap/drivers/vfio_ap'
	lrwxrwxrwx '/sys/module/vfio_ap/drivers/mdev:vfio_ap_mdev' -> '../../../bus/mdev/drivers/vfio_ap_mdev'
	EOF
	# 1.4: "status" (0444) on every queue bound to vfio_ap.
	for q in 04.0004 04.00ab 05.0004 05.00ab; do
		echo "-r--r--r-- /sys/bus/ap/devices/$q/status"
	done
}

# The contents (formats of 1.1-1.4): A has 04.0004 and 05.0004 and control
# domains 0x54 and 0xab; B has 06.00ab and control domain 4, but the host
# has no adapter 6, so its guest matrix keeps only the domain; A's queues
# are in use by the guest.
expected_contents() {
	local with=$1 avail=65536
	[ "$with" = none ] || avail=65534
	cat <<-EOF
	/sys/devices/vfio_ap/uevent = 
	/sys/devices/vfio_ap/matrix/uevent = DRIVER=vfio_ap
	/sys/devices/vfio_ap/matrix/features = guest_matrix hotplug ap_config
	/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/available_instances = $avail
	/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/device_api = vfio-ap
	/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough/name = VFIO AP Passthrough Device
	/sys/bus/matrix/drivers_autoprobe = 1
	/sys/bus/mdev/drivers_autoprobe = 1
	EOF
	if [ "$with" = mdevs ]; then
		cat <<-EOF
		/sys/devices/vfio_ap/matrix/$A/uevent = DRIVER=vfio_ap_mdev
		/sys/devices/vfio_ap/matrix/$A/control_domains = 0054|00ab
		/sys/devices/vfio_ap/matrix/$A/matrix = 04.0004|05.0004
		/sys/devices/vfio_ap/matrix/$A/guest_matrix = 04.0004|05.0004
		/sys/devices/vfio_ap/matrix/$A/ap_config = 0x0c00000000000000000000000000000000000000000000000000000000000000,0x0800000000000000000000000000000000000000000000000000000000000000,0x0000000000000000000008000000000000000000001000000000000000000000
		/sys/devices/vfio_ap/matrix/$B/uevent = DRIVER=vfio_ap_mdev
		/sys/devices/vfio_ap/matrix/$B/control_domains = 0004
		/sys/devices/vfio_ap/matrix/$B/matrix = 06.00ab
		/sys/devices/vfio_ap/matrix/$B/guest_matrix = .00ab
		/sys/devices/vfio_ap/matrix/$B/ap_config = 0x0200000000000000000000000000000000000000000000000000000000000000,0x0000000000000000000000000000000000000000001000000000000000000000,0x0800000000000000000000000000000000000000000000000000000000000000
		/sys/bus/ap/devices/04.0004/status = in use
		/sys/bus/ap/devices/04.00ab/status = unassigned
		/sys/bus/ap/devices/05.0004/status = in use
		/sys/bus/ap/devices/05.00ab/status = unassigned
		EOF
	else
		for q in 04.0004 04.00ab 05.0004 05.00ab; do
			echo "/sys/bus/ap/devices/$q/status = unassigned"
		done
	fi
}

# compare WHAT: the snapshot against the expectation, as sorted sets.
compare() {
	snapshot | normalized | sort >/tmp/snap.got
	{ expected "$1"; expected_contents "$1"; } | sort >/tmp/snap.want
	if ! diff -u /tmp/snap.want /tmp/snap.got; then
		fail "sysfs snapshot ($1): differs from the C driver's layout (- expected, + ours)"
	fi
	pass "sysfs snapshot ($1): $(wc -l </tmp/snap.got) lines as the C driver's"
}
compare mdevs

echo $A >$D/guests/g/detach
echo g >$D/guests/destroy
echo 1 >$M/$A/remove
echo 1 >$M/$B/remove
compare none

rmmod vfio_ap
rmmod vfio_ap_sim
