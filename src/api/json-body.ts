// JSON bodies are parsed as plain JSON (fastify's prototype-poisoning check is off, because it
// refuses such a body as "not valid JSON", which misleads), and then a preValidation hook refuses
// the keys that could reach an object's prototype if the body were ever merged into another
// object: `__proto__` anywhere, and `constructor` holding a `prototype`. The 400 names the key's
// JSON path. A *value* such as a variable named "__proto__" is fine (renderAssignment keeps it).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';

/** The JSON path of the first forbidden key in `value`, or null. Iterative, so any depth is safe. */
export function forbiddenKeyPath(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '$']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
      continue;
    }
    for (const key of Object.keys(v)) {
      const child = (v as Record<string, unknown>)[key];
      if (key === '__proto__') return `${path}.__proto__`;
      if (key === 'constructor' && child !== null && typeof child === 'object' && Object.keys(child).includes('prototype')) {
        return `${path}.constructor.prototype`;
      }
      stack.push([child, `${path}.${key}`]);
    }
  }
  return null;
}

export function registerJsonBodyGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    if (request.body === undefined || !(request.headers['content-type'] ?? '').includes('json')) return;
    const path = forbiddenKeyPath(request.body);
    if (path !== null) {
      throw new ApiError(400, 'invalid_request', `${path}: the key '${path.endsWith('.prototype') ? 'constructor.prototype' : '__proto__'}' is not accepted`);
    }
  });
}
