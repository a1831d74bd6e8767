// `hilsolve sim`: run the Verilator simulation of the FPGA validator as a serial device until
// interrupted. It prints one line, the device path to give to `--port` (a pseudo-terminal path
// or tcp://127.0.0.1:PORT).

import { startSimulator, DEFAULT_CLKS_PER_BIT, type LinkLevel, type SimulatorStats } from '../../link/simulator.ts';
import { numberOption, parseCommandArgs } from '../args.ts';
import { EXIT, UsageError } from '../main.ts';

export const usage = `usage: hilsolve sim [--pty | --tcp PORT] [--link PATH] [--link-level byte|bit] [--clks-per-bit N]
                    [--vcd FILE] [--stats]

Run the Verilator simulation of the FPGA validator, building it first if the RTL or the harness
changed. Prints the device path (for --port) and serves until interrupted.
  --pty             serve on a new pseudo-terminal (the default)
  --tcp PORT        serve on 127.0.0.1:PORT instead, one client at a time; 0 picks a free port
  --link PATH       also make PATH a symbolic link to the pseudo-terminal
  --link-level L    byte (default): whole bytes into the design, up to one a cycle, with flow
                    control; bit: through its UART pins, 10 bits of N clocks a byte (a board's timing)
  --clks-per-bit N  clock cycles per UART bit (default ${DEFAULT_CLKS_PER_BIT}; one build per value)
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
  }, []);
  if (values.pty && values.tcp !== undefined) throw new UsageError('--pty and --tcp exclude each other');
  if (values.tcp !== undefined && values.link !== undefined) throw new UsageError('--link needs --pty');
  const tcpPort = values.tcp === undefined ? undefined : numberOption('tcp', values.tcp, { min: 0, max: 65535, integer: true });
  const linkLevel = values['link-level'] ?? 'byte';
  if (linkLevel !== 'byte' && linkLevel !== 'bit') throw new UsageError(`--link-level is byte or bit, not '${linkLevel}'`);
  const clksPerBit = values['clks-per-bit'] === undefined
    ? DEFAULT_CLKS_PER_BIT
    : numberOption('clks-per-bit', values['clks-per-bit'], { min: 4, max: 65535, integer: true });

  const sim = await startSimulator({
    tcpPort,
    link: values.link,
    linkLevel: linkLevel as LinkLevel,
    clksPerBit,
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
