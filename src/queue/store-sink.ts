// A SolutionSink that appends each proven solution to the job's list in Redis at once
// (deduplicated there, across every run of the job), rendered for the user.

import type { RenderedAssignment } from '../model/types.ts';
import { canonicalKey } from '../solve/canonical.ts';
import type { SolutionSink } from '../solve/ports.ts';
import type { JobStore } from './job-store.ts';

export class StoreSink implements SolutionSink {
  constructor(
    private readonly store: JobStore,
    private readonly jobId: string,
    private readonly render: (indices: number[]) => RenderedAssignment,
  ) {}

  async add(indices: number[], foundAtMs: number, device: string): Promise<boolean> {
    const index = await this.store.addSolution(this.jobId, canonicalKey(indices), {
      assignment: this.render(indices), foundAtMs, device,
    });
    return index > 0;
  }
}
