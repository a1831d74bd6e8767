#!/usr/bin/env bash
# The board build's gate: fails (exit 1, naming the resource or the clock) when the placed design
# uses more of a resource than the part has, or when the placed-and-routed maximum clock is below
# the board clock. Reads nextpnr's log; synth.sh runs it after place and route (and on a failed
# place and route, so the reason is told). Usage: gate.sh NEXTPNR_LOG CLOCK_MHZ
set -euo pipefail
log=$1
clock_mhz=$2
[ -r "$log" ] || { echo "gate: no nextpnr log at $log" >&2; exit 2; }

status=0
# Utilisation lines: "Info:   ICESTORM_LC:  4750/ 5280    89%" (the last report wins).
while read -r name used total; do
  if [ "$used" -gt "$total" ]; then
    echo "gate: the design does not fit: $name $used of $total" >&2
    status=1
  fi
done < <(grep -E '^Info:\s+[A-Z_0-9]+:\s+[0-9]+/\s*[0-9]+\s' "$log" \
           | sed -E 's/^Info:\s+([A-Z_0-9]+):\s+([0-9]+)\/\s*([0-9]+).*/\1 \2 \3/' \
           | awk '{ last[$1] = $0 } END { for (k in last) print last[k] }')

fmax=$(grep -E 'Max frequency for clock' "$log" | tail -1 | sed -E 's/.*: ([0-9.]+) MHz.*/\1/' || true)
if [ -z "$fmax" ]; then
  echo "gate: nextpnr reported no maximum clock (place and route did not finish)" >&2
  status=1
elif ! awk -v f="$fmax" -v c="$clock_mhz" 'BEGIN { exit !(f >= c) }'; then
  echo "gate: too slow: the placed-and-routed maximum clock is $fmax MHz, the board runs at $clock_mhz MHz" >&2
  status=1
fi
exit $status
