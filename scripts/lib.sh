# SPDX-License-Identifier: GPL-2.0
#
# Shared shell helpers for vfio-ap-rs scripts. Source it; do not run it.
#
# Everything that is downloaded or built outside the work tree lives under
# $VFIO_AP_CACHE (default: ~/.cache/vfio-ap-rs), so `make clean` never costs a
# kernel rebuild and a fresh clone on a warm machine reuses it.

VFIO_AP_CACHE=${VFIO_AP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vfio-ap-rs}
# The rustc that builds the kernel and the module must be the same one.
RUST_VERSION=${RUST_VERSION:-1.97.0}
# Toolchain for the big-endian (s390x-unknown-linux-gnu, qemu-user) host tests.
BE_RUST_VERSION=${BE_RUST_VERSION:-1.95.0}
BINDGEN_VERSION=${BINDGEN_VERSION:-0.73.2}
LLVM_VERSION=${LLVM_VERSION:-19}
export VFIO_AP_CACHE RUST_VERSION BE_RUST_VERSION BINDGEN_VERSION LLVM_VERSION

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log()  { printf '[%s] %s\n' "${LOG_TAG:-vfio-ap}" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "${LOG_TAG:-vfio-ap}" "$*" >&2; exit 1; }

# Cargo and rustup live in ~/.cargo/bin on a rustup install.
case ":$PATH:" in
*":$HOME/.cargo/bin:"*) ;;
*) PATH="$HOME/.cargo/bin:$PATH" ;;
esac
export PATH

# The Debian mirror this machine already uses, so no host name is hard-coded
# here. Override with DEBIAN_MIRROR=.
debian_mirror() {
	if [ -n "${DEBIAN_MIRROR:-}" ]; then
		echo "$DEBIAN_MIRROR"
		return
	fi
	local m
	m=$( { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}';
	       grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
	       sed 's/\[[^]]*\]//' | awk '{print $2}'; } |
	     grep -v -e security -e '^$' | grep '/debian/\?$' | head -n1)
	[ -n "$m" ] || die "cannot find a Debian mirror in /etc/apt; set DEBIAN_MIRROR=<url of a Debian archive>"
	echo "${m%/}"
}

# Run apt-get against a private configuration in $VFIO_AP_CACHE/apt/<name>, so
# that suites newer than the host's (trixie-backports) and foreign
# architectures (s390x) never touch the machine's own package state.
#   private_apt <name> <suite> <arch> <apt-get args...>
private_apt() {
	local name=$1 suite=$2 arch=$3
	shift 3
	local dir=$VFIO_AP_CACHE/apt/$name
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	: >"$dir/status"
	echo "deb [arch=$arch signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(debian_mirror) $suite main" \
		>"$dir/sources.list"
	apt-get -q \
		-o Dir::Etc::SourceList="$dir/sources.list" \
		-o Dir::Etc::SourceParts=- \
		-o Dir::State::Lists="$dir/lists" \
		-o Dir::State::status="$dir/status" \
		-o Dir::Cache="$dir/cache" \
		-o APT::Architecture="$arch" \
		-o APT::Architectures="$arch" \
		-o Debug::NoLocking=1 \
		-o APT::Sandbox::User=root \
		"$@"
}

# Refresh a private apt list at most once a day.
private_apt_update() {
	local name=$1 suite=$2 arch=$3
	local stamp=$VFIO_AP_CACHE/apt/$name/updated
	if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
		log "apt ($name): updating package lists for $suite/$arch"
		private_apt "$name" "$suite" "$arch" update >/dev/null ||
			die "apt-get update for $suite ($arch) failed; check network access to $(debian_mirror)"
		touch "$stamp"
	fi
}

# The kernel build environment: cross compiler, pinned rustc, libclang.
kernel_make_env() {
	export ARCH=s390 CROSS_COMPILE=s390x-linux-gnu-
	export RUSTUP_TOOLCHAIN=$RUST_VERSION
	export LIBCLANG_PATH=/usr/lib/llvm-$LLVM_VERSION/lib
}
