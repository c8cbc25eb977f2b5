#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fail if a module build log has a compiler or clippy warning or error.
# The one exception is the kernel's own s390 Rust flag note ("unstable feature
# specified for -Ctarget-feature: backchain"), printed for every Rust object.
set -euo pipefail
log=$1
found=$(grep -nE '^(warning|error)(\[[^]]*\])?:|: (warning|error):' "$log" |
	grep -v 'unstable feature specified for `-Ctarget-feature`: `backchain`' |
	grep -v 'unstable feature specified for -Ctarget-feature: backchain' |
	grep -vx '[0-9]*:warning: 1 warning emitted' || true)
if [ -n "$found" ]; then
	echo "$log has warnings:" >&2
	echo "$found" >&2
	echo "--- full log ---" >&2
	cat "$log" >&2
	exit 1
fi
