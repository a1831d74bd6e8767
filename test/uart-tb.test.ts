// uart_rx on its own bench (hdl/tb/uart_rx_tb.cpp): the receiver decodes bytes sent back to back
// at a random clock phase as long as the host's bit period stays within its tolerance, measured
// here for the smallest divider SetBaud accepts (4: 3 Mbaud at 12 MHz), the simulator's (8) and
// the board's safe one (104). The figures are in docs/link-protocol.md, "Link speed".

import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/run-cli.ts';

const OUT = `${REPO_ROOT}build/tb/uart_rx`;
const BINARY = `${OUT}/Vuart_rx`;

beforeAll(() => {
  mkdirSync(OUT, { recursive: true });
  const r = spawnSync('verilator', ['--cc', '--exe', '--build', '-j', '2', '-Wall', '-O2', '--top-module', 'uart_rx', '--Mdir', OUT,
    '-CFLAGS', '-O2', '-CFLAGS', `-I${REPO_ROOT}hdl/tb`, `${REPO_ROOT}hdl/rtl/uart_rx.v`, `${REPO_ROOT}hdl/tb/uart_rx_tb.cpp`], { encoding: 'utf8' });
  if (r.error) throw r.error;
  expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
}, 120_000);

/** Errors per mismatch (percent) over `bytes` bytes at `divider`. */
function sweep(divider: number, lo: number, hi: number, step: number, bytes = 400, seed = 1): Map<number, number> {
  const r = spawnSync(BINARY, [divider, lo, hi, step, bytes, seed].map(String), { encoding: 'utf8' });
  if (r.error) throw r.error;
  expect(r.status, r.stderr).toBe(0);
  const out = new Map<number, number>();
  for (const line of r.stdout.trim().split('\n')) {
    const m = /^mismatch=(-?[\d.]+) bytes=\d+ errors=(\d+)$/.exec(line);
    if (!m) throw new Error(`unexpected bench output '${line}'`);
    out.set(Number(m[1]), Number(m[2]));
  }
  return out;
}

describe('uart_rx bit-period tolerance', () => {
  it('at divider 4 decodes host bits from 2.5 % short to 5 % long, and fails beyond 3 % short', () => {
    const errors = sweep(4, -4, 5, 0.5);
    for (const [m, e] of errors) if (m >= -2.5 && m <= 5) expect(e, `mismatch ${m} %`).toBe(0);
    expect(errors.get(-3.5)).toBeGreaterThan(0);
    expect(errors.get(-4)).toBeGreaterThan(0);
  });

  it.each([5, 6, 8, 104])('at divider %i decodes host bits 3 % short or long', (divider) => {
    for (const seed of [1, 2]) {
      for (const [m, e] of sweep(divider, -3, 3, 0.5, 300, seed)) expect(e, `mismatch ${m} %, seed ${seed}`).toBe(0);
    }
  });

  it('misses every byte when the rates are far apart (a host that did not follow a switch)', () => {
    // 3 Mbaud bytes into a receiver at 115,200 baud: 26 times too fast.
    expect(sweep(104, -96, -96, 1).get(-96)).toBeGreaterThan(300);
  });
});
