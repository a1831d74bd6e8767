import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VECTORS_PATH, messageFromJson, messageToJson, renderVectors, type GoldenFile } from '../proto/golden/generate.ts';
import { decodeDevice, decodeHost } from '../src/link/codec.ts';
import { Deframer, encodeFrame } from '../src/link/frame.ts';

const text = readFileSync(VECTORS_PATH, 'utf8');
const file = JSON.parse(text) as GoldenFile;
const unhex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('golden link vectors', () => {
  it('are exactly what proto/golden/generate.ts produces', () => {
    expect(renderVectors()).toBe(text);
  });

  it('cover the decoder corner cases and every frame error', () => {
    const names = file.vectors.map((v) => v.name);
    for (const n of ['echo-fields-reversed', 'echo-explicit-zero', 'echo-unknown-fields', 'echo-unknown-top-level',
      'echo-packed-repeated', 'echo-overlong-varints', 'echo-varint-over-32-bits', 'verdict-unpacked',
      'hello-reply-search-unpacked', 'search-start', 'solution', 'search-status',
      // the search tables' wire form: a chunk overlapping the decode point, one wholly before it, one past it
      'search-chunk-vars-overlap', 'search-chunk-vars-repeat', 'search-chunk-clauses-gap', 'search-chunk-clauses-early',
      'error-search-table']) expect(names).toContain(n);
    expect(file.vectors.flatMap((v) => (v.frameError ? [v.frameError] : [])).sort()).toEqual(['cobs', 'crc', 'short', 'too-long']);
  });

  it.each(file.vectors.filter((v) => v.payload !== undefined).map((v) => [v.name, v] as const))('%s: frame, payload and fields agree', (_, v) => {
    const payload = unhex(v.payload!);
    expect(hex(encodeFrame(payload))).toBe(v.frame);
    expect(new Deframer(file.payloadLimit).push(unhex(v.frame))).toEqual([{ ok: true, payload }]);
    if (v.message) {
      const decoded = v.direction === 'host' ? decodeHost(payload) : decodeDevice(payload);
      expect(messageToJson(decoded)).toEqual(v.message);
      expect(messageFromJson(v.message)).toEqual(decoded);
    }
  });

  it('gives every search host vector the search layer, and seqs that rise through the file', () => {
    const host = file.vectors.filter((v) => v.direction === 'host' && v.message);
    for (const v of host) if (/^search/.test(String(v.message!.kind)) || v.message!.kind === 'prior') expect(v.layer, v.name).toBe('search');
    const seqs = host.filter((v) => v.layer !== 'link').map((v) => Number(v.message!.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it.each(file.vectors.filter((v) => v.frameError).map((v) => [v.name, v] as const))('%s: the deframer reports it', (_, v) => {
    expect(new Deframer(file.payloadLimit).push(unhex(v.frame)).map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual([v.frameError]);
  });

  it('all frames sent back to back come out in order, bad ones as errors', () => {
    const events = new Deframer(file.payloadLimit).push(Buffer.concat(file.vectors.map((v) => unhex(v.frame))));
    expect(events.map((e) => (e.ok ? hex(e.payload) : e.error.kind))).toEqual(file.vectors.map((v) => v.payload ?? v.frameError));
  });
});
