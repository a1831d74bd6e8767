// Every error the API answers with has the body `{ error: { code, message } }`. Client mistakes
// are 4xx with a message that names the problem; only a fault of the service itself is a 5xx.

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../model/errors.ts';
import { IdempotencyConflictError } from '../queue/queue.ts';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const errorBodySchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/options/solutions` -> `$.options.solutions`, the JSON path style the problem parser uses. */
function jsonPath(instancePath: string): string {
  return '$' + instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
}

/** One line per schema violation, naming the field. */
function describeValidation(issues: AjvIssue[], context: string): string {
  const where = (i: AjvIssue) => (context === 'body' ? jsonPath(i.instancePath) : `${context}${i.instancePath.replace(/\//g, '.')}`);
  return issues.map((i) => {
    if (i.keyword === 'additionalProperties') return `${where(i)}: unknown field '${String(i.params.additionalProperty)}'`;
    if (i.keyword === 'required') return `${where(i)}: missing field '${String(i.params.missingProperty)}'`;
    if (i.keyword === 'enum') return `${where(i)}: must be one of ${(i.params.allowedValues as unknown[]).map(String).join(', ')}`;
    return `${where(i)}: ${i.message ?? 'is invalid'}`;
  }).join('; ');
}

/** Redis unreachable (ioredis gave up on a command, or the connection is down). */
function storeUnavailable(err: Error): boolean {
  return err.name === 'MaxRetriesPerRequestError' || /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection is closed|isn't writeable/.test(err.message);
}

function toApiError(err: FastifyError | Error, request: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  if (storeUnavailable(err)) return new ApiError(503, 'unavailable', 'the job store (Redis) cannot be reached; try again later');
  if (err instanceof InputError) return new ApiError(400, 'invalid_problem', err.message);
  if (err instanceof IdempotencyConflictError) return new ApiError(409, 'idempotency_conflict', err.message);
  const fe = err as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (fe.validation) return new ApiError(400, 'invalid_request', describeValidation(fe.validation, fe.validationContext ?? 'body'));
  const status = fe.statusCode ?? 500;
  if (status === 413) {
    return new ApiError(413, 'payload_too_large', `request body is larger than the limit of ${request.routeOptions.bodyLimit} bytes`);
  }
  if (status === 415) {
    return new ApiError(415, 'unsupported_media_type',
      `unsupported Content-Type '${request.headers['content-type'] ?? ''}': send application/json or application/x-protobuf`);
  }
  if (status === 429) return new ApiError(429, 'rate_limited', fe.message);
  if (status >= 400 && status < 500) {
    const code = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'invalid_json' : 'bad_request';
    return new ApiError(status, code, fe.message);
  }
  return new ApiError(500, 'internal', 'internal error');
}

export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const api = toApiError(err, request);
  if (api.statusCode >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ code: api.code, message: api.message }, 'request refused');
  void reply.code(api.statusCode).send({ error: { code: api.code, message: api.message } });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
}
