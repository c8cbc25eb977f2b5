#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Turns the BENCH lines of an in-VM benchmark log (qemu/bench/vmbench.sh)
# into a Markdown table: per operation and machine size, the time per
# operation with the dummy driver (the baseline: driver core and simulator)
# and with vfio_ap, vfio_ap's added cost, and how that cost grows from the
# smallest size to each larger one.
#
#   scripts/vmbench-table.sh LOG
set -euo pipefail
log=$1
tr -d '\r' <"$log" | grep -o 'BENCH .*' | awk '
function us(cs, n) { return n ? cs * 10000.0 / n : 0 }
{
	for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	key = f["op"] SUBSEP f["size"]
	t[key SUBSEP f["driver"]] = us(f["cs"], f["count"])
	if (!(f["size"] in seen)) { seen[f["size"]] = 1; sizes[++ns] = f["size"] }
	if (!(f["op"] in seenop)) { seenop[f["op"]] = 1; ops[++no] = f["op"] }
}
END {
	print "| operation | size | dummy driver (us/op) | vfio_ap (us/op) | vfio_ap added (us/op) | added growth vs " sizes[1] "x" sizes[1] " |"
	print "|---|---|---|---|---|---|"
	for (o = 1; o <= no; o++) {
		op = ops[o]
		for (s = 1; s <= ns; s++) {
			sz = sizes[s]
			k = op SUBSEP sz
			if (!((k SUBSEP "vfio_ap") in t)) continue
			v = t[k SUBSEP "vfio_ap"]
			if ((k SUBSEP "dummy") in t) { d = t[k SUBSEP "dummy"]; add = v - d; ds = sprintf("%.0f", d) }
			else { d = 0; add = v; ds = "-" }
			if (s == 1) base[op] = add
			g = (s > 1 && base[op] > 0) ? sprintf("%.2fx", add / base[op]) : "-"
			printf "| %s | %sx%s | %s | %.0f | %.0f | %s |\n", op, sz, sz, ds, v, add, g
			if (op == "config_change") {
				# A change takes one adapter and its SIZE queues out or in.
				base_q = (s == 1) ? add / sizes[1] : base_q
				gq = (s > 1 && base_q > 0) ? sprintf("%.2fx", (add / sz) / base_q) : "-"
				printf "| config_change, per queue | %sx%s | %.0f | %.0f | %.0f | %s |\n",
					sz, sz, d / sz, v / sz, add / sz, gq
			}
		}
	}
}'
