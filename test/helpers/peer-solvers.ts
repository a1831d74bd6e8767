// Independent complete solvers for the tests' ground truth: CaDiCaL on DIMACS CNF (exit 10 =
// satisfiable, 20 = unsatisfiable) and Gecode through MiniZinc on any model (the translation of
// bench/peers/minizinc.ts). Both are Debian packages that scripts/setup.sh installs; a missing
// one is an install step, so requirePeers() fails loudly instead of letting a test skip.

import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Model } from '../../src/model/types.ts';
import { toMiniZinc } from '../../bench/peers/minizinc.ts';

export type PeerVerdict = 'sat' | 'unsat';

export function requirePeers(): void {
  for (const [cmd, pkg] of [['cadical', 'cadical'], ['minizinc', 'minizinc flatzinc libgecodeflatzinc49']] as const) {
    const r = spawnSync('sh', ['-c', `command -v ${cmd}`]);
    if (r.status !== 0) throw new Error(`${cmd} is not installed: run scripts/setup.sh (apt-get install ${pkg})`);
  }
}

function run(cmd: string, args: string[], input?: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20, timeout: 60_000 }, (err, stdout) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ code: child.exitCode, stdout });
    });
    child.stdin?.end(input ?? '');
  });
}

export async function cadical(cnf: string): Promise<PeerVerdict> {
  const r = await run('cadical', ['-q', '-n'], cnf);
  if (r.code === 10) return 'sat';
  if (r.code === 20) return 'unsat';
  throw new Error(`cadical exited with ${r.code}`);
}

export async function gecode(model: Model): Promise<PeerVerdict> {
  const dir = mkdtempSync(join(tmpdir(), 'hs-tree-'));
  try {
    const file = join(dir, 'm.mzn');
    writeFileSync(file, toMiniZinc(model));
    const r = await run('minizinc', ['--solver', 'gecode', file]);
    if (r.stdout.includes('=====UNSATISFIABLE=====')) return 'unsat';
    if (r.stdout.includes('SOL ')) return 'sat';
    throw new Error(`minizinc gave no verdict (exit ${r.code}): ${r.stdout.slice(0, 200)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the jobs with at most `width` at a time; results in order. */
export async function pool<T>(jobs: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const k = next++;
      out[k] = await jobs[k]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return out;
}
