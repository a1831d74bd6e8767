#!/usr/bin/env bash
# Resource ESTIMATES (synthesis only, no place and route: Debian 12 has nextpnr for iCE40 only) of
# the search core for larger parts: yosys synth_ecp5 (Lattice ECP5-85F: 83,640 LUT4, 208 DP16KD
# block RAMs of 18 Kbit) and synth_xilinx (Artix-7 100T: 63,400 LUT6, 135 RAMB36), for each
# CHAINS in a list. Sizes are parameters:
#   estimate.sh [MAX_VARS MAX_VALUES MAX_CLAUSES MAX_LITERALS [CHAINS...]]    (CHAINS default: 1 2 4)
# One line per part and CHAINS, with "fits" when LUTs and block RAM are within the part's.
set -euo pipefail
cd "$(dirname "$0")/../.."
V=${1:-4096}; P=${2:-16384}; C=${3:-16384}; L=${4:-65536}
shift $(( $# < 4 ? $# : 4 ))
CHAINS_LIST=${*:-1 2 4}
OUT=build/estimate
mkdir -p "$OUT"
SOURCES="hdl/rtl/search_core.v hdl/rtl/search_chain.v hdl/rtl/search_tables.v hdl/rtl/search_table_ram.v \
hdl/rtl/search_breaks.v hdl/rtl/search_unsat.v hdl/rtl/search_gumbel.v"
# Totals: the last section of yosys' stat (the design hierarchy, or the one flattened module).
total() { awk -v re="$2" '/^===/ { s = 0 } $1 ~ re { s += $2 } END { print s + 0 }' "$1"; }
fits() { if [ "$1" -le "$2" ] && [ "$3" -le "$4" ]; then echo "fits"; else echo "does not fit"; fi; }
echo "search_core, MAX_VARS $V, MAX_VALUES $P, MAX_CLAUSES $C, MAX_LITERALS $L (synthesis estimates)"
for n in $CHAINS_LIST; do
  params="-set CHAINS $n -set MAX_VARS $V -set MAX_VALUES $P -set MAX_CLAUSES $C -set MAX_LITERALS $L"
  for target in ecp5 xilinx; do
    # (yosys' warnings, many "Resizing cell port" lines for Xilinx block RAMs, go to the .log)
    yosys -q -l "$OUT/$target-$n.log" -p "read_verilog -Ihdl/rtl $SOURCES; \
      chparam $params search_core; synth_$target -top search_core; tee -o $OUT/$target-$n.stat stat" \
      2> "$OUT/$target-$n.err" || { cat "$OUT/$target-$n.err" >&2; exit 1; }
  done
  e=$OUT/ecp5-$n.stat; x=$OUT/xilinx-$n.stat
  elut=$(total "$e" '^LUT4$'); ebr=$(total "$e" '^DP16KD$')
  xlut=$(total "$x" '^LUT[1-6]$'); x36=$(total "$x" '^RAMB36E1$'); x18=$(total "$x" '^RAMB18E1$')
  echo "CHAINS $n ECP5:    $elut LUT4, $(total "$e" '^TRELLIS_FF$') FF, $ebr DP16KD (of 208 in an ECP5-85F), $(total "$e" '^MULT18X18D$') MULT18X18D: $(fits "$elut" 83640 "$ebr" 208)"
  echo "CHAINS $n Artix-7: $xlut LUT, $(total "$x" '^FD[A-Z]*$') FF, $x36 RAMB36E1 + $x18 RAMB18E1 (of 135 RAMB36 in a 100T): $(fits "$xlut" 63400 $(( (2 * x36 + x18 + 1) / 2 )) 135)"
done
