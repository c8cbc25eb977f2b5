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

# figure TEXT: a figure for `make stress` to report ("inputs tried: 212").
figure() {
	echo "figure: $*"
}

# long_form: whether this is the long form of a test (`make stress`,
# VMTEST_MODE=long); the quick form runs in `make check`.
long_form() {
	[ "${VMTEST_MODE:-quick}" = long ]
}

# expect_eq ACTUAL EXPECTED WHAT
expect_eq() {
	if [ "$1" != "$2" ]; then
		fail "$3: expected '$2', got '$1'"
	fi
	pass "$3"
}

# expect_prefix ACTUAL PREFIX WHAT
expect_prefix() {
	case "$1" in
	"$2"*) pass "$3" ;;
	*) fail "$3: expected '$2...', got '$1'" ;;
	esac
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

# Centiseconds since boot, from /proc/uptime (no subprocess).
uptime_cs() {
	local up
	read -r up _ </proc/uptime
	echo "${up%.*}${up#*.}"
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

# Fault injection with fail-nth (Documentation/fault-injection): slab
# allocations that may sleep fail too, and quietly (no stack dump per
# injected failure).
failslab_setup() {
	local d=/sys/kernel/debug/failslab
	[ -d $d ] || fail "failslab is not available"
	echo N >$d/ignore-gfp-wait
	echo 0 >$d/verbose
}

# with_fail_nth N CMD: runs the shell command CMD in a shell whose Nth
# fault-injection point (here: slab allocation) from CMD on fails. Prints
# "<status> <left>": CMD's exit status and the fail-nth count left afterwards
# (0: the failure was injected; more: CMD passed fewer than N points, so
# nothing was injected). The fail-nth file is opened before the count is
# set, so only CMD's own allocations are counted.
with_fail_nth() {
	sh -c "exec 3</proc/thread-self/fail-nth 4>/proc/thread-self/fail-nth
		echo $1 >&4; $2; rc=\$?; read left <&3; echo \$rc \$left" 2>/dev/null
}

# wait_until SECONDS CMD...: runs CMD every 0.1 s until it succeeds; fails
# the test after SECONDS.
wait_until() {
	local limit=$(($1 * 10)) i=0
	shift
	until "$@"; do
		i=$((i + 1))
		[ $i -le $limit ] || fail "timed out after $((limit / 10)) s waiting for: $*"
		sleep 0.1
	done
}

# The guest-side VFIO client (src/tools/vfio-ap-client), playing QEMU's
# vfio-ap device for the simulated VM NAME: client_start NAME UUID [OPTS]
# opens the mdev and leaves the client serving commands from a FIFO; its
# output goes to $CLIENT_DIR/out (one line per step, event and command).
# Several clients may run at once, one per VM name.
client_dir() {
	echo "/tmp/vfio-ap-client.$1"
}

client_start() {
	local vm=$1 uuid=$2 dir
	shift 2
	dir=$(client_dir "$vm")
	rm -rf "$dir"
	mkdir -p "$dir"
	mkfifo "$dir/ctl"
	vfio-ap-client --vm "$vm" --status "$dir/status" "$@" open "$uuid" \
		<"$dir/ctl" >"$dir/out" 2>&1 &
	echo $! >"$dir/pid"
	# Hold the FIFO open for writing, so the client's stdin stays open
	# between commands; one descriptor per VM (fds 5-9, by slot).
	client_fd_open "$vm"
	wait_until 60 client_settled "$vm"
}

# Opens VM's FIFO for writing on the first free descriptor of 5-9.
client_fd_open() {
	local vm=$1 dir fd=5 used
	dir=$(client_dir "$vm")
	used=$(cat /tmp/vfio-ap-client.*/fd 2>/dev/null || true)
	while echo "$used" | grep -qx "$fd"; do fd=$((fd + 1)); done
	[ "$fd" -le 9 ] || fail "more than 5 clients at once"
	echo "$fd" >"$dir/fd"
	eval "exec $fd>\"$dir/ctl\""
}

# Whether the client has finished opening (ready, or a failed step).
client_settled() {
	grep -qE '^open: (ready|.*failed)' "$(client_dir "$1")/out" 2>/dev/null
}

# client_out VM: everything the client printed.
client_out() {
	cat "$(client_dir "$1")/out"
}

# client_ready VM: whether the open went through.
client_ready() {
	grep -q '^open: ready' "$(client_dir "$1")/out"
}

# client_cmd VM COMMAND: sends COMMAND and waits for its one-line answer
# (a line starting with the command's first word), which it prints.
client_cmd() {
	local vm=$1 cmd=$2 dir fd before
	dir=$(client_dir "$vm")
	fd=$(cat "$dir/fd")
	before=$(wc -l <"$dir/out")
	eval "echo \"\$cmd\" >&$fd"
	wait_until 60 client_answered "$dir" "$before" "${cmd%% *}"
	tail -n +$((before + 1)) "$dir/out" | grep -E "^${cmd%% *}[ :]" | head -n 1
}

client_answered() {
	tail -n +$(($2 + 1)) "$1/out" | grep -qE "^$3[ :].*: |^$3: "
}

# client_status VM KEY: a counter of the client's status file (cfg_chg,
# req, open).
client_status() {
	sed -n "s/.*\\b$2=\\([0-9]*\\).*/\\1/p" "$(client_dir "$1")/status" 2>/dev/null
}

# client_stop VM: closes the device (the client exits) and waits for it.
client_stop() {
	local vm=$1 dir fd pid
	dir=$(client_dir "$vm")
	fd=$(cat "$dir/fd")
	pid=$(cat "$dir/pid")
	if kill -0 "$pid" 2>/dev/null; then
		eval "echo close >&$fd" 2>/dev/null || true
	fi
	client_reap "$vm"
}

# client_reap VM: waits for the client to exit and releases its FIFO.
client_reap() {
	local vm=$1 dir fd pid
	dir=$(client_dir "$vm")
	fd=$(cat "$dir/fd")
	pid=$(cat "$dir/pid")
	wait_until 60 client_gone "$pid"
	wait "$pid" 2>/dev/null || true
	eval "exec $fd>&-"
	rm -f "$dir/fd"
}

client_gone() {
	! kill -0 "$1" 2>/dev/null
}
