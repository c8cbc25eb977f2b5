#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch, configure and build the Linux kernel that vfio-ap-rs builds against
# and boots in the test VM, cached outside the work tree.
#
#   scripts/kernel.sh build   fetch + configure + build if needed; print KDIR
#   scripts/kernel.sh kdir    print the KDIR the current inputs map to
#   scripts/kernel.sh source  fetch and unpack the source only; print it
#   scripts/kernel.sh drop    delete every cached kernel source and build
#
# Inputs (environment):
#   KSRC=<dir>        use this kernel source tree instead of Debian's package
#   KERNEL_PKG=<pkg>  Debian source package (default linux-source-7.3)
#   KERNEL_SUITE=<s>  suite to take it from (default trixie-backports)
#
# The build directory is keyed by kernel version, the config fragment, the
# rustc and bindgen versions and the source location, so a warm run returns at
# once and any change to those inputs gets a build of its own.
set -euo pipefail
LOG_TAG=kernel
. "$(dirname "$0")/lib.sh"

KERNEL_PKG=${KERNEL_PKG:-linux-source-7.3}
KERNEL_SUITE=${KERNEL_SUITE:-trixie-backports}
FRAGMENT=$REPO_ROOT/scripts/kernel.config
JOBS=${JOBS:-$(($(nproc) + 1))}

# --- Kernel source ---------------------------------------------------------

pkg_src_dir() { echo "$VFIO_AP_CACHE/src/$KERNEL_PKG"; }

fetch_debian_source() {
	local dest
	dest=$(pkg_src_dir)
	if [ -f "$dest/.vfio-ap-unpacked" ]; then
		return 0
	fi
	private_apt_update trixie-bpo "$KERNEL_SUITE" amd64
	local ver
	ver=$(private_apt trixie-bpo "$KERNEL_SUITE" amd64 -qq --print-uris download "$KERNEL_PKG" 2>/dev/null |
		awk '{print $2}' | head -n1 || true)
	if [ -z "$ver" ]; then
		local avail
		avail=$(private_apt trixie-bpo "$KERNEL_SUITE" amd64 -qq list 'linux-source-*' 2>/dev/null |
			sed 's,/.*,,' | sort -V | tr '\n' ' ' || true)
		die "$KERNEL_PKG is not in $KERNEL_SUITE (backports keep only their newest kernel).
  Available there: ${avail:-none}
  Either point KSRC= at a Linux 7.3 source tree (e.g. an unpacked kernel.org tarball),
  or try the newest 7.x with KERNEL_PKG=<one of the above> (untested: vfio-ap-rs targets 7.3)."
	fi
	log "downloading $ver (about 170 MB)"
	local tmp
	tmp=$(mktemp -d "$VFIO_AP_CACHE/src/.fetch.XXXXXX")
	(cd "$tmp" && private_apt trixie-bpo "$KERNEL_SUITE" amd64 download "$KERNEL_PKG" >/dev/null) ||
		die "apt-get download $KERNEL_PKG failed"
	dpkg -x "$tmp"/"${KERNEL_PKG}"_*.deb "$tmp/deb"
	local tarball
	tarball=$(find "$tmp/deb/usr/src" -maxdepth 1 -name 'linux-source-*.tar.*' | head -n1)
	[ -n "$tarball" ] || die "no source tarball inside $KERNEL_PKG"
	log "unpacking $(basename "$tarball") (about 1.8 GB)"
	rm -rf "$dest"
	mkdir -p "$tmp/unpacked"
	tar -xf "$tarball" -C "$tmp/unpacked"
	mv "$tmp/unpacked"/linux-source-* "$dest"
	echo "$ver" >"$dest/.vfio-ap-unpacked"
	rm -rf "$tmp"
}

kernel_src() {
	if [ -n "${KSRC:-}" ]; then
		[ -f "$KSRC/Makefile" ] && [ -d "$KSRC/drivers/s390/crypto" ] ||
			die "KSRC=$KSRC does not look like a Linux source tree"
		(cd "$KSRC" && pwd)
	else
		mkdir -p "$VFIO_AP_CACHE/src"
		fetch_debian_source
		pkg_src_dir
	fi
}

kernel_version() {
	awk '/^VERSION =/{v=$3} /^PATCHLEVEL =/{p=$3} /^SUBLEVEL =/{s=$3} END{print v"."p"."s}' "$1/Makefile"
}

# --- Build directory key ---------------------------------------------------

build_key() {
	local src=$1
	local inputs
	inputs=$(
		cat "$FRAGMENT"
		echo "src=$src"
		rustup run "$RUST_VERSION" rustc --version 2>/dev/null || echo "rustc $RUST_VERSION missing"
		bindgen --version 2>/dev/null || echo "bindgen missing"
		s390x-linux-gnu-gcc --version 2>/dev/null | head -n1
	)
	echo "linux-$(kernel_version "$src")-$(printf '%s' "$inputs" | sha256sum | cut -c1-12)"
}

kdir_for() { echo "$VFIO_AP_CACHE/kbuild/$(build_key "$1")"; }

# --- Configure and build ---------------------------------------------------

# Every option of the fragment must have the value asked for.
check_config() {
	local kb=$1 bad=0 line opt want got
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) opt=${line%%=*} want=${line#*=} ;;
		*) continue ;;
		esac
		got=$(grep -E "^$opt=|^# $opt is not set" "$kb/.config" || true)
		case "$got" in
		"# $opt is not set") got=n ;;
		"") got=n ;;
		*) got=${got#*=} ;;
		esac
		if [ "$got" != "$want" ]; then
			log "config: $opt=$want was asked for, the kernel has $got"
			bad=1
		fi
	done <"$FRAGMENT"
	[ $bad -eq 0 ] || die "the configuration does not match scripts/kernel.config (see above); a dependency is missing"
}

build_kernel() {
	local src kb
	src=$(kernel_src)
	kb=$(kdir_for "$src")
	if [ -f "$kb/.vfio-ap-complete" ]; then
		echo "$kb"
		return 0
	fi
	command -v bindgen >/dev/null || die "bindgen not found; run scripts/setup-deps.sh"
	command -v s390x-linux-gnu-gcc >/dev/null || die "s390x-linux-gnu-gcc not found; run scripts/setup-deps.sh"
	kernel_make_env
	mkdir -p "$kb"
	exec 9>"$kb.lock"
	flock 9
	if [ -f "$kb/.vfio-ap-complete" ]; then
		echo "$kb"
		return 0
	fi
	local start=$SECONDS
	log "configuring $(kernel_version "$src") in $kb"
	make -s -C "$src" O="$kb" rustavailable >/dev/null ||
		die "the kernel does not accept this Rust toolchain (make rustavailable failed)"
	make -s -C "$src" O="$kb" KCONFIG_ALLCONFIG="$FRAGMENT" allnoconfig >/dev/null
	check_config "$kb"
	log "building bzImage and modules with -j$JOBS (a few minutes)"
	make -s -C "$src" O="$kb" -j"$JOBS" bzImage modules >"$kb/build.log" 2>&1 || {
		tail -n 40 "$kb/build.log" >&2
		die "kernel build failed; full log: $kb/build.log"
	}
	rm -rf "$kb/modroot"
	make -s -C "$src" O="$kb" INSTALL_MOD_PATH="$kb/modroot" INSTALL_MOD_STRIP=1 modules_install >/dev/null
	touch "$kb/.vfio-ap-complete"
	log "kernel ready in $((SECONDS - start)) s: $kb"
	echo "$kb"
}

case "${1:-build}" in
build) build_kernel ;;
kdir) kdir_for "$(kernel_src)" ;;
source) kernel_src ;;
drop)
	log "removing $VFIO_AP_CACHE/src and $VFIO_AP_CACHE/kbuild"
	rm -rf "$VFIO_AP_CACHE/src" "$VFIO_AP_CACHE/kbuild"
	;;
*) die "usage: $0 build|kdir|source|drop" ;;
esac
