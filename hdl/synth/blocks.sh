#!/usr/bin/env bash
# Per-block figures of the board top, synthesis only (yosys synth_ice40 -noflatten, no place and
# route): LUT4s, flip-flops, block RAMs (EBR), SPRAMs and DSPs of each module, one line per module
# as a tree, each block with everything under it. The flattened
# build of synth.sh optimises across blocks, so its totals are a little lower.
#   bash hdl/synth/blocks.sh            # the board as built (no device search)
#   SEARCH=1 bash hdl/synth/blocks.sh   # with the device search at the board top's capacities
set -euo pipefail
cd "$(dirname "$0")/../.."
SEARCH=${SEARCH:-0}
[ "$SEARCH" = 0 ] || [ "$SEARCH" = 1 ] || { echo "blocks: SEARCH must be 0 or 1, not '$SEARCH'" >&2; exit 2; }
OUT=build/blocks
mkdir -p "$OUT"
TOP=hilsolve_icebreaker
yosys -q -l "$OUT/yosys-search$SEARCH.log" -p "read_verilog hdl/rtl/$TOP.v; chparam -set SEARCH $SEARCH $TOP; \
  hierarchy -top $TOP -libdir hdl/rtl; synth_ice40 -dsp -noflatten -top $TOP; tee -q -o $OUT/search$SEARCH.stat stat"
# The hierarchy as a tree: each block's cells with everything under it (a count above 1 is the
# number of instances, all included).
awk '
  function short(m) { sub(/^\$paramod\$[0-9a-f]+\\/, "", m); sub(/^\$paramod\\/, "", m); sub(/\\.*/, "", m); return m }
  function flush(d,   k) {   # close the rows deeper than d, adding each into its parent
    while (sp > d) {
      for (k = 1; k <= 5; k++) { row[rid[sp], k] *= cnt[sp]; if (sp > 1) row[rid[sp - 1], k] += row[rid[sp], k] }
      sp--
    }
  }
  BEGIN { split("SB_LUT4 SB_DFF SB_RAM40_4K SB_SPRAM256KA SB_MAC16", kind, " ") }
  /^=== / { name = $2; next }
  name != "design" && NF == 2 { for (k = 1; k <= 5; k++) if ($1 == kind[k] || (k == 2 && $1 ~ /^SB_DFF/)) own[name, k] += $2 }
  name == "design" && NF == 2 && $2 ~ /^[0-9]+$/ && $1 !~ /^SB_/ {
    match($0, /^ */); d = (RLENGTH - 3) / 2 + 1
    flush(d - 1)
    n++; label[n] = sprintf("%" (2 * d - 2) "s%s%s", "", short($1), $2 > 1 ? " x" $2 : ""); depth[n] = d
    for (k = 1; k <= 5; k++) row[n, k] = own[$1, k]
    sp = d; rid[sp] = n; cnt[sp] = $2
  }
  END {
    flush(0)
    printf "%-34s %6s %6s %4s %6s %4s\n", "block (with what is under it)", "LUT4", "FF", "EBR", "SPRAM", "DSP"
    for (i = 1; i <= n; i++) printf "%-34s %6d %6d %4d %6d %4d\n", label[i], row[i, 1], row[i, 2], row[i, 3], row[i, 4], row[i, 5]
  }' "$OUT/search$SEARCH.stat"
