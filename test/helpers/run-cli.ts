// Runs the hilsolve CLI and captures its exit code and output: in-process through main() (fast,
// for many cases), or as a real child process of bin/hilsolve.js (the path users take).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { main } from '../../src/cli/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export async function runCli(args: string[]): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (sink: string[]) => ((chunk: string | Uint8Array) => {
    sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  process.stdout.write = capture(stdout);
  process.stderr.write = capture(stderr);
  let code: number;
  try {
    code = await main(args);
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

export function spawnCli(args: string[]): CliResult {
  const r = spawnSync(process.execPath, [`${REPO_ROOT}bin/hilsolve.js`, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
