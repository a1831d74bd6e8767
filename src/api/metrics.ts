// Prometheus metrics of the API process: HTTP requests by route and status, plus figures read
// from Redis at scrape time (queue depth, live devices, totals over all finished jobs) so that
// any API instance reports the whole service.

import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeviceRegistry } from '../queue/devices.ts';
import { totalsKey } from '../queue/keys.ts';
import type { JobQueue } from '../queue/queue.ts';

export function createMetrics(app: FastifyInstance, deps: { queue: JobQueue; devices: DeviceRegistry }): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register });
  const requests = new Counter({
    name: 'hilsolve_http_requests_total', help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'], registers: [register],
  });
  const duration = new Histogram({
    name: 'hilsolve_http_request_duration_seconds', help: 'HTTP request duration',
    labelNames: ['method', 'route'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [register],
  });
  new Gauge({
    name: 'hilsolve_queue_jobs', help: 'Jobs in the queue by state', labelNames: ['state'], registers: [register],
    async collect() {
      for (const [state, n] of Object.entries(await deps.queue.counts())) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'hilsolve_devices', help: 'Devices held by live workers', registers: [register],
    async collect() {
      this.set((await deps.devices.list()).length);
    },
  });
  new Gauge({
    name: 'hilsolve_totals', help: 'Totals over all finished jobs: jobs by final status, candidates, verdicts, proven, rejected, deviceFaults, reconnects, linkBytes',
    labelNames: ['name'], registers: [register],
    async collect() {
      const totals = await deps.queue.store.redis.hgetall(totalsKey(deps.queue.store.prefix));
      for (const [name, value] of Object.entries(totals)) this.set({ name }, Number(value));
    },
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  return register;
}
