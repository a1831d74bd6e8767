// The page's shell: the API key panel, the navigation and a hash router (#/submit, #/jobs,
// #/jobs/ID, #/devices). Each page gets an AbortSignal that fires when the user leaves it, which
// closes its event stream and stops its timers.

import { apiKey } from './api.ts';
import { h, show } from './dom.ts';
import { devicesPage } from './pages/devices.ts';
import { jobPage } from './pages/job.ts';
import { jobsPage } from './pages/jobs.ts';
import { submitPage } from './pages/submit.ts';
import './style.css';

export type Page = (root: HTMLElement, signal: AbortSignal) => void | Promise<void>;

const main = h('main', { id: 'page' });
const keyPanel = h('div', { id: 'key-panel' });
let leave = new AbortController();

function renderKeyPanel(): void {
  const key = apiKey.get();
  if (key !== null) {
    show(keyPanel, h('span', { class: 'key-set' }, 'API key set'), ' ',
      h('button', { type: 'button', id: 'forget-key', onclick: () => { apiKey.clear(); renderKeyPanel(); route(); } }, 'Forget'));
    return;
  }
  const input = h('input', { type: 'password', id: 'api-key', placeholder: 'API key', autocomplete: 'off', required: true });
  show(keyPanel, h('form', {
    id: 'key-form',
    onsubmit: (e: Event) => { e.preventDefault(); apiKey.set(input.value.trim()); renderKeyPanel(); route(); },
  }, h('label', {}, 'API key ', input), ' ', h('button', { type: 'submit' }, 'Use key')));
}

function route(): void {
  leave.abort();
  leave = new AbortController();
  const hash = location.hash.replace(/^#\/?/, '');
  const [section, id] = hash.split('/');
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('current', a.getAttribute('href') === `#/${section || 'submit'}`);
  main.replaceChildren();
  if (apiKey.get() === null) {
    main.append(h('p', { class: 'notice' }, 'Enter an API key above (HILSOLVE_API_KEYS on the server). It stays in this browser.'));
    return;
  }
  const page: Page = section === 'jobs' && id ? (root, signal) => jobPage(root, decodeURIComponent(id), signal)
    : section === 'jobs' ? jobsPage
      : section === 'devices' ? devicesPage
        : submitPage;
  // This page's own signal: a page left behind fails quietly (its aborted requests), never on the next page.
  const { signal } = leave;
  void Promise.resolve(page(main, signal)).catch((err: Error) => {
    if (!signal.aborted) main.append(h('p', { class: 'error' }, err.message));
  });
}

document.body.append(
  h('header', {},
    h('h1', {}, h('a', { href: '#/submit' }, 'hilsolve')),
    h('nav', {}, h('a', { href: '#/submit' }, 'Submit'), h('a', { href: '#/jobs' }, 'Jobs'), h('a', { href: '#/devices' }, 'Devices')),
    keyPanel),
  main);
renderKeyPanel();
window.addEventListener('hashchange', route);
route();
