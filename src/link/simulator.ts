// The Verilator simulation of the FPGA as a child process: builds it when the RTL or the harness
// changed (make decides), starts it on a pseudo-terminal or a TCP port, and stops it. The host
// then talks to `path` exactly as to a board: a serial path for `serialport`, or tcp://HOST:PORT.
// hdl/README.md describes the harness and its options.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SIM_DIR = `${ROOT}hdl/sim`;

/**
 * Clock cycles per UART bit in the simulation. Eight is the least that keeps mid-bit sampling
 * clear of the synchroniser's two-cycle delay; fewer cycles per byte mean more bytes per second
 * of simulation (about 80 cycles per byte each way).
 */
export const DEFAULT_CLKS_PER_BIT = 8;

/**
 * How host bytes reach the simulated design. `byte` (the default): whole bytes through the
 * design's byte port, up to one a cycle, with flow control that never causes an overrun the UART
 * would not (hdl/README.md, "Simulator"); `bit`: through its UART pins at 10 * clksPerBit cycles
 * a byte, as a board's link behaves (overruns of a fast burst, UART framing errors).
 */
export type LinkLevel = 'byte' | 'bit';
export const DEFAULT_LINK_LEVEL: LinkLevel = 'byte';

export type HostRate = 'follow' | 'pty' | number;

/** The bit-level line's faults, all drawn from a generator seeded with `seed` (default 1). */
export interface LineOptions {
  /** Host bits this many percent longer (negative: shorter) than its rate says, -10 to 10. */
  mismatchPct?: number;
  /** Each bit edge of a host byte moved by up to +-this percent of a bit, 0 to 25. */
  jitterPct?: number;
  /** Idle time after each host byte: 0 to this many bit periods. */
  gapBits?: number;
  /** On average one glitch (rx inverted for 1 cycle to a quarter bit) in this many host bytes. */
  glitchEvery?: number;
  seed?: number;
}
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export class SimulatorError extends Error {
  override name = 'SimulatorError';
}

/**
 * Which design the simulator holds: `full` (the default: search_core and the validator at the
 * simulator's capacities) or `lite` (the search-only board build: search_lite, booleans only, no
 * validator, the board's search capacities; hdl/sim/Makefile LITE=1).
 */
export type SimulatorBuild = 'full' | 'lite';

export interface SimulatorOptions {
  /** The design (default `full`). */
  build?: SimulatorBuild;
  /** Serve on 127.0.0.1:tcpPort instead of a pseudo-terminal; 0 picks a free port. */
  tcpPort?: number;
  /** Also make this path a symbolic link to the pseudo-terminal (pty mode only). */
  link?: string;
  /** Clock cycles per UART bit; one simulator binary is built per value. */
  clksPerBit?: number;
  /** `byte` (default) or `bit`: the UART pins, needed for `badStopBit` and UART timing. */
  linkLevel?: LinkLevel;
  /** Write a waveform trace here (slow: every signal, every cycle). */
  vcd?: string;
  /** Testing aid: send the Nth byte from the host (counting from 1) with a low stop bit (bit level only). */
  badStopBit?: number;
  /**
   * Bit level only: the host UART's rate in the line model. `follow` (default): the device's
   * divider, a host that always keeps up; `pty`: the speed the host set on the pseudo-terminal, so
   * a host and a device that disagree see garbage (the link speed switch and its fallback); a
   * number: a fixed rate whatever the host sets (an adapter that ignores speed changes).
   */
  hostRate?: HostRate;
  /** Bit level only: a less than ideal line (hdl/README.md, "Simulator"). */
  line?: LineOptions;
  /** Lines the simulator prints after its banner (statistics, messages). */
  onOutput?: (line: string) => void;
}

export interface SimulatorStats {
  cycles: number;
  seconds: number;
  cyclesPerSecond: number;
  /** Wall time spent simulating rather than asleep waiting for input. */
  activeSeconds: number;
  activeCyclesPerSecond: number;
  /** CPU time the simulator used, and cycles per CPU second: its speed regardless of host load. */
  cpuSeconds: number;
  cyclesPerCpuSecond: number;
  /**
   * Byte link: cycles a host byte waited for the design's byte_in_ready (between frames, no free
   * receive slot or event entry): a host fed in at a byte a cycle without that flow control
   * would have met an overrun there. Always 0 at bit level.
   */
  heldCycles: number;
}

export interface RunningSimulator {
  /** The device path: the pseudo-terminal, or tcp://127.0.0.1:PORT. */
  readonly path: string;
  readonly pid: number;
  /** Simulated cycles so far and the simulation speed. */
  stats(): Promise<SimulatorStats>;
  /** Stop the simulator (SIGTERM, SIGKILL after 5 s) and wait for it to exit. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when the process has exited, with its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /**
   * Whether the process still runs, asked of the kernel (a dead process not yet reaped, whose
   * 'exit' has not been seen, counts as exited): while it runs it holds its pseudo-terminal, so
   * `path` is still its own and not one the kernel has given to another process.
   */
  running(): boolean;
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * Build the simulator for `clksPerBit` if it is missing or out of date, and return the binary's
 * path. Concurrent builds (parallel test files) are serialised with flock.
 */
export async function buildSimulator(clksPerBit = DEFAULT_CLKS_PER_BIT, build: SimulatorBuild = 'full'): Promise<string> {
  checkClksPerBit(clksPerBit);
  if (build !== 'full' && build !== 'lite') throw new SimulatorError(`simulator build must be 'full' or 'lite', not '${String(build)}'`);
  mkdirSync(`${ROOT}build/sim`, { recursive: true });
  // One build directory per value and design.
  const lockFile = `${ROOT}build/sim/.build-lock-${build === 'lite' ? 'lite-' : ''}cpb${clksPerBit}`;
  const make = ['make', '--no-print-directory', '-C', SIM_DIR, `CLKS_PER_BIT=${clksPerBit}`, ...(build === 'lite' ? ['LITE=1'] : [])];
  let result;
  try {
    result = await run('flock', [lockFile, ...make, 'all', 'print-binary']);
  } catch (err) {
    throw new SimulatorError(`cannot run make under flock to build the simulator: ${(err as Error).message}`);
  }
  if (result.code !== 0 && /verilator is not installed/.test(result.output)) {
    throw new SimulatorError('verilator is not installed: run scripts/setup.sh (Debian package "verilator")');
  }
  if (result.code !== 0) {
    throw new SimulatorError(`simulator build failed (make exit ${result.code}):\n${result.output.split('\n').slice(-30).join('\n')}`);
  }
  const lines = result.output.trim().split('\n');
  return lines[lines.length - 1]!.trim();
}

function checkClksPerBit(n: number): void {
  if (!Number.isInteger(n) || n < 4 || n > 65535) {
    throw new SimulatorError(`clocks per bit must be an integer from 4 to 65535, not ${n}`);
  }
}

const STATS_LINE =
  /^stats cycles=(\d+) seconds=([\d.]+) cycles_per_s=(\d+) active_seconds=([\d.]+) active_cycles_per_s=(\d+) cpu_seconds=([\d.]+) cycles_per_cpu_s=(\d+) held_cycles=(\d+)$/;

function parseStats(line: string): SimulatorStats | undefined {
  const m = STATS_LINE.exec(line);
  if (!m) return undefined;
  return {
    cycles: Number(m[1]),
    seconds: Number(m[2]),
    cyclesPerSecond: Number(m[3]),
    activeSeconds: Number(m[4]),
    activeCyclesPerSecond: Number(m[5]),
    cpuSeconds: Number(m[6]),
    cyclesPerCpuSecond: Number(m[7]),
    heldCycles: Number(m[8]),
  };
}

/** Build if needed, start the simulator and wait until it serves. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const clksPerBit = options.clksPerBit ?? DEFAULT_CLKS_PER_BIT;
  const linkLevel = options.linkLevel ?? DEFAULT_LINK_LEVEL;
  if (linkLevel !== 'byte' && linkLevel !== 'bit') throw new SimulatorError(`link level must be 'byte' or 'bit', not '${String(linkLevel)}'`);
  if (options.badStopBit !== undefined && linkLevel !== 'bit') {
    throw new SimulatorError('a bad stop bit needs the bit-level link (linkLevel: \'bit\')');
  }
  if (options.tcpPort !== undefined && options.link !== undefined) throw new SimulatorError('a link needs pty mode, not TCP');
  if ((options.hostRate !== undefined || options.line !== undefined) && linkLevel !== 'bit') {
    throw new SimulatorError('a host rate and line faults need the bit-level link (linkLevel: \'bit\')');
  }
  if (options.hostRate === 'pty' && options.tcpPort !== undefined) throw new SimulatorError('hostRate \'pty\' needs pty mode, not TCP');
  if (options.tcpPort !== undefined && !(Number.isInteger(options.tcpPort) && options.tcpPort >= 0 && options.tcpPort <= 65535)) {
    throw new SimulatorError(`TCP port must be an integer from 0 to 65535, not ${options.tcpPort}`);
  }
  const binary = await buildSimulator(clksPerBit, options.build ?? 'full');
  const args = [options.tcpPort !== undefined ? '--tcp' : '--pty'];
  if (options.tcpPort !== undefined) args.push(String(options.tcpPort));
  if (options.link !== undefined) args.push('--link', options.link);
  if (options.vcd !== undefined) args.push('--vcd', options.vcd);
  args.push('--link-level', linkLevel);
  if (options.badStopBit !== undefined) args.push('--bad-stop-bit', String(options.badStopBit));
  if (options.hostRate !== undefined) args.push('--host-rate', String(options.hostRate));
  const line = options.line ?? {};
  if (line.mismatchPct !== undefined) args.push('--line-mismatch', String(line.mismatchPct));
  if (line.jitterPct !== undefined) args.push('--line-jitter', String(line.jitterPct));
  if (line.gapBits !== undefined) args.push('--line-gap', String(line.gapBits));
  if (line.glitchEvery !== undefined) args.push('--line-glitch', String(line.glitchEvery));
  if (line.seed !== undefined) args.push('--line-seed', String(line.seed));
  // --stats: the exit report; --watch-stdin: the simulator exits when this process goes away.
  args.push('--clks-per-bit', String(clksPerBit), '--stats', '--watch-stdin');

  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const statsWaiters: ((s: SimulatorStats) => void)[] = [];
  const lines = createInterface({ input: child.stdout! });

  const path = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new SimulatorError(`simulator did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    let banner = true;
    lines.on('line', (line) => {
      if (banner) {
        banner = false;
        clearTimeout(timer);
        const pty = /^pty (\S+)$/.exec(line);
        const tcp = /^tcp (\S+)$/.exec(line);
        if (pty) resolve(pty[1]!);
        else if (tcp) resolve(`tcp://${tcp[1]!}`);
        else reject(new SimulatorError(`unexpected simulator banner '${line}'`));
        return;
      }
      const stats = parseStats(line);
      if (stats && statsWaiters.length > 0) statsWaiters.shift()!(stats);
      else options.onOutput?.(line);
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new SimulatorError(`cannot start ${binary}: ${err.message}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new SimulatorError(`simulator exited (code ${code}) before serving: ${stderr.trim()}`));
    });
  });

  return {
    path,
    pid: child.pid!,
    exited,
    stats() {
      return new Promise((resolve, reject) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          reject(new SimulatorError('simulator is not running'));
          return;
        }
        statsWaiters.push(resolve);
        child.kill('SIGUSR1');
      });
    },
    stop: () => stopChild(child, exited),
    running: () => child.exitCode === null && child.signalCode === null && alive(child.pid!),
  };
}

/** The process exists and is not a zombie (Linux /proc; elsewhere, that a signal 0 reaches it). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // pid (comm) STATE ...: comm may hold spaces and parentheses, so read after the last ')'.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X' && state !== 'x';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && process.platform === 'linux') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  child.stdin?.destroy();
}
