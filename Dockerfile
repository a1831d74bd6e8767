# The image docker-compose.yml runs: hilsolve on Debian bookworm with Node 20, Verilator and the
# simulator built in. `hilsolve serve`, `hilsolve worker` (simulator or a mapped serial device)
# and the other commands are its arguments: `docker run IMAGE solve examples/8-queens.json`.
FROM node:20-bookworm-slim

# Verilator and a C++ toolchain build the simulator (a worker re-runs make at start, which finds
# it up to date); redis-server lets `hilsolve solve` start a private Redis when none is given.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      verilator make g++ redis-server ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY bin ./bin
COPY src ./src
COPY web ./web
COPY proto ./proto
COPY models ./models
COPY hdl ./hdl
COPY examples ./examples
COPY docs ./docs
COPY tsconfig.json tsconfig.build.json README.md ./
# Compile to JavaScript (bin/hilsolve.js runs dist/, no tsx at run time), then drop the dev tools.
RUN npm run --silent build && npm prune --omit=dev --no-audit --no-fund --loglevel=error
RUN make --no-print-directory -C hdl/sim \
 && chown -R node:node /app/build

# The serial group lets the worker open a mapped /dev/ttyUSB* device.
RUN usermod -aG dialout node
USER node
ENV NODE_ENV=production HILSOLVE_HOST=0.0.0.0
EXPOSE 8080
ENTRYPOINT ["node", "bin/hilsolve.js"]
CMD ["--help"]
