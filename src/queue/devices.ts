// The registry of devices the workers hold: each worker writes its record under a key with a
// short TTL and renews it on a heartbeat, so a worker that dies drops off the list by itself.

import type { Redis } from 'ioredis';
import { deviceKey, devicesKey } from './keys.ts';

export interface DeviceRecord {
  workerId: string;
  hostname: string;
  pid: number;
  /** Serial path or tcp:// address the worker opened. */
  port: string;
  /** Whether the worker started the simulator itself. */
  simulated: boolean;
  /** The device's answer to the handshake (identity and capacities), as the link reports it. */
  handshake: Record<string, unknown> | null;
  /** Job the worker is running, if any. */
  currentJob: string | null;
  startedAt: number;
  lastSeen: number;
}

export class DeviceRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async heartbeat(record: DeviceRecord, ttlMs: number): Promise<void> {
    await this.redis.multi()
      .set(deviceKey(this.prefix, record.workerId), JSON.stringify({ ...record, lastSeen: Date.now() }), 'PX', ttlMs)
      .sadd(devicesKey(this.prefix), record.workerId)
      .exec();
  }

  async remove(workerId: string): Promise<void> {
    await this.redis.multi().del(deviceKey(this.prefix, workerId)).srem(devicesKey(this.prefix), workerId).exec();
  }

  /** Live devices, sorted by worker id; forgets workers whose heartbeat expired. */
  async list(): Promise<DeviceRecord[]> {
    const ids = (await this.redis.smembers(devicesKey(this.prefix))).sort();
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map((id) => deviceKey(this.prefix, id)));
    const gone = ids.filter((_, i) => values[i] === null);
    if (gone.length > 0) await this.redis.srem(devicesKey(this.prefix), ...gone);
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as DeviceRecord);
  }
}
