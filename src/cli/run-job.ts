// One job from submission to its end, for the CLI verbs that solve (`hilsolve fzn`; the same
// three paths as `hilsolve solve`): by default the solve loop in this process
// (src/cli/direct-solve.ts); with `embedded` the whole service inside this process
// (src/cli/embedded-service.ts), stopped when the job ends; with `server` a running service.
// Updates arrive through `onUpdate` while the job runs, each solution as it is proven on every
// path; the finished job, with every solution, is returned. Errors: InputError for a request the service refuses, ServiceError
// when it cannot be reached, anything the start-up throws.

import { solveDirect } from './direct-solve.ts';
import { startEmbeddedService, type EmbeddedService } from './embedded-service.ts';
import { ServiceClient, type FinishedJob, type JobSubmission, type JobUpdate } from './service-client.ts';

export interface RunJobOptions {
  submission: JobSubmission;
  /** Base URL of a running service; without it the service runs in this process. */
  server?: string;
  /** API key for `server` (required with it). */
  apiKey?: string;
  /** Without `server`: run the whole service (Redis, API, worker) in this process instead of the solve loop alone. */
  embedded?: boolean;
  /** Names each start-up phase ('connecting to Redis', 'submitting', ...). */
  onPhase?: (phase: string) => void;
  /** Every status, progress and solution update of the job, in order. */
  onUpdate?: (update: JobUpdate) => void;
  /** Called once the job exists, with a function that cancels it (e.g. on Ctrl-C). */
  onSubmitted?: (cancel: () => void) => void;
}

export async function runJob(o: RunJobOptions): Promise<FinishedJob> {
  if (o.server === undefined && !o.embedded) {
    const cancel = new AbortController();
    o.onSubmitted?.(() => cancel.abort());
    const job = await solveDirect(o.submission, {
      onPhase: o.onPhase ?? (() => undefined),
      onProgress: (stats, solutionCount) => o.onUpdate?.({ type: 'progress', stats, solutionCount }),
      onSolution: (solution) => o.onUpdate?.({ type: 'solution', solution }),
      signal: cancel.signal,
    });
    return job;
  }
  let embedded: EmbeddedService | undefined;
  try {
    let client: ServiceClient;
    if (o.server !== undefined) {
      if (!o.apiKey) throw new Error('runJob: a server needs an API key');
      client = new ServiceClient(o.server, o.apiKey);
    } else {
      embedded = await startEmbeddedService(o.onPhase);
      client = new ServiceClient(embedded.url, embedded.apiKey);
    }
    o.onPhase?.('submitting');
    const id = await client.submit(o.submission);
    o.onSubmitted?.(() => void client.cancel(id).catch(() => undefined));
    return await client.follow(id, o.onUpdate ?? (() => undefined));
  } finally {
    await embedded?.close();
  }
}
