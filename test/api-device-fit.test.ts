// POST /v1/jobs against the live devices' handshakes (real Redis, device records written as a
// worker's heartbeat writes them, no worker runs): a problem no live device can run is refused
// with 422 naming the limit and the device; with no live device the job is queued as before.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceRegistry, type DeviceRecord } from '../src/queue/devices.ts';
import { auth, startApi, uniquePrefix, type TestApi } from './helpers/service.ts';
import { queensProblem } from './helpers/problems.ts';

let api: TestApi;
let registry: DeviceRegistry;
beforeAll(async () => {
  api = await startApi(uniquePrefix('api-fit'));
  registry = new DeviceRegistry(api.redis, api.prefix);
});
afterAll(async () => api.close());

const post = (body: unknown) => api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: body as object });
const queens = (options: Record<string, unknown> = {}) => ({ format: 'json', problem: queensProblem(8), options });

function device(workerId: string, handshake: Record<string, unknown>): DeviceRecord {
  return {
    workerId, hostname: 'h', pid: 1, port: `/dev/pts/${workerId.length}`, simulated: true, handshake, currentJob: null,
    startedAt: Date.now(), lastSeen: Date.now(),
  };
}
const small = { deviceId: 'tiny-board', maxVars: 4, maxWords: 4096, maxConstraints: 4096, maxPayload: 512 };
const searcher = {
  deviceId: 'hilsolve-sim', maxVars: 1024, maxWords: 16384, maxConstraints: 16384, maxPayload: 1024,
  search: { chains: 1, maxVars: 1024, maxValues: 8192, maxClauses: 16384, maxLiterals: 65536 },
};

describe('POST /v1/jobs and the live devices', () => {
  it('queues the job when no device is live (a worker may start later)', async () => {
    expect((await post(queens({ mode: 'search' }))).statusCode).toBe(202);
  });

  it('refuses with 422 a problem over every live device, naming the limit and the device', async () => {
    await registry.heartbeat(device('w-small', small), 60_000);
    const res = await post(queens());
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('no_device_fits');
    expect(res.json().error.message).toMatch(/tiny-board: the program needs 8 variables, the device allows 4 \(LIMIT_VARS\)/);
    expect(res.json().error.message, 'host details stay with operators').not.toMatch(/pts|w-small/);
  });

  it('refuses mode search when no live device has a search engine, and accepts it when one has', async () => {
    await registry.heartbeat(device('w-plain', { ...searcher, deviceId: 'plain', search: undefined }), 60_000);
    const res = await post(queens({ mode: 'search' }));
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/plain: it has no search engine \(mode search\)/);
    expect((await post(queens({ mode: 'auto' }))).statusCode).toBe(202);
    await registry.heartbeat(device('w-search', searcher), 60_000);
    expect((await post(queens({ mode: 'search' }))).statusCode).toBe(202);
    const tight = { ...searcher, deviceId: 'tight', search: { ...searcher.search, maxClauses: 3 } };
    await registry.remove('w-search');
    await registry.heartbeat(device('w-tight', tight), 60_000);
    const over = await post(queens({ mode: 'search' }));
    expect(over.statusCode).toBe(422);
    expect(over.json().error.message).toMatch(/tight: .*LIMIT_SEARCH_CLAUSES/);
  });

  it('refuses an unknown mode with 400', async () => {
    const res = await post(queens({ mode: 'fast' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/\$\.options\.mode: must be one of auto, search, validate/);
  });
});
