// Device search on the public benchmark files, the way a user runs them: one
// `hilsolve solve FILE --mode M --time-limit MS --output json` process per instance and seed
// (the simulator and a private service in the process), and the job's own figures: time to the
// first proven solution (from the job's start, so process start-up is not in it), flips, device
// cycles and cycles per flip, link bytes. The same rows run in validate mode with --compare.
//
//   npx tsx bench/search-instances.ts                       # every satisfiable instance, search mode
//   npx tsx bench/search-instances.ts --rows uf50-01,myciel4 --seeds 3 --time-limit 30000
//   npx tsx bench/search-instances.ts --compare             # search and validate side by side
//   npx tsx bench/search-instances.ts --no-tree             # the device alone, no host tree search beside it
//   npx tsx bench/search-instances.ts --instances DIR       # default ../shared/instances
//
// It prints a markdown table; --out FILE also writes the runs as JSON.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Every satisfiable instance of the shared set, with the colour count a .col file needs. */
const ROWS: { id: string; file: string; colors?: number }[] = [
  ...['uf20-01', 'uf50-01', 'uf75-01', 'uf100-01', 'uf125-01', 'uf175-01'].map((id) => ({ id, file: `sat-uniform/${id}.cnf` })),
  ...['flat50-1000', 'flat100-1'].map((id) => ({ id, file: `sat-flat/${id}.cnf` })),
  ...['par8-1-c', 'medium', 'anomaly', 'logistics.a', 'bmc-ibm-2'].map((id) => ({ id, file: `sat-structured/${id}.cnf` })),
  { id: 'myciel3', file: 'col/myciel3.col', colors: 4 },
  { id: 'myciel4', file: 'col/myciel4.col', colors: 5 },
  { id: 'myciel5', file: 'col/myciel5.col', colors: 6 },
  { id: 'myciel6', file: 'col/myciel6.col', colors: 7 },
  { id: 'queen5_5', file: 'col/queen5_5.col', colors: 5 },
  { id: 'queen6_6', file: 'col/queen6_6.col', colors: 7 },
  { id: 'huck', file: 'col/huck.col', colors: 11 },
  { id: 'jean', file: 'col/jean.col', colors: 10 },
  { id: 'le450_5a', file: 'col/le450_5a.col', colors: 5 },
  ...['hardest-01', 'hardest-02', 'top95-01'].map((id) => ({ id, file: `sudoku/${id}.json` })),
];

interface Run {
  id: string;
  mode: string;
  seed: number;
  solved: boolean;
  firstMs: number | null;
  elapsedMs: number;
  flips: number;
  deviceCycles: number;
  candidates: number;
  linkBytes: number;
  deviceFaults: number;
  /** Solutions the host's tree search found (then proven by the device), nodes it spent. */
  treeSolutions: number;
  treeNodes: number;
  error?: string;
}

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    seeds: { type: 'string', default: '1' },
    'time-limit': { type: 'string', default: '30000' },
    compare: { type: 'boolean', default: false },
    'no-tree': { type: 'boolean', default: false },
    instances: { type: 'string', default: `${ROOT}../shared/instances` },
    out: { type: 'string' },
  },
});

const wanted = values.rows?.split(',');
const rows = ROWS.filter((r) => !wanted || wanted.includes(r.id));
const seeds = Number(values.seeds);
const timeLimit = Number(values['time-limit']);
const modes = values.compare ? ['search', 'validate'] : ['search'];

function runOne(row: (typeof ROWS)[number], mode: string, seed: number): Run {
  const file = `${values.instances}/${row.file}`;
  const args = ['bin/hilsolve.js', 'solve', file, '--mode', mode, '--time-limit', String(timeLimit), '--seed', String(seed), '--output', 'json'];
  if (row.colors !== undefined) args.push('--colors', String(row.colors));
  if (values['no-tree']) args.push('--no-tree');
  const proc = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: timeLimit + 120_000 });
  const base = { id: row.id, mode, seed };
  let job: { solutions: { foundAtMs: number }[]; stats: Record<string, number> };
  try {
    job = JSON.parse(proc.stdout);
  } catch {
    return { ...base, solved: false, firstMs: null, elapsedMs: 0, flips: 0, deviceCycles: 0, candidates: 0, linkBytes: 0, deviceFaults: 0, treeSolutions: 0, treeNodes: 0, error: (proc.stderr || `exit ${proc.status}`).trim().split('\n').pop() };
  }
  const s = job.stats;
  return {
    ...base,
    solved: job.solutions.length > 0,
    firstMs: job.solutions[0]?.foundAtMs ?? null,
    elapsedMs: s.elapsedMs ?? 0,
    flips: s.flips ?? 0,
    deviceCycles: s.deviceCycles ?? 0,
    candidates: s.candidates ?? 0,
    linkBytes: s.linkBytes ?? 0,
    deviceFaults: s.deviceFaults ?? 0,
    treeSolutions: s.treeSolutions ?? 0,
    treeNodes: s.treeNodes ?? 0,
  };
}

/** CaDiCaL on a CNF file, the same way (a fresh process): wall seconds, or null when it did not answer SAT. */
function cadical(file: string): number | null {
  // SATLIB files end with a `%` line that CaDiCaL refuses; it gets the file without it.
  const clean = `${tmpdir()}/hilsolve-bench-${process.pid}.cnf`;
  writeFileSync(clean, readFileSync(file, 'utf8').split(/^%/m)[0]!);
  const t0 = performance.now();
  const r = spawnSync('cadical', ['-q', clean], { encoding: 'utf8', timeout: timeLimit });
  return r.status === 10 ? (performance.now() - t0) / 1000 : null;
}

/**
 * MODELLED time to the first solution on an FPGA with the search engine: the device cycles the
 * simulator counted at MODEL_HZ, plus the link bytes at MODEL_BAUD (10 bits a byte). No board
 * with the search engine exists yet (the UP5K cannot hold it; hdl/README.md): this is an estimate
 * for an ECP5 at an assumed clock, not a measurement.
 */
const MODEL_HZ = 50e6;
const MODEL_BAUD = 3e6;
const modelled = (r: Run) => r.deviceCycles / MODEL_HZ + (r.linkBytes * 10) / MODEL_BAUD;

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
};

const runs: Run[] = [];
for (const row of rows) {
  if (!existsSync(`${values.instances}/${row.file}`)) {
    process.stderr.write(`skipping ${row.id}: ${row.file} is not in ${values.instances}\n`);
    continue;
  }
  for (const mode of modes) {
    for (let seed = 1; seed <= seeds; seed++) {
      const run = runOne(row, mode, seed);
      runs.push(run);
      process.stderr.write(`${row.id} ${mode} seed ${seed}: ${run.solved ? `${(run.firstMs! / 1000).toFixed(2)} s` : run.error ?? 'no solution'}\n`);
    }
  }
}

const lines = [
  `Device search on ../shared/instances (simulator, ${timeLimit / 1000} s limit, ${seeds} seed(s), median; time from the job's start to the first proven solution; ${values['no-tree'] ? 'the device alone (--no-tree)' : 'with the host tree search beside the device'})`,
  '',
  `Modelled FPGA: device cycles at ${MODEL_HZ / 1e6} MHz + link bytes at ${MODEL_BAUD / 1e6} Mbaud (an ECP5 estimate; no board runs the search engine yet). CaDiCaL: the same file in a fresh process, same run.`,
  '',
  '| instance | mode | solved | time to first (sim) | modelled FPGA | CaDiCaL | flips | device cycles | cycles/flip | link bytes | device faults | found by |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const row of rows) {
  for (const mode of modes) {
    const rs = runs.filter((r) => r.id === row.id && r.mode === mode);
    if (rs.length === 0) continue;
    const solved = rs.filter((r) => r.solved);
    const t = median(rs.map((r) => (r.solved ? r.firstMs! : Infinity)));
    const flips = median(rs.map((r) => r.flips));
    const cycles = median(rs.map((r) => r.deviceCycles));
    const cpf = flips > 0 ? (median(rs.map((r) => (r.flips > 0 ? r.deviceCycles / r.flips : NaN)).filter(Number.isFinite))) : NaN;
    const fpga = median(solved.map(modelled));
    const cad = row.file.endsWith('.cnf') ? cadical(`${values.instances}/${row.file}`) : null;
    lines.push(`| ${row.id} | ${mode} | ${solved.length}/${rs.length} | ${Number.isFinite(t) ? `${(t / 1000).toFixed(2)} s` : 'no solution in limit'} | ` +
      `${solved.length > 0 ? `${fpga.toFixed(3)} s` : '-'} | ${cad === null ? '-' : `${cad.toFixed(3)} s`} | ` +
      `${flips.toLocaleString('en')} | ${cycles.toLocaleString('en')} | ${Number.isFinite(cpf) ? cpf.toFixed(1) : '-'} | ` +
      `${median(rs.map((r) => r.linkBytes)).toLocaleString('en')} | ${rs.reduce((a, r) => a + r.deviceFaults, 0)} | ` +
      `${rs.some((r) => r.treeSolutions > 0) ? `tree (${median(rs.map((r) => r.treeNodes))} nodes), device-proven` : 'device search'} |`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
if (values.out) writeFileSync(values.out, `${JSON.stringify({ timeLimit, seeds, runs }, null, 2)}\n`);
