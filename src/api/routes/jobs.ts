// POST /v1/jobs, GET /v1/jobs/:id, DELETE /v1/jobs/:id.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JobRecord } from '../../queue/job-store.ts';
import type { DeviceRegistry } from '../../queue/devices.ts';
import type { JobQueue } from '../../queue/queue.ts';
import { ApiError, errorBodySchema } from '../errors.ts';
import { jobView } from '../job-view.ts';
import { encodeJob, PROTOBUF_TYPE, wantsProtobuf } from '../protobuf.ts';
import {
  jobListSchema, jobParamsSchema, jobQuerySchema, jobSchema, listQuerySchema, submitBodySchema, submitResponseSchema,
} from '../schemas.ts';
import { deviceRefusal, toSubmission, type SubmitBody } from '../submission.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };

/** The job, if it exists and belongs to the caller; someone else's job is as good as missing. */
export async function ownJob(queue: JobQueue, request: FastifyRequest, id: string): Promise<JobRecord> {
  const job = await queue.store.get(id);
  if (!job || job.owner !== request.owner) throw new ApiError(404, 'job_not_found', `no job ${id}`);
  return job;
}

export async function jobRoutes(app: FastifyInstance, { queue, devices }: { queue: JobQueue; devices: DeviceRegistry }): Promise<void> {
  app.post<{ Body: SubmitBody; Headers: { 'idempotency-key'?: string } }>('/v1/jobs', {
    schema: {
      summary: 'Submit a problem to solve',
      description: 'JSON, or a protobuf SolveRequest with Content-Type application/x-protobuf. The problem is parsed and compiled before the job is queued, so a bad one is refused here.',
      body: submitBodySchema,
      headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 256 } } },
      response: { 202: submitResponseSchema, ...errors, 413: errorBodySchema, 415: errorBodySchema, 422: errorBodySchema },
    },
  }, async (request, reply) => {
    const submission = await toSubmission(request.body);
    const refusal = await deviceRefusal(devices, submission);
    if (refusal !== null) throw new ApiError(422, 'no_device_fits', refusal);
    const idempotencyKey = request.headers['idempotency-key'];
    const { id, created } = await queue.submit(request.owner, submission.request, {
      fingerprint: submission.fingerprint,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      ...(submission.unsatisfiable !== undefined ? { unsatisfiable: submission.unsatisfiable } : {}),
    });
    const job = await ownJob(queue, request, id);
    const location = `/v1/jobs/${id}`;
    if (!created) void reply.header('idempotent-replayed', 'true');
    request.log.info({ job: id, created, format: submission.request.format }, 'job submitted');
    void reply.code(202).header('location', location);
    if (wantsProtobuf(request)) return reply.type(PROTOBUF_TYPE).send(Buffer.from(encodeJob(jobView(job, []))));
    return reply.send({ id, status: job.status, location });
  });

  app.get<{ Querystring: { limit: number; before?: string } }>('/v1/jobs', {
    schema: {
      summary: 'The caller\'s jobs, newest first (without solutions)',
      querystring: listQuerySchema,
      response: { 200: jobListSchema, ...errors },
    },
  }, async (request) => {
    const { limit, before } = request.query;
    // One more than asked tells whether there is a next page.
    const listed = await queue.store.list(request.owner, limit + 1, before);
    const page = listed.slice(0, limit);
    return { jobs: page.map((l) => jobView(l.job, [])), next: listed.length > limit ? page[page.length - 1].cursor : null };
  });

  app.get<{ Params: { id: string }; Querystring: { after: number } }>('/v1/jobs/:id', {
    schema: {
      summary: 'A job: status, outcome, stats and solutions (only those after `after`)',
      params: jobParamsSchema,
      querystring: jobQuerySchema,
      response: { 200: jobSchema, ...errors },
    },
  }, async (request, reply) => {
    const job = await ownJob(queue, request, request.params.id);
    if (wantsProtobuf(request)) return reply.type(PROTOBUF_TYPE).send(Buffer.from(encodeJob(jobView(job, []))));
    return jobView(job, await queue.store.solutions(job.id, request.query.after));
  });

  app.delete<{ Params: { id: string } }>('/v1/jobs/:id', {
    schema: {
      summary: 'Cancel a job; a running job stops within a second, keeping the solutions found',
      params: jobParamsSchema,
      response: { 202: jobSchema, ...errors },
    },
  }, async (request, reply) => {
    const job = await ownJob(queue, request, request.params.id);
    if (job.status === 'succeeded' || job.status === 'failed') {
      throw new ApiError(409, 'job_finished', `job ${job.id} already ${job.status}`);
    }
    const now = await queue.cancel(job);
    return reply.code(202).send(jobView(now, []));
  });
}
