// The API side of the web page, without a browser: the page's files with their
// Content-Security-Policy, the API's own 404 for every other path, a clear 503 when the page is
// not built, and GET /v1/jobs/:id/problem, what the page draws solutions from.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../src/api/errors.ts';
import { CONTENT_SECURITY_POLICY, webRoutes } from '../src/api/routes/web.ts';
import { readColEdges } from './helpers/problems.ts';
import { REPO_ROOT } from './helpers/run-cli.ts';
import { auth, KEY_B, startApi, uniquePrefix, type TestApi } from './helpers/service.ts';

const fixture = (name: string) => readFileSync(`${REPO_ROOT}test/fixtures/${name}`, 'utf8');

let api: TestApi;

beforeAll(async () => {
  execFileSync(process.execPath, [`${REPO_ROOT}web/build.mjs`], { stdio: 'pipe' });
  api = await startApi(uniquePrefix('web-routes'));
});
afterAll(async () => {
  await api?.close();
});

async function submit(body: object): Promise<string> {
  const res = await api.app.inject({ method: 'POST', url: '/v1/jobs', headers: auth(), payload: body });
  expect(res.statusCode, res.body).toBe(202);
  return res.json().id;
}

describe('the page\'s files', () => {
  it('serves index.html, app.js and app.css with a same-origin CSP and nothing inline', async () => {
    const index = await api.app.inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
    // Every script is a file: no inline script, no inline style, no event-handler attribute.
    expect(index.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(index.body).not.toMatch(/\sstyle=|\son[a-z]+=/);
    for (const [url, type] of [['/app.js', /javascript/], ['/app.css', /^text\/css/]] as const) {
      const res = await api.app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(type);
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('leaves every other path to the API\'s 404', async () => {
    const res = await api.app.inject({ url: '/index.html/../package.json' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('not_found');
    expect((await api.app.inject({ url: '/build.mjs' })).statusCode).toBe(404);
  });

  it('answers 503 naming the build step when the page is not built', async () => {
    const empty = mkdtempSync(`${tmpdir()}/hilsolve-web-`);
    const app = Fastify();
    app.setErrorHandler(errorHandler);
    await app.register(webRoutes, { root: `${empty}/` });
    const res = await app.inject({ url: '/' });
    await app.close();
    rmSync(empty, { recursive: true });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toContain('npm run build');
  });
});

describe('GET /v1/jobs/:id/problem', () => {
  it('gives a sudoku\'s variables in order and its givens', async () => {
    const problem = JSON.parse(fixture('sudoku-easy.json'));
    const id = await submit({ format: 'json', problem, options: { timeLimitMs: 1000 } });
    const res = await api.app.inject({ url: `/v1/jobs/${id}/problem`, headers: auth() });
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json();
    expect(view.format).toBe('json');
    expect(view.variables).toHaveLength(81);
    view.variables.forEach((v: { name: string; kind: string; min: number; size: number }, i: number) => {
      expect(v.name).toMatch(new RegExp(`\\[${i}\\]$`));
      expect([v.kind, v.min, v.size]).toEqual(['int', 1, 9]);
    });
    const clues = problem.constraints.filter((c: { type: string }) => c.type === 'clause')
      .map((c: { literals: { var: string; value: number }[] }) => [Number(/\[(\d+)\]/.exec(c.literals[0]!.var)![1]), c.literals[0]!.value])
      .sort((a: number[], b: number[]) => a[0]! - b[0]!);
    expect(view.givens).toEqual(clues);
    expect(view.edges).toEqual([]);
  });

  it('gives a .col graph\'s edges by variable index', async () => {
    const text = fixture('flat50-3.col');
    const id = await submit({ format: 'col', source: text, options: { colors: 3, timeLimitMs: 1000 } });
    const view = (await api.app.inject({ url: `/v1/jobs/${id}/problem`, headers: auth() })).json();
    expect(view.colors).toBe(3);
    expect(view.variables.map((v: { name: string }) => v.name)).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    const fileEdges = new Set(readColEdges(text).map(([u, v]) => [Math.min(u, v), Math.max(u, v)].join('-')));
    expect(new Set(view.edges.map(([u, v]: number[]) => [Math.min(u!, v!) + 1, Math.max(u!, v!) + 1].join('-')))).toEqual(fileEdges);
    expect(view.edges).toHaveLength(fileEdges.size);
  });

  it('keeps the problem its owner\'s: another key gets 404, no key 401', async () => {
    const id = await submit({ format: 'cnf', source: 'p cnf 2 1\n1 2 0\n', options: { timeLimitMs: 1000 } });
    expect((await api.app.inject({ url: `/v1/jobs/${id}/problem`, headers: auth(KEY_B) })).json().error.code).toBe('job_not_found');
    expect((await api.app.inject({ url: `/v1/jobs/${id}/problem` })).statusCode).toBe(401);
    const view = (await api.app.inject({ url: `/v1/jobs/${id}/problem`, headers: auth() })).json();
    expect(view.variables).toEqual([{ name: '1', kind: 'bool', min: 0, size: 2 }, { name: '2', kind: 'bool', min: 0, size: 2 }]);
  });
});
