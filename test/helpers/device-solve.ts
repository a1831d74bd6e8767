// One search-mode job on a real device (the simulator through its pseudo-terminal), the device
// alone (no host tree search beside it): the model compiled, its tables chosen as a worker would,
// the first proven solution kept. Shared by the random-problem tests of every simulator build.

import { compile } from '../../src/model/compile.ts';
import { UnsatisfiableError } from '../../src/model/errors.ts';
import type { Model } from '../../src/model/types.ts';
import type { DeviceSearch } from '../../src/solve/device-search.ts';
import { MemorySink } from '../../src/solve/memory-sink.ts';
import { chooseMode } from '../../src/solve/mode.ts';
import { runSearchLoop } from '../../src/solve/search-loop.ts';
import { emptyStats } from '../../src/solve/types.ts';

export async function solveOnDevice(device: DeviceSearch, model: Model, seed: number) {
  let program;
  try {
    program = compile(model);
  } catch (err) {
    if (err instanceof UnsatisfiableError) throw new Error(`a planted model was found unsatisfiable: ${err.message}`);
    throw err;
  }
  const problem = { model, program };
  const choice = chooseMode('search', problem, device);
  if (choice.mode !== 'search') throw new Error('not in search mode');
  const sink = new MemorySink();
  const now = Date.now();
  const result = await runSearchLoop({ ...problem, tables: choice.tables }, { device, sink }, {
    solutions: 1, alreadyFound: 0, deadline: now + 20_000, startedAt: now, seed, baseStats: emptyStats(), tree: false,
  });
  return { result, sink };
}
