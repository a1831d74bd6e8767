// The solve service end to end: the API in this process, `hilsolve worker` processes each on its
// own Verilator simulation, Redis at REDIS_URL (a private key prefix, removed afterwards).
//   npx tsx bench/service.ts [--workers N] [--latency-jobs K] [--burst M] [--problem uf50|flat50|queens8]
//
// Prints: POST-to-first-solution latency (median, p90, max over K jobs submitted one at a time,
// timed to the first `solution` server-sent event), then throughput: M jobs submitted at once,
// jobs per second until the last one finished, candidates per job and per second over all devices.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { buildApp } from '../src/api/app.ts';
import { deletePrefix } from '../src/queue/delete-prefix.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    'latency-jobs': { type: 'string', default: '10' },
    burst: { type: 'string', default: '40' },
    problem: { type: 'string', default: 'uf50' },
  },
});
const fixture = (name: string) => readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');
const PROBLEMS: Record<string, object> = {
  uf50: { format: 'cnf', source: fixture('uf50-218.cnf') },
  flat50: { format: 'col', source: fixture('flat50-3.col'), options: { colors: 3 } },
  queens8: { format: 'json', problem: JSON.parse(fixture('8-queens.json')) },
};
const problem = PROBLEMS[values.problem];
if (!problem) throw new Error(`--problem: one of ${Object.keys(PROBLEMS).join(', ')}`);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY = 'bench-key-0123456789';
const prefix = `hsbench-${randomUUID().slice(0, 8)}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const app = await buildApp({
  config: {
    prefix, resultTtlSeconds: 600, apiKeys: [KEY], bodyLimitBytes: 32 << 20,
    rateLimitMax: 1_000_000, rateLimitWindowMs: 60_000, sseHeartbeatMs: 15_000,
  },
  redis, subscriber: new Redis(REDIS_URL),
});
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

const workers: ChildProcess[] = [];
for (let i = 0; i < Number(values.workers); i++) {
  workers.push(spawn(process.execPath, [fileURLToPath(new URL('../bin/hilsolve.js', import.meta.url)), 'worker'], {
    env: { ...process.env, REDIS_URL, HILSOLVE_REDIS_PREFIX: prefix, HILSOLVE_LOG_LEVEL: 'warn' }, stdio: 'inherit',
  }));
}

interface JobJson { id: string; status: string; outcome: string; stats: { candidates: number } }

async function get<T>(path: string): Promise<T> {
  return (await fetch(`${base}${path}`, { headers })).json() as Promise<T>;
}

async function submit(seed: number): Promise<string> {
  const body = { ...problem, options: { ...((problem as { options?: object }).options ?? {}), seed } };
  const res = await fetch(`${base}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`POST: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Resolves at the first `solution` event of the job's stream. */
async function firstSolution(id: string): Promise<void> {
  const res = await fetch(`${base}/v1/jobs/${id}/events`, { headers });
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of res.body!) {
    text += decoder.decode(chunk as Uint8Array, { stream: true });
    if (text.includes('event: solution')) return;
    if (/"status":"(succeeded|failed|cancelled)"/.test(text)) throw new Error(`job ${id} ended without a solution`);
  }
}

async function waitDone(id: string) {
  for (;;) {
    const job = await get<JobJson>(`/v1/jobs/${id}?after=1000000`);
    if (['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ms = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

try {
  const t0 = performance.now();
  while ((await get<{ devices: unknown[] }>('/v1/devices')).devices.length < workers.length) await new Promise((r) => setTimeout(r, 100));
  console.log(`${workers.length} workers with simulators ready in ${((performance.now() - t0) / 1000).toFixed(1)} s; problem ${values.problem}`);

  const latencies: number[] = [];
  for (let k = 0; k < Number(values['latency-jobs']); k++) {
    const start = performance.now();
    const id = await submit(1000 + k);
    await firstSolution(id);
    latencies.push(performance.now() - start);
    await waitDone(id);
  }
  console.log(`POST to first solution over ${latencies.length} jobs: median ${ms(latencies, 0.5).toFixed(0)} ms, ` +
    `p90 ${ms(latencies, 0.9).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);

  const m = Number(values.burst);
  const start = performance.now();
  const ids = await Promise.all(Array.from({ length: m }, (_, i) => submit(i)));
  const jobs = await Promise.all(ids.map(waitDone));
  const seconds = (performance.now() - start) / 1000;
  const failed = jobs.filter((j) => j.status !== 'succeeded' || j.outcome !== 'SATISFIED').length;
  const candidates = jobs.reduce((s, j) => s + j.stats.candidates, 0);
  console.log(`${m} jobs at once: ${seconds.toFixed(2)} s, ${(m / seconds).toFixed(2)} jobs/s, ` +
    `${(candidates / m).toFixed(0)} candidates per job, ${(candidates / seconds).toFixed(0)} candidates/s over all devices, ` +
    `${failed} not satisfied`);
} finally {
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.on('exit', r)))));
  await app.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
}
