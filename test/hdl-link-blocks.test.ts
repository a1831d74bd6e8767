// The link blocks on their own Verilator benches (hdl/tb/BLOCK_tb.cpp, models in hdl/tb/link_tb.h):
// thousands of random frames, messages or characters each, damaged ones included, random stalls on every
// handshake, every output checked against a model written from the protocol. Each bench is built
// with --coverage-toggle; its toggle coverage (bits that changed at least once, over the block and
// the blocks inside it) is printed and must stay at 90 % or more. A bench built on a broken
// decoder fails, so a PASS means the checks bite.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/run-cli.ts';

const BLOCKS_OUT = join(REPO_ROOT, 'build/tb/blocks');
/** Items per bench run (frames, messages, bytes or events) and the seed. */
const RUNS: Record<string, [number, number]> = {
  uart_rx: [3000, 9], uart_tx: [3000, 1], cobs_encoder: [3000, 2], cobs_decoder: [5000, 3], frame_rx: [5000, 4],
  pb_decoder: [10000, 5], pb_encoder: [4000, 6], tx_buffer: [3000, 7], link_dispatch: [5000, 8],
};

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Toggle points in a Verilator coverage file: how many, and how many changed at least once. */
function togglePoints(path: string): { covered: number; total: number } {
  let covered = 0;
  let total = 0;
  for (const line of readFileSync(path, 'latin1').split('\n')) {
    const m = /^C '(.*)' (\d+)$/.exec(line);
    if (!m || !m[1]!.includes('\u0001page\u0002v_toggle')) continue;
    total++;
    if (Number(m[2]) > 0) covered++;
  }
  return { covered, total };
}

describe('link-block benches (hdl/tb, make -C hdl/tb link_blocks)', () => {
  beforeAll(() => {
    const r = run('nice', ['make', '-s', '-C', 'hdl/tb', '-j', '2', 'link_blocks']);
    expect(r.status, r.out).toBe(0);
  }, 400_000);

  it.each(Object.keys(RUNS))('%s agrees with its model, toggle coverage at least 90 percent', (block) => {
    const [count, seed] = RUNS[block]!;
    const dat = join(BLOCKS_OUT, block, 'coverage.dat');
    const r = run(join(BLOCKS_OUT, block, `V${block}`), [String(count), String(seed), dat]);
    const last = r.out.trim().split('\n').at(-1) ?? '';
    expect(last, r.out).toMatch(new RegExp(`^PASS ${block} `));
    expect(r.status).toBe(0);
    const { covered, total } = togglePoints(dat);
    // verilator_coverage writes the sources with each line's count (uncovered lines marked %00).
    const ann = run('verilator_coverage', ['--annotate', join(BLOCKS_OUT, block, 'annotated'), dat]);
    expect(ann.status, ann.out).toBe(0);
    const pct = (100 * covered) / total;
    console.log(`${block}: toggle ${covered}/${total} bits = ${pct.toFixed(1)} % (${last.slice(5)}); ` +
      `verilator_coverage: ${/Total coverage.*/.exec(ann.out)?.[0] ?? '?'} lines`);
    expect(total).toBeGreaterThan(20);
    expect(pct).toBeGreaterThanOrEqual(90);
  }, 120_000);

  it('fails a bench whose block is broken (a COBS decoder that always restores a zero)', () => {
    const rtl = readFileSync(join(REPO_ROOT, 'hdl/rtl/cobs_decoder.v'), 'utf8');
    const broken = rtl.replace("zero_pending <= in_data != 8'hff;", "zero_pending <= 1'b1;");
    expect(broken).not.toBe(rtl);
    const dir = mkdtempSync(join(tmpdir(), 'hilsolve-block-'));
    writeFileSync(join(dir, 'cobs_decoder.v'), broken);
    const b = run('verilator', ['--cc', '--exe', '--build', '-j', '2', '-O1', '--top-module', 'cobs_decoder', '--Mdir', dir,
      '-CFLAGS', `-I${join(REPO_ROOT, 'hdl/tb')}`, join(dir, 'cobs_decoder.v'), join(REPO_ROOT, 'hdl/tb/cobs_decoder_tb.cpp')]);
    expect(b.status, b.out).toBe(0);
    const r = run(join(dir, 'Vcobs_decoder'), ['3000', '1']);
    expect(r.out.trim().split('\n').at(-1)).toMatch(/^FAIL cobs_decoder /);
    expect(r.status).toBe(1);
  }, 120_000);
});
