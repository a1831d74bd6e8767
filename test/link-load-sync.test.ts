// LoadSync's answer to "did the device get the chunk whose reply was lost?" from the signs a sync
// leaves: the device's frame count against the replies seen, late (stale) replies by kind, and
// how each failed Counters attempt failed. A scripted session stands in for the link; the real
// link under noise is test/link-noise.test.ts.

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DeviceTimeoutError } from '../src/link/errors.ts';
import { emptyLoadStats, LoadSync } from '../src/link/load-sync.ts';
import type { DeviceSession } from '../src/link/session.ts';

/** How one Counters attempt ends: answered with the device's frame count, or failed on a sign. */
type Step = { framesRx: number } | { fail: 'there' | 'here' | 'timeout'; staleAfter?: 'counters' | 'ack' };

class ScriptedSession extends EventEmitter {
  stats = { replies: 0, staleReplies: 0, deviceFrameErrors: 0, crcErrors: 0, frameErrors: 0, decodeErrors: 0, timeouts: 0 };
  constructor(private readonly steps: Step[]) {
    super();
  }
  counters() {
    return { ...this.stats };
  }
  /** A reply to a request that gave up earlier. */
  stale(kind: 'counters' | 'ack'): void {
    this.stats.replies++;
    this.stats.staleReplies++;
    this.emit('stale', { kind, seq: 99 });
  }
  /** A reply that was garbled on the way here: the device counted the frame, the host saw no reply. */
  async request(): Promise<{ framesRx: number }> {
    const step = this.steps.shift();
    if (!step) throw new Error('script ran out');
    if ('framesRx' in step) {
      this.stats.replies++;
      return { framesRx: step.framesRx };
    }
    if (step.fail === 'there') this.stats.deviceFrameErrors++;
    if (step.fail === 'here') this.stats.crcErrors++;
    if (step.fail === 'timeout') this.stats.timeouts++;
    if (step.staleAfter) this.stale(step.staleAfter);
    throw new DeviceTimeoutError('scripted');
  }
}

/**
 * A sync after one chunk whose reply was lost. Before it the device had received 10 frames and
 * the host seen 10 replies (the baseline read is the 11th of each).
 */
async function afterLostChunk(steps: Step[]): Promise<boolean> {
  const session = new ScriptedSession([{ framesRx: 11 }, ...steps]);
  session.stats.replies = 10;
  const sync = new LoadSync(session as unknown as DeviceSession, emptyLoadStats());
  await sync.start();
  try {
    return await sync.received();
  } finally {
    sync.close();
    expect(session.listenerCount('stale')).toBe(0);
  }
}

describe('LoadSync.received', () => {
  it('a clean sync: the count grew by one exactly when the chunk arrived', async () => {
    // Frames since the baseline: the chunk (if it arrived) and this Counters.
    expect(await afterLostChunk([{ framesRx: 13 }])).toBe(true);
    expect(await afterLostChunk([{ framesRx: 12 }])).toBe(false);
  });

  it('a stale Ack is the chunk\'s own reply: it arrived', async () => {
    // The Ack came late: the device counted the chunk and the host counted a (stale) reply.
    const session = new ScriptedSession([{ framesRx: 11 }, { framesRx: 13 }]);
    session.stats.replies = 10;
    const sync = new LoadSync(session as unknown as DeviceSession, emptyLoadStats());
    await sync.start();
    session.stale('ack');
    expect(await sync.received()).toBe(true);
    sync.close();
  });

  it('a Counters attempt that failed on the device\'s Error did not arrive: the growth is the chunk\'s', async () => {
    // Chunk arrived (reply lost), the first Counters garbled on the way (not counted), the second answered.
    expect(await afterLostChunk([{ fail: 'there' }, { framesRx: 13 }])).toBe(true);
    // Neither arrived.
    expect(await afterLostChunk([{ fail: 'there' }, { framesRx: 12 }])).toBe(false);
  });

  it('a Counters attempt that failed on a garbled reply here arrived: the growth is its own', async () => {
    // The first Counters arrived (counted) and its reply was garbled; the chunk did not arrive.
    expect(await afterLostChunk([{ fail: 'here' }, { framesRx: 13 }])).toBe(false);
    // Both arrived, both replies lost.
    expect(await afterLostChunk([{ fail: 'here' }, { framesRx: 14 }])).toBe(true);
  });

  it('a Counters attempt whose reply came late arrived, whatever the sign', async () => {
    // The Error was the chunk's (garbled chunk), the Counters reply came after its attempt gave up.
    expect(await afterLostChunk([{ fail: 'there', staleAfter: 'counters' }, { framesRx: 13 }])).toBe(false);
  });

  it('without a sign (a timeout) only the two ends are certain; in between it guesses "not received"', async () => {
    expect(await afterLostChunk([{ fail: 'timeout' }, { framesRx: 12 }])).toBe(false);
    expect(await afterLostChunk([{ fail: 'timeout' }, { framesRx: 13 }])).toBe(false);
    expect(await afterLostChunk([{ fail: 'timeout' }, { framesRx: 14 }])).toBe(true);
  });
});
