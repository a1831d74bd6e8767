// `hilsolve link-proxy`: a fault-injecting proxy between a host and a device (src/link/fault-proxy.ts).
// Runs until interrupted, then prints what it did to the bytes.

import { startFaultProxy, type FaultStats } from '../../link/fault-proxy.ts';
import { DEFAULT_BAUD } from '../../link/transport.ts';
import { numberOption, parseCommandArgs, targetOption } from '../args.ts';
import { EXIT, UsageError } from '../main.ts';

export const usage = `usage: hilsolve link-proxy --device PATH|tcp://HOST:PORT --listen tcp://HOST:PORT [options]

Forward a host's TCP connection to a device and damage the bytes on the way, reproducibly.
The device is opened anew for every host connection. Rates apply to both directions.
  --device D            the device: a serial path or tcp://HOST:PORT (required)
  --listen L            where hosts connect, tcp://HOST:PORT; port 0 picks a free one (required)
  --flip RATE           probability that a byte gets one bit flipped (default 0)
  --drop RATE           probability that a byte is dropped (default 0)
  --dup RATE            probability that a byte is sent twice (default 0)
  --delay-ms N          hold every chunk back N ms (default 0)
  --cut-after-bytes N   close a connection after it carried N bytes
  --max-cuts K          cut at most K connections (default 1)
  --seed S              seed of the random damage (default 1)
  --baud N              serial bit rate of the device (default ${DEFAULT_BAUD})
Prints the address it listens on, one line per connection event, and the damage done on exit.`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseCommandArgs(args, {
    device: { type: 'string' },
    listen: { type: 'string' },
    flip: { type: 'string', default: '0' },
    drop: { type: 'string', default: '0' },
    dup: { type: 'string', default: '0' },
    'delay-ms': { type: 'string', default: '0' },
    'cut-after-bytes': { type: 'string' },
    'max-cuts': { type: 'string', default: '1' },
    seed: { type: 'string', default: '1' },
    baud: { type: 'string', default: String(DEFAULT_BAUD) },
  }, []);
  if (!values.device) throw new UsageError('--device is required');
  if (!values.listen) throw new UsageError('--listen is required');
  targetOption(values.device);
  targetOption(values.listen, true);
  if (!values.listen.startsWith('tcp://')) throw new UsageError(`--listen takes tcp://HOST:PORT, not '${values.listen}'`);
  const rate = (name: 'flip' | 'drop' | 'dup') => numberOption(name, values[name], { min: 0, max: 1, integer: false });
  const whole = (name: string, text: string, max: number) => numberOption(name, text, { min: 0, max, integer: true });
  const rates = { flip: rate('flip'), drop: rate('drop'), dup: rate('dup'), delayMs: whole('delay-ms', values['delay-ms'], 60_000) };
  const proxy = await startFaultProxy({
    device: values.device,
    listen: values.listen,
    baud: whole('baud', values.baud, 100_000_000),
    toDevice: rates,
    toHost: rates,
    cutAfterBytes: values['cut-after-bytes'] === undefined ? undefined : whole('cut-after-bytes', values['cut-after-bytes'], Number.MAX_SAFE_INTEGER),
    maxCuts: whole('max-cuts', values['max-cuts'], Number.MAX_SAFE_INTEGER),
    seed: whole('seed', values.seed, 0xffffffff),
    log: (line) => process.stderr.write(`link-proxy: ${line}\n`),
  });
  process.stdout.write(`listening on ${proxy.url}, device ${values.device}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await proxy.close();
  process.stdout.write(report(proxy.stats()));
  return EXIT.OK;
}

function report(s: FaultStats): string {
  const line = (name: string, d: FaultStats['toHost']) =>
    `${name}: ${d.bytesIn} bytes in, ${d.bytesOut} out; ${d.flipped} flipped, ${d.dropped} dropped, ${d.duplicated} duplicated\n`;
  return `connections ${s.connections}, cuts ${s.cuts}\n${line('to device', s.toDevice)}${line('to host', s.toHost)}`;
}
