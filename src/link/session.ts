// A session with one device over one transport: handshake, sequence numbers, request/reply
// matching, timeouts, retries, a window for candidates, heartbeat and reconnection.
// docs/link-protocol.md is the protocol; this is the host's half of it.
//
// API
//   const s = await DeviceSession.open('tcp://127.0.0.1:7000' | '/dev/pts/3', options);
//   s.info                          handshake: identity, capacities, link speed (DeviceInfo)
//   await s.request(body, opts)     one control request (body without seq) -> its reply, typed by
//                                   kind; control requests go one at a time. opts.retry defaults to
//                                   true for Hello, Echo, CountersRequest and Reset, false otherwise
//                                   (program messages: the caller restarts a load from
//                                   ProgramBegin instead). opts.timeoutMs: per attempt.
//   await s.sendCandidate({ programId, values })
//                                   -> Verdict, pipelined: at most `info.window` in flight; waits
//                                   for a slot. Checks that the verdict echoes the program and the
//                                   digest of `values`; retried on timeout with a new seq unless
//                                   the connection was re-established meanwhile.
//   await s.echo(data), s.deviceCounters(), s.reset()
//   s.counters()                    host-side LinkCounters (frames, bytes, errors, retries, ...)
//   s.on('disconnect', (reason: Error) => ...)  the transport went away; reconnecting
//   s.on('reconnect', (info: DeviceInfo) => ...) handshake redone: the device was reset and holds
//                                   no program; requests in flight failed with DeviceGoneError
//   s.on('gone', (err: DeviceGoneError) => ...) reconnection gave up; every call now fails
//   s.relocate(next)                the device at s.target is gone for good and a new one will serve
//                                   at the address next() resolves to (a restarted simulator): the
//                                   old target is never tried again; reconnects to the new one
//                                   ('disconnect', then 'reconnect'), or 'gone' if next() throws
//   s.abandon(err)                  give up now: 'gone' with err, as when reconnection gives up
//   s.on('solution', (part: DeviceOf<'solution'>) => ...)
//                                   an unsolicited Solution part of a running search (its seq is
//                                   the SearchStart's, which has been answered already): never a
//                                   reply, so never matched against the requests in flight and
//                                   never stale; src/link/search-client.ts reassembles the parts.
//                                   Emitted synchronously from the reader, in arrival order.
//   await s.close()
// Link speed: a serial port opens at SAFE_BAUD (or `baud`, which fixes the rate); after the Hello
// the session switches both ends to the fastest rate the device and the host share (SetBaud, the
// port's new rate, a Hello that reports the new divider to confirm), falling back to the safe rate when that fails; again on
// every reconnection. info.link says what came of it (src/link/link-speed.ts).
// Errors: DeviceTimeoutError, DeviceGoneError, DeviceError (an Error frame), ProtocolError,
// DeviceOpenError (from open) in ./errors.ts.

import { EventEmitter } from 'node:events';
import { crc32 } from '../model/crc32.ts';
import {
  ErrorCode, PROTOCOL_VERSION, DecodeError, decodeDevice, encodeHost,
  type DeviceKind, type DeviceMessage, type DeviceOf, type HelloReply, type HostKind, type HostMessage,
} from './codec.ts';
import { DeviceError, DeviceGoneError, DeviceTimeoutError, LinkError, ProtocolError } from './errors.ts';
import { DELIMITER, Deframer, MIN_MAX_PAYLOAD, PAYLOAD_LIMIT, encodeFrame } from './frame.ts';
import { HOST_RATES, MAX_SWITCH_TRIES, rateChoices, type LinkSpeed, type RateChoice } from './link-speed.ts';
import { openTransport, type Transport, type TransportHandlers, type TransportOptions } from './transport.ts';

export interface SessionOptions extends TransportOptions {
  /** Per attempt, ms. Default 1000. */
  timeoutMs?: number;
  /** Extra attempts of a retryable request. Default 5. */
  retries?: number;
  /** Idle time before a heartbeat Echo, ms; 0 turns it off. Default 1000. */
  heartbeatMs?: number;
  /** First reconnection delay, doubled after each failed try up to reconnectMaxDelayMs. Default 100. */
  reconnectDelayMs?: number;
  /** Default 5000. */
  reconnectMaxDelayMs?: number;
  /** Give up reconnecting after this long, ms. Default 30000. */
  reconnectForMs?: number;
  /**
   * Switch a serial port to a faster rate after the Hello (default true; never with `baud`, which
   * fixes the rate, nor on TCP).
   */
  negotiate?: boolean;
  /** The host's serial rates to choose from. Default HOST_RATES (src/link/link-speed.ts). */
  rates?: readonly number[];
  /** How to open the transport; tests may substitute their own. */
  open?: (target: string, handlers: TransportHandlers, options: TransportOptions) => Promise<Transport>;
}

/** HelloReply.search as the host uses it (docs/search.md); absent on a device without a search engine. */
export interface SearchCapacities {
  /** Search chains running in parallel (at least 1). */
  chains: number;
  maxVars: number;
  /** Value slots: the sum of the variables' domain sizes. */
  maxValues: number;
  maxClauses: number;
  /** Literal occurrences over all clauses. */
  maxLiterals: number;
  /** The engine searches only variables of exactly 2 values (HelloReply.search[5]; absent: any). */
  booleansOnly?: boolean;
}

/**
 * The device's HelloReply, as the host uses it: the identity as text, the address it was reached
 * at, and the search capacities as named fields (`search` absent when HelloReply.search is empty
 * or names 0 chains).
 */
export type DeviceInfo = Omit<HelloReply, 'seq' | 'deviceId' | 'search'> & {
  target: string;
  deviceId: string;
  search?: SearchCapacities;
  /** The link speed the session settled on (set by every handshake). */
  link?: LinkSpeed;
};

export interface LinkCounters {
  framesTx: number;
  framesRx: number;
  bytesTx: number;
  bytesRx: number;
  /** Received frames with a bad CRC. */
  crcErrors: number;
  /** Received frames with bad COBS, too short or too long. */
  frameErrors: number;
  /** Received payloads that are not a DeviceMessage. */
  decodeErrors: number;
  /** Error frames with seq 0: the device could not read one of our frames. */
  deviceFrameErrors: number;
  /** Replies to a seq nobody waits for any more. */
  staleReplies: number;
  /**
   * Device frames with a nonzero seq other than Solution parts: replies, matched or stale. Each
   * one is a host frame the device received intact, so `Counters.frames_rx` minus this is the
   * number of frames whose reply was lost.
   */
  replies: number;
  /** Unsolicited frames (Solution parts) handed to the 'solution' listeners. */
  unsolicited: number;
  retries: number;
  timeouts: number;
  reconnects: number;
}

/** A request body: a HostMessage without its seq, which the session assigns. */
export type RequestBody = HostMessage extends infer M ? (M extends { seq: number } ? Omit<M, 'seq'> : never) : never;
type ReplyOf<K extends HostKind> = DeviceOf<(typeof REPLY_KINDS)[K]>;

export interface RequestOptions {
  retry?: boolean;
  timeoutMs?: number;
  /**
   * Give up the attempt as soon as a frame is lost on the way (a receive error or a device Error
   * with seq 0) rather than at its timeout, even when it is not retried: the chunk loads use it
   * to send a chunk again at once.
   */
  fastFail?: boolean;
}

const REPLY_KINDS = {
  hello: 'hello',
  echo: 'echo',
  counters: 'counters',
  reset: 'ack',
  programBegin: 'ack',
  programChunk: 'ack',
  programEnd: 'ack',
  candidate: 'verdict',
  searchBegin: 'ack',
  searchChunk: 'ack',
  searchEnd: 'ack',
  prior: 'ack',
  searchStart: 'ack',
  searchStop: 'searchStatus',
  searchStatus: 'searchStatus',
  setBaud: 'ack',
} as const satisfies Record<HostKind, DeviceKind>;

// A Prior rewrites the same bytes, a status read or a stop changes nothing the second time; table
// messages are restarted from SearchBegin by the search client, as programs are, and a SearchStart
// is not repeated behind the caller's back (it would restart the search).
const RETRYABLE: ReadonlySet<HostKind> = new Set(['hello', 'echo', 'counters', 'reset', 'prior', 'searchStatus', 'searchStop']);
const WINDOW_FULL_BACKOFF_MS = 10;

/** Why one attempt ended without a reply; internal, turned into a retry or a typed error. */
class AttemptLost extends Error {
  constructor(readonly reason: 'timeout' | 'garbled') {
    super(reason);
  }
}

interface Pending {
  replyKind: DeviceKind;
  context: string;
  resolve(msg: DeviceMessage): void;
  reject(err: Error): void;
}

type State = 'connected' | 'reconnecting' | 'gone' | 'closed';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class DeviceSession extends EventEmitter {
  private readonly opts: Required<Omit<SessionOptions, 'baud'>> & TransportOptions;
  private transport: Transport | null = null;
  private readonly deframer = new Deframer(PAYLOAD_LIMIT);
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private state: State = 'reconnecting';
  /** Where the device is now; relocate() moves it. */
  private current: string;
  /** A relocate() not yet acted on: the next connection goes to where it resolves. */
  private relocation: (() => Promise<string>) | null = null;
  /** Set by abandon(): the reconnection loop gives up with it. */
  private abandoned: Error | null = null;
  /** Ends the reconnection loop's current pause early (a relocation or abandon arrived). */
  private wake: (() => void) | null = null;
  private failure: DeviceGoneError | null = null;
  /** Incremented on every connection; a candidate never outlives its connection. */
  private epoch = 0;
  private connectWaiters: { resolve(): void; reject(err: Error): void }[] = [];
  private controlQueue: Promise<unknown> = Promise.resolve();
  /** The seq of the retryable control attempt now in flight (0: none), retransmitted at once if a frame is lost. */
  private controlSeq = 0;
  private inFlightCandidates = 0;
  private windowWaiters: { resolve(): void; reject(err: Error): void }[] = [];
  private lastActivity = Date.now();
  private heartbeat: NodeJS.Timeout | null = null;
  private deviceInfo: DeviceInfo | null = null;
  private readonly stats: LinkCounters = {
    framesTx: 0, framesRx: 0, bytesTx: 0, bytesRx: 0, crcErrors: 0, frameErrors: 0, decodeErrors: 0,
    deviceFrameErrors: 0, staleReplies: 0, replies: 0, unsolicited: 0, retries: 0, timeouts: 0, reconnects: 0,
  };

  private constructor(target: string, options: SessionOptions) {
    super();
    this.current = target;
    this.opts = {
      timeoutMs: 1000, retries: 5, heartbeatMs: 1000, reconnectDelayMs: 100, reconnectMaxDelayMs: 5000,
      reconnectForMs: 30_000, negotiate: true, rates: HOST_RATES, open: openTransport, ...options,
    };
  }

  /** Open the device and do the handshake. Throws DeviceOpenError, DeviceTimeoutError or ProtocolError. */
  static async open(target: string, options: SessionOptions = {}): Promise<DeviceSession> {
    const session = new DeviceSession(target, options);
    try {
      await session.connect();
    } catch (err) {
      session.state = 'closed';
      await session.transport?.close();
      if (err instanceof DeviceTimeoutError) {
        const c = session.stats;
        const unreadable = c.crcErrors + c.frameErrors + c.decodeErrors;
        throw new DeviceTimeoutError(`no answer from ${target} within ${session.opts.timeoutMs} ms ` +
          `(${session.opts.retries + 1} attempts${unreadable ? `, ${unreadable} unreadable frames received` : ''}): ` +
          'is a hilsolve device there, at the right baud?');
      }
      throw err;
    }
    session.state = 'connected';
    session.startHeartbeat();
    return session;
  }

  /** The device's address: the one opened, or the one relocate() moved to. */
  get target(): string {
    return this.current;
  }

  /** See the API at the top of this file. */
  relocate(next: () => Promise<string>): void {
    if (this.state === 'gone' || this.state === 'closed') return;
    this.relocation = next;
    this.wake?.();
    if (this.state === 'connected') void this.reconnect(new DeviceGoneError(`${this.current} was replaced`));
  }

  /** See the API at the top of this file. */
  abandon(err: Error): void {
    if (this.state === 'gone' || this.state === 'closed') return;
    this.abandoned = err;
    this.wake?.();
    if (this.state === 'connected') void this.reconnect(err);
  }

  get info(): DeviceInfo {
    if (!this.deviceInfo) throw new LinkError('no handshake yet');
    return this.deviceInfo;
  }

  counters(): LinkCounters {
    return { ...this.stats };
  }

  /** One control request; see the API at the top of this file. */
  request<B extends RequestBody>(body: B, options: RequestOptions = {}): Promise<ReplyOf<B['kind']>> {
    if (body.kind === 'candidate') return Promise.reject(new TypeError('candidates go through sendCandidate, which keeps the window'));
    const retry = options.retry ?? RETRYABLE.has(body.kind);
    const timeoutMs = options.timeoutMs ?? this.opts.timeoutMs;
    const run = () => this.controlAttempts(body, retry ? 1 + this.opts.retries : 1, timeoutMs, options.fastFail ?? false);
    const result = this.controlQueue.then(run, run);
    this.controlQueue = result.catch(() => undefined);
    return result as Promise<ReplyOf<B['kind']>>;
  }

  async echo(data: Uint8Array): Promise<Uint8Array> {
    const reply = await this.request({ kind: 'echo', data });
    if (Buffer.compare(reply.data, data) !== 0) throw new ProtocolError(`echo came back different (${reply.data.length} bytes for ${data.length})`);
    return reply.data;
  }

  deviceCounters(): Promise<DeviceOf<'counters'>> {
    return this.request({ kind: 'counters' });
  }

  async reset(): Promise<void> {
    await this.request({ kind: 'reset' });
  }

  /** Validate one candidate; see the API at the top of this file. */
  async sendCandidate(candidate: { programId: number; values: Uint8Array }, options: { timeoutMs?: number } = {}): Promise<DeviceOf<'verdict'>> {
    await this.whenConnected();
    const epoch = this.epoch;
    await this.windowSlot();
    const body = { kind: 'candidate' as const, programId: candidate.programId, values: candidate.values };
    const digest = crc32(candidate.values);
    try {
      for (let attempt = 0; attempt <= this.opts.retries; attempt++) {
        if (attempt > 0) this.stats.retries++;
        if (epoch !== this.epoch) throw new DeviceGoneError('the connection was re-established: the program is gone');
        try {
          const verdict = (await this.attempt(body, options.timeoutMs ?? this.opts.timeoutMs)) as DeviceOf<'verdict'>;
          if (verdict.programId !== candidate.programId || verdict.digest !== digest) {
            throw new ProtocolError(`verdict ${verdict.seq} is for program ${verdict.programId}, digest ${verdict.digest.toString(16)}; ` +
              `the candidate was program ${candidate.programId}, digest ${digest.toString(16)}`);
          }
          return verdict;
        } catch (err) {
          if (err instanceof AttemptLost) continue;
          if (err instanceof DeviceError && err.code === ErrorCode.WINDOW) {
            await sleep(WINDOW_FULL_BACKOFF_MS);
            continue;
          }
          throw err;
        }
      }
      throw new DeviceTimeoutError(`no verdict after ${this.opts.retries + 1} attempts`);
    } finally {
      this.releaseWindowSlot();
    }
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.stopHeartbeat();
    this.failAll(new DeviceGoneError('session closed'));
    await this.transport?.close();
    this.transport = null;
  }

  // --- connection -------------------------------------------------------------------------------

  private async connect(): Promise<void> {
    this.deframer.clear();
    const target = this.current;
    const transport = await this.opts.open(target, {
      onData: (chunk) => {
        if (this.transport === transport) this.receive(chunk);
      },
      onClose: (reason) => {
        if (this.transport === transport && reason) this.connectionLost(reason);
      },
    }, { baud: this.opts.baud });
    if (target !== this.current || this.relocation !== null) {
      // The device moved while its old address was opening: never talk to what answers there.
      await transport.close();
      throw new DeviceGoneError(`${target} was replaced while opening it`);
    }
    this.transport = transport;
    this.epoch++;
    this.stats.bytesTx++;
    transport.write(Uint8Array.of(DELIMITER));
    await this.handshake();
  }

  private async handshake(): Promise<void> {
    let reply: DeviceOf<'hello'>;
    try {
      reply = (await this.withRetries({ kind: 'hello', protocolVersion: PROTOCOL_VERSION }, 1 + this.opts.retries, this.opts.timeoutMs)) as DeviceOf<'hello'>;
    } catch (err) {
      if (err instanceof DeviceError && err.code === ErrorCode.VERSION) throw versionError(err.arg);
      throw err;
    }
    if (reply.protocolVersion !== PROTOCOL_VERSION) throw versionError(reply.protocolVersion);
    if (reply.maxPayload < MIN_MAX_PAYLOAD || reply.maxPayload > PAYLOAD_LIMIT || reply.window < 1) {
      throw new ProtocolError(`device capacities out of range: max_payload ${reply.maxPayload} (must be ${MIN_MAX_PAYLOAD}..${PAYLOAD_LIMIT}), window ${reply.window} (must be at least 1)`);
    }
    const { kind: _kind, seq: _seq, deviceId, search, ...rest } = reply;
    const capacities = searchCapacities(search);
    const link = await this.negotiate(reply);
    this.deviceInfo = {
      target: this.current, deviceId: Buffer.from(deviceId).toString('latin1'), ...rest, ...(capacities ? { search: capacities } : {}),
      divider: link.divider || (rest.divider ?? 0), link,
    };
    await this.withRetries({ kind: 'reset' }, 1 + this.opts.retries, this.opts.timeoutMs);
  }

  // --- link speed ------------------------------------------------------------------------------

  /** After the Hello: the fastest shared rate, or the safe one (see the top of this file). */
  private async negotiate(reply: HelloReply): Promise<LinkSpeed> {
    const t = this.transport!;
    if (t.setBaud === undefined || t.baud === undefined) return { baud: 0, divider: 0, mode: 'tcp' };
    const safeBaud = t.baud;
    // The device's own report (0 on the byte link, where a rate means nothing, and on older builds).
    const safeDivider = reply.divider ?? 0;
    if (this.opts.baud !== undefined) return { baud: safeBaud, divider: safeDivider, mode: 'fixed' };
    const choices = this.opts.negotiate ? rateChoices(reply.clockHz, reply.minDivider ?? 0, safeBaud, this.opts.rates) : [];
    const failures: string[] = [];
    for (const choice of choices.slice(0, MAX_SWITCH_TRIES)) {
      try {
        await this.switchTo(t, choice);
        return { baud: choice.baud, divider: choice.divider, mode: 'negotiated' };
      } catch (err) {
        failures.push(`${choice.baud} baud (divider ${choice.divider}): ${err instanceof Error ? err.message : String(err)}`);
        await this.backToSafe(t, safeBaud);
      }
    }
    return { baud: safeBaud, divider: safeDivider, mode: 'safe', ...(failures.length > 0 ? { fallback: failures.join('; ') } : {}) };
  }

  /** SetBaud, the port's new rate, then a Hello at it. Throws when any step fails. */
  private async switchTo(t: Transport, choice: RateChoice): Promise<void> {
    try {
      // One attempt: after a lost Ack the device's rate is unknown, and backToSafe settles it.
      await this.attempt({ kind: 'setBaud', divider: choice.divider }, this.opts.timeoutMs);
    } catch (err) {
      if (err instanceof AttemptLost) throw new DeviceTimeoutError(`no Ack to SetBaud (${err.reason})`);
      throw err;
    }
    await t.setBaud!(choice.baud);
    // A Hello at the new rate: it must come back and say the device runs at the new divider (a
    // device that went back to the safe rate, e.g. on a break, would still answer a host whose
    // line never changed: an adapter that ignores the rate).
    const hello = (await this.withRetries({ kind: 'hello', protocolVersion: PROTOCOL_VERSION }, 3, this.opts.timeoutMs)) as DeviceOf<'hello'>;
    if ((hello.divider ?? 0) !== choice.divider) {
      throw new ProtocolError(`the device answered at divider ${hello.divider ?? 0}, not ${choice.divider}: the line did not change rate`);
    }
  }

  /**
   * Back to the safe rate after a failed switch. Two 0x00 bytes at the safe rate are a break for a
   * device that did switch (rx low for more than 16 of its bit periods), which sends it back at
   * once; its watchdog would too, within 2^21 cycles. Then a Hello proves the link again.
   */
  private async backToSafe(t: Transport, safeBaud: number): Promise<void> {
    await t.setBaud!(safeBaud);
    t.write(Uint8Array.of(DELIMITER, DELIMITER));
    this.deframer.clear();
    await this.withRetries({ kind: 'hello', protocolVersion: PROTOCOL_VERSION }, 1 + this.opts.retries, this.opts.timeoutMs);
  }

  private connectionLost(reason: Error): void {
    this.failInFlight(new DeviceGoneError(`connection to ${this.current} lost: ${reason.message}`));
    if (this.state !== 'connected') return; // a reconnection already runs (or the session is over)
    void this.reconnect(reason);
  }

  private async reconnect(reason: Error): Promise<void> {
    this.state = 'reconnecting';
    this.emit('disconnect', reason);
    this.failInFlight(new DeviceGoneError(`connection to ${this.current} lost: ${reason.message}`));
    await this.dropTransport();
    let deadline = Date.now() + this.opts.reconnectForMs;
    let delay = this.opts.reconnectDelayMs;
    let lastError: unknown = reason;
    while (this.abandoned === null && (this.relocation !== null || Date.now() + delay <= deadline)) {
      if (this.relocation === null) await this.pause(delay);
      if (this.closed()) return;
      if (this.abandoned !== null) break;
      const next = this.relocation;
      if (next !== null) {
        this.relocation = null;
        try {
          this.current = await next();
        } catch (err) {
          lastError = err;
          break;
        }
        if (this.closed()) return;
        deadline = Date.now() + this.opts.reconnectForMs;
        delay = this.opts.reconnectDelayMs;
        continue; // a relocation or abandon that came meanwhile goes first
      }
      try {
        await this.connect();
        if (this.closed()) {
          await this.dropTransport();
          return;
        }
        if (this.relocation !== null || this.abandoned !== null) {
          await this.dropTransport();
          continue;
        }
        this.state = 'connected';
        this.stats.reconnects++;
        for (const w of this.connectWaiters.splice(0)) w.resolve();
        this.emit('reconnect', this.deviceInfo);
        return;
      } catch (err) {
        lastError = err;
        await this.dropTransport();
        if (this.closed()) return;
        // Another device answers: waiting will not help (unless the device moved meanwhile).
        if (err instanceof ProtocolError && this.relocation === null) break;
      }
      delay = Math.min(2 * delay, this.opts.reconnectMaxDelayMs);
    }
    if (this.abandoned !== null) lastError = this.abandoned;
    this.state = 'gone';
    this.stopHeartbeat();
    this.failure = new DeviceGoneError(`${this.current} is gone: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    this.failAll(this.failure);
    this.emit('gone', this.failure);
  }

  /** sleep(ms), ended early by relocate() or abandon(). */
  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  // A method, not `this.state === 'closed'` inline: TypeScript would keep the narrowing across awaits.
  private closed(): boolean {
    return this.state === 'closed';
  }

  private async dropTransport(): Promise<void> {
    const t = this.transport;
    this.transport = null;
    await t?.close();
  }

  private whenConnected(): Promise<void> {
    switch (this.state) {
      case 'connected': return Promise.resolve();
      case 'gone': return Promise.reject(this.failure!);
      case 'closed': return Promise.reject(new DeviceGoneError('session closed'));
      case 'reconnecting': return new Promise((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
    }
  }

  /** Reject every request in flight (not the ones waiting for a connection or a window slot). */
  private failInFlight(err: Error): void {
    for (const p of [...this.pending.values()]) p.reject(err);
  }

  private failAll(err: Error): void {
    this.failInFlight(err);
    for (const w of this.connectWaiters.splice(0)) w.reject(err);
    for (const w of this.windowWaiters.splice(0)) w.reject(err);
  }

  // --- requests ---------------------------------------------------------------------------------

  private async controlAttempts(body: RequestBody, attempts: number, timeoutMs: number, fastFail: boolean): Promise<DeviceMessage> {
    try {
      return await this.withRetries(body, attempts, timeoutMs, true, fastFail);
    } catch (err) {
      // A retryable request that got no answer at all means the device stopped talking.
      if (err instanceof DeviceTimeoutError && attempts > 1 && this.state === 'connected') void this.reconnect(err);
      throw err;
    }
  }

  /**
   * Up to `attempts` attempts, each with a new seq. Between attempts, waits for a lost connection
   * to come back when `waitForConnection` (requests of the caller; the handshake itself must not wait).
   */
  private async withRetries(body: RequestBody, attempts: number, timeoutMs: number, waitForConnection = false, fastFail = false): Promise<DeviceMessage> {
    let lost: Error | null = null;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) this.stats.retries++;
      if (waitForConnection) await this.whenConnected();
      try {
        // Only a request that may be retried is worth retransmitting early on a lost frame.
        return await this.attempt(body, timeoutMs, attempts > 1 || fastFail);
      } catch (err) {
        const transient = err instanceof AttemptLost || (err instanceof DeviceGoneError && waitForConnection && this.state === 'reconnecting');
        if (!transient) throw err;
        lost = err;
      }
    }
    if (lost instanceof DeviceGoneError) throw lost;
    throw new DeviceTimeoutError(`no reply to ${body.kind} after ${attempts} attempt${attempts > 1 ? 's' : ''} of ${timeoutMs} ms`);
  }

  /**
   * Send once and wait for the reply with the same seq. Rejects with AttemptLost, DeviceError,
   * ProtocolError or DeviceGoneError. `fastRetry`: give up at once when a frame is lost.
   */
  private attempt(body: RequestBody, timeoutMs: number, fastRetry = false): Promise<DeviceMessage> {
    const transport = this.transport;
    if (!transport) return Promise.reject(new DeviceGoneError(`not connected to ${this.current}`));
    const seq = this.nextSeq();
    const payload = encodeHost({ ...body, seq } as HostMessage);
    const limit = this.deviceInfo?.maxPayload ?? MIN_MAX_PAYLOAD;
    if (payload.length > limit) {
      return Promise.reject(new RangeError(`${body.kind} payload of ${payload.length} bytes exceeds the device's max_payload of ${limit}`));
    }
    return new Promise<DeviceMessage>((resolve, reject) => {
      const done = () => {
        this.pending.delete(seq);
        if (this.controlSeq === seq) this.controlSeq = 0;
      };
      const timer = setTimeout(() => {
        done();
        this.stats.timeouts++;
        reject(new AttemptLost('timeout'));
      }, timeoutMs);
      this.pending.set(seq, {
        replyKind: REPLY_KINDS[body.kind],
        context: `${body.kind} ${seq}`,
        resolve: (msg) => { clearTimeout(timer); done(); resolve(msg); },
        reject: (err) => { clearTimeout(timer); done(); reject(err); },
      });
      if (fastRetry) this.controlSeq = seq;
      const frame = encodeFrame(payload);
      this.stats.framesTx++;
      this.stats.bytesTx += frame.length;
      this.lastActivity = Date.now();
      transport.write(frame);
    });
  }

  private nextSeq(): number {
    this.seq = this.seq === 0xffffffff ? 1 : this.seq + 1;
    return this.seq;
  }

  private async windowSlot(): Promise<void> {
    if (this.inFlightCandidates < this.info.window) {
      this.inFlightCandidates++;
      return;
    }
    await new Promise<void>((resolve, reject) => this.windowWaiters.push({ resolve, reject }));
  }

  private releaseWindowSlot(): void {
    const next = this.windowWaiters.shift();
    if (next) next.resolve(); // the slot passes straight to the next candidate
    else this.inFlightCandidates--;
  }

  // --- receiving --------------------------------------------------------------------------------

  private receive(chunk: Uint8Array): void {
    this.stats.bytesRx += chunk.length;
    this.lastActivity = Date.now();
    for (const event of this.deframer.push(chunk)) {
      if (!event.ok) {
        if (event.error.kind === 'crc') this.stats.crcErrors++;
        else this.stats.frameErrors++;
        this.frameLost();
        continue;
      }
      this.stats.framesRx++;
      let msg: DeviceMessage;
      try {
        msg = decodeDevice(event.payload);
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        this.stats.decodeErrors++;
        this.frameLost();
        continue;
      }
      this.dispatch(msg);
    }
  }

  private dispatch(msg: DeviceMessage): void {
    if (msg.kind === 'error' && msg.seq === 0) {
      // The device could not read a frame of ours (or could not tell whose it was).
      this.stats.deviceFrameErrors++;
      this.frameLost();
      return;
    }
    if (msg.kind === 'solution') {
      // Unsolicited: the search that sends it was started (and acknowledged) earlier.
      this.stats.unsolicited++;
      this.emit('solution', msg);
      return;
    }
    this.stats.replies++;
    const p = this.pending.get(msg.seq);
    if (!p) {
      this.stats.staleReplies++;
      return;
    }
    if (msg.kind === 'error') p.reject(new DeviceError(msg.code, msg.arg, msg.seq, p.context));
    else if (msg.kind !== p.replyKind) p.reject(new ProtocolError(`device answered ${p.context} with ${msg.kind}, expected ${p.replyKind}`));
    else p.resolve(msg);
  }

  /** A frame was lost on the way: it may have been the reply to the control request in flight, so retry that now rather than at its timeout. */
  private frameLost(): void {
    const p = this.controlSeq ? this.pending.get(this.controlSeq) : undefined;
    p?.reject(new AttemptLost('garbled'));
  }

  // --- heartbeat --------------------------------------------------------------------------------

  private startHeartbeat(): void {
    const every = this.opts.heartbeatMs;
    if (every <= 0) return;
    this.heartbeat = setInterval(() => {
      const idle = Date.now() - this.lastActivity >= every;
      if (this.state === 'connected' && idle && this.pending.size === 0) {
        // Failure is handled inside: exhausted retries start a reconnection.
        this.request({ kind: 'echo', data: new Uint8Array() }).catch(() => undefined);
      }
    }, Math.max(10, Math.floor(every / 4)));
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}

/** HelloReply.search as named fields; undefined when empty or 0 chains. A short list breaks the protocol. */
function searchCapacities(search: readonly number[]): SearchCapacities | undefined {
  if (search.length === 0) return undefined;
  if (search.length < 5) {
    throw new ProtocolError(`device search capacities have ${search.length} entries, expected 5 (chains, max_vars, max_values, max_clauses, max_literals)`);
  }
  const [chains, maxVars, maxValues, maxClauses, maxLiterals, booleans = 0] = search as [number, number, number, number, number, number?];
  if (chains === 0) return undefined;
  return { chains, maxVars, maxValues, maxClauses, maxLiterals, ...(booleans !== 0 ? { booleansOnly: true } : {}) };
}

function versionError(deviceVersion: number): ProtocolError {
  return new ProtocolError(`device speaks protocol version ${deviceVersion}, this host speaks ${PROTOCOL_VERSION}`);
}
