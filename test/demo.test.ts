// scripts/demo.sh (without its installation step, which scripts/test.sh has done already): it
// must print a proven solution of each example, drawn, exit 0, and leave no process behind.
// The solutions are read back from its output and checked here against the example files.

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCnf, readCnfClauses } from './helpers/problems.ts';
import { REPO_ROOT } from './helpers/run-cli.ts';

/** PIDs of live processes whose environment holds `tag`. */
function processesTagged(tag: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(tag)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

function section(out: string, title: RegExp): string {
  const start = out.search(title);
  expect(start, `no section ${title} in:\n${out}`).toBeGreaterThanOrEqual(0);
  const rest = out.slice(start);
  const end = rest.indexOf('\n== ', 1);
  return end < 0 ? rest : rest.slice(0, end);
}

describe('scripts/demo.sh', () => {
  it('solves the examples through the API, prints them drawn, and stops everything', { timeout: 600_000 }, async () => {
    const tag = `HILSOLVE_DEMO_TEST=${randomUUID()}`;
    const [name, value] = tag.split('=') as [string, string];
    const child = spawn('bash', ['scripts/demo.sh', '--no-setup'], {
      cwd: REPO_ROOT, env: { ...process.env, [name]: value }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, stderr).toBe(0);

    // 8-queens: one Q per rank, distinct files, no shared diagonal.
    const board = section(stdout, /^== 8-queens/m).split('\n').filter((l) => /^\d [.Q]( [.Q]){7}$/.test(l));
    expect(board).toHaveLength(8);
    const cols = board.map((l) => l.slice(2).split(' ').indexOf('Q'));
    for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) {
      expect(cols[i]).not.toBe(cols[j]);
      expect(Math.abs(cols[i]! - cols[j]!)).not.toBe(j - i);
    }

    // The sudoku: a full grid that keeps the example's clues, rows, columns and boxes all 1..9.
    const rows = section(stdout, /^== a sudoku/m).split('\n').filter((l) => /^\d \d \d \| \d \d \d \| \d \d \d$/.test(l))
      .map((l) => l.replace(/\|/g, '').trim().split(/\s+/).map(Number));
    expect(rows).toHaveLength(9);
    const example = JSON.parse(readFileSync(`${REPO_ROOT}examples/sudoku.json`, 'utf8'));
    for (const c of example.constraints.filter((k: { type: string }) => k.type === 'clause')) {
      const cell = Number(/\[(\d+)\]/.exec(c.literals[0].var)![1]);
      expect(rows[Math.floor(cell / 9)]![cell % 9]).toBe(c.literals[0].value);
    }
    const full = (xs: number[]) => [...xs].sort().join('') === '123456789';
    for (let i = 0; i < 9; i++) {
      expect(full(rows[i]!)).toBe(true);
      expect(full(rows.map((r) => r[i]!))).toBe(true);
      expect(full(rows.slice(3 * Math.floor(i / 3), 3 * Math.floor(i / 3) + 3).flatMap((r) => r.slice(3 * (i % 3), 3 * (i % 3) + 3)))).toBe(true);
    }

    // The SAT instance: the `v` line satisfies every clause of the file.
    const v = section(stdout, /^== a SAT instance/m).split('\n').filter((l) => l.startsWith('v '));
    const assignment: Record<string, boolean> = {};
    for (const lit of v.join(' ').replace(/v /g, ' ').trim().split(/\s+/).map(Number)) if (lit !== 0) assignment[String(Math.abs(lit))] = lit > 0;
    expect(checkCnf(readCnfClauses(readFileSync(`${REPO_ROOT}examples/uf20-91.cnf`, 'utf8')), assignment)).toBe(true);

    expect(stdout.match(/SATISFIED: 1 solution/g)).toHaveLength(3);
    // The API, the worker and its simulator are gone.
    expect(processesTagged(tag)).toEqual([]);
  });
});
