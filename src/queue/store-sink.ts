// A SolutionSink that appends each proven solution to the job's list in Redis at once
// (deduplicated there, across every run of the job), rendered for the user. With a run's fence it
// writes only while the run holds the job (LockLostError otherwise), never past `max` solutions
// (the job then has all it asked for: `onFull` tells the run to stop), and through `write`, which
// pauses the run while Redis is away (RunGuard).

import type { RenderedAssignment } from '../model/types.ts';
import { canonicalKey } from '../solve/canonical.ts';
import type { SolutionSink } from '../solve/ports.ts';
import type { SolveStats } from '../solve/types.ts';
import type { Fence, JobStore } from './job-store.ts';

export interface StoreSinkOptions {
  fence?: Fence;
  /** Solutions the job asked for: the list never grows past it. */
  max?: number;
  /** Called when a solution was refused because the job holds `max` already (or finished). */
  onFull?: () => void;
  /** Wraps each store call (RunGuard.write). */
  write?: <T>(op: () => Promise<T>) => Promise<T>;
  /** Optimisation: the objective value of a solution, stored with it. */
  objective?: (indices: number[]) => number;
}

export class StoreSink implements SolutionSink {
  constructor(
    private readonly store: JobStore,
    private readonly jobId: string,
    private readonly render: (indices: number[]) => RenderedAssignment,
    private readonly opts: StoreSinkOptions = {},
  ) {}

  async add(indices: number[], foundAtMs: number, device: string, stats?: SolveStats): Promise<boolean> {
    const canonical = canonicalKey(indices);
    const solution = {
      assignment: this.render(indices), foundAtMs, device,
      ...(this.opts.objective ? { objective: this.opts.objective(indices) } : {}),
    };
    const { fence, max } = this.opts;
    const op = () => this.store.addSolution(this.jobId, canonical, solution, {
      ...(fence ? { fence } : {}), ...(max !== undefined ? { max } : {}), ...(stats ? { stats } : {}),
    });
    const index = await (this.opts.write ? this.opts.write(op) : op());
    if (index < 0) this.opts.onFull?.();
    return index > 0;
  }
}
