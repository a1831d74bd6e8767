// Fans job events out to the listeners of one process (the API's SSE streams) over a single
// Redis subscriber connection: a channel is subscribed while at least one listener wants it.

import type { Redis } from 'ioredis';
import type { JobEvent } from './job-store.ts';

type Listener = (event: JobEvent) => void;

export class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** `subscriber` becomes a dedicated subscriber connection: use it for nothing else. */
  constructor(private readonly subscriber: Redis) {
    subscriber.on('message', (channel: string, message: string) => {
      const set = this.listeners.get(channel);
      if (!set) return;
      const event = JSON.parse(message) as JobEvent;
      for (const listener of set) listener(event);
    });
  }

  /** Resolves once Redis confirmed the subscription, so no later event is missed; rejects if it did not. */
  async subscribe(channel: string, listener: Listener): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
    }
    set.add(listener);
    const forget = () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) this.listeners.delete(channel);
    };
    try {
      await this.subscriber.subscribe(channel);
    } catch (err) {
      // Redis away: nobody is listening, and the caller learns it now (not from silence).
      forget();
      throw err;
    }
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) {
        this.listeners.delete(channel);
        await this.subscriber.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber.disconnect();
  }
}
