// Device addresses: `tcp://HOST:PORT` or a serial path. Kept apart from transport.ts so that
// option parsing can check an address without loading serialport's native bindings.

import { DeviceOpenError } from './errors.ts';

export type Target = { kind: 'tcp'; host: string; port: number } | { kind: 'serial'; path: string };

/**
 * Parse a device name: `tcp://HOST:PORT` or a serial path. Throws DeviceOpenError on a malformed
 * tcp:// URL. Port 0 (any free port) only when `listening`.
 */
export function parseTarget(target: string, listening = false): Target {
  if (!target.startsWith('tcp://')) {
    if (target === '') throw new DeviceOpenError('empty device path');
    return { kind: 'serial', path: target };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new DeviceOpenError(`malformed device address '${target}': expected tcp://HOST:PORT`);
  }
  const port = Number(url.port);
  const noPort = url.port === '' || port === 0;
  if (!url.hostname || !Number.isInteger(port) || port > 65535 || (noPort && !listening) || (url.pathname !== '' && url.pathname !== '/')) {
    throw new DeviceOpenError(`malformed device address '${target}': expected tcp://HOST:PORT`);
  }
  return { kind: 'tcp', host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}
