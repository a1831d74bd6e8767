// The web page in a real browser (Debian's headless Chromium, driven by puppeteer-core) against a
// real service: the API from src/, a `hilsolve worker` process with the Verilator simulator, Redis.
// Every check reads the DOM (what is drawn, and the data attributes that say what it stands for)
// and checks it against the problem's own definition; screenshots go to build/ for people.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hardPigeons, readColEdges } from './helpers/problems.ts';
import { REPO_ROOT } from './helpers/run-cli.ts';
import { auth, KEY_A, startApi, uniquePrefix, waitForJob, type TestApi } from './helpers/service.ts';
import { spawnWorker, type WorkerProcess } from './helpers/worker-process.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const fixture = (name: string) => readFileSync(`${REPO_ROOT}test/fixtures/${name}`, 'utf8');
const XSS = '<img src=x onerror=alert(1)>';

let api: TestApi;
let worker: WorkerProcess;
let browser: Browser;
let page: Page;
let base: string;
/** Dialogs opened, errors thrown and console errors (a CSP violation is one) in the page. */
const incidents: string[] = [];
/** The page's requests to the API, in order. */
const apiRequests: string[] = [];

beforeAll(async () => {
  // The bundle as `npm run build` makes it (web/ is not part of the dist/ freshness check).
  execFileSync(process.execPath, [`${REPO_ROOT}web/build.mjs`], { stdio: 'pipe' });
  mkdirSync(`${REPO_ROOT}build`, { recursive: true });
  api = await startApi(uniquePrefix('web-page'));
  worker = spawnWorker(api.prefix);
  base = await api.app.listen({ port: 0, host: '127.0.0.1' });
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 800 });
  page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/v1/')) apiRequests.push(`${r.method()} ${new URL(r.url()).pathname}`); });
  page.on('dialog', (d) => { incidents.push(`dialog: ${d.message()}`); void d.dismiss(); });
  page.on('pageerror', (e) => incidents.push(`page error: ${(e as Error).message}`));
  // The 400 of the refused submission below is an answer the page shows, not an incident.
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 400/.test(m.text())) incidents.push(`console: ${m.text()}`); });
  for (let i = 0; ; i++) {
    const { devices } = (await api.app.inject({ url: '/v1/devices', headers: auth() })).json();
    if (devices.length > 0) break;
    if (worker.child.exitCode !== null || i > 2400) throw new Error(`no device registered: ${worker.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await browser?.close();
  const code = await worker?.stop();
  await api?.close();
  expect(code).toBe(0);
});

/** Fills in the submit form and waits for the job page; returns the job id. */
async function submit(format: string, source: string, options: { colors?: number; solutions?: number; timeLimitS?: number } = {}): Promise<string> {
  await page.goto(`${base}/#/submit`);
  await page.waitForSelector('#source');
  await page.select('#format', format);
  await page.$eval('#source', (el, text) => { (el as unknown as { value: string }).value = text; }, source);
  const set = (sel: string, v: number) => page.$eval(sel, (el, value) => { (el as unknown as { value: string }).value = String(value); }, v);
  if (options.colors !== undefined) await set('#colors', options.colors);
  await set('#solutions', options.solutions ?? 1);
  await set('#time-limit', options.timeLimitS ?? 60);
  await page.click('#submit');
  await page.waitForFunction('/^#\\/jobs\\/[0-9a-f-]{36}$/.test(location.hash)', { timeout: 10_000 });
  const id = (await page.evaluate('location.hash') as string).slice('#/jobs/'.length);
  await page.waitForSelector('#job-status [data-status]');
  return id;
}

async function waitForStatus(status: string, timeout = 60_000) {
  await page.waitForSelector(`#job-status [data-status="${status}"]`, { timeout });
}

describe('the web page', () => {
  it('asks for an API key and keeps it out of the URL', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('#api-key');
    expect(await page.$eval('main', (m) => m.textContent)).toContain('Enter an API key');
    await page.type('#api-key', KEY_A);
    await page.click('#key-form button');
    await page.waitForSelector('#submit-form');
    expect(page.url()).not.toContain(KEY_A);
    expect(await page.evaluate('localStorage.getItem("hilsolve.apiKey")')).toBe(KEY_A);
    await page.screenshot({ path: `${REPO_ROOT}build/web-submit.png` });
  });

  it('draws 8-queens as a board with 8 queens, no two attacking', async () => {
    const id = await submit('json', fixture('8-queens.json'));
    await waitForStatus('succeeded');
    await page.waitForSelector('.solution .board');
    const squares = await page.$$eval('.solution .board .square', (els) => els.length);
    expect(squares).toBe(64);
    const queens = await page.$$eval('.solution .board .queen', (els) => els.map((e) => [Number(e.getAttribute('data-row')), Number(e.getAttribute('data-col'))]));
    expect(queens).toHaveLength(8);
    for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) {
      const [[r1, c1], [r2, c2]] = [queens[i]!, queens[j]!];
      expect(r1 === r2 || c1 === c2 || Math.abs(r1! - r2!) === Math.abs(c1! - c2!), `queens ${queens[i]} and ${queens[j]} attack`).toBe(false);
    }
    // The board is the job's proven solution.
    const job = await waitForJob(api.app, id);
    for (const [row, col] of queens) expect(job.solutions[0].assignment[`q[${row}]`]).toBe(col);
    expect(await page.$$eval('.solution .downloads button', (els) => els.map((e) => e.textContent))).toEqual(['Download JSON']);
    await page.screenshot({ path: `${REPO_ROOT}build/web-job-queens.png`, fullPage: true });
  });

  it('draws a colouring as a graph in which every edge joins two colours', async () => {
    const text = fixture('flat50-3.col');
    await submit('col', text, { colors: 3 });
    await waitForStatus('succeeded');
    await page.waitForSelector('.solution svg.graph');
    const { lines, colours } = await page.$eval('.solution svg.graph', (g) => ({
      lines: [...g.querySelectorAll('line')].map((l) => [Number(l.getAttribute('data-u')), Number(l.getAttribute('data-v')), l.classList.contains('conflict')] as const),
      colours: Object.fromEntries([...g.querySelectorAll('circle')].map((c) => [c.getAttribute('data-vertex'), [Number(c.getAttribute('data-colour')), c.getAttribute('fill')]])),
    }));
    const fileEdges = new Set(readColEdges(text).map(([u, v]) => [Math.min(u, v), Math.max(u, v)].join('-')));
    expect(lines).toHaveLength(fileEdges.size);
    expect(Object.keys(colours)).toHaveLength(50);
    for (const [u, v, conflict] of lines) {
      expect(fileEdges.has([Math.min(u, v) + 1, Math.max(u, v) + 1].join('-'))).toBe(true);
      const [cu, fu] = colours[u]!;
      const [cv, fv] = colours[v]!;
      expect(cu).not.toBe(cv);
      expect(fu).not.toBe(fv);
      expect(conflict).toBe(false);
      expect([cu, cv].every((c) => c >= 0 && c < 3)).toBe(true);
    }
    expect(await page.$$eval('.solution .downloads button', (els) => els.map((e) => e.textContent))).toEqual(['Download JSON', 'Download DIMACS']);
    await page.screenshot({ path: `${REPO_ROOT}build/web-job-colouring.png`, fullPage: true });
  });

  it('draws a sudoku with its givens apart from the digits found', async () => {
    const problem = JSON.parse(fixture('sudoku-easy.json'));
    const clues = new Map<number, number>(problem.constraints.filter((c: { type: string }) => c.type === 'clause')
      .map((c: { literals: { var: string; value: number }[] }) => [Number(/\[(\d+)\]/.exec(c.literals[0]!.var)![1]), c.literals[0]!.value]));
    await submit('json', JSON.stringify(problem));
    await waitForStatus('succeeded');
    await page.waitForSelector('.solution .sudoku');
    const cells = await page.$$eval('.solution .sudoku .cell', (els) => els.map((e) => [Number(e.getAttribute('data-cell')), Number(e.textContent), e.classList.contains('given')] as const));
    expect(cells).toHaveLength(81);
    for (const [cell, digit, given] of cells) {
      expect(given).toBe(clues.has(cell));
      if (given) expect(digit).toBe(clues.get(cell));
    }
    const rows = Array.from({ length: 9 }, (_, r) => cells.slice(9 * r, 9 * r + 9).map(([, d]) => d));
    for (let i = 0; i < 9; i++) {
      expect(new Set(rows[i]).size).toBe(9);
      expect(new Set(rows.map((r) => r[i])).size).toBe(9);
    }
  });

  it('takes an uploaded file, its format from the name, and draws a CNF assignment as a bit strip', async () => {
    await page.goto(`${base}/#/submit`);
    const input = await page.waitForSelector('#file');
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(`${REPO_ROOT}test/fixtures/uf20-91.cnf`);
    await page.waitForFunction('document.querySelector("#source").value.includes("p cnf 20 91")');
    expect(await page.$eval('#format', (e) => (e as unknown as { value: string }).value)).toBe('cnf');
    await page.click('#submit');
    await waitForStatus('succeeded');
    await page.waitForSelector('.solution .bits');
    const on = await page.$$eval('.solution .bit.on', (els) => els.length);
    const off = await page.$$eval('.solution .bit.off', (els) => els.length);
    expect(on + off).toBe(20);
    expect(await page.$eval('.solution .counts', (e) => e.textContent)).toBe(`${on} true, ${off} false`);
  });

  it('follows a running job live and cancels it', async () => {
    const sent = apiRequests.length;
    const id = await submit('json', JSON.stringify(hardPigeons()), { timeLimitS: 120 });
    await waitForStatus('running', 30_000);
    await page.waitForFunction('Number(document.querySelector(".chart")?.dataset.points) >= 3', { timeout: 30_000 });
    const elapsed = () => page.$eval('[data-stat="elapsedMs"]', (e) => Number(e.textContent));
    const first = await elapsed();
    await page.waitForFunction(`Number(document.querySelector('[data-stat="elapsedMs"]')?.textContent) > ${first}`, { timeout: 10_000 });
    expect(await page.$eval('.chart canvas', (c) => c.width)).toBeGreaterThan(0);
    await page.screenshot({ path: `${REPO_ROOT}build/web-job-live.png`, fullPage: true });
    // Live progress comes over one stream: the page does not poll (the API's rate limit is per key).
    expect(apiRequests.slice(sent).filter((r) => r.endsWith('/events'))).toHaveLength(1);
    expect(apiRequests.slice(sent)).toEqual(['POST /v1/jobs', `GET /v1/jobs/${id}`, `GET /v1/jobs/${id}/problem`, `GET /v1/jobs/${id}/events`]);
    expect(await page.$eval('#cancel', (b) => b.hasAttribute('disabled'))).toBe(false);
    await page.click('#cancel');
    await waitForStatus('cancelled', 15_000);
    expect(await page.$eval('#cancel', (b) => b.hasAttribute('disabled'))).toBe(true);
    expect((await waitForJob(api.app, id)).status).toBe('cancelled');
  });

  it('shows names from a problem as text', async () => {
    const problem = { name: XSS, variables: [{ name: 'x', domain: { min: 0, max: 3 } }, { name: 'y', domain: { min: 0, max: 3 } }], constraints: [{ type: 'compare', x: 'x', op: '<', y: 'y' }] };
    await submit('json', JSON.stringify(problem));
    await waitForStatus('succeeded');
    expect(await page.$eval('#problem-name', (e) => [e.textContent, e.children.length])).toEqual([XSS, 0]);
    await page.waitForSelector('.solution table.values');
    expect(await page.$$eval('.solution table.values tbody td:first-child', (els) => els.map((e) => e.textContent))).toEqual(['x', 'y']);
    // A variable of that name is refused by the parser, whose message quotes it: shown as text too.
    await page.goto(`${base}/#/submit`);
    await page.waitForSelector('#source');
    await page.$eval('#source', (el, text) => { (el as unknown as { value: string }).value = text; }, JSON.stringify({ variables: [{ name: XSS, domain: { min: 0, max: 1 } }], constraints: [] }));
    await page.click('#submit');
    await page.waitForFunction('document.querySelector("#submit-message")?.classList.contains("error")');
    expect(await page.$eval('#submit-message', (e) => [e.textContent, e.children.length])).toEqual([expect.stringContaining(XSS), 0]);
    expect(await page.$$eval('img', (els) => els.length)).toBe(0);
    expect(incidents).toEqual([]);
  });

  it('lists the caller\'s jobs newest first', async () => {
    const listed = (await api.app.inject({ url: '/v1/jobs?limit=100', headers: auth() })).json().jobs.map((j: { id: string }) => j.id);
    await page.goto(`${base}/#/jobs`);
    await page.waitForSelector('#jobs tbody tr[data-job]');
    const rows = await page.$$eval('#jobs tbody tr[data-job]', (els) => els.map((e) => e.getAttribute('data-job')));
    expect(rows).toEqual(listed);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    expect(await page.$eval('#jobs tbody tr', (e) => e.querySelector('.status')?.textContent)).toBe('succeeded');
    await page.screenshot({ path: `${REPO_ROOT}build/web-jobs.png`, fullPage: true });
  });

  it('shows the live devices with their handshake', async () => {
    await page.goto(`${base}/#/devices`);
    await page.waitForSelector('#devices .device');
    const { devices } = (await api.app.inject({ url: '/v1/devices', headers: auth() })).json();
    const cards = await page.$$eval('#devices .device', (els) => els.map((e) => e.textContent));
    expect(cards).toHaveLength(devices.length);
    expect(cards[0]).toContain(devices[0].deviceId);
    expect(cards[0]).toContain('simulated');
    expect(cards[0]).toMatch(/free|busy/);
    const search = devices[0].handshake.search;
    expect(cards[0]).toContain(search ? `search engine: ${search.chains} chains, up to ${search.maxVars} variables` : 'no search engine');
    await page.screenshot({ path: `${REPO_ROOT}build/web-devices.png`, fullPage: true });
    expect(incidents).toEqual([]);
  });

  it('reports the API\'s rate limit in words', async () => {
    // An API of its own with a limit of 3 requests a minute per key, on the same Redis and jobs.
    const limited = await startApi(uniquePrefix('web-page-limit'), { rateLimitMax: 3, rateLimitWindowMs: 60_000 });
    try {
      const url = await limited.app.listen({ port: 0, host: '127.0.0.1' });
      // Another port, another origin: the key is entered there again.
      await page.goto(`${url}/#/jobs`);
      await page.evaluate(`localStorage.setItem('hilsolve.apiKey', ${JSON.stringify(KEY_A)})`);
      await page.reload();
      for (let i = 0; i < 4; i++) {
        await page.evaluate('location.hash = "#/devices"');
        await page.evaluate('location.hash = "#/jobs"');
      }
      await page.waitForSelector('main .error');
      expect(await page.$eval('main .error', (e) => e.textContent)).toMatch(/^rate limit of 3 requests per 60 s for this API key exceeded; retry in \d+ s$/);
    } finally {
      await limited.close();
    }
  });
});
