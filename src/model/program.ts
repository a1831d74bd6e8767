// The compiled validator program as the host holds it. Built by compile.ts, executed by
// src/check/program-checker.ts and by the RTL engine; layout in docs/validator-program.md.

export interface Program {
  numVars: number;
  /** Bits per variable in the packed candidate, 0..8: ceil(log2(size)). */
  widths: number[];
  /** 64-bit instruction words. */
  words: bigint[];
  /** Model constraints C: program constraints 0..C-1 are the model's, in order. */
  modelConstraints: number;
  /** Program constraint C + j checks the domain of variable domainChecks[j]. */
  domainChecks: number[];
  /** Packed candidate length in bytes: ceil(sum(widths) / 8). */
  candidateBytes: number;
}

/** Total program constraints (model constraints plus domain checks). */
export function constraintCount(p: Program): number {
  return p.modelConstraints + p.domainChecks.length;
}
