#!/usr/bin/env bash
# The whole test suite on a clean machine: set up what is missing, then lint, type-check and
# run every test against a real Redis and the real simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx eslint .
npx tsc --noEmit
bash scripts/with-redis.sh npx vitest run
