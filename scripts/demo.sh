#!/usr/bin/env bash
# The tour, on a fresh Debian 12 machine with Node 20 (as root, or with sudo): installs what is
# missing (scripts/setup.sh), finds or starts a Redis (scripts/with-redis.sh), starts the HTTP API
# and a worker with the simulated FPGA, solves the problems in examples/ through the API with
# `hilsolve solve --server`, prints the proven solutions, and stops everything it started.
# --no-setup skips the installation step (for a machine already set up). --keep-running leaves
# the API and the worker up after the examples, so the web page (docs/web.md) can be opened at
# the address printed, with the demo's API key; Ctrl-C stops everything.
# Exit status: 0 when every example was solved, otherwise the first failing `hilsolve` status.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: bash scripts/demo.sh [--no-setup] [--keep-running]" >&2; exit 2; }
if [ "${1:-}" != --with-redis ]; then
  # First pass: read the flags, install, then run again with a Redis that answers.
  setup=yes
  unset HILSOLVE_DEMO_KEEP
  for arg in "$@"; do
    case "$arg" in
      --no-setup) setup=no ;;
      --keep-running) export HILSOLVE_DEMO_KEEP=1 ;;
      *) usage ;;
    esac
  done
  [ "$setup" = no ] || bash scripts/setup.sh
  exec bash scripts/with-redis.sh bash scripts/demo.sh --with-redis
fi
[ $# -eq 1 ] || usage

hilsolve() { node bin/hilsolve.js "$@"; }
# GET url [api key]: succeeds when the answer is 2xx; prints the body.
get() {
  node -e 'fetch(process.argv[1], { headers: process.argv[2] ? { authorization: `Bearer ${process.argv[2]}` } : {} })
    .then(async (r) => { process.stdout.write(await r.text()); process.exit(r.ok ? 0 : 1); }, () => process.exit(1))' "$@"
}

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
key="demo-$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
prefix="hilsolve-demo-$$"
url="http://127.0.0.1:$port"
logs=$(mktemp -d)
# The demo key is also an operator key, so the device list shows the worker and its port.
export HILSOLVE_API_KEYS="$key" HILSOLVE_OPERATOR_KEYS="$key" HILSOLVE_REDIS_PREFIX="$prefix" HILSOLVE_LOG_LEVEL=warn

pids=()
cleanup() {
  status=$?
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  redis-cli -u "$REDIS_URL" --scan --pattern "$prefix:*" 2>/dev/null | xargs -r redis-cli -u "$REDIS_URL" del >/dev/null 2>&1 || true
  if [ "$status" -ne 0 ]; then
    echo "demo: failed; the service logs follow" >&2
    tail -n 20 "$logs"/*.log >&2 || true
  fi
  rm -rf "$logs"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "demo: starting the API on $url and a worker with the simulated FPGA" >&2
# Started as direct children (not through the shell function), so that $! is the node process.
node bin/hilsolve.js serve --port "$port" >"$logs/serve.log" 2>&1 & pids+=($!)
node bin/hilsolve.js worker >"$logs/worker.log" 2>&1 & pids+=($!)

# Ready when the API answers and the worker has registered its device.
for _ in $(seq 600); do
  if devices=$(get "$url/v1/devices" "$key" 2>/dev/null) && [[ "$devices" == *'"workerId"'* ]]; then break; fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "demo: a service process exited at start-up" >&2; exit 3; }
  done
  sleep 0.5
done
[[ "${devices:-}" == *'"workerId"'* ]] || { echo "demo: no worker registered a device in 300 s" >&2; exit 3; }
echo "demo: device ready: $(node -e 'const d=JSON.parse(process.argv[1]).devices[0]; console.log(`${d.handshake.deviceId} on ${d.port}`)' "$devices")" >&2
echo "demo: the web page is at $url/ (API key: $key)" >&2

solve() {
  local title=$1; shift
  printf '\n== %s ==\n' "$title"
  hilsolve solve --server "$url" --api-key "$key" --seed 1 "$@"
}
solve "8-queens (examples/8-queens.json)" examples/8-queens.json
solve "a sudoku (examples/sudoku.json)" examples/sudoku.json
solve "a SAT instance, 20 variables, 91 clauses (examples/uf20-91.cnf)" examples/uf20-91.cnf

printf '\ndemo: every solution above was proven by the simulated FPGA and re-checked by the host.\n'
printf 'demo: next: node bin/hilsolve.js solve examples/8-queens.json --solutions 5   (docs in README.md)\n'

if [ "${HILSOLVE_DEMO_KEEP:-}" = 1 ]; then
  printf '\ndemo: the service stays up: open %s/ and enter the API key %s (Ctrl-C stops it)\n' "$url" "$key"
  # Stopping it now is the end asked for, not a failure.
  trap 'exit 0' INT TERM
  wait "${pids[@]}"
fi
