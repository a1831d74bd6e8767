// Bearer-token authentication. A job belongs to the key that created it; the key itself is never
// stored, only its owner id (a SHA-256 prefix), which is what jobs and idempotency keys record.
// Operator keys (also API keys) additionally see the workers' host details (GET /v1/devices).
// Requests without a valid key are rate limited per address before this hook answers 401 (app.ts).

import { createHash } from 'node:crypto';
import type { FastifyRequest, RouteOptions } from 'fastify';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Owner id of the request's API key; set by the auth hook on /v1 routes. */
    owner: string;
    /** Whether the key is an operator key; set by the auth hook. */
    operator: boolean;
  }
}

export function ownerOf(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 24);
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The owner id of a valid `Bearer <key>` header, else null. */
export function keyOwner(owners: ReadonlySet<string>, header: string | undefined): string | null {
  const match = BEARER.exec(header ?? '');
  if (!match) return null;
  const owner = ownerOf(match[1]);
  return owners.has(owner) ? owner : null;
}

export function ownersOf(keys: readonly string[]): Set<string> {
  return new Set(keys.map(ownerOf));
}

/** An onRequest hook that accepts `Authorization: Bearer <key>` for one of `keys`. */
export function bearerAuth(keys: readonly string[], operatorKeys: readonly string[] = []) {
  const owners = ownersOf(keys);
  const operators = ownersOf(operatorKeys);
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (header === undefined) throw new ApiError(401, 'unauthorized', 'missing Authorization header: send `Authorization: Bearer <API key>`');
    if (!BEARER.test(header)) throw new ApiError(401, 'unauthorized', 'malformed Authorization header: expected `Bearer <API key>`');
    const owner = keyOwner(owners, header);
    if (owner === null) throw new ApiError(401, 'unauthorized', 'unknown API key');
    request.owner = owner;
    request.operator = operators.has(owner);
  };
}

/**
 * An onRoute hook that makes `auth` the route's last onRequest hook. The rate limit's hook is
 * added to each route first (its onRoute hook is the root's), so a request without a valid key is
 * counted against its address before auth answers 401: guessed keys run into 429.
 */
export function authAfterRateLimit(auth: (request: FastifyRequest) => Promise<void>) {
  return (route: RouteOptions): void => {
    const hooks = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...hooks, auth] as RouteOptions['onRequest'];
  };
}
