// Bundles the web page (docs/web.md) into dist/web/: app.js (an ES module with its libraries and
// the CLI's drawing rules from src/cli/draw.ts), app.css and index.html. Run by `npm run build`
// and by the web tests; each file is written whole and renamed into place, so a server reading
// dist/web/ while another build runs never serves half a file.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const out = process.argv[2] ?? here('../dist/web/');

const result = await build({
  entryPoints: { app: here('src/main.ts') },
  outdir: out,
  write: false,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});
mkdirSync(out, { recursive: true });
const files = [...result.outputFiles.map((f) => [basename(f.path), f.contents]), ['index.html', readFileSync(here('index.html'))]];
for (const [name, contents] of files) {
  const tmp = `${out}/.${name}.${process.pid}`;
  writeFileSync(tmp, contents);
  renameSync(tmp, `${out}/${name}`);
}
