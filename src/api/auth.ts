// Bearer-token authentication. A job belongs to the key that created it; the key itself is never
// stored, only its owner id (a SHA-256 prefix), which is what jobs and idempotency keys record.

import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Owner id of the request's API key; set by the auth hook on /v1 routes. */
    owner: string;
  }
}

export function ownerOf(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 24);
}

/** An onRequest hook that accepts `Authorization: Bearer <key>` for one of `keys`. */
export function bearerAuth(keys: readonly string[]) {
  const owners = new Set(keys.map(ownerOf));
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (header === undefined) throw new ApiError(401, 'unauthorized', 'missing Authorization header: send `Authorization: Bearer <API key>`');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError(401, 'unauthorized', 'malformed Authorization header: expected `Bearer <API key>`');
    const owner = ownerOf(match[1]);
    if (!owners.has(owner)) throw new ApiError(401, 'unauthorized', 'unknown API key');
    request.owner = owner;
  };
}
