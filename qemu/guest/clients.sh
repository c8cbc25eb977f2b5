# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the tests of the real clients (mdevctl, lszcrypt, ap-check:
# qemu/tests/6*). Source it after lib.sh: . /lib/vfio-ap/clients.sh

MDEVCTL_CALLOUTS=/usr/lib/mdevctl/scripts.d/callouts

# clients_reset: no mdevctl configs, no callouts, no ap-check lock left from
# a test before (or for the test after), and the lock's directory.
clients_reset() {
	rm -rf /etc/mdevctl.d/matrix /run/lock/s390apconfig.lock
	rm -f "$MDEVCTL_CALLOUTS"/*
	mkdir -p /run/lock
}

# Forks are slow under TCG (each client run costs a second already): the
# helpers below use only shell builtins.

# joined: stdin's lines joined by single spaces.
joined() {
	local l out=
	while IFS= read -r l || [ -n "$l" ]; do
		out="$out${out:+ }$l"
	done
	echo "$out"
}

# lines FILE: FILE's lines joined by single spaces.
lines() {
	joined <"$1"
}

# json_flat: pretty-printed JSON (serde's, as mdevctl writes it) on one
# line: indentation and line breaks dropped.
json_flat() {
	local l out=
	while IFS= read -r l || [ -n "$l" ]; do
		out="$out${l#"${l%%[! ]*}"}"
	done
	echo "$out"
}

# mdev_json START ATTR...: an mdevctl JSON config for our type, START auto
# or manual, each ATTR an object such as '{"assign_adapter": "4"}'; laid
# out so that json_flat gives what it gives for mdevctl's own output.
mdev_json() {
	local start=$1 sep= a
	shift
	printf '{\n"mdev_type": "vfio_ap-passthrough",\n"start": "%s",\n"attrs": [' "$start"
	for a in "$@"; do
		printf '%s%s' "$sep" "$a"
		sep=",
"
	done
	printf ']\n}\n'
}

# Every run of a client is counted (one line a run in $CLIENT_RUNS, written
# by the shell itself: it works from $(...) too) for the test's figures.
CLIENT_RUNS=/tmp/client-runs
: >"$CLIENT_RUNS"
CLIENTS_T0=$(uptime_cs)
mdevctl() {
	echo mdevctl >>"$CLIENT_RUNS"
	command mdevctl "$@"
}
lszcrypt() {
	echo lszcrypt >>"$CLIENT_RUNS"
	command lszcrypt "$@"
}

# clients_figures: how many client runs the test made, in how long.
clients_figures() {
	local t m=0 l=0 tool
	t=$(($(uptime_cs) - CLIENTS_T0))
	while read -r tool; do
		case $tool in
		mdevctl) m=$((m + 1)) ;;
		lszcrypt) l=$((l + 1)) ;;
		esac
	done <"$CLIENT_RUNS"
	figure "mdevctl runs: $m, lszcrypt runs: $l, seconds: $((t / 100)).$((t % 100 / 10))"
}
