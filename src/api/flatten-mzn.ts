// Jobs submitted as `format: "mzn"` (docs/api.md): the MiniZinc model and its optional data are
// flattened here, on the API, by the installed `minizinc` with hilsolve's solver library
// (`minizinc -c --solver minizinc/hilsolve.msc`), and the job is queued as the FlatZinc it wrote.
// Includes name library files only, never paths (checkIncludes). minizinc runs without a shell,
// in a private temporary directory, for at most FLATTEN_MS, and
// at most MAX_FLATTENS at a time; a model error is a 400 with MiniZinc's own message (the
// temporary paths removed), FlatZinc larger than LIMITS.maxSourceBytes a 400 too.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS } from '../model/limits.ts';
import { ApiError } from './errors.ts';

/** Longest a flattening may take, ms. */
export const FLATTEN_MS = 20_000;
/** Flattenings running at once on one API process; more are refused (503) rather than queued. */
export const MAX_FLATTENS = 2;
const MSC = fileURLToPath(new URL('../../minizinc/hilsolve.msc', import.meta.url));
/** stderr kept from minizinc for the error message. */
const MAX_MESSAGE = 4000;

let running = 0;

/**
 * A model may include library files by name (`include "globals.mzn";`), never a path: that
 * would let a client have the API host read its files, and echo them in MiniZinc's errors.
 */
function checkIncludes(model: string): void {
  for (const m of model.matchAll(/\binclude\s*"([^"]*)"/g)) {
    const name = m[1]!;
    if (/[/\\]/.test(name) || name.startsWith('.')) {
      throw new ApiError(400, 'invalid_problem', `format mzn: include "${name}" names a path; include library files by name only (e.g. "globals.mzn")`);
    }
  }
}

/** The FlatZinc text of a MiniZinc model with its data (`.dzn` text, or a JSON data object). */
export async function flattenMzn(model: string, data: string | Record<string, unknown> | undefined, timeoutMs = FLATTEN_MS): Promise<string> {
  checkIncludes(model);
  if (typeof data === 'string') checkIncludes(data);
  if (running >= MAX_FLATTENS) throw new ApiError(503, 'busy', `${MAX_FLATTENS} MiniZinc models are being flattened already; try again shortly`);
  running++;
  const dir = await mkdtemp(join(tmpdir(), 'hilsolve-mzn-'));
  try {
    const args = ['-c', '--solver', MSC, '--fzn', 'model.fzn', '--no-output-ozn', 'model.mzn'];
    await writeFile(join(dir, 'model.mzn'), model);
    if (typeof data === 'string') {
      await writeFile(join(dir, 'data.dzn'), data);
      args.push('data.dzn');
    } else if (data !== undefined) {
      await writeFile(join(dir, 'data.json'), JSON.stringify(data));
      args.push('data.json');
    }
    await run(args, dir, timeoutMs);
    const size = (await stat(join(dir, 'model.fzn'))).size;
    if (size > LIMITS.maxSourceBytes) {
      throw new ApiError(400, 'invalid_problem', `the model flattens to ${size} bytes of FlatZinc, over the limit of ${LIMITS.maxSourceBytes}`);
    }
    return await readFile(join(dir, 'model.fzn'), 'utf8');
  } finally {
    running--;
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function run(args: string[], cwd: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('minizinc', args, { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT') return reject(new ApiError(503, 'unavailable', 'format mzn needs the minizinc executable on the API host, and it is not installed'));
      if (e.killed) return reject(new ApiError(400, 'invalid_problem', `MiniZinc: flattening the model took longer than ${timeoutMs} ms`));
      const text = stderr.split(`${cwd}/`).join('').trim().slice(0, MAX_MESSAGE);
      reject(new ApiError(400, 'invalid_problem', `MiniZinc: ${text || `minizinc exited with status ${String(e.code)}`}`));
    });
  });
}
