// Issue 12, item 9: a run's stats are saved with each solution, in the same Lua script, so a run
// killed at any moment (SIGKILL) leaves stats that count every stored solution. Before the fix
// stats were written only by the periodic progress update (872 proven recorded for 1,000
// solutions found). Here progress updates are made rare, and the record is read while the job
// runs, as a SIGKILL would leave it.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobStore } from '../src/queue/job-store.ts';
import { auth, startApi, uniquePrefix, waitForJob, type TestApi } from './helpers/service.ts';
import { startInProcessWorker } from './helpers/in-process-worker.ts';
import { ReferenceValidator } from './helpers/reference-validator.ts';

const UF50 = readFileSync(new URL('./fixtures/uf50-218.cnf', import.meta.url), 'utf8');

let api: TestApi;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;

beforeAll(async () => {
  api = await startApi(uniquePrefix('stats-with-solutions'));
  const validator = new ReferenceValidator();
  validator.verdictDelayMs = 2;
  worker = await startInProcessWorker(api.prefix, validator, { batchSize: 8 }, 600_000);
});
afterAll(async () => {
  await worker?.close();
  await api?.close();
});

describe('stats saved with the solutions', () => {
  it('at every moment the stored stats count at least the stored solutions', async () => {
    const store = new JobStore(api.redis, api.prefix, 600);
    const res = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: { format: 'cnf', source: UF50, options: { solutions: 60, seed: 4 } } });
    const id = res.json().id;
    let samples = 0;
    for (;;) {
      const job = (await store.get(id))!;
      if (job.status === 'running' && job.solutionCount > 0) {
        samples++;
        expect(job.stats.proven, `after ${job.solutionCount} solutions`).toBeGreaterThanOrEqual(job.solutionCount);
        expect(job.stats.candidates).toBeGreaterThanOrEqual(job.stats.proven);
      }
      if (job.status !== 'queued' && job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(samples).toBeGreaterThan(3);
    const done = await waitForJob(api.app, id);
    expect(done.stats.proven).toBeGreaterThanOrEqual(60);
  });
});
