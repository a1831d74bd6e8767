// What a client sees of a job: GET /v1/jobs/:id, the SSE status events, the protobuf Job.

import type { JobRecord } from '../queue/job-store.ts';
import type { Solution } from '../solve/types.ts';

export function jobView(job: JobRecord, solutions: Solution[]) {
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
  return {
    id: job.id,
    status: job.status,
    // Solutions found so far already settle the outcome of a running job.
    outcome: job.outcome === 'UNKNOWN' && job.solutionCount > 0 ? 'SATISFIED' : job.outcome,
    stopReason: job.stopReason ?? null,
    solutionCount: job.solutionCount,
    solutions,
    stats: job.stats,
    error: job.error ?? null,
    detail: job.detail ?? null,
    format: job.request.format,
    options: job.request.options,
    runs: job.runs,
    worker: job.worker ?? null,
    createdAt: iso(job.createdAt),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
  };
}

export type JobView = ReturnType<typeof jobView>;
