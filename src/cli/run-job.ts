// One job from submission to its end, for the CLI verbs that solve (`hilsolve fzn`; the same
// steps as `hilsolve solve`): against a running service with `server`, or else on the service
// started inside this process (src/cli/embedded-service.ts), which is stopped when the job ends.
// Progress and solutions arrive through the callbacks while the job runs; the finished job,
// with every solution, is returned. Errors: InputError for a request the service refuses,
// ServiceError when it cannot be reached, anything the embedded start-up throws.

import { startEmbeddedService, type EmbeddedService } from './embedded-service.ts';
import { ServiceClient, type FinishedJob, type JobSubmission, type JobUpdate } from './service-client.ts';

export interface RunJobOptions {
  submission: JobSubmission;
  /** Base URL of a running service; without it the service runs in this process. */
  server?: string;
  /** API key for `server` (required with it). */
  apiKey?: string;
  /** Names each start-up phase ('connecting to Redis', 'submitting', ...). */
  onPhase?: (phase: string) => void;
  /** Every status, progress and solution update of the job, in order. */
  onUpdate?: (update: JobUpdate) => void;
  /** Called once the job exists, with a function that cancels it (e.g. on Ctrl-C). */
  onSubmitted?: (cancel: () => void) => void;
}

export async function runJob(o: RunJobOptions): Promise<FinishedJob> {
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
