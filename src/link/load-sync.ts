// Selective retry of chunked loads, as protocol version 1's program loads needed it (no load uses
// it since protocol version 2: its devices drop the bytes of a chunk they already have, so a chunk
// whose reply was lost is simply sent again; LoadStats is what both load clients report). After a
// chunk got no reply, find out whether the device received it, without disturbing the load, from the device's count of
// frames received intact (Counters.frames_rx) against the host's count of replies seen
// (LinkCounters.replies). The device answers every frame it reads intact exactly once, in order,
// so when a Counters reply arrives every earlier reply has arrived or is lost for good, and
//     lost = frames_rx - replies
// grows by one for each frame the device received whose reply the host never saw. A chunk whose
// attempt ended without a reply was received exactly when `lost` grew by one for it, or when its
// reply came after the attempt gave up (a stale reply: LinkCounters.staleReplies).
//
// When Counters attempts fail too, how they failed says whether they arrived:
// - a reply that comes after its attempt gave up (the attempt stops at the first garbled frame,
//   which may be an earlier one) is reported by the session as stale, with its kind: a stale Ack
//   or Error is the chunk's own reply, so the chunk arrived; a stale Counters reply is an attempt
//   that arrived;
// - an attempt that failed on a garbled frame received here (its reply) arrived; one that failed
//   on the device's Error for a garbled frame of ours (its request) did not.
// The answer is a best guess only where those signs are missing or mixed (timeouts; a heartbeat
// that lost its reply meanwhile); a wrong guess is always caught by the device (a chunk at the
// wrong offset), and the caller then restarts the load from its begin.
//
// Search-table loads need none of this: the device takes a SearchChunk's bytes past its decode
// point only, so src/link/search-client.ts sends a chunk whose reply was lost again as it is.
//
// docs/link-protocol.md, "Program load" and "Retries, timeouts and reconnection".

import type { DeviceMessage } from './codec.ts';
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
  /** Stale replies since the last sync: Counters replies, and the chunk's own (Ack or Error). */
  private staleCounters = 0;
  private staleChunk = 0;
  private readonly onStale = (reply: DeviceMessage) => {
    if (reply.kind === 'counters') this.staleCounters++;
    else if (reply.kind === 'ack' || reply.kind === 'error') this.staleChunk++;
  };

  constructor(private readonly session: DeviceSession, private readonly stats: LoadStats) {}

  /** Read the baseline (call right after the begin message was acknowledged); `close` when done. */
  async start(): Promise<void> {
    this.session.on('stale', this.onStale);
    this.lost = (await this.read()).lost;
    this.stale = this.session.counters().staleReplies;
    this.staleCounters = 0;
    this.staleChunk = 0;
  }

  close(): void {
    this.session.off('stale', this.onStale);
  }

  /**
   * After a request that got no reply: whether the device received it. Between the last sync and
   * this one every other request must have had its reply.
   */
  async received(): Promise<boolean> {
    const before = this.lost;
    const { lost, failed, garbledThere, garbledHere } = await this.read();
    this.lost = lost;
    const stale = this.session.counters().staleReplies;
    // Frames the device received since the last sync whose reply never matched: lost or late.
    const grew = lost - before + (stale - this.stale);
    this.stale = stale;
    const { staleCounters, staleChunk } = this;
    this.staleCounters = 0;
    this.staleChunk = 0;
    if (staleChunk > 0) return true;
    if (failed === 0) return grew === 1;
    // Every failed Counters attempt that arrived added one to `grew` (its reply came late or was
    // garbled). Those that failed on a garbled reply here arrived; those that failed on the
    // device's Error for a garbled frame did not (the garbled frame was the request); a late
    // reply is one that arrived whatever the sign. What is left of `grew` is the chunk's.
    if (garbledThere + garbledHere === failed) {
      const rest = grew - staleCounters - garbledHere;
      if (rest === 0 || rest === 1) return rest === 1;
    }
    // Otherwise (timeouts, mixed signs): only the two ends are certain; in between, guess "not
    // received" (a chunk is a long frame).
    const doubtful = failed - staleCounters;
    const rest = grew - staleCounters;
    if (rest <= 0) return false;
    if (doubtful <= 0) return rest === 1;
    return rest === doubtful + 1;
  }

  /**
   * One Counters read (retried up to SYNC_ATTEMPTS): `lost`, and how the failed attempts failed:
   * on the device's Error for a garbled frame of ours (`garbledThere`) or on a garbled frame
   * received here (`garbledHere`), one sign and not the other.
   */
  private async read(): Promise<{ lost: number; failed: number; garbledThere: number; garbledHere: number }> {
    let garbledThere = 0;
    let garbledHere = 0;
    for (let failed = 0; failed < SYNC_ATTEMPTS; failed++) {
      this.stats.syncs++;
      const c0 = this.session.counters();
      try {
        const c = await this.session.request({ kind: 'counters' }, { retry: false, fastFail: true });
        return { lost: (c.framesRx - this.session.counters().replies) | 0, failed, garbledThere, garbledHere };
      } catch (err) {
        if (!(err instanceof DeviceTimeoutError)) throw err;
        const c1 = this.session.counters();
        const there = c1.deviceFrameErrors - c0.deviceFrameErrors;
        const here = c1.crcErrors + c1.frameErrors + c1.decodeErrors - (c0.crcErrors + c0.frameErrors + c0.decodeErrors);
        if (there > 0 && here === 0) garbledThere++;
        if (here > 0 && there === 0) garbledHere++;
      }
    }
    throw new DeviceTimeoutError(`no reply to counters after ${SYNC_ATTEMPTS} attempts (load resync)`);
  }
}
