// Figures of the peer comparison from the raw runs: medians per row and method, ratios to the
// best peer, and the Markdown tables bench/compare.ts prints and bench/README.md holds.

import { boardMs, ICEBREAKER, ICEBREAKER_FAST, type Board, type DeviceCounts } from './board-model.ts';
import type { HilsolveEnd, HilsolveRun } from './hilsolve-run.ts';
import type { RowKind } from './instances.ts';
import type { PeerRun } from './sat-solvers.ts';

/** Columns of the time and rate tables; the JSON also has 'hilsolve-board-fast' (ICEBREAKER_FAST). */
export const METHODS = ['hilsolve', 'hilsolve-board', 'uniform', 'gecode', 'cadical', 'cryptominisat'] as const;
export type Method = (typeof METHODS)[number] | 'hilsolve-board-fast';
export const PEERS: readonly Method[] = ['gecode', 'cadical', 'cryptominisat'];

/** The figures of one method on one row; null where there is nothing to show. */
export interface Figures {
  runs: number;
  /** Runs with at least one proven solution. */
  solved: number;
  /** Runs left out after repeated runs without a solution (see --give-up-after). */
  skipped: number;
  /** Median time to the first solution, ms; null when the median run had none in budget. */
  firstMs: number | null;
  /** Median distinct solutions per second, 100 asked for (found / time of the last one found). */
  perSecond: number;
  /** Median solutions found when 100 are asked for. */
  found: number;
  bytesPerSolution: number | null;
  /** Median link bytes per candidate over the whole run (program load included). */
  bytesPerCandidate: number | null;
  /** Median candidates up to and including the first solution (null: the median run had none). */
  firstCandidates: number | null;
  /** Median candidates sent in a run. */
  candidatesSent: number | null;
  /** Median candidates sent per second of the run. */
  candidatesPerSecond: number | null;
  peakRssMb: number;
  /** MiniZinc: median of its own flattening and search times on the way to the first solution. */
  flattenFirstMs?: number;
  searchFirstMs?: number;
}

export interface RowResult {
  row: string;
  kind: RowKind;
  instances: number;
  methods: Partial<Record<Method, Figures>>;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** hilsolve on the simulator (board undefined) or modelled on a board. */
export function hilsolveFigures(runs: HilsolveRun[], end: HilsolveEnd, board?: Board): Figures {
  const time = (c: DeviceCounts): number => (board ? boardMs(c, board) : c.wallMs);
  return {
    runs: runs.length, solved: runs.filter((r) => r.found > 0).length, skipped: end.skipped,
    firstMs: finiteOrNull(median(runs.map((r) => (r.first ? time(r.first) : Infinity)))),
    perSecond: median(runs.map((r) => (r.last ? r.found / (time(r.last) / 1000) : 0))),
    found: median(runs.map((r) => r.found)),
    bytesPerSolution: finiteOrNull(median(runs.map((r) => (r.last ? (r.last.txBytes + r.last.rxBytes) / r.found : Infinity)))),
    bytesPerCandidate: finiteOrNull(median(runs.map((r) => (r.end.txBytes + r.end.rxBytes) / r.stats.candidates))),
    firstCandidates: finiteOrNull(median(runs.map((r) => r.firstCandidates ?? Infinity))),
    candidatesSent: median(runs.map((r) => r.stats.candidates)),
    candidatesPerSecond: median(runs.map((r) => r.stats.candidates / (time(r.end) / 1000))),
    peakRssMb: end.maxRssKb / 1024,
  };
}

export function peerFigures(firsts: PeerRun[], manys: PeerRun[]): Figures {
  return {
    runs: firsts.length, solved: firsts.filter((r) => r.found > 0).length, skipped: 0,
    firstMs: finiteOrNull(median(firsts.map((r) => (r.found > 0 ? r.wallMs : Infinity)))),
    perSecond: median(manys.map((r) => r.found / (r.wallMs / 1000))),
    found: median(manys.map((r) => r.found)),
    bytesPerSolution: null,
    bytesPerCandidate: null,
    firstCandidates: null,
    candidatesSent: null,
    candidatesPerSecond: null,
    peakRssMb: median(firsts.map((r, i) => Math.max(r.maxRssKb, manys[i]?.maxRssKb ?? 0))) / 1024,
    ...(firsts[0]?.searchMs !== undefined ? {
      flattenFirstMs: median(firsts.map((r) => r.flattenMs ?? NaN)), searchFirstMs: median(firsts.map((r) => r.searchMs ?? NaN)),
    } : {}),
  };
}

export { ICEBREAKER, ICEBREAKER_FAST };

function fmtMs(ms: number | null): string {
  if (ms === null) return 'no solution in budget';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)} ms`;
}

const sig = (x: number): string => (x === 0 ? '0' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toPrecision(2));

function fmtRatio(x: number): string {
  if (!Number.isFinite(x)) return '∞';
  return x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(x >= 1 ? 1 : 2)}×`;
}

interface Column { head: string; cell: (f: Figures) => string; worse: (h: Figures, best: Figures) => number; best: (a: Figures, b: Figures) => boolean }

const COLUMNS: Record<'first' | 'rate' | 'memory', Column> = {
  first: {
    head: 'time to first proven solution',
    cell: (f) => `${fmtMs(f.firstMs)}${f.runs > 1 && f.solved < f.runs ? ` (${f.solved}/${f.runs + f.skipped})` : ''}`,
    worse: (h, b) => (h.firstMs === null ? Infinity : h.firstMs / (b.firstMs ?? NaN)),
    best: (a, b) => (a.firstMs ?? Infinity) < (b.firstMs ?? Infinity),
  },
  rate: {
    head: 'distinct proven solutions per second, 100 asked (median found)',
    cell: (f) => `${sig(f.perSecond)}/s (${sig(f.found)})`,
    worse: (h, b) => b.perSecond / h.perSecond,
    best: (a, b) => a.perSecond > b.perSecond,
  },
  memory: {
    head: 'peak resident memory of the solving process',
    cell: (f) => `${f.peakRssMb.toFixed(0)} MB`,
    worse: (h, b) => h.peakRssMb / b.peakRssMb,
    best: (a, b) => a.peakRssMb < b.peakRssMb,
  },
};

const LABELS: Record<Method, string> = {
  hilsolve: 'hilsolve (sim)', 'hilsolve-board': 'hilsolve (board model)', 'hilsolve-board-fast': 'hilsolve (board model, 1.5 Mbaud)', uniform: 'uniform (sim)',
  gecode: 'Gecode', cadical: 'CaDiCaL', cryptominisat: 'CryptoMiniSat',
};

function bestPeer(r: RowResult, better: Column['best']): Figures | null {
  let best: Figures | null = null;
  for (const p of PEERS) {
    const f = r.methods[p];
    if (f && (best === null || better(f, best))) best = f;
  }
  return best;
}

function table(rows: RowResult[], which: keyof typeof COLUMNS): string {
  const col = COLUMNS[which];
  const methods: Method[] = which === 'memory' ? ['hilsolve', 'uniform', ...PEERS] : [...METHODS];
  const ratioHeads = which === 'memory' ? ['hilsolve ÷ best peer'] : ['sim ÷ best peer', 'board ÷ best peer'];
  const head = ['instance', ...methods.map((m) => LABELS[m]), ...ratioHeads];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const best = bestPeer(r, col.best);
    const ratio = (m: Method): string => {
      const f = r.methods[m];
      return f && best ? fmtRatio(col.worse(f, best)) : '—';
    };
    const cells = methods.map((m) => (r.methods[m] ? col.cell(r.methods[m]!) : '—'));
    const ratios = which === 'memory' ? [ratio('hilsolve')] : [ratio('hilsolve'), ratio('hilsolve-board')];
    lines.push(`| ${[`${r.row}${r.instances > 1 ? ` (×${r.instances})` : ''}`, ...cells, ...ratios].join(' | ')} |`);
  }
  return `**${col.head}** (median; ratios: how many times worse hilsolve is than the best peer on the row, < 1 means better)\n\n${lines.join('\n')}\n`;
}

function bytesTable(rows: RowResult[]): string {
  const lines = ['| instance | hilsolve (sim) | uniform (sim) | per candidate, hilsolve | per candidate, uniform | candidates/s, sim | candidates/s, board model | candidates to 1st, hilsolve | candidates to 1st, uniform |', '|---|---|---|---|---|---|---|---|---|'];
  const toFirst = (f?: Figures): string => (!f ? '—' : f.firstCandidates === null ? `none in ${Math.round(f.candidatesSent ?? 0)}` : String(Math.round(f.firstCandidates)));
  const rate = (f?: Figures): string => (f?.candidatesPerSecond == null ? '—' : sig(f.candidatesPerSecond));
  const bytes = (x: number | null | undefined, none: string): string => (x === undefined ? '—' : x === null ? none : `${Math.round(x).toLocaleString('en-US')} B`);
  for (const r of rows) {
    const g = r.methods.hilsolve;
    const un = r.methods.uniform;
    lines.push(`| ${r.row} | ${bytes(g?.bytesPerSolution, 'no solution')} | ${bytes(un?.bytesPerSolution, 'no solution')} | ` +
      `${bytes(g?.bytesPerCandidate, 'no candidate')} | ${bytes(un?.bytesPerCandidate, 'no candidate')} | ` +
      `${rate(g)} | ${rate(r.methods['hilsolve-board'])} | ${toFirst(g)} | ${toFirst(un)} |`);
  }
  return `**link bytes per proven solution** (both directions, program load included, up to the last solution found; ` +
    `then per candidate over the whole run, and guided candidates per second; peers have no link)\n\n${lines.join('\n')}\n`;
}

export function markdownTables(rows: RowResult[]): string {
  return [table(rows, 'first'), table(rows, 'rate'), bytesTable(rows), table(rows, 'memory')].join('\n');
}
