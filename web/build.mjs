// Bundles the web page (docs/web.md) into dist/web/: app.js (an ES module with its libraries and
// the CLI's drawing rules from src/cli/draw.ts), app.css and index.html. Run by `npm run build`.

import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const out = process.argv[2] ?? here('../dist/web/');

mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: here('src/main.ts') },
  outdir: out,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
});
copyFileSync(here('index.html'), `${out}/index.html`);
