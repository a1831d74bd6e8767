// The formal proofs (hdl/formal/run.sh, `npm run formal`): every job in hdl/formal/jobs.txt
// passes, each property named there is proven, and the runner fails a harness whose property is
// false (a COBS round trip claiming each byte comes back changed), by PDR and by z3's BMC, so a
// PASS cannot come from a runner that proves nothing; and the UART harness fails one step past
// the receiver's tolerance on either side.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/run-cli.ts';

function runFormal(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('bash', ['hdl/formal/run.sh', ...args], {
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, lines: r.stdout.trim().split('\n').filter((l) => l !== '') };
}

const jobs = readFileSync(join(REPO_ROOT, 'hdl/formal/jobs.txt'), 'utf8').split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => l.trim().split(/\s+/).slice(0, 2).join(' '));

describe('formal proofs (hdl/formal/run.sh)', () => {
  it('covers every property the link needs', () => {
    for (const h of ['cobs_pair pdr', 'frame_rx bmc3', 'pb_decoder bmc3', 'link_dispatch pdr', 'uart_line bmc3', 'uart_line4 bmc3'])
      expect(jobs).toContain(h);
  });

  it('passes every job', () => {
    const { status, lines } = runFormal([]);
    expect(lines.filter((l) => !l.startsWith('PASS '))).toEqual([]);
    expect(lines.map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(jobs);
    expect(status).toBe(0);
  }, 600_000);

  it('fails a harness whose property is false', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hilsolve-formal-'));
    const harness = readFileSync(join(REPO_ROOT, 'hdl/formal/cobs_pair.v'), 'utf8');
    const broken = harness.replace('d_data == f_bytes[8*f_k +: 8]', 'd_data != f_bytes[8*f_k +: 8]');
    expect(broken).not.toBe(harness);
    writeFileSync(join(dir, 'cobs_pair.v'), broken);
    writeFileSync(join(dir, 'cobs_pair.ys'), readFileSync(join(REPO_ROOT, 'hdl/formal/cobs_pair.ys'), 'utf8')
      .replaceAll('hdl/formal/cobs_pair.v', join(dir, 'cobs_pair.v')));
    writeFileSync(join(dir, 'jobs.txt'), 'cobs_pair pdr -\ncobs_pair bmc 10\n');
    const { status, lines } = runFormal([], { FORMAL_DIR: dir, FORMAL_OUT: dir });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^FAIL cobs_pair pdr .*asserted in frame/);
    expect(lines[1]).toMatch(/^FAIL cobs_pair bmc 10 .*Assert failed/);
    expect(status).toBe(1);
  }, 300_000);

  it('finds the UART receiver failing just past its tolerance, so the bounds proven are its edges', () => {
    // At 4 cycles a bit the receiver takes 2.75 % short to 5.5 % long (uart_line4); 3 % short and
    // 5.75 % long (one step of 1/400 of a bit further) must each fail.
    const dir = mkdtempSync(join(tmpdir(), 'hilsolve-formal-'));
    const ys = readFileSync(join(REPO_ROOT, 'hdl/formal/uart_line4.ys'), 'utf8');
    const bounds = '-chparam SHORT 275 -chparam LONG 550';
    expect(ys).toContain(bounds);
    writeFileSync(join(dir, 'uart_short.ys'), ys.replace(bounds, '-chparam SHORT 300 -chparam LONG 0'));
    writeFileSync(join(dir, 'uart_long.ys'), ys.replace(bounds, '-chparam SHORT 0 -chparam LONG 575'));
    writeFileSync(join(dir, 'jobs.txt'), 'uart_short bmc3 52\nuart_long bmc3 52\n');
    const { status, lines } = runFormal([], { FORMAL_DIR: dir, FORMAL_OUT: dir });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^FAIL uart_short bmc3 52 .*asserted in frame/);
    expect(lines[1]).toMatch(/^FAIL uart_long bmc3 52 .*asserted in frame/);
    expect(status).toBe(1);
  }, 300_000);
});
