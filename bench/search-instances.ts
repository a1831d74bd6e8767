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
//   npx tsx bench/search-instances.ts --device tcp://127.0.0.1:PORT   # another device, e.g. a
//       simulator built with more chains (hdl/README.md, "Chains"); its chain count, from the
//       handshake, goes into the modelled rows' label
//
// It prints a markdown table; --out FILE also writes the runs as JSON.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

import { compileUnsearched } from '../src/model/compile.ts';
import { parseProblem } from '../src/model/parse.ts';
import { encodeProgramWords } from '../src/model/isa.ts';
import { compileSearchTables } from '../src/model/search-tables.ts';
import { prepareProblem } from '../src/solve/prepare.ts';
import { plantedColoring } from './gen/coloring.ts';
import { plantedSat } from './gen/sat.ts';
import { runGecode } from './peers/minizinc.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Every satisfiable instance of the shared set, with the colour count a .col file needs. */
const ROWS: { id: string; file: string; colors?: number; generate?: () => string }[] = [
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
  // The sizes the issue's targets name and the shared set lacks, generated with a planted
  // solution (so easier than SATLIB's filtered files of the same size): written to GEN_DIR.
  { id: 'uf250-planted', file: 'gen/uf250-planted.cnf', generate: () => plantedSat(250, 1065, 1).cnf },
  { id: 'flat200-planted', file: 'gen/flat200-planted.col', colors: 3, generate: () => plantedColoring(200, 3, 479, 1).col },
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
    device: { type: 'string' },
  },
});

/** The chains of the device the runs use: its handshake, or the default simulator build's 1. */
function deviceChains(): number {
  if (values.device === undefined) return 1;
  const info = spawnSync(process.execPath, ['bin/hilsolve.js', 'device', 'info', '--port', values.device, '--json'], { cwd: ROOT, encoding: 'utf8' });
  if (info.status !== 0) throw new Error(`--device ${values.device}: ${info.stderr.trim()}`);
  const chains = (JSON.parse(info.stdout) as { search?: { chains?: number } }).search?.chains;
  if (!chains) throw new Error(`--device ${values.device}: its handshake offers no search`);
  return chains;
}
const chains = deviceChains();

const wanted = values.rows?.split(',');
const rows = ROWS.filter((r) => !wanted || wanted.includes(r.id));
const seeds = Number(values.seeds);
const timeLimit = Number(values['time-limit']);
const modes = values.compare ? ['search', 'validate'] : ['search'];

const GEN_DIR = `${tmpdir()}/hilsolve-bench-gen`;
/** A row's problem format, from its file's extension. */
const rowFormat = (row: (typeof ROWS)[number]): 'cnf' | 'col' | 'json' => (row.file.endsWith('.cnf') ? 'cnf' : row.file.endsWith('.col') ? 'col' : 'json');

/** Where a row's file is: the shared set, or (generated rows) written to GEN_DIR first. */
function rowFile(row: (typeof ROWS)[number]): string {
  if (!row.generate) return `${values.instances}/${row.file}`;
  const file = `${GEN_DIR}/${row.file.slice('gen/'.length)}`;
  if (!existsSync(file)) {
    mkdirSync(GEN_DIR, { recursive: true });
    writeFileSync(file, row.generate());
  }
  return file;
}

function runOne(row: (typeof ROWS)[number], mode: string, seed: number): Run {
  const file = rowFile(row);
  const args = ['bin/hilsolve.js', 'solve', file, '--mode', mode, '--time-limit', String(timeLimit), '--seed', String(seed), '--output', 'json'];
  if (row.colors !== undefined) args.push('--colors', String(row.colors));
  if (values['no-tree']) args.push('--no-tree');
  const env = values.device === undefined ? process.env : { ...process.env, HILSOLVE_DEVICE: values.device };
  const proc = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: timeLimit + 120_000 });
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

/**
 * The file as DIMACS CNF for the SAT peers: a .cnf as it is (without SATLIB's trailing `%`
 * line, which CaDiCaL refuses); a .col with `colors` in the direct encoding SATLIB's flat files
 * use (a colour per vertex, at most one, no edge with both ends the same colour). Null for the rest.
 */
function asCnf(file: string, colors: number | undefined): string | null {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.cnf')) {
    // One clause a line: SATLIB's files end in "%" and some split a clause over lines, which
    // CryptoMiniSat's parser refuses.
    const lines = text.split(/^%/m)[0]!.split('\n').filter((l) => !/^\s*c/.test(l));
    const header = lines.find((l) => /^\s*p\s/.test(l)) ?? '';
    const tokens = lines.filter((l) => !/^\s*p\s/.test(l)).join(' ').trim().split(/\s+/).filter((t) => t !== '');
    const clauses: string[] = [];
    let clause: string[] = [];
    for (const t of tokens) {
      if (t === '0') { clauses.push(`${clause.join(' ')} 0`); clause = []; } else clause.push(t);
    }
    return `${header.trim()}\n${clauses.join('\n')}\n`;
  }
  if (!file.endsWith('.col') || colors === undefined) return null;
  let n = 0;
  const edges: [number, number][] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'p') n = Number(f[2]);
    if (f[0] === 'e') edges.push([Number(f[1]), Number(f[2])]);
  }
  const v = (x: number, c: number) => (x - 1) * colors + c + 1;
  const clauses: number[][] = [];
  for (let x = 1; x <= n; x++) {
    clauses.push(Array.from({ length: colors }, (_, c) => v(x, c)));
    for (let a = 0; a < colors; a++) for (let b = a + 1; b < colors; b++) clauses.push([-v(x, a), -v(x, b)]);
  }
  for (const [x, y] of edges) for (let c = 0; c < colors; c++) clauses.push([-v(x, c), -v(y, c)]);
  return `p cnf ${n * colors} ${clauses.length}\n${clauses.map((c) => `${c.join(' ')} 0`).join('\n')}\n`;
}

/** MiniZinc with Gecode on the model as parsed (bench/peers/minizinc.ts): wall clock to its first solution, flattening included; null when none in the limit. */
async function gecodePeer(row: (typeof ROWS)[number]): Promise<number | null> {
  const format = rowFormat(row);
  const model = parseProblem(readFileSync(rowFile(row), 'utf8'), { format, ...(row.colors !== undefined ? { colors: row.colors } : {}) });
  const r = await runGecode(model, 1, timeLimit);
  return r.found > 0 ? r.wallMs / 1000 : null;
}

/** A SAT peer on the CNF in a fresh process: wall seconds, the median of PEER_RUNS runs (a few ms vary run to run); null when it did not answer SAT. */
const PEER_RUNS = 5;
function satPeer(command: 'cadical' | 'cryptominisat5', cnf: string): number | null {
  const clean = `${tmpdir()}/hilsolve-bench-${process.pid}.cnf`;
  writeFileSync(clean, cnf);
  const args = command === 'cadical' ? ['-q', clean] : ['--verb', '0', clean];
  const times: number[] = [];
  for (let k = 0; k < PEER_RUNS; k++) {
    const t0 = performance.now();
    const r = spawnSync(command, args, { encoding: 'utf8', timeout: timeLimit });
    if (r.status !== 10) return null;
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

/**
 * MODELLED times to the first solution on an FPGA with the search engine: the device cycles the
 * simulator counted, plus the cycles the device spends on the load itself (below), at the part's
 * clock, plus the link bytes at the line's baud (10 bits a byte). The host's own time (parse,
 * compile, prior) is left out; "time to first (sim)" has it.
 * No board build holds the search engine: on the iCEBreaker's UP5K the search alone needs about
 * as many logic cells as the part has (hdl/README.md), so jobs on that board run in validate
 * mode (bench/compare.ts models those). The part modelled is an ECP5-85F: an estimate (yosys
 * synth_ecp5 of the core, no place and route here) with the chains of the device the runs use
 * (--device; 1 in the default simulator), at an assumed 50 MHz, at the 115,200
 * baud every serial link starts at and at the 3 Mbaud it negotiates (docs/link-protocol.md); and
 * at 48 MHz with 12 Mbaud, divider 4 (hilsolve_top's MIN_DIVIDER): the top rate of an FT2232H,
 * the USB UART of the iCEBreaker and of ECP5 evaluation boards. That rate is not exercised on a
 * board here: the receiver's tolerance at divider 4 is measured on uart_rx alone
 * (test/uart-tb.test.ts, docs/link-protocol.md "Link speed"), the simulator's line tests run at 8.
 */
interface Model { id: string; label: string; hz: number; baud: number }
const MODELS: Model[] = [
  { id: 'ecp5-115k', label: 'ECP5 est. 50 MHz, 115,200 baud', hz: 50e6, baud: 115_200 },
  { id: 'ecp5-3m', label: 'ECP5 est. 50 MHz, 3 Mbaud', hz: 50e6, baud: 3e6 },
  { id: 'ecp5-12m', label: 'ECP5 est. 48 MHz, 12 Mbaud', hz: 48e6, baud: 12e6 },
];
const modelled = (r: Run, m: Model) => (r.deviceCycles + (loadCycles.get(`${r.id} ${r.mode}`) ?? 0)) / m.hz + (r.linkBytes * 10) / m.baud;

/**
 * Device cycles the load costs beyond the bytes' own time on the line, by their documented
 * bounds: the program's wire decoder about 66 cycles a word plus 2 a byte (it starts on a chunk
 * once its frame is in, hdl/rtl/validator_word_decoder.v), the search loader's build of the
 * occurrence lists num_values + 2 num_literals + 6 (hdl/rtl/search_loader.v). Counted whole, as if
 * none of it overlapped the line. Search mode loads the program without the searched constraints
 * (compileUnsearched, docs/search.md "The proof"); validate mode the whole program and no tables.
 */
function loadCyclesOf(row: (typeof ROWS)[number], mode: string): number {
  const format = rowFormat(row);
  const { model, program } = prepareProblem({ format, source: readFileSync(rowFile(row), 'utf8'), options: { solutions: 1, timeLimitMs: 1000, seed: 1, maxCandidates: 1, ...(row.colors !== undefined ? { colors: row.colors } : {}) } });
  const programCycles = (words: bigint[]) => 66 * words.length + 2 * encodeProgramWords(words).length;
  if (mode !== 'search') return programCycles(program.words);
  const t = compileSearchTables(model);
  return programCycles(compileUnsearched(model, t).words) + t.numValues + 2 * t.numLiterals + 6;
}
const loadCycles = new Map<string, number>();

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
};

const runs: Run[] = [];
for (const row of rows) {
  if (!row.generate && !existsSync(`${values.instances}/${row.file}`)) {
    process.stderr.write(`skipping ${row.id}: ${row.file} is not in ${values.instances}\n`);
    continue;
  }
  for (const mode of modes) {
    loadCycles.set(`${row.id} ${mode}`, loadCyclesOf(row, mode));
    for (let seed = 1; seed <= seeds; seed++) {
      const run = runOne(row, mode, seed);
      runs.push(run);
      process.stderr.write(`${row.id} ${mode} seed ${seed}: ${run.solved ? `${(run.firstMs! / 1000).toFixed(2)} s` : run.error ?? 'no solution'}\n`);
    }
  }
}

const secs = (x: number | null) => (x === null || !Number.isFinite(x) ? '-' : `${x.toFixed(3)} s`);
const lines = [
  `Device search on ../shared/instances and two generated rows (simulator, ${timeLimit / 1000} s limit, ${seeds} seed(s), median; time from the job's start to the first proven solution; ${values['no-tree'] ? 'the device alone (--no-tree)' : 'with the host tree search beside the device'})`,
  '',
  `MODELLED (not measured on a board): device cycles (search, and the load's decode and build by their bounds) at the clock + link bytes at the baud, host time left out; an ECP5-85F estimate (yosys synth_ecp5, no place and route), ${chains} chain${chains === 1 ? '' : 's'} at an assumed 50 MHz (48 MHz for 12 Mbaud, an FT2232H's top rate, divider 4). No board build holds the search engine (hdl/README.md). CaDiCaL and CryptoMiniSat: the same problem as CNF in a fresh process, same run, the median of ${PEER_RUNS} runs; MiniZinc+Gecode: the model as parsed (bench/peers/minizinc.ts), one run, flattening included. Flips/s: the core's own rate at 50 MHz (cycles per flip of the run).`,
  '',
  `| instance | mode | solved | time to first (sim) | ${MODELS.map((m) => m.label).join(' | ')} | CaDiCaL | CryptoMiniSat | MiniZinc+Gecode | flips | cycles/flip | flips/s at 50 MHz | link bytes | device faults | found by |`,
  `|---|---|---|---|${MODELS.map(() => '---|').join('')}---|---|---|---|---|---|---|---|---|`,
];
for (const row of rows) {
  const cnf = asCnf(rowFile(row), row.colors);
  const peers = cnf === null ? [null, null] : [satPeer('cadical', cnf), satPeer('cryptominisat5', cnf)];
  const gecode = await gecodePeer(row);
  for (const mode of modes) {
    const rs = runs.filter((r) => r.id === row.id && r.mode === mode);
    if (rs.length === 0) continue;
    const solved = rs.filter((r) => r.solved);
    const t = median(rs.map((r) => (r.solved ? r.firstMs! : Infinity)));
    const flips = median(rs.map((r) => r.flips));
    const cpf = flips > 0 ? (median(rs.map((r) => (r.flips > 0 ? r.deviceCycles / r.flips : NaN)).filter(Number.isFinite))) : NaN;
    const models = MODELS.map((m) => (solved.length === 0 ? '-' : secs(median(solved.map((r) => modelled(r, m))))));
    lines.push(`| ${row.id} | ${mode} | ${solved.length}/${rs.length} | ${Number.isFinite(t) ? `${(t / 1000).toFixed(2)} s` : 'no solution in limit'} | ` +
      `${models.join(' | ')} | ${secs(peers[0]!)} | ${secs(peers[1]!)} | ${secs(gecode)} | ` +
      `${flips.toLocaleString('en')} | ${Number.isFinite(cpf) ? cpf.toFixed(1) : '-'} | ${Number.isFinite(cpf) ? `${(50e6 / cpf / 1e6).toFixed(2)} M` : '-'} | ` +
      `${median(rs.map((r) => r.linkBytes)).toLocaleString('en')} | ${rs.reduce((a, r) => a + r.deviceFaults, 0)} | ` +
      `${rs.some((r) => r.treeSolutions > 0) ? `tree (${median(rs.map((r) => r.treeNodes))} nodes), device-proven` : 'device search'} |`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
if (values.out) writeFileSync(values.out, `${JSON.stringify({ timeLimit, seeds, runs }, null, 2)}\n`);
