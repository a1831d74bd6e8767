// The search prior (docs/search.md, "Prior"): one byte per value slot, 0 = never (outside the
// domain), 1..255 = log-weight in 1/16 nat, and the Gumbel table the device samples it with.
// Pure code, no I/O.

import type { Model } from './types.ts';

/**
 * Soft domains: per variable, per index probabilities (not necessarily normalised). Either the
 * sampler's flat layout (Sampler.probabilities(): [numVars x D], variable x's index i at
 * x * D + i, D = softDomains.length / numVars, at least every domain size) or one array per
 * variable (index i at [x][i]).
 */
export type SoftDomains = ArrayLike<number> | readonly ArrayLike<number>[];

interface PriorShape {
  numVars: number;
  numValues: number;
  valueBase: readonly number[];
}

/** The domain of every slot, checking that the tables were compiled from this model. */
function checkShape(tables: PriorShape, model: Model): void {
  const vars = model.variables;
  if (vars.length !== tables.numVars) throw new RangeError(`prior: the model has ${vars.length} variables, the tables ${tables.numVars}`);
  const end = tables.numVars === 0 ? 0 : tables.valueBase[vars.length - 1]! + vars[vars.length - 1]!.size;
  if (end !== tables.numValues) throw new RangeError(`prior: the model's domains span ${end} value slots, the tables ${tables.numValues}`);
}

/** 255 on every domain value, 0 on the holes: every value equally likely. */
export function uniformPrior(tables: PriorShape, model: Model): Uint8Array {
  checkShape(tables, model);
  const out = new Uint8Array(tables.numValues);
  model.variables.forEach((v, x) => v.allowed.forEach((a, i) => { if (a) out[tables.valueBase[x]! + i] = 255; }));
  return out;
}

/**
 * Per variable: w = clamp(255 + round(16 * ln(p / p_max)), 1, 255) on its domain values (p_max its
 * largest probability there), 0 on its holes. A probability that is 0, negative or not finite
 * gets weight 1 (still possible: the domain, not the soft domain, decides what is never chosen);
 * a variable with no positive finite probability gets 255 everywhere in its domain.
 */
export function quantisePrior(tables: PriorShape, softDomains: SoftDomains, model: Model): Uint8Array {
  checkShape(tables, model);
  const vars = model.variables;
  const row = rowReader(softDomains, model);
  const out = new Uint8Array(tables.numValues);
  vars.forEach((v, x) => {
    let pmax = 0;
    for (let i = 0; i < v.size; i++) {
      const p = row(x, i);
      if (v.allowed[i] && Number.isFinite(p) && p > pmax) pmax = p;
    }
    const base = tables.valueBase[x]!;
    for (let i = 0; i < v.size; i++) {
      if (!v.allowed[i]) continue;
      const p = row(x, i);
      if (pmax === 0) { out[base + i] = 255; continue; }
      const w = Number.isFinite(p) && p > 0 ? 255 + Math.round(16 * Math.log(p / pmax)) : 1;
      out[base + i] = Math.min(255, Math.max(1, w));
    }
  });
  return out;
}

function rowReader(soft: SoftDomains, model: Model): (x: number, i: number) => number {
  const n = model.variables.length;
  const maxSize = model.variables.reduce((m, v) => Math.max(m, v.size), 0);
  if (n === 0) return () => 0;
  const first = (soft as ArrayLike<unknown>)[0];
  if (soft.length === n && typeof first === 'object' && first !== null) {
    const rows = soft as readonly ArrayLike<number>[];
    model.variables.forEach((v, x) => {
      if (rows[x]!.length < v.size) throw new RangeError(`prior: soft domain of variable ${v.name} has ${rows[x]!.length} entries for ${v.size} values`);
    });
    return (x, i) => rows[x]![i]!;
  }
  const flat = soft as ArrayLike<number>;
  const stride = flat.length / n;
  if (!Number.isInteger(stride) || stride < maxSize) {
    throw new RangeError(`prior: ${flat.length} soft-domain entries are not ${n} variables x at least ${maxSize} values`);
  }
  return (x, i) => flat[x * stride + i]!;
}

/**
 * The device's Gumbel table, in 1/16 nat: G[k] = round(16 * -ln(-ln((k + 0.5) / 256))), indexed
 * by 8 PRNG bits. Values -29..100 (signed, fits 8 bits); prior + G lies in -28..355.
 */
export const GUMBEL_TABLE: Int16Array = Int16Array.from({ length: 256 }, (_, k) => Math.round(16 * -Math.log(-Math.log((k + 0.5) / 256))));
