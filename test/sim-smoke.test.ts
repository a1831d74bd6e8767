// The simulated device through its real serial path: the Verilator model of hilsolve_top on a
// pseudo-terminal, opened with serialport. Covers the link layer in RTL: handshake, echo,
// counters, every kind of bad frame and malformed payload, resynchronisation, requests handed
// to the constraint engine, and closing and reopening the port, on the simulator's default byte
// link; then, on the bit-level (UART) link, what only a UART does: overruns of a fast burst and
// framing errors. test/sim-link-level.test.ts compares the two links reply for reply.

import { lstatSync, readlinkSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, DEFAULT_CLKS_PER_BIT, type RunningSimulator } from '../src/link/simulator.ts';
import { encodeHost, ErrorCode, Limit, type DeviceMessage, type DeviceOf } from '../src/link/codec.ts';
import { crc32 } from '../src/model/crc32.ts';
import { cobsEncode } from '../src/link/cobs.ts';
import { RawDevice } from './helpers/raw-device.ts';
import { bytes } from './helpers/test-bytes.ts';

const MAX_PAYLOAD = 512;
// Error.arg values of ERROR_FRAME (hdl/README.md).
const FRAME_COBS = 1;
const FRAME_LONG = 2;
const FRAME_UART = 3;
const FRAME_SHORT = 4;
const FRAME_OVERRUN = 5;

function varint(n: bigint | number): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? b | 0x80 : b);
  } while (v > 0n);
  return out;
}

const key = (field: number, wireType: number): number[] => varint((field << 3) | wireType);

/** A length-delimited field. */
function lenField(field: number, body: number[]): number[] {
  return [...key(field, 2), ...varint(body.length), ...body];
}

/** A frame around `body` (COBS of body || CRC, then 0x00), for hand-made bodies. */
function frameOf(body: Uint8Array): Uint8Array {
  return Uint8Array.from([...cobsEncode(body), 0]);
}

function withCrc(payload: Uint8Array, crc = crc32(payload)): Uint8Array {
  const body = new Uint8Array(payload.length + 4);
  body.set(payload);
  new DataView(body.buffer).setUint32(payload.length, crc, true);
  return body;
}

function expectKind<K extends DeviceMessage['kind']>(msg: DeviceMessage, kind: K): DeviceOf<K> {
  expect(msg.kind).toBe(kind);
  return msg as DeviceOf<K>;
}

function expectError(msg: DeviceMessage, code: number, seq = 0, arg = 0): void {
  expect(msg).toEqual({ kind: 'error', seq, code, arg });
}

/** Echo data whose request with `seq` is exactly `size` bytes of payload. */
function echoDataForPayload(size: number, seq: number): Uint8Array {
  for (let n = size; n >= 0; n--) {
    const data = new Uint8Array(n).fill(0x5a);
    if (encodeHost({ kind: 'echo', seq, data }).length === size) return data;
  }
  throw new Error(`no echo of ${size} bytes`);
}

describe('simulated device on a pseudo-terminal', () => {
  let sim: RunningSimulator;
  let dev: RawDevice;
  const linkDir = mkdtempSync(join(tmpdir(), 'hilsolve-sim-'));
  const link = join(linkDir, 'device');

  beforeAll(async () => {
    sim = await startSimulator({ link });
    dev = await RawDevice.open(sim.path);
  });

  afterAll(async () => {
    await dev?.close();
    await sim?.stop();
  });

  it('serves on a pseudo-terminal and links it where asked', () => {
    expect(sim.path).toMatch(/^\/dev\/pts\/\d+$/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(sim.path);
  });

  it('answers Hello with its identity and capacities', async () => {
    const reply = expectKind(await dev.request({ kind: 'hello', seq: 7, protocolVersion: 3 }), 'hello');
    expect(reply.seq).toBe(7);
    expect(reply.protocolVersion).toBe(3);
    expect(new TextDecoder().decode(reply.deviceId)).toBe('hilsolve-sim');
    expect(reply.maxPayload).toBe(MAX_PAYLOAD);
    expect(reply.window).toBe(4);
    expect(reply.clockHz).toBe(12_000_000);
    expect(reply.baud).toBe(12_000_000 / DEFAULT_CLKS_PER_BIT);
    // The constraint engine's capacities (hdl/README.md, "Constraint engine").
    expect(reply.maxWords).toBe(1 << 20);
    // Device search (docs/search.md): [chains, max_vars, max_values, max_clauses, max_literals].
    expect((reply as { search?: number[] }).search).toEqual([1, 16384, 65536, 1 << 20, 1 << 21, 0]);
  });

  it('answers a Hello of another protocol version with its own version', async () => {
    const reply = expectKind(await dev.request({ kind: 'hello', seq: 8, protocolVersion: 99 }), 'hello');
    expect(reply.seq).toBe(8);
    expect(reply.protocolVersion).toBe(3);
  });

  it('echoes data of every shape back unchanged', async () => {
    const cases: [number, Uint8Array][] = [
      [1, new Uint8Array(0)],
      [2, Uint8Array.from([0, 0, 0])],
      [3, Uint8Array.from([0, 1, 2, 0, 255])],
      [4, new Uint8Array(253).fill(0xff)], // COBS block boundaries around 254 bytes
      [5, new Uint8Array(254).fill(0x11)],
      [6, new Uint8Array(255).fill(0x22)],
      [0xffffffff, bytes(300, 9)],
      [127, bytes(128, 10)],
      [128, echoDataForPayload(MAX_PAYLOAD, 128)],
    ];
    for (const [seq, data] of cases) {
      const msg = await dev.request({ kind: 'echo', seq, data });
      expect(msg, `echo seq ${seq} of ${data.length} bytes`).toMatchObject({ kind: 'echo' });
      const reply = msg as DeviceOf<'echo'>;
      expect(reply.seq).toBe(seq);
      expect(Buffer.from(reply.data).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('answers requests sent back to back, in order', async () => {
    for (let seq = 100; seq < 110; seq++) dev.send({ kind: 'echo', seq, data: bytes(seq - 90, seq) });
    for (let seq = 100; seq < 110; seq++) {
      const reply = expectKind(await dev.next(), 'echo');
      expect(reply.seq).toBe(seq);
      expect(Buffer.from(reply.data).equals(Buffer.from(bytes(seq - 90, seq)))).toBe(true);
    }
  });

  it('answers a burst beyond its buffers in order: the byte link holds the host back, no overruns', async () => {
    // On the UART the later ones overrun (below); the byte link waits for a free receive slot.
    for (let seq = 200; seq < 230; seq++) dev.send({ kind: 'hello', seq, protocolVersion: 3 });
    for (let seq = 200; seq < 230; seq++) {
      const hello = expectKind(await dev.next(), 'hello');
      expect(hello.seq).toBe(seq);
      expect(new TextDecoder().decode(hello.deviceId)).toBe('hilsolve-sim');
    }
    expect((await dev.request({ kind: 'echo', seq: 231, data: Uint8Array.from([1]) })).seq).toBe(231);
  });

  it('counts frames, errors and cycles', async () => {
    const before = expectKind(await dev.request({ kind: 'counters', seq: 20 }), 'counters');
    dev.sendPayload(encodeHost({ kind: 'echo', seq: 21, data: Uint8Array.from([1]) }));
    await dev.next();
    dev.writeRaw(frameOf(withCrc(Uint8Array.from([1, 2, 3]), 0x12345678))); // bad CRC
    expectError(await dev.next(), ErrorCode.CRC);
    dev.writeRaw([0x05, 0x01, 0x00]); // block runs past the delimiter
    expectError(await dev.next(), ErrorCode.FRAME, 0, FRAME_COBS);
    dev.sendPayload(Uint8Array.from([0x0f])); // truncated key: malformed
    expectError(await dev.next(), ErrorCode.DECODE);
    const after = expectKind(await dev.request({ kind: 'counters', seq: 22 }), 'counters');
    expect(after.seq).toBe(22);
    expect(after.framesRx - before.framesRx).toBe(3); // echo, malformed, counters
    expect(after.framesTx - before.framesTx).toBe(5);
    expect(after.crcErrors - before.crcErrors).toBe(1);
    expect(after.frameErrors - before.frameErrors).toBe(1);
    expect(after.decodeErrors - before.decodeErrors).toBe(1);
    const cycles = (c: typeof before) => c.cyclesHi * 2 ** 32 + c.cyclesLo;
    // At least the frames in between went by (the byte link takes at most a byte a cycle).
    expect(cycles(after) - cycles(before)).toBeGreaterThan(40);
  });

  it('refuses bad frames with the matching error and stays in step', async () => {
    // Payload one byte over the maximum.
    dev.sendPayload(new Uint8Array(MAX_PAYLOAD + 1).fill(1));
    expectError(await dev.next(), ErrorCode.FRAME, 0, FRAME_LONG);
    // Fewer bytes than a CRC.
    dev.writeRaw([0x03, 0x01, 0x02, 0x00]);
    expectError(await dev.next(), ErrorCode.FRAME, 0, FRAME_SHORT);
    // One flipped bit in a good frame.
    const frame = frameOf(withCrc(encodeHost({ kind: 'hello', seq: 1, protocolVersion: 3 })));
    frame[3]! ^= 0x04;
    dev.writeRaw(frame);
    expectError(await dev.next(), ErrorCode.CRC);
    // Empty frames are idle fill: no answer. The echo after them is answered.
    dev.writeRaw([0, 0, 0]);
    const reply = expectKind(await dev.request({ kind: 'echo', seq: 30, data: Uint8Array.from([30]) }), 'echo');
    expect(reply.seq).toBe(30);
  });

  it('resynchronises on the next 0x00 after garbage', async () => {
    // Random garbage without zeros, then a delimiter: exactly one bad frame.
    dev.writeRaw([...bytes(700, 77)].map((b) => b || 1));
    dev.writeRaw([0]);
    const bad = await dev.next();
    expect(bad.kind).toBe('error');
    const reply = expectKind(await dev.request({ kind: 'hello', seq: 31, protocolVersion: 3 }), 'hello');
    expect(reply.seq).toBe(31);
    // Garbage with zeros in it: whatever it yields, the device answers the next request.
    dev.writeRaw(bytes(200, 78));
    dev.writeRaw([0]);
    dev.send({ kind: 'echo', seq: 32, data: Uint8Array.from([32]) });
    for (;;) {
      const msg = await dev.next();
      if (msg.kind === 'error') continue;
      expect(expectKind(msg, 'echo').seq).toBe(32);
      break;
    }
  });

  it('decodes protobuf as proto3 does: any order, unknown fields, over-long varints', async () => {
    const data = [0xde, 0xad];
    // Echo with data before seq, unknown fields of wire types 0, 1, 2 and 5 inside the body and
    // outside it, and seq as a 10-byte varint of 2^64 - 1 + 2^32... taken mod 2^32.
    const longSeq = [0x85, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]; // 5 + 2^63
    const body = [
      ...lenField(2, data),
      ...key(9, 0), ...varint(300),
      ...key(10, 1), 1, 2, 3, 4, 5, 6, 7, 8,
      ...lenField(11, [1, 2, 3]),
      ...key(12, 5), 9, 9, 9, 9,
      ...key(1, 0), ...longSeq,
    ];
    const payload = [...key(17, 0), 1, ...lenField(2, body), ...lenField(100, [7, 7])];  // 16 is SetBaud
    dev.sendPayload(Uint8Array.from(payload));
    const reply = expectKind(await dev.next(), 'echo');
    expect(reply.seq).toBe(5);
    expect([...reply.data]).toEqual(data);
    // The last of two values of a field wins; absent fields are zero.
    dev.sendPayload(Uint8Array.from(lenField(3, [...key(1, 0), 40, ...key(1, 0), 41])));
    expect(expectKind(await dev.next(), 'counters').seq).toBe(41);
    dev.sendPayload(Uint8Array.from(lenField(1, [])));
    const hello = expectKind(await dev.next(), 'hello');
    expect(hello.seq).toBe(0);
  });

  it('answers malformed payloads with ERROR_DECODE and unknown ones with ERROR_UNKNOWN_MESSAGE', async () => {
    const malformed: number[][] = [
      [0x12, 0x05, 0x08, 0x01], // body longer than the payload
      [...lenField(2, [...key(1, 0), 0x80])], // varint cut short by the end of the body
      [...lenField(2, [...key(1, 0), ...new Array(10).fill(0x80), 0x01])], // 11-byte varint
      [...lenField(2, [...key(1, 3)])], // wire type 3 (group)
      [...lenField(2, [...key(1, 7)])], // wire type 7
      [...key(2, 0), 1], // body member with the wrong wire type
      [...lenField(2, [...key(2, 0), 1])], // Echo.data as a varint
      [...lenField(2, [...key(0, 0), 1])], // field number 0
      [...lenField(2, [...key(5, 1), 1, 2, 3])], // fixed64 cut short
    ];
    for (const p of malformed) {
      dev.sendPayload(Uint8Array.from(p));
      const reply = await dev.next();
      expect(reply, JSON.stringify(p)).toMatchObject({ kind: 'error', code: ErrorCode.DECODE });
    }
    // The seq read before the fault is reported.
    dev.sendPayload(Uint8Array.from(lenField(2, [...key(1, 0), 42, ...key(2, 0), 1])));
    expectError(await dev.next(), ErrorCode.DECODE, 42);
    for (const p of [[], [...lenField(17, [8, 1])], [...key(20, 0), 1]]) {  // 16 is SetBaud
      dev.sendPayload(Uint8Array.from(p));
      expectError(await dev.next(), ErrorCode.UNKNOWN_MESSAGE);
    }
  });

  it('hands program and candidate messages to the engine, which answers them', async () => {
    expectError(await dev.request({ kind: 'candidate', seq: 50, programId: 1, values: Uint8Array.from([1]) }), ErrorCode.NO_PROGRAM, 50);
    expectError(
      await dev.request({ kind: 'programBegin', seq: 51, programId: 1, numVars: 2, numWords: (1 << 20) + 1, numConstraints: 1 }),
      ErrorCode.CAPACITY, 51, Limit.WORDS,
    );
    expectError(await dev.request({ kind: 'programChunk', seq: 52, chunkKind: 1, offset: 0, data: bytes(16, 5) }), ErrorCode.PROGRAM_STATE, 52);
    expectError(await dev.request({ kind: 'programEnd', seq: 53, crc: 0xdeadbeef }), ErrorCode.PROGRAM_STATE, 53);
    expect(await dev.request({ kind: 'reset', seq: 54 })).toEqual({ kind: 'ack', seq: 54 });
  });

  it('keeps serving when the port is closed and opened again', async () => {
    for (let round = 0; round < 3; round++) {
      await dev.close();
      dev = await RawDevice.open(sim.path);
      const reply = expectKind(await dev.request({ kind: 'echo', seq: 60 + round, data: bytes(20, round) }), 'echo');
      expect(reply.seq).toBe(60 + round);
    }
  });

  it('stops cleanly, removing its link', async () => {
    await dev.close();
    await sim.stop();
    expect(() => process.kill(sim.pid, 0)).toThrow();
    expect(existsSync(link)).toBe(false);
    await sim.stop(); // idempotent
  });
});

describe('simulated device on the bit-level (UART) link', () => {
  let sim: RunningSimulator;
  let dev: RawDevice;

  beforeAll(async () => {
    sim = await startSimulator({ linkLevel: 'bit' });
    dev = await RawDevice.open(sim.path);
  });

  afterAll(async () => {
    await dev?.close();
    await sim?.stop();
  });

  it('answers a burst beyond its buffers with overrun errors, never with wrong answers', async () => {
    // A Hello of 10 bytes on the wire gets a reply of about 60: the requests outrun the replies.
    for (let seq = 200; seq < 230; seq++) dev.send({ kind: 'hello', seq, protocolVersion: 3 });
    const replies: DeviceMessage[] = [];
    for (;;) {
      try {
        replies.push(await dev.next(1500));
      } catch {
        break;
      }
    }
    let lastSeq = 0;
    let overruns = 0;
    for (const r of replies) {
      if (r.kind === 'error') {
        expect(r).toEqual({ kind: 'error', seq: 0, code: ErrorCode.FRAME, arg: FRAME_OVERRUN });
        overruns++;
        continue;
      }
      const hello = expectKind(r, 'hello');
      expect(hello.seq).toBeGreaterThan(lastSeq);
      lastSeq = hello.seq;
      expect(new TextDecoder().decode(hello.deviceId)).toBe('hilsolve-sim');
    }
    // The receive and transmit slots take the first few; later ones overrun.
    expect(replies.length - overruns).toBeGreaterThanOrEqual(4);
    expect(overruns).toBeGreaterThan(0);
    expect((await dev.request({ kind: 'echo', seq: 231, data: Uint8Array.from([1]) })).seq).toBe(231);
  });

  it('counts the cycles of the bits on the line', async () => {
    const cycles = (c: DeviceOf<'counters'>) => c.cyclesHi * 2 ** 32 + c.cyclesLo;
    const before = expectKind(await dev.request({ kind: 'counters', seq: 240 }), 'counters');
    expectKind(await dev.request({ kind: 'echo', seq: 241, data: new Uint8Array(40).fill(7) }), 'echo');
    const after = expectKind(await dev.request({ kind: 'counters', seq: 242 }), 'counters');
    // Request and reply of the echo and the second request, 10 bits a byte.
    expect(cycles(after) - cycles(before)).toBeGreaterThan(100 * 10 * DEFAULT_CLKS_PER_BIT);
  });
});

describe('simulated device after a UART framing error', () => {
  it('refuses a bad stop bit on the byte link', async () => {
    await expect(startSimulator({ badStopBit: 4 })).rejects.toThrow(/bit-level/);
  });

  it('reports the damaged frame and answers the next one', async () => {
    // The 4th byte on the line gets a low stop bit; the receiver loses step until the line idles.
    const sim = await startSimulator({ linkLevel: 'bit', badStopBit: 4 });
    const dev = await RawDevice.open(sim.path);
    try {
      dev.send({ kind: 'echo', seq: 1, data: bytes(40, 1) });
      await new Promise((r) => setTimeout(r, 200));
      dev.writeRaw([0]);
      dev.send({ kind: 'hello', seq: 2, protocolVersion: 3 });
      expectError(await dev.next(), ErrorCode.FRAME, 0, FRAME_UART);
      let reply = await dev.next();
      while (reply.kind === 'error') reply = await dev.next(); // garbage while out of step
      expect(expectKind(reply, 'hello').seq).toBe(2);
      const counters = expectKind(await dev.request({ kind: 'counters', seq: 3 }), 'counters');
      expect(counters.frameErrors).toBeGreaterThanOrEqual(1);
    } finally {
      await dev.close();
      await sim.stop();
    }
  });
});

