// Host API of the device's constraint validator (hdl/rtl/validator_core.v) on a DeviceSession:
//   const v = new ValidatorClient(session);
//   await v.loadProgram(program, programId)   begin, widths and words in chunks sized to the
//                                             device's max payload, end with the CRC; a program
//                                             over a device limit is refused before anything is
//                                             sent (ProgramCapacityError), a device refusal
//                                             becomes ProgramLoadError naming the word/variable;
//                                             a chunk whose reply was lost is sent again at the
//                                             same offset (the device drops the bytes it has and
//                                             takes the rest: chunks may overlap, never leave a gap);
//                                             the whole load starts again from the begin only when
//                                             the device refuses it as out of step or damaged
//                                             (LOAD_ATTEMPTS starts); v.lastLoad counts what it took
//   for await (const v of client.validate(candidates)) ...
//                                             packed candidates (Iterable or AsyncIterable), the
//                                             device's window kept full, verdicts in order; the
//                                             session checks that each verdict echoes the program
//                                             and the digest of the candidate sent with its seq
// The wire format of a load is in proto/link.proto, the words in docs/validator-program.md.

import { crc32 } from '../model/crc32.ts';
import { encodeProgramWords } from '../model/isa.ts';
import { constraintCount, type Program } from '../model/program.ts';
import { ChunkKind, ErrorCode, Limit, limitName, type DeviceOf } from './codec.ts';
import { DeviceError, DeviceTimeoutError, LinkError } from './errors.ts';
import { emptyLoadStats, type LoadStats } from './load-stats.ts';
import { DeviceSession, type DeviceInfo, type SessionOptions } from './session.ts';

/** What a program load sends: the width table, the word bytes and the CRC over both. */
export interface ProgramImage {
  /** 4 bits per variable, two per byte, low nibble first. */
  widths: Uint8Array;
  /** The words in their wire encoding (docs/validator-program.md, "Wire encoding"). */
  words: Uint8Array;
  /** CRC-32 of widths followed by the encoded words, the bytes as sent: ProgramEnd.crc. */
  crc: number;
}

export function programImage(program: Program): ProgramImage {
  const widths = new Uint8Array((program.numVars + 1) >> 1);
  program.widths.forEach((w, i) => { widths[i >> 1]! |= w << ((i & 1) * 4); });
  const words = encodeProgramWords(program.words);
  return { widths, words, crc: crc32(words, crc32(widths)) };
}

/**
 * Bytes of a frame's payload taken by anything but a chunk's data or a candidate's values:
 * the HostMessage key and length, seq, program id or kind and offset, the bytes field's key and
 * length (each varint at most 5 bytes).
 */
export const MESSAGE_OVERHEAD = 24;

export type Verdict = DeviceOf<'verdict'>;

/** Starts of a whole program load (from ProgramBegin) before its last failure is thrown. */
export const LOAD_ATTEMPTS = 3;

/** Sends of one chunk (or of ProgramEnd) in a row without progress before DeviceTimeoutError. */
export const CHUNK_SENDS = 16;

/** Chunks shrink to this many data bytes after a loss, and grow back after clean runs. */
export const MIN_CHUNK_BYTES = 64;
const GROW_AFTER = 8;

/**
 * Chunk sizes for a noisy link: halved after a lost chunk (a shorter frame is less often hit),
 * doubled back after GROW_AFTER chunks in a row got through; always a multiple of `align`.
 */
export class ChunkSizer {
  private size: number;
  private streak = 0;
  constructor(private readonly max: number, private readonly align: number) {
    this.size = max;
  }
  next(remaining: number): number {
    return Math.min(this.size, remaining);
  }
  ok(): void {
    if (++this.streak >= GROW_AFTER) {
      this.streak = 0;
      this.size = Math.min(this.max, this.size * 2);
    }
  }
  lost(): void {
    this.streak = 0;
    const floor = Math.min(this.max, Math.ceil(MIN_CHUNK_BYTES / this.align) * this.align);
    this.size = Math.max(floor, Math.floor(this.size / 2 / this.align) * this.align);
  }
}

/** A program that does not fit the device: `limit` is the Limit of proto/link.proto. */
export class ProgramCapacityError extends LinkError {
  override name = 'ProgramCapacityError';
  constructor(readonly limit: number, readonly needed: number, readonly available: number, what: string) {
    super(`the program needs ${needed} ${what}, the device allows ${available} (${limitName(limit)})`);
  }
}

/** The device refused a program load (code and arg as in the Error message). */
export class ProgramLoadError extends LinkError {
  override name = 'ProgramLoadError';
  constructor(readonly code: number, readonly arg: number, message: string) {
    super(message);
  }
}

/** Limits a program must fit, host side: the same ones the device checks, plus the frame size. */
export function capacityProblem(program: Program, info: DeviceInfo): ProgramCapacityError | null {
  if (!hasValidator(info)) {
    const n = constraintCount(program);
    return n > 0 ? new ProgramCapacityError(Limit.CONSTRAINTS, n, 0, 'constraints (the device has no validator: it proves only what its search tables hold)') : null;
  }
  const checks: [number, number, number, string][] = [
    [Limit.VARS, program.numVars, info.maxVars, 'variables'],
    [Limit.WORDS, program.words.length, info.maxWords, 'program words'],
    [Limit.CONSTRAINTS, constraintCount(program), info.maxConstraints, 'constraints'],
    [Limit.PAYLOAD, program.candidateBytes, info.maxPayload - MESSAGE_OVERHEAD, 'bytes per candidate'],
  ];
  for (const [limit, needed, available, what] of checks) {
    if (needed > available) return new ProgramCapacityError(limit, needed, available, what);
  }
  return null;
}

/**
 * A device without a constraint engine (HelloReply.engines 0: a search-only board build) proves
 * only from its search tables. It takes an empty program (nothing beside the tables to check)
 * without a message, and nothing else.
 */
export function hasValidator(info: Pick<DeviceInfo, 'engines'>): boolean {
  return info.engines !== 0;   // a registry record without the field is an older handshake: it has one
}

export class ValidatorClient {
  private loaded: { programId: number; candidateBytes: number } | null = null;
  /** What the last loadProgram took: starts, chunks sent and re-sent, counter reads. */
  lastLoad: LoadStats = emptyLoadStats();

  constructor(readonly session: DeviceSession) {}

  /** Load `program` under `programId` (1..2^32-1), replacing whatever the device held. */
  async loadProgram(program: Program, programId: number): Promise<void> {
    if (!Number.isInteger(programId) || programId < 1 || programId > 0xffff_ffff) {
      throw new RangeError(`program id ${programId} is not in 1..4294967295`);
    }
    const info = this.session.info;
    const problem = capacityProblem(program, info);
    if (problem) throw problem;
    if (!hasValidator(info)) {
      this.loaded = { programId, candidateBytes: program.candidateBytes };
      this.lastLoad = emptyLoadStats();
      return;
    }
    const image = programImage(program);
    this.loaded = null;
    this.lastLoad = emptyLoadStats();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sendLoad(program, programId, image, info.maxPayload - MESSAGE_OVERHEAD);
        break;
      } catch (err) {
        const outOfStep = err instanceof DeviceTimeoutError
          || (err instanceof DeviceError && (err.code === ErrorCode.PROGRAM_STATE || err.code === ErrorCode.PROGRAM_CRC));
        if (outOfStep && attempt < LOAD_ATTEMPTS) {
          this.lastLoad.restarts.push(err instanceof Error ? err.message : String(err));
          continue;
        }
        throw err instanceof DeviceError ? loadError(err, program) : err;
      }
    }
    this.loaded = { programId, candidateBytes: program.candidateBytes };
  }

  private async sendLoad(program: Program, programId: number, image: ProgramImage, chunk: number): Promise<void> {
    const stats = this.lastLoad;
    stats.starts++;
    // A repeated ProgramBegin starts the load afresh, which is what a retry wants.
    await this.session.request({
      kind: 'programBegin', programId, numVars: program.numVars, numWords: program.words.length,
      numConstraints: constraintCount(program),
    }, { retry: true });
    for (const chunkKind of [ChunkKind.WIDTHS, ChunkKind.WORDS] as const) {
      // Chunks may split a word's encoding anywhere, so any size will do.
      const bytes = chunkKind === ChunkKind.WIDTHS ? image.widths : image.words;
      const sizer = new ChunkSizer(chunk, 1);
      let sends = 0;
      for (let offset = 0; offset < bytes.length;) {
        const n = sizer.next(bytes.length - offset);
        if (sends++ > 0) stats.chunksResent++;
        stats.chunksSent++;
        try {
          await this.session.request({ kind: 'programChunk', chunkKind, offset, data: bytes.subarray(offset, offset + n) }, { fastFail: true });
        } catch (err) {
          if (!(err instanceof DeviceTimeoutError)) throw err;
          // No reply: the device has the chunk or it does not. Sending it again is safe either
          // way: the device drops the bytes of a chunk it already has and takes the rest.
          if (sends >= CHUNK_SENDS) throw new DeviceTimeoutError(`program chunk at byte ${offset}: no reply after ${sends} sends`);
          sizer.lost();
          continue;
        }
        sizer.ok();
        offset += n;
        sends = 0;
      }
    }
    await this.sendEnd(programId, image.crc, program.candidateBytes);
  }

  /**
   * ProgramEnd, and when its reply is lost a candidate to ask whether the program is loaded
   * (a candidate does not disturb a load in progress): a verdict says it is, ERROR_NO_PROGRAM that
   * the end did not arrive, so it is sent again (an end the device refused gets ERROR_PROGRAM_STATE
   * then, and the caller restarts).
   */
  private async sendEnd(programId: number, crc: number, candidateBytes: number): Promise<void> {
    for (let sends = 1; ; sends++) {
      try {
        await this.session.request({ kind: 'programEnd', crc }, { fastFail: true });
        return;
      } catch (err) {
        if (!(err instanceof DeviceTimeoutError)) throw err;
      }
      try {
        await this.session.sendCandidate({ programId, values: new Uint8Array(candidateBytes) });
        return;
      } catch (err) {
        const notLoaded = err instanceof DeviceError && (err.code === ErrorCode.NO_PROGRAM || err.code === ErrorCode.WRONG_PROGRAM);
        if (!notLoaded) throw err;
      }
      if (sends >= CHUNK_SENDS) throw new DeviceTimeoutError(`program end: no reply after ${sends} sends`);
    }
  }

  /**
   * Check packed candidates against the loaded program; yields one verdict per candidate, in
   * order, while up to the device's window of candidates are in flight.
   */
  async *validate(candidates: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Verdict> {
    const loaded = this.loaded;
    if (!loaded) throw new Error('validate: no program loaded (call loadProgram first)');
    const window = Math.max(1, this.session.info.window);
    const inFlight: Promise<Verdict>[] = [];
    try {
      for await (const values of candidates) {
        if (values.length !== loaded.candidateBytes) {
          throw new RangeError(`candidate has ${values.length} bytes, the program takes ${loaded.candidateBytes}`);
        }
        const verdict = this.session.sendCandidate({ programId: loaded.programId, values });
        verdict.catch(() => {}); // awaited in order below; keeps a later failure from going unhandled meanwhile
        inFlight.push(verdict);
        if (inFlight.length >= window) yield await inFlight.shift()!;
      }
      while (inFlight.length > 0) yield await inFlight.shift()!;
    } finally {
      // A consumer that stops early leaves the rest to settle: the window slots free themselves.
      await Promise.allSettled(inFlight);
    }
  }
}

/** A device refusal of a load, with what its code and arg mean. */
function loadError(err: DeviceError, program: Program): ProgramLoadError {
  const { code, arg } = err;
  const word = (i: number) => (i < program.words.length ? ` (word ${i}: 0x${program.words[i]!.toString(16).padStart(16, '0')})` : ` (word ${i})`);
  let detail: string;
  switch (code) {
    case ErrorCode.CAPACITY: detail = `over the device's ${limitName(arg)}`; break;
    case ErrorCode.BAD_VARIABLE: detail = `word ${arg} names a variable outside 0..${program.numVars - 1}${word(arg)}`; break;
    case ErrorCode.BAD_OPCODE: detail = `word ${arg} is malformed on the wire or has an invalid opcode or comparison code${word(arg)}`; break;
    case ErrorCode.BAD_WIDTH: detail = `variable ${arg} has a width over 8 bits`; break;
    case ErrorCode.PROGRAM_STATE: detail = `the device lost track of the load (at byte ${arg} of a section, past ${arg} words, or ${arg} constraints counted)`; break;
    case ErrorCode.PROGRAM_CRC: detail = 'the program arrived damaged (CRC mismatch)'; break;
    default: detail = `arg ${arg}`;
  }
  return new ProgramLoadError(code, arg, `the device refused the program: ${err.codeName}: ${detail}`);
}

/** One packed candidate checked on the device at `target`: open, load, validate, close. */
export async function checkOnDevice(target: string, program: Program, packed: Uint8Array, options: SessionOptions = {}):
Promise<{ info: DeviceInfo; verdict: Verdict }> {
  const session = await DeviceSession.open(target, { heartbeatMs: 0, ...options });
  try {
    const client = new ValidatorClient(session);
    await client.loadProgram(program, 1);
    for await (const verdict of client.validate([packed])) return { info: session.info, verdict };
    throw new Error('the device returned no verdict');
  } finally {
    await session.close();
  }
}
