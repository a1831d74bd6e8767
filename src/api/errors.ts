// Every error the API answers with has the body `{ error: { code, message } }`. Client mistakes
// are 4xx with a message that names the problem; only a fault of the service itself is a 5xx.

import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InputError } from '../model/errors.ts';
import { isRedisUnavailable } from '../queue/errors.ts';
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

/** Seconds a client is told to wait (Retry-After) when Redis is away. */
const RETRY_AFTER_S = 2;

export const STORE_UNAVAILABLE_MESSAGE = 'the job store (Redis) cannot be reached; try again later';

function toApiError(err: FastifyError | Error, request: FastifyRequest): ApiError {
  if (err instanceof ApiError) return err;
  // Refused, reset, or no answer within the command timeout (a stalled Redis): 503 at once.
  if (isRedisUnavailable(err)) return new ApiError(503, 'unavailable', STORE_UNAVAILABLE_MESSAGE);
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
  if (api.statusCode >= 500 && api.code !== 'unavailable') request.log.error({ err }, 'request failed');
  else if (api.statusCode >= 500) request.log.warn({ err: err.message }, 'request failed: Redis unavailable');
  else request.log.info({ code: api.code, message: api.message }, 'request refused');
  if (api.code === 'unavailable') void reply.header('retry-after', String(RETRY_AFTER_S));
  void reply.code(api.statusCode).send({ error: { code: api.code, message: api.message } });
}

/**
 * Errors fastify's router meets before any route runs (fastify's `frameworkErrors`): a path that
 * does not decode, a path parameter over the router's length limit (a job id of 8,000 characters).
 */
export function frameworkErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const [status, code, message] = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
    ? [414, 'uri_too_long', 'a path parameter is longer than 100 characters']
    : [400, 'bad_request', `the URL is not valid: ${err.message}`];
  void reply.code(status).send({ error: { code, message } });
}

/**
 * Errors Node's HTTP parser meets before fastify sees a request (fastify's `clientErrorHandler`):
 * headers over Node's size limit (431), a request that did not arrive within requestTimeout (408),
 * bytes that are not HTTP, such as a NUL in a header (400). Answered in the error format, then the
 * connection is closed. `this` is the fastify instance.
 */
export function clientErrorHandler(this: { log: FastifyRequest['log'] }, err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'request_timeout', 'the request did not arrive in time; the connection is closed']
      : err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'headers_too_large', 'the request line and headers are larger than the server accepts']
        : [400, 'bad_request', `malformed HTTP request (${err.code ?? 'parse error'}): ${String(err.message).replace(/^Parse Error: /, '')}`];
  this.log.info({ code, err: err.message }, 'client error');
  if (socket.writable) {
    const body = JSON.stringify({ error: { code, message } });
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
}

/**
 * CONNECT and Upgrade requests never reach fastify: Node hands them to the server's `connect` and
 * `upgrade` listeners, or drops the connection without a word when there is none. Answer them
 * 405 / 400 in the error format instead.
 */
export function refuseTunnels(server: { on(event: 'connect' | 'upgrade', listener: (req: unknown, socket: Socket) => void): unknown }): void {
  const refuse = (status: number, code: string, message: string) => (_req: unknown, socket: Socket) => {
    if (socket.writable) {
      const body = JSON.stringify({ error: { code, message } });
      socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n`
        + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
    socket.destroy();
  };
  server.on('connect', refuse(405, 'method_not_allowed', 'CONNECT is not supported'));
  server.on('upgrade', refuse(400, 'bad_request', 'protocol upgrades are not supported'));
}
