// hilsolve against its peers on the same instances in the same run (bench/README.md):
//   npm run bench -- [--quick] [--budget-ms N] [--repeats R] [--rows ID,ID] [--out FILE]
// - hilsolve: the real solve loop with the ONNX sampler on the Verilator simulator, one worker
//   process per row (bench/peers/hilsolve-run.ts), wall clock and modelled on a board
//   (bench/peers/board-model.ts); and the same with uniform sampling instead of the model.
// - MiniZinc 2.6 with Gecode on the CSP rows (bench/peers/minizinc.ts), CaDiCaL and
//   CryptoMiniSat on the CNF rows (bench/peers/sat-solvers.ts).
// Every run, peers included, has the same time limit; a run without a solution in it counts as
// "no solution in budget". Prints Markdown tables and writes the figures and raw runs as JSON.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { buildSimulator } from '../src/link/simulator.ts';
import type { HilsolveEnd, HilsolveRun } from './peers/hilsolve-run.ts';
import { benchRows, parseInstance, type Row } from './peers/instances.ts';
import { runGecode } from './peers/minizinc.ts';
import { ensurePeers, peerVersions } from './peers/packages.ts';
import { factsTable, rowFacts, type RowFacts } from './peers/facts.ts';
import { hilsolveFigures, ICEBREAKER, ICEBREAKER_FAST, markdownTables, median, peerFigures, type RowResult } from './peers/report.ts';
import { runSat, type PeerRun, type SatSolver } from './peers/sat-solvers.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'budget-ms': { type: 'string' },
    repeats: { type: 'string' },
    rows: { type: 'string' },
    'give-up-after': { type: 'string', default: '2' },
    solutions: { type: 'string', default: '100' },
    out: { type: 'string' },
  },
});
const quick = values.quick;
const budgetMs = Number(values['budget-ms'] ?? (quick ? 3000 : 5000));
const repeats = Number(values.repeats ?? (quick ? 1 : 3));
const solutions = Number(values.solutions);
const giveUpAfter = Number(values['give-up-after']);
for (const [name, v] of Object.entries({ 'budget-ms': budgetMs, repeats, solutions })) {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`--${name} must be a positive integer`);
}
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const out = values.out ?? `${ROOT}bench/results/compare${quick ? '-quick' : ''}.json`;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

let rows = benchRows(quick);
if (values.rows) {
  const wanted = values.rows.split(',');
  rows = rows.filter((r) => wanted.includes(r.id));
  if (rows.length === 0) throw new Error(`--rows: none of ${wanted.join(', ')}; rows are ${benchRows(quick).map((r) => r.id).join(', ')}`);
}

ensurePeers(log);
// Build the simulator now if the RTL changed, so that no row's time includes the build.
await buildSimulator();
const startedAt = new Date();
const loadBefore = loadavg();
const t0 = performance.now();
// Other work on the machine slows hilsolve and the peers alike; sample it through the run.
const loadSamples: number[] = [];
const loadTimer = setInterval(() => loadSamples.push(loadavg()[0]!), 10_000);

/** Seeds of a row: several on a single CSP instance; one per instance when the row has many. */
const seedsOf = (row: Row): number[] => (row.instances.length > 1 ? [1] : Array.from({ length: repeats }, (_, i) => i + 1));

function hilsolveRow(row: Row, method: 'guided' | 'uniform'): Promise<{ runs: HilsolveRun[]; end: HilsolveEnd }> {
  const args = [
    '--import', 'tsx', `${ROOT}bench/peers/hilsolve-run.ts`, '--row', row.id, '--method', method, '--seeds', seedsOf(row).join(','),
    '--budget-ms', String(budgetMs), '--solutions', String(solutions), '--give-up-after', String(giveUpAfter), ...(quick ? ['--quick'] : []),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const runs: HilsolveRun[] = [];
      let end: HilsolveEnd | undefined;
      for (const line of stdout.split('\n')) {
        if (line.startsWith('RUN ')) runs.push(JSON.parse(line.slice(4)) as HilsolveRun);
        if (line.startsWith('END ')) end = JSON.parse(line.slice(4)) as HilsolveEnd;
      }
      if (code !== 0 || !end) reject(new Error(`hilsolve run of ${row.id} (${method}) exited with ${code}`));
      else resolve({ runs, end });
    });
  });
}

async function peerRow(row: Row, peer: 'gecode' | SatSolver): Promise<{ firsts: PeerRun[]; manys: PeerRun[] }> {
  const firsts: PeerRun[] = [];
  const manys: PeerRun[] = [];
  for (const instance of row.instances) {
    const model = parseInstance(instance);
    for (let i = 0; i < seedsOf(row).length; i++) {
      const run = (n: number) => (peer === 'gecode' ? runGecode(model, n, budgetMs) : runSat(peer, instance.source, model, n, budgetMs));
      firsts.push(await run(1));
      manys.push(await run(solutions));
    }
  }
  return { firsts, manys };
}

const results: RowResult[] = [];
const facts: RowFacts[] = [];
const raw: Record<string, unknown> = {};
for (const row of rows) {
  const result: RowResult = { row: row.id, kind: row.kind, instances: row.instances.length, methods: {} };
  const rowStart = performance.now();
  const guided = await hilsolveRow(row, 'guided');
  result.methods.hilsolve = hilsolveFigures(guided.runs, guided.end);
  result.methods['hilsolve-board'] = hilsolveFigures(guided.runs, guided.end, ICEBREAKER);
  result.methods['hilsolve-board-fast'] = hilsolveFigures(guided.runs, guided.end, ICEBREAKER_FAST);
  const uniform = await hilsolveRow(row, 'uniform');
  result.methods.uniform = hilsolveFigures(uniform.runs, uniform.end);
  const peers = row.kind === 'csp' ? (['gecode'] as const) : (['cadical', 'cryptominisat'] as const);
  const peerRaw: Record<string, unknown> = {};
  for (const peer of peers) {
    const p = await peerRow(row, peer);
    result.methods[peer] = peerFigures(p.firsts, p.manys);
    peerRaw[peer] = p;
  }
  results.push(result);
  facts.push(rowFacts(result, { guided, uniform }));
  raw[row.id] = { guided, uniform, peers: peerRaw };
  const h = result.methods.hilsolve;
  log(`${row.id}: ${((performance.now() - rowStart) / 1000).toFixed(0)} s; hilsolve first ${h.firstMs?.toFixed(0) ?? 'none'} ms, found ${h.found}`);
}

clearInterval(loadTimer);
loadSamples.push(loadavg()[0]!);
const machine = {
  cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version, loadBefore: loadBefore.map((x) => Number(x.toFixed(2))), loadAfter: loadavg().map((x) => Number(x.toFixed(2))),
  /** 1-minute load average every 10 s during the run. */
  loadSamples: loadSamples.map((x) => Number(x.toFixed(2))),
};
const loadRange = `${Math.min(...machine.loadSamples)} to ${Math.max(...machine.loadSamples)} (median ${median(machine.loadSamples)})`;
const tables = `${markdownTables(results)}\n${factsTable(facts)}`;
const header = `${startedAt.toISOString().slice(0, 16)} UTC, ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGb} GB, ` +
  `1-minute load average ${machine.loadBefore[0]} at the start and ${loadRange} during the run; ${quick ? 'quick run, ' : ''}time limit ${budgetMs} ms per run, ` +
  `${repeats} seed(s) per CSP instance, ${solutions} solutions asked; board model: ${ICEBREAKER.name}; ` +
  `${((performance.now() - t0) / 60_000).toFixed(1)} min in all`;
process.stdout.write(`${header}\n\n${tables}`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({
  date: startedAt.toISOString(), machine, peers: peerVersions(),
  settings: { quick, budgetMs, repeats, solutions, giveUpAfter, board: ICEBREAKER, fastBoard: ICEBREAKER_FAST },
  rows: results, facts, raw,
}, null, 1)}\n`);
writeFileSync(out.replace(/\.json$/, '.md'), `${header}\n\n${tables}`);
log(`wrote ${out}`);
