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
echo "ECP5:    $(grep -E '^\s+LUT4\s' $OUT/ecp5.stat | awk '{print $2}') LUT4, $(grep -E '^\s+TRELLIS_FF\s' $OUT/ecp5.stat | awk '{print $2}') FF, $(grep -E '^\s+DP16KD\s' $OUT/ecp5.stat | awk '{print $2}') DP16KD, $(grep -E '^\s+MULT18X18D\s' $OUT/ecp5.stat | awk '{print $2}' || echo 0) MULT18"
echo "Artix-7: $(grep -E '^\s+LUT[1-6]\s' $OUT/xilinx.stat | awk '{s+=$2} END {print s}') LUT, $(grep -E '^\s+FD[A-Z]*\s' $OUT/xilinx.stat | awk '{s+=$2} END {print s}') FF, $(grep -E '^\s+RAMB36E1\s' $OUT/xilinx.stat | awk '{print $2}' || echo 0) RAMB36, $(grep -E '^\s+RAMB18E1\s' $OUT/xilinx.stat | awk '{print $2}' || echo 0) RAMB18"
