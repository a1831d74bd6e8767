// An in-process stand-in for the device, built on the reference checker: for unit tests of the
// solve loop only. It can lie (prove a violating candidate) and lose the device on request, so the
// loop's device-fault and reconnect handling can be tested.

import { prepareProgram, type PreparedProgram } from '../../src/check/program-checker.ts';
import { packIndices } from '../../src/model/pack.ts';
import type { Program } from '../../src/model/program.ts';
import { DeviceLostError, ProgramRejectedError, type Validator, type Verdict } from '../../src/solve/ports.ts';

export class ReferenceValidator implements Validator {
  readonly deviceId = 'reference-checker';
  loads = 0;
  /** Number of upcoming validate calls that fail as if the device went away. */
  loseNext = 0;
  /** When set, the next validate call goes away after yielding this many verdicts. */
  loseAfter: number | null = null;
  /** Verdicts handed out, over all calls. */
  verdictsGiven = 0;
  /** Programs with more variables are refused, as by a device's capacity. */
  maxVars = 65_536;
  /** When > 0, every lieEvery-th rejected candidate is claimed proven (a faulty device). */
  lieEvery = 0;
  /** Milliseconds before each verdict, like the latency of a real link (0: none). */
  verdictDelayMs = 0;
  private checker: PreparedProgram | null = null;
  private bytes = 0;
  private calls = 0;

  async load(program: Program): Promise<void> {
    if (program.numVars > this.maxVars) throw new ProgramRejectedError(`${program.numVars} variables, the device takes ${this.maxVars}`);
    this.loads++;
    this.checker = prepareProgram(program);
    this.bytes += program.words.length * 8;
  }

  async *validate(candidates: number[][]): AsyncGenerator<Verdict> {
    const verdicts = this.check(candidates);
    const lose = this.loseAfter;
    this.loseAfter = null;
    for (const [i, v] of verdicts.entries()) {
      if (i === lose) {
        this.checker = null;
        throw new DeviceLostError('device went away mid-batch');
      }
      if (this.verdictDelayMs > 0) await new Promise((r) => setTimeout(r, this.verdictDelayMs));
      this.verdictsGiven++;
      yield v;
    }
  }

  private check(candidates: number[][]): Verdict[] {
    if (this.loseNext > 0) {
      this.loseNext--;
      this.checker = null;
      throw new DeviceLostError('device went away');
    }
    if (!this.checker) throw new Error('no program loaded');
    const checker = this.checker;
    return candidates.map((c) => {
      const packed = packIndices(checker.program.widths, c);
      this.bytes += packed.length + 8;
      const verdict = checker.check(packed);
      this.calls++;
      if (this.lieEvery > 0 && !verdict.ok && this.calls % this.lieEvery === 0) return { ok: true, violated: [], count: 0 };
      return verdict;
    });
  }

  linkBytes(): number {
    return this.bytes;
  }
}
