// `hilsolve solve` as users run it (a child process of bin/hilsolve.js): in one process with the
// simulator, against a server started here (API + `hilsolve worker` on the real Redis), and its
// exit codes for no solution, bad input and an unreachable server. Every printed solution is
// read back from the output and checked with this file's own code.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawSolution, recogniseShape } from '../src/cli/draw.ts';
import { freePort } from '../src/cli/private-redis.ts';
import { ProgressLine } from '../src/cli/progress.ts';
import { parseProblem } from '../src/model/parse.ts';
import { workerConfig } from '../src/queue/config.ts';
import { emptyStats } from '../src/solve/types.ts';
import { checkCnf, checkSudoku, EASY_SUDOKU, hardPigeons, plantedCnf, sudokuProblem } from './helpers/problems.ts';
import { FIXTURES, REPO_ROOT, runCli, type CliResult } from './helpers/run-cli.ts';
import { KEY_A, startApi, uniquePrefix, type TestApi } from './helpers/service.ts';
import { spawnWorker, type WorkerProcess } from './helpers/worker-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'cli-solve-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
/** Thirteen pigeons, twelve holes: no solution, and neither propagation nor the tree search can tell in time. */
const PIGEONS = file('pigeons.json', JSON.stringify(hardPigeons()));
const SUDOKU = file('sudoku.json', JSON.stringify(sudokuProblem(EASY_SUDOKU)));
const SAT = plantedCnf(40, 160, 7);
const SAT_FILE = file('planted.cnf', SAT.text);

interface Running {
  /** Resolves with the exit code and all output. */
  done: Promise<CliResult>;
  /** Resolves once stderr matches `pattern`. */
  stderrMatches(pattern: RegExp): Promise<void>;
  signal(name: NodeJS.Signals): void;
  pid: number;
}

/** Starts bin/hilsolve.js as a child process. */
function start(args: string[], env: Record<string, string> = {}, timeoutMs = 180_000): Running {
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/hilsolve.js`, ...args], {
    env: { ...process.env, HILSOLVE_LOG_LEVEL: 'error', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of waiters) w();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`hilsolve ${args.join(' ')} still running after ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  return {
    done,
    stderrMatches: (pattern) => new Promise((resolve, reject) => {
      const check = () => pattern.test(stderr) && resolve();
      waiters.push(check);
      check();
      done.then(() => reject(new Error(`exited before stderr matched ${pattern}: ${stderr}`)), reject);
    }),
    signal: (name) => child.kill(name),
    pid: child.pid!,
  };
}

function hilsolve(args: string[], env: Record<string, string> = {}, timeoutMs = 180_000): Promise<CliResult> {
  return start(args, env, timeoutMs).done;
}

/** Command lines of the live descendants of process `root`, by PID. */
function descendants(root: number): Map<number, string> {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found = new Map<number, string>();
  let frontier = [root];
  while (frontier.length > 0) {
    const next = [...parent].filter(([, ppid]) => frontier.includes(ppid)).map(([pid]) => pid);
    for (const pid of next) found.set(pid, readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' '));
    frontier = next;
  }
  return found;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

/** The queens' columns by row (row 1 first) read from a drawn board. */
function readBoard(text: string): number[] {
  const rows = text.split('\n').filter((l) => /^\s*\d+ [.Q]( [.Q])*$/.test(l));
  const byRow = new Map(rows.map((l) => {
    const [rank, ...squares] = l.trim().split(' ');
    expect(squares.filter((s) => s === 'Q')).toHaveLength(1);
    return [Number(rank), squares.indexOf('Q')];
  }));
  return Array.from({ length: byRow.size }, (_, i) => byRow.get(i + 1)!);
}

function queensValid(columns: number[]): boolean {
  return columns.every((c, i) => columns.every((d, j) => i === j || (c !== d && Math.abs(c - d) !== Math.abs(i - j))));
}

/** The variables set true by DIMACS `v` lines. */
function readVLines(text: string): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const line of text.split('\n').filter((l) => l.startsWith('v '))) {
    for (const lit of line.slice(2).trim().split(/\s+/).map(Number)) if (lit !== 0) out[String(Math.abs(lit))] = lit > 0;
  }
  return out;
}

describe('hilsolve solve in one process', { timeout: 300_000 }, () => {
  it('draws a proven 8-queens solution and exits 0', async () => {
    const r = await hilsolve(['solve', `${FIXTURES}8-queens.json`, '--seed', '5']);
    expect(r.code, r.stderr).toBe(0);
    const columns = readBoard(r.stdout);
    expect(columns).toHaveLength(8);
    expect(queensValid(columns), r.stdout).toBe(true);
    expect(r.stdout).toMatch(/8-queens: SATISFIED: 1 solution/);
    expect(r.stdout).toMatch(/proven by hilsolve-sim/);
    // stderr is not a terminal: no progress line.
    expect(r.stderr).toBe('');
  });

  it('with --embedded, starts a private Redis when REDIS_URL does not answer; Ctrl-C cancels the job and stops everything', async () => {
    const run = start(['solve', PIGEONS, '--embedded', '--time-limit', '120000'], {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`, HILSOLVE_LOG_LEVEL: 'info',
    });
    let children = new Map<number, string>();
    try {
      await run.stderrMatches(/"msg":"job started"/);
      children = descendants(run.pid);
      expect([...children.values()].join('\n')).toMatch(/redis-server 127\.0\.0\.1:\d+/);
      expect([...children.values()].join('\n')).toMatch(/hilsolve-sim/);
    } finally {
      run.signal('SIGINT');
    }
    const t0 = Date.now();
    const r = await run.done;
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stdout).toMatch(/UNKNOWN: no solution found, cancelled/);
    expect([...children.keys()].filter(alive)).toEqual([]);
  });

  it('exits 4 when the time limit runs out before a solution', async () => {
    const r = await hilsolve(['solve', PIGEONS, '--time-limit', '800']);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stdout).toMatch(/UNKNOWN: no solution found, the time limit ran out/);
  });
});

describe('hilsolve solve --server', { timeout: 300_000 }, () => {
  let api: TestApi;
  let worker: WorkerProcess;
  let url: string;

  beforeAll(async () => {
    api = await startApi(uniquePrefix('cli-solve'));
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(api.app.server.address() as { port: number }).port}`;
    worker = spawnWorker(api.prefix);
  });
  afterAll(async () => {
    const code = await worker?.stop();
    await api?.close();
    expect(code).toBe(0);
  });

  const remote = (args: string[]) => hilsolve(['solve', '--server', url, '--api-key', KEY_A, ...args]);

  it('prints a sudoku solution as the job JSON', async () => {
    const r = await remote([SUDOKU, '--seed', '1', '--output', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout);
    expect(job).toMatchObject({ status: 'succeeded', outcome: 'SATISFIED', stopReason: 'solutions', solutionCount: 1 });
    expect(job.solutions).toHaveLength(1);
    expect(checkSudoku(EASY_SUDOKU, job.solutions[0].assignment)).toBe(true);
  });

  it('prints CNF solutions as DIMACS lines that satisfy every clause', async () => {
    const r = await remote([SAT_FILE, '--seed', '2', '--solutions', '2', '--output', 'dimacs']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^s SATISFIABLE$/m);
    const [first, second] = r.stdout.split(/^c solution 2$/m);
    for (const part of [first!, second!]) expect(checkCnf(SAT.clauses, readVLines(part))).toBe(true);
    expect(readVLines(first!)).not.toEqual(readVLines(second!));
  });

  it('exits 1 for a problem proven unsatisfiable, saying so in DIMACS', async () => {
    const loop = file('self-loop.col', 'p edge 3 2\ne 1 2\ne 3 3\n');
    const r = await remote([loop, '--colors', '2', '--output', 'dimacs']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^s UNSATISFIABLE$/m);
    expect(r.stdout).not.toMatch(/^v /m);
    expect(r.stderr).toMatch(/self-loop.col: UNSATISFIABLE: \S/);
    expect(r.stderr).not.toMatch(/unsatisfiable: unsatisfiable/i);
  });

  it('exits 4 when the candidate budget runs out', async () => {
    const r = await remote([PIGEONS, '--max-candidates', '300', '--mode', 'validate', '--output', 'json']);
    expect(r.code, r.stderr).toBe(4);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'UNKNOWN', stopReason: 'candidateBudget', solutions: [] });
    expect(r.stderr).toMatch(/UNKNOWN: no solution found, the candidate budget ran out/);
  });

  it('says when the server has no worker for the queued job, and Ctrl-C cancels it', async () => {
    const idle = await startApi(uniquePrefix('cli-solve-idle'));
    try {
      await idle.app.listen({ port: 0, host: '127.0.0.1' });
      const idleUrl = `http://127.0.0.1:${(idle.app.server.address() as { port: number }).port}`;
      const run = start(['solve', '--server', idleUrl, '--api-key', KEY_A, `${FIXTURES}8-queens.json`]);
      await run.stderrMatches(/no worker is connected to this server; the job waits in the queue/);
      run.signal('SIGINT');
      const r = await run.done;
      expect(r.code, r.stderr).toBe(4);
      expect(r.stdout).toMatch(/UNKNOWN: no solution found, cancelled/);
    } finally {
      await idle.close();
    }
  });

  it('exits 2 when the server refuses the API key', async () => {
    const r = await hilsolve(['solve', '--server', url, '--api-key', 'not-a-valid-key-000', `${FIXTURES}8-queens.json`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused the API key/);
  });
});

describe('hilsolve solve refusals', () => {
  it('exits 3 when the server does not answer', async () => {
    const port = await freePort();
    const r = await runCli(['solve', '--server', `http://127.0.0.1:${port}`, '--api-key', KEY_A, `${FIXTURES}8-queens.json`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`cannot reach http://127.0.0.1:${port}: ECONNREFUSED`));
  });

  it.each([
    [['solve', `${FIXTURES}malformed/json-unknown-variable.json`], /json-unknown-variable\.json: \$\.constraints/],
    [['solve', join(dir, 'missing.json')], /missing\.json: cannot read: no such file/],
    [['solve', `${FIXTURES}flat50-3.col`], /colou?rs/],
    [['solve', `${FIXTURES}8-queens.json`, '--output', 'dimacs'], /--output dimacs is for CNF and \.col/],
    [['solve', `${FIXTURES}8-queens.json`, '--output', 'svg'], /unknown output "svg"/],
    [['solve', `${FIXTURES}8-queens.json`, '--solutions', '0'], /--solutions must be a whole number from 1 to 1000/],
    [['solve', `${FIXTURES}8-queens.json`, '--server', 'http://127.0.0.1:1'], /--server needs an API key/],
    [['solve', `${FIXTURES}8-queens.json`, '--server', 'ftp://x', '--api-key', 'k'], /not an http/],
    [['solve', `${FIXTURES}8-queens.json`, '--frobnicate'], /Unknown option '--frobnicate'/],
  ])('exits 2 for %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('drawing and progress', () => {
  const queens = parseProblem(JSON.stringify({ variables: [{ name: 'q', domain: { min: 1, max: 4 }, size: 4 }], constraints: [] }), { format: 'json' });

  it('recognises N-queens, sudoku, CNF, .col and anything else', () => {
    expect(recogniseShape(queens)).toEqual({ kind: 'queens', n: 4 });
    expect(recogniseShape(parseProblem(JSON.stringify(sudokuProblem(EASY_SUDOKU)), { format: 'json' }))).toEqual({ kind: 'sudoku' });
    expect(recogniseShape(parseProblem('p cnf 2 1\n1 2 0\n', { format: 'cnf' }))).toEqual({ kind: 'cnf' });
    expect(recogniseShape(parseProblem('p edge 2 1\ne 1 2\n', { format: 'col', colors: 2 }))).toEqual({ kind: 'col' });
    // Four variables named q but with 5 values each: not a board.
    const wide = parseProblem(JSON.stringify({ variables: [{ name: 'q', domain: { min: 0, max: 4 }, size: 4 }], constraints: [] }), { format: 'json' });
    expect(recogniseShape(wide)).toEqual({ kind: 'list' });
  });

  it('draws a board with row 1 at the bottom and values counted from the domain minimum', () => {
    const board = drawSolution(queens, { kind: 'queens', n: 4 }, { 'q[0]': 2, 'q[1]': 4, 'q[2]': 1, 'q[3]': 3 });
    expect(board).toBe('  a b c d\n4 . . Q .\n3 Q . . .\n2 . . . Q\n1 . Q . .\n');
  });

  it('names values line by line when there is nothing to draw', () => {
    const model = parseProblem(JSON.stringify({ variables: [{ name: 'x', domain: [1, 5] }, { name: 'y', domain: 'bool' }], constraints: [] }), { format: 'json' });
    expect(drawSolution(model, recogniseShape(model), { x: 5, y: true })).toBe('x = 5\ny = true\n');
  });

  it('rewrites one line on a terminal and writes nothing otherwise', () => {
    const written: string[] = [];
    const tty = new ProgressLine(3, { isTTY: true, columns: 200, write: (t) => written.push(t) > 0 });
    tty.update({ ...emptyStats(), candidates: 640, verdicts: 640, proven: 2, elapsedMs: 2_000 }, 1);
    tty.stop();
    expect(written[0]!.startsWith('\r\u001b[K')).toBe(true);
    expect(written[0]!.slice(4)).toMatch(/^starting {2}candidates 640 {2}verdicts 320\/s {2}proven 2 {2}solutions 1\/3 {2}elapsed \d+\.\d s$/);
    expect(written.at(-1)).toBe('\r\x1b[K');
    const quiet: string[] = [];
    const pipe = new ProgressLine(1, { isTTY: false, write: (t) => quiet.push(t) > 0 });
    pipe.update({ ...emptyStats(), candidates: 64, verdicts: 64, elapsedMs: 100 }, 0);
    pipe.stop();
    expect(quiet).toEqual([]);
  });
});

describe('the serial bit rate for a board (docs/board.md)', () => {
  it('comes from HILSOLVE_BAUD, checked', () => {
    expect(workerConfig({ HILSOLVE_BAUD: '115200' }).baud).toBe(115_200);
    expect(workerConfig({}).baud).toBeUndefined();
    expect(() => workerConfig({ HILSOLVE_BAUD: 'fast' })).toThrow(/HILSOLVE_BAUD: 'fast' is not an integer/);
  });

  it('`hilsolve worker --baud` refuses a bad value before opening anything', async () => {
    const r = await runCli(['worker', '--baud', '12x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--baud must be a whole number/);
  });
});
