// The Validator port on a real device (an FPGA board or the Verilator simulation) through the
// link's ValidatorClient: program load, candidates streamed within the device's window. Link
// failures become DeviceLostError, so the solve loop reconnects, reloads and retries the batch;
// a program the device cannot take becomes ProgramRejectedError, which fails the job at once.
// A program identical to the one the device still holds is not sent again (a reconnect or a
// lost batch forgets it). openDevice() also starts the simulator when no device is configured.

import type { Logger } from 'pino';
import { packIndices } from '../model/pack.ts';
import type { Program } from '../model/program.ts';
import { ErrorCode } from '../link/codec.ts';
import { LinkError } from '../link/errors.ts';
import { DeviceSession, type DeviceInfo } from '../link/session.ts';
import { startSimulator } from '../link/simulator.ts';
import { ProgramCapacityError, ProgramLoadError, ValidatorClient, programImage } from '../link/validator-client.ts';
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

/**
 * Opens the device at `target` (a serial device at `baud`, default the link's), or starts the
 * simulator and opens that when target is undefined.
 */
export async function openDevice(target: string | undefined, logger: Logger, baud?: number): Promise<OpenedDevice> {
  const simulator = target === undefined ? await startSimulator() : undefined;
  const port = target ?? simulator!.path;
  if (simulator) logger.info({ port, pid: simulator.pid }, 'started the simulator');
  let session: DeviceSession;
  try {
    session = await DeviceSession.open(port, target !== undefined && baud !== undefined ? { baud } : {});
  } catch (err) {
    await simulator?.stop();
    throw err;
  }
  session.on('disconnect', (reason: Error) => logger.warn({ port, reason: reason.message }, 'device disconnected, reconnecting'));
  session.on('reconnect', (info: DeviceInfo) => logger.info({ port, deviceId: info.deviceId }, 'device reconnected'));
  const gone = new Promise<void>((resolve) => session.once('gone', (err: Error) => {
    logger.error({ port, err: err.message }, 'device gone');
    resolve();
  }));
  logger.info({ port, device: session.info }, 'device ready');
  const validator = new DeviceValidator(session);
  return {
    validator,
    ...(session.info.search ? { search: new DeviceSearch(session, validator) } : {}),
    port,
    simulated: simulator !== undefined,
    handshake: { ...session.info },
    gone,
    async close() {
      await session.close();
      await simulator?.stop();
    },
  };
}
