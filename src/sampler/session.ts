// One onnxruntime InferenceSession per model file and thread count per process, shared by every
// sampler (job) in it. Loading checks the model against the contract (contract.ts).

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession } from 'onnxruntime-node';
import { InputError } from '../model/errors.ts';
import { checkContract, type InputGroup } from './contract.ts';

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/default.onnx', import.meta.url));

export interface LoadedModel {
  path: string;
  session: InferenceSession;
  /** Input groups the model takes ('feedback' when it declares any feedback input). */
  groups: ReadonlySet<InputGroup>;
  /** Every input the model declares. */
  inputs: ReadonlySet<string>;
}

const loaded = new Map<string, Promise<LoadedModel>>();

async function load(path: string, threads: number): Promise<LoadedModel> {
  if (!existsSync(path)) throw new InputError(`model file ${path} does not exist`);
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(path, {
      intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3,
    });
  } catch (err) {
    throw new InputError(`model ${path} cannot be loaded by onnxruntime: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const { groups, names } = checkContract(path, session);
    return { path, session, groups, inputs: names };
  } catch (err) {
    await session.release();
    throw err;
  }
}

/** The shared session for the model file (default: models/default.onnx). */
export function loadModel(modelPath: string = DEFAULT_MODEL_PATH, threads = 1): Promise<LoadedModel> {
  const path = resolve(modelPath);
  const key = `${path}\n${threads}`;
  let entry = loaded.get(key);
  if (!entry) {
    entry = load(path, threads);
    loaded.set(key, entry);
    entry.catch(() => loaded.delete(key)); // a failed load is not cached: the file may be fixed
  }
  return entry;
}
