// docker-compose.yml and the Dockerfile, held to the code (there is no Docker engine here: the
// files are for users). Every command a service runs, the commented board worker's included, must
// be a real `hilsolve` verb with flags that verb accepts; every file they name must exist; Redis
// must keep jobs on disk and never evict them.

import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cliVerbs, commandParts, verbFlags } from './helpers/cli-usage.ts';
import { REPO_ROOT } from './helpers/run-cli.ts';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  devices?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const composeText = readFileSync(`${REPO_ROOT}docker-compose.yml`, 'utf8');
const dockerfile = readFileSync(`${REPO_ROOT}Dockerfile`, 'utf8');
const compose = parse(composeText) as { services: Record<string, Service>; volumes?: Record<string, unknown> };

/** The commented-out board worker, uncommented and parsed as its own service. */
function boardWorker(): Service {
  const lines = composeText.split('\n');
  const start = lines.findIndex((l) => /^ {2}# board-worker:/.test(l));
  expect(start, 'a commented board-worker service').toBeGreaterThan(0);
  const block: string[] = [];
  for (const line of lines.slice(start)) {
    if (!/^ {2}#/.test(line)) break;
    block.push(line.replace(/^ {2}# ?/, ''));
  }
  const parsed = parse(block.join('\n')) as Record<string, Service>;
  return parsed['board-worker']!;
}

const hilsolveServices = () => Object.entries(compose.services).filter(([, s]) => s.image?.startsWith('hilsolve'));

let verbs: string[];
beforeAll(async () => {
  verbs = await cliVerbs();
});

async function expectRealCommand(command: string[] | undefined, where: string) {
  expect(command, `${where}: a command`).toBeInstanceOf(Array);
  const [verb, ...rest] = command!;
  expect(verbs, `${where}: hilsolve ${verb}`).toContain(verb);
  const flags = await verbFlags(verb!);
  for (const word of rest.filter((w) => w.startsWith('--'))) expect(flags, `${where}: hilsolve ${verb} ${word}`).toContain(word);
}

describe('docker-compose.yml', () => {
  it('runs Redis with the append-only file on and no eviction, on a volume', () => {
    const redis = compose.services.redis!;
    expect(redis.command?.[0]).toBe('redis-server');
    expect(redis.command?.join(' ')).toMatch(/--appendonly yes/);
    expect(redis.command?.join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(compose.volumes).toHaveProperty('redis-data');
  });

  it('runs the API and a simulator worker from the image the Dockerfile builds, against that Redis', () => {
    const { api, worker } = compose.services;
    expect(api!.command![0]).toBe('serve');
    expect(worker!.command).toEqual(['worker']);
    for (const s of [api!, worker!]) {
      expect(s.build).toBe('.');
      expect(s.environment?.REDIS_URL).toBe('redis://redis:6379');
      expect(s.depends_on?.redis?.condition).toBe('service_healthy');
    }
    // The published port is the one serve listens on, on every address of the container.
    const port = api!.command![api!.command!.indexOf('--port') + 1];
    expect(api!.ports).toContain(`${port}:${port}`);
    expect(api!.command![api!.command!.indexOf('--host') + 1]).toBe('0.0.0.0');
    expect(api!.environment?.HILSOLVE_API_KEYS).toMatch(/^\$\{HILSOLVE_API_KEYS:\?/);
  });

  it('every command is a real hilsolve verb with real flags', async () => {
    const services = hilsolveServices();
    expect(services.map(([name]) => name).sort()).toEqual(['api', 'worker']);
    for (const [name, service] of services) await expectRealCommand(service.command, name);
  });

  it('has a commented worker for a real board, mapping its serial device to the --port it opens', async () => {
    const board = boardWorker();
    await expectRealCommand(board.command, 'board-worker');
    const port = board.command![board.command!.indexOf('--port') + 1]!;
    expect(port).toBe('/dev/ttyUSB0');
    expect(board.devices?.map((d) => d.split(':')[1])).toContain(port);
    expect(board.command![board.command!.indexOf('--baud') + 1]).toBe('115200');
    expect(board.environment?.REDIS_URL).toBe('redis://redis:6379');
  });

  it('names only commands and files that exist', async () => {
    for (const line of composeText.split('\n').filter((l) => /\bhilsolve \w/.test(l))) {
      const { verb, flags } = commandParts(line.slice(line.search(/\bhilsolve \w/)));
      expect(verbs, line).toContain(verb);
      const known = await verbFlags(verb);
      for (const flag of flags) expect(known, line).toContain(flag);
    }
    for (const path of composeText.match(/\b(?:docs|examples)\/[\w./-]+\.\w+/g) ?? []) expect(existsSync(`${REPO_ROOT}${path}`), path).toBe(true);
  });
});

describe('Dockerfile', () => {
  it('is Debian bookworm with Node 20 and Verilator, and builds the simulator', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm/m);
    expect(dockerfile).toMatch(/apt-get install[^\n]*\n?[^\n]*\bverilator\b/);
    expect(dockerfile).toMatch(/make [^\n]*-C hdl\/sim/);
    expect(dockerfile).toMatch(/npm ci/);
  });

  it('copies only files that exist, and runs bin/hilsolve.js', () => {
    const copied = [...dockerfile.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'hdl', 'models']));
    for (const path of copied) expect(existsSync(`${REPO_ROOT}${path}`), path).toBe(true);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/hilsolve\.js"\]$/m);
    expect(existsSync(`${REPO_ROOT}bin/hilsolve.js`)).toBe(true);
    // Every directory the simulator build and the worker read at run time is in the image.
    for (const dir of ['hdl', 'models', 'proto']) expect(copied).toContain(dir);
  });
});
