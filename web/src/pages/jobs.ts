// The caller's jobs, newest first, a page at a time; refreshed every few seconds while one runs.

import { call } from '../api.ts';
import { h, show } from '../dom.ts';

export interface JobSummary {
  id: string; status: string; outcome: string; stopReason: string | null; solutionCount: number;
  format: string; createdAt: string; detail: string | null; error: { code: string; message: string } | null;
}

const REFRESH_MS = 3000;

export async function jobsPage(root: HTMLElement, signal: AbortSignal): Promise<void> {
  const body = h('tbody', {});
  const more = h('button', { type: 'button', id: 'more', hidden: true }, 'Older jobs');
  let next: string | null = null;
  const rows = new Map<string, HTMLTableRowElement>();

  const row = (j: JobSummary) => h('tr', { 'data-job': j.id },
    h('td', {}, new Date(j.createdAt).toLocaleString()),
    h('td', {}, h('a', { href: `#/jobs/${j.id}` }, j.id.slice(0, 8))),
    h('td', {}, j.format),
    h('td', {}, h('span', { class: `status ${j.status}` }, j.status)),
    h('td', {}, j.outcome),
    h('td', {}, String(j.solutionCount)),
    h('td', {}, j.stopReason ?? ''));

  const load = async (before: string | null) => {
    const page = await call<{ jobs: JobSummary[]; next: string | null }>('GET', `/v1/jobs?limit=20${before ? `&before=${encodeURIComponent(before)}` : ''}`, undefined, signal);
    for (const j of page.jobs) {
      const r = row(j);
      const old = rows.get(j.id);
      if (old) old.replaceWith(r);
      else body.append(r);
      rows.set(j.id, r);
    }
    next = page.next;
    more.hidden = next === null;
    return page.jobs;
  };
  more.addEventListener('click', () => void load(next));

  root.append(h('section', { class: 'panel' }, h('h2', {}, 'Your jobs'),
    h('table', { id: 'jobs', class: 'jobs' },
      h('thead', {}, h('tr', {}, ...['created', 'job', 'format', 'status', 'outcome', 'solutions', 'stopped by'].map((t) => h('th', {}, t)))),
      body),
    more));
  const first = await load(null);
  if (first.length === 0) show(body, h('tr', {}, h('td', { colspan: 7 }, 'No jobs yet: submit one.')));
  // Refresh the newest page while a job on it is still active.
  const timer = setInterval(async () => {
    if (![...body.querySelectorAll('.status')].some((s) => s.textContent === 'queued' || s.textContent === 'running')) return;
    const page = await call<{ jobs: JobSummary[] }>('GET', '/v1/jobs?limit=20', undefined, signal).catch(() => null);
    for (const j of page?.jobs ?? []) {
      const r = row(j);
      const old = rows.get(j.id);
      if (old) old.replaceWith(r);
      else body.prepend(r);
      rows.set(j.id, r);
    }
  }, REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
}
