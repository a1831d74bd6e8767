// What `hilsolve solve` prints on stdout once the job has ended, in the three `--output` forms:
//   pretty  each solution drawn (src/cli/draw.ts) under a heading, then a one-line summary;
//   json    the finished job as GET /v1/jobs/:id shows it, with every solution;
//   dimacs  SAT-competition output for CNF and .col: an `s` line, then `v` lines per solution
//           (readable by `hilsolve verify`); refused for JSON problems.
//   competition  the same text, with the SAT-competition exit status (10 SATISFIABLE,
//           20 UNSATISFIABLE, 0 UNKNOWN, as CaDiCaL and kissat).
// And the exit status the job stands for.

import type { Model } from '../model/types.ts';
import { drawSolution, recogniseShape } from './draw.ts';
import { EXIT } from './main.ts';
import type { FinishedJob } from './service-client.ts';

export const OUTPUTS = ['pretty', 'json', 'dimacs', 'competition'] as const;
export type OutputForm = (typeof OUTPUTS)[number];

/**
 * 0 solved (at least one proven solution; for an optimisation problem (`optimising`), the last
 * one proven optimal, outcome OPTIMAL), 5 an optimisation's solutions without that proof (the
 * best found within the limits), 1 proven unsatisfiable, 2 the problem does not fit
 * the device or is unusable input, 3 the job failed otherwise (device, service), 4 no solution
 * within the limits (time, budget, cancel). `competition`: 10 / 20 / 0 for SATISFIABLE /
 * UNSATISFIABLE / anything else, as SAT solvers exit.
 */
export function exitStatus(job: FinishedJob, output: OutputForm = 'pretty', optimising = false): number {
  if (output === 'competition') {
    if (job.solutions.length > 0) return 10;
    return job.status !== 'failed' && job.outcome === 'UNSATISFIABLE' ? 20 : 0;
  }
  if (job.status === 'failed') return job.error?.code === 'device_capacity' || job.error?.code === 'input' ? EXIT.INPUT : EXIT.FAILURE;
  if (job.solutions.length > 0) return optimising && job.outcome !== 'OPTIMAL' ? EXIT.UNPROVEN : EXIT.OK;
  return job.outcome === 'UNSATISFIABLE' ? EXIT.NO : EXIT.UNKNOWN;
}

export function formatReport(model: Model, job: FinishedJob, output: OutputForm): string {
  switch (output) {
    case 'json':
      return `${JSON.stringify(job, null, 2)}\n`;
    case 'dimacs':
    case 'competition':
      return dimacsReport(model, job);
    case 'pretty':
      return prettyReport(model, job);
  }
}

function prettyReport(model: Model, job: FinishedJob): string {
  const shape = recogniseShape(model);
  const parts = job.solutions.map((s) => {
    const heading = `solution ${s.index}${job.solutions.length > 1 ? ` of ${job.solutions.length}` : ''}: ` +
      `proven by ${s.device} after ${seconds(s.foundAtMs)}`;
    return `${heading}\n${drawSolution(model, shape, s.assignment)}`;
  });
  parts.push(`${summary(model, job)}\n`);
  return parts.join('\n');
}

/** One line: outcome, what was found, why the job stopped, and the work done. */
export function summary(model: Model, job: FinishedJob): string {
  const name = typeof model.meta.name === 'string' && model.meta.name !== '' ? `${model.meta.name}: ` : '';
  const s = job.stats;
  const work = s.mode === 'search'
    ? `device search: ${count(s.flips ?? 0, 'flip')}, ${count(s.restarts ?? 0, 'restart')}, ${s.proven} proven by the device, ${count(s.deviceFaults, 'device fault')}${tree(s)}, ${seconds(s.elapsedMs)}`
    : `${count(s.candidates, 'candidate')}, ${s.proven} proven by the device, ${count(s.deviceFaults, 'device fault')}${tree(s)}, ${seconds(s.elapsedMs)}`;
  if (job.status === 'failed') return `${name}FAILED: ${job.error?.message ?? 'the job failed'} (${work})`;
  if (job.outcome === 'UNSATISFIABLE') return `${name}UNSATISFIABLE: ${job.detail?.replace(/^unsatisfiable: /, '') ?? 'proven to have no solution'}`;
  const found = job.solutions.length;
  if (job.outcome === 'OPTIMAL') return `${name}OPTIMAL: ${found} improving ${found === 1 ? 'solution' : 'solutions'}, ${job.detail?.replace(/^optimal: /, '') ?? 'the last proven best'} (${work})`;
  const wanted = job.options.solutions;
  const why = STOP_REASONS[job.stopReason ?? ''] ?? job.stopReason ?? job.status;
  if (found === 0) return `${name}UNKNOWN: no solution found, ${why} (${work})`;
  const plural = found === 1 ? 'solution' : 'solutions';
  if (model.objective) return `${name}SATISFIED: ${found} improving ${plural}, the last not proven optimal: ${why} (${work})`;
  return `${name}SATISFIED: ${found} ${plural}${found < wanted ? ` of ${wanted} wanted, ${why}` : ''} (${work})`;
}

const STOP_REASONS: Record<string, string> = {
  solutions: 'found as many as asked',
  timeLimit: 'the time limit ran out',
  candidateBudget: 'the candidate budget ran out',
  exhausted: 'no solution left (the sampler had no new candidate, or the tree search found every solution)',
  cancelled: 'cancelled',
  error: 'stopped by an error',
  optimal: 'proven optimal',
};

function dimacsReport(model: Model, job: FinishedJob): string {
  const shape = recogniseShape(model);
  const status = job.outcome === 'UNSATISFIABLE' ? 'UNSATISFIABLE' : job.solutions.length > 0 ? 'SATISFIABLE' : 'UNKNOWN';
  const lines = [`c ${summary(model, job)}`, `s ${status}`];
  const out = `${lines.join('\n')}\n`;
  return out + job.solutions.map((s, i) => (i > 0 ? `c solution ${s.index}\n` : '') + drawSolution(model, shape, s.assignment)).join('');
}

function tree(s: FinishedJob['stats']): string {
  if (!s.treeNodes && !s.treeSolutions) return '';
  return `, tree search: ${count(s.treeNodes ?? 0, 'node')}, ${s.treeSolutions ?? 0} of its assignments proven by the device` +
    (s.subproblems ? `, ${count(s.subproblems, 'sub-problem')}` : '');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
