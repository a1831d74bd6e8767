// One job, followed live through its event stream: status, stats, the progress chart, cancel, and
// every solution drawn as it is proven.

import { ApiFailure, call, follow } from '../api.ts';
import { ProgressChart, type Stats } from '../chart.ts';
import { h, show } from '../dom.ts';
import { drawer, solutionCard, type Assignment, type ProblemView } from '../draw.ts';
import type { JobSummary } from './jobs.ts';

interface Solution { index: number; assignment: Assignment; foundAtMs: number; device: string }
interface Job extends JobSummary { stats: Stats & Record<string, number | string>; solutions: Solution[]; options: Record<string, unknown> }
type StatusData = Pick<JobSummary, 'status' | 'outcome' | 'stopReason' | 'detail' | 'error'>;

const ACTIVE = new Set(['queued', 'running']);
/** Stats shown, in this order, when present. */
const STAT_NAMES = ['elapsedMs', 'mode', 'candidates', 'proven', 'rejected', 'flips', 'restarts', 'deviceCycles', 'treeNodes', 'linkBytes', 'reconnects', 'deviceFaults'];

export async function jobPage(root: HTMLElement, id: string, signal: AbortSignal): Promise<void> {
  const [job, problem] = await Promise.all([
    call<Job>('GET', `/v1/jobs/${encodeURIComponent(id)}`, undefined, signal),
    call<ProblemView>('GET', `/v1/jobs/${encodeURIComponent(id)}/problem`, undefined, signal),
  ]);
  const draw = drawer(problem);
  const status = h('p', { id: 'job-status' });
  const stats = h('dl', { id: 'job-stats', class: 'stats' });
  const count = h('span', { id: 'solution-count' }, '0');
  const solutions = h('div', { id: 'solutions' });
  const chart = new ProgressChart();
  const cancel = h('button', { type: 'button', id: 'cancel' }, 'Cancel');
  const seen = new Set<number>();

  const setStatus = (s: StatusData) => {
    show(status, h('span', { class: `status ${s.status}`, 'data-status': s.status }, s.status), ' ', h('strong', { id: 'job-outcome' }, s.outcome),
      s.stopReason && ` (stopped by ${s.stopReason})`,
      s.detail && h('span', { class: 'detail' }, ` ${s.detail}`),
      s.error && h('span', { class: 'error' }, ` ${s.error.code}: ${s.error.message}`));
    cancel.disabled = !ACTIVE.has(s.status);
  };
  const setStats = (st: Record<string, unknown>, solutionCount: number) => {
    count.textContent = String(solutionCount);
    show(stats, ...STAT_NAMES.filter((k) => st[k] !== undefined).flatMap((k) => [h('dt', {}, k), h('dd', { 'data-stat': k }, String(st[k]))]));
  };
  const addSolution = (s: Solution) => {
    if (seen.has(s.index)) return;
    seen.add(s.index);
    solutions.append(solutionCard(draw, job.id, s));
  };

  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      setStatus(await call<Job>('DELETE', `/v1/jobs/${encodeURIComponent(id)}`));
    } catch (err) {
      if (!(err instanceof ApiFailure && err.code === 'job_finished')) status.append(h('span', { class: 'error' }, ` ${(err as Error).message}`));
    }
  });

  root.append(
    h('section', { class: 'panel' },
      h('h2', {}, 'Job ', h('code', {}, job.id)),
      h('p', {}, 'Problem ', h('strong', { id: 'problem-name' }, problem.name ?? '(unnamed)'),
        ` · ${job.format} · ${problem.variables.length} variables · drawn as ${draw.shape.kind} · asked for `, String(job.options.solutions ?? 1), ' solution(s)'),
      status, h('p', {}, cancel, ' ', h('a', { href: '#/jobs' }, 'All jobs'))),
    h('section', { class: 'panel' }, h('h2', {}, 'Progress'), chart.el, stats),
    h('section', { class: 'panel' }, h('h2', {}, 'Solutions (', count, ')'), solutions));

  setStatus(job);
  setStats(job.stats, job.solutionCount);
  for (const s of job.solutions) addSolution(s);
  if (!ACTIVE.has(job.status)) {
    chart.el.replaceWith(h('p', { class: 'note' }, 'The chart follows a job while it runs; this one has finished.'));
    return;
  }
  await follow(id, job.solutionCount, (ev) => {
    if (ev.event === 'solution') addSolution(ev.data as Solution);
    else if (ev.event === 'progress') {
      const { stats: st, solutionCount } = ev.data as { stats: Stats & Record<string, unknown>; solutionCount: number };
      setStats(st, solutionCount);
      chart.add(st, solutionCount);
    } else if (ev.event === 'status') setStatus(ev.data as StatusData);
  }, signal);
}
