// The page's calls to the API: the API key from localStorage in an Authorization header (never
// in a URL), errors in the API's shape as ApiFailure, 429 answers waited out once (Retry-After),
// and the job event stream read through fetch (EventSource cannot send the header).

const KEY = 'hilsolve.apiKey';

export const apiKey = {
  get: (): string | null => localStorage.getItem(KEY),
  set: (key: string): void => localStorage.setItem(KEY, key),
  clear: (): void => localStorage.removeItem(KEY),
};

export class ApiFailure extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

/** Longest Retry-After the page waits for before it reports the 429. */
const MAX_RETRY_WAIT_S = 10;

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey.get();
  if (key === null) throw new ApiFailure(401, 'unauthorized', 'enter an API key first');
  return { authorization: `Bearer ${key}`, ...extra };
}

async function failure(res: Response): Promise<ApiFailure> {
  const body = await res.json().catch(() => null) as { error?: { code?: string; message?: string } } | null;
  return new ApiFailure(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `HTTP ${res.status}`);
}

export async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const init: RequestInit = { method, headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }) };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (signal) init.signal = signal;
    const res = await fetch(path, init);
    if (res.ok) return await res.json() as T;
    const wait = Number(res.headers.get('retry-after'));
    if (res.status === 429 && attempt === 0 && wait > 0 && wait <= MAX_RETRY_WAIT_S) {
      await new Promise((r) => setTimeout(r, wait * 1000));
      continue;
    }
    throw await failure(res);
  }
}

export interface StreamEvent { event: string; data: unknown; id?: string }

/**
 * Follows GET /v1/jobs/:id/events from solution `after` until a final status (or `signal`
 * aborts), reconnecting after a dropped stream or a `shutdown` with the last solution index.
 */
export async function follow(id: string, after: number, onEvent: (ev: StreamEvent) => void, signal: AbortSignal): Promise<void> {
  let last = after;
  let finished = false;
  while (!finished && !signal.aborted) {
    try {
      const res = await fetch(`/v1/jobs/${encodeURIComponent(id)}/events?after=${last}`, { headers: headers({ accept: 'text/event-stream' }), signal });
      if (!res.ok) throw await failure(res);
      for await (const ev of events(res.body!)) {
        if (ev.id !== undefined) last = Number(ev.id);
        if (ev.event === 'status' && ['succeeded', 'failed', 'cancelled'].includes((ev.data as { status: string }).status)) finished = true;
        onEvent(ev);
      }
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiFailure && err.status !== 429 && err.status < 500) throw err;
    }
    if (!finished) await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Server-sent events from a response body (comments and keep-alives skipped). */
async function* events(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const ev: StreamEvent = { event: 'message', data: null };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const field = line.slice(0, colon);
        const text = line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') ev.event = text;
        else if (field === 'id') ev.id = text;
        else if (field === 'data') data.push(text);
      }
      if (data.length === 0) continue;
      ev.data = JSON.parse(data.join('\n'));
      yield ev;
    }
  }
}
