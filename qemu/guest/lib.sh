# SPDX-License-Identifier: GPL-2.0
#
# Helpers for guest test scripts. Source it: . /lib/vfio-ap/lib.sh
# A failed check prints "FAIL: ..." and exits 1, which fails the VM run.

fail() {
	echo "FAIL: $*"
	exit 1
}

pass() {
	echo "PASS: $*"
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
	if [ "$1" != "$2" ]; then
		fail "$3: expected '$2', got '$1'"
	fi
	pass "$3"
}

# Run a command that must fail; its stderr must contain TEXT (an strerror
# message such as "No such device").
# expect_fail_with TEXT WHAT CMD...
expect_fail_with() {
	local text=$1 what=$2 err
	shift 2
	if err=$("$@" 2>&1); then
		fail "$what: succeeded, expected failure with '$text'"
	fi
	case "$err" in
	*"$text"*) pass "$what ($text)" ;;
	*) fail "$what: failed with '$err', expected '$text'" ;;
	esac
}

# write FILE VALUE: a write that must succeed (no PASS line).
write() {
	echo "$2" >"$1" || fail "echo '$2' > $1"
}

# write_fails TEXT FILE VALUE: a write that must fail with TEXT in its error.
write_fails() {
	expect_fail_with "$1" "echo '$3' > $2" sh -c "echo '$3' > '$2'"
}

# mark, then since: the simulator test driver's (sim_dummy) kernel log lines
# since the last mark.
mark() {
	MARK=$(dmesg | wc -l)
}
since() {
	dmesg | tail -n +$((MARK + 1)) | grep -o 'sim_dummy: .*' || true
}

module_loaded() {
	[ -d "/sys/module/$1" ]
}

# Scan for leaks; objects must be older than kmemleak's minimum age (5 s)
# to be reported, hence the wait. Leaks fail the check and, through the
# kernel's "new suspected memory leaks" line, the whole VM run.
# Under the test runner with its leak scan (VMTEST_LEAK_SCAN=1, as in
# `make vmtest`), the runner scans once at the end of the boot and charges
# every leaked object to the test it was allocated in: this test fails by
# name all the same, without a scan and a 6 s wait of its own.
kmemleak_check() {
	local f=/sys/kernel/debug/kmemleak
	[ -w "$f" ] || fail "kmemleak is not available"
	if [ "${VMTEST_LEAK_SCAN:-0}" = 1 ]; then
		echo "kmemleak: left to the runner's scan at the end of the boot"
		return 0
	fi
	sleep 6
	echo scan >"$f"
	echo scan >"$f"
	# debugfs files have size 0: read it ([ -s ] would always be false).
	if [ -n "$(cat "$f")" ]; then
		cat "$f"
		fail "kmemleak found unreferenced objects"
	fi
	pass "kmemleak: no leaks"
}

# Forget leak suspects that exist before the test (boot-time noise). Under
# the runner's leak scan this must not happen (it would forget the leaks of
# the tests before this one): the runner does not charge objects allocated
# before its first test.
kmemleak_baseline() {
	local f=/sys/kernel/debug/kmemleak
	[ -w "$f" ] || return 0
	[ "${VMTEST_LEAK_SCAN:-0}" != 1 ] || return 0
	echo scan >"$f"
	echo clear >"$f"
}

# Writes VALUE to FILE; prints nothing on success, else the shell's error
# (an strerror message such as "No such device"). Always returns 0.
# write_err FILE VALUE
write_err() {
	(echo "$2" >"$1") 2>&1 | sed 's/.*write error: //'
}

# expect_write_ok FILE VALUE WHAT
expect_write_ok() {
	local err
	err=$(write_err "$1" "$2")
	[ -z "$err" ] || fail "$3: writing '$2' to $1 failed: $err"
	pass "$3"
}

# expect_write_err FILE VALUE ERRTEXT WHAT
expect_write_err() {
	local err
	err=$(write_err "$1" "$2")
	[ "$err" = "$3" ] || fail "$4: writing '$2' to $1: expected '$3', got '${err:-success}'"
	pass "$4 ($3)"
}

# The IDs set in a 64-hex-digit MSB-0 mask ("0x" prefix optional), in
# ascending decimal, space separated: mask_ids 0x0c00... prints "4 5".
mask_ids() {
	# Pure shell (no subprocess per digit): forks are slow under TCG.
	local hex=${1#0x} id=0 first digit bit out=
	while [ -n "$hex" ]; do
		first=${hex%"${hex#?}"}
		hex=${hex#?}
		digit=$((0x$first))
		for bit in 8 4 2 1; do
			[ $((digit & bit)) -ne 0 ] && out="$out $id"
			id=$((id + 1))
		done
	done
	echo ${out# }
}
