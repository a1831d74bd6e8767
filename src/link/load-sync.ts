// Selective retry of chunked loads (program and search tables): after a chunk got no reply, find
// out whether the device received it, without disturbing the load, from the device's count of
// frames received intact (Counters.frames_rx) against the host's count of replies seen
// (LinkCounters.replies). The device answers every frame it reads intact exactly once, in order,
// so when a Counters reply arrives every earlier reply has arrived or is lost for good, and
//     lost = frames_rx - replies
// grows by one for each frame the device received whose reply the host never saw. A chunk whose
// attempt ended without a reply was received exactly when `lost` grew by one for it, or when its
// reply came after the attempt gave up (a stale reply: LinkCounters.staleReplies).
//
// The answer is a best guess when the Counters requests themselves lost replies (or a heartbeat
// did meanwhile); a wrong guess is always caught by the device (a chunk at the wrong offset,
// a table CRC mismatch), and the caller then restarts the load from its begin.
//
// docs/link-protocol.md, "Program load" and "Retries, timeouts and reconnection".

import { DeviceTimeoutError } from './errors.ts';
import type { DeviceSession } from './session.ts';

/** Attempts at one Counters read of a sync before DeviceTimeoutError. */
const SYNC_ATTEMPTS = 8;

/** What a load did on a noisy link, for tests and logs. */
export interface LoadStats {
  /** Loads started from the begin message (1 on a clean link). */
  starts: number;
  /** Chunks sent, first sends and re-sends. */
  chunksSent: number;
  /** Chunks sent again after their first send was lost. */
  chunksResent: number;
  /** Chunks whose reply was lost but which the device had received (not re-sent). */
  chunksRecovered: number;
  /** Counters reads made to find out what arrived. */
  syncs: number;
  /** Why each earlier start was abandoned (error messages). */
  restarts: string[];
}

export function emptyLoadStats(): LoadStats {
  return { starts: 0, chunksSent: 0, chunksResent: 0, chunksRecovered: 0, syncs: 0, restarts: [] };
}

export class LoadSync {
  private lost = 0;
  private stale = 0;

  constructor(private readonly session: DeviceSession, private readonly stats: LoadStats) {}

  /** Read the baseline (call right after the begin message was acknowledged). */
  async start(): Promise<void> {
    this.lost = (await this.read()).lost;
    this.stale = this.session.counters().staleReplies;
  }

  /**
   * After a request that got no reply: whether the device received it. Between the last sync and
   * this one every other request must have had its reply.
   */
  async received(): Promise<boolean> {
    const before = this.lost;
    const { lost, failed } = await this.read();
    this.lost = lost;
    const stale = this.session.counters().staleReplies;
    // Frames the device received since the last sync whose reply never matched: lost or late.
    const grew = lost - before + (stale - this.stale);
    this.stale = stale;
    // Each failed Counters attempt may or may not have reached the device: only the two ends are
    // certain. In between, guess "not received" (a chunk is a long frame, its reply a short one).
    if (grew <= 0) return false;
    if (failed === 0) return grew === 1;
    return grew === failed + 1;
  }

  private async read(): Promise<{ lost: number; failed: number }> {
    for (let failed = 0; failed < SYNC_ATTEMPTS; failed++) {
      this.stats.syncs++;
      try {
        const c = await this.session.request({ kind: 'counters' }, { retry: false, fastFail: true });
        return { lost: (c.framesRx - this.session.counters().replies) | 0, failed };
      } catch (err) {
        if (!(err instanceof DeviceTimeoutError)) throw err;
      }
    }
    throw new DeviceTimeoutError(`no reply to counters after ${SYNC_ATTEMPTS} attempts (load resync)`);
  }
}
