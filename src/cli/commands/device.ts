// `hilsolve device info --port PATH|tcp://HOST:PORT`: open a device, do the handshake and print
// what it reports about itself (docs/link-protocol.md, "Handshake").

import { SAFE_BAUD } from '../../link/transport.ts';
import type { LinkSpeed } from '../../link/link-speed.ts';
import { DeviceSession, type DeviceInfo } from '../../link/session.ts';
import { numberOption, parseCommandArgs, targetOption } from '../args.ts';
import { EXIT, UsageError } from '../main.ts';

export const usage = `usage: hilsolve device info --port PATH|tcp://HOST:PORT [--baud N] [--timeout-ms N] [--json]

Open a device (a serial path such as /dev/ttyUSB0 or the simulator's pseudo-terminal, or a TCP
address), do the handshake and print its identity and capacities.
  --port P        the device: a serial path or tcp://HOST:PORT (required)
  --baud N        a fixed serial bit rate, no negotiation (default: open at ${SAFE_BAUD},
                  then switch to the fastest rate the device and the host share; ignored for TCP)
  --timeout-ms N  wait this long for each handshake attempt (default 1000)
  --json          print the handshake as JSON
Exit status: 0 answered, 2 bad usage, 3 no device, device busy or no answer.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    port: { type: 'string' },
    baud: { type: 'string' },
    'timeout-ms': { type: 'string' },
    json: { type: 'boolean' },
  }, ['info']);
  if (positionals[0] !== 'info') throw new UsageError(`unknown device command '${positionals[0]}'`);
  if (!values.port) throw new UsageError('--port is required');
  targetOption(values.port);
  const baud = values.baud === undefined ? undefined : numberOption('baud', values.baud, { min: 50, max: 100_000_000, integer: true });
  const timeoutMs = values['timeout-ms'] === undefined ? 1000 : numberOption('timeout-ms', values['timeout-ms'], { min: 1, max: 600_000, integer: true });
  const session = await DeviceSession.open(values.port, { ...(baud !== undefined ? { baud } : {}), timeoutMs, retries: 2, heartbeatMs: 0 });
  try {
    const info = session.info;
    process.stdout.write(values.json ? `${JSON.stringify(info, null, 2)}\n` : describe(info));
  } finally {
    await session.close();
  }
  return EXIT.OK;
}

function describe(info: DeviceInfo): string {
  const rows: [string, string][] = [
    ['device', `${info.deviceId} (build ${info.build})`],
    ['target', info.target],
    ['protocol', `version ${info.protocolVersion}`],
    ['clock', `${(info.clockHz / 1e6).toFixed(3)} MHz`],
    ['baud', info.baud === 0 ? 'not a UART' : `${info.baud} after reset (divider ${Math.round(info.clockHz / info.baud)}), SetBaud ${info.minDivider ? `down to divider ${info.minDivider}` : 'not offered'}`],
    ['link', describeLink(info.link)],
    ['max payload', `${info.maxPayload} bytes`],
    ['window', `${info.window} candidates`],
    ['variables', `${info.maxVars}, domains up to ${info.maxDomain} values`],
    ['program', `${info.maxWords} words, ${info.maxConstraints} constraints`],
    ['verdicts', `first ${info.maxViolations} violated constraints reported`],
    ['engines', String(info.engines)],
  ];
  return rows.map(([k, v]) => `${k.padEnd(12)} ${v}\n`).join('');
}

/** The link speed line: what the session settled on and why (src/link/link-speed.ts). */
export function describeLink(link: LinkSpeed | undefined): string {
  if (!link || link.mode === 'tcp') return 'TCP: no serial rate';
  const rate = `${link.baud} baud${link.divider ? ` (device divider ${link.divider})` : ''}`;
  switch (link.mode) {
    case 'negotiated': return `${rate}, negotiated`;
    case 'fixed': return `${rate}, fixed by --baud`;
    case 'safe': return link.fallback ? `${rate}, the safe rate: switching failed (${link.fallback})` : `${rate}, the safe rate (no faster one offered)`;
  }
}
