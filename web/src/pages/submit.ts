// Submit a problem: paste or upload it, pick the format (colours for .col) and the options.

import { call } from '../api.ts';
import { h } from '../dom.ts';

const FORMATS = ['json', 'cnf', 'col', 'fzn'] as const;

function numberField(label: string, id: string, attrs: Record<string, string | number>) {
  const input = h('input', { type: 'number', id, name: id, ...attrs });
  return { input, el: h('label', {}, label, input) };
}

export function submitPage(root: HTMLElement): void {
  const source = h('textarea', { id: 'source', rows: 14, spellcheck: 'false', placeholder: 'Paste a problem (JSON, DIMACS CNF, DIMACS .col or FlatZinc), or choose a file' });
  const format = h('select', { id: 'format' }, ...FORMATS.map((f) => h('option', { value: f }, f)));
  const colors = numberField('colours ', 'colors', { min: 1, max: 256, value: 3 });
  const solutions = numberField('solutions ', 'solutions', { min: 1, max: 1000, value: 1 });
  const timeLimit = numberField('time limit (s) ', 'time-limit', { min: 0.1, max: 3600, step: 0.1, value: 60 });
  const seed = numberField('seed ', 'seed', { min: 0, max: 4294967295, placeholder: 'random' });
  const mode = h('select', { id: 'mode' }, ...['auto', 'search', 'validate'].map((m) => h('option', { value: m }, m)));
  const message = h('p', { id: 'submit-message', role: 'status' });
  const file = h('input', { type: 'file', id: 'file', accept: '.json,.cnf,.col,.fzn,.txt' });
  const syncColors = () => { colors.el.hidden = format.value !== 'col'; };

  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    source.value = await f.text();
    const ext = /\.([a-z]+)$/i.exec(f.name)?.[1]?.toLowerCase();
    if (ext && (FORMATS as readonly string[]).includes(ext)) format.value = ext;
    syncColors();
  });
  format.addEventListener('change', syncColors);
  syncColors();

  const submit = async (e: Event) => {
    e.preventDefault();
    message.className = '';
    message.textContent = 'Submitting…';
    const options: Record<string, number | string> = {
      solutions: solutions.input.valueAsNumber,
      timeLimitMs: Math.round(timeLimit.input.valueAsNumber * 1000),
      mode: mode.value,
    };
    if (seed.input.value !== '') options.seed = seed.input.valueAsNumber;
    if (format.value === 'col') options.colors = colors.input.valueAsNumber;
    try {
      const job = await call<{ id: string }>('POST', '/v1/jobs', { format: format.value, source: source.value, options });
      location.hash = `#/jobs/${job.id}`;
    } catch (err) {
      message.className = 'error';
      message.textContent = (err as Error).message;
    }
  };

  root.append(h('form', { id: 'submit-form', class: 'panel', onsubmit: submit },
    h('h2', {}, 'Submit a problem'),
    h('p', {}, h('label', {}, 'file ', file), ' ', h('label', {}, 'format ', format), ' ', colors.el),
    source,
    h('p', { class: 'options' }, solutions.el, timeLimit.el, seed.el, h('label', {}, 'mode ', mode)),
    h('p', {}, h('button', { type: 'submit', id: 'submit' }, 'Solve')),
    message));
}
