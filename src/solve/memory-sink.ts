// A SolutionSink that keeps solutions in memory: for solving in-process (no Redis) and tests.

import { canonicalKey } from './canonical.ts';
import type { SolutionSink } from './ports.ts';

export interface FoundSolution {
  indices: number[];
  foundAtMs: number;
  device: string;
}

export class MemorySink implements SolutionSink {
  readonly solutions: FoundSolution[] = [];
  private readonly seen = new Set<string>();

  async add(indices: number[], foundAtMs: number, device: string): Promise<boolean> {
    const key = canonicalKey(indices);
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    this.solutions.push({ indices: indices.slice(), foundAtMs, device });
    return true;
  }
}
