// Post-synthesis simulation (make -C hdl/tb netlist_engine netlist_frame_rx): the yosys
// synth_ice40 netlists of the constraint engine (validator_core, one lane) and of frame_rx, run by
// Verilator with yosys's iCE40 cell models, give exactly what the RTL gives on the same stimulus:
// every engine reply, cycle counts included, on random programs and candidates with stalled
// handshakes; and frame_rx's bench (its model's checks and its summary of events) on the same
// random line.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareProgram } from '../src/check/program-checker.ts';
import { Prng } from '../src/model/prng.ts';
import { packIndices } from '../src/model/pack.ts';
import {
  CMD, ENGINE_K, formatVectors, loadCommands, parseReplies, type EngineCommand,
} from './helpers/engine-vectors.ts';
import { randomCompiledModel, randomIndices } from './helpers/random-model.ts';
import { REPO_ROOT } from './helpers/run-cli.ts';

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** Random programs, each loaded and then checked against candidates; the checker's verdict per seq. */
function engineCases(seed: number, programs: number, candidates: number) {
  const rng = new Prng(seed);
  const cmds: EngineCommand[] = [];
  const verdicts = new Map<number, { ok: boolean; count: number; violated: number[] }>();
  let seq = 0;
  const nextSeq = () => ++seq;
  for (let made = 0; made < programs; made++) {
    let wide = false;
    const { model, program } = randomCompiledModel(rng, () => {
      wide = rng.int(4) === 0;
      return wide ? { variables: 20 + rng.int(20), constraints: 20 + rng.int(30) } : { variables: 1 + rng.int(10), constraints: 1 + rng.int(6) };
    });
    const programId = 1 + rng.int(0xfffffffe);
    cmds.push(...loadCommands(program, programId, nextSeq, 1 + rng.int(40)));
    const checker = prepareProgram(program);
    for (let k = 0; k < candidates; k++) {
      const packed = packIndices(program.widths, randomIndices(rng, model, wide ? 0.01 : 0.1));
      const s = nextSeq();
      cmds.push({ op: CMD.CANDIDATE, seq: s, a: programId, data: packed });
      const want = checker.check(packed);
      verdicts.set(s, { ok: want.ok, count: want.count, violated: want.violated.slice(0, ENGINE_K) });
    }
  }
  return { cmds, verdicts };
}

describe('post-synthesis simulation (iCE40 netlists with the cell models)', () => {
  beforeAll(() => {
    const r = run('nice', ['make', '-s', '-C', 'hdl/tb', '-j', '2', 'netlist_engine', 'netlist_frame_rx']);
    expect(r.status, `${r.out}${r.err}`).toBe(0);
  }, 400_000);

  it('the engine netlist answers every command as the RTL does, cycle for cycle', () => {
    const { cmds, verdicts } = engineCases(21, 60, 8);
    const dir = mkdtempSync(join(tmpdir(), 'hilsolve-netlist-'));
    const vectors = join(dir, 'vectors.txt');
    writeFileSync(vectors, formatVectors(cmds));
    const rtl = run(join(REPO_ROOT, 'build/tb/netlist_engine/rtl/Vvalidator_core'), [vectors, '30', '5']);
    const net = run(join(REPO_ROOT, 'build/tb/netlist_engine/Vvalidator_core'), [vectors, '30', '5']);
    expect(rtl.status, rtl.err).toBe(0);
    expect(net.status, net.err).toBe(0);
    const a = parseReplies(rtl.out);
    const b = parseReplies(net.out);
    expect(b.replies).toEqual(a.replies);
    expect(b.cycles).toBe(a.cycles);
    // And both are right: every verdict as the reference checker has it, every load acknowledged.
    const got = a.replies.filter((r) => r.kind === 'verdict');
    expect(got).toHaveLength(verdicts.size);
    for (const v of got) expect({ ok: v.ok, count: v.count, violated: v.violated }).toEqual(verdicts.get(v.seq));
    expect(a.replies.filter((r) => r.kind === 'err')).toEqual([]);
    expect(got.some((v) => v.ok) && got.some((v) => v.violated.some((i) => i > 16))).toBe(true);
  }, 120_000);

  it('the frame_rx netlist passes its bench with the RTL\'s results on the same line', () => {
    const args = ['4000', '12'];
    const rtl = run(join(REPO_ROOT, 'build/tb/netlist_frame_rx/rtl/Vframe_rx'), args);
    const net = run(join(REPO_ROOT, 'build/tb/netlist_frame_rx/Vframe_rx'), args);
    expect(rtl.out).toMatch(/^PASS frame_rx frames=4000 ok=\d+/);
    expect(net.out).toBe(rtl.out);
    expect(net.status).toBe(0);
  }, 120_000);
});
