// `hilsolve worker` as a child process (each starts its own simulator when no device is given),
// for service tests that need real processes: SIGKILL, SIGTERM, several workers.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { REDIS_URL } from './service.ts';

const BIN = fileURLToPath(new URL('../../bin/hilsolve.js', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** The device it was given (HILSOLVE_DEVICE), if any. */
  device: string | undefined;
  /** Everything the worker logged (pino JSON lines) and wrote to stderr. */
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

export function spawnWorker(prefix: string, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: {
      ...process.env, REDIS_URL, HILSOLVE_REDIS_PREFIX: prefix, HILSOLVE_LOCK_MS: '2000',
      HILSOLVE_STALLED_INTERVAL_MS: '1000', HILSOLVE_LOG_LEVEL: 'info', HILSOLVE_BATCH_SIZE: '32', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    device: env.HILSOLVE_DEVICE,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
