#!/usr/bin/env bash
# Resource ESTIMATES (synthesis only, no place and route: Debian 12 has nextpnr for iCE40 only) of
# the search core for larger parts: yosys synth_ecp5 (Lattice ECP5-85F: 83,640 LUT4, 208 DP16KD
# block RAMs of 18 Kbit) and synth_xilinx (Artix-7 100T: 63,400 LUT6, 135 RAMB36). Sizes are
# parameters: estimate.sh [MAX_VARS MAX_VALUES MAX_CLAUSES MAX_LITERALS].
set -euo pipefail
cd "$(dirname "$0")/../.."
V=${1:-4096}; P=${2:-16384}; C=${3:-16384}; L=${4:-65536}
OUT=build/estimate
mkdir -p "$OUT"
params="-set MAX_VARS $V -set MAX_VALUES $P -set MAX_CLAUSES $C -set MAX_LITERALS $L"
for target in ecp5 xilinx; do
  yosys -q -l "$OUT/$target.log" -p "read_verilog -Ihdl/rtl hdl/rtl/search_core.v hdl/rtl/search_breaks.v hdl/rtl/search_unsat.v hdl/rtl/search_gumbel.v; \
    chparam $params search_core; synth_$target -top search_core; tee -o $OUT/$target.stat stat"
done
echo "search_core, MAX_VARS $V, MAX_VALUES $P, MAX_CLAUSES $C, MAX_LITERALS $L (synthesis estimates)"
# Totals: the last section of yosys' stat (the design hierarchy, or the one flattened module).
total() { awk -v re="$2" '/^===/ { s = 0 } $1 ~ re { s += $2 } END { print s + 0 }' "$1"; }
echo "ECP5:    $(total $OUT/ecp5.stat '^LUT4$') LUT4, $(total $OUT/ecp5.stat '^TRELLIS_FF$') FF, $(total $OUT/ecp5.stat '^DP16KD$') DP16KD (of 208 in an ECP5-85F), $(total $OUT/ecp5.stat '^MULT18X18D$') MULT18X18D"
echo "Artix-7: $(total $OUT/xilinx.stat '^LUT[1-6]$') LUT, $(total $OUT/xilinx.stat '^FD[A-Z]*$') FF, $(total $OUT/xilinx.stat '^RAMB36E1$') RAMB36E1 + $(total $OUT/xilinx.stat '^RAMB18E1$') RAMB18E1 (of 135 RAMB36 in a 100T)"
