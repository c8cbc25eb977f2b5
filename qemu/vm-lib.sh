# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The test VM, host side: shared by qemu/run-guest.sh (one script) and
# qemu/run-tests.sh (the guest tests, grouped into as few boots as sound).
# Source it after scripts/lib.sh.
#
#   vm_setup                 find the kernel and busybox (sets kdir, kimage, krel)
#   vm_base MODDIR...        the cached base initramfs: prints its path
#   vm_boot ...              boot once, run a list of scripts with the guest
#                            runner (qemu/guest/runner.sh), watch it
#   vm_parse LOG DIR         split a console log into per-test slices
#
# The base initramfs holds everything but the run's own scripts: busybox, the
# kernel's modules, ours, the helpers and the runner, and the real clients
# (mdevctl, lszcrypt, ap-check and their libraries: scripts/guest-clients.sh).
# It is keyed by the content of all of those and rebuilt only when one
# changes (build/vm/base-<hash>.cpio.gz); a boot adds a small second cpio
# archive (the scripts and their list, extra files) that the kernel unpacks
# over it.

VM_MEM=${VM_MEM:-256}
VM_SMP=${VM_SMP:-2}
VM_SLUB_DEBUG=${VM_SLUB_DEBUG:-FZPU}
VM_DIR=$REPO_ROOT/build/vm
VM_PROBLEMS=$REPO_ROOT/qemu/guest/problems.ere
VM_CLIENTS=$REPO_ROOT/build/guest-clients/root
# A printk timestamp: kernel lines have one, the scripts' output does not.
VM_TS='\[ *[0-9]+\.[0-9]+\]'

vm_setup() {
	kdir=${kdir:-${KDIR:-}}
	if [ -z "$kdir" ]; then
		kdir=$("$REPO_ROOT/scripts/kernel.sh" kdir)
	fi
	kimage=$kdir/arch/s390/boot/bzImage
	[ -f "$kimage" ] ||
		{ echo "vm: no kernel in $kdir; run 'make kernel' first" >&2; return 125; }
	busybox=$VFIO_AP_CACHE/guest/busybox
	[ -x "$busybox" ] ||
		{ echo "vm: no s390x busybox; run scripts/setup-deps.sh" >&2; return 125; }
	krel=$(cat "$kdir/include/config/kernel.release")
}

# The files the base initramfs is made of, for its content hash.
vm_base_inputs() {
	local d
	{
		printf '%s\n' "$busybox" "$kimage" "$REPO_ROOT/qemu/vm-lib.sh" \
			"$REPO_ROOT/build/prod/vfio_ap.ko" "$REPO_ROOT/build/client/vfio-ap-client"
		[ ! -d "$kdir/modroot/lib/modules/$krel" ] ||
			find "$kdir/modroot/lib/modules/$krel/" -type f
		for d in "$@" "$REPO_ROOT/build/harness" "$REPO_ROOT/build/sim-test"; do
			[ ! -d "$d" ] || find "$d/" -maxdepth 1 -name '*.ko'
		done
		find "$REPO_ROOT/qemu/guest/" -maxdepth 1 -type f
		[ ! -d "$VM_CLIENTS" ] || find "$VM_CLIENTS/" -type f
	} | sort
}

vm_base() {
	local key base root moddir d
	mkdir -p "$VM_DIR"
	key=$( { printf 'krel=%s mods=%s\n' "$krel" "$*"
		vm_base_inputs "$@" | while read -r f; do
			[ ! -f "$f" ] || sha256sum "$f"
		done; } | sha256sum | cut -c1-16)
	base=$VM_DIR/base-$key.cpio.gz
	if [ -f "$base" ]; then
		echo "$base"
		return 0
	fi
	root=$(mktemp -d "$VM_DIR/.root.XXXXXX")
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,test,etc/vmtest} \
		"$root"/lib/vfio-ap "$root"/opt/vfio-ap
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
	for d in "$@"; do
		[ -d "$d" ] || continue
		find "$d" -maxdepth 1 -name '*.ko' -exec cp {} "$moddir/updates/" \;
	done
	if [ -f "$REPO_ROOT/build/prod/vfio_ap.ko" ]; then
		mkdir -p "$root/opt/vfio-ap/prod"
		cp "$REPO_ROOT/build/prod/vfio_ap.ko" "$root/opt/vfio-ap/prod/"
	fi
	if [ -x "$REPO_ROOT/build/client/vfio-ap-client" ]; then
		install -m 0755 "$REPO_ROOT/build/client/vfio-ap-client" \
			"$root/usr/bin/vfio-ap-client"
	fi
	for d in harness sim-test; do
		if compgen -G "$REPO_ROOT/build/$d/*.ko" >/dev/null; then
			mkdir -p "$root/opt/vfio-ap/$d"
			cp "$REPO_ROOT/build/$d"/*.ko "$root/opt/vfio-ap/$d/"
		fi
	done
	depmod -b "$root" "$krel" 2>/dev/null ||
		{ echo "vm: depmod failed" >&2; rm -rf "$root"; return 125; }
	cp "$REPO_ROOT"/qemu/guest/* "$root/lib/vfio-ap/"
	[ ! -d "$VM_CLIENTS" ] || cp -a "$VM_CLIENTS/." "$root/"
	cat >"$root/init" <<-'INIT'
		#!/bin/busybox sh
		/bin/busybox --install -s
		export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
		mount -t proc proc /proc
		mount -t sysfs sysfs /sys
		mount -t devtmpfs devtmpfs /dev 2>/dev/null
		mount -t debugfs debugfs /sys/kernel/debug
		mount -t tmpfs tmpfs /tmp
		sh /lib/vfio-ap/runner.sh
		poweroff -f
	INIT
	chmod 0755 "$root/init"
	(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) |
		gzip -1 >"$base.tmp.$$"
	mv "$base.tmp.$$" "$base"
	rm -rf "$root"
	# Keep the newest few: other work trees' runs may still use theirs.
	find "$VM_DIR" -maxdepth 1 -name 'base-*.cpio.gz' -printf '%T@ %p\n' |
		sort -rn | tail -n +5 | cut -d' ' -f2- | xargs -r rm -f
	echo "$base"
}

# vm_overlay DIR OUT: a cpio archive of DIR's contents (paths as in the guest).
vm_overlay() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) |
		gzip -1 >"$2"
}

# vm_boot BASE OVERLAY LOG APPEND BOOT_LIMIT TEST_GRACE TOTAL_LIMIT LIVE LIMITS...
# Boots the VM with the console in LOG (also on stdout when LIVE=1) and
# watches it: the runner must start within BOOT_LIMIT seconds, each test must
# end within its own limit (LIMITS, in list order; the guest kills a test at
# its limit, this is for a kernel that cannot) plus TEST_GRACE, and the whole
# VM within TOTAL_LIMIT. Sets vm_elapsed and vm_killed (empty, or why).
# shellcheck disable=SC2034 # vm_elapsed, vm_killed: for the caller
vm_boot() {
	local base=$1 overlay=$2 log=$3 append=$4 boot_limit=$5 grace=$6 total=$7 live=$8
	shift 8
	local limits=("$@") initrd qpid tpid start state cur since=0 now
	initrd=${overlay%.cpio.gz}.initrd
	cat "$base" "$overlay" >"$initrd"
	: >"$log"
	start=$SECONDS
	timeout -k 10 "$total" qemu-system-s390x -M s390-ccw-virtio -cpu max -nic none \
		-smp "$VM_SMP" -m "$VM_MEM" -nographic -no-reboot \
		-kernel "$kimage" -initrd "$initrd" \
		-append "console=ttysclp0 panic=-1 loglevel=7 slub_debug=$VM_SLUB_DEBUG$append" \
		</dev/null >"$log" 2>&1 &
	qpid=$!
	tpid=
	if [ "$live" = 1 ]; then
		tail -n +1 -f --pid=$qpid "$log" &
		tpid=$!
	fi
	vm_killed=
	cur=boot
	while kill -0 $qpid 2>/dev/null; do
		sleep 1
		now=$SECONDS
		# The runner's last marker: "start", "begin I", "end I", ...
		state=$(tr -d '\r' <"$log" | grep -aoE "$VM_TS vmtest: (start|begin [0-9]+|end [0-9]+|leak-scan|done)" |
			tail -n1 | sed 's/.*vmtest: //' || true)
		case "$state" in
		"") state=boot ;;
		end*|start) state=between ;;
		esac
		if [ "$state" != "$cur" ]; then
			cur=$state
			since=$now
		fi
		case "$cur" in
		boot)
			[ $((now - start)) -gt "$boot_limit" ] || continue
			vm_killed="the runner did not start within ${boot_limit}s" ;;
		begin*)
			local i=${cur#begin }
			[ $((now - since)) -gt $((limits[i - 1] + grace)) ] || continue
			vm_killed="test $i did not end within $((limits[i - 1] + grace))s" ;;
		*)
			[ $((now - since)) -gt 120 ] || continue
			vm_killed="the runner stalled for 120s (after: ${cur})" ;;
		esac
		kill $qpid 2>/dev/null || true
		break
	done
	wait $qpid 2>/dev/null || true
	[ -z "$tpid" ] || wait "$tpid" 2>/dev/null || true
	vm_elapsed=$((SECONDS - start))
	rm -f "$initrd"
	return 0
}

# vm_parse LOG DIR: splits LOG into DIR/boot (before the first test),
# DIR/test.I (test I and its reset), DIR/leak (the leak scan), and writes the
# runner's markers to DIR/markers (one a line, "vmtest: " stripped).
vm_parse() {
	local log=$1 dir=$2
	mkdir -p "$dir"
	tr -d '\r' <"$log" | awk -v dir="$dir" -v ts="$VM_TS" '
		BEGIN { out = dir "/boot"; printf "" > out; printf "" > (dir "/markers") }
		{
			if (match($0, ts " vmtest: ")) {
				m = substr($0, RSTART + RLENGTH)
				print m > (dir "/markers")
				if (m ~ /^begin [0-9]+ /) { split(m, f, " "); out = dir "/test." f[2] }
				else if (m ~ /^leak-scan$/) out = dir "/leak"
			}
			print > out
		}'
}

# vm_problems FILE: the kernel's problem reports in FILE, one a line.
vm_problems() {
	grep -aE "$VM_TS" "$1" | grep -aE -f "$VM_PROBLEMS" || true
}
