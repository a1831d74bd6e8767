// Which loop runs a job, and whether a problem fits a device at all. The worker calls chooseMode
// with its device; the API calls deviceFitProblem with each live device's handshake at
// submission, so that a problem no device can take is refused before it is queued.
//
// - `validate`: always the validate loop.
// - `search`: the search loop; a device without a search engine, or search tables over its
//   capacities, fail the job (ProgramRejectedError naming the device and the limit).
// - `auto`: search when the device offers it, the tables fit its capacities, and at least one
//   constraint is searched (a problem of linear constraints only gains nothing from search);
//   else validate.
// Search tables are compiled from the model the validator program was compiled from (after
// propagation), with the format's own limits: a constraint is never dropped to make them fit.

import { searchCapacityProblem } from '../link/search-client.ts';
import { capacityProblem, hasValidator } from '../link/validator-client.ts';
import type { DeviceInfo } from '../link/session.ts';
import { compileUnsearched } from '../model/compile.ts';
import type { Program } from '../model/program.ts';
import { compileSearchTables, type SearchTables } from '../model/search-tables.ts';
import type { Model } from '../model/types.ts';
import { ProgramRejectedError, type SearchLimits } from './ports.ts';
import type { SolveMode } from './types.ts';

export type ModeChoice =
  | { mode: 'validate'; reason: string }
  | { mode: 'search'; tables: SearchTables; reason: string };

/** Auto mode leaves a problem to validate when its tables carry none of its constraints. */
function nothingSearched(tables: SearchTables, model: Model): boolean {
  return tables.searched.length === 0 && model.constraints.length > 0;
}

/** What a search job loads: the tables and the program beside them (docs/search.md, "The proof"). */
export interface SearchPlan {
  tables: SearchTables;
  program: Program;
}

/** The search plan of a model, built once for every device it is checked against. */
export function lazySearchPlan(model: Model): () => SearchPlan {
  let plan: SearchPlan | undefined;
  return () => {
    if (!plan) {
      const tables = compileSearchTables(model);
      plan = { tables, program: compileUnsearched(model, tables) };
    }
    return plan;
  };
}

/** The first search capacity the tables exceed, as text naming the Limit; null when they fit. */
export function searchLimitProblem(tables: Pick<SearchTables, 'numVars' | 'numValues' | 'numClauses' | 'numLiterals' | 'sections'>, limits: SearchLimits): string | null {
  return searchCapacityProblem(tables, limits)?.message ?? null;
}

export function chooseMode(
  requested: SolveMode | undefined,
  problem: { model: Model },
  device: { deviceId: string; limits: SearchLimits } | undefined,
): ModeChoice {
  const mode = requested ?? 'auto';
  if (mode === 'validate') return { mode: 'validate', reason: 'asked for' };
  if (!device) {
    if (mode === 'search') throw new ProgramRejectedError('mode search: the device has no search engine (its handshake offers none); use mode validate or auto');
    return { mode: 'validate', reason: 'the device has no search engine' };
  }
  const tables = compileSearchTables(problem.model);
  const over = searchLimitProblem(tables, device.limits);
  if (over) {
    if (mode === 'search') throw new ProgramRejectedError(`mode search: device ${device.deviceId}: ${over}`);
    return { mode: 'validate', reason: over };
  }
  if (mode === 'auto' && nothingSearched(tables, problem.model)) {
    return { mode: 'validate', reason: 'no constraint of the problem is searched' };
  }
  return { mode: 'search', tables, reason: mode === 'search' ? 'asked for' : 'the device offers search and the tables fit' };
}

/**
 * Whether a device can run the problem in `mode`, from its handshake as the device registry holds
 * it: null when it can, else why not (naming the limit). A handshake without the capacities (a
 * test's stand-in device) is taken to fit.
 */
export function deviceFitProblem(
  problem: { model: Model; program: Program },
  handshake: Record<string, unknown> | null,
  mode: SolveMode | undefined,
  searchPlan: () => SearchPlan = lazySearchPlan(problem.model),
): string | null {
  if (!handshake || typeof handshake.maxVars !== 'number') return null;
  const info = handshake as unknown as DeviceInfo;
  const full = () => hasValidator(info)
    ? capacityProblem(problem.program, info)?.message ?? null
    : 'it has no validator (a search-only build): validate mode cannot run on it';
  if (mode === 'validate' || !info.search) {
    if (mode === 'search') return 'it has no search engine (mode search)';
    return full();
  }
  // In search mode the device loads the program without the searched constraints (docs/search.md,
  // "The proof"): that is the program that must fit beside the tables.
  const plan = searchPlan();
  const search = searchLimitProblem(plan.tables, info.search) ?? capacityProblem(plan.program, info)?.message ?? null;
  if (mode === 'search') return search;
  // auto: search when it fits and something is searched (chooseMode), else validate.
  return search === null && !nothingSearched(plan.tables, problem.model) ? null : full();
}
