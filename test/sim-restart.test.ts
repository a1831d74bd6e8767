// A simulator that dies under a worker (issue 12, item 8): the worker that started it starts a
// new one, moves its session there at once (never reopening the dead simulator's pty, whose number
// the kernel may give to another process), the running job reloads its program and carries on,
// and the worker stays registered with the new device. Restarts are bounded: one exit too many
// and the device is gone. Also: the opener refuses the path of a simulator that exited.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceOpenError } from '../src/link/errors.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import type { Transport } from '../src/link/transport.ts';
import { DeviceRegistry } from '../src/queue/devices.ts';
import { SIMULATOR_RESTARTS, openDevice, simulatorOpener } from '../src/solve/device-validator.ts';
import { auth, startApi, uniquePrefix, waitForJob, waitForJobState, type TestApi } from './helpers/service.ts';
import { spawnWorker, type WorkerProcess } from './helpers/worker-process.ts';
import { checkCnf, readCnfClauses } from './helpers/problems.ts';

const UF50 = readFileSync(new URL('./fixtures/uf50-218.cnf', import.meta.url), 'utf8');
const CLAUSES = readCnfClauses(UF50);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The pino lines of a worker's output with this message. */
function logLines(output: string, msg: string): Record<string, unknown>[] {
  return output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === msg);
}

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function simulatorChildren(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-x', 'hilsolve-sim'], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return [];
  }
}

describe('a worker whose own simulator dies', { timeout: 240_000 }, () => {
  let api: TestApi;
  let worker: WorkerProcess;

  beforeAll(async () => {
    api = await startApi(uniquePrefix('sim-restart'));
    worker = spawnWorker(api.prefix);
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  it('restarts it, moves to the new pty, and the job reloads and finishes', async () => {
    const ready = await until('device ready', () => logLines(worker.output(), 'device ready')[0], 120_000);
    const oldPort = ready.port as string;
    const oldPid = await until('the simulator child', () => simulatorChildren(worker.child.pid!)[0]);
    const res = await api.app.inject({
      method: 'POST', url: '/v1/jobs', headers: auth(),
      payload: { format: 'cnf', source: UF50, options: { solutions: 1000, seed: 11, timeLimitMs: 120_000, mode: 'validate' } },
    });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id as string;
    const before = await waitForJobState(api.app, id, (j) => j.solutionCount >= 3 || ['succeeded', 'failed'].includes(j.status), 120_000);
    expect(before.status, worker.output().slice(-2000)).toBe('running');

    process.kill(oldPid, 'SIGKILL');
    const restarted = await until('the restart', () => logLines(worker.output(), 'restarted the simulator')[0]);
    const job = await waitForJob(api.app, id, 180_000);
    const out = worker.output();

    expect(job, out.slice(-3000)).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED', runs: 1 });
    expect(job.solutionCount).toBeGreaterThan(before.solutionCount);
    expect(job.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(job.solutions.every((s: { assignment: Record<string, boolean> }) => checkCnf(CLAUSES, s.assignment))).toBe(true);

    // A new simulator, the worker's child, on the path the log names; the old one is not retried.
    const newPid = restarted.pid as number;
    expect(newPid).not.toBe(oldPid);
    expect(simulatorChildren(worker.child.pid!)).toEqual([newPid]);
    expect(restarted.previous).toBe(oldPort);
    expect(out).toMatch(/the simulator exited; its pty will not be opened again/);
    expect(out).not.toMatch(/another process owns the device|device gone/);
    expect(worker.child.exitCode).toBeNull();

    // Still registered, with the new simulator's path and handshake.
    const registry = new DeviceRegistry(api.redis, api.prefix);
    const record = await until('the new device in the registry', async () => {
      const [r] = await registry.list();
      return r && r.port === restarted.port && (r.handshake as { target?: string } | null)?.target === restarted.port ? r : undefined;
    }, 10_000);
    expect(record).toMatchObject({ simulated: true, pid: worker.child.pid, currentJob: null });
  });

  it('restarts it again under a search-mode job, which reloads program and tables', async () => {
    const restartsBefore = logLines(worker.output(), 'restarted the simulator').length;
    const res = await api.app.inject({
      method: 'POST', url: '/v1/jobs', headers: auth(),
      payload: { format: 'cnf', source: UF50, options: { solutions: 1000, seed: 12, timeLimitMs: 120_000, mode: 'search' } },
    });
    expect(res.statusCode, res.body).toBe(202);
    const id = res.json().id as string;
    const before = await waitForJobState(api.app, id, (j) => j.solutionCount >= 3 || ['succeeded', 'failed'].includes(j.status), 120_000);
    expect(before.status, worker.output().slice(-2000)).toBe('running');
    const [pid] = simulatorChildren(worker.child.pid!);
    process.kill(pid!, 'SIGKILL');
    const restarted = await until('the second restart', () => logLines(worker.output(), 'restarted the simulator')[restartsBefore]);
    const job = await waitForJob(api.app, id, 180_000);
    expect(job, worker.output().slice(-3000)).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED', runs: 1 });
    expect(job.solutionCount).toBeGreaterThan(before.solutionCount);
    expect(job.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(job.solutions.every((s: { assignment: Record<string, boolean> }) => checkCnf(CLAUSES, s.assignment))).toBe(true);
    expect(restarted.pid).not.toBe(pid);
    expect(simulatorChildren(worker.child.pid!)).toEqual([restarted.pid]);
    expect(worker.child.exitCode).toBeNull();
  });
});

describe('openDevice on a simulator of its own', { timeout: 120_000 }, () => {
  it('never opens the pty of a simulator that exited', async () => {
    const sim = await startSimulator();
    const opened: string[] = [];
    const open = simulatorOpener(() => sim, async (path) => {
      opened.push(path);
      return { write: () => undefined, close: async () => undefined } as unknown as Transport;
    });
    const handlers = { onData: () => undefined, onClose: () => undefined };
    await open(sim.path, handlers, {});
    expect(opened).toEqual([sim.path]);
    await expect(open('/dev/pts/999999', handlers, {})).rejects.toThrow(DeviceOpenError);
    process.kill(sim.pid, 'SIGKILL');
    // Dead before Node has seen the exit: the kernel is asked, not the child's exit event.
    await until('the simulator to die', () => (sim.running() ? undefined : true), 5_000);
    await expect(open(sim.path, handlers, {})).rejects.toThrow(/not the pty of a running simulator/);
    await sim.exited;
    await expect(open(sim.path, handlers, {})).rejects.toThrow(DeviceOpenError);
    expect(opened).toEqual([sim.path]);
  });

  it(`restarts it up to ${SIMULATOR_RESTARTS} times, each on a new session target, then the device is gone`, async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    }));
    const sims: RunningSimulator[] = [];
    const device = await openDevice(undefined, logger, undefined, {
      startSimulator: async () => {
        const s = await startSimulator();
        sims.push(s);
        return s;
      },
    });
    let gone = false;
    void device.gone.then(() => (gone = true));
    try {
      for (let i = 1; i <= SIMULATOR_RESTARTS; i++) {
        const sim = sims[i - 1]!;
        expect(device.port).toBe(sim.path);
        process.kill(sim.pid, 'SIGKILL');
        await until(`restart ${i}`, () => (lines.filter((l) => l.msg === 'device reconnected').length >= i ? true : undefined), 60_000);
        expect(sims).toHaveLength(i + 1);
        expect(device.port).toBe(sims[i]!.path);
        expect((device.handshake as { target: string }).target).toBe(sims[i]!.path);
        expect(sims[i - 1]!.running()).toBe(false);
        expect(gone).toBe(false);
      }
      process.kill(sims[SIMULATOR_RESTARTS]!.pid, 'SIGKILL');
      await device.gone;
      expect(sims).toHaveLength(SIMULATOR_RESTARTS + 1);
      expect(lines.some((l) => l.msg === 'device gone' && String(l.err).includes(`exited ${SIMULATOR_RESTARTS + 1} times within 60 s`))).toBe(true);
      expect(lines.filter((l) => l.msg === 'restarted the simulator')).toHaveLength(SIMULATOR_RESTARTS);
    } finally {
      await device.close();
      for (const s of sims) await s.stop();
    }
  });
});
