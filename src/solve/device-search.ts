// The SearchDevice port on a real device (a board or the Verilator simulation) through the link's
// SearchClient, sharing the DeviceValidator's program load so that both modes agree on what the
// device holds. Link failures become DeviceLostError (the search loop loads again and restarts
// with a new seed); a program or tables the device cannot take become ProgramRejectedError,
// which fails the job at once. Tables identical to the ones the device still holds are not sent
// again; a reconnect (the device was reset) forgets them.

import type { Program } from '../model/program.ts';
import type { SearchTables } from '../model/search-tables.ts';
import { LinkError } from '../link/errors.ts';
import {
  SearchCapacityError, SearchClient, SearchUnsupportedError, type SearchRun, type SearchStatusReport,
  SEARCH_STATE_SEARCHING,
} from '../link/search-client.ts';
import type { DeviceSession } from '../link/session.ts';
import { capacityProblem, hasValidator } from '../link/validator-client.ts';
import { crc32 } from '../model/crc32.ts';
import type { DeviceValidator } from './device-validator.ts';
import {
  DeviceLostError, ProgramRejectedError, type DeviceSolution, type SearchDevice, type SearchLimits, type SearchProgress,
  type SearchRunSettings,
} from './ports.ts';

/** SearchStart's program id on a device without a validator, which checks none (echoed in Solutions). */
const NO_PROGRAM_ID = 1;

export class DeviceSearch implements SearchDevice {
  private readonly client: SearchClient;
  private held: string | null = null;
  private run: SearchRun | null = null;
  private candidateBytes = 0;
  private dropped = 0;

  /** Throws SearchUnsupportedError when the device's handshake offers no search engine. */
  constructor(private readonly session: DeviceSession, private readonly validator: DeviceValidator) {
    this.client = new SearchClient(session);
    // A lost connection resets the device when it comes back: what it held is gone from then on.
    const forget = () => {
      this.held = null;
    };
    session.on('disconnect', forget);
    session.on('reconnect', forget);
  }

  get deviceId(): string {
    return this.session.info.deviceId;
  }

  get limits(): SearchLimits {
    return this.client.capacities;
  }

  async load(program: Program, tables: SearchTables): Promise<void> {
    if (hasValidator(this.session.info)) await this.validator.load(program);
    else {
      // A search-only device proves from its tables alone: the program beside them must be empty.
      const problem = capacityProblem(program, this.session.info);
      if (problem) throw new ProgramRejectedError(`device ${this.deviceId}: ${problem.message}`);
    }
    this.candidateBytes = program.candidateBytes;
    const identity = tablesIdentity(tables);
    if (identity === this.held) return;
    this.held = null;
    try {
      await this.client.loadTables(tables);
      this.held = identity;
    } catch (err) {
      if (err instanceof SearchCapacityError || err instanceof SearchUnsupportedError) {
        throw new ProgramRejectedError(`device ${this.deviceId}: ${err.message}`);
      }
      throw asDeviceLost(err, 'search table load');
    }
  }

  async sendPrior(prior: Uint8Array): Promise<void> {
    try {
      await this.client.sendPrior(prior);
    } catch (err) {
      throw this.lost(err, 'prior');
    }
    // A Prior is retried across a reconnection, so it may have reached a device reset meanwhile.
    if (this.held === null) throw this.gone('prior');
  }

  async start(settings: SearchRunSettings): Promise<void> {
    if (this.held === null) throw this.gone('search start');
    try {
      this.run = await this.client.start({
        programId: hasValidator(this.session.info) ? this.validator.programId : NO_PROGRAM_ID, seed: settings.seed, flipBudget: settings.flipBudget, noise: settings.noise256,
        maxSolutions: settings.maxSolutions, candidateBytes: this.candidateBytes,
        onDrop: () => { this.dropped++; },
      });
    } catch (err) {
      throw this.lost(err, 'search start');
    }
  }

  async nextSolution(timeoutMs: number): Promise<DeviceSolution | null> {
    const run = this.run;
    if (!run) return null;
    try {
      const s = await run.next(timeoutMs);
      return s ? { packed: s.values, flips: s.flips, cycles: s.cycles } : null;
    } catch (err) {
      throw this.lost(err, 'search');
    }
  }

  async status(): Promise<SearchProgress> {
    try {
      return progress(await this.client.status());
    } catch (err) {
      throw this.lost(err, 'search status');
    }
  }

  async stop(): Promise<SearchProgress> {
    try {
      return progress(await this.client.stop());
    } catch (err) {
      throw this.lost(err, 'search stop');
    } finally {
      this.run = null;
    }
  }

  droppedSolutions(): number {
    return this.dropped;
  }

  linkBytes(): number {
    const c = this.session.counters();
    return c.bytesTx + c.bytesRx;
  }

  /** The connection was lost since the tables were loaded: the device holds neither them nor the program. */
  private gone(what: string): DeviceLostError {
    this.validator.forget();
    this.run = null;
    return new DeviceLostError(`${what}: the connection was lost since the search tables were loaded`);
  }

  /** A link failure: the device may hold nothing of ours any more. */
  private lost(err: unknown, what: string): Error {
    if (err instanceof LinkError) {
      this.held = null;
      this.validator.forget();
      this.run = null;
    }
    return asDeviceLost(err, what);
  }
}

function progress(r: SearchStatusReport): SearchProgress {
  return {
    searching: r.state === SEARCH_STATE_SEARCHING, flips: r.flips, restarts: r.restarts, cycles: r.cycles,
    solutions: r.solutions, rejects: r.rejects, unsat: r.unsat, bestUnsat: r.bestUnsat,
  };
}

function tablesIdentity(t: SearchTables): string {
  let crc = 0;
  for (const name of ['vars', 'clauses', 'literals', 'values', 'occurrences'] as const) {
    const w = t.sections[name];
    crc = crc32(new Uint8Array(w.buffer, w.byteOffset, w.byteLength), crc);
  }
  return `${crc}:${t.numVars}:${t.numValues}:${t.numClauses}:${t.numLiterals}`;
}

function asDeviceLost(err: unknown, what: string): Error {
  return err instanceof LinkError ? new DeviceLostError(`${what}: ${err.message}`) : (err as Error);
}
