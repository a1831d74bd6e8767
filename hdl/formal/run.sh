#!/usr/bin/env bash
# Runs the formal proofs of the RTL (STYLE R5) with the tools yosys ships: yosys-smtbmc with z3
# for bounded checks and covers, and ABC's PDR (yosys-abc) for unbounded proofs.
#   bash hdl/formal/run.sh                every job in hdl/formal/jobs.txt
#   bash hdl/formal/run.sh cobs_pair ...  only the jobs of the harnesses named
# A job line in jobs.txt is `HARNESS MODE DEPTH`. HARNESS.ys reads the sources and picks the top
# and its parameters (hierarchy -top ... -chparam ...); this script adds the back ends. MODE:
#   pdr    ABC's property-directed reachability: every assert holds in every reachable state
#          (DEPTH -)
#   bmc3   ABC's bounded model check: no assert fails within DEPTH steps of reset (a proof where
#          the harness says why DEPTH steps cover every run)
#   bmc    z3: the assumptions are satisfiable and no assert fails within DEPTH steps of reset
#   ind    z3: k-induction of depth DEPTH (every reachable state)
#   cover  z3: every cover statement is reached within DEPTH steps (no assumption is too strong)
#   satind yosys's own SAT solver (bit level): temporal induction up to length DEPTH, base case from
#          the zero initial state (every reachable state)
# Uninitialised registers start at 0 in the PDR model (write_aiger -zinit); every harness assumes
# reset in its first cycle, so this restricts nothing the design can see.
# FORMAL_DIR overrides the directory of jobs.txt and the harnesses, FORMAL_OUT that of the
# results (the runner's own test uses them to show that a false property fails), FORMAL_JOBS the
# job list (FORMAL_JOBS=hdl/formal/jobs-long.txt: the proofs too slow for every run). One
# PASS/FAIL line per job; exit status 1 on any FAIL.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${FORMAL_DIR:-$ROOT/hdl/formal}
OUT=${FORMAL_OUT:-$ROOT/build/formal}
mkdir -p "$OUT"
cd "$ROOT"

# yosys passes from the front end to an AIGER model for ABC: one bit-level netlist, constraints
# (assumptions) as extra outputs that `fold` applies, and no design outputs (ABC would take
# them for properties).
AIG_FLOW='flatten; memory_map; opt -fast; async2sync; chformal -remove -cover;
setundef -undriven -anyseq; delete -output o:*; techmap; opt -fast; dffunmap; abc -g AND -fast; opt_clean'

build() {  # build NAME KIND: writes build/formal/NAME.{smt2,aig}
    local name=$1 kind=$2 back
    if [[ $kind == smt2 ]]; then back="prep; write_smt2 -wires $OUT/$name.smt2"
    else back="prep; $AIG_FLOW; write_aiger -I -B -zinit -map $OUT/$name.aim $OUT/$name.aig"; fi
    yosys -q -p "script $DIR/$name.ys; $back" >"$OUT/$name.$kind.log" 2>&1
}

# Jobs run FORMAL_PARALLEL at a time (default: the machine's cores); their lines come out in
# the order of the job list. Each model is built once, before the jobs that use it start.
PARALLEL=${FORMAL_PARALLEL:-$(nproc 2>/dev/null || echo 1)}
names=(); modes=(); depths=(); kinds=()
while read -r name mode depth; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    if [[ $# -gt 0 ]] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
    kind=smt2; [[ $mode == pdr || $mode == bmc3 ]] && kind=aig; [[ $mode == satind ]] && kind=sat
    names+=("$name"); modes+=("$mode"); depths+=("$depth"); kinds+=("$kind")
done <"${FORMAL_JOBS:-$DIR/jobs.txt}"

# Waits until fewer than PARALLEL background jobs run.
throttle() { while [[ $(jobs -rp | wc -l) -ge $PARALLEL ]]; do wait -n; done; }

declare -A seen
for i in "${!names[@]}"; do
    key=${names[$i]}.${kinds[$i]}
    [[ ${kinds[$i]} == sat || -n "${seen[$key]:-}" ]] && continue
    seen[$key]=1
    throttle
    ( if build "${names[$i]}" "${kinds[$i]}"; then echo ok; else echo bad; fi >"$OUT/$key.built" ) &
done
wait

# One job: prints its PASS/FAIL line.
check() {
    local name=$1 mode=$2 depth=$3 kind=$4 log start secs ok_pattern flags
    if [[ $kind != sat && "$(cat "$OUT/$name.$kind.built" 2>/dev/null)" != ok ]]; then
        echo "FAIL $name $mode: yosys (see build/formal/$name.$kind.log)"; return
    fi
    log="$OUT/$name.$mode.log"
    start=$(date +%s)
    case "$mode" in
        pdr)   yosys-abc -c "read_aiger $OUT/$name.aig; fold; strash; pdr" >"$log" 2>&1
               ok_pattern='^Property proved' ;;
        bmc3)  yosys-abc -c "read_aiger $OUT/$name.aig; fold; strash; bmc3 -F $depth" >"$log" 2>&1
               ok_pattern="^No output asserted in $depth frames" ;;
        satind) yosys -p "script $DIR/$name.ys; prep; flatten; memory_map; opt -fast; async2sync;
                   chformal -remove -cover; dffunmap; setundef -undriven -anyseq;
                   sat -tempinduct -prove-asserts -set-assumes -set-init-zero -maxsteps $depth" >"$log" 2>&1
               ok_pattern='^Induction step proven: SUCCESS' ;;
        bmc|ind|cover)
               flags=(--presat); [[ $mode == ind ]] && flags=(-i); [[ $mode == cover ]] && flags=(-c)
               yosys-smtbmc -s z3 --noprogress "${flags[@]}" -t "$depth" \
                   --dump-vcd "$OUT/$name.$mode.vcd" "$OUT/$name.smt2" >"$log" 2>&1
               ok_pattern='Status: PASSED' ;;
        *)     echo "FAIL $name: unknown mode $mode"; return ;;
    esac
    secs=$(( $(date +%s) - start ))
    if grep -q "$ok_pattern" "$log"; then
        echo "PASS $name $mode $depth (${secs}s)"
    else
        echo "FAIL $name $mode $depth (${secs}s): $(grep -a -m1 -E 'Assert failed|asserted in frame|FAILED|ERROR|Error' "$log" | sed 's/^ *//')"
    fi
}

for i in "${!names[@]}"; do
    throttle
    check "${names[$i]}" "${modes[$i]}" "${depths[$i]}" "${kinds[$i]}" >"$OUT/job.$i.result" &
done
wait
failed=0
for i in "${!names[@]}"; do
    line=$(cat "$OUT/job.$i.result")
    echo "$line"
    [[ $line == PASS* ]] || failed=1
done
exit $failed
