import { describe, expect, it } from 'vitest';
import { readSse, type SseMessage } from '../src/cli/sse.ts';

async function collect(chunks: string[]): Promise<SseMessage[]> {
  async function* body() {
    for (const c of chunks) yield new TextEncoder().encode(c);
  }
  const out: SseMessage[] = [];
  for await (const m of readSse(body())) out.push(m);
  return out;
}

describe('readSse', () => {
  it('splits events across chunk boundaries, keeps ids and skips comments', async () => {
    const events = await collect([': keep-alive\n\nid: 3\nev', 'ent: solution\ndata: {"a":1}\n', '\nevent: status\ndata: "done"\n\n']);
    expect(events).toEqual([
      { event: 'solution', id: '3', data: '{"a":1}' },
      { event: 'status', data: '"done"' },
    ]);
  });

  it('joins data lines with newlines, reads fields without a space, and drops unnamed or unfinished blocks', async () => {
    const events = await collect(['data: only data\n\nevent:x\ndata:1\ndata: 2\n\nevent: cut\ndata: 3']);
    expect(events).toEqual([{ event: 'x', data: '1\n2' }]);
  });
});
