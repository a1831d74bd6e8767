// The API's protobuf face (proto/api.proto): POST /v1/jobs accepts a SolveRequest with
// Content-Type application/x-protobuf, mapped onto the JSON body's shape so the same schema and
// checks apply; POST and GET /v1/jobs/:id answer with a Job message when the client's Accept
// header asks for application/x-protobuf. Proto3 zeros mean "the default", as api.proto says.

import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import protobuf from 'protobufjs';
import { ApiError } from './errors.ts';
import type { JobView } from './job-view.ts';
import type { SubmitBody } from './submission.ts';

export const PROTOBUF_TYPE = 'application/x-protobuf';
const root = protobuf.loadSync(fileURLToPath(new URL('../../proto/api.proto', import.meta.url)));
const SolveRequestType = root.lookupType('hilsolve.api.SolveRequest');
const JobType = root.lookupType('hilsolve.api.Job');

interface DecodedRequest {
  format?: string | number;
  source?: string;
  options?: { solutions?: number; timeLimitMs?: number; seed?: number; colors?: number; maxCandidates?: number };
}

/** A SolveRequest as the JSON body it stands for (left for the route's schema to check). */
function decodeSolveRequest(bytes: Uint8Array): SubmitBody {
  let msg: DecodedRequest;
  try {
    msg = SolveRequestType.toObject(SolveRequestType.decode(bytes), { enums: String, longs: Number }) as DecodedRequest;
  } catch (err) {
    throw new ApiError(400, 'invalid_protobuf', `the body is not a hilsolve.api.SolveRequest: ${(err as Error).message}`);
  }
  const o = msg.options ?? {};
  const options: Record<string, number> = {};
  if (o.solutions) options.solutions = o.solutions;
  if (o.timeLimitMs) options.timeLimitMs = o.timeLimitMs;
  options.seed = o.seed ?? 0;
  if (o.colors) options.colors = o.colors;
  if (o.maxCandidates) options.maxCandidates = o.maxCandidates;
  const body: Record<string, unknown> = { source: msg.source ?? '', options };
  if (msg.format !== undefined && msg.format !== 'PROBLEM_FORMAT_UNSPECIFIED') body.format = msg.format;
  return body as unknown as SubmitBody;
}

export function encodeJob(job: JobView): Uint8Array {
  const ms = (iso: string | null) => (iso === null ? 0 : Date.parse(iso));
  const s = job.stats;
  return JobType.encode(JobType.fromObject({
    id: job.id,
    status: job.status,
    outcome: job.status === 'queued' || job.status === 'running' ? 'OUTCOME_UNSPECIFIED' : job.outcome,
    ...(job.error ? { error: { code: job.error.code, message: job.error.message } } : {}),
    statistics: {
      candidates: s.candidates, verdicts: s.verdicts, proven: s.proven, rejected: s.rejected,
      deviceFaults: s.deviceFaults, linkBytes: s.linkBytes, elapsedMs: s.elapsedMs,
      treeNodes: s.treeNodes ?? 0, treeSolutions: s.treeSolutions ?? 0, proof: s.proof ?? '',
    },
    solutionsFound: job.solutionCount,
    createdAtMs: ms(job.createdAt), startedAtMs: ms(job.startedAt), finishedAtMs: ms(job.finishedAt),
  })).finish();
}

export function wantsProtobuf(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes(PROTOBUF_TYPE);
}

export function registerProtobuf(app: FastifyInstance): void {
  app.addContentTypeParser(PROTOBUF_TYPE, { parseAs: 'buffer' }, (_request, body, done) => {
    try {
      done(null, decodeSolveRequest(body as Buffer));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
