// The Validator port on a real device (an FPGA board or the Verilator simulation) through a
// DeviceSession: program load, candidates pipelined within the device's window, link failures
// turned into DeviceLostError so the solve loop reconnects, reloads and retries the batch.
// openDevice() also starts the simulator when no device is configured.

import type { Logger } from 'pino';
import { packIndices } from '../model/pack.ts';
import { constraintCount, type Program } from '../model/program.ts';
import { ChunkKind } from '../link/codec.ts';
import { DeviceError, LinkError } from '../link/errors.ts';
import { DeviceSession, type DeviceInfo } from '../link/session.ts';
import { startSimulator } from '../link/simulator.ts';
import { programImage } from '../link/validator-client.ts';
import type { DeviceHandle } from '../queue/worker.ts';
import { DeviceLostError, ProgramRejectedError, type Validator, type Verdict } from './ports.ts';

/** Room in a frame for a chunk's header fields, next to its data. */
const CHUNK_OVERHEAD = 32;

export class DeviceValidator implements Validator {
  private programId = 0;
  private widths: readonly number[] = [];

  constructor(private readonly session: DeviceSession) {}

  get deviceId(): string {
    return this.session.info.deviceId;
  }

  async load(program: Program): Promise<void> {
    const info = this.session.info;
    checkCapacity(program, info);
    const image = programImage(program);
    this.programId = (this.programId % 0xffff_fffe) + 1;
    this.widths = program.widths;
    const chunk = Math.max(8, (info.maxPayload - CHUNK_OVERHEAD) & ~7);
    try {
      await this.session.request({
        kind: 'programBegin', programId: this.programId, numVars: program.numVars,
        numWords: program.words.length, numConstraints: constraintCount(program),
      });
      for (const [chunkKind, bytes] of [[ChunkKind.WIDTHS, image.widths], [ChunkKind.WORDS, image.words]] as const) {
        for (let offset = 0; offset < bytes.length; offset += chunk) {
          await this.session.request({ kind: 'programChunk', chunkKind, offset, data: bytes.subarray(offset, offset + chunk) });
        }
      }
      await this.session.request({ kind: 'programEnd', crc: image.crc });
    } catch (err) {
      throw asDeviceLost(err, 'program load');
    }
  }

  async validate(candidates: number[][]): Promise<Verdict[]> {
    try {
      const verdicts = await Promise.all(candidates.map((c) =>
        this.session.sendCandidate({ programId: this.programId, values: packIndices(this.widths, c) })));
      return verdicts.map((v) => ({ ok: v.ok, count: v.violatedCount, violated: v.violated }));
    } catch (err) {
      throw asDeviceLost(err, 'validation');
    }
  }

  linkBytes(): number {
    const c = this.session.counters();
    return c.bytesTx + c.bytesRx;
  }
}

function checkCapacity(program: Program, info: DeviceInfo): void {
  const over: string[] = [];
  if (program.numVars > info.maxVars) over.push(`${program.numVars} variables (device: ${info.maxVars})`);
  if (program.words.length > info.maxWords) over.push(`${program.words.length} program words (device: ${info.maxWords})`);
  if (constraintCount(program) > info.maxConstraints) over.push(`${constraintCount(program)} constraints (device: ${info.maxConstraints})`);
  if (over.length > 0) throw new ProgramRejectedError(`the problem does not fit device ${info.deviceId}: ${over.join(', ')}`);
}

/** Link failures become DeviceLostError (reconnect, reload, retry); a refused program stays final. */
function asDeviceLost(err: unknown, what: string): Error {
  if (err instanceof DeviceError && /CAPACITY|BAD_VARIABLE|BAD_OPCODE|BAD_WIDTH/.test(err.codeName)) {
    return new ProgramRejectedError(`the device refused the program: ${err.message}`);
  }
  if (err instanceof LinkError) return new DeviceLostError(`${what}: ${err.message}`);
  return err as Error;
}

export interface OpenedDevice extends DeviceHandle {
  /** Resolves when the session gave up reconnecting: the worker should stop. */
  gone: Promise<void>;
  close(): Promise<void>;
}

/** Opens the device at `target`, or starts the simulator and opens that when target is undefined. */
export async function openDevice(target: string | undefined, logger: Logger): Promise<OpenedDevice> {
  const simulator = target === undefined ? await startSimulator() : undefined;
  const port = target ?? simulator!.path;
  if (simulator) logger.info({ port, pid: simulator.pid }, 'started the simulator');
  let session: DeviceSession;
  try {
    session = await DeviceSession.open(port);
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
  return {
    validator: new DeviceValidator(session),
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
