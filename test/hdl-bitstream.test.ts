// The board build: synthesis, place and route and icepack of the iCEBreaker top run in the suite
// (npm run synth), and its gate (hdl/synth/gate.sh) fails a design that does not fit the UP5K or
// whose placed-and-routed clock is below the board's 12 MHz. The gate is shown failing on logs
// made for the purpose, not by breaking the design. The board is built without device search
// (SEARCH=0): with it the design does not fit (hdl/README.md, "Device search on the board").

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/run-cli.ts';

function gate(log: string, clockMhz: number) {
  const dir = mkdtempSync(join(tmpdir(), 'hilsolve-gate-'));
  writeFileSync(join(dir, 'nextpnr.log'), log);
  return spawnSync('bash', ['hdl/synth/gate.sh', join(dir, 'nextpnr.log'), String(clockMhz)], { cwd: REPO_ROOT, encoding: 'utf8' });
}

const utilisation = (lc: number, ram: number) => [
  'Info: Device utilisation:',
  `Info: \t         ICESTORM_LC:  ${lc}/ 5280    ${Math.round((lc / 5280) * 100)}%`,
  `Info: \t        ICESTORM_RAM:    ${ram}/   30    ${Math.round((ram / 30) * 100)}%`,
  'Info: \t      ICESTORM_SPRAM:     4/    4   100%',
].join('\n');
const timing = (mhz: number) => `Info: Max frequency for clock 'CLK$SB_IO_IN_$glb_clk': ${mhz.toFixed(2)} MHz (${mhz >= 12 ? 'PASS' : 'FAIL'} at 12.00 MHz)`;

describe('board gate (hdl/synth/gate.sh)', () => {
  it('passes a design that fits and meets the clock', () => {
    const run = gate(`${utilisation(4750, 25)}\n${timing(19.54)}\n`, 12);
    expect(run.status, run.stderr).toBe(0);
  });

  it('fails an over-sized design, naming the resource', () => {
    const run = gate(`${utilisation(6120, 25)}\n${timing(19.54)}\n`, 12);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('does not fit: ICESTORM_LC 6120 of 5280');
  });

  it('fails a design whose placed-and-routed clock is below the board clock', () => {
    const run = gate(`${utilisation(4750, 25)}\n${timing(19.9)}\n${timing(11.2)}\n`, 12);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('too slow: the placed-and-routed maximum clock is 11.20 MHz, the board runs at 12 MHz');
  });

  it('fails when place and route stopped before timing analysis', () => {
    const run = gate(`${utilisation(4750, 31)}\nERROR: Unable to place cell\n`, 12);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ICESTORM_RAM 31 of 30');
    expect(run.stderr).toContain('no maximum clock');
  });
});

describe('board build (npm run synth)', () => {
  it('refuses a SEARCH setting other than 0 or 1 before running any tool', () => {
    const run = spawnSync('bash', ['hdl/synth/synth.sh'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, SEARCH: 'yes' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("SEARCH must be 0 or 1, not 'yes'");
  });

  it('synthesises, places and routes the iCEBreaker top within the UP5K at 12 MHz and packs a bitstream', { timeout: 600_000 }, () => {
    const run = spawnSync('bash', ['hdl/synth/synth.sh'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, SEARCH: '0' } });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/device search none/);
    process.stdout.write(`board build:\n${run.stdout}`);
    const bitstream = `${REPO_ROOT}build/synth/hilsolve_icebreaker.bin`;
    expect(existsSync(bitstream)).toBe(true);
    expect(statSync(bitstream).size).toBeGreaterThan(100_000);   // a UP5K image is 104,090 bytes
    const fmax = /max clock\s+([0-9.]+) MHz/.exec(run.stdout);
    expect(Number(fmax?.[1])).toBeGreaterThanOrEqual(12);
    expect(readFileSync(`${REPO_ROOT}build/synth/nextpnr.log`, 'utf8')).toMatch(/PASS at 12\.00 MHz/);
  });
});
