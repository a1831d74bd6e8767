// JSON schemas of the API: fastify validates requests and serialises responses with them, and
// @fastify/swagger publishes them at /docs. Option bounds come from OPTION_BOUNDS, the one copy.

import { LIMITS } from '../model/limits.ts';
import { OPTION_BOUNDS } from '../solve/types.ts';

const b = OPTION_BOUNDS;

const jobOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    solutions: { type: 'integer', minimum: b.solutions.min, maximum: b.solutions.max, description: `distinct solutions wanted (default ${b.solutions.default}); optimisation: improving solutions kept at most (default ${b.solutions.max})` },
    timeLimitMs: { type: 'integer', minimum: b.timeLimitMs.min, maximum: b.timeLimitMs.max, default: b.timeLimitMs.default, description: 'wall-clock limit from the job\'s start' },
    seed: { type: 'integer', minimum: b.seed.min, maximum: b.seed.max, description: 'sampler seed; random when left out' },
    maxCandidates: { type: 'integer', minimum: b.maxCandidates.min, maximum: b.maxCandidates.max, default: b.maxCandidates.default, description: 'candidate budget' },
    colors: { type: 'integer', minimum: b.colors.min, maximum: b.colors.max, description: 'colours, for format col' },
    mode: {
      // No schema default: a job without a mode is `auto` (the worker's default), and its options stay as sent.
      type: 'string', enum: b.mode.values,
      description: 'search: the device searches from the model\'s prior; validate: the host proposes, the device checks; auto (the default): search where the device offers it and the problem fits its search capacities',
    },
    hostTree: { type: 'boolean', description: 'run the host\'s complete tree search beside the device (default true): it proves unsatisfiability and hands the device assignments to prove; false leaves the search to the device' },
  },
} as const;

export const submitBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['format'],
  properties: {
    format: { type: 'string', enum: ['json', 'cnf', 'col', 'fzn', 'mzn'], description: 'mzn: a MiniZinc model, flattened by the API; the job then shows format fzn' },
    problem: { type: 'object', description: 'the problem as a JSON document (format json only)' },
    source: { type: 'string', maxLength: LIMITS.maxSourceBytes, description: 'the problem as text in the given format' },
    data: {
      anyOf: [{ type: 'string', maxLength: LIMITS.maxSourceBytes }, { type: 'object' }],
      description: 'format mzn only: the model\'s data, as .dzn text or a JSON data object',
    },
    options: jobOptionsSchema,
  },
} as const;

const statsSchema = {
  type: 'object',
  properties: {
    candidates: { type: 'integer' }, verdicts: { type: 'integer' }, proven: { type: 'integer' },
    rejected: { type: 'integer' }, deviceFaults: { type: 'integer' }, reconnects: { type: 'integer' },
    linkBytes: { type: 'integer' }, elapsedMs: { type: 'integer' },
    flips: { type: 'integer', description: 'search mode: flips the device made' },
    restarts: { type: 'integer', description: 'search mode: restarts from a fresh sample of the prior' },
    deviceCycles: { type: 'integer', description: 'search mode: device clock cycles spent searching' },
    mode: { type: 'string', enum: ['search', 'validate'], description: 'the mode the job ran in last' },
    treeNodes: { type: 'integer', description: 'nodes of the host\'s complete tree search' },
    treeSolutions: { type: 'integer', description: 'tree assignments the device proved and the host stored' },
    subproblems: { type: 'integer', description: 'search mode: open tree nodes sent to the device after a stall' },
    proof: { type: 'string', enum: ['root', 'search'], description: 'UNSATISFIABLE (or OPTIMAL: no better solution): proved by propagation at the root, or by the exhausted tree (treeNodes nodes)' },
  },
} as const;

const solutionSchema = {
  type: 'object',
  properties: {
    index: { type: 'integer', description: '1-based position in the job\'s list' },
    assignment: { type: 'object', additionalProperties: { type: ['integer', 'boolean'] }, description: '{ name: value }' },
    foundAtMs: { type: 'integer' },
    device: { type: 'string' },
    objective: { type: 'integer', description: 'optimisation: the objective value of this solution' },
  },
} as const;

const statusEnum = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const outcomeEnum = ['OPTIMAL', 'SATISFIED', 'UNSATISFIABLE', 'UNKNOWN'];

export const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: statusEnum },
    outcome: { type: 'string', enum: outcomeEnum },
    stopReason: { type: ['string', 'null'], enum: ['solutions', 'timeLimit', 'candidateBudget', 'exhausted', 'cancelled', 'unsatisfiable', 'optimal', 'error', null] },
    solutionCount: { type: 'integer' },
    solutions: { type: 'array', items: solutionSchema },
    stats: statsSchema,
    error: {
      type: ['object', 'null'], description: 'why the job failed',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
    detail: { type: ['string', 'null'], description: 'a note on the outcome, e.g. why the problem is unsatisfiable' },
    options: { type: 'object', properties: jobOptionsSchema.properties },
    format: { type: 'string' },
    runs: { type: 'integer', description: 'times a worker started the job: more than 1 after a worker crashed or shut down' },
    worker: { type: ['string', 'null'], description: 'the worker that ran the job last' },
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: { type: ['string', 'null'], format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

export const submitResponseSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, status: { type: 'string', enum: statusEnum }, location: { type: 'string' } },
} as const;

export const jobParamsSchema = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } },
} as const;

export const jobQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { after: { type: 'integer', minimum: 0, maximum: b.solutions.max, default: 0, description: 'return only solutions with index > after' } },
} as const;

export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'jobs per page' },
    before: { type: 'string', pattern: '^\\d{15}:[0-9a-f-]{36}$', description: 'the `next` of the previous page' },
  },
} as const;

export const jobListSchema = {
  type: 'object',
  properties: {
    jobs: { type: 'array', items: jobSchema },
    next: { type: ['string', 'null'], description: 'pass as `before` for the next page; null on the last page' },
  },
} as const;

export const deviceSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'opaque id of the worker holding the device' },
    deviceId: { type: ['string', 'null'], description: 'the device\'s identity from its handshake' },
    simulated: { type: 'boolean' }, handshake: { type: ['object', 'null'], additionalProperties: true, description: 'identity and capacities' },
    busy: { type: 'boolean', description: 'whether it is running a job' },
    startedAt: { type: 'integer' }, lastSeen: { type: 'integer' },
    workerId: { type: 'string', description: 'operator keys only' }, hostname: { type: 'string', description: 'operator keys only' },
    pid: { type: 'integer', description: 'operator keys only' }, port: { type: 'string', description: 'operator keys only' },
    currentJob: { type: ['string', 'null'], description: 'operator keys only' },
  },
} as const;
