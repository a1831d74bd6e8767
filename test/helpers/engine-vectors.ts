// Drives the standalone engine testbench (hdl/tb/engine_tb.cpp): builds it, writes the command
// vectors, runs it and parses its replies. Commands and fields are those of
// hdl/rtl/validator_codes.vh.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Program } from '../../src/model/program.ts';
import { programImage } from '../../src/link/validator-client.ts';

export const CMD = { RESET: 1, BEGIN: 2, CHUNK: 3, END: 4, CANDIDATE: 5 } as const;
export const CHUNK_WIDTHS = 0;
export const CHUNK_WORDS = 1;
/** Violated indices a verdict lists (the core's K). */
export const ENGINE_K = 8;

const ROOT = new URL('../../', import.meta.url).pathname;

export interface EngineCommand {
  op: number;
  seq: number;
  a?: number;
  b?: number;
  c?: number;
  d?: number;
  data?: Uint8Array;
}

export type EngineReply =
  | { kind: 'ack'; seq: number }
  | { kind: 'err'; seq: number; code: number; arg: number }
  | {
    kind: 'verdict'; seq: number; programId: number; ok: boolean; count: number;
    digest: number; cycles: number; violated: number[];
  };

/** Build the testbench with `engines` lanes (make is incremental); returns the binary's path. */
export function buildEngineTb(engines: number): string {
  execFileSync('make', ['-s', '-C', join(ROOT, 'hdl/tb'), `ENGINES=${engines}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  return join(ROOT, `build/tb/engine_e${engines}/Vvalidator_core`);
}

/** Program load commands: begin, widths and words in chunks of at most `chunk` bytes, end. */
export function loadCommands(program: Program, programId: number, nextSeq: () => number, chunk = 64): EngineCommand[] {
  const image = programImage(program);
  const cmds: EngineCommand[] = [{
    op: CMD.BEGIN, seq: nextSeq(), a: programId, b: program.numVars, c: program.words.length,
    d: program.modelConstraints + program.domainChecks.length,
  }];
  for (const [kind, bytes] of [[CHUNK_WIDTHS, image.widths], [CHUNK_WORDS, image.words]] as const) {
    for (let off = 0; off < bytes.length; off += chunk) {
      cmds.push({ op: CMD.CHUNK, seq: nextSeq(), a: kind, b: off, data: bytes.subarray(off, off + chunk) });
    }
  }
  cmds.push({ op: CMD.END, seq: nextSeq(), a: image.crc });
  return cmds;
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes && bytes.length > 0 ? Buffer.from(bytes).toString('hex') : '-';
}

export function formatVectors(cmds: readonly EngineCommand[]): string {
  return cmds.map((c) => `cmd ${c.op} ${c.seq} ${(c.a ?? 0) >>> 0} ${(c.b ?? 0) >>> 0} ${(c.c ?? 0) >>> 0} ${(c.d ?? 0) >>> 0} ${hex(c.data)}\n`).join('');
}

export function parseReplies(text: string): { replies: EngineReply[]; cycles: number } {
  const replies: EngineReply[] = [];
  let cycles = -1;
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const n = (i: number) => Number(f[i]);
    switch (f[0]) {
      case 'ack': replies.push({ kind: 'ack', seq: n(1) }); break;
      case 'err': replies.push({ kind: 'err', seq: n(1), code: n(2), arg: n(3) }); break;
      case 'verdict':
        replies.push({
          kind: 'verdict', seq: n(1), programId: n(2), ok: f[3] === '1', count: n(4), digest: n(5), cycles: n(6),
          violated: f[7] === '-' ? [] : f[7]!.split(',').map(Number),
        });
        break;
      case 'done': cycles = n(1); break;
      case '': break;
      default: throw new Error(`engine testbench: unexpected output line '${line}'`);
    }
  }
  if (cycles < 0) throw new Error('engine testbench: no final "done" line');
  return { replies, cycles };
}

/** Run the testbench on `cmds`; `stallPercent` of data and reply handshakes are held off at random. */
export function runEngineTb(binary: string, cmds: readonly EngineCommand[], stallPercent = 0, seed = 1): { replies: EngineReply[]; cycles: number } {
  const dir = mkdtempSync(join(tmpdir(), 'engine-tb-'));
  try {
    const file = join(dir, 'vectors.txt');
    writeFileSync(file, formatVectors(cmds));
    const out = execFileSync(binary, [file, String(stallPercent), String(seed)], { maxBuffer: 256 * 1024 * 1024 }).toString();
    return parseReplies(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
