// `hilsolve solve FILE`: solve a problem and print its proven solutions. Three ways, one output:
//   --server URL  a client of a running service (POST /v1/jobs, then the job's event stream);
//   (default)     the solve loop in this process against the device, solutions in memory
//                 (src/cli/direct-solve.ts): no Redis, no HTTP, the fastest start;
//   --embedded    the whole service inside this process (src/cli/embedded-service.ts: Redis, the
//                 API and a worker), talked to as --server would be.
// All three run src/solve/run-solve.ts with the same defaults, so they give the same answers,
// outcomes and exit codes for the same problem and seed. Ctrl-C cancels the job and prints what
// was found.

import { existsSync, readFileSync } from 'node:fs';
import type { ProblemFormat } from '../../model/types.ts';
import { OPTION_BOUNDS, SOLVE_MODES, type JobOptions, type SolveMode } from '../../solve/types.ts';
import { numberOption, parseCommandArgs } from '../args.ts';
import { startSimulator, type RunningSimulator } from '../../link/simulator.ts';
import type { EmbeddedService } from '../embedded-service.ts';
import { EXIT, UsageError } from '../main.ts';
import { PROBLEM_OPTIONS, readProblemFile } from '../problem-file.ts';
import { ProgressLine } from '../progress.ts';
import { ServiceClient, type FinishedJob } from '../service-client.ts';
import { exitStatus, formatReport, OUTPUTS, summary, type OutputForm } from '../solve-report.ts';

const b = OPTION_BOUNDS;
/** How long a job may wait in the queue before the user is told whether any worker is there. */
const QUEUED_HINT_MS = 5_000;

export const usage = `usage: hilsolve solve FILE [--server URL --api-key KEY | --embedded] [--solutions N] [--time-limit MS]
                      [--max-candidates N] [--seed S] [--mode auto|search|validate] [--no-tree]
                      [--format json|cnf|col|fzn] [--colors K] [--output pretty|json|dimacs|competition]
                      [--model FILE]

Solve the problem in FILE and print the solutions the device proved and the host re-checked.
  --server URL        a running service (\`hilsolve serve\` with workers); without it the solve
                      runs in this process on HILSOLVE_DEVICE or the simulator, with no Redis
  --embedded          run the whole service in this process instead: Redis (REDIS_URL, or a
                      private redis-server on a free port), the API and a worker
  --api-key KEY       API key for --server (default HILSOLVE_API_KEY)
  --solutions N       distinct solutions wanted (default ${b.solutions.default}, at most ${b.solutions.max});
                      an optimisation: improving solutions kept at most (default ${b.solutions.max})
  --time-limit MS     stop after this many milliseconds of solving (default ${b.timeLimitMs.default})
  --max-candidates N  stop after sending this many candidates (default ${b.maxCandidates.default})
  --seed S            sampler seed (default: random; the same seed draws the same candidates)
  --no-tree           leave the search to the device: no host tree search beside it (which
                      proves unsatisfiability and hands the device assignments to prove)
  --mode M            search: the device searches from the model's prior (a device with a search
                      engine); validate: the host proposes candidates, the device checks them;
                      auto (default): search where the device offers it and the problem fits
  --format F          problem format (default: from the file extension .json, .cnf, .col, .fzn)
  --model FILE        ONNX model of the prior (default HILSOLVE_MODEL or models/default.onnx;
                      models/trained.onnx is the learned one); not with --server, whose workers
                      have their own
  --colors K          number of colours, required for .col graph colouring
  --output O          pretty (default): an N-queens problem (variables q[0]..q[N-1]) as a chess
                      board, a sudoku (81 variables of one array, values 1..9) as a grid, CNF and
                      .col as DIMACS "v" lines, anything else as "name = value" lines;
                      json: the finished job as the API shows it; dimacs: "s" and "v" lines (CNF, .col);
                      competition: as dimacs, exit 10 SATISFIABLE, 20 UNSATISFIABLE, 0 UNKNOWN
A progress line is shown on stderr when it is a terminal. Ctrl-C cancels the job and prints
the solutions found so far; a second Ctrl-C quits at once.
Exit status: 0 solved (an optimisation: proven OPTIMAL), 1 proven unsatisfiable (by propagation or
the exhausted tree search), 2 unusable input or options (also: no live device can run the problem),
3 service or device failure, 4 no solution found within the limits (UNKNOWN), 5 an optimisation's
best solution found within the limits, not proven optimal.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...PROBLEM_OPTIONS,
    server: { type: 'string' },
    embedded: { type: 'boolean' },
    'api-key': { type: 'string' },
    solutions: { type: 'string' },
    'time-limit': { type: 'string' },
    'max-candidates': { type: 'string' },
    seed: { type: 'string' },
    mode: { type: 'string' },
    'no-tree': { type: 'boolean' },
    model: { type: 'string' },
    output: { type: 'string' },
  }, ['FILE']);
  const file = positionals[0]!;
  const output = (values.output ?? 'pretty') as OutputForm;
  if (!OUTPUTS.includes(output)) throw new UsageError(`unknown output "${values.output}" (expected ${OUTPUTS.join(', ')})`);
  const apiKey = values['api-key'] ?? process.env.HILSOLVE_API_KEY;
  if (values.server === undefined && values['api-key'] !== undefined) throw new UsageError('--api-key goes with --server');
  if (values.server !== undefined && values.embedded) throw new UsageError('--embedded and --server exclude each other');
  if (values.model !== undefined) {
    if (values.server !== undefined) throw new UsageError('--model is for a solve in this process; the workers of --server load their own model');
    if (!existsSync(values.model)) throw new UsageError(`--model: no file ${values.model}`);
    // The in-process solve and the embedded worker read their configuration from the environment.
    process.env.HILSOLVE_MODEL = values.model;
  }
  if (values.server !== undefined && !apiKey) throw new UsageError('--server needs an API key: --api-key KEY or HILSOLVE_API_KEY');

  const options: Partial<JobOptions> = {};
  const bounded = (name: string, text: string | undefined, bounds: { min: number; max: number }) =>
    text === undefined ? undefined : numberOption(name, text, { ...bounds, integer: true });
  const set = <K extends keyof JobOptions>(key: K, value: JobOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('solutions', bounded('solutions', values.solutions, b.solutions));
  set('timeLimitMs', bounded('time-limit', values['time-limit'], b.timeLimitMs));
  set('maxCandidates', bounded('max-candidates', values['max-candidates'], b.maxCandidates));
  set('seed', bounded('seed', values.seed, b.seed));
  if (values.mode !== undefined) {
    if (!SOLVE_MODES.includes(values.mode as SolveMode)) throw new UsageError(`unknown mode "${values.mode}" (expected ${SOLVE_MODES.join(', ')})`);
    options.mode = values.mode as SolveMode;
  }
  if (values['no-tree']) options.hostTree = false;

  // Read and parse here: bad input is reported before any service starts, and the model tells
  // how to draw the solutions.
  const model = readProblemFile(file, values);
  if ((output === 'dimacs' || output === 'competition') && model.format === 'json') {
    throw new UsageError(`--output ${output} is for CNF and .col problems; use pretty or json for a JSON problem`);
  }
  if (model.meta.colors !== undefined) options.colors = model.meta.colors;
  const source = readFileSync(file, 'utf8');

  const progress = new ProgressLine(options.solutions ?? b.solutions.default);
  const interrupts = new Interrupts();
  let job: FinishedJob;
  if (values.server === undefined && !values.embedded) {
    // The simulator boots while the solve loop's modules load (they are most of a start-up).
    let early: Promise<RunningSimulator> | undefined;
    if (!process.env.HILSOLVE_DEVICE) {
      early = startSimulator();
      early.catch(() => undefined);
    }
    const { solveDirect } = await import('../direct-solve.ts');
    const cancel = new AbortController();
    interrupts.onInterrupt(() => {
      progress.setPhase('cancelling');
      cancel.abort();
    });
    try {
      job = await solveDirect({ format: model.format, source, options }, {
        onPhase: (phase) => progress.setPhase(phase),
        onProgress: (stats, found) => progress.update(stats, found),
        signal: cancel.signal,
      }, early);
    } finally {
      progress.stop();
      interrupts.dispose();
    }
  } else {
    const followed = await solveThroughService(values.server, apiKey, { format: model.format, source, options }, progress, interrupts);
    if (followed === null) return EXIT.UNKNOWN;
    job = followed;
  }

  process.stdout.write(formatReport(model, job, output));
  const status = exitStatus(job, output, model.objective !== undefined);
  if (output !== 'pretty' && job.solutions.length === 0) process.stderr.write(`hilsolve solve: ${summary(model, job)}\n`);
  return status;
}

/** Submits the job to the service at `server`, or to one started in this process, and follows it; null when interrupted before submitting. */
async function solveThroughService(
  server: string | undefined, apiKey: string | undefined, submission: { format: ProblemFormat; source: string; options: Partial<JobOptions> },
  progress: ProgressLine, interrupts: Interrupts,
): Promise<FinishedJob | null> {
  let embedded: EmbeddedService | undefined;
  let queuedHint: NodeJS.Timeout | undefined;
  try {
    let client: ServiceClient;
    if (server !== undefined) {
      client = new ServiceClient(server, apiKey!);
    } else {
      // Loaded only here: the in-process path does not pay for fastify, BullMQ and ioredis.
      const { startEmbeddedService } = await import('../embedded-service.ts');
      embedded = await startEmbeddedService((phase) => progress.setPhase(phase));
      client = new ServiceClient(embedded.url, embedded.apiKey);
    }
    if (interrupts.interrupted) {
      process.stderr.write('hilsolve solve: interrupted before the job was submitted\n');
      return null;
    }
    progress.setPhase('submitting');
    const id = await client.submit(submission);
    interrupts.onInterrupt(() => {
      progress.setPhase('cancelling');
      void client.cancel(id).catch(() => undefined);
    });
    return await client.follow(id, (update) => {
      if (update.type === 'status') {
        progress.setPhase(update.status === 'queued' ? 'queued, waiting for a worker' : update.status);
        if (update.status === 'queued' && server !== undefined) {
          queuedHint ??= setTimeout(() => void warnWithoutWorkers(client, progress), QUEUED_HINT_MS);
        }
      } else if (update.type === 'progress') {
        progress.update(update.stats, update.solutionCount);
      }
    });
  } finally {
    clearTimeout(queuedHint);
    progress.stop();
    await embedded?.close();
    interrupts.dispose();
  }
}

/** Tells the user, once, when the server has no worker to run the queued job. */
async function warnWithoutWorkers(client: ServiceClient, progress: ProgressLine): Promise<void> {
  const devices = await client.devices().catch(() => undefined);
  if (devices?.length === 0) {
    progress.note('hilsolve solve: no worker is connected to this server; the job waits in the queue until one starts (Ctrl-C cancels it)');
  }
}

/**
 * Ctrl-C and SIGTERM while solving: the first cancels the job (the solutions found so far are
 * printed) or, before the job exists, stops the start-up; a second quits at once.
 */
class Interrupts {
  private count = 0;
  private action: () => void = () => undefined;
  private readonly handler = () => {
    if (++this.count > 1) {
      process.stderr.write('\nhilsolve solve: interrupted twice, quitting\n');
      process.exit(130);
    }
    this.action();
  };

  constructor() {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  get interrupted(): boolean {
    return this.count > 0;
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
