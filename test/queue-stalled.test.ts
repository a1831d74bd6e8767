// A job whose workers keep dying is given up by BullMQ after its stall limit; the worker that
// sees that records the job as failed, so it does not stay `running` for ever. The dying workers
// here are bare BullMQ workers that take the job and never renew its lock.

import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RUNS, QUEUE_NAME } from '../src/queue/queue.ts';
import { auth, redisConnection, startApi, uniquePrefix, waitForJob, type TestApi } from './helpers/service.ts';
import { startInProcessWorker } from './helpers/in-process-worker.ts';
import { ReferenceValidator } from './helpers/reference-validator.ts';

let api: TestApi;
const dying: Worker[] = [];
const connections = [redisConnection()];

beforeAll(async () => {
  api = await startApi(uniquePrefix('queue-stalled'));
});
afterAll(async () => {
  await Promise.all(dying.map((w) => w.close(true)));
  for (const c of connections) c.disconnect();
  await api.close();
});

/** A worker that takes one job and then hangs without renewing its lock, like a killed process. */
function dyingWorker(prefix: string): Worker {
  const w = new Worker(QUEUE_NAME, () => new Promise<void>(() => undefined), {
    connection: connections[0], prefix, concurrency: 1, skipLockRenewal: true, lockDuration: 500,
    stalledInterval: 300, maxStalledCount: MAX_RUNS - 1,
  });
  dying.push(w);
  return w;
}

describe('stalled too often', () => {
  it('ends as failed with the reason', async () => {
    dyingWorker(api.prefix);
    const res = await api.app.inject({
      method: 'POST', url: '/v1/jobs', headers: auth(),
      payload: { format: 'cnf', source: 'p cnf 2 1\n1 2 0\n', options: { solutions: 1 } },
    });
    const id = res.json().id;
    // Each dying worker takes the job once more after the previous one's lock ran out.
    for (let run = 2; run <= MAX_RUNS; run++) {
      await new Promise((r) => setTimeout(r, 200));
      dyingWorker(api.prefix);
    }
    await new Promise((r) => setTimeout(r, 3_000));
    const worker = await startInProcessWorker(api.prefix, new ReferenceValidator(), { lockDurationMs: 1_000, stalledIntervalMs: 500 });
    try {
      const job = await waitForJob(api.app, id, 30_000);
      expect(job).toMatchObject({ status: 'failed', stopReason: 'error', error: { code: 'internal', message: expect.stringMatching(/given up: the workers running it died 3 times/) } });
    } finally {
      await worker.close();
    }
  });
});
