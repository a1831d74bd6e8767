#!/usr/bin/env bash
# Synthesises the design for the iCEBreaker board (iCE40 UP5K-SG48, 12 MHz): yosys synth_ice40,
# nextpnr-ice40 place and route at 12 MHz, icepack. Prints what synthesis made (LUTs, flip-flops,
# RAMs), the logic cells, block RAMs (EBR), SPRAM and DSPs placed, and the maximum clock that
# timing analysis allows. -dsp maps the constraint engine's 16 x 9 multiplier (ACC) to one
# SB_MAC16 instead of logic cells.
#
#   bash hdl/synth/synth.sh             # the board as built: no device search; build/synth/
#   SEARCH=1 bash hdl/synth/synth.sh    # the board top with the device search at its smallest
#                                       # capacities (hilsolve_icebreaker.v); build/synth-search/.
#                                       # It does not fit the UP5K: the gate says by how much.
set -euo pipefail
cd "$(dirname "$0")/../.."

SEARCH=${SEARCH:-0}
case "$SEARCH" in
  0) OUT=build/synth ;;
  1) OUT=build/synth-search ;;
  *) echo "synth: SEARCH must be 0 or 1, not '$SEARCH'" >&2; exit 2 ;;
esac
TOP=hilsolve_icebreaker
CLOCK_MHZ=12
mkdir -p "$OUT"
for tool in yosys nextpnr-ice40 icepack; do
  command -v "$tool" >/dev/null || { echo "synth: $tool is not installed (scripts/setup.sh installs it)" >&2; exit 127; }
done

# Modules are found by file name in hdl/rtl (one module per file), as Verilator's -y does.
yosys -q -l "$OUT/yosys.log" -p "read_verilog hdl/rtl/$TOP.v; chparam -set SEARCH $SEARCH $TOP; \
  hierarchy -top $TOP -libdir hdl/rtl; synth_ice40 -dsp -top $TOP -json $OUT/$TOP.json; \
  tee -q -o $OUT/yosys.stat stat"
# Cell counts of the flattened design (yosys stat).
cells() { awk -v re="$1" '$1 ~ re { s += $2 } END { print s + 0 }' "$OUT/yosys.stat"; }
synthesis="$(cells '^SB_LUT4$') LUT4, $(cells '^SB_DFF') flip-flops, $(cells '^SB_RAM40_4K$') EBR, $(cells '^SB_SPRAM256KA$') SPRAM, $(cells '^SB_MAC16$') DSP"
echo "device       iCE40 UP5K-SG48 (iCEBreaker), clock $CLOCK_MHZ MHz, device search $([ "$SEARCH" = 1 ] && echo built in || echo none)"
echo "synthesis    $synthesis"

# A design that does not fit, or a clock below the board's, fails the build (hdl/synth/gate.sh).
if ! nextpnr-ice40 --up5k --package sg48 --pcf hdl/synth/icebreaker.pcf --json "$OUT/$TOP.json" \
  --asc "$OUT/$TOP.asc" --freq "$CLOCK_MHZ" --seed 1 -q -l "$OUT/nextpnr.log"; then
  bash hdl/synth/gate.sh "$OUT/nextpnr.log" "$CLOCK_MHZ" || true
  echo "synth: place and route failed (log: $OUT/nextpnr.log)" >&2
  exit 1
fi
bash hdl/synth/gate.sh "$OUT/nextpnr.log" "$CLOCK_MHZ"
icepack "$OUT/$TOP.asc" "$OUT/$TOP.bin"

# nextpnr's device utilisation and timing summary.
util() { grep -E "^Info:\s+$1:" "$OUT/nextpnr.log" | tail -1 | sed -E 's/^Info:\s+[A-Z_0-9]+:\s+//'; }
fmax=$(grep -E "Max frequency for clock" "$OUT/nextpnr.log" | tail -1 | sed -E 's/.*: ([0-9.]+ MHz).*/\1/')
echo "logic cells  $(util ICESTORM_LC)"
echo "block RAM    $(util ICESTORM_RAM)"
echo "SPRAM        $(util ICESTORM_SPRAM)"
echo "DSP          $(util ICESTORM_DSP)"
echo "max clock    $fmax"
echo "bitstream    $OUT/$TOP.bin"
