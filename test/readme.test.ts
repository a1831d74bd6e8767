// The README and the other docs held to the code: every `hilsolve VERB --flag` they show must be
// a verb `hilsolve --help` lists with flags that verb's `--help` names, every API route they name
// must be in the API's own OpenAPI document, every relative link must point at a file, and the
// README's test command must be what CI runs.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliVerbs, commandParts, verbFlags } from './helpers/cli-usage.ts';
import { REPO_ROOT } from './helpers/run-cli.ts';
import { startApi, uniquePrefix, type TestApi } from './helpers/service.ts';

const DOCS = ['README.md', ...readdirSync(`${REPO_ROOT}docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  'hdl/README.md', 'models/README.md'].filter((f) => existsSync(`${REPO_ROOT}${f}`));
const read = (file: string) => readFileSync(`${REPO_ROOT}${file}`, 'utf8');
const README = read('README.md');

/** The code in a Markdown text: fenced blocks line by line, and inline `spans`. */
function codeOf(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      fenced = !fenced;
      continue;
    }
    if (fenced) out.push(line);
    else for (const m of line.matchAll(/`([^`]+)`/g)) out.push(m[1]!);
  }
  return out;
}

/** Each `hilsolve VERB ...` command in the code, cut at shell separators. */
function commandsIn(markdown: string): string[] {
  return codeOf(markdown)
    .flatMap((code) => code.split(/&&|\|\||[;&|]/))
    .flatMap((segment) => {
      // A verb followed by ':' is a message the CLI printed, not a command.
      const at = segment.search(/\bhilsolve\s+[a-z][a-z-]*(?=[\s),.]|$)/);
      return at < 0 ? [] : [segment.slice(at).trim()];
    });
}

/** `METHOD /path` pairs in the code, paths in OpenAPI form (`:id` -> `{id}`). */
function routesIn(markdown: string): [string, string][] {
  return codeOf(markdown).flatMap((code) => [...code.matchAll(/\b(GET|POST|PUT|PATCH|DELETE) (\/[\w/:.{}-]*)/g)]
    .map((m) => [m[1]!, m[2]!.replace(/:(\w+)/g, '{$1}')] as [string, string]));
}

let api: TestApi;
let openapi: { paths: Record<string, Record<string, unknown>> };
let verbs: string[];
beforeAll(async () => {
  verbs = await cliVerbs();
  api = await startApi(uniquePrefix('readme'));
  const res = await api.app.inject({ url: '/docs/json' });
  expect(res.statusCode).toBe(200);
  openapi = res.json();
});
afterAll(async () => {
  await api?.close();
});

describe('the README', () => {
  it('starts with the demo and the test command, and CI runs exactly that test command', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(README)![1]!;
    const commands = firstBlock.split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
    expect(commands).toEqual(['bash scripts/demo.sh', 'bash scripts/test.sh']);
    expect(README.indexOf('bash scripts/demo.sh')).toBeLessThan(README.indexOf('## The command line'));
    const ci = read('.ci/run').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#') && !/^(set|cd) /.test(l));
    expect(ci).toEqual([`exec ${commands[1]}`]);
    for (const script of ['scripts/demo.sh', 'scripts/test.sh', 'scripts/setup.sh', 'scripts/with-redis.sh']) {
      expect(existsSync(`${REPO_ROOT}${script}`), script).toBe(true);
    }
  });

  it('lists every command of the CLI', () => {
    const named = new Set(commandsIn(README).map((c) => commandParts(c).verb));
    expect(verbs.length).toBeGreaterThan(5);
    for (const verb of verbs) expect(named, `README shows hilsolve ${verb}`).toContain(verb);
  });

  it('names every route of the API', () => {
    const named = new Set(routesIn(README).map(([m, p]) => `${m} ${p}`));
    for (const [path, methods] of Object.entries(openapi.paths)) {
      if (path.startsWith('/docs')) continue;
      for (const method of Object.keys(methods)) expect(named, `README names ${method.toUpperCase()} ${path}`).toContain(`${method.toUpperCase()} ${path}`);
    }
  });
});

describe.each(DOCS)('%s', (file) => {
  const text = read(file);

  it('shows only real hilsolve verbs with flags they accept', async () => {
    for (const command of commandsIn(text)) {
      const { verb, flags } = commandParts(command);
      if (verb.startsWith('<')) continue; // a placeholder, as in `hilsolve <command> --help`
      if (verb.startsWith('-')) {
        expect(['--help', '-h'], command).toContain(verb);
        continue;
      }
      expect(verbs, `${file}: ${command}`).toContain(verb);
      const known = await verbFlags(verb);
      for (const flag of flags) expect(known, `${file}: ${command}`).toContain(flag);
    }
  });

  it('names only routes the API serves', () => {
    for (const [method, path] of routesIn(text)) {
      const route = openapi.paths[path.replace(/\?.*$/, '')] ?? (path === '/docs/json' ? { get: {} } : undefined);
      expect(route, `${file}: ${method} ${path}`).toBeDefined();
      expect(Object.keys(route!), `${file}: ${method} ${path}`).toContain(method.toLowerCase());
    }
  });

  it('links only to files that exist', () => {
    for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      const target = m[1]!;
      if (/^[a-z]+:/.test(target)) continue;
      expect(existsSync(join(REPO_ROOT, dirname(file), target)), `${file}: link to ${target}`).toBe(true);
    }
  });
});
