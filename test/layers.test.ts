// The layers of DESIGN.md: imports point one way, api/queue/cli -> solve -> sampler, link, check,
// propagate -> model. A shape two layers share is defined by the lower one (src/solve/ports.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const RANK: Record<string, number> = {
  model: 0, propagate: 1, check: 1, link: 1, sampler: 2, solve: 3, queue: 4, api: 5, cli: 6,
};

describe('source layers', () => {
  it('every folder of src/ has a rank', () => {
    for (const entry of readdirSync('src', { withFileTypes: true })) {
      if (entry.isDirectory()) expect(RANK[entry.name], `src/${entry.name}/ has no rank here`).toBeDefined();
    }
  });

  it('imports point down the layers', () => {
    for (const rel of readdirSync('src', { recursive: true, encoding: 'utf8' })) {
      if (!rel.endsWith('.ts')) continue;
      const from = rel.split('/')[0]!;
      for (const [, to] of readFileSync(`src/${rel}`, 'utf8').matchAll(/from '(?:\.\.\/)+([a-z]+)\//g)) {
        if (to === from) continue;
        expect(RANK[to!], `src/${rel} imports ${to}/`).toBeLessThan(RANK[from]!);
      }
    }
  });
});
