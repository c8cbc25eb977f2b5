#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lszcrypt (s390-tools 2.35.0, Debian trixie's binary unchanged) on the
# simulated AP bus with our module: -V shows each queue with our driver's
# name and, as there is no zcrypt driver, our queue "status" attribute
# (unassigned, assigned, in use), before and after binds and host changes;
# -d shows the host's domains, -b the bus.
# vmtest: long
. /lib/vfio-ap/lib.sh
. /lib/vfio-ap/clients.sh
set -e

# The machine: CEX7 adapters (raw type 13, hwtype 13) in CCA mode with
# APXA, queue depth 8 (TAPQ qd 7). Adapter 5 is reserved for the default
# drivers (apmask with an all-ones aqmask), so its queues stay unbound.
ALL=0x$(printf 'f%.0s' $(seq 64))
modprobe vfio_ap_sim adapters=4,5 domains=4,0x47 control_domains=4,0x47,0x54 \
	aqmask=$ALL apmask=+5
modprobe vfio_ap
D=/sys/kernel/debug/vfio_ap_sim

# What lszcrypt -V prints for these devices, from the facts above alone:
# TYPE "-" and the cards' STATUS "-": zcrypt's "type" and "online"
# attributes do not exist without a zcrypt driver; MODE from the CCA
# facility bit; REQUESTS 0 (nothing ever runs); PENDING 0 for a card and
# "-" for a queue not bound to zcrypt; HWTYPE 13; QDEPTH: lszcrypt 2.35
# prints the "depth" attribute (8) plus one (a later s390-tools fixed
# that); FUNCTIONS: D (CCA) and N (APXA) in lszcrypt's column order; DRIVER
# the queue's driver link, "-no-driver-" for cards (no cex4card driver).
card_row() {
	echo "$1 - CCA-Coproc - 0 0 13 09 ---D--N--- -no-driver-"
}
queue_row() { # APQN STATUS|- DRIVER
	echo "$1 - CCA-Coproc $2 0 - 13 09 ---D--N--- $3"
}
# lszcrypt -V's rows (after its two header lines), blanks squeezed.
lszcrypt_rows() {
	local l n=0 out=
	lszcrypt -V "$@" >/tmp/lszcrypt.out || fail "lszcrypt -V $* failed"
	while IFS= read -r l; do
		n=$((n + 1))
		[ $n -gt 2 ] || continue
		# shellcheck disable=SC2086 # word splitting squeezes the blanks
		set -- $l
		out="$out${out:+
}$*"
	done </tmp/lszcrypt.out
	echo "$out"
}

U=7d4c2b00-0000-4000-8000-000000000001
T=/sys/devices/vfio_ap/matrix/mdev_supported_types/vfio_ap-passthrough
echo $U >$T/create
echo 4 >/sys/devices/vfio_ap/matrix/$U/assign_adapter
echo 4 >/sys/devices/vfio_ap/matrix/$U/assign_domain
echo g >$D/guests/new

expect_eq "$(lszcrypt_rows)" "$(card_row 04)
$(queue_row 04.0004 assigned vfio_ap)
$(queue_row 04.0047 unassigned vfio_ap)
$(card_row 05)
$(queue_row 05.0004 - -no-driver-)
$(queue_row 05.0047 - -no-driver-)" "lszcrypt -V: adapter 5 reserved, 04.0004 assigned"

# The guest takes 04.0004: in use. Adapter 5 is released: vfio_ap binds
# its queues.
echo $U >$D/guests/g/attach
echo -5 >/sys/bus/ap/apmask
expect_eq "$(lszcrypt_rows)" "$(card_row 04)
$(queue_row 04.0004 "in use" vfio_ap)
$(queue_row 04.0047 unassigned vfio_ap)
$(card_row 05)
$(queue_row 05.0004 unassigned vfio_ap)
$(queue_row 05.0047 unassigned vfio_ap)" "lszcrypt -V: 04.0004 in use, adapter 5 bound"

# The host: adapter 4 leaves, adapter 6 and domain 0xab join. The mdev
# keeps adapter 4 assigned, but it has no queue any more; 06.0004 is new.
echo 6 >/sys/devices/vfio_ap/matrix/$U/assign_adapter
echo "adapters==5,6 domains==4,0x47,0xab" >$D/config
expect_eq "$(lszcrypt_rows)" "$(card_row 05)
$(queue_row 05.0004 unassigned vfio_ap)
$(queue_row 05.0047 unassigned vfio_ap)
$(queue_row 05.00ab unassigned vfio_ap)
$(card_row 06)
$(queue_row 06.0004 "in use" vfio_ap)
$(queue_row 06.0047 unassigned vfio_ap)
$(queue_row 06.00ab unassigned vfio_ap)" "lszcrypt -V after the host change"

if long_form; then
	expect_eq "$(lszcrypt_rows 06.0004)" "$(queue_row 06.0004 "in use" vfio_ap)" \
		"lszcrypt -V 06.0004"
	# Without zcrypt's "online" attributes plain lszcrypt lists nothing.
	expect_eq "$(lszcrypt | joined)" \
		"CARD.DOM TYPE  MODE        STATUS     REQUESTS ----------------------------------------------" \
		"lszcrypt without -V: only zcrypt's devices"
fi

# -d: the host's usage (U), control (C) and both (B) domains, 16 a row.
# Expected from the configuration: usage 4, 0x47, 0xab; control 4, 0x47,
# 0x54.
domain_rows() {
	local row col d c out=
	for row in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
		out="$out${out:+
}${row}0"
		for col in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
			d=$((0x$row$col))
			case $d in
			4 | 71) c=B ;;
			171) c=U ;;
			84) c=C ;;
			*) c=. ;;
			esac
			out="$out $c"
		done
	done
	echo "$out"
}
lszcrypt -d >/tmp/lszcrypt.out
got=
while IFS= read -r l; do
	case "$l" in
	"    "[0-9a-f]0*)
		# shellcheck disable=SC2086 # squeezes the blanks
		set -- $l
		got="$got${got:+
}$*" ;;
	esac
done </tmp/lszcrypt.out
expect_eq "$got" "$(domain_rows)" "lszcrypt -d"

# -b: the bus. ap_domain is the real bus's default domain: the lowest
# usage domain in aqmask with an adapter in apmask whose queue answers; no
# adapter is in apmask now (-1). Features: QCI's S, N (APXA), C and R.
expect_eq "$(lszcrypt -b | joined)" \
	"features: APSC APXA QACT RC8A ap_domain=0xffffffffffffffff ap_max_domain_id=0xff ap_interrupts are disabled config_time=30 (seconds) poll_thread is disabled poll_timeout=250000 (nanoseconds)" \
	"lszcrypt -b"
if long_form; then
	echo +5 >/sys/bus/ap/apmask
	expect_prefix "$(lszcrypt -b | joined)" "features: APSC APXA QACT RC8A ap_domain=0x4 " \
		"lszcrypt -b: domain 4 with adapter 5 in apmask"
	echo -5 >/sys/bus/ap/apmask
fi

echo $U >$D/guests/g/detach
echo g >$D/guests/destroy
echo 1 >/sys/devices/vfio_ap/matrix/$U/remove
rmmod vfio_ap
rmmod vfio_ap_sim
clients_figures
