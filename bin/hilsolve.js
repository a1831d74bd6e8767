#!/usr/bin/env node
// Entry point. Runs the JavaScript build in dist/ (npm run build; scripts/setup.sh and the
// Dockerfile make it) when it is at least as new as every file in src/, so a command starts
// without compiling TypeScript; otherwise (a checkout being edited, no build yet) it runs the
// TypeScript sources through tsx. HILSOLVE_TSX=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const stamp = `${root}dist/.build-stamp`;

function buildIsFresh() {
  if (process.env.HILSOLVE_TSX === '1' || !existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  const src = `${root}src`;
  if (!existsSync(src)) return true;   // an installed package ships dist/ only
  for (const rel of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (rel.endsWith('.ts') && statSync(`${src}/${rel}`).mtimeMs > built) return false;
  }
  return true;
}

let main;
if (buildIsFresh()) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
