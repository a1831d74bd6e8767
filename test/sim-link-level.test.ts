// The simulator's two links give the same replies: the default byte link (whole bytes into the
// design's byte port, up to one a cycle, held back by frame_rx's ready) and the bit-level link
// (the UART pins, 80 cycles a byte). Two simulators get the same bytes, written in one go, and
// must answer alike, reply for reply (only Counters' cycle count may differ: the byte link takes
// fewer cycles). The bursts (frames back to back, a program load and its candidates in one write)
// are ones the UART takes without overrun but a link feeding a byte a cycle without flow control
// would not: the byte link's simulator reports cycles it held the host back (`heldCycles`),
// which is where such a link would have overrun.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHost, ErrorCode, type DeviceMessage, type HostMessage } from '../src/link/codec.ts';
import { cobsEncode } from '../src/link/cobs.ts';
import { encodeFrame } from '../src/link/frame.ts';
import { startSimulator, type LinkLevel, type RunningSimulator } from '../src/link/simulator.ts';
import { programImage } from '../src/link/validator-client.ts';
import { compile } from '../src/model/compile.ts';
import { crc32 } from '../src/model/crc32.ts';
import type { Model } from '../src/model/types.ts';
import { RawDevice } from './helpers/raw-device.ts';
import { bytes } from './helpers/test-bytes.ts';

const MAX_PAYLOAD = 512;
const FRAME_OVERRUN = 5; // Error.arg of ERROR_FRAME
const CHUNK = 150; // program bytes per ProgramChunk (at most MAX_PAYLOAD - 24)

interface Link { level: LinkLevel; sim: RunningSimulator; dev: RawDevice }
const links: Link[] = [];
let probeSeq = 0x7000_0000;

beforeAll(async () => {
  for (const level of ['byte', 'bit'] as const) {
    const sim = await startSimulator({ linkLevel: level });
    links.push({ level, sim, dev: await RawDevice.open(sim.path) });
  }
});

afterAll(async () => {
  for (const l of links) {
    await l.dev.close();
    await l.sim.stop();
  }
});

const frames = (msgs: HostMessage[]): number[] => msgs.flatMap((m) => [...encodeFrame(encodeHost(m))]);

/** The cycle count is the one field of a Counters that depends on the link's speed, when nothing else is in flight. */
function normalise(m: DeviceMessage): DeviceMessage {
  return m.kind === 'counters' ? { ...m, cyclesLo: 0, cyclesHi: 0 } : m;
}

/**
 * A Counters inside a burst reports the counters live, when it is decoded: the frames behind it
 * have got further on the byte link by then, so only its seq is compared.
 */
function inBurst(m: DeviceMessage): DeviceMessage | { kind: 'counters'; seq: number } {
  return m.kind === 'counters' ? { kind: 'counters', seq: m.seq } : withoutRate(m);
}

/** The link speed fields differ by design: the byte link has no rate (min_divider and divider 0). */
function withoutRate(m: DeviceMessage): DeviceMessage {
  return m.kind === 'hello' ? { ...m, minDivider: 0, divider: 0 } : m;
}

/**
 * Write `wire` to both devices at once, then an Echo probe; read each device's `expected` replies
 * and the probe's (which the link answers itself, so it may overtake the engine's verdicts on the
 * faster link) and compare them. Returns the replies and the cycles the byte link held the host
 * back.
 */
async function both(wire: number[], expected: number): Promise<{ replies: DeviceMessage[]; held: number }> {
  const probe = probeSeq++;
  const all = [...wire, ...frames([{ kind: 'echo', seq: probe, data: Uint8Array.of(1, 2, 3) }])];
  const heldBefore = (await links[0]!.sim.stats()).heldCycles;
  const results = await Promise.all(links.map(async ({ dev }) => {
    dev.writeRaw(all);
    const replies: DeviceMessage[] = [];
    let probed = false;
    while (!probed || replies.length < expected) {
      const reply = await dev.next(20_000);
      if (reply.kind === 'echo' && reply.seq === probe) probed = true;
      else replies.push(reply);
    }
    return replies;
  }));
  const held = (await links[0]!.sim.stats()).heldCycles - heldBefore;
  expect(results[0]!.map(inBurst), 'byte link replies = bit link replies').toEqual(results[1]!.map(inBurst));
  // The premise: the UART takes these bursts without overrun (so neither link overran).
  for (const r of results[1]!) expect(r).not.toEqual({ kind: 'error', seq: 0, code: ErrorCode.FRAME, arg: FRAME_OVERRUN });
  // Then, with nothing in flight, no further reply and the same counts: nothing dropped, nothing
  // counted twice.
  const counters = await Promise.all(links.map(({ dev }) => dev.request({ kind: 'counters', seq: 1 })));
  for (const c of counters) expect(c).toMatchObject({ kind: 'counters', seq: 1 });
  expect(normalise(counters[0]!), 'Counters after the burst').toEqual(normalise(counters[1]!));
  return { replies: results[0]!, held };
}

function withCrc(payload: Uint8Array, crc = crc32(payload)): Uint8Array {
  const body = new Uint8Array(payload.length + 4);
  body.set(payload);
  new DataView(body.buffer).setUint32(payload.length, crc, true);
  return body;
}

/** A CNF-like model: 48 variables of 4 values, 160 pseudo-random comparisons. */
function bigModel(): Model {
  const rnd = bytes(3 * 160, 99);
  const ops = ['!=', '<', '<=', '=', '>', '>='] as const;
  return {
    format: 'json',
    variables: Array.from({ length: 48 }, (_, i) => ({ name: `x${i}`, min: 0, size: 4, allowed: [true, true, true, true], kind: 'int' as const })),
    constraints: Array.from({ length: 160 }, (_, i) => {
      const x = rnd[3 * i]! % 48;
      const y = (x + 1 + (rnd[3 * i + 1]! % 47)) % 48;
      return { type: 'compare' as const, x, op: ops[rnd[3 * i + 2]! % ops.length]!, y, c: 0 };
    }),
    meta: {},
  };
}

describe('byte link and bit link answer alike', () => {
  it('runs one simulator of each level', () => {
    expect(links.map((l) => l.level)).toEqual(['byte', 'bit']);
  });

  it('for link requests of every shape, one at a time', async () => {
    const msgs: HostMessage[] = [
      { kind: 'hello', seq: 7, protocolVersion: 3 },
      { kind: 'echo', seq: 1, data: new Uint8Array(0) },
      { kind: 'echo', seq: 2, data: Uint8Array.from([0, 0, 0]) },
      { kind: 'echo', seq: 3, data: new Uint8Array(254).fill(0x11) },
      { kind: 'echo', seq: 4, data: bytes(MAX_PAYLOAD - 12, 4) },
      { kind: 'counters', seq: 5 },
    ];
    for (const m of msgs) {
      const { replies } = await both(frames([m]), 1);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatchObject({ kind: m.kind, seq: m.seq });
    }
  });

  it('for requests back to back, which a byte a cycle would overrun', async () => {
    const msgs: HostMessage[] = [];
    for (let seq = 100; seq < 116; seq++) msgs.push({ kind: 'echo', seq, data: bytes(4 * (seq - 95), seq) });
    msgs.push({ kind: 'hello', seq: 116, protocolVersion: 3 }, { kind: 'counters', seq: 117 });
    const { replies, held } = await both(frames(msgs), msgs.length);
    expect(replies.map((r) => r.seq)).toEqual(msgs.map((m) => m.seq));
    expect(held).toBeGreaterThan(0);
  });

  it('for bad frames back to back', async () => {
    const hello = withCrc(encodeHost({ kind: 'hello', seq: 1, protocolVersion: 3 }));
    const flipped = [...cobsEncode(hello), 0];
    flipped[3]! ^= 0x04;
    const wire = [
      ...cobsEncode(withCrc(Uint8Array.from([1, 2, 3]), 0x12345678)), 0, // bad CRC
      0x05, 0x01, 0x00, // bad COBS
      0x03, 0x01, 0x02, 0x00, // short
      0, 0, 0, // idle fill
      ...encodeFrame(new Uint8Array(MAX_PAYLOAD + 1).fill(1)), // too long
      ...flipped,
      ...[...bytes(700, 77)].map((b) => b || 1), 0, // garbage, then resynchronised
      ...frames([{ kind: 'echo', seq: 30, data: Uint8Array.from([30]) }]),
      ...encodeFrame(Uint8Array.from([0x0f])), // malformed payload
      ...frames([{ kind: 'hello', seq: 31, protocolVersion: 3 }]),
    ];
    const { replies } = await both(wire, 9);
    expect(replies.map((r) => r.kind === 'error' ? `error ${r.code}/${r.arg}` : r.kind)).toEqual([
      `error ${ErrorCode.CRC}/0`, `error ${ErrorCode.FRAME}/1`, `error ${ErrorCode.FRAME}/4`, `error ${ErrorCode.FRAME}/2`,
      `error ${ErrorCode.CRC}/0`, expect.stringMatching(/^error /), 'echo', `error ${ErrorCode.DECODE}/0`, 'hello',
    ]);
  });

  it('for a program load and its candidates written in one go', async () => {
    const program = compile(bigModel());
    const image = programImage(program);
    expect(image.words.length).toBeGreaterThan(3 * CHUNK);
    let seq = 200;
    const msgs: HostMessage[] = [
      { kind: 'reset', seq: seq++ },
      { kind: 'programBegin', seq: seq++, programId: 9, numVars: program.numVars, numWords: program.words.length,
        numConstraints: program.modelConstraints + program.domainChecks.length },
      { kind: 'programChunk', seq: seq++, chunkKind: 0, offset: 0, data: image.widths },
    ];
    for (let offset = 0; offset < image.words.length; offset += CHUNK) {
      msgs.push({ kind: 'programChunk', seq: seq++, chunkKind: 1, offset, data: image.words.subarray(offset, offset + CHUNK) });
    }
    msgs.push({ kind: 'programEnd', seq: seq++, crc: image.crc });
    // As many candidates as the window allows, back to back.
    for (let i = 0; i < 4; i++) msgs.push({ kind: 'candidate', seq: seq++, programId: 9, values: bytes(program.candidateBytes, 50 + i) });
    const { replies, held } = await both(frames(msgs), msgs.length);
    expect(replies.map((r) => [r.kind, r.seq])).toEqual(msgs.map((m) => [m.kind === 'candidate' ? 'verdict' : 'ack', m.seq]));
    expect(held).toBeGreaterThan(0);
  });
});
