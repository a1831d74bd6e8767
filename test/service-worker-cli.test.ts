// `hilsolve worker` refusals: a device that cannot be opened, a bad flag, a bad setting; each
// with a message naming the problem and the documented exit status.

import { describe, expect, it } from 'vitest';
import { uniquePrefix } from './helpers/service.ts';
import { spawnWorker } from './helpers/worker-process.ts';

const prefix = uniquePrefix('worker-cli');

describe('hilsolve worker', () => {
  it('exits 3 naming a device path that does not exist', async () => {
    const w = spawnWorker(prefix, { HILSOLVE_DEVICE: '/dev/hilsolve-no-such-device' });
    expect(await w.exited).toBe(3);
    expect(w.output()).toMatch(/hilsolve worker: .*\/dev\/hilsolve-no-such-device/);
  });

  it('exits 3 naming a TCP device nobody listens on', async () => {
    const w = spawnWorker(prefix, { HILSOLVE_DEVICE: 'tcp://127.0.0.1:1' });
    expect(await w.exited).toBe(3);
    expect(w.output()).toMatch(/127\.0\.0\.1:1/);
  });

  it('exits 2 naming a model file that does not exist, before opening a device', async () => {
    const w = spawnWorker(prefix, { HILSOLVE_MODEL: '/nonexistent/model.onnx', HILSOLVE_DEVICE: 'tcp://127.0.0.1:1' });
    expect(await w.exited).toBe(2);
    expect(w.output()).toMatch(/model file \/nonexistent\/model\.onnx does not exist/);
  });

  it('exits 2 on a bad setting or flag value', async () => {
    const setting = spawnWorker(prefix, { HILSOLVE_BATCH_SIZE: '0' });
    expect(await setting.exited).toBe(2);
    expect(setting.output()).toMatch(/HILSOLVE_BATCH_SIZE: 0 is outside 1\.\.4096/);
    const lock = spawnWorker(prefix, { HILSOLVE_LOCK_MS: 'soon' });
    expect(await lock.exited).toBe(2);
    expect(lock.output()).toMatch(/HILSOLVE_LOCK_MS: 'soon' is not an integer/);
  });
});
