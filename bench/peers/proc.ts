// Runs a peer solver as a child process under GNU time: wall clock from spawn to exit, peak
// resident set (the largest of the process and the children it waited for), stdout, exit code.
// A run past its time limit is killed and reported with timedOut.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcResult {
  wallMs: number;
  maxRssKb: number;
  stdout: string;
  code: number | null;
  timedOut: boolean;
}

const TIME = '/usr/bin/time';

export function runTimed(cmd: string, args: string[], options: { timeoutMs: number; input?: string }): Promise<ProcResult> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-peer-'));
  const rssFile = join(dir, 'rss');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(TIME, ['-f', '%M', '-o', rssFile, cmd, ...args], { stdio: ['pipe', 'pipe', 'ignore'] });
    let stdout = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    // GNU time passes signals on to the solver; SIGKILL to time itself would leave the solver running.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      reject(err);
    });
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      clearTimeout(timer);
      let maxRssKb = NaN;
      try {
        // GNU time writes "Command exited with non-zero status N" first when the status is not 0.
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        maxRssKb = Number(lines[lines.length - 1]);
      } catch { /* killed before time wrote it */ }
      rmSync(dir, { recursive: true, force: true });
      resolve({ wallMs, maxRssKb, stdout, code, timedOut });
    });
  });
}
