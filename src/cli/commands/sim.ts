// `hilsolve sim`: run the Verilator simulation of the FPGA validator as a serial device until
// interrupted. It prints one line, the device path to give to `--port` (a pseudo-terminal path
// or tcp://127.0.0.1:PORT).

import { startSimulator, DEFAULT_CLKS_PER_BIT, type HostRate, type LineOptions, type LinkLevel, type SimulatorStats } from '../../link/simulator.ts';
import { numberOption, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../main.ts';

export const usage = `usage: hilsolve sim [--pty | --tcp PORT] [--link PATH] [--link-level byte|bit] [--clks-per-bit N] [--lite]
                    [--host-rate follow|pty|BAUD] [--line-mismatch PCT] [--line-jitter PCT]
                    [--line-gap BITS] [--line-glitch N] [--line-seed S] [--vcd FILE] [--stats]

Run the Verilator simulation of the FPGA validator, building it first if the RTL or the harness
changed. Prints the device path (for --port) and serves until interrupted.
  --pty             serve on a new pseudo-terminal (the default)
  --tcp PORT        serve on 127.0.0.1:PORT instead, one client at a time; 0 picks a free port
  --link PATH       also make PATH a symbolic link to the pseudo-terminal
  --link-level L    byte (default): whole bytes into the design, up to one a cycle, with flow
                    control; bit: through its UART pins, 10 bits of N clocks a byte (a board's timing)
  --clks-per-bit N  clock cycles per UART bit (default ${DEFAULT_CLKS_PER_BIT}; one build per value)
  --lite            the search-only board build: search_lite (one chain, booleans only), no
                    validator, the board's search capacities (hdl/README.md, "Device search on the board")
  Bit level only (a board's line; hdl/README.md, "Simulator"):
  --host-rate R     the host's bit rate: follow (default: always the device's), pty (the speed the
                    host set on the pseudo-terminal, so a SetBaud switch is really exercised) or BAUD
  --line-mismatch PCT  host bits PCT % longer (negative: shorter), -10..10
  --line-jitter PCT    each host bit edge moved by up to +-PCT % of a bit, 0..25
  --line-gap BITS      idle time after each host byte, up to BITS bit periods
  --line-glitch N      on average one glitch on rx in N host bytes
  --line-seed S        seed of the line's faults (default 1)
  --vcd FILE        write a waveform trace of every cycle (slow, large)
  --stats           print simulated cycles and cycles per second at exit and on SIGUSR1
Exit status: 0 stopped by SIGINT or SIGTERM, 2 unusable options, 3 build or simulator failure.`;

function formatStats(s: SimulatorStats): string {
  const rate = (n: number) => `${(n / 1e6).toFixed(2)} M cycles/s`;
  return `stats: ${s.cycles} cycles in ${s.seconds.toFixed(1)} s (${rate(s.cyclesPerSecond)}); ` +
    `active ${s.activeSeconds.toFixed(1)} s (${rate(s.activeCyclesPerSecond)}); ` +
    `CPU ${s.cpuSeconds.toFixed(1)} s (${rate(s.cyclesPerCpuSecond)})\n`;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    pty: { type: 'boolean' },
    tcp: { type: 'string' },
    link: { type: 'string' },
    'link-level': { type: 'string' },
    'clks-per-bit': { type: 'string' },
    vcd: { type: 'string' },
    stats: { type: 'boolean' },
    lite: { type: 'boolean' },
    'host-rate': { type: 'string' },
    'line-mismatch': { type: 'string' },
    'line-jitter': { type: 'string' },
    'line-gap': { type: 'string' },
    'line-glitch': { type: 'string' },
    'line-seed': { type: 'string' },
  }, []);
  if (values.pty && values.tcp !== undefined) throw new UsageError('--pty and --tcp exclude each other');
  if (values.tcp !== undefined && values.link !== undefined) throw new UsageError('--link needs --pty');
  const tcpPort = values.tcp === undefined ? undefined : numberOption('tcp', values.tcp, { min: 0, max: 65535, integer: true });
  const linkLevel = values['link-level'] ?? 'byte';
  if (linkLevel !== 'byte' && linkLevel !== 'bit') throw new UsageError(`--link-level is byte or bit, not '${linkLevel}'`);
  const clksPerBit = values['clks-per-bit'] === undefined
    ? DEFAULT_CLKS_PER_BIT
    : numberOption('clks-per-bit', values['clks-per-bit'], { min: 4, max: 65535, integer: true });

  let hostRate: HostRate | undefined;
  const rate = values['host-rate'];
  if (rate !== undefined) {
    hostRate = rate === 'follow' || rate === 'pty' ? rate : numberOption('host-rate', rate, { min: 300, max: 12_000_000, integer: true });
  }
  const line: LineOptions = {};
  if (values['line-mismatch'] !== undefined) line.mismatchPct = numberOption('line-mismatch', values['line-mismatch'], { min: -10, max: 10, integer: false });
  if (values['line-jitter'] !== undefined) line.jitterPct = numberOption('line-jitter', values['line-jitter'], { min: 0, max: 25, integer: false });
  if (values['line-gap'] !== undefined) line.gapBits = numberOption('line-gap', values['line-gap'], { min: 0, max: 1000, integer: false });
  if (values['line-glitch'] !== undefined) line.glitchEvery = numberOption('line-glitch', values['line-glitch'], { min: 1, max: 1e9, integer: true });
  if (values['line-seed'] !== undefined) line.seed = numberOption('line-seed', values['line-seed'], { min: 0, max: 0xffffffff, integer: true });
  const faulty = Object.keys(line).length > 0;
  if ((hostRate !== undefined || faulty) && linkLevel !== 'bit') throw new UsageError('--host-rate and --line-* need --link-level bit');

  const sim = await startSimulator({
    ...(hostRate !== undefined ? { hostRate } : {}),
    ...(faulty ? { line } : {}),
    tcpPort,
    link: values.link,
    linkLevel: linkLevel as LinkLevel,
    clksPerBit,
    ...(values.lite ? { build: 'lite' as const } : {}),
    vcd: values.vcd,
    // The simulator's own exit report arrives here; printed in the same form as SIGUSR1's.
    onOutput: (line) => {
      if (!line.startsWith('stats ')) process.stdout.write(`${line}\n`);
    },
  });
  process.stdout.write(`${sim.path}\n`);

  const onReport = () => {
    sim.stats().then((s) => process.stdout.write(formatStats(s)), () => undefined);
  };
  if (values.stats) process.on('SIGUSR1', onReport);
  const stopped = new Promise<'signal'>((resolve) => {
    process.once('SIGINT', () => resolve('signal'));
    process.once('SIGTERM', () => resolve('signal'));
  });
  const how = await Promise.race([stopped, sim.exited.then(() => 'exited' as const)]);
  if (how === 'exited') {
    process.stderr.write('hilsolve sim: the simulator stopped on its own\n');
    return EXIT.FAILURE;
  }
  if (values.stats) process.stdout.write(formatStats(await sim.stats()));
  await sim.stop();
  process.off('SIGUSR1', onReport);
  return EXIT.OK;
}
