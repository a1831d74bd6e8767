// The candidate window on the simulated device (Verilator model on its pseudo-terminal, raw
// frames, no session): a Candidate that finds `window` candidates in flight is answered with
// ERROR_WINDOW (its own seq, arg = window) and the candidates in flight are not disturbed.
//
// A candidate is in flight on the device from the moment the engine accepts it until its
// Verdict frame has left the transmitter. On an idle link a small program answers each
// candidate long before the next one has arrived, so these tests first send a long Echo (and a
// little idle fill): its reply occupies the transmitter while the candidates behind it arrive,
// and their verdicts wait in the device. The device holds `window` candidates that way (two in the engine's slots, two
// verdicts in the transmit buffer); the next one is refused, and any after it find both receive
// slots taken and get the overrun error (ERROR_FRAME, arg 5, seq 0).
//
// All of this is UART timing (a transmitter busy for 80 cycles a byte, frames arriving faster
// than they are handled), so the simulator runs its bit-level link; the default byte link holds
// the host back instead of overrunning (test/sim-link-level.test.ts).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareProgram } from '../src/check/program-checker.ts';
import { encodeHost, ErrorCode, type DeviceMessage, type DeviceOf, type HostMessage } from '../src/link/codec.ts';
import { encodeFrame } from '../src/link/frame.ts';
import { startSimulator, type RunningSimulator } from '../src/link/simulator.ts';
import { programImage } from '../src/link/validator-client.ts';
import { compile } from '../src/model/compile.ts';
import { crc32 } from '../src/model/crc32.ts';
import type { Program } from '../src/model/program.ts';
import type { Model } from '../src/model/types.ts';
import { RawDevice } from './helpers/raw-device.ts';

const FRAME_OVERRUN = 5; // Error.arg of ERROR_FRAME: both receive slots were busy
/** Echo data whose reply keeps the transmitter busy while a dozen candidate frames arrive. */
const LONG_ECHO = 440;
/**
 * Idle fill (empty frames) after the long Echo: the encoder reads the echoed bytes from the
 * receive slot for a while, and a candidate that began meanwhile could find both slots taken.
 */
const IDLE = new Array<number>(40).fill(0);

/** A long Echo then idle fill, in bytes on the wire. */
function longEcho(echoSeq: number): number[] {
  return [...encodeFrame(encodeHost({ kind: 'echo', seq: echoSeq, data: new Uint8Array(LONG_ECHO).fill(0x33) })), ...IDLE];
}

let sim: RunningSimulator;
let dev: RawDevice;
let window = 0;
let seq = 1000;

beforeAll(async () => {
  sim = await startSimulator({ linkLevel: 'bit' });
  dev = await RawDevice.open(sim.path);
  dev.writeRaw([0]);
  const hello = await dev.request({ kind: 'hello', seq: seq++, protocolVersion: 3 });
  expect(hello.kind).toBe('hello');
  window = (hello as DeviceOf<'hello'>).window;
  expect(await dev.request({ kind: 'reset', seq: seq++ })).toMatchObject({ kind: 'ack' });
});

afterAll(async () => {
  await dev?.close();
  await sim?.stop();
});

const model: Model = {
  format: 'json',
  variables: Array.from({ length: 3 }, (_, i) => ({ name: `x${i}`, min: 0, size: 4, allowed: [true, true, true, true], kind: 'int' as const })),
  constraints: [
    { type: 'compare', x: 0, op: '!=', y: 1, c: 0 },
    { type: 'compare', x: 1, op: '!=', y: 2, c: 0 },
    { type: 'compare', x: 0, op: '<', y: 2, c: 0 },
  ],
  meta: {},
};
const program: Program = compile(model);
const checker = prepareProgram(program);

async function expectReply<K extends DeviceMessage['kind']>(msg: HostMessage, kind: K): Promise<DeviceOf<K>> {
  const reply = await dev.request(msg);
  expect(reply).toMatchObject({ kind, seq: msg.seq });
  return reply as DeviceOf<K>;
}

async function load(programId: number): Promise<void> {
  const image = programImage(program);
  await expectReply({ kind: 'programBegin', seq: seq++, programId, numVars: program.numVars, numWords: program.words.length,
    numConstraints: program.modelConstraints + program.domainChecks.length }, 'ack');
  await expectReply({ kind: 'programChunk', seq: seq++, chunkKind: 0, offset: 0, data: image.widths }, 'ack');
  await expectReply({ kind: 'programChunk', seq: seq++, chunkKind: 1, offset: 0, data: image.words }, 'ack');
  await expectReply({ kind: 'programEnd', seq: seq++, crc: image.crc }, 'ack');
}

/** Candidate values number i: all 64 assignments of the three variables in turn. */
const valuesOf = (i: number): Uint8Array => Uint8Array.of(i & 0x3f, 0).subarray(0, program.candidateBytes);

function expectVerdict(reply: DeviceMessage | undefined, candSeq: number, programId: number, values: Uint8Array): void {
  const want = checker.check(values);
  expect(reply, `reply to candidate ${candSeq}`).toMatchObject({
    kind: 'verdict', seq: candSeq, programId, ok: want.ok, violatedCount: want.count, violated: want.violated.slice(0, 8), digest: crc32(values),
  });
}

interface Sent { seq: number; values: Uint8Array }

/**
 * Write, in one go, a long Echo and then `frames` (candidates and maybe a control request), then
 * read `expected` replies. Returns the echo's seq, the replies by seq and the overrun errors.
 */
async function burst(frames: HostMessage[], expected: number): Promise<{ bySeq: Map<number, DeviceMessage>; overruns: number; order: number[] }> {
  const echoSeq = seq++;
  const bytes = longEcho(echoSeq);
  for (const f of frames) bytes.push(...encodeFrame(encodeHost(f)));
  dev.writeRaw(bytes);
  const bySeq = new Map<number, DeviceMessage>();
  const order: number[] = [];
  let overruns = 0;
  for (let i = 0; i < expected + 1; i++) {
    const reply = await dev.next(10_000);
    if (reply.kind === 'error' && reply.seq === 0) {
      expect(reply).toEqual({ kind: 'error', seq: 0, code: ErrorCode.FRAME, arg: FRAME_OVERRUN });
      overruns++;
      continue;
    }
    expect(bySeq.has(reply.seq), `one reply for seq ${reply.seq}`).toBe(false);
    bySeq.set(reply.seq, reply);
    order.push(reply.seq);
  }
  expect(bySeq.get(echoSeq)).toMatchObject({ kind: 'echo', seq: echoSeq });
  bySeq.delete(echoSeq);
  return { bySeq, overruns, order };
}

function candidates(n: number, programId: number, first = 0): (Sent & HostMessage)[] {
  return Array.from({ length: n }, (_, i) => {
    const values = valuesOf(first + i * 7);
    return { kind: 'candidate' as const, seq: seq++, programId, values };
  });
}

/** Nothing further arrives: an Echo is answered next. */
async function expectQuietThenEcho(): Promise<void> {
  const s = seq++;
  expect(await dev.request({ kind: 'echo', seq: s, data: Uint8Array.of(1, 2, 3) })).toMatchObject({ kind: 'echo', seq: s });
  expect(dev.pending).toBe(0);
}

/** The window scenario: `window` verdicts, then ERROR_WINDOW, then overruns for the rest. */
async function expectWindowRefusal(programId: number, extra: number, first = 0): Promise<void> {
  const cands = candidates(window + extra, programId, first);
  const { bySeq, overruns } = await burst(cands, cands.length);
  cands.slice(0, window).forEach((c) => expectVerdict(bySeq.get(c.seq), c.seq, programId, c.values));
  expect(bySeq.get(cands[window]!.seq)).toEqual({ kind: 'error', seq: cands[window]!.seq, code: ErrorCode.WINDOW, arg: window });
  // Frames after the refused one arrive while both receive slots are still taken.
  expect(overruns).toBe(extra - 1);
  for (const c of cands.slice(window + 1)) expect(bySeq.has(c.seq)).toBe(false);
  await expectQuietThenEcho();
}

describe('candidate window on the simulated device', () => {
  it('advertises a window', () => {
    expect(window).toBe(4);
  });

  it('answers window candidates sent back to back with verdicts and refuses the next one with ERROR_WINDOW', async () => {
    await load(1);
    const cands = candidates(window, 1);
    const { bySeq, overruns } = await burst(cands, cands.length);
    expect(overruns).toBe(0);
    cands.forEach((c) => expectVerdict(bySeq.get(c.seq), c.seq, 1, c.values));

    await expectWindowRefusal(1, 1, 3);
    await expectWindowRefusal(1, 3, 5);
    // The device keeps working: a further candidate is answered.
    const [next] = candidates(1, 1, 11);
    expectVerdict(await dev.request(next!), next!.seq, 1, next!.values);
  });

  it('counts nothing for candidates refused for their program, length or a missing program', async () => {
    await load(2);
    for (let i = 0; i < 3 * window; i++) {
      const s = seq++;
      expect(await dev.request({ kind: 'candidate', seq: s, programId: 3, values: valuesOf(i) }))
        .toEqual({ kind: 'error', seq: s, code: ErrorCode.WRONG_PROGRAM, arg: 2 });
      const t = seq++;
      expect(await dev.request({ kind: 'candidate', seq: t, programId: 2, values: new Uint8Array(program.candidateBytes + 1) }))
        .toEqual({ kind: 'error', seq: t, code: ErrorCode.CANDIDATE_LENGTH, arg: program.candidateBytes });
    }
    await expectWindowRefusal(2, 1, 1);

    await expectReply({ kind: 'reset', seq: seq++ }, 'ack');
    for (let i = 0; i < 3 * window; i++) {
      const s = seq++;
      expect(await dev.request({ kind: 'candidate', seq: s, programId: 2, values: valuesOf(i) }))
        .toEqual({ kind: 'error', seq: s, code: ErrorCode.NO_PROGRAM, arg: 0 });
    }
    await load(3);
    await expectWindowRefusal(3, 1, 2);
  });

  it('counts down to zero when a ProgramBegin drains the candidates in flight', async () => {
    await load(4);
    const cands = candidates(window, 4, 9);
    const begin: HostMessage = { kind: 'programBegin', seq: seq++, programId: 5, numVars: program.numVars, numWords: program.words.length,
      numConstraints: program.modelConstraints + program.domainChecks.length };
    const { bySeq, order } = await burst([...cands, begin], cands.length + 1);
    cands.forEach((c) => expectVerdict(bySeq.get(c.seq), c.seq, 4, c.values));
    expect(bySeq.get(begin.seq)).toEqual({ kind: 'ack', seq: begin.seq });
    expect(order.at(-1)).toBe(begin.seq); // after every verdict
    await load(5);
    await expectWindowRefusal(5, 1, 4);
  });

  it('counts down to zero when a Reset drops the candidates in flight', async () => {
    await load(6);
    const cands = candidates(window, 6, 13);
    const reset: HostMessage = { kind: 'reset', seq: seq++ };
    const echoSeq = seq;
    const bytes = longEcho(seq++);
    for (const f of [...cands, reset]) bytes.push(...encodeFrame(encodeHost(f)));
    dev.writeRaw(bytes);
    // Verdicts already on their way still arrive; the candidates left in the engine are dropped.
    const replies: DeviceMessage[] = [];
    const probe = seq++;
    let probed = false;
    for (;;) {
      const reply = await dev.next(10_000);
      replies.push(reply);
      if (reply.kind === 'ack' && reply.seq === reset.seq) {
        dev.send({ kind: 'echo', seq: probe, data: Uint8Array.of(9) });
        probed = true;
      }
      if (probed && reply.kind === 'echo' && reply.seq === probe) break;
    }
    expect(replies[0]).toMatchObject({ kind: 'echo', seq: echoSeq });
    const verdicts = replies.filter((r) => r.kind === 'verdict');
    expect(verdicts.length).toBeGreaterThanOrEqual(2);
    expect(verdicts.length).toBeLessThan(window);
    for (const v of verdicts) {
      const c = cands.find((x) => x.seq === v.seq)!;
      expectVerdict(v, c.seq, 6, c.values);
    }
    await load(7);
    await expectWindowRefusal(7, 1, 6);
    await expectQuietThenEcho();
  });
});
