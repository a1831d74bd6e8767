#!/usr/bin/env bash
# Runs a command with REDIS_URL pointing at a Redis that answers: the one already in REDIS_URL
# (default redis://127.0.0.1:6379) if it answers, else a private redis-server on a free port,
# stopped when the command ends.
set -euo pipefail
: "${REDIS_URL:=redis://127.0.0.1:6379}"
hostport=${REDIS_URL#redis://}; hostport=${hostport%%/*}; hostport=${hostport##*@}
host=${hostport%%:*}; port=${hostport##*:}
if redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then
  export REDIS_URL
  exec "$@"
fi
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --daemonize yes \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
trap 'kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
echo "with-redis: started a private Redis on 127.0.0.1:$port" >&2
export REDIS_URL="redis://127.0.0.1:$port"
"$@"
