// The JavaScript build in dist/ (npm run build) runs on its own: no tsx, no TypeScript loader,
// and it answers exactly as the sources do.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildIsFresh } from './global-setup.ts';
import { REPO_ROOT, runCli } from './helpers/run-cli.ts';

function runBuilt(args: string[]) {
  const script = `import { main } from './dist/cli/main.js'; process.exitCode = await main(${JSON.stringify(args)});`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
}

describe('the JavaScript build', () => {
  it('is up to date with src/ (the global setup builds it)', () => {
    expect(buildIsFresh(), 'dist/ is older than src/: npm run build failed (see the global setup output)').toBe(true);
  });

  it('runs without tsx and answers as the sources do', async () => {
    for (const args of [['--help'], ['compile', 'examples/uf20-91.cnf', '--json'], ['compile', 'examples/no-such-file.cnf']]) {
      const built = runBuilt(args);
      const source = await runCli(args);
      expect(built.status, `${args.join(' ')}: ${built.stderr}`).toBe(source.code);
      expect(built.stdout).toBe(source.stdout);
    }
  });

  it('is what bin/hilsolve.js runs', () => {
    const run = spawnSync(process.execPath, ['bin/hilsolve.js', 'compile', 'examples/uf20-91.cnf', '--json'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ variables: 20 });
  });
});
