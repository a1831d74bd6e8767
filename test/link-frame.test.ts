import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32 } from '../src/model/crc32.ts';
import { cobsDecode, cobsEncode } from '../src/link/cobs.ts';
import { Deframer, encodeFrame, maxFrameLength, type FrameEvent } from '../src/link/frame.ts';

const payloads = (events: FrameEvent[]) => events.flatMap((e) => (e.ok ? [e.payload] : []));
const errors = (events: FrameEvent[]) => events.flatMap((e) => (e.ok ? [] : [e.error.kind]));

describe('encodeFrame', () => {
  it('is COBS(payload || CRC-32 little-endian) followed by one 0x00', () => {
    const payload = Uint8Array.from([0x12, 0x00, 0x08, 0x01]);
    const frame = encodeFrame(payload);
    expect(frame[frame.length - 1]).toBe(0);
    expect(frame.subarray(0, -1).includes(0)).toBe(false);
    const body = cobsDecode(frame.subarray(0, -1));
    expect(body.subarray(0, 4)).toEqual(payload);
    expect(new DataView(body.buffer, body.byteOffset).getUint32(4, true)).toBe(crc32(payload));
  });

  it('never exceeds maxFrameLength', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 700 }), (p) => {
      expect(encodeFrame(p).length).toBeLessThanOrEqual(maxFrameLength(p.length));
    }));
  });
});

describe('Deframer', () => {
  it('recovers every payload from a stream cut into arbitrary chunks', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
      (list, cuts) => {
        const stream = Buffer.concat(list.map(encodeFrame));
        const d = new Deframer(300);
        const got: FrameEvent[] = [];
        for (let at = 0, k = 0; at < stream.length; k++) {
          const n = cuts[k % cuts.length]!;
          got.push(...d.push(stream.subarray(at, at + n)));
          at += n;
        }
        expect(errors(got)).toEqual([]);
        expect(payloads(got)).toEqual(list);
        expect(d.pending).toBe(0);
      }), { numRuns: 300 });
  });

  it('ignores empty frames (idle fill) and accepts an empty payload', () => {
    const d = new Deframer(16);
    const got = d.push(Buffer.concat([Uint8Array.of(0, 0), encodeFrame(new Uint8Array()), Uint8Array.of(0)]));
    expect(got).toEqual([{ ok: true, payload: new Uint8Array() }]);
  });

  it('reports a bad CRC, bad COBS and a short frame, then resynchronises', () => {
    const good = encodeFrame(Uint8Array.of(1, 2, 3));
    const badCrc = encodeFrame(Uint8Array.of(1, 2, 3));
    badCrc[2] ^= 0x40;
    const badCobs = Uint8Array.of(0x09, 0x11, 0x22, 0x00); // code points past the end
    const short = Uint8Array.of(...cobsEncode(Uint8Array.of(1, 2, 3)), 0);
    const d = new Deframer(16);
    const got = d.push(Buffer.concat([badCrc, good, badCobs, good, short, good]));
    expect(got.map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['crc', 'ok', 'cobs', 'ok', 'short', 'ok']);
  });

  it('reports a too-long frame once, discards the rest of it, and keeps the next one', () => {
    const d = new Deframer(8);
    const long = encodeFrame(new Uint8Array(9).fill(7));
    const good = encodeFrame(new Uint8Array(8).fill(5));
    const garbage = new Uint8Array(1000).fill(0x55);
    const got = d.push(Buffer.concat([long, garbage, Uint8Array.of(0), good]));
    expect(errors(got)).toEqual(['too-long', 'too-long']);
    expect(payloads(got)).toEqual([new Uint8Array(8).fill(5)]);
  });

  it('recovers after random garbage before a delimiter', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 64 }), (garbage, payload) => {
      const d = new Deframer(256);
      const got = d.push(Buffer.concat([garbage, Uint8Array.of(0), encodeFrame(payload)]));
      const ok = payloads(got);
      expect(ok[ok.length - 1]).toEqual(payload);
    }));
  });

  it('never accepts a corrupted frame: bit flips yield the original payload or nothing', () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ minLength: 0, maxLength: 120 }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
      (list, flips) => {
        const stream = Buffer.concat(list.map(encodeFrame));
        for (const f of flips) stream[Math.floor(f / 8) % stream.length]! ^= 1 << (f % 8);
        const got = payloads(new Deframer(120).push(stream));
        // Every accepted payload must be one that was sent, in order (a subsequence).
        let j = 0;
        for (const p of got) {
          while (j < list.length && Buffer.compare(Buffer.from(list[j]!), Buffer.from(p)) !== 0) j++;
          expect(j).toBeLessThan(list.length);
          j++;
        }
      }), { numRuns: 2000 });
  });
});
