// What the CLI itself says it accepts: the verbs `hilsolve --help` lists and the flags each
// verb's `--help` names, for tests that hold documentation and deployment files to the CLI.

import { runCli } from './run-cli.ts';

/** Verbs listed under "commands:" by `hilsolve --help`. */
export async function cliVerbs(): Promise<string[]> {
  const { stdout } = await runCli(['--help']);
  const commands = stdout.split('commands:\n')[1] ?? '';
  return [...commands.matchAll(/^ {2}([a-z][a-z-]*) /gm)].map((m) => m[1]!);
}

/** Every `--flag` that `hilsolve VERB --help` mentions. */
export async function verbFlags(verb: string): Promise<Set<string>> {
  const { code, stdout } = await runCli([verb, '--help']);
  if (code !== 0) throw new Error(`hilsolve ${verb} --help exited ${code}`);
  return new Set([...stdout.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));
}

/** The verb and flags of one `hilsolve ...` command line (flags only before any `#` comment). */
export function commandParts(line: string): { verb: string; flags: string[] } {
  const words = line.replace(/#.*$/, '').trim().split(/\s+/);
  const verb = (words[1] ?? '').replace(/[),.`]+$/, '');
  return { verb, flags: words.flatMap((w) => /^--[a-z][a-z-]*/.exec(w)?.[0] ?? []) };
}
