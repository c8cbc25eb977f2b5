#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Instruction counts of the matrix core against the reference model of the C
# driver (src/matrix/examples/bench.rs), under callgrind: counts, unlike
# times, do not depend on what else the machine is doing.
#
# Prints a table and checks the targets: the core's full filter of a 256 x 256
# matrix at least 100x cheaper than the reference's, and a single queue bind
# or unbind costing the same within 1.5x on 16 x 16 and 256 x 256 matrices.
# Exits non-zero if a target is missed.
set -euo pipefail
LOG_TAG=bench
. "$(dirname "$0")/lib.sh"

command -v valgrind >/dev/null || die "valgrind not found; run scripts/setup-deps.sh"
target=${CARGO_TARGET_DIR:-$REPO_ROOT/build/cargo}
(cd "$REPO_ROOT/src/matrix" &&
	CARGO_TARGET_DIR=$target CARGO_PROFILE_RELEASE_DEBUG=true \
		cargo build --quiet --release --example bench)
bin=$target/release/examples/bench
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for run in filter plug16 plug256; do
	valgrind --tool=callgrind --callgrind-out-file="$out/$run.cg" "$bin" "$run" \
		>"$out/$run.txt" 2>"$out/$run.log" || { cat "$out/$run.log"; die "callgrind run $run failed"; }
	callgrind_annotate --inclusive=yes --threshold=100 "$out/$run.cg" 2>/dev/null |
		grep -E 'bench_(core|ref)_' >"$out/$run.fns" || true
done

python3 - "$out" <<'PY'
import re, sys
out = sys.argv[1]

def counts(run):
    """Inclusive instructions per bench_* function of one callgrind run."""
    result = {}
    for line in open(f"{out}/{run}.fns"):
        m = re.match(r"\s*([\d,]+)\s.*?(bench_(?:core|ref)_\w+)", line)
        if m:
            result[m.group(2)] = int(m.group(1).replace(",", ""))
    return result

def iterations(run):
    words = open(f"{out}/{run}.txt").read().split()
    return {words[i]: int(words[i + 1]) for i in range(0, len(words) - 1, 2)}

rows, ok = [], True
f, it = counts("filter"), iterations("filter")
core_filter = f["bench_core_full_filter"] / it["core_filters"]
ref_filter = f["bench_ref_full_filter"] / it["ref_filters"]
rows.append(("full filter, 256 x 256", core_filter, ref_filter))
per_op = {}
for size in (16, 256):
    c, i = counts(f"plug{size}"), iterations(f"plug{size}")
    for op in ("unbind", "bind"):
        core = c[f"bench_core_{op}"] / i["core_plugs"]
        ref = c[f"bench_ref_{op}"] / i["ref_plugs"]
        per_op[(op, size)] = core
        rows.append((f"queue {op}, {size} x {size}", core, ref))

print(f"{'operation':<26} {'core (Ir)':>12} {'reference (Ir)':>16} {'ref/core':>10}")
for name, core, ref in rows:
    print(f"{name:<26} {core:>12,.0f} {ref:>16,.0f} {ref / core:>9,.1f}x")
print()
ratio = ref_filter / core_filter
verdict = "met" if ratio >= 100 else "MISSED"
ok &= ratio >= 100
print(f"target: full filter >= 100x fewer instructions than the reference: {ratio:,.0f}x, {verdict}")
for op in ("unbind", "bind"):
    small, large = per_op[(op, 16)], per_op[(op, 256)]
    r = max(small, large) / min(small, large)
    verdict = "met" if r <= 1.5 else "MISSED"
    ok &= r <= 1.5
    print(f"target: one {op} costs the same within 1.5x on 16 x 16 and 256 x 256: "
          f"{small:,.0f} vs {large:,.0f} Ir ({r:.2f}x), {verdict}")
sys.exit(0 if ok else 1)
PY
