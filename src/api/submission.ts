// From a validated POST /v1/jobs body (JSON, or protobuf mapped to the same shape) to a
// SolveRequest: checks what a schema cannot say, fills in defaults, and parses and compiles the
// problem so that a bad one is refused before anything is queued. deviceRefusal then checks the
// compiled problem against the live devices' handshakes: one that no live device can run (over
// every device's capacities, or mode search and no device with a search engine that fits) is
// refused with 422. With no live device at all the job is queued: a worker may start later.

import { randomInt } from 'node:crypto';
import { UnsatisfiableError } from '../model/errors.ts';
import { LIMITS } from '../model/limits.ts';
import type { ProblemFormat } from '../model/types.ts';
import type { DeviceRegistry } from '../queue/devices.ts';
import { sha256 } from '../queue/queue.ts';
import { deviceFitProblem, lazySearchPlan } from '../solve/mode.ts';
import { prepareProblem, type PreparedProblem } from '../solve/prepare.ts';
import { withDefaults, type JobOptions, type SolveRequest } from '../solve/types.ts';
import { ApiError } from './errors.ts';
import { flattenMzn } from './flatten-mzn.ts';

export interface SubmitBody {
  /** `mzn`: a MiniZinc model, flattened here (flatten-mzn.ts) and queued as the FlatZinc it gives. */
  format: ProblemFormat | 'mzn';
  problem?: Record<string, unknown>;
  source?: string;
  /** format mzn only: the data, as `.dzn` text or a JSON data object. */
  data?: string | Record<string, unknown>;
  options?: Partial<JobOptions>;
}

export interface Submission {
  request: SolveRequest;
  /** Identifies the request as sent (before a random seed), for Idempotency-Key replays. */
  fingerprint: string;
  /** Set when compiling proved the problem has no solution. */
  unsatisfiable?: string;
  /** The parsed and compiled problem (absent when unsatisfiable). */
  problem?: PreparedProblem;
}

export async function toSubmission(body: SubmitBody): Promise<Submission> {
  const text = problemSource(body);
  const given = body.options ?? {};
  if (given.colors !== undefined && body.format !== 'col') {
    throw new ApiError(400, 'invalid_request', `$.options.colors: applies to format col only, not ${body.format}`);
  }
  if (body.data !== undefined && body.format !== 'mzn') {
    throw new ApiError(400, 'invalid_request', `$.data: applies to format mzn only, not ${body.format}`);
  }
  if (typeof body.data === 'object' && exceedsDepth(body.data, LIMITS.maxJsonDepth)) {
    throw new ApiError(400, 'invalid_problem', `$.data: nesting deeper than ${LIMITS.maxJsonDepth} levels`);
  }
  const fingerprint = sha256(JSON.stringify([body.format, text, given, ...(body.data !== undefined ? [body.data] : [])]));
  // The job holds the FlatZinc: the worker never needs minizinc.
  const format = body.format === 'mzn' ? 'fzn' : body.format;
  const source = body.format === 'mzn' ? await flattenMzn(text, body.data) : text;
  const options: JobOptions = withDefaults(given, () => randomInt(0, 2 ** 32 - 1));
  const request: SolveRequest = { format, source, options };
  let problem: PreparedProblem;
  try {
    problem = prepareProblem(request);
  } catch (err) {
    if (err instanceof UnsatisfiableError) return { request, fingerprint, unsatisfiable: err.message };
    throw err;
  }
  // An optimisation keeps every improving solution unless told otherwise.
  if (problem.model.objective && given.solutions === undefined) request.options = withDefaults(given, () => options.seed, true);
  return { request, fingerprint, problem };
}

/** Why no live device can run the submission (422), or null when one can or none is live. */
export async function deviceRefusal(devices: DeviceRegistry, submission: Submission): Promise<string | null> {
  const { problem } = submission;
  if (!problem) return null;
  const live = await devices.list();
  if (live.length === 0) return null;
  const searchPlan = lazySearchPlan(problem.model);
  const reasons: string[] = [];
  for (const d of live) {
    const why = deviceFitProblem(problem, d.handshake, submission.request.options.mode, searchPlan);
    if (why === null) return null;
    const id = typeof d.handshake?.deviceId === 'string' ? d.handshake.deviceId : 'unknown device';
    reasons.push(`${id}: ${why}`);
  }
  return `no live device can run this problem: ${reasons.join('; ')}`;
}

function problemSource(body: SubmitBody): string {
  if (body.problem !== undefined && body.source !== undefined) {
    throw new ApiError(400, 'invalid_request', '$: give the problem either as `problem` or as `source`, not both');
  }
  if (body.problem !== undefined) {
    if (body.format !== 'json') {
      throw new ApiError(400, 'invalid_request', `$.problem: a JSON document is for format json; send a ${body.format} problem as \`source\` text`);
    }
    if (exceedsDepth(body.problem, LIMITS.maxJsonDepth)) {
      throw new ApiError(400, 'invalid_problem', `$.problem: nesting deeper than ${LIMITS.maxJsonDepth} levels`);
    }
    return JSON.stringify(body.problem);
  }
  if (body.source === undefined) throw new ApiError(400, 'invalid_request', '$: missing the problem: give `source` (text) or `problem` (JSON document)');
  if (body.source.trim() === '') throw new ApiError(400, 'invalid_request', '$.source: the problem text is empty');
  return body.source;
}

/** Whether a parsed JSON value nests deeper than `limit` (checked without recursion, so any depth is safe). */
function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}
