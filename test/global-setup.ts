// Runs once before the test files: brings the JavaScript build (dist/, what bin/hilsolve.js runs)
// up to date with src/, so the CLI tests that spawn bin/hilsolve.js test the build users run. A
// build made here, before any test starts, never races a test that is starting the CLI.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export function buildIsFresh(): boolean {
  const stamp = `${ROOT}dist/.build-stamp`;
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return readdirSync(`${ROOT}src`, { recursive: true, encoding: 'utf8' })
    .every((rel) => !rel.endsWith('.ts') || statSync(`${ROOT}src/${rel}`).mtimeMs <= built);
}

/** A failed build does not stop the run: test/cli-build.test.ts then fails and says why. */
export default function setup(): void {
  if (buildIsFresh()) return;
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'pipe' });
  } catch (err) {
    process.stderr.write(`global setup: npm run build failed:\n${(err as { stdout?: Buffer }).stdout?.toString() ?? err}\n`);
  }
}
