// The RTL wire decoder (hdl/rtl/validator_word_decoder.v) through its Verilator bench
// (hdl/tb/word_decoder_tb.cpp), judged by the host's encoder and decoder (src/model/isa.ts):
// random programs of every opcode and wire form come out word for word, under random stalls on
// both handshakes; damaged sections are refused at the same byte the host's decoder refuses them.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeProgramWords, encodeProgramWords, WireDecodeError } from '../src/model/isa.ts';
import { Prng } from '../src/model/prng.ts';
import { randomWords } from './helpers/random-words.ts';

const ROOT = new URL('../', import.meta.url).pathname;
let bench = '';

beforeAll(() => {
  execFileSync('make', ['-s', '-C', join(ROOT, 'hdl/tb'), 'word_decoder'], { stdio: ['ignore', 'ignore', 'inherit'] });
  bench = join(ROOT, 'build/tb/word_decoder/Vvalidator_word_decoder');
}, 300_000);

interface Outcome { words: string[]; err: number | null; atHeader: boolean }

function runBench(sections: readonly Uint8Array[], stall: number, seed: number): Outcome[] {
  const dir = mkdtempSync(join(tmpdir(), 'word-decoder-tb-'));
  try {
    const file = join(dir, 'vectors.txt');
    writeFileSync(file, sections.map((s) => `section ${s.length > 0 ? Buffer.from(s).toString('hex') : '-'}\n`).join(''));
    const out = execFileSync(bench, [file, String(stall), String(seed)], { maxBuffer: 64 * 1024 * 1024 }).toString();
    const outcomes: Outcome[] = [];
    let cur: Outcome = { words: [], err: null, atHeader: false };
    let done = false;
    for (const line of out.split('\n')) {
      const [tag, value] = line.split(' ');
      if (tag === 'word') cur.words.push(value!);
      else if (tag === 'err') cur.err = Number(value);
      else if (tag === 'end') {
        cur.atHeader = value === '1';
        outcomes.push(cur);
        cur = { words: [], err: null, atHeader: false };
      } else if (tag === 'done') done = true;
      else if (line !== '') throw new Error(`word decoder bench: unexpected line '${line}'`);
    }
    expect(done).toBe(true);
    return outcomes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hex16 = (w: bigint) => w.toString(16).padStart(16, '0');

/** What the host's decoder says of a section: its words, and the byte after which it is malformed. */
function expected(bytes: Uint8Array): Outcome {
  const words: string[] = [];
  for (let n = 1; n <= bytes.length; n++) {
    try {
      decodeProgramWords(bytes.subarray(0, n), Infinity);
    } catch (err) {
      if (!(err instanceof WireDecodeError)) throw err;
      if (err.reason === 'malformed') return { words: decodeWhole(bytes.subarray(0, err.offset)), err: n, atHeader: false };
    }
  }
  try {
    for (const w of decodeProgramWords(bytes, Infinity)) words.push(hex16(w));
    return { words, err: null, atHeader: true };
  } catch (err) {
    if (!(err instanceof WireDecodeError) || err.reason !== 'truncated') throw err;
    return { words: decodeWhole(bytes.subarray(0, lastBoundary(bytes))), err: null, atHeader: false };
  }
}

function decodeWhole(bytes: Uint8Array): string[] {
  return decodeProgramWords(bytes, Infinity).map(hex16);
}

/** The longest prefix that decodes to whole words. */
function lastBoundary(bytes: Uint8Array): number {
  for (let n = bytes.length; n > 0; n--) {
    try {
      decodeProgramWords(bytes.subarray(0, n), Infinity);
      return n;
    } catch { /* not a boundary */ }
  }
  return 0;
}

describe('wire decoder bench', () => {
  it('decodes random programs of every opcode and form word for word, stalled or not', () => {
    const rng = new Prng(5);
    const programs = Array.from({ length: 60 }, () => randomWords(rng, 1 + rng.int(120)));
    const sections = [new Uint8Array(0), ...programs.map(encodeProgramWords)];
    for (const [stall, seed] of [[0, 1], [35, 2], [70, 3]] as const) {
      const outcomes = runBench(sections, stall, seed);
      expect(outcomes).toHaveLength(sections.length);
      expect(outcomes[0]).toEqual({ words: [], err: null, atHeader: true });
      programs.forEach((words, i) => expect(outcomes[i + 1]).toEqual({ words: words.map(hex16), err: null, atHeader: true }));
    }
  }, 120_000);

  it('refuses damaged sections at the byte the host refuses them, after the same words', () => {
    const rng = new Prng(6);
    const sections: Uint8Array[] = [];
    for (let i = 0; i < 400; i++) {
      const bytes = [...encodeProgramWords(randomWords(rng, 1 + rng.int(12)))];
      const at = rng.int(bytes.length);
      switch (rng.int(4)) {
        case 0: bytes[at] = rng.int(256); break;                       // any byte changed
        case 1: bytes.splice(at, 0, rng.int(2) === 0 ? 0x80 : rng.int(256)); break; // one inserted
        case 2: bytes[at] = 0x80 | (bytes[at]! & 0x7f); break;         // a continuation set
        default: bytes.length = at; break;                             // cut short
      }
      sections.push(Uint8Array.from(bytes));
    }
    // Hand-made: invalid opcodes, a not-minimal varint, over-long and over-field varints.
    sections.push(Uint8Array.of(0x02, 0x80), Uint8Array.of(0x60, 0x81, 0x00), Uint8Array.of(0x60, 0x80, 0x80, 0x80, 0x01),
      Uint8Array.of(0x60, 0xff, 0xff, 0x08), Uint8Array.of(0x40, 0x08, 0x00), Uint8Array.of(0x50, 0x01, 0x80, 0x02),
      Uint8Array.of(0x70, 0x00, 0xff, 0xff, 0xff, 0xff, 0x10), Uint8Array.of(0x20, 0x01, 0x02, 0xff, 0xff, 0x20));
    const want = sections.map(expected);
    expect(want.filter((w) => w.err !== null).length).toBeGreaterThan(100);
    expect(want.filter((w) => w.err === null && !w.atHeader).length).toBeGreaterThan(20);
    for (const [stall, seed] of [[0, 1], [50, 4]] as const) {
      const got = runBench(sections, stall, seed);
      // A malformed section's words after the error are not compared: the device stops there.
      sections.forEach((s, i) => expect({ i, ...got[i] }).toEqual({ i, ...want[i] }));
    }
  }, 120_000);
});
