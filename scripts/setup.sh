#!/usr/bin/env bash
# Installs what hilsolve needs on a Debian 12 machine with Node 20, as root (or with sudo):
# Debian packages that are missing, the npm packages, and the simulator build. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(verilator yosys nextpnr-ice40 fpga-icestorm redis-server cadical cryptominisat minizinc z3 chromium python3-torch python3-onnx python3-matplotlib)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

# The JavaScript build bin/hilsolve.js runs (it falls back to tsx while src/ is newer).
echo "setup: building the JavaScript (npm run build)" >&2
npm run --silent build

if [ -f hdl/sim/Makefile ]; then
  # The build log goes to a file and is shown only when the build fails.
  echo "setup: building the simulator if RTL or harness changed" >&2
  mkdir -p build
  if ! npm run --silent sim:build > build/sim-build.log 2>&1; then
    cat build/sim-build.log >&2
    echo "setup: the simulator build failed (log above, also in build/sim-build.log)" >&2
    exit 1
  fi
  echo "setup: simulator ready" >&2
fi
