// GET /v1/jobs: the caller's jobs, newest first, paged with an exact cursor (jobs created in the
// same millisecond are neither skipped nor repeated), expired jobs left out.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, KEY_B, startApi, uniquePrefix, type TestApi } from './helpers/service.ts';

let api: TestApi;
const ids: string[] = [];

beforeAll(async () => {
  api = await startApi(uniquePrefix('api-list'));
  const submit = (key?: string) => api.app.inject({
    method: 'POST', url: '/v1/jobs', headers: auth(key), payload: { format: 'cnf', source: 'p cnf 2 1\n1 2 0\n' },
  });
  // Submitted at once: several share a millisecond.
  const responses = await Promise.all(Array.from({ length: 7 }, () => submit()));
  ids.push(...responses.map((r) => r.json().id));
  await submit(KEY_B);
});
afterAll(async () => api.close());

async function page(query: string, key?: string) {
  const res = await api.app.inject({ url: `/v1/jobs${query}`, headers: auth(key) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { jobs: { id: string; createdAt: string; status: string; solutions: unknown[] }[]; next: string | null };
}

describe('GET /v1/jobs', () => {
  it('pages through every job of the caller once, newest first', async () => {
    const seen: { id: string; createdAt: string }[] = [];
    let query = '?limit=3';
    for (let n = 0; n < 10; n++) {
      const p = await page(query);
      seen.push(...p.jobs);
      expect(p.jobs.every((j) => j.status === 'queued' && j.solutions.length === 0)).toBe(true);
      if (p.next === null) break;
      expect(p.jobs).toHaveLength(3);
      query = `?limit=3&before=${encodeURIComponent(p.next)}`;
    }
    expect(seen.map((j) => j.id).sort()).toEqual([...ids].sort());
    const times = seen.map((j) => Date.parse(j.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect((await page('', KEY_B)).jobs).toHaveLength(1);
  });

  it('leaves out jobs whose record expired', async () => {
    await api.redis.del(`${api.prefix}:job:{${ids[0]}}:meta`);
    const all = await page('?limit=100');
    expect(all.jobs.map((j) => j.id)).not.toContain(ids[0]);
    expect(all.jobs).toHaveLength(ids.length - 1);
    expect(all.next).toBeNull();
  });

  it('refuses a malformed cursor or limit', async () => {
    for (const query of ['?before=yesterday', '?limit=0', '?limit=101', '?sort=asc']) {
      const res = await api.app.inject({ url: `/v1/jobs${query}`, headers: auth() });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('invalid_request');
    }
  });
});
