#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The real clients of the test guest (issue #10), laid out as in the guest
# under build/guest-clients/root, which qemu/vm-lib.sh adds to the initramfs:
#
#   /usr/bin/mdevctl, /usr/bin/lsmdev     Debian trixie's mdevctl, unchanged
#   /usr/sbin/lszcrypt, /usr/sbin/chzcrypt trixie's s390-tools, unchanged
#   /usr/lib/udev/rules.d/60-mdevctl.rules mdevctl's udev rule, for its command
#   /etc/mdevctl.d, /usr/lib/mdevctl/scripts.d/{callouts,notifiers}
#   /opt/vfio-ap/clients/ap-check         s390-tools' mdevctl callout, built
#                                          from the 2.35.0 source (Debian does
#                                          not ship it); tests install it
#   /usr/lib/s390x-linux-gnu/*.so*, /lib/ld64.so.1
#                                          the shared libraries all of these
#                                          need (their NEEDED entries)
#   /usr/share/vfio-ap/clients            what is where, with versions
#
# The .debs come from scripts/setup-deps.sh ($VFIO_AP_CACHE/guest/debs). The
# result is rebuilt only when its inputs change.
set -euo pipefail
LOG_TAG=guest-clients
. "$(dirname "$0")/lib.sh"

DEBS=$VFIO_AP_CACHE/guest/debs
OUT=$REPO_ROOT/build/guest-clients
APCHECK_SRC=$REPO_ROOT/src/tools/ap-check/s390-tools-2.35.0
ROOT=$OUT/root
LIBDIR=usr/lib/s390x-linux-gnu

deb() {
	local f
	f=$(compgen -G "$DEBS/${1}_*_s390x.deb" | sort -V | tail -n1) ||
		die "no $1 s390x .deb in $DEBS; run scripts/setup-deps.sh"
	echo "$f"
}

inputs_key() {
	{
		for p in mdevctl s390-tools libc6 libgcc-s1 libjson-c5 libjson-c-dev; do
			basename "$(deb $p)"
		done
		sha256sum "$0"
		(cd "$APCHECK_SRC" && find . -type f | LC_ALL=C sort | xargs sha256sum)
	} | sha256sum | cut -c1-16
}

key=$(inputs_key)
if [ -f "$OUT/key" ] && [ "$(cat "$OUT/key")" = "$key" ] && [ -d "$ROOT" ]; then
	exit 0
fi
log "laying out the guest's mdevctl, s390-tools and ap-check"
rm -rf "$OUT"
mkdir -p "$OUT/sysroot" "$ROOT"
for p in mdevctl s390-tools libc6 libgcc-s1 libjson-c5 libjson-c-dev; do
	dpkg-deb -x "$(deb $p)" "$OUT/sysroot"
done
sys=$OUT/sysroot

# ap-check, as s390-tools' own Makefiles build it for s390x. Only the make
# variables differ: the cross compiler, json-c from the sysroot (beside
# common.mak's defaults), and a fixed release string (the default has the
# build date, which would change the guest image daily). json-c was built against
# trixie's glibc, the cross toolchain has bookworm's: its glibc symbols are
# left to the guest's (newer) glibc at run time.
cp -a "$APCHECK_SRC" "$OUT/s390-tools"
apcheck_make=(HOST_ARCH=s390x CROSS_COMPILE=s390x-linux-gnu- DISTRELEASE=vfio-ap-rs
	"CPPFLAGS=-D_GNU_SOURCE -I$sys/usr/include"
	"LDFLAGS=-rdynamic -L$sys/$LIBDIR -Wl,--allow-shlib-undefined")
for d in libutil libap ap_tools; do
	make -s -C "$OUT/s390-tools/$d" "${apcheck_make[@]}" >"$OUT/ap-check-build.log" 2>&1 ||
		{ cat "$OUT/ap-check-build.log"; die "building ap-check ($d) failed"; }
done

install -D -m 0755 "$sys/usr/bin/mdevctl" "$ROOT/usr/bin/mdevctl"
ln -s mdevctl "$ROOT/usr/bin/lsmdev"
for t in lszcrypt chzcrypt; do
	install -D -m 0755 "$sys/usr/sbin/$t" "$ROOT/usr/sbin/$t"
done
install -D -m 0644 "$sys/usr/lib/udev/rules.d/60-mdevctl.rules" \
	"$ROOT/usr/lib/udev/rules.d/60-mdevctl.rules"
mkdir -p "$ROOT/etc/mdevctl.d" "$ROOT/usr/lib/mdevctl/scripts.d/callouts" \
	"$ROOT/usr/lib/mdevctl/scripts.d/notifiers"
install -D -m 0755 "$OUT/s390-tools/ap_tools/ap-check" "$ROOT/opt/vfio-ap/clients/ap-check"

# The shared libraries: every NEEDED entry, transitively, from the sysroot.
mkdir -p "$ROOT/$LIBDIR" "$ROOT/lib"
needed() {
	s390x-linux-gnu-readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'
}
todo=("$ROOT/usr/bin/mdevctl" "$ROOT/usr/sbin/lszcrypt" "$ROOT/usr/sbin/chzcrypt"
	"$ROOT/opt/vfio-ap/clients/ap-check")
while [ ${#todo[@]} -gt 0 ]; do
	f=${todo[0]}
	todo=("${todo[@]:1}")
	for lib in $(needed "$f"); do
		[ -e "$ROOT/$LIBDIR/$lib" ] && continue
		[ -e "$sys/$LIBDIR/$lib" ] || die "$(basename "$f") needs $lib, which no .deb has"
		cp -L "$sys/$LIBDIR/$lib" "$ROOT/$LIBDIR/$lib"
		todo+=("$ROOT/$LIBDIR/$lib")
	done
done
# The program interpreter every binary names (PT_INTERP).
[ -e "$ROOT/$LIBDIR/ld64.so.1" ] || cp -L "$sys/$LIBDIR/ld64.so.1" "$ROOT/$LIBDIR/"
ln -s "/$LIBDIR/ld64.so.1" "$ROOT/lib/ld64.so.1"

{
	for p in mdevctl s390-tools libc6 libgcc-s1 libjson-c5; do
		dpkg-deb --show --showformat='${Package} ${Version}\n' "$(deb $p)"
	done
	echo "ap-check 2.35.0 built from src/tools/ap-check/s390-tools-2.35.0"
	echo "# files"
	(cd "$ROOT" && find . ! -type d | sed 's,^\.,,' | LC_ALL=C sort)
} >"$OUT/manifest"
install -D -m 0644 "$OUT/manifest" "$ROOT/usr/share/vfio-ap/clients"
rm -rf "$sys" "$OUT/s390-tools"
echo "$key" >"$OUT/key"
log "$(du -sh "$ROOT" | cut -f1) in $ROOT"
