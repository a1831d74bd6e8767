// `scripts/demo.sh --keep-running`: after the examples it prints the web page's address and key
// and leaves the service up; the page and the demo's jobs answer there; SIGTERM (Ctrl-C) then
// stops everything, with exit status 0.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/run-cli.ts';

describe('scripts/demo.sh --keep-running', () => {
  it('leaves the service up with the page at the address it prints', { timeout: 600_000 }, async () => {
    const child = spawn('bash', ['scripts/demo.sh', '--no-setup', '--keep-running'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const up = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /the service stays up: open (http:\/\/127\.0\.0\.1:\d+)\/ and enter the API key (\S+)/.exec(stdout);
        if (m) resolve(m);
      });
      void exited.then((code) => reject(new Error(`demo exited ${code} before staying up:\n${stdout}\n${stderr}`)));
    });
    const [, url, key] = up;
    try {
      expect(stderr).toContain(`the web page is at ${url}/`);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="app.js">');
      expect((await fetch(`${url}/app.js`)).status).toBe(200);
      const { jobs } = await (await fetch(`${url}/v1/jobs`, { headers: { authorization: `Bearer ${key}` } })).json() as { jobs: { status: string }[] };
      expect(jobs.map((j) => j.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
