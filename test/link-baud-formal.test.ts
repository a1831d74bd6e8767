// link_baud's formal properties (hdl/formal/link_baud.ys, yosys-smtbmc with z3, small sizes): the
// divider changes only to the safe one or at a switch while the line is idle, the watchdog ends
// within WATCHDOG + 1 cycles and leaves the safe divider behind; BMC, induction and covers.

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/run-cli.ts';

describe('link_baud, formally', () => {
  it.each([['BMC', '--presat'], ['induction', '-i'], ['covers', '-c']])('%s passes', (_, mode) => {
    mkdirSync(`${REPO_ROOT}build/formal`, { recursive: true });
    const y = spawnSync('yosys', ['-q', '-s', 'hdl/formal/link_baud.ys'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (y.error) throw y.error;
    expect(y.status, `${y.stdout}${y.stderr}`).toBe(0);
    const r = spawnSync('yosys-smtbmc', ['-s', 'z3', mode!, '-t', '24', 'build/formal/link_baud.smt2'], { cwd: REPO_ROOT, encoding: 'utf8' });
    if (r.error) throw r.error;
    expect(r.stdout).toMatch(/Status: PASSED/);
    if (mode === '-c') expect(r.stdout.match(/Reached cover statement/g)?.length).toBe(3);
  }, 120_000);
});
