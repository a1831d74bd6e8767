// Search messages over one DeviceSession (docs/search.md, proto/link.proto HostMessage 9..15):
// the search tables, priors, and the stream of proven Solutions.
//
//   const c = new SearchClient(session);         throws SearchUnsupportedError at once when the
//                                                handshake offered no search engine
//   await c.loadTables(tables)                   SearchBegin, the two streams of the wire form
//                                                (src/model/search-wire.ts) in SearchChunks sized
//                                                to max_payload, SearchEnd with the CRC-32 of both
//                                                streams (searchImageCrc); a table over a capacity
//                                                is refused before anything is sent
//                                                (SearchCapacityError naming the Limit); a chunk
//                                                whose reply was lost is simply sent again (the
//                                                device ignores the bytes it already took, so the
//                                                CRC never depends on what arrived twice); the
//                                                load starts again from SearchBegin only when the
//                                                device refuses it out of step (LOAD_ATTEMPTS
//                                                starts); c.lastLoad counts what it took
//   await c.sendPrior(bytes)                     one byte per value slot, in Prior chunks; also
//                                                while searching (it applies at the next restart)
//   const run = await c.start({ programId, seed, flipBudget, noise })
//   for await (const s of run) ...               assembled, digest-checked Solutions, in order
//   await c.status()                             SearchStatus as numbers (64-bit counters joined)
//   await c.stop()                               SearchStop; resolves with the final SearchStatus
//                                                and ends the run's stream
//
// Contract: a yielded solution is proven by the device (its validator ran it against the program
// the SearchStart named) and its parts were reassembled by offset and matched against `total` and
// `digest`; it is NOT re-checked here: the caller re-checks it with the reference checker before
// storing it. A part that is missing (a frame lost on the line), out of order or inconsistent
// with its siblings drops the whole solution: it is counted in `run.dropped` and reported to
// `onDrop`, never yielded (parts of one solution come in offset order, one solution at a time, and
// indices count the solutions sent, so a gap in them is a solution lost whole). Control requests go one at a time (docs/link-protocol.md, "Flow
// control"), so a table load keeps exactly one message in flight.
// The stream ends after stop() or after a status() that shows this search no longer running
// (max_solutions reached). A lost connection (the session's 'disconnect': its reconnection resets
// the device) ends it with DeviceGoneError; the tables and prior are gone then: load them again.
// Errors: SearchUnsupportedError, SearchCapacityError, SearchRefusedError (a device refusal of a
// search message), and the session's DeviceTimeoutError / DeviceGoneError / DeviceError.

import { crc32 } from '../model/crc32.ts';
import { searchImageBytes, searchImageCrc, type SearchSectionBytes } from '../model/search-tables.ts';
import type { SearchTableWords } from '../model/search-wire.ts';
import { ErrorCode, Limit, SearchSection, limitName, type DeviceOf } from './codec.ts';
import { DeviceError, DeviceGoneError, DeviceTimeoutError, LinkError } from './errors.ts';
import type { DeviceSession, SearchCapacities } from './session.ts';
import { emptyLoadStats, type LoadStats } from './load-stats.ts';
import { CHUNK_SENDS, ChunkSizer, MESSAGE_OVERHEAD } from './validator-client.ts';

/**
 * The search tables as the device stores them: sizes and the five sections (docs/search.md,
 * "Tables"); loadTables sends them in the wire form, from which the device rebuilds all five.
 */
export type SearchTableImage = SearchTableWords;

/** Whole table loads tried before the last failure is thrown. */
export const LOAD_ATTEMPTS = 3;

/** The device has no search engine (HelloReply.search empty). Retrying will not help: validate instead. */
export class SearchUnsupportedError extends LinkError {
  override name = 'SearchUnsupportedError';
  constructor(readonly deviceId: string) {
    super(`device ${deviceId} has no search engine; run the job in validate mode`);
  }
}

/** Search tables over a device capacity; `limit` is the Limit of proto/link.proto (5..8). */
export class SearchCapacityError extends LinkError {
  override name = 'SearchCapacityError';
  constructor(readonly limit: number, readonly needed: number, readonly available: number, what: string) {
    super(`the search tables need ${needed} ${what}, the device allows ${available} (${limitName(limit)})`);
  }
}

/** The device refused a search message (ERROR_SEARCH_STATE, ERROR_SEARCH_CRC, a program error on SearchStart). */
export class SearchRefusedError extends LinkError {
  override name = 'SearchRefusedError';
  constructor(readonly code: number, readonly arg: number, message: string) {
    super(message);
  }
}

/** One proven solution as the device sent it, reassembled. */
export interface FoundSolution {
  /** The SearchStart's seq. */
  searchSeq: number;
  programId: number;
  /** 1-based, per SearchStart. */
  index: number;
  /** The packed assignment (docs/validator-program.md); crc32(values) === digest. */
  values: Uint8Array;
  digest: number;
  /** Flips and cycles since the restart that found it; restarts since SearchStart. */
  flips: number;
  cycles: number;
  restarts: number;
}

export interface SearchStartOptions {
  /** The loaded validator program that proves every solution. */
  programId: number;
  /** PRNG seed, 0..2^32-1 (the device replaces 0 by a fixed nonzero seed). */
  seed: number;
  /** Flips per restart, 0..2^32-1; 0 = never restart. */
  flipBudget: number;
  /** Random-walk probability in 256ths, 0..255. */
  noise: number;
  /** The device stops after sending this many; 0 (default) = until stop(). */
  maxSolutions?: number;
  /** Bytes of a packed assignment; a solution of another length is dropped. Default: not checked. */
  candidateBytes?: number;
  /** Called for each solution dropped (a part missing or inconsistent), with why. */
  onDrop?: (reason: string) => void;
}

/** SearchStatus with the 64-bit counters joined (exact up to 2^53). */
export interface SearchStatusReport {
  /** 0 no tables, 1 loading, 2 ready, 3 searching. */
  state: number;
  flips: number;
  restarts: number;
  solutions: number;
  rejects: number;
  unsat: number;
  bestUnsat: number;
  cycles: number;
  searchSeq: number;
}

export const SEARCH_STATE_SEARCHING = 3;

/**
 * Limits tables must fit, host side: the ones SearchBegin checks on the device, and on a
 * booleans-only engine (search_lite) the size of every variable, which its table loader checks
 * (ERROR_SEARCH_TABLE arg 10).
 */
export function searchCapacityProblem(
  tables: Pick<SearchTableImage, 'numVars' | 'numValues' | 'numClauses' | 'numLiterals' | 'sections'>,
  caps: SearchCapacities,
): SearchCapacityError | null {
  const checks: [number, number, number, string][] = [
    [Limit.SEARCH_VARS, tables.numVars, caps.maxVars, 'variables'],
    [Limit.SEARCH_VALUES, tables.numValues, caps.maxValues, 'value slots'],
    [Limit.SEARCH_CLAUSES, tables.numClauses, caps.maxClauses, 'clauses'],
    [Limit.SEARCH_LITERALS, tables.numLiterals, caps.maxLiterals, 'literals'],
  ];
  for (const [limit, needed, available, what] of checks) {
    if (needed > available) return new SearchCapacityError(limit, needed, available, what);
  }
  if (caps.booleansOnly) {
    const x = tables.sections.vars.findIndex((w) => w >>> 24 !== 1);
    if (x >= 0) {
      const size = (tables.sections.vars[x]! >>> 24) + 1;
      return new SearchCapacityError(Limit.SEARCH_BOOLEANS, size, 2, `values of variable ${x} (the device searches variables of exactly 2 values)`);
    }
  }
  return null;
}

export class SearchClient {
  private tables: { numValues: number } | null = null;
  private priorSent = false;
  private run: SearchRun | null = null;
  /** Parts that arrive while a SearchStart awaits its Ack (its seq is not known yet). */
  private early: DeviceOf<'solution'>[] | null = null;
  private readonly onSolution = (part: DeviceOf<'solution'>) => {
    if (this.early) this.early.push(part);
    else this.run?.part(part);
  };
  private readonly onLost = (reason: string) => () => {
    this.tables = null;
    this.priorSent = false;
    this.run?.fail(new DeviceGoneError(reason));
    this.run = null;
  };
  private readonly onDisconnect = this.onLost('the connection was lost: the device is reset when it comes back, the search and its tables are gone');
  private readonly onReconnect = this.onLost('the connection was re-established: the device was reset, the search and its tables are gone');
  private readonly onGone = this.onLost('the device is gone');

  /** What the last loadTables took: starts, chunks sent and re-sent, counter reads. */
  lastLoad: LoadStats = emptyLoadStats();

  constructor(readonly session: DeviceSession) {
    if (!session.info.search) throw new SearchUnsupportedError(session.info.deviceId);
    session.on('solution', this.onSolution);
    session.on('disconnect', this.onDisconnect);
    session.on('reconnect', this.onReconnect);
    session.on('gone', this.onGone);
  }

  /** The device's search capacities (HelloReply.search). */
  get capacities(): SearchCapacities {
    const caps = this.session.info.search;
    if (!caps) throw new SearchUnsupportedError(this.session.info.deviceId);
    return caps;
  }

  /** Stops listening to the session (the device keeps whatever it holds). */
  dispose(): void {
    this.session.off('solution', this.onSolution);
    this.session.off('disconnect', this.onDisconnect);
    this.session.off('reconnect', this.onReconnect);
    this.session.off('gone', this.onGone);
    this.run?.fail(new DeviceGoneError('search client disposed'));
    this.run = null;
  }

  /** Load the tables, replacing (and stopping) whatever the device held; the prior must be sent again after. */
  async loadTables(tables: SearchTableImage): Promise<void> {
    const problem = searchCapacityProblem(tables, this.capacities);
    if (problem) throw problem;
    // Throws RangeError for tables the wire form cannot carry, before anything is sent.
    const image = searchImageBytes(tables);
    const crc = searchImageCrc(tables);
    this.tables = null;
    this.priorSent = false;
    this.endRun();
    const chunkBytes = this.session.info.maxPayload - MESSAGE_OVERHEAD;
    this.lastLoad = emptyLoadStats();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sendTables(tables, image, crc, chunkBytes);
        break;
      } catch (err) {
        const outOfStep = err instanceof DeviceTimeoutError
          || (err instanceof DeviceError && (err.code === ErrorCode.SEARCH_STATE || err.code === ErrorCode.SEARCH_CRC));
        if (outOfStep && attempt < LOAD_ATTEMPTS) {
          this.lastLoad.restarts.push(err instanceof Error ? err.message : String(err));
          continue;
        }
        throw this.refusal(err, 'search tables', tables);
      }
    }
    this.tables = { numValues: tables.numValues };
  }

  /**
   * Each stream in order. The device takes the bytes of a chunk past its decode point and ignores
   * the rest, so a chunk whose reply was lost is sent again as it is (or shorter, when the line
   * loses long frames): whether the first send arrived or not, the device ends up with every
   * byte once, and the CRC is the image's. A chunk past the decode point cannot happen here (each
   * chunk starts where the last acknowledged one ended); ERROR_SEARCH_STATE would restart the load.
   */
  private async sendTables(tables: SearchTableImage, image: SearchSectionBytes[], crc: number, chunkBytes: number): Promise<void> {
    const stats = this.lastLoad;
    stats.starts++;
    // A repeated SearchBegin starts the load afresh (tables dropped, decode points and CRC cleared).
    await this.session.request({
      kind: 'searchBegin', numVars: tables.numVars, numValues: tables.numValues, numClauses: tables.numClauses, numLiterals: tables.numLiterals,
    }, { retry: true });
    for (const { section, name, bytes } of image) {
      const sizer = new ChunkSizer(chunkBytes, 1);
      let sends = 0;
      for (let offset = 0; offset < bytes.length;) {
        const data = bytes.subarray(offset, offset + sizer.next(bytes.length - offset));
        if (sends++ > 0) stats.chunksResent++;
        stats.chunksSent++;
        try {
          await this.session.request({ kind: 'searchChunk', section, offset, data }, { fastFail: true });
        } catch (err) {
          if (!(err instanceof DeviceTimeoutError)) throw err;
          if (sends >= CHUNK_SENDS) throw new DeviceTimeoutError(`search chunk at byte ${offset} of section ${name}: no reply after ${sends} sends`);
          sizer.lost();
          continue;
        }
        sizer.ok();
        offset += data.length;
        sends = 0;
      }
    }
    await this.sendEnd(crc);
  }

  /**
   * SearchEnd; when its reply is lost, two probes that change nothing tell where the tables
   * are: an empty SearchChunk is acknowledged only while the load is open (the end did not
   * arrive: send it again), an empty Prior only when tables are held (the end arrived and was
   * taken); both refused means the end arrived with a CRC the device refused (tables dropped).
   */
  private async sendEnd(crc: number): Promise<void> {
    for (let sends = 1; ; sends++) {
      try {
        await this.session.request({ kind: 'searchEnd', crc }, { fastFail: true });
        return;
      } catch (err) {
        if (!(err instanceof DeviceTimeoutError)) throw err;
      }
      const empty = new Uint8Array();
      if (!(await this.refused(() => this.session.request({ kind: 'searchChunk', section: SearchSection.VARS, offset: 0, data: empty }, { retry: true })))) {
        if (sends >= CHUNK_SENDS) throw new DeviceTimeoutError(`search end: no reply after ${sends} sends`);
        continue;
      }
      if (!(await this.refused(() => this.session.request({ kind: 'prior', offset: 0, data: empty }, { retry: true })))) return;
      throw new DeviceError(ErrorCode.SEARCH_CRC, 0, 0, 'searchEnd (reply lost; the device holds no tables)');
    }
  }

  /** Whether a probe was refused with ERROR_SEARCH_STATE (true) or acknowledged (false). */
  private async refused(probe: () => Promise<unknown>): Promise<boolean> {
    try {
      await probe();
      return false;
    } catch (err) {
      if (err instanceof DeviceError && err.code === ErrorCode.SEARCH_STATE) return true;
      throw err;
    }
  }

  /** The prior, one byte per value slot (0 never, 1..255 log-weight in 1/16 nat). */
  async sendPrior(prior: Uint8Array): Promise<void> {
    const tables = this.tables;
    if (!tables) throw new Error('sendPrior: no search tables loaded (call loadTables first)');
    if (prior.length !== tables.numValues) throw new RangeError(`prior has ${prior.length} bytes, the tables have ${tables.numValues} value slots`);
    const chunk = this.session.info.maxPayload - MESSAGE_OVERHEAD;
    try {
      for (let offset = 0; offset < prior.length; offset += chunk) {
        await this.session.request({ kind: 'prior', offset, data: prior.subarray(offset, offset + chunk) });
      }
    } catch (err) {
      throw this.refusal(err, 'prior');
    }
    this.priorSent = true;
  }

  /** Start a search from fresh samples of the prior; the run streams its solutions. */
  async start(options: SearchStartOptions): Promise<SearchRun> {
    if (!this.tables) throw new Error('start: no search tables loaded (call loadTables first)');
    if (!this.priorSent) throw new Error('start: no prior sent since the tables were loaded (call sendPrior first)');
    checkU32('programId', options.programId, 1);
    checkU32('seed', options.seed, 0);
    checkU32('flipBudget', options.flipBudget, 0);
    checkU32('maxSolutions', options.maxSolutions ?? 0, 0);
    if (!Number.isInteger(options.noise) || options.noise < 0 || options.noise > 255) {
      throw new RangeError(`noise must be an integer 0..255, got ${options.noise}`);
    }
    this.endRun();
    this.early = [];
    let ack: DeviceOf<'ack'>;
    try {
      ack = await this.session.request({
        kind: 'searchStart', programId: options.programId, seed: options.seed, flipBudget: options.flipBudget,
        noise: options.noise, maxSolutions: options.maxSolutions ?? 0,
      });
    } catch (err) {
      this.early = null;
      throw this.refusal(err, 'search start');
    }
    const run = new SearchRun(ack.seq, options);
    this.run = run;
    const early = this.early;
    this.early = null;
    for (const part of early) run.part(part);
    return run;
  }

  /** The device's search counters; ends the run's stream when they show it no longer searching. */
  async status(): Promise<SearchStatusReport> {
    const report = toReport(await this.statusRequest('searchStatus'));
    const run = this.run;
    if (run && report.searchSeq === run.seq && report.state !== SEARCH_STATE_SEARCHING) this.endRun();
    return report;
  }

  /** Stop the search (bounded on the device); resolves with the final SearchStatus and ends the stream. */
  async stop(): Promise<SearchStatusReport> {
    const report = toReport(await this.statusRequest('searchStop'));
    this.endRun();
    return report;
  }

  private async statusRequest(kind: 'searchStatus' | 'searchStop'): Promise<DeviceOf<'searchStatus'>> {
    try {
      return await this.session.request({ kind });
    } catch (err) {
      throw this.refusal(err, kind === 'searchStop' ? 'search stop' : 'search status');
    }
  }

  private endRun(): void {
    this.run?.end();
    this.run = null;
  }

  /** A device refusal as a typed error, with what its code and arg mean; anything else as it is. */
  private refusal(err: unknown, what: string, tables?: SearchTableImage): unknown {
    if (!(err instanceof DeviceError)) return err;
    const { code, arg } = err;
    switch (code) {
      case ErrorCode.UNKNOWN_MESSAGE:
        return new SearchUnsupportedError(this.session.info.deviceId);
      case ErrorCode.SEARCH_CAPACITY: {
        const caps = this.capacities;
        const [needed, available, name] = arg === Limit.SEARCH_VARS ? [tables?.numVars, caps.maxVars, 'variables']
          : arg === Limit.SEARCH_VALUES ? [tables?.numValues, caps.maxValues, 'value slots']
            : arg === Limit.SEARCH_CLAUSES ? [tables?.numClauses, caps.maxClauses, 'clauses']
              : [tables?.numLiterals, caps.maxLiterals, 'literals'];
        return new SearchCapacityError(arg, needed ?? 0, available, name);
      }
      case ErrorCode.SEARCH_STATE:
        return new SearchRefusedError(code, arg, `the device refused the ${what}: ${err.codeName}: ${SEARCH_STATE_REASONS[arg] ?? `arg ${arg}`}`);
      case ErrorCode.SEARCH_CRC:
        return new SearchRefusedError(code, arg, `the device refused the ${what}: ${err.codeName}: the tables arrived damaged (CRC mismatch)`);
      case ErrorCode.SEARCH_TABLE:
        return new SearchRefusedError(code, arg, `the device refused the ${what}: ${err.codeName}: ${SEARCH_TABLE_REASONS[arg] ?? `arg ${arg}`}`);
      case ErrorCode.NO_PROGRAM:
      case ErrorCode.WRONG_PROGRAM:
        return new SearchRefusedError(code, arg, `the device refused the ${what}: ${err.codeName}: its validator does not hold the program (loaded: ${arg})`);
      default:
        return err;
    }
  }
}

const SEARCH_STATE_REASONS: Record<number, string> = {
  1: 'no tables loaded',
  2: 'the tables were not ended (SearchEnd missing)',
  3: 'a chunk outside its section',
  4: 'tables sent while searching',
  6: 'a chunk past the decode point (a gap in its stream, or clauses before every variable)',
};

/** ERROR_SEARCH_TABLE args (docs/search.md, "Errors"; SEARCH_TABLE_ERROR in src/model/search-wire.ts). */
const SEARCH_TABLE_REASONS: Record<number, string> = {
  1: 'a literal on a variable past num_vars',
  2: 'a literal on a value past its variable\'s size',
  5: 'fewer variables than SearchBegin said',
  6: 'the variables\' sizes do not sum to num_values',
  7: 'the clauses do not end where SearchBegin said (one too many, too few, or cut off)',
  8: 'the literals do not add up to num_literals',
  9: 'a shifted copy first or after a clause of more than 4 literals',
  10: 'a variable of other than 2 values on an engine that searches booleans only',
};

function checkU32(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > 0xffff_ffff) throw new RangeError(`${name} must be an integer ${min}..4294967295, got ${value}`);
}

function toReport(s: DeviceOf<'searchStatus'>): SearchStatusReport {
  return {
    state: s.state, flips: s.flipsHi * 2 ** 32 + s.flipsLo, restarts: s.restarts, solutions: s.solutions, rejects: s.rejects,
    unsat: s.unsat, bestUnsat: s.bestUnsat, cycles: s.cyclesHi * 2 ** 32 + s.cyclesLo, searchSeq: s.searchSeq,
  };
}

interface Assembly {
  index: number;
  total: number;
  digest: number;
  first: DeviceOf<'solution'>;
  buffer: Uint8Array;
  filled: number;
}

/**
 * One SearchStart's solutions: reassembles the parts the session hands over and queues the
 * complete ones for the async iterator (one consumer). Unbounded queue: the link's bit rate
 * bounds how fast it grows.
 */
export class SearchRun implements AsyncIterable<FoundSolution> {
  /** Solutions dropped: a part missing, out of order or inconsistent, or a digest mismatch. */
  dropped = 0;
  /** Parts of other searches (an earlier SearchStart's, still in flight): ignored. */
  foreignParts = 0;
  private assembly: Assembly | null = null;
  /** Highest index seen complete or dropped: an index at or below it is a stray part. */
  private lastIndex = 0;
  private readonly queue: FoundSolution[] = [];
  private ended = false;
  private error: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(readonly seq: number, private readonly options: SearchStartOptions) {}

  /** Whether the stream has ended (stop, finished search or failure). */
  get done(): boolean {
    return this.ended;
  }

  /** @internal One Solution part from the session. */
  part(p: DeviceOf<'solution'>): void {
    if (this.ended) return;
    if (p.seq !== this.seq) {
      this.foreignParts++;
      return;
    }
    if (p.index <= this.lastIndex) return this.drop(`part of solution ${p.index} after that solution was complete or dropped`);
    let a = this.assembly;
    if (a && p.index !== a.index) {
      this.assembly = null;
      this.lastIndex = a.index;
      this.drop(`solution ${a.index}: parts missing after byte ${a.filled} of ${a.total}`);
      a = null;
    }
    if (!a) {
      // Indices count the solutions sent: a gap is a solution whose every part was lost.
      for (let k = this.lastIndex + 1; k < p.index; k++) this.drop(`solution ${k} never arrived`);
      this.lastIndex = p.index - 1;
      if (p.offset !== 0) return this.abandon(p.index, `solution ${p.index}: first part at byte ${p.offset}, not 0`);
      const expect = this.options.candidateBytes;
      if (p.total === 0 || (expect !== undefined && p.total !== expect)) {
        return this.abandon(p.index, `solution ${p.index}: ${p.total} bytes, the program packs ${expect ?? 'more than 0'}`);
      }
      a = { index: p.index, total: p.total, digest: p.digest, first: p, buffer: new Uint8Array(p.total), filled: 0 };
      this.assembly = a;
    } else if (p.total !== a.total || p.digest !== a.digest || p.programId !== a.first.programId) {
      return this.abandon(p.index, `solution ${p.index}: a part disagrees with the first on total, digest or program`);
    } else if (p.offset !== a.filled) {
      return this.abandon(p.index, `solution ${p.index}: part at byte ${p.offset}, expected ${a.filled} (a part was lost)`);
    }
    if (p.programId !== this.options.programId) {
      return this.abandon(p.index, `solution ${p.index}: program ${p.programId}, the search runs ${this.options.programId}`);
    }
    if (p.values.length === 0 || a.filled + p.values.length > a.total) {
      return this.abandon(p.index, `solution ${p.index}: a part of ${p.values.length} bytes at ${a.filled} of ${a.total}`);
    }
    a.buffer.set(p.values, a.filled);
    a.filled += p.values.length;
    if (a.filled < a.total) return;
    this.assembly = null;
    this.lastIndex = a.index;
    if (crc32(a.buffer) !== a.digest) return this.drop(`solution ${a.index}: digest mismatch (the assembled bytes are not what the validator checked)`);
    const f = a.first;
    this.queue.push({
      searchSeq: this.seq, programId: f.programId, index: a.index, values: a.buffer, digest: a.digest,
      flips: f.flips, cycles: f.cycles, restarts: f.restarts,
    });
    this.notify();
  }

  private abandon(index: number, reason: string): void {
    this.assembly = null;
    this.lastIndex = Math.max(this.lastIndex, index);
    this.drop(reason);
  }

  private drop(reason: string): void {
    this.dropped++;
    this.options.onDrop?.(reason);
  }

  /** @internal The search is over: deliver what is queued, then end. */
  end(): void {
    if (this.ended) return;
    const a = this.assembly;
    if (a) {
      this.assembly = null;
      this.drop(`solution ${a.index}: parts missing after byte ${a.filled} of ${a.total} when the search ended`);
    }
    this.ended = true;
    this.notify();
  }

  /** @internal The connection was lost: deliver what is queued, then throw `err`. */
  fail(err: Error): void {
    if (this.ended) return;
    this.assembly = null;
    this.error = err;
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<FoundSolution> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) {
        if (this.error) throw this.error;
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** The next solution, or null when the stream ended first or `timeoutMs` passed (for loops that also poll). */
  async next(timeoutMs: number): Promise<FoundSolution | null> {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.ended) {
      if (this.error) throw this.error;
      return null;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (this.wake === done) this.wake = null;
        resolve();
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.wake = done;
    });
    const got = this.queue.shift();
    if (got) return got;
    if (this.ended && this.error) throw this.error;
    return null;
  }
}
