// The live devices: identity, simulated or board, capacities and search support from the
// handshake, busy or free. Refreshed every few seconds.

import { call } from '../api.ts';
import { h, show } from '../dom.ts';

interface Device {
  id: string; deviceId: string | null; simulated: boolean; busy: boolean; startedAt: number | string; lastSeen: number | string;
  handshake: Record<string, unknown> | null;
}

const REFRESH_MS = 5000;

function value(v: unknown): string {
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function card(d: Device): HTMLElement {
  const hs = d.handshake ?? {};
  // The search engine's capacities; absent (or null) when the device has none.
  const search = typeof hs.search === 'object' && hs.search !== null ? hs.search as Record<string, number> : null;
  return h('article', { class: 'device', 'data-device': d.id },
    h('h3', {}, d.deviceId ?? 'unknown device', ' ', h('span', { class: `badge ${d.busy ? 'busy' : 'free'}` }, d.busy ? 'busy' : 'free'),
      ' ', h('span', { class: 'badge kind' }, d.simulated ? 'simulated' : 'board')),
    h('p', {}, `worker ${d.id} · up since ${new Date(d.startedAt).toLocaleString()} · seen ${new Date(d.lastSeen).toLocaleTimeString()}`,
      h('span', { class: 'search' }, search !== null
        ? ` · search engine: ${search.chains} chains, up to ${search.maxVars} variables, ${search.maxValues} values, ${search.maxClauses} clauses, ${search.maxLiterals} literals`
        : ' · no search engine (validate mode only)')),
    h('table', { class: 'handshake' }, h('tbody', {}, ...Object.entries(hs).map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, value(v)))))));
}

export async function devicesPage(root: HTMLElement, signal: AbortSignal): Promise<void> {
  const list = h('div', { id: 'devices' });
  root.append(h('section', { class: 'panel' }, h('h2', {}, 'Devices'), list));
  const load = async () => {
    const { devices } = await call<{ devices: Device[] }>('GET', '/v1/devices', undefined, signal);
    show(list, ...(devices.length === 0 ? [h('p', {}, 'No live device: start a worker (hilsolve worker).')] : devices.map(card)));
  };
  await load();
  const timer = setInterval(() => void load().catch(() => undefined), REFRESH_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
}
