// The web page (docs/web.md): index.html, app.js and app.css, bundled from web/ into dist/web/ by
// `npm run build`, served through @fastify/static from explicit routes (no wildcard, so every
// other path keeps the API's own 404). Same-origin only: the Content-Security-Policy allows
// scripts, styles and connections from this origin and nothing inline. Not rate-limited, as
// /healthz is not: three small files per page load; the page's API calls are.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../errors.ts';

/** dist/web/ at the repository root, from src/api/routes/ and from dist/api/routes/ alike. */
export const WEB_ROOT = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const FILES: Record<string, string> = { '/': 'index.html', '/app.js': 'app.js', '/app.css': 'app.css' };

export async function webRoutes(app: FastifyInstance, { root = WEB_ROOT }: { root?: string } = {}): Promise<void> {
  await app.register(fastifyStatic, { root, serve: false });
  for (const [url, file] of Object.entries(FILES)) {
    app.get(url, { config: { rateLimit: false }, schema: { hide: true } }, async (_request, reply: FastifyReply) => {
      if (!existsSync(`${root}${file}`)) throw new ApiError(503, 'unavailable', `the web page is not built (no ${file} in ${root}): run npm run build`);
      void reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('x-content-type-options', 'nosniff');
      return reply.sendFile(file, { cacheControl: false });
    });
  }
}
