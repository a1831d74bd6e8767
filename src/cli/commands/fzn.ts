// `hilsolve fzn FILE.fzn`: the FlatZinc solver executable that minizinc runs for
// `--solver hilsolve` (minizinc/hilsolve.msc, via minizinc/fzn-hilsolve). It honours the standard
// flags -a -n -r -t -s -p and prints in the FlatZinc output format: each solution as
// `name = value;` lines for the output-annotated variables, then `----------`, as soon as it is
// proven (on every path: in-process, --embedded, --server); at the end `==========` when an
// optimisation's last solution is proven optimal (job outcome OPTIMAL: the tree search found no
// better one under the bound, src/solve/optimise.ts), `=====UNSATISFIABLE=====` when it is proven
// that there is none, `=====UNKNOWN=====` when none was found. A satisfaction problem never gets
// `==========`: nothing proves that the solutions printed are all there are.
//
// The job runs like `hilsolve solve` (src/cli/run-job.ts): the solve loop in this process, the
// whole service in this process (--embedded), or a running service (--server URL --api-key KEY).
// For `solve minimize/maximize` each solution the service reports is better than the last; with
// -a each is printed as it comes, without it the best at the end.

import { readFileSync } from 'node:fs';
import type { FznOutput, FznRef, Model, RenderedAssignment } from '../../model/types.ts';
import { OPTION_BOUNDS, SOLVE_MODES, type JobOptions, type SolveMode, type SolveStats } from '../../solve/types.ts';
import { numberOption, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../main.ts';
import { readProblemFile } from '../problem-file.ts';
import { runJob } from '../run-job.ts';
import type { FinishedJob } from '../service-client.ts';

const b = OPTION_BOUNDS;

export const usage = `usage: hilsolve fzn FILE.fzn [-a] [-n N] [-r SEED] [-t MS] [-s] [-p N]
                    [--server URL --api-key KEY | --embedded] [--mode auto|search|validate]

Solve a FlatZinc model (what \`minizinc -c --solver hilsolve\` writes) and print the solutions in
MiniZinc's format. This is the executable behind \`minizinc --solver hilsolve\` (minizinc/hilsolve.msc).
  -a                  all solutions (satisfaction, at most ${b.solutions.max}); improving ones as found (optimisation)
  -n N                stop after N solutions (satisfaction)
  -r SEED             sampler seed
  -t MS               time limit in milliseconds (default ${b.timeLimitMs.default})
  -s                  print %%%mzn-stat: statistics at the end
  -p N                parallel threads: accepted and ignored (one device per job)
  --server URL        a running service; without it the solve loop runs in this process
  --embedded          run the whole service (Redis, API, worker) in this process instead
  --api-key KEY       API key for --server (default HILSOLVE_API_KEY)
  --mode M            search, validate or auto (default), as for \`hilsolve solve\`
"==========" follows the last solution of an optimisation only when it is proven optimal (the
tree search exhausted the space under the bound); "=====UNSATISFIABLE=====" only when proven.
Exit status: 0 the search ran (whatever it found), 2 unusable input or options, 3 service or device failure.`;

export async function run(args: string[]): Promise<number> {
  const started = Date.now();
  const { values, positionals } = parseCommandArgs(args, {
    all: { type: 'boolean', short: 'a' },
    'num-solutions': { type: 'string', short: 'n' },
    seed: { type: 'string', short: 'r' },
    'time-limit': { type: 'string', short: 't' },
    statistics: { type: 'boolean', short: 's' },
    parallel: { type: 'string', short: 'p' },
    server: { type: 'string' },
    'api-key': { type: 'string' },
    mode: { type: 'string' },
    embedded: { type: 'boolean' },
  }, ['FILE']);
  const file = positionals[0]!;
  const apiKey = values['api-key'] ?? process.env.HILSOLVE_API_KEY;
  if (values.server === undefined && values['api-key'] !== undefined) throw new UsageError('--api-key goes with --server');
  if (values.server !== undefined && values.embedded) throw new UsageError('--embedded and --server exclude each other');
  if (values.server !== undefined && !apiKey) throw new UsageError('--server needs an API key: --api-key KEY or HILSOLVE_API_KEY');
  if (values.parallel !== undefined) numberOption('parallel', values.parallel, { min: 1, max: 1024, integer: true });

  const model = readProblemFile(file, { format: 'fzn' });
  const fzn = model.meta.fzn!;
  const optimising = fzn.solve.method !== 'satisfy';
  const options: Partial<JobOptions> = {};
  const count = values['num-solutions'] === undefined ? undefined : numberOption('n', values['num-solutions'], { ...b.solutions, integer: true });
  options.solutions = optimising || values.all ? (count ?? b.solutions.max) : (count ?? 1);
  if (values['time-limit'] !== undefined) {
    // minizinc passes whatever the user gave; below the service's minimum, run the minimum.
    const ms = numberOption('t', values['time-limit'], { min: 0, max: b.timeLimitMs.max, integer: true });
    options.timeLimitMs = Math.max(ms, b.timeLimitMs.min);
  }
  if (values.seed !== undefined) options.seed = numberOption('r', values.seed, { ...b.seed, integer: true });
  if (values.mode !== undefined) {
    if (!SOLVE_MODES.includes(values.mode as SolveMode)) throw new UsageError(`unknown mode "${values.mode}" (expected ${SOLVE_MODES.join(', ')})`);
    options.mode = values.mode as SolveMode;
  }

  const printer = new SolutionPrinter(model, Boolean(values.all));
  const interrupts = new Interrupts();
  let job: FinishedJob;
  try {
    job = await runJob({
      submission: { format: 'fzn', source: readFileSync(file, 'utf8'), options },
      ...(values.server !== undefined ? { server: values.server, apiKey } : {}),
      ...(values.embedded ? { embedded: true } : {}),
      onUpdate: (u) => {
        if (u.type === 'solution') printer.add(u.solution.assignment);
      },
      onSubmitted: (cancel) => interrupts.onInterrupt(cancel),
    });
  } finally {
    interrupts.dispose();
  }
  if (job.status === 'failed') {
    process.stderr.write(`hilsolve fzn: ${job.error?.message ?? 'the job failed'}\n`);
    return EXIT.FAILURE;
  }
  printer.finish(job.outcome === 'UNSATISFIABLE', job.outcome === 'OPTIMAL');
  if (values.statistics) process.stdout.write(statistics(model, job, Date.now() - started));
  return EXIT.OK;
}

/** Prints solutions in the FlatZinc output format; for optimisation, only improving ones. */
export class SolutionPrinter {
  private best: number | undefined;
  private bestText: string | undefined;
  private printed = 0;
  private readonly seen = new Set<string>();

  constructor(private readonly model: Model, private readonly intermediate: boolean, private readonly write: (s: string) => void = (s) => void process.stdout.write(s)) {}

  add(assignment: RenderedAssignment): void {
    const fzn = this.model.meta.fzn!;
    const text = `${formatSolution(this.model, assignment)}----------\n`;
    if (fzn.solve.method === 'satisfy') {
      // Solutions differ in some variable, but maybe not in the ones printed.
      if (this.seen.has(text)) return;
      this.seen.add(text);
      this.printed++;
      this.write(text);
      return;
    }
    const value = valueOf(this.model, fzn.solve.objective, assignment);
    const better = this.best === undefined || (fzn.solve.method === 'minimize' ? value < this.best : value > this.best);
    if (!better) return;
    this.best = value;
    this.bestText = text;
    this.printed++;
    if (this.intermediate) this.write(text);
  }

  /** The end: the best solution (without -a), then `==========` if `optimal`, or the status line when nothing was printed. */
  finish(unsatisfiable: boolean, optimal = false): void {
    if (!this.intermediate && this.bestText !== undefined) this.write(this.bestText);
    if (this.printed === 0) this.write(unsatisfiable ? '=====UNSATISFIABLE=====\n' : '=====UNKNOWN=====\n');
    else if (optimal && this.best !== undefined) this.write('==========\n');
  }

  get objective(): number | undefined {
    return this.best;
  }
}

/** `x = 3;` and `q = array1d(1..8, [...]);` lines of the output-annotated names, in file order. */
export function formatSolution(model: Model, assignment: RenderedAssignment): string {
  return model.meta.fzn!.outputs.map((o) => `${o.name} = ${formatOutput(model, o, assignment)};\n`).join('');
}

function formatOutput(model: Model, o: FznOutput, assignment: RenderedAssignment): string {
  const show = (r: FznRef) => {
    const v = valueOf(model, r, assignment);
    return o.kind === 'bool' ? (v !== 0 ? 'true' : 'false') : String(v);
  };
  if (!o.dims) return show(o.elements[0]!);
  const dims = o.dims.map(([lo, hi]) => `${lo}..${hi}`).join(', ');
  return `array${o.dims.length}d(${dims}, [${o.elements.map(show).join(', ')}])`;
}

function valueOf(model: Model, r: FznRef, assignment: RenderedAssignment): number {
  if ('value' in r) return r.value;
  const v = assignment[model.variables[r.var]!.name];
  if (v === undefined) throw new Error(`the solution has no value for ${model.variables[r.var]!.name}`);
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

/** One `%%%mzn-stat:` block (the FlatZinc statistics format) for the whole run. */
export function statistics(model: Model, job: FinishedJob, elapsedMs: number): string {
  const s: SolveStats = job.stats;
  const bools = model.variables.filter((v) => v.kind === 'bool').length;
  const solve = model.meta.fzn!.solve;
  const last = job.solutions.at(-1);
  const lines: [string, string | number][] = [
    ['solutions', job.solutions.length],
    ['variables', model.variables.length],
    ['intVariables', model.variables.length - bools],
    ['boolVariables', bools],
    ['propagators', model.constraints.length],
    ['nodes', s.mode === 'search' ? s.flips : s.candidates],
    ['restarts', s.restarts],
    ['candidates', s.candidates],
    ['proven', s.proven],
    ['deviceFaults', s.deviceFaults],
    ['mode', JSON.stringify(s.mode ?? 'none')],
    ['stopReason', JSON.stringify(job.stopReason ?? 'none')],
    ...(solve.method !== 'satisfy' && last ? [['objective', valueOf(model, solve.objective, last.assignment)] as [string, number]] : []),
    ['solveTime', (s.elapsedMs / 1000).toFixed(3)],
    ['time', (elapsedMs / 1000).toFixed(3)],
  ];
  return `${lines.map(([k, v]) => `%%%mzn-stat: ${k}=${v}`).join('\n')}\n%%%mzn-stat-end\n`;
}

/** SIGINT/SIGTERM (minizinc's own time-out, Ctrl-C): cancel the job and print what was found; twice quits. */
class Interrupts {
  private count = 0;
  private action: () => void = () => undefined;
  private readonly handler = () => {
    if (++this.count > 1) process.exit(130);
    this.action();
  };

  constructor() {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  onInterrupt(action: () => void): void {
    this.action = action;
    if (this.count > 0) action();
  }

  dispose(): void {
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}
