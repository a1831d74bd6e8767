// Names of every Redis key and channel the service uses besides BullMQ's own. A job's keys share
// the hash tag {id} so a Lua script touching several of them also works on Redis Cluster.

export function jobKeys(prefix: string, id: string) {
  const base = `${prefix}:job:{${id}}`;
  return {
    /** Hash: owner, status, outcome, stats, request, timestamps. */
    meta: `${base}:meta`,
    /** List of proven solutions (JSON, without index: the index is the position + 1). */
    solutions: `${base}:solutions`,
    /** Set of canonical assignments already stored: dedupe across retries and workers. */
    seen: `${base}:seen`,
    /** Present when a cancel was asked for. */
    cancel: `${base}:cancel`,
    /** Pub/sub channel of the job's events (progress, solution, status). */
    events: `${base}:events`,
  };
}

/**
 * BullMQ's lock of a running job (`<prefix>:<queue>:<job id>:lock`, its value the token of the run
 * holding it). The job store's Lua scripts read it to fence a run's writes, so those scripts touch
 * keys of two hash slots: fine on one Redis (with replicas), not on Redis Cluster, which the
 * service does not support (its prefix cannot carry the hash tag BullMQ would need there).
 */
export function lockKey(prefix: string, id: string, queue = 'solve'): string {
  return `${prefix}:${queue}:${id}:lock`;
}

/** Sorted set of one owner's jobs, members `creation time:id` ordered by lex: GET /v1/jobs. */
export function ownerJobsKey(prefix: string, owner: string): string {
  return `${prefix}:owner:${owner}:jobs`;
}

export function idempotencyKey(prefix: string, owner: string, keyHash: string): string {
  return `${prefix}:idem:${owner}:${keyHash}`;
}

/** Set of worker ids that registered a device; each has a heartbeat key below. */
export function devicesKey(prefix: string): string {
  return `${prefix}:devices`;
}

export function deviceKey(prefix: string, workerId: string): string {
  return `${prefix}:device:${workerId}`;
}

/** Hash of running totals over all jobs (exported by /metrics). */
export function totalsKey(prefix: string): string {
  return `${prefix}:totals`;
}
