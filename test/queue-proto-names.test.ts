// Issue 12, item 6: variables named `__proto__` and `constructor` are kept. Before the fix the
// rendered assignment was built by plain assignment, so `__proto__` set the prototype and its
// value vanished from every solution (`{"b":0}` came back). Names are values in the problem, not
// keys of the request, so they are accepted; both come back in every solution, through Redis,
// the JSON answer and the event stream.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAssignment } from '../src/model/render.ts';
import { parseJsonProblem } from '../src/model/parse-json.ts';
import { auth, startApi, uniquePrefix, waitForJob, type TestApi } from './helpers/service.ts';
import { startInProcessWorker } from './helpers/in-process-worker.ts';
import { ReferenceValidator } from './helpers/reference-validator.ts';
import { readEventStream } from './helpers/sse.ts';

const PROBLEM = {
  variables: [
    { name: '__proto__', domain: { min: 0, max: 1 } },
    { name: 'constructor', domain: { min: 0, max: 2 } },
    { name: 'b', domain: { min: 0, max: 1 } },
  ],
  constraints: [{ type: 'compare', x: '__proto__', op: '!=', y: 'b' }, { type: 'compare', x: 'constructor', op: '>', y: 'b' }],
};

let api: TestApi;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
let baseUrl: string;

beforeAll(async () => {
  api = await startApi(uniquePrefix('proto-names'));
  baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
  worker = await startInProcessWorker(api.prefix, new ReferenceValidator());
});
afterAll(async () => {
  await worker?.close();
  await api?.close();
});

describe('variables named __proto__ and constructor', () => {
  it('renderAssignment keeps both as own properties', () => {
    const out = renderAssignment(parseJsonProblem(JSON.stringify(PROBLEM)), [1, 2, 0]);
    expect(Object.keys(out)).toEqual(['__proto__', 'constructor', 'b']);
    expect(JSON.stringify(out)).toBe('{"__proto__":1,"constructor":2,"b":0}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('come back with their values in every solution, over JSON and SSE', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: { format: 'json', problem: PROBLEM, options: { solutions: 3, seed: 1 } } });
    expect(res.statusCode, res.body).toBe(202);
    const job = await waitForJob(api.app, res.json().id, 30_000);
    expect(job).toMatchObject({ status: 'succeeded', solutionCount: 3 });
    const raw = (await api.app.inject({ url: `/v1/jobs/${job.id}`, headers: auth() })).body;
    for (const s of JSON.parse(raw).solutions) {
      expect(Object.keys(s.assignment)).toEqual(['__proto__', 'constructor', 'b']);
      expect(s.assignment.__proto__).not.toBe(s.assignment.b);
      expect(s.assignment.constructor).toBeGreaterThan(s.assignment.b);
    }
    const { events } = await readEventStream(`${baseUrl}/v1/jobs/${job.id}/events`, auth());
    const solutions = events.filter((e) => e.event === 'solution');
    expect(solutions).toHaveLength(3);
    for (const e of solutions) expect(Object.keys((e.data as { assignment: object }).assignment)).toEqual(['__proto__', 'constructor', 'b']);
  });
});
