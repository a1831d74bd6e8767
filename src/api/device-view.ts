// What a client sees of the live devices (GET /v1/devices). A tenant sees what it needs to pick a
// problem size and follow load: an opaque id per worker, the device's identity and capacities
// from its handshake, whether it is simulated, busy or free. Host details (worker id with host
// name and process id, serial path or address, the job it runs, whoever's it is) are for operator
// keys (HILSOLVE_OPERATOR_KEYS) only.

import { createHash } from 'node:crypto';
import type { DeviceRecord } from '../queue/devices.ts';

/** Handshake fields that tell where the device is attached: operators only. */
const HOST_FIELDS = new Set(['target', 'port', 'path']);

export function tenantDevice(d: DeviceRecord) {
  const handshake = d.handshake === null
    ? null
    : Object.fromEntries(Object.entries(d.handshake).filter(([k]) => !HOST_FIELDS.has(k)));
  return {
    id: createHash('sha256').update(d.workerId).digest('hex').slice(0, 12),
    deviceId: typeof d.handshake?.deviceId === 'string' ? d.handshake.deviceId : null,
    simulated: d.simulated,
    handshake,
    busy: d.currentJob !== null,
    startedAt: d.startedAt,
    lastSeen: d.lastSeen,
  };
}

export function operatorDevice(d: DeviceRecord) {
  return { ...tenantDevice(d), ...d };
}
