// What a chunked load took, as both load clients (validator-client.ts, search-client.ts) report
// it. Since protocol version 2 the device drops the bytes of a chunk it already has, so a chunk
// whose reply was lost is simply sent again: a load on a noisy link costs re-sends, not restarts
// (docs/link-protocol.md, "Retries, timeouts and reconnection").

/** What a load did on a noisy link, for tests and logs. */
export interface LoadStats {
  /** Loads started from the begin message (1 on a clean link). */
  starts: number;
  /** Chunks sent, first sends and re-sends. */
  chunksSent: number;
  /** Chunks sent again after an attempt got no reply. */
  chunksResent: number;
  /** Why each earlier start was abandoned (error messages). */
  restarts: string[];
}

export function emptyLoadStats(): LoadStats {
  return { starts: 0, chunksSent: 0, chunksResent: 0, restarts: [] };
}
