// Reads a server-sent event stream to its end (or a timeout) and returns the parsed events.

export interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

export async function readEventStream(url: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<{ status: number; events: SseEvent[] }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const events: SseEvent[] = [];
  if (!res.body) return { status: res.status, events };
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const ev: Partial<SseEvent> & { event?: string } = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const [field, ...rest] = line.split(': ');
        const value = rest.join(': ');
        if (field === 'event') ev.event = value;
        else if (field === 'id') ev.id = value;
        else if (field === 'data') ev.data = JSON.parse(value);
      }
      if (ev.event) events.push(ev as SseEvent);
    }
  }
  return { status: res.status, events };
}
