// `hilsolve serve` as a process: start-up refusals, serving, and a graceful SIGTERM that closes
// event streams and loses no job.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { JobStore } from '../src/queue/job-store.ts';
import { deletePrefix, KEY_A, REDIS_URL, uniquePrefix } from './helpers/service.ts';
import { readEventStream } from './helpers/sse.ts';
import { queensProblem } from './helpers/problems.ts';

const BIN = fileURLToPath(new URL('../bin/hilsolve.js', import.meta.url));
const prefix = uniquePrefix('service-serve');
const redis = new Redis(REDIS_URL);
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

function serve(env: Record<string, string>, args: string[] = ['--port', '0']) {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    env: { ...process.env, REDIS_URL, HILSOLVE_REDIS_PREFIX: prefix, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then(() => reject(new Error(`serve exited: ${output}`)));
  });
  return { child, exited, url, output: () => output };
}

describe('hilsolve serve', () => {
  it('refuses to start without API keys, naming the setting', async () => {
    const p = serve({ HILSOLVE_API_KEYS: '', HILSOLVE_API_KEYS_FILE: '' });
    p.url.catch(() => undefined);
    expect(await p.exited).toBe(2);
    expect(p.output()).toMatch(/no API keys: set HILSOLVE_API_KEYS or HILSOLVE_API_KEYS_FILE/);
  });

  it('refuses a bad setting and a bad flag', async () => {
    const bad = serve({ HILSOLVE_API_KEYS: KEY_A, HILSOLVE_RATE_LIMIT: 'lots' });
    bad.url.catch(() => undefined);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/HILSOLVE_RATE_LIMIT: 'lots' is not an integer/);
    const flag = serve({ HILSOLVE_API_KEYS: KEY_A }, ['--port', '99999']);
    flag.url.catch(() => undefined);
    expect(await flag.exited).toBe(2);
    expect(flag.output()).toMatch(/--port must be a whole number from 0 to 65535/);
  });

  it('serves, and on SIGTERM closes event streams, exits 0 and keeps the queued job', async () => {
    const p = serve({ HILSOLVE_API_KEYS: KEY_A });
    const url = await p.url;
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    const headers = { authorization: `Bearer ${KEY_A}`, 'content-type': 'application/json' };
    const res = await fetch(`${url}/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ format: 'json', problem: queensProblem(6) }) });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const stream = readEventStream(`${url}/v1/jobs/${id}/events`, { authorization: `Bearer ${KEY_A}` });
    await new Promise((r) => setTimeout(r, 300));
    p.child.kill('SIGTERM');
    const { events } = await stream;
    expect(events.map((e) => e.event)).toEqual(['progress', 'status', 'shutdown']);
    expect(await p.exited).toBe(0);
    const job = await new JobStore(redis, prefix, 600).get(id);
    expect(job?.status).toBe('queued');
    expect(await redis.exists(`${prefix}:solve:${id}`)).toBe(1);
  });
});
