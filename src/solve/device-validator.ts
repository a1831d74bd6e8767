// The Validator port on a real device (an FPGA board or the Verilator simulation) through the
// link's ValidatorClient: program load, candidates streamed within the device's window. Link
// failures become DeviceLostError, so the solve loop reconnects, reloads and retries the batch;
// a program the device cannot take becomes ProgramRejectedError, which fails the job at once.
// A program identical to the one the device still holds is not sent again (a reconnect or a
// lost batch forgets it). openDevice() also starts the simulator when no device is configured,
// and restarts it (a new pty) when it exits.

import type { Logger } from 'pino';
import { packIndices } from '../model/pack.ts';
import type { Program } from '../model/program.ts';
import { ErrorCode } from '../link/codec.ts';
import { DeviceGoneError, DeviceOpenError, LinkError } from '../link/errors.ts';
import { DeviceSession, type DeviceInfo, type SessionOptions } from '../link/session.ts';
import { startSimulator, type RunningSimulator } from '../link/simulator.ts';
import { openTransport } from '../link/transport.ts';
import { ProgramCapacityError, ProgramLoadError, ValidatorClient, hasValidator, programImage } from '../link/validator-client.ts';
import { DeviceSearch } from './device-search.ts';
import type { DeviceHandle } from './ports.ts';
import { DeviceLostError, ProgramRejectedError, type Validator, type Verdict } from './ports.ts';

/** Device refusals that say the program itself does not fit or is malformed: retrying cannot help. */
const FINAL_LOAD_ERRORS: ReadonlySet<number> = new Set([
  ErrorCode.CAPACITY, ErrorCode.BAD_VARIABLE, ErrorCode.BAD_OPCODE, ErrorCode.BAD_WIDTH,
]);

export class DeviceValidator implements Validator {
  private readonly client: ValidatorClient;
  private loadedId = 0;
  private widths: readonly number[] = [];
  /** Identity of the program the device holds, while it holds it. */
  private held: string | null = null;

  constructor(private readonly session: DeviceSession) {
    this.client = new ValidatorClient(session);
    // A lost connection resets the device when it comes back: the program is gone from then on.
    session.on('disconnect', () => (this.held = null));
    session.on('reconnect', () => (this.held = null));
  }

  get deviceId(): string {
    return this.session.info.deviceId;
  }

  /** The id of the program loaded last (what a SearchStart names). */
  get programId(): number {
    return this.loadedId;
  }

  /** The device may no longer hold the program (a link failure elsewhere): load it again next time. */
  forget(): void {
    this.held = null;
  }

  async load(program: Program): Promise<void> {
    if (!hasValidator(this.session.info)) throw this.noValidator();
    const identity = programIdentity(program);
    if (identity === this.held) return;
    this.held = null;
    this.loadedId = (this.loadedId % 0xffff_fffe) + 1;
    this.widths = program.widths;
    try {
      await this.client.loadProgram(program, this.loadedId);
      this.held = identity;
    } catch (err) {
      if (err instanceof ProgramCapacityError || (err instanceof ProgramLoadError && FINAL_LOAD_ERRORS.has(err.code))) {
        throw new ProgramRejectedError(`device ${this.session.info.deviceId}: ${err.message}`);
      }
      throw asDeviceLost(err, 'program load');
    }
  }

  async *validate(candidates: number[][]): AsyncGenerator<Verdict> {
    if (!hasValidator(this.session.info)) throw this.noValidator();
    const verdicts = this.client.validate(candidates.map((c) => packIndices(this.widths, c)));
    for (;;) {
      let next: IteratorResult<{ ok: boolean; violatedCount: number; violated: number[] }>;
      try {
        next = await verdicts.next();
      } catch (err) {
        this.held = null;
        throw asDeviceLost(err, 'validation');
      }
      if (next.done) return;
      const v = next.value;
      yield { ok: v.ok, count: v.violatedCount, violated: v.violated };
    }
  }

  private noValidator(): ProgramRejectedError {
    return new ProgramRejectedError(`device ${this.session.info.deviceId} has no validator (a search-only build): validate mode cannot run on it, only search mode on problems its search engine takes`);
  }

  linkBytes(): number {
    const c = this.session.counters();
    return c.bytesTx + c.bytesRx;
  }
}

function programIdentity(program: Program): string {
  const image = programImage(program);
  return `${image.crc}:${program.numVars}:${program.words.length}:${program.candidateBytes}`;
}

function asDeviceLost(err: unknown, what: string): Error {
  return err instanceof LinkError ? new DeviceLostError(`${what}: ${err.message}`) : (err as Error);
}

export interface OpenedDevice extends DeviceHandle {
  /** Resolves when the session gave up reconnecting: the worker should stop. */
  gone: Promise<void>;
  close(): Promise<void>;
}

/** A simulator this process started is restarted at most this often within RESTART_WINDOW_MS; one more exit and the device is gone. */
export const SIMULATOR_RESTARTS = 3;
export const RESTART_WINDOW_MS = 60_000;

export interface OpenDeviceOptions {
  /** How to start the simulator (tests); default startSimulator(). */
  startSimulator?: () => Promise<RunningSimulator>;
}

/**
 * Opens the device at `target` (a serial device at `baud`, default the link's), or starts the
 * simulator and opens that when target is undefined.
 *
 * A simulator started here is watched: when it exits, its session is moved at once (relocate) to
 * a new simulator, started in its place, so the running job sees a DeviceLostError and loads its
 * program again on the new one. Its pseudo-terminal is never opened again: every open goes
 * through simulatorOpener(), which refuses a path that is not the current simulator's or whose
 * simulator no longer runs (a freed /dev/pts/N may belong to another process by then). More than
 * SIMULATOR_RESTARTS exits within RESTART_WINDOW_MS and the device is gone.
 */
export async function openDevice(
  target: string | undefined, logger: Logger, baud?: number, options: OpenDeviceOptions = {},
): Promise<OpenedDevice> {
  const start = options.startSimulator ?? (() => startSimulator());
  let simulator = target === undefined ? await start() : undefined;
  const port = target ?? simulator!.path;
  if (simulator) logger.info({ port, pid: simulator.pid }, 'started the simulator');
  let session: DeviceSession;
  try {
    session = await DeviceSession.open(port, simulator
      ? { open: simulatorOpener(() => simulator) }
      : target !== undefined && baud !== undefined ? { baud } : {});
  } catch (err) {
    await simulator?.stop();
    throw err;
  }
  session.on('disconnect', (reason: Error) => logger.warn({ port: session.target, reason: reason.message }, 'device disconnected, reconnecting'));
  session.on('reconnect', (info: DeviceInfo) => logger.info({ port: session.target, deviceId: info.deviceId }, 'device reconnected'));
  const gone = new Promise<void>((resolve) => session.once('gone', (err: Error) => {
    logger.error({ port: session.target, err: err.message }, 'device gone');
    resolve();
  }));
  logger.info({ port, device: session.info }, 'device ready');

  let closing = false;
  const restarts: number[] = [];
  const watch = (sim: RunningSimulator): void => {
    void sim.exited.then((code) => {
      if (closing || sim !== simulator) return;
      logger.warn({ port: sim.path, pid: sim.pid, code }, 'the simulator exited; its pty will not be opened again');
      const now = Date.now();
      while (restarts.length > 0 && now - restarts[0]! >= RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length >= SIMULATOR_RESTARTS) {
        session.abandon(new DeviceGoneError(
          `the simulator exited ${SIMULATOR_RESTARTS + 1} times within ${RESTART_WINDOW_MS / 1000} s; not restarting it again`));
        return;
      }
      restarts.push(now);
      session.relocate(async () => {
        let next: RunningSimulator;
        try {
          next = await start();
        } catch (err) {
          logger.error({ err: (err as Error).message }, 'could not restart the simulator');
          throw err;
        }
        if (closing) {
          await next.stop();
          throw new DeviceGoneError('closing');
        }
        simulator = next;
        watch(next);
        logger.info({ port: next.path, pid: next.pid, previous: sim.path, restart: restarts.length }, 'restarted the simulator');
        return next.path;
      });
    });
  };
  if (simulator) watch(simulator);

  const validator = new DeviceValidator(session);
  return {
    validator,
    ...(session.info.search ? { search: new DeviceSearch(session, validator) } : {}),
    get port() {
      return session.target;
    },
    simulated: simulator !== undefined,
    get handshake() {
      return { ...session.info };
    },
    gone,
    async close() {
      closing = true;
      await session.close();
      await simulator?.stop();
    },
  };
}

/**
 * The transport opener for a session on a simulator this process runs: opens `path` only while it
 * is the current simulator's and that simulator still runs (before and after the open, so a
 * simulator that died during it does not count either). A simulator that exited freed its pty
 * number for anyone; the session must never open it again.
 */
export function simulatorOpener(
  current: () => RunningSimulator | undefined,
  open: typeof openTransport = openTransport,
): NonNullable<SessionOptions['open']> {
  const ours = (path: string): boolean => {
    const sim = current();
    return sim !== undefined && sim.path === path && sim.running();
  };
  return async (path, handlers, options) => {
    if (!ours(path)) throw new DeviceOpenError(`${path}: not the pty of a running simulator of this process; not opening it`);
    const transport = await open(path, handlers, options);
    if (!ours(path)) {
      await transport.close();
      throw new DeviceOpenError(`${path}: its simulator exited while opening it`);
    }
    return transport;
  };
}
