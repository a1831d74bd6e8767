// `hilsolve <verb> ...`: dispatches to one module per verb in ./commands. Each module exports
// `run(args: string[]): Promise<number>` returning the exit code, and `usage: string`.
// Exit codes shared by all verbs: 0 success, 1 "no" (e.g. a solution that violates constraints),
// 2 unusable input or usage, 3 service or device failure.

import { InputError } from '../model/errors.ts';

interface CommandModule {
  run(args: string[]): Promise<number>;
  usage: string;
}

/** Verb -> [module file under ./commands, one-line description]. */
const COMMANDS: Record<string, [string, string]> = {
  compile: ['compile.ts', 'compile a problem and print a summary of its validator program'],
  verify: ['verify.ts', 'check a solution against a problem (and optionally on the device)'],
  sample: ['sample.ts', 'draw candidate assignments from the soft-domain sampler'],
  sim: ['sim.ts', 'run the Verilator simulation of the FPGA on a pseudo-terminal or TCP port'],
  device: ['device.ts', 'talk to a device: `device info --port PATH|tcp://HOST:PORT`'],
  'link-proxy': ['link-proxy.ts', 'fault-injecting proxy between host and device'],
  serve: ['serve.ts', 'run the HTTP API'],
  worker: ['worker.ts', 'run a worker that owns one device'],
  solve: ['solve.ts', 'solve a problem, against a server or in-process'],
  fzn: ['fzn.ts', 'solve a FlatZinc model, printing MiniZinc output (minizinc --solver hilsolve)'],
};

/** 0 solved, 1 proven unsatisfiable, 2 unusable input, 3 failed, 4 no solution within the limits. */
export const EXIT = { OK: 0, NO: 1, INPUT: 2, FAILURE: 3, UNKNOWN: 4, UNPROVEN: 5 } as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

function help(): string {
  const lines = Object.entries(COMMANDS).map(([verb, [, about]]) => `  ${verb.padEnd(11)} ${about}`);
  return `usage: hilsolve <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    'Run `hilsolve <command> --help` for the options of one command.\n';
}

export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    process.stdout.write(help());
    return verb === undefined ? EXIT.INPUT : EXIT.OK;
  }
  const entry = COMMANDS[verb];
  if (!entry) {
    process.stderr.write(`hilsolve: unknown command '${verb}'\n\n${help()}`);
    return EXIT.INPUT;
  }
  const mod = (await import(`./commands/${entry[0]}`)) as CommandModule;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(mod.usage.endsWith('\n') ? mod.usage : `${mod.usage}\n`);
    return EXIT.OK;
  }
  try {
    return await mod.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`hilsolve ${verb}: ${err.message}\n\n${mod.usage}\n`);
      return EXIT.INPUT;
    }
    if (err instanceof InputError) {
      process.stderr.write(`hilsolve ${verb}: ${err.message}\n`);
      return EXIT.INPUT;
    }
    process.stderr.write(`hilsolve ${verb}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.FAILURE;
  }
}
