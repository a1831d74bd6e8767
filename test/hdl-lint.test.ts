// Every RTL file passes Verilator's lint with all warnings on, alone and as part of the top
// modules, and yosys (the synthesis front end) accepts the board top's whole hierarchy.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/run-cli.ts';

const RTL = `${REPO_ROOT}hdl/rtl`;
const files = readdirSync(RTL).filter((f) => /\.s?v$/.test(f)).sort();

function lint(args: string[]): { status: number | null; output: string } {
  const r = spawnSync('verilator', ['--lint-only', '-Wall', `-I${RTL}`, `-y`, RTL, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('RTL lint', () => {
  it('finds the RTL', () => {
    expect(files).toContain('hilsolve_top.v');
    expect(files).toContain('hilsolve_icebreaker.v');
  });

  it.each(files)('%s is clean under verilator -Wall', (file) => {
    const { status, output } = lint([`${RTL}/${file}`]);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it.each(['hilsolve_top', 'hilsolve_icebreaker'])('the hierarchy under %s is clean under verilator -Wall', (top) => {
    const { status, output } = lint(['--top-module', top, `${RTL}/${top}.v`]);
    expect(output).toBe('');
    expect(status).toBe(0);
  });

  it('frame_rx refuses slots below 8 bytes or not a power of two, in Verilator and yosys alike', () => {
    for (const size of [4, 12, 8, 512]) {
      const bad = size < 8 || (size & (size - 1)) !== 0;
      const v = lint([`-GMAX_PAYLOAD=${size}`, '--top-module', 'frame_rx', `${RTL}/frame_rx.v`]);
      const y = spawnSync('yosys', ['-q', '-p', `read_verilog ${RTL}/frame_rx.v; ` +
        `hierarchy -check -top frame_rx -libdir ${RTL} -chparam MAX_PAYLOAD ${size}`], { encoding: 'utf8', cwd: REPO_ROOT });
      if (y.error) throw y.error;
      for (const out of [v.output, `${y.stdout}${y.stderr}`]) {
        if (bad) expect(out, `MAX_PAYLOAD ${size}`).toMatch(/FRAME_RX_MAX_PAYLOAD_POWER_OF_TWO_AT_LEAST_8/);
        else expect(out, `MAX_PAYLOAD ${size}`).not.toMatch(/ERROR|Error/);
      }
      expect(v.status !== 0, `verilator, MAX_PAYLOAD ${size}`).toBe(bad);
      expect(y.status !== 0, `yosys, MAX_PAYLOAD ${size}`).toBe(bad);
    }
  });

  it('is accepted by yosys down to the board top', () => {
    const r = spawnSync('yosys', ['-q', '-p',
      // The iCE40 primitives (SB_SPRAM256KA for the program memory) as black boxes.
      `read_verilog -lib +/ice40/cells_sim.v; read_verilog ${RTL}/hilsolve_icebreaker.v; ` +
      `hierarchy -check -top hilsolve_icebreaker -libdir ${RTL}; proc; check -assert`],
    { encoding: 'utf8', cwd: REPO_ROOT });
    if (r.error) throw r.error;
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/ERROR/);
    expect(r.status).toBe(0);
  });
});
