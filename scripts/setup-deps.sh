#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything vfio-ap-rs needs on a Debian 12 (bookworm) machine:
# the s390x cross toolchain, libclang, kernel build tools, qemu-system-s390x
# (bookworm-backports), the pinned rustc with rust-src, bindgen-cli, a
# static s390x busybox for the test guest, and the s390x .debs of the real
# clients the guest runs (trixie's mdevctl and s390-tools, with the shared
# libraries they need; scripts/guest-clients.sh lays them out).
#
# Idempotent: whatever is already there is skipped, so a warm run takes
# seconds. Needs root for apt (or sudo).
#
# The machine's own packages never change suite: bookworm-backports is added
# as an apt source (backports install nothing unless asked for by name), and
# everything from newer suites or other architectures is fetched with a private
# apt configuration under $VFIO_AP_CACHE/apt.
set -euo pipefail
LOG_TAG=setup
. "$(dirname "$0")/lib.sh"

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "run as root (apt-get needs it) or install sudo"
	SUDO=sudo
fi

# Packages from bookworm itself.
BOOKWORM_PKGS=(
	make gcc libc6-dev git ca-certificates curl xz-utils cpio gzip
	flex bison bc kmod libelf-dev libssl-dev python3 rsync
	gcc-s390x-linux-gnu binutils-s390x-linux-gnu libc6-dev-s390x-cross
	"libclang-$LLVM_VERSION-dev" "clang-$LLVM_VERSION"
	qemu-user valgrind
)
# Packages only bookworm-backports has in the needed version.
BACKPORTS_PKGS=(qemu-system-s390x)

pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

apt_updated=
apt_update_once() {
	if [ -z "$apt_updated" ]; then
		log "apt-get update"
		$SUDO apt-get -q update >/dev/null || die "apt-get update failed"
		apt_updated=1
	fi
}

install_missing() {
	local target=$1
	shift
	local missing=()
	for p in "$@"; do
		pkg_installed "$p" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	apt_update_once
	log "installing ${missing[*]}${target:+ from $target}"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get -q -y install --no-install-recommends \
		${target:+-t $target} "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
}

ensure_backports_source() {
	if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return 0
	fi
	local mirror
	mirror=$(debian_mirror)
	log "adding bookworm-backports ($mirror) to /etc/apt/sources.list.d/bookworm-backports.sources"
	$SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<SRC
Types: deb
URIs: $mirror
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt_updated=
}

ensure_rust() {
	command -v rustup >/dev/null ||
		die "rustup not found; install it (Debian: apt-get install rustup, or the official installer) and re-run"
	if ! rustup run "$RUST_VERSION" rustc --version >/dev/null 2>&1; then
		log "rustup: installing toolchain $RUST_VERSION"
		rustup toolchain install "$RUST_VERSION" --profile minimal >/dev/null ||
			die "rustup toolchain install $RUST_VERSION failed"
	fi
	local have
	have=$(rustup component list --toolchain "$RUST_VERSION" --installed 2>/dev/null)
	for c in rust-src rustfmt clippy; do
		if ! grep -q "^$c" <<<"$have"; then
			log "rustup: adding $c to $RUST_VERSION"
			rustup component add "$c" --toolchain "$RUST_VERSION" >/dev/null ||
				die "rustup component add $c failed"
		fi
	done
	# The host tests also run on big-endian s390x under qemu-user. The rustup
	# server offers no s390x-unknown-linux-gnu std for $RUST_VERSION, so
	# that run uses $BE_RUST_VERSION (the core builds with both).
	if ! rustup run "$BE_RUST_VERSION" rustc --version >/dev/null 2>&1; then
		log "rustup: installing toolchain $BE_RUST_VERSION"
		rustup toolchain install "$BE_RUST_VERSION" --profile minimal >/dev/null ||
			die "rustup toolchain install $BE_RUST_VERSION failed"
	fi
	if ! rustup target list --toolchain "$BE_RUST_VERSION" --installed | grep -qx s390x-unknown-linux-gnu; then
		log "rustup: adding target s390x-unknown-linux-gnu to $BE_RUST_VERSION"
		rustup target add s390x-unknown-linux-gnu --toolchain "$BE_RUST_VERSION" >/dev/null ||
			die "rustup target add s390x-unknown-linux-gnu --toolchain $BE_RUST_VERSION failed"
	fi
}

ensure_bindgen() {
	if command -v bindgen >/dev/null && bindgen --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
		return 0
	fi
	log "cargo: building bindgen-cli $BINDGEN_VERSION (about 3 minutes)"
	LIBCLANG_PATH=/usr/lib/llvm-$LLVM_VERSION/lib \
		cargo "+$RUST_VERSION" install --quiet --locked --version "$BINDGEN_VERSION" bindgen-cli ||
		die "cargo install bindgen-cli $BINDGEN_VERSION failed"
}

# Static busybox for s390x, the whole userspace of the test guest.
ensure_guest_busybox() {
	local out=$VFIO_AP_CACHE/guest/busybox
	[ -x "$out" ] && return 0
	private_apt_update s390x bookworm s390x
	local tmp
	tmp=$(mktemp -d)
	log "fetching busybox-static:s390x"
	(cd "$tmp" && private_apt s390x bookworm s390x download busybox-static >/dev/null) ||
		die "apt-get download busybox-static:s390x failed"
	dpkg -x "$tmp"/busybox-static_*.deb "$tmp/x"
	mkdir -p "$(dirname "$out")"
	install -m 0755 "$tmp/x/bin/busybox" "$out"
	rm -rf "$tmp"
}

# The real clients for the test guest, as Debian trixie ships them for s390x
# (issue #10): the tools, exactly trixie's ...
GUEST_TOOL_DEBS=(mdevctl s390-tools)
# ... and the shared libraries they need, plus json-c's headers to build
# ap-check, which Debian does not ship. trixie's, or sid's when the mirror
# lacks the file trixie's index names (it happens to glibc's point releases):
# a newer glibc runs binaries built for an older one.
GUEST_LIB_DEBS=(libc6 libgcc-s1 libjson-c5 libjson-c-dev)

ensure_guest_debs() {
	local dir=$VFIO_AP_CACHE/guest/debs p
	mkdir -p "$dir"
	for p in "${GUEST_TOOL_DEBS[@]}" "${GUEST_LIB_DEBS[@]}"; do
		compgen -G "$dir/${p}_*_s390x.deb" >/dev/null && continue
		private_apt_update s390x-trixie trixie s390x
		log "fetching $p:s390x (trixie)"
		(cd "$dir" && private_apt s390x-trixie trixie s390x download "$p" >/dev/null 2>&1) &&
			continue
		[[ " ${GUEST_LIB_DEBS[*]} " == *" $p "* ]] ||
			die "apt-get download $p:s390x (trixie) failed; check network access to $(debian_mirror)"
		private_apt_update s390x-sid sid s390x
		log "trixie's $p:s390x is not on the mirror; fetching sid's"
		(cd "$dir" && private_apt s390x-sid sid s390x download "$p" >/dev/null) ||
			die "apt-get download $p:s390x (trixie, sid) failed; check network access to $(debian_mirror)"
	done
}

ensure_backports_source
install_missing "" "${BOOKWORM_PKGS[@]}"
install_missing bookworm-backports "${BACKPORTS_PKGS[@]}"
ensure_rust
ensure_bindgen
ensure_guest_busybox
ensure_guest_debs
log "all dependencies present (cache: $VFIO_AP_CACHE)"
