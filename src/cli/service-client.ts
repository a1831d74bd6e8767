// A client of the HTTP API (docs/api.md) for `hilsolve solve`: submit a job, follow it on its
// event stream (falling back to polling GET /v1/jobs/:id when the stream breaks), cancel it.
// A 4xx answer about the request is an InputError (exit 2); no answer, a 5xx or a broken
// service is a ServiceError (exit 3).

import type { JobView } from '../api/job-view.ts';
import { InputError } from '../model/errors.ts';
import type { ProblemFormat } from '../model/types.ts';
import type { JobOptions, Solution, SolveStats } from '../solve/types.ts';
import { readSse } from './sse.ts';

const POLL_MS = 250;
/** Consecutive failed polls before the service counts as gone. */
const POLL_FAILURES = 20;
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export class ServiceError extends Error {
  override name = 'ServiceError';
}

export interface JobSubmission {
  format: ProblemFormat;
  source: string;
  options: Partial<JobOptions>;
}

/** What a client learns while following a job. */
export type JobUpdate =
  | { type: 'status'; status: string }
  | { type: 'progress'; stats: SolveStats; solutionCount: number }
  | { type: 'solution'; solution: Solution };

/** A finished job with every solution it found. */
export type FinishedJob = Omit<JobView, 'solutions'> & { solutions: Solution[] };

export class ServiceClient {
  private readonly base: string;

  constructor(baseUrl: string, private readonly apiKey: string) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new InputError(`--server: '${baseUrl}' is not a URL (expected e.g. http://127.0.0.1:8080)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InputError(`--server: '${baseUrl}' is not an http:// or https:// URL`);
    }
    this.base = url.href.replace(/\/+$/, '');
  }

  /** POST /v1/jobs; returns the job id. */
  async submit(job: JobSubmission): Promise<string> {
    const body = await this.request('POST', '/v1/jobs', job);
    return (body as { id: string }).id;
  }

  async job(id: string, after = 0): Promise<JobView> {
    return (await this.request('GET', `/v1/jobs/${id}?after=${after}`)) as JobView;
  }

  /** GET /v1/devices: the devices of the workers connected to the service. */
  async devices(): Promise<unknown[]> {
    return ((await this.request('GET', '/v1/devices')) as { devices: unknown[] }).devices;
  }

  async cancel(id: string): Promise<void> {
    try {
      await this.request('DELETE', `/v1/jobs/${id}`);
    } catch (err) {
      // A job that finished in the meantime cannot be cancelled, and needs not be.
      if (!(err instanceof InputError && /already/.test(err.message))) throw err;
    }
  }

  /**
   * Follows job `id` to its end, passing every update to `onUpdate`, and returns the finished job
   * with all its solutions in order. Reads the event stream; if it breaks, polls instead.
   */
  async follow(id: string, onUpdate: (update: JobUpdate) => void): Promise<FinishedJob> {
    const solutions: Solution[] = [];
    const take = (s: Solution) => {
      if (s.index !== solutions.length + 1) return;
      solutions.push(s);
      onUpdate({ type: 'solution', solution: s });
    };
    try {
      await this.readEvents(id, solutions.length, (event, data) => {
        if (event === 'solution') take(data as Solution);
        else if (event === 'progress') onUpdate({ type: 'progress', ...(data as { stats: SolveStats; solutionCount: number }) });
        else if (event === 'status') onUpdate({ type: 'status', status: (data as { status: string }).status });
      });
    } catch (err) {
      if (err instanceof InputError) throw err;
      // The stream broke (server restart, proxy timeout): carry on by polling.
    }
    // The final state, and any solution the stream did not deliver; polling until the end if
    // the stream stopped early.
    let failures = 0;
    for (;;) {
      let view: JobView;
      try {
        view = await this.job(id, solutions.length);
        failures = 0;
      } catch (err) {
        if (err instanceof InputError || ++failures >= POLL_FAILURES) throw err;
        await sleep(POLL_MS);
        continue;
      }
      for (const s of view.solutions) take(s);
      if (TERMINAL.has(view.status)) return { ...view, solutions };
      onUpdate({ type: 'status', status: view.status });
      onUpdate({ type: 'progress', stats: view.stats, solutionCount: view.solutionCount });
      await sleep(POLL_MS);
    }
  }

  /** Reads the job's event stream until the server ends it. */
  private async readEvents(id: string, after: number, onEvent: (event: string, data: unknown) => void): Promise<void> {
    const res = await this.fetch('GET', `/v1/jobs/${id}/events?after=${after}`, undefined, 'text/event-stream');
    if (!res.ok) await this.fail(res);
    if (!res.body) return;
    for await (const { event, data } of readSse(res.body as AsyncIterable<Uint8Array>)) {
      if (data !== '') onEvent(event, JSON.parse(data));
    }
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await this.fetch(method, path, body, 'application/json');
    if (!res.ok) await this.fail(res);
    return res.json();
  }

  private async fetch(method: string, path: string, body: unknown, accept: string): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.apiKey}`, accept,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ServiceError(`cannot reach ${this.base}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
  }

  /** Throws the error a non-2xx answer stands for. */
  private async fail(res: Response): Promise<never> {
    const text = await res.text().catch(() => '');
    let message = text.slice(0, 500) || res.statusText;
    try {
      const parsed = JSON.parse(text) as { error?: { message?: string } };
      if (parsed.error?.message) message = parsed.error.message;
    } catch {
      // not JSON: keep the text
    }
    if (res.status === 401) throw new InputError(`the server refused the API key (give one with --api-key): ${message}`);
    if (res.status >= 400 && res.status < 500 && res.status !== 429) throw new InputError(`the server refused the request: ${message}`);
    throw new ServiceError(`the server answered ${res.status}: ${message}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
