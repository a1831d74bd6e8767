// Reads a server-sent event stream to its end (or a timeout) and returns the parsed events.

import { readSse } from '../../src/cli/sse.ts';

export interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

export async function readEventStream(url: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<{ status: number; events: SseEvent[] }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const events: SseEvent[] = [];
  if (!res.body) return { status: res.status, events };
  for await (const { event, id, data } of readSse(res.body as AsyncIterable<Uint8Array>)) {
    events.push({ event, ...(id !== undefined ? { id } : {}), data: JSON.parse(data) });
  }
  return { status: res.status, events };
}
